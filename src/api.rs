//! The JSON contract shared by every build (Node, web, ServiceNow ES5).
//!
//! [`call`] takes an operation name and its arguments as a JSON array, and answers a JSON
//! envelope: `{"ok": result}` or `{"error": {code, field, message}, "errors": [...]}`.
//! The wasm binding and the ES5 build only move strings; the JS shim turns envelopes
//! into return values or `ExportGuardError`s. Keys are camelCase; instants are UTC
//! ISO strings with milliseconds.

use crate::backoff::{self, Jitter, Policy, Response};
use crate::channel;
use crate::decide::{self, DecideOptions, Decision, Job, JobIndex, Request};
use crate::error::{Error, ErrorCode, Result};
use crate::json::{show, type_name, whole_number, Obj};
use crate::out;
use crate::plan::{self, Granularity, PlanOptions};
use crate::profile::{PayloadOptions, Profile, RECORDING_ACTIONS};
use crate::queue::{DrainOptions, Item, Queue, WaitReason};
use crate::time::{format_ms, parse_instant, Window, MAX_MS, MIN_MS};
use crate::zone::{self, Zone};
use serde_json::{json, Value};
use std::rc::Rc;

/// Most errors reported for one call (a 100,000-job array of junk gives 50, not 100,000).
pub const MAX_ERRORS: usize = 50;

/// The operations [`call`] understands.
pub const OPERATIONS: [&str; 15] = [
    "decide",
    "decideMany",
    "prepareJobs",
    "freeJobs",
    "buildPayload",
    "plan",
    "enqueue",
    "enqueueMany",
    "drain",
    "schedule",
    "nextRetry",
    "profiles",
    "timeZones",
    "channels",
    "version",
];

/// Runs operation `op` on `args_json` (a JSON array of arguments). `now_ms` is the
/// caller's clock, used where an `options.now` is not given. Never panics on input.
pub fn call(op: &str, args_json: &str, now_ms: i64) -> String {
    let result = serde_json::from_str::<Value>(args_json)
        .map_err(|e| {
            vec![Error::new(
                ErrorCode::InvalidArgument,
                "",
                format!("arguments are not valid JSON: {e}"),
            )]
        })
        .and_then(|args| match args {
            Value::Array(a) => dispatch(op, &a, now_ms),
            other => Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "",
                format!("arguments must be a JSON array, not {}", type_name(&other)),
            )]),
        });
    envelope(result)
}

/// Wraps a result in the `{"ok": ...}` / `{"error": ..., "errors": [...]}` envelope.
pub fn envelope(result: core::result::Result<String, Vec<Error>>) -> String {
    match result {
        Ok(body) => {
            let mut out = String::with_capacity(body.len() + 7);
            out.push_str("{\"ok\":");
            out.push_str(&body);
            out.push('}');
            out
        }
        Err(errors) => {
            let list: Vec<Value> = errors.iter().map(error_json).collect();
            let first = list.first().cloned().unwrap_or_else(|| {
                error_json(&Error::new(ErrorCode::InvalidArgument, "", "unknown error"))
            });
            serde_json::to_string(&json!({ "error": first, "errors": list }))
                .unwrap_or_else(|_| String::from("{\"error\":null}"))
        }
    }
}

/// `{code, field, message}`.
pub fn error_json(e: &Error) -> Value {
    json!({ "code": e.code.as_str(), "field": e.field, "message": e.message })
}

type Outcome = core::result::Result<Value, Vec<Error>>;
type Errors<T> = core::result::Result<T, Vec<Error>>;

fn one<T>(r: Result<T>) -> core::result::Result<T, Vec<Error>> {
    r.map_err(|e| vec![e])
}

