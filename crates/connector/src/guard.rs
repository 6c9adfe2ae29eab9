//! The one place where undeclared models, actions and features are refused.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;

use crate::action::{
    ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CreateApplicationInput,
    CreateCandidateInput, CreatedApplication, CreatedCandidate,
};
use crate::connector::Connector;
use crate::context::Context;
use crate::coverage::{Action, Coverage, Feature};
use crate::error::ConnectorError;
use crate::info::{CheckReport, ConnectorInfo};
use crate::passthrough::{PassthroughCall, PassthroughResult};
use crate::scope::{SyncMode, SyncScope};
use crate::sink::RecordSink;

/// Wraps a connector and enforces its coverage declaration before it runs.
///
/// - An action or passthrough call that the coverage does not declare fails with an
///   "unsupported" [`ConnectorError`] without reaching the connector (so without any provider
///   request).
/// - `sync` runs only over declared models (and does nothing when none is left), turns delta
///   runs into full runs when `delta_sync` is not declared, and drops the tracked-application
///   restriction when "Sync Only Created Applications" is not declared (the server still
///   filters what it serves). Records the connector pushes for models outside that narrowed
///   scope are dropped, and marking such a model complete is ignored.
/// - Every call fails with [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled) when the
///   context is already cancelled.
///
/// The coverage is read once, at construction.
#[derive(Debug, Clone)]
pub struct GuardedConnector {
    inner: Arc<dyn Connector>,
    info: ConnectorInfo,
    coverage: Coverage,
}

impl GuardedConnector {
    /// Guards `inner` with the coverage it declares.
    pub fn new(inner: Arc<dyn Connector>) -> Self {
        let info = inner.info();
        let coverage = inner.coverage();
        Self {
            inner,
            info,
            coverage,
        }
    }

    /// The guarded connector.
    pub fn inner(&self) -> &Arc<dyn Connector> {
        &self.inner
    }

    /// The scope `sync` really hands to the connector for a requested `scope`.
    pub fn effective_scope(&self, scope: &SyncScope) -> SyncScope {
        let mut effective = scope.clone();
        effective
            .models
            .retain(|model| self.coverage.syncs_model(*model));
        effective
            .known_remote_ids
            .retain(|model, _| effective.models.contains(model));
        if effective.mode == SyncMode::Delta && !self.coverage.capabilities.delta_sync {
            effective.mode = SyncMode::Full;
        }
        if !self
            .coverage
            .supports_feature(Feature::SyncOnlyCreatedApplications)
        {
            effective.tracked_applications = None;
        }
        effective
    }

    fn refuse(&self, error: ConnectorError) -> ConnectorError {
        tracing::debug!(connector = %self.info.slug, %error, "refused by the coverage guard");
        error.with_provider(self.info.slug.clone())
    }

    fn require_action(&self, ctx: &Context, action: Action) -> Result<(), ConnectorError> {
        ctx.ensure_not_cancelled()?;
        if self.coverage.supports_action(action) {
            Ok(())
        } else {
            Err(self.refuse(ConnectorError::unsupported_action(action)))
        }
    }
}

#[async_trait]
impl Connector for GuardedConnector {
    fn info(&self) -> ConnectorInfo {
        self.info.clone()
    }

    fn coverage(&self) -> Coverage {
        self.coverage.clone()
    }

    fn known_ids_models(&self) -> Vec<Model> {
        self.inner.known_ids_models()
    }

    async fn check(&self, ctx: &Context) -> Result<CheckReport, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        self.inner.check(ctx).await
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        ctx.ensure_not_cancelled()?;
        let effective = self.effective_scope(scope);
        let refused: Vec<&str> = scope
            .models
            .difference(&effective.models)
            .map(|model| model.as_str())
            .collect();
        if !refused.is_empty() {
            tracing::debug!(
                connector = %self.info.slug,
                models = ?refused,
                "models the connector does not declare are left out of the sync"
            );
        }
        if effective.models.is_empty() {
            return Ok(());
        }
        let mut scoped = ScopedSink {
            inner: sink,
            models: &effective.models,
            slug: &self.info.slug,
        };
        self.inner.sync(ctx, &effective, &mut scoped).await
    }

    async fn create_candidate(
        &self,
        ctx: &Context,
        input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        self.require_action(ctx, Action::CreateCandidate)?;
        self.inner.create_candidate(ctx, input).await
    }

    async fn create_application(
        &self,
        ctx: &Context,
        input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        self.require_action(ctx, Action::CreateApplication)?;
        self.inner.create_application(ctx, input).await
    }

    async fn add_candidate_tag(
        &self,
        ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::AddCandidateTag)?;
        self.inner.add_candidate_tag(ctx, input).await
    }

    async fn remove_candidate_tag(
        &self,
        ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::RemoveCandidateTag)?;
        self.inner.remove_candidate_tag(ctx, input).await
    }

    async fn add_application_attachment(
        &self,
        ctx: &Context,
        input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::AddApplicationAttachment)?;
        self.inner.add_application_attachment(ctx, input).await
    }

    async fn add_candidate_attachment(
        &self,
        ctx: &Context,
        input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::AddCandidateAttachment)?;
        self.inner.add_candidate_attachment(ctx, input).await
    }

    async fn add_application_result_link(
        &self,
        ctx: &Context,
        input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::AddApplicationResultLink)?;
        self.inner.add_application_result_link(ctx, input).await
    }

    async fn add_candidate_result_link(
        &self,
        ctx: &Context,
        input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.require_action(ctx, Action::AddCandidateResultLink)?;
        self.inner.add_candidate_result_link(ctx, input).await
    }

    async fn passthrough(
        &self,
        ctx: &Context,
        call: PassthroughCall,
    ) -> Result<PassthroughResult, ConnectorError> {
        ctx.ensure_not_cancelled()?;
        if !self.coverage.supports_feature(Feature::ApiPassthrough) {
            return Err(self.refuse(ConnectorError::unsupported_feature(Feature::ApiPassthrough)));
        }
        self.inner.passthrough(ctx, call).await
    }
}

/// Passes on only what belongs to the narrowed scope of a guarded sync.
struct ScopedSink<'a> {
    inner: &'a mut dyn RecordSink,
    models: &'a BTreeSet<Model>,
    slug: &'a str,
}

#[async_trait]
impl RecordSink for ScopedSink<'_> {
    async fn push(&mut self, mut batch: Vec<UnifiedRecord>) -> Result<(), ConnectorError> {
        let before = batch.len();
        batch.retain(|record| self.models.contains(&record.model()));
        if batch.len() != before {
            tracing::warn!(
                connector = %self.slug,
                dropped = before - batch.len(),
                "the connector pushed records of models outside the sync scope; they were dropped"
            );
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.inner.push(batch).await
    }

    fn mark_complete(&mut self, model: Model) {
        if self.models.contains(&model) {
            self.inner.mark_complete(model);
        } else {
            tracing::warn!(
                connector = %self.slug,
                model = model.as_str(),
                "the connector marked a model outside the sync scope complete; ignored"
            );
        }
    }

    fn set_state(&mut self, state: serde_json::Value) {
        self.inner.set_state(state);
    }

    fn report_requests(&mut self, count: u64) {
        self.inner.report_requests(count);
    }
}
