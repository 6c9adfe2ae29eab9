//! The trait every connector implements.

use async_trait::async_trait;

use crate::Model;
use crate::action::{
    ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CreateApplicationInput,
    CreateCandidateInput, CreatedApplication, CreatedCandidate,
};
use crate::context::Context;
use crate::coverage::{Action, Coverage, Feature};
use crate::error::ConnectorError;
use crate::info::{CheckReport, ConnectorInfo};
use crate::passthrough::{PassthroughCall, PassthroughResult};
use crate::scope::SyncScope;
use crate::sink::RecordSink;

/// A provider adapter: reads an ATS account into unified records and performs write actions.
///
/// Object safe; callers hold it as `Arc<dyn Connector>`, always wrapped in a
/// [`GuardedConnector`](crate::GuardedConnector) so that anything [`Connector::coverage`] does
/// not declare is refused before the connector runs. A connector therefore implements only
/// what it declares: every action method and [`Connector::passthrough`] have default bodies
/// that answer "unsupported".
///
/// Connectors speak provider (remote) ids only; the engine and server mint unified ids.
/// `Debug` implementations must not print credentials.
#[async_trait]
pub trait Connector: Send + Sync + std::fmt::Debug {
    /// Who the connector is.
    fn info(&self) -> ConnectorInfo;

    /// What the connector supports. Must return the same value for the life of the instance.
    fn coverage(&self) -> Coverage;

    /// The models whose [`SyncScope::known_remote_ids`] this connector reads, when its
    /// coverage sets [`Capabilities::refresh_known_ids`](crate::Capabilities). The engine
    /// loads known ids only for these: one string per stored record, so leaving out a large
    /// model the connector never reads (applications, say) saves memory on large accounts.
    /// The default is every model.
    fn known_ids_models(&self) -> Vec<Model> {
        Model::ALL.to_vec()
    }

    /// Probes the provider with the integration's credentials and reports access per model.
    /// Returns `Err` only when nothing could be checked (e.g. the credentials are rejected).
    async fn check(&self, ctx: &Context) -> Result<CheckReport, ConnectorError>;

    /// Reads the models of `scope` and pushes them into `sink`.
    ///
    /// Push records in batches as they arrive, call [`RecordSink::mark_complete`] for each
    /// model enumerated completely, and leave state for the next run with
    /// [`RecordSink::set_state`]. Stop with [`ConnectorError::cancelled`] when
    /// `ctx` is cancelled.
    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError>;

    /// Creates a candidate (optionally with an application).
    async fn create_candidate(
        &self,
        _ctx: &Context,
        _input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        Err(ConnectorError::unsupported_action(Action::CreateCandidate))
    }

    /// Creates an application (and its candidate, or reuses an existing one) for a job.
    async fn create_application(
        &self,
        _ctx: &Context,
        _input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::CreateApplication,
        ))
    }

    /// Adds a tag (by name) to a candidate.
    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        _input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(Action::AddCandidateTag))
    }

    /// Removes a tag (by name) from a candidate.
    async fn remove_candidate_tag(
        &self,
        _ctx: &Context,
        _input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::RemoveCandidateTag,
        ))
    }

    /// Uploads an attachment to an application.
    async fn add_application_attachment(
        &self,
        _ctx: &Context,
        _input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::AddApplicationAttachment,
        ))
    }

    /// Uploads an attachment to a candidate.
    async fn add_candidate_attachment(
        &self,
        _ctx: &Context,
        _input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::AddCandidateAttachment,
        ))
    }

    /// Adds a result link to an application.
    async fn add_application_result_link(
        &self,
        _ctx: &Context,
        _input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::AddApplicationResultLink,
        ))
    }

    /// Adds a result link to a candidate.
    async fn add_candidate_result_link(
        &self,
        _ctx: &Context,
        _input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        Err(ConnectorError::unsupported_action(
            Action::AddCandidateResultLink,
        ))
    }

    /// Sends a raw request to the provider's API, authenticated by the connector and
    /// restricted to the integration's own provider host.
    async fn passthrough(
        &self,
        _ctx: &Context,
        _call: PassthroughCall,
    ) -> Result<PassthroughResult, ConnectorError> {
        Err(ConnectorError::unsupported_feature(Feature::ApiPassthrough))
    }
}
