//! Request bodies: one typed shape per profile, built from a window and canonical
//! channels. Fields are declared in alphabetical order so that the JSON text is the same
//! as serde_json's sorted maps wrote it before (answers stay byte-identical across
//! versions); JSON readers do not care about the order.

use super::Profile;
use crate::channel::{kind_of, ChannelKind};
use crate::error::{Error, ErrorCode, Result};
use crate::time::{format_ms, Window};
use serde::Serialize;

/// Recording job actions accepted in the `recordingJobs` payload.
pub const RECORDING_ACTIONS: [&str; 3] = ["EXPORT", "ARCHIVE", "DELETE"];

/// Extra inputs some payloads need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayloadOptions {
    /// `recordingJobs`: the action (default `EXPORT`).
    pub recording_action: Option<String>,
    /// `recordingJobs`: the integration to export to; required for EXPORT (Genesys:
    /// "required and used only for EXPORT action"), never sent for ARCHIVE or DELETE.
    pub integration_id: Option<String>,
    /// `recordingJobs`: `includeScreenRecordings` (the API's default, true, when absent).
    pub include_screen_recordings: Option<bool>,
    /// `recordingJobs`: `actionDate` (default: `now`).
    pub action_date: Option<i64>,
    /// The current instant, epoch milliseconds.
    pub now: i64,
}

impl PayloadOptions {
    /// The recording action: the given one, or EXPORT.
    pub fn action(&self) -> &str {
        self.recording_action.as_deref().unwrap_or("EXPORT")
    }

    /// Checks what `profile`'s body needs before any HTTP call: an EXPORT recording job
    /// needs `integrationId`. The error's field is the option's name.
    pub fn check(&self, profile: Profile) -> Result<()> {
        if profile == Profile::RecordingJobs
            && self.action() == "EXPORT"
            && matches!(self.integration_id.as_deref(), None | Some(""))
        {
            return Err(Error::new(
                ErrorCode::MissingIntegrationId,
                "integrationId",
                "a recordingJobs EXPORT needs integrationId, the id of the S3 integration \
                 to export to (Genesys: \"required and used only for EXPORT action\"); \
                 give options.integrationId, or set recordingAction to ARCHIVE or DELETE",
            ));
        }
        Ok(())
    }
}

impl Profile {
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
            Profile::RecordingJobs => {
                let action = opts.action();
                Payload::RecordingJob(RecordingJobBody {
                    action: action.to_string(),
                    action_date: format_ms(opts.action_date.unwrap_or(opts.now)),
                    conversation_query: conversation_query(window, channels),
                    include_screen_recordings: opts.include_screen_recordings,
                    integration_id: opts.integration_id.clone().filter(|_| action == "EXPORT"),
                })
            }
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
    /// Whether screen recordings are included (absent: the API's default, true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_screen_recordings: Option<bool>,
    /// The integration to export to (EXPORT only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

fn conversation_query(window: Window, channels: &[String]) -> ConversationQuery {
    let predicates = channels
        .iter()
        .map(|c| Predicate {
            dimension: match kind_of(c) {
                Some(ChannelKind::Message | ChannelKind::ConversationOnly) => "messageType",
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
