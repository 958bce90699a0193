//! The JSON contract shared by every build (Node, web, ServiceNow ES5).
//!
//! [`call`] takes an operation name and its arguments as a JSON array, and answers a JSON
//! envelope: `{"ok": result}` or `{"error": {code, field, message}, "errors": [...]}`.
//! The wasm binding and the ES5 build only move strings; the JS shim turns envelopes
//! into return values or `ExportGuardError`s. Keys are camelCase; instants are UTC
//! ISO strings with milliseconds.
//!
//! The layer is split by direction, so that each operation is read → core → write:
//! - [`ops`]: **the one table** of operations (name, parameters, JS shape, handler). The JS
//!   shim, the generated entry points, the fuzz target and the ES5 banner all derive from
//!   it (through the `operations` operation);
//! - [`obj`], [`read`], [`read_jobs`] and [`read_queue`]: readers that turn JSON into core
//!   types, with field paths;
//! - `handlers` and `answers`: one thin function per operation (`answers` reads the
//!   API's answers: `nextRetry`, `readJob`);
//! - [`write`] and [`write_queue`]: typed output structs, serialised with
//!   `#[derive(Serialize)]`; [`write_decision`]: decisions, by hand (faster; see docs/performance.md);
//! - `handles`: the registry of prepared job lists.

mod answers;
mod handlers;
mod handles;
mod lifecycle;
pub mod obj;
pub mod ops;
pub mod read;
pub mod read_jobs;
pub mod read_queue;
pub mod scan;
pub mod write;
pub mod write_decision;
pub mod write_profile;
pub mod write_queue;

use crate::error::{Error, ErrorCode};
use core::cell::OnceCell;
use obj::type_name;
pub use ops::{Op, OPERATIONS};
use serde_json::Value;

/// Most errors reported for one call (a 100,000-job array of junk gives 50, not 100,000).
pub const MAX_ERRORS: usize = 50;

/// What a handler answers: the `ok` body as JSON text, or the errors.
pub type Answer = core::result::Result<String, Vec<Error>>;

/// One argument as it came: its JSON text, checked but not yet parsed, and its
/// `serde_json::Value`, built the first time a reader asks for it. Job lists skip the
/// `Value` tree (see [`read_jobs::jobs_arg`]): building it was most of a large `decide`.
#[derive(Debug)]
pub struct Slot<'a> {
    raw: &'a str,
    value: OnceCell<Value>,
}

impl<'a> Slot<'a> {
    /// Whether the argument is JSON `null` (an absent argument).
    fn is_null(&self) -> bool {
        self.raw == "null"
    }
}

/// The arguments of one call, by position. `null` reads as absent, so JS callers may
/// pass `undefined` for an argument they skip.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a>(&'a [Slot<'a>]);

impl<'a> Args<'a> {
    /// The argument at `i`, or `None` when it is absent or `null`.
    pub fn get(&self, i: usize) -> Option<&'a Value> {
        self.slot(i).map(|s| {
            // The text was checked as JSON when the array was split, so this parse
            // cannot fail; `null` stands in rather than a panic if it ever did.
            s.value
                .get_or_init(|| serde_json::from_str(s.raw).unwrap_or(Value::Null))
        })
    }

    /// The JSON text of the argument at `i`, or `None` when it is absent or `null`.
    pub fn text(&self, i: usize) -> Option<&'a str> {
        self.slot(i).map(|s| s.raw)
    }

    fn slot(&self, i: usize) -> Option<&'a Slot<'a>> {
        self.0.get(i).filter(|s| !s.is_null())
    }
}

/// Runs operation `op` on `args_json` (a JSON array of arguments). `now_ms` is the
/// caller's clock, used where an `options.now` is not given. Never panics on input.
pub fn call(op: &str, args_json: &str, now_ms: i64) -> String {
    if args_json.len() > read::limits::MAX_INPUT_BYTES {
        return envelope(Err(vec![Error::new(
            ErrorCode::TooLarge,
            "",
            format!(
                "the arguments are {} bytes of JSON; the limit is {} (see limits()): pass fewer jobs or requests per call, or prepareJobs once",
                args_json.len(),
                read::limits::MAX_INPUT_BYTES
            ),
        )]));
    }
    envelope(split(args_json).and_then(|args| dispatch(op, &args, now_ms)))
}

/// Splits the JSON array of arguments into unparsed slots, checking all of it as JSON.
fn split(args_json: &str) -> core::result::Result<Vec<Slot<'_>>, Vec<Error>> {
    let not_json = |e: serde_json::Error| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("arguments are not valid JSON: {e}"),
        )]
    };
    if let Some(split) = scan::split(args_json) {
        if split.containers > read::limits::MAX_INPUT_CONTAINERS {
            return Err(vec![Error::new(
                ErrorCode::TooLarge,
                "",
                format!(
                    "the arguments hold {} JSON objects and arrays; the limit is {} (see limits()): pass fewer jobs or requests per call",
                    split.containers,
                    read::limits::MAX_INPUT_CONTAINERS
                ),
            )]);
        }
        let slot = |raw| Slot {
            raw,
            value: OnceCell::new(),
        };
        return Ok(split.args.into_iter().map(slot).collect());
    }
    // Not valid JSON, not an array, or deeply nested: parse it whole, for the exact
    // message or the slots.
    match serde_json::from_str::<Value>(args_json) {
        Err(e) => Err(not_json(e)),
        Ok(Value::Array(values)) => Ok(values
            .into_iter()
            .map(|v| Slot {
                raw: if v.is_null() { "null" } else { "" },
                value: OnceCell::from(v),
            })
            .collect()),
        Ok(other) => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("arguments must be a JSON array, not {}", type_name(&other)),
        )]),
    }
}

/// Finds `op` in the table, checks the argument count, and runs its handler.
fn dispatch(op: &str, args: &[Slot<'_>], now_ms: i64) -> Answer {
    let Some(entry) = ops::find(op) else {
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
        (Err(mut errors), ops::Shape::Decision) => {
            errors.truncate(MAX_ERRORS);
            let mut text = String::with_capacity(256);
            write_decision::decision(&mut text, &crate::decide::Decision::reject(errors), None);
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
            write::to_json(&write::Failure {
                error: write::ErrorOut::from(&errors[0]),
                errors: errors.iter().map(write::ErrorOut::from).collect(),
            })
            .unwrap_or_else(|_| String::from("{\"error\":null}"))
        }
    }
}

/// Wraps one error as a list (the handlers' error type).
pub(crate) fn one<T>(r: crate::Result<T>) -> core::result::Result<T, Vec<Error>> {
    r.map_err(|e| vec![e])
}

/// The first error of a list (for callers that report one).
pub(crate) fn first(errors: Vec<Error>) -> Error {
    errors
        .into_iter()
        .next()
        .unwrap_or_else(|| Error::new(ErrorCode::InvalidArgument, "", "invalid input"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
