//! Reading a queue state (`{ version, nextSeq, items, pauses, listings }`), as the
//! queue operations wrote it; its items are read by [`crate::api::state::read_item`].
//!
//! A queue comes back from a file or a table row, so it is checked as strictly as any
//! input: unknown fields, a duplicate `seq`, two live items with one key, a state
//! without what it needs (a lease while submitting, a job id once submitted), or a
//! `key`/`lockKey` that no longer matches the item's range are refused with
//! `INVALID_QUEUE` rather than guessed at. Version 1 queues (before the lifecycle) are
//! read too: their items are queued; version 2 queues have no pauses, listings or
//! creators.

use crate::api::args::first;
use crate::api::limits::{self, too_many};
use crate::api::obj::Obj;
use crate::api::read::values::{opt_instant, u32_opt, window_of};
use crate::api::state::read_item::rate_limit_of;
use crate::api::state::read_item::{
    client_of, item_of, kind_of, last_of, lease_of, profile_at, queue_error,
};
use crate::error::{Error, ErrorCode, Result};
use crate::queue::{ListedJob, ListingView, Pause, Queue};
use serde_json::Value;

/// The queue format this build writes (it reads versions 1 and 2 too).
pub const QUEUE_VERSION: u64 = 3;

/// A pause after a 429: `{profile, action, client?, until, reason, rateLimit?}`.
#[inline(never)]
fn pause_of(v: &Value, path: &str) -> Result<Pause> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a pause")?;
    o.only(&[
        "profile",
        "action",
        "client",
        "until",
        "reason",
        "rateLimit",
    ])?;
    Ok(Pause {
        profile: profile_at(&o)?,
        kind: kind_of(&o, "action")?,
        client: client_of(&o, "client")?,
        until: opt_instant(&o, "until")
            .map_err(queue_error)?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidQueue,
                    o.field("until"),
                    "until is missing",
                )
            })?,
        reason: o.str("reason")?.unwrap_or("").to_string(),
        rate_limit: rate_limit_of(&o)?,
    })
}

/// A listing view: `{profile, state, at?, lease?, notBefore?, retries?, jobs, lastAnswer?}`.
#[inline(never)]
fn listing_of(v: &Value, path: &str) -> Result<ListingView> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a listing")?;
    o.only(&[
        "profile",
        "state",
        "at",
        "lease",
        "notBefore",
        "retries",
        "jobs",
        "used",
        "lastAnswer",
        "key",
    ])?;
    let profile = profile_at(&o)?;
    if profile.listing().value.is_none() {
        return Err(Error::new(
            ErrorCode::InvalidQueue,
            o.field("profile"),
            format!("{} jobs cannot be listed", profile.name()),
        ));
    }
    let state = o.str("state")?.unwrap_or("").to_string();
    if profile.phase(&state).is_none() {
        return Err(Error::new(
            ErrorCode::InvalidQueue,
            o.field("state"),
            format!("unknown state {state:?} for {}", profile.name()),
        ));
    }
    let jobs = o
        .array("jobs")?
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .map(|(i, j)| listed_job_of(j, &format!("{}[{i}]", o.field("jobs")), &state))
        .collect::<Result<Vec<_>>>()?;
    Ok(ListingView {
        profile,
        state,
        at: opt_instant(&o, "at").map_err(queue_error)?,
        lease: match o.get("lease") {
            None | Some(Value::Null) => None,
            Some(v) => Some(lease_of(v, &o.field("lease"))?),
        },
        not_before: opt_instant(&o, "notBefore").map_err(queue_error)?,
        retries: u32_opt(&o, "retries", u32::MAX)?.unwrap_or(0),
        jobs,
        used: o.bool("used")?.unwrap_or(false),
        last: match o.get("lastAnswer") {
            None | Some(Value::Null) => None,
            Some(v) => Some(last_of(v, &o.field("lastAnswer"))?),
        },
    })
}

