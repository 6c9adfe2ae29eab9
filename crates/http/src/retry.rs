//! Retry policy: exponential backoff with full jitter, `Retry-After` handling, and the
//! injectable pieces (jitter, sleeping, observation) that keep tests deterministic.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use http::HeaderMap;
use http::header::RETRY_AFTER;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::HttpErrorKind;

/// Supplies the random factor of full jitter: a number in `[0, 1]`.
pub trait JitterSource: Send + Sync {
    /// Returns the next factor; the backoff is multiplied by it.
    fn factor(&self) -> f64;
}

/// Jitter from the thread-local random generator (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomJitter;

impl JitterSource for RandomJitter {
    fn factor(&self) -> f64 {
        rand::thread_rng().r#gen::<f64>()
    }
}

/// Jitter from a seeded generator, for reproducible runs.
pub struct SeededJitter(Mutex<StdRng>);

impl SeededJitter {
    /// A jitter source that yields the same sequence for the same seed.
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl JitterSource for SeededJitter {
    fn factor(&self) -> f64 {
        match self.0.lock() {
            Ok(mut rng) => rng.r#gen::<f64>(),
            Err(poisoned) => poisoned.into_inner().r#gen::<f64>(),
        }
    }
}

/// No jitter: always the full exponential backoff.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJitter;

impl JitterSource for NoJitter {
    fn factor(&self) -> f64 {
        1.0
    }
}

/// Waits between attempts. The default uses `tokio::time::sleep`; tests may record the
/// requested waits and return at once.
pub trait Sleeper: Send + Sync {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The default [`Sleeper`] on tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// What the retry loop is about to do, given to a [`RetryObserver`].
#[derive(Debug, Clone)]
pub struct RetryEvent {
    /// The method of the request being retried.
    pub method: http::Method,
    /// The URL path of the request (no query).
    pub path: String,
    /// The attempt that just failed (1 for the first).
    pub attempt: u32,
    /// Why it failed.
    pub kind: HttpErrorKind,
    /// The HTTP status, when the provider answered.
    pub http_status: Option<u16>,
    /// How long the loop will wait before the next attempt.
    pub delay: Duration,
    /// Whether the delay came from the provider's `Retry-After`.
    pub from_retry_after: bool,
}

/// Observes every retry decision (for metrics, logs or tests).
pub trait RetryObserver: Send + Sync {
    /// Called just before the loop waits for [`RetryEvent::delay`].
    fn on_retry(&self, event: &RetryEvent);
}

/// How failed attempts are retried.
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) jitter: Arc<dyn JitterSource>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) observer: Option<Arc<dyn RetryObserver>>,
}

impl Default for RetryPolicy {
    /// Three retries, backoff from 250 ms doubling up to 30 s, `Retry-After` honoured up to
    /// 300 s, random full jitter, tokio sleeping.
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
            jitter: Arc::new(RandomJitter),
            sleeper: Arc::new(TokioSleeper),
            observer: None,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self::default().max_retries(0)
    }

    /// How many retries follow the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry; it doubles for each further one.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff (before jitter).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest `Retry-After` we wait for; a longer one ends the loop with a
    /// rate-limit error that carries the provider's value.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Replaces the jitter source (e.g. [`SeededJitter`] or [`NoJitter`]).
    pub fn jitter(mut self, jitter: Arc<dyn JitterSource>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Replaces how the loop waits between attempts.
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Registers an observer of retry decisions.
    pub fn observer(mut self, observer: Arc<dyn RetryObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The jittered backoff before retry number `retry` (0 for the first retry).
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(31)));
        let capped = exponential.min(self.max_backoff);
        let factor = self.jitter.factor().clamp(0.0, 1.0);
        capped.mul_f64(factor)
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_retries", &self.max_retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .finish_non_exhaustive()
    }
}

/// Reads `Retry-After` as delta-seconds or an HTTP date (relative to `now`).
///
/// A date in the past means "now" (zero). Unparseable values are ignored.
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `x-ratelimit-reset` values below this are seconds until the reset, above it Unix epoch
/// seconds (providers use both; no window lasts 30 years).
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// Reads `x-ratelimit-reset` when `x-ratelimit-remaining` is `0`: how long until the window
/// resets. The reset is Unix epoch seconds (Greenhouse, GitHub) or, for small values, seconds
/// from now.
pub fn parse_rate_limit_reset(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let remaining = headers.get("x-ratelimit-remaining")?.to_str().ok()?.trim();
    if remaining != "0" {
        return None;
    }
    let reset: u64 = headers
        .get("x-ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    if reset < EPOCH_THRESHOLD {
        return Some(Duration::from_secs(reset));
    }
    let reset_at = SystemTime::UNIX_EPOCH + Duration::from_secs(reset);
    Some(reset_at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a response carries headers that say "you are throttled".
pub(crate) fn has_rate_limit_hints(headers: &HeaderMap) -> bool {
    headers.contains_key(RETRY_AFTER)
        || headers
            .get("x-ratelimit-remaining")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(500))
            .jitter(Arc::new(NoJitter));
        assert_eq!(policy.backoff(0), Duration::from_millis(100));
        assert_eq!(policy.backoff(1), Duration::from_millis(200));
        assert_eq!(policy.backoff(2), Duration::from_millis(400));
        assert_eq!(policy.backoff(3), Duration::from_millis(500));
        assert_eq!(policy.backoff(40), Duration::from_millis(500));
    }

    #[test]
    fn full_jitter_stays_within_bounds_and_is_reproducible() {
        let first = RetryPolicy::default().jitter(Arc::new(SeededJitter::new(7)));
        let second = RetryPolicy::default().jitter(Arc::new(SeededJitter::new(7)));
        for retry in 0..6 {
            let a = first.backoff(retry);
            assert_eq!(a, second.backoff(retry));
            assert!(a <= Duration::from_millis(250) * 2u32.pow(retry));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(42));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(42))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(42));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(parse_retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&headers, now), None);
    }

    #[test]
    fn rate_limit_reset_only_when_exhausted() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_780_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("1780000010"));
        assert_eq!(
            parse_rate_limit_reset(&headers, now),
            Some(Duration::from_secs(10)),
            "epoch seconds"
        );
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("25"));
        assert_eq!(
            parse_rate_limit_reset(&headers, now),
            Some(Duration::from_secs(25)),
            "seconds until the reset"
        );
        assert!(has_rate_limit_hints(&headers));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("5"));
        assert_eq!(parse_rate_limit_reset(&headers, now), None);
        assert!(!has_rate_limit_hints(&headers));
    }
}
