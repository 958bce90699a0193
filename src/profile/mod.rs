//! Profiles: one per Genesys endpoint, each with its method and path, state
//! vocabulary and phases, lock rule, answer shapes (`api`) and payload (`payload`).
//!
//! | profile | source | lock rule |
//! |---|---|---|
//! | `evaluationExports` | community description (not in the official SDKs) | no two active jobs overlap in date range (409) |
//! | `conversationDetailsJobs` | Genesys public API docs | at most `maxActiveJobs` active jobs (export-guard's default: 5) |
//! | `recordingJobs` | Genesys public API docs | at most 2 PENDING/PROCESSING jobs per org |

mod api;
mod payload;

pub use api::{Execute, Listing, Phase, Results, Rule, Source};
pub use payload::{
    ChannelFilter, ConversationQuery, EvaluationExportBody, Payload, PayloadOptions, Predicate,
    RecordingJobBody, SegmentFilter, RECORDING_ACTIONS,
};

use crate::error::{Error, ErrorCode, Result};
use std::borrow::Cow;

/// A Genesys job endpoint export-guard knows how to guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Profile {
    /// `POST /api/v2/quality/evaluationexports`: the date-range lock (409) described by the community.
    EvaluationExports,
    /// `POST /api/v2/analytics/conversations/details/jobs`: documented async query jobs.
    ConversationDetailsJobs,
    /// `POST /api/v2/recording/jobs`: documented bulk recording jobs, at most 2 concurrent.
    RecordingJobs,
}

/// How active jobs block a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockRule {
    /// No two active jobs may overlap in date range.
    RangeOverlap,
    /// At most this many active jobs at once, whatever their ranges.
    MaxActive(u32),
}

/// Default maximum of active conversation-details jobs. Genesys does not publish one;
/// this is export-guard's conservative default, overridable with `maxActiveJobs`.
pub const DEFAULT_MAX_ACTIVE_DETAILS_JOBS: u32 = 5;

/// Recording jobs: "up to a maximum of two concurrent jobs that are either in pending or
/// processing state" (Genesys docs).
pub const MAX_ACTIVE_RECORDING_JOBS: u32 = 2;

impl Profile {
    /// Every profile, default first.
    pub const ALL: [Profile; 3] = [
        Profile::EvaluationExports,
        Profile::ConversationDetailsJobs,
        Profile::RecordingJobs,
    ];

