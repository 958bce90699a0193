//! Writers of queue states and of what `enqueue`, `enqueueMany`, `drain`, `next`,
//! `record` and `prune` answer. Fields are declared in alphabetical order, as in
//! [`super::write`].

use super::write::{Endpoint, ErrorOut, Iso};
use crate::lifecycle::{self, Action, ListingOutcome, Outcome, Settings, Step, WaitReason};
use crate::profile::Payload;
use crate::queue::{
    ActionKind, Enqueued, Item, LastAnswer, Lease, ListedJob, ListingView, Part, Pause, Queue,
    RateLimit, State,
};
use serde::Serialize;

/// An outstanding call: `{action, client?, runner?, until}`.
#[derive(Debug, Serialize)]
pub struct LeaseOut<'a> {
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    runner: Option<&'a str>,
    until: Iso,
}

impl<'a> From<&'a Lease> for LeaseOut<'a> {
    fn from(l: &'a Lease) -> Self {
        LeaseOut {
            action: l.kind.as_str(),
            client: l.client.as_deref(),
            runner: l.runner.as_deref(),
            until: Iso(l.until),
        }
    }
}

/// Rate-limit headers: `{allowed?, count?, reset?}`.
#[derive(Debug, Serialize)]
pub struct RateLimitOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reset: Option<&'a str>,
}

impl<'a> From<&'a RateLimit> for RateLimitOut<'a> {
    fn from(r: &'a RateLimit) -> Self {
        RateLimitOut {
            allowed: r.allowed.as_deref(),
            count: r.count.as_deref(),
            reset: r.reset.as_deref(),
        }
    }
}

/// The last answer: `{action, at, rateLimit?, status, summary}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastOut<'a> {
    action: &'static str,
    at: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<RateLimitOut<'a>>,
    status: u16,
    summary: &'a str,
}

impl<'a> From<&'a LastAnswer> for LastOut<'a> {
    fn from(l: &'a LastAnswer) -> Self {
        LastOut {
            action: l.kind.as_str(),
            at: Iso(l.at),
            rate_limit: l.rate_limit.as_ref().map(RateLimitOut::from),
            status: l.status,
            summary: &l.summary,
        }
    }
}

/// A pause after a 429: `{action, client?, profile, rateLimit?, reason, until}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PauseOut<'a> {
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    profile: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<RateLimitOut<'a>>,
    reason: &'a str,
    until: Iso,
}

impl<'a> From<&'a Pause> for PauseOut<'a> {
    fn from(p: &'a Pause) -> Self {
        PauseOut {
            action: p.kind.as_str(),
            client: p.client.as_deref(),
            profile: p.profile.name(),
            rate_limit: p.rate_limit.as_ref().map(RateLimitOut::from),
            reason: &p.reason,
            until: Iso(p.until),
        }
    }
}

/// A listed job: `{end?, id, start?, state}`.
#[derive(Debug, Serialize)]
pub struct ListedJobOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Iso>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<Iso>,
    state: &'a str,
}

impl<'a> From<&'a ListedJob> for ListedJobOut<'a> {
    fn from(j: &'a ListedJob) -> Self {
        ListedJobOut {
            end: j.window.map(|w| Iso(w.end)),
            id: &j.id,
            start: j.window.map(|w| Iso(w.start)),
            state: &j.state,
        }
    }
}

/// A listing view: `{at?, jobs, key, lastAnswer?, lease?, notBefore?, profile, retries?,
/// state}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListingOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<Iso>,
    jobs: Vec<ListedJobOut<'a>>,
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_answer: Option<LastOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lease: Option<LeaseOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    profile: &'static str,
    #[serde(skip_serializing_if = "is_zero")]
    retries: u32,
    state: &'a str,
    #[serde(skip_serializing_if = "is_false")]
    used: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl<'a> From<&'a ListingView> for ListingOut<'a> {
    fn from(v: &'a ListingView) -> Self {
        ListingOut {
            at: v.at.map(Iso),
            jobs: v.jobs.iter().map(ListedJobOut::from).collect(),
            key: v.key(),
            last_answer: v.last.as_ref().map(LastOut::from),
            lease: v.lease.as_ref().map(LeaseOut::from),
            not_before: v.not_before.map(Iso),
            profile: v.profile.name(),
            retries: v.retries,
            state: &v.state,
            used: v.used,
        }
    }
}

