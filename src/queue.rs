//! A serialisable FIFO queue of export requests.
//!
//! The state is plain data (JSON in the JS contract), so a ServiceNow table or a CI job
//! can persist it between runs. Two operations:
//! - [`Queue::enqueue`] adds a request, deduplicated by profile + lockKey + channels;
//! - [`Queue::drain`] takes out the items that can be submitted now: in FIFO order,
//!   overlapping neither active jobs nor each other, within the profile's concurrency
//!   limit, and never overtaking an earlier waiting item whose range they overlap.
//!
//! Nothing is dropped silently: every item is either returned for submission or stays
//! in the queue, with a reason for waiting.

use crate::decide::{blocking_jobs, Job, Request};
use crate::profile::{LockRule, Profile};
use crate::time::Window;

/// One queued request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Position in arrival order (unique within a queue).
    pub seq: u64,
    /// The endpoint.
    pub profile: Profile,
    /// The range.
    pub window: Window,
    /// Canonical channels.
    pub channels: Vec<String>,
    /// When it was enqueued (epoch ms).
    pub enqueued_at: i64,
    /// Do not submit before this instant (epoch ms), e.g. after a 409 race.
    pub not_before: Option<i64>,
    /// How many times it was submitted and bounced (caller-maintained).
    pub attempts: u32,
}

impl Item {
    /// The canonical `startZ/endZ` lock key.
    pub fn lock_key(&self) -> String {
        self.window.lock_key()
    }

    /// The deduplication key: `profile|lockKey|channels`.
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.profile.name(),
            self.lock_key(),
            self.channels.join(",")
        )
    }
}

/// The queue state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue {
    /// Items in FIFO order.
    pub items: Vec<Item>,
    /// The `seq` the next item gets.
    pub next_seq: u64,
}

/// Why an item stays queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitReason {
    /// Its `notBefore` has not come yet.
    NotBefore(i64),
    /// Active jobs lock its range (or fill the concurrency limit): their ids.
    ActiveJobs(Vec<String>),
    /// It overlaps an item submitted in this same drain: that item's key.
    OverlapsSubmitted(String),
    /// It overlaps an earlier item that is still waiting (no overtaking): its key.
    EarlierItem(String),
    /// The profile's concurrency limit is reached by active jobs plus this drain's submissions.
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

/// Options of [`Queue::drain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DrainOptions {
    /// The current instant (epoch ms).
    pub now: i64,
    /// Treat touching windows as conflicting.
    pub touching_conflicts: bool,
    /// Overrides the conversation-details concurrency limit.
    pub max_active_jobs: Option<u32>,
}

/// The result of [`Queue::drain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drained {
    /// Items to submit now, in FIFO order.
    pub submit: Vec<Item>,
    /// The queue without them.
    pub queue: Queue,
    /// For each remaining item, in order, why it waits.
    pub waiting: Vec<(String, WaitReason)>,
}

/// The queue's items by key, for enqueueing many requests in one pass: built once in
/// O(n log n), then each lookup is O(log n) instead of a scan that formats every key.
#[derive(Debug, Clone, Default)]
pub struct KeyIndex(std::collections::BTreeMap<String, usize>);

impl Queue {
    /// Indexes the items by key (see [`Queue::enqueue_with`]).
    pub fn key_index(&self) -> KeyIndex {
        KeyIndex(
            self.items
                .iter()
                .enumerate()
                .map(|(i, item)| (item.key(), i))
                .collect(),
        )
    }

    /// Adds a request unless an item with the same key is queued. Returns whether it was
    /// added, and the queued item (the existing one for a duplicate).
    pub fn enqueue(
        &mut self,
        request: &Request,
        now: i64,
        not_before: Option<i64>,
        attempts: u32,
    ) -> (bool, Item) {
        let mut index = self.key_index();
        self.enqueue_with(&mut index, request, now, not_before, attempts)
    }

    /// [`Queue::enqueue`] with an index made by [`Queue::key_index`] and kept up to date
    /// here: a backlog of n requests costs O(n log n) instead of O(n²).
    pub fn enqueue_with(
        &mut self,
        index: &mut KeyIndex,
        request: &Request,
        now: i64,
        not_before: Option<i64>,
        attempts: u32,
    ) -> (bool, Item) {
        let item = Item {
            seq: self.next_seq,
            profile: request.profile,
            window: request.window,
            channels: request.channels.clone(),
            enqueued_at: now,
            not_before,
            attempts,
        };
        let key = item.key();
        if let Some(existing) = index.0.get(&key).and_then(|&i| self.items.get(i)) {
            return (false, existing.clone());
        }
        index.0.insert(key, self.items.len());
        self.next_seq = self.next_seq.saturating_add(1);
        self.items.push(item.clone());
        (true, item)
    }

