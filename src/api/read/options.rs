//! Readers of the options: the allowed keys of each operation, the context (profile,
//! zone), the decision and payload options, and backoff policies.

use crate::api::args::{one, Errors};
use crate::api::limits;
use crate::api::obj::{show, whole_number, Obj};
use crate::api::read::values::{opt_instant, u32_opt};
use crate::api::schema::{self, Key};
use crate::backoff::{self, Jitter, Policy};
use crate::decide::DecideOptions;
use crate::error::Within;
use crate::error::{Error, ErrorCode, Result};
use crate::profile::{PayloadOptions, Profile, RECORDING_ACTIONS};
use crate::zone::Zone;
use serde_json::Value;

/// Defaults a request may inherit from options.
pub struct Context {
    /// `options.profile`, default `evaluationExports`: the profile of requests that name none.
    pub profile: Profile,
    /// `options.timeZone`: the zone of local dates in requests that name none.
    pub zone: Option<Zone>,
    /// `options.profile` as given: the profile of jobs that name none (`None`: every
    /// profile that knows the job's status; see `read::jobs`).
    pub jobs_profile: Option<Profile>,
}

/// Reads `options.profile` and `options.timeZone`.
pub fn context(opts: &Obj) -> Result<Context> {
    let jobs_profile = match opts.str("profile")? {
        Some(p) => Some(Profile::parse(p).within(&opts.field("profile"))?),
        None => None,
    };
    let zone = match opts.str("timeZone")? {
        Some(z) => Some(Zone::lookup(z).within(&opts.field("timeZone"))?),
        None => None,
    };
    Ok(Context {
        profile: jobs_profile.unwrap_or(Profile::EvaluationExports),
        zone,
        jobs_profile,
    })
}

/// `recordingAction`, `integrationId`, `actionDate` and `now`.
pub fn payload_options(o: &Obj, now_ms: i64) -> Result<PayloadOptions> {
    let recording_action = match o.str("recordingAction")? {
        Some(a) => {
            let up = a.to_ascii_uppercase();
            if !RECORDING_ACTIONS.contains(&up.as_str()) {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    o.field("recordingAction"),
                    format!(
                        "recordingAction must be one of {}",
                        RECORDING_ACTIONS.join(", ")
                    ),
                ));
            }
            Some(up)
        }
        None => None,
    };
    Ok(PayloadOptions {
        recording_action,
        integration_id: o.str("integrationId")?.map(str::to_string),
        include_screen_recordings: o.bool("includeScreenRecordings")?,
        action_date: opt_instant(o, "actionDate")?,
        now: opt_instant(o, "now")?.unwrap_or(now_ms),
    })
}

/// Reads the options of `decide`.
pub fn decide_options(o: &Obj, now_ms: i64) -> Result<DecideOptions> {
    let d = DecideOptions::default();
    Ok(DecideOptions {
        max_range_days: u32_opt(o, "maxRangeDays", limits::MAX_RANGE_DAYS)?,
        touching_conflicts: o.bool("touchingConflicts")?.unwrap_or(false),
        max_active_jobs: max_active_jobs(o)?,
        recheck_after_ms: o
            .uint("recheckAfterMs", backoff::MAX_DELAY_LIMIT_MS)?
            .unwrap_or(d.recheck_after_ms),
        split_by_channel: o.bool("splitByChannel")?.unwrap_or(false),
        payload: payload_options(o, now_ms)?,
    })
}

/// Reads an operation's options (`null` → none), refusing a key its schema does not name.
pub fn options_of<'a>(opts: Option<&'a Value>, allowed: &[Key]) -> Errors<Obj<'a>> {
    let o = one(Obj::optional(
        opts,
        "options",
        ErrorCode::InvalidArgument,
        "options",
    ))?;
    one(o.only(allowed))?;
    Ok(o)
}

/// `options.maxActiveJobs`: 1 to [`limits::MAX_ACTIVE_JOBS`]. Zero is refused, not read
/// as "the default": a limit of no jobs at all would queue every request for ever.
pub fn max_active_jobs(o: &Obj) -> Result<Option<u32>> {
    match u32_opt(o, "maxActiveJobs", limits::MAX_ACTIVE_JOBS)? {
        Some(0) => Err(Error::new(
            ErrorCode::InvalidArgument,
            o.field("maxActiveJobs"),
            format!(
                "maxActiveJobs must be a whole number from 1 to {} (leave it out for the profile's default)",
                limits::MAX_ACTIVE_JOBS
            ),
        )),
        n => Ok(n),
    }
}

/// `enqueue`/`enqueueMany` options: (now, notBefore, attempts).
pub fn enqueue_settings(o: &Obj, now_ms: i64) -> Errors<(i64, Option<i64>, u32)> {
    let now = one(opt_instant(o, "now"))?.unwrap_or(now_ms);
    let not_before = one(opt_instant(o, "notBefore"))?;
    let attempts = one(u32_opt(o, "attempts", u32::MAX))?.unwrap_or(0);
    Ok((now, not_before, attempts))
}

/// Reads a policy (`null` → defaults).
pub fn policy_of(v: Option<&Value>, path: &str) -> Result<Policy> {
    let o = Obj::optional(v, path, ErrorCode::InvalidPolicy, "the policy")?;
    o.only(&schema::POLICY)?;
    let d = Policy::default();
    let limit = backoff::MAX_DELAY_LIMIT_MS;
    let seed = match o.get("seed") {
        None => None,
        Some(Value::String(s)) => Some(s.parse::<u64>().map_err(|_| {
            Error::new(
                ErrorCode::InvalidPolicy,
                o.field("seed"),
                "seed must be a whole number from 0 to 2^64-1",
            )
        })?),
        Some(v) => Some(whole_number(v, u64::MAX).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidPolicy,
                o.field("seed"),
                format!(
                    "seed must be a whole number (or a string of digits), not {}",
                    show(v)
                ),
            )
        })?),
    };
    let p = Policy {
        initial_ms: o.uint("initialMs", limit)?.unwrap_or(d.initial_ms),
        factor: o.number("factor")?.unwrap_or(d.factor),
        max_ms: o.uint("maxMs", limit)?.unwrap_or(d.max_ms),
        max_attempts: u32_opt(&o, "maxAttempts", backoff::MAX_ATTEMPTS_LIMIT)?
            .unwrap_or(d.max_attempts),
        max_elapsed_ms: o.uint("maxElapsedMs", u64::MAX >> 11)?,
        jitter: match o.str("jitter")? {
            Some(j) => Jitter::parse(j).within(&o.field("jitter"))?,
            None => d.jitter,
        },
        seed,
        max_retry_after_ms: o
            .uint("maxRetryAfterMs", limit)?
            .unwrap_or(d.max_retry_after_ms),
    };
    p.validate().within(path)?;
    Ok(p)
}
