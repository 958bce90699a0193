//! Unit tests of results fetching: a FULFILLED details job's pages, their cursors, which
//! records each part of a bulk request owns, and the time order of a request's parts.
//! Compiled only under `#[cfg(test)]`.

use super::tests::{error, req};
use super::tests_protocol::job;
use super::*;
use crate::profile::Phase;
use crate::queue::{Queue, State};
use crate::time::{Window, HOUR_MS};

const ALL: [ActionKind; 6] = ActionKind::ALL;
const DETAILS: Profile = Profile::ConversationDetailsJobs;

fn fetching() -> Settings {
    Settings {
        fetch_results: true,
        ..Settings::default()
    }
}

/// Submits every due item and answers each submit with job `j<seq>`, then each poll
/// with FULFILLED, from `at` on (a minute a step): the items end in `fetching` (or
/// `completed` without fetchResults). Answers when the last step was.
fn run_jobs(q: &mut Queue, s: &Settings, at: i64) -> i64 {
    let mut now = at;
    let done = |q: &Queue| {
        q.items
            .iter()
            .all(|i| matches!(i.state, State::Fetching | State::Completed))
    };
    while !done(q) {
        now += 60_000;
        let st = next(q, &[], s, now, &ALL);
        for a in &st.actions {
            let answer = match a.kind {
                ActionKind::Submit => job(202, &format!("j{}", a.seq), "QUEUED", Phase::Active),
                ActionKind::Poll => {
                    let id = a.job_id.clone().unwrap();
                    job(200, &id, "FULFILLED", Phase::Completed)
                }
                _ => continue,
            };
            record(q, &a.key, answer, s, now).unwrap();
        }
    }
    now
}

#[test]
fn a_fulfilled_job_fetches_its_pages_by_cursor_then_completes() {
    let s = fetching();
    let mut q = Queue::default();
    let key = q.enqueue(&req(DETAILS, 0, 24), 0, None).item.key();
    let t = run_jobs(&mut q, &s, 0);
    assert_eq!(q.items[0].state, State::Fetching);
    let st = next(&mut q, &[], &s, t, &ALL);
    assert_eq!(st.actions.len(), 1);
    let a = &st.actions[0];
    assert_eq!(
        (a.kind, a.method(), a.page),
        (ActionKind::Results, "GET", 0)
    );
    assert_eq!(
        a.path(),
        "/api/v2/analytics/conversations/details/jobs/j0/results"
    );
    let o = record(
        &mut q,
        &key,
        Answer::Page(200, vec![Some(HOUR_MS), None], Some("a b/c".into())),
        &s,
        t + 10,
    )
    .unwrap();
    assert_eq!(o.event, Event::Page);
    let p = o.page.unwrap();
    assert_eq!((p.index, p.keep, p.last), (0, vec![true, true], false));
    // The cursor is saved: a step after a crash asks for the same next page.
    let st = next(&mut q, &[], &s, t + 10, &ALL);
    assert_eq!(st.actions[0].page, 1);
    assert_eq!(
        st.actions[0].path(),
        "/api/v2/analytics/conversations/details/jobs/j0/results?cursor=a%20b%2Fc"
    );
    // A 503 retries the same page; the last page (no cursor) completes the item.
    record(&mut q, &key, error(503, None), &s, t + 20).unwrap();
    assert_eq!(q.items[0].state, State::Fetching);
    let due = q.items[0].poll_at.unwrap();
    assert!(due > t + 20);
    // Until then nothing is due, and the step says when to come back.
    let st = next(&mut q, &[], &s, t + 21, &ALL);
    assert!(st.actions.is_empty());
    assert_eq!(st.wake_at, Some(due));
    let st = next(&mut q, &[], &s, due, &ALL);
    assert_eq!(st.actions[0].page, 1);
    let o = record(&mut q, &key, Answer::Page(200, vec![], None), &s, due).unwrap();
    assert_eq!(o.event, Event::Completed);
    assert!(o.page.unwrap().last);
    assert_eq!(q.items[0].state, State::Completed);
    assert!(next(&mut q, &[], &s, due + 1, &ALL).actions.is_empty());
}

