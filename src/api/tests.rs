//! Tests of the contract layer that need its private parts.

use super::read::jobs::{parse_list, typed_list};
use super::*;
use crate::profile::Profile;
use proptest::prelude::*;
use serde_json::{json, Value};

fn value() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!(null),
        json!(""),
        json!("j-1"),
        json!(7),
        json!("2026-11-02T00:00:00Z"),
        json!("2026-11-03T00:00:00+01:00"),
        json!("2026-11-02"),
        json!("2026-13-02T00:00:00Z"),
        json!("2026-11-02T00:00:00Z/2026-11-03T00:00:00Z"),
        json!("2026-11-03T00:00:00Z/2026-11-02T00:00:00Z"),
        json!("IN_PROGRESS"),
        json!("completed"),
        json!("PENDING"),
        json!("recordingJobs"),
        json!("nope"),
        json!([]),
        json!(["SMS", "whatsapp"]),
        json!(["fax"]),
        json!([1]),
        json!({}),
    ])
}

fn job_json() -> impl Strategy<Value = Value> {
    let keys = [
        "id",
        "start",
        "end",
        "interval",
        "startDate",
        "endDate",
        "start_date",
        "end_date",
        "status",
        "channels",
        "profile",
        "extra",
    ];
    prop::collection::vec((prop::sample::select(keys.to_vec()), value()), 0..9)
        .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

/// A well-formed job, sometimes spoiled by one or two random fields.
fn mostly_valid_job() -> impl Strategy<Value = Value> {
    let status = prop::sample::select(vec![
        "IN_PROGRESS",
        "completed",
        "QUEUED",
        "FAILED",
        "PENDING",
    ]);
    (status, 0..3u8, job_json()).prop_map(|(status, spoil, noise)| {
        let mut job = json!({
            "id": "j-1", "start": "2026-11-02T00:00:00Z", "end": "2026-11-03T00:00:00+01:00",
            "status": status, "channels": ["SMS", "whatsapp"], "user": {"id": 5, "x": [1, {}]}
        });
        if let (Some(m), Value::Object(noise)) = (job.as_object_mut(), noise) {
            m.extend(noise.into_iter().take(usize::from(spoil)));
        }
        job
    })
}

fn job_list() -> impl Strategy<Value = (Vec<Value>, bool)> {
    let job = prop_oneof![3 => mostly_valid_job(), 1 => job_json()];
    (prop::collection::vec(job, 0..5), any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// A job list read from its text (`scan`, no `Value` tree) is read exactly as the
    /// `Value` path reads it, errors included, or not at all (and the call then takes the
    /// `Value` path). Both go through the one job reader, `read_job`; what differs is how
    /// the fields are found.
    #[test]
    fn job_lists_read_from_text_agree_with_the_value_path((list, pretty) in job_list()) {
        let v = Value::Array(list);
        let text = if pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) };
        let text = text.unwrap(); // ok: test code
        for default in [None, Some(Profile::EvaluationExports), Some(Profile::RecordingJobs)] {
            for keep_all in [true, false] {
                let mut origin = Vec::new();
                let Some((fast, count)) = typed_list(&text, "activeJobs", default, keep_all.then_some(&mut origin)) else { continue };
                READ_FROM_TEXT.with(|n| n.set(n.get() + 1));
                let mut slow_origin = Vec::new();
                let slow = parse_list(Some(&v), "activeJobs", default, keep_all.then_some(&mut slow_origin));
                prop_assert_eq!(fast, slow);
                prop_assert_eq!(&origin, &slow_origin);
                prop_assert_eq!(Some(count), v.as_array().map(Vec::len));
            }
        }
    }
}

