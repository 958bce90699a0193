//! Backoff scheduling and response classification.
//!
//! Defaults follow the 409 story: 5 s, doubling, capped at 60 s, 8 attempts in all.
//! `Retry-After` (delta-seconds, as Genesys sends it, or an HTTP-date) is honoured as
//! given, even above the cap: the server knows when it will accept the call.
//! Arithmetic saturates; nothing here overflows or panics.

use crate::error::{Error, ErrorCode, Result};
use crate::profile::Profile;

/// How delays are randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly the exponential delay.
    None,
    /// Uniform in `[0, delay]` (AWS "full jitter").
    Full,
    /// Uniform in `[delay/2, delay]`.
    Equal,
    /// `min(maxMs, uniform[initialMs, 3 × previous])` (AWS "decorrelated jitter").
    Decorrelated,
}

impl Jitter {
    /// Parses `none`, `full`, `equal` or `decorrelated`.
    pub fn parse(text: &str) -> Result<Jitter> {
        match text.to_ascii_lowercase().as_str() {
            "none" => Ok(Jitter::None),
            "full" => Ok(Jitter::Full),
            "equal" => Ok(Jitter::Equal),
            "decorrelated" => Ok(Jitter::Decorrelated),
            _ => Err(Error::new(
                ErrorCode::InvalidPolicy,
                "",
                "unknown jitter; use \"none\", \"full\", \"equal\" or \"decorrelated\"",
            )),
        }
    }

    /// The name used in the JS contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Jitter::None => "none",
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::Decorrelated => "decorrelated",
        }
    }
}

/// Most attempts a policy may allow; keeps every computation bounded.
pub const MAX_ATTEMPTS_LIMIT: u32 = 1_000;
/// Longest delay a policy may configure (7 days).
pub const MAX_DELAY_LIMIT_MS: u64 = 7 * 24 * 3_600_000;

/// A retry policy. `max_attempts` counts every try, the first included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// Delay after the first failed attempt (default 5000).
    pub initial_ms: u64,
    /// Growth per attempt (default 2).
    pub factor: f64,
    /// Cap on a computed delay (default 60000).
    pub max_ms: u64,
    /// Total tries, first included (default 8).
    pub max_attempts: u32,
    /// Give up when the time spent would exceed this (default: no limit).
    pub max_elapsed_ms: Option<u64>,
    /// Randomisation (default none).
    pub jitter: Jitter,
    /// Seed for deterministic jitter; without it, randomness comes from getrandom.
    pub seed: Option<u64>,
    /// The longest `Retry-After` honoured (default 24 h); a longer one gives up.
    pub max_retry_after_ms: u64,
}

/// Default [`Policy::max_retry_after_ms`]: 24 hours. Genesys answers some daily limits
/// with a 429 whose `Retry-After` is minutes to hours (the official Java and .NET SDKs
/// stop retrying above 180 s because they sleep in the caller's thread). A queue
/// schedules the retry instead of sleeping on it, so it can wait until a daily limit
/// resets, at most a day; anything longer is a misconfiguration or a broken header, and
/// gives up with a reason rather than waiting for years.
pub const DEFAULT_MAX_RETRY_AFTER_MS: u64 = 24 * 3_600_000;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            initial_ms: 5_000,
            factor: 2.0,
            max_ms: 60_000,
            max_attempts: 8,
            max_elapsed_ms: None,
            jitter: Jitter::None,
            seed: None,
            max_retry_after_ms: DEFAULT_MAX_RETRY_AFTER_MS,
        }
    }
}

impl Policy {
    /// Checks the fields' ranges; an error names the policy's field (`maxMs`).
    pub fn validate(&self) -> Result<()> {
        let bad = |f: &str, m: String| Err(Error::new(ErrorCode::InvalidPolicy, f, m));
        if self.max_ms > MAX_DELAY_LIMIT_MS {
            return bad(
                "maxMs",
                format!("maxMs must be at most {MAX_DELAY_LIMIT_MS} (7 days)"),
            );
        }
        if self.initial_ms > self.max_ms {
            return bad(
                "initialMs",
                format!(
                    "initialMs ({}) must not exceed maxMs ({})",
                    self.initial_ms, self.max_ms
                ),
            );
        }
        if !self.factor.is_finite() || !(1.0..=100.0).contains(&self.factor) {
            return bad("factor", "factor must be a number from 1 to 100".into());
        }
        if self.max_retry_after_ms > MAX_DELAY_LIMIT_MS {
            return bad(
                "maxRetryAfterMs",
                format!("maxRetryAfterMs must be at most {MAX_DELAY_LIMIT_MS} (7 days)"),
            );
        }
        if !(1..=MAX_ATTEMPTS_LIMIT).contains(&self.max_attempts) {
            return bad(
                "maxAttempts",
                format!("maxAttempts must be a whole number from 1 to {MAX_ATTEMPTS_LIMIT}"),
            );
        }
        Ok(())
    }

