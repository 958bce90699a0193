//! The wasm-bindgen boundary: strings in, strings out. All logic lives in [`crate::api`].

use wasm_bindgen::prelude::*;

/// Runs one operation of the JSON contract. `args` is a JSON array; the answer is the
/// JSON envelope described in [`crate::api`]. `now_ms` is the caller's clock
/// (`Date.now()`); a NaN or out-of-range value saturates instead of trapping.
#[wasm_bindgen]
pub fn call(op: &str, args: &str, now_ms: f64) -> String {
    crate::api::call(op, args, now_ms as i64)
}

/// [`call`] with the arguments as UTF-8 bytes. For large arguments: wasm-bindgen copies
/// a string into wasm memory with a JavaScript loop over its characters, bytes with one
/// native copy (the shim encodes with `TextEncoder`, which never yields invalid UTF-8;
/// anything invalid would become U+FFFD, as a lone surrogate in a string does).
#[wasm_bindgen]
pub fn call_bytes(op: &str, args: &[u8], now_ms: f64) -> String {
    // `from_utf8` checks ASCII a word at a time (`from_utf8_lossy` alone goes byte by
    // byte); the encoder's output is valid UTF-8.
    match core::str::from_utf8(args) {
        Ok(text) => crate::api::call(op, text, now_ms as i64),
        Err(_) => crate::api::call(op, &String::from_utf8_lossy(args), now_ms as i64),
    }
}

/// The size of this instance's linear memory in bytes (it only grows). Not part of the
/// contract: the leak test (`pkg/test/leak.test.js`) and the benchmark's memory figures
/// read it from `pkg/node/export_guard.js`.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0
}

/// Stops this instance with a wasm trap (`unreachable`), as running out of memory
/// would. Not part of the contract: the shim's recovery tests reach it through
/// `__testing.trapNextCall()` (see `pkg/src/contract.js`).
#[wasm_bindgen]
pub fn trap_for_tests() {
    core::arch::wasm32::unreachable()
}
