//! Time zones, used only at the edges: resolving local dates/times, and finding local
//! hour/day/week boundaries for the planner.
//!
//! Zone data comes from `chrono-tz` (the IANA tz database), filtered at build time to
//! the zones listed in `.cargo/config.toml` (`CHRONO_TZ_TIMEZONE_FILTER`), to keep the
//! wasm small. [`supported`] lists what this build carries.
//!
//! **DST rules.** A local date means the first instant of that day (midnight, or the end
//! of the gap when midnight is skipped). A local date-time inside a DST gap is an error
//! ([`ErrorCode::NonexistentLocalTime`]); one inside a fold (it happens twice) resolves
//! to the **earlier** instant, as `jiff`'s and Temporal's "compatible" rule does.

use crate::error::{Error, ErrorCode, Result};
use crate::time::{Parsed, DAY_MS, HOUR_MS, MAX_MS, MINUTE_MS, MIN_MS};
use chrono::{LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// An IANA time zone carried by this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

/// UTC, the default zone of the planner when none is given.
pub const UTC: Zone = Zone(Tz::UTC);

/// Names of every zone this build carries, sorted.
pub fn supported() -> Vec<&'static str> {
    let v: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
    let order = crate::order::order_by_str(&v);
    crate::order::permute(v, &order)
}

impl Zone {
    /// Looks a zone up by IANA name, case-insensitively (`europe/london` works).
    pub fn lookup(name: &str, field: &str) -> Result<Zone> {
        if let Ok(tz) = name.parse::<Tz>() {
            return Ok(Zone(tz));
        }
        if let Some(tz) = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|t| t.name().eq_ignore_ascii_case(name))
        {
            return Ok(Zone(*tz));
        }
        let shown: String = name.chars().take(64).collect();
        Err(Error::new(
            ErrorCode::UnknownTimeZone,
            field,
            format!(
                "unknown time zone {shown:?}: use an IANA name such as \"Europe/London\" or \"UTC\" \
                 that this build carries (timeZones() lists them)"
            ),
        ))
    }

    /// The canonical IANA name.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// UTC offset in milliseconds at instant `ms`.
    pub fn offset_ms(&self, ms: i64) -> i64 {
        let utc = naive_utc(ms);
        i64::from(
            self.0
                .offset_from_utc_datetime(&utc)
                .fix()
                .local_minus_utc(),
        ) * 1000
    }

    /// Local wall-clock time at instant `ms`.
    pub fn local(&self, ms: i64) -> NaiveDateTime {
        naive_utc(ms.saturating_add(self.offset_ms(ms)))
    }

    /// Resolves a local date-time: gap → error, fold → earlier instant.
    pub fn resolve(&self, local: NaiveDateTime, field: &str) -> Result<i64> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(dt) => Ok(dt.timestamp_millis()),
            LocalResult::Ambiguous(a, b) => Ok(a.timestamp_millis().min(b.timestamp_millis())),
            LocalResult::None => Err(Error::new(
                ErrorCode::NonexistentLocalTime,
                field,
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
        match self.0.from_local_datetime(&midnight) {
            LocalResult::Single(dt) => dt.timestamp_millis(),
            LocalResult::Ambiguous(a, b) => a.timestamp_millis().min(b.timestamp_millis()),
            LocalResult::None => {
                // Midnight is in a gap: the day starts where the gap ends, i.e. at the
                // first instant whose local time is at or after midnight. Local time is
                // monotone around a gap, so bisect (to the millisecond).
                let guess = midnight.and_utc().timestamp_millis();
                let (mut lo, mut hi) = (guess - 2 * DAY_MS, guess + 2 * DAY_MS);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if self.local(mid) >= midnight {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                hi
            }
        }
    }

    /// The local calendar date at instant `ms`.
    pub fn date_at(&self, ms: i64) -> NaiveDate {
        self.local(ms).date()
    }

    /// The first local-hour boundary (local wall clock at HH:00:00.000) strictly after `ms`.
    /// Offsets in the tz database are multiples of 15 minutes for all modern dates, so
    /// stepping in quarter hours finds every boundary.
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

fn naive_utc(ms: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp_millis(ms.clamp(MIN_MS, MAX_MS))
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// Resolves a parsed date/time to an instant, using `zone` for local values.
/// `field` names the input in errors; `text` is the original for messages.
pub fn resolve_parsed(parsed: Parsed, zone: Option<Zone>, field: &str, text: &str) -> Result<i64> {
    match (parsed, zone) {
        (Parsed::Instant(ms), _) => Ok(ms),
        (Parsed::LocalDate(d), Some(z)) => Ok(z.start_of_day(d)),
        (Parsed::LocalDateTime(dt), Some(z)) => z.resolve(dt, field),
        (_, None) => Err(Error::new(
            ErrorCode::MissingTimeZone,
            field,
            format!(
                "{text:?} is a local date/time: add a timeZone (e.g. \"Europe/London\") or write an \
                 instant with 'Z' or an offset"
            ),
        )),
    }
}

/// Parses a date/time string and resolves it (see [`resolve_parsed`]).
pub fn parse_in(text: &str, zone: Option<Zone>, field: &str) -> Result<i64> {
    let p = crate::time::parse(text, field)?;
    resolve_parsed(p, zone, field, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_ms;

    fn london() -> Zone {
        Zone::lookup("Europe/London", "tz").unwrap()
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
            Zone::lookup("europe/LONDON", "tz").unwrap().name(),
            "Europe/London"
        );
        let e = Zone::lookup("Mars/Olympus", "request.timeZone").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownTimeZone);
        assert_eq!(e.field, "request.timeZone");
        assert!(supported().contains(&"UTC"));
    }

    #[test]
    fn gaps_error_and_folds_take_the_earlier_instant() {
        let z = london();
        let e = parse_in("2026-03-29T01:30", Some(z), "start").unwrap_err();
        assert_eq!(e.code, ErrorCode::NonexistentLocalTime);
        let t = parse_in("2026-10-25T01:30", Some(z), "start").unwrap();
        assert_eq!(format_ms(t), "2026-10-25T00:30:00.000Z");
        let d = parse_in("2026-07-01", Some(z), "start").unwrap();
        assert_eq!(format_ms(d), "2026-06-30T23:00:00.000Z");
        let e = parse_in("2026-07-01", None, "start").unwrap_err();
        assert_eq!(e.code, ErrorCode::MissingTimeZone);
    }

    #[test]
    fn hour_boundaries_follow_the_wall_clock() {
        let z = Zone::lookup("Asia/Kolkata", "tz").unwrap();
        let t = parse_in("2026-01-01T00:00:00Z", None, "x").unwrap();
        assert_eq!(
            format_ms(z.next_hour_boundary(t)),
            "2026-01-01T00:30:00.000Z"
        );
        let l = london();
        // Autumn fold: local 01:00 occurs at 00:00Z (BST) and 01:00Z (GMT).
        let t = parse_in("2026-10-24T23:00:00Z", None, "x").unwrap();
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
