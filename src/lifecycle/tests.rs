//! Unit tests of the lifecycle: this file is compiled only under `#[cfg(test)]` (see
//! `mod tests` in `mod.rs`), so its `unwrap`s never reach the wasm build.

use super::*;
use crate::backoff::Response;
use crate::decide::Request;
use crate::profile::Phase;
use crate::queue::{Item, Queue, State};
use crate::time::{Window, HOUR_MS};

const ALL: [ActionKind; 6] = ActionKind::ALL;

pub(super) fn req(p: Profile, s: i64, e: i64) -> Request {
    Request {
        window: Window {
            start: s * HOUR_MS,
            end: e * HOUR_MS,
        },
        channels: vec!["sms".into()],
        profile: p,
    }
}

fn job(status: u16, id: Option<&str>, state: Option<&str>, phase: Phase) -> Answer {
    Answer::Job(JobAnswer {
        status,
        job_id: id.map(str::to_string),
        state: state.map(str::to_string),
        phase,
        message: None,
    })
}

pub(super) fn error(status: u16, retry_after: Option<&str>) -> Answer {
    Answer::Error(
        Response {
            status,
            retry_after: retry_after.map(str::to_string),
            ..Response::default()
        },
        None,
    )
}

/// The caller lists the jobs itself (passes them to `next`): no `list` actions.
fn caller_lists() -> Settings {
    Settings {
        list_jobs: false,
        ..Settings::default()
    }
}

fn one_item(p: Profile) -> (Queue, String) {
    let mut q = Queue::default();
    let e = q.enqueue(&req(p, 0, 24), 0, None);
    (q, e.item.key())
}

#[test]
fn a_recording_job_goes_through_ready_and_execute() {
    let s = caller_lists();
    let (mut q, key) = one_item(Profile::RecordingJobs);
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.actions[0].kind, ActionKind::Submit);
    assert_eq!(q.items[0].state, State::Submitting);
    // A second step before the answer hands nothing out again.
    assert!(next(&mut q, &[], &s, 10, &ALL).actions.is_empty());
    let o = record(
        &mut q,
        &key,
        job(202, Some("r1"), Some("PENDING"), Phase::Active),
        &s,
        100,
    )
    .unwrap();
    assert_eq!(o.event, Event::Submitted);
    assert_eq!(q.items[0].poll_at, Some(100 + s.poll_ms as i64));
    let st = next(&mut q, &[], &s, 100 + s.poll_ms as i64, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Poll);
    assert_eq!(st.actions[0].path(), "/api/v2/recording/jobs/r1");
    let o = record(
        &mut q,
        &key,
        job(200, Some("r1"), Some("READY"), Phase::Ready),
        &s,
        6000,
    )
    .unwrap();
    assert_eq!(o.event, Event::Ready);
    let st = next(&mut q, &[], &s, 6000, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Execute);
    assert_eq!(st.actions[0].method(), "PUT");
    assert_eq!(q.items[0].state, State::Executing);
    let o = record(
        &mut q,
        &key,
        job(202, Some("r1"), Some("PROCESSING"), Phase::Active),
        &s,
        6100,
    )
    .unwrap();
    assert_eq!(o.event, Event::Executed);
    next(&mut q, &[], &s, 20_000, &ALL);
    let o = record(
        &mut q,
        &key,
        job(200, Some("r1"), Some("FULFILLED"), Phase::Completed),
        &s,
        20_100,
    )
    .unwrap();
    assert_eq!(o.event, Event::Completed);
    assert_eq!(q.items[0].done_at, Some(20_100));
    let st = next(&mut q, &[], &s, 30_000, &ALL);
    assert!(st.actions.is_empty());
    assert_eq!(st.wake_at, None);
}

#[test]
fn in_flight_items_count_against_the_limit() {
    let s = caller_lists();
    let mut q = Queue::default();
    for i in 0..4 {
        q.enqueue(&req(Profile::RecordingJobs, i * 24, i * 24 + 24), 0, None);
    }
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert_eq!(st.actions.len(), 2, "two recording jobs at once");
    assert_eq!(st.waiting.len(), 2);
    // Still two once they are submitted: their job ids count, and a listed copy of one
    // of them is not counted twice.
    let k0 = q.items[0].key();
    record(
        &mut q,
        &k0,
        job(202, Some("r1"), Some("PENDING"), Phase::Active),
        &s,
        1,
    )
    .unwrap();
    let listed = crate::decide::Job {
        id: "r1".into(),
        window: q.items[0].window,
        status: "PENDING".into(),
        active: true,
        channels: None,
        profile: Profile::RecordingJobs,
    };
    let st = next(&mut q, &[listed], &s, 2, &[ActionKind::Submit]);
    assert!(st.actions.is_empty());
    assert_eq!(q.items.iter().filter(|i| i.state.in_flight()).count(), 2);
}

