//! `nextRetry`, `readJob` and `schedule`: what to do after an HTTP answer, what a
//! successful answer says of a job, and a backoff policy's delays. The answers
//! themselves are read by [`crate::api::read::answer`].

use crate::api::args::{one, Answer, Args};
use crate::api::obj::{show, type_name, whole_number};
use crate::api::read::answer::{job_of, reading, Call};
use crate::api::read::options::{context, options_of, policy_of};
use crate::api::read::values::opt_instant;
use crate::api::schema;
use crate::api::write::answer;
use crate::backoff::{self, Policy, Response, Step, Verdict};
use crate::error::Within;
use crate::error::{Error, ErrorCode};
use crate::profile::Profile;
use serde::Serialize;
use serde_json::Value;

/// `schedule(policy)`.
#[inline(never)]
pub fn schedule(a: Args<'_>, _now_ms: i64) -> Answer {
    let p = one(policy_of(a.get(0), "policy"))?;
    let steps = backoff::schedule(&p);
    answer(&ScheduleOut {
        policy: PolicyOut::from(&p),
        steps: steps.iter().map(StepOut::from).collect(),
        total_ms: steps.last().map_or(0, |s| s.elapsed_ms),
    })
}

/// `nextRetry(attempt, response, policy, options)`: `options.profile` names the endpoint
/// that answered (what a 409 means depends on it), `options.now` the clock.
#[inline(never)]
pub fn next_retry(a: Args<'_>, now_ms: i64) -> Answer {
    let attempt = match a.get(0) {
        Some(v) => whole_number(v, u64::MAX)
            .filter(|a| *a >= 1)
            .ok_or_else(|| {
                vec![Error::new(
                    ErrorCode::InvalidArgument,
                    "attempt",
                    format!(
                    "attempt must be a whole number >= 1 (the attempt that just finished), not {}",
                    show(v)
                ),
                )]
            })?,
        None => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "attempt",
                "attempt is missing",
            )])
        }
    };
    let r = reading(a.get(1), "response", false)?;
    let p = one(policy_of(a.get(2), "policy"))?;
    let o = options_of(a.get(3), &schema::NEXT_RETRY)?;
    let now = one(opt_instant(&o, "now"))?.unwrap_or(now_ms);
    let profile = one(context(&o))?.jobs_profile;
    let response = Response {
        status: r.status.unwrap_or(0) as u16,
        retry_after: r.retry_after,
        date: r.date,
        elapsed_ms: r.elapsed_ms,
        code: r.code,
        profile,
    };
    let v = backoff::next_retry(attempt, &response, &p, now);
    answer(&RetryOut::new(attempt, &v))
}

/// `readJob`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobOut<'a> {
    job_id: Option<&'a str>,
    message: Option<&'a str>,
    phase: &'static str,
    profile: &'static str,
    state: Option<String>,
}

/// `readJob(profile, response, options)`: reads a successful answer of the API for a
/// profile, `{ jobId, state, phase, message, profile }`. `options.call` (`submit`, `poll`
/// or `execute`) says which call it answers, and so what it must contain.
#[inline(never)]
pub fn read_job(a: Args<'_>, _now_ms: i64) -> Answer {
    let profile = match a.get(0) {
        Some(Value::String(p)) => one(Profile::parse(p).within("profile"))?,
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::UnknownProfile,
                "profile",
                format!("profile must be a profile name, not {}", type_name(other)),
            )])
        }
        None => {
            return Err(vec![Error::new(
                ErrorCode::UnknownProfile,
                "profile",
                "profile is missing: readJob reads an answer as one endpoint's model",
            )])
        }
    };
    let o = options_of(a.get(2), &schema::READ_JOB)?;
    let call = match one(o.str("call"))? {
        None => Call::Any,
        Some("submit") => Call::Submit,
        Some("poll") => Call::Poll,
        Some("execute") => Call::Execute,
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("call"),
                format!(
                    "call must be submit, poll or execute, not {:?}",
                    other.chars().take(20).collect::<String>()
                ),
            )])
        }
    };
    let r = reading(a.get(1), "response", true)?;
    let j = job_of(profile, &r, call)?;
    answer(&JobOut {
        job_id: j.job_id,
        message: j.message,
        phase: j.phase.as_str(),
        profile: profile.name(),
        state: j.state,
    })
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