#[test]
fn without_fetch_results_a_fulfilled_job_completes() {
    let s = Settings::default();
    let mut q = Queue::default();
    q.enqueue(&req(DETAILS, 0, 24), 0, None);
    run_jobs(&mut q, &s, 0);
    assert_eq!(q.items[0].state, State::Completed);
    // Other profiles have no results to fetch, even when asked.
    let s = fetching();
    let mut q = Queue::default();
    q.enqueue(&req(Profile::EvaluationExports, 0, 24), 0, None);
    run_jobs(&mut q, &s, 0);
    assert_eq!(q.items[0].state, State::Completed);
}

#[test]
fn each_part_owns_the_records_that_start_in_its_window() {
    let mut q = Queue::default();
    let mut index = q.key_index();
    let parts: Vec<Window> = (0..3)
        .map(|n| Window {
            start: n * 24 * HOUR_MS,
            end: (n + 1) * 24 * HOUR_MS,
        })
        .collect();
    q.enqueue_split(
        &mut index,
        &req(DETAILS, 0, 72),
        Some(&parts),
        0,
        None,
        true,
        0,
    );
    let (first, middle, last) = (&q.items[0], &q.items[1], &q.items[2]);
    let (before, day1, day2, after) = (-HOUR_MS, HOUR_MS, 25 * HOUR_MS, 80 * HOUR_MS);
    assert!(owns(first, Some(before)) && owns(first, Some(day1)) && !owns(first, Some(day2)));
    assert!(!owns(middle, Some(day1)) && owns(middle, Some(day2)) && !owns(middle, Some(after)));
    assert!(owns(last, Some(after)) && !owns(last, Some(day2)));
    // The boundary instant belongs to the later window (half-open windows).
    assert!(!owns(first, Some(24 * HOUR_MS)) && owns(middle, Some(24 * HOUR_MS)));
    // A record without a readable start is kept: losing it would be worse than twice.
    assert!(owns(middle, None));
}

#[test]
fn a_later_part_fetches_after_the_earlier_parts_are_final() {
    let s = fetching();
    let mut q = Queue::default();
    let mut index = q.key_index();
    let parts = [
        Window {
            start: 0,
            end: 24 * HOUR_MS,
        },
        Window {
            start: 24 * HOUR_MS,
            end: 48 * HOUR_MS,
        },
    ];
    q.enqueue_split(
        &mut index,
        &req(DETAILS, 0, 48),
        Some(&parts),
        0,
        None,
        true,
        0,
    );
    let t = run_jobs(&mut q, &s, 0);
    assert_eq!(q.items[1].state, State::Fetching);
    let st = next(&mut q, &[], &s, t, &ALL);
    let keys: Vec<&str> = st.actions.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, [q.items[0].key()]);
    assert_eq!(st.waiting.len(), 1);
    assert_eq!(st.waiting[0].1, WaitReason::EarlierPart(1));
    let k0 = q.items[0].key();
    record(&mut q, &k0, Answer::Page(200, vec![], None), &s, t + 1).unwrap();
    let st = next(&mut q, &[], &s, t + 1, &ALL);
    assert_eq!(st.actions.len(), 1);
    assert_eq!(st.actions[0].key, q.items[1].key());
}

#[test]
fn a_vanished_job_is_resubmitted_and_its_fetch_starts_over() {
    let s = fetching();
    let mut q = Queue::default();
    let key = q.enqueue(&req(DETAILS, 0, 24), 0, None).item.key();
    let t = run_jobs(&mut q, &s, 0);
    next(&mut q, &[], &s, t, &ALL);
    let page = Answer::Page(200, vec![None], Some("c".into()));
    record(&mut q, &key, page, &s, t + 1).unwrap();
    next(&mut q, &[], &s, t + 1, &ALL);
    let o = record(&mut q, &key, error(404, None), &s, t + 2).unwrap();
    assert_eq!(o.event, Event::Resubmit);
    assert_eq!(
        (q.items[0].results.clone(), q.items[0].job_id.clone()),
        (None, None)
    );
}

