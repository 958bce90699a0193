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

use super::handles;
use super::obj::{type_name, Obj};
use super::read::{channels_of, interval, limits, too_many, window_of, Errors};
use super::scan::{self, JobFields, JOB_KEYS};
use super::{first, Args, MAX_ERRORS};
use crate::channel;
use crate::decide::{Job, JobIndex};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::time::Window;
use crate::zone;
use serde_json::Value;
use std::rc::Rc;

/// Whether a job matters to decisions: it holds a lock (active) or shows what was
/// exported (completed). Failed, cancelled or expired jobs matter to neither.
fn matters(profile: Profile, status: &str, active: bool) -> bool {
    active || status == profile.completed_status()
}

/// The profiles a job is read as: the one it (or `options.profile`) names, else all.
fn profiles_for(named: Option<Profile>) -> &'static [Profile] {
    match named {
        Some(Profile::EvaluationExports) => &[Profile::EvaluationExports],
        Some(Profile::ConversationDetailsJobs) => &[Profile::ConversationDetailsJobs],
        Some(Profile::RecordingJobs) => &[Profile::RecordingJobs],
        None => &Profile::ALL,
    }
}

/// Parses one job and appends it to `out`: once, or (with no profile named anywhere)
/// once per profile whose vocabulary knows its status. On error, `out` is unchanged.
pub fn job_of(
    v: &Value,
    path: &str,
    default: Option<Profile>,
    all: bool,
    out: &mut Vec<Job>,
) -> Result<()> {
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
    let named = match o.str("profile")? {
        Some(p) => Some(Profile::parse(p, &o.field("profile"))?),
        None => default,
    };
    let window = window_of(&o, None, true, ErrorCode::InvalidJob).map_err(first)?;
    let status_text = o.str("status")?.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidJob,
            o.field("status"),
            "a job needs a status (e.g. \"IN_PROGRESS\")",
        )
    })?;
    let channels = match o.array("channels")? {
        Some(a) if a.is_empty() => None,
        _ => channels_of(&o, "channels")?,
    };
    let field = o.field("status");
    let mut known = false;
    let mut last_error = None;
    for &profile in profiles_for(named) {
        match profile.classify_status(status_text, &field) {
            Ok((status, active)) => {
                known = true;
                if all || matters(profile, &status, active) {
                    out.push(Job {
                        id: id.clone(),
                        window,
                        status,
                        active,
                        channels: channels.clone(),
                        profile,
                    });
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    match last_error {
        Some(e) if named.is_some() => Err(e),
        _ if known => Ok(()),
        _ => {
            let shown: String = status_text.chars().take(40).collect();
            let known: Vec<String> = Profile::ALL
                .iter()
                .map(|p| {
                    format!(
                        "{} ({}, {})",
                        p.name(),
                        p.active_statuses().join(", "),
                        p.terminal_statuses().join(", ")
                    )
                })
                .collect();
            Err(Error::new(
                ErrorCode::UnknownStatus,
                field,
                format!(
                    "unknown status {shown:?}: no profile knows it; the statuses are {}. \
                     (This job names no profile and options.profile is not set, so every \
                     profile was tried.)",
                    known.join("; ")
                ),
            ))
        }
    }
}

/// Parses a well-formed job without building field paths (the common case, and the
/// cost that dominates large job lists), appending what [`job_of`] would. `false` means
/// "not well-formed" and appends nothing: the caller then runs [`job_of`], which finds
/// the exact error. For every input, `job_fast` either agrees with `job_of` or returns
/// `false` (tested in `fast_and_slow_job_parsing_agree`).
pub fn job_fast(v: &Value, default: Option<Profile>, all: bool, out: &mut Vec<Job>) -> bool {
    let before = out.len();
    let ok = job_fast_inner(v, default, all, out).is_some();
    if !ok {
        out.truncate(before);
    }
    ok
}

fn job_fast_inner(
    v: &Value,
    default: Option<Profile>,
    all: bool,
    out: &mut Vec<Job>,
) -> Option<()> {
    let m = v.as_object()?;
    let mut f = JobFields::default();
    // A present field of another type is not well-formed: `None` sends the job to
    // `job_of`, which reports it.
    for (slot, key) in f.text.iter_mut().zip(JOB_KEYS) {
        *slot = match m.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return None,
        };
    }
    f.channels = match m.get("channels") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.iter().map(Value::as_str).collect::<Option<Vec<_>>>()?),
        Some(_) => return None,
    };
    job_of_fields(&f, default, all, out)
}

