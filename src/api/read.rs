//! Readers: JSON arguments into core types, with the field path of every error.
//!
//! Requests, options, policies and instants are read here; job lists in
//! [`super::read_jobs`](self) and queue states in `read_queue`. Every reader collects
//! or returns typed errors whose `field` is the caller's path (`request.start`,
//! `options.maxRangeDays`); the core itself never knows those paths.

use super::obj::{show, type_name, whole_number, Obj};
use super::one;
use crate::backoff::{self, Jitter, Policy};
use crate::channel;
use crate::decide::{self, DecideOptions, Request};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::{PayloadOptions, Profile, RECORDING_ACTIONS};
use crate::time::{parse_instant, Window, MAX_MS, MIN_MS};
use crate::zone::{self, Zone};
use serde_json::Value;

/// Errors of a reader that reports several at once.
pub type Errors<T> = core::result::Result<T, Vec<Error>>;

/// Numeric limits of the inputs, published by the `limits` operation.
pub mod limits {
    /// Most workers a plan deals windows to.
    pub const MAX_WORKERS: u32 = 10_000;
    /// Largest `maxRangeDays` (ten years).
    pub const MAX_RANGE_DAYS: u32 = 3_660;
    /// Default `maxRangeDays`: every profile's maximum (a test holds them equal).
    pub const DEFAULT_RANGE_DAYS: u32 = 32;
    /// Largest `maxActiveJobs`.
    pub const MAX_ACTIVE_JOBS: u32 = 10_000;
    /// Largest `maxWindows` of a plan.
    pub const MAX_WINDOWS: u64 = 1_000_000;
    /// Default `maxWindows` of a plan.
    pub const DEFAULT_WINDOWS: u64 = 10_000;
    /// Most bytes of JSON arguments one call takes. Parsed, JSON takes several times its
    /// text in memory, and a wasm32 instance has 4 GiB at most.
    pub const MAX_INPUT_BYTES: usize = 256 << 20;
    /// Most objects and arrays in the JSON arguments of one call. Read into a tree, each
    /// costs a few hundred bytes of wasm memory whatever its text: 256 MiB of `{}` would
    /// need 40 GiB. 4,000,000 allow a list of 1,000,000 jobs that each hold two nested
    /// objects or arrays.
    pub const MAX_INPUT_CONTAINERS: usize = 4_000_000;
    /// Most requests in one `decideMany` or `enqueueMany` call.
    pub const MAX_BATCH: usize = 100_000;
    /// Most jobs in one job list.
    pub const MAX_JOBS: usize = 1_000_000;
    /// Most items in one queue.
    pub const MAX_QUEUE_ITEMS: usize = 100_000;
    /// Most bytes of one answer (a batch whose decisions list many conflicts each).
    pub const MAX_ANSWER_BYTES: usize = 512 << 20;
}

/// `TOO_LARGE` for a list of `len` at `path`, over `max`.
pub fn too_many(path: &str, len: usize, max: usize, what: &str) -> Error {
    Error::new(
        ErrorCode::TooLarge,
        path,
        format!("{len} {what} in one call; the limit is {max} (see limits()): split the list into several calls"),
    )
}

/// Defaults a request may inherit from options.
pub struct Context {
    /// `options.profile`, default `evaluationExports`: the profile of requests that name none.
    pub profile: Profile,
    /// `options.timeZone`: the zone of local dates in requests that name none.
    pub zone: Option<Zone>,
    /// `options.profile` as given: the profile of jobs that name none (`None`: every
    /// profile that knows the job's status; see `read_jobs`).
    pub jobs_profile: Option<Profile>,
}

/// Reads `options.profile` and `options.timeZone`.
pub fn context(opts: &Obj) -> Result<Context> {
    let jobs_profile = match opts.str("profile")? {
        Some(p) => Some(Profile::parse(p, &opts.field("profile"))?),
        None => None,
    };
    let zone = match opts.str("timeZone")? {
        Some(z) => Some(Zone::lookup(z, &opts.field("timeZone"))?),
        None => None,
    };
    Ok(Context {
        profile: jobs_profile.unwrap_or(Profile::EvaluationExports),
        zone,
        jobs_profile,
    })
}

