//! API keys and webhook endpoints of an environment, managed from the overview: revoke and
//! rotate keys (the new secret is shown once), add and remove webhook endpoints (the signing
//! secret is shown once). The same store calls as `atsbridge api-keys` and
//! `atsbridge webhooks`.

use atsbridge_store::{ApiKey, ApiKeyId, EnvironmentId, WebhookEndpoint, WebhookEndpointId};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::views::{self, Frame, Section};
use super::{Admin, DashboardError, html_page};
use crate::state::AppState;

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// The add-endpoint form.
#[derive(Debug, Deserialize)]
pub(crate) struct EndpointForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
}

type FormResult<T> = Result<Form<T>, axum::extract::rejection::FormRejection>;

fn unreadable() -> DashboardError {
    DashboardError::BadRequest("The form could not be read.".to_owned())
}

/// The keys cell of an environment row: label, created, last used, revoke and rotate.
pub(crate) fn keys_cell(environment: &EnvironmentId, keys: &[ApiKey], csrf: &str) -> Markup {
    let env = views::segment(environment.as_str());
    html! {
        @if keys.is_empty() {
            span.muted { "none" }
        } @else {
            ul.plain {
                @for key in keys {
                    @let base = format!("/dashboard/environments/{env}/keys/{}", views::segment(key.id.as_str()));
                    li data-key-label=(key.label) {
                        span.strong { (key.label) } " · created " (views::time(key.created_at))
                        " · last used "
                        @match key.last_used_at {
                            Some(at) => (views::time(at)),
                            None => span.muted { "never" },
                        }
                        " "
                        (views::post_button(&format!("{base}/rotate"), csrf, &[], "btn btn-small", "Rotate"))
                        (views::post_button(&format!("{base}/revoke"), csrf, &[], "btn btn-small btn-danger", "Revoke"))
                    }
                }
            }
        }
    }
}

/// The webhooks cell of an environment row: endpoints with a remove button, and a form to
/// add one.
pub(crate) fn webhooks_cell(
    environment: &EnvironmentId,
    endpoints: &[WebhookEndpoint],
    csrf: &str,
) -> Markup {
    let env = views::segment(environment.as_str());
    let field_id = format!("webhook-url-{env}");
    html! {
        @if !endpoints.is_empty() {
            ul.plain {
                @for endpoint in endpoints {
                    li data-endpoint=(endpoint.id.as_str()) {
                        span.mono { (super::wiring::endpoint_label(&endpoint.url)) }
                        " "
                        (views::post_button(
                            &format!("/dashboard/environments/{env}/webhooks/{}/remove", views::segment(endpoint.id.as_str())),
                            csrf, &[], "btn btn-small btn-danger", "Remove"))
                    }
                }
            }
        }
        form.inline-form method="post" action=(format!("/dashboard/environments/{env}/webhooks")) {
            input type="hidden" name="csrf" value=(csrf);
            label.visually-hidden for=(field_id) { "Webhook URL" }
            input id=(field_id) type="url" name="url" placeholder="https://app.example.com/hooks" required;
            button.btn.btn-small type="submit" { "Add endpoint" }
        }
    }
}

/// The endpoints of every environment, in the order of `environments`.
pub(crate) async fn endpoints_of(
    state: &AppState,
    environments: &[atsbridge_store::Environment],
) -> Result<Vec<Vec<WebhookEndpoint>>, DashboardError> {
    let mut out = Vec::with_capacity(environments.len());
    for environment in environments {
        out.push(
            state
                .store()
                .list_webhook_endpoints(Some(&environment.id))
                .await?,
        );
    }
    Ok(out)
}

/// `POST /dashboard/environments/{environment_id}/keys/{key_id}/revoke`.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Path((environment, key)): Path<(String, String)>,
    form: FormResult<CsrfForm>,
) -> Result<Response, DashboardError> {
    let Form(form) = form.map_err(|_| unreadable())?;
    admin.check_csrf(&state, &form.csrf)?;
    let revoked = state
        .store()
        .revoke_api_key(&EnvironmentId::new(&environment), &ApiKeyId::new(&key))
        .await?;
    if !revoked {
        return Err(DashboardError::NotFound(
            "There is no such API key.".to_owned(),
        ));
    }
    tracing::info!(environment, key, "API key revoked from the dashboard");
    Ok(Redirect::to("/dashboard").into_response())
}

