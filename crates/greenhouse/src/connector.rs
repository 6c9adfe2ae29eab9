//! The [`Connector`] implementation and its factory.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use atsbridge_connector::{
    ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CheckReport, Connector,
    ConnectorError, ConnectorFactory, ConnectorInfo, Context, Coverage, CreateApplicationInput,
    CreateCandidateInput, CreatedApplication, CreatedCandidate, CredentialField, ModelAccess,
    PassthroughCall, PassthroughResult, RecordSink, Recorder, SyncScope,
};
use atsbridge_http::ProviderRequest;
use atsbridge_schema::Model;
use tracing::Instrument as _;

use crate::client::GreenhouseClient;
use crate::config::GreenhouseConfig;
use crate::{actions, coverage, passthrough, sync};

/// The Greenhouse connector of one integration.
#[derive(Clone)]
pub struct GreenhouseConnector {
    config: GreenhouseConfig,
    recorder: Option<Arc<dyn Recorder>>,
    client: GreenhouseClient,
    /// Clients whose tokens act as another user (`On-Behalf-Of`), by user id.
    acting: Arc<Mutex<BTreeMap<String, GreenhouseClient>>>,
}

impl std::fmt::Debug for GreenhouseConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GreenhouseConnector")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl GreenhouseConnector {
    /// Builds the connector from a validated config (with a recording hook when given).
    pub fn new(
        config: &GreenhouseConfig,
        recorder: Option<Arc<dyn Recorder>>,
    ) -> Result<Self, ConnectorError> {
        Ok(Self {
            client: GreenhouseClient::new(config, config.user_id.clone(), recorder.clone())?,
            config: config.clone(),
            recorder,
            acting: Arc::new(Mutex::new(BTreeMap::new())),
        })
    }

    /// The client for a write: the integration's, or one whose token's `sub` is the user a
    /// request names in `remote_fields.greenhouse.post_headers.On-Behalf-Of`.
    fn acting_as(
        &self,
        remote_fields: Option<&atsbridge_schema::common::JsonObject>,
    ) -> Result<GreenhouseClient, ConnectorError> {
        let Some(user) = actions::on_behalf_of(remote_fields)
            .filter(|user| Some(user) != self.config.user_id.as_ref())
        else {
            return Ok(self.client.clone());
        };
        let mut acting = self
            .acting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = acting.get(&user) {
            return Ok(client.clone());
        }
        let client =
            GreenhouseClient::new(&self.config, Some(user.clone()), self.recorder.clone())?;
        acting.insert(user, client.clone());
        Ok(client)
    }

    /// The source of created applications: the integration's `default_source_id` (Harvest v3
    /// cannot create sources, see `decisions.rs`).
    fn source_id(&self, source_name: Option<&str>) -> (Option<u64>, Vec<String>) {
        match (self.config.default_source_id, source_name) {
            (Some(id), _) => (Some(id), Vec::new()),
            (None, Some(name)) => (
                None,
                vec![format!(
                    "source `{name}` was not set: Harvest v3 cannot create sources and the integration has no `default_source_id`"
                )],
            ),
            (None, None) => (None, Vec::new()),
        }
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

    async fn create_candidate(
        &self,
        ctx: &Context,
        input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let client = self.acting_as(input.body.remote_fields.as_ref())?;
        let (source, mut warnings) = self.source_id(input.source_name.as_deref());
        let created = actions::create_candidate_with_application(
            &client,
            &input.body.candidate,
            &input.job_remote_id,
            source,
            &input.attachments,
            input.screening_answers.len(),
        )
        .await?;
        warnings.extend(created.warnings);
        Ok(CreatedCandidate {
            candidate: created.candidate,
            applications: vec![created.application],
            related: created.related,
            warnings,
        })
    }

    /// Harvest v3 has no candidate lookup for de-duplication: the applicant becomes a new
    /// candidate with this one application (see `decisions.rs`).
    async fn create_application(
        &self,
        ctx: &Context,
        input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let client = self.acting_as(input.body.remote_fields.as_ref())?;
        let (source, mut warnings) = self.source_id(input.source_name.as_deref());
        let mut created = actions::create_candidate_with_application(
            &client,
            &input.body.candidate,
            &input.job_remote_id,
            source,
            &input.attachments,
            input.screening_answers.len(),
        )
        .await?;
        warnings.append(&mut created.warnings);
        created.warnings = warnings;
        Ok(created)
    }

    async fn add_candidate_tag(
        &self,
        ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        actions::add_tag(&self.client, &input.candidate_remote_id, &input.tag_name).await
    }

    async fn remove_candidate_tag(
        &self,
        ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        actions::remove_tag(&self.client, &input.candidate_remote_id, &input.tag_name).await
    }

    async fn add_application_attachment(
        &self,
        ctx: &Context,
        input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let application = input
            .application_remote_id
            .trim()
            .parse()
            .map_err(|_| ConnectorError::invalid_input("not a Greenhouse application id"))?;
        actions::upload(&self.client, application, &input.attachment).await?;
        Ok(ActionOutcome::default())
    }

    async fn add_candidate_attachment(
        &self,
        ctx: &Context,
        input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let application =
            actions::latest_application(&self.client, &input.candidate_remote_id).await?;
        actions::upload(&self.client, application, &input.attachment).await?;
        Ok(ActionOutcome {
            records: Vec::new(),
            warnings: vec![format!(
                "Greenhouse keeps files on applications; stored on the candidate's most recent application {application}"
            )],
        })
    }

    async fn add_application_result_link(
        &self,
        ctx: &Context,
        input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let client = self.acting_as(input.link.remote_fields.as_ref())?;
        let candidate = match input
            .candidate_remote_id
            .as_deref()
            .and_then(|id| id.trim().parse().ok())
        {
            Some(candidate) => candidate,
            None => actions::candidate_of(&client, &input.application_remote_id).await?,
        };
        let application = input.application_remote_id.trim().parse().ok();
        actions::add_result_link(&client, candidate, application, &input.link).await
    }

    async fn add_candidate_result_link(
        &self,
        ctx: &Context,
        input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let client = self.acting_as(input.link.remote_fields.as_ref())?;
        let candidate = input
            .candidate_remote_id
            .trim()
            .parse()
            .map_err(|_| ConnectorError::invalid_input("not a Greenhouse candidate id"))?;
        actions::add_result_link(&client, candidate, None, &input.link).await
    }

    async fn passthrough(
        &self,
        ctx: &Context,
        call: PassthroughCall,
    ) -> Result<PassthroughResult, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        passthrough::execute(&self.client, call).await
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
