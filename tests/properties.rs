//! Property tests of the core (proptest): the invariants the contract promises.
#![cfg(not(target_arch = "wasm32"))]

use export_guard::backoff::{next_retry, schedule, Jitter, Policy, Response, RetryAction};
use export_guard::decide::{decide, Action, DecideOptions, Job, JobIndex, Request};
use export_guard::plan::{plan, Granularity, PlanOptions};
use export_guard::profile::Profile;
use export_guard::queue::{DrainOptions, Queue};
use export_guard::time::{Window, HOUR_MS, MINUTE_MS};
use export_guard::zone::Zone;
use proptest::prelude::*;

/// 2026-01-01T00:00:00Z
const BASE: i64 = 1_767_225_600_000;

fn window() -> impl Strategy<Value = Window> {
    (0i64..24 * 120, 1i64..24 * 20).prop_map(|(s, len)| Window {
        start: BASE + s * HOUR_MS,
        end: BASE + (s + len) * HOUR_MS,
    })
}

fn fine_window() -> impl Strategy<Value = Window> {
    (0i64..60 * 24 * 60, 1i64..60 * 24 * 40).prop_map(|(s, len)| Window {
        start: BASE + s * MINUTE_MS,
        end: BASE + (s + len) * MINUTE_MS,
    })
}

fn job() -> impl Strategy<Value = Job> {
    (window(), any::<bool>(), 0u32..1000).prop_map(|(w, active, id)| Job {
        id: format!("j{id}"),
        window: w,
        status: if active { "IN_PROGRESS" } else { "COMPLETED" }.into(),
        active,
        channels: None,
        profile: Profile::EvaluationExports,
    })
}

fn request(w: Window) -> Request {
    Request {
        window: w,
        channels: vec!["sms".into()],
        profile: Profile::EvaluationExports,
    }
}

fn zone() -> impl Strategy<Value = Zone> {
    prop::sample::select(vec![
        "UTC",
        "Europe/London",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
    ])
    .prop_map(|z| Zone::lookup(z, "tz").unwrap())
}

fn granularity() -> impl Strategy<Value = Granularity> {
    prop::sample::select(vec![
        Granularity::Hour,
        Granularity::Day,
        Granularity::Week(chrono::Weekday::Mon),
    ])
}

/// Any operation of the table.
fn operation() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        export_guard::api::OPERATIONS
            .iter()
            .map(|o| o.name)
            .collect::<Vec<_>>(),
    )
}

