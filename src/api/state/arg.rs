//! A queue argument as an operation uses it, and the one way to use it: [`with_queue`].
//!
//! A queue argument is a state read from JSON, or a kept queue (`{"$queue": n}`, from
//! `loadQueue`) taken out of the registry for the call. `with_queue` puts a kept queue
//! back when the operation is done, as the operation left it, whether it answered or
//! failed; nothing else takes a queue out of the registry.

use crate::api::args::{one, Answer};
use crate::api::handles;
use crate::api::state::read::queue_of;
use crate::error::{Error, ErrorCode, Result};
use crate::queue::Queue;
use serde_json::Value;

/// The queue of one call (see [`with_queue`]).
///
/// Every operation fails (if it fails) before it changes the queue, so a failed call
/// puts a kept queue back as it was, exactly as it leaves a JSON state unchanged. The
/// one check that comes after a change (the payload options of `next`/`drain`, in
/// `api::ops::next::step`) keeps a copy beforehand when it can fail, and restores it.
#[derive(Debug)]
pub struct QueueArg {
    queue: Queue,
    handle: Option<u32>,
    /// What the call changed in a kept queue, as [`handles::store_queue`] takes
    /// it: `None` (the default) when it may have changed anything.
    touched: Option<Vec<u64>>,
}

impl QueueArg {
    /// The handle of a kept queue; `None` for a state.
    pub fn handle(&self) -> Option<u32> {
        self.handle
    }

    /// Says that the call changed nothing but the items with these seqs (none: a
    /// read-only call), so the next `queueChanges` compares those alone.
    pub fn touched_only(&mut self, seqs: Vec<u64>) {
        self.touched = Some(seqs);
    }

    /// What changed in a kept queue since its saved state, this call included: the
    /// positions of the new and changed items, the seqs of the removed ones, and whether
    /// the rest of the state changed. That state then counts as saved. For a state
    /// given (no handle), every item.
    // Out of line, like `store_queue`: five handlers call it, and Rhino's class compiler
    // has a size limit per method.
    #[inline(never)]
    pub fn changes(&mut self) -> (Vec<usize>, Vec<u64>, bool) {
        match self.handle {
            Some(h) => {
                handles::note_touched(h, self.touched.take());
                self.touched = Some(Vec::new());
                handles::changes_since_saved(h, &self.queue)
            }
            None => ((0..self.queue.items.len()).collect(), Vec::new(), true),
        }
    }
}

impl core::ops::Deref for QueueArg {
    type Target = Queue;
    fn deref(&self) -> &Queue {
        &self.queue
    }
}

impl core::ops::DerefMut for QueueArg {
    fn deref_mut(&mut self) -> &mut Queue {
        &mut self.queue
    }
}

/// Runs `op` on the queue argument `v` (a state, `None` for an empty queue, or a kept
/// queue's handle) and answers what it answers. A kept queue goes back to the registry
/// afterwards, as `op` left it, with what `op` said it touched
/// ([`QueueArg::touched_only`]).
pub fn with_queue(v: Option<&Value>, op: impl FnOnce(&mut QueueArg) -> Answer) -> Answer {
    let mut q = one(queue_arg(v))?;
    let answer = op(&mut q);
    if let Some(h) = q.handle {
        handles::store_queue(h, q.queue, q.touched);
    }
    answer
}

/// Reads a queue argument: a state (`None` is an empty queue) or a kept queue's handle.
// Out of line: every queue operation calls it, and inlined into them it made two of them
// too big for one JVM method in the ES5 build (`tests/rhino/compile-check.js`).
#[inline(never)]
fn queue_arg(v: Option<&Value>) -> Result<QueueArg> {
    match v {
        Some(h @ Value::Object(m)) if m.contains_key("$queue") => handles::queue_handle_of(h)
            .and_then(|n| {
                handles::take_queue(n).map(|queue| QueueArg {
                    queue,
                    handle: Some(n),
                    touched: None,
                })
            })
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidQueue,
                    "queue",
                    "this kept queue does not exist (it was freed, or comes from another instance): loadQueue its saved state again",
                )
            }),
        _ => queue_of(v).map(|queue| QueueArg {
            queue,
            handle: None,
            touched: None,
        }),
    }
}
