//! Reading a queue state (`{ version, nextSeq, items }`), as `enqueue` and `drain` wrote it.
//!
//! A queue comes back from a file or a table row, so it is checked as strictly as any
//! input: unknown fields, a duplicate `seq`, or a `key`/`lockKey` that no longer matches
//! the item's range are refused with `INVALID_QUEUE` rather than guessed at.

use super::first;
use super::obj::Obj;
use super::read::{channels_of, limits, opt_instant, too_many, u32_opt, window_of};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::queue::{Item, Queue};
use serde_json::Value;

/// The queue format this build reads and writes.
pub const QUEUE_VERSION: u64 = 1;

fn queue_error(e: Error) -> Error {
    match e.code {
        ErrorCode::InvalidArgument
        | ErrorCode::InvalidDate
        | ErrorCode::InvalidRange
        | ErrorCode::MissingTimeZone => Error {
            code: ErrorCode::InvalidQueue,
            ..e
        },
        _ => e,
    }
}

fn item_of(v: &Value, path: &str) -> Result<Item> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a queue item")?;
    o.only(&[
        "seq",
        "key",
        "lockKey",
        "profile",
        "start",
        "end",
        "channels",
        "enqueuedAt",
        "notBefore",
        "attempts",
    ])?;
    let seq = o
        .uint("seq", u64::MAX)?
        .ok_or_else(|| Error::new(ErrorCode::InvalidQueue, o.field("seq"), "seq is missing"))?;
    let profile = Profile::parse(
        o.str("profile")?.unwrap_or("evaluationExports"),
        &o.field("profile"),
    )?;
    let window =
        window_of(&o, None, false, ErrorCode::InvalidQueue).map_err(|e| queue_error(first(e)))?;
    let channels = channels_of(&o, "channels")?.ok_or_else(|| {
        Error::new(
            ErrorCode::NoChannels,
            o.field("channels"),
            "channels is missing",
        )
    })?;
    let enqueued_at = opt_instant(&o, "enqueuedAt")
        .map_err(queue_error)?
        .unwrap_or(0);
    let not_before = opt_instant(&o, "notBefore").map_err(queue_error)?;
    let attempts = u32_opt(&o, "attempts", u32::MAX)?.unwrap_or(0);
    let item = Item {
        seq,
        profile,
        window,
        channels,
        enqueued_at,
        not_before,
        attempts,
    };
    for (key, want) in [("lockKey", item.lock_key()), ("key", item.key())] {
        if let Some(got) = o.str(key)? {
            if got != want {
                return Err(Error::new(ErrorCode::InvalidQueue, o.field(key), format!("{key} {:?} does not match the item's range and channels ({want:?}); do not edit queue items by hand", got.chars().take(80).collect::<String>())));
            }
        }
    }
    Ok(item)
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
    o.only(&["version", "nextSeq", "items"])?;
    match o.uint("version", u64::MAX)? {
        Some(QUEUE_VERSION) | None => {}
        Some(other) => {
            return Err(Error::new(
                ErrorCode::InvalidQueue,
                o.field("version"),
                format!(
                "queue version {other} is not supported (this build reads version {QUEUE_VERSION})"
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
    let mut max_seq = None;
    let mut seen = std::collections::BTreeSet::new();
    for (i, v) in list.iter().enumerate() {
        let item = item_of(v, &format!("queue.items[{i}]"))?;
        if !seen.insert(item.seq) {
            return Err(Error::new(
                ErrorCode::InvalidQueue,
                format!("queue.items[{i}].seq"),
                format!("seq {} appears twice", item.seq),
            ));
        }
        max_seq = max_seq.max(Some(item.seq));
        items.push(item);
    }
    let floor = max_seq.map_or(0, |m: u64| m.saturating_add(1));
    let next_seq = o.uint("nextSeq", u64::MAX)?.unwrap_or(floor).max(floor);
    Ok(Queue { items, next_seq })
}