    /// The un-jittered delay after failed attempt `n` (1-based):
    /// `min(maxMs, initialMs × factor^(n-1))`.
    pub fn base_delay(&self, n: u32) -> u64 {
        let exp = n.saturating_sub(1).min(MAX_ATTEMPTS_LIMIT) as i32;
        let d = self.initial_ms as f64 * self.factor.powi(exp);
        if !d.is_finite() || d >= self.max_ms as f64 {
            self.max_ms
        } else {
            d as u64
        }
    }

    /// The smallest and largest delay jitter can give after attempt `n`.
    pub fn delay_range(&self, n: u32) -> (u64, u64) {
        let b = self.base_delay(n);
        match self.jitter {
            Jitter::None => (b, b),
            Jitter::Full => (0, b),
            Jitter::Equal => (b / 2, b),
            Jitter::Decorrelated => {
                let mut hi = self.initial_ms;
                for _ in 0..n.min(64) {
                    hi = hi.saturating_mul(3).min(self.max_ms);
                }
                (
                    self.initial_ms.min(self.max_ms),
                    hi.max(self.initial_ms.min(self.max_ms)),
                )
            }
        }
    }

    /// The jittered delays after attempts `1..=n`, from one random stream seeded with `seed`.
    fn delays_with_seed(&self, n: u32, seed: u64) -> Vec<u64> {
        let mut rng = SplitMix64(seed);
        let mut prev = self.initial_ms;
        (1..=n)
            .map(|k| {
                let b = self.base_delay(k);
                match self.jitter {
                    Jitter::None => b,
                    Jitter::Full => rng.below_inclusive(b),
                    Jitter::Equal => b / 2 + rng.below_inclusive(b - b / 2),
                    Jitter::Decorrelated => {
                        let hi = prev.saturating_mul(3).max(self.initial_ms);
                        let d = self.initial_ms + rng.below_inclusive(hi - self.initial_ms);
                        prev = d.min(self.max_ms);
                        prev
                    }
                }
            })
            .collect()
    }

    fn seed_or_random(&self) -> u64 {
        self.seed.unwrap_or_else(random_seed)
    }

    /// The delay after failed attempt `n`, with jitter.
    pub fn delay(&self, n: u32) -> u64 {
        let n = n.clamp(1, MAX_ATTEMPTS_LIMIT);
        self.delays_with_seed(n, self.seed_or_random())
            .last()
            .copied()
            .unwrap_or(0)
    }
}

/// A random seed from the platform (getrandom). Falls back to a fixed seed only if the
/// platform has no randomness source at all.
fn random_seed() -> u64 {
    let mut buf = [0u8; 8];
    match getrandom::fill(&mut buf) {
        Ok(()) => u64::from_le_bytes(buf),
        Err(_) => 0x9E37_79B9_7F4A_7C15,
    }
}

/// SplitMix64: a tiny, well-distributed generator, enough for jitter.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, bound]`.
    fn below_inclusive(&mut self, bound: u64) -> u64 {
        if bound == u64::MAX {
            return self.next_u64();
        }
        // Multiply-shift; the bias is below 2^-40 for delays under 7 days.
        ((u128::from(self.next_u64()) * u128::from(bound + 1)) >> 64) as u64
    }
}

/// One planned retry in a [`schedule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The failed attempt this delay follows (1-based).
    pub attempt: u32,
    /// The delay (jittered, seeded or random).
    pub delay_ms: u64,
    /// Smallest possible delay for this step under the policy's jitter.
    pub min_ms: u64,
    /// Largest possible delay for this step.
    pub max_ms: u64,
    /// Sum of delays up to and including this one.
    pub elapsed_ms: u64,
}

/// Previews the delays of a policy: one step per retry (`maxAttempts - 1`), stopping
/// early where `maxElapsedMs` would be exceeded.
pub fn schedule(policy: &Policy) -> Vec<Step> {
    let n = policy.max_attempts.saturating_sub(1);
    let delays = policy.delays_with_seed(n, policy.seed_or_random());
    let mut elapsed: u64 = 0;
    let mut out = Vec::with_capacity(delays.len());
    for (i, d) in delays.into_iter().enumerate() {
        let next = elapsed.saturating_add(d);
        if policy.max_elapsed_ms.is_some_and(|m| next > m) {
            break;
        }
        elapsed = next;
        let attempt = i as u32 + 1;
        let (min_ms, max_ms) = policy.delay_range(attempt);
        out.push(Step {
            attempt,
            delay_ms: d,
            min_ms,
            max_ms,
            elapsed_ms: elapsed,
        });
    }
    out
}

