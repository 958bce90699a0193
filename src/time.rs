//! Instants and windows.
//!
//! **Convention:** every window inside export-guard is a half-open UTC interval
//! `[start, end)` with millisecond precision, stored as milliseconds since the Unix
//! epoch. `end` is never part of the window, so `[a, b)` and `[b, c)` touch but do not
//! overlap. Time zones appear only at the edges: when a local date or time is parsed
//! (see [`crate::zone`]) and when a planner aligns windows to local boundaries.
//!
//! Accepted text forms:
//! - an instant: `2026-11-02T00:00:00Z`, `2026-11-02T00:00:00.123+01:00`, `…+0100`,
//!   seconds optional (`2026-11-02T08:00Z`); digits below a millisecond are truncated;
//! - a Genesys interval: `start/end`, each part an instant (or a local value with a zone);
//! - a local date or date-time (`2026-11-02`, `2026-11-02T08:00`, `…T08:00:30.5`),
//!   which needs an IANA time zone.

use crate::error::{Error, ErrorCode, Result};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// Milliseconds in one second, minute, hour and day.
pub const SECOND_MS: i64 = 1_000;
/// Milliseconds in one minute.
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
/// Milliseconds in one (24-hour) day.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Earliest instant accepted: 0001-01-01T00:00:00Z.
pub const MIN_MS: i64 = -62_135_596_800_000;
/// Latest instant accepted: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// What a date/time string turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// An absolute instant (it had `Z` or an offset), in epoch milliseconds.
    Instant(i64),
    /// A local date-time with no offset: it needs a time zone.
    LocalDateTime(NaiveDateTime),
    /// A local calendar date: it means the first instant of that day in a time zone.
    LocalDate(NaiveDate),
}

fn invalid(text: &str, why: &str) -> Error {
    Error::new(
        ErrorCode::InvalidDate,
        "",
        format!(
            "{why} in {text:?}; expected an ISO-8601 instant like \"2026-11-02T00:00:00Z\" or \
             \"2026-11-02T00:00:00+01:00\", or a local date/date-time like \"2026-11-02\" or \
             \"2026-11-02T08:00\" with a timeZone"
        ),
    )
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

// `inline(always)`: the release build optimises for size (opt-level "z"), which keeps
// these one-liners as calls; inlined, a 1,000-job list parses measurably faster in wasm
// for a few hundred bytes.
impl Cursor<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    /// Reads exactly `n` ASCII digits.
    #[inline(always)]
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
            self.i += 1;
        }
        Some(v)
    }
    #[inline(always)]
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

