//! What each endpoint's answers look like, and where each fact comes from.
//!
//! The official SDK models (JavaScript v259, Python v257) and Genesys's recordings
//! bulk-actions tutorial say where a create call's answer carries the job id, which field
//! holds the state, how to poll, what READY means for a recording job and whether jobs
//! can be listed. Every rule here carries its [`Source`]: Genesys's documentation, a
//! community description, or a default of export-guard's own.

use super::Profile;

/// Where a fact comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Genesys's public API documentation, official SDK models or tutorials.
    Docs,
    /// A community description only (not in the official SDKs).
    Community,
    /// export-guard's own choice, where Genesys publishes nothing.
    ExportGuard,
}

impl Source {
    /// `"genesys-docs"`, `"community"` or `"export-guard"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Docs => "genesys-docs",
            Source::Community => "community",
            Source::ExportGuard => "export-guard",
        }
    }
}

/// A value with its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule<T> {
    /// The value.
    pub value: T,
    /// Where it comes from.
    pub source: Source,
}

const fn rule<T>(value: T, source: Source) -> Rule<T> {
    Rule { value, source }
}

/// Where a job is in its life, whatever the profile calls its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Queued or running: it holds a lock or counts against a concurrency limit.
    Active,
    /// Waiting for its creator to execute it (a recording job in READY): nothing is
    /// exported yet, and it does not count against the limit.
    Ready,
    /// Finished and exported.
    Completed,
    /// Finished without an export (failed, cancelled, expired).
    Failed,
}

impl Phase {
    /// `"active"`, `"ready"`, `"completed"` or `"failed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Active => "active",
            Phase::Ready => "ready",
            Phase::Completed => "completed",
            Phase::Failed => "failed",
        }
    }
}

/// The call that executes a job waiting in a ready state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Execute {
    /// The HTTP method (`PUT`).
    pub method: &'static str,
    /// The path, with `{jobId}`.
    pub path: &'static str,
    /// The state the body asks for: `{"state": "PROCESSING"}`.
    pub state: &'static str,
    /// The state in which the job waits for this call.
    pub when: &'static str,
}

/// How a finished job's results are fetched: page by page, each page giving the cursor of
/// the next (none on the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Results {
    /// The path, with `{jobId}`.
    pub path: &'static str,
    /// The query parameter that carries the cursor.
    pub cursor_param: &'static str,
    /// The field of a page that holds the records.
    pub records_field: &'static str,
    /// The field of a page that holds the next page's cursor.
    pub cursor_field: &'static str,
    /// A record's id field.
    pub id_field: &'static str,
    /// A record's start field: a record belongs to the window its start falls in, so that
    /// a record that adjacent windows' jobs both return is written once.
    pub start_field: &'static str,
}

impl Results {
    /// The path and query of the page at `cursor` (the first page without one).
    pub fn path_for(&self, job_id: &str, cursor: Option<&str>) -> String {
        let mut p = self.path.replace("{jobId}", job_id);
        if let Some(c) = cursor {
            p.push('?');
            p.push_str(self.cursor_param);
            p.push('=');
            encode_into(&mut p, c);
        }
        p
    }
}

/// Percent-encodes `text` for a query value (RFC 3986 unreserved characters stay).
pub fn encode_into(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
}

/// How the API lists an organisation's jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The HTTP method (`GET`).
    pub method: &'static str,
    /// The path.
    pub path: &'static str,
    /// Fixed query parameters.
    pub query: &'static [(&'static str, &'static str)],
    /// The query parameter that filters by state (one state per call).
    pub state_param: &'static str,
    /// The query parameter that restricts a listing to the caller's own jobs (a `find`
    /// looks only among them: the lost job was created by this client).
    pub mine_param: &'static str,
    /// The query parameter of the page size, and the size asked for.
    pub page_size: (&'static str, u32),
    /// The field of the answer that holds the jobs.
    pub entities_field: &'static str,
    /// A listed job's id field.
    pub id_field: &'static str,
    /// A listed job's state field.
    pub state_field: &'static str,
    /// Where a listed job's interval is (a JSON pointer).
    pub interval_pointer: &'static str,
}

impl Listing {
    /// The path and query of the listing of the org's jobs in `state`.
    pub fn path_for_state(&self, state: &str) -> String {
        let mut p = format!("{}?", self.path);
        for (k, v) in self.query {
            p.push_str(k);
            p.push('=');
            p.push_str(v);
            p.push('&');
        }
        p.push_str(&format!(
            "{}={state}&{}={}",
            self.state_param, self.page_size.0, self.page_size.1
        ));
        p
    }

