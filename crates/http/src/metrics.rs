//! Counters of what a client did, readable as a snapshot.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of one client's counters since it was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Metrics {
    /// Attempts sent to the provider (each retry and token exchange counts).
    pub requests: u64,
    /// Retries scheduled after a failed attempt (re-authentication retries included).
    pub retries: u64,
    /// Responses with status 429, or 403 with rate-limit headers.
    pub rate_limited: u64,
    /// Request body bytes sent.
    pub bytes_sent: u64,
    /// Response body bytes received.
    pub bytes_received: u64,
    /// Token exchanges performed by the auth hook.
    pub auth_exchanges: u64,
}

/// The live counters behind [`Metrics`].
#[derive(Debug, Default)]
pub(crate) struct MetricsCounters {
    requests: AtomicU64,
    retries: AtomicU64,
    rate_limited: AtomicU64,
    bytes_sent: AtomicU64,
    bytes_received: AtomicU64,
    auth_exchanges: AtomicU64,
}

impl MetricsCounters {
    pub(crate) fn request_sent(&self, body_bytes: usize) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes_sent
            .fetch_add(body_bytes as u64, Ordering::Relaxed);
    }

    pub(crate) fn response_received(&self, body_bytes: usize) {
        self.bytes_received
            .fetch_add(body_bytes as u64, Ordering::Relaxed);
    }

    pub(crate) fn retry_scheduled(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn auth_exchange(&self) {
        self.auth_exchanges.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Metrics {
        Metrics {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            bytes_sent: self.bytes_sent.load(Ordering::Relaxed),
            bytes_received: self.bytes_received.load(Ordering::Relaxed),
            auth_exchanges: self.auth_exchanges.load(Ordering::Relaxed),
        }
    }
}
