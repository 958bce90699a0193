//! The lifecycle operations: `next`, `record` and `prune` (and `drain`, which is `next`
//! handing out submits only). Read the queue, options and answer; call
//! [`crate::lifecycle`]; write the new queue.

use super::answers::{job_of, reading, Call, Reading};
use super::obj::{show, type_name, whole_number, Obj};
use super::read::{self, context, interval, opt_instant, options_of, payload_options, policy_of};
use super::read_jobs::jobs_arg;
use super::read_queue::{queue_arg, QueueArg};
use super::write::answer;
use super::write_queue as wq;
use super::{one, Answer, Args};
use crate::backoff::Response;
use crate::decide::{self, Request};
use crate::error::{Error, ErrorCode};
use crate::lifecycle::{self, Action, Answer as CallAnswer, JobAnswer, Listed, Settings, Step};
use crate::profile::{Payload, PayloadOptions, Profile};
use crate::queue::{ActionKind, ListedJob, Queue};
use serde_json::Value;

/// The options `next`, `record` and `drain` share (record ignores the payload ones).
const OWN_KEYS: [&str; 17] = [
    "now",
    "changes",
    "waiting",
    "profile",
    "touchingConflicts",
    "maxActiveJobs",
    "leaseMs",
    "pollMs",
    "policy",
    "splitByChannel",
    "waitingDetail",
    "clientId",
    "listing",
    "watch",
    "runnerId",
    "maxInDoubt",
    "fetchResults",
];

/// Most keys in `watch`.
const MAX_WATCH: usize = read::limits::MAX_BATCH;

/// The longest lease or poll interval (a day): longer ones would leave a crashed
/// driver's item, or a running job, unattended for days.
const MAX_INTERVAL_MS: u64 = 24 * 3_600_000;

/// The lifecycle's settings from the options; `detail` is the default of `waitingDetail`
/// (`drain` leaves the detail out unless asked, `next` and `inspectQueue` include it).
fn settings(o: &Obj, detail: bool) -> Result<Settings, Vec<Error>> {
    let d = Settings::default();
    let interval = |key: &str, default: u64| -> Result<u64, Vec<Error>> {
        match one(o.uint(key, MAX_INTERVAL_MS))? {
            Some(0) => Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field(key),
                format!("{key} must be a whole number of milliseconds from 1 to {MAX_INTERVAL_MS}"),
            )]),
            v => Ok(v.unwrap_or(default)),
        }
    };
    let id = |key: &str, what: &str| match one(o.str(key))? {
        Some("") => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            o.field(key),
            format!("{key} must be {what}, not empty"),
        )]),
        other => Ok(other.map(|c| c.chars().take(200).collect::<String>())),
    };
    let client = id("clientId", "the runner's OAuth client id")?;
    let runner = id("runnerId", "a name for the runner (host and process)")?;
    let max_in_doubt = match one(o.uint("maxInDoubt", 10_000))? {
        Some(0) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("maxInDoubt"),
                "maxInDoubt must be a whole number from 1 to 10000",
            )])
        }
        v => v.map_or(lifecycle::DEFAULT_MAX_IN_DOUBT, |v| v as u32),
    };
    let watch = match o.get("watch") {
        None | Some(Value::Null) => None,
        Some(Value::Array(keys)) if keys.len() <= MAX_WATCH => {
            let mut out = Vec::with_capacity(keys.len());
            for (i, k) in keys.iter().enumerate() {
                match k {
                    Value::String(k) => out.push(k.clone()),
                    other => {
                        return Err(vec![Error::new(
                            ErrorCode::InvalidArgument,
                            format!("{}[{i}]", o.field("watch")),
                            format!("watch holds item keys (strings), not {}", type_name(other)),
                        )])
                    }
                }
            }
            Some(out)
        }
        Some(Value::Array(keys)) => {
            return Err(vec![read::too_many(
                &o.field("watch"),
                keys.len(),
                MAX_WATCH,
                "keys",
            )])
        }
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("watch"),
                format!(
                    "watch must be an array of item keys, not {}",
                    type_name(other)
                ),
            )])
        }
    };
    Ok(Settings {
        lease_ms: interval("leaseMs", d.lease_ms)?,
        poll_ms: interval("pollMs", d.poll_ms)?,
        policy: one(policy_of(o.get("policy"), &o.field("policy")))?,
        touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
        max_active_jobs: one(read::max_active_jobs(o))?,
        waiting_detail: one(o.bool("waitingDetail"))?.unwrap_or(detail),
        client,
        list_jobs: one(o.bool("listing"))?.unwrap_or(true),
        watch,
        runner,
        max_in_doubt,
        fetch_results: one(o.bool("fetchResults"))?.unwrap_or(false),
    })
}

