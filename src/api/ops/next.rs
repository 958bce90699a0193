//! `next` and `drain`: one step of the lifecycle (every kind of call, or submits only),
//! with the calls handed out leased in the returned queue.

use crate::api::args::{one, Answer, Args};
use crate::api::obj::Obj;
use crate::api::read::jobs::jobs_arg;
use crate::api::read::options::options_of;
use crate::api::read::settings::{lifecycle_options, Lifecycle};
use crate::api::schema;
use crate::api::state::arg::{with_queue, QueueArg};
use crate::api::state::write::{ChangesOut, CountsOut, QueueOut};
use crate::api::state::write_item::ItemOut;
use crate::api::write::{answer, Iso};
use crate::decide::{self, Request};
use crate::error::{Error, ErrorCode};
use crate::lifecycle::{self, Action, Settings, Step, WaitReason};
use crate::profile::{Payload, PayloadOptions, Profile};
use crate::queue::{ActionKind, Queue};
use serde::Serialize;

/// One submit's body. `next` submits one POST per item; `drain` may split an item by
/// channel (its callers then track the jobs themselves).
pub(crate) fn body(q: &Queue, act: &Action, popts: &PayloadOptions) -> Option<Payload> {
    let item = q.items.get(act.pos).filter(|i| i.seq == act.seq)?;
    Some(item.profile.payload(item.window, &item.channels, popts))
}

/// The released recording EXPORTs need integrationId: refuse the call before any POST.
/// (An action names its item's profile: no search of the queue per action.)
fn check_payloads(step: &Step, popts: &PayloadOptions) -> Result<(), Vec<Error>> {
    for a in step.actions.iter().filter(|a| a.kind == ActionKind::Submit) {
        one(popts.check(a.profile).map_err(|e| e.within("options")))?;
    }
    Ok(())
}

/// What [`step`] gives: the step and the options it ran with.
type Stepped = (Step, Lifecycle);

/// Runs one step of the lifecycle for `next` (every kind) or `drain` (submits).
#[inline(never)]
fn step(
    q: &mut QueueArg,
    a: &Args<'_>,
    o: &Obj<'_>,
    now_ms: i64,
    kinds: &[ActionKind],
    detail: bool,
) -> Result<Stepped, Vec<Error>> {
    let kept = q.handle();
    let mut l = lifecycle_options(o, now_ms, detail)?;
    let jobs = jobs_arg(*a, 1, "activeJobs", l.jobs_profile)?;
    // Without the list (`waiting: false`: only their count), naming each waiting item's
    // blockers would be work thrown away: writing each reason is much of a step's cost in
    // the ServiceNow build (docs/performance.md).
    if !l.waiting && one(o.bool("waitingDetail"))?.is_none() {
        l.settings.waiting_detail = false;
    }
    // `drain` hands out submits only: its caller lists the jobs and passes them.
    if !kinds.contains(&ActionKind::List) && o.get("listing").is_none() {
        l.settings.list_jobs = false;
    }
    let (s, popts) = (&l.settings, &l.payload);
    // The payload check comes after the step has changed the queue: when it can fail
    // (an item of a profile these options cannot build a payload for), keep a copy of a
    // kept queue to put back, so a failed call leaves it as it was.
    // Checked per profile (a handful), then looked up per item.
    let refused = Profile::ALL.map(|p| popts.check(p).is_err());
    let fallible = kept.is_some()
        && refused.contains(&true)
        && q.items
            .iter()
            .any(|i| !i.state.is_final() && refused[i.profile.index()]);
    let before = fallible.then(|| Queue::clone(q));
    let st = lifecycle::next(q, &jobs.active, s, popts.now, kinds);
    if let Err(e) = check_payloads(&st, popts) {
        if let Some(original) = before {
            **q = original;
        }
        return Err(e);
    }
    Ok((st, l))
}

