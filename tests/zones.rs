//! Every zone against an independent oracle: `tests/zones/oracle.py` compiles `tz/`
//! with `zic` and reads it with Python's `zoneinfo`. For each local day checked, the
//! day's first instant must agree (so its length does too); and at every change of
//! offset zic wrote (read from its files directly), the offsets on either side, and how
//! a local time in the gap or the fold it makes resolves.
//!
//! `seeded_sample_agrees_with_zoneinfo` runs in `./build.sh test`: 50,000 seeded days
//! across all names and years. `every_day_of_every_zone` is the full sweep, run by
//! `./build.sh zones` (years from `EXPORT_GUARD_SWEEP`, default "1800 2100").

use chrono::{Datelike, NaiveDate};
use export_guard::zone::{self, Zone};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

struct Oracle {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

impl Oracle {
    fn start() -> Oracle {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut child = Command::new("python3")
            .arg(format!("{root}/tests/zones/oracle.py"))
            .arg(format!("{root}/tz"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/zones/oracle.py (./build.sh test installs it)");
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().unwrap());
        Oracle {
            child,
            input,
            output,
        }
    }

    /// Sends every request from a thread (so neither pipe fills up) and hands each
    /// answer line to `f` in order.
    fn ask(&mut self, requests: Vec<String>, mut f: impl FnMut(usize, &str)) {
        let mut input = self.input.take().unwrap();
        let n = requests.len();
        let writer = std::thread::spawn(move || {
            for r in requests {
                writeln!(input, "{r}").unwrap();
            }
            input
        });
        let mut line = String::new();
        for i in 0..n {
            line.clear();
            self.output.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "the oracle stopped after {i} answers");
            f(i, line.trim_end());
        }
        self.input = Some(writer.join().unwrap());
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        // Killed, not waited for: after a failed assertion the writer thread may still
        // hold stdin, and the oracle would block on a full pipe.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first year this build keeps zone history for (see src/zone/mod.rs).
fn first_year() -> i32 {
    if cfg!(feature = "es5") {
        1970
    } else {
        1
    }
}

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn day_in(rng: &mut Rng, from: i32, to: i32) -> NaiveDate {
    let a = NaiveDate::from_ymd_opt(from, 1, 1).unwrap();
    let b = NaiveDate::from_ymd_opt(to, 12, 31).unwrap();
    let span = (b - a).num_days() as u64;
    a + chrono::Duration::days(rng.below(span + 1) as i64)
}

#[test]
fn names_match_zic() {
    let mut o = Oracle::start();
    let mut theirs = String::new();
    o.ask(vec!["names".into()], |_, a| theirs = a.to_string());
    let theirs: Vec<&str> = theirs.split(' ').collect();
    assert_eq!(zone::supported(), theirs);
    assert_eq!(zone::count(), theirs.len());
}

#[test]
fn seeded_sample_agrees_with_zoneinfo() {
    let names = zone::supported();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let first = first_year();
    let mut days = Vec::new();
    for i in 0..50_000 {
        let (from, to) = match i % 50 {
            0..=39 => (1970, 2100),
            40..=43 => (2101, 9998),
            // Before 1970: mostly 1800-1969, where the zones' history is.
            44..=48 if first < 1970 => (1800, 1969),
            49 if first < 1970 => (first, 1799),
            _ => (1970, 9998),
        };
        let name = names[rng.below(names.len() as u64) as usize];
        days.push((name, day_in(&mut rng, from, to)));
    }
    let mut requests = Vec::new();
    for (name, d) in &days {
        for d in [*d, d.succ_opt().unwrap()] {
            requests.push(format!("day {name} {} {} {}", d.year(), d.month(), d.day()));
        }
    }
    let mut theirs = vec![0i64; requests.len()];
    Oracle::start().ask(requests, |i, a| {
        theirs[i] = a.parse().unwrap_or_else(|_| panic!("oracle: {a}"))
    });
    let mut differ = Vec::new();
    for (i, (name, d)) in days.iter().enumerate() {
        let z = Zone::lookup(name).unwrap();
        let ours = [z.start_of_day(*d), z.start_of_day(d.succ_opt().unwrap())];
        let want = [theirs[2 * i] * 1000, theirs[2 * i + 1] * 1000];
        if ours != want {
            differ.push(format!("{name} {d}: ours {ours:?}, zoneinfo {want:?}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} of {} days differ, e.g.:\n{}",
        differ.len(),
        days.len(),
        differ[..differ.len().min(20)].join("\n")
    );
    println!("{} days, 0 differ", days.len());
}

#[test]
fn offsets_gaps_and_folds_agree_with_zic_at_every_transition() {
    let names = zone::supported();
    let requests = names.iter().map(|n| format!("transitions {n}")).collect();
    let mut lines = Vec::new();
    Oracle::start().ask(requests, |_, a| lines.push(a.to_string()));
    // The ServiceNow build's history starts in 1970.
    let from = if first_year() > 1 { 86_400 } else { i64::MIN };
    let (mut checked, mut differ) = (0usize, Vec::new());
    let local = |s: i64| chrono::DateTime::from_timestamp(s, 0).unwrap().naive_utc();
    for (name, line) in names.iter().zip(&lines) {
        assert!(!line.starts_with("missing"), "{line}");
        let z = Zone::lookup(name).unwrap();
        let all: Vec<(i64, i64, i64)> = line
            .split_whitespace()
            .map(|x| {
                let v: Vec<i64> = x.split(':').map(|n| n.parse().unwrap()).collect();
                (v[0], v[1], v[2])
            })
            .collect();
        for (k, &(t, before, after)) in all.iter().enumerate() {
            if t < from {
                continue;
            }
            checked += 1;
            let mut bad = |what: String| differ.push(format!("{name} at {t}: {what}"));
            let (b, a) = (z.offset_ms((t - 1) * 1000), z.offset_ms(t * 1000));
            if (b, a) != (before * 1000, after * 1000) {
                bad(format!("offsets {b}/{a} ms, zic {before}/{after} s"));
            }
            // Gaps and folds are checked where no other change is within three days.
            let alone = |j: usize| all.get(j).map_or(true, |o| (o.0 - t).abs() > 3 * 86_400);
            if !(alone(k + 1) && (k == 0 || alone(k - 1))) {
                continue;
            }
            if after > before {
                // Local times from t+before up to t+after do not exist.
                for l in [t + before, t + after - 1] {
                    if z.resolve(local(l)).is_ok() {
                        bad(format!("local {} resolves, inside the gap", local(l)));
                    }
                }
                let got = z.resolve(local(t + after)).ok();
                if got != Some(t * 1000) {
                    bad(format!("the gap's end resolves to {got:?}"));
                }
            } else {
                // Local times from t+after up to t+before happen twice: the earlier wins.
                let l = t + after;
                let got = z.resolve(local(l)).ok();
                if got != Some((l - before) * 1000) {
                    bad(format!("the fold's first moment resolves to {got:?}"));
                }
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} problems at {checked} transitions, e.g.:\n{}",
        differ.len(),
        differ[..differ.len().min(20)].join("\n")
    );
    assert!(checked > 10_000, "only {checked} transitions checked");
    println!("{checked} transitions of {} names, 0 differ", names.len());
}

#[test]
#[ignore = "the full sweep: ./build.sh zones"]
fn every_day_of_every_zone() {
    let years = std::env::var("EXPORT_GUARD_SWEEP").unwrap_or_else(|_| "1800 2100".into());
    let mut it = years.split_whitespace().map(|y| y.parse::<i32>().unwrap());
    let (from, to) = (it.next().unwrap(), it.next().unwrap());
    assert!(
        from >= first_year() && to < 9999,
        "EXPORT_GUARD_SWEEP={years:?}"
    );
    let names = zone::supported();
    let requests: Vec<String> = names
        .iter()
        .map(|n| format!("days {n} {from} {to}"))
        .collect();
    let start = NaiveDate::from_ymd_opt(from, 1, 1).unwrap();
    let (mut checked, mut bad, mut differ) = (0u64, 0u64, Vec::new());
    Oracle::start().ask(requests, |i, a| {
        let z = Zone::lookup(names[i]).unwrap();
        for (k, s) in a.split(' ').enumerate() {
            let d = start + chrono::Duration::days(k as i64);
            let want = s.parse::<i64>().unwrap_or_else(|_| panic!("oracle: {a}")) * 1000;
            checked += 1;
            let ours = z.start_of_day(d);
            if ours != want {
                bad += 1;
                if differ.len() < 20 {
                    differ.push(format!("{} {d}: ours {ours}, zoneinfo {want}", names[i]));
                }
            }
        }
    });
    assert!(
        bad == 0,
        "{bad} of {checked} days differ, e.g.:\n{}",
        differ.join("\n")
    );
    println!(
        "{} names, {checked} days {from}-{to}, 0 differ",
        names.len()
    );
}
