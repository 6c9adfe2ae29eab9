//! Test harness: an in-memory fake ATS connector, a temp SQLite store and a served API.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use atsbridge_connector::{
    Action, ActionCoverage, ActionOutcome, ApplicationAttachmentInput, ApplicationResultLinkInput,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, CheckReport, Connector,
    ConnectorError, ConnectorFactory, ConnectorInfo, ConnectorRegistry, Context, Coverage,
    CreateApplicationInput, CreateCandidateInput, CreatedApplication, CreatedCandidate,
    CredentialField, Feature, FeatureCoverage, ManualClock, ModelCoverage, PassthroughCall,
    PassthroughResult, RecordSink, SyncScope,
};
use atsbridge_schema::common::EmailAddress;
use atsbridge_schema::enums::{ApplicationOutcome, EmploymentType, JobStatus};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord, UnifiedRecord,
};
use atsbridge_schema::{Model, Timestamp};
use atsbridge_server::{AppState, ForceSyncOutcome, ServerConfig, SyncTrigger};
use atsbridge_store::{
    EnvironmentId, Integration, IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store,
    SyncMode,
};
use atsbridge_sync::SyncEngine;
use reqwest::Method;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

pub const SLUG: &str = "fakeats";

/// What the fake ATS holds, plus a log of action calls.
#[derive(Debug, Default)]
pub struct FakeAts {
    pub jobs: Vec<JobRecord>,
    pub stages: Vec<ApplicationStageRecord>,
    pub questions: Vec<ScreeningQuestionRecord>,
    pub links: Vec<JobScreeningQuestionRecord>,
    pub candidates: Vec<CandidateRecord>,
    pub applications: Vec<ApplicationRecord>,
    pub tags: Vec<TagRecord>,
    pub calls: Vec<String>,
    pub last_application_input: Option<CreateApplicationInput>,
    pub attachment_sizes: Vec<usize>,
    /// Extra records the next create-application returns as `related`.
    pub related_on_create: Vec<UnifiedRecord>,
    /// How often the factory built a connector (syncs and the API's first write).
    pub builds: usize,
    next: u32,
}

pub fn ts(text: &str) -> Timestamp {
    Timestamp::parse_flexible(text).unwrap()
}

pub fn job(n: u32, status: JobStatus, employment: EmploymentType, created: &str) -> JobRecord {
    JobRecord {
        remote_id: format!("job-{n}"),
        name: Some(format!("Job number {n} Engineer")),
        status: Some(status),
        employment_type: Some(employment),
        post_url: Some(format!("https://jobs.example.com/{n}")),
        remote_created_at: Some(ts(created)),
        stage_remote_ids: vec!["stage-1".into(), "stage-2".into()],
        ..Default::default()
    }
}

pub fn candidate(n: u32) -> CandidateRecord {
    CandidateRecord {
        remote_id: format!("cand-{n}"),
        first_name: Some(format!("First{n}")),
        last_name: Some(format!("Last{n}")),
        email_addresses: vec![EmailAddress {
            email_address: Some(format!("person{n}@example.com")),
            r#type: None,
        }],
        tag_remote_ids: if n == 1 { vec!["vip".into()] } else { vec![] },
        ..Default::default()
    }
}

pub fn application(
    n: u32,
    candidate: u32,
    job: u32,
    outcome: ApplicationOutcome,
    stage: &str,
) -> ApplicationRecord {
    ApplicationRecord {
        remote_id: format!("app-{n}"),
        outcome: Some(outcome),
        job_remote_id: Some(format!("job-{job}")),
        candidate_remote_id: Some(format!("cand-{candidate}")),
        current_stage_remote_id: Some(stage.to_owned()),
        ..Default::default()
    }
}

