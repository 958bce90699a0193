//! The lifecycle's options (`schema::LIFECYCLE`: `leaseMs`, `pollMs`, `watch`,
//! `maxInDoubt`, the payload options, ...), which `next`, `drain`, `record`,
//! `recordMany` and `inspectQueue` share.

use crate::api::args::one;
use crate::api::limits::{self, too_many};
use crate::api::obj::{type_name, Obj};
use crate::api::read::options::{context, max_active_jobs, payload_options, policy_of};
use crate::error::{Error, ErrorCode};
use crate::lifecycle::{self, Settings};
use crate::profile::{PayloadOptions, Profile};
use serde_json::Value;

/// The lifecycle's one options object, read whole. A driver passes the same object to
/// each lifecycle operation, so each reads and checks every key, used or not: a wrong
/// value is refused by the first call that gets it, whichever that is.
pub(crate) struct Lifecycle {
    pub settings: Settings,
    /// The payload options (`recordingAction`, ...), with `now`.
    pub payload: PayloadOptions,
    /// `profile`: the profile of jobs that name none (`None`: read by their status).
    pub jobs_profile: Option<Profile>,
    /// `splitByChannel` (`drain`).
    pub split: bool,
    /// `changes`: answer what changed in a kept queue, as `queueChanges` would.
    pub changes: bool,
    /// `waiting` (`next`): list the waiting items, or only count them.
    pub waiting: bool,
}

/// Reads the lifecycle's options; `detail` is the default of `waitingDetail` (see
/// [`settings`]).
#[inline(never)]
pub(crate) fn lifecycle_options(
    o: &Obj,
    now_ms: i64,
    detail: bool,
) -> Result<Lifecycle, Vec<Error>> {
    Ok(Lifecycle {
        jobs_profile: one(context(o))?.jobs_profile,
        payload: one(payload_options(o, now_ms))?,
        split: one(o.bool("splitByChannel"))?.unwrap_or(false),
        changes: one(o.bool("changes"))?.unwrap_or(false),
        waiting: one(o.bool("waiting"))?.unwrap_or(true),
        settings: settings(o, detail)?,
    })
}

/// Most keys in `watch`.
const MAX_WATCH: usize = limits::MAX_BATCH;

/// The longest lease or poll interval (a day): longer ones would leave a crashed
/// driver's item, or a running job, unattended for days.
const MAX_INTERVAL_MS: u64 = 24 * 3_600_000;

/// The lifecycle's settings from the options; `detail` is the default of `waitingDetail`
/// (`drain` leaves the detail out unless asked, `next` and `inspectQueue` include it).
/// Out of line, as is [`lifecycle_options`], so that each stays within one JVM method in
/// the ES5 build.
#[inline(never)]
fn settings(o: &Obj, detail: bool) -> Result<Settings, Vec<Error>> {
    let d = Settings::default();
    let interval = |key: &str, default: u64| -> Result<u64, Vec<Error>> {
        match one(o.uint(key, MAX_INTERVAL_MS))? {
            Some(0) => Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field(key),
                format!("{key} must be a whole number of milliseconds from 1 to {MAX_INTERVAL_MS}"),
            )]),
            v => Ok(v.unwrap_or(default)),
        }
    };
    let id = |key: &str, what: &str| match one(o.str(key))? {
        Some("") => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            o.field(key),
            format!("{key} must be {what}, not empty"),
        )]),
        other => Ok(other.map(|c| c.chars().take(200).collect::<String>())),
    };
    let client = id("clientId", "the runner's OAuth client id")?;
    let runner = id("runnerId", "a name for the runner (host and process)")?;
    let max_in_doubt = match one(o.uint("maxInDoubt", 10_000))? {
        Some(0) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("maxInDoubt"),
                "maxInDoubt must be a whole number from 1 to 10000",
            )])
        }
        v => v.map_or(lifecycle::DEFAULT_MAX_IN_DOUBT, |v| v as u32),
    };
    let watch = match o.get("watch") {
        None | Some(Value::Null) => None,
        Some(Value::Array(keys)) if keys.len() <= MAX_WATCH => {
            let mut out = Vec::with_capacity(keys.len());
            for (i, k) in keys.iter().enumerate() {
                match k {
                    Value::String(k) => out.push(k.clone()),
                    other => {
                        return Err(vec![Error::new(
                            ErrorCode::InvalidArgument,
                            format!("{}[{i}]", o.field("watch")),
                            format!("watch holds item keys (strings), not {}", type_name(other)),
                        )])
                    }
                }
            }
            Some(out)
        }
        Some(Value::Array(keys)) => {
            return Err(vec![too_many(
                &o.field("watch"),
                keys.len(),
                MAX_WATCH,
                "keys",
            )])
        }
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("watch"),
                format!(
                    "watch must be an array of item keys, not {}",
                    type_name(other)
                ),
            )])
        }
    };
    Ok(Settings {
        lease_ms: interval("leaseMs", d.lease_ms)?,
        poll_ms: interval("pollMs", d.poll_ms)?,
        policy: one(policy_of(o.get("policy"), &o.field("policy")))?,
        touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
        max_active_jobs: one(max_active_jobs(o))?,
        waiting_detail: one(o.bool("waitingDetail"))?.unwrap_or(detail),
        client,
        list_jobs: one(o.bool("listing"))?.unwrap_or(true),
        watch,
        runner,
        max_in_doubt,
        fetch_results: one(o.bool("fetchResults"))?.unwrap_or(false),
    })
}