#[test]
fn an_expired_submit_lease_resubmits_where_jobs_cannot_be_listed() {
    let s = Settings::default();
    let (mut q, key) = one_item(Profile::ConversationDetailsJobs);
    next(&mut q, &[], &s, 0, &ALL);
    let later = s.lease_ms as i64;
    let st = next(&mut q, &[], &s, later, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.actions[0].kind, ActionKind::Submit);
    assert_eq!(q.items[0].attempts, 2);
    // The late answer to the first POST is stale only if it comes after the second one
    // was recorded; the key's lease is the second POST's now.
    record(
        &mut q,
        &key,
        job(202, Some("d2"), None, Phase::Active),
        &s,
        later + 1,
    )
    .unwrap();
    let err = record(
        &mut q,
        &key,
        job(202, Some("d1"), None, Phase::Active),
        &s,
        later + 2,
    );
    assert_eq!(err.unwrap_err().code, crate::ErrorCode::StaleAnswer);
}

#[test]
fn an_expired_submit_lease_looks_for_a_recording_job_first() {
    let s = caller_lists();
    let (mut q, key) = one_item(Profile::RecordingJobs);
    next(&mut q, &[], &s, 0, &ALL);
    let st = next(&mut q, &[], &s, s.lease_ms as i64, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Find);
    assert!(st.actions[0].path().contains("showOnlyMyJobs=true"));
    let found = Listed {
        id: "r9".into(),
        state: "READY".into(),
        phase: Phase::Ready,
        window: q.items[0].window,
    };
    let o = record(&mut q, &key, Answer::Listing(200, vec![found]), &s, 70_000).unwrap();
    assert_eq!(o.event, Event::Found);
    assert_eq!(q.items[0].state, State::Ready);
    assert_eq!(q.items[0].job_id.as_deref(), Some("r9"));
    assert_eq!(q.items[0].attempts, 1, "found, not resubmitted");
}

#[test]
fn failed_jobs_are_resubmitted_until_the_attempts_run_out() {
    let mut s = Settings::default();
    s.policy.max_attempts = 2;
    let (mut q, key) = one_item(Profile::EvaluationExports);
    let mut now = 0;
    for attempt in 1..=2 {
        let st = next(&mut q, &[], &s, now, &ALL);
        assert_eq!(st.actions.len(), 1, "attempt {attempt}");
        record(
            &mut q,
            &key,
            job(202, Some("e"), Some("QUEUED"), Phase::Active),
            &s,
            now,
        )
        .unwrap();
        now += s.poll_ms as i64;
        next(&mut q, &[], &s, now, &ALL);
        let o = record(
            &mut q,
            &key,
            job(200, None, Some("FAILED"), Phase::Failed),
            &s,
            now,
        )
        .unwrap();
        if attempt == 1 {
            assert_eq!(o.event, Event::Resubmit);
            assert_eq!(q.items[0].state, State::Waiting);
            now = q.items[0].not_before.unwrap();
        } else {
            assert_eq!(o.event, Event::Failed);
            assert!(q.items[0]
                .reason
                .as_deref()
                .unwrap()
                .contains("attempts exhausted"));
        }
    }
}

#[test]
fn a_vanished_job_is_resubmitted_and_a_429_waits_for_retry_after() {
    let s = Settings::default();
    let (mut q, key) = one_item(Profile::ConversationDetailsJobs);
    next(&mut q, &[], &s, 0, &ALL);
    let o = record(&mut q, &key, error(429, Some("30")), &s, 0).unwrap();
    assert_eq!(o.event, Event::Resubmit);
    assert_eq!(q.items[0].not_before, Some(30_000));
    assert!(next(&mut q, &[], &s, 29_999, &ALL).actions.is_empty());
    next(&mut q, &[], &s, 30_000, &ALL);
    record(
        &mut q,
        &key,
        job(202, Some("d1"), None, Phase::Active),
        &s,
        30_000,
    )
    .unwrap();
    next(&mut q, &[], &s, 40_000, &ALL);
    let o = record(&mut q, &key, error(404, None), &s, 40_000).unwrap();
    assert_eq!(o.event, Event::Resubmit);
    assert_eq!(q.items[0].job_id, None);
    assert!(q.items[0].reason.as_deref().unwrap().contains("vanished"));
}

