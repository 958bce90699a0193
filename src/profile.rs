//! Profiles: one per Genesys endpoint, each with its method and path, status
//! vocabulary, lock rule and payload shape.
//!
//! | profile | source | lock rule |
//! |---|---|---|
//! | `evaluationExports` | community description (not in the official SDKs) | no two active jobs overlap in date range (409) |
//! | `conversationDetailsJobs` | Genesys public API docs | at most `maxActiveJobs` active jobs (export-guard's default: 5) |
//! | `recordingJobs` | Genesys public API docs | at most 2 PENDING/PROCESSING jobs per org |

use crate::channel::{kind_of, ChannelKind};
use crate::error::{Error, ErrorCode, Result};
use crate::time::{format_ms, Window};
use serde::Serialize;

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

/// Where a profile's facts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Genesys' public API documentation or official SDKs.
    PublicDocs,
    /// A community description only; not in Genesys' official SDKs.
    Community,
}

impl Source {
    /// `"genesys-docs"` or `"community"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::PublicDocs => "genesys-docs",
            Source::Community => "community",
        }
    }
}

/// Default maximum of active conversation-details jobs. Genesys does not publish one;
/// this is export-guard's conservative default, overridable with `maxActiveJobs`.
pub const DEFAULT_MAX_ACTIVE_DETAILS_JOBS: u32 = 5;

/// Recording jobs: "up to a maximum of two concurrent jobs that are either in pending or
/// processing state" (Genesys docs).
pub const MAX_ACTIVE_RECORDING_JOBS: u32 = 2;

/// Recording job actions accepted in the `recordingJobs` payload.
pub const RECORDING_ACTIONS: [&str; 3] = ["EXPORT", "ARCHIVE", "DELETE"];

/// Extra inputs some payloads need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadOptions {
    /// `recordingJobs`: the action (default `EXPORT`).
    pub recording_action: Option<String>,
    /// `recordingJobs`: the integration to export to (included when given).
    pub integration_id: Option<String>,
    /// `recordingJobs`: `actionDate` (default: `now`).
    pub action_date: Option<i64>,
    /// The current instant, epoch milliseconds.
    pub now: i64,
}

impl Profile {
    /// Every profile, default first.
    pub const ALL: [Profile; 3] = [
        Profile::EvaluationExports,
        Profile::ConversationDetailsJobs,
        Profile::RecordingJobs,
    ];

    /// The profile's name in the JS contract (`evaluationExports`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Profile::EvaluationExports => "evaluationExports",
            Profile::ConversationDetailsJobs => "conversationDetailsJobs",
            Profile::RecordingJobs => "recordingJobs",
        }
    }

    /// Looks a profile up by name (exact, or ignoring case).
    pub fn parse(name: &str, field: &str) -> Result<Profile> {
        Profile::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let shown: String = name.chars().take(40).collect();
                Error::new(
                    ErrorCode::UnknownProfile,
                    field,
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

    /// Statuses that hold a lock (or count against the concurrency limit).
    pub fn active_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::EvaluationExports => &["QUEUED", "IN_PROGRESS"],
            Profile::ConversationDetailsJobs => &["QUEUED", "PENDING"],
            Profile::RecordingJobs => &["PENDING", "PROCESSING"],
        }
    }

    /// Statuses that never lock.
    pub fn terminal_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::EvaluationExports => &["COMPLETED", "FAILED", "CANCELLED"],
            Profile::ConversationDetailsJobs => &["FULFILLED", "FAILED", "CANCELLED", "EXPIRED"],
            Profile::RecordingJobs => &["READY", "FULFILLED", "FAILED", "CANCELLED"],
        }
    }

    /// The terminal status meaning "exported successfully".
    pub fn completed_status(self) -> &'static str {
        match self {
            Profile::EvaluationExports => "COMPLETED",
            Profile::ConversationDetailsJobs | Profile::RecordingJobs => "FULFILLED",
        }
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

    /// Where this profile's facts come from.
    pub fn source(self) -> Source {
        match self {
            Profile::EvaluationExports => Source::Community,
            _ => Source::PublicDocs,
        }
    }

    /// The canonical form of a status: trimmed, upper-case, `-` and spaces read as `_`.
    pub fn canonical_status(status: &str) -> String {
        status
            .trim()
            .chars()
            .map(|c| match c {
                '-' | ' ' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect()
    }

    /// Whether a canonical status is active (`Some(true)`), terminal (`Some(false)`) or
    /// not in this profile's vocabulary (`None`). Cheap: no allocation.
    pub fn status_class(self, canonical: &str) -> Option<bool> {
        if self.active_statuses().contains(&canonical) {
            Some(true)
        } else if self.terminal_statuses().contains(&canonical) {
            Some(false)
        } else {
            None
        }
    }

    /// Canonicalises a status (see [`Profile::canonical_status`]) and says whether it is
    /// active. Unknown statuses are an error: guessing could unlock a range.
    pub fn classify_status(self, status: &str, field: &str) -> Result<(String, bool)> {
        let canon = Profile::canonical_status(status);
        if let Some(active) = self.status_class(&canon) {
            Ok((canon, active))
        } else {
            let shown: String = status.chars().take(40).collect();
            Err(Error::new(
                ErrorCode::UnknownStatus,
                field,
                format!(
                    "unknown status {shown:?} for profile {}; active: {}; terminal: {}",
                    self.name(),
                    self.active_statuses().join(", "),
                    self.terminal_statuses().join(", ")
                ),
            ))
        }
    }

    /// Builds the request body for `window` and canonical `channels`.
    pub fn payload(self, window: Window, channels: &[String], opts: &PayloadOptions) -> Payload {
        match self {
            Profile::EvaluationExports => Payload::EvaluationExport(EvaluationExportBody {
                end_date: format_ms(window.end),
                filter: ChannelFilter {
                    channel: channels.to_vec(),
                },
                start_date: format_ms(window.start),
            }),
            Profile::ConversationDetailsJobs => {
                Payload::ConversationQuery(conversation_query(window, channels))
            }
            Profile::RecordingJobs => Payload::RecordingJob(RecordingJobBody {
                action: opts
                    .recording_action
                    .clone()
                    .unwrap_or_else(|| "EXPORT".to_string()),
                action_date: format_ms(opts.action_date.unwrap_or(opts.now)),
                conversation_query: conversation_query(window, channels),
                integration_id: opts.integration_id.clone(),
            }),
        }
    }
}

/// A request body, typed per profile. Fields are declared in alphabetical order so that
/// the JSON text is the same as serde_json's sorted maps wrote it before (answers stay
/// byte-identical across versions); JSON readers do not care about the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Payload {
    /// `evaluationExports` (community shape).
    EvaluationExport(EvaluationExportBody),
    /// `conversationDetailsJobs`: an `AsyncConversationQuery`.
    ConversationQuery(ConversationQuery),
    /// `recordingJobs`: a `RecordingJobsQuery`.
    RecordingJob(RecordingJobBody),
}

