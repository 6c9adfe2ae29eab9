//! The client: builder, the retry loop and a single attempt.
//!
//! Layering, outermost first: tracing span → overall deadline and retry loop →
//! auth headers → concurrency/rate admission → per-attempt timeout → reqwest.
//! Admission sits outside the per-attempt timeout on purpose: waiting in the queue of a
//! busy integration is not a slow provider, and the overall deadline still bounds it.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;
use url::Url;

use crate::auth::{AuthHeaders, AuthHook};
use crate::error::{ErrorStatus, HttpError, HttpErrorKind};
use crate::limit::{Limiter, Limits};
use crate::metrics::{Metrics, MetricsCounters};
use crate::path::{join_under_base, normalized_base};
use crate::record::{
    RecordedExchange, Recorder, auth_exchange_body, recordable_headers, recorded_body,
};
use crate::redact::Redactor;
use crate::request::{ProviderRequest, ProviderResponse};
use crate::retry::{
    RetryEvent, RetryPolicy, has_rate_limit_hints, parse_rate_limit_reset, parse_retry_after,
};
use crate::secret::Secret;

/// Default time one attempt may take (connect, send, read the whole body).
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time a whole call may take, retries and waits included.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

/// Configures an [`HttpClient`].
pub struct HttpClientBuilder {
    base_url: Url,
    auth: Option<Arc<dyn AuthHook>>,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    deadline: Option<Duration>,
    limits: Limits,
    recorder: Option<Arc<dyn Recorder>>,
    secret_query_params: Vec<String>,
    scrub_values: Vec<Secret>,
    provider: String,
    user_agent: String,
}

