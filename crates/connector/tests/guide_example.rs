//! The example connector of `docs/connector-guide.md`, compiled and run as a test.
//!
//! The guide quotes this file. `guide_snippets_are_taken_from_this_file` fails when a Rust
//! block of the guide is no longer found here verbatim, so the two cannot drift apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{
    Action, ActionCoverage, ActionOutcome, CandidateTagInput, Capabilities, CheckReport, Connector,
    ConnectorError, ConnectorFactory, ConnectorInfo, ConnectorRegistry, Context, Coverage,
    CreateApplicationInput, CreatedApplication, CredentialField, DeletionDetection, DeltaWindow,
    ErrorKind, Feature, FeatureCoverage, Guide, ManualClock, MemorySink, Model, ModelAccess,
    ModelCoverage, NextPage, PageWalk, RecordSink, SyncScope, TrackedApplication, Unsupported,
    fan_out_stream, render_coverage_markdown,
};
use atsbridge_schema::action::{CandidateInput, CandidateSource, CreateApplicationRequest};
use atsbridge_schema::common::EmailAddress;
use atsbridge_schema::enums::{ApplicationOutcome, JobStatus};
use atsbridge_schema::record::{ApplicationRecord, CandidateRecord, JobRecord, UnifiedRecord};
use chrono::{DateTime, Utc};

// ---------------------------------------------------------------------------------------------
// The "provider": an in-memory ATS account. A real connector talks HTTP instead.
// ---------------------------------------------------------------------------------------------

/// A job of the fake ATS.
#[derive(Debug, Clone)]
struct TinyJob {
    id: u64,
    title: String,
    open: bool,
}

/// An applicant of the fake ATS (one application per applicant).
#[derive(Debug, Clone)]
struct TinyApplicant {
    id: u64,
    job_id: u64,
    first_name: String,
    last_name: String,
    email: String,
    source: Option<String>,
    tags: Vec<String>,
}

/// The fake ATS account: data behind an API key, and a request counter.
#[derive(Debug)]
struct TinyAts {
    api_key: String,
    jobs: Mutex<Vec<TinyJob>>,
    applicants: Mutex<Vec<TinyApplicant>>,
    requests: AtomicUsize,
}

