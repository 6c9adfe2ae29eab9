//! Sync engine and scheduler behaviour against a fake in-memory connector.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use atsbridge_connector::{
    Capabilities, CheckReport, Connector, ConnectorError, ConnectorInfo, Context, Coverage,
    DeletionDetection, Feature, FeatureCoverage, GuardedConnector, ManualClock, ModelCoverage,
    RecordSink, SyncScope,
};
use atsbridge_schema::Model;
use atsbridge_schema::record::{
    ApplicationRecord, CandidateRecord, JobRecord, JobScreeningQuestionRecord, UnifiedRecord,
};
use atsbridge_store::{
    Integration, IntegrationSettings, NewIntegration, RecordQuery, RunId, RunStatus, SecretKey,
    SqliteStore, Store, StoreError, StoredRecord, SyncMode, SyncRun, TrackedApplication,
};
use atsbridge_sync::{
    ActiveRun, ConnectorProvider, EngineConfig, ForceSyncOutcome, Scheduler, SyncEngine, SyncError,
    SyncProgress,
};
use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// What the fake provider currently holds, and how the next run behaves.
#[derive(Debug, Default)]
struct FakeState {
    jobs: Vec<JobRecord>,
    candidates: Vec<CandidateRecord>,
    applications: Vec<ApplicationRecord>,
    job_questions: Vec<JobScreeningQuestionRecord>,
    /// Fail after pushing this many records.
    fail_after: Option<usize>,
    /// Fail after marking every model complete (the run as a whole still failed).
    fail_at_end: bool,
    /// When set, the run reports one request for its listing plus this many per record.
    requests_per_record: Option<u64>,
    scopes: Vec<SyncScope>,
}

#[derive(Debug, Default)]
struct FakeConnector {
    state: Mutex<FakeState>,
    /// When set, each run waits for a permit before returning.
    gate: Option<Arc<Semaphore>>,
    /// Declares delta capability.
    delta_sync: bool,
}

#[async_trait]
impl Connector for FakeConnector {
    fn info(&self) -> ConnectorInfo {
        ConnectorInfo::new("fake", "Fake", "In-memory test provider", "1")
    }

    fn coverage(&self) -> Coverage {
        [
            Model::Job,
            Model::Candidate,
            Model::Application,
            Model::JobScreeningQuestion,
        ]
        .into_iter()
        .fold(Coverage::new(), |coverage, model| {
            coverage.model(ModelCoverage::new(model))
        })
        .feature(FeatureCoverage::new(Feature::SyncOnlyCreatedApplications))
        .capabilities(Capabilities {
            deletion_detection: DeletionDetection::FullScanDiff,
            delta_sync: self.delta_sync,
            ..Capabilities::default()
        })
    }

    async fn check(&self, _ctx: &Context) -> Result<CheckReport, ConnectorError> {
        Ok(CheckReport::default())
    }

    async fn sync(
        &self,
        ctx: &Context,
        scope: &SyncScope,
        sink: &mut dyn RecordSink,
    ) -> Result<(), ConnectorError> {
        let (records, fail_after, requests_per_record) = {
            let mut state = self.state.lock().unwrap();
            state.scopes.push(scope.clone());
            let mut records: Vec<UnifiedRecord> = Vec::new();
            records.extend(state.jobs.iter().cloned().map(UnifiedRecord::from));
            records.extend(state.candidates.iter().cloned().map(UnifiedRecord::from));
            records.extend(state.applications.iter().cloned().map(UnifiedRecord::from));
            records.extend(state.job_questions.iter().cloned().map(UnifiedRecord::from));
            (records, state.fail_after, state.requests_per_record)
        };
        if requests_per_record.is_some() {
            sink.report_requests(1);
        }
        for (pushed, record) in records.into_iter().enumerate() {
            if fail_after == Some(pushed) {
                return Err(ConnectorError::provider_unavailable("provider went away"));
            }
            ctx.ensure_not_cancelled()?;
            if let Some(per_record) = requests_per_record {
                sink.report_requests(per_record);
            }
            sink.push(vec![record]).await?;
        }
        if let Some(gate) = &self.gate {
            gate.acquire().await.unwrap().forget();
        }
        for model in [Model::Job, Model::JobScreeningQuestion] {
            sink.mark_complete(model);
        }
        if !scope.only_tracked_applications() {
            sink.mark_complete(Model::Candidate);
            sink.mark_complete(Model::Application);
        }
        sink.set_state(serde_json::json!({"runs": self.state.lock().unwrap().scopes.len()}));
        if self.state.lock().unwrap().fail_at_end {
            return Err(ConnectorError::provider_unavailable(
                "failed while finishing",
            ));
        }
        Ok(())
    }
}

fn job(remote_id: &str, name: &str) -> JobRecord {
    JobRecord {
        remote_id: remote_id.into(),
        name: Some(name.into()),
        ..JobRecord::default()
    }
}

fn candidate(remote_id: &str, first_name: &str) -> CandidateRecord {
    CandidateRecord {
        remote_id: remote_id.into(),
        first_name: Some(first_name.into()),
        ..CandidateRecord::default()
    }
}

fn application(remote_id: &str, candidate: &str, job: &str) -> ApplicationRecord {
    ApplicationRecord {
        remote_id: remote_id.into(),
        candidate_remote_id: Some(candidate.into()),
        job_remote_id: Some(job.into()),
        ..ApplicationRecord::default()
    }
}

fn t(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000 + minutes * 60, 0).unwrap()
}

struct Harness {
    store: Arc<SqliteStore>,
    clock: Arc<ManualClock>,
    engine: SyncEngine,
    integration: Integration,
    fake: Arc<FakeConnector>,
}

