//! [`next`]: the calls that are due, in four passes over the queue: listings, the items'
//! own calls (polls, executes, finds), submits, then when to wake.
//!
//! Each pass is a function of its own, kept out of line: inlined into one, they made a
//! function too big for one JVM method, and Rhino's class compiler then interprets the
//! whole ServiceNow script that holds it (tests/rhino/compile-check.js).

use super::{release, Action, Settings, Step, WaitReason};
use crate::decide::Job;
use crate::profile::{LockRule, Profile};
use crate::queue::{ActionKind, Item, Lease, ListingView, Queue, State};
use crate::time::Window;

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

/// Whether an optional instant has come (`None`: any time).
fn has_come(t: Option<i64>, now: i64) -> bool {
    t.map_or(true, |t| t <= now)
}

/// For each item fetching its results as a part of a bulk request, the earliest part of
/// that request that is not final yet when it is an earlier one: its results come first.
fn earlier_parts(q: &Queue) -> Vec<Option<u32>> {
    let live: Vec<(&str, u32)> = q
        .items
        .iter()
        .filter(|i| !i.state.is_final())
        .filter_map(|i| i.part.as_ref().map(|p| (p.of.as_str(), p.index)))
        .collect();
    let order = crate::order::order_by(live.len(), &|a, b| live[a].cmp(&live[b]));
    let live = crate::order::permute(live, &order);
    q.items
        .iter()
        .map(|i| {
            let p = i.part.as_ref().filter(|_| i.state == State::Fetching)?;
            let first = live.partition_point(|(of, _)| *of < p.of.as_str());
            live.get(first)
                .filter(|(of, n)| *of == p.of && *n < p.index)
                .map(|(_, n)| *n)
        })
        .collect()
}

/// Per profile (by [`Profile::index`]).
type PerProfile<T> = [T; Profile::ALL.len()];

/// The views of the listable profiles that live items need now: for each, which of its
/// views must be listed again, and whether the profile waits for them. Creates missing
/// views (one per active state).
fn listings_needed(q: &mut Queue, s: &Settings, now: i64) -> PerProfile<bool> {
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

/// What one `next` collects as its passes go: the calls handed out, the items held and
/// why, and the instants a held call waits for (a pause's end, a listing's answer).
struct Pass<'a> {
    s: &'a Settings,
    now: i64,
    kinds: &'a [ActionKind],
    lease_until: i64,
    actions: Vec<Action>,
    waiting: Vec<(usize, WaitReason)>,
    wakes: Vec<i64>,
}

