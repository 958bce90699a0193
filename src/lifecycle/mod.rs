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

mod record;
mod release;
mod wait;

pub use record::{
    outstanding, outstanding_listing, record, record_listing, record_reply, Answer, Event,
    JobAnswer, Listed, ListingOutcome, Outcome,
};
pub use release::{release, WaitReason};
pub use wait::describe;

use crate::backoff::Policy;
use crate::decide::Job;
use crate::profile::{LockRule, Profile};
use crate::queue::{ActionKind, Item, Lease, ListingView, Queue, State};
use crate::time::Window;

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
            ActionKind::Poll | ActionKind::Find | ActionKind::List => "GET",
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
    /// are final, and no live item waits for this runner's OAuth client.
    pub done: bool,
}

/// Until when calls of `kind` to `profile` are paused for this runner's client.
pub fn paused(
    q: &Queue,
    profile: Profile,
    kind: ActionKind,
    s: &Settings,
    now: i64,
) -> Option<i64> {
    q.pauses
        .iter()
        .filter(|p| p.profile == profile && p.kind == kind && p.until > now)
        .filter(|p| p.client.is_none() || p.client == s.client)
        .map(|p| p.until)
        .max()
}

/// Whether the lease of `item` is a submit (or find) that expired: the job may exist.
fn lost_submit(item: &Item, now: i64) -> bool {
    item.state == State::Submitting && item.lease.as_ref().is_some_and(|l| l.until <= now)
}

/// The views of the listable profiles that live items need now: for each, which of its
/// views must be listed again, and whether the profile waits for them. Creates missing
/// views (one per active state).
fn listings_needed(q: &mut Queue, s: &Settings, now: i64) -> [bool; Profile::ALL.len()] {
    let mut needs = [false; Profile::ALL.len()];
    if !s.list_jobs {
        return needs;
    }
    for item in &q.items {
        if item.lease.as_ref().is_some_and(|l| l.until > now) {
            continue;
        }
        let due = match item.state {
            State::Queued => true,
            State::Waiting => has_come(item.not_before, now),
            State::Ready => has_come(item.poll_at, now),
            _ => false,
        };
        if due && item.profile.listing().value.is_some() {
            needs[item.profile.index()] = true;
        }
    }
    for p in Profile::ALL {
        if !needs[p.index()] {
            continue;
        }
        for st in p.active_statuses() {
            if !q.listings.iter().any(|v| v.profile == p && v.state == *st) {
                q.listings.push(ListingView {
                    profile: p,
                    state: (*st).to_string(),
                    at: None,
                    lease: None,
                    not_before: None,
                    retries: 0,
                    jobs: Vec::new(),
                    used: false,
                    last: None,
                });
            }
        }
    }
    needs
}

/// Whether a view may be decided with: listed less than `pollMs` ago, or not yet used
/// and listed less than a lease ago (see [`ListingView::used`]).
fn fresh(v: &ListingView, s: &Settings, now: i64) -> bool {
    let age_limit = if v.used {
        s.poll_ms
    } else {
        s.poll_ms.max(s.lease_ms)
    };
    v.at.is_some_and(|t| t.saturating_add(age_limit as i64) > now)
}

/// The jobs of the fresh views, as active jobs for [`release`] (a job listed without an
/// interval counts against its profile's limit, with an empty window: it blocks no
/// range).
fn listed_jobs(q: &Queue, s: &Settings, now: i64) -> Vec<Job> {
    let mut jobs = Vec::new();
    for v in q.listings.iter().filter(|v| fresh(v, s, now)) {
        for j in &v.jobs {
            let phase = v.profile.phase(&j.state);
            jobs.push(Job {
                id: j.id.clone(),
                window: j.window.unwrap_or(Window { start: 0, end: 0 }),
                status: j.state.clone(),
                active: phase == Some(crate::profile::Phase::Active),
                channels: None,
                profile: v.profile,
            });
        }
    }
    jobs
}

