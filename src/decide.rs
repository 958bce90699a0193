//! Overlap detection: what to do with one export request, given the active jobs.
//!
//! The decision is computed before any HTTP call. For a range-locked profile, a request
//! that overlaps an active job is queued, with the parts of its range that are free now;
//! for a concurrency-limited profile, a request is queued while the limit is reached.

use crate::error::{Error, ErrorCode, Result};
use crate::profile::{LockRule, Payload, PayloadOptions, Profile};
use crate::time::{Window, DAY_MS};

/// A validated export request: a window, canonical channels and a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The half-open UTC range to export.
    pub window: Window,
    /// Canonical channels (lowercase, sorted, deduplicated, never empty).
    pub channels: Vec<String>,
    /// The endpoint.
    pub profile: Profile,
}

/// A validated job as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job id.
    pub id: String,
    /// Its date range.
    pub window: Window,
    /// Canonical (uppercase) status.
    pub status: String,
    /// Whether the status holds a lock / counts against the concurrency limit.
    pub active: bool,
    /// Canonical channels, when the job reported them.
    pub channels: Option<Vec<String>>,
    /// The endpoint the job belongs to.
    pub profile: Profile,
}

/// Active jobs, ready for many decisions: the jobs that lock (in input order) and the
/// completed ones by range (for `alreadyExported`). Failed or cancelled jobs matter to
/// neither, so they are dropped here. Building it is one pass over the jobs; a decision
/// against it then costs O(active jobs), whatever the number of finished ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobIndex {
    /// Jobs in an active status, in input order.
    pub active: Vec<Job>,
    /// Jobs in their profile's completed status, sorted by range (start, then end); jobs
    /// with one range stay in input order.
    completed: Vec<Job>,
    /// How many jobs were given, all statuses included.
    pub count: usize,
}

impl JobIndex {
    /// Indexes `jobs`.
    pub fn new(jobs: Vec<Job>) -> JobIndex {
        let mut index = JobIndex {
            count: jobs.len(),
            ..JobIndex::default()
        };
        let mut completed = Vec::new();
        for j in jobs {
            if j.active {
                index.active.push(j);
            } else if j.status == j.profile.completed_status() {
                completed.push(j);
            }
        }
        let ranges: Vec<(i64, i64)> = completed
            .iter()
            .map(|j| (j.window.start, j.window.end))
            .collect();
        index.completed = crate::order::permute(completed, &crate::order::order_by_pair(&ranges));
        index
    }

    /// The first completed job with exactly this profile, range and channels.
    pub fn already_exported(&self, request: &Request) -> Option<&Job> {
        let w = request.window;
        let from = self
            .completed
            .partition_point(|j| (j.window.start, j.window.end) < (w.start, w.end));
        self.completed[from..]
            .iter()
            .take_while(|j| j.window == w)
            .find(|j| {
                j.profile == request.profile
                    && j.channels.as_deref() == Some(request.channels.as_slice())
            })
    }
}

/// Options of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideOptions {
    /// Longest accepted range in days (0: no limit); `None`: the request's profile's
    /// maximum ([`Profile::max_range_days`](crate::profile::Profile::max_range_days)).
    pub max_range_days: Option<u32>,
    /// Treat windows that only touch (`a.end == b.start`) as conflicting (default false).
    pub touching_conflicts: bool,
    /// Overrides the conversation-details concurrency limit.
    pub max_active_jobs: Option<u32>,
    /// Suggested delay before deciding again when queued (default 5000 ms).
    pub recheck_after_ms: u64,
    /// Build one payload per channel instead of one for all.
    pub split_by_channel: bool,
    /// Inputs for payloads (and `now`).
    pub payload: PayloadOptions,
}

impl Default for DecideOptions {
    fn default() -> Self {
        DecideOptions {
            max_range_days: None,
            touching_conflicts: false,
            max_active_jobs: None,
            recheck_after_ms: 5_000,
            split_by_channel: false,
            payload: PayloadOptions::default(),
        }
    }
}

/// What to do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Nothing blocks it: send the payload(s) now.
    Submit,
    /// Active jobs block it: wait (or submit only `free_windows`).
    Queue,
    /// The input is invalid.
    Reject,
}

impl Action {
    /// `"submit"`, `"queue"` or `"reject"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Queue => "queue",
            Action::Reject => "reject",
        }
    }
}

