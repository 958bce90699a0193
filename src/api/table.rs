//! The one table of operations. Everything that lists operations derives from it:
//! [`crate::api::call`] dispatches through it, the `operations` operation publishes it,
//! and from that the JS shim builds its functions (`pkg/src/contract.js`), the build
//! writes the named exports (`pkg/src/entries.js`) and the ES5 banner
//! (`pkg/src/es5-build.js`), the fuzz target picks its operation
//! (`fuzz/fuzz_targets/api.rs`), and the tests check `pkg/index.d.ts` and the vector
//! count against it.
//!
//! Adding an operation: one entry here, and its handler, readers and output types in one
//! file of [`crate::api::ops`]. See docs/internals.md, "Adding an operation".

use crate::api::args::{Answer, Args};
use crate::api::schema::{self, Key};
use crate::api::write::answer;
use serde::Serialize;

/// `operations()`: the table itself.
#[inline(never)]
pub fn operations(_a: Args<'_>, _now_ms: i64) -> Answer {
    let list: Vec<crate::api::table::OpOut> = OPERATIONS.iter().map(Into::into).collect();
    answer(&list)
}

/// One entry of `operations()`.
#[derive(Debug, Serialize)]
pub struct OpOut {
    name: &'static str,
    /// The keys of its `options` parameter (none: it takes no options).
    #[serde(skip_serializing_if = "Option::is_none")]
    options: Option<Vec<KeyOut>>,
    params: &'static [&'static str],
    /// The keys of its `policy` parameter, for an operation that takes one.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<Vec<KeyOut>>,
    returns: &'static str,
    summary: &'static str,
}

/// One option key as `operations()` publishes it.
#[derive(Debug, Serialize)]
struct KeyOut {
    doc: &'static str,
    key: &'static str,
    #[serde(rename = "type")]
    ts: &'static str,
}

fn keys_out(keys: &[Key]) -> Vec<KeyOut> {
    keys.iter()
        .map(|k| KeyOut {
            doc: k.doc,
            key: k.name,
            ts: k.ts,
        })
        .collect()
}

