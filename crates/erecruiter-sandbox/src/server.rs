//! The sandbox itself: HTTP plumbing, auth, fault injection, and serving on a socket.

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{RateLimitKnob, SandboxConfig};
use crate::dto::{ApiTokenParameter, ApiTokenResponse};
use crate::faults::{Faults, RequestRecord, RequestStats, lock};
use crate::routes::{MatchedRoute, Resolution, SandboxRoute, percent_decode, resolve};
use crate::seed::{SandboxSeed, generate_world};
use crate::state::SandboxState;
use crate::wire_time::WireDateTime;
use crate::world::{ApiFailure, ApiResult, World};

/// Errors of starting or stopping a served sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("could not bind the sandbox to {addr}: {source}")]
    Bind {
        /// The address that was requested.
        addr: SocketAddr,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the sandbox server failed: {0}")]
    Serve(#[from] std::io::Error),
    /// The server task panicked or was cancelled.
    #[error("the sandbox server task ended abnormally: {0}")]
    Task(String),
}

const UNAUTHORIZED: &str = "Authorization has been denied for this request.";
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

pub(crate) struct Inner {
    api_key: String,
    mandator_id: i32,
    world: RwLock<World>,
    faults: Faults,
    pub(crate) stats: RequestStats,
    clock_offset: Mutex<ChronoDuration>,
    frozen_clock: Option<DateTime<Utc>>,
    tokens: Mutex<HashMap<String, DateTime<Utc>>>,
    issued_tokens: AtomicU64,
}

/// A stateful fake eRecruiter API. Cheap to clone; clones share the same tenant, knobs and
/// counters. Use [`Sandbox::router`] in-process or [`Sandbox::spawn`] to serve it on
/// `127.0.0.1`.
#[derive(Clone)]
pub struct Sandbox {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("mandator_id", &self.inner.mandator_id)
            .field("requests", &self.inner.stats.total())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Builds a sandbox whose tenant is generated from `seed`.
    pub fn new(config: SandboxConfig, seed: SandboxSeed) -> Sandbox {
        let world = generate_world(seed, config.mandator_id);
        Sandbox {
            inner: Arc::new(Inner {
                api_key: config.api_key.clone(),
                mandator_id: config.mandator_id,
                world: RwLock::new(world),
                faults: Faults::new(&config),
                stats: RequestStats::new(config.request_log_limit),
                clock_offset: Mutex::new(ChronoDuration::zero()),
                frozen_clock: config.frozen_clock,
                tokens: Mutex::new(HashMap::new()),
                issued_tokens: AtomicU64::new(0),
            }),
        }
    }

    /// An axum router serving the whole API (every path is matched case-insensitively).
    pub fn router(&self) -> Router {
        Router::new()
            .fallback(dispatch)
            .with_state(self.clone())
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
    }

    /// Builds a sandbox and serves it on `127.0.0.1` with an OS-assigned port.
    pub async fn spawn(
        config: SandboxConfig,
        seed: SandboxSeed,
    ) -> Result<SandboxHandle, SandboxError> {
        Sandbox::new(config, seed)
            .serve(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
    }

    /// Builds a sandbox and serves it on `addr`.
    pub async fn spawn_on(
        config: SandboxConfig,
        seed: SandboxSeed,
        addr: SocketAddr,
    ) -> Result<SandboxHandle, SandboxError> {
        Sandbox::new(config, seed).serve(addr).await
    }

    /// Serves this sandbox on `addr` until the returned handle is shut down or dropped.
    pub async fn serve(&self, addr: SocketAddr) -> Result<SandboxHandle, SandboxError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let router = self.router();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%local_addr, "eRecruiter sandbox listening");
        Ok(SandboxHandle {
            sandbox: self.clone(),
            addr: local_addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The accepted credentials: (API key, mandator id). The key is a sandbox-only value.
    pub fn credentials(&self) -> (String, i32) {
        (self.inner.api_key.clone(), self.inner.mandator_id)
    }

    /// Read access to the tenant, for assertions.
    pub fn state(&self) -> SandboxState {
        SandboxState {
            sandbox: self.clone(),
        }
    }

    /// Number of requests received (including refused and unmatched ones).
    pub fn request_count(&self) -> u64 {
        self.inner.stats.total()
    }

    /// Number of requests received for one route template, e.g.
    /// `"GET /Api/Applicant/{id}"` (see [`SandboxRoute::template`]).
    pub fn requests_for(&self, template: &str) -> u64 {
        self.inner.stats.for_route(template)
    }

    /// The most requests the sandbox was handling at the same time (latency included) since
    /// it started or its stats were last reset: the client's effective concurrency.
    pub fn peak_in_flight(&self) -> u64 {
        self.inner.stats.peak_in_flight()
    }

    /// Request counts of every route seen so far, keyed by template.
    pub fn requests_by_route(&self) -> BTreeMap<String, u64> {
        self.inner.stats.per_route()
    }

    /// The answered requests in arrival order of their answers (bounded by
    /// `SandboxConfig::request_log_limit`).
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.inner.stats.log()
    }

    /// Clears counters and the request log.
    pub fn reset_request_stats(&self) {
        self.inner.stats.reset();
    }

    /// Changes the per-request latency and its jitter.
    pub fn set_latency(&self, latency: Duration, jitter: Duration) {
        self.inner.faults.set_latency(latency, jitter);
    }

    /// Changes the probability of injected 500s (clamped to 0.0..=1.0).
    pub fn set_error_rate(&self, rate: f64) {
        self.inner.faults.set_error_rate(rate);
    }

    /// Sets or clears the rate limit (its counters restart).
    pub fn set_rate_limit(&self, rate_limit: Option<RateLimitKnob>) {
        self.inner.faults.set_rate_limit(rate_limit);
    }

    /// Changes the lifetime of tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.inner.faults.set_token_lifetime(lifetime);
    }

    /// Moves the sandbox clock forward (token expiry, timestamps of writes).
    pub fn advance_clock(&self, by: Duration) {
        let by = ChronoDuration::from_std(by).unwrap_or(ChronoDuration::MAX);
        let mut offset = lock(&self.inner.clock_offset);
        *offset = offset.checked_add(&by).unwrap_or(ChronoDuration::MAX);
    }

    /// Invalidates every issued token.
    pub fn revoke_tokens(&self) {
        lock(&self.inner.tokens).clear();
    }

    /// Number of tokens issued so far.
    pub fn tokens_issued(&self) -> u64 {
        self.inner.issued_tokens.load(Ordering::SeqCst)
    }

    pub(crate) fn read_world(&self) -> RwLockReadGuard<'_, World> {
        self.inner
            .world
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write_world(&self) -> RwLockWriteGuard<'_, World> {
        self.inner
            .world
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn now(&self) -> DateTime<Utc> {
        let offset = *lock(&self.inner.clock_offset);
        self.inner
            .frozen_clock
            .unwrap_or_else(Utc::now)
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    fn token_is_live(&self, headers: &HeaderMap) -> bool {
        let Some(token) = headers
            .get("x-apitoken")
            .and_then(|value| value.to_str().ok())
        else {
            return false;
        };
        let now = self.now();
        lock(&self.inner.tokens)
            .get(token.trim())
            .is_some_and(|expires| *expires > now)
    }

    fn exchange_token(&self, headers: &HeaderMap, body: &[u8]) -> ApiResult {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
        let parameter = if is_form {
            let fields = parse_pairs(&String::from_utf8_lossy(body));
            ApiTokenParameter {
                key: fields.get("key").cloned(),
                mandator_id: fields
                    .get("mandatorid")
                    .and_then(|value| value.trim().parse().ok())
                    .unwrap_or_default(),
                client_info: fields.get("clientinfo").cloned(),
            }
        } else {
            parse_body::<ApiTokenParameter>(body)?
        };
        if parameter.key.as_deref() != Some(self.inner.api_key.as_str()) {
            return Err(ApiFailure::message(401, UNAUTHORIZED));
        }
        if parameter.mandator_id != self.inner.mandator_id {
            return Err(ApiFailure::message(
                403,
                format!(
                    "The API key is not valid for mandator {}.",
                    parameter.mandator_id
                ),
            ));
        }
        let now = self.now();
        let lifetime = ChronoDuration::from_std(self.inner.faults.token_lifetime())
            .unwrap_or(ChronoDuration::days(365));
        let expires = now
            .checked_add_signed(lifetime)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let token: String = {
            let mut rng = rand::thread_rng();
            (0..32)
                .map(|_| char::from(b"0123456789ABCDEF"[rng.gen_range(0..16)]))
                .collect()
        };
        {
            let mut tokens = lock(&self.inner.tokens);
            tokens.retain(|_, expiry| *expiry > now);
            tokens.insert(token.clone(), expires);
        }
        self.inner.issued_tokens.fetch_add(1, Ordering::SeqCst);
        serde_json::to_vec(&ApiTokenResponse {
            token,
            expires: WireDateTime::Local(expires),
        })
        .map_err(|error| ApiFailure::internal(error.to_string()))
    }

    fn handle(
        &self,
        matched: MatchedRoute,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> ApiResult {
        use SandboxRoute::*;
        let route = matched.route;
        if route.requires_token() && !self.token_is_live(headers) {
            return Err(ApiFailure::message(401, UNAUTHORIZED));
        }
        let query = parse_pairs(uri.query().unwrap_or_default());
        let q = |key: &str| query.get(key).map(String::as_str);
        let flag = |key: &str, default: bool| {
            q(key).map_or(default, |value| value.trim().eq_ignore_ascii_case("true"))
        };
        let id = |index: usize| matched.ids.get(index).copied().unwrap_or_default();
        let text = matched.text.clone().unwrap_or_default();
        let now = WireDateTime::Local(self.now());
        match route {
            ExchangeToken => self.exchange_token(headers, body),
            Ping => {
                let message = if self.token_is_live(headers) {
                    format!(
                        "Pong. You are authorized for mandator {}.",
                        self.inner.mandator_id
                    )
                } else {
                    "Pong. You are not authorized.".to_owned()
                };
                serde_json::to_vec(&message)
                    .map_err(|error| ApiFailure::internal(error.to_string()))
            }
            PublishedJobs => self.read_world().published_jobs(q("channel"), q("culture")),
            PublishedJob => self
                .read_world()
                .published_job(id(0), q("channel"), q("culture")),
            Job => self.read_world().job(id(0), q("culture")),
            QuestionnaireByJob => self.read_world().questionnaire_by_job(id(0)),
            ApplicationsByJob => self.read_world().applications_by_job(id(0)),
            ApplicationsByReferrer => {
                self.read_world()
                    .applications_by_referrer(&text, q("startat"), q("endat"))
            }
            ApplicationsByApplicant => self
                .read_world()
                .applications_by_applicant(id(0), q("culture")),
            Applicant => self.read_world().applicant(id(0)),
            ApplicantsByEmail => self.read_world().applicants_by_email(&text),
            CreateApplicant => {
                let parameter = parse_body(body)?;
                self.write_world().create_applicant(parameter, now)
            }
            UpdateApplicant => {
                let parameter = parse_body(body)?;
                self.write_world().update_applicant(id(0), parameter, now)
            }
            CreateApplication => {
                let parameter = parse_body(body)?;
                self.write_world().create_application(parameter, now)
            }
            AddDocument => {
                let parameter = parse_body(body)?;
                self.write_world().add_document(id(0), parameter)
            }
            Documents => self
                .read_world()
                .documents(id(0), flag("includecontent", false)),
            Document => self
                .read_world()
                .document(id(0), flag("includecontent", true)),
            PutCv => {
                let parameter = parse_body(body)?;
                self.write_world().put_cv(id(0), parameter)
            }
            Cv => self.read_world().cv(id(0), flag("includecontent", true)),
            AddHistory => {
                let parameter = parse_body(body)?;
                self.write_world().add_history(id(0), parameter, now)
            }
            ApplicantPolicies => self.read_world().applicant_policies(id(0)),
            PutApplicantPolicy => {
                let parameter = parse_body(body)?;
                self.write_world()
                    .put_applicant_policy(id(0), id(1), parameter)
            }
            ApplicantCustomFields => self.read_world().applicant_custom_fields(id(0)),
            SetApplicantCustomField => {
                let parameter = parse_body(body)?;
                self.write_world()
                    .set_applicant_custom_field(id(0), parameter)
            }
            Policies => self.read_world().policies(q("culture")),
            Policy => self.read_world().policy(id(0), q("culture")),
            Mandator => self.read_world().mandator(),
        }
    }
}

/// Parses `a=1&b=2` pairs (keys lower-cased, values percent-decoded).
fn parse_pairs(text: &str) -> HashMap<String, String> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&key.replace('+', " ")).to_ascii_lowercase(),
                percent_decode(&value.replace('+', " ")),
            )
        })
        .collect()
}

fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiFailure::invalid_model(
            "parameter",
            "A value is required but was not present in the request.",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|error| ApiFailure::invalid_model("parameter", error.to_string()))
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn failure_response(failure: ApiFailure) -> Response {
    json_response(
        failure.status,
        serde_json::to_vec(&failure.body).unwrap_or_default(),
    )
}

async fn dispatch(
    State(sandbox): State<Sandbox>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let resolution = resolve(&method, uri.path());
    let route = match &resolution {
        Resolution::Found(matched) => Some(matched.route),
        Resolution::InvalidId(route, _) => Some(*route),
        Resolution::NotFound => None,
    };
    sandbox.inner.stats.count(route);
    let _in_flight = sandbox.inner.stats.enter();
    let faults = &sandbox.inner.faults;
    let delay = faults.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = if let Some(retry_after) = faults.rate_limited() {
        let mut response = failure_response(ApiFailure::message(
            429,
            format!("Too many requests. Retry after {retry_after} seconds."),
        ));
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        response
    } else if faults.injects_error() {
        failure_response(ApiFailure::internal("Injected sandbox fault."))
    } else {
        match resolution {
            Resolution::NotFound => failure_response(ApiFailure::message(
                404,
                format!(
                    "No HTTP resource was found that matches the request URI '{}'.",
                    uri.path()
                ),
            )),
            Resolution::InvalidId(_, raw) => failure_response(ApiFailure {
                status: 400,
                body: json!({
                    "Message": "The request is invalid.",
                    "MessageDetail": format!("The value '{raw}' is not a valid Int32 id.")
                }),
            }),
            Resolution::Found(matched) => match sandbox.handle(matched, &uri, &headers, &body) {
                Ok(bytes) => json_response(200, bytes),
                Err(failure) => failure_response(failure),
            },
        }
    };
    let status = response.status().as_u16();
    tracing::debug!(method = %method, path = uri.path(), status, "sandbox request");
    sandbox.inner.stats.record(RequestRecord {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        route,
        status,
    });
    response
}

/// A sandbox being served on a socket. Dereferences to [`Sandbox`] for knobs, counters and
/// state; dropping it stops the server.
pub struct SandboxHandle {
    sandbox: Sandbox,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), std::io::Error>>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl SandboxHandle {
    /// The server root, e.g. `http://127.0.0.1:40123` (the API lives below `/Api`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The served sandbox.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Stops accepting connections, lets in-flight requests finish and waits for the server.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(result) => result.map_err(SandboxError::Serve),
                Err(error) => Err(SandboxError::Task(error.to_string())),
            },
            None => Ok(()),
        }
    }
}

impl Deref for SandboxHandle {
    type Target = Sandbox;

    fn deref(&self) -> &Sandbox {
        &self.sandbox
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
