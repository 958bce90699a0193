//! Reading one queue item, checked against its state (see [`crate::api::state::read`]).

use crate::api::args::first;
use crate::api::obj::Obj;
use crate::api::read::values::{channels_of, opt_instant, u32_opt, window_of};
use crate::error::Within;
use crate::queue::RateLimit;

use crate::decide::Request;
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::queue::{ActionKind, Fetched, Item, LastAnswer, Lease, Part, State};
use serde_json::Value;

pub(crate) fn queue_error(e: Error) -> Error {
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
pub(crate) fn item_of(v: &Value, path: &str) -> Result<Item> {
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
    let profile = Profile::parse(o.str("profile")?.unwrap_or("evaluationExports"))
        .within(&o.field("profile"))?;
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
pub(crate) fn client_of(o: &Obj, key: &str) -> Result<Option<String>> {
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
pub(crate) fn lease_of(v: &Value, path: &str) -> Result<Lease> {
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

pub(crate) fn kind_of(o: &Obj, key: &str) -> Result<ActionKind> {
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
pub(crate) fn last_of(v: &Value, path: &str) -> Result<LastAnswer> {
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

pub(crate) fn profile_at(o: &Obj) -> Result<crate::profile::Profile> {
    Profile::parse(o.str("profile")?.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidQueue,
            o.field("profile"),
            "profile is missing",
        )
    })?)
    .within(&o.field("profile"))
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

pub(crate) fn rate_limit_of(o: &Obj) -> Result<Option<RateLimit>> {
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
