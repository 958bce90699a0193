//! Fuzzes the JSON entry point: any operation of the table, any argument text, any clock.
//! The answer must always be a JSON envelope (`{"ok":...}` or `{"error":...}`), never a
//! panic. The first byte picks the operation from `api::OPERATIONS`, so an operation
//! added to the table is fuzzed with no edit here (fuzz/seed.js reads the same table).
#![no_main]
use export_guard::api::OPERATIONS;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let op = OPERATIONS[data[0] as usize % OPERATIONS.len()].name;
    let now = i64::from_le_bytes(data[1..9].try_into().unwrap());
    let args = String::from_utf8_lossy(&data[9..]);
    let out = export_guard::api::call(op, &args, now);
    let v: serde_json::Value = serde_json::from_str(&out).expect("the answer is JSON");
    assert!(v.get("ok").is_some() || v.get("error").is_some(), "{out}");
});
