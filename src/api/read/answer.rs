//! Reading the API's answers, for `nextRetry`, `readJob` and `record`.
//!
//! An answer arrives in whatever shape the caller's HTTP client has it, and every shape
//! is taken as it is:
//! - `{ status, headers?, body?, elapsedMs? }`, as export-guard's drivers build it, with
//!   `body` parsed or as the response text (`fetch().text()`, `RESTMessageV2.getBody()`);
//! - the official Genesys JS SDK's default rejection, which is the Genesys error body
//!   `{ status, code, message, ... }`;
//! - the SDK's extended response (`setReturnExtendedResponses(true)`):
//!   `{ status, statusText, headers, body, text, error }`;
//! - a fetch `Response` or anything whose `headers` is a `Headers` (the JS shim turns
//!   those into plain objects first);
//! - for `readJob`, the SDK's default resolved value: the body itself (an object
//!   without a numeric `status`).
//!
//! Unknown fields of an answer are ignored: answers come from servers and SDKs that add
//! fields. Options and policies stay strict, where a typo must be caught.

use crate::api::args::one;
use crate::api::obj::{show, type_name, whole_number, Obj};
use crate::api::read::values::header_value;
use crate::error::{Error, ErrorCode};
use crate::profile::{Phase, Profile};
use crate::queue::RateLimit;
use serde_json::Value;
use std::borrow::Cow;

/// An answer, read: the HTTP status (when given), headers of interest, body and code.
pub(crate) struct Reading<'a> {
    pub status: Option<u64>,
    pub retry_after: Option<String>,
    pub date: Option<String>,
    /// The body: as given, or parsed from the response text.
    pub body: Option<Cow<'a, Value>>,
    /// The start of a body text that is not JSON (a gateway's page, a plain message).
    pub raw: Option<String>,
    pub code: Option<String>,
    pub elapsed_ms: Option<u64>,
    /// The `inin-ratelimit-*` headers, when any was given.
    pub rate_limit: Option<RateLimit>,
}

impl Reading<'_> {
    /// The body as JSON, if it is.
    pub fn json(&self) -> Option<&Value> {
        self.body.as_deref()
    }

    /// The error body's `message`, or the start of a text body.
    pub fn message(&self) -> Option<String> {
        self.json()
            .and_then(|b| b.get("message"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| self.raw.clone())
    }
}

/// A body given as the response text: parsed when it is JSON; otherwise its start.
fn body_text(text: &str) -> (Option<Value>, Option<String>) {
    let t = text.trim();
    if t.is_empty() {
        return (None, None);
    }
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Null) => (None, None),
        Ok(v) => (Some(v), None),
        Err(_) => (None, Some(t.chars().take(200).collect())),
    }
}

/// Reads an answer at `path`. With `body_if_bare`, an object without a numeric
/// `status` is the body itself (the SDK's resolved value); otherwise `status` is needed.
pub(crate) fn reading<'a>(
    v: Option<&'a Value>,
    path: &str,
    body_if_bare: bool,
) -> Result<Reading<'a>, Vec<Error>> {
    let r = one(Obj::optional(
        v,
        path,
        ErrorCode::InvalidArgument,
        "the response",
    ))?;
    let status = match r.get("status") {
        Some(s @ Value::Number(_)) => Some(
            whole_number(s, 599)
                .filter(|s| *s == 0 || *s >= 100)
                .ok_or_else(|| {
                    vec![Error::new(
                        ErrorCode::InvalidArgument,
                        r.field("status"),
                        format!(
                            "status must be 0 (no response) or an HTTP status 100-599, not {}",
                            show(s)
                        ),
                    )]
                })?,
        ),
        _ if body_if_bare => {
            return Ok(Reading {
                status: None,
                retry_after: None,
                date: None,
                body: v.map(Cow::Borrowed),
                raw: None,
                code: None,
                elapsed_ms: None,
                rate_limit: None,
            })
        }
        None => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                r.field("status"),
                format!(
                    "{} is missing (use 0 for a network error)",
                    r.field("status")
                ),
            )])
        }
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                r.field("status"),
                format!("status must be a number, not {}", type_name(other)),
            )])
        }
    };
    let (mut retry_after, mut date) = (None, None);
    let mut limit = RateLimit::default();
    if let Some(h) = r.get("headers") {
        let Value::Object(map) = h else {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                r.field("headers"),
                format!("headers must be an object, not {}", type_name(h)),
            )]);
        };
        for (k, v) in map {
            if k.eq_ignore_ascii_case("retry-after") {
                retry_after = header_value(v);
            } else if k.eq_ignore_ascii_case("date") {
                date = header_value(v);
            } else if let Some(which) = k
                .get(..15)
                .filter(|p| p.eq_ignore_ascii_case("inin-ratelimit-"))
                .and_then(|_| k.get(15..))
            {
                let slot = match which.to_ascii_lowercase().as_str() {
                    "count" => &mut limit.count,
                    "allowed" => &mut limit.allowed,
                    "reset" => &mut limit.reset,
                    _ => continue,
                };
                *slot = header_value(v).map(|t| t.chars().take(40).collect());
            }
        }
    }
    let (body, raw) = match r.get("body") {
        Some(Value::String(text)) => {
            let (v, raw) = body_text(text);
            (v.map(Cow::Owned), raw)
        }
        Some(Value::Null) | None => (None, None),
        Some(v) => (Some(Cow::Borrowed(v)), None),
    };
    // The SDK's rejection is the error body itself; its extended form carries it as body.
    let code = r
        .get("code")
        .or_else(|| body.as_deref().and_then(|b| b.get("code")))
        .and_then(Value::as_str)
        .map(str::to_string);
    let elapsed_ms = one(r.uint("elapsedMs", u64::MAX >> 11))?;
    Ok(Reading {
        status,
        retry_after,
        date,
        body,
        raw,
        code,
        elapsed_ms,
        rate_limit: (!limit.is_empty()).then_some(limit),
    })
}

