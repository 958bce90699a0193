//! One thin handler per operation: read the arguments, call the core, write the answer.
//!
//! Every handler is `#[inline(never)]` (and build.sh caps binaryen's single-caller
//! inlining, which would undo that): inlined into the dispatch, they made one function
//! hold the whole API, which V8 compiles in one piece on the first call of any operation
//! (wasm compiles lazily, per function), and which is far over a JVM method's size in
//! the ES5 script.

use super::handles;
use super::read::{
    self, check_max_range, context, decide_options, enqueue_settings, options_of, payload_options,
    policy_of, queued_request_of, request_list, request_of, u32_opt, Context, DECIDE_OPTION_KEYS,
};
use super::read_jobs::{jobs_arg, jobs_of, parse_list_arg};
use super::read_queue::queue_arg;
use super::write::{self, answer};
use super::write_decision;
use super::write_queue as wq;
use super::{one, Answer, Args, OPERATIONS};
use crate::backoff;
use crate::channel;
use crate::decide::{self, Decision};
use crate::error::{Error, ErrorCode};
use crate::plan::{self, Granularity, PlanOptions};
use crate::profile::Profile;
use crate::queue::Queue;
use crate::zone::{self, Zone};
use serde_json::Value;

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
        let o = one(super::obj::Obj::optional(
            a.get(2),
            "options",
            ErrorCode::InvalidArgument,
            "options",
        ))?;
        let options = o
            .only(&DECIDE_OPTION_KEYS)
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
            errors.truncate(super::MAX_ERRORS);
            (Decision::reject(errors), None)
        }
    };
    let mut text = String::with_capacity(512);
    write_decision::decision(&mut text, &decision, profile);
    Ok(text)
}

