//! The wasm-bindgen boundary: strings in, strings out. All logic lives in [`crate::api`].

use wasm_bindgen::prelude::*;

/// Runs one operation of the JSON contract. `args` is a JSON array; the answer is the
/// JSON envelope described in [`crate::api`]. `now_ms` is the caller's clock
/// (`Date.now()`); a NaN or out-of-range value saturates instead of trapping.
#[wasm_bindgen]
pub fn call(op: &str, args: &str, now_ms: f64) -> String {
    crate::api::call(op, args, now_ms as i64)
}
