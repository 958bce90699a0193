//! `inspectQueue`: the queue as a person reads it. It runs a step on a copy, so it
//! changes nothing.

use crate::api::args::{Answer, Args};
use crate::api::ops::next::WaitingOut;
use crate::api::read::jobs::jobs_arg;
use crate::api::read::options::options_of;
use crate::api::read::settings::lifecycle_options;
use crate::api::schema;
use crate::api::state::arg::with_queue;
use crate::api::state::write::{CountsOut, ListingOut, PauseOut};
use crate::api::state::write_item::ItemOut;
use crate::api::write::{answer, Iso};
use crate::lifecycle::{self, WaitReason};
use crate::queue::{ActionKind, Item, State};
use serde::Serialize;

/// `inspectQueue(queue, activeJobs, options)`: the queue as a person reads it, for pages
/// and reports: per item its next call, when it is due, and why a queued one waits; the
/// counts per state and when the next call falls due. Changes nothing (no lease).
#[inline(never)]
pub fn inspect_queue(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::LIFECYCLE)?;
    with_queue(a.get(0), |q| {
        q.touched_only(Vec::new());
        let l = lifecycle_options(&o, now_ms, true)?;
        let jobs = jobs_arg(a, 1, "activeJobs", l.jobs_profile)?;
        let (s, now) = (&l.settings, l.payload.now);
        let mut copy = q.clone();
        let st = lifecycle::next(&mut copy, &jobs.active, s, now, &ActionKind::ALL);
        // The copy keeps the items in place: positions in the step are the items'.
        let mut due_now = vec![false; q.items.len()];
        for act in st.actions.iter().filter(|a| !a.is_listing()) {
            due_now[act.pos] = true;
        }
        let mut waits: Vec<Option<&lifecycle::WaitReason>> = vec![None; q.items.len()];
        for (pos, r) in &st.waiting {
            waits[*pos] = Some(r);
        }
        let items = q
            .items
            .iter()
            .enumerate()
            .map(|(pos, i)| {
                let waiting = waits[pos].map(|r| (r, lifecycle::describe(r, i, s, now)));
                InspectedOut::new(i, due_now[pos], waiting)
            })
            .collect();
        answer(&InspectOut {
            counts: CountsOut::from(&**q),
            items,
            listings: q.listings.iter().map(ListingOut::from).collect(),
            pauses: q
                .pauses
                .iter()
                .filter(|p| p.until > now)
                .map(PauseOut::from)
                .collect(),
            requests: crate::bulk::progress(q)
                .iter()
                .map(RequestOut::from)
                .collect(),
            wake_at: st.actions.first().map(|_| now).or(st.wake_at).map(Iso),
        })
    })
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
