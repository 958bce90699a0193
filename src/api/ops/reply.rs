//! Reading one answer to an outstanding call (an item's or a listing's) as its profile
//! shapes it, and recording it: what `record` and `recordMany` share.

use crate::api::args::one;
use crate::api::obj::{show, type_name, whole_number};
use crate::error::Within;
use serde::Serialize;

use crate::api::read::answer::{job_of, reading, Call, Reading};
use crate::api::read::values::interval;
use crate::backoff::Response;
use crate::error::{Error, ErrorCode};
use crate::lifecycle::{
    self, Answer as CallAnswer, JobAnswer, Listed, ListingOutcome, Outcome, Settings,
};
use crate::profile::Profile;
use crate::queue::{ActionKind, ListedJob, Queue};
use serde_json::Value;

/// Reads a listing's answer as the profile's listing model says it: the jobs in its
/// entities field. A job without an id is skipped (it cannot be told apart); one without
/// a known state is taken in the state the listing asked for (`asked`), and one without
/// an interval counts against the limit and blocks no range.
fn listed_jobs(
    profile: Profile,
    body: Option<&Value>,
    asked: Option<&str>,
    path: &str,
) -> Result<Vec<ListedJob>, Vec<Error>> {
    let Some(l) = profile.listing().value else {
        return Err(vec![Error::new(
            ErrorCode::InvalidResponse,
            path,
            format!("{} jobs cannot be listed", profile.name()),
        )]);
    };
    let entities = match body.and_then(|b| b.get(l.entities_field)) {
        Some(Value::Array(list)) => list,
        other => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                format!("{path}.{}", l.entities_field),
                format!(
                    "a listing's body has an {} array, not {}",
                    l.entities_field,
                    other.map_or("nothing", type_name)
                ),
            )])
        }
    };
    let mut out = Vec::new();
    for e in entities {
        let Some(id) = e
            .get(l.id_field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        let said = e
            .get(l.state_field)
            .and_then(Value::as_str)
            .map(Profile::canonical_status)
            .filter(|c| profile.phase(c).is_some());
        let Some(state) = said.map(|c| c.into_owned()).or(asked.map(str::to_string)) else {
            continue;
        };
        let window = e
            .pointer(l.interval_pointer)
            .and_then(Value::as_str)
            .and_then(|t| interval(t, None, "interval").ok());
        out.push(ListedJob {
            id: id.chars().take(200).collect(),
            state,
            window,
        });
    }
    Ok(out)
}

/// An answer that is not 2xx, as the lifecycle reads it.
fn error_answer(r: &Reading<'_>, status: u16, profile: Profile) -> CallAnswer {
    CallAnswer::Error(
        Response {
            status,
            retry_after: r.retry_after.clone(),
            date: r.date.clone(),
            elapsed_ms: r.elapsed_ms,
            code: r.code.clone(),
            profile: Some(profile),
        },
        r.message(),
    )
}

/// An answer the API should not give: recorded too (with its reason), and the lifecycle
/// decides what it means.
fn unreadable(status: u16, errs: Vec<Error>) -> CallAnswer {
    let e = &errs[0];
    CallAnswer::Unreadable(status, format!("{}: {}", e.field, e.message))
}

/// A page of results as the profile shapes it: each record's start (none when it has no
/// readable one), the next page's cursor, and the records.
pub(crate) type Page = (Vec<Option<i64>>, Option<String>, Vec<Value>);

