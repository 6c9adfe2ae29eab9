//! The connect page: the server-rendered HTML behind a connect link.
//!
//! `GET /connect/{token}` lists the tools the link allows; with `?tool=` (or when the link
//! allows one tool) it shows that tool's prerequisites, connection guide and a credential form
//! generated from the connector's `credential_fields`. `POST /connect/{token}` builds the
//! connector, runs its `check` and, when the provider accepts the credentials, stores the
//! integration (or the new credentials of a relink) and queues its first sync.
//!
//! The page works without JavaScript; `connect.js` only disables the button while the check
//! runs and, for `EMBEDDED` links, hands the activation token to the opening window. Secrets
//! are never written back into the form, and the token in the address never leaves in a
//! `Referer` header.

mod html;
pub mod text;

use std::collections::BTreeMap;

use atsbridge_connector::{
    ConnectorError, ConnectorFactory, Context, CredentialField, ErrorKind, ModelAccess, model_title,
};
use atsbridge_store::{
    CompletedConnectLink, ConnectCompletion, ConnectLink, IntegrationSettings, NewIntegration,
    SetupStatus, StoreError, SyncMode,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;

use crate::state::AppState;
use html::{Page, escape};
use text::Texts;

/// Routes of the connect page and the public assets it uses (outside `/v1`: no API key).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/connect/{token}", get(show).post(submit))
        .route("/connect/guide/{tool}", get(guide))
        .route("/connect/static/connect.js", get(script))
        .route("/assets/tools/{tool}/{image}", get(tool_image))
}

/// Largest form body accepted (credentials are short).
const MAX_FORM_BYTES: usize = 16 * 1024;
/// Longest value of one credential field.
const MAX_FIELD_CHARS: usize = 2000;

#[derive(Debug, Deserialize)]
struct ToolQuery {
    tool: Option<String>,
}

/// What the form holds after a submission, for rendering it again.
#[derive(Debug, Default)]
struct FormState {
    /// Non-secret values as typed.
    values: BTreeMap<String, String>,
    /// Per-field problems.
    field_errors: BTreeMap<String, &'static str>,
    /// The problem of the whole submission.
    error: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(query): Query<ToolQuery>,
) -> Response {
    let link = match usable_link(&state, &token).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    let texts = text::for_language(&link.language);
    match selected_tool(&state, &link, query.tool.as_deref()) {
        Some(factory) => form_page(texts, &link, factory.as_ref(), &FormState::default()),
        None => tool_list_page(&state, texts, &link),
    }
}

async fn submit(State(state): State<AppState>, Path(token): Path<String>, body: Bytes) -> Response {
    let link = match usable_link(&state, &token).await {
        Ok(link) => link,
        Err(response) => return response,
    };
    let texts = text::for_language(&link.language);
    if body.len() > MAX_FORM_BYTES {
        return link_problem(texts, StatusCode::PAYLOAD_TOO_LARGE, texts.unexpected);
    }
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let Some(factory) = selected_tool(&state, &link, form.get("tool").map(String::as_str)) else {
        return tool_list_page(&state, texts, &link);
    };
    let fields = factory.credential_fields();
    let (credentials, mut form_state) = read_form(&fields, &form, texts);
    if !form_state.field_errors.is_empty() {
        return with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(texts, &link, factory.as_ref(), &form_state),
        );
    }
    if let Err(message) = check_credentials(&state, factory.as_ref(), &credentials, texts).await {
        tracing::info!(
            tool = factory.slug(),
            "connect flow: the credentials were refused"
        );
        form_state.error = Some(message);
        return with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(texts, &link, factory.as_ref(), &form_state),
        );
    }
    match complete(&state, &token, &link, factory.as_ref(), credentials).await {
        Ok(done) => success_page(texts, &link, &done),
        Err(StoreError::ConnectLinkUnusable(reason)) => link_error(texts, reason),
        Err(error) => {
            tracing::error!(%error, "connect flow: storing the integration failed");
            form_state.error = Some(texts.unexpected.to_owned());
            with_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                form_page(texts, &link, factory.as_ref(), &form_state),
            )
        }
    }
}

/// The link behind `token`, or the page that explains why it cannot be used.
async fn usable_link(state: &AppState, token: &str) -> Result<ConnectLink, Response> {
    let unknown = || link_error(&text::EN, "unknown");
    if token.len() > 200 {
        return Err(unknown());
    }
    let link = match state.store().connect_link(token).await {
        Ok(Some(link)) => link,
        Ok(None) => return Err(unknown()),
        Err(error) => {
            tracing::error!(%error, "connect page: reading the link failed");
            return Err(link_problem(
                &text::EN,
                StatusCode::INTERNAL_SERVER_ERROR,
                text::EN.unexpected,
            ));
        }
    };
    let texts = text::for_language(&link.language);
    if link.used_at.is_some() {
        return Err(link_error(texts, "already used"));
    }
    if !link.is_usable(state.now()) {
        return Err(link_error(texts, "expired"));
    }
    Ok(link)
}

