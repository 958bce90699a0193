//! Unit tests of the protocol the core owns for every driver: listings, pauses after a
//! 429, the creator rule, denials and `done`. Compiled only under `#[cfg(test)]`.

use super::tests::{error, req};
use super::*;
use crate::profile::Phase;
use crate::queue::{ListedJob, Queue, RateLimit, State};

const ALL: [ActionKind; 6] = ActionKind::ALL;

pub(super) fn job(status: u16, id: &str, state: &str, phase: Phase) -> Answer {
    Answer::Job(JobAnswer {
        status,
        job_id: Some(id.into()),
        state: Some(state.into()),
        phase,
        message: None,
    })
}

fn client(c: &str) -> Settings {
    Settings {
        client: Some(c.into()),
        ..Settings::default()
    }
}

/// Answers every `list` action of a step with `jobs` (for each state asked).
fn answer_listings(q: &mut Queue, st: &Step, jobs: &[(&str, &str)], s: &Settings, now: i64) {
    for a in st.actions.iter().filter(|a| a.kind == ActionKind::List) {
        let state = a.state.clone().unwrap();
        let listed = jobs
            .iter()
            .filter(|(_, st)| *st == state)
            .map(|(id, st)| ListedJob {
                id: (*id).into(),
                state: (*st).into(),
                window: None,
            })
            .collect();
        let o = record_listing(q, &a.key, Answer::Jobs(200, listed), None, s, now).unwrap();
        assert_eq!(o.event, Event::Listed);
    }
}

#[test]
fn a_recording_submit_waits_for_a_fresh_listing_of_both_active_states() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    let kinds: Vec<_> = st.actions.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [ActionKind::List, ActionKind::List],
        "list first, nothing blind"
    );
    assert_eq!(
        st.actions[0].path(),
        "/api/v2/recording/jobs?showOnlyMyJobs=false&state=PENDING&pageSize=100"
    );
    assert_eq!(st.waiting[0].1.code(), "listing");
    assert_eq!(q.items[0].state, State::Queued);
    // A second step before the answers hands out nothing again.
    assert!(next(&mut q, &[], &s, 1, &ALL).actions.is_empty());
    // Another tool holds both slots: the request waits on the limit, not blind.
    answer_listings(&mut q, &st, &[("a", "PENDING"), ("b", "PROCESSING")], &s, 2);
    let st = next(&mut q, &[], &s, 3, &ALL);
    assert!(st.actions.is_empty());
    assert_eq!(st.waiting[0].1, WaitReason::ConcurrencyLimit(2));
    // pollMs later the view is stale: listed again, and with the slots free it goes.
    let later = 2 + s.poll_ms as i64;
    let st = next(&mut q, &[], &s, later, &ALL);
    assert_eq!(st.actions.len(), 2);
    answer_listings(&mut q, &st, &[], &s, later);
    let st = next(&mut q, &[], &s, later + 1, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.actions[0].kind, ActionKind::Submit);
}

#[test]
fn profiles_that_cannot_be_listed_never_wait_for_a_listing() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    q.enqueue(&req(Profile::ConversationDetailsJobs, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert!(st.actions.iter().all(|a| a.kind == ActionKind::Submit));
    assert_eq!(st.actions.len(), 2);
    assert!(q.listings.is_empty());
}

#[test]
fn a_failed_listing_backs_off_and_a_refused_one_is_denied() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    let key = st.actions[0].key.clone();
    let o = record_listing(&mut q, &key, error(503, None), None, &s, 10).unwrap();
    assert_eq!(o.event, Event::Retry);
    assert_eq!(o.view.not_before, Some(10 + s.policy.initial_ms as i64));
    // Not listed again before its delay; the item still waits for it.
    let st = next(&mut q, &[], &s, 20, &ALL);
    assert!(st.actions.iter().all(|a| a.key != key));
    assert_eq!(st.waiting[0].1.code(), "listing");
    let again = 10 + s.policy.initial_ms as i64;
    let st = next(&mut q, &[], &s, again, &ALL);
    assert!(st.actions.iter().any(|a| a.key == key));
    let o = record_listing(&mut q, &key, error(401, None), None, &s, again).unwrap();
    assert_eq!(o.event, Event::Denied);
    assert!(o.reason.unwrap().contains("401 to the list"));
    assert_eq!(q.items[0].state, State::Queued, "nothing given up");
}