/// A queue item; a `drain` submission adds its `endpoint` and `payloads`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemOut<'a> {
    attempts: u32,
    channels: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done_at: Option<Iso>,
    #[serde(skip_serializing_if = "is_zero")]
    doubts: u32,
    end: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<Endpoint>,
    enqueued_at: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<&'a str>,
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_answer: Option<LastOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lease: Option<LeaseOut<'a>>,
    lock_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<PartOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payloads: Option<Vec<Payload>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    poll_at: Option<Iso>,
    profile: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<FetchedOut<'a>>,
    #[serde(skip_serializing_if = "is_zero")]
    retries: u32,
    seq: u64,
    start: Iso,
    state: &'static str,
}

/// `{ cursor?, pages }`: how far a job's results were fetched.
#[derive(Debug, Serialize)]
pub struct FetchedOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
    pages: u32,
}

/// `{ count, index, of }`: which part of a bulk request an item is.
#[derive(Debug, Serialize)]
pub struct PartOut<'a> {
    count: u32,
    index: u32,
    of: &'a str,
}

impl<'a> From<&'a Part> for PartOut<'a> {
    fn from(p: &'a Part) -> Self {
        PartOut {
            count: p.count,
            index: p.index,
            of: &p.of,
        }
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl<'a> From<&'a Item> for ItemOut<'a> {
    fn from(i: &'a Item) -> Self {
        ItemOut {
            attempts: i.attempts,
            channels: &i.channels,
            client: i.client.as_deref(),
            done_at: i.done_at.map(Iso),
            doubts: i.doubts,
            end: Iso(i.window.end),
            endpoint: None,
            enqueued_at: Iso(i.enqueued_at),
            job_id: i.job_id.as_deref(),
            key: i.key(),
            last_answer: i.last.as_ref().map(LastOut::from),
            lease: i.lease.as_ref().map(LeaseOut::from),
            lock_key: i.lock_key(),
            not_before: i.not_before.map(Iso),
            part: i.part.as_ref().map(PartOut::from),
            payloads: None,
            poll_at: i.poll_at.map(Iso),
            profile: i.profile.name(),
            reason: i.reason.as_deref(),
            results: i.results.as_ref().map(|r| FetchedOut {
                cursor: r.cursor.as_deref(),
                pages: r.pages,
            }),
            retries: i.retries,
            seq: i.seq,
            start: Iso(i.window.start),
            state: i.state.as_str(),
        }
    }
}

impl<'a> ItemOut<'a> {
    /// The item as `drain` releases it: with where to send it and what.
    pub fn submission(i: &'a Item, payloads: Vec<Payload>) -> Self {
        ItemOut {
            endpoint: Some(Endpoint::from(i.profile)),
            payloads: Some(payloads),
            ..ItemOut::from(i)
        }
    }
}

/// A queue state: `{items, listings?, nextSeq, pauses?, version}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateOut<'a> {
    items: Vec<ItemOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    listings: Vec<ListingOut<'a>>,
    next_seq: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pauses: Vec<PauseOut<'a>>,
    version: u64,
}

impl<'a> From<&'a Queue> for StateOut<'a> {
    fn from(q: &'a Queue) -> Self {
        StateOut {
            items: q.items.iter().map(ItemOut::from).collect(),
            listings: q.listings.iter().map(ListingOut::from).collect(),
            next_seq: q.next_seq,
            pauses: q.pauses.iter().map(PauseOut::from).collect(),
            version: super::read_queue::QUEUE_VERSION,
        }
    }
}

/// The queue an operation answers: its new state, or for a kept queue only its handle
/// (`{"$queue": n}`: the state stays in the core, and is not written at all).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum QueueOut<'a> {
    /// A kept queue's handle.
    Kept {
        /// The handle.
        #[serde(rename = "$queue")]
        handle: u32,
    },
    /// A queue state.
    State(StateOut<'a>),
}

impl<'a> QueueOut<'a> {
    /// The state of `q`, or `handle` when the queue is kept.
    pub fn of(q: &'a Queue, handle: Option<u32>) -> Self {
        match handle {
            Some(handle) => QueueOut::Kept { handle },
            None => QueueOut::State(StateOut::from(q)),
        }
    }
}