/// `decideMany(requests, activeJobs, options)`: bad options or jobs fail the call; a bad
/// request gives a reject decision in its place.
#[inline(never)]
pub fn decide_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &DECIDE_OPTION_KEYS)?;
    let options = one(decide_options(&o, now_ms))?;
    let ctx = one(context(&o))?;
    let jobs = jobs_arg(a, 1, "activeJobs", ctx.jobs_profile)?;
    let list = request_list(a.get(0))?;
    // Each decision is made, written and dropped in turn (see `write_decision`).
    let mut text = String::with_capacity(list.len() * 1024 + 2);
    text.push('[');
    for (i, r) in list.iter().enumerate() {
        if text.len() > read::limits::MAX_ANSWER_BYTES {
            return Err(vec![Error::new(
                ErrorCode::TooLarge,
                "requests",
                format!(
                    "the decisions of the first {i} requests are already {} bytes, over the answer limit of {} (see limits()): decide fewer requests per call",
                    text.len(),
                    read::limits::MAX_ANSWER_BYTES
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
            Ok(req) => write_decision::decision(
                &mut text,
                &decision_within(decide::decide(&req, &jobs, &options), &path),
                Some(req.profile),
            ),
            Err(mut errors) => {
                errors.truncate(super::MAX_ERRORS);
                write_decision::decision(&mut text, &Decision::reject(errors), None)
            }
        }
    }
    text.push(']');
    Ok(text)
}

/// `prepareJobs(activeJobs, options)`: parses a job list once and keeps it in the
/// instance; answers `{ $index, count, profile }`.
#[inline(never)]
pub fn prepare_jobs(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &["profile"])?;
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
    answer(&write::PreparedOut {
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

/// The handle number of the first argument (a handle's JSON or its number), or the
/// error naming `field` with `hint`: what the free operations read.
fn handle_arg(
    a: &Args<'_>,
    number_of: fn(&Value) -> Option<u32>,
    field: &str,
    hint: &str,
) -> Result<u32, Vec<Error>> {
    a.get(0)
        .and_then(number_of)
        .ok_or_else(|| vec![Error::new(ErrorCode::InvalidArgument, field, hint)])
}

/// `loadQueue(queue)`: keeps a queue state (or a copy of a kept one) in the instance.
#[inline(never)]
pub fn load_queue(a: Args<'_>, _now_ms: i64) -> Answer {
    let mut q = one(queue_arg(a.get(0)))?;
    q.touched_only(Vec::new());
    // A state is moved in; a kept queue is copied (the original stays where it was).
    let state = match q.handle() {
        Some(_) => Queue::clone(&q),
        None => std::mem::take(&mut *q),
    };
    let count = state.items.len();
    let handle = one(handles::insert_queue(state))?;
    answer(&write::KeptQueueOut { handle, count })
}

/// `queueState(queue)`: the state of a kept queue (or of a state given), to save.
#[inline(never)]
pub fn queue_state(a: Args<'_>, _now_ms: i64) -> Answer {
    let mut q = one(queue_arg(a.get(0)))?;
    q.touched_only(Vec::new());
    answer(&wq::StateOut::from(&*q))
}

/// `queueChanges(queue)`: what changed in a kept queue since it was loaded or since the
/// last `queueChanges` (or call with the option `changes`): the new and changed items, the seqs of removed ones, and the
/// rest of the state; then that state counts as saved. For a state given, every item.
#[inline(never)]
pub fn queue_changes(a: Args<'_>, _now_ms: i64) -> Answer {
    let mut q = one(queue_arg(a.get(0)))?;
    q.touched_only(Vec::new());
    let (changed, removed, state_changed) = q.changes();
    let text = answer(&wq::ChangesOut::new(&q, &changed, removed, state_changed));
    text
}

/// `freeQueue(queue)`: drops a kept queue (its handle, or `{ $queue }`). Answers whether
/// it existed.
#[inline(never)]
pub fn free_queue(a: Args<'_>, _now_ms: i64) -> Answer {
    let h = handle_arg(
        &a,
        handles::queue_handle_of,
        "queue",
        "give the QueueHandle (or the $queue number) that loadQueue returned",
    )?;
    answer(&handles::remove_queue(h))
}

/// `parseJobs(activeJobs, options)`: the jobs as the core reads them, every status
/// included, so a page can draw them without re-parsing dates or statuses itself.
#[inline(never)]
pub fn parse_jobs(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &["profile"])?;
    let ctx = one(context(&o))?;
    let mut origin = Vec::new();
    let (jobs, count) = parse_list_arg(a, 0, "activeJobs", ctx.jobs_profile, &mut origin)?;
    answer(&write::ParsedJobsOut {
        count,
        jobs: jobs
            .iter()
            .zip(origin)
            .map(|(j, i)| write::ParsedJobOut::new(j, i))
            .collect(),
    })
}

/// `buildPayload(request, options)`.
#[inline(never)]
pub fn build_payload(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(
        a.get(1),
        &read::with_payload_keys(&[
            "now",
            "profile",
            "timeZone",
            "maxRangeDays",
            "splitByChannel",
        ]),
    )?;
    let ctx = one(context(&o))?;
    let request = request_of(a.get(0), "request", &ctx, true)?;
    check_max_range(&o, &request, "request")?;
    let split = one(o.bool("splitByChannel"))?.unwrap_or(false);
    let popts = one(payload_options(&o, now_ms))?;
    one(popts
        .check(request.profile)
        .map_err(|e| e.within("options")))?;
    let payloads = decide::payloads(&request, split, &popts);
    if split {
        answer(&payloads)
    } else {
        answer(&payloads.first())
    }
}

/// `plan(request, options)`.
#[inline(never)]
pub fn plan(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(
        a.get(1),
        &[
            "profile",
            "timeZone",
            "granularity",
            "workers",
            "weekStart",
            "activeJobs",
            "touchingConflicts",
            "maxWindows",
        ],
    )?;
    let ctx = one(context(&o))?;
    let request = request_of(a.get(0), "request", &ctx, false)?;
    let jobs = jobs_of(o.get("activeJobs"), "options.activeJobs", ctx.jobs_profile)?;
    let week_start = match one(o.str("weekStart"))? {
        Some(w) => one(plan::parse_weekday(w, &o.field("weekStart")))?,
        None => chrono::Weekday::Mon,
    };
    let granularity = match one(o.str("granularity"))? {
        Some(g) => one(Granularity::parse(g, week_start, &o.field("granularity")))?,
        None => Granularity::Day,
    };
    // A request's own timeZone wins over options.timeZone; plans default to UTC.
    let zone = match a
        .get(0)
        .and_then(|r| r.get("timeZone"))
        .and_then(Value::as_str)
    {
        Some(z) => one(Zone::lookup(z, "request.timeZone"))?,
        None => ctx.zone.unwrap_or(zone::UTC),
    };
    let popts = PlanOptions {
        granularity,
        workers: one(u32_opt(&o, "workers", read::limits::MAX_WORKERS))?.unwrap_or(1),
        zone,
        profile: request.profile,
        touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
        max_windows: one(o.uint("maxWindows", read::limits::MAX_WINDOWS))?
            .unwrap_or(read::limits::DEFAULT_WINDOWS) as usize,
    };
    let windows = plan::plan(request.window, &jobs.active, &popts).map_err(|e| {
        // The core names the option (`workers`) or nothing (the range as a whole).
        let path = if e.field.is_empty() {
            "request"
        } else {
            "options"
        };
        vec![e.within(path)]
    })?;
    answer(&write::PlanOut {
        granularity: granularity.as_str(),
        profile: request.profile.name(),
        time_zone: zone.name(),
        windows: windows.iter().map(write::PlannedOut::from).collect(),
        workers: popts.workers,
    })
}

const ENQUEUE_OPTION_KEYS: [&str; 7] = [
    "now",
    "profile",
    "timeZone",
    "notBefore",
    "attempts",
    "maxRangeDays",
    "repeatFinished",
];

/// `enqueueMany`'s options: `enqueue`'s, and `results`.
const ENQUEUE_MANY_OPTION_KEYS: [&str; ENQUEUE_OPTION_KEYS.len() + 1] = {
    let mut keys = [""; ENQUEUE_OPTION_KEYS.len() + 1];
    let mut i = 0;
    while i < ENQUEUE_OPTION_KEYS.len() {
        keys[i] = ENQUEUE_OPTION_KEYS[i];
        i += 1;
    }
    keys[i] = "results";
    keys
};

/// `enqueue(queue, request, options)`: a request longer than its profile's maximum (or
/// with `split`) is queued as its parts, reported in `parts`.
#[inline(never)]
pub fn enqueue(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &ENQUEUE_OPTION_KEYS)?;
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let ctx = one(context(&o))?;
    let (request, parts) = queued_request_of(a.get(1), "request", &ctx, &o)?;
    let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
    let repeat = one(o.bool("repeatFinished"))?.unwrap_or(true);
    let mut index = q.key_index();
    let split = parts.is_some();
    let es = q.enqueue_split(
        &mut index,
        &request,
        parts.as_deref(),
        now,
        not_before,
        repeat,
        attempts,
    );
    let text = answer(&wq::EnqueueOut {
        added: es.iter().any(|e| e.added),
        item: wq::ItemOut::from(&es[0].item),
        parts: split.then(|| es.iter().map(wq::PartResult::from).collect()),
        previous: es[0].previous.map(|p| p.as_str()),
        queue: wq::QueueOut::of(&q, kept),
    });
    text
}

/// `enqueueMany(queue, requests, options)`: the queue is read and written once. A bad
/// request is not queued and gets `{ added: false, errors }` in its place; a bad queue
/// or bad options fail the whole call.
#[inline(never)]
pub fn enqueue_many(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(2), &ENQUEUE_MANY_OPTION_KEYS)?;
    // `results: "compact"`: each result names its item (key, seq) instead of repeating
    // it, so a large batch's answer does not carry every item twice.
    let compact = match one(o.str("results"))? {
        None | Some("full") => false,
        Some("compact") => true,
        Some(other) => {
            return Err(vec![Error::new(
                ErrorCode::InvalidArgument,
                o.field("results"),
                format!(
                    "results must be \"full\" (the default: each result repeats its item) or \"compact\" (its key and seq), not {:?}",
                    other.chars().take(40).collect::<String>()
                ),
            )])
        }
    };
    let mut q = one(queue_arg(a.get(0)))?;
    let kept = q.handle();
    let ctx = one(context(&o))?;
    let list = request_list(a.get(1))?;
    let (now, not_before, attempts) = enqueue_settings(&o, now_ms)?;
    one(u32_opt(&o, "maxRangeDays", read::limits::MAX_RANGE_DAYS))?; // a bad option fails the call
    let repeat = one(o.bool("repeatFinished"))?.unwrap_or(true);
    let mut index = q.key_index();
    let mut results = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let path = format!("requests[{i}]");
        results.push(match queued_request_of(Some(r), &path, &ctx, &o) {
            Ok((request, parts)) => Ok((
                parts.is_some(),
                q.enqueue_split(
                    &mut index,
                    &request,
                    parts.as_deref(),
                    now,
                    not_before,
                    repeat,
                    attempts,
                ),
            )),
            Err(mut errors) => {
                errors.truncate(super::MAX_ERRORS);
                Err(errors)
            }
        });
    }
    let text = answer(&wq::EnqueueManyOut {
        queue: wq::QueueOut::of(&q, kept),
        results: results
            .iter()
            .map(|r| match r {
                Ok((split, es)) if compact => wq::EnqueueResult::Compact {
                    added: es.iter().any(|e| e.added),
                    key: es[0].item.key(),
                    parts: split.then(|| es.iter().map(wq::CompactPart::from).collect()),
                    seq: es[0].item.seq,
                    previous: es[0].previous.map(|p| p.as_str()),
                },
                Ok((split, es)) => wq::EnqueueResult::Read {
                    added: es.iter().any(|e| e.added),
                    item: Box::new(wq::ItemOut::from(&es[0].item)),
                    parts: split.then(|| es.iter().map(wq::PartResult::from).collect()),
                    previous: es[0].previous.map(|p| p.as_str()),
                },
                Err(errors) => wq::EnqueueResult::Bad {
                    added: false,
                    errors: errors.iter().map(write::ErrorOut::from).collect(),
                },
            })
            .collect(),
    });
    text
}

/// `schedule(policy)`.
#[inline(never)]
pub fn schedule(a: Args<'_>, _now_ms: i64) -> Answer {
    let p = one(policy_of(a.get(0), "policy"))?;
    let steps = backoff::schedule(&p);
    answer(&write::ScheduleOut {
        policy: write::PolicyOut::from(&p),
        steps: steps.iter().map(write::StepOut::from).collect(),
        total_ms: steps.last().map_or(0, |s| s.elapsed_ms),
    })
}

/// `profiles()`.
#[inline(never)]
pub fn profiles(_a: Args<'_>, _now_ms: i64) -> Answer {
    let list: Vec<super::write_profile::ProfileOut> =
        Profile::ALL.into_iter().map(Into::into).collect();
    answer(&list)
}

/// `timeZones()`.
#[inline(never)]
pub fn time_zones(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&zone::supported())
}

/// `tzdata()`.
#[inline(never)]
pub fn tzdata(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&write::TzdataOut {
        version: zone::version(),
        names: zone::count(),
    })
}

/// `channels()`.
#[inline(never)]
pub fn channels(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&write::ChannelsOut {
        conversation_only_message_types: &channel::CONVERSATION_ONLY_MESSAGE_TYPES,
        media_types: &channel::MEDIA_TYPES,
        message_types: &channel::MESSAGE_TYPES,
    })
}

/// `limits()`.
#[inline(never)]
pub fn limits(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&write::LimitsOut::default())
}

/// `operations()`: the table itself.
#[inline(never)]
pub fn operations(_a: Args<'_>, _now_ms: i64) -> Answer {
    let list: Vec<write::OpOut> = OPERATIONS.iter().map(Into::into).collect();
    answer(&list)
}

/// `version()`.
#[inline(never)]
pub fn version(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&env!("CARGO_PKG_VERSION"))
}
