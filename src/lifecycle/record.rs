//! Reading the answer to one handed-out call and moving the item on.

use super::release::unclaimed;
use super::Settings;
use crate::backoff::{self, RetryAction};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::{Phase, Profile};
use crate::queue::{
    ActionKind, Fetched, Item, LastAnswer, Lease, ListedJob, ListingView, Pause, Queue, RateLimit,
    State,
};
use crate::time::{format_ms, Window};

/// A successful (2xx) answer read as the profile's job model (`readJob`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The job id, when the answer carries one.
    pub job_id: Option<String>,
    /// The canonical state, when the answer carries one (a details job's create answer
    /// does not: it is queued).
    pub state: Option<String>,
    /// The state's phase.
    pub phase: Phase,
    /// The job's `errorMessage`.
    pub message: Option<String>,
}

/// A job from the API's listing, for a `find`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its id.
    pub id: String,
    /// Its canonical state.
    pub state: String,
    /// The state's phase.
    pub phase: Phase,
    /// Its interval.
    pub window: Window,
}

/// The answer to a call, as far as the lifecycle cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 2xx to a submit, poll or execute.
    Job(JobAnswer),
    /// 2xx to a find: the jobs listed (those with an interval).
    Listing(u16, Vec<Listed>),
    /// 2xx to a list: the jobs listed, with or without an interval.
    Jobs(u16, Vec<ListedJob>),
    /// 2xx to a results call: each record's start (epoch ms, when it has one), and the
    /// next page's cursor (none on the last page).
    Page(u16, Vec<Option<i64>>, Option<String>),
    /// 2xx whose body is not what the call returns: the reason.
    Unreadable(u16, String),
    /// Any other status (0: no response), with the error body's message.
    Error(backoff::Response, Option<String>),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Answer::Job(j) => j.status,
            Answer::Listing(s, _)
            | Answer::Jobs(s, _)
            | Answer::Page(s, ..)
            | Answer::Unreadable(s, _) => *s,
            Answer::Error(r, _) => r.status,
        }
    }
}

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The job was created; it will be polled.
    Submitted,
    /// The job is still running.
    Running,
    /// A recording job is READY: it will be executed.
    Ready,
    /// The execute call was accepted.
    Executed,
    /// The export is done.
    Completed,
    /// The same call will be made again after a delay (a transient error).
    Retry,
    /// The request will be submitted again (409/429/5xx on the POST, a FAILED or
    /// vanished job, a lost answer that no listing explains).
    Resubmit,
    /// A lost create answer was explained: the job was found in the listing (the item's
    /// state is the job's: submitted, ready or completed).
    Found,
    /// Given up, with the reason.
    Failed,
    /// A listing was read: the queue's view of the profile's active jobs is fresh.
    Listed,
    /// The job finished: its results will be fetched, page by page.
    Fetching,
    /// A page of results was read; more follow.
    Page,
    /// The API refused the caller (401 or 403): nothing was given up, the item keeps its
    /// place, and the driver should stop and report the credentials.
    Denied,
}

impl Event {
    /// The name in the JS contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Submitted => "submitted",
            Event::Running => "running",
            Event::Ready => "ready",
            Event::Executed => "executed",
            Event::Completed => "completed",
            Event::Retry => "retry",
            Event::Resubmit => "resubmit",
            Event::Found => "found",
            Event::Failed => "failed",
            Event::Listed => "listed",
            Event::Fetching => "fetching",
            Event::Page => "page",
            Event::Denied => "denied",
        }
    }
}

/// What [`record`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The call the answer was to.
    pub kind: ActionKind,
    /// What happened.
    pub event: Event,
    /// The item, updated.
    pub item: Item,
    /// For a results page: which records to write.
    pub page: Option<PageOutcome>,
}

/// A page of results as [`record`] read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOutcome {
    /// Which page (from 0).
    pub index: u32,
    /// Per record of the page, whether to write it: a record that an adjacent part of
    /// the same bulk request also returns is written by the part its start falls in.
    pub keep: Vec<bool>,
    /// Whether it was the last page.
    pub last: bool,
}