impl FakeAts {
    /// 5 jobs, 2 stages, 2 questions on job-1, 4 candidates, 5 applications, 1 tag.
    pub fn seeded() -> Self {
        let mut ats = FakeAts {
            jobs: vec![
                job(
                    1,
                    JobStatus::Open,
                    EmploymentType::FullTime,
                    "2024-01-01T10:00:00Z",
                ),
                job(
                    2,
                    JobStatus::Open,
                    EmploymentType::PartTime,
                    "2024-02-01T10:00:00Z",
                ),
                job(
                    3,
                    JobStatus::Closed,
                    EmploymentType::FullTime,
                    "2024-03-01T10:00:00Z",
                ),
                job(
                    4,
                    JobStatus::Open,
                    EmploymentType::Internship,
                    "2024-04-01T10:00:00Z",
                ),
                job(
                    5,
                    JobStatus::Draft,
                    EmploymentType::FullTime,
                    "2024-05-01T10:00:00Z",
                ),
            ],
            stages: vec![
                ApplicationStageRecord {
                    remote_id: "stage-1".into(),
                    name: Some("New".into()),
                    index: Some(0),
                    ..Default::default()
                },
                ApplicationStageRecord {
                    remote_id: "stage-2".into(),
                    name: Some("Interview".into()),
                    index: Some(1),
                    ..Default::default()
                },
            ],
            questions: vec![
                ScreeningQuestionRecord {
                    remote_id: "q-text".into(),
                    title: Some("Why us?".into()),
                    format: Some(QuestionFormat::Text {
                        display_type: None,
                        max_length: Some(500),
                    }),
                    ..Default::default()
                },
                ScreeningQuestionRecord {
                    remote_id: "q-select".into(),
                    title: Some("Language".into()),
                    format: Some(QuestionFormat::SingleSelect {
                        display_type: None,
                        options: vec![
                            QuestionOption {
                                remote_id: "opt-rust".into(),
                                name: "Rust".into(),
                            },
                            QuestionOption {
                                remote_id: "opt-go".into(),
                                name: "Go".into(),
                            },
                        ],
                    }),
                    ..Default::default()
                },
            ],
            links: vec![
                JobScreeningQuestionRecord {
                    remote_id: "job-1:q-select".into(),
                    job_remote_id: "job-1".into(),
                    question_remote_id: "q-select".into(),
                    index: Some(1),
                    required: Some(false),
                    ..Default::default()
                },
                JobScreeningQuestionRecord {
                    remote_id: "job-1:q-text".into(),
                    job_remote_id: "job-1".into(),
                    question_remote_id: "q-text".into(),
                    index: Some(0),
                    required: Some(true),
                    ..Default::default()
                },
            ],
            candidates: (1..=4).map(candidate).collect(),
            applications: vec![
                application(1, 1, 1, ApplicationOutcome::Pending, "stage-1"),
                application(2, 1, 2, ApplicationOutcome::Hired, "stage-2"),
                application(3, 2, 1, ApplicationOutcome::Declined, "stage-2"),
                application(4, 3, 3, ApplicationOutcome::Pending, "stage-1"),
                application(5, 4, 4, ApplicationOutcome::Pending, "stage-1"),
            ],
            tags: vec![TagRecord {
                remote_id: "vip".into(),
                name: Some("VIP".into()),
                remote_data: None,
            }],
            ..Default::default()
        };
        ats.next = 100;
        ats
    }

    fn candidate_mut(&mut self, remote_id: &str) -> Result<&mut CandidateRecord, ConnectorError> {
        self.candidates
            .iter_mut()
            .find(|c| c.remote_id == remote_id)
            .ok_or_else(|| ConnectorError::not_found(format!("no candidate {remote_id}")))
    }

    fn create(
        &mut self,
        job: &str,
        stage: Option<String>,
        first: &str,
        last: &str,
        email: &str,
        source: Option<String>,
    ) -> Result<(CandidateRecord, ApplicationRecord), ConnectorError> {
        if !self.jobs.iter().any(|j| j.remote_id == job) {
            return Err(ConnectorError::not_found(format!("no job {job}")));
        }
        self.next += 1;
        let candidate = CandidateRecord {
            remote_id: format!("cand-new-{}", self.next),
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            source,
            email_addresses: vec![EmailAddress {
                email_address: Some(email.to_owned()),
                r#type: None,
            }],
            ..Default::default()
        };
        let application = ApplicationRecord {
            remote_id: format!("app-new-{}", self.next),
            outcome: Some(ApplicationOutcome::Pending),
            job_remote_id: Some(job.to_owned()),
            candidate_remote_id: Some(candidate.remote_id.clone()),
            current_stage_remote_id: Some(stage.unwrap_or_else(|| "stage-1".into())),
            ..Default::default()
        };
        self.candidates.push(candidate.clone());
        self.applications.push(application.clone());
        Ok((candidate, application))
    }
}

