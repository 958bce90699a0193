//! The numeric limits of the inputs, published by the `limits` operation, and the
//! error for a list over one.

use crate::error::{Error, ErrorCode};

/// Most workers a plan deals windows to.
pub const MAX_WORKERS: u32 = 10_000;
/// Largest `maxRangeDays` (ten years).
pub const MAX_RANGE_DAYS: u32 = 3_660;
/// Default `maxRangeDays`: every profile's maximum (a test holds them equal).
pub const DEFAULT_RANGE_DAYS: u32 = 32;
/// Largest `maxActiveJobs`.
pub const MAX_ACTIVE_JOBS: u32 = 10_000;
/// Largest `maxWindows` of a plan.
pub const MAX_WINDOWS: u64 = 1_000_000;
/// Default `maxWindows` of a plan.
pub const DEFAULT_WINDOWS: u64 = 10_000;
/// Most bytes of JSON arguments one call takes. Parsed, JSON takes several times its
/// text in memory, and a wasm32 instance has 4 GiB at most.
pub const MAX_INPUT_BYTES: usize = 256 << 20;
/// Most objects and arrays in the JSON arguments of one call. Read into a tree, each
/// costs a few hundred bytes of wasm memory whatever its text: 256 MiB of `{}` would
/// need 40 GiB. 4,000,000 allow a list of 1,000,000 jobs that each hold two nested
/// objects or arrays.
pub const MAX_INPUT_CONTAINERS: usize = 4_000_000;
/// Most requests in one `decideMany` or `enqueueMany` call.
pub const MAX_BATCH: usize = 100_000;
/// Most jobs in one job list.
pub const MAX_JOBS: usize = 1_000_000;
/// Most items in one queue.
pub const MAX_QUEUE_ITEMS: usize = 100_000;
/// Most bytes of one answer (a batch whose decisions list many conflicts each).
pub const MAX_ANSWER_BYTES: usize = 512 << 20;

/// `TOO_LARGE` for a list of `len` at `path`, over `max`.
pub fn too_many(path: &str, len: usize, max: usize, what: &str) -> Error {
    Error::new(
        ErrorCode::TooLarge,
        path,
        format!("{len} {what} in one call; the limit is {max} (see limits()): split the list into several calls"),
    )
}
