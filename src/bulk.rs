//! Bulk requests: a range longer than one job may cover (its profile's
//! [`max_range_days`](crate::profile::Profile::max_range_days), or `maxRangeDays`) is
//! split into parts, disjoint windows aligned to local months, weeks, days or hours in
//! the request's zone by the [`plan`] rules (DST-exact), each queued as an item of its
//! own that names the whole request (see [`crate::queue::Part`]).
//!
//! Without a granularity asked for, the coarsest one whose every window fits the maximum
//! is chosen: months where every month of the range fits (the default maximum, 32 days,
//! holds a month that gains a DST hour; with a maximum of 31 days such a month does not,
//! and that range gets weeks), then weeks, days and hours.

use crate::decide::check_range_length;
use crate::error::{Error, ErrorCode, Result};
use crate::plan::{plan, Granularity, PlanOptions};
use crate::queue::{Item, Queue, State};
use crate::time::Window;
use crate::zone::Zone;
use chrono::Weekday;

/// How a request is split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The granularity of the windows.
    pub granularity: Granularity,
    /// The windows, in time order; they tile the request's window exactly.
    pub windows: Vec<Window>,
}

/// The windows of `granularity` over `window` in `zone`.
fn windows(window: Window, zone: Zone, granularity: Granularity) -> Result<Vec<Window>> {
    let opts = PlanOptions {
        granularity,
        zone,
        ..Default::default()
    };
    Ok(plan(window, &[], &opts)?
        .into_iter()
        .map(|p| p.window)
        .collect())
}

/// The parts of a request for `window`: `None` when it fits in one job (`max_days` 0
/// means no maximum) and no granularity is `asked` for. With `asked`, the request is
/// split that way, and a part longer than `max_days` is an error that names the
/// granularity.
pub fn split(
    window: Window,
    zone: Zone,
    max_days: u32,
    asked: Option<Granularity>,
) -> Result<Option<Parts>> {
    if let Some(g) = asked {
        let ws = windows(window, zone, g)?;
        if let Some(w) = ws
            .iter()
            .find(|w| check_range_length(**w, max_days).is_err())
        {
            return Err(Error::new(
                ErrorCode::RangeTooLong,
                "split.granularity",
                format!(
                    "the {} part {} is longer than maxRangeDays ({max_days} days): choose a finer granularity, or raise maxRangeDays",
                    g.as_str(),
                    w.lock_key()
                ),
            ));
        }
        return Ok(Some(Parts {
            granularity: g,
            windows: ws,
        }));
    }
    if check_range_length(window, max_days).is_ok() {
        return Ok(None);
    }
    for g in [
        Granularity::Month,
        Granularity::Week(Weekday::Mon),
        Granularity::Day,
        Granularity::Hour,
    ] {
        let ws = windows(window, zone, g)?;
        if ws.iter().all(|w| check_range_length(*w, max_days).is_ok()) {
            return Ok(Some(Parts {
                granularity: g,
                windows: ws,
            }));
        }
    }
    // Not reached: an hour is shorter than any maximum (a whole number of days, >= 1).
    Err(Error::new(
        ErrorCode::RangeTooLong,
        "",
        format!("the range cannot be split into parts of at most {max_days} days"),
    ))
}

/// Where a bulk request stands: its newest item for each part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress<'q> {
    /// The request's id (its key, as [`crate::queue::Part::of`] names it).
    pub id: &'q str,
    /// How many parts it has.
    pub parts: u32,
    /// The newest item of each part, by part index (`None`: no such item in the queue,
    /// e.g. pruned).
    pub items: Vec<Option<&'q Item>>,
}

impl Progress<'_> {
    /// How many parts are in `state`.
    pub fn count(&self, state: State) -> usize {
        self.items
            .iter()
            .flatten()
            .filter(|i| i.state == state)
            .count()
    }

    /// How many parts are not final yet.
    pub fn live(&self) -> usize {
        self.items
            .iter()
            .flatten()
            .filter(|i| !i.state.is_final())
            .count()
    }

    /// `completed` once every part is, `failed` once every part is final and one failed,
    /// else `running`.
    pub fn outcome(&self) -> &'static str {
        if self
            .items
            .iter()
            .all(|i| i.is_some_and(|i| i.state == State::Completed))
        {
            "completed"
        } else if self.live() == 0 && self.count(State::Failed) > 0 {
            "failed"
        } else {
            "running"
        }
    }
}