    /// The profile's position in [`Profile::ALL`], for per-profile arrays (smaller code
    /// than a map keyed by profile, which matters in the ES5 build).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The profile's name in the JS contract (`evaluationExports`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Profile::EvaluationExports => "evaluationExports",
            Profile::ConversationDetailsJobs => "conversationDetailsJobs",
            Profile::RecordingJobs => "recordingJobs",
        }
    }

    /// Looks a profile up by name (exact, or ignoring case).
    pub fn parse(name: &str) -> Result<Profile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let shown: String = name.chars().take(40).collect();
                Error::new(
                    ErrorCode::UnknownProfile,
                    "",
                    format!(
                        "unknown profile {shown:?}; valid profiles: evaluationExports (default), \
                         conversationDetailsJobs, recordingJobs"
                    ),
                )
            })
    }

    /// HTTP method of the create call.
    pub fn method(self) -> &'static str {
        "POST"
    }

    /// Path of the create call.
    pub fn path(self) -> &'static str {
        match self {
            Profile::EvaluationExports => "/api/v2/quality/evaluationexports",
            Profile::ConversationDetailsJobs => "/api/v2/analytics/conversations/details/jobs",
            Profile::RecordingJobs => "/api/v2/recording/jobs",
        }
    }

    /// Path to poll one job, with `{id}` as placeholder.
    pub fn poll_path(self) -> String {
        format!("{}/{{id}}", self.path())
    }

    /// The lock rule, with `max_active` overriding the conversation-details default.
    pub fn lock_rule(self, max_active: Option<u32>) -> LockRule {
        match self {
            Profile::EvaluationExports => LockRule::RangeOverlap,
            Profile::ConversationDetailsJobs => {
                LockRule::MaxActive(max_active.unwrap_or(DEFAULT_MAX_ACTIVE_DETAILS_JOBS))
            }
            Profile::RecordingJobs => LockRule::MaxActive(MAX_ACTIVE_RECORDING_JOBS),
        }
    }

    /// Whether the payload filters on the analytics `mediaType`/`messageType` dimensions
    /// (so only analytics channel values can match).
    pub fn filters_analytics(self) -> bool {
        self != Profile::EvaluationExports
    }

    /// Where the endpoint itself is described (each rule has its own source too).
    pub fn source(self) -> Source {
        match self {
            Profile::EvaluationExports => Source::Community,
            _ => Source::Docs,
        }
    }

    /// The canonical form of a status: trimmed, upper-case, `-` and spaces read as `_`.
    /// Borrowed when it is canonical already (the API's own spelling, the common case).
    pub fn canonical_status(status: &str) -> Cow<'_, str> {
        if status
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return Cow::Borrowed(status);
        }
        status
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect::<String>()
            .into()
    }

    /// Whether a canonical status is active (`Some(true)`), known but not active
    /// (`Some(false)`: ready, completed or failed) or not in this profile's vocabulary
    /// (`None`). Cheap: no allocation.
    pub fn status_class(self, canonical: &str) -> Option<bool> {
        self.phase(canonical).map(|p| p == Phase::Active)
    }

    /// Every state this profile knows, active ones first.
    pub fn known_statuses(self) -> Vec<&'static str> {
        [
            self.active_statuses(),
            self.ready_statuses(),
            &[self.completed_status()][..],
            self.failed_statuses(),
        ]
        .concat()
    }

    /// Canonicalises a status (see [`Profile::canonical_status`]) and says whether it is
    /// active. Unknown statuses are an error: guessing could unlock a range.
    pub fn classify_status(self, status: &str) -> Result<(String, bool)> {
        let canon = Profile::canonical_status(status);
        if let Some(active) = self.status_class(&canon) {
            Ok((canon.into_owned(), active))
        } else {
            let shown: String = status.chars().take(40).collect();
            Err(Error::new(
                ErrorCode::UnknownStatus,
                "",
                format!(
                    "unknown status {shown:?} for profile {}; known: {}",
                    self.name(),
                    self.known_statuses().join(", ")
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Within;
    use crate::time::Window;

    #[test]
    fn names_round_trip_and_unknown_errors() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.name()).unwrap(), p);
        }
        assert_eq!(
            Profile::parse("RECORDINGJOBS").unwrap(),
            Profile::RecordingJobs
        );
        assert_eq!(
            Profile::parse("x")
                .within("options.profile")
                .unwrap_err()
                .code,
            ErrorCode::UnknownProfile
        );
    }

    #[test]
    fn statuses_classify() {
        let p = Profile::EvaluationExports;
        assert_eq!(
            p.classify_status("in-progress").unwrap(),
            ("IN_PROGRESS".into(), true)
        );
        assert_eq!(
            p.classify_status("Completed").unwrap(),
            ("COMPLETED".into(), false)
        );
        assert_eq!(
            p.classify_status("PENDING").unwrap_err().code,
            ErrorCode::UnknownStatus
        );
    }

    fn json(p: Payload) -> serde_json::Value {
        serde_json::to_value(p).unwrap()
    }

    #[test]
    fn payload_shapes() {
        let w = Window {
            start: 0,
            end: 86_400_000,
        };
        let ch = vec!["sms".to_string(), "voice".to_string()];
        let o = PayloadOptions {
            now: 0,
            ..Default::default()
        };
        let e = json(Profile::EvaluationExports.payload(w, &ch, &o));
        assert_eq!(e["start_date"], "1970-01-01T00:00:00.000Z");
        assert_eq!(e["filter"]["channel"], serde_json::json!(["sms", "voice"]));
        let c = json(Profile::ConversationDetailsJobs.payload(w, &ch, &o));
        assert_eq!(
            c["interval"],
            "1970-01-01T00:00:00.000Z/1970-01-02T00:00:00.000Z"
        );
        assert_eq!(
            c["segmentFilters"][0]["predicates"][0]["dimension"],
            "messageType"
        );
        assert_eq!(
            c["segmentFilters"][0]["predicates"][1]["dimension"],
            "mediaType"
        );
        let r = json(Profile::RecordingJobs.payload(w, &ch, &o));
        assert_eq!(r["action"], "EXPORT");
        assert!(r.get("integrationId").is_none());
    }
}
