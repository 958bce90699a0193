//! The one error type of export-guard.
//!
//! Every bad input becomes an [`Error`] with a stable [`ErrorCode`], the path of the
//! field it concerns (`activeJobs[3].end`) and a message a person can act on. Nothing
//! in this crate panics on input: errors are values, so the wasm instance stays usable.

use core::fmt;

/// Stable, machine-readable error codes. Their string forms (`INVALID_DATE`, ...) are
/// part of the public contract in every build and never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A date, instant or interval string could not be parsed, or a field is out of range.
    /// Field, for example: `request.start`, `activeJobs[3].end`.
    InvalidDate,
    /// The range is empty or reversed (`start >= end`), or otherwise not a valid window.
    /// Field, for example: `request.end`.
    InvalidRange,
    /// The range is longer than the allowed maximum (`maxRangeDays`, or the window limit of a plan).
    /// Field, for example: `request`.
    RangeTooLong,
    /// A local date or time was given without an IANA `timeZone` to resolve it in.
    /// Field, for example: `request.start`.
    MissingTimeZone,
    /// The `timeZone` is not an IANA zone or link name (`timeZones()` lists them).
    /// Field, for example: `request.timeZone`.
    UnknownTimeZone,
    /// A local time falls in a DST gap (e.g. 01:30 on 2026-03-29 in Europe/London).
    /// Field, for example: `request.start`.
    NonexistentLocalTime,
    /// A channel name is not one of the Genesys media or message types.
    /// Field, for example: `request.channels[1]`.
    UnknownChannel,
    /// The channel list is missing or empty: the filter must be explicit.
    /// Field, for example: `request.channels`.
    NoChannels,
    /// The profile name is not one of [`crate::profile::Profile::ALL`].
    /// Field, for example: `request.profile`.
    UnknownProfile,
    /// An active job is malformed (missing id, bad shape).
    /// Field, for example: `activeJobs[0].id`.
    InvalidJob,
    /// A job status is not in the profile's status vocabulary.
    /// Field, for example: `activeJobs[0].status`.
    UnknownStatus,
    /// A backoff policy field is out of range or of the wrong type.
    /// Field, for example: `policy.factor`.
    InvalidPolicy,
    /// The queue state is malformed (not produced by `enqueue`, or edited badly).
    /// Field, for example: `queue.items[2].lockKey`.
    InvalidQueue,
    /// A recording EXPORT job without `integrationId` (Genesys requires it for EXPORT).
    /// Field, for example: `options.integrationId`.
    MissingIntegrationId,
    /// An API answer given to `readJob` lacks a field its profile's model has, or has
    /// one of the wrong type or an unknown state.
    /// Field, for example: `response.body.jobId`.
    InvalidResponse,
    /// An input over one of the documented size limits (`limits()`): refused before it
    /// is parsed or allocated for, so the instance never runs out of memory.
    /// Field, for example: `requests`, `activeJobs`, `queue.items`.
    TooLarge,
    /// `record` got an answer no item waits for: no live item has the key, or its call
    /// was answered already or handed out again after its lease expired. Drop it.
    /// Field, for example: `key`.
    StaleAnswer,
    /// Any other argument of the wrong type or value (unknown option, bad JSON, ...).
    /// Field, for example: `options.touchingConflicts`.
    InvalidArgument,
    /// Raised by the JS shim, never by the core: the core stopped with a trap (out of
    /// memory, or a bug) during this call. The shim has replaced the instance with a
    /// fresh one, so the next call works; prepared job lists of the old one are gone.
    /// Field: empty (the error concerns the whole call).
    CoreTrapped,
    /// Raised by the JS shim: a `PreparedJobs` made by an instance that was replaced
    /// after a trap (see [`ErrorCode::CoreTrapped`]). Prepare the list again.
    /// Field, for example: `activeJobs`.
    StaleHandle,
}

