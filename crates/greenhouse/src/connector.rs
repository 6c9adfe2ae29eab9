//! The [`Connector`] implementation and its factory.

use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_connector::{
    CheckReport, Connector, ConnectorError, ConnectorFactory, ConnectorInfo, Context, Coverage,
    CredentialField, ModelAccess, RecordSink, Recorder, SyncScope,
};
use atsbridge_http::ProviderRequest;
use atsbridge_schema::Model;
use tracing::Instrument as _;

use crate::client::GreenhouseClient;
use crate::config::GreenhouseConfig;
use crate::{coverage, sync};

/// The Greenhouse connector of one integration.
#[derive(Debug, Clone)]
pub struct GreenhouseConnector {
    client: GreenhouseClient,
}

impl GreenhouseConnector {
    /// Builds the connector from a validated config (with a recording hook when given).
    pub fn new(
        config: &GreenhouseConfig,
        recorder: Option<Arc<dyn Recorder>>,
    ) -> Result<Self, ConnectorError> {
        Ok(Self {
            client: GreenhouseClient::new(config, config.user_id.clone(), recorder)?,
        })
    }
}

fn parse(config: &serde_json::Value) -> Result<GreenhouseConfig, ConnectorError> {
    GreenhouseConfig::from_json(config).map_err(|e| ConnectorError::config(e.to_string()))
}

#[async_trait]
impl Connector for GreenhouseConnector {
    fn info(&self) -> ConnectorInfo {
        coverage::info()
    }

    fn coverage(&self) -> Coverage {
        coverage::coverage()
    }

    /// One probe per model family: jobs and candidates (a token exchange comes first).
    async fn check(&self, ctx: &Context) -> Result<CheckReport, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let mut report = CheckReport::default();
        for (model, resource) in [(Model::Job, "jobs"), (Model::Candidate, "candidates")] {
            let probe = ProviderRequest::get(resource).query("per_page", "1");
            let access = match self.client.send(probe).await {
                Ok(_) => ModelAccess::Granted,
                Err(error) if matches!(error.kind(), atsbridge_connector::ErrorKind::PermissionDenied) => ModelAccess::Denied {
                    reason: "the credential lacks the list scope, or the acting user is not a Site Admin".to_owned(),
                },
                Err(error) => return Err(error),
            };
            report = report.with(model, access);
        }
        Ok(report)
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        let span = tracing::info_span!("greenhouse_sync", integration = ctx.integration_id(), mode = ?scope.mode);
        let before = self.client.requests_sent();
        let result = sync::run(&self.client, ctx, scope, &mut *sink)
            .instrument(span)
            .await;
        sink.report_requests(self.client.requests_sent().saturating_sub(before));
        result
    }
}

/// Builds [`GreenhouseConnector`]s.
#[derive(Debug, Clone, Copy, Default)]
pub struct GreenhouseFactory;

impl ConnectorFactory for GreenhouseFactory {
    fn slug(&self) -> &'static str {
        coverage::SLUG
    }

    fn info(&self) -> ConnectorInfo {
        coverage::info()
    }

    fn coverage(&self) -> Coverage {
        coverage::coverage()
    }

    fn credential_fields(&self) -> Vec<CredentialField> {
        coverage::credential_fields()
    }

    fn build(&self, config: &serde_json::Value) -> Result<Arc<dyn Connector>, ConnectorError> {
        Ok(Arc::new(GreenhouseConnector::new(&parse(config)?, None)?))
    }

    fn build_recording(
        &self,
        config: &serde_json::Value,
        recorder: Arc<dyn Recorder>,
    ) -> Result<Arc<dyn Connector>, ConnectorError> {
        Ok(Arc::new(GreenhouseConnector::new(
            &parse(config)?,
            Some(recorder),
        )?))
    }

    fn provider_origin(&self, config: &serde_json::Value) -> Result<String, ConnectorError> {
        Ok(parse(config)?.harvest_url.origin().ascii_serialization())
    }
}
