//! Reading job lists: the jobs a caller got from the API, or a prepared list's handle.
//!
//! **A job that names no profile.** It belongs to `options.profile` when the call gives
//! one. Otherwise it concerns every profile whose status vocabulary knows its status, and
//! is read in that vocabulary: checked against a `conversationDetailsJobs` request, a
//! `QUEUED` job counts as a details job; against an `evaluationExports` request, as an
//! evaluation export. A status that no profile knows is an `UNKNOWN_STATUS` error.
//!
//! The rule is the same at every entry point (`decide`, `decideMany`, `drain`, `plan`'s
//! `options.activeJobs`, `prepareJobs`, `parseJobs`), so a job list means the same thing
//! passed as an array or prepared once. It never guesses a job away: read this way, a
//! job blocks at least what it would block under any one profile it could belong to.

use crate::api::args::{Args, Errors, MAX_ERRORS};
use crate::api::handles;
use crate::api::limits::{self, too_many};
use crate::api::obj::type_name;
use crate::api::read::fields::JobFields;
use crate::api::read::job::{fields_of, read_job};
use crate::api::scan;
use crate::decide::{Job, JobIndex};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::rc::Rc;

/// Reads a list of jobs (at `path`), collecting up to [`MAX_ERRORS`] errors. With
/// `origin`, every job is kept and its input position recorded there (`parseJobs`);
/// without, only the jobs that matter to decisions (active or completed).
fn read_list<'t>(
    fields: impl ExactSizeIterator<Item = Result<JobFields<'t>>>,
    path: &str,
    default: Option<Profile>,
    mut origin: Option<&mut Vec<usize>>,
) -> Errors<Vec<Job>> {
    let all = origin.is_some();
    let mut jobs = Vec::with_capacity(fields.len());
    let mut errors = Vec::new();
    for (i, f) in fields.enumerate() {
        let before = jobs.len();
        // The path is written only for an error: most lists have none.
        match f.and_then(|f| read_job(&f, default, all, &mut jobs)) {
            Ok(()) => {}
            Err(e) if errors.len() < MAX_ERRORS => errors.push(e.within(&format!("{path}[{i}]"))),
            Err(_) => {}
        }
        // For decisions (no `origin`), jobs that matter to none were not even built.
        if let Some(o) = origin.as_deref_mut() {
            o.extend(std::iter::repeat(i).take(jobs.len() - before));
        }
    }
    if errors.is_empty() {
        Ok(jobs)
    } else {
        Err(errors)
    }
}

/// Reads a whole job list straight from its JSON text ([`scan::jobs`]), without a
/// `Value` tree. `None` when the scanner declines it (a field the core reads holds
/// another type than a string, or an escape): the caller then reads the list from its
/// `Value`, with the same answer.
pub(crate) fn typed_list(
    text: &str,
    path: &str,
    default: Option<Profile>,
    origin: Option<&mut Vec<usize>>,
) -> Option<(Errors<Vec<Job>>, usize)> {
    let raw = scan::jobs(text)?;
    if raw.len() > limits::MAX_JOBS {
        return None;
    }
    let count = raw.len();
    Some((
        read_list(raw.into_iter().map(Ok), path, default, origin),
        count,
    ))
}

/// Parses a job list (`null` → empty); see [`read_list`].
pub fn parse_list(
    v: Option<&Value>,
    path: &str,
    default: Option<Profile>,
    origin: Option<&mut Vec<usize>>,
) -> Errors<Vec<Job>> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(a)) if a.len() > limits::MAX_JOBS => {
            Err(vec![too_many(path, a.len(), limits::MAX_JOBS, "jobs")])
        }
        Some(Value::Array(a)) => read_list(a.iter().map(fields_of), path, default, origin),
        Some(other) => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            format!("{path} must be an array of jobs, not {}", type_name(other)),
        )]),
    }
}

/// How many jobs the caller gave (a job that names no profile may be read as several).
pub fn given(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Array(a)) => a.len(),
        _ => 0,
    }
}

fn count_first(text: &str, path: &str) -> Errors<()> {
    match scan::count_at_most(text, limits::MAX_JOBS) {
        Some(n) if n > limits::MAX_JOBS => Err(vec![Error::new(
            ErrorCode::TooLarge,
            path,
            format!(
                "more than {} jobs in one list (see limits()): prepare them in several lists, or drop the finished ones",
                limits::MAX_JOBS
            ),
        )]),
        _ => Ok(()),
    }
}

/// The JSON text a job list argument holds when the caller passed it as a string: a
/// driver's HTTP body, given as it came, so that it is parsed once, here.
fn held_text<'a>(a: Args<'a>, i: usize) -> Option<&'a str> {
    // An argument parsed already (its text is empty) has its `Value` at no cost.
    a.text(i)
        .filter(|t| t.starts_with('"') || t.is_empty())
        .and_then(|_| a.get(i))
        .and_then(Value::as_str)
}