impl HttpClientBuilder {
    /// Sets the hook that authenticates every request.
    pub fn auth(mut self, hook: Arc<dyn AuthHook>) -> Self {
        self.auth = Some(hook);
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the time one attempt may take (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the time a whole call may take, retries included (default 300 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Removes the overall deadline.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Sets the concurrency and rate limits (default: one at a time, no rate limit).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Records every completed attempt, scrubbed.
    pub fn recorder(mut self, recorder: Arc<dyn Recorder>) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Names query parameters whose values are secret for this provider, on top of the
    /// built-in list (`api_key`, `token`, `password`, ...).
    pub fn secret_query_params<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.secret_query_params
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Registers credential values the transport cannot see on its own (e.g. the API key
    /// an exchange function sends); they are scrubbed from error excerpts and recordings.
    pub fn scrub_values<I>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = Secret>,
    {
        self.scrub_values.extend(values);
        self
    }

    /// Names the provider in spans and errors (e.g. `erecruiter`).
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = provider.into();
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client; fails on an unusable base URL or TLS setup.
    pub fn build(self) -> Result<HttpClient, HttpError> {
        let base = normalized_base(&self.base_url)?;
        if self.attempt_timeout.is_zero() {
            return Err(HttpError::config("attempt timeout must be above zero"));
        }
        if self.limits.max_concurrency == 0 {
            return Err(HttpError::config("max_concurrency must be at least 1"));
        }
        let http = reqwest::Client::builder()
            .user_agent(self.user_agent)
            // Redirects could carry custom credential headers to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.attempt_timeout)
            .build()
            .map_err(|err| {
                HttpError::config(format!(
                    "could not build the HTTP client: {}",
                    err.without_url()
                ))
            })?;
        Ok(HttpClient {
            inner: Arc::new(ClientInner {
                http,
                base,
                provider: self.provider,
                auth: self.auth,
                retry: self.retry,
                attempt_timeout: self.attempt_timeout,
                deadline: self.deadline,
                limits: self.limits,
                limiter: Limiter::new(self.limits),
                recorder: self.recorder,
                redactor: Redactor::default().with_secret_names(self.secret_query_params),
                scrub_values: self.scrub_values,
                metrics: MetricsCounters::default(),
            }),
        })
    }
}

/// The production transport to one provider account: cheap to clone, shared limits.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base: Url,
    provider: String,
    auth: Option<Arc<dyn AuthHook>>,
    retry: RetryPolicy,
    attempt_timeout: Duration,
    deadline: Option<Duration>,
    limits: Limits,
    limiter: Limiter,
    recorder: Option<Arc<dyn Recorder>>,
    redactor: Redactor,
    scrub_values: Vec<Secret>,
    metrics: MetricsCounters,
}

/// Whether a call goes through the auth hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallMode {
    /// A normal provider call: auth headers, re-auth on 401.
    Authenticated,
    /// A call made by the auth hook itself: no auth, bodies never recorded.
    AuthExchange,
}

impl HttpClient {
    /// Starts configuring a client for `base_url` (which may carry a path, e.g. `/Api/`).
    pub fn builder(base_url: Url) -> HttpClientBuilder {
        HttpClientBuilder {
            base_url,
            auth: None,
            retry: RetryPolicy::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            deadline: Some(DEFAULT_DEADLINE),
            limits: Limits::default(),
            recorder: None,
            secret_query_params: Vec::new(),
            scrub_values: Vec::new(),
            provider: "provider".to_owned(),
            user_agent: concat!("atsbridge/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// Sends a request with auth, limits, retries and timeouts. Non-2xx responses become
    /// an [`HttpError`] unless the request used
    /// [`accept_any_status`](ProviderRequest::accept_any_status).
    pub async fn send(&self, request: ProviderRequest) -> Result<ProviderResponse, HttpError> {
        execute(&self.inner, request, CallMode::Authenticated).await
    }

    /// Sends a request and decodes the 2xx body as JSON.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: ProviderRequest,
    ) -> Result<T, HttpError> {
        let response = self.send(request).await?;
        response
            .json()
            .map_err(|err| err.with_provider(self.inner.provider.clone()))
    }

    /// The counters since the client was built (shared by all clones).
    pub fn metrics(&self) -> Metrics {
        self.inner.metrics.snapshot()
    }

    /// The base URL every request path is joined to (always ends with `/`).
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The provider name used in spans and errors.
    pub fn provider(&self) -> &str {
        &self.inner.provider
    }

    /// The current requests-per-second allowance after adaptive slow-downs, if limited.
    pub fn effective_rate(&self) -> Option<f64> {
        self.inner.limiter.effective_rate()
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("HttpClient")
            .field("provider", &inner.provider)
            .field("base_url", &inner.base.as_str())
            .field("attempt_timeout", &inner.attempt_timeout)
            .field("deadline", &inner.deadline)
            .field("limits", &inner.limits)
            .field("retry", &inner.retry)
            .field("has_auth", &inner.auth.is_some())
            .field("has_recorder", &inner.recorder.is_some())
            .finish()
    }
}

/// What an [`AuthHook`] uses to reach the provider: same base URL, limits, timeouts and
/// metrics as the client, but no auth hook (so no recursion) and bodies are never recorded.
#[derive(Clone)]
pub struct AuthClient {
    inner: Arc<ClientInner>,
}

impl AuthClient {
    /// Sends an unauthenticated request (retried only when marked retry-safe).
    pub async fn send(&self, request: ProviderRequest) -> Result<ProviderResponse, HttpError> {
        execute(&self.inner, request, CallMode::AuthExchange).await
    }

    /// Sends an unauthenticated request and decodes the 2xx body as JSON.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: ProviderRequest,
    ) -> Result<T, HttpError> {
        let response = self.send(request).await?;
        response
            .json()
            .map_err(|err| err.with_provider(self.inner.provider.clone()))
    }

    /// The client's base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn note_auth_exchange(&self) {
        self.inner.metrics.auth_exchange();
    }
}

impl fmt::Debug for AuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthClient")
            .field("provider", &self.inner.provider)
            .field("base_url", &self.inner.base.as_str())
            .finish()
    }
}

