//! Property tests of the core (proptest): the invariants the contract promises.
#![cfg(not(target_arch = "wasm32"))]

use export_guard::backoff::{next_retry, schedule, Jitter, Policy, Response, RetryAction};
use export_guard::decide::{decide, Action, DecideOptions, Job, JobIndex, Request};
use export_guard::lifecycle::{self, Answer as CallAnswer, JobAnswer, Listed, Settings};
use export_guard::plan::{plan, Granularity, PlanOptions};
use export_guard::profile::Phase;
use export_guard::profile::Profile;
use export_guard::queue::{ActionKind, ListedJob, Queue, State};
use export_guard::time::{Window, HOUR_MS, MINUTE_MS};
use export_guard::zone::Zone;
use export_guard::Within;
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
    .prop_map(|z| Zone::lookup(z).unwrap())
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
        export_guard::api::write::decision::string(&mut out, &s);
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
        let opts = DecideOptions { max_range_days: Some(0), touching_conflicts: touching, ..Default::default() };
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
        let opts = DecideOptions { max_range_days: Some(0), touching_conflicts: touching, ..Default::default() };
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

    /// A step that hands out submits only (`drain`) never releases two overlapping items,
    /// nor one that overlaps an active job, and loses or duplicates none.
    #[test]
    fn release_is_lossless_and_disjoint(ws in prop::collection::vec(window(), 0..20), jobs in prop::collection::vec(job(), 0..6)) {
        let mut q = Queue::default();
        for w in &ws {
            q.enqueue(&request(*w), 0, None);
        }
        let before = q.clone();
        let st = lifecycle::next(&mut q, &jobs, &Settings::default(), 0, &[ActionKind::Submit]);
        let seqs: Vec<u64> = q.items.iter().map(|i| i.seq).collect();
        prop_assert_eq!(seqs, before.items.iter().map(|i| i.seq).collect::<Vec<_>>());
        let released: Vec<_> = q.items.iter().filter(|i| i.state == State::Submitting).collect();
        prop_assert_eq!(released.len(), st.actions.len());
        prop_assert_eq!(st.waiting.len(), q.items.len() - released.len());
        for (i, a) in released.iter().enumerate() {
            prop_assert!(!jobs.iter().any(|j| j.active && j.window.conflicts_with(&a.window, false)));
            for b in &released[i + 1..] {
                prop_assert!(!a.window.conflicts_with(&b.window, false));
            }
        }
        prop_assert!(st.actions.windows(2).all(|p| p[0].seq < p[1].seq));
    }

    /// The release by sorted intervals (O((q + j) log)) decides exactly as the plain scan
    /// it replaced: for each queued item in order, the same verdict and the same reason,
    /// blockers included, over mixed profiles, notBefore, touching or not, any limit.
    #[test]
    fn release_equals_the_plain_scan(
        reqs in prop::collection::vec((window(), 0usize..3, prop::option::of(0i64..3)), 0..25),
        jobs in prop::collection::vec((job(), 0usize..3), 0..12),
        touching in any::<bool>(),
        max_active in prop::option::of(0u32..4),
    ) {
        use export_guard::lifecycle::WaitReason;
        use export_guard::profile::LockRule;
        let mut q = Queue::default();
        for (w, p, nb) in &reqs {
            let r = Request { profile: Profile::ALL[*p], ..request(*w) };
            q.enqueue(&r, 0, nb.map(|h| h * HOUR_MS));
        }
        let jobs: Vec<Job> = jobs.into_iter().map(|(j, p)| Job { profile: Profile::ALL[p], ..j }).collect();
        let s = Settings { touching_conflicts: touching, max_active_jobs: max_active, ..Settings::default() };
        let now = HOUR_MS;
        let (released, waiting) = lifecycle::release(&q, &jobs, &s, now);
        // The reference: every check a scan, as before.
        let mut want_released: Vec<usize> = Vec::new();
        let mut held: Vec<usize> = Vec::new();
        let mut want_waiting = Vec::new();
        for (pos, item) in q.items.iter().enumerate() {
            let same = |o: &&usize| q.items[**o].profile == item.profile;
            let overlaps = |o: &&usize| q.items[**o].window.conflicts_with(&item.window, touching);
            let active: Vec<&Job> = jobs.iter().filter(|j| j.active && j.profile == item.profile).collect();
            let reason = if let Some(nb) = item.not_before.filter(|nb| *nb > now) {
                Some(WaitReason::NotBefore(nb))
            } else {
                match item.profile.lock_rule(max_active) {
                    LockRule::RangeOverlap => {
                        let ids: Vec<String> = active.iter().filter(|j| j.window.conflicts_with(&item.window, touching)).map(|j| j.id.clone()).collect();
                        if !ids.is_empty() {
                            Some(WaitReason::ActiveJobs(ids))
                        } else if let Some(o) = want_released.iter().filter(same).find(overlaps) {
                            Some(WaitReason::OverlapsSubmitted(q.items[*o].key()))
                        } else {
                            held.iter().filter(same).find(overlaps).map(|o| WaitReason::EarlierItem(q.items[*o].key()))
                        }
                    }
                    LockRule::MaxActive(n) => {
                        let taken = want_released.iter().filter(same).count();
                        (active.len() + taken >= n as usize).then_some(WaitReason::ConcurrencyLimit(n))
                    }
                }
            };
            match reason {
                None => want_released.push(pos),
                Some(r) => { want_waiting.push((pos, r)); held.push(pos); }
            }
        }
        prop_assert_eq!(released, want_released);
        prop_assert_eq!(waiting, want_waiting);
    }

    /// Any interleaving of next, record and crashes (a step whose actions are dropped, or
    /// whose leased queue is never saved) over random answers never loses an item, never
    /// has two live items with one key, never hands out a second submit for a key while
    /// the first one's lease runs, and keeps every profile's limit among in-flight items.
    #[test]
    fn the_lifecycle_never_loses_nor_doubles(
        reqs in prop::collection::vec((window(), 0usize..3), 1..10),
        script in prop::collection::vec((0u8..6, 0i64..90_000, prop::collection::vec(any::<u8>(), 8)), 1..60),
    ) {
        let s = Settings { policy: Policy { max_attempts: 4, ..Policy::default() }, fetch_results: true, ..Settings::default() };
        let mut q = Queue::default();
        for (w, p) in &reqs {
            q.enqueue(&Request { profile: Profile::ALL[*p], ..request(*w) }, 0, None);
        }
        let seqs: Vec<u64> = q.items.iter().map(|i| i.seq).collect();
        let mut now = 0i64;
        let mut submits: std::collections::BTreeMap<String, i64> = Default::default();
        let mut next_id = 0u32;
        for (mode, dt, picks) in &script {
            now += dt;
            let saved = q.clone();
            let st = lifecycle::next(&mut q, &[], &s, now, &ActionKind::ALL);
            if *mode == 0 {
                // Crashed before saving the leased queue: drivers save before they call,
                // so none of these calls was made.
                q = saved;
                continue;
            }
            for a in st.actions.iter().filter(|a| a.kind == ActionKind::Submit) {
                if let Some(until) = submits.get(&a.key) {
                    prop_assert!(*until <= now, "a second submit for {} while the first is leased", a.key);
                }
                submits.insert(a.key.clone(), a.lease_until);
            }
            if *mode == 1 {
                continue; // crashed after saving, before any answer was recorded
            }
            for (n, a) in st.actions.iter().enumerate() {
                let pick = picks[n % picks.len()];
                if pick % 7 == 0 {
                    continue; // this answer was lost
                }
                if a.kind == ActionKind::List {
                    // Another tool's jobs (0 to 2 of them), a 503, a 429 or a 401.
                    let answer = match pick % 5 {
                        0 => CallAnswer::Error(Response { status: 503, ..Response::default() }, None),
                        1 => CallAnswer::Error(Response { status: 429, retry_after: Some("3".into()), ..Response::default() }, None),
                        2 => CallAnswer::Error(Response { status: 401, ..Response::default() }, None),
                        n => CallAnswer::Jobs(200, (0..(n - 3)).map(|k| ListedJob { id: format!("other{k}"), state: a.state.clone().unwrap(), window: None }).collect()),
                    };
                    let _ = lifecycle::record_listing(&mut q, &a.key, answer, None, &s, now);
                    continue;
                }
                let item = q.items.iter().find(|i| i.key() == a.key).cloned();
                let Some(item) = item else { continue };
                let p = item.profile;
                let job = |state: &str, phase: Phase, id: Option<String>| CallAnswer::Job(JobAnswer { status: 200, job_id: id, state: Some(state.into()), phase, message: None });
                let err = |status: u16| CallAnswer::Error(Response { status, retry_after: (status == 429).then(|| "7".into()), ..Response::default() }, None);
                let answer = match a.kind {
                    ActionKind::Submit => match pick % 6 {
                        0..=2 => { next_id += 1; job(p.active_statuses()[0], Phase::Active, Some(format!("j{next_id}"))) }
                        3 => err(409),
                        4 => err(429),
                        _ => err(if pick % 2 == 0 { 0 } else { 503 }),
                    },
                    ActionKind::Poll => match pick % 6 {
                        0 => job(p.completed_status(), Phase::Completed, None),
                        1 => job(p.failed_statuses()[0], Phase::Failed, None),
                        2 => err(404),
                        3 => err(503),
                        4 if p == Profile::RecordingJobs => job("READY", Phase::Ready, None),
                        _ => job(p.active_statuses()[1], Phase::Active, None),
                    },
                    ActionKind::Execute => match pick % 3 {
                        0 => job("PROCESSING", Phase::Active, item.job_id.clone()),
                        1 => err(400),
                        _ => err(429),
                    },
                    ActionKind::Find => {
                        let found = (pick % 2 == 0).then(|| { next_id += 1; Listed { id: format!("j{next_id}"), state: "PENDING".into(), phase: Phase::Active, window: item.window } });
                        CallAnswer::Listing(200, found.into_iter().collect())
                    }
                    ActionKind::Results => match pick % 4 {
                        0 => CallAnswer::Page(200, vec![Some(item.window.start), None], Some(format!("c{pick}"))),
                        1 => CallAnswer::Page(200, vec![], None),
                        2 => err(503),
                        _ => err(404),
                    },
                    ActionKind::List => unreachable!("listings are answered above"),
                };
                if lifecycle::record(&mut q, &a.key, answer, &s, now).is_ok() {
                    submits.remove(&a.key);
                }
            }
            // Nothing lost, nothing doubled.
            prop_assert_eq!(q.items.iter().map(|i| i.seq).collect::<Vec<_>>(), seqs.clone());
            let mut live = std::collections::BTreeSet::new();
            for i in q.items.iter().filter(|i| !i.state.is_final()) {
                prop_assert!(live.insert(i.key()), "two live items for {}", i.key());
            }
            // Limits among in-flight items, and no two overlapping evaluation exports.
            let flying = |p: Profile| q.items.iter().filter(move |i| i.profile == p && i.state.in_flight());
            prop_assert!(flying(Profile::RecordingJobs).count() <= 2);
            prop_assert!(flying(Profile::ConversationDetailsJobs).count() <= 5);
            let ee: Vec<_> = flying(Profile::EvaluationExports).collect();
            for (i, a) in ee.iter().enumerate() {
                for b in &ee[i + 1..] {
                    prop_assert!(!a.window.conflicts_with(&b.window, false), "{} and {} overlap in flight", a.key(), b.key());
                }
            }
            for i in &q.items {
                prop_assert!(i.state != State::Failed || i.reason.is_some(), "failed without a reason");
            }
            // Every state the core writes, it reads back as it was (a store saves it).
            let text = serde_json::to_string(&export_guard::api::state::write::StateOut::from(&q)).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let back = export_guard::api::state::read::queue_of(Some(&value));
            prop_assert_eq!(back.as_ref(), Ok(&q), "{}", text);
        }
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
        prop_assert_eq!(export_guard::time::parse_instant(&s).unwrap(), ms);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = export_guard::time::parse(&s).within("x");
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
        let d = decide(&request(r), &JobIndex::new(jobs.clone()), &DecideOptions { max_range_days: Some(0), ..Default::default() });
        prop_assert_eq!(d.already_exported.as_ref(), want);
    }
}

