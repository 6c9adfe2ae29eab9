//! The [`Connector`] implementation and its factory.

use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_connector::{
    ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CheckReport, Connector,
    ConnectorError, ConnectorFactory, ConnectorInfo, Context, Coverage, CreateApplicationInput,
    CreateCandidateInput, CreatedApplication, CreatedCandidate, CredentialField, ModelAccess,
    PassthroughCall, PassthroughResult, RecordSink, SyncScope,
};
use atsbridge_schema::Model;
use tracing::Instrument as _;

use crate::actions::{self, CreateRequest, parse_remote_id};
use crate::client::ErecruiterClient;
use crate::config::ErecruiterConfig;
use crate::{coverage, passthrough, sync};

/// The eRecruiter connector of one integration; owns its HTTP client.
#[derive(Debug, Clone)]
pub struct ErecruiterConnector {
    config: Arc<ErecruiterConfig>,
    client: ErecruiterClient,
}

impl ErecruiterConnector {
    /// Builds the connector (and its HTTP client) from a validated config.
    pub fn new(config: ErecruiterConfig) -> Result<Self, ConnectorError> {
        let client = ErecruiterClient::new(&config)?;
        Ok(Self {
            config: Arc::new(config),
            client,
        })
    }

    /// Builds the connector with the transport's recording hook (see
    /// [`ErecruiterClient::with_recorder`]).
    pub fn with_recorder(
        config: ErecruiterConfig,
        recorder: Arc<dyn atsbridge_http::Recorder>,
    ) -> Result<Self, ConnectorError> {
        let client = ErecruiterClient::with_recorder(&config, recorder)?;
        Ok(Self {
            config: Arc::new(config),
            client,
        })
    }

    /// Parses, validates and builds from the integration's config JSON.
    pub fn from_json(config: &serde_json::Value) -> Result<Self, ConnectorError> {
        let config = ErecruiterConfig::from_json(config)
            .map_err(|e| ConnectorError::config(e.to_string()))?;
        Self::new(config)
    }

    /// The validated config.
    pub fn config(&self) -> &ErecruiterConfig {
        &self.config
    }

    /// The typed eRecruiter client.
    pub fn client(&self) -> &ErecruiterClient {
        &self.client
    }

    fn concurrency(&self) -> usize {
        self.config.max_concurrent_requests.get() as usize
    }

    fn created_by(&self, ctx: &Context) -> String {
        ctx.settings()
            .default_source_name
            .clone()
            .or_else(|| self.config.default_source_name.clone())
            .unwrap_or_else(|| "atsbridge".to_owned())
    }

    fn source_name(&self, ctx: &Context, given: Option<&str>) -> Option<String> {
        given
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .or_else(|| ctx.settings().default_source_name.clone())
            .or_else(|| self.config.default_source_name.clone())
    }

    /// Both create actions: settles the source, then creates (or reuses) the applicant and
    /// applies to the job.
    async fn create(
        &self,
        ctx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<actions::Created, ConnectorError> {
        let source = self.source_name(ctx, request.source_name);
        let request = CreateRequest {
            source_name: source.as_deref(),
            ..request
        };
        actions::create(&self.client, &self.config, ctx, request).await
    }
}

#[async_trait]
impl Connector for ErecruiterConnector {
    fn info(&self) -> ConnectorInfo {
        coverage::info()
    }

    fn coverage(&self) -> Coverage {
        coverage::coverage()
    }

    /// Jobs and applicants are re-read by id; applications come with their applicant.
    fn known_ids_models(&self) -> Vec<Model> {
        vec![Model::Job, Model::Candidate]
    }

    async fn check(&self, ctx: &Context) -> Result<CheckReport, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        // Ping needs no token; a first authenticated call proves the key and mandator work.
        self.client.ping().await?;
        let mut report = CheckReport::default();
        // Every listed job is read (an unreadable one makes the list unreadable, as in a
        // sync); the first one's id probes the applications.
        let jobs = self.client.published_jobs().await.and_then(|list| {
            let mut first_id = None;
            for raw in list.raw_jobs()? {
                let job = crate::client::read_job(raw)?;
                first_id.get_or_insert(job.id);
            }
            Ok(first_id)
        });
        let job_access = access(&jobs);
        for model in [
            Model::Job,
            Model::ScreeningQuestion,
            Model::JobScreeningQuestion,
        ] {
            report = report.with(model, job_access.clone());
        }
        if let Err(error) = &jobs
            && matches!(
                error.kind(),
                atsbridge_connector::ErrorKind::Unauthenticated
            )
        {
            return Err(jobs
                .err()
                .unwrap_or_else(|| ConnectorError::unauthenticated("rejected")));
        }
        let applicants = match jobs.ok().flatten() {
            Some(job_id) => access(&self.client.applications_by_job(job_id).await),
            None => ModelAccess::Unknown {
                reason: "no published job to probe applications with".into(),
            },
        };
        for model in [Model::Candidate, Model::Application] {
            report = report.with(model, applicants.clone());
        }
        report = report.with(Model::ApplicationStage, ModelAccess::Granted);
        Ok(report)
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        let span = tracing::info_span!("erecruiter_sync", integration = ctx.integration_id());
        // The client's counter is shared by every call of this connector, so calls made while
        // the sync runs (actions, passthrough) are counted into the run as well.
        let sent_before = self.client.requests_sent();
        let result = sync::run(&self.client, self.concurrency(), ctx, scope, &mut *sink)
            .instrument(span)
            .await;
        sink.report_requests(self.client.requests_sent().saturating_sub(sent_before));
        result
    }

