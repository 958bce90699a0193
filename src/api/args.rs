//! The arguments of one call: the JSON array split into slots without parsing them
//! (job lists are read from their text), the handler's answer type, and the helpers
//! every handler shares.

use crate::api::obj::type_name;
use crate::api::{limits, scan};
use crate::error::{Error, ErrorCode, Result};
use core::cell::OnceCell;
use serde_json::Value;

/// Most errors reported for one call (a 100,000-job array of junk gives 50, not 100,000).
pub const MAX_ERRORS: usize = 50;

/// What a handler answers: the `ok` body as JSON text, or the errors.
pub type Answer = core::result::Result<String, Vec<Error>>;

/// One argument as it came: its JSON text, checked but not yet parsed, and its
/// `serde_json::Value`, built the first time a reader asks for it. Job lists skip the
/// `Value` tree (see [`crate::api::read::jobs::jobs_arg`]): building it was most of a large `decide`.
#[derive(Debug)]
pub struct Slot<'a> {
    raw: &'a str,
    value: OnceCell<Value>,
}

impl<'a> Slot<'a> {
    /// An argument already parsed: readers that would read its text read the `Value`.
    pub(crate) fn parsed(value: Value) -> Slot<'static> {
        Slot {
            raw: if value.is_null() { "null" } else { "" },
            value: OnceCell::from(value),
        }
    }

    /// Whether the argument is JSON `null` (an absent argument).
    pub(crate) fn is_null(&self) -> bool {
        self.raw == "null"
    }
}

/// The arguments of one call, by position. `null` reads as absent, so JS callers may
/// pass `undefined` for an argument they skip.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a>(pub(crate) &'a [Slot<'a>]);

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

/// Splits the JSON array of arguments into unparsed slots, checking all of it as JSON.
pub(crate) fn split(args_json: &str) -> core::result::Result<Vec<Slot<'_>>, Vec<Error>> {
    let not_json = |e: serde_json::Error| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("arguments are not valid JSON: {e}"),
        )]
    };
    if let Some(split) = scan::split(args_json) {
        if split.containers > limits::MAX_INPUT_CONTAINERS {
            return Err(vec![Error::new(
                ErrorCode::TooLarge,
                "",
                format!(
                    "the arguments hold {} JSON objects and arrays; the limit is {} (see limits()): pass fewer jobs or requests per call",
                    split.containers,
                    limits::MAX_INPUT_CONTAINERS
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
        Ok(Value::Array(values)) => Ok(values.into_iter().map(Slot::parsed).collect()),
        Ok(other) => Err(vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("arguments must be a JSON array, not {}", type_name(&other)),
        )]),
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

/// The handle number of the first argument (a handle's JSON or its number), or the
/// error naming `field` with `hint`: what the free operations read.
pub(crate) fn handle_arg(
    a: &Args<'_>,
    number_of: fn(&Value) -> Option<u32>,
    field: &str,
    hint: &str,
) -> Result<u32, Vec<Error>> {
    a.get(0)
        .and_then(number_of)
        .ok_or_else(|| vec![Error::new(ErrorCode::InvalidArgument, field, hint)])
}

/// Errors of a reader that reports several at once.
pub type Errors<T> = core::result::Result<T, Vec<Error>>;
