//! A zone's ongoing DST rules (the tz source's `Rule … max` lines, as a TZif footer's
//! POSIX rule says them), evaluated for any year up to 9999.
//!
//! This file is shared: `build.rs` includes it to check, for every zone, that these
//! rules give exactly the transitions the tz source gives through 2099 before it stores
//! them in place of those transitions. Plain integer arithmetic only, no allocation.
//! Instants are seconds since 1970-01-01T00:00Z; offsets are seconds east of UTC.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// The day of the month a rule falls on, as the tz source writes it. Weekdays count
/// from Sunday = 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Day {
    /// A fixed day: `15`. (No ongoing rule of tz 2025b uses one; a later release may.)
    #[allow(dead_code)]
    Dom(u8),
    /// The last such weekday of the month: `lastSun`.
    Last(u8),
    /// The first such weekday on or after a day: `Sun>=8` (it may run into the next month).
    OnOrAfter(u8, u8),
    /// The last such weekday on or before a day: `Sat<=30`.
    OnOrBefore(u8, u8),
}

/// Which clock a rule's time of day is read on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Local wall time, with the saving in effect before the change (`2:00`).
    Wall,
    /// Local standard time (`2:00s`).
    Standard,
    /// UTC (`1:00u`).
    Utc,
}

/// One ongoing rule: every year, on `month`/`day` at `at` seconds into the day on
/// `clock`, the saving becomes `save` seconds (negative for Dublin's winter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// January = 1.
    pub month: u8,
    /// The day of the month.
    pub day: Day,
    /// Seconds into the day (may be 24:00 or more).
    pub at: i32,
    /// The clock `at` is read on.
    pub clock: Clock,
    /// The saving from then on, in seconds.
    pub save: i32,
}

/// The most rules one zone may have ongoing; `build.rs` fails on more.
pub const MAX_RULES: usize = 8;

/// A zone's ongoing rules: from instant `begin` (a UTC new year) on, its offset is
/// `std` plus the saving of the latest rule that has struck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules<'a> {
    /// The standard offset.
    pub std: i32,
    /// The UTC instant the rules take over from the stored transitions.
    pub begin: i64,
    /// The rules, at most [`MAX_RULES`].
    pub list: &'a [Rule],
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian year of a day count since 1970-01-01.
pub fn year_of_days(days: i64) -> i64 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let y = yoe + era * 400;
    if mp >= 10 {
        y + 1
    } else {
        y
    }
}

fn weekday(days: i64) -> i64 {
    // 1970-01-01 was a Thursday.
    (days + 4).rem_euclid(7)
}

impl Rule {
    /// The rule's moment in `year` as seconds since the epoch on its own clock.
    fn local_key(&self, year: i64) -> i64 {
        let m = u32::from(self.month);
        let day = match self.day {
            Day::Dom(d) => days_from_civil(year, m, u32::from(d)),
            Day::Last(w) => {
                let next = if m == 12 {
                    days_from_civil(year + 1, 1, 1)
                } else {
                    days_from_civil(year, m + 1, 1)
                };
                let last = next - 1;
                last - (weekday(last) - i64::from(w)).rem_euclid(7)
            }
            Day::OnOrAfter(w, d) => {
                let base = days_from_civil(year, m, u32::from(d));
                base + (i64::from(w) - weekday(base)).rem_euclid(7)
            }
            Day::OnOrBefore(w, d) => {
                let base = days_from_civil(year, m, u32::from(d));
                base - (weekday(base) - i64::from(w)).rem_euclid(7)
            }
        };
        day * DAY + i64::from(self.at)
    }
}