impl ErrorCode {
    /// Every code, for documentation and exhaustive tests.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::InvalidDate,
        ErrorCode::InvalidRange,
        ErrorCode::RangeTooLong,
        ErrorCode::MissingTimeZone,
        ErrorCode::UnknownTimeZone,
        ErrorCode::NonexistentLocalTime,
        ErrorCode::UnknownChannel,
        ErrorCode::NoChannels,
        ErrorCode::UnknownProfile,
        ErrorCode::InvalidJob,
        ErrorCode::UnknownStatus,
        ErrorCode::InvalidPolicy,
        ErrorCode::InvalidQueue,
        ErrorCode::MissingIntegrationId,
        ErrorCode::InvalidResponse,
        ErrorCode::TooLarge,
        ErrorCode::StaleAnswer,
        ErrorCode::InvalidArgument,
        ErrorCode::CoreTrapped,
        ErrorCode::StaleHandle,
    ];

    /// Whether only the JS shim raises this code (no input makes the core answer it).
    pub const fn from_shim(self) -> bool {
        matches!(self, ErrorCode::CoreTrapped | ErrorCode::StaleHandle)
    }

    /// The stable string form, e.g. `"INVALID_DATE"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidDate => "INVALID_DATE",
            ErrorCode::InvalidRange => "INVALID_RANGE",
            ErrorCode::RangeTooLong => "RANGE_TOO_LONG",
            ErrorCode::MissingTimeZone => "MISSING_TIME_ZONE",
            ErrorCode::UnknownTimeZone => "UNKNOWN_TIME_ZONE",
            ErrorCode::NonexistentLocalTime => "NONEXISTENT_LOCAL_TIME",
            ErrorCode::UnknownChannel => "UNKNOWN_CHANNEL",
            ErrorCode::NoChannels => "NO_CHANNELS",
            ErrorCode::UnknownProfile => "UNKNOWN_PROFILE",
            ErrorCode::InvalidJob => "INVALID_JOB",
            ErrorCode::UnknownStatus => "UNKNOWN_STATUS",
            ErrorCode::InvalidPolicy => "INVALID_POLICY",
            ErrorCode::InvalidQueue => "INVALID_QUEUE",
            ErrorCode::MissingIntegrationId => "MISSING_INTEGRATION_ID",
            ErrorCode::InvalidResponse => "INVALID_RESPONSE",
            ErrorCode::TooLarge => "TOO_LARGE",
            ErrorCode::StaleAnswer => "STALE_ANSWER",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::CoreTrapped => "CORE_TRAPPED",
            ErrorCode::StaleHandle => "STALE_HANDLE",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A typed error: stable `code`, the `field` path it concerns (empty when it concerns
/// the call as a whole) and a human `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// Field path in the caller's terms, e.g. `request.start` or `activeJobs[3].end`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Error {
    /// Builds an error.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Returns the error with `prefix` put in front of its field path
    /// (`"request"` + `"start"` gives `"request.start"`; an index prefix `"[3]"` is joined without a dot).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = join_path(prefix, &self.field);
        self
    }
}

/// [`Error::within`] on a result. The core says what is wrong, with a field relative to
/// what it was given (`""`, or `[2]` for a list's third entry); the contract layer, which
/// knows where that came from, says where: `Zone::lookup(name).within("request.timeZone")`.
pub trait Within<T> {
    /// The result, with `prefix` in front of its error's field.
    fn within(self, prefix: &str) -> Result<T>;
}

impl<T> Within<T> for Result<T> {
    fn within(self, prefix: &str) -> Result<T> {
        self.map_err(|e| e.within(prefix))
    }
}

/// Joins two field-path parts: `a` + `b` → `a.b`, `a` + `[2]` → `a[2]`, either empty → the other.
pub fn join_path(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_string()
    } else if rest.is_empty() {
        prefix.to_string()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{} at {}: {}", self.code, self.field, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_screaming_snake() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "duplicate {c}");
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch == '_'));
        }
    }

    #[test]
    fn paths_join() {
        assert_eq!(join_path("activeJobs", "[3]"), "activeJobs[3]");
        assert_eq!(join_path("activeJobs[3]", "end"), "activeJobs[3].end");
        assert_eq!(join_path("", "end"), "end");
        let e = Error::new(ErrorCode::InvalidDate, "end", "bad").within("request");
        assert_eq!(e.field, "request.end");
        assert_eq!(e.to_string(), "INVALID_DATE at request.end: bad");
    }
}
