//! `prepareJobs`, `freeJobs` and `parseJobs`: a job list parsed once and kept in the
//! core, and the list as the core reads it.

use crate::api::args::{handle_arg, one, Answer, Args};
use crate::api::handles;
use crate::api::read::jobs::{jobs_arg, parse_list_arg};
use crate::api::read::options::{context, options_of};
use crate::api::schema;
use crate::api::write::{answer, Iso};
use crate::decide::Job;
use crate::error::{Error, ErrorCode};
use crate::profile::Profile;
use serde::Serialize;
use serde_json::Value;

/// `prepareJobs(activeJobs, options)`: parses a job list once and keeps it in the
/// instance; answers `{ $index, count, profile }`.
#[inline(never)]
pub fn prepare_jobs(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &schema::JOBS)?;
    let ctx = one(context(&o))?;
    // Only an object can be a handle: a job array is not parsed into a `Value` here.
    let object = a.text(0).is_some_and(|t| t.starts_with('{'));
    if let Some(Value::Object(m)) = object.then(|| a.get(0)).flatten() {
        if m.contains_key("$index") {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "activeJobs",
                "this job list is prepared already",
            )]);
        }
    }
    let list = jobs_arg(a, 0, "activeJobs", ctx.jobs_profile)?;
    let count = list.count;
    let handle = one(handles::insert(list))?;
    answer(&PreparedOut {
        index: handle,
        count,
        profile: ctx.jobs_profile.map(Profile::name),
    })
}

/// `freeJobs(prepared)`: drops a prepared job list (its handle, or `{ $index }`).
/// Answers whether it existed.
#[inline(never)]
pub fn free_jobs(a: Args<'_>, _now_ms: i64) -> Answer {
    let h = handle_arg(
        &a,
        handles::handle_of,
        "prepared",
        "give the PreparedJobs (or the $index number) that prepareJobs returned",
    )?;
    answer(&handles::remove(h))
}

/// `parseJobs(activeJobs, options)`: the jobs as the core reads them, every status
/// included, so a page can draw them without re-parsing dates or statuses itself.
#[inline(never)]
pub fn parse_jobs(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &schema::JOBS)?;
    let ctx = one(context(&o))?;
    let mut origin = Vec::new();
    let (jobs, count) = parse_list_arg(a, 0, "activeJobs", ctx.jobs_profile, &mut origin)?;
    answer(&ParsedJobsOut {
        count,
        jobs: jobs
            .iter()
            .zip(origin)
            .map(|(j, i)| ParsedJobOut::new(j, i))
            .collect(),
    })
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

/// `parseJobs`' answer.
#[derive(Debug, Serialize)]
pub struct ParsedJobsOut<'a> {
    /// How many jobs.
    pub count: usize,
    /// The jobs, in input order.
    pub jobs: Vec<ParsedJobOut<'a>>,
}
