//! Per-integration concurrency limit and adaptive requests-per-second limit.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// How hard one client may drive its provider.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests in flight at once (at least 1).
    pub max_concurrency: usize,
    /// Average requests per second; `None` for no rate limit.
    pub requests_per_second: Option<f64>,
}

impl Default for Limits {
    /// One request at a time and no rate limit: polite unless the connector knows better.
    fn default() -> Self {
        Self {
            max_concurrency: 1,
            requests_per_second: None,
        }
    }
}

/// The lowest rate the adaptive limiter falls to after repeated 429s.
const MIN_RATE: f64 = 0.5;
/// Successful requests needed before the rate grows again after a slow-down.
const RECOVERY_WINDOW: u32 = 20;
/// How much the rate grows per recovery window.
const RECOVERY_FACTOR: f64 = 1.1;
/// 429s closer together than this count as one slow-down.
const SLOWDOWN_DEBOUNCE: Duration = Duration::from_secs(1);

/// The longest pause a provider's rate-limit headers can impose on the next requests.
pub(crate) const MAX_BUDGET_PAUSE: Duration = Duration::from_secs(120);

/// Gates every attempt: a concurrency permit, the provider's announced budget, then a rate
/// slot.
#[derive(Debug)]
pub(crate) struct Limiter {
    permits: Arc<Semaphore>,
    rate: Option<AdaptiveRate>,
    /// No attempt leaves before this instant: set when a response says the provider's
    /// window is used up (`X-RateLimit-Remaining: 0`) or asks everyone to wait
    /// (`Retry-After` on a 429).
    hold_until: Mutex<Option<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(limits.max_concurrency.max(1))),
            rate: limits
                .requests_per_second
                .filter(|rate| rate.is_finite() && *rate > 0.0)
                .map(AdaptiveRate::new),
            hold_until: Mutex::new(None),
        }
    }

    /// Holds every further attempt for `pause` (capped at [`MAX_BUDGET_PAUSE`]) unless a
    /// longer hold is in place.
    pub(crate) fn hold_for(&self, pause: Duration) {
        let until = Instant::now() + pause.min(MAX_BUDGET_PAUSE);
        let mut hold = match self.hold_until.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *hold = Some(hold.map_or(until, |current| current.max(until)));
    }

    fn hold(&self) -> Option<Instant> {
        match self.hold_until.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Waits until this attempt may go out; the permit must be held until its response is read.
    pub(crate) async fn admit(&self) -> Option<OwnedSemaphorePermit> {
        // The semaphore is never closed, so an error cannot happen; treat it as "no permit".
        let permit = self.permits.clone().acquire_owned().await.ok();
        if let Some(until) = self.hold().filter(|until| *until > Instant::now()) {
            tracing::debug!(
                wait_ms = (until - Instant::now()).as_millis() as u64,
                "provider rate-limit budget used up; waiting for its window to reset"
            );
            tokio::time::sleep_until(until).await;
        }
        if let Some(rate) = &self.rate {
            rate.wait_for_slot().await;
        }
        permit
    }

    pub(crate) fn on_success(&self) {
        if let Some(rate) = &self.rate {
            rate.on_success();
        }
    }

    pub(crate) fn on_rate_limited(&self) {
        if let Some(rate) = &self.rate {
            rate.on_rate_limited();
        }
    }

    /// The current allowed rate, when a rate limit is configured.
    pub(crate) fn effective_rate(&self) -> Option<f64> {
        self.rate.as_ref().map(AdaptiveRate::current)
    }
}

/// A spacing limiter (one request every `1 / rate` seconds) whose rate halves on 429
/// and recovers by 10% per window of successful requests.
#[derive(Debug)]
struct AdaptiveRate {
    state: Mutex<RateState>,
}

#[derive(Debug)]
struct RateState {
    rate: f64,
    max_rate: f64,
    next_slot: Option<Instant>,
    successes: u32,
    last_slowdown: Option<Instant>,
}

