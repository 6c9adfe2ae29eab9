//! The coverage guard refuses undeclared models, actions and features before the connector
//! runs, and passes declared ones through.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use atsbridge_connector::{
    Action, ActionCoverage, ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    AttachmentPayload, CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput,
    Capabilities, CheckReport, Connector, ConnectorError, ConnectorInfo, Context, Coverage,
    CreateApplicationInput, CreateCandidateInput, CreatedApplication, CreatedCandidate, ErrorKind,
    Feature, FeatureCoverage, GuardedConnector, MemorySink, Model, ModelCoverage, PassthroughCall,
    PassthroughResult, RecordSink, SyncMode, SyncScope, TrackedApplication, Unsupported,
};
use atsbridge_schema::action::{
    AddResultLinkRequest, CreateApplicationRequest, CreateCandidateRequest,
};
use atsbridge_schema::enums::AttachmentType;
use atsbridge_schema::record::{
    ApplicationRecord, CandidateRecord, JobRecord, TagRecord, UnifiedRecord,
};
use bytes::Bytes;

/// A connector that records every call it receives and answers with canned data.
#[derive(Debug)]
struct CountingConnector {
    coverage: Coverage,
    calls: Mutex<Vec<String>>,
    scopes: Mutex<Vec<SyncScope>>,
}

impl CountingConnector {
    fn new(coverage: Coverage) -> Arc<Self> {
        Arc::new(Self {
            coverage,
            calls: Mutex::new(Vec::new()),
            scopes: Mutex::new(Vec::new()),
        })
    }

    fn record(&self, call: &str) {
        self.calls.lock().unwrap().push(call.to_owned());
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

#[async_trait]
impl Connector for CountingConnector {
    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new("counting", "Counting", "Counts calls.", "v0")
    }

    fn coverage(&self) -> Coverage {
        self.coverage.clone()
    }

    async fn check(&self, _ctx: &Context) -> Result<CheckReport, ConnectorError> {
        self.record("check");
        Ok(CheckReport::default())
    }

    async fn sync(
        &self,
        _ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        self.record("sync");
        self.scopes.lock().unwrap().push(scope.clone());
        // Misbehaves on purpose: pushes and completes models whatever the scope says.
        sink.push(vec![
            UnifiedRecord::from(JobRecord {
                remote_id: "j1".to_owned(),
                ..JobRecord::default()
            }),
            UnifiedRecord::from(TagRecord {
                remote_id: "t1".to_owned(),
                ..TagRecord::default()
            }),
        ])
        .await?;
        sink.push(vec![UnifiedRecord::from(TagRecord {
            remote_id: "t2".to_owned(),
            ..TagRecord::default()
        })])
        .await?;
        sink.mark_complete(Model::Job);
        sink.mark_complete(Model::Tag);
        sink.set_state(serde_json::json!({ "cursor": 3 }));
        sink.report_requests(2);
        sink.report_requests(5);
        Ok(())
    }

    async fn create_candidate(
        &self,
        _ctx: &Context,
        _input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        self.record("create_candidate");
        Ok(CreatedCandidate {
            candidate: candidate("c1"),
            applications: Vec::new(),
            related: Vec::new(),
            warnings: Vec::new(),
        })
    }

    async fn create_application(
        &self,
        _ctx: &Context,
        _input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        self.record("create_application");
        Ok(CreatedApplication {
            candidate: candidate("c1"),
            application: ApplicationRecord {
                remote_id: "a1".to_owned(),
                ..ApplicationRecord::default()
            },
            related: Vec::new(),
            warnings: vec!["stage ignored".to_owned()],
        })
    }

    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        _input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("add_candidate_tag");
        Ok(ActionOutcome::default())
    }

    async fn remove_candidate_tag(
        &self,
        _ctx: &Context,
        _input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("remove_candidate_tag");
        Ok(ActionOutcome::default())
    }

    async fn add_application_attachment(
        &self,
        _ctx: &Context,
        _input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("add_application_attachment");
        Ok(ActionOutcome::default())
    }

    async fn add_candidate_attachment(
        &self,
        _ctx: &Context,
        _input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("add_candidate_attachment");
        Ok(ActionOutcome::default())
    }

    async fn add_application_result_link(
        &self,
        _ctx: &Context,
        _input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("add_application_result_link");
        Ok(ActionOutcome::default())
    }

    async fn add_candidate_result_link(
        &self,
        _ctx: &Context,
        _input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.record("add_candidate_result_link");
        Ok(ActionOutcome::default())
    }

    async fn passthrough(
        &self,
        _ctx: &Context,
        call: PassthroughCall,
    ) -> Result<PassthroughResult, ConnectorError> {
        self.record("passthrough");
        Ok(PassthroughResult {
            url: format!("https://ats.example.com{}", call.path),
            status: 200,
            headers: BTreeMap::new(),
            data: None,
        })
    }
}

fn candidate(remote_id: &str) -> CandidateRecord {
    CandidateRecord {
        remote_id: remote_id.to_owned(),
        ..CandidateRecord::default()
    }
}

