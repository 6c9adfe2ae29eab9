//! Bounded, order-preserving concurrency over a list of ids.
//!
//! Fan-out providers (list ids, then fetch each one) spend most of a sync waiting on
//! one-by-one requests. [`fan_out`] keeps up to `concurrency` of them in flight, returns the
//! results in input order, and stops at the first error or when the run is cancelled.

use std::future::Future;

use futures::StreamExt;
use futures::stream;
use tokio_util::sync::CancellationToken;

/// Returned (converted into the caller's error type) when a fan-out stops because of
/// cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the fan-out was cancelled")]
pub struct Cancelled;

/// Runs `fetch` for every item of `ids`, at most `concurrency` at a time (at least one).
///
/// - Results come back in the order of `ids`, whatever order the requests finish in.
/// - The first `Err` returned by `fetch` stops the fan-out: no new calls start, the calls in
///   flight are dropped, and that error is returned. A closure that wants to skip an item
///   (e.g. a record deleted between listing and fetching) returns `Ok(None)` instead.
/// - When `cancel` fires, the calls in flight are dropped and `Err(Cancelled.into())` is
///   returned. A token already cancelled before the call starts nothing.
pub async fn fan_out<I, T, E, F, Fut>(
    ids: I,
    concurrency: usize,
    cancel: &CancellationToken,
    fetch: F,
) -> Result<Vec<T>, E>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<Cancelled>,
{
    if cancel.is_cancelled() {
        return Err(Cancelled.into());
    }
    let ids = ids.into_iter();
    let mut results = Vec::with_capacity(ids.size_hint().0);
    let mut in_flight = stream::iter(ids).map(fetch).buffered(concurrency.max(1));
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(Cancelled.into()),
            next = in_flight.next() => match next {
                Some(Ok(value)) => results.push(value),
                Some(Err(error)) => return Err(error),
                None => return Ok(results),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use crate::error::{ConnectorError, ErrorKind};

    /// Tracks how many calls run at once and how many started.
    #[derive(Default)]
    struct Gauge {
        current: AtomicUsize,
        peak: AtomicUsize,
        started: AtomicUsize,
    }

    impl Gauge {
        fn enter(&self) {
            self.started.fetch_add(1, Ordering::SeqCst);
            let now = self.current.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
        }
        fn leave(&self) {
            self.current.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_input_order_and_bounds_concurrency() {
        let gauge = Arc::new(Gauge::default());
        let ids: Vec<u64> = (1..=10).collect();
        let token = CancellationToken::new();
        let result: Result<Vec<String>, ConnectorError> = fan_out(ids, 3, &token, |id| {
            let gauge = gauge.clone();
            async move {
                gauge.enter();
                // Later ids finish first, so completion order is the reverse of input order.
                tokio::time::sleep(Duration::from_millis(100 - id * 5)).await;
                gauge.leave();
                Ok(format!("record-{id}"))
            }
        })
        .await;
        let expected: Vec<String> = (1..=10).map(|id| format!("record-{id}")).collect();
        assert_eq!(result.unwrap(), expected);
        assert_eq!(gauge.peak.load(Ordering::SeqCst), 3);
        assert_eq!(gauge.started.load(Ordering::SeqCst), 10);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_concurrency_still_makes_progress_one_at_a_time() {
        let gauge = Arc::new(Gauge::default());
        let token = CancellationToken::new();
        let result: Result<Vec<u32>, ConnectorError> = fan_out([1, 2, 3], 0, &token, |id| {
            let gauge = gauge.clone();
            async move {
                gauge.enter();
                tokio::time::sleep(Duration::from_millis(10)).await;
                gauge.leave();
                Ok(id * 2)
            }
        })
        .await;
        assert_eq!(result.unwrap(), vec![2, 4, 6]);
        assert_eq!(gauge.peak.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn stops_at_the_first_error() {
        let gauge = Arc::new(Gauge::default());
        let token = CancellationToken::new();
        let result: Result<Vec<u32>, ConnectorError> = fan_out(1..=100u32, 2, &token, |id| {
            let gauge = gauge.clone();
            async move {
                gauge.enter();
                tokio::time::sleep(Duration::from_millis(10)).await;
                gauge.leave();
                if id == 3 {
                    Err(ConnectorError::permission_denied(format!("applicant {id}")))
                } else {
                    Ok(id)
                }
            }
        })
        .await;
        let error = result.unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::PermissionDenied);
        assert_eq!(error.message(), "applicant 3");
        // Ids 1..=3 plus at most one look-ahead started; nothing near 100.
        let started = gauge.started.load(Ordering::SeqCst);
        assert!((3..=4).contains(&started), "started {started} calls");
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_cancelled_mid_way() {
        let gauge = Arc::new(Gauge::default());
        let token = CancellationToken::new();
        let canceller = token.clone();
        let result: Result<Vec<u32>, ConnectorError> = fan_out(1..=50u32, 2, &token, |id| {
            let gauge = gauge.clone();
            let canceller = canceller.clone();
            async move {
                gauge.enter();
                if id == 5 {
                    canceller.cancel();
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
                gauge.leave();
                Ok(id)
            }
        })
        .await;
        assert_eq!(result.unwrap_err().kind(), &ErrorKind::Cancelled);
        let started = gauge.started.load(Ordering::SeqCst);
        assert!((5..=6).contains(&started), "started {started} calls");
    }

    #[tokio::test]
    async fn already_cancelled_token_starts_nothing() {
        let token = CancellationToken::new();
        token.cancel();
        let calls = AtomicUsize::new(0);
        let result: Result<Vec<u32>, Cancelled> = fan_out([1, 2], 4, &token, |id| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { Ok(id) }
        })
        .await;
        assert_eq!(result, Err(Cancelled));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