impl AdaptiveRate {
    fn new(max_rate: f64) -> Self {
        Self {
            state: Mutex::new(RateState {
                rate: max_rate,
                max_rate,
                next_slot: None,
                successes: 0,
                last_slowdown: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, RateState> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    async fn wait_for_slot(&self) {
        let slot = {
            let mut state = self.lock();
            let now = Instant::now();
            let slot = state.next_slot.map_or(now, |next| next.max(now));
            state.next_slot = Some(slot + Duration::from_secs_f64(1.0 / state.rate));
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    fn on_success(&self) {
        let mut state = self.lock();
        if state.rate >= state.max_rate {
            return;
        }
        state.successes += 1;
        if state.successes >= RECOVERY_WINDOW {
            state.successes = 0;
            state.rate = (state.rate * RECOVERY_FACTOR).min(state.max_rate);
        }
    }

    fn on_rate_limited(&self) {
        let mut state = self.lock();
        let now = Instant::now();
        if state
            .last_slowdown
            .is_some_and(|last| now.duration_since(last) < SLOWDOWN_DEBOUNCE)
        {
            return;
        }
        state.last_slowdown = Some(now);
        state.successes = 0;
        let floor = MIN_RATE.min(state.max_rate);
        state.rate = (state.rate / 2.0).max(floor);
        let pause = now + Duration::from_secs_f64(1.0 / state.rate);
        state.next_slot = Some(state.next_slot.map_or(pause, |next| next.max(pause)));
    }

    fn current(&self) -> f64 {
        self.lock().rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_by_the_rate() {
        let limiter = Limiter::new(Limits {
            max_concurrency: 10,
            requests_per_second: Some(4.0),
        });
        let start = Instant::now();
        for _ in 0..5 {
            drop(limiter.admit().await);
        }
        // Five slots at 4 rps: 0, 250, 500, 750, 1000 ms (virtual time).
        assert_eq!(Instant::now() - start, Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn halves_on_429_and_recovers_slowly() {
        let limiter = Limiter::new(Limits {
            max_concurrency: 1,
            requests_per_second: Some(8.0),
        });
        limiter.on_rate_limited();
        assert_eq!(limiter.effective_rate(), Some(4.0));
        // A burst of 429s within the debounce window counts once.
        limiter.on_rate_limited();
        assert_eq!(limiter.effective_rate(), Some(4.0));
        tokio::time::advance(SLOWDOWN_DEBOUNCE).await;
        limiter.on_rate_limited();
        assert_eq!(limiter.effective_rate(), Some(2.0));
        for _ in 0..RECOVERY_WINDOW - 1 {
            limiter.on_success();
        }
        assert_eq!(limiter.effective_rate(), Some(2.0));
        limiter.on_success();
        let recovered = limiter.effective_rate().unwrap();
        assert!((recovered - 2.2).abs() < 1e-9, "{recovered}");
    }

    #[tokio::test(start_paused = true)]
    async fn never_falls_below_the_floor() {
        let limiter = Limiter::new(Limits {
            max_concurrency: 1,
            requests_per_second: Some(1.0),
        });
        for _ in 0..5 {
            limiter.on_rate_limited();
            tokio::time::advance(SLOWDOWN_DEBOUNCE).await;
        }
        assert_eq!(limiter.effective_rate(), Some(MIN_RATE));
    }

    #[tokio::test(start_paused = true)]
    async fn a_used_up_budget_holds_every_attempt_until_the_reset_and_is_capped() {
        let limiter = Limiter::new(Limits::default());
        let start = Instant::now();
        limiter.hold_for(Duration::from_secs(7));
        limiter.hold_for(Duration::from_secs(3));
        drop(limiter.admit().await);
        assert_eq!(
            Instant::now() - start,
            Duration::from_secs(7),
            "the longer hold wins"
        );
        drop(limiter.admit().await);
        assert_eq!(
            Instant::now() - start,
            Duration::from_secs(7),
            "only until the reset"
        );
        limiter.hold_for(Duration::from_secs(3600));
        drop(limiter.admit().await);
        assert_eq!(
            Instant::now() - start,
            Duration::from_secs(7) + MAX_BUDGET_PAUSE
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_permits_are_bounded() {
        let limiter = Limiter::new(Limits {
            max_concurrency: 2,
            requests_per_second: None,
        });
        let first = limiter.admit().await;
        let _second = limiter.admit().await;
        let third = tokio::time::timeout(Duration::from_secs(1), limiter.admit()).await;
        assert!(third.is_err(), "a third permit was granted");
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(1), limiter.admit()).await;
        assert!(third.is_ok());
    }
}