/// The bulk requests of `q`, in the order their first part was queued. An item queued
/// again (a re-export) replaces the older one of its part.
pub fn progress(q: &Queue) -> Vec<Progress<'_>> {
    let mut out: Vec<Progress<'_>> = Vec::new();
    for item in &q.items {
        let Some(part) = &item.part else { continue };
        let at = match out.iter().position(|p| p.id == part.of) {
            Some(at) => at,
            None => {
                out.push(Progress {
                    id: &part.of,
                    parts: part.count,
                    items: vec![None; part.count as usize],
                });
                out.len() - 1
            }
        };
        if let Some(slot) = out[at].items.get_mut(part.index as usize - 1) {
            if slot.map_or(true, |old| old.seq < item.seq) {
                *slot = Some(item);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::time::{format_ms, DAY_MS, HOUR_MS};
    use crate::zone::parse_in;

    fn range(a: &str, b: &str, zone: &str) -> (Window, Zone) {
        let z = Zone::lookup(zone).unwrap();
        let w = Window::new(parse_in(a, Some(z)).unwrap(), parse_in(b, Some(z)).unwrap()).unwrap();
        (w, z)
    }

    #[test]
    fn a_range_that_fits_is_not_split() {
        let (w, z) = range("2026-01-01", "2026-02-01", "UTC");
        assert_eq!(split(w, z, 31, None).unwrap(), None);
        assert_eq!(split(w, z, 0, None).unwrap(), None);
    }

    #[test]
    fn a_utc_quarter_is_three_months_that_tile_it() {
        let (w, z) = range("2026-01-01", "2026-04-01", "UTC");
        let p = split(w, z, 31, None).unwrap().unwrap();
        assert_eq!(p.granularity, Granularity::Month);
        let starts: Vec<String> = p.windows.iter().map(|w| format_ms(w.start)).collect();
        assert_eq!(
            starts,
            [
                "2026-01-01T00:00:00.000Z",
                "2026-02-01T00:00:00.000Z",
                "2026-03-01T00:00:00.000Z"
            ]
        );
        assert_eq!(p.windows.last().unwrap().end, w.end);
        assert!(p.windows.windows(2).all(|x| x[0].end == x[1].start));
    }

    #[test]
    fn a_month_that_gains_an_hour_does_not_fit_31_days_so_weeks_are_used() {
        // October in London has a 25-hour day: 31 days and an hour.
        let (w, z) = range("2026-09-01", "2026-12-01", "Europe/London");
        let p = split(w, z, 31, None).unwrap().unwrap();
        assert_eq!(p.granularity, Granularity::Week(Weekday::Mon));
        assert!(p.windows.iter().all(|w| w.len_ms() <= 7 * DAY_MS + HOUR_MS));
        // Local midnights, not UTC ones: 23:00Z in summer time.
        assert_eq!(format_ms(p.windows[1].start), "2026-09-06T23:00:00.000Z");
        // With a maximum of 32 days, months fit.
        let p = split(w, z, 32, None).unwrap().unwrap();
        assert_eq!(p.granularity, Granularity::Month);
        assert_eq!(p.windows[1].len_ms(), 31 * DAY_MS + HOUR_MS);
    }

    #[test]
    fn an_asked_granularity_is_used_and_checked() {
        let (w, z) = range("2026-01-01", "2026-01-08", "UTC");
        let p = split(w, z, 31, Some(Granularity::Day)).unwrap().unwrap();
        assert_eq!(p.windows.len(), 7);
        let (w, z) = range("2026-01-01", "2026-04-01", "UTC");
        let e = split(w, z, 7, Some(Granularity::Month)).unwrap_err();
        assert_eq!(e.code, crate::error::ErrorCode::RangeTooLong);
        assert_eq!(e.field, "split.granularity");
        assert!(
            e.message.contains("is longer than maxRangeDays (7 days)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn progress_groups_parts_by_request_and_a_re_export_replaces_its_part() {
        let (w, z) = range("2026-01-01", "2026-04-01", "UTC");
        let parts = split(w, z, 31, None).unwrap().unwrap();
        let request = crate::decide::Request {
            window: w,
            channels: vec!["sms".into()],
            profile: crate::profile::Profile::EvaluationExports,
        };
        let mut q = Queue::default();
        let mut index = q.key_index();
        q.enqueue_split(&mut index, &request, Some(&parts.windows), 0, None, true, 0);
        let p = progress(&q);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].parts, p[0].live(), p[0].outcome()), (3, 3, "running"));
        for i in &mut q.items {
            i.state = State::Completed;
        }
        q.items[1].state = State::Failed;
        assert_eq!(progress(&q)[0].outcome(), "failed");
        // The failed part queued again: the request runs again, on that part only.
        let mut index = q.key_index();
        let again = crate::decide::Request {
            window: parts.windows[1],
            ..request.clone()
        };
        let e = q.enqueue_split(&mut index, &again, None, 0, None, true, 0);
        assert!(e[0].added && e[0].item.part.is_none());
        q.items[3].part = q.items[1].part.clone();
        let p = progress(&q);
        assert_eq!(
            (p[0].live(), p[0].count(State::Failed), p[0].outcome()),
            (1, 0, "running")
        );
        q.items[3].state = State::Completed;
        assert_eq!(progress(&q)[0].outcome(), "completed");
    }

    #[test]
    fn the_default_maximum_is_every_profiles_and_holds_a_month_that_gains_an_hour() {
        for p in crate::profile::Profile::ALL {
            assert_eq!(
                p.max_range_days().value,
                crate::api::limits::DEFAULT_RANGE_DAYS
            );
        }
        let (w, z) = range("2025-01-01", "2026-01-01", "Europe/London");
        let p = split(w, z, 32, None).unwrap().unwrap();
        assert_eq!((p.granularity, p.windows.len()), (Granularity::Month, 12));
    }

    #[test]
    fn short_maxima_give_days_or_hours() {
        let (w, z) = range("2026-01-01", "2026-01-10", "UTC");
        assert_eq!(
            split(w, z, 3, None).unwrap().unwrap().granularity,
            Granularity::Day
        );
    }
}