/// Reads a results page (`{conversations: [...], cursor?}` for details jobs).
fn results_page(profile: Profile, body: Option<&Value>, path: &str) -> Result<Page, Vec<Error>> {
    let Some(rs) = profile.results().value else {
        return Err(vec![Error::new(
            ErrorCode::InvalidResponse,
            path,
            format!("{} jobs have no results to fetch", profile.name()),
        )]);
    };
    let records = match body.and_then(|b| b.get(rs.records_field)) {
        Some(Value::Array(list)) => list.clone(),
        // The API leaves the field out of a page with no records.
        None if body.is_some_and(Value::is_object) => Vec::new(),
        other => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                format!("{path}.{}", rs.records_field),
                format!(
                    "a results page has a {} array, not {}",
                    rs.records_field,
                    other.map_or("nothing", type_name)
                ),
            )])
        }
    };
    let cursor = match body.and_then(|b| b.get(rs.cursor_field)) {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) => Some(c.clone()),
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidResponse,
                format!("{path}.{}", rs.cursor_field),
                format!(
                    "a results page's {} is a string, not {}",
                    rs.cursor_field,
                    type_name(other)
                ),
            )])
        }
    };
    let starts = records
        .iter()
        .map(|r| {
            let t = r.get(rs.start_field).and_then(Value::as_str)?;
            crate::time::parse_instant(t).within(rs.start_field).ok()
        })
        .collect();
    Ok((starts, cursor, records))
}

/// Reads one answer (at `path`) to the outstanding call of `key` (an item's, or a
/// listing's) and records it.
pub(crate) fn record_one(
    q: &mut Queue,
    call: &CallOf<'_>,
    response: Option<&Value>,
    path: &str,
    s: &Settings,
    now: i64,
) -> Result<Recorded, Vec<Error>> {
    let key = call.key;
    if key.starts_with("list|") {
        let pos = one(lifecycle::outstanding_listing(q, key))?;
        let (profile, state) = (q.listings[pos].profile, q.listings[pos].state.clone());
        let r = reading(response, path, false)?;
        let status = r.status.unwrap_or(0) as u16;
        let ans = if (200..300).contains(&status) {
            listed_jobs(profile, r.json(), Some(&state), &format!("{path}.body"))
                .map(|l| CallAnswer::Jobs(status, l))
                .unwrap_or_else(|errs| unreadable(status, errs))
        } else {
            error_answer(&r, status, profile)
        };
        let rl = r.rate_limit.clone();
        return one(lifecycle::record_listing(q, key, ans, rl, s, now)).map(Recorded::Listing);
    }
    let (pos, kind) = one(lifecycle::outstanding(q, key, call.answering))?;
    if kind == ActionKind::Results && call.answering.page.is_none() {
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            call.field.as_str(),
            "a results page is recorded with its action, record(queue, action, response), \
             not its key alone: the action's page tells a late answer from the page handed \
             out since, which would otherwise be written twice",
        )]);
    }
    let profile = q.items[pos].profile;
    let r = reading(response, path, false)?;
    let status = r.status.unwrap_or(0) as u16;
    if kind == ActionKind::Results && (200..300).contains(&status) {
        let (ans, records) = match results_page(profile, r.json(), &format!("{path}.body")) {
            Ok((starts, cursor, records)) => (CallAnswer::Page(status, starts, cursor), records),
            Err(errs) => (unreadable(status, errs), Vec::new()),
        };
        let rl = r.rate_limit.clone();
        let o = one(lifecycle::record_reply(
            q,
            key,
            call.answering,
            ans,
            rl,
            s,
            now,
        ))?;
        let keep = o.page.as_ref().map(|p| p.keep.clone()).unwrap_or_default();
        let kept = records
            .into_iter()
            .zip(keep)
            .filter_map(|(r, k)| k.then_some(r))
            .collect();
        return Ok(Recorded::Page(o, kept));
    }
    let ans = if (200..300).contains(&status) {
        let base = format!("{path}.body");
        let read = match kind {
            ActionKind::Find => listed_jobs(profile, r.json(), None, &base).map(|l| {
                let found = l
                    .into_iter()
                    .filter_map(|j| {
                        let canon = j.state;
                        Some(Listed {
                            window: j.window?,
                            phase: profile.phase(&canon)?,
                            id: j.id,
                            state: canon,
                        })
                    })
                    .collect();
                CallAnswer::Listing(status, found)
            }),
            _ => {
                let call = match kind {
                    ActionKind::Submit => Call::Submit,
                    ActionKind::Poll => Call::Poll,
                    _ => Call::Execute,
                };
                job_of(profile, &r, call).map(|j| {
                    CallAnswer::Job(JobAnswer {
                        status,
                        job_id: j.job_id.map(str::to_string),
                        state: j.state,
                        phase: j.phase,
                        message: j.message.map(str::to_string),
                    })
                })
            }
        };
        read.unwrap_or_else(|errs| unreadable(status, errs))
    } else {
        error_answer(&r, status, profile)
    };
    let rl = r.rate_limit.clone();
    one(lifecycle::record_reply(
        q,
        key,
        call.answering,
        ans,
        rl,
        s,
        now,
    ))
    .map(Recorded::Item)
}

