//! A serialisable FIFO queue of export requests, and the state of each one.
//!
//! The state is plain data (JSON in the JS contract), so a ServiceNow table, a CI job's
//! file or a browser's storage can persist it between runs. [`Queue::enqueue`] adds a
//! request, deduplicated by profile + lockKey + channels among the items still live;
//! [`crate::lifecycle`] moves items from `queued` to `completed` or `failed`, deciding
//! every HTTP call on the way ([`crate::lifecycle::next`], [`crate::lifecycle::record`]).
//!
//! Nothing is dropped silently: an item leaves the queue only through
//! [`Queue::prune`], and only once it is completed or failed.

use crate::decide::Request;
use crate::profile::Profile;
use crate::time::Window;
use std::collections::BTreeMap;

/// Where an item is in its life.
///
/// ```text
/// queued ──► submitting ──► submitted ──► completed
///   ▲            │    (lease)   │  ▲ (poll)
///   │            │              ▼  │
///   │            │            ready ──► executing ──► submitted   (recording jobs)
///   │            ▼              │
///   └──────── waiting ◄─────────┘   (409/429/5xx, a FAILED or vanished job, a lost lease)
///                │
///                ▼
///              failed   (not retryable, or attempts used up)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Waiting for its turn: free range, free slot, no earlier overlapping item.
    Queued,
    /// Released for its POST, under a lease: if no answer is recorded before the lease
    /// expires, the lifecycle looks for the job (where the API lists jobs) or resubmits.
    Submitting,
    /// The API created the job (its id is known); the job is polled until it ends.
    Submitted,
    /// A recording job in READY: nothing is exported until its creator executes it.
    Ready,
    /// The execute call (`PUT {"state":"PROCESSING"}`) is under way.
    Executing,
    /// The job ended with its export done, and its results are being fetched page by page
    /// (details jobs, when the caller asks for results: `fetchResults`).
    Fetching,
    /// The job ended with its export done.
    Completed,
    /// Given up, with the reason.
    Failed,
    /// To be submitted again, not before `notBefore`, for the reason given.
    Waiting,
}

impl State {
    /// Every state, in the order of an item's life.
    pub const ALL: [State; 9] = [
        State::Queued,
        State::Waiting,
        State::Submitting,
        State::Submitted,
        State::Ready,
        State::Executing,
        State::Fetching,
        State::Completed,
        State::Failed,
    ];

    /// The name in the JS contract.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Submitting => "submitting",
            State::Submitted => "submitted",
            State::Ready => "ready",
            State::Executing => "executing",
            State::Fetching => "fetching",
            State::Completed => "completed",
            State::Failed => "failed",
            State::Waiting => "waiting",
        }
    }

    /// Looks a state up by name.
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Completed or failed: history, no longer a live request.
    pub fn is_final(self) -> bool {
        matches!(self, State::Completed | State::Failed)
    }

    /// Whether a job may exist for it that counts against the API's limits: POSTed (or
    /// being POSTed), running, or being executed. READY recording jobs do not count.
    pub fn in_flight(self) -> bool {
        matches!(
            self,
            State::Submitting | State::Submitted | State::Executing
        )
    }
}

/// An HTTP call the lifecycle asks a driver to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// The create call (POST).
    Submit,
    /// Read one job (GET `/{jobId}`).
    Poll,
    /// Execute a READY recording job (PUT `{"state":"PROCESSING"}`).
    Execute,
    /// List the organisation's jobs to find one whose create answer was lost (recording
    /// jobs: the only listable profile).
    Find,
    /// List the organisation's active jobs of a listable profile, one state per call:
    /// the queue's shared view of what counts against the profile's limit.
    List,
    /// Fetch a page of a finished job's results (GET `/{jobId}/results`, with the cursor
    /// the last page gave).
    Results,
}

impl ActionKind {
    /// Every kind.
    pub const ALL: [ActionKind; 6] = [
        ActionKind::Submit,
        ActionKind::Poll,
        ActionKind::Execute,
        ActionKind::Find,
        ActionKind::List,
        ActionKind::Results,
    ];

