//! Prepared job lists, kept in the instance by handle (`prepareJobs`, `freeJobs`).
//!
//! A handle is a small number wrapped as `{"$index": n}`, so it travels through JSON
//! wherever `activeJobs` go. The registry is per instance (per thread natively), and
//! holds at most [`MAX_PREPARED`] lists so that a caller who never frees cannot grow
//! memory without bound.

use super::obj::whole_number;
use crate::decide::JobIndex;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// Most prepared job lists alive at once in one instance.
pub const MAX_PREPARED: usize = 1_000;

struct Registry {
    last: u32,
    /// By handle, ascending (a sorted list: smaller code than a map, see crate::order).
    lists: Vec<(u32, Rc<JobIndex>)>,
}

impl Registry {
    fn find(&self, h: u32) -> Result<usize, usize> {
        self.lists.binary_search_by(|(k, _)| k.cmp(&h))
    }
}

thread_local! {
    static PREPARED: RefCell<Registry> = const {
        RefCell::new(Registry { last: 0, lists: Vec::new() })
    };
}

/// Reads a handle: the number itself or `{"$index": n}`.
pub fn handle_of(v: &Value) -> Option<u32> {
    let n = match v {
        Value::Object(m) => m.get("$index")?,
        other => other,
    };
    whole_number(n, u64::from(u32::MAX)).map(|h| h as u32)
}

/// The prepared list behind a handle, if it is alive.
pub fn get(v: &Value) -> Option<Rc<JobIndex>> {
    let h = handle_of(v)?;
    PREPARED.with(|p| {
        let p = p.borrow();
        p.find(h).ok().map(|i| p.lists[i].1.clone())
    })
}

/// Keeps `list` and returns its new handle; `None` when [`MAX_PREPARED`] are alive.
pub fn insert(list: Rc<JobIndex>) -> Option<u32> {
    PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        if p.lists.len() >= MAX_PREPARED {
            return None;
        }
        let mut next = p.last.wrapping_add(1).max(1);
        while p.find(next).is_ok() {
            next = next.wrapping_add(1).max(1);
        }
        p.last = next;
        if let Err(at) = p.find(next) {
            p.lists.insert(at, (next, list));
        }
        Some(next)
    })
}

/// Drops the list behind `handle`; answers whether it was alive.
pub fn remove(handle: u32) -> bool {
    PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        match p.find(handle) {
            Ok(i) => {
                p.lists.remove(i);
                true
            }
            Err(_) => false,
        }
    })
}