#[derive(Debug, Clone)]
pub struct FakeConnector {
    pub ats: Arc<Mutex<FakeAts>>,
    pub coverage: Coverage,
}

pub fn coverage(with_tags_model: bool, actions: &[Action]) -> Coverage {
    let mut coverage = Coverage::new()
        .model(ModelCoverage::new(Model::Job).fields([
            "id",
            "remote_id",
            "name",
            "status",
            "employment_type",
            "post_url",
            "remote_created_at",
            "changed_at",
        ]))
        .model(ModelCoverage::new(Model::Candidate).fields([
            "id",
            "remote_id",
            "first_name",
            "last_name",
            "email_addresses",
            "source",
        ]))
        .model(ModelCoverage::new(Model::Application).fields([
            "id",
            "remote_id",
            "outcome",
            "job_id",
            "candidate_id",
            "current_stage_id",
        ]))
        .model(ModelCoverage::new(Model::ApplicationStage).fields(["id", "remote_id", "name"]))
        .model(ModelCoverage::new(Model::ScreeningQuestion).fields(["id", "title", "format"]))
        .model(ModelCoverage::new(Model::JobScreeningQuestion).fields(["index", "required"]))
        .feature(FeatureCoverage::new(Feature::ApiPassthrough))
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications));
    if with_tags_model {
        coverage =
            coverage.model(ModelCoverage::new(Model::Tag).fields(["id", "remote_id", "name"]));
    }
    for action in actions {
        coverage = coverage.action(ActionCoverage::new(*action));
    }
    coverage
}

impl FakeConnector {
    fn log_call(&self, name: &str) {
        self.ats.lock().unwrap().calls.push(name.to_owned());
    }
}