impl TinyAts {
    fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_owned(),
            jobs: Mutex::new(Vec::new()),
            applicants: Mutex::new(Vec::new()),
            requests: AtomicUsize::new(0),
        }
    }

    fn add_job(&self, id: u64, title: &str, open: bool) {
        let job = TinyJob {
            id,
            title: title.to_owned(),
            open,
        };
        self.jobs.lock().unwrap().push(job);
    }

    /// How many "API requests" were made so far.
    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Every call starts here, like an HTTP request with an auth header.
    fn authorize(&self, api_key: &str) -> Result<(), ConnectorError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        if api_key == self.api_key {
            Ok(())
        } else {
            Err(ConnectorError::unauthenticated("the API key was rejected")
                .with_provider_status(401))
        }
    }

    fn list_jobs(&self, api_key: &str) -> Result<Vec<TinyJob>, ConnectorError> {
        self.authorize(api_key)?;
        Ok(self.jobs.lock().unwrap().clone())
    }

    fn list_applicant_ids(&self, api_key: &str) -> Result<Vec<u64>, ConnectorError> {
        self.authorize(api_key)?;
        Ok(self
            .applicants
            .lock()
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect())
    }

    fn get_applicant(
        &self,
        api_key: &str,
        id: u64,
    ) -> Result<Option<TinyApplicant>, ConnectorError> {
        self.authorize(api_key)?;
        Ok(self
            .applicants
            .lock()
            .unwrap()
            .iter()
            .find(|a| a.id == id)
            .cloned())
    }

    fn insert_applicant(
        &self,
        api_key: &str,
        mut applicant: TinyApplicant,
    ) -> Result<TinyApplicant, ConnectorError> {
        self.authorize(api_key)?;
        let jobs = self.jobs.lock().unwrap();
        let job = jobs
            .iter()
            .find(|job| job.id == applicant.job_id)
            .ok_or_else(|| {
                ConnectorError::not_found(format!("job {} does not exist", applicant.job_id))
            })?;
        if !job.open {
            return Err(ConnectorError::job_closed(format!(
                "job {} is closed",
                job.id
            )));
        }
        let mut applicants = self.applicants.lock().unwrap();
        if applicants
            .iter()
            .any(|a| a.job_id == applicant.job_id && a.email == applicant.email)
        {
            return Err(ConnectorError::already_exists(
                "this email already applied to the job",
            ));
        }
        applicant.id = 1000 + applicants.len() as u64;
        applicants.push(applicant.clone());
        Ok(applicant)
    }

    fn add_tag(&self, api_key: &str, applicant_id: u64, tag: &str) -> Result<(), ConnectorError> {
        self.authorize(api_key)?;
        let mut applicants = self.applicants.lock().unwrap();
        let applicant = applicants
            .iter_mut()
            .find(|a| a.id == applicant_id)
            .ok_or_else(|| {
                ConnectorError::not_found(format!("applicant {applicant_id} does not exist"))
            })?;
        if !applicant.tags.iter().any(|existing| existing == tag) {
            applicant.tags.push(tag.to_owned());
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The connector.
// ---------------------------------------------------------------------------------------------

const SLUG: &str = "tinyats";

fn tiny_info() -> ConnectorInfo {
    ConnectorInfo::new(
        SLUG,
        "TinyATS",
        "An in-memory ATS used to explain the connector SDK.",
        "v1",
    )
}

fn tiny_coverage() -> Coverage {
    Coverage::new()
        .model(
            ModelCoverage::new(Model::Job)
                .fields(["id", "remote_id", "changed_at", "remote_deleted_at", "name"])
                .field_with_note("status", "OPEN or CLOSED; TinyATS has no drafts."),
        )
        .model(ModelCoverage::new(Model::Candidate).fields([
            "id",
            "remote_id",
            "changed_at",
            "remote_deleted_at",
            "first_name",
            "last_name",
            "email_addresses",
            "source",
        ]))
        .model(
            ModelCoverage::new(Model::Application)
                .note("TinyATS keeps exactly one application per applicant.")
                .fields([
                    "id",
                    "remote_id",
                    "changed_at",
                    "remote_deleted_at",
                    "outcome",
                    "job_id",
                    "candidate_id",
                ]),
        )
        .action(
            ActionCoverage::new(Action::CreateApplication).input_fields([
                "candidate.first_name",
                "candidate.last_name",
                "candidate.email_address",
                "source.name",
            ]),
        )
        .action(
            ActionCoverage::new(Action::AddCandidateTag).input_fields(["candidate_id", "tag.name"]),
        )
        .feature(FeatureCoverage::new(Feature::SourceWriting).note("Stored on the applicant."))
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications))
        .feature(
            FeatureCoverage::new(Feature::ConnectionGuide).guide(Guide::new(
                "Connection Setup Guide",
                "How to connect a TinyATS account.",
                "1. In TinyATS, open *Settings → API* and create a key.\n2. Paste it as `api_key`.",
            )),
        )
        .capabilities(Capabilities {
            deletion_detection: DeletionDetection::FullScanDiff,
            max_concurrency: Some(4),
            ..Capabilities::default()
        })
}

/// The TinyATS connector: one instance per integration, owning its "transport".
struct TinyAtsConnector {
    ats: Arc<TinyAts>,
    api_key: String,
}

impl fmt::Debug for TinyAtsConnector {
    // Never print the API key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TinyAtsConnector").finish_non_exhaustive()
    }
}

fn map_job(job: &TinyJob) -> JobRecord {
    JobRecord {
        remote_id: job.id.to_string(),
        name: Some(job.title.clone()),
        status: Some(if job.open {
            JobStatus::Open
        } else {
            JobStatus::Closed
        }),
        ..JobRecord::default()
    }
}

