//! Every query the server issues uses an index: the API is driven through every list route
//! with every filter (nested objects, cursors, tracked-only mode, a write action), while the
//! store logs its statements; then each statement is planned by the database (`EXPLAIN QUERY
//! PLAN` on SQLite, `EXPLAIN` on PostgreSQL) and the test fails on any full scan of the
//! records or key tables. Runs on SQLite always and on PostgreSQL when
//! `ATSBRIDGE_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atsbridge_store::testing::{TestDatabase, postgres_url};
use atsbridge_store::{PgOptions, PgStore, QueryPlan, SecretKey, SqliteStore, Store, full_scans};
use common::{Options, TestApp};
use serde_json::{Value, json};

/// A store whose statements can be planned.
enum PlannedStore {
    Sqlite(SqliteStore, #[allow(dead_code)] tempfile::TempDir),
    Postgres(PgStore, #[allow(dead_code)] TestDatabase),
}

impl PlannedStore {
    fn store(&self) -> Arc<dyn Store> {
        match self {
            PlannedStore::Sqlite(store, _) => Arc::new(store.clone()),
            PlannedStore::Postgres(store, _) => Arc::new(store.clone()),
        }
    }

    fn start_statement_log(&self) {
        match self {
            PlannedStore::Sqlite(store, _) => store.start_statement_log(),
            PlannedStore::Postgres(store, _) => store.start_statement_log(),
        }
    }

    async fn explain_logged(&self) -> Vec<QueryPlan> {
        match self {
            PlannedStore::Sqlite(store, _) => store.explain_logged().await.unwrap(),
            PlannedStore::Postgres(store, _) => store.explain_logged().await.unwrap(),
        }
    }
}

fn results(body: &Value) -> &Vec<Value> {
    body["data"]["results"].as_array().unwrap()
}

fn first_id(body: &Value) -> String {
    results(body)[0]["id"].as_str().unwrap().to_owned()
}

/// Adds enough jobs, candidates, applications and question links that reading a whole table
/// would be a real choice for the planner (on a handful of rows any plan is cheap).
fn pad_the_account(app: &TestApp) {
    let mut ats = app.ats.lock().unwrap();
    for n in 100..160 {
        ats.jobs.push(common::job(
            n,
            atsbridge_schema::enums::JobStatus::Open,
            atsbridge_schema::enums::EmploymentType::FullTime,
            "2024-05-01T10:00:00Z",
        ));
        let mut link = ats.links[0].clone();
        link.remote_id = format!("job-{n}:q-select");
        link.job_remote_id = format!("job-{n}");
        ats.links.push(link);
    }
    for n in 100..300 {
        ats.candidates.push(common::candidate(n));
        ats.applications.push(common::application(
            n,
            n,
            100 + n % 60,
            atsbridge_schema::enums::ApplicationOutcome::Pending,
            "stage-1",
        ));
    }
}

/// Calls every list route with every filter, a second page, and a write action.
async fn drive_every_query(app: &TestApp) {
    let get = |path: String| async move {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    };
    let jobs = get("/v1/ats/jobs?page_size=2".into()).await;
    let job = first_id(&jobs);
    let cursor = jobs["data"]["next"].as_str().unwrap().to_owned();
    get(format!("/v1/ats/jobs?page_size=2&cursor={cursor}")).await;
    for filter in [
        "statuses=OPEN,CLOSED",
        "status=OPEN",
        "job_codes=JOB-1",
        "post_url=https://jobs.example.com/1",
        "employment_types=FULL_TIME",
        "visibilities=PUBLIC",
        "name_contains=engineer",
        "remote_created_after=2024-02-01T00:00:00Z",
        "updated_after=2020-01-01T00:00:00Z",
        "include_deleted=true",
        "remote_ids=job-1,job-2",
    ] {
        get(format!("/v1/ats/jobs?{filter}")).await;
    }
    get(format!("/v1/ats/jobs?ids={job}")).await;

    // A write resolves the job, its screening questions and stores the created records.
    let job_body = &results(&jobs)[0];
    let answers: Vec<Value> = job_body["screening_questions"]
        .as_array()
        .unwrap()
        .iter()
        .take(1)
        .map(|q| json!({"question_id": q["id"], "answer": "Because"}))
        .collect();
    let (status, body) = app
        .post(
            &format!("/v1/ats/jobs/{job}/applications"),
            json!({
                "candidate": {"first_name": "Grace", "last_name": "Hopper",
                              "email_address": "grace@example.com"},
                "screening_question_answers": answers,
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let candidates = get("/v1/ats/candidates?page_size=1".into()).await;
    let candidate = first_id(&candidates);
    if let Some(cursor) = candidates["data"]["next"].as_str() {
        get(format!("/v1/ats/candidates?page_size=1&cursor={cursor}")).await;
    }
    for filter in [
        "email=someone@example.com".to_owned(),
        "first_name=Ada".to_owned(),
        "last_name=Lovelace".to_owned(),
        format!("job_ids={job}"),
        format!("ids={candidate}"),
        "updated_after=2020-01-01T00:00:00Z".to_owned(),
        "include_deleted=true".to_owned(),
    ] {
        get(format!("/v1/ats/candidates?{filter}")).await;
    }

    let applications = get("/v1/ats/applications?page_size=1".into()).await;
    let stage = get("/v1/ats/application-stages".into()).await;
    let stage = first_id(&stage);
    if let Some(cursor) = applications["data"]["next"].as_str() {
        get(format!("/v1/ats/applications?page_size=1&cursor={cursor}")).await;
    }
    for filter in [
        "outcomes=PENDING,HIRED".to_owned(),
        "outcome=DECLINED".to_owned(),
        format!("job_ids={job}"),
        "job_remote_ids=job-1".to_owned(),
        format!("current_stage_ids={stage}"),
        "remote_created_after=2024-01-01T00:00:00Z".to_owned(),
        "updated_after=2020-01-01T00:00:00Z".to_owned(),
    ] {
        get(format!("/v1/ats/applications?{filter}")).await;
    }
    get("/v1/ats/tags".into()).await;
}

async fn every_api_query_uses_indexes(planned: PlannedStore, sync_only_created: bool) {
    let app = TestApp::start(Options {
        store: Some(planned.store()),
        sync_only_created,
        ..Options::default()
    })
    .await;
    pad_the_account(&app);
    app.sync().await;
    planned.start_statement_log();
    drive_every_query(&app).await;
    let plans = planned.explain_logged().await;
    assert!(
        plans.len() > 20,
        "only {} statements were logged",
        plans.len()
    );
    let scans = full_scans(&plans);
    assert!(
        scans.is_empty(),
        "{} statements read a whole table:\n{}",
        scans.len(),
        scans.join("\n")
    );
}

fn sqlite() -> PlannedStore {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("plans.db"), SecretKey::generate()).unwrap();
    PlannedStore::Sqlite(store, dir)
}

async fn postgres() -> Option<PlannedStore> {
    let server = postgres_url("server query-plan test")?;
    let db = TestDatabase::create(&server).await.unwrap();
    let store = PgStore::connect(&db.url, SecretKey::generate(), PgOptions::default())
        .await
        .unwrap();
    Some(PlannedStore::Postgres(store, db))
}

#[tokio::test(flavor = "multi_thread")]
async fn every_api_query_uses_indexes_on_sqlite() {
    every_api_query_uses_indexes(sqlite(), false).await;
    every_api_query_uses_indexes(sqlite(), true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_api_query_uses_indexes_on_postgres() {
    if let Some(store) = postgres().await {
        every_api_query_uses_indexes(store, false).await;
    }
    if let Some(store) = postgres().await {
        every_api_query_uses_indexes(store, true).await;
    }
}
