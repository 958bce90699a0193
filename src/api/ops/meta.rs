//! The operations without arguments: `profiles`, `timeZones`, `tzdata`, `channels`,
//! `limits` and `version` (`operations` is in [`crate::api::table`], beside the table).

use crate::api::args::{Answer, Args, MAX_ERRORS};
use crate::api::write::answer;
use crate::api::write::profile::ProfileOut;
use crate::api::{handles, limits};
use crate::profile::Profile;
use crate::{backoff, channel, zone};
use serde::Serialize;

/// `profiles()`.
#[inline(never)]
pub fn profiles(_a: Args<'_>, _now_ms: i64) -> Answer {
    let list: Vec<ProfileOut> = Profile::ALL.into_iter().map(Into::into).collect();
    answer(&list)
}

/// `timeZones()`.
#[inline(never)]
pub fn time_zones(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&zone::supported())
}

/// `tzdata()`.
#[inline(never)]
pub fn tzdata(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&TzdataOut {
        version: zone::version(),
        names: zone::count(),
    })
}

/// `channels()`.
#[inline(never)]
pub fn channels(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&ChannelsOut {
        conversation_only_message_types: &channel::CONVERSATION_ONLY_MESSAGE_TYPES,
        media_types: &channel::MEDIA_TYPES,
        message_types: &channel::MESSAGE_TYPES,
    })
}

/// `limits()`.
#[inline(never)]
pub fn limits(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&LimitsOut::default())
}

/// `version()`.
#[inline(never)]
pub fn version(_a: Args<'_>, _now_ms: i64) -> Answer {
    answer(&env!("CARGO_PKG_VERSION"))
}

/// `limits()`: every numeric limit of the inputs, so callers need not copy them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitsOut {
    default_max_range_days: u32,
    default_max_windows: u64,
    max_active_jobs: u32,
    max_answer_bytes: usize,
    max_attempts: u32,
    max_batch: usize,
    max_delay_ms: u64,
    max_errors: usize,
    max_input_bytes: usize,
    max_input_containers: usize,
    max_jobs: usize,
    max_prepared_job_lists: usize,
    max_queue_items: usize,
    max_range_days: u32,
    max_windows: u64,
    max_workers: u32,
}

impl Default for LimitsOut {
    /// The limits of this build.
    fn default() -> Self {
        LimitsOut {
            default_max_range_days: limits::DEFAULT_RANGE_DAYS,
            default_max_windows: limits::DEFAULT_WINDOWS,
            max_active_jobs: limits::MAX_ACTIVE_JOBS,
            max_answer_bytes: limits::MAX_ANSWER_BYTES,
            max_attempts: backoff::MAX_ATTEMPTS_LIMIT,
            max_batch: limits::MAX_BATCH,
            max_delay_ms: backoff::MAX_DELAY_LIMIT_MS,
            max_errors: MAX_ERRORS,
            max_input_bytes: limits::MAX_INPUT_BYTES,
            max_input_containers: limits::MAX_INPUT_CONTAINERS,
            max_jobs: limits::MAX_JOBS,
            max_prepared_job_lists: handles::MAX_PREPARED,
            max_queue_items: limits::MAX_QUEUE_ITEMS,
            max_range_days: limits::MAX_RANGE_DAYS,
            max_windows: limits::MAX_WINDOWS,
            max_workers: limits::MAX_WORKERS,
        }
    }
}

/// `tzdata()`'s answer.
#[derive(Debug, Serialize)]
pub struct TzdataOut {
    /// The tz database release, e.g. "2025b".
    pub version: &'static str,
    /// How many names `timeZones()` lists (canonical zones and links).
    pub names: usize,
}

/// `channels()`' answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelsOut {
    /// Message types analytics does not know (accepted by `evaluationExports` only).
    pub conversation_only_message_types: &'static [&'static str],
    /// Analytics `mediaType` values.
    pub media_types: &'static [&'static str],
    /// Analytics `messageType` values.
    pub message_types: &'static [&'static str],
}