/// Calls the operation's handler. Every handler is `#[inline(never)]` (and build.sh caps
/// binaryen's single-caller inlining, which would undo that): inlined, they made this one
/// function hold the whole API, which V8 compiles in one piece on the first call of any
/// operation (wasm compiles lazily, per function: ~4 ms before even `version()`
/// answered), and which became a 400 KB function in the ES5 script.
fn dispatch(op: &str, args: &[Value], now_ms: i64) -> core::result::Result<String, Vec<Error>> {
    let arg = |i: usize| args.get(i).filter(|v| !v.is_null());
    let max_args = match op {
        "decide" | "nextRetry" => 4,
        "enqueue" | "enqueueMany" | "drain" | "decideMany" => 3,
        "buildPayload" | "plan" | "prepareJobs" => 2,
        "schedule" | "freeJobs" => 1,
        _ => 0,
    };
    if args.len() > max_args && OPERATIONS.contains(&op) {
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!(
                "{op} takes at most {max_args} arguments, got {}",
                args.len()
            ),
        )]);
    }
    let value = match op {
        // Decisions are written as text directly (see `out`); the rest go through Value.
        "decide" => return Ok(decide_json(arg(0), arg(1), arg(2), now_ms)),
        "decideMany" => return decide_many_json(arg(0), arg(1), arg(2), now_ms),
        "prepareJobs" => prepare_jobs_json(arg(0), arg(1)),
        "freeJobs" => free_jobs_json(arg(0)),
        "buildPayload" => build_payload(arg(0), arg(1), now_ms),
        "plan" => plan_json(arg(0), arg(1)),
        "enqueue" => enqueue_json(arg(0), arg(1), arg(2), now_ms),
        "enqueueMany" => enqueue_many_json(arg(0), arg(1), arg(2), now_ms),
        "drain" => drain_json(arg(0), arg(1), arg(2), now_ms),
        "schedule" => schedule_json(arg(0)),
        "nextRetry" => next_retry_json(arg(0), arg(1), arg(2), arg(3), now_ms),
        "profiles" => Ok(Value::Array(
            Profile::ALL.iter().map(|p| p.describe()).collect(),
        )),
        "timeZones" => Ok(json!(zone::supported())),
        "channels" => Ok(
            json!({ "mediaTypes": channel::MEDIA_TYPES, "messageTypes": channel::MESSAGE_TYPES }),
        ),
        "version" => Ok(json!(env!("CARGO_PKG_VERSION"))),
        _ => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!(
                "unknown operation {:?}; expected one of: {}",
                op.chars().take(40).collect::<String>(),
                OPERATIONS.join(", ")
            ),
        )]),
    };
    value.map(|v| serde_json::to_string(&v).unwrap_or_else(|_| String::from("null")))
}

// ---------------------------------------------------------------- inputs

/// Defaults a request may inherit from options.
struct Context {
    profile: Profile,
    zone: Option<Zone>,
}

/// Reads `options.profile` and `options.timeZone`.
fn context(opts: &Obj) -> Result<Context> {
    let profile = match opts.str("profile")? {
        Some(p) => Profile::parse(p, &opts.field("profile"))?,
        None => Profile::EvaluationExports,
    };
    let zone = match opts.str("timeZone")? {
        Some(z) => Some(Zone::lookup(z, &opts.field("timeZone"))?),
        None => None,
    };
    Ok(Context { profile, zone })
}

/// Reads an instant given as epoch milliseconds (number) or an ISO instant string.
fn instant_value(v: &Value, field: &str) -> Result<i64> {
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

fn opt_instant(o: &Obj, key: &str) -> Result<Option<i64>> {
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
fn interval(text: &str, zone: Option<Zone>, field: &str) -> Result<Window> {
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
fn window_of(
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

/// The first error of a list (for callers that report one).
fn first(errors: Vec<Error>) -> Error {
    errors
        .into_iter()
        .next()
        .unwrap_or_else(|| Error::new(ErrorCode::InvalidArgument, "", "invalid input"))
}

/// Reads a channel list at `key`; `None` when absent.
fn channels_of(o: &Obj, key: &str) -> Result<Option<Vec<String>>> {
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
    channel::canonicalize(&names, &field).map(Some)
}

const REQUEST_KEYS: [&str; 6] = [
    "start", "end", "interval", "timeZone", "channels", "profile",
];

/// Parses a request, collecting every error. With `need_channels` false (plan), the
/// channels may be omitted.
fn request_of(
    v: Option<&Value>,
    path: &str,
    ctx: &Context,
    need_channels: bool,
) -> core::result::Result<Request, Vec<Error>> {
    let v = v.ok_or_else(|| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            "request is missing",
        )]
    })?;
    let o = one(Obj::new(v, path, ErrorCode::InvalidArgument, "request"))?;
    let mut errors = Vec::new();
    if let Err(e) = o.only(&REQUEST_KEYS) {
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
    let channels = match channels_of(&o, "channels") {
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

/// Parses one job.
fn job_of(v: &Value, path: &str, default_profile: Profile) -> Result<Job> {
    let o = Obj::new(v, path, ErrorCode::InvalidJob, "a job")?;
    let id = match o.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) | None => {
            return Err(Error::new(
                ErrorCode::InvalidJob,
                o.field("id"),
                "a job needs a non-empty string id",
            ))
        }
        Some(other) => {
            return Err(Error::new(
                ErrorCode::InvalidJob,
                o.field("id"),
                format!("id must be a string, not {}", type_name(other)),
            ))
        }
    };
    let profile = match o.str("profile")? {
        Some(p) => Profile::parse(p, &o.field("profile"))?,
        None => default_profile,
    };
    let window = window_of(&o, None, true, ErrorCode::InvalidJob).map_err(first)?;
    let status_text = o.str("status")?.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidJob,
            o.field("status"),
            "a job needs a status (e.g. \"IN_PROGRESS\")",
        )
    })?;
    let (status, active) = profile.classify_status(status_text, &o.field("status"))?;
    let channels = match o.array("channels")? {
        Some(a) if a.is_empty() => None,
        _ => channels_of(&o, "channels")?,
    };
    Ok(Job {
        id,
        window,
        status,
        active,
        channels,
        profile,
    })
}

