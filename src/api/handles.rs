//! What the core keeps between calls, by handle: prepared job lists (`prepareJobs`,
//! `freeJobs`) and queues (`loadQueue`, `freeQueue`).
//!
//! A handle is a small number wrapped as `{"$index": n}` (a job list) or `{"$queue": n}`
//! (a queue), so it travels through JSON wherever a job list or a queue state goes. The
//! registries are per instance (per thread natively), and each holds at most
//! [`MAX_PREPARED`] entries so that a caller who never frees cannot grow memory without
//! bound.

use crate::api::obj::whole_number;
use crate::decide::JobIndex;
use crate::error::{Error, ErrorCode};
use crate::queue::Queue;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// Most prepared job lists, and most queues, alive at once in one instance.
pub const MAX_PREPARED: usize = 1_000;

/// Entries by handle, ascending (a sorted list: smaller code than a map, see crate::order).
pub(crate) struct Registry<T> {
    last: u32,
    entries: Vec<(u32, T)>,
}

impl<T> Registry<T> {
    const fn new() -> Self {
        Registry {
            last: 0,
            entries: Vec::new(),
        }
    }

    fn find(&self, h: u32) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(&h))
    }

    fn get(&self, h: u32) -> Option<&T> {
        self.find(h).ok().map(|i| &self.entries[i].1)
    }

    fn insert(&mut self, value: T) -> Option<u32> {
        if self.entries.len() >= MAX_PREPARED {
            return None;
        }
        let mut next = self.last.wrapping_add(1).max(1);
        while self.find(next).is_ok() {
            next = next.wrapping_add(1).max(1);
        }
        self.last = next;
        if let Err(at) = self.find(next) {
            self.entries.insert(at, (next, value));
        }
        Some(next)
    }

    fn remove(&mut self, h: u32) -> bool {
        match self.find(h) {
            Ok(i) => {
                self.entries.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

thread_local! {
    static PREPARED: RefCell<Registry<Rc<JobIndex>>> = const { RefCell::new(Registry::new()) };
    static QUEUES: RefCell<Registry<Queue>> = const { RefCell::new(Registry::new()) };
    /// Each kept queue as it was last saved (at `loadQueue`, then at each
    /// `queueChanges` or call with the option `changes`): what a store needs to write
    /// only what changed.
    static SAVED: RefCell<Registry<Saved>> = const { RefCell::new(Registry::new()) };
}

/// A kept queue's saved state, and what may have changed since.
#[derive(Default)]
pub(crate) struct Saved {
    queue: Queue,
    /// `Some(seqs)`: since the saved state, only the items with these seqs may have
    /// changed, none was added or removed (what `record` of an item's call does), so
    /// `queueChanges` compares those alone; `None`: anything may have changed.
    touched: Option<Vec<u64>>,
}

/// Reads a handle: the number itself or `{key: n}`.
fn number_at(v: &Value, key: &str) -> Option<u32> {
    let n = match v {
        Value::Object(m) => m.get(key)?,
        other => other,
    };
    whole_number(n, u64::from(u32::MAX)).map(|h| h as u32)
}

/// Reads a job list handle: the number itself or `{"$index": n}`.
pub fn handle_of(v: &Value) -> Option<u32> {
    number_at(v, "$index")
}

/// The prepared list behind a handle, if it is alive.
pub fn get(v: &Value) -> Option<Rc<JobIndex>> {
    let h = handle_of(v)?;
    PREPARED.with(|p| p.borrow().get(h).cloned())
}

/// The error when [`MAX_PREPARED`] entries of a kind (`what`) are alive.
fn full(what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidArgument,
        "",
        format!("{MAX_PREPARED} {what}: free() the ones you no longer need"),
    )
}

/// Keeps `list` and returns its new handle, or an error when [`MAX_PREPARED`] are alive.
pub fn insert(list: Rc<JobIndex>) -> Result<u32, Error> {
    PREPARED
        .with(|p| p.borrow_mut().insert(list))
        .ok_or_else(|| full("prepared job lists are alive"))
}

/// Drops the list behind `handle`; answers whether it was alive.
pub fn remove(handle: u32) -> bool {
    PREPARED.with(|p| p.borrow_mut().remove(handle))
}

/// Reads a queue handle: the number itself or `{"$queue": n}`.
pub fn queue_handle_of(v: &Value) -> Option<u32> {
    number_at(v, "$queue")
}

/// Takes the queue behind `handle` out of the registry (an empty queue stands in until
/// [`store_queue`] puts it back), if it is alive. No copy: copying and dropping a large
/// queue would cost more than most calls on it (see `state::arg::with_queue`, which puts
/// it back).
pub fn take_queue(handle: u32) -> Option<Queue> {
    QUEUES.with(|q| {
        let mut q = q.borrow_mut();
        let i = q.find(handle).ok()?;
        Some(std::mem::take(&mut q.entries[i].1))
    })
}

/// Puts a queue back under `handle`, with what the call may have changed in it: the
/// seqs of the items it touched (`Some`, nothing else changed, nothing added or removed)
/// or `None` (anything). Kept out of line: every handler of a queue calls it (through
/// `with_queue`), and inlined it made one of them too big for Rhino's class compiler.
#[inline(never)]
pub fn store_queue(handle: u32, queue: Queue, touched: Option<Vec<u64>>) {
    QUEUES.with(|q| {
        let mut q = q.borrow_mut();
        if let Ok(i) = q.find(handle) {
            q.entries[i].1 = queue;
        }
    });
    note_touched(handle, touched);
}

/// Adds what a call changed in kept queue `handle` (see [`store_queue`]) to what
/// changed since its saved state.
#[inline(never)]
pub fn note_touched(handle: u32, touched: Option<Vec<u64>>) {
    SAVED.with(|s| {
        let mut s = s.borrow_mut();
        if let Ok(i) = s.find(handle) {
            let hint = &mut s.entries[i].1.touched;
            match (hint.as_mut(), touched) {
                (Some(seqs), Some(more)) => seqs.extend(more),
                _ => *hint = None,
            }
        }
    });
}

/// Keeps `queue` and returns its new handle, or an error when [`MAX_PREPARED`] are kept.
/// The queue as given is its saved state (see [`changes_since_saved`]).
pub fn insert_queue(queue: Queue) -> Result<u32, Error> {
    let saved = queue.clone();
    let h = QUEUES
        .with(|q| q.borrow_mut().insert(queue))
        .ok_or_else(|| full("queues are kept"))?;
    let mut saved = saved;
    let seqs: Vec<u64> = saved.items.iter().map(|i| i.seq).collect();
    saved.items = crate::order::permute(saved.items, &crate::order::order_by_u64(&seqs));
    SAVED.with(|s| {
        let mut s = s.borrow_mut();
        s.remove(h);
        // The same capacity as QUEUES, so this insert has room; its handle is h.
        if let Err(at) = s.find(h) {
            let touched = Some(Vec::new());
            s.entries.insert(
                at,
                (
                    h,
                    Saved {
                        queue: saved,
                        touched,
                    },
                ),
            );
        }
    });
    Ok(h)
}

/// What changed in `q`, the kept queue `handle`, since its saved state: the positions in
/// `q.items` of the items new or changed, the seqs of the items removed, and whether the
/// rest of the state changed. The saved state then becomes `q`'s, updated in place: only
/// the changed items are copied, so a step that touched one item costs one copy and a
/// comparison per item.
pub fn changes_since_saved(handle: u32, q: &Queue) -> (Vec<usize>, Vec<u64>, bool) {
    SAVED.with(|s| {
        let mut s = s.borrow_mut();
        let at = match s.find(handle) {
            Ok(i) => i,
            Err(at) => {
                s.entries.insert(at, (handle, Saved::default()));
                at
            }
        };
        let entry = &mut s.entries[at].1;
        let (changed, removed) = match entry.touched.take() {
            Some(seqs) => (touched_changes(&mut entry.queue, q, seqs), Vec::new()),
            None => full_changes(&mut entry.queue, q),
        };
        entry.touched = Some(Vec::new());
        let saved = &mut entry.queue;
        let state_changed = saved.listings != q.listings
            || saved.pauses != q.pauses
            || saved.next_seq != q.next_seq;
        if state_changed {
            saved.listings = q.listings.clone();
            saved.pauses = q.pauses.clone();
            saved.next_seq = q.next_seq;
        }
        (changed, removed, state_changed)
    })
}

/// The saved items are kept sorted by seq: each item is found by binary search.
fn find(items: &[crate::queue::Item], seq: u64) -> Result<usize, usize> {
    items.binary_search_by(|i| i.seq.cmp(&seq))
}

/// The changes among the items `seqs` alone (the others are as saved): their positions.
fn touched_changes(saved: &mut Queue, q: &Queue, mut seqs: Vec<u64>) -> Vec<usize> {
    // crate::order, not sort_unstable: std's sort of u64 inlines a sorting network that
    // alone is over a JVM method's size in the ES5 build.
    seqs = crate::order::permute(seqs.clone(), &crate::order::order_by_u64(&seqs));
    seqs.dedup();
    let mut changed = Vec::new();
    for (pos, item) in q.items.iter().enumerate() {
        if seqs.binary_search(&item.seq).is_err() {
            continue;
        }
        match find(&saved.items, item.seq) {
            Ok(k) if saved.items[k] == *item => {}
            Ok(k) => {
                saved.items[k] = item.clone();
                changed.push(pos);
            }
            Err(k) => {
                // Not in the saved state (the hint was wrong): saved as new.
                saved.items.insert(k, item.clone());
                changed.push(pos);
            }
        }
    }
    changed
}

/// Every item compared with its saved state: the positions of the new or changed ones,
/// and the seqs of the removed ones.
fn full_changes(saved: &mut Queue, q: &Queue) -> (Vec<usize>, Vec<u64>) {
    let mut changed = Vec::new();
    let mut added = Vec::new();
    for (pos, item) in q.items.iter().enumerate() {
        match find(&saved.items, item.seq) {
            Ok(k) if saved.items[k] == *item => {}
            Ok(k) => {
                saved.items[k] = item.clone();
                changed.push(pos);
            }
            Err(_) => {
                added.push(item.clone());
                changed.push(pos);
            }
        }
    }
    let mut now: Vec<u64> = q.items.iter().map(|i| i.seq).collect();
    now = crate::order::permute(now.clone(), &crate::order::order_by_u64(&now));
    let removed: Vec<u64> = saved
        .items
        .iter()
        .map(|i| i.seq)
        .filter(|seq| now.binary_search(seq).is_err())
        .collect();
    if !removed.is_empty() || !added.is_empty() {
        saved.items.retain(|i| now.binary_search(&i.seq).is_ok());
        saved.items.extend(added);
        let seqs: Vec<u64> = saved.items.iter().map(|i| i.seq).collect();
        let order = crate::order::order_by_u64(&seqs);
        saved.items = crate::order::permute(std::mem::take(&mut saved.items), &order);
    }
    (changed, removed)
}

/// Drops the queue behind `handle`; answers whether it was alive.
pub fn remove_queue(handle: u32) -> bool {
    SAVED.with(|s| s.borrow_mut().remove(handle));
    QUEUES.with(|q| q.borrow_mut().remove(handle))
}