    /// Splits the queue into what can be submitted now and what must wait.
    pub fn drain(&self, jobs: &[Job], opts: DrainOptions) -> Drained {
        let mut submit: Vec<Item> = Vec::new();
        let mut waiting_items: Vec<Item> = Vec::new();
        let mut waiting: Vec<(String, WaitReason)> = Vec::new();
        let touching = opts.touching_conflicts;
        for item in &self.items {
            let same = |o: &&Item| o.profile == item.profile;
            let reason = if let Some(nb) = item.not_before.filter(|nb| *nb > opts.now) {
                Some(WaitReason::NotBefore(nb))
            } else {
                match item.profile.lock_rule(opts.max_active_jobs) {
                    LockRule::RangeOverlap => {
                        let blockers =
                            blocking_jobs(item.window, item.profile, jobs, touching, None, 0);
                        if !blockers.is_empty() {
                            Some(WaitReason::ActiveJobs(
                                blockers.iter().map(|j| j.id.clone()).collect(),
                            ))
                        } else if let Some(o) = submit
                            .iter()
                            .filter(same)
                            .find(|o| o.window.conflicts_with(&item.window, touching))
                        {
                            Some(WaitReason::OverlapsSubmitted(o.key()))
                        } else {
                            waiting_items
                                .iter()
                                .filter(same)
                                .find(|o| o.window.conflicts_with(&item.window, touching))
                                .map(|o| WaitReason::EarlierItem(o.key()))
                        }
                    }
                    LockRule::MaxActive(n) => {
                        let taken = submit.iter().filter(same).count();
                        let blockers = blocking_jobs(
                            item.window,
                            item.profile,
                            jobs,
                            touching,
                            opts.max_active_jobs,
                            taken,
                        );
                        if !blockers.is_empty() || taken >= n as usize {
                            Some(WaitReason::ConcurrencyLimit(n))
                        } else {
                            None
                        }
                    }
                }
            };
            match reason {
                None => submit.push(item.clone()),
                Some(r) => {
                    waiting.push((item.key(), r));
                    waiting_items.push(item.clone());
                }
            }
        }
        Drained {
            submit,
            queue: Queue {
                items: waiting_items,
                next_seq: self.next_seq,
            },
            waiting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR_MS;

    fn req(s: i64, e: i64) -> Request {
        Request {
            window: Window {
                start: s * HOUR_MS,
                end: e * HOUR_MS,
            },
            channels: vec!["sms".into()],
            profile: Profile::EvaluationExports,
        }
    }

    fn job(s: i64, e: i64) -> Job {
        Job {
            id: "j".into(),
            window: Window {
                start: s * HOUR_MS,
                end: e * HOUR_MS,
            },
            status: "IN_PROGRESS".into(),
            active: true,
            channels: None,
            profile: Profile::EvaluationExports,
        }
    }

    #[test]
    fn enqueue_deduplicates() {
        let mut q = Queue::default();
        assert!(q.enqueue(&req(0, 24), 0, None, 0).0);
        assert!(!q.enqueue(&req(0, 24), 1, None, 0).0);
        assert!(q.enqueue(&req(0, 48), 2, None, 0).0);
        assert_eq!(q.items.len(), 2);
        assert_eq!(q.next_seq, 2);
    }

    #[test]
    fn an_index_finds_what_a_scan_finds() {
        let mut a = Queue::default();
        let mut b = Queue::default();
        let mut index = b.key_index();
        for (s, e) in [(0, 24), (0, 24), (0, 48), (24, 48), (0, 48)] {
            let x = a.enqueue(&req(s, e), 0, None, 0);
            let y = b.enqueue_with(&mut index, &req(s, e), 0, None, 0);
            assert_eq!(x, y);
        }
        assert_eq!(a, b);
        assert_eq!(a.items.len(), 3);
    }

    #[test]
    fn drain_fifo_without_overlap_or_overtaking() {
        let mut q = Queue::default();
        q.enqueue(&req(0, 10), 0, None, 0); // blocked by job
        q.enqueue(&req(5, 8), 0, None, 0); // overlaps the earlier waiting item
        q.enqueue(&req(20, 30), 0, None, 0); // free
        q.enqueue(&req(25, 40), 0, None, 0); // overlaps the one just submitted
        q.enqueue(&req(50, 60), 0, Some(1000), 0); // not yet
        let d = q.drain(&[job(9, 11)], DrainOptions::default());
        assert_eq!(d.submit.len(), 1);
        assert_eq!(d.submit[0].window.start, 20 * HOUR_MS);
        let codes: Vec<&str> = d.waiting.iter().map(|w| w.1.code()).collect();
        assert_eq!(
            codes,
            [
                "activeJobs",
                "earlierItem",
                "overlapsSubmitted",
                "notBefore"
            ]
        );
        assert_eq!(d.queue.items.len() + d.submit.len(), q.items.len());
    }

    #[test]
    fn drain_respects_concurrency() {
        let mut q = Queue::default();
        for i in 0..4 {
            let mut r = req(i, i + 1);
            r.profile = Profile::RecordingJobs;
            q.enqueue(&r, 0, None, 0);
        }
        let mut active = job(100, 101);
        active.profile = Profile::RecordingJobs;
        active.status = "PENDING".into();
        let d = q.drain(&[active], DrainOptions::default());
        assert_eq!(d.submit.len(), 1);
        assert_eq!(d.queue.items.len(), 3);
    }
}