/// Parses a well-formed job without building field paths (the common case, and the
/// cost that dominates large job lists). `None` means "not well-formed": the caller then
/// runs [`job_of`], which finds the exact error. For every input, `job_fast` either
/// agrees with `job_of` or returns `None` (tested in `fast_and_slow_job_parsing_agree`).
fn job_fast(v: &Value, default_profile: Profile) -> Option<Job> {
    let m = v.as_object()?;
    let get = |k: &str| m.get(k).filter(|v| !v.is_null());
    let id = get("id")?.as_str().filter(|s| !s.is_empty())?;
    let profile = match get("profile") {
        None => default_profile,
        Some(p) => Profile::parse(p.as_str()?, "").ok()?,
    };
    let pairs = [
        ("start", "end"),
        ("startDate", "endDate"),
        ("start_date", "end_date"),
    ];
    let found = pairs
        .iter()
        .find(|(s, e)| get(s).is_some() || get(e).is_some());
    let window = match (get("interval"), found) {
        (Some(iv), None) => interval(iv.as_str()?, None, "").ok()?,
        (None, Some((s, e))) => {
            let start = zone::parse_in(get(s)?.as_str()?, None, "").ok()?;
            let end = zone::parse_in(get(e)?.as_str()?, None, "").ok()?;
            Window::new(start, end, "").ok()?
        }
        _ => return None,
    };
    let (status, active) = profile.classify_status(get("status")?.as_str()?, "").ok()?;
    let channels = match get("channels") {
        None => None,
        Some(Value::Array(a)) if a.is_empty() => None,
        Some(Value::Array(a)) => {
            let names: Option<Vec<&str>> = a.iter().map(Value::as_str).collect();
            Some(channel::canonicalize(&names?, "").ok()?)
        }
        Some(_) => return None,
    };
    Some(Job {
        id: id.to_string(),
        window,
        status,
        active,
        channels,
        profile,
    })
}

/// Most prepared job lists alive at once in one instance (see `prepareJobs`).
pub const MAX_PREPARED: usize = 1_000;

/// Job lists parsed once and kept in the instance, by handle (`prepareJobs`).
struct Prepared {
    last: u32,
    lists: std::collections::BTreeMap<u32, Rc<JobIndex>>,
}

thread_local! {
    static PREPARED: std::cell::RefCell<Prepared> = const {
        std::cell::RefCell::new(Prepared { last: 0, lists: std::collections::BTreeMap::new() })
    };
}

/// Parses the job list (`null` → empty), collecting up to [`MAX_ERRORS`] errors. A
/// prepared list (`{"$index": n}` from `prepareJobs`) is taken as it is.
fn jobs_of(
    v: Option<&Value>,
    path: &str,
    default_profile: Profile,
) -> core::result::Result<Rc<JobIndex>, Vec<Error>> {
    let list = match v {
        None => return Ok(Rc::new(JobIndex::default())),
        Some(Value::Array(a)) => a,
        Some(Value::Object(m)) if m.contains_key("$index") => {
            let handle = m
                .get("$index")
                .and_then(|h| whole_number(h, u64::from(u32::MAX)));
            let found =
                handle.and_then(|h| PREPARED.with(|p| p.borrow().lists.get(&(h as u32)).cloned()));
            return found.ok_or_else(|| {
                vec![Error::new(
                    ErrorCode::InvalidArgument,
                    path,
                    "this prepared job list does not exist (it was freed, or comes from another instance)",
                )]
            });
        }
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                path,
                format!("{path} must be an array of jobs, not {}", type_name(other)),
            )])
        }
    };
    let mut jobs = Vec::with_capacity(list.len());
    let mut errors = Vec::new();
    for (i, v) in list.iter().enumerate() {
        if let Some(j) = job_fast(v, default_profile) {
            jobs.push(j);
            continue;
        }
        match job_of(v, &format!("{path}[{i}]"), default_profile) {
            Ok(j) => jobs.push(j),
            Err(e) if errors.len() < MAX_ERRORS => errors.push(e),
            Err(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(Rc::new(JobIndex::new(jobs)))
    } else {
        Err(errors)
    }
}

/// `prepareJobs(activeJobs, options)`: parses a job list once and keeps it in the
/// instance, for repeated decisions against the same jobs. Answers the handle.
// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn prepare_jobs_json(jobs: Option<&Value>, opts: Option<&Value>) -> Outcome {
    let o = options_of(opts, &["profile"])?;
    let ctx = one(context(&o))?;
    if let Some(Value::Object(m)) = jobs {
        if m.contains_key("$index") {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "activeJobs",
                "this job list is prepared already",
            )]);
        }
    }
    let list = jobs_of(jobs, "activeJobs", ctx.profile)?;
    let count = list.count;
    let handle = PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        if p.lists.len() >= MAX_PREPARED {
            return None;
        }
        let mut next = p.last.wrapping_add(1).max(1);
        while p.lists.contains_key(&next) {
            next = next.wrapping_add(1).max(1);
        }
        p.last = next;
        p.lists.insert(next, list);
        Some(next)
    });
    match handle {
        Some(h) => Ok(json!({ "$index": h, "count": count, "profile": ctx.profile.name() })),
        None => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!(
                "{MAX_PREPARED} prepared job lists are alive: free() the ones you no longer need"
            ),
        )]),
    }
}

