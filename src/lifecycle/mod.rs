//! The life of a queued export, as a sans-IO state machine (in the manner of h11 and
//! quinn-proto): the core decides every HTTP call and reads every answer; a driver only
//! performs the calls.
//!
//! ```text
//! load queue → next(now) → perform the actions → record(answer) each → save queue → sleep until wakeAt
//! ```
//!
//! - [`next`] hands out the calls that are due, each under a lease (so a second `next`
//!   before the answer does not hand it out again): list the active jobs of listable
//!   profiles when the queue's view of them is stale, submit what [`release`] lets go,
//!   poll submitted jobs, execute READY recording jobs, and look for jobs whose create
//!   answer was lost.
//! - [`record`] reads the answer to one of them and moves the item on (see
//!   [`crate::queue::State`] for the diagram); [`record_listing`] reads a listing.
//!
//! The rules, each tested by the vectors and by a property test:
//! - the queue's own in-flight jobs count as active jobs, merged with the jobs the API
//!   lists (deduplicated by job id), so details jobs, which cannot be listed, still keep
//!   to their limit;
//! - a lease that expires with no answer recorded (a crash between `next` and the POST)
//!   is never dropped: where the API lists jobs (recording jobs) a `find` looks for a
//!   job that matches before resubmitting; elsewhere the item is resubmitted, which is
//!   at-least-once: the lost POST may have created a job;
//! - a FAILED job is resubmitted while the policy's attempts last, then the item fails
//!   with the job's reason; a job that vanished (404 on a poll) is resubmitted;
//! - a 429 pauses that class of call (profile, kind, OAuth client) for the whole queue
//!   until its `Retry-After` has passed, within the policy's ceiling;
//! - a READY recording job is executed only by the OAuth client that created it ("A job
//!   must be executed by the same user whom originally created the job", Genesys), and a
//!   lost create answer is looked for only by the client that made the call;
//! - a 401 or 403 refuses nothing for good: the item keeps its place, and the answer
//!   says `denied`, so that a driver stops and reports the credentials;
//! - completed and failed items stay as history until [`crate::queue::Queue::prune`].

mod next;
mod record;
mod release;
mod wait;

pub use next::{next, paused};
pub use record::{
    outstanding, outstanding_listing, owns, record, record_listing, record_reply, Answer,
    Answering, Event, JobAnswer, Listed, ListingOutcome, Outcome, PageOutcome,
};
pub use release::{release, WaitReason};
pub use wait::describe;

use crate::backoff::Policy;
use crate::profile::Profile;
use crate::queue::ActionKind;

/// Default lease of an action: how long the lifecycle waits for its answer before it
/// acts again (looks for the job, or resubmits). A POST answers in seconds; a minute
/// covers a slow gateway without leaving a crashed driver's item idle for long.
pub const DEFAULT_LEASE_MS: u64 = 60_000;

/// Default interval between polls of a running job (and between listings).
pub const DEFAULT_POLL_MS: u64 = 5_000;

/// How the lifecycle runs: the same for `next` and `record`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// How long an action's answer is waited for (ms).
    pub lease_ms: u64,
    /// Interval between polls, and how long a listing stays fresh (ms).
    pub poll_ms: u64,
    /// Retries and their delays: 409/429/5xx on a submit, FAILED jobs, poll errors.
    pub policy: Policy,
    /// Treat touching windows as conflicting.
    pub touching_conflicts: bool,
    /// Overrides the conversation-details concurrency limit.
    pub max_active_jobs: Option<u32>,
    /// Whether a waiting item's reason names what blocks it (job ids, the earlier item's
    /// key). Finding them costs a scan per waiting item; `drain` leaves it out unless
    /// asked.
    pub waiting_detail: bool,
    /// The OAuth client of the runner (pauses and the creator rule are per client).
    pub client: Option<String>,
    /// Whether `next` lists listable profiles itself (`list` actions). Off, the caller
    /// passes the jobs it listed.
    pub list_jobs: bool,
    /// The keys the caller waits for: `done` once they are final (all items when none).
    pub watch: Option<Vec<String>>,
    /// The runner calling (its leases carry it).
    pub runner: Option<String>,
    /// Most submits of profiles Genesys cannot list that one runner has in flight: a
    /// crash leaves at most this many exports in doubt (at-least-once).
    pub max_in_doubt: u32,
    /// Whether a finished job's results are fetched (`results` actions) before its item
    /// completes, where the profile has results to fetch (details jobs).
    pub fetch_results: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lease_ms: DEFAULT_LEASE_MS,
            poll_ms: DEFAULT_POLL_MS,
            policy: Policy::default(),
            touching_conflicts: false,
            max_active_jobs: None,
            waiting_detail: true,
            client: None,
            list_jobs: true,
            watch: None,
            runner: None,
            max_in_doubt: DEFAULT_MAX_IN_DOUBT,
            fetch_results: false,
        }
    }
}

