//! `record` and `recordMany`: an answer (or a step's answers) to the calls `next` handed
//! out, and what each did to its item. Reading each answer is [`crate::api::ops::reply`].

use crate::api::args::{one, Answer, Args, MAX_ERRORS};
use crate::api::limits::{self, too_many};
use crate::api::obj::{type_name, Obj};
use crate::api::ops::reply::ResultsOut;
use crate::api::ops::reply::{call_of, record_one, Recorded};
use crate::api::read::options::options_of;
use crate::api::read::settings::lifecycle_options;
use crate::api::schema;
use crate::api::state::arg::with_queue;
use crate::api::state::write::{ChangesOut, ListingOut, QueueOut};
use crate::api::state::write_item::ItemOut;
use crate::api::write::{answer, ErrorOut};
use crate::error::{Error, ErrorCode};
use crate::lifecycle::Settings;
use crate::queue::Queue;
use serde::Serialize;
use serde_json::Value;

/// `record(queue, action, response, options)`: the answer to the item's outstanding call
/// (`action` as next handed it out, or its key).
#[inline(never)]
pub fn record(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(3), &schema::LIFECYCLE)?;
    with_queue(a.get(0), |q| {
        let kept = q.handle();
        let call = call_of(a.get(1), "action")?;
        // Read before the answer changes the queue: a failing call leaves it as it was.
        let l = lifecycle_options(&o, now_ms, true)?;
        let (s, now, want_changes) = (&l.settings, l.payload.now, l.changes);
        let outcome = record_one(q, &call, a.get(2), "response", s, now)?;
        if let Recorded::Item(o) | Recorded::Page(o, _) = &outcome {
            // An item's answer changes that item (and the pauses) alone.
            q.touched_only(vec![o.item.seq]);
        }
        let changes = want_changes.then(|| q.changes());
        let mut out = RecordOut::new(&outcome, q, kept);
        out.changes = changes.map(|(c, r, sc)| ChangesOut::new(q, &c, r, sc));
        answer(&out)
    })
}

/// `recordMany(queue, answers, options)`: `record` for a step's answers
/// (`[{ action, response }]`, or `key` for `action`), reading and writing the queue once. An answer that cannot be
/// recorded (late, or malformed) gets its error in its place; the others are recorded.
#[inline(never)]
pub fn record_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::LIFECYCLE)?;
    with_queue(a.get(0), |q| {
        let kept = q.handle();
        let list = match a.get(1) {
            Some(Value::Array(list)) => list,
            other => {
                return Err(vec![Error::new(
                    ErrorCode::InvalidArgument,
                    "answers",
                    format!(
                        "answers must be an array of {{ key, response }}, not {}",
                        other.map_or("nothing", type_name)
                    ),
                )])
            }
        };
        if list.len() > limits::MAX_BATCH {
            return Err(vec![too_many(
                "answers",
                list.len(),
                limits::MAX_BATCH,
                "answers",
            )]);
        }
        let l = lifecycle_options(&o, now_ms, true)?;
        let (s, now, want_changes) = (&l.settings, l.payload.now, l.changes);
        let mut results = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            results.push(record_answer(q, i, v, s, now));
        }
        let mut touched = Some(Vec::new());
        for r in &results {
            match (r, touched.as_mut()) {
                (Ok(Recorded::Item(o) | Recorded::Page(o, _)), Some(t)) => t.push(o.item.seq),
                // An answer refused changed nothing; a listing's may have changed any item.
                (Err(_), _) => {}
                _ => touched = None,
            }
        }
        if let Some(t) = touched {
            q.touched_only(t);
        }
        let outs: Vec<RecordResult> = results
            .iter()
            .map(|r| match r {
                Ok(rec @ (Recorded::Item(o) | Recorded::Page(o, _))) => RecordResult::Recorded {
                    action: o.kind.as_str(),
                    event: o.event.as_str(),
                    item: Some(Box::new(ItemOut::from(&o.item))),
                    listing: None,
                    reason: None,
                    results: rec.results(),
                },
                Ok(Recorded::Listing(l)) => RecordResult::Recorded {
                    action: "list",
                    event: l.event.as_str(),
                    item: None,
                    listing: Some(Box::new(ListingOut::from(&l.view))),
                    reason: l.reason.as_deref(),
                    results: None,
                },
                Err(errors) => RecordResult::Refused {
                    errors: errors.iter().take(MAX_ERRORS).map(ErrorOut::from).collect(),
                },
            })
            .collect();
        let changes = want_changes.then(|| q.changes());
        answer(&RecordManyOut {
            queue: QueueOut::of(q, kept),
            results: outs,
            changes: changes.map(|(c, r, sc)| ChangesOut::new(q, &c, r, sc)),
        })
    })
}

/// One answer of `recordMany` (`answers[i]`), recorded. Out of line, so that
/// `record_many`'s ES5 form stays within one JVM method (tests/rhino/compile-check.js).
#[inline(never)]
fn record_answer(
    q: &mut Queue,
    i: usize,
    v: &Value,
    s: &Settings,
    now: i64,
) -> Result<Recorded, Vec<Error>> {
    let path = format!("answers[{i}]");
    let obj = one(Obj::new(
        v,
        &path,
        ErrorCode::InvalidArgument,
        "an answer { key, response }",
    ))?;
    one(obj.only(&["key", "action", "response"]))?;
    let call = match (obj.get("action"), obj.get("key")) {
        (Some(a), None) => call_of(Some(a), &obj.field("action"))?,
        (None, k) => call_of(k, &obj.field("key"))?,
        (Some(_), Some(_)) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                obj.field("key"),
                format!("{path} gives both action and key: give the action alone"),
            )])
        }
    };
    record_one(
        q,
        &call,
        obj.get("response"),
        &obj.field("response"),
        s,
        now,
    )
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
