//! `Retry-After` values: delta-seconds, or an HTTP-date in any of the three forms RFC 9110
//! requires a recipient to accept (section 5.6.7):
//! - IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`;
//! - RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT` (a two-digit year more than 50 years in
//!   the future is read as the most recent past year with those digits);
//! - asctime: `Sun Nov  6 08:49:37 1994`.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Parses `Retry-After`: delta-seconds (ASCII digits only: a negative or fractional
/// value is malformed), or an HTTP-date measured from `reference_ms` (the response's
/// `Date`, else now). `None` when it is malformed.
pub fn parse_retry_after(value: &str, reference_ms: i64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.len() <= 12 && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = v.parse().ok()?;
        return Some(secs.saturating_mul(1000));
    }
    let at = parse_http_date(v, reference_ms)?;
    Some(at.saturating_sub(reference_ms).max(0) as u64)
}

/// Parses an HTTP-date in any of its three forms to epoch milliseconds. `now_ms` resolves
/// the two-digit year of the RFC 850 form.
pub fn parse_http_date(text: &str, now_ms: i64) -> Option<i64> {
    let parts: Vec<&str> = text.split_ascii_whitespace().collect();
    let (date, hms) = match parts.as_slice() {
        // IMF-fixdate
        [wd, day, mon, year, hms, "GMT"] => {
            weekday(wd.strip_suffix(',')?, &DAYS)?;
            (ymd(year.parse().ok()?, mon, day)?, *hms)
        }
        // RFC 850
        [wd, dmy, hms, "GMT"] => {
            weekday(wd.strip_suffix(',')?, &LONG_DAYS)?;
            let mut f = dmy.split('-');
            let (Some(day), Some(mon), Some(yy), None) = (f.next(), f.next(), f.next(), f.next())
            else {
                return None;
            };
            if yy.len() != 2 {
                return None;
            }
            (
                ymd(two_digit_year(yy.parse().ok()?, now_ms), mon, day)?,
                *hms,
            )
        }
        // asctime
        [wd, mon, day, hms, year] => {
            weekday(wd, &DAYS)?;
            (ymd(year.parse().ok()?, mon, day)?, *hms)
        }
        _ => return None,
    };
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(s), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return None;
    };
    if [h, mi, s].iter().any(|x| x.len() != 2) {
        return None;
    }
    let time = NaiveTime::from_hms_opt(h.parse().ok()?, mi.parse().ok()?, s.parse().ok()?)?;
    Some(NaiveDateTime::new(date, time).and_utc().timestamp_millis())
}

fn weekday(name: &str, names: &[&str]) -> Option<()> {
    names.contains(&name).then_some(())
}

fn ymd(year: i32, mon: &str, day: &str) -> Option<NaiveDate> {
    if !(1..=2).contains(&day.len()) || year < 0 {
        return None;
    }
    let m = MONTHS.iter().position(|x| *x == mon)? as u32 + 1;
    NaiveDate::from_ymd_opt(year, m, day.parse().ok()?)
}

/// RFC 9110: a two-digit year that would be more than 50 years in the future is the most
/// recent past year with the same last two digits.
fn two_digit_year(yy: i32, now_ms: i64) -> i32 {
    let now_year = chrono::DateTime::from_timestamp_millis(now_ms).map_or(2000, |d| d.year());
    let century = now_year - now_year.rem_euclid(100);
    let mut y = century + yy;
    if y > now_year + 50 {
        y -= 100;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW_2026: i64 = 1_795_000_000_000;
    const NOV_6_1994: i64 = 784_111_777_000;

    #[test]
    fn three_forms_mean_the_same_instant() {
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text, NOW_2026), Some(NOV_6_1994), "{text}");
        }
    }

    #[test]
    fn two_digit_years_are_never_more_than_50_years_ahead() {
        let at = |yy: &str| {
            parse_http_date(&format!("Monday, 02-Nov-{yy} 00:00:00 GMT"), NOW_2026)
                .map(|ms| chrono::DateTime::from_timestamp_millis(ms).unwrap().year())
        };
        assert_eq!(at("26"), Some(2026));
        assert_eq!(at("76"), Some(2076));
        assert_eq!(at("77"), Some(1977));
    }

    #[test]
    fn malformed_values_are_refused() {
        for text in [
            "-5",
            "1.5",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun 06 Nov 1994 08:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 8:49:37 1994",
            "",
        ] {
            assert_eq!(parse_retry_after(text, NOW_2026), None, "{text}");
        }
        assert_eq!(parse_retry_after(" 120 ", 0), Some(120_000));
    }
}