/// What to do after a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAction {
    /// Send the same request again after `delay_ms` (429, 5xx, network error).
    Retry,
    /// Re-run `decide` after `delay_ms`: a 409 means the range is locked, and the same
    /// payload will not succeed until the lock is gone.
    Recheck,
    /// Stop: the answer is not retryable, or the attempts/time are used up.
    GiveUp,
    /// The call succeeded (2xx).
    Done,
}

impl RetryAction {
    /// `retry`, `recheck`, `give-up` or `done`.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryAction::Retry => "retry",
            RetryAction::Recheck => "recheck",
            RetryAction::GiveUp => "give-up",
            RetryAction::Done => "done",
        }
    }
}

/// The answer of [`next_retry`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What to do.
    pub action: RetryAction,
    /// How long to wait first (retry/recheck; 0 for done; none for give-up).
    pub delay_ms: Option<u64>,
    /// Why, for logs and people.
    pub reason: String,
    /// The delay `Retry-After` asked for, when it was present and valid.
    pub retry_after_ms: Option<u64>,
}

/// A response, as far as retrying cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// HTTP status; 0 means the request failed without a response (network error, timeout).
    pub status: u16,
    /// The raw `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// The raw `Date` header, if any: the reference for an HTTP-date `Retry-After`.
    pub date: Option<String>,
    /// Time spent since the first attempt, if the caller tracks it.
    pub elapsed_ms: Option<u64>,
    /// The Genesys error body's `code`, e.g. `too.many.requests.retry.after` (all the
    /// official JS SDK leaves of a 429 without extended responses).
    pub code: Option<String>,
    /// The endpoint that answered: what a 409 means depends on it (`None`: the default
    /// profile, `evaluationExports`).
    pub profile: Option<Profile>,
}

pub use crate::httpdate::{parse_http_date, parse_retry_after};

