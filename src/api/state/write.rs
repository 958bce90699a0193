//! Writing a queue state, its counts and its changes. Fields are declared in
//! alphabetical order, as in [`crate::api::write`](mod@crate::api::write).

use crate::api::state::read::QUEUE_VERSION;
use crate::api::state::write_item::{
    is_zero, ItemOut, LastOut, LeaseOut, ListedJobOut, RateLimitOut,
};
use crate::api::write::Iso;
use crate::queue::{ListingView, Pause, Queue, State};
use serde::Serialize;

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
            version: QUEUE_VERSION,
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
            version: QUEUE_VERSION,
        }
    }
}