impl From<&Op> for OpOut {
    fn from(o: &Op) -> Self {
        OpOut {
            name: o.name,
            options: o.params.contains(&"options").then(|| keys_out(o.options)),
            params: o.params,
            policy: o
                .params
                .contains(&"policy")
                .then(|| keys_out(&schema::POLICY)),
            returns: o.shape.as_str(),
            summary: o.summary,
        }
    }
}

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
    /// The keys its `options` parameter accepts (empty: it takes none).
    pub options: &'static [Key],
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
    options: &'static [Key],
    shape: Shape,
    summary: &'static str,
    handler: fn(Args<'_>, i64) -> Answer,
) -> Op {
    Op {
        name,
        params,
        options,
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
        &schema::DECIDE,
        Decision,
        "submit / queue / reject for one request; never throws for bad data",
        crate::api::ops::decide::decide,
    ),
    op(
        "decideMany",
        &["requests", "activeJobs", "options"],
        &schema::DECIDE,
        Value,
        "one decision per request against one job list, parsed once",
        crate::api::ops::decide::decide_many,
    ),
    op(
        "prepareJobs",
        &["activeJobs", "options"],
        &schema::JOBS,
        PreparedJobs,
        "parses a job list once and keeps it in the core, for many calls",
        crate::api::ops::jobs::prepare_jobs,
    ),
    op(
        "freeJobs",
        &["prepared"],
        &[],
        Value,
        "drops a prepared job list; answers whether it existed",
        crate::api::ops::jobs::free_jobs,
    ),
    op(
        "parseJobs",
        &["activeJobs", "options"],
        &schema::JOBS,
        Value,
        "the job list as the core reads it: normalised, with each job's phase and lock key",
        crate::api::ops::jobs::parse_jobs,
    ),
    op(
        "buildPayload",
        &["request", "options"],
        &schema::BUILD_PAYLOAD,
        Value,
        "the request body, or one per channel",
        crate::api::ops::plan::build_payload,
    ),
    op(
        "plan",
        &["request", "options"],
        &schema::PLAN,
        Value,
        "disjoint windows aligned to local hours, days, weeks or months, dealt to workers",
        crate::api::ops::plan::plan,
    ),
    op(
        "enqueue",
        &["queue", "request", "options"],
        &schema::ENQUEUE,
        Value,
        "adds a request to a queue state (a bulk one as its parts), deduplicated by key among live items",
        crate::api::ops::enqueue::enqueue,
    ),
    op(
        "enqueueMany",
        &["queue", "requests", "options"],
        &schema::ENQUEUE_MANY,
        Value,
        "adds many requests to a queue state in one pass",
        crate::api::ops::enqueue::enqueue_many,
    ),
    op(
        "drain",
        &["queue", "activeJobs", "options"],
        &schema::LIFECYCLE,
        Value,
        "what a queue can submit now (left submitting under a lease), and why the rest waits",
        crate::api::ops::next::drain,
    ),
    op(
        "next",
        &["queue", "activeJobs", "options"],
        &schema::LIFECYCLE,
        Value,
        "the HTTP calls due now (submit, poll, execute, find, list, results), leased in the returned queue",
        crate::api::ops::next::next,
    ),
    op(
        "record",
        &["queue", "action", "response", "options"],
        &schema::LIFECYCLE,
        Value,
        "reads the answer to an item's outstanding call (the action next handed out, or its key) and moves the item on",
        crate::api::ops::record::record,
    ),
    op(
        "recordMany",
        &["queue", "answers", "options"],
        &schema::LIFECYCLE,
        Value,
        "records a step's answers ([{ action, response }]) reading and writing the queue once",
        crate::api::ops::record::record_many,
    ),
    op(
        "inspectQueue",
        &["queue", "activeJobs", "options"],
        &schema::LIFECYCLE,
        Value,
        "the queue as a person reads it: each item's next call, when it is due, why it waits",
        crate::api::ops::inspect::inspect_queue,
    ),
    op(
        "prune",
        &["queue", "options"],
        &schema::PRUNE,
        Value,
        "removes completed and failed items from a queue's history",
        crate::api::ops::queue::prune,
    ),
    op(
        "loadQueue",
        &["queue"],
        &[],
        QueueHandle,
        "keeps a queue state in the core: queue operations then take its handle and answer only the handle",
        crate::api::ops::queue::load_queue,
    ),
    op(
        "queueState",
        &["queue"],
        &[],
        Value,
        "a queue's state as JSON, to save (a kept queue's, or a state given, checked)",
        crate::api::ops::queue::queue_state,
    ),
    op(
        "queueChanges",
        &["queue"],
        &[],
        Value,
        "what changed in a kept queue since it was loaded or last asked (here, or with the option changes): the items to write back",
        crate::api::ops::queue::queue_changes,
    ),
    op(
        "freeQueue",
        &["queue"],
        &[],
        Value,
        "drops a kept queue; answers whether it existed",
        crate::api::ops::queue::free_queue,
    ),
    op(
        "schedule",
        &["policy"],
        &[],
        Value,
        "previews the delays of a backoff policy",
        crate::api::ops::answers::schedule,
    ),
    op(
        "nextRetry",
        &["attempt", "response", "policy", "options"],
        &schema::NEXT_RETRY,
        Value,
        "what to do after an HTTP answer: retry, recheck, give-up or done",
        crate::api::ops::answers::next_retry,
    ),
    op(
        "readJob",
        &["profile", "response", "options"],
        &schema::READ_JOB,
        Value,
        "what a successful API answer says of a job: id, state, phase, message",
        crate::api::ops::answers::read_job,
    ),
    op(
        "profiles",
        &[],
        &[],
        Value,
        "the endpoint profiles: paths, statuses, lock rules, sources",
        crate::api::ops::meta::profiles,
    ),
    op(
        "timeZones",
        &[],
        &[],
        Value,
        "every IANA zone name (canonical zones and links)",
        crate::api::ops::meta::time_zones,
    ),
    op(
        "tzdata",
        &[],
        &[],
        Value,
        "the tz database release this build carries, and how many names",
        crate::api::ops::meta::tzdata,
    ),
    op(
        "channels",
        &[],
        &[],
        Value,
        "the valid channel names",
        crate::api::ops::meta::channels,
    ),
    op(
        "limits",
        &[],
        &[],
        Value,
        "the numeric limits of the inputs (workers, range days, ...)",
        crate::api::ops::meta::limits,
    ),
    op(
        "operations",
        &[],
        &[],
        Value,
        "this table: every operation with its parameters",
        crate::api::table::operations,
    ),
    op("version", &[],
        &[], Value, "the core's version", crate::api::ops::meta::version),

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
            // Its options are declared exactly when it takes an `options` argument.
            assert_eq!(
                o.params.contains(&"options"),
                !o.options.is_empty(),
                "{}: an options parameter and its declared keys go together",
                o.name
            );
        }
    }
}
