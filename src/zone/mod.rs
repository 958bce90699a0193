//! Time zones, used only at the edges: resolving local dates/times, and finding local
//! hour/day/week boundaries for the planner.
//!
//! Every zone of the IANA tz database is carried, canonical names and links alike:
//! `build.rs` generates the data from the tz source in `tz/` ([`version`] names its
//! release). Node and web builds keep each zone's whole history; the ServiceNow build
//! keeps it from 1970 (before that, a zone keeps its offset of 1970-01-01T00:00Z). From
//! the first year they reproduce the source (1996–2025 for most zones), a zone's ongoing
//! DST rules answer, up to 9999.
//!
//! **DST rules.** A local date means the first instant of that day (midnight, or the end
//! of the gap when midnight is skipped). A local date-time inside a DST gap is an error
//! ([`ErrorCode::NonexistentLocalTime`]); one inside a fold (it happens twice) resolves
//! to the **earlier** instant, as `jiff`'s and Temporal's "compatible" rule does.
//!
//! **Range.** The core represents years 1 to 9999 UTC. A day's start is clamped to them
//! (the first day of year 1 east of UTC starts before 0001-01-01T00:00Z and is answered
//! as that instant); a local date-time outside them is an error
//! ([`ErrorCode::InvalidDate`]).

mod db;
mod rules;

use crate::error::{Error, ErrorCode, Result};
use crate::time::{Parsed, DAY_MS, HOUR_MS, MAX_MS, MINUTE_MS, MIN_MS};
use chrono::{NaiveDate, NaiveDateTime};

/// An IANA time zone (an index into the generated name table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(u16);

/// UTC, the default zone of the planner when none is given.
pub const UTC: Zone = Zone(db::UTC_NAME);

/// Names of every zone this build carries (canonical zones and links), sorted.
pub fn supported() -> Vec<&'static str> {
    // The generated table is sorted (byte order, as `find` bisects it).
    (0..db::name_count()).map(db::name).collect()
}

/// The release of the tz database this build carries, e.g. `"2025b"`.
pub fn version() -> &'static str {
    db::VERSION
}

/// How many names (canonical zones and links) this build carries.
pub fn count() -> usize {
    db::name_count()
}

/// Seconds in a day, for the local-time window searches below.
const DAY_S: i64 = DAY_MS / 1000;

impl Zone {
    /// Looks a zone up by IANA name, case-insensitively (`europe/london` works).
    pub fn lookup(name: &str) -> Result<Zone> {
        let found = db::find(name)
            .or_else(|| (0..db::name_count()).find(|&i| db::name(i).eq_ignore_ascii_case(name)));
        if let Some(i) = found {
            return Ok(Zone(i as u16));
        }
        let shown: String = name.chars().take(64).collect();
        Err(Error::new(
            ErrorCode::UnknownTimeZone,
            "",
            format!(
                "unknown time zone {shown:?}: use an IANA name such as \"Europe/London\" or \"UTC\" \
                 (timeZones() lists the {} names of tz {})",
                count(),
                version()
            ),
        ))
    }