/// Reads an instant given as epoch milliseconds (number) or an ISO instant string.
pub fn instant_value(v: &Value, field: &str) -> Result<i64> {
    match v {
        Value::String(s) => parse_instant(s, field),
        Value::Number(n) => n
            .as_f64()
            .filter(|f| {
                f.is_finite() && f.fract() == 0.0 && (MIN_MS as f64..=MAX_MS as f64).contains(f)
            })
            .map(|f| f as i64)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidDate,
                    field,
                    format!("{} is not a valid epoch-millisecond instant", show(v)),
                )
            }),
        other => Err(Error::new(
            ErrorCode::InvalidDate,
            field,
            format!(
                "expected an ISO instant string or epoch milliseconds, not {}",
                type_name(other)
            ),
        )),
    }
}

/// An optional instant at `key` (ISO string or epoch milliseconds).
pub fn opt_instant(o: &Obj, key: &str) -> Result<Option<i64>> {
    o.get(key)
        .map(|v| instant_value(v, &o.field(key)))
        .transpose()
}

/// A date/time string field resolved in `zone`.
fn date_field(o: &Obj, key: &str, zone: Option<Zone>) -> Result<i64> {
    match o.str_as(key, ErrorCode::InvalidDate)? {
        Some(s) => zone::parse_in(s, zone, &o.field(key)),
        None => Err(Error::new(
            ErrorCode::InvalidDate,
            o.field(key),
            format!("{key} is missing"),
        )),
    }
}

/// Parses `a/b` into a window.
pub fn interval(text: &str, zone: Option<Zone>, field: &str) -> Result<Window> {
    let mut parts = text.splitn(3, '/');
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::new(ErrorCode::InvalidDate, field, "an interval must be \"start/end\", e.g. \"2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z\""));
    };
    let s = zone::parse_in(a, zone, field)?;
    let e = zone::parse_in(b, zone, field)?;
    Window::new(s, e, field)
}

/// Reads a window from `start`+`end` or `interval` (jobs may also say `start_date`/`end_date`
/// or `startDate`/`endDate`). Reports a bad start and a bad end together.
pub fn window_of(
    o: &Obj,
    zone: Option<Zone>,
    alt_keys: bool,
    missing_code: ErrorCode,
) -> Errors<Window> {
    let pairs: &[(&str, &str)] = if alt_keys {
        &[
            ("start", "end"),
            ("startDate", "endDate"),
            ("start_date", "end_date"),
        ]
    } else {
        &[("start", "end")]
    };
    let found = pairs.iter().find(|(s, e)| o.has(s) || o.has(e));
    match (one(o.str_as("interval", ErrorCode::InvalidDate))?, found) {
        (Some(_), Some((s, _))) => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            o.field(s),
            "give either interval or start/end, not both",
        )]),
        (Some(text), None) => one(interval(text, zone, &o.field("interval"))),
        (None, Some((s, e))) => match (date_field(o, s, zone), date_field(o, e, zone)) {
            (Ok(start), Ok(end)) => one(Window::new(start, end, &o.field(e))),
            (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
        },
        (None, None) => Err(vec![Error::new(
            missing_code,
            o.path.clone(),
            "a range is required: give start and end (or interval \"start/end\")",
        )]),
    }
}

/// Reads a channel list at `key`; `None` when absent.
pub fn channels_of(o: &Obj, key: &str) -> Result<Option<Vec<String>>> {
    channels_for(o, key, false)
}

/// [`channels_of`], refusing the message types analytics does not know when `analytics`
/// (the profile filters on analytics `messageType`).
pub fn channels_for(o: &Obj, key: &str, analytics: bool) -> Result<Option<Vec<String>>> {
    let Some(list) = o.array(key)? else {
        return Ok(None);
    };
    let field = o.field(key);
    let mut names = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        match v {
            Value::String(s) => names.push(s.as_str()),
            other => {
                return Err(Error::new(
                    ErrorCode::UnknownChannel,
                    format!("{field}[{i}]"),
                    format!("a channel must be a string, not {}", type_name(other)),
                ))
            }
        }
    }
    let canonical = channel::canonicalize(&names, &field)?;
    if analytics {
        channel::check_analytics(&names, &field)?;
    }
    Ok(Some(canonical))
}

/// The fields a request may have.
pub const REQUEST_KEYS: [&str; 6] = [
    "start", "end", "interval", "timeZone", "channels", "profile",
];

/// The fields of a request to queue: a request's, and `split`.
const QUEUED_REQUEST_KEYS: [&str; 7] = [
    "start", "end", "interval", "timeZone", "channels", "profile", "split",
];