async fn harness(sync_all: bool) -> Harness {
    let store = Arc::new(SqliteStore::open_in_memory(SecretKey::generate()).unwrap());
    let env = store.create_environment("Test").await.unwrap();
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id,
            tool: "fake".into(),
            remote_label: None,
            credentials: serde_json::json!({}),
            settings: IntegrationSettings {
                sync_only_created_applications: !sync_all,
                ..IntegrationSettings::default()
            },
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(t(0)));
    let engine = SyncEngine::new(store.clone())
        .with_clock(clock.clone())
        .with_config(EngineConfig {
            batch_size: 2,
            flush_interval: Duration::from_secs(60),
            ..EngineConfig::default()
        });
    Harness {
        store,
        clock,
        engine,
        integration,
        fake: Arc::new(FakeConnector::default()),
    }
}

impl Harness {
    fn guarded(&self) -> Arc<dyn Connector> {
        Arc::new(GuardedConnector::new(self.fake.clone()))
    }

    async fn run(&self, mode: SyncMode) -> Result<atsbridge_sync::SyncSummary, SyncError> {
        self.engine
            .run(
                &self.integration,
                self.guarded(),
                mode,
                CancellationToken::new(),
                None,
            )
            .await
    }

    async fn records(&self, model: Model) -> Vec<StoredRecord> {
        let mut query = RecordQuery::new(self.integration.id.clone(), model, 1000);
        query.include_deleted = true;
        self.store.list_records(&query).await.unwrap()
    }

    async fn record(&self, model: Model, remote_id: &str) -> StoredRecord {
        self.records(model)
            .await
            .into_iter()
            .find(|r| r.remote_id == remote_id)
            .unwrap()
    }

    fn set(&self, f: impl FnOnce(&mut FakeState)) {
        f(&mut self.fake.state.lock().unwrap());
    }
}

#[tokio::test]
async fn changed_at_moves_only_on_real_changes() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "Dev"), job("2", "Ops")]);
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.counts[&Model::Job].inserted, 2);
    let first = h.record(Model::Job, "1").await;
    assert_eq!(first.changed_at.as_datetime(), t(0));
    assert_eq!(
        first.id,
        atsbridge_schema::KomboId::derive(h.integration.id.as_str(), Model::Job, "1")
    );
    assert_eq!(first.document["name"], "Dev");

    h.clock.set(t(10));
    h.set(|s| s.jobs[1].name = Some("Ops Lead".into()));
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.counts[&Model::Job].unchanged, 1);
    assert_eq!(summary.counts[&Model::Job].updated, 1);
    assert_eq!(
        h.record(Model::Job, "1").await.changed_at.as_datetime(),
        t(0)
    );
    assert_eq!(
        h.record(Model::Job, "2").await.changed_at.as_datetime(),
        t(10)
    );
    assert_eq!(
        h.store.load_sync_state(&h.integration.id).await.unwrap(),
        Some(serde_json::json!({"runs": 2}))
    );
}

#[tokio::test]
async fn deletions_need_a_complete_enumeration_and_reappearance_undeletes() {
    let h = harness(true).await;
    h.set(|s| {
        s.jobs = vec![job("1", "Dev"), job("2", "Ops")];
        s.candidates = vec![candidate("c1", "Ada")];
    });
    h.run(SyncMode::Full).await.unwrap();

    h.clock.set(t(5));
    h.set(|s| {
        s.jobs.remove(1);
        s.candidates.clear();
    });
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.counts[&Model::Job].deleted, 1);
    let gone = h.record(Model::Job, "2").await;
    assert_eq!(gone.remote_deleted_at.map(|t| t.as_datetime()), Some(t(5)));
    assert_eq!(gone.changed_at.as_datetime(), t(5));
    assert!(
        h.record(Model::Candidate, "c1")
            .await
            .remote_deleted_at
            .is_some()
    );

    h.clock.set(t(9));
    h.set(|s| s.jobs.push(job("2", "Ops")));
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.counts[&Model::Job].undeleted, 1);
    let back = h.record(Model::Job, "2").await;
    assert_eq!(back.remote_deleted_at, None);
    assert_eq!(back.changed_at.as_datetime(), t(9));
    assert_eq!(back.id, gone.id);
}

#[tokio::test]
async fn tracked_subset_runs_do_not_delete_candidates_or_applications() {
    let h = harness(false).await;
    h.set(|s| {
        s.candidates = vec![candidate("c1", "Ada"), candidate("c2", "Bob")];
        s.applications = vec![application("a1", "c1", "j1")];
    });
    h.run(SyncMode::Full).await.unwrap();
    h.set(|s| {
        s.candidates.clear();
        s.applications.clear();
    });
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert!(!summary.complete_models.contains(&Model::Candidate));
    assert!(
        h.records(Model::Candidate)
            .await
            .iter()
            .all(|r| r.remote_deleted_at.is_none())
    );
}