/// The step's calls as `next` answers them, each with its request body. Out of line, as
/// is [`step`], so that `next`'s ES5 form stays within one JVM method
/// (`tests/rhino/compile-check.js`).
#[inline(never)]
fn actions_out<'q>(q: &'q Queue, st: &'q Step, popts: &PayloadOptions) -> Vec<ActionOut<'q>> {
    st.actions
        .iter()
        .map(|act| {
            let body = match act.kind {
                ActionKind::Submit => {
                    body(q, act, popts).and_then(|p| serde_json::to_value(p).ok())
                }
                ActionKind::Execute => act
                    .profile
                    .execute()
                    .map(|e| serde_json::json!({ "state": e.value.state })),
                ActionKind::Poll | ActionKind::Find | ActionKind::List | ActionKind::Results => {
                    None
                }
            };
            ActionOut::new(act, body)
        })
        .collect()
}

/// `next(queue, activeJobs, options)`: the calls due now, and the queue with them leased.
#[inline(never)]
pub fn next(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::LIFECYCLE)?;
    // Refused before the step changes the queue (a kept queue stays as it was).
    if one(o.bool("splitByChannel"))? == Some(true) {
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            o.field("splitByChannel"),
            "next makes one POST per item, so it cannot split by channel: enqueue one \
             request per channel instead",
        )]);
    }
    with_queue(a.get(0), |q| {
        let (st, l) = step(q, &a, &o, now_ms, &ActionKind::ALL, true)?;
        let kept = q.handle();
        let changes = l.changes.then(|| q.changes());
        let actions = actions_out(q, &st, &l.payload);
        answer(&NextOut {
            actions,
            counts: CountsOut::from(&**q),
            done: st.done,
            queue: QueueOut::of(q, kept),
            waiting: l
                .waiting
                .then(|| WaitingOut::all(&st, q, Some((&l.settings, l.payload.now)))),
            waiting_count: (!l.waiting).then_some(st.waiting.len()),
            wake_at: st.wake_at.map(Iso),
            changes: changes.map(|(c, r, sc)| ChangesOut::new(q, &c, r, sc)),
        })
    })
}

/// `drain(queue, activeJobs, options)`: `next` for submits only, in the shape callers
/// of `drain` know. The released items stay in the queue, `submitting`, until their
/// answers are recorded.
#[inline(never)]
pub fn drain(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::LIFECYCLE)?;
    with_queue(a.get(0), |q| {
        let (st, l) = step(q, &a, &o, now_ms, &[ActionKind::Submit], false)?;
        let kept = q.handle();
        let changes = l.changes.then(|| q.changes());
        let detail = l.settings.waiting_detail;
        let submit = st
            .actions
            .iter()
            .filter_map(|act| q.items.get(act.pos).filter(|i| i.seq == act.seq))
            .map(|i| {
                let r = Request {
                    window: i.window,
                    channels: i.channels.clone(),
                    profile: i.profile,
                };
                ItemOut::submission(i, decide::payloads(&r, l.split, &l.payload))
            })
            .collect();
        answer(&DrainOut {
            queue: QueueOut::of(q, kept),
            submit,
            waiting: detail.then(|| WaitingOut::all(&st, q, Some((&l.settings, l.payload.now)))),
            waiting_count: st.waiting.len(),
            changes: changes.map(|(c, r, sc)| ChangesOut::new(q, &c, r, sc)),
        })
    })
}

/// Why an item waits, with what blocks it, in data and in words (`text`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_by: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    #[serde(skip_serializing_if = "String::is_empty")]
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_active: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<u32>,
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    since: Option<Iso>,
    #[serde(skip_serializing_if = "String::is_empty")]
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<Iso>,
}