/// One submit's body. `next` submits one POST per item; `drain` may split an item by
/// channel (its callers then track the jobs themselves).
fn body(q: &Queue, act: &Action, popts: &PayloadOptions) -> Option<Payload> {
    let item = q.items.get(act.pos).filter(|i| i.seq == act.seq)?;
    Some(item.profile.payload(item.window, &item.channels, popts))
}

/// The released recording EXPORTs need integrationId: refuse the call before any POST.
/// (An action names its item's profile: no search of the queue per action.)
fn check_payloads(step: &Step, popts: &PayloadOptions) -> Result<(), Vec<Error>> {
    for a in step.actions.iter().filter(|a| a.kind == ActionKind::Submit) {
        one(popts.check(a.profile).map_err(|e| e.within("options")))?;
    }
    Ok(())
}

/// `next`/`drain`'s options beside the settings: `splitByChannel`, and `changes` (answer
/// what changed in a kept queue, as `queueChanges` would, in the same call).
struct Flags {
    split: bool,
    changes: bool,
    /// `next` only: whether its answer lists the waiting items (`waiting`), or only counts
    /// them (`waitingCount`) for a caller that shows none: writing each reason is much of
    /// a step's cost in the ServiceNow build (docs/performance.md).
    waiting: bool,
}

/// What [`step`] gives: the queue after the step (and its handle when kept), the step,
/// the payload options, the flags, and the settings.
type Stepped = (QueueArg, Option<u32>, Step, PayloadOptions, Flags, Settings);

/// Runs one step of the lifecycle for `next` (every kind) or `drain` (submits).
#[inline(never)]
fn step(
    a: &Args<'_>,
    now_ms: i64,
    kinds: &[ActionKind],
    detail: bool,
) -> Result<Stepped, Vec<Error>> {
    let o = options_of(a.get(2), &read::with_payload_keys(&OWN_KEYS))?;
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let ctx = one(context(&o))?;
    let jobs = jobs_arg(*a, 1, "activeJobs", ctx.jobs_profile)?;
    let popts = one(payload_options(&o, now_ms))?;
    let waiting = one(o.bool("waiting"))?.unwrap_or(true);
    // Without the list, naming each waiting item's blockers would be work thrown away.
    let mut s = settings(&o, detail && waiting)?;
    // `drain` hands out submits only: its caller lists the jobs and passes them.
    if !kinds.contains(&ActionKind::List) && o.get("listing").is_none() {
        s.list_jobs = false;
    }
    let flags = Flags {
        split: one(o.bool("splitByChannel"))?.unwrap_or(false),
        changes: one(o.bool("changes"))?.unwrap_or(false),
        waiting,
    };
    // The payload check comes after the step has changed the queue: when it can fail
    // (an item of a profile these options cannot build a payload for), keep a copy of a
    // kept queue to put back, so a failed call leaves it as it was.
    // Checked per profile (a handful), then looked up per item.
    let refused = Profile::ALL.map(|p| popts.check(p).is_err());
    let fallible = kept.is_some()
        && refused.contains(&true)
        && q.items
            .iter()
            .any(|i| !i.state.is_final() && refused[i.profile.index()]);
    let before = fallible.then(|| Queue::clone(&q));
    let st = lifecycle::next(&mut q, &jobs.active, &s, popts.now, kinds);
    if let Err(e) = check_payloads(&st, &popts) {
        if let Some(original) = before {
            *q = original;
        }
        return Err(e);
    }
    Ok((q, kept, st, popts, flags, s))
}