/// DST sweep: every local day 2020–2035 in the DST zones has the right length, and
/// the planner's day windows tile each year.
#[test]
fn dst_sweep_day_lengths() {
    for name in ["Europe/London", "America/New_York", "Australia/Sydney"] {
        let z = Zone::lookup(name).unwrap();
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

proptest! {
    /// The key index used by `enqueueMany` (`Queue::key_index` + `enqueue_with`) finds
    /// exactly what a scan comparing formatted keys (`Item::key`) finds: the live item
    /// with the request's key, else the newest final one. Few windows, channel lists and
    /// profiles, so that keys repeat and items finish between batches.
    #[test]
    fn the_key_index_agrees_with_comparing_formatted_keys(
        batches in prop::collection::vec(
            (prop::collection::vec((0usize..3, 0usize..3, 0usize..3), 0..12), any::<bool>(), prop::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 0..4)),
            1..6,
        ),
    ) {
        let windows = [(0, 24), (0, 48), (24, 48)];
        let channels: [&[&str]; 3] = [&["sms"], &["sms", "whatsapp"], &["whatsapp"]];
        let mut q = Queue::default();
        for (reqs, repeat_finished, finishes) in &batches {
            let mut index = q.key_index();
            for &(w, c, p) in reqs {
                let (s, e) = windows[w];
                let r = Request {
                    window: Window { start: BASE + s * HOUR_MS, end: BASE + e * HOUR_MS },
                    channels: channels[c].iter().map(|s| s.to_string()).collect(),
                    profile: Profile::ALL[p],
                };
                // The reference: a scan comparing formatted keys.
                let key = export_guard::queue::Item::new(q.next_seq, &r, 0, None).key();
                let live = q.items.iter().find(|i| !i.state.is_final() && i.key() == key).map(|i| i.seq);
                let done = q.items.iter().rev().find(|i| i.state.is_final() && i.key() == key).map(|i| (i.seq, i.state));
                let got = q.enqueue_with(&mut index, &r, 0, None, *repeat_finished);
                match (live, done) {
                    (Some(seq), _) => prop_assert_eq!((got.added, got.item.seq), (false, seq)),
                    (None, Some((seq, _))) if !*repeat_finished => prop_assert_eq!((got.added, got.item.seq), (false, seq)),
                    (None, d) => {
                        prop_assert!(got.added);
                        prop_assert_eq!(got.previous, d.map(|(_, st)| st));
                    }
                }
            }
            for (at, ok) in finishes {
                if !q.items.is_empty() {
                    let i = at.index(q.items.len());
                    q.items[i].state = if *ok { State::Completed } else { State::Failed };
                }
            }
        }
    }
}
