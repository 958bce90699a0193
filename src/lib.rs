//! # export-guard
//!
//! Decide, plan and back off Genesys Cloud export jobs **before any HTTP call**, so that
//! parallel jobs (ServiceNow Data Actions, CI scripts, admin pages) never collide on the
//! evaluation-export date-range lock (409 Conflict), and 429/5xx answers are retried
//! politely.
//!
//! The crate is plain Rust; the wasm binding (`wasm` module, wasm32 only) and the JS
//! shim only move JSON strings in and out of [`api::call`].
//!
//! - [`time`]: half-open UTC windows `[start, end)` in milliseconds, and parsing;
//! - [`zone`]: IANA time zones at the edges (local dates, DST-exact day boundaries);
//! - [`channel`]: explicit, validated channel filters;
//! - [`profile`]: one profile per Genesys endpoint (paths, statuses, lock rule, payload);
//! - [`decide`]: overlap detection → submit / queue / reject;
//! - [`plan`]: disjoint windows aligned to local hours/days/weeks, dealt to N workers;
//! - [`queue`]: a serialisable FIFO queue of requests and the state of each;
//! - [`lifecycle`]: the sans-IO state machine that drives each item from queued to
//!   completed: `next` hands out the HTTP calls, `record` reads their answers;
//! - [`backoff`]: retry schedules and response classification;
//! - [`httpdate`]: `Retry-After` values, in all three HTTP-date forms;
//! - [`api`]: the JSON contract shared by every build: one table of operations, each
//!   read → core → write;
//! - [`error`]: the error type with stable codes.

// Unsafe code is denied everywhere but in the ES5 module, whose raw exports and
// randomness import need `no_mangle` and an FFI call.
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod backoff;
pub mod bulk;
pub mod channel;
pub mod decide;
pub mod error;
pub mod httpdate;
pub mod lifecycle;
pub mod order;
pub mod plan;
pub mod profile;
pub mod queue;
pub mod time;
pub mod zone;

#[cfg(all(target_arch = "wasm32", feature = "bindgen"))]
pub mod wasm;

#[cfg(all(target_arch = "wasm32", feature = "es5"))]
#[allow(unsafe_code)]
mod es5;

pub use error::{Error, ErrorCode, Result, Within};
