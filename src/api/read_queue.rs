//! Reading a queue state (`{ version, nextSeq, items }`), as `enqueue`, `next` and
//! `record` wrote it.
//!
//! A queue comes back from a file or a table row, so it is checked as strictly as any
//! input: unknown fields, a duplicate `seq`, two live items with one key, a state
//! without what it needs (a lease while submitting, a job id once submitted), or a
//! `key`/`lockKey` that no longer matches the item's range are refused with
//! `INVALID_QUEUE` rather than guessed at. Version 1 queues (before the lifecycle) are
//! read too: their items are queued; version 2 queues have no pauses, listings or
//! creators.

use super::first;
use super::obj::Obj;
use super::read::{channels_of, limits, opt_instant, too_many, u32_opt, window_of};
use crate::decide::Request;
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::queue::{
    ActionKind, Fetched, Item, LastAnswer, Lease, ListedJob, ListingView, Part, Pause, Queue,
    RateLimit, State,
};
use serde_json::Value;

/// The queue format this build writes (it reads versions 1 and 2 too).
pub const QUEUE_VERSION: u64 = 3;

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

// Never inlined: inlined into `queue_of` (its one caller), it made one function whose
// ES5 translation is over the JVM's 64 KB of bytecode per method, and Rhino's class
// compiler then interprets the whole script (tests/rhino/compile-check.js).
#[inline(never)]
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
        "state",
        "jobId",
        "lease",
        "pollAt",
        "reason",
        "retries",
        "lastAnswer",
        "doneAt",
        "client",
        "doubts",
        "part",
        "results",
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
    // A queued item as `Item::new` makes one; the lifecycle's fields are read next.
    let request = Request {
        window,
        channels,
        profile,
    };
    let mut item = Item::new(seq, &request, enqueued_at, not_before);
    item.attempts = attempts;
    lifecycle_of(&o, &mut item)?;
    check_state(&item, &o)?;
    check_keys(&item, &o)?;
    Ok(item)
}

/// The lifecycle's fields of an item (its state and what the state carries). A function
/// of its own for the same reason as `item_of`.
#[inline(never)]
fn lifecycle_of(o: &Obj, item: &mut Item) -> Result<()> {
    item.state = match o.str("state")? {
        None => State::Queued,
        Some(s) => State::parse(s).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQueue,
                o.field("state"),
                format!(
                    "unknown state {:?}; known: {}",
                    s.chars().take(40).collect::<String>(),
                    State::ALL.map(State::as_str).join(", ")
                ),
            )
        })?,
    };
    item.job_id = match o.str("jobId")? {
        Some("") => {
            return Err(Error::new(
                ErrorCode::InvalidQueue,
                o.field("jobId"),
                "jobId must not be empty",
            ))
        }
        other => other.map(str::to_string),
    };
    item.lease = match o.get("lease") {
        None | Some(Value::Null) => None,
        Some(v) => Some(lease_of(v, &o.field("lease"))?),
    };
    item.last = match o.get("lastAnswer") {
        None | Some(Value::Null) => None,
        Some(v) => Some(last_of(v, &o.field("lastAnswer"))?),
    };
    progress_of(o, item)
}

/// The rest of [`lifecycle_of`]: due times, retries, client, part and results. A
/// function of its own so that each stays within one JVM method in the ES5 build.
#[inline(never)]
fn progress_of(o: &Obj, item: &mut Item) -> Result<()> {
    item.poll_at = opt_instant(o, "pollAt").map_err(queue_error)?;
    item.reason = o.str("reason")?.map(str::to_string);
    item.retries = u32_opt(o, "retries", u32::MAX)?.unwrap_or(0);
    item.done_at = opt_instant(o, "doneAt").map_err(queue_error)?;
    item.client = client_of(o, "client")?;
    item.doubts = u32_opt(o, "doubts", u32::MAX)?.unwrap_or(0);
    item.part = match o.get("part") {
        None | Some(Value::Null) => None,
        Some(v) => Some(part_of(v, &o.field("part"))?),
    };
    item.results = match o.get("results") {
        None | Some(Value::Null) => None,
        Some(v) => Some(fetched_of(v, &o.field("results"))?),
    };
    Ok(())
}

