//! `profiles()`: what export-guard knows of each endpoint, every rule with its source.
//!
//! The flat fields (`path`, `activeStatuses`, `lockRule`, ...) are the compact view
//! pages and drivers read; `rules` is the same knowledge, each entry with where it comes
//! from: `genesys-docs` (the official SDK models and tutorials), `community`, or
//! `export-guard` (a default of ours where Genesys publishes nothing). Fields in
//! alphabetical order, as in [`crate::api::write`](mod@crate::api::write).

use crate::profile::{LockRule, Profile, Rule, Source};
use serde::{Serialize, Serializer};

/// A value with its source: `{ source, value }`, or the value's own fields and `source`.
#[derive(Debug)]
pub(crate) struct Sourced<T>(T, Source);

impl<T: Serialize> Serialize for Sourced<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Sourced", 2)?;
        st.serialize_field("source", self.1.as_str())?;
        st.serialize_field("value", &self.0)?;
        st.end()
    }
}

impl<T> From<Rule<T>> for Sourced<T> {
    fn from(r: Rule<T>) -> Self {
        Sourced(r.value, r.source)
    }
}

/// A profile's lock rule.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LockRuleOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    configurable: Option<bool>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_active: Option<u32>,
}

/// The states by phase.
#[derive(Debug, Serialize)]
pub(crate) struct StatesOut {
    active: &'static [&'static str],
    completed: [&'static str; 1],
    failed: &'static [&'static str],
    ready: &'static [&'static str],
}

/// A call: `{ method, path }` (`{jobId}` in the path), with a body for execute.
#[derive(Debug, Serialize)]
pub(crate) struct CallOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<StateBody>,
    method: &'static str,
    path: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'static str>,
}

/// `{ "state": "PROCESSING" }`.
#[derive(Debug, Serialize)]
pub(crate) struct StateBody {
    state: &'static str,
}

/// How to list jobs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListingOut {
    entities_field: &'static str,
    method: &'static str,
    path: &'static str,
    query: Query,
    state_param: &'static str,
}

/// Fixed query parameters, written as an object with its keys sorted.
#[derive(Debug)]
pub(crate) struct Query(&'static [(&'static str, &'static str)]);

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let keys: Vec<&str> = self.0.iter().map(|(k, _)| *k).collect();
        let order = crate::order::order_by_str(&keys);
        s.collect_map(order.into_iter().map(|i| self.0[i]))
    }
}

/// Every rule of a profile, each with its source.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RulesOut {
    conflict409: Sourced<&'static str>,
    create: Sourced<CallOut>,
    execute: Sourced<Option<CallOut>>,
    job_id_field: Sourced<&'static str>,
    limit: Sourced<LockRuleOut>,
    listing: Sourced<Option<ListingOut>>,
    max_range_days: Sourced<u32>,
    poll: Sourced<CallOut>,
    state_fields: Sourced<&'static [&'static str]>,
    states: Sourced<StatesOut>,
}

/// A profile, as `profiles()` describes it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileOut {
    active_statuses: &'static [&'static str],
    completed_status: &'static str,
    default: bool,
    failed_statuses: &'static [&'static str],
    lock_rule: LockRuleOut,
    method: &'static str,
    name: &'static str,
    path: &'static str,
    poll_path: String,
    ready_statuses: &'static [&'static str],
    rules: RulesOut,
    source: &'static str,
    terminal_statuses: &'static [&'static str],
}

fn lock_rule(p: Profile) -> LockRuleOut {
    match p.lock_rule(None) {
        LockRule::RangeOverlap => LockRuleOut {
            configurable: None,
            kind: "rangeOverlap",
            max_active: None,
        },
        LockRule::MaxActive(n) => LockRuleOut {
            configurable: Some(p == Profile::ConversationDetailsJobs),
            kind: "maxActive",
            max_active: Some(n),
        },
    }
}

impl From<Profile> for ProfileOut {
    fn from(p: Profile) -> Self {
        let poll = p.poll();
        let rules = RulesOut {
            conflict409: p.conflict_meaning().into(),
            create: Sourced(
                CallOut {
                    body: None,
                    method: p.method(),
                    path: p.path(),
                    when: None,
                },
                p.source(),
            ),
            execute: match p.execute() {
                Some(e) => Sourced(
                    Some(CallOut {
                        body: Some(StateBody {
                            state: e.value.state,
                        }),
                        method: e.value.method,
                        path: e.value.path,
                        when: Some(e.value.when),
                    }),
                    e.source,
                ),
                None => Sourced(None, p.states_source()),
            },
            job_id_field: p.job_id_field().into(),
            limit: Sourced(lock_rule(p), p.limit_source()),
            listing: {
                let l = p.listing();
                Sourced(
                    l.value.map(|l| ListingOut {
                        entities_field: l.entities_field,
                        method: l.method,
                        path: l.path,
                        query: Query(l.query),
                        state_param: l.state_param,
                    }),
                    l.source,
                )
            },
            max_range_days: p.max_range_days().into(),
            poll: Sourced(
                CallOut {
                    body: None,
                    method: "GET",
                    path: poll.value,
                    when: None,
                },
                poll.source,
            ),
            state_fields: p.state_fields().into(),
            states: Sourced(
                StatesOut {
                    active: p.active_statuses(),
                    completed: [p.completed_status()],
                    failed: p.failed_statuses(),
                    ready: p.ready_statuses(),
                },
                p.states_source(),
            ),
        };
        ProfileOut {
            active_statuses: p.active_statuses(),
            completed_status: p.completed_status(),
            default: p == Profile::EvaluationExports,
            failed_statuses: p.failed_statuses(),
            lock_rule: lock_rule(p),
            method: p.method(),
            name: p.name(),
            path: p.path(),
            poll_path: p.poll_path(),
            ready_statuses: p.ready_statuses(),
            rules,
            source: p.source().as_str(),
            terminal_statuses: p.terminal_statuses(),
        }
    }
}