/// One job of a listing (`state`: the listing's, for a job without one of its own).
#[inline(never)]
fn listed_job_of(j: &Value, path: &str, state: &str) -> Result<ListedJob> {
    let jo = Obj::new(j, path, ErrorCode::InvalidQueue, "a listed job")?;
    jo.only(&["id", "state", "start", "end"])?;
    let window = if jo.get("start").is_some() || jo.get("end").is_some() {
        Some(
            window_of(&jo, None, false, ErrorCode::InvalidQueue)
                .map_err(|e| queue_error(first(e)))?,
        )
    } else {
        None
    };
    Ok(ListedJob {
        id: jo.str("id")?.unwrap_or("").to_string(),
        state: jo.str("state")?.unwrap_or(state).to_string(),
        window,
    })
}

/// Reads a queue state; `None` is an empty queue.
pub fn queue_of(v: Option<&Value>) -> Result<Queue> {
    let Some(v) = v else {
        return Ok(Queue::default());
    };
    let o = Obj::new(
        v,
        "queue",
        ErrorCode::InvalidQueue,
        "the queue (null for an empty one)",
    )?;
    o.only(&["version", "nextSeq", "items", "pauses", "listings"])?;
    match o.uint("version", u64::MAX)? {
        Some(1 | 2 | QUEUE_VERSION) | None => {}
        Some(other) => {
            return Err(Error::new(
                ErrorCode::InvalidQueue,
                o.field("version"),
                format!(
                "queue version {other} is not supported (this build reads versions 1 to {QUEUE_VERSION})"
            ),
            ))
        }
    }
    let list = o.array("items")?.map(Vec::as_slice).unwrap_or(&[]);
    if list.len() > limits::MAX_QUEUE_ITEMS {
        return Err(too_many(
            &o.field("items"),
            list.len(),
            limits::MAX_QUEUE_ITEMS,
            "queue items",
        ));
    }
    let mut items = Vec::with_capacity(list.len());
    // The same map type as the queue's key index (one B-tree in the code: crate::order).
    let mut live: std::collections::BTreeMap<String, usize> = Default::default();
    let mut stop = None;
    for (i, v) in list.iter().enumerate() {
        let item = match item_of(v, &format!("queue.items[{i}]")) {
            Ok(item) => item,
            Err(e) => {
                stop = Some(e);
                break;
            }
        };
        if !item.state.is_final() && live.insert(item.key(), i).is_some() {
            stop = Some(Error::new(
                ErrorCode::InvalidQueue,
                format!("queue.items[{i}].key"),
                format!(
                    "two live items have the key {:?}; only completed or failed ones may repeat a key",
                    item.key()
                ),
            ));
            break;
        }
        items.push(item);
    }
    // A repeated seq, at the first item whose seq an earlier one has: it comes before
    // the error that stopped the loop, if any (that item was not read).
    let seqs: Vec<u64> = items.iter().map(|i| i.seq).collect();
    let twice = crate::order::order_by_u64(&seqs)
        .windows(2)
        .filter(|w| seqs[w[0]] == seqs[w[1]])
        .map(|w| w[1])
        .min();
    if let Some(i) = twice {
        return Err(Error::new(
            ErrorCode::InvalidQueue,
            format!("queue.items[{i}].seq"),
            format!("seq {} appears twice", seqs[i]),
        ));
    }
    if let Some(e) = stop {
        return Err(e);
    }
    let max_seq = seqs.iter().copied().max();
    let floor = max_seq.map_or(0, |m: u64| m.saturating_add(1));
    let next_seq = o.uint("nextSeq", u64::MAX)?.unwrap_or(floor).max(floor);
    let mut pauses = Vec::new();
    for (i, v) in o
        .array("pauses")?
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        pauses.push(pause_of(v, &format!("queue.pauses[{i}]"))?);
    }
    let mut listings: Vec<ListingView> = Vec::new();
    for (i, v) in o
        .array("listings")?
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let l = listing_of(v, &format!("queue.listings[{i}]"))?;
        if listings
            .iter()
            .any(|x| x.profile == l.profile && x.state == l.state)
        {
            return Err(Error::new(
                ErrorCode::InvalidQueue,
                format!("queue.listings[{i}]"),
                format!("two listings of {} in state {}", l.profile.name(), l.state),
            ));
        }
        listings.push(l);
    }
    Ok(Queue {
        items,
        next_seq,
        pauses,
        listings,
    })
}
