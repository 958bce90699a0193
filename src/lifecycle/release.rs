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
use crate::profile::{LockRule, Profile};
use crate::queue::{ActionKind, Item, Queue, State};
use crate::time::Window;

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
    /// Calls of this kind to the item's profile are paused for the whole queue after a
    /// 429, until this instant.
    Paused {
        /// The kind of call paused.
        kind: ActionKind,
        /// Until when (epoch ms).
        until: i64,
    },
    /// The queue's view of the profile's active jobs is being listed (or listing failed
    /// and is tried again): nothing of the profile is decided blind.
    Listing(Profile),
    /// This runner has as many submits of profiles Genesys cannot list in flight as it
    /// may (`maxInDoubt`): a crash must leave at most that many exports in doubt.
    InDoubtLimit(u32),
    /// The job was created by another OAuth client (a READY recording job, or a lost
    /// submit to look for), and only a runner holding that client may go on with it.
    CreatorOnly {
        /// The client that created it.
        client: String,
        /// Since when it waits for that client (epoch ms).
        since: i64,
    },
    /// Its job's results are fetched after those of this earlier part of its bulk
    /// request, so that the request's results are written in time order.
    EarlierPart(u32),
    /// Its job's results are to be fetched, and this runner fetches none (it runs
    /// without `fetchResults`, so it has nowhere to put them).
    ResultsFetcher,
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
            WaitReason::Paused { .. } => "paused",
            WaitReason::Listing(_) => "listing",
            WaitReason::CreatorOnly { .. } => "creatorOnly",
            WaitReason::InDoubtLimit(_) => "inDoubtLimit",
            WaitReason::EarlierPart(_) => "earlierPart",
            WaitReason::ResultsFetcher => "resultsFetcher",
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
#[inline(never)]
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

/// Sorted windows with the running maximum of their ends: whether any of them overlaps
/// a window is one binary search.
struct Sorted {
    starts: Vec<i64>,
    max_end: Vec<i64>,
}

impl Sorted {
    fn new(windows: &[Window]) -> Sorted {
        let pairs: Vec<(i64, i64)> = windows.iter().map(|w| (w.start, w.end)).collect();
        let order = crate::order::order_by_pair(&pairs);
        let mut max = i64::MIN;
        let (starts, max_end) = order
            .into_iter()
            .map(|i| {
                max = max.max(pairs[i].1);
                (pairs[i].0, max)
            })
            .unzip();
        Sorted { starts, max_end }
    }

    fn any_overlap(&self, w: Window, touching: bool) -> bool {
        let n = self
            .starts
            .partition_point(|&s| if touching { s <= w.end } else { s < w.end });
        n > 0 && {
            let end = self.max_end[n - 1];
            if touching {
                end >= w.start
            } else {
                end > w.start
            }
        }
    }
}

/// The union of windows added one by one, kept as sorted disjoint intervals: whether a
/// window overlaps any of them is one binary search. (Touching windows are merged: the
/// union stays exact, so overlap with it is overlap with one of them, touching or not.)
#[derive(Default)]
struct Union(Vec<(i64, i64)>);

impl Union {
    fn any_overlap(&self, w: Window, touching: bool) -> bool {
        let n = self
            .0
            .partition_point(|&(s, _)| if touching { s <= w.end } else { s < w.end });
        n > 0 && {
            let end = self.0[n - 1].1;
            if touching {
                end >= w.start
            } else {
                end > w.start
            }
        }
    }

    fn add(&mut self, w: Window) {
        let (mut s, mut e) = (w.start, w.end);
        let mut i = self.0.partition_point(|&(a, _)| a < s);
        if i > 0 && self.0[i - 1].1 >= s {
            i -= 1;
        }
        let mut j = i;
        while j < self.0.len() && self.0[j].0 <= e {
            s = s.min(self.0[j].0);
            e = e.max(self.0[j].1);
            j += 1;
        }
        // Most adds merge into one interval or none: no splice machinery for those.
        match j - i {
            0 => self.0.insert(i, (s, e)),
            1 => self.0[i] = (s, e),
            _ => {
                self.0[i] = (s, e);
                self.0.drain(i + 1..j);
            }
        }
    }
}

/// Decides, for each queued item in FIFO order, whether it goes now. Returns the
/// positions of the released items and, for the others, their positions and why they wait.
///
/// Whether an item may go costs O(log) per item (active jobs sorted once, earlier items
/// kept as a union of intervals), so a whole release is O((q + j) log(q + j)) rather
/// than a scan of every job and every earlier item for each queued one. With
/// `s.waiting_detail`, a waiting item's reason also names what blocks it (the job ids,
/// or the first earlier item's key): that scan runs only for waiting items. Without it,
/// the reasons carry their kind only.
pub fn release(
    q: &Queue,
    listed: &[Job],
    s: &Settings,
    now: i64,
) -> (Vec<usize>, Vec<(usize, WaitReason)>) {
    release_held(q, listed, s, now, &[None, None, None])
}

