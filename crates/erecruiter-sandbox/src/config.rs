//! Knobs of a sandbox: credentials, token lifetime and injected faults.

use std::fmt;
use std::time::Duration;

/// When the sandbox answers `429 Too Many Requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateLimitRule {
    /// Every n-th request (n >= 1) is refused; `EveryNthRequest(1)` refuses all of them.
    EveryNthRequest(u64),
    /// Requests beyond this many within one second (tokio clock) are refused.
    MaxRequestsPerSecond(u32),
}

/// A rate limit: which requests are refused and the `Retry-After` value sent with the 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitKnob {
    /// Which requests get a 429.
    pub rule: RateLimitRule,
    /// Seconds written into the `Retry-After` header.
    pub retry_after_secs: u64,
}

/// Configuration of a sandbox. Every field except the credentials can also be changed while
/// the sandbox runs, through [`crate::Sandbox`]'s setters.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The API key that `POST /Api` accepts.
    pub api_key: String,
    /// The mandator (tenant) id that `POST /Api` accepts.
    pub mandator_id: i32,
    /// Lifetime of issued tokens (measured on the sandbox clock).
    pub token_lifetime: Duration,
    /// Delay added to every request.
    pub latency: Duration,
    /// Upper bound of a uniformly distributed extra delay added on top of `latency`.
    pub latency_jitter: Duration,
    /// Probability (0.0 to 1.0) that a request fails with a 500 (drawn from a seeded RNG).
    pub error_rate: f64,
    /// Optional rate limit answering 429 with `Retry-After`.
    pub rate_limit: Option<RateLimitKnob>,
    /// Seed of the RNG behind `error_rate` and `latency_jitter`.
    pub fault_seed: u64,
    /// How many request records the request log keeps (oldest dropped first).
    pub request_log_limit: usize,
    /// When set, the sandbox clock starts at this instant and moves only with
    /// [`crate::Sandbox::advance_clock`], so token expiries and write timestamps are the same
    /// on every run (reproducible fixture recordings).
    pub frozen_clock: Option<chrono::DateTime<chrono::Utc>>,
}

/// The default API key of a sandbox. Public on purpose: it unlocks nothing but the sandbox.
pub const DEFAULT_SANDBOX_API_KEY: &str = "sandbox-api-key-not-a-secret";
/// The default mandator id of a sandbox.
pub const DEFAULT_SANDBOX_MANDATOR_ID: i32 = 1234;

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            api_key: DEFAULT_SANDBOX_API_KEY.to_owned(),
            mandator_id: DEFAULT_SANDBOX_MANDATOR_ID,
            token_lifetime: Duration::from_secs(60 * 60),
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            error_rate: 0.0,
            rate_limit: None,
            fault_seed: 7,
            request_log_limit: 100_000,
            frozen_clock: None,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("api_key", &"<redacted>")
            .field("mandator_id", &self.mandator_id)
            .field("token_lifetime", &self.token_lifetime)
            .field("latency", &self.latency)
            .field("latency_jitter", &self.latency_jitter)
            .field("error_rate", &self.error_rate)
            .field("rate_limit", &self.rate_limit)
            .field("fault_seed", &self.fault_seed)
            .field("request_log_limit", &self.request_log_limit)
            .field("frozen_clock", &self.frozen_clock)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_api_key() {
        let config = SandboxConfig {
            api_key: "very-private-value".into(),
            ..SandboxConfig::default()
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("very-private-value"));
        assert!(printed.contains("<redacted>"));
    }
}