#[test]
fn a_429_pauses_every_submit_of_its_profile_and_client_for_the_retry_after() {
    let s = client("ci-a");
    let mut q = Queue::default();
    for i in 0..3 {
        q.enqueue(
            &req(Profile::ConversationDetailsJobs, i * 24, i * 24 + 24),
            0,
            None,
        );
    }
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert_eq!(st.actions.len(), 3);
    let k0 = st.actions[0].key.clone();
    let rl = RateLimit {
        count: Some("300".into()),
        allowed: Some("300".into()),
        reset: Some("42".into()),
    };
    let o = record_reply(
        &mut q,
        &k0,
        Answering::default(),
        error(429, Some("60")),
        Some(rl),
        &s,
        100,
    )
    .unwrap();
    assert_eq!(o.event, Event::Resubmit);
    assert_eq!(q.pauses.len(), 1);
    assert_eq!(q.pauses[0].until, 60_100);
    assert_eq!(q.pauses[0].kind, ActionKind::Submit);
    assert_eq!(
        q.pauses[0].rate_limit.as_ref().unwrap().reset.as_deref(),
        Some("42")
    );
    // The other two are answered 202 and finish; a new request's submit must wait.
    for k in [&st.actions[1].key, &st.actions[2].key] {
        record(
            &mut q,
            k,
            job(202, "j", "FULFILLED", Phase::Completed),
            &s,
            200,
        )
        .unwrap();
    }
    q.enqueue(&req(Profile::ConversationDetailsJobs, 100, 110), 200, None);
    let st = next(&mut q, &[], &s, 30_000, &ALL);
    assert!(st.actions.is_empty(), "{:?}", st.actions);
    assert!(st
        .waiting
        .iter()
        .all(|(_, r)| matches!(r, WaitReason::Paused { until: 60_100, .. })));
    assert_eq!(st.wake_at, Some(60_100));
    // Another client's runner is not held by this client's limit.
    let st = next(&mut q.clone(), &[], &client("ci-b"), 30_000, &ALL);
    assert_eq!(st.actions.len(), 1);
    // Once the pause is over, both go, and the pause is dropped.
    let st = next(&mut q, &[], &s, 60_100, &ALL);
    assert_eq!(st.actions.len(), 2);
    assert!(q.pauses.is_empty());
}

#[test]
fn after_a_429_to_a_poll_the_item_is_due_when_the_pause_ends_not_after_the_policy_delay() {
    let s = client("ci-a");
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    let key = st.actions[0].key.clone();
    record(&mut q, &key, job(202, "e1", "QUEUED", Phase::Active), &s, 1).unwrap();
    let t = 1 + s.poll_ms as i64;
    let st = next(&mut q, &[], &s, t, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Poll);
    let o = record(&mut q, &key, error(429, Some("120")), &s, t).unwrap();
    assert_eq!(o.event, Event::Retry);
    assert_eq!(q.pauses[0].until, t + 120_000);
    // The policy alone would poll again after 5 s; the pause holds polls for 120 s.
    assert_eq!(q.items[0].poll_at, Some(t + 120_000));
    assert_eq!(
        o.item.poll_at,
        Some(t + 120_000),
        "the answer's item says it too"
    );
    // A shorter Retry-After while a longer pause of the class stands: the longer one holds.
    let t2 = t + 120_000;
    let st = next(&mut q, &[], &s, t2, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Poll);
    q.pauses.push(crate::queue::Pause {
        profile: Profile::EvaluationExports,
        kind: ActionKind::Poll,
        client: Some("ci-a".into()),
        until: t2 + 600_000,
        reason: "an earlier 429".into(),
        rate_limit: None,
    });
    record(&mut q, &key, error(429, Some("30")), &s, t2).unwrap();
    assert_eq!(q.items[0].poll_at, Some(t2 + 600_000));
}

#[test]
fn a_pause_is_capped_by_the_retry_after_ceiling() {
    let mut s = client("ci-a");
    s.policy.max_retry_after_ms = 3_600_000;
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    record(&mut q, &st.actions[0].key, error(429, Some("86400")), &s, 0).unwrap();
    assert_eq!(q.pauses[0].until, 3_600_000);
}