/// Whether a record that started at `start` belongs to `item`'s results: each part of a
/// bulk request owns the records that start in its window (the first part also those that
/// started before the request, the last those after it); a whole request owns all.
pub fn owns(item: &Item, start: Option<i64>) -> bool {
    match (&item.part, start) {
        (Some(p), Some(t)) => {
            (p.index == 1 || t >= item.window.start) && (p.index == p.count || t < item.window.end)
        }
        _ => true,
    }
}

fn summary(answer: &Answer) -> String {
    let text = match answer {
        Answer::Job(j) => match (&j.state, &j.job_id) {
            (Some(s), Some(id)) => format!("{s} {id}"),
            (Some(s), None) => s.clone(),
            (None, Some(id)) => format!("created {id}"),
            (None, None) => String::new(),
        },
        Answer::Listing(_, jobs) => format!("{} job(s) listed", jobs.len()),
        Answer::Page(_, records, _) => format!("{} record(s)", records.len()),
        Answer::Jobs(_, jobs) => format!("{} job(s) listed", jobs.len()),
        Answer::Unreadable(_, m) => m.clone(),
        Answer::Error(r, m) => m.clone().or_else(|| r.code.clone()).unwrap_or_else(|| {
            if r.status == 0 {
                "no response".into()
            } else {
                String::new()
            }
        }),
    };
    text.chars().take(200).collect()
}

/// The error for an answer nobody waits for.
fn stale(key: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::StaleAnswer,
        "key",
        format!(
            "{why} ({:?}): the answer is late (its lease expired and the call was handed \
             out again) or was recorded already; drop it and call next",
            key.chars().take(120).collect::<String>()
        ),
    )
}

/// Which call an answer answers, as its action said: its kind and, for a results call,
/// its page. A driver that says so has a late answer refused instead of taken for the
/// call handed out since (a page read twice would be written twice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answering {
    /// The action's kind (`None`: not said).
    pub kind: Option<ActionKind>,
    /// The action's page (`None`: not said).
    pub page: Option<u32>,
}

/// The outstanding call of the live item with `key`, when it is the call `answering`
/// describes.
pub fn outstanding(q: &Queue, key: &str, answering: Answering) -> Result<(usize, ActionKind)> {
    let pos = q
        .live_position(key)
        .ok_or_else(|| stale(key, "no live item has this key"))?;
    let item = &q.items[pos];
    let lease = item
        .lease
        .as_ref()
        .ok_or_else(|| stale(key, "the item has no call outstanding"))?;
    if let Some(kind) = answering.kind.filter(|k| *k != lease.kind) {
        return Err(stale(
            key,
            &format!(
                "the item's outstanding call is a {}, not this {}",
                lease.kind.as_str(),
                kind.as_str()
            ),
        ));
    }
    let expected = item.results.as_ref().map_or(0, |r| r.pages);
    if let Some(page) = answering
        .page
        .filter(|p| lease.kind == ActionKind::Results && *p != expected)
    {
        return Err(stale(
            key,
            &format!("the item waits for results page {expected}, not page {page}"),
        ));
    }
    Ok((pos, lease.kind))
}

/// Records the answer to the outstanding call of the live item with `key`.
pub fn record(q: &mut Queue, key: &str, answer: Answer, s: &Settings, now: i64) -> Result<Outcome> {
    record_reply(q, key, Answering::default(), answer, None, s, now)
}

/// A 401 or 403: who refused, in words.
fn denial(status: u16, kind: ActionKind, message: Option<&str>) -> String {
    let what = if status == 401 {
        "the API needs valid credentials (no token, or a token it does not accept)"
    } else {
        "the credentials lack a permission this call needs"
    };
    with_message(
        &format!("{status} to the {}: {what}", kind.as_str()),
        message,
    )
}

/// The pause a 429 to a call of `kind` sets for its whole class (profile, kind, client):
/// until its `Retry-After` (or the policy's delay without one), within the policy's
/// ceiling.
fn pause_after_429(
    profile: Profile,
    kind: ActionKind,
    r: &backoff::Response,
    rate_limit: Option<RateLimit>,
    retries: u32,
    s: &Settings,
    now: i64,
) -> Pause {
    let reference = r
        .date
        .as_deref()
        .and_then(|d| backoff::parse_http_date(d, now))
        .unwrap_or(now);
    let delay = r
        .retry_after
        .as_deref()
        .and_then(|v| backoff::parse_retry_after(v, reference))
        .unwrap_or_else(|| s.policy.delay(retries.max(1)))
        .min(s.policy.max_retry_after_ms);
    let until = now.saturating_add(delay as i64);
    Pause {
        profile,
        kind,
        client: s.client.clone(),
        until,
        reason: format!(
            "429 to a {} of {}: every {} of it waits until {}",
            kind.as_str(),
            profile.name(),
            kind.as_str(),
            format_ms(until)
        ),
        rate_limit,
    }
}

