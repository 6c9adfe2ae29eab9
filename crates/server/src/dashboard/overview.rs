//! The overview: every environment with its API key labels, and every integration with its
//! status, last sync, record counts and last error.

use atsbridge_store::{ApiKey, Environment, Integration, ModelRecordCount, RunStatus, SyncRun};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::views::{self, Frame, Section, Tone};
use super::{Admin, DashboardError, html_page, wiring};
use crate::state::AppState;

/// An integration with what the overview shows about it.
pub(crate) struct IntegrationSummary {
    pub(crate) integration: Integration,
    pub(crate) last_run: Option<SyncRun>,
    pub(crate) last_finished: Option<SyncRun>,
    pub(crate) counts: Vec<ModelRecordCount>,
    pub(crate) enabled: bool,
}

impl IntegrationSummary {
    /// Loads the last runs and record counts of `integration`.
    pub(crate) async fn load(
        state: &AppState,
        integration: Integration,
    ) -> Result<Self, DashboardError> {
        let store = state.store();
        let runs = store.last_runs(&integration.id, 5).await?;
        let counts = store.record_counts(&integration.id).await?;
        let enabled = wiring::integration_enabled(&integration);
        Ok(Self {
            last_finished: runs.iter().find(|r| r.status.is_final()).cloned(),
            last_run: runs.into_iter().next(),
            counts,
            enabled,
            integration,
        })
    }

    /// The status badge: disabled, credentials invalid, syncing, healthy, failing or never
    /// synced.
    pub(crate) fn status(&self) -> (Tone, &'static str) {
        if !self.enabled {
            return (Tone::Neutral, "disabled");
        }
        if !self.integration.credentials_valid {
            return (Tone::Bad, "credentials invalid");
        }
        match (&self.last_run, &self.last_finished) {
            (Some(run), _) if !run.status.is_final() => (Tone::Busy, "syncing"),
            (_, Some(run)) if run.status == RunStatus::Succeeded => (Tone::Good, "healthy"),
            (_, Some(run)) if run.status == RunStatus::Failed => (Tone::Bad, "failing"),
            (_, Some(_)) => (Tone::Neutral, "cancelled"),
            _ => (Tone::Neutral, "never synced"),
        }
    }

    /// The error of the last finished run, when it failed.
    pub(crate) fn last_error(&self) -> Option<&str> {
        self.last_finished
            .as_ref()
            .filter(|r| r.status == RunStatus::Failed)
            .and_then(|r| r.error.as_deref())
    }

    /// Live records over all models.
    pub(crate) fn live_records(&self) -> u64 {
        self.counts.iter().map(|c| c.live).sum()
    }
}

/// `GET /dashboard`.
pub(crate) async fn show(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<Response, DashboardError> {
    let store = state.store();
    let environments = store.list_environments().await?;
    let mut keys = Vec::with_capacity(environments.len());
    for environment in &environments {
        keys.push(store.list_api_keys(&environment.id).await?);
    }
    let endpoints = super::keys::endpoints_of(&state, &environments).await?;
    let mut integrations = Vec::new();
    for integration in store.list_integrations(None).await? {
        integrations.push(IntegrationSummary::load(&state, integration).await?);
    }
    let now = Utc::now();
    let content = html! {
        div.page-head {
            h1 { "Overview" }
            p.muted {
                (views::count_of(environments.len(), "environment", "environments")) " · "
                (views::count_of(integrations.len(), "integration", "integrations"))
            }
        }
        section.card aria-labelledby="integrations-heading" {
            h2 #integrations-heading { "Integrations" }
            (integrations_table(&environments, &integrations, now))
        }
        section.card aria-labelledby="environments-heading" {
            h2 #environments-heading { "Environments, API keys and webhooks" }
            (environments_table(&environments, &keys, &endpoints, &admin.csrf))
        }
    };
    let frame = Frame {
        title: "Overview",
        section: Section::Overview,
        csrf: Some(&admin.csrf),
        refresh_seconds: None,
    };
    Ok(html_page(StatusCode::OK, views::page(&frame, content)))
}

fn environment_name<'a>(environments: &'a [Environment], summary: &IntegrationSummary) -> &'a str {
    environments
        .iter()
        .find(|e| e.id == summary.integration.environment_id)
        .map_or("?", |e| e.name.as_str())
}

fn integrations_table(
    environments: &[Environment],
    integrations: &[IntegrationSummary],
    now: DateTime<Utc>,
) -> Markup {
    if integrations.is_empty() {
        return html! {
            p.muted { "No integration yet. Add one with " code { "atsbridge integrations add" } "." }
        };
    }
    html! {
        div.table-wrap {
            table #integrations {
                thead {
                    tr {
                        th scope="col" { "Integration" }
                        th scope="col" { "Environment" }
                        th scope="col" { "Status" }
                        th scope="col" { "Last sync" }
                        th scope="col" class="num" { "Records" }
                        th scope="col" { "Last error" }
                    }
                }
                tbody {
                    @for summary in integrations {
                        @let integration = &summary.integration;
                        @let (tone, status) = summary.status();
                        tr {
                            td {
                                a.strong href=(format!("/dashboard/integrations/{}", views::segment(integration.id.as_str()))) {
                                    (integration.remote_label.as_deref().unwrap_or(&integration.tool))
                                }
                                div.sub.mono { (integration.id.as_str()) }
                            }
                            td { (environment_name(environments, summary)) }
                            td { (views::badge(tone, status)) }
                            td {
                                @if let Some(run) = &summary.last_finished {
                                    (views::run_badge(run.status)) " "
                                    span title=(run.started_at.to_wire_string()) { (views::ago(run.finished_at.unwrap_or(run.started_at), now)) }
                                } @else {
                                    span.muted { "–" }
                                }
                            }
                            td.num { (views::number(summary.live_records())) }
                            td.error-cell {
                                @if let Some(error) = summary.last_error() {
                                    span.error-text { (error) }
                                } @else {
                                    span.muted { "–" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn environments_table(
    environments: &[Environment],
    keys: &[Vec<ApiKey>],
    endpoints: &[Vec<atsbridge_store::WebhookEndpoint>],
    csrf: &str,
) -> Markup {
    if environments.is_empty() {
        return html! {
            p.muted { "No environment yet. Create one with " code { "atsbridge environments add <name>" } "." }
        };
    }
    html! {
        div.table-wrap {
            table #environments {
                thead {
                    tr {
                        th scope="col" { "Environment" }
                        th scope="col" { "Created" }
                        th scope="col" { "API keys" }
                        th scope="col" { "Webhook endpoints" }
                    }
                }
                tbody {
                    @for ((environment, keys), endpoints) in environments.iter().zip(keys).zip(endpoints) {
                        tr {
                            td {
                                span.strong { (environment.name) }
                                div.sub.mono { (environment.id.as_str()) }
                            }
                            td { (views::time(environment.created_at)) }
                            td { (super::keys::keys_cell(&environment.id, keys, csrf)) }
                            td { (super::keys::webhooks_cell(&environment.id, endpoints, csrf)) }
                        }
                    }
                }
            }
        }
    }
}