/// `enqueue`'s answer.
#[derive(Debug, Serialize)]
pub struct EnqueueOut<'a> {
    /// Whether the request was added (false: a live item has its key).
    pub added: bool,
    /// The queued item (the live one for a duplicate).
    pub item: ItemOut<'a>,
    /// A bulk request's parts, in time order (`item` is the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<PartResult<'a>>>,
    /// When added again after an earlier item with its key ended: how that one ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<&'static str>,
    /// The new queue state.
    pub queue: QueueOut<'a>,
}

/// One part of a bulk request, as `enqueue` reports it: `{added, item, previous?}`.
#[derive(Debug, Serialize)]
pub struct PartResult<'a> {
    added: bool,
    item: ItemOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<&'static str>,
}

impl<'a> From<&'a Enqueued> for PartResult<'a> {
    fn from(e: &'a Enqueued) -> Self {
        PartResult {
            added: e.added,
            item: ItemOut::from(&e.item),
            previous: e.previous.map(|p| p.as_str()),
        }
    }
}

/// One part, with `results: "compact"`: `{added, key, seq}`.
#[derive(Debug, Serialize)]
pub struct CompactPart {
    added: bool,
    key: String,
    seq: u64,
}

impl From<&Enqueued> for CompactPart {
    fn from(e: &Enqueued) -> Self {
        CompactPart {
            added: e.added,
            key: e.item.key(),
            seq: e.item.seq,
        }
    }
}

/// One request's result in `enqueueMany`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EnqueueResult<'a> {
    /// Read: `{added, item, previous?}`.
    Read {
        /// Whether it was added.
        added: bool,
        /// The queued item (boxed: it is much larger than the other variant).
        item: Box<ItemOut<'a>>,
        /// A bulk request's parts.
        #[serde(skip_serializing_if = "Option::is_none")]
        parts: Option<Vec<PartResult<'a>>>,
        /// How an earlier item with its key ended, when there is one.
        #[serde(skip_serializing_if = "Option::is_none")]
        previous: Option<&'static str>,
    },
    /// Read, with `results: "compact"`: `{added, key, seq, previous?}` (the item's key
    /// and seq instead of the item).
    Compact {
        /// Whether it was added.
        added: bool,
        /// The queued item's key (the live one for a duplicate).
        key: String,
        /// A bulk request's parts.
        #[serde(skip_serializing_if = "Option::is_none")]
        parts: Option<Vec<CompactPart>>,
        /// The queued item's seq.
        seq: u64,
        /// How an earlier item with its key ended, when there is one.
        #[serde(skip_serializing_if = "Option::is_none")]
        previous: Option<&'static str>,
    },
    /// Not read: `{added: false, errors}`.
    Bad {
        /// Always false.
        added: bool,
        /// Why.
        errors: Vec<ErrorOut<'a>>,
    },
}

/// `enqueueMany`'s answer.
#[derive(Debug, Serialize)]
pub struct EnqueueManyOut<'a> {
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// One result per request, in order.
    pub results: Vec<EnqueueResult<'a>>,
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

/// How many items are in each state.
#[derive(Debug, Default, Serialize)]
pub struct CountsOut {
    completed: usize,
    executing: usize,
    failed: usize,
    fetching: usize,
    queued: usize,
    ready: usize,
    submitted: usize,
    submitting: usize,
    waiting: usize,
}

impl From<&Queue> for CountsOut {
    fn from(q: &Queue) -> Self {
        let mut c = CountsOut::default();
        for i in &q.items {
            *match i.state {
                State::Queued => &mut c.queued,
                State::Waiting => &mut c.waiting,
                State::Submitting => &mut c.submitting,
                State::Submitted => &mut c.submitted,
                State::Ready => &mut c.ready,
                State::Executing => &mut c.executing,
                State::Fetching => &mut c.fetching,
                State::Completed => &mut c.completed,
                State::Failed => &mut c.failed,
            } += 1;
        }
        c
    }
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

/// `record`'s answer: for an item's call `{action, event, item, queue}`, for a listing's
/// `{action: "list", event, listing, reason?, queue}`.
#[derive(Debug, Serialize)]
pub struct RecordOut<'a> {
    /// The call the answer was to.
    pub action: &'static str,
    /// What happened: submitted, running, ready, executed, completed, retry, resubmit,
    /// found, failed, listed or denied.
    pub event: &'static str,
    /// The item, updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<ItemOut<'a>>,
    /// The listing, updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing: Option<ListingOut<'a>>,
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// Why a listing failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// A results page read: the records to write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultsOut<'a>>,
    /// With the option `changes`: what changed in the queue, as `queueChanges` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesOut<'a>>,
}

