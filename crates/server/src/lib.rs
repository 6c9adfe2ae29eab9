//! Kombo-compatible `/v1` HTTP API for atsbridge.
//!
//! The server answers reads from the store only and performs writes through the integration's
//! (guarded) connector, storing what the connector returns before it answers, so the next list
//! call shows the change. Wire format, error codes and query conventions follow Kombo's ATS
//! API, so Kombo's SDKs work against it unchanged.
//!
//! Build an [`AppState`] from the store, the connector registry, something that can start syncs
//! ([`SyncTrigger`]) and a [`ServerConfig`]; then [`build_router`] or [`serve`].

pub mod auth;
pub mod config;
pub mod connect_page;
pub mod cursor;
pub mod dashboard;
pub mod data_url;
pub mod error;
pub mod extract;
mod field_rules;
mod nested;
pub mod openapi;
pub mod query;
pub mod routes;
pub mod state;
mod trigger;
mod writeback;

use std::future::Future;

pub use config::ServerConfig;
pub use error::ApiError;
pub use routes::build_router;
pub use routes::connect::connect_page_url;
pub use state::{AppState, ForceSyncOutcome, StateError, SyncTrigger};
pub use trigger::SchedulerTrigger;

/// Serves the API on `listener` until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = build_router(state);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