fn map_applicant_to_candidate(applicant: &TinyApplicant) -> CandidateRecord {
    CandidateRecord {
        remote_id: applicant.id.to_string(),
        first_name: Some(applicant.first_name.clone()),
        last_name: Some(applicant.last_name.clone()),
        email_addresses: vec![EmailAddress {
            email_address: Some(applicant.email.clone()),
            r#type: None,
        }],
        source: applicant.source.clone(),
        ..CandidateRecord::default()
    }
}

fn map_applicant_to_application(applicant: &TinyApplicant) -> ApplicationRecord {
    ApplicationRecord {
        remote_id: applicant.id.to_string(),
        outcome: Some(ApplicationOutcome::Pending),
        job_remote_id: Some(applicant.job_id.to_string()),
        candidate_remote_id: Some(applicant.id.to_string()),
        ..ApplicationRecord::default()
    }
}

fn parse_remote_id(id: &str) -> Result<u64, ConnectorError> {
    id.parse()
        .map_err(|_| ConnectorError::invalid_input(format!("`{id}` is not a TinyATS id")))
}

#[async_trait]
impl Connector for TinyAtsConnector {
    fn info(&self) -> ConnectorInfo {
        tiny_info()
    }

    fn coverage(&self) -> Coverage {
        tiny_coverage()
    }

    async fn check(&self, _ctx: &Context) -> Result<CheckReport, ConnectorError> {
        self.ats.list_jobs(&self.api_key)?;
        Ok(CheckReport::default()
            .with(Model::Job, ModelAccess::Granted)
            .with(Model::Candidate, ModelAccess::Granted)
            .with(Model::Application, ModelAccess::Granted))
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        if scope.wants(Model::Job) {
            let jobs = self.ats.list_jobs(&self.api_key)?;
            sink.push(jobs.iter().map(|job| map_job(job).into()).collect())
                .await?;
            sink.mark_complete(Model::Job);
        }

        if scope.wants(Model::Candidate) || scope.wants(Model::Application) {
            // List the ids, keep the tracked ones when "sync only created applications" is on,
            // then fetch every applicant (four requests in flight, results in id order).
            let mut ids = self.ats.list_applicant_ids(&self.api_key)?;
            if let Some(tracked) = &scope.tracked_applications {
                ids.retain(|id| {
                    tracked
                        .iter()
                        .any(|t| t.application_remote_id == id.to_string())
                });
            }
            let mut fetched = fan_out_stream(ids, 4, ctx.cancellation(), |id| async move {
                self.ats.get_applicant(&self.api_key, id)
            });
            // Push each applicant's records as soon as they are read: memory stays flat however
            // large the account, and a run that fails later keeps what it pushed.
            while let Some(applicant) = fetched.next().await {
                // An applicant deleted between listing and fetching is simply gone.
                let Some(applicant) = applicant? else {
                    continue;
                };
                let mut records: Vec<UnifiedRecord> = Vec::with_capacity(2);
                if scope.wants(Model::Candidate) {
                    records.push(map_applicant_to_candidate(&applicant).into());
                }
                if scope.wants(Model::Application) {
                    records.push(map_applicant_to_application(&applicant).into());
                }
                sink.push(records).await?;
            }
            // Only now, after every applicant was read, are the models complete.
            for model in [Model::Candidate, Model::Application] {
                if scope.wants(model) {
                    sink.mark_complete(model);
                }
            }
        }

        sink.set_state(serde_json::json!({ "synced_at": ctx.now().to_rfc3339() }));
        Ok(())
    }

    async fn create_application(
        &self,
        _ctx: &Context,
        input: CreateApplicationInput,
    ) -> Result<CreatedApplication, ConnectorError> {
        let candidate = &input.body.candidate;
        let applicant = TinyApplicant {
            id: 0, // assigned by TinyATS
            job_id: parse_remote_id(&input.job_remote_id)?,
            first_name: candidate.first_name.clone(),
            last_name: candidate.last_name.clone(),
            email: candidate.email_address.clone(),
            source: input.source_name.clone(),
            tags: Vec::new(),
        };
        let created = self.ats.insert_applicant(&self.api_key, applicant)?;
        Ok(CreatedApplication {
            candidate: map_applicant_to_candidate(&created),
            application: map_applicant_to_application(&created),
            related: Vec::new(),
            warnings: Vec::new(),
        })
    }

