//! Fuzzes the JSON entry point: any operation, any argument text, any clock. The answer
//! must always be a JSON envelope (`{"ok":...}` or `{"error":...}`), never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

const OPS: [&str; 11] = [
    "decide", "buildPayload", "plan", "enqueue", "drain", "schedule", "nextRetry", "profiles", "timeZones",
    "channels", "version",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let op = OPS[data[0] as usize % OPS.len()];
    let now = i64::from_le_bytes(data[1..9].try_into().unwrap());
    let args = String::from_utf8_lossy(&data[9..]);
    let out = export_guard::api::call(op, &args, now);
    let v: serde_json::Value = serde_json::from_str(&out).expect("the answer is JSON");
    assert!(v.get("ok").is_some() || v.get("error").is_some(), "{out}");
});
