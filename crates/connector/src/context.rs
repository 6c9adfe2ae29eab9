//! What every connector call receives besides its own arguments.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};
use crate::error::ConnectorError;

/// Per-integration settings that change what a connector does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IntegrationSettings {
    /// "Sync only created applications": candidates and applications are read only when they
    /// were created (or imported) through the API. The engine passes the tracked set in
    /// [`SyncScope::tracked_applications`](crate::SyncScope::tracked_applications).
    #[serde(default)]
    pub sync_only_created_applications: bool,
    /// Source name written on created candidates/applications when the request names none.
    #[serde(default)]
    pub default_source_name: Option<String>,
}

/// The environment of one connector call: integration, settings, clock and cancellation.
///
/// Cheap to clone. The provider transport is not here: each connector instance owns its own
/// HTTP client, built by its factory from the integration's config.
#[derive(Debug, Clone)]
pub struct Context {
    integration_id: String,
    settings: IntegrationSettings,
    clock: Arc<dyn Clock>,
    cancellation: CancellationToken,
}

impl Context {
    /// A context for `integration_id` with default settings, the system clock and a fresh
    /// (never cancelled) token.
    pub fn new(integration_id: impl Into<String>) -> Self {
        Self {
            integration_id: integration_id.into(),
            settings: IntegrationSettings::default(),
            clock: Arc::new(SystemClock),
            cancellation: CancellationToken::new(),
        }
    }

    /// Replaces the integration settings.
    #[must_use]
    pub fn with_settings(mut self, settings: IntegrationSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Replaces the clock (tests pass a [`ManualClock`](crate::ManualClock)).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the cancellation token, e.g. with a child of the engine's shutdown token.
    #[must_use]
    pub fn with_cancellation(mut self, token: CancellationToken) -> Self {
        self.cancellation = token;
        self
    }

    /// The id of the integration this call runs for.
    pub fn integration_id(&self) -> &str {
        &self.integration_id
    }

    /// The integration's settings.
    pub fn settings(&self) -> &IntegrationSettings {
        &self.settings
    }

    /// The clock to read "now" from.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Shortcut for `self.clock().now()`.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The token that tells the connector to stop.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    /// Whether the caller asked the connector to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// `Err(ConnectorError::cancelled())` once the caller asked to stop; call it between
    /// requests in long loops.
    pub fn ensure_not_cancelled(&self) -> Result<(), ConnectorError> {
        if self.is_cancelled() {
            Err(ConnectorError::cancelled())
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::error::ErrorKind;
    use chrono::TimeZone;

    #[test]
    fn context_reads_time_from_the_injected_clock() {
        let frozen = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        let clock = Arc::new(ManualClock::new(frozen));
        let ctx = Context::new("int-1").with_clock(clock.clone());
        assert_eq!(ctx.now(), frozen);
        clock.advance(chrono::Duration::minutes(5));
        assert_eq!(ctx.now(), frozen + chrono::Duration::minutes(5));
        assert_eq!(ctx.integration_id(), "int-1");
    }

    #[test]
    fn ensure_not_cancelled_fails_after_cancel() {
        let token = CancellationToken::new();
        let ctx = Context::new("int-1").with_cancellation(token.clone());
        assert!(ctx.ensure_not_cancelled().is_ok());
        token.cancel();
        let err = ctx.ensure_not_cancelled().unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Cancelled);
    }
}
