//! The life of a queued export, as a sans-IO state machine (in the manner of h11 and
//! quinn-proto): the core decides every HTTP call and reads every answer; a driver only
//! performs the calls.
//!
//! ```text
//! load queue → next(now) → perform the actions → record(answer) each → save queue → sleep until wakeAt
//! ```
//!
//! - [`next`] hands out the calls that are due, each under a lease (so a second `next`
//!   before the answer does not hand it out again): submit what [`release`] lets go,
//!   poll submitted jobs, execute READY recording jobs, and look for jobs whose create
//!   answer was lost.
//! - [`record`] reads the answer to one of them and moves the item on (see
//!   [`crate::queue::State`] for the diagram).
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
//! - completed and failed items stay as history until [`crate::queue::Queue::prune`].

mod record;
mod release;

pub use record::{outstanding, record, Answer, Event, JobAnswer, Listed, Outcome};
pub use release::{release, WaitReason};

use crate::backoff::Policy;
use crate::decide::Job;
use crate::profile::{LockRule, Profile};
use crate::queue::{ActionKind, Item, Lease, Queue, State};

/// Default lease of an action: how long the lifecycle waits for its answer before it
/// acts again (looks for the job, or resubmits). A POST answers in seconds; a minute
/// covers a slow gateway without leaving a crashed driver's item idle for long.
pub const DEFAULT_LEASE_MS: u64 = 60_000;

/// Default interval between polls of a running job.
pub const DEFAULT_POLL_MS: u64 = 5_000;

/// Most jobs a `find` reads from the listing (one page).
pub const FIND_PAGE_SIZE: u32 = 100;

/// How the lifecycle runs: the same for `next` and `record`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// How long an action's answer is waited for (ms).
    pub lease_ms: u64,
    /// Interval between polls (ms).
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
        }
    }
}

/// One HTTP call for a driver to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What the call is.
    pub kind: ActionKind,
    /// The item's key (pass it to [`record`] with the answer).
    pub key: String,
    /// The item's `seq`.
    pub seq: u64,
    /// The item's position in the queue's `items` when the step handed the call out
    /// (valid for that queue until items are added or removed).
    pub pos: usize,
    /// The endpoint.
    pub profile: Profile,
    /// The job it concerns (poll, execute).
    pub job_id: Option<String>,
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
            ActionKind::Poll | ActionKind::Find => "GET",
            ActionKind::Execute => self.profile.execute().map_or("PUT", |e| e.value.method),
        }
    }

    /// The path (and query), with the job id in place.
    pub fn path(&self) -> String {
        let id = self.job_id.as_deref().unwrap_or("");
        match self.kind {
            ActionKind::Submit => self.profile.path().to_string(),
            ActionKind::Poll => self.profile.poll().value.replace("{jobId}", id),
            ActionKind::Execute => self
                .profile
                .execute()
                .map_or_else(String::new, |e| e.value.path.replace("{jobId}", id)),
            ActionKind::Find => match self.profile.listing().value {
                Some(l) => format!("{}?showOnlyMyJobs=true&pageSize={FIND_PAGE_SIZE}", l.path),
                None => String::new(),
            },
        }
    }
}

/// What [`next`] hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The calls to make now, in queue order.
    pub actions: Vec<Action>,
    /// For each queued item not released, why it waits: the item's position in
    /// `q.items`, and the reason. (Positions, not keys: formatting a key per waiting item
    /// was half of a 1,000-item drain; writers format the few they print.)
    pub waiting: Vec<(usize, WaitReason)>,
    /// When to call `next` again (the earliest lease expiry, poll, retry or recheck);
    /// `None` when every item is final.
    pub wake_at: Option<i64>,
}

