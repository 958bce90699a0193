//! Writing one queue item (with its lease, last answer, parts and results progress).

use crate::api::write::{Endpoint, Iso};
use crate::profile::Payload;
use crate::queue::{Item, LastAnswer, Lease, ListedJob, Part, RateLimit};
use serde::Serialize;

/// An outstanding call: `{action, client?, runner?, until}`.
#[derive(Debug, Serialize)]
pub struct LeaseOut<'a> {
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    runner: Option<&'a str>,
    until: Iso,
}

impl<'a> From<&'a Lease> for LeaseOut<'a> {
    fn from(l: &'a Lease) -> Self {
        LeaseOut {
            action: l.kind.as_str(),
            client: l.client.as_deref(),
            runner: l.runner.as_deref(),
            until: Iso(l.until),
        }
    }
}

/// Rate-limit headers: `{allowed?, count?, reset?}`.
#[derive(Debug, Serialize)]
pub struct RateLimitOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reset: Option<&'a str>,
}

impl<'a> From<&'a RateLimit> for RateLimitOut<'a> {
    fn from(r: &'a RateLimit) -> Self {
        RateLimitOut {
            allowed: r.allowed.as_deref(),
            count: r.count.as_deref(),
            reset: r.reset.as_deref(),
        }
    }
}

/// The last answer: `{action, at, rateLimit?, status, summary}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastOut<'a> {
    action: &'static str,
    at: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<RateLimitOut<'a>>,
    status: u16,
    summary: &'a str,
}

impl<'a> From<&'a LastAnswer> for LastOut<'a> {
    fn from(l: &'a LastAnswer) -> Self {
        LastOut {
            action: l.kind.as_str(),
            at: Iso(l.at),
            rate_limit: l.rate_limit.as_ref().map(RateLimitOut::from),
            status: l.status,
            summary: &l.summary,
        }
    }
}

/// A listed job: `{end?, id, start?, state}`.
#[derive(Debug, Serialize)]
pub struct ListedJobOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<Iso>,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<Iso>,
    state: &'a str,
}

impl<'a> From<&'a ListedJob> for ListedJobOut<'a> {
    fn from(j: &'a ListedJob) -> Self {
        ListedJobOut {
            end: j.window.map(|w| Iso(w.end)),
            id: &j.id,
            start: j.window.map(|w| Iso(w.start)),
            state: &j.state,
        }
    }
}

/// A queue item; a `drain` submission adds its `endpoint` and `payloads`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemOut<'a> {
    attempts: u32,
    channels: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done_at: Option<Iso>,
    #[serde(skip_serializing_if = "is_zero")]
    doubts: u32,
    end: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<Endpoint>,
    enqueued_at: Iso,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<&'a str>,
    key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_answer: Option<LastOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lease: Option<LeaseOut<'a>>,
    lock_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    not_before: Option<Iso>,
    #[serde(skip_serializing_if = "Option::is_none")]
    part: Option<PartOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payloads: Option<Vec<Payload>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    poll_at: Option<Iso>,
    profile: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    results: Option<FetchedOut<'a>>,
    #[serde(skip_serializing_if = "is_zero")]
    retries: u32,
    seq: u64,
    start: Iso,
    state: &'static str,
}

/// `{ cursor?, pages }`: how far a job's results were fetched.
#[derive(Debug, Serialize)]
pub struct FetchedOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
    pages: u32,
}

/// `{ count, index, of }`: which part of a bulk request an item is.
#[derive(Debug, Serialize)]
pub struct PartOut<'a> {
    count: u32,
    index: u32,
    of: &'a str,
}

impl<'a> From<&'a Part> for PartOut<'a> {
    fn from(p: &'a Part) -> Self {
        PartOut {
            count: p.count,
            index: p.index,
            of: &p.of,
        }
    }
}

pub(crate) fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl<'a> From<&'a Item> for ItemOut<'a> {
    fn from(i: &'a Item) -> Self {
        ItemOut {
            attempts: i.attempts,
            channels: &i.channels,
            client: i.client.as_deref(),
            done_at: i.done_at.map(Iso),
            doubts: i.doubts,
            end: Iso(i.window.end),
            endpoint: None,
            enqueued_at: Iso(i.enqueued_at),
            job_id: i.job_id.as_deref(),
            key: i.key(),
            last_answer: i.last.as_ref().map(LastOut::from),
            lease: i.lease.as_ref().map(LeaseOut::from),
            lock_key: i.lock_key(),
            not_before: i.not_before.map(Iso),
            part: i.part.as_ref().map(PartOut::from),
            payloads: None,
            poll_at: i.poll_at.map(Iso),
            profile: i.profile.name(),
            reason: i.reason.as_deref(),
            results: i.results.as_ref().map(|r| FetchedOut {
                cursor: r.cursor.as_deref(),
                pages: r.pages,
            }),
            retries: i.retries,
            seq: i.seq,
            start: Iso(i.window.start),
            state: i.state.as_str(),
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
