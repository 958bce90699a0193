//! Mutually exclusive planning: split a range into disjoint windows aligned to local
//! hour, day or week boundaries in a time zone, and deal them to N workers so that
//! parallel callers never overlap.
//!
//! The windows tile the range exactly: the first starts at the range's start, each
//! starts where the previous ended, and the last ends at the range's end (the first and
//! last may be partial). A local day is 23 or 25 hours long on DST days.

use crate::decide::{blocking_jobs, Job};
use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;
use crate::time::Window;
use crate::zone::Zone;
use chrono::{Datelike, Weekday};

/// How long each planned window is, in local terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// Local clock hours.
    Hour,
    /// Local calendar days (midnight to midnight).
    Day,
    /// Local weeks starting on a given weekday (Monday by default).
    Week(Weekday),
    /// Local calendar months (midnight of the 1st to midnight of the next 1st).
    Month,
}

impl Granularity {
    /// Parses `hour`, `day`, `week` or `month` (case-insensitive).
    pub fn parse(text: &str, week_start: Weekday) -> Result<Granularity> {
        match text.to_ascii_lowercase().as_str() {
            "hour" => Ok(Granularity::Hour),
            "day" => Ok(Granularity::Day),
            "week" => Ok(Granularity::Week(week_start)),
            "month" => Ok(Granularity::Month),
            _ => Err(Error::new(
                ErrorCode::InvalidArgument,
                "",
                format!(
                    "unknown granularity {:?}; use \"hour\", \"day\", \"week\" or \"month\"",
                    text.chars().take(20).collect::<String>()
                ),
            )),
        }
    }

    /// `"hour"`, `"day"`, `"week"` or `"month"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Hour => "hour",
            Granularity::Day => "day",
            Granularity::Week(_) => "week",
            Granularity::Month => "month",
        }
    }
}

/// Parses a weekday name (`monday`, `Mon`, ...).
pub fn parse_weekday(text: &str) -> Result<Weekday> {
    text.parse::<Weekday>().map_err(|_| {
        Error::new(
            ErrorCode::InvalidArgument,
            "",
            "unknown weekday; use monday, tuesday, ..., sunday",
        )
    })
}

/// Options of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOptions {
    /// Window size (default: day).
    pub granularity: Granularity,
    /// Number of workers (default 1).
    pub workers: u32,
    /// The zone whose local boundaries the windows align to (default UTC).
    pub zone: Zone,
    /// The endpoint (decides how active jobs block windows).
    pub profile: Profile,
    /// Treat touching windows as conflicting when marking blocked windows.
    pub touching_conflicts: bool,
    /// Most windows a plan may have (default 10,000), so a typo cannot ask for millions.
    pub max_windows: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            granularity: Granularity::Day,
            workers: 1,
            zone: crate::zone::UTC,
            profile: Profile::EvaluationExports,
            touching_conflicts: false,
            max_windows: 10_000,
        }
    }
}

/// One planned window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedWindow {
    /// The window.
    pub window: Window,
    /// The worker (0-based) that owns it.
    pub worker: u32,
    /// Ids of active jobs that block it now (range-locked profiles only).
    pub blocked_by: Vec<String>,
}

/// The next boundary strictly after `t`.
fn next_boundary(t: i64, g: Granularity, zone: Zone) -> i64 {
    match g {
        Granularity::Hour => zone.next_hour_boundary(t),
        Granularity::Month => {
            let d = zone.date_at(t);
            let first = match d.month() {
                12 => chrono::NaiveDate::from_ymd_opt(d.year().saturating_add(1), 1, 1),
                m => chrono::NaiveDate::from_ymd_opt(d.year(), m + 1, 1),
            };
            first.map_or(crate::time::MAX_MS, |f| zone.start_of_day(f))
        }
        Granularity::Day | Granularity::Week(_) => {
            let mut date = zone.date_at(t);
            loop {
                date = match date.succ_opt() {
                    Some(d) => d,
                    None => return crate::time::MAX_MS,
                };
                let fits = match g {
                    Granularity::Week(ws) => date.weekday() == ws,
                    _ => true,
                };
                if fits {
                    let b = zone.start_of_day(date);
                    if b > t {
                        return b;
                    }
                }
            }
        }
    }
}