/// One call: span, overall deadline, then the retry loop.
async fn execute(
    inner: &Arc<ClientInner>,
    request: ProviderRequest,
    mode: CallMode,
) -> Result<ProviderResponse, HttpError> {
    let method = request.method.clone();
    let url = join_under_base(&inner.base, &request.path).map_err(|err| {
        err.with_provider(inner.provider.clone())
            .with_request(method.clone(), request.shown_path().to_owned())
    })?;
    // What logs and errors show: the real path, or the caller's template when the path
    // carries personal data.
    let path = match &request.log_path {
        Some(template) => template.clone(),
        None => url.path().to_owned(),
    };
    let span = tracing::info_span!(
        "provider_request",
        provider = %inner.provider,
        method = %method,
        path = %path,
        auth_exchange = mode == CallMode::AuthExchange,
        status = Empty,
        attempt = Empty,
        latency_ms = Empty,
    );
    let started = Instant::now();
    let attempts = AtomicU32::new(0);
    let deadline = inner.deadline.map(|budget| started + budget);
    let attempt_loop = run_attempts(inner, &request, &url, deadline, mode, &attempts);
    let result = async {
        match (deadline, inner.deadline) {
            (Some(deadline), Some(budget)) => tokio::time::timeout_at(deadline, attempt_loop)
                .await
                .unwrap_or_else(|_| {
                    Err(HttpError::new(
                        HttpErrorKind::Deadline,
                        format!("no result within the overall deadline of {budget:?}"),
                    ))
                }),
            _ => attempt_loop.await,
        }
    }
    .instrument(span.clone())
    .await;

    let attempts = attempts.load(Ordering::Relaxed);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    span.record("attempt", attempts);
    match &result {
        Ok(response) => {
            span.record("status", response.status.as_u16());
            tracing::debug!(parent: &span, status = response.status.as_u16(), "provider request finished");
        }
        Err(err) => {
            if let Some(status) = err.http_status() {
                span.record("status", status.as_u16());
            }
        }
    }
    result.map_err(|err| {
        let err = err
            .with_provider(inner.provider.clone())
            .with_request(method, path)
            .with_attempts(attempts);
        match err.status() {
            ErrorStatus::Permanent => {
                tracing::debug!(parent: &span, error = %err, "provider request failed")
            }
            _ => tracing::warn!(parent: &span, error = %err, "provider request failed"),
        }
        err
    })
}

