//! `decide` and `decideMany`: one decision per request against a job list. Decisions
//! are written by hand ([`crate::api::write::decision`]).

use crate::api::args::{one, Answer, Args, MAX_ERRORS};
use crate::api::read::jobs::jobs_arg;
use crate::api::read::options::{context, decide_options, options_of, Context};
use crate::api::read::request::{request_list, request_of};
use crate::api::schema;
use crate::api::write::decision;
use crate::api::{limits, obj};
use crate::decide::{self, Decision};
use crate::error::{Error, ErrorCode};
use crate::profile::Profile;

/// Puts `path` in front of the field of each error a core decision carries.
fn decision_within(mut d: Decision, path: &str) -> Decision {
    for e in &mut d.errors {
        e.field = crate::error::join_path(path, &e.field);
    }
    d
}

/// `decide(request, activeJobs, options)`: every problem with the input is reported at
/// once, as a `reject` decision.
#[inline(never)]
pub fn decide(a: Args<'_>, now_ms: i64) -> Answer {
    let mut errors = Vec::new();
    let parsed = (|| {
        let o = one(obj::Obj::optional(
            a.get(2),
            "options",
            ErrorCode::InvalidArgument,
            "options",
        ))?;
        let options = o
            .only(&schema::DECIDE)
            .and_then(|_| decide_options(&o, now_ms))
            .map_err(|e| errors.push(e))
            .ok();
        let ctx = context(&o).map_err(|e| errors.push(e)).ok();
        let ctx = ctx.unwrap_or(Context {
            profile: Profile::EvaluationExports,
            zone: None,
            jobs_profile: None,
        });
        let request = request_of(a.get(0), "request", &ctx, true)
            .map_err(|e| errors.extend(e))
            .ok();
        let jobs = jobs_arg(a, 1, "activeJobs", ctx.jobs_profile)
            .map_err(|e| errors.extend(e))
            .ok();
        if let (Some(r), Some(o)) = (&request, &options) {
            // What the payload needs (integrationId) is checked before any HTTP call.
            if let Err(e) = o.payload.check(r.profile) {
                errors.push(e.within("options"));
            }
        }
        match (request, jobs, options) {
            (Some(r), Some(j), Some(o)) if errors.is_empty() => Ok((r, j, o)),
            _ => Err(std::mem::take(&mut errors)),
        }
    })();
    let (decision, profile) = match parsed {
        Ok((r, j, o)) => (
            decision_within(decide::decide(&r, &j, &o), "request"),
            Some(r.profile),
        ),
        Err(mut errors) => {
            errors.truncate(MAX_ERRORS);
            (Decision::reject(errors), None)
        }
    };
    let mut text = String::with_capacity(512);
    decision::decision(&mut text, &decision, profile);
    Ok(text)
}

/// `decideMany(requests, activeJobs, options)`: bad options or jobs fail the call; a bad
/// request gives a reject decision in its place.
#[inline(never)]
pub fn decide_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &schema::DECIDE)?;
    let options = one(decide_options(&o, now_ms))?;
    let ctx = one(context(&o))?;
    let jobs = jobs_arg(a, 1, "activeJobs", ctx.jobs_profile)?;
    let list = request_list(a.get(0))?;
    // Each decision is made, written and dropped in turn (see `write::decision`).
    let mut text = String::with_capacity(list.len() * 1024 + 2);
    text.push('[');
    for (i, r) in list.iter().enumerate() {
        if text.len() > limits::MAX_ANSWER_BYTES {
            return Err(vec![Error::new(
                ErrorCode::TooLarge,
                "requests",
                format!(
                    "the decisions of the first {i} requests are already {} bytes, over the answer limit of {} (see limits()): decide fewer requests per call",
                    text.len(),
                    limits::MAX_ANSWER_BYTES
                ),
            )]);
        }
        if i > 0 {
            text.push(',');
        }
        let path = format!("requests[{i}]");
        let checked = request_of(Some(r), &path, &ctx, true).and_then(|req| {
            match options.payload.check(req.profile) {
                Ok(()) => Ok(req),
                Err(e) => Err(vec![e.within("options")]),
            }
        });
        match checked {
            Ok(req) => decision::decision(
                &mut text,
                &decision_within(decide::decide(&req, &jobs, &options), &path),
                Some(req.profile),
            ),
            Err(mut errors) => {
                errors.truncate(MAX_ERRORS);
                decision::decision(&mut text, &Decision::reject(errors), None)
            }
        }
    }
    text.push(']');
    Ok(text)
}