    async fn create_candidate(
        &self,
        ctx: &Context,
        input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        let created = self.create(ctx, CreateRequest::from(&input)).await?;
        Ok(CreatedCandidate {
            candidate: created.candidate,
            applications: vec![created.application],
            related: created.related,
            warnings: created.warnings,
        })
    }

    async fn create_application(
        &self,
        ctx: &Context,
        input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        let created = self.create(ctx, CreateRequest::from(&input)).await?;
        Ok(CreatedApplication {
            candidate: created.candidate,
            application: created.application,
            related: created.related,
            warnings: created.warnings,
        })
    }

    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        actions::change_tag(
            &self.client,
            &input.candidate_remote_id,
            &input.tag_name,
            true,
        )
        .await
    }

    async fn remove_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        actions::change_tag(
            &self.client,
            &input.candidate_remote_id,
            &input.tag_name,
            false,
        )
        .await
    }

    async fn add_candidate_attachment(
        &self,
        _ctx: &Context,
        input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let applicant_id = parse_remote_id("candidate", &input.candidate_remote_id)?;
        actions::add_attachment(&self.client, &self.config, applicant_id, &input.attachment)
            .await?;
        Ok(ActionOutcome::default())
    }

    async fn add_application_attachment(
        &self,
        _ctx: &Context,
        input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let applicant_id = applicant_of_application(input.candidate_remote_id.as_deref())?;
        actions::add_attachment(&self.client, &self.config, applicant_id, &input.attachment)
            .await?;
        Ok(ActionOutcome {
            records: Vec::new(),
            warnings: vec![format!(
                "eRecruiter stores files on the candidate: `{}` was attached to candidate {applicant_id}, not to application {}",
                input.attachment.name, input.application_remote_id
            )],
        })
    }

    async fn add_candidate_result_link(
        &self,
        ctx: &Context,
        input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let applicant_id = parse_remote_id("candidate", &input.candidate_remote_id)?;
        let history = actions::result_link_history(&input.link, None, &self.created_by(ctx));
        self.client.add_history(applicant_id, &history).await?;
        Ok(ActionOutcome::default())
    }

    async fn add_application_result_link(
        &self,
        ctx: &Context,
        input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let application_id = parse_remote_id("application", &input.application_remote_id)?;
        let applicant_id = applicant_of_application(input.candidate_remote_id.as_deref())?;
        let job_id =
            actions::job_of_application(&self.client, applicant_id, application_id).await?;
        let history =
            actions::result_link_history(&input.link, Some(job_id), &self.created_by(ctx));
        self.client.add_history(applicant_id, &history).await?;
        Ok(ActionOutcome::default())
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

/// The applicant id of an application-level action (eRecruiter keeps files and history on
/// the applicant).
fn applicant_of_application(candidate_remote_id: Option<&str>) -> Result<i64, ConnectorError> {
    let candidate = candidate_remote_id.ok_or_else(|| {
        ConnectorError::invalid_input(
            "the application's candidate is unknown; sync the application first",
        )
    })?;
    parse_remote_id("candidate", candidate)
}

fn access<T>(result: &Result<T, ConnectorError>) -> ModelAccess {
    match result {
        Ok(_) => ModelAccess::Granted,
        Err(e)
            if matches!(
                e.kind(),
                atsbridge_connector::ErrorKind::PermissionDenied
                    | atsbridge_connector::ErrorKind::Unauthenticated
            ) =>
        {
            ModelAccess::Denied {
                reason: e.message().to_owned(),
            }
        }
        Err(e) => ModelAccess::Unknown {
            reason: e.message().to_owned(),
        },
    }
}

/// Builds [`ErecruiterConnector`]s from integration config.
#[derive(Debug, Clone, Copy, Default)]
pub struct ErecruiterFactory;

impl ConnectorFactory for ErecruiterFactory {
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
        Ok(Arc::new(ErecruiterConnector::from_json(config)?))
    }

    fn build_recording(
        &self,
        config: &serde_json::Value,
        recorder: Arc<dyn atsbridge_connector::Recorder>,
    ) -> Result<Arc<dyn Connector>, ConnectorError> {
        let config = ErecruiterConfig::from_json(config)
            .map_err(|e| ConnectorError::config(e.to_string()))?;
        Ok(Arc::new(ErecruiterConnector::with_recorder(
            config, recorder,
        )?))
    }

    fn provider_origin(&self, config: &serde_json::Value) -> Result<String, ConnectorError> {
        let config = ErecruiterConfig::from_json(config)
            .map_err(|e| ConnectorError::config(e.to_string()))?;
        Ok(config.root_url.origin().ascii_serialization())
    }
}