impl<'a> WaitingOut<'a> {
    /// Writes one `waiting` entry (`text`: the reason in words, empty: not written).
    pub fn new(key: String, reason: &'a WaitReason, text: String) -> Self {
        let mut w = WaitingOut {
            action: None,
            blocked_by: None,
            client: None,
            key,
            max_active: None,
            not_before: None,
            reason: reason.code(),
            part: None,
            since: None,
            text,
            until: None,
        };
        match reason {
            WaitReason::Paused { kind, until } => {
                w.action = Some(kind.as_str());
                w.until = Some(Iso(*until));
            }
            WaitReason::Listing(_) | WaitReason::ResultsFetcher => {}
            WaitReason::CreatorOnly { client, since } => {
                w.client = Some(client.as_str());
                w.since = Some(Iso(*since));
            }
            WaitReason::NotBefore(t) => w.not_before = Some(Iso(*t)),
            // Empty when the step ran without `waitingDetail`: then not written.
            WaitReason::ActiveJobs(ids) if !ids.is_empty() => {
                w.blocked_by = Some(ids.iter().map(String::as_str).collect())
            }
            WaitReason::OverlapsSubmitted(k) | WaitReason::EarlierItem(k) if !k.is_empty() => {
                w.blocked_by = Some(vec![k.as_str()])
            }
            WaitReason::ActiveJobs(_)
            | WaitReason::OverlapsSubmitted(_)
            | WaitReason::EarlierItem(_) => {}
            WaitReason::ConcurrencyLimit(n) | WaitReason::InDoubtLimit(n) => {
                w.max_active = Some(*n)
            }
            WaitReason::EarlierPart(n) => w.part = Some(*n),
        }
        w
    }

    /// A reason alone (its item is given beside it): the key left empty is not written.
    pub fn reason(reason: &'a WaitReason, text: String) -> Self {
        WaitingOut::new(String::new(), reason, text)
    }

    /// Every `waiting` entry of a step on `q`, with its words when `s` is given.
    pub fn all(step: &'a Step, q: &Queue, words: Option<(&Settings, i64)>) -> Vec<Self> {
        step.waiting
            .iter()
            .map(|(pos, reason)| {
                let item = &q.items[*pos];
                let text = words.map_or_else(String::new, |(s, now)| {
                    lifecycle::describe(reason, item, s, now)
                });
                WaitingOut::new(item.key(), reason, text)
            })
            .collect()
    }
}

/// `drain`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainOut<'a> {
    /// The queue, the released items now `submitting` under a lease.
    pub queue: QueueOut<'a>,
    /// The released items, in FIFO order.
    pub submit: Vec<ItemOut<'a>>,
    /// Why each queued item that was not released waits: only with `waitingDetail`
    /// (a large backlog's reasons would be most of the answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Vec<WaitingOut<'a>>>,
    /// How many queued items were not released.
    pub waiting_count: usize,
    /// With the option `changes`: what changed in the queue, as `queueChanges` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesOut<'a>>,
}

/// One call for the driver: `{body?, due, jobId?, key, kind, leaseUntil, method, path,
/// profile, seq?, state?}` (a listing has a state and no seq).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<serde_json::Value>,
    due: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<&'a str>,
    key: &'a str,
    kind: &'static str,
    lease_until: Iso,
    method: &'static str,
    path: String,
    profile: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<u32>,
}

impl<'a> ActionOut<'a> {
    /// Writes an action with its body (`None` for a GET).
    pub fn new(a: &'a Action, body: Option<serde_json::Value>) -> Self {
        ActionOut {
            body,
            due: Iso(a.due),
            job_id: a.job_id.as_deref(),
            key: &a.key,
            kind: a.kind.as_str(),
            lease_until: Iso(a.lease_until),
            method: a.method(),
            path: a.path(),
            profile: a.profile.name(),
            seq: (!a.is_listing()).then_some(a.seq),
            state: a.state.as_deref(),
            page: (a.kind == ActionKind::Results).then_some(a.page),
        }
    }
}

/// `next`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextOut<'a> {
    /// The calls to make now.
    pub actions: Vec<ActionOut<'a>>,
    /// Items per state, after this step.
    pub counts: CountsOut,
    /// The queue with the calls leased: save it before making them.
    pub queue: QueueOut<'a>,
    /// Whether the caller is done (the watched items final, and no live recording job its
    /// client created nor a submit in flight under its client on a listable profile).
    pub done: bool,
    /// For each live item held back, why it waits (not with the option `waiting: false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Vec<WaitingOut<'a>>>,
    /// With the option `waiting: false`: how many live items are held back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_count: Option<usize>,
    /// When to call `next` again (`null`: every item is completed or failed).
    pub wake_at: Option<Iso>,
    /// With the option `changes`: what changed in the queue, as `queueChanges` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesOut<'a>>,
}
