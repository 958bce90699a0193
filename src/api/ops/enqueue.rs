//! `enqueue` and `enqueueMany`: requests into a queue state (a bulk one as its parts),
//! deduplicated by key among live items.

use crate::api::args::{one, Answer, Args, MAX_ERRORS};
use crate::api::limits;
use crate::api::read::options::{context, enqueue_settings, options_of};
use crate::api::read::request::{queued_request_of, request_list};
use crate::api::read::values::u32_opt;
use crate::api::schema;
use crate::api::state::arg::with_queue;
use crate::api::state::write::QueueOut;
use crate::api::state::write_item::ItemOut;
use crate::api::write::{answer, ErrorOut};
use crate::error::{Error, ErrorCode};
use crate::queue::Enqueued;
use serde::Serialize;

/// `enqueue(queue, request, options)`: a request longer than its profile's maximum (or
/// with `split`) is queued as its parts, reported in `parts`.
#[inline(never)]
pub fn enqueue(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::ENQUEUE)?;
    with_queue(a.get(0), |q| {
        let kept = q.handle();
        let ctx = one(context(&o))?;
        let (request, parts) = queued_request_of(a.get(1), "request", &ctx, &o)?;
        let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
        let repeat = one(o.bool("repeatFinished"))?.unwrap_or(true);
        let mut index = q.key_index();
        let split = parts.is_some();
        let es = q.enqueue_split(
            &mut index,
            &request,
            parts.as_deref(),
            now,
            not_before,
            repeat,
            attempts,
        );
        answer(&EnqueueOut {
            added: es.iter().any(|e| e.added),
            item: ItemOut::from(&es[0].item),
            parts: split.then(|| es.iter().map(PartResult::from).collect()),
            previous: es[0].previous.map(|p| p.as_str()),
            queue: QueueOut::of(q, kept),
        })
    })
}

/// `enqueueMany(queue, requests, options)`: the queue is read and written once. A bad
/// request is not queued and gets `{ added: false, errors }` in its place; a bad queue
/// or bad options fail the whole call.
#[inline(never)]
pub fn enqueue_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::ENQUEUE_MANY)?;
    // `results: "compact"`: each result names its item (key, seq) instead of repeating
    // it, so a large batch's answer does not carry every item twice.
    let compact = match one(o.str("results"))? {
        None | Some("full") => false,
        Some("compact") => true,
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("results"),
                format!(
                    "results must be \"full\" (the default: each result repeats its item) or \"compact\" (its key and seq), not {:?}",
                    other.chars().take(40).collect::<String>()
                ),
            )])
        }
    };
    with_queue(a.get(0), |q| {
        let kept = q.handle();
        let ctx = one(context(&o))?;
        let list = request_list(a.get(1))?;
        let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
        one(u32_opt(&o, "maxRangeDays", limits::MAX_RANGE_DAYS))?; // a bad option fails the call
        let repeat = one(o.bool("repeatFinished"))?.unwrap_or(true);
        let mut index = q.key_index();
        let mut results = Vec::with_capacity(list.len());
        for (i, r) in list.iter().enumerate() {
            let path = format!("requests[{i}]");
            results.push(match queued_request_of(Some(r), &path, &ctx, &o) {
                Ok((request, parts)) => Ok((
                    parts.is_some(),
                    q.enqueue_split(
                        &mut index,
                        &request,
                        parts.as_deref(),
                        now,
                        not_before,
                        repeat,
                        attempts,
                    ),
                )),
                Err(mut errors) => {
                    errors.truncate(MAX_ERRORS);
                    Err(errors)
                }
            });
        }
        answer(&EnqueueManyOut {
            queue: QueueOut::of(q, kept),
            results: results
                .iter()
                .map(|r| match r {
                    Ok((split, es)) if compact => EnqueueResult::Compact {
                        added: es.iter().any(|e| e.added),
                        key: es[0].item.key(),
                        parts: split.then(|| es.iter().map(CompactPart::from).collect()),
                        seq: es[0].item.seq,
                        previous: es[0].previous.map(|p| p.as_str()),
                    },
                    Ok((split, es)) => EnqueueResult::Read {
                        added: es.iter().any(|e| e.added),
                        item: Box::new(ItemOut::from(&es[0].item)),
                        parts: split.then(|| es.iter().map(PartResult::from).collect()),
                        previous: es[0].previous.map(|p| p.as_str()),
                    },
                    Err(errors) => EnqueueResult::Bad {
                        added: false,
                        errors: errors.iter().map(ErrorOut::from).collect(),
                    },
                })
                .collect(),
        })
    })
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