/// The retry loop: auth headers, one attempt, classify, maybe wait and go again.
async fn run_attempts(
    inner: &Arc<ClientInner>,
    request: &ProviderRequest,
    url: &Url,
    deadline: Option<Instant>,
    mode: CallMode,
    attempts: &AtomicU32,
) -> Result<ProviderResponse, HttpError> {
    let body = request.body_bytes()?;
    let policy = &inner.retry;
    let mut retries_used = 0u32;
    let mut reauthenticated = false;
    loop {
        let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
        let auth = match (mode, &inner.auth) {
            (CallMode::Authenticated, Some(hook)) => {
                let client = AuthClient {
                    inner: inner.clone(),
                };
                Some(hook.headers(&client).await?)
            }
            _ => None,
        };
        let secrets = known_secrets(inner, request, auth.as_ref());
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let outcome = send_attempt(
            inner,
            request,
            url,
            body.as_ref(),
            auth.as_ref(),
            mode,
            &secrets,
            attempt,
        )
        .await;

        let (error, response) = match outcome {
            Ok(response) if response.status.is_success() => {
                inner.limiter.on_success();
                return Ok(response);
            }
            Ok(response) => {
                if response.status == StatusCode::UNAUTHORIZED
                    && !reauthenticated
                    && let (Some(seen), Some(hook)) = (&auth, &inner.auth)
                    && hook.invalidate(seen.generation).await
                {
                    reauthenticated = true;
                    inner.metrics.retry_scheduled();
                    tracing::debug!(attempt, "credentials rejected; re-authenticating once");
                    continue;
                }
                let error = error_from_response(inner, &response, &secrets);
                if matches!(error.kind(), HttpErrorKind::RateLimited { .. }) {
                    inner.metrics.rate_limited();
                    inner.limiter.on_rate_limited();
                }
                (error, Some(response))
            }
            Err(error) => (error, None),
        };

        let give_up = |error: HttpError| match (response.clone(), request.accept_any_status) {
            (Some(response), true) => Ok(response),
            _ => Err(error),
        };
        if !error.is_temporary() || !request.is_retry_safe() {
            return give_up(error);
        }
        if retries_used >= policy.max_retries {
            let status = if retries_used > 0 {
                ErrorStatus::Persistent
            } else {
                ErrorStatus::Temporary
            };
            return give_up(error.with_status(status));
        }
        let (delay, from_retry_after) = match error.retry_after() {
            // Longer than we are willing to wait here: hand the wait to the caller.
            Some(wait) if wait > policy.max_retry_after => return give_up(error),
            Some(wait) => (wait, true),
            None => (policy.backoff(retries_used), false),
        };
        if deadline.is_some_and(|deadline| Instant::now() + delay >= deadline) {
            return give_up(error);
        }
        retries_used += 1;
        inner.metrics.retry_scheduled();
        let event = RetryEvent {
            method: request.method.clone(),
            path: request
                .log_path
                .clone()
                .unwrap_or_else(|| url.path().to_owned()),
            attempt,
            kind: error.kind(),
            http_status: error.http_status().map(|status| status.as_u16()),
            delay,
            from_retry_after,
        };
        if let Some(observer) = &policy.observer {
            observer.on_retry(&event);
        }
        tracing::info!(
            attempt,
            delay_ms = delay.as_millis() as u64,
            from_retry_after,
            error = %error,
            "retrying provider request"
        );
        policy.sleeper.sleep(delay).await;
    }
}

/// Secret strings that must be scrubbed from excerpts and recordings of this attempt.
fn known_secrets(
    inner: &ClientInner,
    request: &ProviderRequest,
    auth: Option<&AuthHeaders>,
) -> Vec<String> {
    let mut secrets: Vec<String> = inner
        .redactor
        .secret_query_values(&request.query)
        .into_iter()
        .map(str::to_owned)
        .chain(
            inner
                .scrub_values
                .iter()
                .map(|secret| secret.expose().to_owned()),
        )
        .collect();
    let sensitive_request_headers = request
        .headers
        .values()
        .filter(|value| value.is_sensitive());
    let auth_headers = auth
        .into_iter()
        .flat_map(|auth| auth.headers.iter().map(|(_, value)| value));
    for value in sensitive_request_headers.chain(auth_headers) {
        if let Ok(text) = value.to_str() {
            secrets.push(text.to_owned());
            // Also scrub the bare token of `Bearer xyz` style values.
            if let Some((_, token)) = text.split_once(' ') {
                secrets.push(token.to_owned());
            }
        }
    }
    secrets
}