    /// The IANA name, as the database spells it (a link keeps its own name).
    pub fn name(&self) -> &'static str {
        db::name(usize::from(self.0))
    }

    fn data(&self) -> db::Data {
        db::data(usize::from(self.0))
    }

    /// UTC offset in milliseconds at instant `ms`.
    pub fn offset_ms(&self, ms: i64) -> i64 {
        i64::from(self.data().offset_at(ms.div_euclid(1000))) * 1000
    }

    /// Local wall-clock time at instant `ms`.
    pub fn local(&self, ms: i64) -> NaiveDateTime {
        naive_utc(ms.saturating_add(self.offset_ms(ms)))
    }

    /// The earliest instant (seconds) whose local time is `local` seconds, if any.
    fn earliest(&self, local: i64) -> Option<i64> {
        let d = self.data();
        let (lo, hi) = (local - 2 * DAY_S, local + 2 * DAY_S);
        let mut best: Option<i64> = None;
        let mut try_offset = |o: i32| {
            let t = local - i64::from(o);
            if d.offset_at(t) == o && best.map_or(true, |b| t < b) {
                best = Some(t);
            }
        };
        try_offset(d.offset_at(lo));
        d.transitions(lo, hi, |_, _, after| try_offset(after));
        best
    }

    /// Resolves a local date-time: gap → error, fold → earlier instant.
    pub fn resolve(&self, local: NaiveDateTime) -> Result<i64> {
        let ms = local.and_utc().timestamp_millis();
        let at = self
            .earliest(ms.div_euclid(1000))
            .map(|t| t * 1000 + ms.rem_euclid(1000));
        match at {
            Some(at) if (MIN_MS..=MAX_MS).contains(&at) => Ok(at),
            Some(_) => Err(Error::new(
                ErrorCode::InvalidDate,
                "",
                format!(
                    "{} in {} is outside years 0001-9999 in UTC; pick a time inside them",
                    crate::time::format_local(local),
                    self.name()
                ),
            )),
            None => Err(Error::new(
                ErrorCode::NonexistentLocalTime,
                "",
                format!(
                    "{} does not exist in {} (the clocks skip it for DST); pick a time outside the gap",
                    crate::time::format_local(local),
                    self.name()
                ),
            )),
        }
    }

    /// The first instant of local calendar day `date`.
    pub fn start_of_day(&self, date: NaiveDate) -> i64 {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        let local = midnight.and_utc().timestamp_millis().div_euclid(1000);
        if let Some(t) = self.earliest(local) {
            return clamp(t * 1000);
        }
        // Midnight is in a gap: the day starts where the gap ends, at the transition
        // whose local time jumps from before midnight to at or after it.
        let mut start = None;
        self.data()
            .transitions(local - 2 * DAY_S, local + 2 * DAY_S, |t, before, after| {
                let from = t + i64::from(before);
                let to = t + i64::from(after);
                if start.is_none() && from <= local && local < to {
                    start = Some(t);
                }
            });
        clamp(start.unwrap_or(local) * 1000)
    }

    /// The local calendar date at instant `ms`.
    pub fn date_at(&self, ms: i64) -> NaiveDate {
        self.local(ms).date()
    }

    /// The first local-hour boundary (local wall clock at HH:00:00.000) strictly after `ms`.
    /// Offsets in the tz database are multiples of 15 minutes since 1972 (Monrovia's
    /// -0:44:30 was the last odd one), so stepping in quarter hours finds every boundary.
    pub fn next_hour_boundary(&self, ms: i64) -> i64 {
        let q = 15 * MINUTE_MS;
        let mut t = ms.div_euclid(q) * q + q;
        // At most 4 quarters per hour, plus a DST shift of up to 2 hours.
        for _ in 0..16 {
            if (t + self.offset_ms(t)).rem_euclid(HOUR_MS) == 0 {
                return t;
            }
            t += q;
        }
        // Historic odd offsets (LMT) never line up; fall back to the next UTC hour.
        ms.div_euclid(HOUR_MS) * HOUR_MS + HOUR_MS
    }
}

fn clamp(ms: i64) -> i64 {
    ms.clamp(MIN_MS, MAX_MS)
}

fn naive_utc(ms: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms.clamp(MIN_MS, MAX_MS))
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// Resolves a parsed date/time to an instant, using `zone` for local values.
/// `text` is the original, for messages.
pub fn resolve_parsed(parsed: Parsed, zone: Option<Zone>, text: &str) -> Result<i64> {
    match (parsed, zone) {
        (Parsed::Instant(ms), _) => Ok(ms),
        (Parsed::LocalDate(d), Some(z)) => Ok(z.start_of_day(d)),
        (Parsed::LocalDateTime(dt), Some(z)) => z.resolve(dt),
        (_, None) => Err(Error::new(
            ErrorCode::MissingTimeZone,
            "",
            format!(
                "{text:?} is a local date/time: add a timeZone (e.g. \"Europe/London\") or write an \
                 instant with 'Z' or an offset"
            ),
        )),
    }
}

