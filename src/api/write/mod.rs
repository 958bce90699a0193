//! Shared writers: the envelope's error, instants, windows and endpoints, serialised with
//! `#[derive(Serialize)]`. Each operation's own output types live in its file.
//!
//! Each struct borrows from the core's result, so writing copies no data but the
//! formatted instants. Fields are declared in **alphabetical order**: that is the order
//! in which the earlier `serde_json::Value` writer emitted them, so the answers are
//! byte-identical to earlier versions (and across runtimes, which the Rhino run checks).
//! Optional fields are left out when absent unless the contract has always sent `null`.
//!
//! Decisions are the one exception: [`decision`] writes them by hand, for speed (why:
//! its module docs).

pub mod decision;
pub mod profile;

use crate::api::args::Answer;
use crate::error::{Error, ErrorCode};
use crate::profile::Profile;
use crate::time::{format_ms, Window};
use serde::{Serialize, Serializer};

/// Serialises `v` as JSON text.
pub fn to_json<T: Serialize>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string(v)
}

/// Serialises `v` as a handler's answer. Serialising these types cannot fail (no maps
/// with non-string keys, no failing `Serialize` impls); should it, the caller still
/// gets a typed error instead of a trap.
// Out of line, so that writing an answer is not part of its handler's function: with
// it inlined, `inspectQueue` and `enqueueMany` were each too big for one JVM method in
// the ES5 build (`tests/rhino/compile-check.js`).
#[inline(never)]
pub fn answer<T: Serialize>(v: &T) -> Answer {
    to_json(v).map_err(|e| {
        vec![Error::new(
            ErrorCode::InvalidArgument,
            "",
            format!("the answer could not be written as JSON: {e}"),
        )]
    })
}

/// An instant, written as a UTC ISO string with milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Iso(pub i64);

impl Serialize for Iso {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_ms(self.0))
    }
}

/// `{code, field, message}`.
#[derive(Debug, Serialize)]
pub struct ErrorOut<'a> {
    code: &'static str,
    field: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Error> for ErrorOut<'a> {
    fn from(e: &'a Error) -> Self {
        ErrorOut {
            code: e.code.as_str(),
            field: &e.field,
            message: &e.message,
        }
    }
}

/// The error envelope: the first error, and all of them.
#[derive(Debug, Serialize)]
pub struct Failure<'a> {
    /// The first error.
    pub error: ErrorOut<'a>,
    /// Every error, the first included.
    pub errors: Vec<ErrorOut<'a>>,
}

/// A window: `{end, lockKey, start}`. Both instants are formatted once, into the lock
/// key, and the other two fields are its halves: windows are the most frequent output of
/// a batch, so this one type serialises by hand (still through serde).
#[derive(Debug)]
pub struct WindowOut {
    lock_key: String,
    cut: usize,
}

impl From<&Window> for WindowOut {
    fn from(w: &Window) -> Self {
        let lock_key = w.lock_key();
        let cut = lock_key.find('/').unwrap_or(0);
        WindowOut { lock_key, cut }
    }
}

impl Serialize for WindowOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (start, end) = self.lock_key.split_at(self.cut);
        let mut st = s.serialize_struct("Window", 3)?;
        st.serialize_field("end", end.get(1..).unwrap_or(""))?;
        st.serialize_field("lockKey", &self.lock_key)?;
        st.serialize_field("start", start)?;
        st.end()
    }
}

/// Where to send a profile's create call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    method: &'static str,
    path: &'static str,
    poll_path: String,
}

impl From<Profile> for Endpoint {
    fn from(p: Profile) -> Self {
        Endpoint {
            method: p.method(),
            path: p.path(),
            poll_path: p.poll_path(),
        }
    }
}