/// Splits `range` into aligned windows and deals them to workers round-robin
/// (window *i* goes to worker *i mod N*), marking those that active jobs block.
///
/// Errors name fields relative to the options (`workers`) or are empty (the range as a
/// whole); the contract layer puts the caller's path in front.
pub fn plan(range: Window, jobs: &[Job], opts: &PlanOptions) -> Result<Vec<PlannedWindow>> {
    if opts.workers == 0 {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "workers",
            "workers must be at least 1",
        ));
    }
    let mut out = Vec::new();
    let mut start = range.start;
    while start < range.end {
        if out.len() >= opts.max_windows {
            return Err(Error::new(
                ErrorCode::RangeTooLong,
                "",
                format!(
                    "the plan would have more than {} windows; use a coarser granularity or a shorter range",
                    opts.max_windows
                ),
            ));
        }
        let end = next_boundary(start, opts.granularity, opts.zone).min(range.end);
        let window = Window { start, end };
        let blocked_by = match opts.profile.lock_rule(None) {
            crate::profile::LockRule::RangeOverlap => {
                blocking_jobs(window, opts.profile, jobs, opts.touching_conflicts, None, 0)
                    .into_iter()
                    .map(|j| j.id.clone())
                    .collect()
            }
            crate::profile::LockRule::MaxActive(_) => Vec::new(),
        };
        let worker = (out.len() % opts.workers as usize) as u32;
        out.push(PlannedWindow {
            window,
            worker,
            blocked_by,
        });
        start = end;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::time::{format_ms, HOUR_MS};
    use crate::zone::parse_in;

    fn london_range(a: &str, b: &str) -> (Window, Zone) {
        let z = Zone::lookup("Europe/London").unwrap();
        let w = Window::new(parse_in(a, Some(z)).unwrap(), parse_in(b, Some(z)).unwrap()).unwrap();
        (w, z)
    }

    #[test]
    fn london_days_across_both_dst_changes() {
        for (a, b, want) in [
            ("2026-03-28", "2026-03-31", [24, 23, 24]),
            ("2026-10-24", "2026-10-27", [24, 25, 24]),
        ] {
            let (w, z) = london_range(a, b);
            let p = plan(
                w,
                &[],
                &PlanOptions {
                    zone: z,
                    workers: 2,
                    ..Default::default()
                },
            )
            .unwrap();
            let lens: Vec<i64> = p.iter().map(|x| x.window.len_ms() / HOUR_MS).collect();
            assert_eq!(lens, want);
            assert_eq!(p.iter().map(|x| x.worker).collect::<Vec<_>>(), [0, 1, 0]);
        }
    }

    #[test]
    fn partial_edges_and_weeks() {
        let (w, z) = london_range("2026-11-04T12:00", "2026-11-20");
        let p = plan(
            w,
            &[],
            &PlanOptions {
                zone: z,
                granularity: Granularity::Week(Weekday::Mon),
                ..Default::default()
            },
        )
        .unwrap();
        let got: Vec<String> = p.iter().map(|x| x.window.lock_key()).collect();
        assert_eq!(
            got,
            [
                "2026-11-04T12:00:00.000Z/2026-11-09T00:00:00.000Z",
                "2026-11-09T00:00:00.000Z/2026-11-16T00:00:00.000Z",
                "2026-11-16T00:00:00.000Z/2026-11-20T00:00:00.000Z"
            ]
        );
    }

    #[test]
    fn blocked_windows_are_marked() {
        let (w, z) = london_range("2026-11-01", "2026-11-04");
        let job = Job {
            id: "j1".into(),
            window: Window {
                start: w.start + 30 * HOUR_MS,
                end: w.start + 31 * HOUR_MS,
            },
            status: "IN_PROGRESS".into(),
            active: true,
            channels: None,
            profile: Profile::EvaluationExports,
        };
        let p = plan(
            w,
            &[job],
            &PlanOptions {
                zone: z,
                ..Default::default()
            },
        )
        .unwrap();
        let blocked: Vec<bool> = p.iter().map(|x| !x.blocked_by.is_empty()).collect();
        assert_eq!(blocked, [false, true, false]);
        assert_eq!(format_ms(p[1].window.start), "2026-11-02T00:00:00.000Z");
    }

    #[test]
    fn too_many_windows_is_an_error() {
        let (w, z) = london_range("2020-01-01", "2026-01-01");
        let e = plan(
            w,
            &[],
            &PlanOptions {
                zone: z,
                granularity: Granularity::Hour,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::RangeTooLong);
    }
}