/// Parses a date/time string and resolves it (see [`resolve_parsed`]).
pub fn parse_in(text: &str, zone: Option<Zone>) -> Result<i64> {
    let p = crate::time::parse(text)?;
    resolve_parsed(p, zone, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Within;
    use crate::time::format_ms;

    fn london() -> Zone {
        Zone::lookup("Europe/London").unwrap()
    }

    fn day_len_h(z: Zone, y: i32, m: u32, d: u32) -> i64 {
        let a = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let b = a.succ_opt().unwrap();
        (z.start_of_day(b) - z.start_of_day(a)) / HOUR_MS
    }

    #[test]
    fn london_dst_days() {
        assert_eq!(day_len_h(london(), 2026, 3, 29), 23);
        assert_eq!(day_len_h(london(), 2026, 10, 25), 25);
        assert_eq!(day_len_h(london(), 2026, 11, 2), 24);
    }

    #[test]
    fn lookup_is_case_insensitive_and_errors_clearly() {
        assert_eq!(
            Zone::lookup("europe/LONDON").unwrap().name(),
            "Europe/London"
        );
        let e = Zone::lookup("Mars/Olympus")
            .within("request.timeZone")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownTimeZone);
        assert_eq!(e.field, "request.timeZone");
        assert!(supported().contains(&"UTC"));
    }

    #[test]
    fn gaps_error_and_folds_take_the_earlier_instant() {
        let z = london();
        let e = parse_in("2026-03-29T01:30", Some(z))
            .within("start")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NonexistentLocalTime);
        let t = parse_in("2026-10-25T01:30", Some(z)).unwrap();
        assert_eq!(format_ms(t), "2026-10-25T00:30:00.000Z");
        let d = parse_in("2026-07-01", Some(z)).unwrap();
        assert_eq!(format_ms(d), "2026-06-30T23:00:00.000Z");
        let e = parse_in("2026-07-01", None).within("start").unwrap_err();
        assert_eq!(e.code, ErrorCode::MissingTimeZone);
    }

    #[test]
    fn every_name_links_keep_theirs_and_rules_answer_past_the_source() {
        assert_eq!(supported().len(), count());
        assert!(count() > 590, "{} names", count());
        assert_eq!(Zone::lookup("us/eastern").unwrap().name(), "US/Eastern");
        let ny = Zone::lookup("America/New_York").unwrap();
        assert_eq!(day_len_h(ny, 2026, 3, 8), 23);
        // Past 2099 the ongoing rules answer: last Sunday of March 2150 is the 29th.
        assert_eq!(day_len_h(london(), 2150, 3, 29), 23);
        assert_eq!(day_len_h(london(), 2150, 3, 22), 24);
        assert_eq!(day_len_h(london(), 9999, 10, 31), 25);
        assert!(version().len() >= 5);
    }

    #[test]
    fn dublin_keeps_negative_dst() {
        // Irish Standard Time is +1 in summer; the winter's GMT is a negative saving.
        let z = Zone::lookup("Europe/Dublin").unwrap();
        let at = |s: &str| parse_in(s, None).unwrap();
        assert_eq!(z.offset_ms(at("2026-01-15T12:00:00Z")), 0);
        assert_eq!(z.offset_ms(at("2026-07-15T12:00:00Z")), HOUR_MS);
        assert_eq!(day_len_h(z, 2026, 3, 29), 23);
        assert_eq!(day_len_h(z, 2026, 10, 25), 25);
        assert_eq!(day_len_h(z, 2150, 10, 25), 25);
    }

    #[test]
    fn local_times_outside_the_years_are_errors() {
        let la = Zone::lookup("America/Los_Angeles").unwrap();
        let e = parse_in("9999-12-31T23:00", Some(la))
            .within("end")
            .unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::InvalidDate, "end"));
        let tokyo = Zone::lookup("Asia/Tokyo").unwrap();
        let e = parse_in("0001-01-01T01:00", Some(tokyo))
            .within("start")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidDate);
        assert!(parse_in("9999-12-31T15:00", Some(la)).is_ok());
    }

    #[test]
    fn the_first_day_of_year_one_is_clamped_to_the_first_instant() {
        let tokyo = Zone::lookup("Asia/Tokyo").unwrap();
        let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        assert_eq!(tokyo.start_of_day(d), MIN_MS);
        let next = tokyo.start_of_day(d.succ_opt().unwrap());
        assert_eq!(format_ms(next), "0001-01-01T14:41:01.000Z");
        let la = Zone::lookup("America/Los_Angeles").unwrap();
        let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        assert_eq!(la.start_of_day(last.succ_opt().unwrap()), MAX_MS);
    }

    #[test]
    fn hour_boundaries_follow_the_wall_clock() {
        let z = Zone::lookup("Asia/Kolkata").unwrap();
        let t = parse_in("2026-01-01T00:00:00Z", None).unwrap();
        assert_eq!(
            format_ms(z.next_hour_boundary(t)),
            "2026-01-01T00:30:00.000Z"
        );
        let l = london();
        // Autumn fold: local 01:00 occurs at 00:00Z (BST) and 01:00Z (GMT).
        let t = parse_in("2026-10-24T23:00:00Z", None).unwrap();
        let b1 = l.next_hour_boundary(t);
        let b2 = l.next_hour_boundary(b1);
        let b3 = l.next_hour_boundary(b2);
        assert_eq!(
            [format_ms(b1), format_ms(b2), format_ms(b3)],
            [
                "2026-10-25T00:00:00.000Z",
                "2026-10-25T01:00:00.000Z",
                "2026-10-25T02:00:00.000Z"
            ]
        );
    }
}