/// `POST /dashboard/environments/{environment_id}/keys/{key_id}/rotate`: a new key with the
/// same label replaces the old one at once; the new secret is shown on this page only.
pub(crate) async fn rotate(
    State(state): State<AppState>,
    admin: Admin,
    Path((environment, key)): Path<(String, String)>,
    form: FormResult<CsrfForm>,
) -> Result<Response, DashboardError> {
    let Form(form) = form.map_err(|_| unreadable())?;
    admin.check_csrf(&state, &form.csrf)?;
    let rotated = state
        .store()
        .rotate_api_key(&EnvironmentId::new(&environment), &ApiKeyId::new(&key))
        .await?
        .ok_or_else(|| DashboardError::NotFound("There is no such API key.".to_owned()))?;
    tracing::info!(environment, key, "API key rotated from the dashboard");
    Ok(secret_page(
        &admin,
        "New API key",
        "The old key stopped working. Give this key to the application; it is shown only now.",
        "api-key",
        &rotated.secret,
    ))
}

/// `POST /dashboard/environments/{environment_id}/webhooks`: adds an endpoint; its signing
/// secret is shown on this page only.
pub(crate) async fn add_endpoint(
    State(state): State<AppState>,
    admin: Admin,
    Path(environment): Path<String>,
    form: FormResult<EndpointForm>,
) -> Result<Response, DashboardError> {
    let Form(form) = form.map_err(|_| unreadable())?;
    admin.check_csrf(&state, &form.csrf)?;
    let url = url::Url::parse(form.url.trim())
        .map_err(|_| DashboardError::BadRequest("The webhook URL is not a URL.".to_owned()))?;
    atsbridge_http::address_guard::check_url(&url, false).map_err(|error| {
        DashboardError::BadRequest(format!("This webhook URL is not allowed: {error}"))
    })?;
    let added = state
        .store()
        .add_webhook_endpoint(&EnvironmentId::new(&environment), url.as_str())
        .await
        .map_err(|error| match error {
            atsbridge_store::StoreError::InvalidArgument(message) => {
                DashboardError::BadRequest(message)
            }
            atsbridge_store::StoreError::EnvironmentNotFound(_) => {
                DashboardError::NotFound("There is no such environment.".to_owned())
            }
            other => DashboardError::from(other),
        })?;
    tracing::info!(
        environment,
        endpoint = added.endpoint.id.as_str(),
        "webhook endpoint added from the dashboard"
    );
    Ok(secret_page(
        &admin,
        "Webhook endpoint added",
        "Verify the `webhook-signature` header of every delivery with this secret (see \
         docs/webhooks.md). It is shown only now.",
        "webhook-secret",
        &added.secret,
    ))
}

/// `POST /dashboard/environments/{environment_id}/webhooks/{endpoint_id}/remove`.
pub(crate) async fn remove_endpoint(
    State(state): State<AppState>,
    admin: Admin,
    Path((environment, endpoint)): Path<(String, String)>,
    form: FormResult<CsrfForm>,
) -> Result<Response, DashboardError> {
    let Form(form) = form.map_err(|_| unreadable())?;
    admin.check_csrf(&state, &form.csrf)?;
    let removed = state
        .store()
        .remove_webhook_endpoint(
            &EnvironmentId::new(&environment),
            &WebhookEndpointId::new(&endpoint),
        )
        .await?;
    if !removed {
        return Err(DashboardError::NotFound(
            "There is no such webhook endpoint.".to_owned(),
        ));
    }
    tracing::info!(
        environment,
        endpoint,
        "webhook endpoint removed from the dashboard"
    );
    Ok(Redirect::to("/dashboard").into_response())
}

/// A page that shows a secret once (answered directly, never through a redirect URL).
fn secret_page(admin: &Admin, title: &str, help: &str, id: &str, secret: &str) -> Response {
    let content = html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            a href="/dashboard" { "Overview" } " / " span { (title) }
        }
        section.card.narrow {
            h1 { (title) }
            div.field {
                label for=(id) { "Secret" }
                input id=(id) type="text" readonly value=(secret) aria-describedby=(format!("{id}-help"));
                p.help id=(format!("{id}-help")) { (help) }
            }
            p { a href="/dashboard" { "Back to the overview" } }
        }
    };
    let frame = Frame {
        title,
        section: Section::Overview,
        csrf: Some(&admin.csrf),
        refresh_seconds: None,
    };
    html_page(StatusCode::OK, views::page(&frame, content))
}
