//! Writers: the typed output of every operation, serialised by `#[derive(Serialize)]`.
//!
//! Each struct borrows from the core's result, so writing copies no data but the
//! formatted instants. Fields are declared in **alphabetical order**: that is the order
//! in which the earlier `serde_json::Value` writer emitted them, so the answers are
//! byte-identical to earlier versions (and across runtimes, which the Rhino run checks).
//! Optional fields are left out when absent unless the contract has always sent `null`.
//!
//! Decisions are the one exception: `write_decision` writes them by hand, for speed
//! (why: its module docs).

use super::ops::Op;
use super::read::limits;
use super::Answer;
use crate::backoff::{self, Policy, Step, Verdict};
use crate::decide::Job;
use crate::error::{Error, ErrorCode};
use crate::plan::PlannedWindow;
use crate::profile::Profile;
use crate::time::{format_ms, Window};
use serde::{Serialize, Serializer};

/// Serialises `v` as JSON text.
pub fn to_json<T: Serialize>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string(v)
}

/// Serialises `v` as a handler's answer. Serialising these types cannot fail (no maps
/// with non-string keys, no failing `Serialize` impls); should it, the caller still
/// gets a typed error instead of a trap.
pub fn answer<T: Serialize>(v: &T) -> Answer {
    to_json(v).map_err(|e| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("the answer could not be written as JSON: {e}"),
        )]
    })
}

/// An instant, written as a UTC ISO string with milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Iso(pub i64);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_ms(self.0))
    }
}

/// `{code, field, message}`.
#[derive(Debug, Serialize)]
pub struct ErrorOut<'a> {
    code: &'static str,
    field: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Error> for ErrorOut<'a> {
    fn from(e: &'a Error) -> Self {
        ErrorOut {
            code: e.code.as_str(),
            field: &e.field,
            message: &e.message,
        }
    }
}

/// The error envelope: the first error, and all of them.
#[derive(Debug, Serialize)]
pub struct Failure<'a> {
    /// The first error.
    pub error: ErrorOut<'a>,
    /// Every error, the first included.
    pub errors: Vec<ErrorOut<'a>>,
}

/// A window: `{end, lockKey, start}`. Both instants are formatted once, into the lock
/// key, and the other two fields are its halves: windows are the most frequent output of
/// a batch, so this one type serialises by hand (still through serde).
#[derive(Debug)]
pub struct WindowOut {
    lock_key: String,
    cut: usize,
}

impl From<&Window> for WindowOut {
    fn from(w: &Window) -> Self {
        let lock_key = w.lock_key();
        let cut = lock_key.find('/').unwrap_or(0);
        WindowOut { lock_key, cut }
    }
}

impl Serialize for WindowOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (start, end) = self.lock_key.split_at(self.cut);
        let mut st = s.serialize_struct("Window", 3)?;
        st.serialize_field("end", end.get(1..).unwrap_or(""))?;
        st.serialize_field("lockKey", &self.lock_key)?;
        st.serialize_field("start", start)?;
        st.end()
    }
}

/// A job of `parseJobs`: the normalised job, whether it is active, its lock key, and
/// its position in the input (a job that names no profile is listed once per profile
/// that knows its status, each with the same `index`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParsedJobOut<'a> {
    active: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<&'a [String]>,
    end: Iso,
    id: &'a str,
    index: usize,
    lock_key: String,
    phase: &'static str,
    profile: &'static str,
    start: Iso,
    status: &'a str,
}

impl<'a> ParsedJobOut<'a> {
    /// Writes job `j`, read from input position `index`.
    pub fn new(j: &'a Job, index: usize) -> Self {
        ParsedJobOut {
            active: j.active,
            channels: j.channels.as_deref(),
            end: Iso(j.window.end),
            id: &j.id,
            index,
            lock_key: j.window.lock_key(),
            // Every parsed job's status is in its profile's vocabulary.
            phase: j.profile.phase(&j.status).map_or("failed", |p| p.as_str()),
            profile: j.profile.name(),
            start: Iso(j.window.start),
            status: &j.status,
        }
    }
}

/// Where to send a profile's create call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    method: &'static str,
    path: &'static str,
    poll_path: String,
}

impl From<Profile> for Endpoint {
    fn from(p: Profile) -> Self {
        Endpoint {
            method: p.method(),
            path: p.path(),
            poll_path: p.poll_path(),
        }
    }
}

/// A planned window.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedOut<'a> {
    blocked_by: &'a [String],
    end: Iso,
    lock_key: String,
    start: Iso,
    worker: u32,
}

impl<'a> From<&'a PlannedWindow> for PlannedOut<'a> {
    fn from(w: &'a PlannedWindow) -> Self {
        PlannedOut {
            blocked_by: &w.blocked_by,
            end: Iso(w.window.end),
            lock_key: w.window.lock_key(),
            start: Iso(w.window.start),
            worker: w.worker,
        }
    }
}

/// `plan`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOut<'a> {
    /// `hour`, `day` or `week`.
    pub granularity: &'static str,
    /// The profile planned for.
    pub profile: &'static str,
    /// The zone whose boundaries the windows follow.
    pub time_zone: &'static str,
    /// The windows, in order.
    pub windows: Vec<PlannedOut<'a>>,
    /// How many workers they are dealt to.
    pub workers: u32,
}

/// A backoff policy, as it was applied.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyOut {
    factor: f64,
    initial_ms: u64,
    jitter: &'static str,
    max_attempts: u32,
    max_elapsed_ms: Option<u64>,
    max_ms: u64,
    max_retry_after_ms: u64,
    seed: Option<u64>,
}