fn attachment() -> AttachmentPayload {
    AttachmentPayload {
        name: "cv.pdf".to_owned(),
        content_type: Some("application/pdf".to_owned()),
        kind: AttachmentType::Cv,
        data: Bytes::from_static(b"%PDF-1.7"),
    }
}

fn tag_input() -> CandidateTagInput {
    CandidateTagInput {
        candidate_remote_id: "c1".to_owned(),
        tag_name: "vip".to_owned(),
    }
}

/// Calls `action` on `connector` with a minimal input; returns the error, if any.
async fn call_action(connector: &dyn Connector, action: Action) -> Option<ConnectorError> {
    let ctx = Context::new("int-1");
    match action {
        Action::CreateCandidate => connector
            .create_candidate(
                &ctx,
                CreateCandidateInput {
                    job_remote_id: "j1".to_owned(),
                    stage_remote_id: None,
                    screening_answers: Vec::new(),
                    attachments: Vec::new(),
                    source_name: None,
                    body: CreateCandidateRequest::default(),
                },
            )
            .await
            .err(),
        Action::CreateApplication => connector
            .create_application(
                &ctx,
                CreateApplicationInput {
                    job_remote_id: "j1".to_owned(),
                    stage_remote_id: None,
                    screening_answers: Vec::new(),
                    attachments: vec![attachment()],
                    source_name: Some("Board".to_owned()),
                    body: CreateApplicationRequest::default(),
                },
            )
            .await
            .err(),
        Action::AddCandidateTag => connector.add_candidate_tag(&ctx, tag_input()).await.err(),
        Action::RemoveCandidateTag => connector
            .remove_candidate_tag(&ctx, tag_input())
            .await
            .err(),
        Action::AddApplicationAttachment => connector
            .add_application_attachment(
                &ctx,
                ApplicationAttachmentInput {
                    application_remote_id: "a1".to_owned(),
                    candidate_remote_id: Some("c1".to_owned()),
                    attachment: attachment(),
                },
            )
            .await
            .err(),
        Action::AddCandidateAttachment => connector
            .add_candidate_attachment(
                &ctx,
                CandidateAttachmentInput {
                    candidate_remote_id: "c1".to_owned(),
                    attachment: attachment(),
                },
            )
            .await
            .err(),
        Action::AddApplicationResultLink => connector
            .add_application_result_link(
                &ctx,
                ApplicationResultLinkInput {
                    application_remote_id: "a1".to_owned(),
                    candidate_remote_id: None,
                    link: AddResultLinkRequest::default(),
                },
            )
            .await
            .err(),
        Action::AddCandidateResultLink => connector
            .add_candidate_result_link(
                &ctx,
                CandidateResultLinkInput {
                    candidate_remote_id: "c1".to_owned(),
                    link: AddResultLinkRequest::default(),
                },
            )
            .await
            .err(),
    }
}