#[tokio::test]
async fn an_interrupted_run_deletes_nothing_and_the_next_run_completes() {
    let h = harness(true).await;
    h.set(|s| s.jobs = (1..=6).map(|n| job(&n.to_string(), "Job")).collect());
    h.run(SyncMode::Full).await.unwrap();

    // Job 6 disappears, job 1 changes, job 7 and a candidate are new, and the provider fails
    // after four records (with a batch size of 2: one batch written during the run, one
    // still buffered when the connector failed).
    h.clock.set(t(1));
    h.set(|s| {
        s.jobs.pop();
        s.jobs[0].name = Some("Changed".into());
        s.jobs.insert(1, job("7", "New"));
        s.jobs.truncate(3);
        s.candidates = vec![candidate("c1", "Ada"), candidate("c2", "Grace")];
        s.fail_after = Some(4);
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let err = h
        .engine
        .run(
            &h.integration,
            h.guarded(),
            SyncMode::Full,
            CancellationToken::new(),
            Some(tx),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Connector { .. }), "{err}");
    let jobs = h.records(Model::Job).await;
    assert!(jobs.iter().all(|r| r.remote_deleted_at.is_none()));
    // Everything pushed before the failure is stored, the buffered part included: it is
    // real data.
    assert_eq!(h.record(Model::Job, "1").await.document["name"], "Changed");
    assert_eq!(h.record(Model::Job, "7").await.document["name"], "New");
    let candidates = h.records(Model::Candidate).await;
    assert_eq!(
        candidates
            .iter()
            .map(|r| r.remote_id.as_str())
            .collect::<Vec<_>>(),
        ["c1"]
    );
    let mut last_total = 0;
    while let Ok(event) = rx.try_recv() {
        if let SyncProgress::BatchWritten { written_total, .. } = event {
            last_total = written_total;
        }
    }
    assert_eq!(last_total, 4, "progress counts what the failed run stored");
    let runs = h.store.last_runs(&h.integration.id, 1).await.unwrap();
    assert_eq!(runs[0].status, RunStatus::Failed);
    assert!(
        runs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("provider went away")
    );
    // The failed run's state is not kept.
    assert_eq!(
        h.store.load_sync_state(&h.integration.id).await.unwrap(),
        Some(serde_json::json!({"runs": 1}))
    );

    h.clock.set(t(2));
    h.set(|s| {
        s.fail_after = None;
        s.jobs = [1, 7, 2, 3, 4, 5]
            .iter()
            .map(|n| job(&n.to_string(), "Job"))
            .collect();
    });
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.counts[&Model::Job].deleted, 1);
    assert_eq!(summary.counts[&Model::Candidate].inserted, 1, "c2 only");
    assert_eq!(
        summary.counts[&Model::Candidate].unchanged,
        1,
        "c1 was kept"
    );
    let deleted: Vec<String> = h
        .records(Model::Job)
        .await
        .into_iter()
        .filter(|r| r.remote_deleted_at.is_some())
        .map(|r| r.remote_id)
        .collect();
    assert_eq!(deleted, vec!["6"]);
}

#[tokio::test]
async fn a_failed_run_deletes_nothing_even_for_models_marked_complete() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B")]);
    h.run(SyncMode::Full).await.unwrap();
    h.set(|s| {
        s.jobs.pop();
        s.fail_at_end = true;
    });
    assert!(h.run(SyncMode::Full).await.is_err());
    assert!(
        h.records(Model::Job)
            .await
            .iter()
            .all(|r| r.remote_deleted_at.is_none())
    );
    h.set(|s| s.fail_at_end = false);
    assert_eq!(
        h.run(SyncMode::Full).await.unwrap().counts[&Model::Job].deleted,
        1
    );
}

#[tokio::test]
async fn runs_store_the_request_count_the_connector_reports() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B"), job("3", "C")]);
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(summary.requests, None, "a connector that does not count");
    let runs = h.store.last_runs(&h.integration.id, 1).await.unwrap();
    assert_eq!(runs[0].requests, None);

    h.set(|s| s.requests_per_record = Some(2));
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert_eq!(
        summary.requests,
        Some(1 + 2 * 3),
        "reports add up over the run"
    );
    let runs = h.store.last_runs(&h.integration.id, 1).await.unwrap();
    assert_eq!(runs[0].id, summary.run_id);
    assert_eq!(runs[0].requests, Some(7));

    // A failed run still records what the connector reported before it failed.
    h.set(|s| {
        s.requests_per_record = Some(5);
        s.fail_after = Some(2);
    });
    assert!(h.run(SyncMode::Full).await.is_err());
    let runs = h.store.last_runs(&h.integration.id, 1).await.unwrap();
    assert_eq!(runs[0].status, RunStatus::Failed);
    assert_eq!(runs[0].requests, Some(1 + 5 * 2));
}

#[tokio::test]
async fn a_cancelled_run_deletes_nothing() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B")]);
    h.run(SyncMode::Full).await.unwrap();
    h.set(|s| {
        s.jobs.pop();
    });
    let cancel = CancellationToken::new();
    cancel.cancel();
    let err = h
        .engine
        .run(&h.integration, h.guarded(), SyncMode::Full, cancel, None)
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Cancelled { .. }), "{err}");
    assert!(
        h.records(Model::Job)
            .await
            .iter()
            .all(|r| r.remote_deleted_at.is_none())
    );
    let runs = h.store.last_runs(&h.integration.id, 1).await.unwrap();
    assert_eq!(runs[0].status, RunStatus::Cancelled);
}

#[tokio::test]
async fn runs_of_one_integration_never_overlap() {
    let gate = Arc::new(Semaphore::new(0));
    let mut h = harness(true).await;
    h.fake = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    h.set(|s| s.jobs = vec![job("1", "A")]);
    let h = Arc::new(h);
    let first = {
        let h = h.clone();
        tokio::spawn(async move { h.run(SyncMode::Full).await })
    };
    while !h.engine.is_running(&h.integration.id) {
        tokio::task::yield_now().await;
    }
    let second = h.run(SyncMode::Delta).await.unwrap_err();
    assert!(matches!(second, SyncError::AlreadyRunning(_)), "{second}");
    gate.add_permits(1);
    first.await.unwrap().unwrap();
    assert!(!h.engine.is_running(&h.integration.id));
    gate.add_permits(1);
    h.run(SyncMode::Full).await.unwrap();
    assert_eq!(h.fake.state.lock().unwrap().scopes.len(), 2);
}