/// The calls that are due at `now`, of the `kinds` asked for (`drain` asks for submits
/// only). The queue is updated: each handed-out call is leased, released items are
/// `submitting`, due `waiting` items are `queued` again.
///
/// `listed` are the active jobs the API listed (any profile; final ones are ignored).
pub fn next(q: &mut Queue, listed: &[Job], s: &Settings, now: i64, kinds: &[ActionKind]) -> Step {
    let wants = |k: ActionKind| kinds.contains(&k);
    let lease_until = now.saturating_add(s.lease_ms as i64);
    let mut actions = Vec::new();
    // Active jobs per profile (listed and in flight): a READY job is executed only while
    // its profile has a free slot, since executing makes it count (PROCESSING).
    let mut active = [0usize; Profile::ALL.len()];
    for j in release::active_jobs(q, listed) {
        active[j.profile.index()] += 1;
    }
    for (pos, item) in q.items.iter_mut().enumerate() {
        let expired = item.lease.filter(|l| l.until <= now);
        if item.lease.is_some() && expired.is_none() {
            continue; // an answer is awaited
        }
        let hand_out = |item: &mut Item, kind: ActionKind, due: i64, out: &mut Vec<Action>| {
            item.lease = Some(Lease {
                kind,
                until: lease_until,
            });
            out.push(Action {
                kind,
                key: item.key(),
                seq: item.seq,
                pos,
                profile: item.profile,
                job_id: item.job_id.clone(),
                due: due.min(now),
                lease_until,
            });
        };
        match item.state {
            State::Submitting => {
                let Some(l) = expired else { continue };
                if item.profile.listing().value.is_some() && wants(ActionKind::Find) {
                    hand_out(item, ActionKind::Find, l.until, &mut actions);
                } else if l.kind == ActionKind::Submit || l.kind == ActionKind::Find {
                    // No way to look for the job: resubmit (at-least-once).
                    item.state = State::Queued;
                    item.lease = None;
                    item.reason = Some(format!(
                        "no answer to the {} was recorded before its lease expired; \
                         resubmitting (at-least-once: the lost call may have created a job)",
                        l.kind.as_str()
                    ));
                }
            }
            State::Submitted | State::Executing => {
                let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                if due <= now && wants(ActionKind::Poll) {
                    hand_out(item, ActionKind::Poll, due, &mut actions);
                }
            }
            State::Ready => {
                let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                if due <= now && wants(ActionKind::Execute) {
                    let taken = &mut active[item.profile.index()];
                    if let LockRule::MaxActive(n) = item.profile.lock_rule(s.max_active_jobs) {
                        if *taken >= n as usize {
                            // No slot: look again after a poll interval.
                            item.lease = None;
                            item.poll_at = Some(now.saturating_add(s.poll_ms as i64));
                            continue;
                        }
                    }
                    *taken += 1;
                    item.state = State::Executing;
                    hand_out(item, ActionKind::Execute, due, &mut actions);
                }
            }
            State::Waiting if has_come(item.not_before, now) => {
                // Due again; the reason stays until an answer replaces it.
                item.state = State::Queued;
            }
            _ => {}
        }
    }
    let (released, waiting) = release(q, listed, s, now);
    if wants(ActionKind::Submit) {
        for i in released {
            let item = &mut q.items[i];
            item.state = State::Submitting;
            item.attempts = item.attempts.saturating_add(1);
            item.not_before = None;
            item.lease = Some(Lease {
                kind: ActionKind::Submit,
                until: lease_until,
            });
            actions.push(Action {
                kind: ActionKind::Submit,
                key: item.key(),
                seq: item.seq,
                pos: i,
                profile: item.profile,
                job_id: None,
                due: now,
                lease_until,
            });
        }
    }
    let seqs: Vec<u64> = actions.iter().map(|a| a.seq).collect();
    let actions = crate::order::permute(actions, &crate::order::order_by_u64(&seqs));
    let blocked = waiting
        .iter()
        .any(|(_, r)| !matches!(r, WaitReason::NotBefore(_)));
    let wake_at = q
        .items
        .iter()
        .filter_map(Item::due)
        .chain(blocked.then(|| now.saturating_add(s.poll_ms as i64)))
        .min();
    Step {
        actions,
        waiting,
        wake_at,
    }
}

/// Whether an optional instant has come (`None`: any time).
fn has_come(t: Option<i64>, now: i64) -> bool {
    t.map_or(true, |t| t <= now)
}

#[cfg(test)]
mod tests;