#[tokio::test]
async fn undeclared_actions_are_refused_before_the_connector_runs() {
    let inner = CountingConnector::new(Coverage::new());
    let guard = GuardedConnector::new(inner.clone());
    for action in Action::ALL {
        let error = call_action(&guard, action)
            .await
            .unwrap_or_else(|| panic!("{action} should be refused"));
        assert_eq!(
            error.kind(),
            &ErrorKind::Unsupported(Unsupported::Action(action))
        );
        assert_eq!(
            error.kombo_code().as_str(),
            "INTEGRATION.ACTION_NOT_AVAILABLE"
        );
        assert_eq!(error.context().provider.as_deref(), Some("counting"));
    }
    let passthrough = guard
        .passthrough(
            &Context::new("int-1"),
            PassthroughCall::new(http::Method::GET, "/Jobs"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        passthrough.kind(),
        &ErrorKind::Unsupported(Unsupported::Feature(Feature::ApiPassthrough))
    );
    assert!(inner.calls().is_empty(), "calls: {:?}", inner.calls());
}

#[tokio::test]
async fn declared_actions_reach_the_connector() {
    let mut coverage = Coverage::new().feature(FeatureCoverage::new(Feature::ApiPassthrough));
    for action in Action::ALL {
        coverage = coverage.action(ActionCoverage::new(action));
    }
    let inner = CountingConnector::new(coverage);
    let guard = GuardedConnector::new(inner.clone());
    for action in Action::ALL {
        assert!(call_action(&guard, action).await.is_none(), "{action}");
    }
    let result = guard
        .passthrough(
            &Context::new("int-1"),
            PassthroughCall::new(http::Method::GET, "/Jobs"),
        )
        .await
        .unwrap();
    assert_eq!(result.url, "https://ats.example.com/Jobs");
    let mut expected: Vec<String> = Action::ALL.iter().map(|a| a.as_str().to_owned()).collect();
    expected.push("passthrough".to_owned());
    assert_eq!(inner.calls(), expected);
}

#[tokio::test]
async fn only_the_declared_action_passes() {
    let coverage = Coverage::new().action(ActionCoverage::new(Action::AddCandidateTag));
    let inner = CountingConnector::new(coverage);
    let guard = GuardedConnector::new(inner.clone());
    assert!(call_action(&guard, Action::AddCandidateTag).await.is_none());
    assert!(
        call_action(&guard, Action::RemoveCandidateTag)
            .await
            .is_some()
    );
    assert_eq!(inner.calls(), ["add_candidate_tag"]);
}

#[tokio::test]
async fn sync_runs_only_over_declared_models_and_filters_the_sink() {
    let coverage = Coverage::new()
        .model(ModelCoverage::new(Model::Job))
        .model(ModelCoverage::new(Model::Candidate));
    let inner = CountingConnector::new(coverage);
    let guard = GuardedConnector::new(inner.clone());

    let mut scope = SyncScope::full([Model::Job, Model::Tag, Model::Application]);
    scope.mode = SyncMode::Delta;
    scope.known_remote_ids = [
        (Model::Job, BTreeSet::from(["j0".to_owned()])),
        (Model::Tag, BTreeSet::from(["t0".to_owned()])),
    ]
    .into();
    scope.tracked_applications = Some(BTreeSet::from([TrackedApplication {
        application_remote_id: "a1".to_owned(),
        candidate_remote_id: Some("c1".to_owned()),
        job_remote_id: None,
    }]));

    let mut sink = MemorySink::new();
    guard
        .sync(&Context::new("int-1"), &scope, &mut sink)
        .await
        .unwrap();

    let seen = inner.scopes.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let seen = &seen[0];
    assert_eq!(seen.models, BTreeSet::from([Model::Job]));
    assert_eq!(seen.mode, SyncMode::Full, "no delta capability: full run");
    assert_eq!(seen.tracked_applications, None, "feature not declared");
    assert_eq!(
        seen.known_remote_ids.keys().copied().collect::<Vec<_>>(),
        [Model::Job]
    );

    assert_eq!(sink.remote_ids(Model::Job), ["j1"]);
    assert!(
        sink.records_of(Model::Tag).is_empty(),
        "tags were not in scope"
    );
    assert_eq!(sink.complete, BTreeSet::from([Model::Job]));
    assert_eq!(sink.state, Some(serde_json::json!({ "cursor": 3 })));
    assert_eq!(sink.batches, 1, "the all-tag batch never reached the sink");
    assert_eq!(
        sink.requests,
        Some(7),
        "request reports pass the guard and add up"
    );
}

#[tokio::test]
async fn supporting_models_are_synced_but_not_served() {
    let coverage = Coverage::new()
        .model(ModelCoverage::new(Model::Job))
        .supporting_model(Model::Tag);
    assert!(
        !coverage.supports_model(Model::Tag),
        "not served as a model of its own"
    );
    assert!(coverage.syncs_model(Model::Tag));
    let guard = GuardedConnector::new(CountingConnector::new(coverage));
    let effective = guard.effective_scope(&SyncScope::full([
        Model::Job,
        Model::Tag,
        Model::Application,
    ]));
    assert_eq!(effective.models, BTreeSet::from([Model::Job, Model::Tag]));
}

#[tokio::test]
async fn sync_keeps_delta_and_tracking_when_declared() {
    let coverage = Coverage::new()
        .model(ModelCoverage::new(Model::Application))
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications))
        .capabilities(Capabilities {
            delta_sync: true,
            ..Capabilities::default()
        });
    let inner = CountingConnector::new(coverage);
    let guard = GuardedConnector::new(inner.clone());
    let mut scope = SyncScope::full([Model::Application]);
    scope.mode = SyncMode::Delta;
    scope.tracked_applications = Some(BTreeSet::new());
    let effective = guard.effective_scope(&scope);
    assert_eq!(effective, scope);
}

#[tokio::test]
async fn sync_with_no_declared_model_left_does_not_call_the_connector() {
    let inner = CountingConnector::new(Coverage::new().model(ModelCoverage::new(Model::Job)));
    let guard = GuardedConnector::new(inner.clone());
    let mut sink = MemorySink::new();
    guard
        .sync(
            &Context::new("int-1"),
            &SyncScope::full([Model::Tag]),
            &mut sink,
        )
        .await
        .unwrap();
    assert!(inner.calls().is_empty());
    assert_eq!(sink, MemorySink::new());
}

#[tokio::test]
async fn cancelled_context_reaches_nothing() {
    let inner = CountingConnector::new(
        Coverage::new()
            .model(ModelCoverage::new(Model::Job))
            .action(ActionCoverage::new(Action::AddCandidateTag)),
    );
    let guard = GuardedConnector::new(inner.clone());
    let token = atsbridge_connector::CancellationToken::new();
    token.cancel();
    let ctx = Context::new("int-1").with_cancellation(token);

    let error = guard.check(&ctx).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Cancelled);
    let mut sink = MemorySink::new();
    let error = guard
        .sync(&ctx, &SyncScope::full_all_models(), &mut sink)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Cancelled);
    let error = guard
        .add_candidate_tag(&ctx, tag_input())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Cancelled);
    assert!(inner.calls().is_empty());
}

#[test]
fn attachment_debug_shows_size_not_content() {
    let shown = format!("{:?}", attachment());
    assert!(shown.contains("bytes: 8"), "{shown}");
    assert!(!shown.contains("PDF"), "{shown}");
}