#[tokio::test]
async fn sync_only_created_applications_passes_the_tracked_set() {
    let h = harness(false).await;
    h.store
        .track_application(
            &h.integration.id,
            TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: Some("c1".into()),
                job_remote_id: None,
            },
            atsbridge_schema::Timestamp::from(t(0)),
        )
        .await
        .unwrap();
    // Created through a provider that answers with the application alone: no candidate id.
    h.store
        .track_application(
            &h.integration.id,
            TrackedApplication {
                application_remote_id: "a2".into(),
                candidate_remote_id: None,
                job_remote_id: None,
            },
            atsbridge_schema::Timestamp::from(t(0)),
        )
        .await
        .unwrap();
    h.set(|s| s.applications = vec![application("a1", "c1", "j9")]);
    h.run(SyncMode::Full).await.unwrap();
    let scope = h.fake.state.lock().unwrap().scopes[0].clone();
    let tracked = scope.tracked_applications.unwrap();
    assert_eq!(
        tracked,
        BTreeSet::from([
            atsbridge_connector::TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: Some("c1".into()),
                job_remote_id: None,
            },
            atsbridge_connector::TrackedApplication {
                application_remote_id: "a2".into(),
                candidate_remote_id: None,
                job_remote_id: None,
            }
        ]),
        "an application without a known candidate id is passed on, not dropped"
    );
    // The job id learned from the synced application completes the tracked entry.
    assert_eq!(
        h.store
            .tracked_applications(&h.integration.id)
            .await
            .unwrap()[0]
            .job_remote_id,
        Some("j9".into())
    );

    let all = harness(true).await;
    all.run(SyncMode::Full).await.unwrap();
    assert_eq!(
        all.fake.state.lock().unwrap().scopes[0].tracked_applications,
        None
    );
}

#[tokio::test]
async fn child_changes_touch_parents_for_updated_after() {
    let h = harness(true).await;
    h.set(|s| {
        s.jobs = vec![job("j1", "Dev"), job("j2", "Ops")];
        s.candidates = vec![candidate("c1", "Ada"), candidate("c2", "Bob")];
        s.applications = vec![application("a1", "c1", "j1"), application("a2", "c2", "j2")];
        s.job_questions = vec![JobScreeningQuestionRecord {
            remote_id: "j1:q1".into(),
            job_remote_id: "j1".into(),
            question_remote_id: "q1".into(),
            ..JobScreeningQuestionRecord::default()
        }];
    });
    h.run(SyncMode::Full).await.unwrap();

    h.clock.set(t(30));
    h.set(|s| {
        s.applications[0].current_stage_remote_id = Some("s2".into());
        s.candidates[1].first_name = Some("Bobby".into());
        s.job_questions[0].required = Some(true);
    });
    h.run(SyncMode::Full).await.unwrap();

    let updated_after = |model| {
        let mut q = RecordQuery::new(h.integration.id.clone(), model, 100);
        q.updated_after = Some(atsbridge_schema::Timestamp::from(t(10)));
        q
    };
    let ids = |records: Vec<StoredRecord>| -> Vec<String> {
        records.into_iter().map(|r| r.remote_id).collect()
    };
    // c1: its application changed; c2: changed itself.
    assert_eq!(
        ids(h
            .store
            .list_records(&updated_after(Model::Candidate))
            .await
            .unwrap()),
        vec!["c1", "c2"]
    );
    // a1 changed itself; a2's candidate changed.
    assert_eq!(
        ids(h
            .store
            .list_records(&updated_after(Model::Application))
            .await
            .unwrap()),
        vec!["a1", "a2"]
    );
    // j1's screening question link changed; j2 untouched.
    assert_eq!(
        ids(h
            .store
            .list_records(&updated_after(Model::Job))
            .await
            .unwrap()),
        vec!["j1"]
    );
    // Own changed_at of touched parents did not move.
    assert_eq!(
        h.record(Model::Job, "j1").await.changed_at.as_datetime(),
        t(0)
    );
}

#[tokio::test]
async fn progress_events_describe_the_run() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B"), job("3", "C")]);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    h.engine
        .run(
            &h.integration,
            h.guarded(),
            SyncMode::Full,
            CancellationToken::new(),
            Some(tx),
        )
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Ok(event) = rx.try_recv() {
        events.push(event);
    }
    assert!(matches!(
        events.first(),
        Some(SyncProgress::Started {
            mode: SyncMode::Full,
            ..
        })
    ));
    let written: usize = events
        .iter()
        .filter_map(|e| match e {
            SyncProgress::BatchWritten {
                model: Model::Job,
                records,
                ..
            } => Some(*records),
            _ => None,
        })
        .sum();
    assert_eq!(written, 3);
    // The running total counts every model and ends at everything written.
    let totals: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            SyncProgress::BatchWritten { written_total, .. } => Some(*written_total),
            _ => None,
        })
        .collect();
    assert!(
        totals.windows(2).all(|pair| pair[0] < pair[1]),
        "{totals:?}"
    );
    assert_eq!(totals.last(), Some(&3));
    assert!(events.iter().any(|e| matches!(
        e,
        SyncProgress::ModelComplete {
            model: Model::Job,
            deleted: 0,
            ..
        }
    )));
    assert!(matches!(events.last(), Some(SyncProgress::Finished(_))));
}

/// Hands out the fake connector for every scheduled run.
struct FakeProvider(Arc<FakeConnector>);

#[async_trait]
impl ConnectorProvider for FakeProvider {
    async fn connector(&self, _integration: &Integration) -> Result<Arc<dyn Connector>, SyncError> {
        Ok(Arc::new(GuardedConnector::new(self.0.clone())))
    }
}

