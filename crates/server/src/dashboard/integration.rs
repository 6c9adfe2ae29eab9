//! One integration: status and actions, records per model, the `changed_at` chart, its sync
//! runs and its webhook deliveries.

use atsbridge_store::{IntegrationId, SyncMode, SyncRun};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::overview::IntegrationSummary;
use super::views::{self, Frame, Section, Tone};
use super::{Admin, DashboardError, chart, html_page, wiring};
use crate::state::AppState;

/// Runs listed on the page.
const RUNS_SHOWN: u32 = 20;

/// Query of the integration page: the outcome of the button that led here.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    run: Option<i64>,
}

/// The sentence for a `notice` code (only known codes are shown; nothing is echoed). Once
/// the run the notice is about has ended, it says how it ended.
fn notice_text(query: &PageQuery, runs: &[SyncRun]) -> Option<(Tone, String)> {
    let run = query
        .run
        .map_or_else(String::new, |id| format!(" (run {id})"));
    let ended = query
        .run
        .and_then(|id| runs.iter().find(|r| r.id.0 == id))
        .filter(|r| r.status.is_final());
    match query.notice.as_deref()? {
        "sync-queued" | "sync-running" if ended.is_some() => {
            let status = ended.map_or("", |r| r.status.as_str());
            let tone = if status == "succeeded" {
                Tone::Good
            } else {
                Tone::Bad
            };
            Some((tone, format!("Sync{run} {status}.")))
        }
        "sync-queued" => Some((
            Tone::Good,
            format!("Sync queued{run}. This page reloads until it ends."),
        )),
        "sync-running" => Some((
            Tone::Busy,
            format!("A sync was already queued or running{run}; no second one was started."),
        )),
        other => wiring::notice_text(other, &run),
    }
}

async fn load(state: &AppState, raw_id: &str) -> Result<IntegrationSummary, DashboardError> {
    let integration = state
        .store()
        .find_integration(&IntegrationId::new(raw_id))
        .await?
        .ok_or_else(|| DashboardError::NotFound(format!("There is no integration `{raw_id}`.")))?;
    IntegrationSummary::load(state, integration).await
}

/// `GET /dashboard/integrations/{integration_id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    admin: Admin,
    Path(raw_id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, DashboardError> {
    let summary = load(&state, &raw_id).await?;
    let store = state.store();
    let id = &summary.integration.id;
    let runs = store.last_runs(id, RUNS_SHOWN).await?;
    let today = Utc::now().date_naive();
    let changes = store
        .changed_at_histogram(id, chart::first_day(today))
        .await?;
    let deliveries = wiring::webhook_deliveries(&state, &summary.integration).await?;
    let in_progress = runs.iter().any(|r| !r.status.is_final());
    let title = summary
        .integration
        .remote_label
        .clone()
        .unwrap_or_else(|| summary.integration.tool.clone());
    let content = html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            a href="/dashboard" { "Overview" } " / " span { (title) }
        }
        @if let Some((tone, text)) = notice_text(&query, &runs) {
            (views::notice(tone, &text))
        }
        (header(&summary, &title, &admin.csrf))
        div.grid-2 {
            section.card aria-labelledby="records-heading" {
                h2 #records-heading { "Records" }
                (counts_table(&summary))
            }
            section.card aria-labelledby="changes-heading" {
                h2 #changes-heading { "Changes per day" }
                p.muted.small { "Records by the day of their last change (" code { "changed_at" } "), last " (chart::DAYS) " days, UTC." }
                (chart::changed_at_chart(&changes, today))
            }
        }
        section.card aria-labelledby="runs-heading" {
            h2 #runs-heading { "Sync runs" }
            (runs_table(&runs))
        }
        section.card aria-labelledby="webhooks-heading" {
            h2 #webhooks-heading { "Webhook deliveries" }
            (wiring::deliveries_section(&deliveries))
        }
    };
    let frame = Frame {
        title: &title,
        section: Section::Overview,
        csrf: Some(&admin.csrf),
        refresh_seconds: in_progress.then_some(2),
    };
    Ok(html_page(StatusCode::OK, views::page(&frame, content)))
}