/// Parses one date/time string (see the module docs for the forms).
pub fn parse(text: &str) -> Result<Parsed> {
    if text.len() > 64 {
        return Err(invalid(
            &text[..text.floor_char_boundary_compat(40)],
            "text too long",
        ));
    }
    let t = text.trim();
    let mut c = Cursor {
        b: t.as_bytes(),
        i: 0,
    };
    let (Some(y), true, Some(mo), true, Some(d)) = (
        c.digits(4),
        c.eat(b'-'),
        c.digits(2),
        c.eat(b'-'),
        c.digits(2),
    ) else {
        return Err(invalid(text, "malformed date (want YYYY-MM-DD)"));
    };
    if !(1..=12).contains(&mo) {
        return Err(invalid(text, &format!("month {mo} is out of range 01-12")));
    }
    let Some(date) = NaiveDate::from_ymd_opt(y as i32, mo, d) else {
        return Err(invalid(
            text,
            &format!("day {d} does not exist in {y:04}-{mo:02}"),
        ));
    };
    if y == 0 {
        return Err(invalid(text, "year 0000 is out of range 0001-9999"));
    }
    if c.peek().is_none() {
        return Ok(Parsed::LocalDate(date));
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return Err(invalid(text, "expected 'T' between date and time"));
    }
    let (Some(h), true, Some(mi)) = (c.digits(2), c.eat(b':'), c.digits(2)) else {
        return Err(invalid(text, "malformed time (want HH:MM or HH:MM:SS)"));
    };
    let mut s = 0;
    let mut ms = 0;
    if c.eat(b':') {
        s = c
            .digits(2)
            .ok_or_else(|| invalid(text, "malformed seconds"))?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let mut scale = 100;
            while let Some(ch) = c.peek().filter(u8::is_ascii_digit) {
                ms += u32::from(ch - b'0') * scale;
                scale /= 10;
                c.i += 1;
            }
            if c.i == start {
                return Err(invalid(text, "empty fraction of a second"));
            }
        }
    }
    if h > 23 {
        return Err(invalid(text, &format!("hour {h} is out of range 00-23")));
    }
    if mi > 59 {
        return Err(invalid(text, &format!("minute {mi} is out of range 00-59")));
    }
    if s > 59 {
        return Err(invalid(
            text,
            &format!("second {s} is out of range 00-59 (leap seconds are not accepted)"),
        ));
    }
    let Some(time) = NaiveTime::from_hms_milli_opt(h, mi, s, ms) else {
        return Err(invalid(text, "time out of range"));
    };
    let naive = NaiveDateTime::new(date, time);
    let offset_ms: i64 = match c.peek() {
        None => return Ok(Parsed::LocalDateTime(naive)),
        Some(b'Z' | b'z') => {
            c.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let oh = c
                .digits(2)
                .ok_or_else(|| invalid(text, "malformed offset (want ±HH:MM)"))?;
            c.eat(b':');
            let om = c
                .digits(2)
                .ok_or_else(|| invalid(text, "malformed offset (want ±HH:MM)"))?;
            if oh > 23 || om > 59 {
                return Err(invalid(text, "offset out of range"));
            }
            let v = i64::from(oh) * HOUR_MS + i64::from(om) * MINUTE_MS;
            if sign == b'-' {
                -v
            } else {
                v
            }
        }
        Some(_) => return Err(invalid(text, "unexpected text after the time")),
    };
    if c.peek().is_some() {
        return Err(invalid(text, "unexpected text after the offset"));
    }
    let ms = naive.and_utc().timestamp_millis() - offset_ms;
    if !(MIN_MS..=MAX_MS).contains(&ms) {
        return Err(invalid(text, "instant outside years 0001-9999"));
    }
    Ok(Parsed::Instant(ms))
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}
impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        if i >= self.len() {
            return self.len();
        }
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// Parses a string that must be an absolute instant (with `Z` or an offset).
pub fn parse_instant(text: &str) -> Result<i64> {
    match parse(text)? {
        Parsed::Instant(ms) => Ok(ms),
        _ => Err(Error::new(
            ErrorCode::MissingTimeZone,
            "",
            format!("{text:?} has no offset; write it as an instant with 'Z' or '+01:00'"),
        )),
    }
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always milliseconds).
/// It runs for every instant in every answer and in every key, so it writes the digits by
/// hand and does no 64-bit integer arithmetic: in the ES5 build each 64-bit division is a
/// call into a helper (the measurement is in docs/performance.md, "The ServiceNow round").
pub fn format_ms(ms: i64) -> String {
    // In years 1..=9999 an instant is below 2^53 in magnitude, so it and every product
    // below are exact as f64, and the quotient's floor is the day (near a day boundary
    // the quotient differs from the integer by 1/86,400,000, far more than an f64's
    // spacing at these magnitudes): f64 division is native in every build, where the
    // ES5 build does i64 division and multiplication in helpers.
    let ms = ms.clamp(MIN_MS, MAX_MS) as f64;
    let days = (ms / 86_400_000.0).floor();
    // |days| < 3,700,000 and 0 <= in_day < 86,400,000: both fit 32 bits.
    let in_day = (ms - days * 86_400_000.0) as u32;
    let (y, m, d) = civil_from_days(days as i32);
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, in_day / 3_600_000);
    put(14, 2, in_day / 60_000 % 60);
    put(17, 2, in_day / 1000 % 60);
    put(20, 3, in_day % 1000);
    // Every byte is an ASCII digit or separator.
    core::str::from_utf8(&b).map_or_else(|_| String::from("invalid"), String::from)
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01) in years
/// 1..=9999, in 32-bit arithmetic (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i32) -> (u32, u32, u32) {
    // Shifted to 0000-03-01 (day 719,468 before the epoch) so that every year counted
    // from it is positive here, and years begin in March (the leap day ends them).
    let z = (days + 719_468) as u32;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u32::from(m <= 2);
    (y, m, d)
}

/// Formats a local date-time as `YYYY-MM-DDTHH:MM:SS` (for messages).
pub fn format_local(n: NaiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        n.year(),
        n.month(),
        n.day(),
        n.hour(),
        n.minute(),
        n.second()
    )
}

/// A half-open UTC window `[start, end)` in epoch milliseconds, with `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// First millisecond inside the window.
    pub start: i64,
    /// First millisecond after the window.
    pub end: i64,
}

impl Window {
    /// Builds a window, checking `start < end`.
    pub fn new(start: i64, end: i64) -> Result<Window> {
        if start >= end {
            return Err(Error::new(
                ErrorCode::InvalidRange,
                "",
                format!(
                    "start {} must be before end {} (windows are half-open [start, end))",
                    format_ms(start),
                    format_ms(end)
                ),
            ));
        }
        Ok(Window { start, end })
    }

    /// Length in milliseconds.
    pub fn len_ms(&self) -> i64 {
        self.end - self.start
    }

    /// True when the windows share at least one millisecond; with `touching`, also when
    /// one ends exactly where the other starts.
    pub fn conflicts_with(&self, other: &Window, touching: bool) -> bool {
        if touching {
            self.start <= other.end && other.start <= self.end
        } else {
            self.start < other.end && other.start < self.end
        }
    }