/// Classifies a response after failed-or-not attempt number `attempt` (1-based) and says
/// what to do next. `now_ms` is the reference for an HTTP-date `Retry-After` when the
/// response has no `Date` header.
pub fn next_retry(attempt: u64, response: &Response, policy: &Policy, now_ms: i64) -> Verdict {
    let status = response.status;
    let give_up = |reason: String| Verdict {
        action: RetryAction::GiveUp,
        delay_ms: None,
        reason,
        retry_after_ms: None,
    };
    let action = match status {
        200..=299 => {
            return Verdict {
                action: RetryAction::Done,
                delay_ms: Some(0),
                reason: format!("{status}: success"),
                retry_after_ms: None,
            };
        }
        409 => RetryAction::Recheck,
        0 | 429 | 500 | 502 | 503 | 504 => RetryAction::Retry,
        400..=499 => {
            return give_up(format!(
                "{status}: a client error is not retryable; fix the request"
            ))
        }
        _ => return give_up(format!("{status}: not a retryable status")),
    };
    if attempt >= u64::from(policy.max_attempts) {
        return give_up(format!(
            "{status}: attempts exhausted ({attempt} of maxAttempts {})",
            policy.max_attempts
        ));
    }
    let n = attempt as u32; // < max_attempts <= 1000
    let reference = response
        .date
        .as_deref()
        .and_then(|d| parse_http_date(d, now_ms))
        .unwrap_or(now_ms);
    let retry_after_ms = response
        .retry_after
        .as_deref()
        .and_then(|v| parse_retry_after(v, reference));
    let mut reason = match status {
        0 => "network error: transient".to_string(),
        409 => {
            let p = response.profile.unwrap_or(Profile::EvaluationExports);
            format!(
                "409 from {}: {}; decide again before resubmitting",
                p.name(),
                p.conflict_meaning().value
            )
        }
        429 => "429: rate limited".to_string(),
        s => format!("{s}: transient server error"),
    };
    let delay = match retry_after_ms {
        Some(ra) if ra > policy.max_retry_after_ms => {
            return give_up(format!(
                "{status}: Retry-After asks for {} s, more than maxRetryAfterMs ({} s){}; retry \
                 later by hand or raise maxRetryAfterMs",
                ra / 1000,
                policy.max_retry_after_ms / 1000,
                if status == 429 {
                    " (Genesys answers daily limits with such 429s)"
                } else {
                    ""
                }
            ));
        }
        Some(ra) => {
            reason.push_str(&format!("; honouring Retry-After ({ra} ms)"));
            if ra > policy.max_ms {
                reason.push_str(" although it exceeds maxMs");
            }
            ra
        }
        None => {
            if response.retry_after.is_some() {
                reason.push_str("; Retry-After was malformed, using backoff");
            } else if status == 429
                && response.code.as_deref() == Some("too.many.requests.retry.after")
            {
                reason.push_str(
                    "; the body's code too.many.requests.retry.after asks for a wait that no \
                     Retry-After header carried (the official JS SDK drops headers unless \
                     extended responses are on), using backoff",
                );
            }
            policy.delay(n)
        }
    };
    if let Some(max) = policy.max_elapsed_ms {
        let elapsed = response.elapsed_ms.unwrap_or_else(|| {
            (1..n).fold(0u64, |acc, k| acc.saturating_add(policy.base_delay(k)))
        });
        if elapsed.saturating_add(delay) > max {
            return give_up(format!(
                "{status}: waiting {delay} ms more would exceed maxElapsedMs ({max} ms; {elapsed} ms spent)"
            ));
        }
    }
    Verdict {
        action,
        delay_ms: Some(delay),
        reason,
        retry_after_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Within;

    fn resp(status: u16) -> Response {
        Response {
            status,
            ..Default::default()
        }
    }

    #[test]
    fn default_schedule_is_5s_doubling_to_60s() {
        let s: Vec<u64> = schedule(&Policy::default())
            .iter()
            .map(|x| x.delay_ms)
            .collect();
        assert_eq!(s, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000]);
    }

    #[test]
    fn classification() {
        let p = Policy::default();
        assert_eq!(next_retry(1, &resp(201), &p, 0).action, RetryAction::Done);
        let v = next_retry(1, &resp(409), &p, 0);
        assert_eq!((v.action, v.delay_ms), (RetryAction::Recheck, Some(5_000)));
        assert_eq!(next_retry(2, &resp(503), &p, 0).delay_ms, Some(10_000));
        assert_eq!(next_retry(1, &resp(400), &p, 0).action, RetryAction::GiveUp);
        assert_eq!(next_retry(1, &resp(501), &p, 0).action, RetryAction::GiveUp);
        assert_eq!(next_retry(8, &resp(503), &p, 0).action, RetryAction::GiveUp);
        assert_eq!(
            next_retry(u64::MAX, &resp(429), &p, 0).action,
            RetryAction::GiveUp
        );
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let p = Policy::default();
        let r = Response {
            status: 429,
            retry_after: Some("120".into()),
            ..Default::default()
        };
        let v = next_retry(1, &r, &p, 0);
        assert_eq!(v.delay_ms, Some(120_000));
        assert!(v.reason.contains("exceeds maxMs"));
        let r = Response {
            status: 503,
            retry_after: Some("Wed, 21 Oct 2015 07:28:30 GMT".into()),
            date: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
            ..Default::default()
        };
        assert_eq!(next_retry(1, &r, &p, 0).delay_ms, Some(30_000));
        let r = Response {
            status: 429,
            retry_after: Some("soon".into()),
            ..Default::default()
        };
        let v = next_retry(1, &r, &p, 0);
        assert_eq!(v.delay_ms, Some(5_000));
        assert!(v.reason.contains("malformed"));
    }

    #[test]
    fn seeded_jitter_is_deterministic_and_bounded() {
        for jitter in [Jitter::Full, Jitter::Equal, Jitter::Decorrelated] {
            let p = Policy {
                jitter,
                seed: Some(42),
                ..Default::default()
            };
            let a = schedule(&p);
            assert_eq!(a, schedule(&p));
            for s in a {
                assert!(
                    s.min_ms <= s.delay_ms && s.delay_ms <= s.max_ms && s.max_ms <= p.max_ms,
                    "{jitter:?} {s:?}"
                );
            }
        }
    }

    #[test]
    fn max_elapsed_gives_up() {
        let p = Policy {
            max_elapsed_ms: Some(20_000),
            ..Default::default()
        };
        assert_eq!(schedule(&p).len(), 2); // 5 s + 10 s; the next 20 s would exceed
        assert_eq!(next_retry(3, &resp(503), &p, 0).action, RetryAction::GiveUp);
    }

    #[test]
    fn validation() {
        assert!(Policy {
            factor: f64::NAN,
            ..Default::default()
        }
        .validate()
        .within("policy")
        .is_err());
        assert!(Policy {
            initial_ms: 70_000,
            ..Default::default()
        }
        .validate()
        .within("policy")
        .is_err());
        assert!(Policy {
            max_attempts: 0,
            ..Default::default()
        }
        .validate()
        .within("policy")
        .is_err());
        assert!(Policy::default().validate().is_ok());
    }
}
