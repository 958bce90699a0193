//! The declared options of every operation (and the backoff policy): each key with its
//! TypeScript type and one line of docs, in one place.
//!
//! The readers check options against these lists (an unknown key is an error that names
//! the list); the `operations` operation publishes them; `pkg/test/options.test.js` checks
//! that `pkg/index.d.ts` declares exactly these keys, with these types, for each
//! operation's `options` parameter; and `node pkg/src/reference.js` writes them into
//! docs/reference/operations.md. The order of each list is the order the unknown-key
//! error lists them in.

/// One option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// Its name, as JS writes it.
    pub name: &'static str,
    /// Its type, exactly as `pkg/index.d.ts` declares it.
    pub ts: &'static str,
    /// One line: what it does, and its default.
    pub doc: &'static str,
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.name
    }
}

const fn key(name: &'static str, ts: &'static str, doc: &'static str) -> Key {
    Key { name, ts, doc }
}

/// The names of `keys`, in order.
pub fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

const NOW: Key = key(
    "now",
    "Instant",
    "the current time (default: the caller's clock)",
);
const PROFILE: Key = key(
    "profile",
    "ProfileName",
    "the profile of requests and jobs that name none (default: evaluationExports; jobs: read by their status)",
);
const TIME_ZONE: Key = key(
    "timeZone",
    "string",
    "the IANA zone of local dates and times in the request (default UTC)",
);
const MAX_RANGE_DAYS: Key = key(
    "maxRangeDays",
    "number",
    "the longest range in days (default: the profile's maximum; 0: no limit)",
);
const SPLIT_BY_CHANNEL: Key = key(
    "splitByChannel",
    "boolean",
    "one payload per channel (default false; next refuses it)",
);
const TOUCHING: Key = key(
    "touchingConflicts",
    "boolean",
    "windows that only touch conflict too (default false)",
);
const MAX_ACTIVE_JOBS: Key = key(
    "maxActiveJobs",
    "number",
    "conversationDetailsJobs: the concurrency limit, 1 to 10,000 (default 5)",
);

/// The payload options (recording jobs), read by every operation that builds payloads.
const PAYLOAD: [Key; 4] = [
    key(
        "recordingAction",
        "'EXPORT' | 'ARCHIVE' | 'DELETE'",
        "recordingJobs: the action (default EXPORT)",
    ),
    key(
        "integrationId",
        "string",
        "recordingJobs: the S3 integration to export to; required for EXPORT",
    ),
    key(
        "includeScreenRecordings",
        "boolean",
        "recordingJobs: include screen recordings (the API's default: true)",
    ),
    key(
        "actionDate",
        "Instant",
        "recordingJobs: when the action runs (default: now)",
    ),
];

/// `decide` and `decideMany`.
pub static DECIDE: [Key; 12] = [
    NOW,
    PROFILE,
    TIME_ZONE,
    MAX_RANGE_DAYS,
    TOUCHING,
    MAX_ACTIVE_JOBS,
    key(
        "recheckAfterMs",
        "number",
        "the suggested delay before deciding a queued request again (default 5000)",
    ),
    SPLIT_BY_CHANNEL,
    PAYLOAD[0],
    PAYLOAD[1],
    PAYLOAD[2],
    PAYLOAD[3],
];

/// `buildPayload`.
pub static BUILD_PAYLOAD: [Key; 9] = [
    NOW,
    PROFILE,
    TIME_ZONE,
    MAX_RANGE_DAYS,
    SPLIT_BY_CHANNEL,
    PAYLOAD[0],
    PAYLOAD[1],
    PAYLOAD[2],
    PAYLOAD[3],
];

/// `plan`.
pub static PLAN: [Key; 8] = [
    PROFILE,
    key(
        "timeZone",
        "string",
        "the zone of local boundaries (the request's timeZone wins; default UTC)",
    ),
    key(
        "granularity",
        "'hour' | 'day' | 'week' | 'month'",
        "the unit windows align to (default day)",
    ),
    key(
        "workers",
        "number",
        "how many workers the windows are dealt to (default 1)",
    ),
    key(
        "weekStart",
        "string",
        "the first day of a week for granularity week (default monday)",
    ),
    key(
        "activeJobs",
        "Job[] | PreparedJobs | string",
        "active jobs (or their JSON text), to mark the windows they block",
    ),
    TOUCHING,
    key(
        "maxWindows",
        "number",
        "the most windows a plan may have (default 10000)",
    ),
];

/// `prepareJobs` and `parseJobs`.
pub static JOBS: [Key; 1] = [key(
    "profile",
    "ProfileName",
    "the profile of jobs that name none (default: each is read by its status)",
)];

/// `enqueue`.
pub static ENQUEUE: [Key; 7] = [
    NOW,
    PROFILE,
    TIME_ZONE,
    key(
        "notBefore",
        "Instant",
        "do not submit before this instant (e.g. after a 409 race)",
    ),
    key("attempts", "number", "attempts already made (default 0)"),
    key(
        "maxRangeDays",
        "number",
        "the longest range one job covers; longer requests are queued as parts (default: the profile's maximum; 0: no maximum)",
    ),
    key(
        "repeatFinished",
        "boolean",
        "a key whose item completed or failed is queued again (default true; false: a duplicate)",
    ),
];