    /// The canonical `startZ/endZ` string with milliseconds: the lock key and the
    /// Genesys interval form.
    pub fn lock_key(&self) -> String {
        // Pushed, not `format!`: keys are made per queue item and per request
        // (core::fmt was a tenth of an `enqueueMany`).
        let mut k = format_ms(self.start);
        k.push('/');
        k.push_str(&format_ms(self.end));
        k
    }

    /// The parts of `self` not covered by any of `blocks` (each widened by `pad_ms` on
    /// both sides), in order. The result is disjoint and sorted.
    pub fn minus(&self, blocks: &[Window], pad_ms: i64) -> Vec<Window> {
        let spans: Vec<(i64, i64)> = blocks
            .iter()
            .map(|b| (b.start.saturating_sub(pad_ms), b.end.saturating_add(pad_ms)))
            .collect();
        let order = crate::order::order_by_pair(&spans);
        let spans = crate::order::permute(spans, &order);
        let mut out = Vec::new();
        let mut cursor = self.start;
        for (s, e) in spans {
            if e <= cursor {
                continue;
            }
            if s >= self.end {
                break;
            }
            if s > cursor {
                out.push(Window {
                    start: cursor,
                    end: s.min(self.end),
                });
            }
            cursor = cursor.max(e);
            if cursor >= self.end {
                break;
            }
        }
        if cursor < self.end {
            out.push(Window {
                start: cursor,
                end: self.end,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Within;

    fn inst(s: &str) -> i64 {
        parse_instant(s).unwrap()
    }

    #[test]
    fn format_ms_agrees_with_chrono_over_the_whole_range() {
        let chrono_format = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string()
        };
        // The edges, the epoch, leap days and century years, then a seeded sweep.
        let mut cases = vec![MIN_MS, MAX_MS, 0, -1, 1, 951_782_400_000, 4_107_542_399_999];
        // Either side of day boundaries across the range.
        for d in (-719_162_i64..2_932_897).step_by(997) {
            let at = d * 86_400_000;
            cases.extend([at - 1, at, at + 1].into_iter().filter(|t| *t >= MIN_MS));
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push(MIN_MS + (x % (MAX_MS - MIN_MS + 1) as u64) as i64);
        }
        for ms in cases {
            assert_eq!(format_ms(ms), chrono_format(ms), "{ms}");
        }
        assert_eq!(format_ms(i64::MIN), "0001-01-01T00:00:00.000Z");
        assert_eq!(format_ms(i64::MAX), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_instants_with_offsets() {
        assert_eq!(inst("1970-01-01T00:00:00Z"), 0);
        assert_eq!(inst("1970-01-01T01:00:00+01:00"), 0);
        assert_eq!(inst("1970-01-01T01:00+0100"), 0);
        assert_eq!(inst("1970-01-01T00:00:00.123456Z"), 123);
        assert_eq!(inst("1969-12-31T19:00:00-05:00"), 0);
        assert_eq!(
            format_ms(inst("2026-11-02T00:00:00+01:00")),
            "2026-11-01T23:00:00.000Z"
        );
    }

    #[test]
    fn classifies_local_values() {
        assert!(matches!(parse("2026-11-02").unwrap(), Parsed::LocalDate(_)));
        assert!(matches!(
            parse("2026-11-02T08:00").unwrap(),
            Parsed::LocalDateTime(_)
        ));
        let e = parse_instant("2026-11-02T08:00")
            .within("start")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::MissingTimeZone);
    }

    #[test]
    fn rejects_malformed_and_out_of_range() {
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-30",
            "2026-11-02T24:00Z",
            "2026-11-02T10:60Z",
            "2026-11-02T10:00:60Z",
            "2026-11-02T10:00:00.Z",
            "2026-11-02T10:00:00Q",
            "2026-11-02T10:00:00+25:00",
            "2026-11-02T10:00:00Z trailing",
            "0000-01-01",
            "２０２６-01-01",
            "not a date at all but a very long string that goes on and on and on",
        ] {
            let e = parse(bad).within("f").unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidDate, "{bad}");
            assert_eq!(e.field, "f");
        }
    }

    #[test]
    fn formats_round_trip() {
        for s in [
            "2026-11-02T00:00:00.000Z",
            "0001-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
        ] {
            assert_eq!(format_ms(inst(s)), s);
        }
    }

    #[test]
    fn windows_overlap_half_open() {
        let a = Window::new(0, 10).unwrap();
        let b = Window::new(10, 20).unwrap();
        assert!(!a.conflicts_with(&b, false));
        assert!(a.conflicts_with(&b, true));
        assert!(Window::new(5, 5).within("r").is_err());
        assert_eq!(
            Window::new(0, 100).unwrap().minus(
                &[
                    Window { start: 10, end: 20 },
                    Window { start: 15, end: 30 },
                    Window {
                        start: 90,
                        end: 200
                    }
                ],
                0
            ),
            vec![Window { start: 0, end: 10 }, Window { start: 30, end: 90 }]
        );
    }
}
