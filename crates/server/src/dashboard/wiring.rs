//! What the dashboard reads and does through other parts of the release: the webhook
//! delivery log, enable/disable, and relink links.

use atsbridge_store::{DeliveryQuery, DeliveryStatus, Integration, IntegrationId, WebhookDelivery};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::overview::IntegrationSummary;
use super::views::{self, Frame, Section, Tone};
use super::{Admin, DashboardError, html_page};
use crate::routes::connect::{RelinkRequest, create_relink_link, link_url};
use crate::state::AppState;

/// Deliveries listed on an integration page.
const DELIVERIES_SHOWN: u32 = 20;

/// The latest webhook deliveries of the integration's environment (webhook endpoints belong
/// to environments), newest first.
pub(crate) async fn webhook_deliveries(
    state: &AppState,
    integration: &Integration,
) -> Result<Vec<WebhookDelivery>, DashboardError> {
    let query = DeliveryQuery {
        environment_id: Some(integration.environment_id.clone()),
        limit: DELIVERIES_SHOWN,
        ..DeliveryQuery::default()
    };
    Ok(state.store().list_webhook_deliveries(&query).await?)
}

/// An endpoint URL without its query and fragment (they may carry credentials).
pub(crate) fn endpoint_label(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            url.set_query(None);
            url.set_fragment(None);
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        Err(_) => "(unreadable URL)".to_owned(),
    }
}

/// The deliveries table, or a sentence saying there is none.
pub(crate) fn deliveries_section(deliveries: &[WebhookDelivery]) -> Markup {
    if deliveries.is_empty() {
        return html! {
            p.muted {
                "No webhook delivery yet. Endpoints are added with "
                code { "atsbridge webhooks add" } "."
            }
        };
    }
    html! {
        p.muted.small { "Deliveries of this integration's environment, newest first." }
        div.table-wrap {
            table #deliveries {
                thead {
                    tr {
                        th scope="col" { "Event" }
                        th scope="col" { "Endpoint" }
                        th scope="col" { "Status" }
                        th scope="col" class="num" { "Attempts" }
                        th scope="col" { "Created" }
                        th scope="col" { "Last error" }
                    }
                }
                tbody {
                    @for d in deliveries {
                        @let tone = match d.status {
                            DeliveryStatus::Delivered => Tone::Good,
                            DeliveryStatus::Failed => Tone::Bad,
                            DeliveryStatus::Pending => Tone::Busy,
                        };
                        tr data-event=(d.event_type) data-status=(d.status.as_str()) {
                            td.mono { (d.event_type) }
                            td.mono.small { (endpoint_label(&d.url)) }
                            td {
                                (views::badge(tone, d.status.as_str()))
                                @if let Some(code) = d.last_http_status { " " span.muted.small { "HTTP " (code) } }
                            }
                            td.num { (d.attempts) }
                            td { (views::time(d.created_at)) }
                            td.error-cell { @if let Some(e) = &d.last_error { span.error-text { (e) } } }
                        }
                    }
                }
            }
        }
    }
}

/// Whether the integration is enabled (the lifecycle state of the store).
pub(crate) fn integration_enabled(integration: &Integration) -> bool {
    integration.enabled
}

/// The relink button and the enable/disable button.
pub(crate) fn lifecycle_buttons(summary: &IntegrationSummary, base: &str, csrf: &str) -> Markup {
    let action = format!("{base}/enabled");
    html! {
        (views::post_button(&format!("{base}/relink"), csrf, &[], "btn", "Relink"))
        @if summary.integration.enabled {
            (views::post_button(&action, csrf, &[("enabled", "false")], "btn btn-danger", "Disable"))
        } @else {
            (views::post_button(&action, csrf, &[("enabled", "true")], "btn btn-primary", "Enable"))
        }
    }
}

/// Sentences for the notices of the lifecycle buttons.
pub(crate) fn notice_text(code: &str, _run: &str) -> Option<(Tone, String)> {
    match code {
        "enabled" => Some((Tone::Good, "Integration enabled: it syncs and serves again.".to_owned())),
        "disabled" => Some((
            Tone::Neutral,
            "Integration disabled: it neither syncs nor serves; its records and credentials are kept.".to_owned(),
        )),
        "disabled-no-sync" => Some((
            Tone::Bad,
            "The integration is disabled; enable it before forcing a sync.".to_owned(),
        )),
        _ => None,
    }
}

