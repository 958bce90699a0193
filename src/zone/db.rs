//! The zone database `build.rs` generates from `tz/`, and how to read one zone of it.
//! Instants are seconds since 1970-01-01T00:00Z; offsets are seconds east of UTC.

use super::rules::{Clock, Day, Rule, Rules};

/// One zone's data: `offsets[0]` is in force before the first transition; a
/// transition word is `(minutes since BASE) << 4 | offset index`; `odd` adds seconds to
/// the transitions that fall off the minute; `rules` take over at `rules.begin`.
pub struct Data {
    pub offsets: &'static [i32],
    pub trans: &'static [u32],
    pub odd: &'static [(u16, u8)],
    pub rules: Option<Rules<'static>>,
}

include!(concat!(env!("OUT_DIR"), "/tzdata.rs"));

impl Data {
    fn at(&self, i: usize) -> i64 {
        let sec = match self.odd.binary_search_by_key(&i, |&(j, _)| usize::from(j)) {
            Ok(k) => i64::from(self.odd[k].1),
            Err(_) => 0,
        };
        BASE + i64::from(self.trans[i] >> 4) * 60 + sec
    }

    fn after(&self, i: usize) -> i32 {
        self.offsets[(self.trans[i] & 15) as usize]
    }

    /// How many stored transitions are at or before `t`.
    fn count_to(&self, t: i64) -> usize {
        let (mut lo, mut hi) = (0, self.trans.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.at(mid) <= t {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
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
        while i < self.trans.len() {
            let t = self.at(i);
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
        }
        if let Some(r) = &self.rules {
            r.transitions(lo, hi, f);
        }
    }
}