/// `freeJobs(handle)`: drops a prepared job list. Answers whether it existed.
// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn free_jobs_json(handle: Option<&Value>) -> Outcome {
    let h = handle
        .and_then(|h| whole_number(h, u64::from(u32::MAX)))
        .ok_or_else(|| {
            vec![Error::new(
                ErrorCode::InvalidArgument,
                "index",
                "index must be the number prepareJobs returned",
            )]
        })?;
    Ok(json!(PREPARED.with(|p| p
        .borrow_mut()
        .lists
        .remove(&(h as u32))
        .is_some())))
}

fn u32_opt(o: &Obj, key: &str, max: u32) -> Result<Option<u32>> {
    Ok(o.uint(key, u64::from(max))?.map(|x| x as u32))
}

fn payload_options(o: &Obj, now_ms: i64) -> Result<PayloadOptions> {
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
        action_date: opt_instant(o, "actionDate")?,
        now: opt_instant(o, "now")?.unwrap_or(now_ms),
    })
}

const DECIDE_OPTION_KEYS: [&str; 11] = [
    "now",
    "profile",
    "timeZone",
    "maxRangeDays",
    "touchingConflicts",
    "maxActiveJobs",
    "recheckAfterMs",
    "splitByChannel",
    "recordingAction",
    "integrationId",
    "actionDate",
];

fn decide_options(o: &Obj, now_ms: i64) -> Result<DecideOptions> {
    let d = DecideOptions::default();
    Ok(DecideOptions {
        max_range_days: u32_opt(o, "maxRangeDays", 3660)?.unwrap_or(d.max_range_days),
        touching_conflicts: o.bool("touchingConflicts")?.unwrap_or(false),
        max_active_jobs: u32_opt(o, "maxActiveJobs", 10_000)?
            .filter(|n| *n > 0)
            .or(None),
        recheck_after_ms: o
            .uint("recheckAfterMs", backoff::MAX_DELAY_LIMIT_MS)?
            .unwrap_or(d.recheck_after_ms),
        split_by_channel: o.bool("splitByChannel")?.unwrap_or(false),
        payload: payload_options(o, now_ms)?,
    })
}

/// Reads the options argument (`null` → empty), rejecting keys outside `allowed`.
fn options_of<'a>(opts: Option<&'a Value>, allowed: &[&str]) -> Errors<Obj<'a>> {
    let o = one(Obj::optional(
        opts,
        "options",
        ErrorCode::InvalidArgument,
        "options",
    ))?;
    one(o.only(allowed))?;
    Ok(o)
}

/// Checks a request against `options.maxRangeDays` (default 31).
fn check_max_range(o: &Obj, request: &Request) -> Errors<()> {
    let max_days = one(u32_opt(o, "maxRangeDays", 3660))?.unwrap_or(31);
    one(decide::check_range_length(
        request.window,
        max_days,
        "request",
    ))
}

// ---------------------------------------------------------------- outputs

fn window_json(w: Window) -> Value {
    json!({ "start": format_ms(w.start), "end": format_ms(w.end), "lockKey": w.lock_key() })
}

fn endpoint_json(p: Profile) -> Value {
    json!({ "method": p.method(), "path": p.path(), "pollPath": p.poll_path() })
}