/// The answer of [`decide`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// Canonical `startZ/endZ` of the request (submit and queue).
    pub lock_key: Option<String>,
    /// Request bodies to send (submit only).
    pub payloads: Vec<Payload>,
    /// The active jobs that block the request (queue only).
    pub conflicts: Vec<Job>,
    /// Parts of the range that can be submitted now.
    pub free_windows: Vec<Window>,
    /// Suggested delay before deciding again (queue only).
    pub recheck_after_ms: Option<u64>,
    /// A completed job with the same range and channels, if any.
    pub already_exported: Option<Job>,
    /// Why the request was rejected.
    pub errors: Vec<Error>,
}

impl Decision {
    /// A rejection carrying `errors`.
    pub fn reject(errors: Vec<Error>) -> Decision {
        Decision {
            action: Action::Reject,
            lock_key: None,
            payloads: Vec::new(),
            conflicts: Vec::new(),
            free_windows: Vec::new(),
            recheck_after_ms: None,
            already_exported: None,
            errors,
        }
    }
}

/// Checks the range against `max_range_days` (0 means no limit).
pub fn check_range_length(window: Window, max_range_days: u32) -> Result<()> {
    if max_range_days == 0 {
        return Ok(());
    }
    let max = i64::from(max_range_days) * DAY_MS;
    if window.len_ms() > max {
        return Err(Error::new(
            ErrorCode::RangeTooLong,
            "",
            format!(
                "the range {} is {}.{} days long; the maximum is {max_range_days} days \
                 (enqueue it, and the queue splits it into parts; or split it with plan(), or raise maxRangeDays)",
                window.lock_key(),
                window.len_ms() / DAY_MS,
                window.len_ms() % DAY_MS * 10 / DAY_MS
            ),
        ));
    }
    Ok(())
}

/// Builds the request body (or one per channel).
pub fn payloads(request: &Request, split_by_channel: bool, opts: &PayloadOptions) -> Vec<Payload> {
    if split_by_channel {
        request
            .channels
            .iter()
            .map(|c| {
                request
                    .profile
                    .payload(request.window, std::slice::from_ref(c), opts)
            })
            .collect()
    } else {
        vec![request
            .profile
            .payload(request.window, &request.channels, opts)]
    }
}

/// The active jobs of `request`'s profile that block it under the profile's lock rule.
/// For a range lock these are the overlapping jobs; for a concurrency limit, all active
/// jobs once the limit is reached (none before).
pub fn blocking_jobs(
    window: Window,
    profile: Profile,
    jobs: &[Job],
    touching: bool,
    max_active: Option<u32>,
    extra_active: usize,
) -> Vec<&Job> {
    let active = jobs.iter().filter(|j| j.active && j.profile == profile);
    match profile.lock_rule(max_active) {
        LockRule::RangeOverlap => active
            .filter(|j| j.window.conflicts_with(&window, touching))
            .collect(),
        LockRule::MaxActive(n) => {
            let all: Vec<&Job> = active.collect();
            if all.len().saturating_add(extra_active) >= n as usize {
                all
            } else {
                Vec::new()
            }
        }
    }
}