/// Adds a pause, or extends the one of its class.
fn add_pause(q: &mut Queue, pause: Pause) {
    match q
        .pauses
        .iter_mut()
        .find(|p| p.profile == pause.profile && p.kind == pause.kind && p.client == pause.client)
    {
        Some(p) if p.until >= pause.until => {}
        Some(p) => *p = pause,
        None => q.pauses.push(pause),
    }
}

/// [`record`], with the rate-limit headers the answer carried.
pub fn record_reply(
    q: &mut Queue,
    key: &str,
    answering: Answering,
    answer: Answer,
    rate_limit: Option<RateLimit>,
    s: &Settings,
    now: i64,
) -> Result<Outcome> {
    let (pos, kind) = outstanding(q, key, answering)?;
    let pause = match &answer {
        Answer::Error(r, _) if r.status == 429 => {
            let item = &q.items[pos];
            Some(pause_after_429(
                item.profile,
                kind,
                r,
                rate_limit.clone(),
                item.retries.max(item.attempts),
                s,
                now,
            ))
        }
        _ => None,
    };
    let paused_until = pause.map(|p| {
        let class = (p.profile, p.kind, p.client.clone());
        add_pause(q, p);
        // The class's pause as it stands now: an earlier, longer one is kept.
        q.pauses
            .iter()
            .filter(|x| (x.profile, x.kind, x.client.clone()) == class)
            .map(|x| x.until)
            .max()
            .unwrap_or(now)
    });
    let claimable = match &answer {
        Answer::Listing(_, jobs) => jobs
            .iter()
            .find(|j| j.window == q.items[pos].window && unclaimed(q, &q.items[pos], &j.id))
            .cloned(),
        _ => None,
    };
    let item = &mut q.items[pos];
    let lease = item.lease.take();
    item.last = Some(LastAnswer {
        at: now,
        kind,
        status: answer.status(),
        summary: summary(&answer),
        rate_limit,
    });
    let mut page = None;
    let event = match (kind, answer) {
        (ActionKind::Results, Answer::Page(_, starts, cursor)) => {
            let (event, outcome) = page_read(item, &starts, cursor, now);
            page = Some(outcome);
            event
        }
        (_, Answer::Error(r, message)) if matches!(r.status, 401 | 403) => {
            denied(item, kind, r.status, message.as_deref(), lease, s, now)
        }
        (ActionKind::Find, Answer::Listing(..)) => match claimable {
            Some(j) => {
                item.job_id = Some(j.id);
                item.client = lease.and_then(|l| l.client);
                item.retries = 0;
                // Found: whatever its phase (the item's state says where it is now),
                // unless it had failed and is resubmitted or given up.
                match on_phase(item, j.phase, None, s, now) {
                    e @ (Event::Resubmit | Event::Failed) => e,
                    _ => Event::Found,
                }
            }
            None => resubmit(
                item,
                "no answer to the submit was recorded and no listed job matches; resubmitting"
                    .into(),
                now,
                s,
            ),
        },
        (_, Answer::Job(j)) => job_answered(item, kind, j, lease, s, now),
        (ActionKind::Submit, Answer::Unreadable(status, m)) => item_failed(
            item,
            format!("{status} to the submit, but its answer could not be read ({m}): a job may exist; check before enqueueing again"),
            now,
        ),
        (ActionKind::Submit, Answer::Error(r, message)) => {
            submit_error(item, r, message, lease, s, now)
        }
        (_, Answer::Error(r, message)) if r.status == 404 && kind != ActionKind::Find => {
            let id = item.job_id.take().unwrap_or_default();
            resubmit(
                item,
                with_message(&format!("job {id} vanished (404)"), message.as_deref()),
                now,
                s,
            )
        }
        (ActionKind::Execute, Answer::Error(r, _)) if matches!(r.status, 400 | 409) => {
            // Not READY any more (executed by an earlier call whose answer was lost?): poll.
            item.state = State::Executing;
            item.poll_at = Some(now);
            Event::Retry
        }
        (_, Answer::Unreadable(_, m)) => transient(item, kind, &m, 500, s, now),
        (_, Answer::Error(r, message)) => {
            let why = message.or(r.code.clone()).unwrap_or_default();
            if matches!(r.status, 0 | 429 | 500..=599) {
                transient(item, kind, &why, r.status, s, now)
            } else if kind == ActionKind::Find {
                resubmit(
                    item,
                    format!("the listing answered {}: {why}; resubmitting", r.status),
                    now,
                    s,
                )
            } else {
                item_failed(
                    item,
                    format!("{} to the {}: {why}", r.status, kind.as_str()),
                    now,
                )
            }
        }
        (_, Answer::Listing(..) | Answer::Jobs(..) | Answer::Page(..)) => {
            transient(item, kind, "the answer is not one of this call", 500, s, now)
        }
    };
    if let Some(until) = paused_until {
        due_after_pause(&mut q.items[pos], until);
    }
    Ok(Outcome {
        kind,
        event,
        item: q.items[pos].clone(),
        page,
    })
}