// ---------------------------------------------------------------- operations

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn decide_json(
    req: Option<&Value>,
    jobs: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> String {
    let parsed = (|| {
        let o = one(Obj::optional(
            opts,
            "options",
            ErrorCode::InvalidArgument,
            "options",
        ))?;
        let mut errors = Vec::new();
        let options = o
            .only(&DECIDE_OPTION_KEYS)
            .and_then(|_| decide_options(&o, now_ms))
            .map_err(|e| errors.push(e))
            .ok();
        let ctx = context(&o).map_err(|e| errors.push(e)).ok();
        let ctx = ctx.unwrap_or(Context {
            profile: Profile::EvaluationExports,
            zone: None,
        });
        let request = request_of(req, "request", &ctx, true)
            .map_err(|e| errors.extend(e))
            .ok();
        let default_profile = request.as_ref().map_or(ctx.profile, |r| r.profile);
        let jobs = jobs_of(jobs, "activeJobs", default_profile)
            .map_err(|e| errors.extend(e))
            .ok();
        match (request, jobs, options) {
            (Some(r), Some(j), Some(o)) if errors.is_empty() => Ok((r, j, o)),
            _ => {
                errors.truncate(MAX_ERRORS);
                Err(errors)
            }
        }
    })();
    let mut text = String::with_capacity(512);
    match parsed {
        Ok((r, j, o)) => out::decision(&mut text, &decide::decide(&r, &j, &o), Some(r.profile)),
        Err(errors) => out::decision(&mut text, &Decision::reject(errors), None),
    }
    text
}

/// Decides many requests against one job list, parsed once (batch triage). Bad options
/// or jobs fail the call; a bad request gives a reject decision in its place.
// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn decide_many_json(
    reqs: Option<&Value>,
    jobs: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> core::result::Result<String, Vec<Error>> {
    let o = options_of(opts, &DECIDE_OPTION_KEYS)?;
    let options = one(decide_options(&o, now_ms))?;
    let ctx = one(context(&o))?;
    let jobs = jobs_of(jobs, "activeJobs", ctx.profile)?;
    let list = request_list(reqs)?;
    let mut text = String::with_capacity(list.len() * 1024 + 2);
    text.push('[');
    for (i, r) in list.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        match request_of(Some(r), &format!("requests[{i}]"), &ctx, true) {
            Ok(req) => out::decision(
                &mut text,
                &decide::decide(&req, &jobs, &options),
                Some(req.profile),
            ),
            Err(mut errors) => {
                errors.truncate(MAX_ERRORS);
                out::decision(&mut text, &Decision::reject(errors), None)
            }
        }
    }
    text.push(']');
    Ok(text)
}

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn build_payload(req: Option<&Value>, opts: Option<&Value>, now_ms: i64) -> Outcome {
    let o = options_of(
        opts,
        &[
            "now",
            "profile",
            "timeZone",
            "maxRangeDays",
            "splitByChannel",
            "recordingAction",
            "integrationId",
            "actionDate",
        ],
    )?;
    let ctx = one(context(&o))?;
    let request = request_of(req, "request", &ctx, true)?;
    check_max_range(&o, &request)?;
    let split = one(o.bool("splitByChannel"))?.unwrap_or(false);
    let popts = one(payload_options(&o, now_ms))?;
    let mut payloads = decide::payloads(&request, split, &popts);
    Ok(if split {
        Value::Array(payloads)
    } else {
        payloads.pop().unwrap_or(Value::Null)
    })
}

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn plan_json(req: Option<&Value>, opts: Option<&Value>) -> Outcome {
    let o = options_of(
        opts,
        &[
            "profile",
            "timeZone",
            "granularity",
            "workers",
            "weekStart",
            "activeJobs",
            "touchingConflicts",
            "maxWindows",
        ],
    )?;
    let ctx = one(context(&o))?;
    let request = request_of(req, "request", &ctx, false)?;
    let jobs = jobs_of(o.get("activeJobs"), "options.activeJobs", request.profile)?;
    let week_start = match one(o.str("weekStart"))? {
        Some(w) => one(plan::parse_weekday(w, &o.field("weekStart")))?,
        None => chrono::Weekday::Mon,
    };
    let granularity = match one(o.str("granularity"))? {
        Some(g) => one(Granularity::parse(g, week_start, &o.field("granularity")))?,
        None => Granularity::Day,
    };
    // A request's own timeZone wins over options.timeZone; plans default to UTC.
    let zone = match req.and_then(|r| r.get("timeZone")).and_then(Value::as_str) {
        Some(z) => one(Zone::lookup(z, "request.timeZone"))?,
        None => ctx.zone.unwrap_or(zone::UTC),
    };
    let popts = PlanOptions {
        granularity,
        workers: one(u32_opt(&o, "workers", 10_000))?.unwrap_or(1),
        zone,
        profile: request.profile,
        touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
        max_windows: one(o.uint("maxWindows", 1_000_000))?.unwrap_or(10_000) as usize,
    };
    let windows = one(plan::plan(request.window, &jobs.active, &popts))?;
    let list: Vec<Value> = windows
        .iter()
        .map(|w| {
            let mut v = window_json(w.window);
            if let Some(m) = v.as_object_mut() {
                m.insert("worker".into(), json!(w.worker));
                m.insert("blockedBy".into(), json!(w.blocked_by));
            }
            v
        })
        .collect();
    Ok(json!({
        "windows": list,
        "granularity": granularity.as_str(),
        "timeZone": zone.name(),
        "workers": popts.workers,
        "profile": request.profile.name(),
    }))
}

