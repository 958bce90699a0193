//! The shared JSON vectors, run in real wasm under Node through the wasm-bindgen
//! binding (`cargo test --target wasm32-unknown-unknown --test wasm`).
#![cfg(target_arch = "wasm32")]

mod common;

use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn every_vector_passes_through_the_wasm_binding() {
    // run_all checks every vector's expected answer, here through the binding in wasm
    // (the same runner as the native run, tests/common/mod.rs).
    let answers =
        common::run_all(|op, args| export_guard::wasm::call(op, args, common::NOW_MS as f64));
    assert_eq!(answers.len(), common::cases().len());
}

#[wasm_bindgen_test]
fn bad_input_never_traps_and_the_next_call_works() {
    let junk = [
        "",
        "{",
        "null",
        "[1,2,3,4,5,6]",
        "[\"\\ud800\"]",
        &"[".repeat(10_000),
        &format!("[\"{}\"]", "x".repeat(1 << 20)),
    ];
    for op in ["decide", "plan", "schedule", "nextRetry", "drain", "nope"] {
        for args in junk {
            let out = export_guard::wasm::call(op, args, f64::NAN);
            assert!(out.starts_with('{'), "{op}: {out}");
        }
    }
    let ok = export_guard::wasm::call("schedule", "[]", 0.0);
    assert!(ok.contains("\"totalMs\":255000"), "{ok}");
}

#[wasm_bindgen_test]
fn jitter_without_a_seed_uses_the_platform_random_source() {
    // 2 schedules of 60 full-jitter delays from getrandom (crypto.getRandomValues) differ.
    let policy = r#"[{"jitter":"full","maxAttempts":60,"initialMs":60000}]"#;
    let a = export_guard::wasm::call("schedule", policy, 0.0);
    let b = export_guard::wasm::call("schedule", policy, 0.0);
    assert!(a.contains("\"ok\"") && a != b);
}