/// A 401 or 403: nothing is given up for want of credentials, the item keeps its place.
/// A results page read: the item's progress moves on, and the page says which of its
/// records to write.
#[inline(never)]
fn page_read(
    item: &mut Item,
    starts: &[Option<i64>],
    cursor: Option<String>,
    now: i64,
) -> (Event, PageOutcome) {
    let read = item.results.get_or_insert(Fetched {
        pages: 0,
        cursor: None,
    });
    let index = read.pages;
    read.pages = read.pages.saturating_add(1);
    read.cursor = cursor.filter(|c| !c.is_empty());
    let last = read.cursor.is_none();
    item.retries = 0;
    item.reason = None;
    let page = PageOutcome {
        index,
        keep: starts.iter().map(|t| owns(item, *t)).collect(),
        last,
    };
    let event = if last {
        item.state = State::Completed;
        item.poll_at = None;
        item.done_at = Some(now);
        Event::Completed
    } else {
        item.poll_at = Some(now);
        Event::Page
    };
    (event, page)
}

/// A job's answer (to a submit, a poll or an execute) read.
#[inline(never)]
fn job_answered(
    item: &mut Item,
    kind: ActionKind,
    j: JobAnswer,
    lease: Option<Lease>,
    s: &Settings,
    now: i64,
) -> Event {
    if j.job_id.is_some() {
        item.job_id = j.job_id;
    }
    if kind == ActionKind::Submit {
        item.client = lease.and_then(|l| l.client).or_else(|| s.client.clone());
    }
    item.retries = 0;
    item.reason = None;
    let phase = j.phase;
    if item.job_id.is_none() {
        item_failed(item, "the answer carries no job id".into(), now)
    } else {
        let e = on_phase(item, phase, j.message, s, now);
        match (kind, e) {
            (ActionKind::Submit, Event::Running) => Event::Submitted,
            (ActionKind::Execute, Event::Running) => Event::Executed,
            (_, e) => e,
        }
    }
}

#[inline(never)]
fn denied(
    item: &mut Item,
    kind: ActionKind,
    status: u16,
    message: Option<&str>,
    lease: Option<Lease>,
    s: &Settings,
    now: i64,
) -> Event {
    item.reason = Some(denial(status, kind, message));
    match kind {
        ActionKind::Submit => {
            item.state = State::Queued;
            item.attempts = item.attempts.saturating_sub(1);
        }
        ActionKind::Find => item.lease = lease.map(|l| Lease { until: now, ..l }),
        ActionKind::Execute => {
            item.state = State::Ready;
            item.poll_at = Some(now.saturating_add(s.poll_ms as i64));
        }
        _ => item.poll_at = Some(now.saturating_add(s.poll_ms as i64)),
    }
    Event::Denied
}