    /// The name in the JS contract.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Poll => "poll",
            ActionKind::Execute => "execute",
            ActionKind::Find => "find",
            ActionKind::List => "list",
            ActionKind::Results => "results",
        }
    }

    /// Looks a kind up by name.
    pub fn parse(name: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// An action handed to a driver and not yet answered: its kind, until when the
/// lifecycle waits for the answer before acting again, and the OAuth client of the
/// runner that took it (a lost submit's job can only be found, and a READY job only
/// executed, by that client).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The call.
    pub kind: ActionKind,
    /// When it expires (epoch ms).
    pub until: i64,
    /// The client of the runner that took the call (`None`: not said).
    pub client: Option<String>,
    /// The runner that took the call (`None`: not said): a runner's crash leaves its
    /// own calls in doubt, and their number is capped per runner.
    pub runner: Option<String>,
}

/// The last answer recorded for an item, for people and progress displays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastAnswer {
    /// When it was recorded (epoch ms).
    pub at: i64,
    /// The call it answered.
    pub kind: ActionKind,
    /// Its HTTP status (0: no response).
    pub status: u16,
    /// What it said: the job's state, or the error.
    pub summary: String,
    /// The rate-limit headers it carried, when it had any.
    pub rate_limit: Option<RateLimit>,
}

/// What an answer's `inin-ratelimit-*` headers said (Genesys sends them on its answers).
/// Kept as given (at most 40 characters each): their units are not documented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `inin-ratelimit-count`: calls counted in the current window.
    pub count: Option<String>,
    /// `inin-ratelimit-allowed`: calls allowed in the window.
    pub allowed: Option<String>,
    /// `inin-ratelimit-reset`: when the window resets.
    pub reset: Option<String>,
}

impl RateLimit {
    /// Whether no header was given.
    pub fn is_empty(&self) -> bool {
        self.count.is_none() && self.allowed.is_none() && self.reset.is_none()
    }
}

/// A class of calls held back for the whole queue after a 429: Genesys limits are per
/// OAuth client and endpoint, so after one 429 every call of that kind, to that profile,
/// from that client waits until `until` (the `Retry-After`, within the policy's ceiling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// The endpoint.
    pub profile: Profile,
    /// The kind of call.
    pub kind: ActionKind,
    /// The OAuth client that was limited (`None`: not said).
    pub client: Option<String>,
    /// Until when (epoch ms).
    pub until: i64,
    /// Why, in words.
    pub reason: String,
    /// The rate-limit headers of the 429, when it had any.
    pub rate_limit: Option<RateLimit>,
}

/// A job as a listing showed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedJob {
    /// Its id.
    pub id: String,
    /// Its canonical state.
    pub state: String,
    /// Its interval, when the listing gave one: a job without one still counts against
    /// its profile's limit, and blocks no date range.
    pub window: Option<Window>,
}

/// The queue's view of one listing call (a listable profile's jobs in one state), shared
/// by every runner of the queue: `next` lists again when it is older than `pollMs` and
/// live items of the profile need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingView {
    /// The profile listed.
    pub profile: Profile,
    /// The state asked for.
    pub state: String,
    /// When the jobs were listed (`None`: never).
    pub at: Option<i64>,
    /// The listing call handed out and not yet answered.
    pub lease: Option<Lease>,
    /// Not before this instant after a failed listing (its backoff).
    pub not_before: Option<i64>,
    /// Failed listings in a row.
    pub retries: u32,
    /// The jobs listed.
    pub jobs: Vec<ListedJob>,
    /// Whether a step has decided with these jobs since they were listed. A listing not
    /// yet used stays usable up to a lease after it was made, however slow the step
    /// between the answer and the decision: otherwise a driver slower than `pollMs`
    /// would list again forever.
    pub used: bool,
    /// The last answer recorded.
    pub last: Option<LastAnswer>,
}

impl ListingView {
    /// The key of its `list` actions: `list|profile|state`.
    pub fn key(&self) -> String {
        format!("list|{}|{}", self.profile.name(), self.state)
    }
}