/// What one answer did: to an item's call or to a listing's.
#[derive(Debug)]
pub enum Recorded {
    /// An item's call.
    Item(Outcome),
    /// A results call, with the page's records to write.
    Page(Outcome, Vec<serde_json::Value>),
    /// A listing's call.
    Listing(ListingOutcome),
}

impl Recorded {
    /// The results page an item's answer read (none for other answers).
    pub fn results(&self) -> Option<ResultsOut<'_>> {
        match self {
            Recorded::Page(o, kept) => ResultsOut::of(o, kept),
            _ => None,
        }
    }
}

/// A results page as the driver writes it: `{last, page, records, skipped}`, where
/// `records` are the page's records this item owns (to write, in order) and `skipped`
/// counts those an adjacent part of the same bulk request writes.
#[derive(Debug, Serialize)]
pub struct ResultsOut<'a> {
    /// Whether it was the last page.
    pub last: bool,
    /// Which page (from 0).
    pub page: u32,
    /// The records to write.
    pub records: &'a [serde_json::Value],
    /// Records of the page left to an adjacent part.
    pub skipped: usize,
}

impl<'a> ResultsOut<'a> {
    /// The page an outcome read (none when the answer was not a page).
    pub fn of(o: &Outcome, kept: &'a [serde_json::Value]) -> Option<Self> {
        o.page.as_ref().map(|p| ResultsOut {
            last: p.last,
            page: p.index,
            records: kept,
            skipped: p.keep.len() - kept.len(),
        })
    }
}

impl<'a> RecordOut<'a> {
    /// Writes a record's answer.
    pub fn new(o: &'a Recorded, q: &'a Queue, handle: Option<u32>) -> Self {
        let queue = QueueOut::of(q, handle);
        let results = o.results();
        match o {
            Recorded::Item(o) | Recorded::Page(o, _) => RecordOut {
                action: o.kind.as_str(),
                event: o.event.as_str(),
                item: Some(ItemOut::from(&o.item)),
                listing: None,
                queue,
                reason: None,
                results,
                changes: None,
            },
            Recorded::Listing(l) => RecordOut {
                action: "list",
                event: l.event.as_str(),
                item: None,
                listing: Some(ListingOut::from(&l.view)),
                queue,
                reason: l.reason.as_deref(),
                results: None,
                changes: None,
            },
        }
    }
}

/// One answer's result in `recordMany`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum RecordResult<'a> {
    /// Recorded: `{action, event, item}` (a listing's: `{action, event, listing, reason?}`).
    Recorded {
        /// The call the answer was to.
        action: &'static str,
        /// What happened.
        event: &'static str,
        /// The item, updated (boxed: much larger than the other variant).
        #[serde(skip_serializing_if = "Option::is_none")]
        item: Option<Box<ItemOut<'a>>>,
        /// The listing, updated.
        #[serde(skip_serializing_if = "Option::is_none")]
        listing: Option<Box<ListingOut<'a>>>,
        /// Why a listing failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'a str>,
        /// A results page read: the records to write.
        #[serde(skip_serializing_if = "Option::is_none")]
        results: Option<ResultsOut<'a>>,
    },
    /// Not recorded: `{errors}` (e.g. `STALE_ANSWER`).
    Refused {
        /// Why.
        errors: Vec<ErrorOut<'a>>,
    },
}

/// `recordMany`'s answer.
#[derive(Debug, Serialize)]
pub struct RecordManyOut<'a> {
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// One result per answer, in order.
    pub results: Vec<RecordResult<'a>>,
    /// With the option `changes`: what changed in the queue, as `queueChanges` answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<ChangesOut<'a>>,
}

/// One item in `inspectQueue`: the item, its next call and when, and why it waits.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectedOut<'a> {
    /// When its next call falls due (none: final, or free to go at the next step).
    due: Option<Iso>,
    /// Whether a call for it is due now.
    due_now: bool,
    /// Whether it is completed or failed.
    #[serde(rename = "final")]
    is_final: bool,
    #[serde(flatten)]
    item: ItemOut<'a>,
    /// The call it gets next (`submit`, `poll`, `execute`); none while one is outstanding or once final.
    next_call: Option<&'static str>,
    /// `exported`, `failed` or `open`.
    outcome: &'static str,
    /// Why it waits.
    #[serde(skip_serializing_if = "Option::is_none")]
    waiting: Option<WaitingOut<'a>>,
}