    /// The path and query of the listing of the caller's own jobs (for a `find`).
    pub fn path_for_mine(&self) -> String {
        format!(
            "{}?{}=true&{}={}",
            self.path, self.mine_param, self.page_size.0, self.page_size.1
        )
    }
}

impl Profile {
    /// The states in which a job holds a lock or counts against the limit.
    pub fn active_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::EvaluationExports => &["QUEUED", "IN_PROGRESS"],
            Profile::ConversationDetailsJobs => &["QUEUED", "PENDING"],
            Profile::RecordingJobs => &["PENDING", "PROCESSING"],
        }
    }

    /// The states in which a job waits for its creator to execute it.
    pub fn ready_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::RecordingJobs => &["READY"],
            _ => &[],
        }
    }

    /// The terminal state meaning "exported successfully".
    pub fn completed_status(self) -> &'static str {
        match self {
            Profile::EvaluationExports => "COMPLETED",
            Profile::ConversationDetailsJobs | Profile::RecordingJobs => "FULFILLED",
        }
    }

    /// The terminal states without an export.
    pub fn failed_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::EvaluationExports | Profile::RecordingJobs => &["FAILED", "CANCELLED"],
            Profile::ConversationDetailsJobs => &["FAILED", "CANCELLED", "EXPIRED"],
        }
    }

    /// The final states: completed and failed (READY is not final).
    pub fn terminal_statuses(self) -> &'static [&'static str] {
        match self {
            Profile::EvaluationExports => &["COMPLETED", "FAILED", "CANCELLED"],
            Profile::ConversationDetailsJobs => &["FULFILLED", "FAILED", "CANCELLED", "EXPIRED"],
            Profile::RecordingJobs => &["FULFILLED", "FAILED", "CANCELLED"],
        }
    }

    /// The phase of a canonical state, `None` when the profile does not know it.
    pub fn phase(self, canonical: &str) -> Option<Phase> {
        if self.active_statuses().contains(&canonical) {
            Some(Phase::Active)
        } else if self.ready_statuses().contains(&canonical) {
            Some(Phase::Ready)
        } else if canonical == self.completed_status() {
            Some(Phase::Completed)
        } else if self.failed_statuses().contains(&canonical) {
            Some(Phase::Failed)
        } else {
            None
        }
    }

    /// Where the state vocabulary comes from.
    pub fn states_source(self) -> Source {
        match self {
            Profile::EvaluationExports => Source::Community,
            _ => Source::Docs,
        }
    }

    /// The field of a create call's answer that holds the job id: `jobId` in the
    /// details job's `AsyncQueryResponse` (its only field), `id` in a `RecordingJob`, and
    /// `id` in the community's description of evaluation exports.
    pub fn job_id_field(self) -> Rule<&'static str> {
        match self {
            Profile::EvaluationExports => rule("id", Source::Community),
            Profile::ConversationDetailsJobs => rule("jobId", Source::Docs),
            Profile::RecordingJobs => rule("id", Source::Docs),
        }
    }

    /// The fields that may hold a job's state, in order of preference: `state` in both
    /// documented models; `status` in the community description (and `state`, accepted
    /// there too).
    pub fn state_fields(self) -> Rule<&'static [&'static str]> {
        match self {
            Profile::EvaluationExports => rule(&["status", "state"], Source::Community),
            _ => rule(&["state"], Source::Docs),
        }
    }

    /// Whether the create call's answer carries the state. A details job's answer is
    /// `{ jobId }` and nothing else: the job is taken as queued until it is polled.
    pub fn create_answer_has_state(self) -> bool {
        self != Profile::ConversationDetailsJobs
    }

    /// The path that polls one job, with `{jobId}`.
    pub fn poll(self) -> Rule<&'static str> {
        match self {
            Profile::EvaluationExports => rule(
                "/api/v2/quality/evaluationexports/{jobId}",
                Source::Community,
            ),
            Profile::ConversationDetailsJobs => rule(
                "/api/v2/analytics/conversations/details/jobs/{jobId}",
                Source::Docs,
            ),
            Profile::RecordingJobs => rule("/api/v2/recording/jobs/{jobId}", Source::Docs),
        }
    }

    /// The call that executes a READY job: recording jobs only (`PUT` with
    /// `{"state":"PROCESSING"}`, Genesys's bulk-actions tutorial).
    pub fn execute(self) -> Option<Rule<Execute>> {
        match self {
            Profile::RecordingJobs => Some(rule(
                Execute {
                    method: "PUT",
                    path: "/api/v2/recording/jobs/{jobId}",
                    state: "PROCESSING",
                    when: "READY",
                },
                Source::Docs,
            )),
            _ => None,
        }
    }

    /// How a finished job's results are fetched: details jobs page their conversations
    /// by cursor (`GET .../jobs/{jobId}/results`, model
    /// `AnalyticsConversationAsyncQueryResponse`: `conversations`, `cursor`,
    /// `dataAvailabilityDate`). Evaluation exports and recording jobs deliver elsewhere
    /// (a recording EXPORT goes to its S3 integration).
    pub fn results(self) -> Rule<Option<Results>> {
        match self {
            Profile::ConversationDetailsJobs => rule(
                Some(Results {
                    path: "/api/v2/analytics/conversations/details/jobs/{jobId}/results",
                    cursor_param: "cursor",
                    records_field: "conversations",
                    cursor_field: "cursor",
                    id_field: "conversationId",
                    start_field: "conversationStart",
                }),
                Source::Docs,
            ),
            Profile::EvaluationExports => rule(None, Source::Community),
            Profile::RecordingJobs => rule(None, Source::Docs),
        }
    }

    /// How the API lists jobs. Details jobs have no list endpoint (only `/{jobId}`,
    /// `/{jobId}/results` and `/availability`), and the community describes none for
    /// evaluation exports: a client must count the jobs it started itself.
    pub fn listing(self) -> Rule<Option<Listing>> {
        match self {
            Profile::EvaluationExports => rule(None, Source::Community),
            Profile::ConversationDetailsJobs => rule(None, Source::Docs),
            Profile::RecordingJobs => rule(
                Some(Listing {
                    method: "GET",
                    path: "/api/v2/recording/jobs",
                    query: &[("showOnlyMyJobs", "false")],
                    state_param: "state",
                    mine_param: "showOnlyMyJobs",
                    page_size: ("pageSize", 100),
                    entities_field: "entities",
                    id_field: "id",
                    state_field: "state",
                    interval_pointer: "/recordingJobsQuery/conversationQuery/interval",
                }),
                Source::Docs,
            ),
        }
    }

    /// The longest range one job of this profile may cover, in days: longer requests are
    /// split into parts (see [`crate::bulk`]). Genesys documents no maximum for these
    /// jobs (the 3-month limit is the synchronous evaluation search's), so this is
    /// export-guard's default: a local calendar month in any zone (31 days, and the hour
    /// a DST change adds, in whole days), so that a year is split into its 12 months.
    pub fn max_range_days(self) -> Rule<u32> {
        rule(32, Source::ExportGuard)
    }

    /// Where the concurrency rule comes from: the community's 409 range lock, Genesys's
    /// two-job limit, or export-guard's default of 5 details jobs (Genesys publishes none).
    pub fn limit_source(self) -> Source {
        match self {
            Profile::EvaluationExports => Source::Community,
            Profile::ConversationDetailsJobs => Source::ExportGuard,
            Profile::RecordingJobs => Source::Docs,
        }
    }

    /// What a 409 answer means on this endpoint.
    pub fn conflict_meaning(self) -> Rule<&'static str> {
        match self {
            Profile::EvaluationExports => rule(
                "the date range is locked by an overlapping active export",
                Source::Community,
            ),
            _ => rule(
                "a conflict Genesys does not document for this endpoint (its limits answer \
                 429); not a date-range lock",
                Source::ExportGuard,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_exactly_one_phase() {
        for p in Profile::ALL {
            let all = [
                p.active_statuses(),
                p.ready_statuses(),
                p.failed_statuses(),
                &[p.completed_status()][..],
            ]
            .concat();
            let mut seen = std::collections::BTreeSet::new();
            for s in &all {
                assert!(seen.insert(*s), "{} lists {s} twice", p.name());
                assert!(p.phase(s).is_some());
            }
            for s in p.terminal_statuses() {
                assert!(matches!(p.phase(s), Some(Phase::Completed | Phase::Failed)));
            }
        }
        assert_eq!(Profile::RecordingJobs.phase("READY"), Some(Phase::Ready));
        assert_eq!(Profile::EvaluationExports.phase("READY"), None);
    }

    #[test]
    fn documented_shapes() {
        assert_eq!(
            Profile::ConversationDetailsJobs.job_id_field().value,
            "jobId"
        );
        assert_eq!(Profile::RecordingJobs.state_fields().value, &["state"]);
        assert!(Profile::ConversationDetailsJobs.listing().value.is_none());
        assert_eq!(
            Profile::RecordingJobs.execute().map(|e| e.value.state),
            Some("PROCESSING")
        );
    }
}
