//! Tests of the contract layer that need its private parts.

use super::read_jobs::{job_fast, job_of};
use super::*;
use crate::profile::Profile;
use proptest::prelude::*;
use serde_json::json;

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    /// The fast path accepts exactly what the checked path accepts, with the same
    /// jobs, whatever the default profile (none: every profile that knows the status).
    #[test]
    fn fast_and_slow_job_parsing_agree(v in job_json()) {
        for default in [None, Some(Profile::EvaluationExports), Some(Profile::RecordingJobs)] {
            for all in [true, false] {
                let mut slow = Vec::new();
                let slow = job_of(&v, "activeJobs[0]", default, all, &mut slow).ok().map(|()| slow);
                let mut fast = Vec::new();
                let fast = job_fast(&v, default, all, &mut fast).then_some(fast);
                prop_assert_eq!(fast, slow);
            }
        }
    }
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
    let big = format!("[\"{}\"]", "x".repeat(read::limits::MAX_INPUT_BYTES));
    let out: Value = serde_json::from_str(&call("decide", &big, 0)).unwrap(); // ok: test code
                                                                              // decide answers errors as a reject decision; the size check comes first.
    assert_eq!(out["error"]["code"], "TOO_LARGE", "{out}");
    assert_eq!(
        call("version", "[]", 0),
        format!("{{\"ok\":\"{}\"}}", env!("CARGO_PKG_VERSION"))
    );
}
