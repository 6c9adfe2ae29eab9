//! Connector coverage pages, rendered from the registry's `coverage()` and
//! `credential_fields()`, the same declarations `cargo xtask codegen` turns into
//! `docs/connectors/<slug>.md`.

use atsbridge_connector::{Coverage, DeletionDetection, FieldCoverage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::views::{self, Frame, Section};
use super::{Admin, DashboardError, html_page};
use crate::state::AppState;

/// `GET /dashboard/connectors`.
pub(crate) async fn list(State(state): State<AppState>, admin: Admin) -> Response {
    let content = html! {
        div.page-head { h1 { "Connectors" } p.muted { "What each connector of this server reads and writes." } }
        div.cards {
            @for factory in state.registry().iter() {
                @let info = factory.info();
                @let coverage = factory.coverage();
                a.card.card-link href=(format!("/dashboard/connectors/{}", views::segment(&info.slug))) {
                    h2 { (info.display_name) }
                    p.muted { (info.description) }
                    p.small {
                        (coverage.models.len()) " models · " (coverage.actions.len()) " actions · "
                        (coverage.features.len()) " features"
                    }
                }
            }
        }
    };
    let frame = Frame {
        title: "Connectors",
        section: Section::Connectors,
        csrf: Some(&admin.csrf),
        refresh_seconds: None,
    };
    html_page(StatusCode::OK, views::page(&frame, content))
}

/// `GET /dashboard/connectors/{tool}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    admin: Admin,
    Path(tool): Path<String>,
) -> Result<Response, DashboardError> {
    let factory = state.registry().get(&tool).ok_or_else(|| {
        DashboardError::NotFound(format!("This server has no connector `{tool}`."))
    })?;
    let info = factory.info();
    let coverage = factory.coverage();
    let credentials = factory.credential_fields();
    let content = html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            a href="/dashboard/connectors" { "Connectors" } " / " span { (info.display_name) }
        }
        div.page-head {
            h1 { (info.display_name) }
            p { (info.description) }
            p.muted.small {
                "Tool slug " code { (info.slug) } " · provider API " (info.provider_api_version)
            }
        }
        div.grid-2 {
            section.card aria-labelledby="guides-heading" {
                h2 #guides-heading { "Guides" }
                (guides(&coverage))
            }
            section.card aria-labelledby="credentials-heading" {
                h2 #credentials-heading { "Credentials" }
                table {
                    thead { tr { th scope="col" { "Field" } th scope="col" { "Required" } th scope="col" { "Help" } } }
                    tbody {
                        @for field in &credentials {
                            tr {
                                th scope="row" {
                                    (field.label) div.sub.mono { (field.key) @if field.secret { " · secret" } }
                                }
                                td { @if field.required { "yes" } @else { "no" } }
                                td.small { (views::inline(&field.help)) }
                            }
                        }
                    }
                }
                (capabilities(&coverage))
            }
        }
        section.card aria-labelledby="models-heading" {
            h2 #models-heading { "Models" }
            @for model in &coverage.models {
                h3 { (model.title) }
                @if let Some(notes) = &model.notes { div.small { (views::guide_text(notes)) } }
                (field_table("Field", &model.fields))
            }
        }
        section.card aria-labelledby="actions-heading" {
            h2 #actions-heading { "Actions" }
            @if coverage.actions.is_empty() { p.muted { "This connector writes nothing." } }
            @for action in &coverage.actions {
                h3 { (action.title) }
                @if let Some(notes) = &action.notes { div.small { (views::guide_text(notes)) } }
                (field_table("Input field", &action.input_fields))
            }
        }
        section.card aria-labelledby="features-heading" {
            h2 #features-heading { "Features" }
            table {
                thead { tr { th scope="col" { "Feature" } th scope="col" { "Notes" } } }
                tbody {
                    @for feature in &coverage.features {
                        tr {
                            th scope="row" { (feature.feature.title()) }
                            td.small { @if let Some(notes) = &feature.notes { (views::guide_text(notes)) } }
                        }
                    }
                }
            }
        }
    };
    let frame = Frame {
        title: &info.display_name,
        section: Section::Connectors,
        csrf: Some(&admin.csrf),
        refresh_seconds: None,
    };
    Ok(html_page(StatusCode::OK, views::page(&frame, content)))
}

fn guides(coverage: &Coverage) -> Markup {
    let guides: Vec<_> = coverage
        .features
        .iter()
        .filter_map(|f| f.guide.as_ref())
        .collect();
    html! {
        @if guides.is_empty() { p.muted { "This connector has no guides." } }
        @for guide in guides {
            h3 { (guide.title) }
            p.muted { (guide.summary) }
            (views::guide_text(&guide.body))
        }
    }
}

fn capabilities(coverage: &Coverage) -> Markup {
    let caps = &coverage.capabilities;
    let deletions = match caps.deletion_detection {
        DeletionDetection::None => "never",
        DeletionDetection::FullScanDiff => "on full syncs",
        DeletionDetection::Feed => "from the provider's deletion feed",
    };
    html! {
        h3 { "Sync" }
        ul.plain {
            li { "Delta sync: " (if caps.delta_sync { "yes" } else { "no, every sync is full" }) }
            li { "Deletions detected: " (deletions) }
            @if let Some(max) = caps.max_concurrency { li { "At most " (max) " requests at once" } }
        }
    }
}

fn field_table(heading: &str, fields: &[FieldCoverage]) -> Markup {
    html! {
        table.fields {
            thead { tr { th scope="col" { (heading) } th scope="col" { "Notes" } } }
            tbody {
                @for field in fields {
                    tr {
                        th scope="row" { code { (field.name) } }
                        td.small {
                            @if let Some(notes) = &field.notes { (views::guide_text(notes)) }
                            @if let Some(reason) = &field.always_empty_reason { span.muted { "Always empty: " (reason) } }
                        }
                    }
                }
            }
        }
    }
}