#[test]
fn a_late_page_is_refused_not_taken_for_the_page_handed_out_since() {
    // Runner A is handed page 0 and is slow; its lease expires, runner B is handed page 0
    // again and records it, then page 1 is out. A's answer to page 0 must not be read
    // as page 1: the conversations would be written twice.
    let s = Settings {
        lease_ms: 1_000,
        ..fetching()
    };
    let mut q = Queue::default();
    let key = q.enqueue(&req(DETAILS, 0, 24), 0, None).item.key();
    let t = run_jobs(&mut q, &s, 0);
    let a = next(&mut q, &[], &s, t, &ALL).actions[0].clone();
    let b = next(&mut q, &[], &s, t + 2_000, &ALL).actions[0].clone();
    assert_eq!((a.page, b.page), (0, 0));
    let page = |page| Answering {
        kind: Some(ActionKind::Results),
        page: Some(page),
    };
    let first = Answer::Page(200, vec![Some(HOUR_MS)], Some("c1".into()));
    record_reply(
        &mut q,
        &key,
        page(b.page),
        first.clone(),
        None,
        &s,
        t + 2_010,
    )
    .unwrap();
    let c = next(&mut q, &[], &s, t + 2_020, &ALL).actions[0].clone();
    assert_eq!(c.page, 1);
    let late = record_reply(&mut q, &key, page(a.page), first, None, &s, t + 2_030);
    let e = late.unwrap_err();
    assert_eq!(e.code, crate::error::ErrorCode::StaleAnswer);
    assert!(
        e.message.contains("waits for results page 1, not page 0"),
        "{}",
        e.message
    );
    // Nothing moved: page 1 is still awaited, and answering it goes on.
    assert_eq!(q.items[0].results.as_ref().map(|r| r.pages), Some(1));
    let o = record_reply(
        &mut q,
        &key,
        page(1),
        Answer::Page(200, vec![], None),
        None,
        &s,
        t + 2_040,
    );
    assert_eq!(o.unwrap().event, Event::Completed);
    // An answer of another kind than the outstanding call is refused the same way.
    let mut q = Queue::default();
    let key = q.enqueue(&req(DETAILS, 0, 24), 0, None).item.key();
    next(&mut q, &[], &s, 1, &ALL);
    let poll = Answering {
        kind: Some(ActionKind::Poll),
        page: None,
    };
    let answer = job(200, "j0", "FULFILLED", Phase::Completed);
    let e = record_reply(&mut q, &key, poll, answer, None, &s, 2).unwrap_err();
    assert!(
        e.message.contains("is a submit, not this poll"),
        "{}",
        e.message
    );
}

#[test]
fn a_runner_without_fetch_results_leaves_the_pages_to_one_that_has_it() {
    let mut q = Queue::default();
    q.enqueue(&req(DETAILS, 0, 24), 0, None);
    let t = run_jobs(&mut q, &fetching(), 0);
    assert_eq!(q.items[0].state, State::Fetching);
    // Without a place for the pages, no results call is handed out: it says why.
    let plain = Settings::default();
    let st = next(&mut q, &[], &plain, t, &ALL);
    assert!(st.actions.is_empty());
    assert_eq!(st.waiting.len(), 1);
    assert_eq!(st.waiting[0].1, WaitReason::ResultsFetcher);
    let text = describe(&st.waiting[0].1, &q.items[0], &plain, t);
    assert!(text.contains("without fetchResults"), "{text}");
    assert!(!st.done);
    // A runner with it goes on.
    let st = next(&mut q, &[], &fetching(), t, &ALL);
    assert_eq!(st.actions[0].kind, ActionKind::Results);
}
