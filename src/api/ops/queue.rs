//! The kept-queue operations (`loadQueue`, `queueState`, `queueChanges`, `freeQueue`)
//! and `prune`.

use crate::api::args::{handle_arg, one, Answer, Args};
use crate::api::read::options::options_of;
use crate::api::read::values::opt_instant;
use crate::api::schema;
use crate::api::state::arg::with_queue;
use crate::api::state::write::{ChangesOut, QueueOut, StateOut};
use crate::api::state::write_item::ItemOut;
use crate::api::write::answer;
use crate::api::{handles, limits};
use crate::queue::Queue;
use serde::Serialize;

/// `loadQueue(queue)`: keeps a queue state (or a copy of a kept one) in the instance.
#[inline(never)]
pub fn load_queue(a: Args<'_>, _now_ms: i64) -> Answer {
    with_queue(a.get(0), |q| {
        q.touched_only(Vec::new());
        // A state is moved in; a kept queue is copied (the original stays where it was).
        let state = match q.handle() {
            Some(_) => Queue::clone(q),
            None => std::mem::take(&mut **q),
        };
        let count = state.items.len();
        let handle = one(handles::insert_queue(state))?;
        answer(&KeptQueueOut { handle, count })
    })
}

/// `queueState(queue)`: the state of a kept queue (or of a state given), to save.
#[inline(never)]
pub fn queue_state(a: Args<'_>, _now_ms: i64) -> Answer {
    with_queue(a.get(0), |q| {
        q.touched_only(Vec::new());
        answer(&StateOut::from(&**q))
    })
}

/// `queueChanges(queue)`: what changed in a kept queue since it was loaded or since the
/// last `queueChanges` (or call with the option `changes`): the new and changed items, the seqs of removed ones, and the
/// rest of the state; then that state counts as saved. For a state given, every item.
#[inline(never)]
pub fn queue_changes(a: Args<'_>, _now_ms: i64) -> Answer {
    with_queue(a.get(0), |q| {
        q.touched_only(Vec::new());
        let (changed, removed, state_changed) = q.changes();
        answer(&ChangesOut::new(q, &changed, removed, state_changed))
    })
}

/// `freeQueue(queue)`: drops a kept queue (its handle, or `{ $queue }`). Answers whether
/// it existed.
#[inline(never)]
pub fn free_queue(a: Args<'_>, _now_ms: i64) -> Answer {
    let h = handle_arg(
        &a,
        handles::queue_handle_of,
        "queue",
        "give the QueueHandle (or the $queue number) that loadQueue returned",
    )?;
    answer(&handles::remove_queue(h))
}

/// `loadQueue`'s answer: the handle, and how many items the queue holds.
#[derive(Debug, Serialize)]
pub struct KeptQueueOut {
    /// The handle.
    #[serde(rename = "$queue")]
    pub handle: u32,
    /// Items in the queue when it was loaded (history included).
    pub count: usize,
}

/// `prune(queue, options)`: removes completed and failed items (`before`: those that
/// ended before it; `keep`: all but the newest this many; default keep 0).
#[inline(never)]
pub fn prune(a: Args<'_>, _now_ms: i64) -> Answer {
    let o = options_of(a.get(1), &schema::PRUNE)?;
    with_queue(a.get(0), |q| {
        let newest = one(o.uint("keep", limits::MAX_QUEUE_ITEMS as u64))?;
        let before = one(opt_instant(&o, "before"))?;
        let newest = match (newest, before) {
            (Some(k), _) => k as usize,
            (None, Some(_)) => usize::MAX,
            (None, None) => 0,
        };
        let removed = q.prune(newest, before);
        answer(&PruneOut {
            queue: QueueOut::of(q, q.handle()),
            removed: removed.iter().map(ItemOut::from).collect(),
        })
    })
}

/// `prune`'s answer.
#[derive(Debug, Serialize)]
pub struct PruneOut<'a> {
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// The items removed, in queue order.
    pub removed: Vec<ItemOut<'a>>,
}