#[async_trait]
impl Connector for FakeConnector {
    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new(SLUG, "Fake ATS", "in-memory test ATS", "1")
    }

    fn coverage(&self) -> Coverage {
        self.coverage.clone()
    }

    async fn check(&self, _ctx: &Context) -> Result<CheckReport, ConnectorError> {
        Ok(CheckReport::default())
    }

    async fn sync(
        &self,
        _ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        let (batches, tracked): (Vec<(Model, Vec<UnifiedRecord>)>, _) = {
            let ats = self.ats.lock().unwrap();
            let tracked = scope.tracked_applications.clone();
            let apps: Vec<ApplicationRecord> = ats
                .applications
                .iter()
                .filter(|a| {
                    tracked
                        .as_ref()
                        .is_none_or(|t| t.iter().any(|t| t.application_remote_id == a.remote_id))
                })
                .cloned()
                .collect();
            let cands: Vec<CandidateRecord> = ats
                .candidates
                .iter()
                .filter(|c| {
                    tracked.is_none()
                        || apps
                            .iter()
                            .any(|a| a.candidate_remote_id.as_deref() == Some(&c.remote_id))
                })
                .cloned()
                .collect();
            (
                vec![
                    (
                        Model::Job,
                        ats.jobs.iter().cloned().map(Into::into).collect(),
                    ),
                    (
                        Model::ApplicationStage,
                        ats.stages.iter().cloned().map(Into::into).collect(),
                    ),
                    (
                        Model::ScreeningQuestion,
                        ats.questions.iter().cloned().map(Into::into).collect(),
                    ),
                    (
                        Model::JobScreeningQuestion,
                        ats.links.iter().cloned().map(Into::into).collect(),
                    ),
                    (
                        Model::Tag,
                        ats.tags.iter().cloned().map(Into::into).collect(),
                    ),
                    (
                        Model::Candidate,
                        cands.into_iter().map(Into::into).collect(),
                    ),
                    (
                        Model::Application,
                        apps.into_iter().map(Into::into).collect(),
                    ),
                ],
                tracked,
            )
        };
        for (model, batch) in batches {
            if !scope.wants(model) {
                continue;
            }
            sink.push(batch).await?;
            if tracked.is_none() || !matches!(model, Model::Candidate | Model::Application) {
                sink.mark_complete(model);
            }
        }
        Ok(())
    }

    async fn create_application(
        &self,
        _ctx: &Context,
        input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("create_application".into());
        ats.attachment_sizes
            .extend(input.attachments.iter().map(|a| a.data.len()));
        let c = &input.body.candidate;
        let (candidate, application) = ats.create(
            &input.job_remote_id,
            input.stage_remote_id.clone(),
            &c.first_name,
            &c.last_name,
            &c.email_address,
            input.source_name.clone(),
        )?;
        ats.last_application_input = Some(input);
        Ok(CreatedApplication {
            candidate,
            application,
            related: std::mem::take(&mut ats.related_on_create),
            warnings: vec!["fake warning".into()],
        })
    }

    async fn create_candidate(
        &self,
        _ctx: &Context,
        input: CreateCandidateInput,
    ) -> Result<CreatedCandidate, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("create_candidate".into());
        let c = &input.body.candidate;
        let (candidate, application) = ats.create(
            &input.job_remote_id,
            input.stage_remote_id.clone(),
            &c.first_name,
            &c.last_name,
            &c.email_address,
            input.source_name.clone(),
        )?;
        Ok(CreatedCandidate {
            candidate,
            applications: vec![application],
            related: vec![],
            warnings: vec![],
        })
    }

    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("add_candidate_tag".into());
        let tag = TagRecord {
            remote_id: input.tag_name.to_lowercase(),
            name: Some(input.tag_name.clone()),
            remote_data: None,
        };
        if !ats.tags.iter().any(|t| t.remote_id == tag.remote_id) {
            ats.tags.push(tag.clone());
        }
        let candidate = ats.candidate_mut(&input.candidate_remote_id)?;
        if !candidate.tag_remote_ids.contains(&tag.remote_id) {
            candidate.tag_remote_ids.push(tag.remote_id.clone());
        }
        Ok(ActionOutcome {
            records: vec![candidate.clone().into(), tag.into()],
            warnings: vec![],
        })
    }

    async fn remove_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("remove_candidate_tag".into());
        let id = input.tag_name.to_lowercase();
        let candidate = ats.candidate_mut(&input.candidate_remote_id)?;
        candidate.tag_remote_ids.retain(|t| *t != id);
        Ok(ActionOutcome {
            records: vec![candidate.clone().into()],
            warnings: vec![],
        })
    }

    async fn add_application_attachment(
        &self,
        _ctx: &Context,
        input: ApplicationAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("add_application_attachment".into());
        ats.attachment_sizes.push(input.attachment.data.len());
        Ok(ActionOutcome {
            records: vec![],
            warnings: vec!["attached to the candidate".into()],
        })
    }

    async fn add_candidate_attachment(
        &self,
        _ctx: &Context,
        input: CandidateAttachmentInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let mut ats = self.ats.lock().unwrap();
        ats.calls.push("add_candidate_attachment".into());
        ats.attachment_sizes.push(input.attachment.data.len());
        Ok(ActionOutcome::default())
    }

    async fn add_application_result_link(
        &self,
        _ctx: &Context,
        _input: ApplicationResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.log_call("add_application_result_link");
        Ok(ActionOutcome::default())
    }

    async fn add_candidate_result_link(
        &self,
        _ctx: &Context,
        _input: CandidateResultLinkInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        self.log_call("add_candidate_result_link");
        Ok(ActionOutcome::default())
    }

    async fn passthrough(
        &self,
        _ctx: &Context,
        call: PassthroughCall,
    ) -> Result<PassthroughResult, ConnectorError> {
        self.log_call("passthrough");
        let mut headers = BTreeMap::new();
        headers.insert(
            "content-type".to_owned(),
            vec!["application/json".to_owned()],
        );
        headers.insert("x-multi".to_owned(), vec!["a".to_owned(), "b".to_owned()]);
        Ok(PassthroughResult {
            url: format!("https://fake.example.com/api{}", call.path),
            status: 404,
            headers,
            data: Some(json!({"method": call.method.as_str(), "query": call.query})),
        })
    }
}