/// An error answer to a submit: looked for where the API lists jobs and no answer came,
/// else submitted again as the backoff policy says, or failed.
#[inline(never)]
fn submit_error(
    item: &mut Item,
    mut r: backoff::Response,
    message: Option<String>,
    lease: Option<Lease>,
    s: &Settings,
    now: i64,
) -> Event {
    r.profile = Some(item.profile);
    if r.status == 0 && item.profile.listing().value.is_some() {
        // The POST may have created a job: look for it before resubmitting.
        item.state = State::Submitting;
        item.lease = lease.map(|l| Lease {
            kind: ActionKind::Find,
            until: now,
            ..l
        });
        Event::Retry
    } else {
        let v = backoff::next_retry(u64::from(item.attempts.max(1)), &r, &s.policy, now);
        let why = with_message(&v.reason, message.as_deref());
        match v.action {
            RetryAction::Retry | RetryAction::Recheck => {
                item.state = State::Waiting;
                item.job_id = None;
                item.not_before = Some(now.saturating_add(v.delay_ms.unwrap_or(0) as i64));
                item.reason = Some(why);
                Event::Resubmit
            }
            RetryAction::GiveUp | RetryAction::Done => item_failed(item, why, now),
        }
    }
}

/// After a 429, the item's next call (of the paused kind) waits for the pause: its own
/// due time says so, rather than the policy's shorter delay. Out of line, as are the
/// other steps above and `on_phase` and `transient`, so that the ES5 form of
/// [`record_reply`] stays within one JVM method: past it, Rhino interprets the whole
/// script (`tests/rhino/compile-check.js`).
#[inline(never)]
fn due_after_pause(item: &mut Item, until: i64) {
    match item.state {
        State::Waiting => item.not_before = item.not_before.map(|t| t.max(until)),
        State::Submitted | State::Ready | State::Executing | State::Fetching => {
            item.poll_at = item.poll_at.map(|t| t.max(until));
        }
        _ => {}
    }
}

fn with_message(reason: &str, message: Option<&str>) -> String {
    match message.filter(|m| !m.is_empty()) {
        Some(m) => format!("{reason} ({})", m.chars().take(200).collect::<String>()),
        None => reason.to_string(),
    }
}

/// Moves the item to the job's phase.
#[inline(never)]
fn on_phase(
    item: &mut Item,
    phase: Phase,
    message: Option<String>,
    s: &Settings,
    now: i64,
) -> Event {
    match phase {
        Phase::Active => {
            item.state = State::Submitted;
            item.poll_at = Some(now.saturating_add(s.poll_ms as i64));
            Event::Running
        }
        Phase::Ready => {
            item.state = State::Ready;
            item.poll_at = Some(now);
            Event::Ready
        }
        Phase::Completed if s.fetch_results && item.profile.results().value.is_some() => {
            item.state = State::Fetching;
            item.poll_at = Some(now);
            item.reason = None;
            item.results = Some(Fetched {
                pages: 0,
                cursor: None,
            });
            Event::Fetching
        }
        Phase::Completed => {
            item.state = State::Completed;
            item.poll_at = None;
            item.reason = None;
            item.done_at = Some(now);
            Event::Completed
        }
        Phase::Failed => {
            let id = item.job_id.take().unwrap_or_default();
            let why = with_message(&format!("job {id} failed"), message.as_deref());
            resubmit(item, why, now, s)
        }
    }
}

/// Submits again after the policy's delay, or fails once the attempts are used up.
fn resubmit(item: &mut Item, why: String, now: i64, s: &Settings) -> Event {
    item.poll_at = None;
    item.retries = 0;
    if item.attempts >= s.policy.max_attempts {
        let why = format!(
            "{why}; attempts exhausted ({} of maxAttempts {})",
            item.attempts, s.policy.max_attempts
        );
        return item_failed(item, why, now);
    }
    item.job_id = None;
    item.results = None;
    item.state = State::Waiting;
    let delay = if item.attempts == 0 {
        0
    } else {
        s.policy.delay(item.attempts)
    };
    item.not_before = Some(now.saturating_add(delay as i64));
    item.reason = Some(why);
    Event::Resubmit
}