/// `enqueueMany`: `enqueue`'s, and `results`.
pub static ENQUEUE_MANY: [Key; 8] = [
    ENQUEUE[0],
    ENQUEUE[1],
    ENQUEUE[2],
    ENQUEUE[3],
    ENQUEUE[4],
    ENQUEUE[5],
    ENQUEUE[6],
    key(
        "results",
        "'full' | 'compact'",
        "compact: each result names its item by key and seq instead of repeating it (default full)",
    ),
];

/// `drain`, `next`, `record`, `recordMany` and `inspectQueue`: one options object serves
/// them all, so a driver passes the same one to `next` and `record`. Each of them checks
/// every key (`read::settings::lifecycle_options`); a key's line says which use it.
pub static LIFECYCLE: [Key; 21] = [
    NOW,
    key(
        "changes",
        "boolean",
        "answer what changed in the queue since its saved state, as queueChanges would (default false)",
    ),
    key(
        "waiting",
        "boolean",
        "next: list the waiting items (default true; false: only their count)",
    ),
    PROFILE,
    TOUCHING,
    MAX_ACTIVE_JOBS,
    key(
        "leaseMs",
        "number",
        "how long a handed-out call's answer is awaited (ms, default 60000, at most a day)",
    ),
    key(
        "pollMs",
        "number",
        "the interval between polls of a running job (ms, default 5000, at most a day)",
    ),
    key(
        "policy",
        "BackoffPolicy",
        "retries of submits and the delays of poll errors",
    ),
    SPLIT_BY_CHANNEL,
    key(
        "waitingDetail",
        "boolean",
        "each waiting item's reason names what blocks it (default: false for drain, true for next and inspectQueue)",
    ),
    key(
        "clientId",
        "string",
        "the runner's OAuth client: pauses after a 429 are per client, and a READY job is executed by its creator",
    ),
    key(
        "listing",
        "boolean",
        "next lists listable profiles itself (default true; false for drain)",
    ),
    key(
        "watch",
        "string[]",
        "next: the keys the caller waits for (done once they are final; default every item)",
    ),
    key(
        "runnerId",
        "string",
        "a name for this runner (host and process), carried by its leases",
    ),
    key(
        "maxInDoubt",
        "number",
        "the most submits of profiles Genesys cannot list one runner has in flight (default 4)",
    ),
    key(
        "fetchResults",
        "boolean",
        "a FULFILLED details job's results are fetched page by page before its item completes (default false)",
    ),
    PAYLOAD[0],
    PAYLOAD[1],
    PAYLOAD[2],
    PAYLOAD[3],
];

/// `prune`.
pub static PRUNE: [Key; 2] = [
    key(
        "keep",
        "number",
        "keep the newest this many completed and failed items (default 0)",
    ),
    key(
        "before",
        "Instant",
        "remove only the items that ended before this instant",
    ),
];

/// `nextRetry`.
pub static NEXT_RETRY: [Key; 2] = [
    NOW,
    key(
        "profile",
        "ProfileName",
        "the profile of the call the answer is for (its statuses and rules)",
    ),
];

/// `readJob`.
pub static READ_JOB: [Key; 1] = [key(
    "call",
    "'submit' | 'poll' | 'execute'",
    "the call the answer is for (default: any of them)",
)];

/// A backoff policy (`schedule`, `nextRetry`, and the lifecycle's `policy`).
pub static POLICY: [Key; 8] = [
    key("initialMs", "number", "the first delay (default 5000)"),
    key("factor", "number", "each delay is the one before times this (default 2)"),
    key("maxMs", "number", "the longest delay (default 60000)"),
    key(
        "maxAttempts",
        "number",
        "give up after this many attempts (default 8)",
    ),
    key(
        "maxElapsedMs",
        "number",
        "give up once this long has passed since the first attempt",
    ),
    key(
        "jitter",
        "'none' | 'full' | 'equal' | 'decorrelated'",
        "how delays are spread (default none)",
    ),
    key(
        "seed",
        "number | string",
        "a seed for deterministic jitter (a number, or a string of digits for the full u64 range)",
    ),
    key(
        "maxRetryAfterMs",
        "number",
        "the longest Retry-After honoured (default 86,400,000 = 24 h; at most 7 days); longer gives up",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_names_a_key_once() {
        for list in [
            &DECIDE[..],
            &BUILD_PAYLOAD,
            &PLAN,
            &JOBS,
            &ENQUEUE,
            &ENQUEUE_MANY,
            &LIFECYCLE,
            &PRUNE,
            &NEXT_RETRY,
            &READ_JOB,
            &POLICY,
        ] {
            let mut seen = std::collections::BTreeSet::new();
            for k in list {
                assert!(seen.insert(k.name), "{} twice", k.name);
                assert!(!k.doc.is_empty() && !k.ts.is_empty(), "{}", k.name);
            }
        }
    }
}