    async fn add_candidate_tag(
        &self,
        _ctx: &Context,
        input: CandidateTagInput,
    ) -> Result<ActionOutcome, ConnectorError> {
        let applicant_id = parse_remote_id(&input.candidate_remote_id)?;
        self.ats
            .add_tag(&self.api_key, applicant_id, &input.tag_name)?;
        Ok(ActionOutcome::default())
    }
}

// ---------------------------------------------------------------------------------------------
// The factory: builds a connector from an integration's stored config.
// ---------------------------------------------------------------------------------------------

struct TinyAtsFactory {
    ats: Arc<TinyAts>,
}

impl ConnectorFactory for TinyAtsFactory {
    fn slug(&self) -> &'static str {
        SLUG
    }

    fn info(&self) -> ConnectorInfo {
        tiny_info()
    }

    fn coverage(&self) -> Coverage {
        tiny_coverage()
    }

    fn credential_fields(&self) -> Vec<CredentialField> {
        vec![CredentialField {
            key: "api_key".to_owned(),
            label: "API key".to_owned(),
            help: "Settings → API in TinyATS.".to_owned(),
            required: true,
            secret: true,
        }]
    }

    fn build(&self, config: &serde_json::Value) -> Result<Arc<dyn Connector>, ConnectorError> {
        let api_key = config
            .get("api_key")
            .and_then(serde_json::Value::as_str)
            .filter(|key| !key.is_empty())
            .ok_or_else(|| ConnectorError::config("`api_key` is missing"))?;
        Ok(Arc::new(TinyAtsConnector {
            ats: self.ats.clone(),
            api_key: api_key.to_owned(),
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// Using it.
// ---------------------------------------------------------------------------------------------

fn test_context() -> Context {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T09:00:00Z")
        .unwrap()
        .to_utc();
    Context::new("int-1").with_clock(Arc::new(ManualClock::new(start)))
}

fn application_request(email: &str) -> CreateApplicationRequest {
    CreateApplicationRequest {
        candidate: CandidateInput {
            first_name: "Ada".to_owned(),
            last_name: "Lovelace".to_owned(),
            email_address: email.to_owned(),
            ..CandidateInput::default()
        },
        source: Some(CandidateSource {
            name: Some("Example Job Board".to_owned()),
            ..CandidateSource::default()
        }),
        ..CreateApplicationRequest::default()
    }
}

fn create_input(job_remote_id: &str, email: &str) -> CreateApplicationInput {
    CreateApplicationInput {
        job_remote_id: job_remote_id.to_owned(),
        stage_remote_id: None,
        screening_answers: Vec::new(),
        attachments: Vec::new(),
        source_name: Some("Example Job Board".to_owned()),
        body: application_request(email),
    }
}

fn setup() -> (Arc<TinyAts>, Arc<dyn Connector>) {
    let ats = Arc::new(TinyAts::new("secret-key"));
    ats.add_job(7, "Backend Engineer", true);
    ats.add_job(8, "Archivist", false);

    let mut registry = ConnectorRegistry::new();
    registry
        .add(Arc::new(TinyAtsFactory { ats: ats.clone() }))
        .unwrap();
    // `build` returns the connector already wrapped in a `GuardedConnector`.
    let connector = registry
        .build(SLUG, &serde_json::json!({ "api_key": "secret-key" }))
        .unwrap();
    (ats, connector)
}

#[tokio::test]
async fn walkthrough_check_sync_create_and_sync_again() {
    let (_ats, connector) = setup();
    let ctx = test_context();

    let report = connector.check(&ctx).await.unwrap();
    assert!(report.all_granted());

    let mut sink = MemorySink::new();
    connector
        .sync(&ctx, &SyncScope::full_all_models(), &mut sink)
        .await
        .unwrap();
    assert_eq!(sink.remote_ids(Model::Job), ["7", "8"]);
    assert!(sink.remote_ids(Model::Candidate).is_empty());
    assert!(sink.is_complete(Model::Job) && sink.is_complete(Model::Application));
    // Tags are not declared, so the guard never asked for them.
    assert!(!sink.is_complete(Model::Tag));
    assert_eq!(
        sink.state,
        Some(serde_json::json!({ "synced_at": "2026-01-01T09:00:00+00:00" }))
    );

    let created = connector
        .create_application(&ctx, create_input("7", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(created.application.job_remote_id.as_deref(), Some("7"));
    assert_eq!(
        created.candidate.source.as_deref(),
        Some("Example Job Board")
    );

    let mut sink = MemorySink::new();
    connector
        .sync(&ctx, &SyncScope::full_all_models(), &mut sink)
        .await
        .unwrap();
    assert_eq!(
        sink.remote_ids(Model::Candidate),
        [created.candidate.remote_id.as_str()]
    );
    let UnifiedRecord::Application(application) = &sink.records_of(Model::Application)[0] else {
        panic!("expected an application record");
    };
    assert_eq!(application, &created.application);
}

#[tokio::test]
async fn sync_only_created_applications_reads_just_the_tracked_set() {
    let (_ats, connector) = setup();
    let ctx = test_context();
    let first = connector
        .create_application(&ctx, create_input("7", "one@example.com"))
        .await
        .unwrap();
    connector
        .create_application(&ctx, create_input("7", "two@example.com"))
        .await
        .unwrap();

    let mut scope = SyncScope::full([Model::Candidate, Model::Application]);
    scope.tracked_applications = Some(
        [TrackedApplication {
            application_remote_id: first.application.remote_id.clone(),
            candidate_remote_id: Some(first.candidate.remote_id.clone()),
            job_remote_id: Some("7".to_owned()),
        }]
        .into(),
    );
    let mut sink = MemorySink::new();
    connector.sync(&ctx, &scope, &mut sink).await.unwrap();
    assert_eq!(
        sink.remote_ids(Model::Application),
        [first.application.remote_id.as_str()]
    );
    assert!(sink.records_of(Model::Job).is_empty());
}

#[tokio::test]
async fn undeclared_action_is_refused_without_any_request() {
    let (ats, connector) = setup();
    let ctx = test_context();
    let before = ats.requests();

    let input = CandidateTagInput {
        candidate_remote_id: "1000".to_owned(),
        tag_name: "vip".to_owned(),
    };
    let error = connector
        .remove_candidate_tag(&ctx, input)
        .await
        .unwrap_err();

    assert_eq!(
        error.kind(),
        &ErrorKind::Unsupported(Unsupported::Action(Action::RemoveCandidateTag))
    );
    assert_eq!(
        error.kombo_code().as_str(),
        "INTEGRATION.ACTION_NOT_AVAILABLE"
    );
    assert_eq!(
        ats.requests(),
        before,
        "the provider must not have been called"
    );

    // The declared twin goes through to the provider.
    connector
        .create_application(&ctx, create_input("7", "ada@example.com"))
        .await
        .unwrap();
    let input = CandidateTagInput {
        candidate_remote_id: "1000".to_owned(),
        tag_name: "vip".to_owned(),
    };
    connector.add_candidate_tag(&ctx, input).await.unwrap();
    assert_eq!(ats.requests(), before + 2);
}

#[tokio::test]
async fn provider_errors_keep_their_kind() {
    let (_ats, connector) = setup();
    let ctx = test_context();

    let closed = connector
        .create_application(&ctx, create_input("8", "ada@example.com"))
        .await;
    assert_eq!(closed.unwrap_err().kind(), &ErrorKind::JobClosed);

    connector
        .create_application(&ctx, create_input("7", "ada@example.com"))
        .await
        .unwrap();
    let again = connector
        .create_application(&ctx, create_input("7", "ada@example.com"))
        .await;
    assert_eq!(again.unwrap_err().kind(), &ErrorKind::AlreadyExists);

    let bad_id = connector
        .create_application(&ctx, create_input("seven", "ada@example.com"))
        .await;
    assert_eq!(bad_id.unwrap_err().kind(), &ErrorKind::InvalidInput);
}

#[tokio::test]
async fn wrong_credentials_fail_the_check() {
    let ats = Arc::new(TinyAts::new("secret-key"));
    let factory = TinyAtsFactory { ats };
    let connector = factory
        .build(&serde_json::json!({ "api_key": "wrong" }))
        .unwrap();
    let error = connector.check(&test_context()).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(
        !error.to_string().contains("wrong"),
        "the key must not leak: {error}"
    );
    assert!(!format!("{connector:?}").contains("wrong"));

    let missing = factory.build(&serde_json::json!({})).unwrap_err();
    assert_eq!(missing.kind(), &ErrorKind::Config);
}

#[test]
fn coverage_page_lists_what_is_declared() {
    let page = render_coverage_markdown(&tiny_info(), &tiny_coverage());
    assert!(page.contains("# TinyATS ATS Integration"));
    assert!(
        page.contains("#### Applications\n\nTinyATS keeps exactly one application per applicant.")
    );
    assert!(page.contains("| `status` | OPEN or CLOSED; TinyATS has no drafts. |"));
    assert!(page.contains("#### Add tag to candidate"));
    assert!(!page.contains("Remove tag from candidate"));
    assert!(page.contains("| Source Writing | Stored on the applicant. |"));
    assert!(tiny_coverage().problems().is_empty());
}

#[test]
fn paged_lists_and_delta_windows() -> Result<(), Box<dyn std::error::Error>> {
    // Follow `Link: <…>; rel="next"` until it is gone. The walk refuses a page it has seen
    // and a list that never ends, so a misbehaving provider fails the run instead of looping.
    let responses = [
        Some(r#"<https://ats.example/v3/candidates?cursor=c2>; rel="next""#),
        Some(r#"<https://ats.example/v3/candidates?cursor=c3>; rel="next""#),
        None,
    ];
    let mut walk = PageWalk::new("candidates", 10_000);
    let mut requested = vec!["https://ats.example/v3/candidates?per_page=500".to_owned()];
    for link in responses {
        match walk.advance(NextPage::from_link_header(link))? {
            Some(NextPage::Url(url)) => requested.push(url),
            Some(_) | None => break,
        }
    }
    assert_eq!(walk.pages(), 3);

    // A delta run reads from the previous run's start minus an overlap, and stores its own
    // start as the next checkpoint.
    let previous: DateTime<Utc> = "2026-05-01T10:00:00Z".parse()?;
    let now: DateTime<Utc> = "2026-05-01T11:00:00Z".parse()?;
    let window = DeltaWindow::starting(Some(previous), now, Duration::from_secs(300));
    assert_eq!(window.since, Some("2026-05-01T09:55:00Z".parse()?));
    assert_eq!(window.checkpoint(), now);
    assert_eq!(requested.len(), 3);
    Ok(())
}

#[test]
fn guide_snippets_are_taken_from_this_file() {
    let guide = include_str!("../../../docs/connector-guide.md");
    let example = include_str!("guide_example.rs");
    let mut blocks = 0;
    let mut rest = guide;
    while let Some(start) = rest.find("```rust\n") {
        let body_start = start + "```rust\n".len();
        let Some(length) = rest[body_start..].find("```\n") else {
            panic!("unterminated rust block in the guide");
        };
        let block = &rest[body_start..body_start + length];
        assert!(
            example.contains(block),
            "guide block not found in guide_example.rs:\n{block}"
        );
        blocks += 1;
        rest = &rest[body_start + length..];
    }
    assert!(
        blocks >= 4,
        "the guide should quote the example, found {blocks} rust blocks"
    );
}