/// Whether a held job list's text may be scanned: the JSON of an array, checked as the
/// call's own arguments are checked ([`crate::api::args::split`]). The scanner relies on
/// valid JSON: unchecked, it would read a body cut short after a job as a shorter list.
/// When it may not, [`parse_held`] parses the text, for the exact error.
fn scannable(text: &str) -> bool {
    text.trim_start().starts_with('[') && serde_json::from_str::<IgnoredAny>(text).is_ok()
}

/// Reads job list argument `i` from its text when the scanner can (a plain array, given
/// as it is or as a string holding its JSON text); `None` when it cannot.
fn from_text(
    a: Args<'_>,
    i: usize,
    path: &str,
    default: Option<Profile>,
    origin: Option<&mut Vec<usize>>,
) -> Errors<Option<(Vec<Job>, usize)>> {
    let text = match (held_text(a, i), a.text(i)) {
        (Some(held), _) if scannable(held) => held,
        (Some(_), _) | (None, None) => return Ok(None),
        (None, Some(text)) => text,
    };
    count_first(text, path)?;
    match typed_list(text, path, default, origin) {
        Some((jobs, count)) => Ok(Some((jobs?, count))),
        None => Ok(None),
    }
}

/// The `Value` of a job list held as text (see [`held_text`]): the JSON of an array.
fn parse_held(text: &str, path: &str) -> Errors<Value> {
    let refuse = |why: String| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            format!(
                "{path} is a string, so it must be the JSON text of a job array, and it is {why}"
            ),
        )]
    };
    // The `Value` tree is built only here: count what it would hold first, as the call's
    // own arguments are counted.
    if let Some(split) = scan::split(text) {
        if split.containers > limits::MAX_INPUT_CONTAINERS {
            return Err(vec![Error::new(
                ErrorCode::TooLarge,
                path,
                format!(
                    "{path} holds {} JSON objects and arrays; the limit is {} (see limits())",
                    split.containers,
                    limits::MAX_INPUT_CONTAINERS
                ),
            )]);
        }
    }
    match serde_json::from_str(text) {
        Err(e) => Err(refuse(format!("not JSON: {e}"))),
        Ok(v @ Value::Array(_)) => Ok(v),
        Ok(other) => Err(refuse(format!("JSON, but {}", type_name(&other)))),
    }
}

/// [`jobs_of`] for an argument of the call: a plain job list is read from its text
/// ([`typed_list`]) when it can be, else as a `Value`, with the same answer. A string is
/// the JSON text of the list.
pub fn jobs_arg(
    a: Args<'_>,
    i: usize,
    path: &str,
    default: Option<Profile>,
) -> Errors<Rc<JobIndex>> {
    if let Some((jobs, count)) = from_text(a, i, path, default, None)? {
        let mut index = JobIndex::new(jobs);
        index.count = count;
        return Ok(Rc::new(index));
    }
    match held_text(a, i) {
        Some(text) => jobs_of(Some(&parse_held(text, path)?), path, default),
        None => jobs_of(a.get(i), path, default),
    }
}

/// [`parse_list`] (every job kept, positions in `origin`) for an argument of the call,
/// with the count of jobs given. A string is the JSON text of the list.
pub fn parse_list_arg(
    a: Args<'_>,
    i: usize,
    path: &str,
    default: Option<Profile>,
    origin: &mut Vec<usize>,
) -> Errors<(Vec<Job>, usize)> {
    if let Some(found) = from_text(a, i, path, default, Some(origin))? {
        return Ok(found);
    }
    origin.clear();
    let held = held_text(a, i).map(|t| parse_held(t, path)).transpose()?;
    let v = held.as_ref().or_else(|| a.get(i));
    let jobs = parse_list(v, path, default, Some(origin))?;
    Ok((jobs, given(v)))
}

/// Reads `activeJobs` for a decision: an array (parsed and indexed), a string holding
/// an array's JSON text, or a prepared list's handle (`{"$index": n}`, taken as it is).
pub fn jobs_of(v: Option<&Value>, path: &str, default: Option<Profile>) -> Errors<Rc<JobIndex>> {
    match v {
        Some(Value::String(text)) => jobs_of(Some(&parse_held(text, path)?), path, default),
        Some(h @ Value::Object(m)) if m.contains_key("$index") => handles::get(h).ok_or_else(|| {
            vec![Error::new(
                ErrorCode::InvalidArgument,
                path,
                "this prepared job list does not exist (it was freed, or comes from another instance)",
            )]
        }),
        _ => {
            let mut index = JobIndex::new(parse_list(v, path, default, None)?);
            index.count = given(v);
            Ok(Rc::new(index))
        }
    }
}