impl From<&Policy> for PolicyOut {
    fn from(p: &Policy) -> Self {
        PolicyOut {
            factor: p.factor,
            initial_ms: p.initial_ms,
            jitter: p.jitter.as_str(),
            max_attempts: p.max_attempts,
            max_elapsed_ms: p.max_elapsed_ms,
            max_ms: p.max_ms,
            max_retry_after_ms: p.max_retry_after_ms,
            seed: p.seed,
        }
    }
}

/// One step of a schedule.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepOut {
    attempt: u32,
    delay_ms: u64,
    elapsed_ms: u64,
    max_ms: u64,
    min_ms: u64,
}

impl From<&Step> for StepOut {
    fn from(s: &Step) -> Self {
        StepOut {
            attempt: s.attempt,
            delay_ms: s.delay_ms,
            elapsed_ms: s.elapsed_ms,
            max_ms: s.max_ms,
            min_ms: s.min_ms,
        }
    }
}

/// `schedule`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleOut {
    /// The policy, defaults filled in.
    pub policy: PolicyOut,
    /// The retries' delays.
    pub steps: Vec<StepOut>,
    /// The sum of the delays.
    pub total_ms: u64,
}

/// `nextRetry`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryOut<'a> {
    action: &'static str,
    attempt: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    delay_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt: Option<u64>,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<u64>,
}

impl<'a> RetryOut<'a> {
    /// Writes the verdict for `attempt`.
    pub fn new(attempt: u64, v: &'a Verdict) -> Self {
        let again = matches!(
            v.action,
            backoff::RetryAction::Retry | backoff::RetryAction::Recheck
        );
        RetryOut {
            action: v.action.as_str(),
            attempt,
            delay_ms: v.delay_ms,
            next_attempt: again.then(|| attempt.saturating_add(1)),
            reason: &v.reason,
            retry_after_ms: v.retry_after_ms,
        }
    }
}

/// `limits()`: every numeric limit of the inputs, so callers need not copy them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitsOut {
    default_max_range_days: u32,
    default_max_windows: u64,
    max_active_jobs: u32,
    max_answer_bytes: usize,
    max_attempts: u32,
    max_batch: usize,
    max_delay_ms: u64,
    max_errors: usize,
    max_input_bytes: usize,
    max_input_containers: usize,
    max_jobs: usize,
    max_prepared_job_lists: usize,
    max_queue_items: usize,
    max_range_days: u32,
    max_windows: u64,
    max_workers: u32,
}

impl Default for LimitsOut {
    /// The limits of this build.
    fn default() -> Self {
        LimitsOut {
            default_max_range_days: limits::DEFAULT_RANGE_DAYS,
            default_max_windows: limits::DEFAULT_WINDOWS,
            max_active_jobs: limits::MAX_ACTIVE_JOBS,
            max_answer_bytes: limits::MAX_ANSWER_BYTES,
            max_attempts: backoff::MAX_ATTEMPTS_LIMIT,
            max_batch: limits::MAX_BATCH,
            max_delay_ms: backoff::MAX_DELAY_LIMIT_MS,
            max_errors: super::MAX_ERRORS,
            max_input_bytes: limits::MAX_INPUT_BYTES,
            max_input_containers: limits::MAX_INPUT_CONTAINERS,
            max_jobs: limits::MAX_JOBS,
            max_prepared_job_lists: super::handles::MAX_PREPARED,
            max_queue_items: limits::MAX_QUEUE_ITEMS,
            max_range_days: limits::MAX_RANGE_DAYS,
            max_windows: limits::MAX_WINDOWS,
            max_workers: limits::MAX_WORKERS,
        }
    }
}

/// `prepareJobs`' answer: the handle, and what it holds.
#[derive(Debug, Serialize)]
pub struct PreparedOut {
    /// The handle.
    #[serde(rename = "$index")]
    pub index: u32,
    /// How many jobs were given.
    pub count: usize,
    /// `options.profile`: the profile of jobs that named none (`null`: every profile
    /// that knows the job's status).
    pub profile: Option<&'static str>,
}

/// `loadQueue`'s answer: the handle, and how many items the queue holds.
#[derive(Debug, Serialize)]
pub struct KeptQueueOut {
    /// The handle.
    #[serde(rename = "$queue")]
    pub handle: u32,
    /// Items in the queue when it was loaded (history included).
    pub count: usize,
}

/// `parseJobs`' answer.
#[derive(Debug, Serialize)]
pub struct ParsedJobsOut<'a> {
    /// How many jobs.
    pub count: usize,
    /// The jobs, in input order.
    pub jobs: Vec<ParsedJobOut<'a>>,
}

/// `tzdata()`'s answer.
#[derive(Debug, Serialize)]
pub struct TzdataOut {
    /// The tz database release, e.g. "2025b".
    pub version: &'static str,
    /// How many names `timeZones()` lists (canonical zones and links).
    pub names: usize,
}

/// `channels()`' answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelsOut {
    /// Message types analytics does not know (accepted by `evaluationExports` only).
    pub conversation_only_message_types: &'static [&'static str],
    /// Analytics `mediaType` values.
    pub media_types: &'static [&'static str],
    /// Analytics `messageType` values.
    pub message_types: &'static [&'static str],
}

/// One entry of `operations()`.
#[derive(Debug, Serialize)]
pub struct OpOut {
    name: &'static str,
    params: &'static [&'static str],
    returns: &'static str,
    summary: &'static str,
}

impl From<&Op> for OpOut {
    fn from(o: &Op) -> Self {
        OpOut {
            name: o.name,
            params: o.params,
            returns: o.shape.as_str(),
            summary: o.summary,
        }
    }
}