// ---- queue

const QUEUE_VERSION: u64 = 1;

fn item_json(i: &Item) -> Value {
    let mut v = json!({
        "seq": i.seq, "key": i.key(), "lockKey": i.lock_key(), "profile": i.profile.name(),
        "start": format_ms(i.window.start), "end": format_ms(i.window.end), "channels": i.channels,
        "enqueuedAt": format_ms(i.enqueued_at), "attempts": i.attempts,
    });
    if let (Some(nb), Some(m)) = (i.not_before, v.as_object_mut()) {
        m.insert("notBefore".into(), json!(format_ms(nb)));
    }
    v
}

fn queue_json(q: &Queue) -> Value {
    json!({ "version": QUEUE_VERSION, "nextSeq": q.next_seq, "items": q.items.iter().map(item_json).collect::<Vec<_>>() })
}

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

fn queue_of(v: Option<&Value>) -> Result<Queue> {
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

/// The `requests` argument of the batch operations: an array, or an error.
fn request_list(reqs: Option<&Value>) -> Errors<&Vec<Value>> {
    match reqs {
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
fn enqueue_settings(o: &Obj, now_ms: i64) -> Errors<(i64, Option<i64>, u32)> {
    let now = one(opt_instant(o, "now"))?.unwrap_or(now_ms);
    let not_before = one(opt_instant(o, "notBefore"))?;
    let attempts = one(u32_opt(o, "attempts", u32::MAX))?.unwrap_or(0);
    Ok((now, not_before, attempts))
}

const ENQUEUE_OPTION_KEYS: [&str; 6] = [
    "now",
    "profile",
    "timeZone",
    "notBefore",
    "attempts",
    "maxRangeDays",
];

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn enqueue_json(
    queue: Option<&Value>,
    req: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> Outcome {
    let o = options_of(opts, &ENQUEUE_OPTION_KEYS)?;
    let mut q = one(queue_of(queue))?;
    let ctx = one(context(&o))?;
    let request = request_of(req, "request", &ctx, true)?;
    check_max_range(&o, &request)?;
    let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
    let (added, item) = q.enqueue(&request, now, not_before, attempts);
    Ok(json!({ "queue": queue_json(&q), "added": added, "item": item_json(&item) }))
}

/// Enqueues a list of requests in one call: the queue is read and written once, so a
/// backlog of n requests costs O(n) instead of the O(n²) of n `enqueue` calls. A bad
/// request is not queued and gets `{ added: false, errors }` in its place; a bad queue
/// or bad options fail the whole call.
// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn enqueue_many_json(
    queue: Option<&Value>,
    reqs: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> Outcome {
    let o = options_of(opts, &ENQUEUE_OPTION_KEYS)?;
    let mut q = one(queue_of(queue))?;
    let ctx = one(context(&o))?;
    let list = request_list(reqs)?;
    let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
    one(u32_opt(&o, "maxRangeDays", 3660))?; // a bad option fails the call, not each request
    let mut results = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let checked = request_of(Some(r), &format!("requests[{i}]"), &ctx, true)
            .and_then(|request| check_max_range(&o, &request).map(|()| request));
        results.push(match checked {
            Ok(request) => {
                let (added, item) = q.enqueue(&request, now, not_before, attempts);
                json!({ "added": added, "item": item_json(&item) })
            }
            Err(mut errors) => {
                errors.truncate(MAX_ERRORS);
                json!({ "added": false, "errors": errors.iter().map(error_json).collect::<Vec<_>>() })
            }
        });
    }
    Ok(json!({ "queue": queue_json(&q), "results": results }))
}

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn drain_json(
    queue: Option<&Value>,
    jobs: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> Outcome {
    let o = options_of(
        opts,
        &[
            "now",
            "profile",
            "touchingConflicts",
            "maxActiveJobs",
            "splitByChannel",
            "recordingAction",
            "integrationId",
            "actionDate",
        ],
    )?;
    let q = one(queue_of(queue))?;
    let ctx = one(context(&o))?;
    let jobs = jobs_of(jobs, "activeJobs", ctx.profile)?;
    let popts = one(payload_options(&o, now_ms))?;
    let split = one(o.bool("splitByChannel"))?.unwrap_or(false);
    let d = q.drain(
        &jobs.active,
        DrainOptions {
            now: popts.now,
            touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
            max_active_jobs: one(u32_opt(&o, "maxActiveJobs", 10_000))?.filter(|n| *n > 0),
        },
    );
    let submit: Vec<Value> = d
        .submit
        .iter()
        .map(|i| {
            let r = Request {
                window: i.window,
                channels: i.channels.clone(),
                profile: i.profile,
            };
            let mut v = item_json(i);
            if let Some(m) = v.as_object_mut() {
                m.insert(
                    "payloads".into(),
                    Value::Array(decide::payloads(&r, split, &popts)),
                );
                m.insert("endpoint".into(), endpoint_json(i.profile));
            }
            v
        })
        .collect();
    let waiting: Vec<Value> = d
        .waiting
        .iter()
        .map(|(key, reason)| {
            let mut v = json!({ "key": key, "reason": reason.code() });
            if let Some(m) = v.as_object_mut() {
                match reason {
                    WaitReason::NotBefore(t) => m.insert("notBefore".into(), json!(format_ms(*t))),
                    WaitReason::ActiveJobs(ids) => m.insert("blockedBy".into(), json!(ids)),
                    WaitReason::OverlapsSubmitted(k) | WaitReason::EarlierItem(k) => {
                        m.insert("blockedBy".into(), json!([k]))
                    }
                    WaitReason::ConcurrencyLimit(n) => m.insert("maxActive".into(), json!(n)),
                };
            }
            v
        })
        .collect();
    Ok(json!({ "submit": submit, "queue": queue_json(&d.queue), "waiting": waiting }))
}

// ---- backoff

const POLICY_KEYS: [&str; 7] = [
    "initialMs",
    "factor",
    "maxMs",
    "maxAttempts",
    "maxElapsedMs",
    "jitter",
    "seed",
];

/// Reads a policy (`null` → defaults).
fn policy_of(v: Option<&Value>, path: &str) -> Result<Policy> {
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
    };
    p.validate(path)?;
    Ok(p)
}

fn policy_json(p: &Policy) -> Value {
    json!({
        "initialMs": p.initial_ms, "factor": p.factor, "maxMs": p.max_ms, "maxAttempts": p.max_attempts,
        "maxElapsedMs": p.max_elapsed_ms, "jitter": p.jitter.as_str(), "seed": p.seed,
    })
}

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn schedule_json(policy: Option<&Value>) -> Outcome {
    let p = one(policy_of(policy, "policy"))?;
    let steps = backoff::schedule(&p);
    let total = steps.last().map_or(0, |s| s.elapsed_ms);
    let list: Vec<Value> = steps
        .iter()
        .map(|s| json!({ "attempt": s.attempt, "delayMs": s.delay_ms, "minMs": s.min_ms, "maxMs": s.max_ms, "elapsedMs": s.elapsed_ms }))
        .collect();
    Ok(json!({ "steps": list, "totalMs": total, "policy": policy_json(&p) }))
}

/// Reads a header value: a string, a number, or an array (first element).
fn header_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.first().and_then(header_value),
        _ => None,
    }
}

// Kept out of `dispatch`: see the note there.
#[inline(never)]
fn next_retry_json(
    attempt: Option<&Value>,
    response: Option<&Value>,
    policy: Option<&Value>,
    opts: Option<&Value>,
    now_ms: i64,
) -> Outcome {
    let attempt = match attempt {
        Some(v) => whole_number(v, u64::MAX).filter(|a| *a >= 1).ok_or_else(|| {
            vec![Error::new(ErrorCode::InvalidArgument, "attempt", format!("attempt must be a whole number >= 1 (the attempt that just finished), not {}", show(v)))]
        })?,
        None => return Err(vec![Error::new(ErrorCode::InvalidArgument, "attempt", "attempt is missing")]),
    };
    let r = one(Obj::optional(
        response,
        "response",
        ErrorCode::InvalidArgument,
        "response",
    ))?;
    one(r.only(&["status", "headers", "elapsedMs"]))?;
    let status = one(r.uint("status", 599))?.ok_or_else(|| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            "response.status",
            "response.status is missing (use 0 for a network error)",
        )]
    })?;
    if (1..100).contains(&status) {
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "response.status",
            "status must be 0 (no response) or an HTTP status 100-599",
        )]);
    }
    let mut retry_after = None;
    let mut date = None;
    if let Some(h) = r.get("headers") {
        let Value::Object(map) = h else {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "response.headers",
                format!("headers must be an object, not {}", type_name(h)),
            )]);
        };
        for (k, v) in map {
            if k.eq_ignore_ascii_case("retry-after") {
                retry_after = header_value(v);
            } else if k.eq_ignore_ascii_case("date") {
                date = header_value(v);
            }
        }
    }
    let response = Response {
        status: status as u16,
        retry_after,
        date,
        elapsed_ms: one(r.uint("elapsedMs", u64::MAX >> 11))?,
    };
    let p = one(policy_of(policy, "policy"))?;
    let o = options_of(opts, &["now"])?;
    let now = one(opt_instant(&o, "now"))?.unwrap_or(now_ms);
    let v = backoff::next_retry(attempt, &response, &p, now);
    let mut out = json!({ "action": v.action.as_str(), "reason": v.reason, "attempt": attempt });
    if let Some(m) = out.as_object_mut() {
        if let Some(d) = v.delay_ms {
            m.insert("delayMs".into(), json!(d));
        }
        if let Some(ra) = v.retry_after_ms {
            m.insert("retryAfterMs".into(), json!(ra));
        }
        if matches!(
            v.action,
            backoff::RetryAction::Retry | backoff::RetryAction::Recheck
        ) {
            m.insert("nextAttempt".into(), json!(attempt.saturating_add(1)));
        }
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        prop::sample::select(vec![
            json!(null),
            json!(""),
            json!("j-1"),
            json!(7),
            json!("2026-11-02T00:00:00Z"),
            json!("2026-11-03T00:00:00+01:00"),
            json!("2026-11-02"),
            json!("2026-13-02T00:00:00Z"),
            json!("2026-11-02T00:00:00Z/2026-11-03T00:00:00Z"),
            json!("2026-11-03T00:00:00Z/2026-11-02T00:00:00Z"),
            json!("IN_PROGRESS"),
            json!("completed"),
            json!("PENDING"),
            json!("recordingJobs"),
            json!("nope"),
            json!([]),
            json!(["SMS", "whatsapp"]),
            json!(["fax"]),
            json!([1]),
            json!({}),
        ])
    }

    fn job_json() -> impl Strategy<Value = Value> {
        let keys = [
            "id",
            "start",
            "end",
            "interval",
            "startDate",
            "endDate",
            "start_date",
            "end_date",
            "status",
            "channels",
            "profile",
            "extra",
        ];
        prop::collection::vec((prop::sample::select(keys.to_vec()), value()), 0..9)
            .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The fast path accepts exactly what the checked path accepts, with the same result.
        #[test]
        fn fast_and_slow_job_parsing_agree(v in job_json()) {
            let slow = job_of(&v, "activeJobs[0]", Profile::EvaluationExports).ok();
            let fast = job_fast(&v, Profile::EvaluationExports);
            prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn prepared_job_lists_are_used_and_freed() {
        let jobs = r#"[{"id":"busy","start":"2026-11-02T10:00:00Z","end":"2026-11-02T11:00:00Z","status":"QUEUED"}]"#;
        let out: Value =
            serde_json::from_str(&call("prepareJobs", &format!("[{jobs}]"), 0)).unwrap();
        let handle = out["ok"]["$index"].clone();
        assert_eq!(out["ok"]["count"], 1);
        let req =
            r#"{"start":"2026-11-02T00:00:00Z","end":"2026-11-03T00:00:00Z","channels":["sms"]}"#;
        let d: Value = serde_json::from_str(&call(
            "decide",
            &format!(r#"[{req},{{"$index":{handle}}}]"#),
            0,
        ))
        .unwrap();
        assert_eq!(d["ok"]["conflicts"][0]["id"], "busy");
        assert_eq!(
            call("freeJobs", &format!("[{handle}]"), 0),
            r#"{"ok":true}"#
        );
        assert_eq!(
            call("freeJobs", &format!("[{handle}]"), 0),
            r#"{"ok":false}"#
        );
        let d: Value = serde_json::from_str(&call(
            "decide",
            &format!(r#"[{req},{{"$index":{handle}}}]"#),
            0,
        ))
        .unwrap();
        assert_eq!(d["ok"]["errors"][0]["field"], "activeJobs");
    }
}
