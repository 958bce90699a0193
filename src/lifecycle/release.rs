//! Which queued items may be submitted now: FIFO, overlapping neither active jobs nor
//! each other, within each profile's concurrency limit, and never overtaking an earlier
//! waiting item whose range they overlap.
//!
//! Active jobs are the jobs the API listed plus the queue's own in-flight items
//! (submitting, submitted, executing), deduplicated by job id: details jobs cannot be
//! listed, so without the second half a client would exceed their limit. The queue's
//! READY recording jobs also keep their slot here, for their execute call.

use super::Settings;
use crate::decide::{blocking_jobs, Job};
use crate::profile::LockRule;
use crate::queue::{Item, Queue, State};

/// Why a queued item is not released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// Its `notBefore` has not come yet.
    NotBefore(i64),
    /// Active jobs lock its range (listed jobs by id, the queue's own by job id or, while
    /// submitting, by key).
    ActiveJobs(Vec<String>),
    /// It overlaps an item released in this same step: that item's key.
    OverlapsSubmitted(String),
    /// It overlaps an earlier item that is still waiting (no overtaking): its key.
    EarlierItem(String),
    /// The profile's concurrency limit is reached by active jobs, in-flight items and
    /// this step's releases.
    ConcurrencyLimit(u32),
}

impl WaitReason {
    /// A stable code for the reason.
    pub fn code(&self) -> &'static str {
        match self {
            WaitReason::NotBefore(_) => "notBefore",
            WaitReason::ActiveJobs(_) => "activeJobs",
            WaitReason::OverlapsSubmitted(_) => "overlapsSubmitted",
            WaitReason::EarlierItem(_) => "earlierItem",
            WaitReason::ConcurrencyLimit(_) => "concurrencyLimit",
        }
    }
}

/// A queue item as an active job (id: the job id, or the key while the POST is under way).
fn as_job(item: &Item) -> Job {
    Job {
        id: item.job_id.clone().unwrap_or_else(|| item.key()),
        window: item.window,
        status: item.state.as_str().to_string(),
        active: true,
        channels: Some(item.channels.clone()),
        profile: item.profile,
    }
}

/// The queue's in-flight items as active jobs, then the listed active jobs that are not
/// among them (nor among its READY ones: a listed job the queue holds is the queue's).
pub(super) fn active_jobs(q: &Queue, listed: &[Job]) -> Vec<Job> {
    let ids: Vec<&str> = q
        .items
        .iter()
        .filter(|i| i.state.in_flight() || i.state == State::Ready)
        .filter_map(|i| i.job_id.as_deref())
        .collect();
    let own_ids = crate::order::permute(ids.clone(), &crate::order::order_by_str(&ids));
    let mut jobs: Vec<Job> = q
        .items
        .iter()
        .filter(|i| i.state.in_flight())
        .map(as_job)
        .collect();
    jobs.extend(
        listed
            .iter()
            .filter(|j| j.active && own_ids.binary_search(&j.id.as_str()).is_err())
            .cloned(),
    );
    jobs
}

/// Decides, for each queued item in FIFO order, whether it goes now. Returns the
/// positions of the released items and, for the others, why they wait.
pub fn release(
    q: &Queue,
    listed: &[Job],
    s: &Settings,
    now: i64,
) -> (Vec<usize>, Vec<(String, WaitReason)>) {
    let mut jobs = active_jobs(q, listed);
    // A READY job keeps its slot for its execute call: Genesys does not count READY jobs,
    // but executing one makes it PROCESSING, and a slot taken meanwhile by a new job would
    // leave it waiting (or its PUT refused with 429) while newer work goes first.
    jobs.extend(
        q.items
            .iter()
            .filter(|i| i.state == State::Ready)
            .map(as_job),
    );
    let touching = s.touching_conflicts;
    let mut released: Vec<usize> = Vec::new();
    let mut held: Vec<usize> = Vec::new();
    let mut waiting = Vec::new();
    for (pos, item) in q.items.iter().enumerate() {
        if item.state != State::Queued {
            continue;
        }
        let same = |o: &&usize| q.items[**o].profile == item.profile;
        let overlaps = |o: &&usize| q.items[**o].window.conflicts_with(&item.window, touching);
        let reason = if let Some(nb) = item.not_before.filter(|nb| *nb > now) {
            Some(WaitReason::NotBefore(nb))
        } else {
            match item.profile.lock_rule(s.max_active_jobs) {
                LockRule::RangeOverlap => {
                    let blockers =
                        blocking_jobs(item.window, item.profile, &jobs, touching, None, 0);
                    if !blockers.is_empty() {
                        Some(WaitReason::ActiveJobs(
                            blockers.iter().map(|j| j.id.clone()).collect(),
                        ))
                    } else if let Some(o) = released.iter().filter(same).find(overlaps) {
                        Some(WaitReason::OverlapsSubmitted(q.items[*o].key()))
                    } else {
                        held.iter()
                            .filter(same)
                            .find(overlaps)
                            .map(|o| WaitReason::EarlierItem(q.items[*o].key()))
                    }
                }
                LockRule::MaxActive(n) => {
                    let taken = released.iter().filter(same).count();
                    let blockers = blocking_jobs(
                        item.window,
                        item.profile,
                        &jobs,
                        touching,
                        s.max_active_jobs,
                        taken,
                    );
                    (!blockers.is_empty() || taken >= n as usize)
                        .then_some(WaitReason::ConcurrencyLimit(n))
                }
            }
        };
        match reason {
            None => released.push(pos),
            Some(r) => {
                waiting.push((item.key(), r));
                held.push(pos);
            }
        }
    }
    (released, waiting)
}

/// Whether `item` may hold job `id` (no other item of the queue holds it).
pub fn unclaimed(q: &Queue, item: &Item, id: &str) -> bool {
    !q.items
        .iter()
        .any(|o| o.seq != item.seq && o.job_id.as_deref() == Some(id))
}