/// Default of [`Settings::max_in_doubt`].
pub const DEFAULT_MAX_IN_DOUBT: u32 = 4;

impl Settings {
    /// Whether a call recorded for `client` (the item's creator, or a lease's holder)
    /// may be made by this runner: the same client, or either side unknown.
    pub fn same_client(&self, client: Option<&str>) -> bool {
        match (client, self.client.as_deref()) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }
}

/// One HTTP call for a driver to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What the call is.
    pub kind: ActionKind,
    /// The item's key, or the listing's (pass it to [`record`] with the answer).
    pub key: String,
    /// The item's `seq` (0 for a listing).
    pub seq: u64,
    /// The item's position in the queue's `items` when the step handed the call out, or
    /// the listing's in `listings` (valid for that queue until items are added or
    /// removed).
    pub pos: usize,
    /// The endpoint.
    pub profile: Profile,
    /// The job it concerns (poll, execute).
    pub job_id: Option<String>,
    /// The state a listing asks for.
    pub state: Option<String>,
    /// The cursor of the results page asked for (none: the first page).
    pub cursor: Option<String>,
    /// Which results page (from 0).
    pub page: u32,
    /// When it became due (epoch ms, at most `now`).
    pub due: i64,
    /// Until when its answer is awaited.
    pub lease_until: i64,
}

impl Action {
    /// The HTTP method.
    pub fn method(&self) -> &'static str {
        match self.kind {
            ActionKind::Submit => self.profile.method(),
            ActionKind::Poll | ActionKind::Find | ActionKind::List | ActionKind::Results => "GET",
            ActionKind::Execute => self.profile.execute().map_or("PUT", |e| e.value.method),
        }
    }

    /// The path (and query), with the job id in place.
    pub fn path(&self) -> String {
        let id = self.job_id.as_deref().unwrap_or("");
        let listing = self.profile.listing().value;
        match self.kind {
            ActionKind::Submit => self.profile.path().to_string(),
            ActionKind::Poll => self.profile.poll().value.replace("{jobId}", id),
            ActionKind::Execute => self
                .profile
                .execute()
                .map_or_else(String::new, |e| e.value.path.replace("{jobId}", id)),
            ActionKind::Find => listing.map_or_else(String::new, |l| l.path_for_mine()),
            ActionKind::List => listing.map_or_else(String::new, |l| {
                l.path_for_state(self.state.as_deref().unwrap_or(""))
            }),
            ActionKind::Results => self
                .profile
                .results()
                .value
                .map_or_else(String::new, |r| r.path_for(id, self.cursor.as_deref())),
        }
    }

    /// Whether it is a listing's call (its key names a listing, not an item).
    pub fn is_listing(&self) -> bool {
        self.kind == ActionKind::List
    }
}

/// What [`next`] hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The calls to make now, listings first, then in queue order.
    pub actions: Vec<Action>,
    /// For each live item held back in this step, why: the item's position in
    /// `q.items`, and the reason. (Positions, not keys: formatting a key per waiting item
    /// was half of a 1,000-item drain; writers format the few they print.)
    pub waiting: Vec<(usize, WaitReason)>,
    /// When to call `next` again (the earliest lease expiry, poll, retry, recheck, pause
    /// or listing); `None` when every item is final.
    pub wake_at: Option<i64>,
    /// Whether the caller is done: the watched items (all items, without a watch list)
    /// are final, and no live recording job may yet need this runner's OAuth client to
    /// execute it or to look for its lost submit.
    pub done: bool,
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_protocol;
#[cfg(test)]
mod tests_results;