/// One queued request and where it is in its life.
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
    /// Do not submit before this instant (epoch ms): after a 409/429, or as enqueued.
    pub not_before: Option<i64>,
    /// How many times it was POSTed.
    pub attempts: u32,
    /// Where it is.
    pub state: State,
    /// The job the API created for it (submitted, ready, executing, completed).
    pub job_id: Option<String>,
    /// The action handed out and not yet answered.
    pub lease: Option<Lease>,
    /// When to poll (submitted, executing) or execute (ready) next.
    pub poll_at: Option<i64>,
    /// Why it waits or failed.
    pub reason: Option<String>,
    /// Transient errors in a row on polls, executes and finds (their backoff).
    pub retries: u32,
    /// The last answer recorded.
    pub last: Option<LastAnswer>,
    /// When it completed or failed.
    pub done_at: Option<i64>,
    /// The OAuth client whose submit created its job: a READY recording job can only be
    /// executed by its creator.
    pub client: Option<String>,
    /// How many of its submits were made again after their answer was lost on a profile
    /// Genesys cannot list: the export may have run that many extra times.
    pub doubts: u32,
    /// Set when the item is one part of a bulk request (see [`crate::bulk`]).
    pub part: Option<Part>,
    /// How far its results were fetched (see [`State::Fetching`]).
    pub results: Option<Fetched>,
}

/// How far a job's results were fetched: the pages read, and the cursor of the next one
/// (`None` once the last page was read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Pages read so far.
    pub pages: u32,
    /// The cursor the last page gave.
    pub cursor: Option<String>,
}

/// Which part of a bulk request an item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The whole request's key (`profile|start/end|channels`): the request's id.
    pub of: String,
    /// Which part, from 1, in time order.
    pub index: u32,
    /// How many parts the request has.
    pub count: u32,
}

impl Item {
    /// A new queued item.
    pub fn new(seq: u64, request: &Request, now: i64, not_before: Option<i64>) -> Item {
        Item {
            seq,
            profile: request.profile,
            window: request.window,
            channels: request.channels.clone(),
            enqueued_at: now,
            not_before,
            attempts: 0,
            state: State::Queued,
            job_id: None,
            lease: None,
            poll_at: None,
            reason: None,
            retries: 0,
            last: None,
            done_at: None,
            client: None,
            doubts: 0,
            part: None,
            results: None,
        }
    }

    /// The canonical `startZ/endZ` lock key.
    pub fn lock_key(&self) -> String {
        self.window.lock_key()
    }

    /// The deduplication key: `profile|lockKey|channels`.
    pub fn key(&self) -> String {
        // Pushed, not `format!` (see `Window::lock_key`).
        let mut k = String::with_capacity(80);
        k.push_str(self.profile.name());
        k.push('|');
        k.push_str(&self.lock_key());
        k.push('|');
        push_channels(&mut k, &self.channels);
        k
    }

    /// The call the lifecycle hands out next for this item: none while a call is
    /// outstanding (see `lease`) or once it is final. A queued item's submit still waits
    /// for its turn (free range, free slot, no earlier overlapping item).
    pub fn next_call(&self) -> Option<ActionKind> {
        if self.lease.is_some() {
            return None;
        }
        match self.state {
            State::Queued | State::Waiting => Some(ActionKind::Submit),
            State::Submitted | State::Executing => Some(ActionKind::Poll),
            State::Ready => Some(ActionKind::Execute),
            State::Fetching => Some(ActionKind::Results),
            State::Submitting | State::Completed | State::Failed => None,
        }
    }

    /// When something is next due for this item: its lease's expiry, its next poll or
    /// execute, or its `notBefore`. `None`: nothing is scheduled (final, or queued and
    /// free to go at the next `next`).
    pub fn due(&self) -> Option<i64> {
        if self.state.is_final() {
            return None;
        }
        if let Some(l) = &self.lease {
            return Some(l.until);
        }
        match self.state {
            State::Queued | State::Waiting => self.not_before,
            State::Submitted | State::Ready | State::Executing | State::Fetching => self.poll_at,
            _ => None,
        }
    }
}

/// The queue state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queue {
    /// Items in FIFO order (final ones included, as history).
    pub items: Vec<Item>,
    /// The `seq` the next item gets.
    pub next_seq: u64,
    /// Classes of calls held back after a 429 (see [`Pause`]).
    pub pauses: Vec<Pause>,
    /// The listings of listable profiles (see [`ListingView`]).
    pub listings: Vec<ListingView>,
}