fn modes(fake: &FakeConnector) -> Vec<atsbridge_connector::SyncMode> {
    fake.state
        .lock()
        .unwrap()
        .scopes
        .iter()
        .map(|s| s.mode)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn scheduler_runs_full_then_deltas_on_paused_time() {
    let h = harness(true).await;
    // The fake has no delta capability, so the guard turns deltas into full scans; the
    // engine records the mode it really ran, which the runs table shows.
    let engine = Arc::new(h.engine);
    let scheduler = Scheduler::new(engine.clone(), Arc::new(FakeProvider(h.fake.clone())));
    scheduler.start_integration(h.integration.clone());

    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(modes(&h.fake).len(), 1, "initial full run");
    tokio::time::sleep(Duration::from_secs(60 * 60)).await;
    // Delta every 15 minutes: at 15, 30, 45 and 60 minutes.
    assert_eq!(modes(&h.fake).len(), 5);
    let runs = h.store.last_runs(&h.integration.id, 10).await.unwrap();
    assert_eq!(runs.len(), 5);
    assert!(runs.iter().all(|r| r.status == RunStatus::Succeeded));

    let forced = scheduler
        .force_sync(&h.integration.id, SyncMode::Full)
        .await
        .unwrap();
    assert!(matches!(
        forced,
        ForceSyncOutcome::Queued {
            mode: SyncMode::Full,
            ..
        }
    ));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(modes(&h.fake).len(), 6);
    let runs = h.store.last_runs(&h.integration.id, 10).await.unwrap();
    assert_eq!(runs.len(), 6, "the forced run has one record, not two");
    assert_eq!(
        (runs[0].id, runs[0].status),
        (forced.run_id(), RunStatus::Succeeded)
    );
    assert!(matches!(
        scheduler
            .force_sync(&atsbridge_store::IntegrationId::new("nope"), SyncMode::Full)
            .await,
        Err(SyncError::UnknownIntegration(_))
    ));
    scheduler.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn force_sync_during_a_run_is_coalesced() {
    let gate = Arc::new(Semaphore::new(0));
    let h = harness(true).await;
    let fake = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    let engine = Arc::new(h.engine);
    let scheduler = Scheduler::new(engine.clone(), Arc::new(FakeProvider(fake.clone())));
    scheduler.start_integration(h.integration.clone());
    while engine.current_run(&h.integration.id).is_none() {
        tokio::task::yield_now().await;
    }
    // The scheduled first run is running; a forced run is folded into it, with its id.
    let running = engine.current_run(&h.integration.id).unwrap();
    assert_eq!(
        scheduler
            .force_sync(&h.integration.id, SyncMode::Delta)
            .await
            .unwrap(),
        ForceSyncOutcome::AlreadyQueued {
            run_id: running.run_id,
            mode: SyncMode::Full
        }
    );
    gate.add_permits(1);
    while engine.is_running(&h.integration.id) {
        tokio::task::yield_now().await;
    }
    assert_eq!(modes(&fake).len(), 1);
    let runs = h.store.last_runs(&h.integration.id, 10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![(running.run_id, RunStatus::Succeeded)]
    );
    scheduler.shutdown().await;
}

/// Waits (bounded) until the run is over and returns it.
async fn finished_run(store: &SqliteStore, integration: &Integration, run_id: RunId) -> SyncRun {
    for _ in 0..2000 {
        let runs = store.last_runs(&integration.id, 20).await.unwrap();
        let run = runs.into_iter().find(|r| r.id == run_id).unwrap();
        if run.status.is_final() {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("run {run_id} did not finish");
}

#[tokio::test]
async fn force_sync_returns_the_queued_run_id_and_folds_repeats_into_it() {
    let gate = Arc::new(Semaphore::new(1));
    let h = harness(true).await;
    let fake = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    fake.state.lock().unwrap().jobs = vec![job("1", "A")];
    // One completed sync, so the loop starts idle (next timers are far away).
    h.engine
        .run(
            &h.integration,
            Arc::new(GuardedConnector::new(fake.clone())),
            SyncMode::Full,
            CancellationToken::new(),
            None,
        )
        .await
        .unwrap();
    let engine = Arc::new(h.engine);
    let scheduler = Scheduler::new(engine.clone(), Arc::new(FakeProvider(fake.clone())));
    scheduler.start_integration(h.integration.clone());
    let id = &h.integration.id;

    // The fake cannot sync deltas: the run that will happen is a full one.
    let first = scheduler.force_sync(id, SyncMode::Delta).await.unwrap();
    let ForceSyncOutcome::Queued { run_id, mode } = first else {
        panic!("expected a new run, got {first:?}");
    };
    assert_eq!(mode, SyncMode::Full);
    let recorded = h.store.last_runs(id, 1).await.unwrap().remove(0);
    assert_eq!(recorded.id, run_id);
    assert!(
        matches!(recorded.status, RunStatus::Queued | RunStatus::Running),
        "{recorded:?}"
    );
    let second = scheduler.force_sync(id, SyncMode::Full).await.unwrap();
    assert_eq!(
        second,
        ForceSyncOutcome::AlreadyQueued {
            run_id,
            mode: SyncMode::Full
        }
    );
    // Still the same run once it is running (the gate holds it).
    while engine.current_run(id).is_none() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(engine.current_run(id).unwrap().run_id, run_id);
    assert!(
        scheduler
            .force_sync(id, SyncMode::Delta)
            .await
            .unwrap()
            .already_queued()
    );

    gate.add_permits(1);
    let run = finished_run(&h.store, &h.integration, run_id).await;
    assert_eq!(
        (run.status, run.mode),
        (RunStatus::Succeeded, SyncMode::Full)
    );
    assert_eq!(modes(&fake).len(), 2, "the three requests made one run");
    assert_eq!(h.store.last_runs(id, 10).await.unwrap().len(), 2);

    // Once it is over, the next request queues a new run.
    gate.add_permits(1);
    let next = scheduler.force_sync(id, SyncMode::Full).await.unwrap();
    assert!(!next.already_queued());
    assert!(next.run_id() > run_id);
    let run = finished_run(&h.store, &h.integration, next.run_id()).await;
    assert_eq!(run.status, RunStatus::Succeeded);
    scheduler.shutdown().await;
}

#[tokio::test]
async fn force_sync_keeps_delta_for_a_delta_capable_connector() {
    let h = harness(true).await;
    let fake = Arc::new(FakeConnector {
        delta_sync: true,
        ..FakeConnector::default()
    });
    h.engine
        .run(
            &h.integration,
            Arc::new(GuardedConnector::new(fake.clone())),
            SyncMode::Full,
            CancellationToken::new(),
            None,
        )
        .await
        .unwrap();
    let engine = Arc::new(h.engine);
    let scheduler = Scheduler::new(engine, Arc::new(FakeProvider(fake.clone())));
    scheduler.start_integration(h.integration.clone());
    let outcome = scheduler
        .force_sync(&h.integration.id, SyncMode::Delta)
        .await
        .unwrap();
    assert_eq!(outcome.mode(), SyncMode::Delta);
    let run = finished_run(&h.store, &h.integration, outcome.run_id()).await;
    assert_eq!(
        (run.status, run.mode),
        (RunStatus::Succeeded, SyncMode::Delta)
    );
    assert_eq!(
        modes(&fake),
        vec![
            atsbridge_connector::SyncMode::Full,
            atsbridge_connector::SyncMode::Delta
        ]
    );
    scheduler.shutdown().await;
}

#[tokio::test]
async fn a_queued_run_is_reused_and_nothing_is_queued_beside_a_running_one() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A")]);
    let id = &h.integration.id;
    let queued = h
        .store
        .queue_run(id, SyncMode::Full, t(0).into())
        .await
        .unwrap();
    let summary = h
        .engine
        .run_queued(
            &h.integration,
            h.guarded(),
            ActiveRun {
                run_id: queued,
                mode: SyncMode::Full,
            },
            CancellationToken::new(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(summary.run_id, queued);
    let runs = h.store.last_runs(id, 10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![(queued, RunStatus::Succeeded)]
    );
    assert_eq!(
        runs[0].counts["job"].unchanged + runs[0].counts["job"].inserted,
        1
    );

    // While another run holds the integration, no run can be queued beside it: the store
    // names the running one.
    let gate = Arc::new(Semaphore::new(0));
    let blocking = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    let engine = Arc::new(h.engine);
    let running = {
        let (engine, integration, blocking) =
            (engine.clone(), h.integration.clone(), blocking.clone());
        tokio::spawn(async move {
            engine
                .run(
                    &integration,
                    Arc::new(GuardedConnector::new(blocking)),
                    SyncMode::Full,
                    CancellationToken::new(),
                    None,
                )
                .await
        })
    };
    while engine.current_run(id).is_none() {
        tokio::task::yield_now().await;
    }
    let holder = engine.current_run(id).unwrap().run_id;
    let refused = h
        .store
        .queue_run(id, SyncMode::Full, t(1).into())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, StoreError::RunInProgress { run_id, status: RunStatus::Running, .. } if run_id == holder),
        "{refused}"
    );
    gate.add_permits(1);
    running.await.unwrap().unwrap();
}

/// Records a finished run the way another process's engine would.
async fn finish_elsewhere(store: &SqliteStore, run_id: RunId, at: DateTime<Utc>) {
    store
        .finish_run(
            run_id,
            atsbridge_store::RunOutcome {
                status: RunStatus::Succeeded,
                finished_at: at.into(),
                counts: Default::default(),
                requests: None,
                error: None,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_engine_refuses_while_another_process_syncs_the_integration() {
    let h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A")]);
    let id = &h.integration.id;
    // Another process (sharing the database) started a run: it is only in the store.
    let elsewhere = h
        .store
        .start_run(id, SyncMode::Delta, t(0).into())
        .await
        .unwrap();
    // Within the other run's lease (it has not missed a beat yet).
    h.clock.set(t(1));

    let error = h.run(SyncMode::Full).await.unwrap_err();
    match &error {
        SyncError::RunInProgress {
            integration_id,
            run_id,
            status,
            mode,
            since,
        } => {
            assert_eq!(
                (integration_id, *run_id, *status, *mode, *since),
                (
                    id,
                    elsewhere,
                    RunStatus::Running,
                    SyncMode::Delta,
                    t(0).into()
                )
            );
        }
        other => panic!("expected RunInProgress, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains(&format!("run {elsewhere} is running")),
        "{message}"
    );
    // Nothing ran: the connector was not called, nothing was written or recorded, and the
    // engine holds nothing afterwards.
    assert!(modes(&h.fake).is_empty());
    assert!(h.records(Model::Job).await.is_empty());
    let runs = h.store.last_runs(id, 10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![(elsewhere, RunStatus::Running)]
    );
    assert!(!h.engine.is_running(id));

    // Once the other run is over, the engine runs.
    finish_elsewhere(&h.store, elsewhere, t(4)).await;
    let summary = h.run(SyncMode::Full).await.unwrap();
    assert!(summary.run_id > elsewhere);
    assert_eq!(h.records(Model::Job).await.len(), 1);
}

#[tokio::test]
async fn force_sync_while_another_process_syncs_answers_with_that_run() {
    let h = harness(true).await;
    let fake = h.fake.clone();
    // One completed sync, so the loop starts idle (next timers are far away).
    h.run(SyncMode::Full).await.unwrap();
    let id = h.integration.id.clone();
    let elsewhere = h
        .store
        .start_run(&id, SyncMode::Delta, t(1).into())
        .await
        .unwrap();
    let engine = Arc::new(h.engine);
    let scheduler = Scheduler::new(engine.clone(), Arc::new(FakeProvider(fake.clone())));
    scheduler.start_integration(h.integration.clone());

    for requested in [SyncMode::Full, SyncMode::Delta] {
        assert_eq!(
            scheduler.force_sync(&id, requested).await.unwrap(),
            ForceSyncOutcome::AlreadyQueued {
                run_id: elsewhere,
                mode: SyncMode::Delta
            }
        );
    }
    // No run of ours was recorded or started.
    assert_eq!(h.store.last_runs(&id, 10).await.unwrap()[0].id, elsewhere);
    assert_eq!(h.store.last_runs(&id, 10).await.unwrap().len(), 2);
    assert_eq!(modes(&fake).len(), 1);

    // Once the other process is done, force-sync queues a run of its own again.
    finish_elsewhere(&h.store, elsewhere, t(2)).await;
    let next = scheduler.force_sync(&id, SyncMode::Full).await.unwrap();
    assert!(!next.already_queued(), "{next:?}");
    assert!(next.run_id() > elsewhere);
    let run = finished_run(&h.store, &h.integration, next.run_id()).await;
    assert_eq!(run.status, RunStatus::Succeeded);
    scheduler.shutdown().await;
}

/// Reads the lease time of a run until it equals `expected`, letting paused time run
/// (bounded, so a heartbeat that never comes fails the test instead of hanging it).
async fn wait_for_heartbeat(
    store: &SqliteStore,
    integration: &Integration,
    run_id: RunId,
    expected: DateTime<Utc>,
) {
    let expected = Some(atsbridge_schema::Timestamp::from(expected));
    let mut last = None;
    for _ in 0..120 {
        let run = store
            .last_runs(&integration.id, 10)
            .await
            .unwrap()
            .into_iter()
            .find(|run| run.id == run_id)
            .unwrap();
        if run.heartbeat_at == expected {
            return;
        }
        last = run.heartbeat_at;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    panic!("heartbeat of run {run_id} stayed at {last:?}, expected {expected:?}");
}

/// Waits (on paused time) until the engine has recorded its run of the integration.
async fn recorded_run(engine: &SyncEngine, integration: &Integration) -> RunId {
    for _ in 0..120 {
        if let Some(run) = engine.current_run(&integration.id) {
            return run.run_id;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the run was never recorded");
}

#[tokio::test(start_paused = true)]
async fn a_long_run_keeps_renewing_its_lease() {
    let mut h = harness(true).await;
    let gate = Arc::new(Semaphore::new(0));
    h.fake = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    h.set(|s| s.jobs = vec![job("1", "A")]);
    let id = h.integration.id.clone();

    let watch = async {
        let run_id = recorded_run(&h.engine, &h.integration).await;
        wait_for_heartbeat(&h.store, &h.integration, run_id, t(0)).await;
        // The connector pushed its record and now waits: the engine keeps beating, on the
        // engine's clock, for far longer than one lease.
        for minute in 1..=6 {
            h.clock.set(t(minute));
            wait_for_heartbeat(&h.store, &h.integration, run_id, t(minute)).await;
        }
        // Six minutes after the start, another process still sees a live run.
        let refused = h.store.start_run(&id, SyncMode::Full, t(6).into()).await;
        assert!(
            matches!(refused, Err(StoreError::RunInProgress { run_id: held, .. }) if held == run_id),
            "{refused:?}"
        );
        gate.add_permits(1);
        run_id
    };
    let (result, run_id) = tokio::join!(h.run(SyncMode::Full), watch);
    let summary = result.unwrap();
    assert_eq!(summary.run_id, run_id);
    let run = finished_run(&h.store, &h.integration, run_id).await;
    assert_eq!(run.status, RunStatus::Succeeded);
    assert_eq!(h.records(Model::Job).await.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_run_that_lost_its_lease_stops_and_deletes_nothing() {
    let mut h = harness(true).await;
    // A process that stalls: its engine beats far less often than the lease needs.
    h.engine = SyncEngine::new(h.store.clone())
        .with_clock(h.clock.clone())
        .with_config(EngineConfig {
            heartbeat_interval: Duration::from_secs(600),
            ..EngineConfig::default()
        });
    let gate = Arc::new(Semaphore::new(0));
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B")]);
    h.run(SyncMode::Full).await.unwrap();
    h.fake = Arc::new(FakeConnector {
        gate: Some(gate.clone()),
        ..FakeConnector::default()
    });
    // Job 2 is gone; a completed run would mark it deleted.
    h.set(|s| s.jobs = vec![job("1", "A")]);
    let id = h.integration.id.clone();

    let other_process = async {
        let stalled = recorded_run(&h.engine, &h.integration).await;
        // Three minutes without a beat: another process closes the run and starts its own.
        let takeover = h
            .store
            .start_run(&id, SyncMode::Full, t(3).into())
            .await
            .unwrap();
        h.clock.set(t(3));
        gate.add_permits(1);
        (stalled, takeover)
    };
    let (result, (stalled, takeover)) = tokio::join!(h.run(SyncMode::Full), other_process);
    let error = result.unwrap_err();
    assert!(
        matches!(error, SyncError::LeaseLost { run_id } if run_id == stalled),
        "{error:?}"
    );
    // The record keeps the verdict of the process that closed it; nothing was deleted.
    let runs = h.store.last_runs(&id, 10).await.unwrap();
    let closed = runs.iter().find(|run| run.id == stalled).unwrap();
    assert_eq!(closed.status, RunStatus::Failed);
    assert_eq!(
        closed.error.as_deref(),
        Some("lease expired: the process running it stopped")
    );
    assert_eq!(runs[0].id, takeover);
    assert!(h.record(Model::Job, "2").await.remote_deleted_at.is_none());
}

/// Two schedulers on one database (two `serve` instances) share the schedule: each run is
/// recorded once, and the integration syncs once per interval, not once per instance.
#[tokio::test(start_paused = true)]
async fn two_schedulers_on_one_store_sync_once_per_interval() {
    let h = harness(true).await;
    let second_engine = Arc::new(SyncEngine::new(h.store.clone()).with_clock(h.clock.clone()));
    let first = Scheduler::new(Arc::new(h.engine), Arc::new(FakeProvider(h.fake.clone())));
    let second = Scheduler::new(second_engine, Arc::new(FakeProvider(h.fake.clone())));
    first.start_integration(h.integration.clone());
    second.start_integration(h.integration.clone());

    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(modes(&h.fake).len(), 1, "one initial full run between both");
    tokio::time::sleep(Duration::from_secs(60 * 60)).await;
    let runs = h.store.last_runs(&h.integration.id, 50).await.unwrap();
    assert_eq!(
        modes(&h.fake).len(),
        5,
        "a delta every 15 minutes, whichever instance runs it ({} runs recorded)",
        runs.len()
    );
    assert!(runs.iter().all(|r| r.status == RunStatus::Succeeded));
    first.shutdown().await;
    second.shutdown().await;
}

/// `serve` picks up integrations added or removed by another process.
#[tokio::test(start_paused = true)]
async fn the_scheduler_follows_integrations_added_and_removed_elsewhere() {
    let h = harness(true).await;
    let scheduler = Scheduler::new(Arc::new(h.engine), Arc::new(FakeProvider(h.fake.clone())));
    assert_eq!(scheduler.reconcile_integrations().await.unwrap(), (1, 0));
    assert_eq!(scheduler.reconcile_integrations().await.unwrap(), (0, 0));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(modes(&h.fake).len(), 1, "the found integration is synced");
    assert!(
        h.store
            .remove_integration(&h.integration.environment_id, &h.integration.id)
            .await
            .unwrap()
    );
    assert_eq!(scheduler.reconcile_integrations().await.unwrap(), (0, 1));
    assert!(matches!(
        scheduler
            .force_sync(&h.integration.id, SyncMode::Full)
            .await,
        Err(SyncError::UnknownIntegration(_))
    ));
    scheduler.shutdown().await;
}

/// The write buffer is written once its records' content reaches `batch_bytes`, also in the
/// middle of one pushed batch: with a budget of one byte every job is its own write.
#[tokio::test]
async fn the_buffer_is_written_when_its_content_reaches_batch_bytes() {
    let mut h = harness(true).await;
    h.set(|s| s.jobs = vec![job("1", "A"), job("2", "B"), job("3", "C")]);
    for (batch_bytes, expected) in [(1, vec![1, 1, 1]), (1 << 20, vec![3])] {
        h.engine = SyncEngine::new(h.store.clone())
            .with_clock(h.clock.clone())
            .with_config(EngineConfig {
                batch_size: 500,
                batch_bytes,
                flush_interval: Duration::from_secs(60),
                ..EngineConfig::default()
            });
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        h.engine
            .run(
                &h.integration,
                h.guarded(),
                SyncMode::Full,
                CancellationToken::new(),
                Some(tx),
            )
            .await
            .unwrap();
        let mut job_writes = Vec::new();
        while let Ok(event) = rx.try_recv() {
            if let SyncProgress::BatchWritten {
                model: Model::Job,
                records,
                ..
            } = event
            {
                job_writes.push(records);
            }
        }
        assert_eq!(job_writes, expected, "batch_bytes {batch_bytes}");
    }
}

fn integration_field(
    id: &str,
    key: &str,
    kind: atsbridge_schema::enums::IntegrationFieldType,
    label: &str,
) -> atsbridge_schema::common::IntegrationField {
    atsbridge_schema::common::IntegrationField {
        id: id.into(),
        key: key.into(),
        r#type: kind,
        value: Some(serde_json::json!("value")),
        label: Some(label.into()),
    }
}

async fn recorded_fields(h: &Harness) -> Vec<atsbridge_store::StoredIntegrationField> {
    h.store
        .list_integration_fields(&h.integration.id, None, 100)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sync_records_the_distinct_integration_fields_it_saw() {
    use atsbridge_schema::assemble::IdMinter;
    use atsbridge_schema::enums::IntegrationFieldType::{Custom, Default};

    let h = harness(true).await;
    let level = integration_field("CustomFields/Level", "Level", Custom, "Level");
    let sub_title = integration_field("SubTitle", "SubTitle", Default, "Subtitle");
    h.set(|s| {
        // Two jobs carry the same fields: one entry each, not one per record.
        s.jobs = vec![job("1", "Dev"), job("2", "Ops")];
        for job in &mut s.jobs {
            job.integration_fields = vec![sub_title.clone(), level.clone()];
        }
        s.candidates = vec![candidate("c1", "Ada")];
        s.candidates[0].integration_fields = vec![level.clone()];
    });
    h.run(SyncMode::Full).await.unwrap();

    let ids = IdMinter::new(h.integration.id.as_str());
    let mut fields: Vec<(String, String, String, bool)> = recorded_fields(&h)
        .await
        .into_iter()
        .map(|f| (f.model, f.key, f.id, f.passthrough_enabled))
        .collect();
    fields.sort();
    let mut expected = vec![
        (
            "ats_candidates".to_owned(),
            "Level".to_owned(),
            ids.mint_integration_field(Model::Candidate, "CustomFields/Level")
                .into_string(),
            true,
        ),
        (
            "ats_jobs".to_owned(),
            "Level".to_owned(),
            ids.mint_integration_field(Model::Job, "CustomFields/Level")
                .into_string(),
            true,
        ),
        (
            "ats_jobs".to_owned(),
            "SubTitle".to_owned(),
            ids.mint_integration_field(Model::Job, "SubTitle")
                .into_string(),
            true,
        ),
    ];
    expected.sort();
    assert_eq!(fields, expected);

    // A switched-off field stays off when a later run sees it again with a new label.
    let sub_title_id = ids
        .mint_integration_field(Model::Job, "SubTitle")
        .into_string();
    h.store
        .set_integration_field_passthrough(&h.integration.id, &sub_title_id, false)
        .await
        .unwrap()
        .unwrap();
    h.set(|s| {
        for job in &mut s.jobs {
            job.integration_fields[0].label = Some("Sub title".into());
        }
    });
    h.run(SyncMode::Full).await.unwrap();
    let again = recorded_fields(&h).await;
    let sub_title = again.iter().find(|f| f.id == sub_title_id).unwrap();
    assert!(!sub_title.passthrough_enabled);
    assert_eq!(sub_title.label.as_deref(), Some("Sub title"));
    assert_eq!(again.len(), 3);
}

#[tokio::test]
async fn a_failed_run_still_records_the_fields_it_saw() {
    use atsbridge_schema::enums::IntegrationFieldType::Custom;

    let h = harness(true).await;
    h.set(|s| {
        s.jobs = vec![job("1", "Dev"), job("2", "Ops")];
        s.jobs[0].integration_fields = vec![integration_field(
            "CustomFields/Level",
            "Level",
            Custom,
            "Level",
        )];
        s.fail_after = Some(1);
    });
    assert!(h.run(SyncMode::Full).await.is_err());
    let fields = recorded_fields(&h).await;
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].model, "ats_jobs");
    assert_eq!(fields[0].key, "Level");
}