#[test]
fn poll_errors_retry_the_poll_and_never_fail_a_running_job() {
    let s = Settings::default();
    let (mut q, key) = one_item(Profile::EvaluationExports);
    next(&mut q, &[], &s, 0, &ALL);
    record(
        &mut q,
        &key,
        job(202, Some("e1"), Some("QUEUED"), Phase::Active),
        &s,
        0,
    )
    .unwrap();
    let mut now = 0;
    for _ in 0..20 {
        now = q.items[0].due().unwrap();
        let st = next(&mut q, &[], &s, now, &ALL);
        assert_eq!(st.actions[0].kind, ActionKind::Poll);
        let o = record(&mut q, &key, error(503, None), &s, now).unwrap();
        assert_eq!(o.event, Event::Retry);
    }
    assert_eq!(q.items[0].state, State::Submitted);
    assert!(q.items[0].due().unwrap() - now <= s.policy.max_ms as i64);
}

#[test]
fn completed_keys_can_be_exported_again_and_history_prunes() {
    let s = Settings::default();
    let (mut q, key) = one_item(Profile::EvaluationExports);
    next(&mut q, &[], &s, 0, &ALL);
    record(
        &mut q,
        &key,
        job(202, Some("e1"), Some("COMPLETED"), Phase::Completed),
        &s,
        5,
    )
    .unwrap();
    let dup = q.enqueue(&req(Profile::EvaluationExports, 0, 24), 6, None);
    assert!(dup.added);
    assert_eq!(dup.previous, Some(State::Completed));
    let again = q.enqueue(&req(Profile::EvaluationExports, 0, 24), 7, None);
    assert!(!again.added, "the new one is live: a duplicate");
    let removed = q.prune(0, None);
    assert_eq!(removed.len(), 1);
    assert_eq!(q.items.len(), 1);
    assert_eq!(q.items[0].state, State::Queued);
}

#[test]
fn overlapping_evaluation_exports_wait_for_the_in_flight_one() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    q.enqueue(&req(Profile::EvaluationExports, 12, 36), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.waiting[0].1.code(), "overlapsSubmitted");
    let st = next(&mut q, &[], &s, 1, &ALL);
    assert_eq!(st.waiting[0].1.code(), "activeJobs");
    assert_eq!(st.wake_at, Some(1 + s.poll_ms as i64).min(q.items[0].due()));
}

#[test]
fn a_ready_job_is_executed_only_when_its_profile_has_a_free_slot() {
    let s = caller_lists();
    let mut q = Queue::default();
    for i in 0..3 {
        q.enqueue(&req(Profile::RecordingJobs, i * 24, i * 24 + 24), 0, None);
    }
    let keys: Vec<String> = q.items.iter().map(Item::key).collect();
    next(&mut q, &[], &s, 0, &ALL);
    record(
        &mut q,
        &keys[0],
        job(202, Some("r0"), Some("READY"), Phase::Ready),
        &s,
        1,
    )
    .unwrap();
    record(
        &mut q,
        &keys[1],
        job(202, Some("r1"), Some("PENDING"), Phase::Active),
        &s,
        1,
    )
    .unwrap();
    // READY keeps its slot for its PUT: the third waits although Genesys would take it.
    let st = next(&mut q, &[], &s, 1, &[ActionKind::Submit]);
    assert!(st.actions.is_empty());
    assert_eq!(st.waiting[0].1.code(), "concurrencyLimit");
    // Another tool's job takes the slot meanwhile (listed): the PUT waits for a free one.
    let other = crate::decide::Job {
        id: "other".into(),
        window: q.items[2].window,
        status: "PENDING".into(),
        active: true,
        channels: None,
        profile: Profile::RecordingJobs,
    };
    let st = next(&mut q, std::slice::from_ref(&other), &s, 2, &ALL);
    assert!(
        st.actions.iter().all(|a| a.kind != ActionKind::Execute),
        "no slot: no PUT"
    );
    assert_eq!(q.items[0].state, State::Ready);
    assert_eq!(
        q.items[0].poll_at,
        Some(2 + s.poll_ms as i64),
        "looked at again later"
    );
    // The other job ends (no longer listed): the READY job is executed at its next look.
    let now = 2 + s.poll_ms as i64;
    let st = next(&mut q, &[], &s, now, &ALL);
    assert_eq!(
        st.actions
            .iter()
            .filter(|a| a.kind == ActionKind::Execute)
            .count(),
        1
    );
}