/// The call an answer is for: an action's key, or the action itself (`{ key, kind,
/// page, ... }` as `next` handed it out; its other fields are not read).
pub(crate) struct CallOf<'a> {
    key: &'a str,
    /// Where it was read (for errors).
    field: String,
    answering: lifecycle::Answering,
}

pub(crate) fn call_of<'a>(v: Option<&'a Value>, path: &str) -> Result<CallOf<'a>, Vec<Error>> {
    let wrong = |what: String| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            path,
            format!("{path} must be the action next handed out, or its key (a string), not {what}"),
        )]
    };
    match v {
        Some(Value::String(k)) => Ok(CallOf {
            key: k.as_str(),
            field: path.to_string(),
            answering: lifecycle::Answering::default(),
        }),
        Some(Value::Object(a)) => {
            let key = match a.get("key") {
                Some(Value::String(k)) => k.as_str(),
                other => {
                    return Err(wrong(format!(
                        "an object whose key is {}",
                        other.map_or("missing", type_name)
                    )))
                }
            };
            let kind = match a.get("kind") {
                None | Some(Value::Null) => None,
                Some(Value::String(k)) => Some(ActionKind::parse(k).ok_or_else(|| {
                    vec![Error::new(
                        ErrorCode::InvalidArgument,
                        format!("{path}.kind"),
                        format!("{path}.kind {k:?} is no action kind (submit, poll, execute, find, list, results)"),
                    )]
                })?),
                Some(other) => return Err(wrong(format!("an object whose kind is {}", type_name(other)))),
            };
            let page = match a.get("page") {
                None | Some(Value::Null) => None,
                Some(p) => Some(whole_number(p, u32::MAX as u64).ok_or_else(|| {
                    vec![Error::new(
                        ErrorCode::InvalidArgument,
                        format!("{path}.page"),
                        format!(
                            "{path}.page must be the action's page (a whole number), not {}",
                            show(p)
                        ),
                    )]
                })? as u32),
            };
            Ok(CallOf {
                key,
                field: path.to_string(),
                answering: lifecycle::Answering { kind, page },
            })
        }
        other => Err(wrong(other.map_or("nothing", type_name).to_string())),
    }
}

/// What one answer did: to an item's call or to a listing's.
#[derive(Debug)]
pub enum Recorded {
    /// An item's call.
    Item(Outcome),
    /// A results call, with the page's records to write.
    Page(Outcome, Vec<serde_json::Value>),
    /// A listing's call.
    Listing(ListingOutcome),
}

impl Recorded {
    /// The results page an item's answer read (none for other answers).
    pub fn results(&self) -> Option<ResultsOut<'_>> {
        match self {
            Recorded::Page(o, kept) => ResultsOut::of(o, kept),
            _ => None,
        }
    }
}

/// A results page as the driver writes it: `{last, page, records, skipped}`, where
/// `records` are the page's records this item owns (to write, in order) and `skipped`
/// counts those an adjacent part of the same bulk request writes.
#[derive(Debug, Serialize)]
pub struct ResultsOut<'a> {
    /// Whether it was the last page.
    pub last: bool,
    /// Which page (from 0).
    pub page: u32,
    /// The records to write.
    pub records: &'a [serde_json::Value],
    /// Records of the page left to an adjacent part.
    pub skipped: usize,
}

impl<'a> ResultsOut<'a> {
    /// The page an outcome read (none when the answer was not a page).
    pub fn of(o: &Outcome, kept: &'a [serde_json::Value]) -> Option<Self> {
        o.page.as_ref().map(|p| ResultsOut {
            last: p.last,
            page: p.index,
            records: kept,
            skipped: p.keep.len() - kept.len(),
        })
    }
}