/// One attempt behind the limiter and the per-attempt timeout; every answer is `Ok`.
#[allow(clippy::too_many_arguments)]
async fn send_attempt(
    inner: &ClientInner,
    request: &ProviderRequest,
    url: &Url,
    body: Option<&(Bytes, Option<HeaderValue>)>,
    auth: Option<&AuthHeaders>,
    mode: CallMode,
    secrets: &[&str],
    attempt: u32,
) -> Result<ProviderResponse, HttpError> {
    let mut headers = request.headers.clone();
    if let Some(auth) = auth {
        for (name, value) in &auth.headers {
            headers.insert(name.clone(), value.clone());
        }
    }
    let mut full_url = url.clone();
    if !request.query.is_empty() {
        full_url.query_pairs_mut().extend_pairs(&request.query);
    }
    let mut builder = inner.http.request(request.method.clone(), full_url);
    let body_len = body.map_or(0, |(bytes, _)| bytes.len());
    if let Some((bytes, content_type)) = body {
        if let Some(content_type) = content_type
            && !headers.contains_key(CONTENT_TYPE)
        {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        builder = builder.body(bytes.clone());
    }
    let builder = builder.headers(headers.clone());

    let _permit = inner.limiter.admit().await;
    let started = Instant::now();
    inner.metrics.request_sent(body_len);
    let exchange = async {
        let response = builder.send().await?;
        let status = response.status();
        let response_headers = response.headers().clone();
        let bytes = response.bytes().await?;
        Ok::<_, reqwest::Error>((status, response_headers, bytes))
    };
    let outcome = tokio::time::timeout(inner.attempt_timeout, exchange).await;
    let latency_ms = started.elapsed().as_millis() as u64;
    let (status, response_headers, bytes) = match outcome {
        Err(_) => {
            tracing::debug!(attempt, latency_ms, "attempt timed out");
            return Err(HttpError::new(
                HttpErrorKind::Timeout,
                format!(
                    "no response within the attempt timeout of {:?}",
                    inner.attempt_timeout
                ),
            ));
        }
        Ok(Err(err)) => {
            tracing::debug!(attempt, latency_ms, "attempt failed in transport");
            return Err(transport_error(err));
        }
        Ok(Ok(parts)) => parts,
    };
    inner.metrics.response_received(bytes.len());
    hold_for_budget(inner, &response_headers);
    tracing::debug!(
        attempt,
        latency_ms,
        status = status.as_u16(),
        "attempt answered"
    );

    if let Some(recorder) = &inner.recorder {
        let body_for_record = |bytes: &[u8]| match mode {
            CallMode::AuthExchange => auth_exchange_body(bytes, &inner.redactor, secrets),
            CallMode::Authenticated => recorded_body(bytes, &inner.redactor, secrets),
        };
        recorder.record(RecordedExchange {
            method: request.method.to_string(),
            path: url.path().to_owned(),
            query: inner.redactor.redacted_query(&request.query),
            request_headers: recordable_headers(&headers),
            request_body: body.and_then(|(bytes, _)| body_for_record(bytes)),
            status: status.as_u16(),
            response_headers: recordable_headers(&response_headers),
            response_body: body_for_record(&bytes),
        });
    }

    Ok(ProviderResponse {
        status,
        headers: response_headers,
        body: bytes,
        method: request.method.clone(),
        // Decode errors name the request by this path: the template when there is one.
        path: request
            .log_path
            .clone()
            .unwrap_or_else(|| url.path().to_owned()),
    })
}

/// Pauses every later attempt of this client when a response (of any status) says the
/// provider's window is used up: `X-RateLimit-Remaining: 0` with `X-RateLimit-Reset`. The
/// request's own `Retry-After` stays with the retry loop and its sleeper.
fn hold_for_budget(inner: &ClientInner, headers: &http::HeaderMap) {
    if let Some(pause) = parse_rate_limit_reset(headers, SystemTime::now()) {
        inner.limiter.hold_for(pause);
    }
}

/// Classifies a non-2xx response.
fn error_from_response(
    inner: &ClientInner,
    response: &ProviderResponse,
    secrets: &[&str],
) -> HttpError {
    let status = response.status;
    let now = SystemTime::now();
    let retry_after = parse_retry_after(&response.headers, now);
    let throttle_wait = || retry_after.or_else(|| parse_rate_limit_reset(&response.headers, now));
    let kind = match status.as_u16() {
        400 | 422 => HttpErrorKind::InvalidRequest,
        401 => HttpErrorKind::Unauthenticated,
        403 if has_rate_limit_hints(&response.headers) => HttpErrorKind::RateLimited {
            retry_after: throttle_wait(),
        },
        403 => HttpErrorKind::PermissionDenied,
        404 | 410 => HttpErrorKind::NotFound,
        408 => HttpErrorKind::Timeout,
        409 | 412 => HttpErrorKind::Conflict,
        429 => HttpErrorKind::RateLimited {
            retry_after: throttle_wait(),
        },
        501 | 505 => HttpErrorKind::ProviderError {
            status: status.as_u16(),
        },
        500..=599 => HttpErrorKind::ProviderUnavailable,
        other => HttpErrorKind::ProviderError { status: other },
    };
    let excerpt = inner.redactor.error_excerpt(&response.body, secrets);
    HttpError::new(kind, "")
        .with_response(status, Some(excerpt))
        .with_retry_after(retry_after)
}

/// Maps a reqwest failure without ever including the URL (its query may hold secrets).
fn transport_error(err: reqwest::Error) -> HttpError {
    let kind = if err.is_timeout() {
        HttpErrorKind::Timeout
    } else {
        HttpErrorKind::Transport
    };
    let what = if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "the response body broke off"
    } else if err.is_request() {
        "sending the request failed"
    } else {
        "the exchange failed"
    };
    let err = err.without_url();
    let mut message = format!("{what}: {err}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    HttpError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, Method};

    fn classify_status(status: u16, headers: HeaderMap) -> HttpErrorKind {
        let response = ProviderResponse {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers,
            body: Bytes::new(),
            method: Method::GET,
            path: "/".into(),
        };
        let inner = ClientInner {
            http: reqwest::Client::new(),
            base: Url::parse("http://127.0.0.1/").unwrap_or_else(|_| unreachable!()),
            provider: "test".into(),
            auth: None,
            retry: RetryPolicy::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            deadline: None,
            limits: Limits::default(),
            limiter: Limiter::new(Limits::default()),
            recorder: None,
            redactor: Redactor::default(),
            scrub_values: Vec::new(),
            metrics: MetricsCounters::default(),
        };
        error_from_response(&inner, &response, &[]).kind()
    }

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn client_futures_can_be_spawned() {
        let client = HttpClient::builder(Url::parse("http://127.0.0.1/Api/").unwrap())
            .build()
            .unwrap();
        let send = client.send(ProviderRequest::get("Ping"));
        assert_send(&send);
        let json = client.send_json::<serde_json::Value>(ProviderRequest::get("Ping"));
        assert_send(&json);
        fn assert_sync<T: Send + Sync + Clone>(_: &T) {}
        assert_sync(&client);
    }

    #[test]
    fn statuses_map_to_kinds() {
        assert_eq!(
            classify_status(400, HeaderMap::new()),
            HttpErrorKind::InvalidRequest
        );
        assert_eq!(
            classify_status(401, HeaderMap::new()),
            HttpErrorKind::Unauthenticated
        );
        assert_eq!(
            classify_status(403, HeaderMap::new()),
            HttpErrorKind::PermissionDenied
        );
        let mut throttled = HeaderMap::new();
        throttled.insert("retry-after", HeaderValue::from_static("5"));
        assert_eq!(
            classify_status(403, throttled),
            HttpErrorKind::RateLimited {
                retry_after: Some(Duration::from_secs(5))
            }
        );
        assert_eq!(
            classify_status(404, HeaderMap::new()),
            HttpErrorKind::NotFound
        );
        assert_eq!(
            classify_status(409, HeaderMap::new()),
            HttpErrorKind::Conflict
        );
        assert_eq!(
            classify_status(429, HeaderMap::new()),
            HttpErrorKind::RateLimited { retry_after: None }
        );
        assert_eq!(
            classify_status(503, HeaderMap::new()),
            HttpErrorKind::ProviderUnavailable
        );
        assert_eq!(
            classify_status(501, HeaderMap::new()),
            HttpErrorKind::ProviderError { status: 501 }
        );
        assert_eq!(
            classify_status(418, HeaderMap::new()),
            HttpErrorKind::ProviderError { status: 418 }
        );
    }
}