/// What [`Queue::enqueue`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enqueued {
    /// Whether the request was added (false: a live item has its key).
    pub added: bool,
    /// The queued item: the new one, or the live one with the same key.
    pub item: Item,
    /// When added while an earlier item with the same key is history: its final state
    /// (`completed`: this is a new export of the same range; `failed`: a new try).
    pub previous: Option<State>,
}

/// The queue's items by key, for enqueueing many requests in one pass: built once in
/// O(n log n), then each lookup is O(log n) instead of a scan that formats every key.
/// Keyed by `index_key`, not [`Item::key`]: see there.
#[derive(Debug, Clone, Default)]
pub struct KeyIndex {
    live: BTreeMap<String, usize>,
    /// The newest final item of each key.
    done: BTreeMap<String, usize>,
}

/// An item's key ([`Item::key`]) in the form the index compares: the window's two
/// instants as 16 hex digits each, the profile as one letter, then the channel names
/// joined by commas. Equal exactly when the keys are equal (fixed-width parts first, and
/// canonical channel names have no commas). Why not the key itself: the formatted keys
/// share long prefixes (`evaluationExports|2026-`), so a B-tree of them compares long
/// runs of equal bytes, and formatting two dates per key is not free; these differ
/// within the first dozen bytes and are cheap to write. It
/// stays a `String` so that the core keeps one B-tree type (see `crate::order`).
fn index_key(item: &Item) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut k = String::with_capacity(48);
    for v in [item.window.start, item.window.end] {
        for shift in (0..16).rev() {
            k.push(char::from(HEX[((v as u64 >> (shift * 4)) & 15) as usize]));
        }
    }
    k.push(char::from(b'a' + item.profile.index() as u8));
    push_channels(&mut k, &item.channels);
    k
}