/// The calls that are due at `now`, of the `kinds` asked for (`drain` asks for submits
/// only). The queue is updated: each handed-out call is leased, released items are
/// `submitting`, due `waiting` items are `queued` again, expired pauses are dropped.
///
/// `known` are active jobs the caller knows of (any profile; final ones are ignored),
/// merged with the queue's own view of the listable profiles.
pub fn next(q: &mut Queue, known: &[Job], s: &Settings, now: i64, kinds: &[ActionKind]) -> Step {
    let wants = |k: ActionKind| kinds.contains(&k);
    let lease_until = now.saturating_add(s.lease_ms as i64);
    let lease = |kind| {
        Some(Lease {
            kind,
            until: lease_until,
            client: s.client.clone(),
            runner: s.runner.clone(),
        })
    };
    q.pauses.retain(|p| p.until > now);
    let mut actions = Vec::new();
    let mut waiting: Vec<(usize, WaitReason)> = Vec::new();
    // Instants a held call waits for (a pause's end, a listing's answer).
    let mut wakes: Vec<i64> = Vec::new();

    // 1. Listings: a listable profile whose live items need a decision waits for a view
    // of its active jobs younger than pollMs; the stale views are listed now.
    let needs = listings_needed(q, s, now);
    let mut blocked = [false; Profile::ALL.len()];
    let list_pause: Vec<Option<i64>> = q
        .listings
        .iter()
        .map(|v| paused(q, v.profile, ActionKind::List, s, now))
        .collect();
    for (pos, v) in q.listings.iter_mut().enumerate() {
        let p = v.profile.index();
        if !needs[p] || fresh(v, s, now) {
            continue;
        }
        blocked[p] = true;
        let awaited = v.lease.as_ref().filter(|l| l.until > now).map(|l| l.until);
        let held = awaited
            .or(list_pause[pos])
            .or(v.not_before.filter(|t| *t > now));
        if let Some(t) = held {
            wakes.push(t);
            continue;
        }
        if !wants(ActionKind::List) {
            continue;
        }
        v.lease = lease(ActionKind::List);
        wakes.push(lease_until);
        actions.push(Action {
            kind: ActionKind::List,
            key: v.key(),
            seq: 0,
            pos,
            profile: v.profile,
            job_id: None,
            state: Some(v.state.clone()),
            due: now,
            lease_until,
        });
    }
    let mut listed = listed_jobs(q, s, now);
    listed.extend(known.iter().filter(|j| j.active).cloned());
    for v in q.listings.iter_mut() {
        if needs[v.profile.index()] && !blocked[v.profile.index()] {
            v.used = true;
        }
    }

    // 2. Polls, executes and finds of the items.
    // Active jobs per profile (listed and in flight): a READY job is executed only while
    // its profile has a free slot, since executing makes it count (PROCESSING).
    let mut active = [0usize; Profile::ALL.len()];
    for j in release::active_jobs(q, &listed) {
        active[j.profile.index()] += 1;
    }
    let pause_of: Vec<[Option<i64>; 3]> = Profile::ALL
        .iter()
        .map(|p| {
            [ActionKind::Poll, ActionKind::Execute, ActionKind::Find]
                .map(|k| paused(q, *p, k, s, now))
        })
        .collect();
    for (pos, item) in q.items.iter_mut().enumerate() {
        let expired = item.lease.as_ref().filter(|l| l.until <= now).cloned();
        if item.lease.is_some() && expired.is_none() {
            continue; // an answer is awaited
        }
        let p = item.profile.index();
        let mut hand_out = |item: &mut Item, kind: ActionKind, due: i64| {
            item.lease = lease(kind);
            actions.push(Action {
                kind,
                key: item.key(),
                seq: item.seq,
                pos,
                profile: item.profile,
                job_id: item.job_id.clone(),
                state: None,
                due: due.min(now),
                lease_until,
            });
        };
        match item.state {
            State::Submitting => {
                let Some(l) = expired else { continue };
                if item.profile.listing().value.is_some() && wants(ActionKind::Find) {
                    if !s.same_client(l.client.as_deref()) {
                        let client = l.client.clone().unwrap_or_default();
                        waiting.push((
                            pos,
                            WaitReason::CreatorOnly {
                                client,
                                since: l.until,
                            },
                        ));
                        wakes.push(now.saturating_add(s.poll_ms as i64));
                    } else if let Some(t) = pause_of[p][2] {
                        waiting.push((
                            pos,
                            WaitReason::Paused {
                                kind: ActionKind::Find,
                                until: t,
                            },
                        ));
                        wakes.push(t);
                    } else {
                        hand_out(item, ActionKind::Find, l.until);
                    }
                } else if l.kind == ActionKind::Submit || l.kind == ActionKind::Find {
                    // No way to look for the job: resubmit (at-least-once).
                    item.state = State::Queued;
                    item.lease = None;
                    item.doubts = item.doubts.saturating_add(1);
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
                    if let Some(t) = pause_of[p][0] {
                        waiting.push((
                            pos,
                            WaitReason::Paused {
                                kind: ActionKind::Poll,
                                until: t,
                            },
                        ));
                        wakes.push(t);
                    } else {
                        hand_out(item, ActionKind::Poll, due);
                    }
                }
            }
            State::Ready => {
                let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                if due > now || !wants(ActionKind::Execute) {
                    continue;
                }
                item.lease = None;
                let hold = if !s.same_client(item.client.as_deref()) {
                    Some(WaitReason::CreatorOnly {
                        client: item.client.clone().unwrap_or_default(),
                        since: item.last.as_ref().map_or(due, |l| l.at),
                    })
                } else if blocked[p] {
                    Some(WaitReason::Listing(item.profile))
                } else if let Some(t) = pause_of[p][1] {
                    Some(WaitReason::Paused {
                        kind: ActionKind::Execute,
                        until: t,
                    })
                } else {
                    match item.profile.lock_rule(s.max_active_jobs) {
                        LockRule::MaxActive(n) if active[p] >= n as usize => {
                            Some(WaitReason::ConcurrencyLimit(n))
                        }
                        _ => None,
                    }
                };
                match hold {
                    // Another client's job: left as it is for that client's runners, and
                    // this runner looks again after a poll interval.
                    Some(r @ WaitReason::CreatorOnly { .. }) => {
                        wakes.push(now.saturating_add(s.poll_ms as i64));
                        waiting.push((pos, r));
                    }
                    Some(r) => {
                        // Looked at again after a poll interval (or when the pause ends).
                        let at = match r {
                            WaitReason::Paused { until, .. } => until,
                            _ => now.saturating_add(s.poll_ms as i64),
                        };
                        item.poll_at = Some(at);
                        waiting.push((pos, r));
                    }
                    None => {
                        active[p] += 1;
                        item.state = State::Executing;
                        hand_out(item, ActionKind::Execute, due);
                    }
                }
            }
            State::Waiting if has_come(item.not_before, now) => {
                // Due again; the reason stays until an answer replaces it.
                item.state = State::Queued;
            }
            _ => {}
        }
    }

    // 3. Submits: what the release rules let go, unless the profile waits for a listing
    // or its submits are paused.
    let holds: [Option<WaitReason>; 3] = Profile::ALL.map(|p| {
        if blocked[p.index()] {
            Some(WaitReason::Listing(p))
        } else {
            paused(q, p, ActionKind::Submit, s, now).map(|until| WaitReason::Paused {
                kind: ActionKind::Submit,
                until,
            })
        }
    });
    let (released, mut held) = release::release_held(q, &listed, s, now, &holds);
    // A runner has at most max_in_doubt submits of unlistable profiles in flight.
    let mut budget = (s.max_in_doubt as usize).saturating_sub(
        q.items
            .iter()
            .filter(|i| i.state == State::Submitting && i.profile.listing().value.is_none())
            .filter_map(|i| i.lease.as_ref())
            .filter(|l| l.kind == ActionKind::Submit && l.until > now && l.runner == s.runner)
            .count(),
    );
    let released: Vec<usize> = released
        .into_iter()
        .filter(|&i| {
            if q.items[i].profile.listing().value.is_some() {
                return true;
            }
            if budget == 0 {
                held.push((i, WaitReason::InDoubtLimit(s.max_in_doubt)));
                return false;
            }
            budget -= 1;
            true
        })
        .collect();
    for (_, r) in &held {
        if let WaitReason::Paused { until, .. } = r {
            wakes.push(*until);
        }
    }
    let blocked_queued = held
        .iter()
        .any(|(_, r)| !matches!(r, WaitReason::NotBefore(_) | WaitReason::Paused { .. }));
    if wants(ActionKind::Submit) {
        for i in released {
            let item = &mut q.items[i];
            item.state = State::Submitting;
            item.attempts = item.attempts.saturating_add(1);
            item.not_before = None;
            item.lease = lease(ActionKind::Submit);
            actions.push(Action {
                kind: ActionKind::Submit,
                key: item.key(),
                seq: item.seq,
                pos: i,
                profile: item.profile,
                job_id: None,
                state: None,
                due: now,
                lease_until,
            });
        }
    }
    waiting.extend(held);
    let order: Vec<u64> = actions
        .iter()
        .map(|a| {
            if a.is_listing() {
                0
            } else {
                a.seq.saturating_add(1)
            }
        })
        .collect();
    let actions = crate::order::permute(actions, &crate::order::order_by_u64(&order));
    let mut held_pos = vec![false; q.items.len()];
    for (p, _) in &waiting {
        held_pos[*p] = true;
    }
    let wake_at = q
        .items
        .iter()
        .enumerate()
        .filter(|(pos, i)| {
            // A held call's own due time has passed: it waits for what holds it.
            !(held_pos[*pos] && i.due().is_some_and(|d| d <= now))
        })
        .filter_map(|(_, i)| i.due())
        .chain(wakes)
        .chain(blocked_queued.then(|| now.saturating_add(s.poll_ms as i64)))
        .min();
    let done = is_done(q, s, now);
    Step {
        actions,
        waiting,
        wake_at,
        done,
    }
}

/// Whether the caller is done: its watched keys (all items without a watch list) are
/// final, and no live item needs this runner's client (a READY job it created, a lost
/// submit of its own to look for).
fn is_done(q: &Queue, s: &Settings, now: i64) -> bool {
    let needs_me = s.client.is_some()
        && q.items.iter().any(|i| match i.state {
            State::Ready => i.client == s.client,
            State::Submitting => {
                lost_submit(i, now)
                    && i.profile.listing().value.is_some()
                    && i.lease.as_ref().is_some_and(|l| l.client == s.client)
            }
            _ => false,
        });
    if needs_me {
        return false;
    }
    match &s.watch {
        None => q.items.iter().all(|i| i.state.is_final()),
        Some(keys) => {
            let live = crate::order::sort_dedup_strings(
                q.items
                    .iter()
                    .filter(|i| !i.state.is_final())
                    .map(Item::key)
                    .collect(),
            );
            keys.iter().all(|k| live.binary_search(k).is_err())
        }
    }
}

/// Whether an optional instant has come (`None`: any time).
fn has_come(t: Option<i64>, now: i64) -> bool {
    t.map_or(true, |t| t <= now)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_protocol;
