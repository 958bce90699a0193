//! Why an item waits, in words: what a driver prints and a page shows, so that no
//! driver spells the lifecycle's rules out again.

use super::release::WaitReason;
use super::Settings;
use crate::queue::Item;
use crate::time::format_ms;

/// The reason an item waits, as a sentence (without the item's name).
pub fn describe(reason: &WaitReason, item: &Item, s: &Settings, now: i64) -> String {
    let profile = item.profile.name();
    match reason {
        WaitReason::NotBefore(t) => match item.reason.as_deref().filter(|r| !r.is_empty()) {
            Some(why) => format!("waits until {}: {why}", format_ms(*t)),
            None => format!("waits until {} (its notBefore)", format_ms(*t)),
        },
        WaitReason::ActiveJobs(ids) if ids.is_empty() => {
            "overlaps an active job (the date-range lock)".to_string()
        }
        WaitReason::ActiveJobs(ids) => format!(
            "overlaps active job{} {} (the date-range lock)",
            if ids.len() == 1 { "" } else { "s" },
            shorten(ids)
        ),
        WaitReason::OverlapsSubmitted(k) => format!(
            "overlaps {}, submitted in this step",
            if k.is_empty() { "an item" } else { k }
        ),
        WaitReason::EarlierItem(k) => format!(
            "overlaps the earlier waiting item {} (items never overtake)",
            if k.is_empty() { "before it" } else { k }
        ),
        WaitReason::ConcurrencyLimit(n) => format!(
            "the limit of {n} active {profile} is reached ({})",
            item.profile.limit_source().as_str()
        ),
        WaitReason::Paused { kind, until } => format!(
            "{}s of {profile} are paused until {} after a 429 (Retry-After)",
            kind.as_str(),
            format_ms(*until)
        ),
        WaitReason::InDoubtLimit(n) => format!(
            "this runner has {n} submits of profiles Genesys cannot list in flight, its \
             maxInDoubt (a crash leaves at most that many exports in doubt)"
        ),
        WaitReason::EarlierPart(n) => format!(
            "its results are fetched after part {n}'s (a request's results are written in time order)"
        ),
        WaitReason::ResultsFetcher => "its results wait for a runner that fetches them: this one \
             runs without fetchResults (export-guard run without --results), so it has \
             nowhere to write them"
            .to_string(),
        WaitReason::Listing(p) => format!(
            "waits for a fresh listing of the org's active {} (nothing is decided blind)",
            p.name()
        ),
        WaitReason::CreatorOnly { client, since } => {
            let job = item.job_id.as_deref().unwrap_or("its job");
            let mut text = format!(
                "{job} was created by OAuth client {client:?}: only a runner holding that \
                 client may execute it (Genesys: a job must be executed by its creator)"
            );
            if now.saturating_sub(*since) > s.lease_ms as i64 {
                text.push_str(&format!(
                    "; no such runner has come since {}",
                    format_ms(*since)
                ));
            }
            text
        }
    }
}

/// At most three ids, then how many more.
fn shorten(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
    if ids.len() > 3 {
        format!("{} and {} more", shown.join(", "), ids.len() - 3)
    } else {
        shown.join(", ")
    }
}