/// [`job_fast`]'s rule on the fields of a job.
fn job_of_fields(
    f: &JobFields<'_>,
    default: Option<Profile>,
    all: bool,
    out: &mut Vec<Job>,
) -> Option<()> {
    let [id, profile, interval_text, s0, e0, s1, e1, s2, e2, status] = f.text;
    let id = id.filter(|s| !s.is_empty())?;
    let named = match profile {
        None => default,
        Some(p) => Some(Profile::parse(p, "").ok()?),
    };
    let pairs = [(s0, e0), (s1, e1), (s2, e2)];
    let found = pairs.iter().find(|(s, e)| s.is_some() || e.is_some());
    let window = match (interval_text, found) {
        (Some(iv), None) => interval(iv, None, "").ok()?,
        (None, Some((s, e))) => {
            let start = zone::parse_in((*s)?, None, "").ok()?;
            let end = zone::parse_in((*e)?, None, "").ok()?;
            Window::new(start, end, "").ok()?
        }
        _ => return None,
    };
    let status_text = status?;
    let channels = match &f.channels {
        None => None,
        Some(a) if a.is_empty() => None,
        Some(names) => Some(channel::canonicalize(names, "").ok()?),
    };
    let canonical = Profile::canonical_status(status_text);
    let mut known = false;
    for &profile in profiles_for(named) {
        match profile.status_class(&canonical) {
            Some(active) => {
                known = true;
                if all || matters(profile, &canonical, active) {
                    out.push(Job {
                        id: id.to_string(),
                        window,
                        status: canonical.to_string(),
                        active,
                        channels: channels.clone(),
                        profile,
                    });
                }
            }
            None if named.is_none() => {}
            None => return None,
        }
    }
    known.then_some(())
}

/// Reads a whole job list straight from its JSON text ([`scan::jobs`]), without a
/// `Value` tree: every job must be well-formed for [`job_fast`], with no escapes in the
/// strings the core reads (they are borrowed from the text). `None` means "not that
/// simple" and builds nothing; the caller then reads the list the general way, which
/// gives the same answer for well-formed jobs and the exact errors for the others.
pub(super) fn typed_list(
    text: &str,
    default: Option<Profile>,
    mut origin: Option<&mut Vec<usize>>,
) -> Option<(Vec<Job>, usize)> {
    let raw = scan::jobs(text)?;
    if raw.len() > limits::MAX_JOBS {
        return None;
    }
    let all = origin.is_some();
    let mut jobs = Vec::with_capacity(raw.len());
    for (i, f) in raw.iter().enumerate() {
        let before = jobs.len();
        job_of_fields(f, default, all, &mut jobs)?;
        if let Some(o) = origin.as_deref_mut() {
            o.extend(std::iter::repeat(i).take(jobs.len() - before));
        }
    }
    Some((jobs, raw.len()))
}

/// Parses a job list (`null` → empty), collecting up to [`MAX_ERRORS`] errors. With
/// `origin`, every job is kept and its input position recorded there (`parseJobs`);
/// without, only the jobs that matter to decisions (active or completed) are kept.
pub fn parse_list(
    v: Option<&Value>,
    path: &str,
    default: Option<Profile>,
    mut origin: Option<&mut Vec<usize>>,
) -> Errors<Vec<Job>> {
    let list = match v {
        None => return Ok(Vec::new()),
        Some(Value::Array(a)) if a.len() > limits::MAX_JOBS => {
            return Err(vec![too_many(path, a.len(), limits::MAX_JOBS, "jobs")])
        }
        Some(Value::Array(a)) => a,
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
        let before = jobs.len();
        let all = origin.is_some();
        if !job_fast(v, default, all, &mut jobs) {
            match job_of(v, &format!("{path}[{i}]"), default, all, &mut jobs) {
                Ok(()) => {}
                Err(e) if errors.len() < MAX_ERRORS => errors.push(e),
                Err(_) => {}
            }
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

/// How many jobs the caller gave (a job that names no profile may be read as several).
pub fn given(v: Option<&Value>) -> usize {
    match v {
        Some(Value::Array(a)) => a.len(),
        _ => 0,
    }
}

/// Refuses a job list over [`limits::MAX_JOBS`] from its text, before anything is
/// allocated for its jobs.
fn count_first(a: Args<'_>, i: usize, path: &str) -> Errors<()> {
    match a.text(i).and_then(|t| scan::count_at_most(t, limits::MAX_JOBS)) {
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

/// [`jobs_of`] for an argument of the call: a plain job list is read from its text
/// ([`typed_list`]) when it can be, else as a `Value`, with the same answer.
pub fn jobs_arg(
    a: Args<'_>,
    i: usize,
    path: &str,
    default: Option<Profile>,
) -> Errors<Rc<JobIndex>> {
    count_first(a, i, path)?;
    if let Some((jobs, count)) = a.text(i).and_then(|t| typed_list(t, default, None)) {
        let mut index = JobIndex::new(jobs);
        index.count = count;
        return Ok(Rc::new(index));
    }
    jobs_of(a.get(i), path, default)
}

/// [`parse_list`] (every job kept, positions in `origin`) for an argument of the call,
/// with the count of jobs given.
pub fn parse_list_arg(
    a: Args<'_>,
    i: usize,
    path: &str,
    default: Option<Profile>,
    origin: &mut Vec<usize>,
) -> Errors<(Vec<Job>, usize)> {
    count_first(a, i, path)?;
    if let Some(found) = a.text(i).and_then(|t| typed_list(t, default, Some(origin))) {
        return Ok(found);
    }
    origin.clear();
    let jobs = parse_list(a.get(i), path, default, Some(origin))?;
    Ok((jobs, given(a.get(i))))
}

/// Reads `activeJobs` for a decision: an array (parsed and indexed) or a prepared
/// list's handle (`{"$index": n}`, taken as it is).
pub fn jobs_of(v: Option<&Value>, path: &str, default: Option<Profile>) -> Errors<Rc<JobIndex>> {
    match v {
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