fn header(summary: &IntegrationSummary, title: &str, csrf: &str) -> Markup {
    let integration = &summary.integration;
    let (tone, status) = summary.status();
    let base = format!(
        "/dashboard/integrations/{}",
        views::segment(integration.id.as_str())
    );
    html! {
        section.card.integration-head {
            div.head-main {
                h1 { (title) " " (views::badge(tone, status)) }
                dl.facts {
                    div { dt { "Id" } dd.mono #integration-id { (integration.id.as_str()) } }
                    div { dt { "Connector" } dd { a href=(format!("/dashboard/connectors/{}", views::segment(&integration.tool))) { (integration.tool) } } }
                    div { dt { "Created" } dd { (views::time(integration.created_at)) } }
                    div {
                        dt { "Last sync" }
                        dd {
                            @if let Some(run) = &summary.last_finished {
                                (views::run_badge(run.status)) " " (views::time(run.finished_at.unwrap_or(run.started_at)))
                            } @else { "never" }
                        }
                    }
                }
                @if let Some(error) = summary.last_error() {
                    div.notice.notice-bad #last-error { strong { "Last error: " } (error) }
                }
            }
            div.actions role="group" aria-label="Actions" {
                (views::post_button(&format!("{base}/force-sync"), csrf, &[("mode", "full")], "btn btn-primary", "Force full sync"))
                (views::post_button(&format!("{base}/force-sync"), csrf, &[("mode", "delta")], "btn", "Force delta sync"))
                (wiring::lifecycle_buttons(summary, &base, csrf))
            }
        }
    }
}

fn counts_table(summary: &IntegrationSummary) -> Markup {
    if summary.counts.is_empty() {
        return html! { p.muted { "No records stored yet." } };
    }
    html! {
        table #record-counts {
            thead { tr { th scope="col" { "Model" } th scope="col" class="num" { "Live" } th scope="col" class="num" { "Deleted" } } }
            tbody {
                @for count in &summary.counts {
                    tr {
                        th scope="row" { (atsbridge_connector::model_title(count.model)) }
                        td.num { (views::number(count.live)) }
                        td.num { (views::number(count.deleted)) }
                    }
                }
            }
        }
    }
}

fn runs_table(runs: &[SyncRun]) -> Markup {
    if runs.is_empty() {
        return html! { p.muted { "No sync has run yet." } };
    }
    html! {
        div.table-wrap {
            table #runs {
                thead {
                    tr {
                        th scope="col" { "Run" }
                        th scope="col" { "Mode" }
                        th scope="col" { "Status" }
                        th scope="col" { "Started" }
                        th scope="col" class="num" { "Duration" }
                        th scope="col" class="num" { "Provider requests" }
                        th scope="col" class="num" { "Records written / read" }
                        th scope="col" { "Error" }
                    }
                }
                tbody {
                    @for run in runs {
                        @let (written, seen) = views::records_written(run);
                        tr data-run-id=(run.id.0) data-status=(run.status.as_str()) {
                            td.mono { (run.id.0) }
                            td { (run.mode.as_str()) }
                            td { (views::run_badge(run.status)) }
                            td { (views::time(run.started_at)) }
                            td.num { (views::duration(run)) }
                            td.num { (run.requests.map_or_else(|| "–".to_owned(), views::number)) }
                            td.num { (views::number(written)) " / " (views::number(seen)) }
                            td.error-cell { @if let Some(error) = &run.error { span.error-text { (error) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The force-sync form.
#[derive(Debug, Deserialize)]
pub(crate) struct ForceSyncForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    mode: Option<String>,
}

/// `POST /dashboard/integrations/{integration_id}/force-sync`: queues a run through the
/// same trigger as `POST /v1/force-sync`.
pub(crate) async fn force_sync(
    State(state): State<AppState>,
    admin: Admin,
    Path(raw_id): Path<String>,
    form: Result<Form<ForceSyncForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, DashboardError> {
    let Ok(Form(form)) = form else {
        return Err(DashboardError::BadRequest(
            "The form could not be read.".to_owned(),
        ));
    };
    admin.check_csrf(&state, &form.csrf)?;
    let mode = match form.mode.as_deref() {
        None | Some("full") => SyncMode::Full,
        Some("delta") => SyncMode::Delta,
        Some(_) => {
            return Err(DashboardError::BadRequest(
                "The sync mode must be full or delta.".to_owned(),
            ));
        }
    };
    let summary = load(&state, &raw_id).await?;
    let page = format!(
        "/dashboard/integrations/{}",
        views::segment(summary.integration.id.as_str())
    );
    if !summary.integration.enabled {
        return Ok(Redirect::to(&format!("{page}?notice=disabled-no-sync")).into_response());
    }
    let outcome = state
        .sync()
        .force_sync(&summary.integration, mode)
        .await
        .map_err(|message| {
            tracing::error!(error = %message, "dashboard force-sync failed");
            DashboardError::Internal(
                "The sync could not be started; see the server log.".to_owned(),
            )
        })?;
    tracing::info!(
        integration_id = summary.integration.id.as_str(),
        run = %outcome.sync_id,
        "sync forced from the dashboard"
    );
    let notice = if outcome.already_queued {
        "sync-running"
    } else {
        "sync-queued"
    };
    let run = outcome
        .sync_id
        .parse::<i64>()
        .map_or_else(|_| String::new(), |id| format!("&run={id}"));
    Ok(Redirect::to(&format!("{page}?notice={notice}{run}")).into_response())
}