#[test]
fn a_ready_job_is_executed_only_by_the_client_that_created_it() {
    let a = Settings {
        list_jobs: false,
        ..client("ci-a")
    };
    let b = Settings {
        list_jobs: false,
        ..client("ci-b")
    };
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    let st = next(&mut q, &[], &a, 0, &ALL);
    let key = st.actions[0].key.clone();
    record(&mut q, &key, job(202, "r1", "READY", Phase::Ready), &a, 1).unwrap();
    assert_eq!(q.items[0].client.as_deref(), Some("ci-a"));
    // Runner b leaves it, says why, and is not done while it cannot help.
    let st = next(&mut q, &[], &b, 2, &ALL);
    assert!(st.actions.is_empty());
    let (pos, reason) = &st.waiting[0];
    assert_eq!(reason.code(), "creatorOnly");
    let text = describe(reason, &q.items[*pos], &b, 2);
    assert!(text.contains("\"ci-a\""), "{text}");
    assert!(!text.contains("no such runner"), "{text}");
    assert!(st.wake_at.is_some_and(|w| w > 2), "no busy loop");
    // Long after the lease, b says that no such runner came.
    let late = 3 + b.lease_ms as i64 + b.poll_ms as i64;
    let st = next(&mut q, &[], &b, late, &ALL);
    assert_eq!(st.waiting.len(), 1, "{:?} {:?}", st, q.items[0]);
    let text = describe(&st.waiting[0].1, &q.items[0], &b, late);
    assert!(text.contains("no such runner has come since"), "{text}");
    // Runner a executes it.
    let st = next(&mut q, &[], &a, late, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Execute);
    assert!(!st.done, "a's job is not finished");
}

#[test]
fn a_runner_stays_while_a_job_its_client_created_may_need_its_creator() {
    // Any runner of a shared queue submits any item. Runner a submits a recording job
    // that only runner b watches: a is not done until the job is final, because b
    // (another client) cannot execute it once it is READY.
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    let a = Settings {
        list_jobs: false,
        watch: Some(vec!["nothing of a's".into()]),
        ..client("ci-a")
    };
    let b = Settings {
        list_jobs: false,
        ..client("ci-b")
    };
    let c = Settings {
        watch: Some(vec!["nothing of c's".into()]),
        ..b.clone()
    };
    let st = next(&mut q, &[], &a, 0, &ALL);
    assert!(!st.done, "a's submit is in flight");
    record(
        &mut q,
        &st.actions[0].key,
        job(202, "r1", "PENDING", Phase::Active),
        &a,
        1,
    )
    .unwrap();
    assert_eq!(q.items[0].state, State::Submitted);
    assert!(
        !next(&mut q.clone(), &[], &a, 2, &ALL).done,
        "polled before READY: a stays"
    );
    assert!(
        next(&mut q.clone(), &[], &c, 2, &ALL).done,
        "another client's job keeps no one"
    );
    let t = a.poll_ms as i64 + 1;
    let st = next(&mut q, &[], &b, t, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Poll, "anyone polls");
    record(
        &mut q,
        &st.actions[0].key,
        job(200, "r1", "READY", Phase::Ready),
        &b,
        t,
    )
    .unwrap();
    let st = next(&mut q, &[], &b, t + 1, &ALL);
    assert_eq!(st.waiting[0].1.code(), "creatorOnly");
    let st = next(&mut q, &[], &a, t + 2, &ALL);
    assert!(!st.done);
    assert_eq!(st.actions[0].kind, ActionKind::Execute);
    record(
        &mut q,
        &st.actions[0].key,
        job(202, "r1", "PROCESSING", Phase::Active),
        &a,
        t + 3,
    )
    .unwrap();
    assert!(
        !next(&mut q.clone(), &[], &a, t + 4, &ALL).done,
        "exporting: a stays until it ends"
    );
    let poll = t + 4 + a.poll_ms as i64;
    let st = next(&mut q, &[], &b, poll, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Poll);
    record(
        &mut q,
        &st.actions[0].key,
        job(200, "r1", "FULFILLED", Phase::Completed),
        &b,
        poll,
    )
    .unwrap();
    assert!(next(&mut q.clone(), &[], &a, poll + 1, &ALL).done);
    assert!(next(&mut q, &[], &b, poll + 1, &ALL).done);
}

#[test]
fn a_lost_submit_is_looked_for_only_by_the_client_that_made_it() {
    let a = Settings {
        list_jobs: false,
        ..client("ci-a")
    };
    let b = Settings {
        list_jobs: false,
        ..client("ci-b")
    };
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    next(&mut q, &[], &a, 0, &ALL);
    let expired = a.lease_ms as i64;
    let st = next(&mut q, &[], &b, expired, &ALL);
    assert!(st.actions.is_empty());
    assert_eq!(st.waiting[0].1.code(), "creatorOnly");
    assert!(!next(&mut q.clone(), &[], &a, expired, &ALL).done);
    let st = next(&mut q, &[], &a, expired, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Find);
    assert_eq!(
        st.actions[0].path(),
        "/api/v2/recording/jobs?showOnlyMyJobs=true&pageSize=100"
    );
}

