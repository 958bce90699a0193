//! Writers of queue states and of what `enqueue`, `enqueueMany` and `drain` answer.
//! Fields are declared in alphabetical order, as in [`super::write`].

use super::write::{Endpoint, ErrorOut, Iso};
use crate::profile::Payload;
use crate::queue::{Item, Queue, WaitReason};
use serde::Serialize;

/// A queue item; a `drain` submission adds its `endpoint` and `payloads`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemOut<'a> {
    attempts: u32,
    channels: &'a [String],
    end: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<Endpoint>,
    enqueued_at: Iso,
    key: String,
    lock_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payloads: Option<Vec<Payload>>,
    profile: &'static str,
    seq: u64,
    start: Iso,
}

impl<'a> From<&'a Item> for ItemOut<'a> {
    fn from(i: &'a Item) -> Self {
        ItemOut {
            attempts: i.attempts,
            channels: &i.channels,
            end: Iso(i.window.end),
            endpoint: None,
            enqueued_at: Iso(i.enqueued_at),
            key: i.key(),
            lock_key: i.lock_key(),
            not_before: i.not_before.map(Iso),
            payloads: None,
            profile: i.profile.name(),
            seq: i.seq,
            start: Iso(i.window.start),
        }
    }
}

impl<'a> ItemOut<'a> {
    /// The item as `drain` releases it: with where to send it and what.
    pub fn submission(i: &'a Item, payloads: Vec<Payload>) -> Self {
        ItemOut {
            endpoint: Some(Endpoint::from(i.profile)),
            payloads: Some(payloads),
            ..ItemOut::from(i)
        }
    }
}

/// A queue state: `{items, nextSeq, version}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueOut<'a> {
    items: Vec<ItemOut<'a>>,
    next_seq: u64,
    version: u64,
}

impl<'a> From<&'a Queue> for QueueOut<'a> {
    fn from(q: &'a Queue) -> Self {
        QueueOut {
            items: q.items.iter().map(ItemOut::from).collect(),
            next_seq: q.next_seq,
            version: super::read_queue::QUEUE_VERSION,
        }
    }
}

/// `enqueue`'s answer.
#[derive(Debug, Serialize)]
pub struct EnqueueOut<'a> {
    /// Whether the request was added (false: an item with its key is queued).
    pub added: bool,
    /// The queued item (the existing one for a duplicate).
    pub item: ItemOut<'a>,
    /// The new queue state.
    pub queue: QueueOut<'a>,
}

/// One request's result in `enqueueMany`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EnqueueResult<'a> {
    /// Read: `{added, item}`.
    Read {
        /// Whether it was added.
        added: bool,
        /// The queued item.
        item: ItemOut<'a>,
    },
    /// Not read: `{added: false, errors}`.
    Bad {
        /// Always false.
        added: bool,
        /// Why.
        errors: Vec<ErrorOut<'a>>,
    },
}

/// `enqueueMany`'s answer.
#[derive(Debug, Serialize)]
pub struct EnqueueManyOut<'a> {
    /// The new queue state.
    pub queue: QueueOut<'a>,
    /// One result per request, in order.
    pub results: Vec<EnqueueResult<'a>>,
}

/// Why an item waits, with what blocks it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    blocked_by: Option<Vec<&'a str>>,
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_active: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    reason: &'static str,
}

impl<'a> WaitingOut<'a> {
    /// Writes one `waiting` entry.
    pub fn new(key: &'a str, reason: &'a WaitReason) -> Self {
        let mut w = WaitingOut {
            blocked_by: None,
            key,
            max_active: None,
            not_before: None,
            reason: reason.code(),
        };
        match reason {
            WaitReason::NotBefore(t) => w.not_before = Some(Iso(*t)),
            WaitReason::ActiveJobs(ids) => {
                w.blocked_by = Some(ids.iter().map(String::as_str).collect())
            }
            WaitReason::OverlapsSubmitted(k) | WaitReason::EarlierItem(k) => {
                w.blocked_by = Some(vec![k.as_str()])
            }
            WaitReason::ConcurrencyLimit(n) => w.max_active = Some(*n),
        }
        w
    }
}

/// `drain`'s answer.
#[derive(Debug, Serialize)]
pub struct DrainOut<'a> {
    /// The queue without the released items.
    pub queue: QueueOut<'a>,
    /// The released items, in FIFO order.
    pub submit: Vec<ItemOut<'a>>,
    /// Why each remaining item waits.
    pub waiting: Vec<WaitingOut<'a>>,
}