/// The enable/disable form.
#[derive(Debug, Deserialize)]
pub(crate) struct EnabledForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
}

/// `POST /dashboard/integrations/{integration_id}/enabled`: turns the integration on or off
/// through the store's lifecycle state (disabling cancels its queued and running runs).
pub(crate) async fn set_enabled(
    State(state): State<AppState>,
    admin: Admin,
    Path(raw_id): Path<String>,
    form: Result<Form<EnabledForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, DashboardError> {
    let Ok(Form(form)) = form else {
        return Err(DashboardError::BadRequest(
            "The form could not be read.".to_owned(),
        ));
    };
    admin.check_csrf(&state, &form.csrf)?;
    let enabled = match form.enabled.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(DashboardError::BadRequest(
                "`enabled` must be true or false.".to_owned(),
            ));
        }
    };
    let store = state.store();
    let integration = store
        .find_integration(&IntegrationId::new(&raw_id))
        .await?
        .ok_or_else(|| DashboardError::NotFound(format!("There is no integration `{raw_id}`.")))?;
    store
        .set_integration_enabled(&integration.environment_id, &integration.id, enabled)
        .await?
        .ok_or_else(|| DashboardError::NotFound(format!("There is no integration `{raw_id}`.")))?;
    tracing::info!(
        integration_id = integration.id.as_str(),
        enabled,
        "integration switched from the dashboard"
    );
    let notice = if enabled { "enabled" } else { "disabled" };
    let target = format!(
        "/dashboard/integrations/{}?notice={notice}",
        views::segment(integration.id.as_str())
    );
    Ok(Redirect::to(&target).into_response())
}

/// The relink form (only the CSRF token).
#[derive(Debug, Deserialize)]
pub(crate) struct RelinkForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dashboard/integrations/{integration_id}/relink`: creates a relink link as
/// `POST /v1/integrations/{id}/relink` does and shows it once. The answer is a page, not a
/// redirect, so the link never travels in a URL.
pub(crate) async fn relink(
    State(state): State<AppState>,
    admin: Admin,
    Path(raw_id): Path<String>,
    form: Result<Form<RelinkForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, DashboardError> {
    let presented = form.map(|Form(f)| f.csrf).unwrap_or_default();
    admin.check_csrf(&state, &presented)?;
    let integration = state
        .store()
        .find_integration(&IntegrationId::new(&raw_id))
        .await?
        .ok_or_else(|| DashboardError::NotFound(format!("There is no integration `{raw_id}`.")))?;
    let token = create_relink_link(&state, &integration, RelinkRequest::default())
        .await
        .map_err(|error| {
            tracing::error!(%error, "dashboard relink link failed");
            DashboardError::Internal(
                "The relink link could not be created; see the server log.".to_owned(),
            )
        })?;
    tracing::info!(
        integration_id = integration.id.as_str(),
        "relink link created from the dashboard"
    );
    let link = link_url(&state, &token);
    let minutes = state.config().connect_link_ttl.as_secs() / 60;
    let title = integration
        .remote_label
        .clone()
        .unwrap_or_else(|| integration.tool.clone());
    let page = format!(
        "/dashboard/integrations/{}",
        views::segment(integration.id.as_str())
    );
    let content = html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            a href="/dashboard" { "Overview" } " / " a href=(page) { (title) } " / " span { "Relink" }
        }
        section.card.narrow #relink {
            h1 { "Relink link for " (title) }
            p { "Send this link to the person who manages the account. It opens the connect page, where they enter new credentials; the integration keeps its id, records and settings." }
            div.field {
                label for="relink-link" { "Relink link" }
                input #relink-link type="text" readonly value=(link) aria-describedby="relink-help";
                p.help #relink-help { "Works once, for " (minutes) " minutes. It is shown only now." }
            }
            p { a href=(page) { "Back to the integration" } }
        }
    };
    let frame = Frame {
        title: "Relink link",
        section: Section::Overview,
        csrf: Some(&admin.csrf),
        refresh_seconds: None,
    };
    Ok(html_page(StatusCode::OK, views::page(&frame, content)))
}
