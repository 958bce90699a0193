//! The one table of operations. Everything that lists operations derives from it:
//! [`super::call`] dispatches through it, the `operations` operation publishes it, and
//! from that the JS shim builds its functions (`pkg/src/contract.js`), the build writes
//! the named exports (`pkg/src/entries.js`) and the ES5 banner (`pkg/src/es5-build.js`),
//! the fuzz target picks its operation (`fuzz/fuzz_targets/api.rs`), and the tests check
//! `pkg/index.d.ts` and the vector count against it.
//!
//! Adding an operation: one entry here, plus its reader (in `read`), its handler (in
//! `handlers`) and its output type (in `write`). See docs/internals.md, "Adding an operation".

use super::{answers, handlers as h, lifecycle as lc, Answer, Args};

/// How the JS shim presents an operation's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The answer as it is; errors throw `ExportGuardError`.
    Value,
    /// A decision; errors become a `reject` decision instead of a throw.
    Decision,
    /// A `PreparedJobs` object wrapping the answer (a handle with `free()`).
    PreparedJobs,
    /// A `QueueHandle` object wrapping the answer (a kept queue, with `free()`, and
    /// `toJSON()` giving its state).
    QueueHandle,
}

impl Shape {
    /// `"value"`, `"decision"`, `"preparedJobs"` or `"queueHandle"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Value => "value",
            Shape::Decision => "decision",
            Shape::PreparedJobs => "preparedJobs",
            Shape::QueueHandle => "queueHandle",
        }
    }
}

/// One operation of the contract.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    /// The name, as JS calls it.
    pub name: &'static str,
    /// The parameter names, in order (their count is the most arguments accepted).
    pub params: &'static [&'static str],
    /// How the JS shim presents the answer.
    pub shape: Shape,
    /// One line for the docs and the generated banner.
    pub summary: &'static str,
    /// Reads the arguments, calls the core, writes the answer.
    pub handler: fn(Args<'_>, i64) -> Answer,
}

const fn op(
    name: &'static str,
    params: &'static [&'static str],
    shape: Shape,
    summary: &'static str,
    handler: fn(Args<'_>, i64) -> Answer,
) -> Op {
    Op {
        name,
        params,
        shape,
        summary,
        handler,
    }
}

use Shape::{Decision, PreparedJobs, QueueHandle, Value};

/// Every operation, in the order the docs list them.
pub static OPERATIONS: [Op; 29] = [
    op(
        "decide",
        &["request", "activeJobs", "options"],
        Decision,
        "submit / queue / reject for one request; never throws for bad data",
        h::decide,
    ),
    op(
        "decideMany",
        &["requests", "activeJobs", "options"],
        Value,
        "one decision per request against one job list, parsed once",
        h::decide_many,
    ),
    op(
        "prepareJobs",
        &["activeJobs", "options"],
        PreparedJobs,
        "parses a job list once and keeps it in the core, for many calls",
        h::prepare_jobs,
    ),
    op(
        "freeJobs",
        &["prepared"],
        Value,
        "drops a prepared job list; answers whether it existed",
        h::free_jobs,
    ),
    op(
        "parseJobs",
        &["activeJobs", "options"],
        Value,
        "the job list as the core reads it: normalised, with each job's phase and lock key",
        h::parse_jobs,
    ),
    op(
        "buildPayload",
        &["request", "options"],
        Value,
        "the request body, or one per channel",
        h::build_payload,
    ),
    op(
        "plan",
        &["request", "options"],
        Value,
        "disjoint windows aligned to local hours, days, weeks or months, dealt to workers",
        h::plan,
    ),
    op(
        "enqueue",
        &["queue", "request", "options"],
        Value,
        "adds a request to a queue state (a bulk one as its parts), deduplicated by key among live items",
        h::enqueue,
    ),
    op(
        "enqueueMany",
        &["queue", "requests", "options"],
        Value,
        "adds many requests to a queue state in one pass",
        h::enqueue_many,
    ),
    op(
        "drain",
        &["queue", "activeJobs", "options"],
        Value,
        "what a queue can submit now (left submitting under a lease), and why the rest waits",
        lc::drain,
    ),
    op(
        "next",
        &["queue", "activeJobs", "options"],
        Value,
        "the HTTP calls due now (submit, poll, execute, find, list, results), leased in the returned queue",
        lc::next,
    ),
    op(
        "record",
        &["queue", "action", "response", "options"],
        Value,
        "reads the answer to an item's outstanding call (the action next handed out, or its key) and moves the item on",
        lc::record,
    ),
    op(
        "recordMany",
        &["queue", "answers", "options"],
        Value,
        "records a step's answers ([{ action, response }]) reading and writing the queue once",
        lc::record_many,
    ),
    op(
        "inspectQueue",
        &["queue", "activeJobs", "options"],
        Value,
        "the queue as a person reads it: each item's next call, when it is due, why it waits",
        lc::inspect_queue,
    ),
    op(
        "prune",
        &["queue", "options"],
        Value,
        "removes completed and failed items from a queue's history",
        lc::prune,
    ),
    op(
        "loadQueue",
        &["queue"],
        QueueHandle,
        "keeps a queue state in the core: queue operations then take its handle and answer only the handle",
        h::load_queue,
    ),
    op(
        "queueState",
        &["queue"],
        Value,
        "a queue's state as JSON, to save (a kept queue's, or a state given, checked)",
        h::queue_state,
    ),
    op(
        "queueChanges",
        &["queue"],
        Value,
        "what changed in a kept queue since it was loaded or last asked (here, or with the option changes): the items to write back",
        h::queue_changes,
    ),
    op(
        "freeQueue",
        &["queue"],
        Value,
        "drops a kept queue; answers whether it existed",
        h::free_queue,
    ),
    op(
        "schedule",
        &["policy"],
        Value,
        "previews the delays of a backoff policy",
        h::schedule,
    ),
    op(
        "nextRetry",
        &["attempt", "response", "policy", "options"],
        Value,
        "what to do after an HTTP answer: retry, recheck, give-up or done",
        answers::next_retry,
    ),
    op(
        "readJob",
        &["profile", "response", "options"],
        Value,
        "what a successful API answer says of a job: id, state, phase, message",
        answers::read_job,
    ),
    op(
        "profiles",
        &[],
        Value,
        "the endpoint profiles: paths, statuses, lock rules, sources",
        h::profiles,
    ),
    op(
        "timeZones",
        &[],
        Value,
        "every IANA zone name (canonical zones and links)",
        h::time_zones,
    ),
    op(
        "tzdata",
        &[],
        Value,
        "the tz database release this build carries, and how many names",
        h::tzdata,
    ),
    op(
        "channels",
        &[],
        Value,
        "the valid channel names",
        h::channels,
    ),
    op(
        "limits",
        &[],
        Value,
        "the numeric limits of the inputs (workers, range days, ...)",
        h::limits,
    ),
    op(
        "operations",
        &[],
        Value,
        "this table: every operation with its parameters",
        h::operations,
    ),
    op("version", &[], Value, "the core's version", h::version),

];

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Op> {
    OPERATIONS.iter().find(|o| o.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_camel_case() {
        let mut seen = std::collections::BTreeSet::new();
        for o in &OPERATIONS {
            assert!(seen.insert(o.name), "{} twice", o.name);
            assert!(o
                .name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase()));
            assert!(o.name.chars().all(|c| c.is_ascii_alphanumeric()));
            assert!(!o.summary.is_empty());
        }
    }
}