pub struct FakeFactory {
    pub connector: FakeConnector,
}

impl ConnectorFactory for FakeFactory {
    fn slug(&self) -> &'static str {
        SLUG
    }
    fn info(&self) -> ConnectorInfo {
        self.connector.info()
    }
    fn coverage(&self) -> Coverage {
        self.connector.coverage.clone()
    }
    fn credential_fields(&self) -> Vec<CredentialField> {
        vec![]
    }
    fn build(&self, _config: &Value) -> Result<Arc<dyn Connector>, ConnectorError> {
        self.connector.ats.lock().unwrap().builds += 1;
        Ok(Arc::new(self.connector.clone()))
    }
}

/// Records force-sync requests.
#[derive(Debug, Default)]
pub struct RecordingTrigger {
    pub requests: Mutex<Vec<(String, SyncMode)>>,
}

#[async_trait]
impl SyncTrigger for RecordingTrigger {
    async fn force_sync(
        &self,
        integration: &Integration,
        mode: SyncMode,
    ) -> Result<ForceSyncOutcome, String> {
        let mut requests = self.requests.lock().unwrap();
        requests.push((integration.id.to_string(), mode));
        Ok(ForceSyncOutcome {
            already_queued: requests.len() > 1,
            sync_id: format!("sync-{}", requests.len()),
            mode,
        })
    }
}

pub struct Options {
    pub tags_model: bool,
    pub actions: Vec<Action>,
    pub sync_only_created: bool,
    pub config: ServerConfig,
    /// The clock of the sync engine and the API (`changed_at`, relation times); the system
    /// clock when `None`.
    pub clock: Option<Arc<ManualClock>>,
    /// The store to serve from; a new SQLite file when `None`.
    pub store: Option<Arc<dyn Store>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tags_model: true,
            actions: Action::ALL.to_vec(),
            sync_only_created: false,
            config: ServerConfig::default(),
            clock: None,
            store: None,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub key: String,
    pub environment: EnvironmentId,
    pub integration: Integration,
    pub other_key: String,
    pub other_integration: Integration,
    pub ats: Arc<Mutex<FakeAts>>,
    pub registry: Arc<ConnectorRegistry>,
    pub trigger: Arc<RecordingTrigger>,
    pub clock: Option<Arc<ManualClock>>,
    _dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestApp {
    pub async fn start(options: Options) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = match options.store {
            Some(store) => store,
            None => Arc::new(
                SqliteStore::open(dir.path().join("atsbridge.db"), SecretKey::generate()).unwrap(),
            ),
        };
        let ats = Arc::new(Mutex::new(FakeAts::seeded()));
        let connector = FakeConnector {
            ats: ats.clone(),
            coverage: coverage(options.tags_model, &options.actions),
        };
        let mut registry = ConnectorRegistry::new();
        registry.add(Arc::new(FakeFactory { connector })).unwrap();
        let registry = Arc::new(registry);

        let env = store.create_environment("Acme").await.unwrap();
        let key = store.create_api_key(&env.id, "tests").await.unwrap().secret;
        let settings = IntegrationSettings {
            sync_only_created_applications: options.sync_only_created,
            default_source_name: Some("Acme Jobs".into()),
            ..Default::default()
        };
        let integration = store
            .create_integration(NewIntegration {
                environment_id: env.id.clone(),
                tool: SLUG.into(),
                remote_label: None,
                credentials: json!({"token": "t"}),
                settings: settings.clone(),
                end_user: None,
                setup_status: atsbridge_store::SetupStatus::Completed,
            })
            .await
            .unwrap();
        let other_env = store.create_environment("Other").await.unwrap();
        let other_key = store
            .create_api_key(&other_env.id, "tests")
            .await
            .unwrap()
            .secret;
        let other_integration = store
            .create_integration(NewIntegration {
                environment_id: other_env.id.clone(),
                tool: SLUG.into(),
                remote_label: None,
                credentials: json!({}),
                settings,
                end_user: None,
                setup_status: atsbridge_store::SetupStatus::Completed,
            })
            .await
            .unwrap();

        let trigger = Arc::new(RecordingTrigger::default());
        let mut state = AppState::new(
            store.clone(),
            registry.clone(),
            trigger.clone(),
            options.config,
        )
        .unwrap();
        if let Some(clock) = &options.clock {
            state = state.with_clock(clock.clone());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(atsbridge_server::serve(listener, state, async move {
            let _ = rx.await;
        }));
        TestApp {
            base,
            client: reqwest::Client::new(),
            store,
            key,
            environment: env.id,
            integration,
            other_key,
            other_integration,
            ats,
            registry,
            trigger,
            clock: options.clock,
            _dir: dir,
            _shutdown: tx,
        }
    }

    /// Runs a full sync of the main integration through the real engine.
    pub async fn sync(&self) {
        let mut engine = SyncEngine::new(self.store.clone());
        if let Some(clock) = &self.clock {
            engine = engine.with_clock(clock.clone());
        }
        let integration = self
            .store
            .find_integration(&self.integration.id)
            .await
            .unwrap()
            .unwrap();
        let connector = self.registry.build(SLUG, &json!({})).unwrap();
        engine
            .run(
                &integration,
                connector,
                SyncMode::Full,
                CancellationToken::new(),
                None,
            )
            .await
            .unwrap();
    }

    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("X-Integration-Id", self.integration.id.as_str());
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        Self::send(request, path).await
    }

