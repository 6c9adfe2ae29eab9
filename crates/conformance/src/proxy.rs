//! A recording reverse proxy: the connector talks to it instead of the provider, it forwards
//! every request and keeps a scrubbed copy of each exchange. Used by
//! [`record_via_proxy`](crate::record::record_via_proxy) for connectors whose transport offers
//! no recording hook to the kit.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::error::KitError;
use crate::fixture::{
    FixtureBody, FixtureRequest, FixtureResponse, Interaction, KEPT_RESPONSE_HEADERS,
    MATCHED_REQUEST_HEADERS, REDACTED,
};
use crate::lint::{fake_phone, fake_url_hosts, is_phone_key, is_real_looking_phone, is_secret_key};

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    /// The proxy's own base URI: upstream URLs in `Link` and `Location` headers are
    /// rewritten to it so a connector following them keeps going through the proxy.
    own_uri: String,
    secrets: Arc<Vec<String>>,
    http: reqwest::Client,
    log: Arc<Mutex<Vec<Interaction>>>,
}

fn lock(log: &Mutex<Vec<Interaction>>) -> MutexGuard<'_, Vec<Interaction>> {
    log.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running recording proxy on 127.0.0.1.
pub struct RecordingProxy {
    uri: String,
    log: Arc<Mutex<Vec<Interaction>>>,
    shutdown: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for RecordingProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingProxy")
            .field("uri", &self.uri)
            .finish()
    }
}

impl RecordingProxy {
    /// Starts a proxy forwarding to `upstream` (scheme, host and port). Every string in
    /// `secrets` is replaced by `[REDACTED]` wherever it appears in a recorded body or query.
    pub async fn start(upstream: &str, secrets: Vec<String>) -> Result<RecordingProxy, KitError> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|source| KitError::Io {
                path: "127.0.0.1:0".to_owned(),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| KitError::Io {
            path: "127.0.0.1:0".to_owned(),
            source,
        })?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = ProxyState {
            upstream: upstream.trim_end_matches('/').to_owned(),
            own_uri: format!("http://{address}"),
            secrets: Arc::new(secrets.into_iter().filter(|s| !s.is_empty()).collect()),
            http: reqwest::Client::new(),
            log: log.clone(),
        };
        let app = Router::new().fallback(forward).with_state(state);
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::warn!(target: "atsbridge_conformance", %error, "recording proxy stopped");
            }
        });
        Ok(RecordingProxy {
            uri: format!("http://{address}"),
            log,
            shutdown: Some(shutdown),
        })
    }

    /// The proxy's base URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Removes and returns the exchanges recorded so far.
    pub fn take(&self) -> Vec<Interaction> {
        std::mem::take(&mut *lock(&self.log))
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn forward(State(state): State<ProxyState>, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    match forward_inner(&state, &parts.method, &parts.uri, &parts.headers, bytes).await {
        Ok(response) => response,
        Err(message) => {
            let mut response = Response::new(Body::from(message));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        }
    }
}

async fn forward_inner(
    state: &ProxyState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<Response<Body>, String> {
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let target = format!("{}{path_and_query}", state.upstream);
    let mut outgoing = state.http.request(method.clone(), &target);
    for (name, value) in headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    let upstream = outgoing
        .body(body.clone())
        .send()
        .await
        .map_err(|error| format!("recording proxy could not reach upstream: {error}"))?;
    let status = upstream.status();
    let response_headers = through_proxy(upstream.headers(), state);
    let response_body = upstream
        .bytes()
        .await
        .map_err(|error| format!("recording proxy could not read upstream: {error}"))?;

    let mut query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .map(|(name, value)| {
                let value = if is_secret_key(&name) {
                    REDACTED.to_owned()
                } else {
                    scrub_text(&value, &state.secrets)
                };
                (name.into_owned(), value)
            })
            .collect();
    query.sort();
    let interaction = Interaction {
        request: FixtureRequest {
            method: method.as_str().to_ascii_uppercase(),
            path: uri.path().to_owned(),
            query: query.into_iter().collect(),
            headers: kept(headers, MATCHED_REQUEST_HEADERS),
            body: scrub_body(&body, &state.secrets),
        },
        response: FixtureResponse {
            status: status.as_u16(),
            headers: kept(&response_headers, KEPT_RESPONSE_HEADERS),
            body: scrub_body(&response_body, &state.secrets),
        },
    };
    lock(&state.log).push(interaction);

    let mut response = Response::new(Body::from(response_body));
    *response.status_mut() = status;
    for (name, value) in &response_headers {
        if name != "content-length" && name != "transfer-encoding" {
            response.headers_mut().append(name, value.clone());
        }
    }
    Ok(response)
}

/// The upstream's headers with its origin in `Link` and `Location` replaced by the proxy's.
fn through_proxy(headers: &HeaderMap, state: &ProxyState) -> HeaderMap {
    let mut out = headers.clone();
    for name in [axum::http::header::LINK, axum::http::header::LOCATION] {
        let rewritten: Vec<axum::http::HeaderValue> = headers
            .get_all(&name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|text| {
                axum::http::HeaderValue::from_str(&text.replace(&state.upstream, &state.own_uri))
                    .ok()
            })
            .collect();
        if rewritten.is_empty() {
            continue;
        }
        out.remove(&name);
        for value in rewritten {
            out.append(&name, value);
        }
    }
    out
}

fn kept(headers: &HeaderMap, allowed: &[&str]) -> std::collections::BTreeMap<String, String> {
    allowed
        .iter()
        .filter_map(|name| {
            headers
                .get(*name)
                .and_then(|value| value.to_str().ok())
                .map(|value| ((*name).to_owned(), value.to_owned()))
        })
        .collect()
}

/// Replaces secrets and real-world URL hosts in free text.
pub(crate) fn scrub_text(text: &str, secrets: &[String]) -> String {
    let text = secrets.iter().fold(text.to_owned(), |text, secret| {
        text.replace(secret.as_str(), REDACTED)
    });
    fake_url_hosts(&text)
}

/// Scrubs a recorded JSON body: secret values and secret-named keys become `[REDACTED]`,
/// real-looking phone numbers become fictional `555` ones, and real URL hosts become
/// `*.example.com`. Both recording paths (proxy and transport hook) use it.
pub(crate) fn scrub_json(value: &mut Value, secrets: &[String]) {
    match value {
        Value::String(text) => *text = scrub_text(text, secrets),
        Value::Array(items) => items.iter_mut().for_each(|item| scrub_json(item, secrets)),
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if is_secret_key(key) && item.is_string() {
                    *item = Value::String(REDACTED.to_owned());
                } else if let Value::String(text) = item
                    && is_real_looking_phone(text, is_phone_key(key))
                {
                    *item = Value::String(fake_phone(text));
                } else {
                    scrub_json(item, secrets);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn scrub_body(bytes: &[u8], secrets: &[String]) -> Option<FixtureBody> {
    match FixtureBody::from_bytes(bytes)? {
        FixtureBody::Json(mut value) => {
            scrub_json(&mut value, secrets);
            Some(FixtureBody::Json(value))
        }
        FixtureBody::Text(text) => Some(FixtureBody::Text(scrub_text(&text, secrets))),
        FixtureBody::Redacted => Some(FixtureBody::Redacted),
    }
}
