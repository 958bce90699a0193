//! The one job reader. A job's fields are found either in its JSON text (by
//! [`crate::api::scan::jobs`], for a plain list) or in its `serde_json::Value`
//! ([`fields_of`]); [`read_job`] reads them the same way whichever found them, so a list
//! means the same thing however it came, errors included.

use crate::api::obj::type_name;
use crate::api::read::fields::{JobFields, Names, Text, RANGE_KEYS};
use crate::api::read::values::interval;
use crate::channel;
use crate::decide::Job;
use crate::error::Within;
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::time::Window;
use crate::zone;
use serde_json::Value;

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

/// The fields of a job given as a `Value` (what [`scan::jobs`] reads from text, with
/// each field's type told apart), or an error when it is no object.
pub(crate) fn fields_of(v: &Value) -> Result<JobFields<'_>> {
    let Value::Object(m) = v else {
        return Err(Error::new(
            ErrorCode::InvalidJob,
            "",
            format!("a job must be an object, not {}", type_name(v)),
        ));
    };
    let mut f = JobFields::default();
    for (k, v) in m {
        if let Some(slot) = f.text_mut(k) {
            *slot = match v {
                Value::Null => Text::Absent,
                Value::String(s) => Text::Str(s),
                other => Text::Wrong(type_name(other)),
            };
        } else if k == "channels" {
            f.channels = match v {
                Value::Null => Names::Absent,
                Value::Array(a) => a
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v.as_str().ok_or((i, type_name(v))))
                    .collect::<core::result::Result<_, _>>()
                    .map_or_else(|(i, t)| Names::WrongAt(i, t), Names::List),
                other => Names::Wrong(type_name(other)),
            };
        }
    }
    Ok(f)
}

/// A string field, or the error for another type.
fn text<'t>(t: Text<'t>, key: &str, code: ErrorCode) -> Result<Option<&'t str>> {
    match t {
        Text::Absent => Ok(None),
        Text::Str(s) => Ok(Some(s)),
        Text::Wrong(ty) => Err(Error::new(
            code,
            key,
            format!("{key} must be a string, not {ty}"),
        )),
    }
}

/// A job's range: `interval`, or the first pair of start/end names it uses.
fn window(f: &JobFields<'_>) -> Result<Window> {
    let found = (0..3).find(|&i| f.range[i].0.given() || f.range[i].1.given());
    let date = |t: Text<'_>, key: &str| match text(t, key, ErrorCode::InvalidDate)? {
        Some(s) => zone::parse_in(s, None).within(key),
        None => Err(Error::new(
            ErrorCode::InvalidDate,
            key,
            format!("{key} is missing"),
        )),
    };
    match (text(f.interval, "interval", ErrorCode::InvalidDate)?, found) {
        (Some(_), Some(i)) => Err(Error::new(
            ErrorCode::InvalidArgument,
            RANGE_KEYS[i].0,
            "give either interval or start/end, not both",
        )),
        (Some(t), None) => interval(t, None, "interval"),
        (None, Some(i)) => {
            let (s, e) = RANGE_KEYS[i];
            let start = date(f.range[i].0, s);
            let end = date(f.range[i].1, e);
            Window::new(start?, end?).within(e)
        }
        (None, None) => Err(Error::new(
            ErrorCode::InvalidJob,
            "",
            "a range is required: give start and end (or interval \"start/end\")",
        )),
    }
}

/// The one job reader: reads a job's fields and appends it to `out` once, or (with no
/// profile named anywhere) once per profile whose vocabulary knows its status; with
/// `all`, every job, else only the jobs that matter to decisions (active or completed).
/// On error, `out` is unchanged, and the error's field is the job's own (`status`,
/// `channels[1]`): the caller puts the job's path in front.
pub fn read_job(
    f: &JobFields<'_>,
    default: Option<Profile>,
    all: bool,
    out: &mut Vec<Job>,
) -> Result<()> {
    let id = match f.id {
        Text::Str(s) if !s.is_empty() => s,
        Text::Str(_) | Text::Absent => {
            return Err(Error::new(
                ErrorCode::InvalidJob,
                "id",
                "a job needs a non-empty string id",
            ))
        }
        Text::Wrong(ty) => {
            return Err(Error::new(
                ErrorCode::InvalidJob,
                "id",
                format!("id must be a string, not {ty}"),
            ))
        }
    };
    let named = match text(f.profile, "profile", ErrorCode::InvalidJob)? {
        Some(p) => Some(Profile::parse(p).within("profile")?),
        None => default,
    };
    let window = window(f)?;
    let status_text = text(f.status, "status", ErrorCode::InvalidJob)?.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidJob,
            "status",
            "a job needs a status (e.g. \"IN_PROGRESS\")",
        )
    })?;
    let channels = match &f.channels {
        Names::Absent => None,
        Names::Wrong(ty) => {
            return Err(Error::new(
                ErrorCode::InvalidJob,
                "channels",
                format!("channels must be an array, not {ty}"),
            ))
        }
        Names::WrongAt(i, ty) => {
            return Err(Error::new(
                ErrorCode::UnknownChannel,
                format!("channels[{i}]"),
                format!("a channel must be a string, not {ty}"),
            ))
        }
        Names::List(names) if names.is_empty() => None,
        Names::List(names) => Some(channel::canonicalize(names).within("channels")?),
    };
    let canonical = Profile::canonical_status(status_text);
    let mut known = false;
    for &profile in profiles_for(named) {
        match profile.status_class(&canonical) {
            Some(active) if all || matters(profile, &canonical, active) => {
                known = true;
                out.push(Job {
                    id: id.to_string(),
                    window,
                    status: canonical.to_string(),
                    active,
                    channels: channels.clone(),
                    profile,
                });
            }
            Some(_) => known = true,
            // Named: its one profile must know the status (the error says which it knows).
            None if named.is_some() => {
                return profile
                    .classify_status(status_text)
                    .within("status")
                    .map(|_| ())
            }
            None => {}
        }
    }
    if known {
        return Ok(());
    }
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
        "status",
        format!(
            "unknown status {shown:?}: no profile knows it; the statuses are {}. \
             (This job names no profile and options.profile is not set, so every \
             profile was tried.)",
            known.join("; ")
        ),
    ))
}