    /// A POST of `body` exactly as given (not necessarily valid JSON), with the main
    /// integration's credentials and a JSON content type.
    pub async fn post_raw(&self, path: &str, body: &'static str) -> (u16, Value) {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("X-Integration-Id", self.integration.id.as_str())
            .header("content-type", "application/json")
            .body(body);
        Self::send(request, path).await
    }

    /// A GET with the given credentials: an API key (none when `None`) and an integration id
    /// (no `X-Integration-Id` header when `None`).
    pub async fn get_as(
        &self,
        path: &str,
        key: Option<&str>,
        integration: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(integration) = integration {
            request = request.header("X-Integration-Id", integration);
        }
        Self::send(request, path).await
    }

    async fn send(request: reqwest::RequestBuilder, path: &str) -> (u16, Value) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("non-JSON body for {path}: {text}"));
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.request(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.request(Method::POST, path, Some(body)).await
    }

    /// Follows `next` until the end; returns every page's results.
    pub async fn all_pages(&self, path: &str) -> Vec<Vec<Value>> {
        let mut pages = Vec::new();
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = path.to_owned();
        loop {
            let (status, body) = self.get(&url).await;
            assert_eq!(status, 200, "{url}: {body}");
            pages.push(body["data"]["results"].as_array().unwrap().clone());
            match body["data"]["next"].as_str() {
                Some(next) => url = format!("{path}{sep}cursor={next}"),
                None => break,
            }
        }
        pages
    }

    pub fn calls(&self) -> Vec<String> {
        self.ats.lock().unwrap().calls.clone()
    }
}

/// The `error.code` of an error envelope, after checking its shape.
pub fn error_code(body: &Value) -> String {
    assert_eq!(body["status"], "error", "{body}");
    let error = body["error"].as_object().unwrap();
    for key in ["code", "title", "message", "log_url"] {
        assert!(error.contains_key(key), "missing {key} in {body}");
    }
    error["code"].as_str().unwrap().to_owned()
}

pub fn ids_of(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["remote_id"].as_str().unwrap().to_owned())
        .collect()
}