/// Whether `joined` is the channel names joined by commas.
fn channels_equal(channels: &[String], joined: &str) -> bool {
    let mut rest = joined;
    for (i, c) in channels.iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix(',') {
                Some(r) => rest = r,
                None => return false,
            }
        }
        match rest.strip_prefix(c.as_str()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// Appends the channel names joined by commas (the last part of both key forms), without
/// the intermediate `String` of `join`.
fn push_channels(k: &mut String, channels: &[String]) {
    for (i, c) in channels.iter().enumerate() {
        if i > 0 {
            k.push(',');
        }
        k.push_str(c);
    }
}

impl Queue {
    /// Indexes the items by key (see [`Queue::enqueue_with`]).
    pub fn key_index(&self) -> KeyIndex {
        let mut index = KeyIndex::default();
        for (i, item) in self.items.iter().enumerate() {
            if item.state.is_final() {
                index.done.insert(index_key(item), i);
            } else {
                index.live.insert(index_key(item), i);
            }
        }
        index
    }

    /// The position of the live item with this key. The key is read once into its
    /// parts, which are compared with each item's: no key is formatted per item (the
    /// lookup runs for every answer a driver records).
    pub fn live_position(&self, key: &str) -> Option<usize> {
        let mut parts = key.splitn(3, '|');
        let (profile, range, channels) = (parts.next()?, parts.next()?, parts.next()?);
        let (start, end) = range.split_once('/')?;
        let start = crate::time::parse_instant(start).ok()?;
        let end = crate::time::parse_instant(end).ok()?;
        let position = self.items.iter().position(|i| {
            !i.state.is_final()
                && i.window.start == start
                && i.window.end == end
                && i.profile.name() == profile
                && channels_equal(&i.channels, channels)
        })?;
        // The parts match; the whole key too unless it was written in another form.
        (self.items[position].key() == key).then_some(position)
    }

    /// Adds a request unless a live item (not completed or failed) has the same key.
    pub fn enqueue(&mut self, request: &Request, now: i64, not_before: Option<i64>) -> Enqueued {
        let mut index = self.key_index();
        self.enqueue_with(&mut index, request, now, not_before, true)
    }

    /// [`Queue::enqueue`] with an index made by [`Queue::key_index`] and kept up to date
    /// here: a backlog of n requests costs O(n log n) instead of O(n²). With
    /// `repeat_finished` false, a key whose item already completed or failed is a
    /// duplicate too (the answer carries that item): a driver that re-reads the same
    /// request file on resume must not export again what it finished.
    pub fn enqueue_with(
        &mut self,
        index: &mut KeyIndex,
        request: &Request,
        now: i64,
        not_before: Option<i64>,
        repeat_finished: bool,
    ) -> Enqueued {
        let item = Item::new(self.next_seq, request, now, not_before);
        let key = index_key(&item);
        if let Some(existing) = index.live.get(&key).and_then(|&i| self.items.get(i)) {
            return Enqueued {
                added: false,
                item: existing.clone(),
                previous: None,
            };
        }
        let finished = index.done.get(&key).and_then(|&i| self.items.get(i));
        if let (false, Some(done)) = (repeat_finished, finished) {
            return Enqueued {
                added: false,
                item: done.clone(),
                previous: None,
            };
        }
        let previous = finished.map(|i| i.state);
        index.live.insert(key, self.items.len());
        self.next_seq = self.next_seq.saturating_add(1);
        self.items.push(item.clone());
        Enqueued {
            added: true,
            item,
            previous,
        }
    }

    /// Queues `request`, or, given `parts` (windows that tile it, in time order), each
    /// part as an item that names the whole request (see [`Part`]). A part whose key is
    /// live already is not added: the live item stands for it. `attempts` are tries made
    /// before the request was queued (by another tool), given to each new item.
    #[allow(clippy::too_many_arguments)]
    pub fn enqueue_split(
        &mut self,
        index: &mut KeyIndex,
        request: &Request,
        parts: Option<&[Window]>,
        now: i64,
        not_before: Option<i64>,
        repeat_finished: bool,
        attempts: u32,
    ) -> Vec<Enqueued> {
        let whole = [request.window];
        let windows = parts.unwrap_or(&whole);
        let of = parts.map(|_| Item::new(0, request, now, None).key());
        let count = u32::try_from(windows.len()).unwrap_or(u32::MAX);
        let mut out = Vec::with_capacity(windows.len());
        for (i, w) in windows.iter().enumerate() {
            let one = Request {
                window: *w,
                channels: request.channels.clone(),
                profile: request.profile,
            };
            let mut e = self.enqueue_with(index, &one, now, not_before, repeat_finished);
            if e.added {
                let part = of.as_ref().map(|of| Part {
                    of: of.clone(),
                    index: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    count,
                });
                if let Some(last) = self.items.last_mut() {
                    last.part = part.clone();
                    last.attempts = attempts;
                }
                e.item.part = part;
                e.item.attempts = attempts;
            }
            out.push(e);
        }
        out
    }

    /// Removes final items (completed or failed): those that ended before `before`, and
    /// all but the newest `keep` of the rest. Live items are never removed. Returns the
    /// removed items, in queue order.
    pub fn prune(&mut self, keep: usize, before: Option<i64>) -> Vec<Item> {
        let finals: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.items[i].state.is_final())
            .collect();
        let mut gone = vec![false; self.items.len()];
        for &i in &finals {
            let ended = self.items[i].done_at.unwrap_or(i64::MIN);
            if before.is_some_and(|b| ended < b) {
                gone[i] = true;
            }
        }
        let kept: Vec<usize> = finals.into_iter().filter(|&i| !gone[i]).collect();
        // The newest are those that ended last (queue order breaks ties: the sort is
        // stable and `kept` is in queue order).
        let ends: Vec<u64> = kept
            .iter()
            .map(|&i| crate::order::ordered_i64(self.items[i].done_at.unwrap_or(i64::MIN)))
            .collect();
        let by_end = crate::order::permute(kept, &crate::order::order_by_u64(&ends));
        let excess = by_end.len().saturating_sub(keep);
        for i in by_end.into_iter().take(excess) {
            gone[i] = true;
        }
        let mut removed = Vec::new();
        let mut left = Vec::with_capacity(self.items.len());
        for (i, item) in std::mem::take(&mut self.items).into_iter().enumerate() {
            if gone[i] {
                removed.push(item);
            } else {
                left.push(item);
            }
        }
        self.items = left;
        removed
    }
}