impl Rules<'_> {
    /// The rules of `year` in the order they strike: (index into `list`, local key).
    fn ordered(&self, year: i64) -> ([(usize, i64); MAX_RULES], usize) {
        let mut out = [(0usize, 0i64); MAX_RULES];
        let n = self.list.len().min(MAX_RULES);
        // Insertion in order as each is computed: at most MAX_RULES of them, and a std
        // sort would add its own copy of sorting code to the ES5 build (see src/order.rs).
        for (i, r) in self.list.iter().take(n).enumerate() {
            let key = r.local_key(year);
            let mut j = i;
            while j > 0 && out[j - 1].1 > key {
                out[j] = out[j - 1];
                j -= 1;
            }
            out[j] = (i, key);
        }
        (out, n)
    }

    /// The transitions of `year` as (instant, offset after), in order; returns how many.
    /// A rule that leaves the offset as it was still counts here.
    pub fn year_transitions(&self, year: i64, out: &mut [(i64, i32); MAX_RULES]) -> usize {
        let (before, nb) = self.ordered(year - 1);
        let mut save = if nb == 0 {
            0
        } else {
            self.list[before[nb - 1].0].save
        };
        let (now, n) = self.ordered(year);
        for (slot, &(i, key)) in out.iter_mut().zip(now[..n].iter()) {
            let r = &self.list[i];
            let shift = match r.clock {
                Clock::Utc => 0,
                Clock::Standard => self.std,
                Clock::Wall => self.std + save,
            };
            *slot = (key - i64::from(shift), self.std + r.save);
            save = r.save;
        }
        n
    }

    /// The offset at instant `t` (which should be at or after `begin`).
    pub fn offset_at(&self, t: i64) -> i32 {
        let year = year_of_days((t + i64::from(self.std)).div_euclid(DAY));
        let mut best: Option<(i64, i32)> = None;
        let mut buf = [(0i64, 0i32); MAX_RULES];
        for y in year - 1..=year + 1 {
            let n = self.year_transitions(y, &mut buf);
            for &(at, off) in &buf[..n] {
                if at <= t && best.map_or(true, |(b, _)| at >= b) {
                    best = Some((at, off));
                }
            }
        }
        best.map_or(self.std, |(_, off)| off)
    }

    /// Calls `f(instant, offset before, offset after)` for every transition the rules
    /// make at an instant in `lo..=hi` and at or after `begin`, in order, skipping
    /// those that leave the offset unchanged.
    pub fn transitions(&self, lo: i64, hi: i64, mut f: impl FnMut(i64, i32, i32)) {
        let lo = lo.max(self.begin);
        if lo > hi {
            return;
        }
        let mut before = self.offset_at(lo - 1);
        let first = year_of_days(lo.div_euclid(DAY)) - 1;
        let last = year_of_days(hi.div_euclid(DAY)) + 1;
        let mut buf = [(0i64, 0i32); MAX_RULES];
        for y in first..=last {
            let n = self.year_transitions(y, &mut buf);
            for &(at, off) in &buf[..n] {
                if at < lo || at > hi {
                    continue;
                }
                if off != before {
                    f(at, before, off);
                    before = off;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        for days in (-719_162..2_932_896).step_by(997) {
            let y = year_of_days(days);
            assert!(days_from_civil(y, 1, 1) <= days && days < days_from_civil(y + 1, 1, 1));
        }
    }

    #[test]
    fn eu_rules_strike_on_the_last_sunday_at_one_utc() {
        let eu = [
            Rule {
                month: 3,
                day: Day::Last(0),
                at: 3600,
                clock: Clock::Utc,
                save: 3600,
            },
            Rule {
                month: 10,
                day: Day::Last(0),
                at: 3600,
                clock: Clock::Utc,
                save: 0,
            },
        ];
        let r = Rules {
            std: 3600,
            begin: 0,
            list: &eu,
        };
        let mut out = [(0, 0); MAX_RULES];
        assert_eq!(r.year_transitions(2026, &mut out), 2);
        let spring = days_from_civil(2026, 3, 29) * DAY + 3600;
        let autumn = days_from_civil(2026, 10, 25) * DAY + 3600;
        assert_eq!(out[..2], [(spring, 7200), (autumn, 3600)]);
        assert_eq!(r.offset_at(spring - 1), 3600);
        assert_eq!(r.offset_at(spring), 7200);
        let mut seen = Vec::new();
        r.transitions(spring - DAY, autumn + DAY, |t, a, b| seen.push((t, a, b)));
        assert_eq!(seen, [(spring, 3600, 7200), (autumn, 7200, 3600)]);
    }
}