/// Decides what to do with a validated request. Never fails: input errors are caught
/// earlier and turned into [`Decision::reject`]. A range that is too long rejects with
/// an error whose field is empty: it concerns the request as a whole, and the contract
/// layer puts the request's path in front.
pub fn decide(request: &Request, jobs: &JobIndex, opts: &DecideOptions) -> Decision {
    let max_days = opts
        .max_range_days
        .unwrap_or(request.profile.max_range_days().value);
    if let Err(e) = check_range_length(request.window, max_days) {
        return Decision::reject(vec![e]);
    }
    let already_exported = jobs.already_exported(request).cloned();
    let blocking = blocking_jobs(
        request.window,
        request.profile,
        &jobs.active,
        opts.touching_conflicts,
        opts.max_active_jobs,
        0,
    );
    let lock_key = Some(request.window.lock_key());
    if blocking.is_empty() {
        return Decision {
            action: Action::Submit,
            lock_key,
            payloads: payloads(request, opts.split_by_channel, &opts.payload),
            conflicts: Vec::new(),
            free_windows: vec![request.window],
            recheck_after_ms: None,
            already_exported,
            errors: Vec::new(),
        };
    }
    let free_windows = match request.profile.lock_rule(opts.max_active_jobs) {
        LockRule::RangeOverlap => {
            let blocks: Vec<Window> = blocking.iter().map(|j| j.window).collect();
            // With touching conflicts, keep 1 ms away from each block so that every free
            // window decides as `submit` itself.
            request
                .window
                .minus(&blocks, i64::from(opts.touching_conflicts))
        }
        LockRule::MaxActive(_) => Vec::new(),
    };
    Decision {
        action: Action::Queue,
        lock_key,
        payloads: Vec::new(),
        conflicts: blocking.into_iter().cloned().collect(),
        free_windows,
        recheck_after_ms: Some(opts.recheck_after_ms),
        already_exported,
        errors: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR_MS;

    fn job(id: &str, s: i64, e: i64, status: &str, active: bool) -> Job {
        Job {
            id: id.into(),
            window: Window {
                start: s * HOUR_MS,
                end: e * HOUR_MS,
            },
            status: status.into(),
            active,
            channels: Some(vec!["sms".into()]),
            profile: Profile::EvaluationExports,
        }
    }

    fn req(s: i64, e: i64) -> Request {
        Request {
            window: Window {
                start: s * HOUR_MS,
                end: e * HOUR_MS,
            },
            channels: vec!["sms".into()],
            profile: Profile::EvaluationExports,
        }
    }

    fn idx(jobs: &[Job]) -> JobIndex {
        JobIndex::new(jobs.to_vec())
    }

    #[test]
    fn free_range_submits_with_payload_and_lock_key() {
        let d = decide(
            &req(0, 24),
            &idx(&[job("a", 24, 48, "IN_PROGRESS", true)]),
            &DecideOptions::default(),
        );
        assert_eq!(d.action, Action::Submit);
        assert_eq!(
            d.lock_key.as_deref(),
            Some("1970-01-01T00:00:00.000Z/1970-01-02T00:00:00.000Z")
        );
        assert_eq!(d.payloads.len(), 1);
    }

    #[test]
    fn overlap_queues_with_free_windows() {
        let jobs = [
            job("a", 10, 20, "IN_PROGRESS", true),
            job("b", 0, 30, "FAILED", false),
        ];
        let d = decide(&req(0, 24), &idx(&jobs), &DecideOptions::default());
        assert_eq!(d.action, Action::Queue);
        assert_eq!(d.conflicts.len(), 1);
        assert_eq!(d.conflicts[0].id, "a");
        assert_eq!(
            d.free_windows,
            vec![
                Window {
                    start: 0,
                    end: 10 * HOUR_MS
                },
                Window {
                    start: 20 * HOUR_MS,
                    end: 24 * HOUR_MS
                }
            ]
        );
        assert_eq!(d.recheck_after_ms, Some(5000));
    }

    #[test]
    fn touching_only_conflicts_when_asked() {
        let jobs = [job("a", 24, 48, "QUEUED", true)];
        assert_eq!(
            decide(&req(0, 24), &idx(&jobs), &DecideOptions::default()).action,
            Action::Submit
        );
        let opts = DecideOptions {
            touching_conflicts: true,
            ..Default::default()
        };
        let d = decide(&req(0, 24), &idx(&jobs), &opts);
        assert_eq!(d.action, Action::Queue);
        assert_eq!(
            d.free_windows,
            vec![Window {
                start: 0,
                end: 24 * HOUR_MS - 1
            }]
        );
    }

    #[test]
    fn completed_same_range_is_reported() {
        let d = decide(
            &req(0, 24),
            &idx(&[job("done", 0, 24, "COMPLETED", false)]),
            &DecideOptions::default(),
        );
        assert_eq!(d.action, Action::Submit);
        assert_eq!(d.already_exported.map(|j| j.id), Some("done".to_string()));
    }

    #[test]
    fn too_long_is_rejected() {
        // By default the profile's maximum (32 days: a local month and its DST hour).
        let at = |hours: i64, max: Option<u32>| {
            let opts = DecideOptions {
                max_range_days: max,
                ..Default::default()
            };
            decide(&req(0, hours), &JobIndex::default(), &opts)
        };
        assert_eq!(at(24 * 32, None).action, Action::Submit);
        let d = at(24 * 32 + 1, None);
        assert_eq!(d.action, Action::Reject);
        assert_eq!(d.errors[0].code, ErrorCode::RangeTooLong);
        assert_eq!(at(24 * 32, Some(31)).action, Action::Reject);
        assert_eq!(at(24 * 4000, Some(0)).action, Action::Submit);
    }

    #[test]
    fn concurrency_limit_for_recording_jobs() {
        let mut r = req(0, 24);
        r.profile = Profile::RecordingJobs;
        let mk = |id: &str| Job {
            profile: Profile::RecordingJobs,
            status: "PENDING".into(),
            ..job(id, 100, 200, "", true)
        };
        let d = decide(&r, &idx(&[mk("a")]), &DecideOptions::default());
        assert_eq!(d.action, Action::Submit);
        let d = decide(&r, &idx(&[mk("a"), mk("b")]), &DecideOptions::default());
        assert_eq!(d.action, Action::Queue);
        assert_eq!(d.conflicts.len(), 2);
        assert!(d.free_windows.is_empty());
    }
}