/// The step's calls as `next` answers them, each with its request body. Out of line, as
/// is [`step`], so that `next`'s ES5 form stays within one JVM method
/// (`tests/rhino/compile-check.js`).
#[inline(never)]
fn actions_out<'q>(q: &'q Queue, st: &'q Step, popts: &PayloadOptions) -> Vec<wq::ActionOut<'q>> {
    st.actions
        .iter()
        .map(|act| {
            let body = match act.kind {
                ActionKind::Submit => {
                    body(q, act, popts).and_then(|p| serde_json::to_value(p).ok())
                }
                ActionKind::Execute => act
                    .profile
                    .execute()
                    .map(|e| serde_json::json!({ "state": e.value.state })),
                ActionKind::Poll | ActionKind::Find | ActionKind::List | ActionKind::Results => {
                    None
                }
            };
            wq::ActionOut::new(act, body)
        })
        .collect()
}

/// `next(queue, activeJobs, options)`: the calls due now, and the queue with them leased.
#[inline(never)]
pub fn next(a: Args<'_>, now_ms: i64) -> Answer {
    // Refused before the step changes the queue (a kept queue stays as it was).
    if a.get(2).and_then(|o| o.get("splitByChannel")) == Some(&Value::Bool(true)) {
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "options.splitByChannel",
            "next makes one POST per item, so it cannot split by channel: enqueue one \
             request per channel instead",
        )]);
    }
    let (mut q, kept, st, popts, flags, s) = step(&a, now_ms, &ActionKind::ALL, true)?;
    let changes = flags.changes.then(|| q.changes());
    let actions = actions_out(&q, &st, &popts);
    let text = answer(&wq::NextOut {
        actions,
        counts: wq::CountsOut::from(&*q),
        done: st.done,
        queue: wq::QueueOut::of(&q, kept),
        waiting: flags
            .waiting
            .then(|| wq::WaitingOut::all(&st, &q, Some((&s, popts.now)))),
        waiting_count: (!flags.waiting).then_some(st.waiting.len()),
        wake_at: st.wake_at.map(super::write::Iso),
        changes: changes.map(|(c, r, sc)| wq::ChangesOut::new(&q, &c, r, sc)),
    });
    text
}

/// `drain(queue, activeJobs, options)`: `next` for submits only, in the shape callers
/// of `drain` know. The released items stay in the queue, `submitting`, until their
/// answers are recorded.
#[inline(never)]
pub fn drain(a: Args<'_>, now_ms: i64) -> Answer {
    let (mut q, kept, st, popts, flags, s) = step(&a, now_ms, &[ActionKind::Submit], false)?;
    let split = flags.split;
    let changes = flags.changes.then(|| q.changes());
    let detail = a
        .get(2)
        .and_then(|o| o.get("waitingDetail"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let submit = st
        .actions
        .iter()
        .filter_map(|act| q.items.get(act.pos).filter(|i| i.seq == act.seq))
        .map(|i| {
            let r = Request {
                window: i.window,
                channels: i.channels.clone(),
                profile: i.profile,
            };
            wq::ItemOut::submission(i, decide::payloads(&r, split, &popts))
        })
        .collect();
    let text = answer(&wq::DrainOut {
        queue: wq::QueueOut::of(&q, kept),
        submit,
        waiting: detail.then(|| wq::WaitingOut::all(&st, &q, Some((&s, popts.now)))),
        waiting_count: st.waiting.len(),
        changes: changes.map(|(c, r, sc)| wq::ChangesOut::new(&q, &c, r, sc)),
    });
    text
}

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
type Page = (Vec<Option<i64>>, Option<String>, Vec<Value>);

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
            crate::time::parse_instant(t, rs.start_field).ok()
        })
        .collect();
    Ok((starts, cursor, records))
}

/// Reads one answer (at `path`) to the outstanding call of `key` (an item's, or a
/// listing's) and records it.
fn record_one(
    q: &mut Queue,
    call: &CallOf<'_>,
    response: Option<&Value>,
    path: &str,
    s: &Settings,
    now: i64,
) -> Result<wq::Recorded, Vec<Error>> {
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
        return one(lifecycle::record_listing(q, key, ans, rl, s, now)).map(wq::Recorded::Listing);
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
        return Ok(wq::Recorded::Page(o, kept));
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
    .map(wq::Recorded::Item)
}

