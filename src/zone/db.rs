//! The zone database `build.rs` generates from `tz/`, and how to read one zone of it.
//! Instants are seconds since 1970-01-01T00:00Z; offsets are seconds east of UTC.

use super::rules::{Clock, Day, Rule, Rules};

/// One zone in the generated arrays: where its offsets, transition words and odd
/// seconds start and how many there are, and its rule set (or `NO_RULES`).
pub struct Packed {
    off: u16,
    n_off: u8,
    trans: u16,
    n_trans: u16,
    odd: u16,
    n_odd: u16,
    rules: u16,
}

/// A zone's ongoing rules: `RULES[first..first + len]` from `begin` on.
pub struct RuleSet {
    std: i32,
    begin: i64,
    first: u16,
    len: u8,
}

const NO_RULES: u16 = u16::MAX;

include!(concat!(env!("OUT_DIR"), "/tzdata.rs"));

/// How many names the database has.
pub fn name_count() -> usize {
    NAME_END.len()
}

/// Name `i`, in sorted order.
pub fn name(i: usize) -> &'static str {
    let start = if i == 0 { 0 } else { NAME_END[i - 1] };
    &NAME_TEXT[usize::from(start)..usize::from(NAME_END[i])]
}

/// The index of `name`, spelled exactly.
pub fn find(name: &str) -> Option<usize> {
    let (mut lo, mut hi) = (0, name_count());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match self::name(mid).cmp(name) {
            core::cmp::Ordering::Less => lo = mid + 1,
            core::cmp::Ordering::Greater => hi = mid,
            core::cmp::Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// The data of name `i`.
pub fn data(i: usize) -> Data {
    let p = &ZONES[usize::from(NAME_ZONE[i])];
    let span = |at: u16, n: usize| usize::from(at)..usize::from(at) + n;
    let rules = (p.rules != NO_RULES).then(|| {
        let r = &RULE_SETS[usize::from(p.rules)];
        Rules {
            std: r.std,
            begin: r.begin,
            list: &RULES[span(r.first, usize::from(r.len))],
        }
    });
    Data {
        offsets: &OFFSETS[span(p.off, usize::from(p.n_off))],
        trans: &TRANS[span(p.trans, usize::from(p.n_trans))],
        odd_at: &ODD_AT[span(p.odd, usize::from(p.n_odd))],
        odd_sec: &ODD_SEC[span(p.odd, usize::from(p.n_odd))],
        rules,
    }
}

/// One zone's data: `offsets[0]` is in force before the first transition; a
/// transition word is `minutes << 4 | offset index`, its minutes counted from `BASE` for
/// every `STRIDE`-th word and from the previous transition for the others;
/// `odd_at`/`odd_sec` add seconds to the transitions that fall off the minute; `rules`
/// take over at `rules.begin`.
pub struct Data {
    offsets: &'static [i32],
    trans: &'static [u32],
    odd_at: &'static [u16],
    odd_sec: &'static [u8],
    rules: Option<Rules<'static>>,
}

impl Data {
    fn minutes(&self, i: usize) -> i64 {
        i64::from(self.trans[i] >> 4)
    }

    /// The instant of transition `i`, given its minutes since `BASE`.
    fn instant(&self, i: usize, minutes: i64) -> i64 {
        let sec = match self.odd_at.binary_search(&(i as u16)) {
            Ok(k) => i64::from(self.odd_sec[k]),
            Err(_) => 0,
        };
        BASE + minutes * 60 + sec
    }

    /// Minutes since `BASE` of transition `i`.
    fn minutes_to(&self, i: usize) -> i64 {
        let first = i - i % STRIDE;
        (first + 1..=i).fold(self.minutes(first), |m, j| m + self.minutes(j))
    }

    fn after(&self, i: usize) -> i32 {
        self.offsets[(self.trans[i] & 15) as usize]
    }

    /// How many stored transitions are at or before `t`.
    fn count_to(&self, t: i64) -> usize {
        // The last absolute word at or before t, by bisection, then forward from it.
        let (mut lo, mut hi) = (0, self.trans.len().div_ceil(STRIDE));
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let i = mid * STRIDE;
            if self.instant(i, self.minutes(i)) <= t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == 0 {
            return 0;
        }
        let first = (lo - 1) * STRIDE;
        let mut m = self.minutes(first);
        let mut n = first + 1;
        for i in first + 1..self.trans.len().min(first + STRIDE) {
            m += self.minutes(i);
            if self.instant(i, m) > t {
                break;
            }
            n = i + 1;
        }
        n
    }

    /// The UTC offset at instant `t`.
    pub fn offset_at(&self, t: i64) -> i32 {
        if let Some(r) = &self.rules {
            if t >= r.begin {
                return r.offset_at(t);
            }
        }
        match self.count_to(t) {
            0 => self.offsets[0],
            n => self.after(n - 1),
        }
    }

    /// Calls `f(instant, offset before, offset after)` for each change of offset at an
    /// instant in `lo..=hi`, in order.
    pub fn transitions(&self, lo: i64, hi: i64, mut f: impl FnMut(i64, i32, i32)) {
        let mut i = self.count_to(lo - 1);
        if i < self.trans.len() {
            let mut m = self.minutes_to(i);
            loop {
                let t = self.instant(i, m);
                if t > hi {
                    break;
                }
                let before = if i == 0 {
                    self.offsets[0]
                } else {
                    self.after(i - 1)
                };
                f(t, before, self.after(i));
                i += 1;
                if i == self.trans.len() {
                    break;
                }
                m = if i % STRIDE == 0 {
                    self.minutes(i)
                } else {
                    m + self.minutes(i)
                };
            }
        }
        if let Some(r) = &self.rules {
            r.transitions(lo, hi, f);
        }
    }
}
