//! The JSON contract shared by every build (Node, web, ServiceNow ES5).
//!
//! [`call`] takes an operation name and its arguments as a JSON array, and answers a JSON
//! envelope: `{"ok": result}` or `{"error": {code, field, message}, "errors": [...]}`.
//! The wasm binding and the ES5 build only move strings; the JS shim turns envelopes
//! into return values or `ExportGuardError`s. Keys are camelCase; instants are UTC
//! ISO strings with milliseconds.
//!
//! Each operation is read → core → write, and the layer is organised by operation:
//! - [`table`]: **the one table** of operations (name, parameters, JS shape, handler);
//! - [`ops`]: the operations by family, each file with its handlers, the readers only
//!   they use, and their output types;
//! - [`read`], [`state`] and [`write`](mod@write): what several operations share (requests, job
//!   lists, options, the API's answers; queue states; the envelope's parts and the
//!   hand-written decision writer);
//! - [`args`], [`limits`], [`obj`], [`scan`] and [`handles`]: the leaves (the argument
//!   slots, the numeric limits, JSON objects with field paths, the job-list scanner, the
//!   registry of prepared job lists and kept queues).
//!
//! No module depends on one that depends on it, and no file is over 400 lines
//! (`tests/api_layout.rs` checks both).

pub mod args;
pub mod handles;
pub mod limits;
pub mod obj;
pub mod ops;
pub mod read;
pub mod scan;
pub mod schema;
pub mod state;
pub mod table;
pub mod write;

use crate::api::args::{split, Answer, Args, Slot, MAX_ERRORS};
use crate::api::table::{find, Shape};
use crate::api::write::{decision, to_json, ErrorOut, Failure};
use crate::error::{Error, ErrorCode};
pub use table::{Op, OPERATIONS};

/// Runs operation `op` on `args_json` (a JSON array of arguments). `now_ms` is the
/// caller's clock, used where an `options.now` is not given. Never panics on input.
pub fn call(op: &str, args_json: &str, now_ms: i64) -> String {
    if args_json.len() > limits::MAX_INPUT_BYTES {
        return envelope(Err(vec![Error::new(
            ErrorCode::TooLarge,
            "",
            format!(
                "the arguments are {} bytes of JSON; the limit is {} (see limits()): pass fewer jobs or requests per call, or prepareJobs once",
                args_json.len(),
                limits::MAX_INPUT_BYTES
            ),
        )]));
    }
    envelope(split(args_json).and_then(|args| dispatch(op, &args, now_ms)))
}

/// [`call`] with the arguments already parsed: for a Rust caller that holds `Value`s
/// (and for the measurement of serde-wasm-bindgen in `bench/swb`, docs/performance.md).
/// The answer is the same envelope; job lists are read from their `Value`s.
pub fn call_values(op: &str, args: Vec<serde_json::Value>, now_ms: i64) -> String {
    let slots: Vec<Slot<'_>> = args.into_iter().map(Slot::parsed).collect();
    envelope(dispatch(op, &slots, now_ms))
}

/// Finds `op` in the table, checks the argument count, and runs its handler.
fn dispatch(op: &str, args: &[Slot<'_>], now_ms: i64) -> Answer {
    let Some(entry) = find(op) else {
        let names: Vec<&str> = OPERATIONS.iter().map(|o| o.name).collect();
        return Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!(
                "unknown operation {:?}; expected one of: {}",
                op.chars().take(40).collect::<String>(),
                names.join(", ")
            ),
        )]);
    };
    // Trailing nulls are absent arguments (JS `undefined` becomes null in JSON).
    let given = args.iter().rposition(|v| !v.is_null()).map_or(0, |i| i + 1);
    let result = if given > entry.params.len() {
        Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!(
                "{op} takes at most {} arguments ({}), got {}",
                entry.params.len(),
                entry.params.join(", "),
                given
            ),
        )])
    } else {
        (entry.handler)(Args(args), now_ms)
    };
    match (result, entry.shape) {
        // A decision never fails: its errors are a `reject` decision, in every runtime.
        (Err(mut errors), Shape::Decision) => {
            errors.truncate(MAX_ERRORS);
            let mut text = String::with_capacity(256);
            decision::decision(&mut text, &crate::decide::Decision::reject(errors), None);
            Ok(text)
        }
        (result, _) => result,
    }
}

/// Wraps a result in the `{"ok": ...}` / `{"error": ..., "errors": [...]}` envelope.
pub fn envelope(result: Answer) -> String {
    match result {
        Ok(body) => {
            let mut out = String::with_capacity(body.len() + 7);
            out.push_str("{\"ok\":");
            out.push_str(&body);
            out.push('}');
            out
        }
        Err(mut errors) => {
            if errors.is_empty() {
                errors.push(Error::new(ErrorCode::InvalidArgument, "", "unknown error"));
            }
            errors.truncate(MAX_ERRORS);
            to_json(&Failure {
                error: ErrorOut::from(&errors[0]),
                errors: errors.iter().map(ErrorOut::from).collect(),
            })
            .unwrap_or_else(|_| String::from("{\"error\":null}"))
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
