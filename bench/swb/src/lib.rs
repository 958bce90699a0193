//! Two entry points to the same contract, for `bench/serde-wasm-bindgen.js`: the
//! arguments as one JSON text (what every build does), or as JS values that
//! serde-wasm-bindgen reads into `serde_json::Value`s.

use wasm_bindgen::prelude::*;

/// Today's path: the arguments as a JSON array's text.
#[wasm_bindgen]
pub fn call_text(op: &str, args: &str, now_ms: f64) -> String {
    export_guard::api::call(op, args, now_ms as i64)
}

/// The arguments as JS values, each read by serde-wasm-bindgen (`undefined` and values
/// it cannot read become `null`).
#[wasm_bindgen]
pub fn call_js(op: &str, args: Vec<JsValue>, now_ms: f64) -> String {
    let values = args
        .into_iter()
        .map(|v| serde_wasm_bindgen::from_value(v).unwrap_or(serde_json::Value::Null))
        .collect();
    export_guard::api::call_values(op, values, now_ms as i64)
}
