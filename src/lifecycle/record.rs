//! Reading the answer to one handed-out call and moving the item on.

use super::release::unclaimed;
use super::Settings;
use crate::backoff::{self, RetryAction};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Phase;
use crate::queue::{ActionKind, Item, LastAnswer, Lease, Queue, State};
use crate::time::Window;

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
    /// 2xx to a find: the jobs listed.
    Listing(u16, Vec<Listed>),
    /// 2xx whose body is not what the call returns: the reason.
    Unreadable(u16, String),
    /// Any other status (0: no response), with the error body's message.
    Error(backoff::Response, Option<String>),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Answer::Job(j) => j.status,
            Answer::Listing(s, _) | Answer::Unreadable(s, _) => *s,
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

/// The outstanding call of the live item with `key`.
pub fn outstanding(q: &Queue, key: &str) -> Result<(usize, ActionKind)> {
    let pos = q
        .live_position(key)
        .ok_or_else(|| stale(key, "no live item has this key"))?;
    let lease = q.items[pos]
        .lease
        .ok_or_else(|| stale(key, "the item has no call outstanding"))?;
    Ok((pos, lease.kind))
}

/// Records the answer to the outstanding call of the live item with `key`.
pub fn record(q: &mut Queue, key: &str, answer: Answer, s: &Settings, now: i64) -> Result<Outcome> {
    let (pos, kind) = outstanding(q, key)?;
    let claimable = match &answer {
        Answer::Listing(_, jobs) => jobs
            .iter()
            .find(|j| j.window == q.items[pos].window && unclaimed(q, &q.items[pos], &j.id))
            .cloned(),
        _ => None,
    };
    let item = &mut q.items[pos];
    item.lease = None;
    item.last = Some(LastAnswer {
        at: now,
        kind,
        status: answer.status(),
        summary: summary(&answer),
    });
    let event = match (kind, answer) {
        (ActionKind::Find, Answer::Listing(..)) => match claimable {
            Some(j) => {
                item.job_id = Some(j.id);
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
        (_, Answer::Job(j)) => {
            if j.job_id.is_some() {
                item.job_id = j.job_id;
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
        (ActionKind::Submit, Answer::Unreadable(status, m)) => item_failed(
            item,
            format!("{status} to the submit, but its answer could not be read ({m}): a job may exist; check before enqueueing again"),
            now,
        ),
        (ActionKind::Submit, Answer::Error(mut r, message)) => {
            r.profile = Some(item.profile);
            if r.status == 0 && item.profile.listing().value.is_some() {
                // The POST may have created a job: look for it before resubmitting.
                item.state = State::Submitting;
                item.lease = Some(Lease {
                    kind: ActionKind::Find,
                    until: now,
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
        (_, Answer::Listing(..)) => transient(item, kind, "a listing answered a job call", 500, s, now),
    };
    Ok(Outcome {
        kind,
        event,
        item: q.items[pos].clone(),
    })
}

fn with_message(reason: &str, message: Option<&str>) -> String {
    match message.filter(|m| !m.is_empty()) {
        Some(m) => format!("{reason} ({})", m.chars().take(200).collect::<String>()),
        None => reason.to_string(),
    }
}

/// Moves the item to the job's phase.
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
            item.lease = Some(Lease { kind, until: at });
        }
        ActionKind::Execute => {
            item.state = State::Ready;
            item.poll_at = Some(at);
        }
        _ => item.poll_at = Some(at),
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