/// The call an answer is for: an action's key, or the action itself (`{ key, kind,
/// page, ... }` as `next` handed it out; its other fields are not read).
struct CallOf<'a> {
    key: &'a str,
    /// Where it was read (for errors).
    field: String,
    answering: lifecycle::Answering,
}

fn call_of<'a>(v: Option<&'a Value>, path: &str) -> Result<CallOf<'a>, Vec<Error>> {
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

/// `record(queue, action, response, options)`: the answer to the item's outstanding call
/// (`action` as next handed it out, or its key).
#[inline(never)]
pub fn record(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(3), &read::with_payload_keys(&OWN_KEYS))?;
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let call = call_of(a.get(1), "action")?;
    let s = settings(&o, true)?;
    let now = one(opt_instant(&o, "now"))?.unwrap_or(now_ms);
    // Read before the answer changes the queue: a failing call leaves it as it was.
    let want_changes = one(o.bool("changes"))?.unwrap_or(false);
    let outcome = record_one(&mut q, &call, a.get(2), "response", &s, now)?;
    if let wq::Recorded::Item(o) | wq::Recorded::Page(o, _) = &outcome {
        // An item's answer changes that item (and the pauses) alone.
        q.touched_only(vec![o.item.seq]);
    }
    let changes = want_changes.then(|| q.changes());
    let mut out = wq::RecordOut::new(&outcome, &q, kept);
    out.changes = changes.map(|(c, r, sc)| wq::ChangesOut::new(&q, &c, r, sc));
    answer(&out)
}

/// `recordMany(queue, answers, options)`: `record` for a step's answers
/// (`[{ action, response }]`, or `key` for `action`), reading and writing the queue once. An answer that cannot be
/// recorded (late, or malformed) gets its error in its place; the others are recorded.
#[inline(never)]
pub fn record_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &read::with_payload_keys(&OWN_KEYS))?;
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let list = match a.get(1) {
        Some(Value::Array(list)) => list,
        other => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                "answers",
                format!(
                    "answers must be an array of {{ key, response }}, not {}",
                    other.map_or("nothing", type_name)
                ),
            )])
        }
    };
    if list.len() > read::limits::MAX_BATCH {
        return Err(vec![read::too_many(
            "answers",
            list.len(),
            read::limits::MAX_BATCH,
            "answers",
        )]);
    }
    let s = settings(&o, true)?;
    let now = one(opt_instant(&o, "now"))?.unwrap_or(now_ms);
    let want_changes = one(o.bool("changes"))?.unwrap_or(false);
    let mut results = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let path = format!("answers[{i}]");
        let r = one(Obj::new(
            v,
            &path,
            ErrorCode::InvalidArgument,
            "an answer { key, response }",
        ))
        .and_then(|obj| {
            one(obj.only(&["key", "action", "response"]))?;
            let call = match (obj.get("action"), obj.get("key")) {
                (Some(a), None) => call_of(Some(a), &obj.field("action"))?,
                (None, k) => call_of(k, &obj.field("key"))?,
                (Some(_), Some(_)) => {
                    return Err(vec![Error::new(
                        ErrorCode::InvalidArgument,
                        obj.field("key"),
                        format!("{} gives both action and key: give the action alone", path),
                    )])
                }
            };
            record_one(
                &mut q,
                &call,
                obj.get("response"),
                &obj.field("response"),
                &s,
                now,
            )
        });
        results.push(r);
    }
    let mut touched = Some(Vec::new());
    for r in &results {
        match (r, touched.as_mut()) {
            (Ok(wq::Recorded::Item(o) | wq::Recorded::Page(o, _)), Some(t)) => t.push(o.item.seq),
            // An answer refused changed nothing; a listing's may have changed any item.
            (Err(_), _) => {}
            _ => touched = None,
        }
    }
    if let Some(t) = touched {
        q.touched_only(t);
    }
    let outs: Vec<wq::RecordResult> = results
        .iter()
        .map(|r| match r {
            Ok(rec @ (wq::Recorded::Item(o) | wq::Recorded::Page(o, _))) => {
                wq::RecordResult::Recorded {
                    action: o.kind.as_str(),
                    event: o.event.as_str(),
                    item: Some(Box::new(wq::ItemOut::from(&o.item))),
                    listing: None,
                    reason: None,
                    results: rec.results(),
                }
            }
            Ok(wq::Recorded::Listing(l)) => wq::RecordResult::Recorded {
                action: "list",
                event: l.event.as_str(),
                item: None,
                listing: Some(Box::new(wq::ListingOut::from(&l.view))),
                reason: l.reason.as_deref(),
                results: None,
            },
            Err(errors) => wq::RecordResult::Refused {
                errors: errors
                    .iter()
                    .take(super::MAX_ERRORS)
                    .map(super::write::ErrorOut::from)
                    .collect(),
            },
        })
        .collect();
    let changes = want_changes.then(|| q.changes());
    let text = answer(&wq::RecordManyOut {
        queue: wq::QueueOut::of(&q, kept),
        results: outs,
        changes: changes.map(|(c, r, sc)| wq::ChangesOut::new(&q, &c, r, sc)),
    });
    text
}

