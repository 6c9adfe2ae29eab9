//! WIRE-IN POINTS: the dashboard parts that depend on store methods other branches of this
//! release add (webhook deliveries; integration enable/disable and relink links). Each is
//! one small function here, so merging those branches touches only this file.

use atsbridge_store::Integration;
use maud::{Markup, html};

use super::DashboardError;
use super::overview::IntegrationSummary;
use super::views::Tone;
use crate::state::AppState;

/// One webhook delivery as the dashboard lists it.
#[derive(Debug, Clone)]
pub(crate) struct DeliveryRow {
    pub(crate) event: String,
    pub(crate) endpoint: String,
    pub(crate) status: String,
    pub(crate) attempts: u32,
    pub(crate) last_error: Option<String>,
    pub(crate) created_at: atsbridge_schema::Timestamp,
}

/// WIRE-IN (webhooks branch): the latest webhook deliveries of the integration's
/// environment. `None` while this build has no webhook store methods; replace the body
/// with the store call once they are on main.
pub(crate) async fn webhook_deliveries(
    _state: &AppState,
    _integration: &Integration,
) -> Result<Option<Vec<DeliveryRow>>, DashboardError> {
    Ok(None)
}

/// The deliveries table, or a sentence saying why there is none.
pub(crate) fn deliveries_section(deliveries: Option<&[DeliveryRow]>) -> Markup {
    let Some(deliveries) = deliveries else {
        return html! { p.muted { "This server does not send webhooks yet." } };
    };
    if deliveries.is_empty() {
        return html! { p.muted { "No webhook delivery yet." } };
    }
    html! {
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
                        tr {
                            td.mono { (d.event) }
                            td.mono { (d.endpoint) }
                            td { (d.status) }
                            td.num { (d.attempts) }
                            td { (super::views::time(d.created_at)) }
                            td.error-cell { @if let Some(e) = &d.last_error { span.error-text { (e) } } }
                        }
                    }
                }
            }
        }
    }
}

/// WIRE-IN (lifecycle branch): whether the integration is enabled. Every integration is
/// enabled until the store knows the state.
pub(crate) fn integration_enabled(_integration: &Integration) -> bool {
    true
}

/// WIRE-IN (lifecycle and connect branches): the enable/disable and relink buttons.
/// Nothing until the store can change the state and create relink links.
pub(crate) fn lifecycle_buttons(_summary: &IntegrationSummary, _base: &str, _csrf: &str) -> Markup {
    html! {}
}

/// WIRE-IN: sentences for the notices of the lifecycle buttons.
pub(crate) fn notice_text(_code: &str, _run: &str) -> Option<(Tone, String)> {
    None
}
