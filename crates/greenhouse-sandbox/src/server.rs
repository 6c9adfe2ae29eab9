//! The HTTP routes: the token endpoint and Harvest v3's list and write endpoints.

// Handlers answer early with a full response; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::SandboxConfig;
use crate::world::{Application, AppliedTag, Candidate, RESOURCES, Tag, World};

/// Shared state of the running sandbox.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) world: Arc<Mutex<World>>,
    pub(crate) config: Arc<SandboxConfig>,
    pub(crate) base_url: Arc<str>,
}

impl AppState {
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.config.frozen_clock.unwrap_or_else(Utc::now)
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/token", post(token))
        .route(
            "/v3/candidates",
            get(list_candidates).post(create_candidate),
        )
        .route(
            "/v3/applications",
            get(list_applications).post(create_application),
        )
        .route("/v3/candidate_tags", get(list_tags).post(create_tag))
        .route(
            "/v3/applied_candidate_tags",
            get(list_applied).post(apply_tag),
        )
        .route("/v3/applied_candidate_tags/{id}", delete(unapply_tag))
        .route("/v3/attachments", post(create_attachment))
        .route("/v3/notes", post(create_note))
        .route("/v3/{resource}", get(list_other))
        .with_state(state)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message}))).into_response()
}

fn unprocessable(message: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"message": "Validation error", "errors": [message]})),
    )
        .into_response()
}

/// `POST /token`: client credentials in Basic auth, `grant_type=client_credentials` and an
/// optional `sub` (the acting user) in the form body.
async fn token(State(state): State<AppState>, headers: HeaderMap, body: String) -> Response {
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let expected = format!("{}:{}", state.config.client_id, state.config.client_secret);
    if credentials.as_deref() != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let form: BTreeMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%20", " ")))
        .collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return error(
            StatusCode::BAD_REQUEST,
            "grant_type is invalid, please use one of: client_credentials",
        );
    }
    let now = state.now();
    let expires_at = now
        + chrono::Duration::from_std(state.config.token_lifetime)
            .unwrap_or(chrono::Duration::hours(1));
    let mut world = state.world();
    let token = format!("gh-sandbox-token-{:08}", world.fresh_id());
    world
        .tokens
        .insert(token.clone(), (expires_at, form.get("sub").cloned()));
    Json(json!({"token_type": "Bearer", "access_token": token,
                "expires_at": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}))
    .into_response()
}

/// The acting user of a valid bearer token, or the 401 to answer.
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Option<String>, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let now = state.now();
    let world = state.world();
    match token.and_then(|token| world.tokens.get(token)) {
        Some((expires_at, sub)) if *expires_at > now => Ok(sub.clone()),
        _ => Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Unauthorized", "errors": ["Token could not be decoded."]})),
        )
            .into_response()),
    }
}

