//! Runtime fault knobs (latency, random 500s, 429s) and the request counter.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::{RateLimitKnob, RateLimitRule, SandboxConfig};
use crate::routes::SandboxRoute;

/// Locks a mutex, recovering the data if another thread panicked while holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The counter key used for requests that match no route.
pub const UNMATCHED_ROUTE: &str = "UNMATCHED";

struct Knobs {
    latency: Duration,
    jitter: Duration,
    error_rate: f64,
    rate_limit: Option<RateLimitKnob>,
    token_lifetime: Duration,
}

struct RateWindow {
    started: Option<tokio::time::Instant>,
    count: u32,
}

/// The adjustable fault knobs and the seeded RNG behind them.
pub(crate) struct Faults {
    knobs: Mutex<Knobs>,
    rng: Mutex<StdRng>,
    seen_by_limiter: AtomicU64,
    window: Mutex<RateWindow>,
}

impl Faults {
    pub(crate) fn new(config: &SandboxConfig) -> Self {
        Faults {
            knobs: Mutex::new(Knobs {
                latency: config.latency,
                jitter: config.latency_jitter,
                error_rate: config.error_rate,
                rate_limit: config.rate_limit,
                token_lifetime: config.token_lifetime,
            }),
            rng: Mutex::new(StdRng::seed_from_u64(config.fault_seed)),
            seen_by_limiter: AtomicU64::new(0),
            window: Mutex::new(RateWindow {
                started: None,
                count: 0,
            }),
        }
    }

    pub(crate) fn set_latency(&self, latency: Duration, jitter: Duration) {
        let mut knobs = lock(&self.knobs);
        knobs.latency = latency;
        knobs.jitter = jitter;
    }

    pub(crate) fn set_error_rate(&self, rate: f64) {
        lock(&self.knobs).error_rate = if rate.is_nan() {
            0.0
        } else {
            rate.clamp(0.0, 1.0)
        };
    }

    pub(crate) fn set_rate_limit(&self, rate_limit: Option<RateLimitKnob>) {
        lock(&self.knobs).rate_limit = rate_limit;
        self.seen_by_limiter.store(0, Ordering::SeqCst);
        let mut window = lock(&self.window);
        window.started = None;
        window.count = 0;
    }

    pub(crate) fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.knobs).token_lifetime = lifetime;
    }

    pub(crate) fn token_lifetime(&self) -> Duration {
        lock(&self.knobs).token_lifetime
    }

    /// The delay to apply to the current request.
    pub(crate) fn delay(&self) -> Duration {
        let (latency, jitter) = {
            let knobs = lock(&self.knobs);
            (knobs.latency, knobs.jitter)
        };
        if jitter.is_zero() {
            return latency;
        }
        let max = u64::try_from(jitter.as_micros()).unwrap_or(u64::MAX);
        let extra = lock(&self.rng).gen_range(0..=max);
        latency + Duration::from_micros(extra)
    }

    /// `Some(retry_after_secs)` when the current request must be answered with a 429.
    pub(crate) fn rate_limited(&self) -> Option<u64> {
        let knob = lock(&self.knobs).rate_limit?;
        let limited = match knob.rule {
            RateLimitRule::EveryNthRequest(n) => {
                let seen = self.seen_by_limiter.fetch_add(1, Ordering::SeqCst) + 1;
                n > 0 && seen.is_multiple_of(n)
            }
            RateLimitRule::MaxRequestsPerSecond(max) => {
                let now = tokio::time::Instant::now();
                let mut window = lock(&self.window);
                let expired = window
                    .started
                    .is_none_or(|started| now.duration_since(started) >= Duration::from_secs(1));
                if expired {
                    window.started = Some(now);
                    window.count = 0;
                }
                window.count = window.count.saturating_add(1);
                window.count > max
            }
        };
        limited.then_some(knob.retry_after_secs)
    }

    /// Whether the current request fails with an injected 500.
    pub(crate) fn injects_error(&self) -> bool {
        let rate = lock(&self.knobs).error_rate;
        if rate <= 0.0 {
            return false;
        }
        rate >= 1.0 || lock(&self.rng).gen_bool(rate)
    }
}

/// One request as the sandbox saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The path as sent (original case, without query string).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The matched route, `None` for unknown paths.
    pub route: Option<SandboxRoute>,
    /// The status code the sandbox answered with.
    pub status: u16,
}

/// Request counters, the in-flight gauge and the bounded request log.
pub(crate) struct RequestStats {
    total: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    per_route: Mutex<BTreeMap<&'static str, u64>>,
    log: Mutex<VecDeque<RequestRecord>>,
    log_limit: usize,
}

impl RequestStats {
    pub(crate) fn new(log_limit: usize) -> Self {
        RequestStats {
            total: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            peak_in_flight: AtomicU64::new(0),
            per_route: Mutex::new(BTreeMap::new()),
            log: Mutex::new(VecDeque::new()),
            log_limit,
        }
    }

    /// Counts a request as soon as it arrives.
    pub(crate) fn count(&self, route: Option<SandboxRoute>) {
        self.total.fetch_add(1, Ordering::SeqCst);
        let key = route.map_or(UNMATCHED_ROUTE, SandboxRoute::template);
        *lock(&self.per_route).entry(key).or_insert(0) += 1;
    }

    /// Marks a request as being handled until the returned guard is dropped.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight { stats: self }
    }

    /// The most requests handled at the same time since the last reset.
    pub(crate) fn peak_in_flight(&self) -> u64 {
        self.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Logs a request once it has been answered.
    pub(crate) fn record(&self, record: RequestRecord) {
        if self.log_limit == 0 {
            return;
        }
        let mut log = lock(&self.log);
        while log.len() >= self.log_limit {
            log.pop_front();
        }
        log.push_back(record);
    }

    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    pub(crate) fn for_route(&self, template: &str) -> u64 {
        lock(&self.per_route).get(template).copied().unwrap_or(0)
    }

    pub(crate) fn per_route(&self) -> BTreeMap<String, u64> {
        lock(&self.per_route)
            .iter()
            .map(|(key, count)| ((*key).to_owned(), *count))
            .collect()
    }

    pub(crate) fn log(&self) -> Vec<RequestRecord> {
        lock(&self.log).iter().cloned().collect()
    }

    pub(crate) fn reset(&self) {
        self.total.store(0, Ordering::SeqCst);
        // Requests still being handled stay counted in the new peak.
        self.peak_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        lock(&self.per_route).clear();
        lock(&self.log).clear();
    }
}

/// Counts one request as in flight while it lives (also when the request is abandoned).
pub(crate) struct InFlight<'a> {
    stats: &'a RequestStats,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