impl<'a> InspectedOut<'a> {
    /// Writes one inspected item.
    pub fn new(i: &'a Item, due_now: bool, waiting: Option<(&'a WaitReason, String)>) -> Self {
        InspectedOut {
            due: i.due().map(Iso),
            due_now,
            is_final: i.state.is_final(),
            item: ItemOut::from(i),
            next_call: i.next_call().map(|k| k.as_str()),
            outcome: outcome(i),
            waiting: waiting.map(|(r, text)| WaitingOut::reason(r, text)),
        }
    }
}

/// How an item ended, as reports say it: `exported`, `failed` or `open`.
pub fn outcome(i: &Item) -> &'static str {
    match i.state {
        State::Completed => "exported",
        State::Failed => "failed",
        _ => "open",
    }
}

/// `inspectQueue`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectOut<'a> {
    /// Items per state.
    pub counts: CountsOut,
    /// Each item, in queue order.
    pub items: Vec<InspectedOut<'a>>,
    /// The listings of listable profiles.
    pub listings: Vec<ListingOut<'a>>,
    /// The classes of calls paused after a 429.
    pub pauses: Vec<PauseOut<'a>>,
    /// The bulk requests, each with its parts' progress.
    pub requests: Vec<RequestOut<'a>>,
    /// When the next call falls due (now when one is due; none when every item is final).
    pub wake_at: Option<Iso>,
}

/// A bulk request in `inspectQueue`: `{completed, failed, id, live, outcome, parts}`.
#[derive(Debug, Serialize)]
pub struct RequestOut<'a> {
    completed: usize,
    failed: usize,
    id: &'a str,
    live: usize,
    outcome: &'static str,
    parts: u32,
}

impl<'a> From<&crate::bulk::Progress<'a>> for RequestOut<'a> {
    fn from(p: &crate::bulk::Progress<'a>) -> Self {
        RequestOut {
            completed: p.count(State::Completed),
            failed: p.count(State::Failed),
            id: p.id,
            live: p.live(),
            outcome: p.outcome(),
            parts: p.parts,
        }
    }
}

/// `prune`'s answer.
#[derive(Debug, Serialize)]
pub struct PruneOut<'a> {
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// The items removed, in queue order.
    pub removed: Vec<ItemOut<'a>>,
}

/// One changed item in `queueChanges`: `{due, final, item}`, so that a store can keep
/// an item's due time and finality beside its row without computing them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeOut<'a> {
    due: Option<Iso>,
    #[serde(rename = "final")]
    is_final: bool,
    item: ItemOut<'a>,
}

/// `queueChanges`' answer: `{items, listings?, nextSeq, pauses?, removed, stateChanged,
/// version}`: the items new or changed since the saved state, the seqs removed, and
/// whether what the state holds beside its items changed (its listings and pauses are
/// written only then).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangesOut<'a> {
    items: Vec<ChangeOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    listings: Vec<ListingOut<'a>>,
    next_seq: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pauses: Vec<PauseOut<'a>>,
    removed: Vec<u64>,
    state_changed: bool,
    version: u64,
}

impl<'a> ChangesOut<'a> {
    /// The items of `q` at `changed`, the seqs `removed`, and the rest of the state
    /// (written only when it changed).
    pub fn new(q: &'a Queue, changed: &[usize], removed: Vec<u64>, state_changed: bool) -> Self {
        ChangesOut {
            items: changed
                .iter()
                .map(|&p| {
                    let i = &q.items[p];
                    ChangeOut {
                        due: i.due().map(Iso),
                        is_final: i.state.is_final(),
                        item: ItemOut::from(i),
                    }
                })
                .collect(),
            listings: if state_changed {
                q.listings.iter().map(ListingOut::from).collect()
            } else {
                Vec::new()
            },
            next_seq: q.next_seq,
            pauses: if state_changed {
                q.pauses.iter().map(PauseOut::from).collect()
            } else {
                Vec::new()
            },
            removed,
            state_changed,
            version: super::read_queue::QUEUE_VERSION,
        }
    }
}
