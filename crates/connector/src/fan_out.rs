//! Bounded, order-preserving concurrency over a list of ids.
//!
//! Fan-out providers (list ids, then fetch each one) spend most of a sync waiting on
//! one-by-one requests. [`fan_out_stream`] keeps up to `concurrency` of them in flight and hands
//! the results over one at a time, in input order, as they become available, so a connector
//! can push each item's records while the next requests run and memory stays bounded by the
//! concurrency instead of the account. [`fan_out`] collects the same results into a `Vec`, for
//! small lists (e.g. one request per job). Both stop at the first error or when the run is
//! cancelled.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, Buffered, Map, Stream, StreamExt};
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};

/// Returned (converted into the caller's error type) when a fan-out stops because of
/// cancellation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the fan-out was cancelled")]
pub struct Cancelled;

/// The calls of a fan-out: started in input order, at most `concurrency` at a time.
type InFlight<I, F> = Pin<Box<Buffered<Map<stream::Iter<I>, F>>>>;

/// The results of a [`fan_out_stream`], one at a time and in input order.
///
/// Read it with [`FanOutStream::next`] (or as a [`Stream`]). Requests run only while it is
/// being read: a consumer that is busy pushing records holds the fan-out back instead of
/// letting results pile up. After an error (or cancellation) it yields `None`; dropping it
/// drops the calls in flight.
#[must_use = "a fan-out does nothing until it is read"]
pub struct FanOutStream<I, F, Fut>
where
    I: Iterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    /// `None` once the fan-out ended (finished, failed or cancelled).
    in_flight: Option<InFlight<I, F>>,
    cancelled: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<I, F, Fut, T, E> FanOutStream<I, F, Fut>
where
    I: Iterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<Cancelled>,
{
    /// The next result in input order; `None` when every item was handled or after the
    /// first error.
    pub async fn next(&mut self) -> Option<Result<T, E>> {
        StreamExt::next(self).await
    }
}

impl<I, F, Fut, T, E> Stream for FanOutStream<I, F, Fut>
where
    I: Iterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<Cancelled>,
{
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is a `Pin<Box<_>>` or an `Option` of one, so the stream is `Unpin`.
        let this = self.get_mut();
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        // Cancellation wins over a result that is ready at the same time.
        if this.cancelled.as_mut().poll(cx).is_ready() {
            this.in_flight = None;
            return Poll::Ready(Some(Err(Cancelled.into())));
        }
        match in_flight.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(value))) => Poll::Ready(Some(Ok(value))),
            Poll::Ready(end_or_error) => {
                this.in_flight = None;
                Poll::Ready(end_or_error)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Runs `fetch` for every item of `ids`, at most `concurrency` at a time (at least one), and
/// yields the results in the order of `ids` as soon as each one (and every one before it) is
/// ready.
///
/// - At most `concurrency` results exist at any time (finished ones waiting for an earlier
///   slow one included), so memory does not grow with the number of ids.
/// - The first `Err` returned by `fetch` is yielded and ends the stream: no new calls start
///   and the calls in flight are dropped. A closure that wants to skip an item (e.g. a
///   record deleted between listing and fetching) returns `Ok(None)` instead.
/// - When `cancel` fires, the stream yields `Err(Cancelled.into())` and ends. A token
///   already cancelled before the first read starts nothing.
pub fn fan_out_stream<I, T, E, F, Fut>(
    ids: I,
    concurrency: usize,
    cancel: &CancellationToken,
    fetch: F,
) -> FanOutStream<I::IntoIter, F, Fut>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: From<Cancelled>,
{
    FanOutStream {
        in_flight: Some(Box::pin(
            stream::iter(ids).map(fetch).buffered(concurrency.max(1)),
        )),
        cancelled: Box::pin(cancel.clone().cancelled_owned()),
    }
}

/// Runs `fetch` for every item of `ids`, at most `concurrency` at a time (at least one), and
/// collects the results.
///
/// - Results come back in the order of `ids`, whatever order the requests finish in.
/// - The first `Err` returned by `fetch` stops the fan-out: no new calls start, the calls in
///   flight are dropped, and that error is returned. A closure that wants to skip an item
///   (e.g. a record deleted between listing and fetching) returns `Ok(None)` instead.
/// - When `cancel` fires, the calls in flight are dropped and `Err(Cancelled.into())` is
///   returned. A token already cancelled before the call starts nothing.
///
/// The whole result is held in memory: for lists that grow with the account, read a
/// [`fan_out_stream`] and push as results arrive.
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
    let ids = ids.into_iter();
    let mut results = Vec::with_capacity(ids.size_hint().0);
    let mut in_flight = fan_out_stream(ids, concurrency, cancel, fetch);
    while let Some(result) = in_flight.next().await {
        results.push(result?);
    }
    Ok(results)
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

    #[tokio::test(start_paused = true)]
    async fn the_stream_yields_in_input_order_with_bounded_look_ahead() {
        let gauge = Arc::new(Gauge::default());
        let token = CancellationToken::new();
        let mut results = fan_out_stream(1..=10u64, 3, &token, |id| {
            let gauge = gauge.clone();
            async move {
                gauge.enter();
                tokio::time::sleep(Duration::from_millis(100 - id * 5)).await;
                gauge.leave();
                Ok::<_, ConnectorError>(id)
            }
        });
        let mut seen = Vec::new();
        while let Some(result) = results.next().await {
            let id = result.unwrap();
            // While the consumer holds a result, at most `concurrency` calls were started
            // beyond what it has read.
            let started = gauge.started.load(Ordering::SeqCst) as u64;
            assert!(
                started <= id + 3,
                "{started} calls started when {id} was read"
            );
            seen.push(id);
        }
        assert_eq!(seen, (1..=10).collect::<Vec<_>>());
        assert_eq!(gauge.peak.load(Ordering::SeqCst), 3);
        assert!(
            results.next().await.is_none(),
            "an ended stream stays ended"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_stream_ends_after_the_first_error_and_on_cancellation() {
        let token = CancellationToken::new();
        let mut results = fan_out_stream(1..=5u32, 2, &token, |id| async move {
            if id == 2 {
                Err(ConnectorError::permission_denied("applicant 2"))
            } else {
                Ok(id)
            }
        });
        assert_eq!(results.next().await.unwrap().unwrap(), 1);
        assert_eq!(
            results.next().await.unwrap().unwrap_err().kind(),
            &ErrorKind::PermissionDenied
        );
        assert!(results.next().await.is_none());

        let token = CancellationToken::new();
        let calls = AtomicUsize::new(0);
        let mut results = fan_out_stream(1..=5u32, 2, &token, |id| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ConnectorError>(id) }
        });
        token.cancel();
        assert_eq!(
            results.next().await.unwrap().unwrap_err().kind(),
            &ErrorKind::Cancelled
        );
        assert!(results.next().await.is_none());
        drop(results);
        assert_eq!(
            calls.load(Ordering::SeqCst),
            0,
            "nothing starts once cancelled"
        );
    }
}