/// Latency, request counting and the scripted 429; `Err` is the response to send instead.
async fn admit(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> Result<Option<String>, Response> {
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    let sub = authorize(state, headers)?;
    let count = {
        let mut world = state.world();
        let count = world.requests.entry(path.to_owned()).or_insert(0);
        *count += 1;
        world.requests.values().sum::<u64>()
    };
    if let Some(every) = state.config.rate_limit_every.filter(|every| *every > 0)
        && count % every == 0
    {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded");
        let reset = (state.now().timestamp() + 1).to_string();
        for (name, value) in [
            ("retry-after", "1".to_owned()),
            ("x-ratelimit-limit", "50".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        return Err(response);
    }
    Ok(sub)
}

fn rate_headers(response: &mut Response) {
    for (name, value) in [
        ("x-ratelimit-limit", "100000"),
        ("x-ratelimit-remaining", "99999"),
    ] {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
}

async fn list(
    state: AppState,
    resource: &str,
    headers: HeaderMap,
    params: BTreeMap<String, String>,
) -> Response {
    if !RESOURCES.contains(&resource) {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    }
    let path = format!("/v3/{resource}");
    if let Err(response) = admit(&state, &headers, &path).await {
        return response;
    }
    let page = match state.world().list(resource, &params) {
        Ok(page) => page,
        Err(problem) => return unprocessable(&problem.to_string()),
    };
    let mut response = Json(Value::Array(page.rows)).into_response();
    if let Some(cursor) = page.next_cursor {
        let link = format!("<{}{path}?cursor={cursor}>; rel=\"next\"", state.base_url);
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    rate_headers(&mut response);
    response
}

async fn list_candidates(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    list(s, "candidates", h, q).await
}

async fn list_applications(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    list(s, "applications", h, q).await
}

async fn list_tags(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    list(s, "candidate_tags", h, q).await
}

async fn list_applied(
    State(s): State<AppState>,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    list(s, "applied_candidate_tags", h, q).await
}

async fn list_other(
    State(s): State<AppState>,
    Path(resource): Path<String>,
    h: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    list(s, &resource, h, q).await
}

fn text(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// `POST /v3/candidates`: a candidate with at most one application (`application.job_id`).
async fn create_candidate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/candidates").await {
        return response;
    }
    let (Some(first), Some(last)) = (text(&body, "first_name"), text(&body, "last_name")) else {
        return unprocessable("first_name and last_name are required");
    };
    let now = state.now();
    let mut world = state.world();
    let job_id = body.pointer("/application/job_id").and_then(Value::as_u64);
    if let Some(job_id) = job_id
        && !world.jobs.contains_key(&job_id)
    {
        return unprocessable("application.job_id does not name a job");
    }
    let id = world.fresh_id();
    let mut candidate = Candidate::new(id, &first, &last, now);
    candidate.company = text(&body, "company");
    candidate.title = text(&body, "title");
    candidate.email = body
        .pointer("/email_addresses/0/value")
        .and_then(Value::as_str)
        .map(str::to_owned);
    candidate.phone = body
        .pointer("/phone_numbers/0/value")
        .and_then(Value::as_str)
        .map(str::to_owned);
    candidate.tags = body["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let candidate_json = candidate.json();
    world.candidates.insert(id, candidate);
    let application = job_id.map(|job_id| {
        new_application(
            &mut world,
            id,
            job_id,
            body["application"]["source_id"].as_u64(),
            now,
        )
    });
    (
        StatusCode::CREATED,
        Json(json!({"candidate": candidate_json, "application": application})),
    )
        .into_response()
}

fn new_application(
    world: &mut World,
    candidate_id: u64,
    job_id: u64,
    source_id: Option<u64>,
    now: DateTime<Utc>,
) -> Value {
    let id = world.fresh_id();
    let first_stage = world
        .stages
        .iter()
        .find(|(_, stage)| stage.job_id() == job_id)
        .map(|(id, stage)| (*id, stage.name.clone()));
    let mut application = Application::new(
        id,
        candidate_id,
        job_id,
        first_stage.as_ref().map_or(0, |(id, _)| *id),
        now,
    );
    application.stage_name = first_stage.map(|(_, name)| name);
    application.set_source(source_id);
    let row = application.json();
    world.applications.insert(id, application);
    row
}

/// `POST /v3/applications`: `candidate_id` and `job_id` required, unknown keys refused.
async fn create_application(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/applications").await {
        return response;
    }
    const ALLOWED: [&str; 8] = [
        "candidate_id",
        "job_id",
        "source_id",
        "referrer_id",
        "recruiter_id",
        "coordinator_id",
        "initial_stage_id",
        "custom_fields",
    ];
    if let Some(unknown) = body
        .as_object()
        .and_then(|map| map.keys().find(|key| !ALLOWED.contains(&key.as_str())))
    {
        return unprocessable(&format!("unknown property {unknown}"));
    }
    let (Some(candidate_id), Some(job_id)) =
        (body["candidate_id"].as_u64(), body["job_id"].as_u64())
    else {
        return unprocessable("candidate_id and job_id are required");
    };
    let now = state.now();
    let mut world = state.world();
    if !world.candidates.contains_key(&candidate_id) || !world.jobs.contains_key(&job_id) {
        return unprocessable("candidate_id or job_id does not exist");
    }
    if world
        .applications
        .values()
        .any(|a| a.belongs_to(candidate_id, job_id))
    {
        return unprocessable("The candidate has already applied to this job");
    }
    let row = new_application(
        &mut world,
        candidate_id,
        job_id,
        body["source_id"].as_u64(),
        now,
    );
    (StatusCode::CREATED, Json(row)).into_response()
}

/// `POST /v3/candidate_tags` `{"name"}`: a new tag of the dictionary.
async fn create_tag(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/candidate_tags").await {
        return response;
    }
    let Some(name) = text(&body, "name").filter(|n| !n.trim().is_empty()) else {
        return unprocessable("name is required");
    };
    let now = state.now();
    let mut world = state.world();
    if world.tags.values().any(|tag| tag.name == name) {
        return unprocessable("name has already been taken");
    }
    let id = world.fresh_id();
    world.tags.insert(id, Tag::new(id, &name, now));
    (StatusCode::CREATED, Json(json!({"id": id, "name": name}))).into_response()
}

/// `POST /v3/applied_candidate_tags` `{"candidate_id", "candidate_tag_id"}`.
async fn apply_tag(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/applied_candidate_tags").await {
        return response;
    }
    let (Some(candidate_id), Some(tag_id)) = (
        body["candidate_id"].as_u64(),
        body["candidate_tag_id"].as_u64(),
    ) else {
        return unprocessable("candidate_id and candidate_tag_id are required");
    };
    let now = state.now();
    let mut world = state.world();
    let Some(tag) = world.tags.get(&tag_id).map(|tag| tag.name.clone()) else {
        return unprocessable("candidate_tag_id does not exist");
    };
    let Some(candidate) = world.candidates.get_mut(&candidate_id) else {
        return unprocessable("candidate_id does not exist");
    };
    if !candidate.tags.contains(&tag) {
        candidate.tags.push(tag);
        candidate.updated_at = now;
    }
    if let Some(existing) = world
        .applied_tags
        .values()
        .find(|applied| applied.pair() == (candidate_id, tag_id))
    {
        return unprocessable(&format!(
            "the tag is applied already (applied candidate tag {})",
            existing.json()["id"]
        ));
    }
    let id = world.fresh_id();
    let applied = AppliedTag::new(id, candidate_id, tag_id, now);
    let row = applied.json();
    world.applied_tags.insert(id, applied);
    (StatusCode::CREATED, Json(row)).into_response()
}

/// `DELETE /v3/applied_candidate_tags/{id}`: removes the tag from that candidate only.
async fn unapply_tag(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/applied_candidate_tags").await {
        return response;
    }
    let now = state.now();
    let mut world = state.world();
    let Some((candidate_id, tag_id)) = world.applied_tags.remove(&id).map(|a| a.pair()) else {
        return error(StatusCode::NOT_FOUND, "Resource not found");
    };
    let name = world.tags.get(&tag_id).map(|tag| tag.name.clone());
    if let (Some(candidate), Some(name)) = (world.candidates.get_mut(&candidate_id), name) {
        candidate.tags.retain(|tag| *tag != name);
        candidate.updated_at = now;
    }
    Json(json!({"message": "Applied candidate tag deleted"})).into_response()
}

/// `POST /v3/attachments`: exactly one of `content` and `url`, on an existing application.
async fn create_attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(response) = admit(&state, &headers, "/v3/attachments").await {
        return response;
    }
    let application_id = body["application_id"].as_u64();
    if body.get("content").is_some() == body.get("url").is_some() {
        return unprocessable("pass exactly one of content and url");
    }
    let Some(filename) = text(&body, "filename") else {
        return unprocessable("filename is required");
    };
    let mut world = state.world();
    if application_id.is_none_or(|id| !world.applications.contains_key(&id)) {
        return unprocessable("application_id does not exist");
    }
    let id = world.fresh_id();
    let row = json!({"id": id, "application_id": application_id, "filename": filename, "type": body["type"]});
    world.attachments.push(row.clone());
    (StatusCode::CREATED, Json(row)).into_response()
}

/// `POST /v3/notes`: a note on a candidate, authored by `user_id` or the token's subject.
async fn create_note(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let sub = match admit(&state, &headers, "/v3/notes").await {
        Ok(sub) => sub,
        Err(response) => return response,
    };
    let Some(candidate_id) = body["candidate_id"].as_u64() else {
        return unprocessable("candidate_id is required");
    };
    let mut world = state.world();
    if !world.candidates.contains_key(&candidate_id) {
        return unprocessable("candidate_id does not exist");
    }
    let id = world.fresh_id();
    let author = body["user_id"].as_u64().map(|u| u.to_string()).or(sub);
    let row = json!({"id": id, "candidate_id": candidate_id, "application_id": body["application_id"],
                     "user_id": author, "body": body["body"], "type": "NOTE",
                     "visibility": format!("{}_visible", body["visibility"].as_str().unwrap_or("admin_only"))});
    world.notes.push(row.clone());
    (StatusCode::CREATED, Json(row)).into_response()
}
