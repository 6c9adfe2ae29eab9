//! Delivery of webhook events from the store's outbox.
//!
//! The store writes every event, and one pending delivery per endpoint, in the transaction of
//! the change it announces (see `atsbridge_store::webhooks`). A [`DeliveryWorker`] runs in
//! every `atsbridge serve` process: it claims due deliveries under a lease (so instances
//! sharing a database never send the same delivery at once), posts each payload signed in
//! the Standard Webhooks format ([`signing`]), and records the outcome. A failed attempt is
//! retried after an exponential backoff with jitter ([`Backoff`]) until
//! [`WorkerConfig::max_attempts`]; then the delivery is `failed`. Requests have a timeout,
//! follow no redirect, and go only to public addresses unless
//! [`WorkerConfig::allow_private_addresses`] is set (the guard of
//! `atsbridge_http::address_guard`, shared with `data_url` downloads).

pub mod signing;

use std::sync::Arc;
use std::time::Duration;

use atsbridge_http::address_guard;
use atsbridge_schema::Timestamp;
use atsbridge_store::{AttemptOutcome, ClaimedDelivery, DeliveryAttempt, Store, StoreError};
use rand::Rng as _;
use tokio_util::sync::CancellationToken;

/// Why the worker could not start or a round failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The HTTP client could not be built.
    #[error("cannot build the webhook HTTP client: {0}")]
    Client(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Exponential backoff with jitter: the `n`-th retry (counting from 1) waits a random time
/// between half and all of `min(base × 2^(n-1), max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait before the first retry (before jitter).
    pub base: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(10),
            max: Duration::from_secs(6 * 60 * 60),
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 2_u32.saturating_pow(retry.saturating_sub(1).min(30));
        let ceiling = self.base.saturating_mul(factor).min(self.max);
        let half = ceiling / 2;
        let spread = u64::try_from((ceiling - half).as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(rand::thread_rng().gen_range(0..=spread))
    }
}

/// Settings of a [`DeliveryWorker`].
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Names this worker in delivery leases; unique per process.
    pub owner: String,
    /// Pause between rounds when nothing was due.
    pub poll_interval: Duration,
    /// Deliveries claimed per round (sent concurrently).
    pub batch: u32,
    /// How long a claim holds. Longer than `request_timeout`, so that a healthy worker
    /// always records its attempt before another may claim the delivery again.
    pub lease: Duration,
    /// Deadline of one request, connection included.
    pub request_timeout: Duration,
    /// Attempts before a delivery is given up as `failed`.
    pub max_attempts: u32,
    /// Waits between attempts.
    pub backoff: Backoff,
    /// Deliver to loopback, private and link-local addresses too (tests, local setups).
    pub allow_private_addresses: bool,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            owner: new_owner_id(),
            poll_interval: Duration::from_secs(2),
            batch: 16,
            lease: Duration::from_secs(120),
            request_timeout: Duration::from_secs(15),
            max_attempts: 8,
            backoff: Backoff::default(),
            allow_private_addresses: false,
        }
    }
}

/// A lease owner name: the process id and random characters.
pub fn new_owner_id() -> String {
    let suffix: u64 = rand::thread_rng().r#gen();
    format!("webhooks-{}-{suffix:016x}", std::process::id())
}

/// Sends due deliveries from the store's outbox (see the crate documentation).
#[derive(Clone)]
pub struct DeliveryWorker {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    config: WorkerConfig,
}