/// The tool the page works on: the link's only tool, or the requested one if allowed.
fn selected_tool(
    state: &AppState,
    link: &ConnectLink,
    requested: Option<&str>,
) -> Option<std::sync::Arc<dyn ConnectorFactory>> {
    let wanted = link.tool.as_deref().or(requested)?;
    if link.tool.as_deref().is_some_and(|only| only != wanted) {
        return None;
    }
    state.registry().get(wanted).cloned()
}

/// Reads the credential fields out of the form: values trimmed, empty optional fields left
/// out, required ones reported.
fn read_form(
    fields: &[CredentialField],
    form: &BTreeMap<String, String>,
    texts: &'static Texts,
) -> (serde_json::Value, FormState) {
    let mut credentials = serde_json::Map::new();
    let mut state = FormState::default();
    for field in fields {
        let value = form
            .get(&format!("field.{}", field.key))
            .map(|v| v.trim())
            .unwrap_or("");
        if !field.secret {
            state.values.insert(field.key.clone(), value.to_owned());
        }
        if value.is_empty() {
            if field.required {
                state
                    .field_errors
                    .insert(field.key.clone(), texts.missing_field);
            }
            continue;
        }
        if value.chars().count() > MAX_FIELD_CHARS || value.chars().any(char::is_control) {
            state
                .field_errors
                .insert(field.key.clone(), texts.invalid_config);
            continue;
        }
        credentials.insert(
            field.key.clone(),
            serde_json::Value::String(value.to_owned()),
        );
    }
    (serde_json::Value::Object(credentials), state)
}

/// Builds the connector and asks the provider; the error is the sentence to show.
async fn check_credentials(
    state: &AppState,
    factory: &dyn ConnectorFactory,
    credentials: &serde_json::Value,
    texts: &'static Texts,
) -> Result<(), String> {
    let connector = state
        .registry()
        .build(factory.slug(), credentials)
        .map_err(|error| explain(&error, texts))?;
    let report = connector
        .check(&Context::new("connect-check"))
        .await
        .map_err(|error| explain(&error, texts))?;
    let denied: Vec<&str> = report
        .models
        .iter()
        .filter(|(_, access)| matches!(access, ModelAccess::Denied { .. }))
        .map(|(model, _)| model_title(*model))
        .collect();
    if denied.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} {}",
            texts.missing_permissions,
            denied.join(", ")
        ))
    }
}

/// The sentence for a failed build or check. Connector messages never hold secrets, but
/// only configuration messages are shown: they name the field to fix.
fn explain(error: &ConnectorError, texts: &'static Texts) -> String {
    match error.kind() {
        ErrorKind::Unauthenticated => texts.wrong_credentials.to_owned(),
        ErrorKind::PermissionDenied => texts.missing_permissions.trim_end_matches(':').to_owned(),
        ErrorKind::Transport | ErrorKind::Timeout | ErrorKind::ProviderUnavailable => {
            texts.unreachable.to_owned()
        }
        ErrorKind::Config | ErrorKind::InvalidInput => format!("{} {error}", texts.invalid_config),
        _ => texts.unexpected.to_owned(),
    }
}

/// Stores the integration (or the relinked credentials) and queues the first sync.
async fn complete(
    state: &AppState,
    token: &str,
    link: &ConnectLink,
    factory: &dyn ConnectorFactory,
    credentials: serde_json::Value,
) -> Result<CompletedConnectLink, StoreError> {
    let completion = match &link.relink_integration_id {
        Some(_) => ConnectCompletion::Relink { credentials },
        None => ConnectCompletion::Create(NewIntegration {
            environment_id: link.environment_id.clone(),
            tool: factory.slug().to_owned(),
            remote_label: Some(link.end_user.organization_name.clone()),
            credentials,
            settings: IntegrationSettings::default(),
            end_user: Some(link.end_user.clone()),
            setup_status: SetupStatus::FinalSyncPending,
        }),
    };
    let now = state.now();
    let activation_ttl = chrono::Duration::from_std(state.config().activation_token_ttl)
        .unwrap_or(chrono::Duration::hours(1));
    let activation_expires = atsbridge_schema::Timestamp::from(now.as_datetime() + activation_ttl);
    let done = state
        .store()
        .complete_connect_link(token, completion, now, activation_expires)
        .await?;
    tracing::info!(integration_id = %done.integration.id, "connect flow finished");
    if let Err(error) = state
        .sync()
        .force_sync(&done.integration, SyncMode::Full)
        .await
    {
        // The scheduler picks the integration up on its own within a minute.
        tracing::warn!(integration_id = %done.integration.id, error, "cannot queue the first sync");
    }
    Ok(done)
}