/// [`release`], with the profiles whose submits are held in this step (a listing under
/// way, a pause after a 429): their queued items wait for that reason, and still count
/// as earlier items for the ones after them.
pub(super) fn release_held(
    q: &Queue,
    listed: &[Job],
    s: &Settings,
    now: i64,
    holds: &[Option<WaitReason>; Profile::ALL.len()],
) -> (Vec<usize>, Vec<(usize, WaitReason)>) {
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
    let n = Profile::ALL.len();
    // Per profile: active jobs (sorted windows, and how many), items released in this
    // step (how many, and the union of their ranges) and all earlier queued items.
    let mut windows: Vec<Vec<Window>> = vec![Vec::new(); n];
    for j in jobs.iter().filter(|j| j.active) {
        windows[j.profile.index()].push(j.window);
    }
    let active_count: Vec<usize> = windows.iter().map(Vec::len).collect();
    let active: Vec<Sorted> = windows.iter().map(|w| Sorted::new(w)).collect();
    let mut released_union: Vec<Union> = (0..n).map(|_| Union::default()).collect();
    let mut earlier_union: Vec<Union> = (0..n).map(|_| Union::default()).collect();
    let mut released_count = vec![0usize; n];
    let mut released: Vec<usize> = Vec::new();
    let mut held: Vec<usize> = Vec::new();
    let mut waiting = Vec::new();
    for (pos, item) in q.items.iter().enumerate() {
        if item.state != State::Queued {
            continue;
        }
        let p = item.profile.index();
        let w = item.window;
        let reason = if let Some(nb) = item.not_before.filter(|nb| *nb > now) {
            Some(WaitReason::NotBefore(nb))
        } else if let Some(hold) = &holds[p] {
            Some(hold.clone())
        } else {
            match item.profile.lock_rule(s.max_active_jobs) {
                LockRule::RangeOverlap => {
                    if active[p].any_overlap(w, touching) {
                        Some(WaitReason::ActiveJobs(if s.waiting_detail {
                            blocking_ids(item, &jobs, touching)
                        } else {
                            Vec::new()
                        }))
                    } else if released_union[p].any_overlap(w, touching) {
                        Some(WaitReason::OverlapsSubmitted(if s.waiting_detail {
                            first_overlapping(q, &released, item, touching)
                        } else {
                            String::new()
                        }))
                    } else if earlier_union[p].any_overlap(w, touching) {
                        Some(WaitReason::EarlierItem(if s.waiting_detail {
                            first_overlapping(q, &held, item, touching)
                        } else {
                            String::new()
                        }))
                    } else {
                        None
                    }
                }
                LockRule::MaxActive(limit) => (active_count[p] + released_count[p]
                    >= limit as usize)
                    .then_some(WaitReason::ConcurrencyLimit(limit)),
            }
        };
        earlier_union[p].add(w);
        match reason {
            None => {
                released_union[p].add(w);
                released_count[p] += 1;
                released.push(pos);
            }
            Some(r) => {
                waiting.push((pos, r));
                held.push(pos);
            }
        }
    }
    (released, waiting)
}

// The waits' details, out of line: inlined, they make `release_held`'s ES5 form too big
// for one JVM method (`tests/rhino/compile-check.js`).

/// The ids of the active jobs that block `item`.
#[inline(never)]
fn blocking_ids(item: &Item, jobs: &[Job], touching: bool) -> Vec<String> {
    blocking_jobs(item.window, item.profile, jobs, touching, None, 0)
        .iter()
        .map(|j| j.id.clone())
        .collect()
}

/// The key of the first of `among` (positions in the queue) of `item`'s profile whose
/// window conflicts with `item`'s, or "" if none does.
#[inline(never)]
fn first_overlapping(q: &Queue, among: &[usize], item: &Item, touching: bool) -> String {
    among
        .iter()
        .map(|&o| &q.items[o])
        .find(|o| o.profile == item.profile && o.window.conflicts_with(&item.window, touching))
        .map(Item::key)
        .unwrap_or_default()
}

/// Whether `item` may hold job `id` (no other item of the queue holds it).
pub fn unclaimed(q: &Queue, item: &Item, id: &str) -> bool {
    !q.items
        .iter()
        .any(|o| o.seq != item.seq && o.job_id.as_deref() == Some(id))
}