impl std::fmt::Debug for DeliveryWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryWorker")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DeliveryWorker {
    /// A worker on `store` with `config`.
    pub fn new(store: Arc<dyn Store>, config: WorkerConfig) -> Result<Self, WebhookError> {
        let client = address_guard::guarded_client_builder(config.allow_private_addresses)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout)
            .user_agent(concat!("atsbridge-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WebhookError::Client(e.to_string()))?;
        Ok(Self {
            store,
            client,
            config,
        })
    }

    /// The worker's settings.
    pub fn config(&self) -> &WorkerConfig {
        &self.config
    }

    /// One round: claims the due deliveries (up to the batch size), sends them concurrently
    /// and records each outcome. Returns how many were attempted.
    pub async fn run_once(&self) -> Result<usize, WebhookError> {
        let claimed = self
            .store
            .claim_webhook_deliveries(
                &self.config.owner,
                Timestamp::from(chrono::Utc::now()),
                self.config.lease,
                self.config.batch,
            )
            .await?;
        let count = claimed.len();
        let mut tasks = tokio::task::JoinSet::new();
        for delivery in claimed {
            let worker = self.clone();
            tasks.spawn(async move { worker.deliver(delivery).await });
        }
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "cannot record a webhook attempt"),
                Err(error) => tracing::error!(%error, "webhook delivery task failed"),
            }
        }
        Ok(count)
    }

    /// Runs rounds until `cancel` fires: at once again after a round that found work,
    /// otherwise after [`WorkerConfig::poll_interval`]. Store errors are logged and retried.
    pub async fn run(self, cancel: CancellationToken) {
        tracing::info!(owner = %self.config.owner, "webhook delivery worker started");
        loop {
            let pause = match self.run_once().await {
                Ok(0) => self.config.poll_interval,
                Ok(_) => Duration::ZERO,
                Err(error) => {
                    tracing::warn!(%error, "webhook delivery round failed");
                    self.config.poll_interval
                }
            };
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("webhook delivery worker stopped");
    }

    /// Sends one claimed delivery and records the outcome.
    async fn deliver(&self, delivery: ClaimedDelivery) -> Result<(), WebhookError> {
        let span = tracing::info_span!(
            "webhook_delivery",
            delivery_id = delivery.id,
            event_id = %delivery.event_id,
            event_type = %delivery.event_type,
            endpoint_id = %delivery.endpoint_id,
            attempt = delivery.attempts + 1,
        );
        let _entered = span.enter();
        let result = self.send(&delivery).await;
        let at = Timestamp::from(chrono::Utc::now());
        let attempt_number = delivery.attempts.saturating_add(1);
        let outcome = match result {
            Ok(status) => {
                tracing::info!(status, "webhook delivered");
                AttemptOutcome::Delivered {
                    http_status: status,
                }
            }
            Err(failure) => {
                let final_attempt = failure.permanent || attempt_number >= self.config.max_attempts;
                tracing::warn!(error = %failure.error, final_attempt, "webhook attempt failed");
                if final_attempt {
                    AttemptOutcome::Failed {
                        error: failure.error,
                        http_status: failure.http_status,
                    }
                } else {
                    let wait = self.config.backoff.delay(attempt_number);
                    let next = at.as_datetime()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                    AttemptOutcome::Retry {
                        next_attempt_at: Timestamp::from_datetime(next),
                        error: failure.error,
                        http_status: failure.http_status,
                    }
                }
            }
        };
        let recorded = self
            .store
            .record_webhook_attempt(&DeliveryAttempt {
                delivery_id: delivery.id,
                lease_owner: self.config.owner.clone(),
                at,
                outcome,
            })
            .await?;
        if !recorded {
            tracing::warn!("the delivery's lease expired before its attempt was recorded");
        }
        Ok(())
    }

    /// Posts the payload; the HTTP status on a 2xx answer.
    async fn send(&self, delivery: &ClaimedDelivery) -> Result<u16, Failure> {
        let url = url::Url::parse(&delivery.url).map_err(|_| Failure::permanent("invalid URL"))?;
        address_guard::check_url(&url, self.config.allow_private_addresses)
            .map_err(|error| Failure::permanent(error.to_string()))?;
        let timestamp = chrono::Utc::now().timestamp();
        let body = delivery.payload.clone().into_bytes();
        let signature = signing::sign(&delivery.secret, &delivery.event_id, timestamp, &body)
            .map_err(|error| Failure::permanent(error.to_string()))?;
        let response = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(signing::WEBHOOK_ID, &delivery.event_id)
            .header(signing::WEBHOOK_TIMESTAMP, timestamp.to_string())
            .header(signing::WEBHOOK_SIGNATURE, signature)
            .body(body)
            .send()
            .await
            .map_err(Failure::from_transport)?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err(Failure {
                error: format!("the endpoint answered with HTTP {}", status.as_u16()),
                http_status: Some(status.as_u16()),
                permanent: false,
            })
        }
    }
}

/// A failed attempt.
struct Failure {
    error: String,
    http_status: Option<u16>,
    /// Retrying cannot help (the URL or the secret is unusable).
    permanent: bool,
}

impl Failure {
    fn permanent(error: impl Into<String>) -> Self {
        Failure {
            error: error.into(),
            http_status: None,
            permanent: true,
        }
    }

    fn from_transport(error: reqwest::Error) -> Self {
        if let Some(host) = address_guard::blocked_host(&error) {
            return Failure::permanent(format!(
                "host `{host}` resolves only to loopback, private or link-local addresses"
            ));
        }
        let error = if error.is_timeout() {
            "the request timed out".to_owned()
        } else if error.is_connect() {
            "cannot connect to the endpoint".to_owned()
        } else {
            // The URL is left out of the message: it may carry a token in its query.
            error.without_url().to_string()
        };
        Failure {
            error,
            http_status: None,
            permanent: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_jitter_and_cap() {
        let backoff = Backoff {
            base: Duration::from_secs(10),
            max: Duration::from_secs(100),
        };
        for _ in 0..50 {
            let first = backoff.delay(1);
            assert!(first >= Duration::from_secs(5) && first <= Duration::from_secs(10));
            let third = backoff.delay(3);
            assert!(third >= Duration::from_secs(20) && third <= Duration::from_secs(40));
            let late = backoff.delay(30);
            assert!(late >= Duration::from_secs(50) && late <= Duration::from_secs(100));
        }
    }
}