/// `{ pages, cursor? }`: how far a job's results were fetched.
#[inline(never)]
fn fetched_of(v: &Value, path: &str) -> Result<Fetched> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a results progress")?;
    o.only(&["pages", "cursor"])?;
    let pages = u32_opt(&o, "pages", u32::MAX)?.unwrap_or(0);
    let cursor = o.str("cursor")?.map(str::to_string);
    Ok(Fetched { pages, cursor })
}

/// `{ of, index, count }`: a part of a bulk request (index from 1, at most count).
#[inline(never)]
fn part_of(v: &Value, path: &str) -> Result<Part> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a part")?;
    o.only(&["of", "index", "count"])?;
    let missing = |k: &str| {
        Error::new(
            ErrorCode::InvalidQueue,
            o.field(k),
            format!("{k} is missing"),
        )
    };
    let of = o.str("of")?.ok_or_else(|| missing("of"))?.to_string();
    let count = u32_opt(&o, "count", u32::MAX)?.ok_or_else(|| missing("count"))?;
    let index = u32_opt(&o, "index", u32::MAX)?.ok_or_else(|| missing("index"))?;
    if of.is_empty() || index == 0 || index > count {
        return Err(Error::new(
            ErrorCode::InvalidQueue,
            path,
            format!("a part names its request (of) and is part index (from 1) of count: got part {index} of {count}"),
        ));
    }
    Ok(Part { of, index, count })
}

/// An OAuth client id: a non-empty string, or absent.
fn client_of(o: &Obj, key: &str) -> Result<Option<String>> {
    match o.str(key)? {
        Some("") => Err(Error::new(
            ErrorCode::InvalidQueue,
            o.field(key),
            format!("{key} must not be empty"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

/// `key` and `lockKey`, when given, must be the ones the item's range makes.
#[inline(never)]
fn check_keys(item: &Item, o: &Obj) -> Result<()> {
    for (key, want) in [("lockKey", item.lock_key()), ("key", item.key())] {
        if let Some(got) = o.str(key)? {
            if got != want {
                return Err(Error::new(ErrorCode::InvalidQueue, o.field(key), format!("{key} {:?} does not match the item's range and channels ({want:?}); do not edit queue items by hand", got.chars().take(80).collect::<String>())));
            }
        }
    }
    Ok(())
}

#[inline(never)]
fn lease_of(v: &Value, path: &str) -> Result<Lease> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "a lease")?;
    o.only(&["action", "until", "client", "runner"])?;
    let kind = kind_of(&o, "action")?;
    let client = client_of(&o, "client")?;
    let runner = client_of(&o, "runner")?;
    let until = opt_instant(&o, "until")
        .map_err(queue_error)?
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQueue,
                o.field("until"),
                "until is missing",
            )
        })?;
    Ok(Lease {
        kind,
        until,
        client,
        runner,
    })
}

fn kind_of(o: &Obj, key: &str) -> Result<ActionKind> {
    let name = o.str(key)?.unwrap_or("");
    ActionKind::parse(name).ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidQueue,
            o.field(key),
            format!(
                "{key} must be one of {}",
                ActionKind::ALL.map(ActionKind::as_str).join(", ")
            ),
        )
    })
}

#[inline(never)]
fn last_of(v: &Value, path: &str) -> Result<LastAnswer> {
    let o = Obj::new(v, path, ErrorCode::InvalidQueue, "the last answer")?;
    o.only(&["at", "action", "status", "summary", "rateLimit"])?;
    Ok(LastAnswer {
        at: opt_instant(&o, "at").map_err(queue_error)?.unwrap_or(0),
        kind: kind_of(&o, "action")?,
        status: o.uint("status", 599)?.unwrap_or(0) as u16,
        summary: o.str("summary")?.unwrap_or("").to_string(),
        rate_limit: rate_limit_of(&o)?,
    })
}

fn rate_limit_of(o: &Obj) -> Result<Option<RateLimit>> {
    let Some(v) = o.get("rateLimit").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let r = Obj::new(
        v,
        &o.field("rateLimit"),
        ErrorCode::InvalidQueue,
        "rate-limit headers",
    )?;
    r.only(&["count", "allowed", "reset"])?;
    let text = |k: &str| r.str(k).map(|t| t.map(str::to_string));
    Ok(Some(RateLimit {
        count: text("count")?,
        allowed: text("allowed")?,
        reset: text("reset")?,
    }))
}

fn profile_at(o: &Obj) -> Result<crate::profile::Profile> {
    Profile::parse(
        o.str("profile")?.ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidQueue,
                o.field("profile"),
                "profile is missing",
            )
        })?,
        &o.field("profile"),
    )
}

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