/// The same call again after the policy's delay for `retries` transient errors in a row.
/// Never gives up on a job that exists: the delay stops growing at the policy's cap.
#[inline(never)]
fn transient(
    item: &mut Item,
    kind: ActionKind,
    why: &str,
    status: u16,
    s: &Settings,
    now: i64,
) -> Event {
    item.retries = item.retries.saturating_add(1);
    let delay = s
        .policy
        .delay(item.retries.min(s.policy.max_attempts.max(1)));
    let at = now.saturating_add(delay as i64);
    match kind {
        ActionKind::Submit => {
            item.state = State::Waiting;
            item.not_before = Some(at);
        }
        ActionKind::Find => {
            item.lease = Some(Lease {
                kind,
                until: at,
                client: s.client.clone(),
                runner: s.runner.clone(),
            });
        }
        ActionKind::Execute => {
            item.state = State::Ready;
            item.poll_at = Some(at);
        }
        ActionKind::Poll | ActionKind::List | ActionKind::Results => item.poll_at = Some(at),
    }
    item.reason = Some(format!(
        "{status} to the {}{}{}; trying again",
        kind.as_str(),
        if why.is_empty() { "" } else { ": " },
        why.chars().take(200).collect::<String>()
    ));
    Event::Retry
}

fn item_failed(item: &mut Item, why: String, now: i64) -> Event {
    item.state = State::Failed;
    item.poll_at = None;
    item.lease = None;
    item.reason = Some(why);
    item.done_at = Some(now);
    Event::Failed
}

/// What [`record_listing`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingOutcome {
    /// What happened: listed, retry or denied.
    pub event: Event,
    /// The view, updated.
    pub view: ListingView,
    /// Why it failed, when it did.
    pub reason: Option<String>,
}

/// The outstanding listing with `key` (`list|profile|state`).
pub fn outstanding_listing(q: &Queue, key: &str) -> Result<usize> {
    let pos = q
        .listings
        .iter()
        .position(|v| v.key() == key)
        .ok_or_else(|| stale(key, "no listing has this key"))?;
    if q.listings[pos].lease.is_none() {
        return Err(stale(key, "the listing has no call outstanding"));
    }
    Ok(pos)
}

/// Records the answer to a listing call: the queue's view of the profile's jobs in that
/// state. A failed listing is tried again after the policy's delay (and a 429 pauses
/// the listings of its class); a 4xx refuses the caller: `denied`, as the run cannot
/// decide the profile's items without the listing.
pub fn record_listing(
    q: &mut Queue,
    key: &str,
    answer: Answer,
    rate_limit: Option<RateLimit>,
    s: &Settings,
    now: i64,
) -> Result<ListingOutcome> {
    let pos = outstanding_listing(q, key)?;
    let profile = q.listings[pos].profile;
    if let Answer::Error(r, _) = &answer {
        if r.status == 429 {
            let retries = q.listings[pos].retries.saturating_add(1);
            let p = pause_after_429(
                profile,
                ActionKind::List,
                r,
                rate_limit.clone(),
                retries,
                s,
                now,
            );
            add_pause(q, p);
        }
    }
    let v = &mut q.listings[pos];
    v.lease = None;
    v.last = Some(LastAnswer {
        at: now,
        kind: ActionKind::List,
        status: answer.status(),
        summary: summary(&answer),
        rate_limit,
    });
    let (event, reason) = match answer {
        Answer::Jobs(_, jobs) => {
            v.jobs = jobs;
            v.used = false;
            v.at = Some(now);
            v.retries = 0;
            v.not_before = None;
            (Event::Listed, None)
        }
        Answer::Error(r, message) if (400..500).contains(&r.status) && r.status != 429 => {
            v.not_before = Some(now.saturating_add(s.poll_ms as i64));
            let why = if matches!(r.status, 401 | 403) {
                denial(r.status, ActionKind::List, message.as_deref())
            } else {
                with_message(
                    &format!(
                        "{} to the listing of {}: the listing is refused, so its items cannot be decided",
                        r.status,
                        profile.name()
                    ),
                    message.as_deref(),
                )
            };
            (Event::Denied, Some(why))
        }
        other => {
            v.retries = v.retries.saturating_add(1);
            let delay = s.policy.delay(v.retries.min(s.policy.max_attempts.max(1)));
            v.not_before = Some(now.saturating_add(delay as i64));
            let why = match &other {
                Answer::Error(r, m) => with_message(
                    &format!(
                        "{} to the listing of {}; trying again",
                        r.status,
                        profile.name()
                    ),
                    m.as_deref().or(r.code.as_deref()),
                ),
                a => format!(
                    "the listing of {} could not be read ({}); trying again",
                    profile.name(),
                    summary(a)
                ),
            };
            (Event::Retry, Some(why))
        }
    };
    Ok(ListingOutcome {
        event,
        view: q.listings[pos].clone(),
        reason,
    })
}