/// JSON values shaped like the contract's inputs: objects with its field names, and
/// leaves that are valid, nearly valid or wrong for those fields.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop::sample::select(vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(1e300),
        json!(4_000_000_000u64),
        json!(""),
        json!("sms"),
        json!("SMS"),
        json!("fax"),
        json!("voice"),
        json!("2026-11-02T00:00:00Z"),
        json!("2026-11-02"),
        json!("2026-03-29T01:30"),
        json!("2026-11-02T00:00:00Z/2026-11-03T00:00:00Z"),
        json!("Europe/London"),
        json!("Mars/Olympus"),
        json!("QUEUED"),
        json!("IN_PROGRESS"),
        json!("PENDING"),
        json!("COMPLETED"),
        json!("FULFILLED"),
        json!("recordingJobs"),
        json!("conversationDetailsJobs"),
        json!("week"),
        json!("full"),
        json!("Sun, 06 Nov 1994 08:49:37 GMT"),
        json!("120"),
        json!(1),
    ]);
    let keys = vec![
        "start",
        "end",
        "interval",
        "timeZone",
        "channels",
        "profile",
        "id",
        "status",
        "startDate",
        "endDate",
        "now",
        "maxRangeDays",
        "touchingConflicts",
        "maxActiveJobs",
        "splitByChannel",
        "recordingAction",
        "granularity",
        "workers",
        "activeJobs",
        "version",
        "nextSeq",
        "items",
        "seq",
        "key",
        "lockKey",
        "enqueuedAt",
        "notBefore",
        "attempts",
        "initialMs",
        "factor",
        "maxMs",
        "maxAttempts",
        "jitter",
        "seed",
        "status",
        "headers",
        "Retry-After",
        "$index",
        "__proto__",
        "x",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(keys.clone()), inner), 0..7).prop_map(
                |kv| { Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()) }
            ),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The hand-written decision writer escapes any text exactly as serde_json does.
    #[test]
    fn strings_are_written_as_serde_json_writes_them(s in "\\PC*|[\\x00-\\x7f]{0,40}") {
        let mut out = String::new();
        export_guard::api::write_decision::string(&mut out, &s);
        prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
    }

    /// Instants format as serde-style ISO strings that parse back to the same instant.
    #[test]
    fn instants_format_and_parse_back(ms in -62_135_596_800_000i64..253_402_300_799_999i64) {
        let text = export_guard::time::format_ms(ms);
        prop_assert_eq!(text.len(), 24);
        let back = chrono::DateTime::parse_from_rfc3339(&text).unwrap().timestamp_millis();
        prop_assert_eq!(back, ms);
    }

    /// Plan windows are disjoint, in order, and tile the range exactly; workers are dealt round-robin.
    #[test]
    fn plan_tiles_the_range(range in fine_window(), z in zone(), g in granularity(), workers in 1u32..8) {
        let opts = PlanOptions { zone: z, granularity: g, workers, max_windows: 100_000, ..Default::default() };
        let p = plan(range, &[], &opts).unwrap();
        prop_assert!(!p.is_empty());
        prop_assert_eq!(p[0].window.start, range.start);
        prop_assert_eq!(p[p.len() - 1].window.end, range.end);
        for (i, w) in p.iter().enumerate() {
            prop_assert!(w.window.start < w.window.end);
            prop_assert_eq!(w.worker, i as u32 % workers);
            if i > 0 {
                prop_assert_eq!(p[i - 1].window.end, w.window.start);
            }
            // Inner boundaries fall on local midnights (day/week) or local hours.
            if i > 0 {
                let local = z.local(w.window.start);
                use chrono::Timelike;
                prop_assert_eq!((local.minute(), local.second()), (0, 0));
                if g != Granularity::Hour {
                    prop_assert_eq!(local.hour(), 0, "{:?}", local);
                }
            }
        }
    }

    /// The conflict set is exactly the set of active jobs that share a millisecond with
    /// the request (or, with touching conflicts, end where it starts or start where it
    /// ends). The oracle tests membership of instants, not `Window::conflicts_with`: two
    /// half-open ranges that share an instant share the later of their starts.
    #[test]
    fn conflicts_are_exactly_the_overlapping_active_jobs(r in window(), jobs in prop::collection::vec(job(), 0..12), touching in any::<bool>()) {
        let opts = DecideOptions { max_range_days: 0, touching_conflicts: touching, ..Default::default() };
        let d = decide(&request(r), &JobIndex::new(jobs.clone()), &opts);
        let inside = |w: &Window, t: i64| w.start <= t && t < w.end;
        let shares_an_instant = |w: &Window| [w.start, r.start].iter().any(|&t| inside(w, t) && inside(&r, t));
        let touches = |w: &Window| w.end == r.start || r.end == w.start;
        let expected: Vec<&Job> = jobs
            .iter()
            .filter(|j| j.active && (shares_an_instant(&j.window) || (touching && touches(&j.window))))
            .collect();
        let got: Vec<&Job> = d.conflicts.iter().collect();
        prop_assert_eq!(got, expected.clone());
        prop_assert_eq!(d.action, if expected.is_empty() { Action::Submit } else { Action::Queue });
    }

    /// Free windows ∪ the covered parts = the request, and each free window decides as submit.
    #[test]
    fn free_windows_complement_the_blocks(r in window(), jobs in prop::collection::vec(job(), 0..12), touching in any::<bool>()) {
        let opts = DecideOptions { max_range_days: 0, touching_conflicts: touching, ..Default::default() };
        let index = JobIndex::new(jobs.clone());
        let d = decide(&request(r), &index, &opts);
        for f in &d.free_windows {
            prop_assert!(r.start <= f.start && f.end <= r.end);
            prop_assert_eq!(decide(&request(*f), &index, &opts).action, Action::Submit);
        }
        for w in d.free_windows.windows(2) {
            prop_assert!(w[0].end < w[1].start || (!touching && w[0].end <= w[1].start));
        }
        // Every millisecond of the request is either free or inside a blocking job (or, with
        // touching, within 1 ms of one); sample at minute steps plus the edges.
        let mut t = r.start;
        while t < r.end {
            let free = d.free_windows.iter().any(|f| f.start <= t && t < f.end);
            let pad = i64::from(touching);
            let blocked = d.conflicts.iter().any(|j| j.window.start - pad <= t && t < j.window.end + pad);
            prop_assert!(free != blocked, "t={} free={} blocked={}", t, free, blocked);
            t += 7 * MINUTE_MS;
        }
    }

    /// drain never returns two overlapping items and never loses or duplicates one.
    #[test]
    fn drain_is_lossless_and_disjoint(ws in prop::collection::vec(window(), 0..20), jobs in prop::collection::vec(job(), 0..6)) {
        let mut q = Queue::default();
        for w in &ws {
            q.enqueue(&request(*w), 0, None, 0);
        }
        let d = q.drain(&jobs, DrainOptions::default());
        let mut seqs: Vec<u64> = d.submit.iter().chain(&d.queue.items).map(|i| i.seq).collect();
        seqs.sort_unstable();
        let mut want: Vec<u64> = q.items.iter().map(|i| i.seq).collect();
        want.sort_unstable();
        prop_assert_eq!(seqs, want);
        prop_assert_eq!(d.waiting.len(), d.queue.items.len());
        for (i, a) in d.submit.iter().enumerate() {
            prop_assert!(!jobs.iter().any(|j| j.active && j.window.conflicts_with(&a.window, false)));
            for b in &d.submit[i + 1..] {
                prop_assert!(!a.window.conflicts_with(&b.window, false));
            }
        }
        // FIFO: submitted items keep their queue order.
        prop_assert!(d.submit.windows(2).all(|p| p[0].seq < p[1].seq));
    }

    /// Backoff delays stay within [0, maxMs]; without jitter they never decrease.
    #[test]
    fn backoff_is_bounded_and_monotone(initial in 0u64..100_000, extra in 0u64..1_000_000, factor in 1.0f64..10.0, attempts in 1u32..60, seed in any::<u64>(),
                                       jitter in prop::sample::select(vec![Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated])) {
        let p = Policy { initial_ms: initial, max_ms: initial + extra, factor, max_attempts: attempts, jitter, seed: Some(seed), ..Default::default() };
        let s = schedule(&p);
        prop_assert_eq!(s.len() as u32, attempts - 1);
        for step in &s {
            prop_assert!(step.delay_ms <= p.max_ms);
            prop_assert!(step.min_ms <= step.delay_ms && step.delay_ms <= step.max_ms);
        }
        if jitter == Jitter::None {
            prop_assert!(s.windows(2).all(|w| w[0].delay_ms <= w[1].delay_ms));
        }
        // A seeded schedule is deterministic.
        prop_assert_eq!(s, schedule(&p));
    }

    /// Retry-After is honoured exactly up to maxRetryAfterMs, and gives up beyond it;
    /// status classes map to the documented actions.
    #[test]
    fn next_retry_honours_retry_after(attempt in 1u64..8, secs in 0u64..200_000, max_secs in 1u64..100_000, status in prop::sample::select(vec![0u16, 409, 429, 500, 502, 503, 504])) {
        let r = Response { status, retry_after: Some(secs.to_string()), ..Default::default() };
        let p = Policy { max_retry_after_ms: max_secs * 1000, ..Policy::default() };
        let v = next_retry(attempt, &r, &p, 0);
        if secs <= max_secs {
            prop_assert_eq!(v.delay_ms, Some(secs * 1000));
            prop_assert_eq!(v.action, if status == 409 { RetryAction::Recheck } else { RetryAction::Retry });
        } else {
            prop_assert_eq!(v.action, RetryAction::GiveUp);
            prop_assert!(v.reason.contains("maxRetryAfterMs"), "{}", v.reason);
        }
    }

    /// Any status and attempt gives an answer, never a panic; non-retryable 4xx give up.
    #[test]
    fn next_retry_is_total(attempt in any::<u64>(), status in 0u16..600) {
        let v = next_retry(attempt, &Response { status, ..Default::default() }, &Policy::default(), 0);
        if (400..500).contains(&status) && status != 409 && status != 429 {
            prop_assert_eq!(v.action, RetryAction::GiveUp);
        }
        if (200..300).contains(&status) {
            prop_assert_eq!(v.action, RetryAction::Done);
        }
    }

    /// The JSON entry point never panics on arbitrary text, and answers an envelope.
    #[test]
    fn api_never_panics_on_text(op in operation(), args in ".{0,200}") {
        let out = export_guard::api::call(op, &args, 0);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        prop_assert!(v.get("ok").is_some() || v.get("error").is_some(), "{}", out);
    }

    /// Every operation, given structured JSON built from the contract's own field names
    /// and values (so most inputs get past the JSON parser and deep into the readers),
    /// answers an envelope and never panics; a call after it still works.
    #[test]
    fn api_never_panics_on_structured_json(op in operation(), args in prop::collection::vec(json_value(), 0..5), now in any::<i64>()) {
        let text = serde_json::Value::Array(args).to_string();
        let out = export_guard::api::call(op, &text, now);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        prop_assert!(v.get("ok").is_some() || v.get("error").is_some(), "{}", out);
        prop_assert_eq!(export_guard::api::call("version", "[]", 0), format!("{{\"ok\":\"{}\"}}", env!("CARGO_PKG_VERSION")));
    }

    /// Date parsing never panics and formatting round-trips.
    #[test]
    fn instants_round_trip(ms in export_guard::time::MIN_MS..export_guard::time::MAX_MS) {
        let s = export_guard::time::format_ms(ms);
        prop_assert_eq!(export_guard::time::parse_instant(&s, "x").unwrap(), ms);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = export_guard::time::parse(&s, "x");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The index finds exactly the first completed job with the same range and channels.
    #[test]
    fn already_exported_is_the_first_exact_completed_match(r in window(), jobs in prop::collection::vec(job(), 0..12)) {
        let mut jobs = jobs;
        // Make exact matches likely: copy the request's range into some jobs.
        for (k, j) in jobs.iter_mut().enumerate() {
            if k % 3 == 0 {
                j.window = r;
                j.channels = Some(vec!["sms".into()]);
            }
        }
        let want = jobs.iter().find(|j| j.status == "COMPLETED" && j.window == r && j.channels.as_deref() == Some(&["sms".to_string()][..]));
        let d = decide(&request(r), &JobIndex::new(jobs.clone()), &DecideOptions { max_range_days: 0, ..Default::default() });
        prop_assert_eq!(d.already_exported.as_ref(), want);
    }
}

/// DST sweep: every local day 2020–2035 in the DST zones has the right length, and
/// the planner's day windows tile each year.
#[test]
fn dst_sweep_day_lengths() {
    for name in ["Europe/London", "America/New_York", "Australia/Sydney"] {
        let z = Zone::lookup(name, "tz").unwrap();
        let start = z.start_of_day(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
        let end = z.start_of_day(chrono::NaiveDate::from_ymd_opt(2036, 1, 1).unwrap());
        let p = plan(
            Window { start, end },
            &[],
            &PlanOptions {
                zone: z,
                max_windows: 10_000,
                ..Default::default()
            },
        )
        .unwrap();
        let (mut short, mut long) = (0, 0);
        for w in &p {
            match w.window.len_ms() / HOUR_MS {
                23 => short += 1,
                25 => long += 1,
                24 => {}
                other => panic!("{name}: a {other} h day at {}", w.window.lock_key()),
            }
        }
        assert_eq!(p.len(), 5844, "{name}: days 2020-2035");
        assert_eq!(
            (short, long),
            (16, 16),
            "{name}: one 23 h and one 25 h day a year"
        );
    }
}