thread_local! {
    /// Lists the text reader took, in this thread: the property run as its own test
    /// counts in its own thread, so this count is the one run below alone.
    static READ_FROM_TEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[test]
fn the_text_reader_is_exercised() {
    // The property above is only as good as the share of lists the text reader takes.
    READ_FROM_TEXT.with(|n| n.set(0));
    job_lists_read_from_text_agree_with_the_value_path();
    let n = READ_FROM_TEXT.with(|n| n.get());
    assert!(n > 3000, "only {n} of 12,000 lists were read from text");
}

#[test]
fn plain_job_lists_are_read_from_text_and_others_fall_back_with_the_same_answer() {
    let plain = r#"[ {"id":"a","start":"2026-11-02T10:00:00Z","end":"2026-11-02T11:00:00Z","status":"QUEUED","channels":["sms"],"user":{"id":"u","n":[1,2]}} ]"#;
    assert!(typed_list(plain, "activeJobs", None, None).is_some());
    // An escape in a field the core reads: the scanner declines, the call still answers.
    let escaped = plain.replace(r#""id":"a""#, r#""id":"\u0061""#);
    assert!(typed_list(&escaped, "activeJobs", None, None).is_none());
    let req = r#"{"start":"2026-11-02T00:00:00Z","end":"2026-11-03T00:00:00Z","channels":["sms"]}"#;
    let a = call("decide", &format!("[{req},{plain}]"), 0);
    // The job overlaps the request: it queues, blocked by job a.
    let d: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(d["ok"]["action"], "queue", "{a}");
    assert_eq!(d["ok"]["conflicts"][0]["id"], "a", "{a}");
    assert_eq!(a, call("decide", &format!("[{req},{escaped}]"), 0));
    // Deeper than the scanner splits: parsed whole, so serde_json's limit answers.
    let deep = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
    assert!(
        call("decide", &deep, 0).contains("recursion limit"),
        "{}",
        call("decide", &deep, 0)
    );
    let nested = format!(
        "[{req},{plain},{{\"profile\":null}},{}{}]",
        "[".repeat(110),
        "]".repeat(110)
    );
    assert!(call("decide", &nested, 0).contains("at most 3 arguments"));
    assert!(call("decide", "[1,", 0).contains("not valid JSON"));
    assert!(call("decide", "{}", 0).contains("must be a JSON array, not an object"));
}

#[test]
fn prepared_job_lists_are_used_and_freed() {
    let jobs = r#"[{"id":"busy","start":"2026-11-02T10:00:00Z","end":"2026-11-02T11:00:00Z","status":"QUEUED"}]"#;
    let out: Value = serde_json::from_str(&call("prepareJobs", &format!("[{jobs}]"), 0)).unwrap(); // ok: test code
    let handle = out["ok"]["$index"].clone();
    assert_eq!(out["ok"]["count"], 1);
    let req = r#"{"start":"2026-11-02T00:00:00Z","end":"2026-11-03T00:00:00Z","channels":["sms"]}"#;
    let d: Value = serde_json::from_str(&call(
        "decide",
        &format!(r#"[{req},{{"$index":{handle}}}]"#),
        0,
    ))
    .unwrap(); // ok: test code
    assert_eq!(d["ok"]["conflicts"][0]["id"], "busy");
    assert_eq!(
        call("freeJobs", &format!("[{handle}]"), 0),
        r#"{"ok":true}"#
    );
    assert_eq!(
        call("freeJobs", &format!("[{handle}]"), 0),
        r#"{"ok":false}"#
    );
    let d: Value = serde_json::from_str(&call(
        "decide",
        &format!(r#"[{req},{{"$index":{handle}}}]"#),
        0,
    ))
    .unwrap(); // ok: test code
    assert_eq!(d["ok"]["errors"][0]["field"], "activeJobs");
}

#[test]
fn arguments_over_the_input_limit_are_too_large_and_the_next_call_works() {
    let big = format!("[\"{}\"]", "x".repeat(limits::MAX_INPUT_BYTES));
    let out: Value = serde_json::from_str(&call("decide", &big, 0)).unwrap(); // ok: test code
                                                                              // decide answers errors as a reject decision; the size check comes first.
    assert_eq!(out["error"]["code"], "TOO_LARGE", "{out}");
    assert_eq!(
        call("version", "[]", 0),
        format!("{{\"ok\":\"{}\"}}", env!("CARGO_PKG_VERSION"))
    );
}

/// Applies a `queueChanges` answer to rows kept by seq (what a store does).
fn apply_changes(rows: &mut std::collections::BTreeMap<u64, Value>, changes: &Value) {
    for c in changes["items"].as_array().unwrap() {
        rows.insert(c["item"]["seq"].as_u64().unwrap(), c["item"].clone());
    }
    for seq in changes["removed"].as_array().unwrap() {
        rows.remove(&seq.as_u64().unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the calls on a kept queue (next, record of item answers and listings,
    /// enqueue, prune, refused answers), the rows a store keeps, updated with each
    /// `queueChanges` (or with the changes `next` and `record` answer under the option
    /// `changes`), equal the queue's items: `record`'s hint that only its item changed
    /// never hides a change.
    #[test]
    fn queue_changes_keep_the_rows_equal_to_the_queue(
        script in prop::collection::vec((0u8..6, 0usize..8, 0u8..5), 1..40),
    ) {
        let t0 = 1_795_000_000_000i64;
        let mut q = Value::Null;
        for d in 0..6 {
            let profile = ["evaluationExports", "recordingJobs", "conversationDetailsJobs"][d % 3];
            let start = format!("2026-11-{:02}T00:00:00Z", d + 1);
            let end = format!("2026-11-{:02}T00:00:00Z", d + 2);
            let r: Value = serde_json::from_str(&call("enqueue", &json!([q, {"profile": profile, "start": start, "end": end, "channels": ["sms"]}, {"now": t0}]).to_string(), t0)).unwrap();
            q = r["ok"]["queue"].clone();
        }
        let kept: Value = serde_json::from_str(&call("loadQueue", &json!([q]).to_string(), t0)).unwrap();
        let h = kept["ok"].clone();
        let mut rows: std::collections::BTreeMap<u64, Value> = q["items"].as_array().unwrap().iter().map(|i| (i["seq"].as_u64().unwrap(), i.clone())).collect();
        let opts = |now: i64, changes: bool| json!({"now": now, "integrationId": "int-1", "fetchResults": true, "maxInDoubt": 1000, "changes": changes});
        let state = |now: i64| -> std::collections::BTreeMap<u64, Value> {
            let st: Value = serde_json::from_str(&call("queueState", &json!([h]).to_string(), now)).unwrap();
            st["ok"]["items"].as_array().unwrap().iter().map(|i| (i["seq"].as_u64().unwrap(), i.clone())).collect()
        };
        let mut actions: Vec<Value> = Vec::new();
        let mut now = t0;
        for (op, pick, answer) in script {
            now += 7_000;
            // A third of the steps and answers say what they changed themselves.
            let inline = pick % 3 == 1;
            match op {
                0 | 1 => {
                    let st: Value = serde_json::from_str(&call("next", &json!([h, null, opts(now, inline)]).to_string(), now)).unwrap();
                    actions = st["ok"]["actions"].as_array().cloned().unwrap_or_default();
                    prop_assert_eq!(st["ok"].get("changes").is_some(), inline);
                    if inline {
                        apply_changes(&mut rows, &st["ok"]["changes"]);
                        prop_assert_eq!(&rows, &state(now));
                    }
                }
                2 | 3 if !actions.is_empty() => {
                    let a = &actions[pick % actions.len()];
                    let body = match (answer, a["kind"].as_str().unwrap()) {
                        (_, "list") => json!({"entities": []}),
                        (0, "results") => json!({"conversations": [{"conversationId": "c1", "conversationStart": "2026-11-01T10:00:00Z"}], "cursor": "x"}),
                        (_, "results") => json!({"conversations": []}),
                        (0 | 1, _) => json!({"id": format!("j{pick}"), "jobId": format!("j{pick}"), "state": "FULFILLED", "status": "COMPLETED"}),
                        (2, _) => json!({"id": format!("j{pick}"), "jobId": format!("j{pick}"), "state": "PENDING", "status": "QUEUED"}),
                        _ => json!({"message": "busy"}),
                    };
                    let status = if answer == 4 { 429 } else { 200 };
                    let response = json!({"status": status, "headers": {"Retry-After": "3"}, "body": body.to_string()});
                    // op 3 records through recordMany (one answer, or an unknown key too).
                    let r: Value = if op == 3 {
                        let mut answers = vec![json!({"key": a["key"], "response": response})];
                        if answer == 3 {
                            answers.push(json!({"key": "no such key", "response": response}));
                        }
                        serde_json::from_str(&call("recordMany", &json!([h, answers, opts(now, inline)]).to_string(), now)).unwrap()
                    } else {
                        serde_json::from_str(&call("record", &json!([h, a["key"], response, opts(now, inline)]).to_string(), now)).unwrap()
                    };
                    if inline && r.get("ok").is_some() {
                        apply_changes(&mut rows, &r["ok"]["changes"]);
                        prop_assert_eq!(&rows, &state(now));
                    }
                }
                4 => {
                    let d = 10 + pick;
                    let _ = call("enqueue", &json!([h, {"start": format!("2026-11-{d:02}T00:00:00Z"), "end": format!("2026-11-{:02}T00:00:00Z", d + 1), "channels": ["email"]}, {"now": now}]).to_string(), now);
                }
                _ => {
                    let _ = call("prune", &json!([h, {"before": now, "now": now}]).to_string(), now);
                }
            }
            if pick % 2 == 0 {
                let c: Value = serde_json::from_str(&call("queueChanges", &json!([h]).to_string(), now)).unwrap();
                apply_changes(&mut rows, &c["ok"]);
                prop_assert_eq!(&rows, &state(now));
            }
        }
        let _ = call("freeQueue", &json!([h]).to_string(), now);
    }
}

#[test]
fn next_with_waiting_false_counts_the_held_items_and_lists_none() {
    let state = json!({"version": 3, "nextSeq": 2, "items": [
        {"seq": 0, "start": "2026-11-02T00:00:00Z", "end": "2026-11-04T00:00:00Z", "channels": ["sms"]},
        {"seq": 1, "start": "2026-11-03T00:00:00Z", "end": "2026-11-05T00:00:00Z", "channels": ["sms"]}]});
    let step = |waiting: Option<bool>| {
        let mut o = json!({"now": "2026-11-28T10:00:00Z"});
        if let Some(w) = waiting {
            o["waiting"] = json!(w);
        }
        let v: Value =
            serde_json::from_str(&call("next", &json!([state, [], o]).to_string(), 0)).unwrap();
        v["ok"].clone()
    };
    let listed = step(None);
    assert_eq!(
        listed["waiting"].as_array().map(Vec::len),
        Some(1),
        "{listed}"
    );
    assert!(listed.get("waitingCount").is_none(), "{listed}");
    assert_eq!(step(Some(true)), listed);
    let counted = step(Some(false));
    assert!(counted.get("waiting").is_none(), "{counted}");
    assert_eq!(counted["waitingCount"], json!(1));
    for key in ["actions", "counts", "queue", "done", "wakeAt"] {
        assert_eq!(counted[key], listed[key], "{key}");
    }
}

#[test]
fn a_job_list_given_as_its_json_text_answers_as_the_array_does() {
    let jobs = r#"[{"id":"busy","start":"2026-11-02T10:00:00Z","end":"2026-11-02T11:00:00Z","status":"IN_PROGRESS"},{"id":"x","interval":"2026-11-01T00:00:00Z/2026-11-02T00:00:00Z","status":"completed","channels":["SMS"]},{"id":"esc\u00e9","start":"2026-11-04T10:00:00Z","end":"2026-11-04T11:00:00Z","status":"QUEUED"}]"#;
    let text = serde_json::to_string(jobs).unwrap(); // ok: test code
    let req = r#"{"start":"2026-11-02T00:00:00Z","end":"2026-11-05T00:00:00Z","channels":["sms"]}"#;
    let queue = r#"{"version":3,"items":[]}"#;
    for (op, args) in [
        ("decide", format!("[{req},{{}}]")),
        ("parseJobs", "[{}]".to_string()),
        ("drain", format!("[{queue},{{}},{{\"now\":0}}]")),
    ] {
        let with = |list: &str| call(op, &args.replacen("{}", list, 1), 0);
        let (array, as_text) = (with(jobs), with(&text));
        assert_eq!(array, as_text, "{op}");
        assert!(array.contains("busy") || op == "drain", "{op}: {array}");
    }
    // Text that is not JSON is refused where it was given.
    let bad = call("parseJobs", "[\"[{\\\"id\\\":\"]", 0);
    assert!(
        bad.contains("\"field\":\"activeJobs\"") && bad.contains("not JSON"),
        "{bad}"
    );
}

#[test]
fn a_job_list_held_as_text_counts_against_the_limit_on_objects_and_arrays() {
    // As a string, the list is one JSON value of the arguments, and holds no containers
    // there: its own text must be counted before anything parses it.
    let n = limits::MAX_INPUT_CONTAINERS;
    let held = format!("[{}]", vec!["[]"; n].join(","));
    let args = serde_json::to_string(&[Value::String(held)]).unwrap();
    let a: Value = serde_json::from_str(&call("prepareJobs", &args, 0)).unwrap();
    assert_eq!(a["error"]["code"], "TOO_LARGE", "{a}");
    assert_eq!(a["error"]["field"], "activeJobs", "{a}");
    // Within the limit, the same shape is read (and refused as jobs, not as too large).
    let args = serde_json::to_string(&[Value::String("[[]]".into())]).unwrap();
    let a: Value = serde_json::from_str(&call("prepareJobs", &args, 0)).unwrap();
    assert_eq!(a["error"]["code"], "INVALID_JOB", "{a}");
}