/// Which call the answer is to: what it must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// Not said: a job id or a state, whichever the answer has (at least one).
    Any,
    /// The create call (POST): the job id is required.
    Submit,
    /// A poll (GET): the state is required.
    Poll,
    /// The execute call (PUT): the state is required.
    Execute,
}

/// A successful answer, read as one profile's job model.
pub(crate) struct JobReading<'a> {
    pub job_id: Option<&'a str>,
    pub state: Option<String>,
    pub phase: Phase,
    pub message: Option<&'a str>,
}

/// Reads a successful answer as `profile`'s job model, as `call` answers it.
pub(crate) fn job_of<'a>(
    profile: Profile,
    r: &'a Reading<'_>,
    call: Call,
) -> Result<JobReading<'a>, Vec<Error>> {
    if let Some(status) = r.status.filter(|s| !(200..300).contains(s)) {
        let detail = r.message().unwrap_or_default();
        return Err(vec![Error::new(
            ErrorCode::InvalidResponse,
            "response.status",
            format!(
                "readJob reads successful (2xx) answers; this one is {status}{}{detail}: pass it to nextRetry",
                if detail.is_empty() { "" } else { ": " }
            ),
        )]);
    }
    let base = if r.status.is_some() {
        "response.body"
    } else {
        "response"
    };
    let body = match (r.json(), &r.raw) {
        (Some(b @ Value::Object(_)), _) => b,
        (_, Some(text)) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                base,
                format!(
                    "the answer's body must be a {} object, not text that is not JSON ({:?})",
                    profile.name(),
                    text.chars().take(60).collect::<String>()
                ),
            )])
        }
        (other, None) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                base,
                format!(
                    "the answer's body must be a {} object, not {}",
                    profile.name(),
                    other.map_or("nothing", type_name)
                ),
            )])
        }
    };
    let b = one(Obj::new(body, base, ErrorCode::InvalidResponse, "the body"))?;
    let id_field = profile.job_id_field().value;
    let job_id = match b.get(id_field) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                b.field(id_field),
                format!("{id_field} must be a non-empty string, not {}", show(other)),
            )])
        }
        None => None,
    };
    let mut state = None;
    for f in profile.state_fields().value {
        match b.get(f) {
            Some(Value::String(s)) => {
                state = Some((f, s.as_str()));
                break;
            }
            Some(other) => {
                return Err(vec![Error::new(
                    ErrorCode::InvalidResponse,
                    b.field(f),
                    format!("{f} must be a string, not {}", type_name(other)),
                )])
            }
            None => {}
        }
    }
    let missing = |field: &str, what: &str| {
        vec![Error::new(
            ErrorCode::InvalidResponse,
            b.field(field),
            what.to_string(),
        )]
    };
    let state_field = profile.state_fields().value[0];
    match call {
        Call::Submit if job_id.is_none() => {
            return Err(missing(id_field, &format!(
                "the {} create answer has no {id_field}: nothing can be polled; is this the answer to the POST?",
                profile.name()
            )))
        }
        Call::Poll | Call::Execute if state.is_none() => {
            return Err(missing(state_field, &format!("the {} job answer has no {state_field}", profile.name())))
        }
        Call::Any if job_id.is_none() && state.is_none() => {
            return Err(missing(id_field, &format!(
                "the answer has neither {id_field} nor {state_field}: it is not a {} job",
                profile.name()
            )))
        }
        _ => {}
    }
    let (state, phase) = match state {
        Some((f, text)) => {
            let canon = Profile::canonical_status(text);
            let phase = profile.phase(&canon).ok_or_else(|| {
                missing(
                    f,
                    &format!(
                        "unknown {f} {:?} for {}; known: {}",
                        text.chars().take(40).collect::<String>(),
                        profile.name(),
                        profile.known_statuses().join(", ")
                    ),
                )
            })?;
            (Some(canon), phase)
        }
        // A create answer without a state (a details job's `{ jobId }`): just queued.
        None => (None, Phase::Active),
    };
    let message = b.get("errorMessage").and_then(Value::as_str);
    Ok(JobReading {
        job_id,
        state: state.map(Cow::into_owned),
        phase,
        message,
    })
}