impl Pass<'_> {
    fn wants(&self, kind: ActionKind) -> bool {
        self.kinds.contains(&kind)
    }

    fn lease(&self, kind: ActionKind) -> Option<Lease> {
        Some(Lease {
            kind,
            until: self.lease_until,
            client: self.s.client.clone(),
            runner: self.s.runner.clone(),
        })
    }

    /// Leases `item` (at `pos`) for a call of `kind`, due since `due`, and hands it out.
    fn hand_out(&mut self, item: &mut Item, pos: usize, kind: ActionKind, due: i64) {
        item.lease = self.lease(kind);
        self.actions.push(Action {
            kind,
            key: item.key(),
            seq: item.seq,
            pos,
            profile: item.profile,
            // A submit makes a new job (an item submitted again may still name its last).
            job_id: (kind != ActionKind::Submit)
                .then(|| item.job_id.clone())
                .flatten(),
            state: None,
            cursor: item.results.as_ref().and_then(|r| r.cursor.clone()),
            page: item.results.as_ref().map_or(0, |r| r.pages),
            due: due.min(self.now),
            lease_until: self.lease_until,
        });
    }

    fn hold(&mut self, pos: usize, reason: WaitReason, wake: Option<i64>) {
        self.waiting.push((pos, reason));
        self.wakes.extend(wake);
    }

    /// Pass 1, listings: a listable profile whose live items need a decision waits for a view
    /// of its active jobs younger than pollMs; the stale views are listed now. Answers
    /// which profiles wait for a listing, and the jobs of the fresh views.
    #[inline(never)]
    fn listings(&mut self, q: &mut Queue) -> (PerProfile<bool>, Vec<Job>) {
        let (s, now) = (self.s, self.now);
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
                self.wakes.push(t);
                continue;
            }
            if !self.wants(ActionKind::List) {
                continue;
            }
            v.lease = self.lease(ActionKind::List);
            self.wakes.push(self.lease_until);
            self.actions.push(Action {
                kind: ActionKind::List,
                key: v.key(),
                seq: 0,
                pos,
                profile: v.profile,
                job_id: None,
                state: Some(v.state.clone()),
                cursor: None,
                page: 0,
                due: now,
                lease_until: self.lease_until,
            });
        }
        let listed = listed_jobs(q, s, now);
        for v in q.listings.iter_mut() {
            if needs[v.profile.index()] && !blocked[v.profile.index()] {
                v.used = true;
            }
        }
        (blocked, listed)
    }

    /// Pass 2, the items' own calls: polls, executes of READY jobs, finds of lost submits.
    /// A READY job is executed only while its profile has a free slot, since executing
    /// makes it count (PROCESSING).
    #[inline(never)]
    fn item_calls(&mut self, q: &mut Queue, listed: &[Job], blocked: &PerProfile<bool>) {
        let (s, now) = (self.s, self.now);
        let mut active = [0usize; Profile::ALL.len()];
        for j in release::active_jobs(q, listed) {
            active[j.profile.index()] += 1;
        }
        let pause_of: Vec<[Option<i64>; 4]> = Profile::ALL
            .iter()
            .map(|p| {
                [
                    ActionKind::Poll,
                    ActionKind::Execute,
                    ActionKind::Find,
                    ActionKind::Results,
                ]
                .map(|k| paused(q, *p, k, s, now))
            })
            .collect();
        let earlier = earlier_parts(q);
        for (pos, item) in q.items.iter_mut().enumerate() {
            let expired = item.lease.as_ref().filter(|l| l.until <= now).cloned();
            if item.lease.is_some() && expired.is_none() {
                continue; // an answer is awaited
            }
            let p = item.profile.index();
            match item.state {
                State::Submitting => {
                    if let Some(l) = expired {
                        self.lost_submit(item, pos, l, pause_of[p][2]);
                    }
                }
                State::Submitted | State::Executing => {
                    let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                    if due <= now && self.wants(ActionKind::Poll) {
                        match pause_of[p][0] {
                            Some(until) => {
                                let kind = ActionKind::Poll;
                                self.hold(pos, WaitReason::Paused { kind, until }, Some(until))
                            }
                            None => self.hand_out(item, pos, ActionKind::Poll, due),
                        }
                    }
                }
                State::Ready => {
                    let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                    if due <= now && self.wants(ActionKind::Execute) {
                        let pause = pause_of[p][1];
                        self.ready(item, pos, due, blocked[p], pause, &mut active[p]);
                    }
                }
                State::Fetching => {
                    let due = expired.map(|l| l.until).or(item.poll_at).unwrap_or(now);
                    if due > now || !self.wants(ActionKind::Results) {
                        continue;
                    }
                    if !self.s.fetch_results {
                        // A runner without a sink would read the pages and lose them.
                        self.hold(pos, WaitReason::ResultsFetcher, None);
                    } else if let Some(n) = earlier[pos] {
                        self.hold(pos, WaitReason::EarlierPart(n), None);
                    } else if let Some(until) = pause_of[p][3] {
                        let kind = ActionKind::Results;
                        self.hold(pos, WaitReason::Paused { kind, until }, Some(until));
                    } else {
                        self.hand_out(item, pos, ActionKind::Results, due);
                    }
                }
                State::Waiting if has_come(item.not_before, now) => {
                    // Due again; the reason stays until an answer replaces it.
                    item.state = State::Queued;
                }
                _ => {}
            }
        }
    }

    /// A submit (or find) whose lease `l` expired: look for the job where the API lists
    /// jobs, as the client that made the call; elsewhere submit again.
    #[inline(never)]
    fn lost_submit(&mut self, item: &mut Item, pos: usize, l: Lease, pause: Option<i64>) {
        let (s, now) = (self.s, self.now);
        if item.profile.listing().value.is_some() && self.wants(ActionKind::Find) {
            if !s.same_client(l.client.as_deref()) {
                let client = l.client.clone().unwrap_or_default();
                let reason = WaitReason::CreatorOnly {
                    client,
                    since: l.until,
                };
                self.hold(pos, reason, Some(now.saturating_add(s.poll_ms as i64)));
            } else if let Some(until) = pause {
                let kind = ActionKind::Find;
                self.hold(pos, WaitReason::Paused { kind, until }, Some(until));
            } else {
                self.hand_out(item, pos, ActionKind::Find, l.until);
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

    /// A READY job due since `due`: executed by its creator while its profile has a free
    /// slot (`active` counts the profile's active jobs), unless the profile waits for a
    /// listing (`blocked`) or its executes are paused until `pause`.
    #[inline(never)]
    fn ready(
        &mut self,
        item: &mut Item,
        pos: usize,
        due: i64,
        blocked: bool,
        pause: Option<i64>,
        active: &mut usize,
    ) {
        let (s, now) = (self.s, self.now);
        item.lease = None;
        let hold = if !s.same_client(item.client.as_deref()) {
            Some(WaitReason::CreatorOnly {
                client: item.client.clone().unwrap_or_default(),
                since: item.last.as_ref().map_or(due, |l| l.at),
            })
        } else if blocked {
            Some(WaitReason::Listing(item.profile))
        } else if let Some(until) = pause {
            Some(WaitReason::Paused {
                kind: ActionKind::Execute,
                until,
            })
        } else {
            match item.profile.lock_rule(s.max_active_jobs) {
                LockRule::MaxActive(n) if *active >= n as usize => {
                    Some(WaitReason::ConcurrencyLimit(n))
                }
                _ => None,
            }
        };
        match hold {
            // Another client's job: left as it is for that client's runners, and this
            // runner looks again after a poll interval.
            Some(r @ WaitReason::CreatorOnly { .. }) => {
                self.hold(pos, r, Some(now.saturating_add(s.poll_ms as i64)));
            }
            Some(r) => {
                // Looked at again after a poll interval (or when the pause ends).
                let at = match r {
                    WaitReason::Paused { until, .. } => until,
                    _ => now.saturating_add(s.poll_ms as i64),
                };
                item.poll_at = Some(at);
                self.hold(pos, r, None);
            }
            None => {
                *active += 1;
                item.state = State::Executing;
                self.hand_out(item, pos, ActionKind::Execute, due);
            }
        }
    }

    /// Pass 3, submits: what the release rules let go, unless the profile waits for a listing
    /// or its submits are paused, and while this runner has fewer than `maxInDoubt`
    /// submits of unlistable profiles in flight. Answers whether a queued item is held
    /// by something other than time (so the queue is looked at again after a poll).
    #[inline(never)]
    fn submits(&mut self, q: &mut Queue, listed: &[Job], blocked: &PerProfile<bool>) -> bool {
        let (s, now) = (self.s, self.now);
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
        let (released, mut held) = release::release_held(q, listed, s, now, &holds);
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
                self.wakes.push(*until);
            }
        }
        let blocked_queued = held
            .iter()
            .any(|(_, r)| !matches!(r, WaitReason::NotBefore(_) | WaitReason::Paused { .. }));
        if self.wants(ActionKind::Submit) {
            for i in released {
                let item = &mut q.items[i];
                item.state = State::Submitting;
                item.attempts = item.attempts.saturating_add(1);
                item.not_before = None;
                self.hand_out(item, i, ActionKind::Submit, now);
            }
        }
        self.waiting.extend(held);
        blocked_queued
    }

    /// Pass 4, the step: the calls in order (listings first, then queue order), and when to
    /// call `next` again.
    #[inline(never)]
    fn finish(self, q: &Queue, blocked_queued: bool) -> Step {
        let (s, now) = (self.s, self.now);
        let order: Vec<u64> = self
            .actions
            .iter()
            .map(|a| {
                if a.is_listing() {
                    0
                } else {
                    a.seq.saturating_add(1)
                }
            })
            .collect();
        let actions = crate::order::permute(self.actions, &crate::order::order_by_u64(&order));
        let mut held_pos = vec![false; q.items.len()];
        for (p, _) in &self.waiting {
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
            .chain(self.wakes)
            .chain(blocked_queued.then(|| now.saturating_add(s.poll_ms as i64)))
            .min();
        Step {
            actions,
            waiting: self.waiting,
            wake_at,
            done: is_done(q, s),
        }
    }
}

/// The calls that are due at `now`, of the `kinds` asked for (`drain` asks for submits
/// only). The queue is updated: each handed-out call is leased, released items are
/// `submitting`, due `waiting` items are `queued` again, expired pauses are dropped.
///
/// `known` are active jobs the caller knows of (any profile; final ones are ignored),
/// merged with the queue's own view of the listable profiles.
pub fn next(q: &mut Queue, known: &[Job], s: &Settings, now: i64, kinds: &[ActionKind]) -> Step {
    q.pauses.retain(|p| p.until > now);
    let mut pass = Pass {
        s,
        now,
        kinds,
        lease_until: now.saturating_add(s.lease_ms as i64),
        actions: Vec::new(),
        waiting: Vec::new(),
        wakes: Vec::new(),
    };
    let (blocked, mut listed) = pass.listings(q);
    listed.extend(known.iter().filter(|j| j.active).cloned());
    pass.item_calls(q, &listed, &blocked);
    let blocked_queued = pass.submits(q, &listed, &blocked);
    pass.finish(q, blocked_queued)
}

/// Whether the caller is done: its watched keys (all items without a watch list) are
/// final, and no live item may yet need this runner's client. Any runner may submit any
/// item of a shared queue, so a runner stays while a job its client created can still
/// need its creator: a live recording job (polled before READY, READY, executing; the
/// queue does not tell a poll before the execute from one after it, so until the job is
/// final), or a submit made under its client on a profile whose lost answers are looked
/// for (only that client may look).
fn is_done(q: &Queue, s: &Settings) -> bool {
    let needs_me = s.client.is_some()
        && q.items.iter().any(|i| match i.state {
            State::Submitted | State::Ready | State::Executing => {
                i.profile.execute().is_some() && i.client == s.client
            }
            State::Submitting => {
                i.profile.listing().value.is_some()
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