// ---- pages ----

fn tool_list_page(state: &AppState, texts: &'static Texts, link: &ConnectLink) -> Response {
    let mut page = Page::new(texts, texts.choose_tool);
    page.lead(if link.relink_integration_id.is_some() {
        texts.relink_intro
    } else {
        texts.intro
    });
    page.raw("<ul class=\"tools\">");
    for factory in state.registry().iter() {
        let info = factory.info();
        page.raw(&format!(
            "<li class=\"tool\"><img src=\"/assets/tools/{slug}/icon.svg\" alt=\"\" width=\"40\" \
             height=\"40\"><div><strong>{name}</strong><p>{description}</p></div>\
             <a class=\"button\" href=\"?tool={slug}\">{choose}<span class=\"visually-hidden\"> \
             {name}</span></a></li>",
            slug = escape(&info.slug),
            name = escape(&info.display_name),
            description = escape(&info.description),
            choose = escape(texts.choose),
        ));
    }
    page.raw("</ul>");
    page.finish()
}

fn form_page(
    texts: &'static Texts,
    link: &ConnectLink,
    factory: &dyn ConnectorFactory,
    form: &FormState,
) -> Response {
    let info = factory.info();
    let coverage = factory.coverage();
    let mut page = Page::new(texts, &info.display_name);
    page.tool_header(&info.slug, &info.display_name);
    page.lead(if link.relink_integration_id.is_some() {
        texts.relink_intro
    } else {
        texts.intro
    });
    if let Some(error) = &form.error {
        page.error_box(texts.error_heading, error);
    }
    html::guide_sections(&mut page, texts, &coverage);
    page.credential_form(texts, &info.slug, &factory.credential_fields(), form);
    if link.tool.is_none() {
        page.raw(&format!(
            "<p><a href=\"?\">{}</a></p>",
            escape(texts.other_tool)
        ));
    }
    page.finish()
}

fn success_page(
    texts: &'static Texts,
    link: &ConnectLink,
    done: &CompletedConnectLink,
) -> Response {
    let mut page = Page::new(texts, texts.success_heading);
    let message = if link.relink_integration_id.is_some() {
        texts.relinked_text
    } else {
        texts.success_text
    };
    page.raw(&format!(
        "<div class=\"success\" role=\"status\" id=\"connect-result\" data-link-type=\"{}\" \
         data-activation-token=\"{}\"><h2>{}</h2><p>{}</p></div>",
        escape(&link.link_type),
        // Only an embedding application may receive the token, through connect.js.
        if link.link_type == "EMBEDDED" {
            escape(&done.activation_token)
        } else {
            String::new()
        },
        escape(texts.success_heading),
        escape(message),
    ));
    page.finish()
}

fn link_error(texts: &'static Texts, reason: &str) -> Response {
    let (status, message) = match reason {
        "already used" => (StatusCode::GONE, texts.used),
        "expired" => (StatusCode::GONE, texts.expired),
        _ => (StatusCode::NOT_FOUND, texts.unknown),
    };
    link_problem(texts, status, message)
}

fn link_problem(texts: &'static Texts, status: StatusCode, message: &str) -> Response {
    let mut page = Page::new(texts, message);
    page.lead(texts.ask_for_new_link);
    with_status(status, page.finish())
}

fn with_status(status: StatusCode, mut response: Response) -> Response {
    *response.status_mut() = status;
    response
}

/// `GET /connect/guide/{tool}`: the connector's connection guide as a page of its own (the
/// `connection_guide_url` of `GET /v1/tools/ats`).
async fn guide(State(state): State<AppState>, Path(tool): Path<String>) -> Response {
    let texts = &text::EN;
    let Some(factory) = state.registry().get(&tool) else {
        return link_problem(texts, StatusCode::NOT_FOUND, texts.unknown);
    };
    let info = factory.info();
    let mut page = Page::new(texts, &format!("{} – {}", info.display_name, texts.guide));
    page.tool_header(&info.slug, &info.display_name);
    html::guide_sections(&mut page, texts, &factory.coverage());
    page.finish()
}

/// The page's only script: progressive, the page works without it.
async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        html::SCRIPT,
    )
        .into_response()
}

/// A generated SVG badge with the tool's initials (`logo`, `icon`, `icon-black`).
async fn tool_image(
    State(state): State<AppState>,
    Path((tool, image)): Path<(String, String)>,
) -> Response {
    let Some(factory) = state.registry().get(&tool) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let kind = image.trim_end_matches(".svg");
    let Some(svg) = html::tool_svg(&factory.info().display_name, kind) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = svg.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    response
}