/// Parses a request, collecting every error. With `need_channels` false (plan), the
/// channels may be omitted.
pub fn request_of(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    need_channels: bool,
) -> Errors<Request> {
    request_with(v, path, ctx, need_channels, &REQUEST_KEYS)
}

/// [`request_of`], with the fields the request may have.
fn request_with(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    need_channels: bool,
    keys: &[&str],
) -> Errors<Request> {
    let v = v.ok_or_else(|| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            "request is missing",
        )]
    })?;
    let o = one(Obj::new(v, path, ErrorCode::InvalidArgument, "request"))?;
    let mut errors = Vec::new();
    if let Err(e) = o.only(keys) {
        errors.push(e);
    }
    let profile = match o.str("profile").and_then(|p| {
        p.map(|p| Profile::parse(p, &o.field("profile")))
            .transpose()
    }) {
        Ok(p) => p.unwrap_or(ctx.profile),
        Err(e) => {
            errors.push(e);
            ctx.profile
        }
    };
    let zone = match o
        .str("timeZone")
        .and_then(|z| z.map(|z| Zone::lookup(z, &o.field("timeZone"))).transpose())
    {
        Ok(z) => z.or(ctx.zone),
        Err(e) => {
            errors.push(e);
            return Err(errors);
        }
    };
    let window = window_of(&o, zone, false, ErrorCode::InvalidDate)
        .map_err(|e| errors.extend(e))
        .ok();
    let channels = match channels_for(&o, "channels", profile.filters_analytics()) {
        Ok(Some(c)) => Some(c),
        Ok(None) if need_channels => {
            errors.push(Error::new(ErrorCode::NoChannels, o.field("channels"), "channels is missing: name them explicitly (e.g. [\"sms\", \"whatsapp\"]); an export never defaults to all channels"));
            None
        }
        Ok(None) => Some(Vec::new()),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    match (window, channels) {
        (Some(window), Some(channels)) if errors.is_empty() => Ok(Request {
            window,
            channels,
            profile,
        }),
        _ => Err(errors),
    }
}

/// A request to queue (at `path`) and its parts: split when it is longer than
/// `maxRangeDays` (default: its profile's maximum), or as its `split: { granularity }`
/// asks, into windows aligned in the request's zone (see [`crate::bulk`]).
pub fn queued_request_of(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    opts: &Obj,
) -> Errors<(Request, Option<Vec<crate::time::Window>>)> {
    let request = request_with(v, path, ctx, true, &QUEUED_REQUEST_KEYS)?;
    let o = one(Obj::new(
        v.unwrap_or(&Value::Null),
        path,
        ErrorCode::InvalidArgument,
        "request",
    ))?;
    let asked = match o.get("split") {
        None | Some(Value::Null) => None,
        Some(s) => {
            let so = one(Obj::new(
                s,
                &o.field("split"),
                ErrorCode::InvalidArgument,
                "split: { granularity: \"hour\" | \"day\" | \"week\" | \"month\" }",
            ))?;
            one(so.only(&["granularity"]))?;
            let g = one(so.str("granularity"))?.ok_or_else(|| {
                vec![Error::new(
                    ErrorCode::InvalidArgument,
                    so.field("granularity"),
                    "split.granularity is missing: \"hour\", \"day\", \"week\" or \"month\"",
                )]
            })?;
            Some(one(crate::plan::Granularity::parse(
                g,
                chrono::Weekday::Mon,
                &so.field("granularity"),
            ))?)
        }
    };
    // The zone was read (and checked) by request_of.
    let zone = o
        .str("timeZone")
        .ok()
        .flatten()
        .and_then(|z| Zone::lookup(z, "").ok())
        .or(ctx.zone)
        .unwrap_or(crate::zone::UTC);
    let max_days = one(u32_opt(opts, "maxRangeDays", limits::MAX_RANGE_DAYS))?
        .unwrap_or(request.profile.max_range_days().value);
    let parts =
        one(crate::bulk::split(request.window, zone, max_days, asked).map_err(|e| e.within(path)))?;
    Ok((request, parts.map(|p| p.windows)))
}

