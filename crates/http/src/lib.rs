//! Production HTTP transport for atsbridge connectors: auth hook, retries, rate limits,
//! redaction and recording.
//!
//! Build one [`HttpClient`] per integration with [`HttpClient::builder`], then send
//! [`ProviderRequest`]s relative to its base URL. Every call runs, outermost first:
//! a tracing span, the overall deadline and retry loop, the auth hook, the concurrency and
//! rate limit, the per-attempt timeout, and reqwest. Secrets never reach `Debug` output,
//! error messages, spans or recordings.

pub mod address_guard;
mod auth;
mod client;
mod connector_error;
mod error;
mod limit;
mod metrics;
mod path;
mod record;
mod redact;
mod request;
mod retry;
mod secret;

pub use auth::{AuthHeaders, AuthHook, ExchangeFuture, IssuedToken, StaticHeaders, TokenExchange};
pub use client::{AuthClient, HttpClient, HttpClientBuilder};
pub use error::{ErrorStatus, HttpError, HttpErrorKind};
pub use limit::Limits;
pub use metrics::Metrics;
pub use path::join_under_base;
pub use record::{MemoryRecorder, RecordedBody, RecordedExchange, Recorder};
pub use request::{ProviderRequest, ProviderResponse};
pub use retry::{
    JitterSource, NoJitter, RandomJitter, RetryEvent, RetryObserver, RetryPolicy, SeededJitter,
    Sleeper, TokioSleeper, parse_rate_limit_reset, parse_retry_after,
};
pub use secret::{REDACTED, Secret};
