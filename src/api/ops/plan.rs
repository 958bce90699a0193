//! `buildPayload` and `plan`: a request's body (or one per channel), and disjoint
//! windows dealt to workers.

use crate::api::args::{one, Answer, Args};
use crate::api::limits;
use crate::api::read::jobs::jobs_of;
use crate::api::read::options::{context, options_of, payload_options};
use crate::api::read::request::{check_max_range, request_of};
use crate::api::read::values::u32_opt;
use crate::api::schema;
use crate::api::write::{answer, Iso};
use crate::decide;
use crate::error::Within;
use crate::plan::{self, Granularity, PlanOptions, PlannedWindow};
use crate::zone::{self, Zone};
use serde::Serialize;
use serde_json::Value;

/// `buildPayload(request, options)`.
#[inline(never)]
pub fn build_payload(a: Args<'_>, now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &schema::BUILD_PAYLOAD)?;
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
    let o = options_of(a.get(1), &schema::PLAN)?;
    let ctx = one(context(&o))?;
    let request = request_of(a.get(0), "request", &ctx, false)?;
    let jobs = jobs_of(o.get("activeJobs"), "options.activeJobs", ctx.jobs_profile)?;
    let week_start = match one(o.str("weekStart"))? {
        Some(w) => one(plan::parse_weekday(w).within(&o.field("weekStart")))?,
        None => chrono::Weekday::Mon,
    };
    let granularity = match one(o.str("granularity"))? {
        Some(g) => one(Granularity::parse(g, week_start).within(&o.field("granularity")))?,
        None => Granularity::Day,
    };
    // A request's own timeZone wins over options.timeZone; plans default to UTC.
    let zone = match a
        .get(0)
        .and_then(|r| r.get("timeZone"))
        .and_then(Value::as_str)
    {
        Some(z) => one(Zone::lookup(z).within("request.timeZone"))?,
        None => ctx.zone.unwrap_or(zone::UTC),
    };
    let popts = PlanOptions {
        granularity,
        workers: one(u32_opt(&o, "workers", limits::MAX_WORKERS))?.unwrap_or(1),
        zone,
        profile: request.profile,
        touching_conflicts: one(o.bool("touchingConflicts"))?.unwrap_or(false),
        max_windows: one(o.uint("maxWindows", limits::MAX_WINDOWS))?
            .unwrap_or(limits::DEFAULT_WINDOWS) as usize,
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
    answer(&PlanOut {
        granularity: granularity.as_str(),
        profile: request.profile.name(),
        time_zone: zone.name(),
        windows: windows.iter().map(PlannedOut::from).collect(),
        workers: popts.workers,
    })
}

/// A planned window.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedOut<'a> {
    blocked_by: &'a [String],
    end: Iso,
    lock_key: String,
    start: Iso,
    worker: u32,
}

impl<'a> From<&'a PlannedWindow> for PlannedOut<'a> {
    fn from(w: &'a PlannedWindow) -> Self {
        PlannedOut {
            blocked_by: &w.blocked_by,
            end: Iso(w.window.end),
            lock_key: w.window.lock_key(),
            start: Iso(w.window.start),
            worker: w.worker,
        }
    }
}

/// `plan`'s answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOut<'a> {
    /// `hour`, `day` or `week`.
    pub granularity: &'static str,
    /// The profile planned for.
    pub profile: &'static str,
    /// The zone whose boundaries the windows follow.
    pub time_zone: &'static str,
    /// The windows, in order.
    pub windows: Vec<PlannedOut<'a>>,
    /// How many workers they are dealt to.
    pub workers: u32,
}