/// An optional whole number in `0..=max`.
pub fn u32_opt(o: &Obj, key: &str, max: u32) -> Result<Option<u32>> {
    Ok(o.uint(key, u64::from(max))?.map(|x| x as u32))
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

/// The options `decide` and `decideMany` accept.
pub const DECIDE_OPTION_KEYS: [&str; 12] = [
    "now",
    "profile",
    "timeZone",
    "maxRangeDays",
    "touchingConflicts",
    "maxActiveJobs",
    "recheckAfterMs",
    "splitByChannel",
    PAYLOAD_OPTION_KEYS[0],
    PAYLOAD_OPTION_KEYS[1],
    PAYLOAD_OPTION_KEYS[2],
    PAYLOAD_OPTION_KEYS[3],
];

/// The options every operation that builds payloads accepts (read by [`payload_options`]).
pub const PAYLOAD_OPTION_KEYS: [&str; 4] = [
    "recordingAction",
    "integrationId",
    "includeScreenRecordings",
    "actionDate",
];

/// `own` option names followed by the payload options: the allowed keys of an operation
/// that builds payloads.
pub fn with_payload_keys(own: &[&'static str]) -> Vec<&'static str> {
    own.iter().chain(&PAYLOAD_OPTION_KEYS).copied().collect()
}

/// Reads the options of `decide`.
pub fn decide_options(o: &Obj, now_ms: i64) -> Result<DecideOptions> {
    let d = DecideOptions::default();
    Ok(DecideOptions {
        max_range_days: u32_opt(o, "maxRangeDays", limits::MAX_RANGE_DAYS)?
            .unwrap_or(d.max_range_days),
        touching_conflicts: o.bool("touchingConflicts")?.unwrap_or(false),
        max_active_jobs: max_active_jobs(o)?,
        recheck_after_ms: o
            .uint("recheckAfterMs", backoff::MAX_DELAY_LIMIT_MS)?
            .unwrap_or(d.recheck_after_ms),
        split_by_channel: o.bool("splitByChannel")?.unwrap_or(false),
        payload: payload_options(o, now_ms)?,
    })
}

/// Reads the options argument (`null` → empty), rejecting keys outside `allowed`.
pub fn options_of<'a>(opts: Option<&'a Value>, allowed: &[&str]) -> Errors<Obj<'a>> {
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

/// Checks a request (at `path`) against `options.maxRangeDays` (default: its profile's
/// maximum).
pub fn check_max_range(o: &Obj, request: &Request, path: &str) -> Errors<()> {
    let max_days = one(u32_opt(o, "maxRangeDays", limits::MAX_RANGE_DAYS))?
        .unwrap_or(request.profile.max_range_days().value);
    one(decide::check_range_length(request.window, max_days, path))
}

/// The `requests` argument of the batch operations: an array, or an error.
pub fn request_list(reqs: Option<&Value>) -> Errors<&Vec<Value>> {
    match reqs {
        Some(Value::Array(a)) if a.len() > limits::MAX_BATCH => Err(vec![too_many(
            "requests",
            a.len(),
            limits::MAX_BATCH,
            "requests",
        )]),
        Some(Value::Array(a)) => Ok(a),
        other => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "requests",
            format!(
                "requests must be an array of requests, not {}",
                other.map_or("nothing", type_name)
            ),
        )]),
    }
}

/// `enqueue`/`enqueueMany` options: (now, notBefore, attempts).
pub fn enqueue_settings(o: &Obj, now_ms: i64) -> Errors<(i64, Option<i64>, u32)> {
    let now = one(opt_instant(o, "now"))?.unwrap_or(now_ms);
    let not_before = one(opt_instant(o, "notBefore"))?;
    let attempts = one(u32_opt(o, "attempts", u32::MAX))?.unwrap_or(0);
    Ok((now, not_before, attempts))
}

/// The fields of a backoff policy.
pub const POLICY_KEYS: [&str; 8] = [
    "initialMs",
    "factor",
    "maxMs",
    "maxAttempts",
    "maxElapsedMs",
    "jitter",
    "seed",
    "maxRetryAfterMs",
];

/// Reads a policy (`null` → defaults).
pub fn policy_of(v: Option<&Value>, path: &str) -> Result<Policy> {
    let o = Obj::optional(v, path, ErrorCode::InvalidPolicy, "the policy")?;
    o.only(&POLICY_KEYS)?;
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
            Some(j) => Jitter::parse(j, &o.field("jitter"))?,
            None => d.jitter,
        },
        seed,
        max_retry_after_ms: o
            .uint("maxRetryAfterMs", limit)?
            .unwrap_or(d.max_retry_after_ms),
    };
    p.validate(path)?;
    Ok(p)
}

/// Reads a header value: a string, a number, or an array (first element).
pub fn header_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.first().and_then(header_value),
        _ => None,
    }
}