/// The community-described evaluation-export body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationExportBody {
    /// End of the range (exclusive), UTC ISO.
    pub end_date: String,
    /// The explicit channel filter.
    pub filter: ChannelFilter,
    /// Start of the range, UTC ISO.
    pub start_date: String,
}

/// `{ "channel": [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelFilter {
    /// Canonical channel names.
    pub channel: Vec<String>,
}

/// The documented analytics query shape (`AsyncConversationQuery`): an interval and an
/// OR of `mediaType` / `messageType` dimension predicates in one segment filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationQuery {
    /// `start/end`, UTC ISO.
    pub interval: String,
    /// Always `asc`.
    pub order: &'static str,
    /// Always `conversationStart`.
    pub order_by: &'static str,
    /// One `or` filter of channel predicates.
    pub segment_filters: Vec<SegmentFilter>,
}

/// A segment filter: `{ predicates, type }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentFilter {
    /// The predicates.
    pub predicates: Vec<Predicate>,
    /// `or`.
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// A dimension predicate on `mediaType` or `messageType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Predicate {
    /// `mediaType` or `messageType`.
    pub dimension: &'static str,
    /// `matches`.
    pub operator: &'static str,
    /// `dimension`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The channel.
    pub value: String,
}

/// The `RecordingJobsQuery` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingJobBody {
    /// EXPORT, ARCHIVE or DELETE.
    pub action: String,
    /// When the action applies, UTC ISO.
    pub action_date: String,
    /// Which conversations.
    pub conversation_query: ConversationQuery,
    /// The integration to export to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

fn conversation_query(window: Window, channels: &[String]) -> ConversationQuery {
    let predicates = channels
        .iter()
        .map(|c| Predicate {
            dimension: match kind_of(c) {
                Some(ChannelKind::Message) => "messageType",
                _ => "mediaType",
            },
            operator: "matches",
            kind: "dimension",
            value: c.clone(),
        })
        .collect();
    ConversationQuery {
        interval: window.lock_key(),
        order: "asc",
        order_by: "conversationStart",
        segment_filters: vec![SegmentFilter {
            predicates,
            kind: "or",
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_errors() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.name(), "p").unwrap(), p);
        }
        assert_eq!(
            Profile::parse("RECORDINGJOBS", "p").unwrap(),
            Profile::RecordingJobs
        );
        assert_eq!(
            Profile::parse("x", "options.profile").unwrap_err().code,
            ErrorCode::UnknownProfile
        );
    }

    #[test]
    fn statuses_classify() {
        let p = Profile::EvaluationExports;
        assert_eq!(
            p.classify_status("in-progress", "s").unwrap(),
            ("IN_PROGRESS".into(), true)
        );
        assert_eq!(
            p.classify_status("Completed", "s").unwrap(),
            ("COMPLETED".into(), false)
        );
        assert_eq!(
            p.classify_status("PENDING", "s").unwrap_err().code,
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