/// What each state needs: a file edited by hand (or by a buggy driver) is refused rather
/// than run into a state the lifecycle never makes.
fn check_state(item: &Item, o: &Obj) -> Result<()> {
    let need = |ok: bool, field: &str, what: &str| {
        if ok {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::InvalidQueue,
                o.field(field),
                format!("a {} item {what}", item.state.as_str()),
            ))
        }
    };
    match item.state {
        State::Submitting => need(item.lease.is_some(), "lease", "needs a lease"),
        State::Submitted | State::Ready | State::Executing => {
            need(item.job_id.is_some(), "jobId", "needs a jobId")
        }
        State::Fetching => need(
            item.job_id.is_some() && item.results.is_some(),
            "results",
            "needs a jobId and results",
        ),
        State::Queued | State::Waiting | State::Completed | State::Failed => {
            need(item.lease.is_none(), "lease", "has no lease")
        }
    }
}

/// A queue argument as an operation uses it: a state read from JSON, or a kept queue
/// taken out of the registry (`{"$queue": n}`, from `loadQueue`), which goes back when
/// this is dropped, as the operation left it.
///
/// Every operation fails (if it fails) before it changes the queue, so a failed call
/// puts a kept queue back as it was, exactly as it leaves a JSON state unchanged. The
/// one check that comes after a change (the payload options of `next`/`drain`, in
/// `api::lifecycle::step`) keeps a copy beforehand when it can fail, and restores it.
///
/// The operations bind their answer before returning it (`let text = answer(..); text`):
/// as a tail expression, the output struct borrowing the queue would outlive this value
/// (edition 2021 drops tail temporaries after the locals).
#[derive(Debug)]
pub struct QueueArg {
    queue: Queue,
    handle: Option<u32>,
    /// What the call changed in a kept queue, as [`super::handles::store_queue`] takes
    /// it: `None` (the default) when it may have changed anything.
    touched: Option<Vec<u64>>,
}

impl QueueArg {
    /// The handle of a kept queue; `None` for a state.
    pub fn handle(&self) -> Option<u32> {
        self.handle
    }

    /// Says that the call changed nothing but the items with these seqs (none: a
    /// read-only call), so the next `queueChanges` compares those alone.
    pub fn touched_only(&mut self, seqs: Vec<u64>) {
        self.touched = Some(seqs);
    }

    /// What changed in a kept queue since its saved state, this call included: the
    /// positions of the new and changed items, the seqs of the removed ones, and whether
    /// the rest of the state changed. That state then counts as saved. For a state
    /// given (no handle), every item.
    // Out of line, like `store_queue`: five handlers call it, and Rhino's class compiler
    // has a size limit per method.
    #[inline(never)]
    pub fn changes(&mut self) -> (Vec<usize>, Vec<u64>, bool) {
        match self.handle {
            Some(h) => {
                super::handles::note_touched(h, self.touched.take());
                self.touched = Some(Vec::new());
                super::handles::changes_since_saved(h, &self.queue)
            }
            None => ((0..self.queue.items.len()).collect(), Vec::new(), true),
        }
    }
}

impl core::ops::Deref for QueueArg {
    type Target = Queue;
    fn deref(&self) -> &Queue {
        &self.queue
    }
}

impl core::ops::DerefMut for QueueArg {
    fn deref_mut(&mut self) -> &mut Queue {
        &mut self.queue
    }
}

impl Drop for QueueArg {
    fn drop(&mut self) {
        if let Some(h) = self.handle {
            super::handles::store_queue(h, std::mem::take(&mut self.queue), self.touched.take());
        }
    }
}

/// Reads a queue argument: a state (`None` is an empty queue) or a kept queue's handle.
pub fn queue_arg(v: Option<&Value>) -> Result<QueueArg> {
    match v {
        Some(h @ Value::Object(m)) if m.contains_key("$queue") => super::handles::queue_handle_of(h)
            .and_then(|n| {
                super::handles::take_queue(n).map(|queue| QueueArg {
                    queue,
                    handle: Some(n),
                    touched: None,
                })
            })
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidQueue,
                    "queue",
                    "this kept queue does not exist (it was freed, or comes from another instance): loadQueue its saved state again",
                )
            }),
        _ => queue_of(v).map(|queue| QueueArg {
            queue,
            handle: None,
            touched: None,
        }),
    }
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