/// `inspectQueue(queue, activeJobs, options)`: the queue as a person reads it, for pages
/// and reports: per item its next call, when it is due, and why a queued one waits; the
/// counts per state and when the next call falls due. Changes nothing (no lease).
#[inline(never)]
pub fn inspect_queue(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &read::with_payload_keys(&OWN_KEYS))?;
    let mut q = one(queue_arg(a.get(0)))?;
    q.touched_only(Vec::new());
    let ctx = one(context(&o))?;
    let jobs = jobs_arg(a, 1, "activeJobs", ctx.jobs_profile)?;
    let s = settings(&o, true)?;
    let now = one(opt_instant(&o, "now"))?.unwrap_or(now_ms);
    let mut copy = q.clone();
    let st = lifecycle::next(&mut copy, &jobs.active, &s, now, &ActionKind::ALL);
    // The copy keeps the items in place: positions in the step are the items'.
    let mut due_now = vec![false; q.items.len()];
    for act in st.actions.iter().filter(|a| !a.is_listing()) {
        due_now[act.pos] = true;
    }
    let mut waits: Vec<Option<&lifecycle::WaitReason>> = vec![None; q.items.len()];
    for (pos, r) in &st.waiting {
        waits[*pos] = Some(r);
    }
    let items = q
        .items
        .iter()
        .enumerate()
        .map(|(pos, i)| {
            let waiting = waits[pos].map(|r| (r, lifecycle::describe(r, i, &s, now)));
            wq::InspectedOut::new(i, due_now[pos], waiting)
        })
        .collect();
    let text = answer(&wq::InspectOut {
        counts: wq::CountsOut::from(&*q),
        items,
        listings: q.listings.iter().map(wq::ListingOut::from).collect(),
        pauses: q
            .pauses
            .iter()
            .filter(|p| p.until > now)
            .map(wq::PauseOut::from)
            .collect(),
        requests: crate::bulk::progress(&q)
            .iter()
            .map(wq::RequestOut::from)
            .collect(),
        wake_at: st
            .actions
            .first()
            .map(|_| now)
            .or(st.wake_at)
            .map(super::write::Iso),
    });
    text
}

/// `prune(queue, options)`: removes completed and failed items (`before`: those that
/// ended before it; `keep`: all but the newest this many; default keep 0).
#[inline(never)]
pub fn prune(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &["keep", "before"])?;
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let newest = one(o.uint("keep", read::limits::MAX_QUEUE_ITEMS as u64))?;
    let before = one(opt_instant(&o, "before"))?;
    let newest = match (newest, before) {
        (Some(k), _) => k as usize,
        (None, Some(_)) => usize::MAX,
        (None, None) => 0,
    };
    let removed = q.prune(newest, before);
    let text = answer(&wq::PruneOut {
        queue: wq::QueueOut::of(&q, kept),
        removed: removed.iter().map(wq::ItemOut::from).collect(),
    });
    text
}