#[test]
fn a_401_or_403_gives_nothing_up() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    let key = st.actions[0].key.clone();
    let o = record(&mut q, &key, error(401, None), &s, 1).unwrap();
    assert_eq!(o.event, Event::Denied);
    assert_eq!(o.item.state, State::Queued);
    assert_eq!(o.item.attempts, 0, "a refused call is not an attempt");
    let st = next(&mut q, &[], &s, 2, &ALL);
    record(
        &mut q,
        &st.actions[0].key,
        job(202, "e1", "QUEUED", Phase::Active),
        &s,
        3,
    )
    .unwrap();
    let st = next(&mut q, &[], &s, 3 + s.poll_ms as i64, &ALL);
    let o = record(&mut q, &st.actions[0].key, error(403, None), &s, 10_000).unwrap();
    assert_eq!(o.event, Event::Denied);
    assert_eq!(o.item.state, State::Submitted);
    assert_eq!(o.item.job_id.as_deref(), Some("e1"));
}

#[test]
fn done_follows_the_watched_keys() {
    let s = Settings::default();
    let mut q = Queue::default();
    let k0 = q
        .enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None)
        .item
        .key();
    q.enqueue(&req(Profile::EvaluationExports, 48, 72), 0, None);
    let watch = Settings {
        watch: Some(vec![k0.clone()]),
        ..s.clone()
    };
    let st = next(&mut q, &[], &watch, 0, &ALL);
    assert!(!st.done);
    record(
        &mut q,
        &k0,
        job(202, "e0", "COMPLETED", Phase::Completed),
        &s,
        1,
    )
    .unwrap();
    assert!(
        next(&mut q.clone(), &[], &watch, 2, &ALL).done,
        "its own key is final"
    );
    assert!(
        !next(&mut q, &[], &s, 2, &ALL).done,
        "the whole queue is not"
    );
}

#[test]
fn a_runner_has_at_most_max_in_doubt_unlistable_submits_in_flight() {
    let s = Settings {
        runner: Some("host-1:42".into()),
        ..Settings::default()
    };
    let mut q = Queue::default();
    for i in 0..6 {
        q.enqueue(
            &req(Profile::ConversationDetailsJobs, i * 24, i * 24 + 24),
            0,
            None,
        );
        q.enqueue(
            &req(Profile::EvaluationExports, i * 24, i * 24 + 24),
            0,
            None,
        );
    }
    let st = next(&mut q, &[], &s, 0, &ALL);
    assert_eq!(st.actions.len(), 4, "the default maxInDoubt");
    assert!(st
        .waiting
        .iter()
        .any(|(_, r)| *r == WaitReason::InDoubtLimit(4)));
    // Another runner has its own budget.
    let other = Settings {
        runner: Some("host-2:7".into()),
        ..Settings::default()
    };
    assert_eq!(next(&mut q.clone(), &[], &other, 0, &ALL).actions.len(), 4);
    // One answer frees one place.
    let k = st.actions[0].key.clone();
    record(&mut q, &k, job(202, "j0", "QUEUED", Phase::Active), &s, 1).unwrap();
    assert_eq!(next(&mut q, &[], &s, 2, &ALL).actions.len(), 1);
}

#[test]
fn a_lost_unlistable_submit_is_counted_as_a_doubt_when_it_is_made_again() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    next(&mut q, &[], &s, 0, &ALL);
    let st = next(&mut q, &[], &s, s.lease_ms as i64, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Submit);
    assert_eq!(q.items[0].doubts, 1);
    assert!(q.items[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("at-least-once"));
}

#[test]
fn a_driver_slower_than_poll_ms_still_decides_with_its_listing_once() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::RecordingJobs, 0, 24), 0, None);
    let st = next(&mut q, &[], &s, 0, &ALL);
    answer_listings(&mut q, &st, &[], &s, 10);
    // The next step comes later than pollMs after the listing: it is used anyway, once.
    let slow = 10 + 3 * s.poll_ms as i64;
    let st = next(&mut q, &[], &s, slow, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.actions[0].kind, ActionKind::Submit);
    // Used and stale: the next decision of the profile lists again.
    q.enqueue(&req(Profile::RecordingJobs, 48, 72), slow, None);
    let st = next(&mut q, &[], &s, slow + 1, &ALL);
    assert!(st.actions.iter().all(|a| a.kind == ActionKind::List));
}
