//! End to end over HTTP: the eRecruiter sandbox, the real eRecruiter connector, the sync
//! scheduler and the API. Syncs through `POST /v1/force-sync`, pages through every list route
//! with small pages and filters, runs all eight actions and checks their effect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use atsbridge_connector::ConnectorRegistry;
use atsbridge_erecruiter::ErecruiterFactory;
use atsbridge_erecruiter_sandbox::{Sandbox, SandboxConfig, SandboxHandle, SandboxSeed};
use atsbridge_server::{AppState, SchedulerTrigger, ServerConfig};
use atsbridge_store::{IntegrationSettings, NewIntegration, SecretKey, SqliteStore, Store};
use atsbridge_sync::{RegistryConnectorProvider, Scheduler, SyncEngine};
use reqwest::Method;
use serde_json::{Value, json};

struct Api {
    base: String,
    key: String,
    integration: String,
    client: reqwest::Client,
}

impl Api {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("X-Integration-Id", &self.integration);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    /// Every result of a list route, following `next` with the same filters; checks page sizes.
    async fn all(&self, route: &str, filters: &str, page_size: usize) -> Vec<Value> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!(
                "{route}?page_size={page_size}&include_deleted=false&ignore_unsupported_filters=false"
            );
            if !filters.is_empty() {
                path.push('&');
                path.push_str(filters);
            }
            if let Some(cursor) = &cursor {
                path.push_str(&format!("&cursor={cursor}"));
            }
            let (status, body) = self.get(&path).await;
            assert_eq!(status, 200, "{path}: {body}");
            let results = body["data"]["results"].as_array().unwrap();
            assert!(results.len() <= page_size);
            out.extend(results.iter().cloned());
            match body["data"]["next"].as_str() {
                Some(next) => {
                    assert!(!results.is_empty());
                    cursor = Some(next.to_owned());
                }
                None => break,
            }
        }
        let ids: BTreeSet<&str> = out.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), out.len(), "{route}: a record was served twice");
        out
    }
}

fn remote_ids(results: &[Value]) -> BTreeSet<String> {
    results
        .iter()
        .map(|r| r["remote_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn start() -> (
    SandboxHandle,
    Api,
    Arc<SqliteStore>,
    Arc<Scheduler>,
    tempfile::TempDir,
) {
    let sandbox = Sandbox::spawn(
        SandboxConfig::default(),
        SandboxSeed {
            jobs: 6,
            candidates: 15,
            seed: 11,
        },
    )
    .await
    .unwrap();
    let (api_key, mandator) = sandbox.credentials();
    let dir = tempfile::tempdir().unwrap();
    let store =
        Arc::new(SqliteStore::open(dir.path().join("e2e.db"), SecretKey::generate()).unwrap());
    let env = store.create_environment("E2E").await.unwrap();
    let key = store.create_api_key(&env.id, "e2e").await.unwrap().secret;
    let integration = store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: "erecruiter".into(),
            remote_label: None,
            credentials: json!({
                "host": sandbox.base_url(),
                "mandator_id": mandator,
                "api_key": api_key,
                "requests_per_second": 10000,
            }),
            settings: IntegrationSettings {
                sync_only_created_applications: false,
                default_source_name: Some("atsbridge".into()),
                ..IntegrationSettings::default()
            },
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap();

    let mut registry = ConnectorRegistry::new();
    registry.add(Arc::new(ErecruiterFactory)).unwrap();
    let engine = Arc::new(SyncEngine::new(store.clone()));
    let scheduler = Arc::new(Scheduler::new(
        engine,
        Arc::new(RegistryConnectorProvider::new(
            registry.clone(),
            store.clone(),
        )),
    ));
    let trigger = Arc::new(SchedulerTrigger::new(scheduler.clone()));
    // The sandbox serves on 127.0.0.1; attachments in this test come as `data`, not `data_url`.
    let state = AppState::new(
        store.clone(),
        Arc::new(registry),
        trigger,
        ServerConfig::default(),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(atsbridge_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let api = Api {
        base,
        key,
        integration: integration.id.to_string(),
        client: reqwest::Client::new(),
    };
    (sandbox, api, store, scheduler, dir)
}

/// Answers for the job's questions that the formats allow.
fn answers(job: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for question in job["screening_questions"].as_array().unwrap() {
        let id = question["id"].clone();
        let format = &question["format"];
        let answer = match format["type"].as_str() {
            Some("TEXT") => json!("Rust and SQL"),
            Some("BOOLEAN") => json!(true),
            Some("NUMBER") => json!(3.0),
            Some("DATE") => json!("2025-01-01T00:00:00Z"),
            Some("SINGLE_SELECT") => match format["options"].as_array().and_then(|o| o.first()) {
                Some(option) => option["id"].clone(),
                None => continue,
            },
            Some("MULTI_SELECT") => match format["options"].as_array().and_then(|o| o.first()) {
                Some(option) => json!([option["id"].clone()]),
                None => continue,
            },
            _ => continue,
        };
        out.push(json!({"question_id": id, "answer": answer}));
    }
    out
}

#[tokio::test]
async fn sync_page_filter_and_run_every_action_over_http() {
    let (sandbox, api, store, scheduler, _dir) = start().await;

    // Before the first sync, reads are pending; force-sync starts one.
    let (status, body) = api.get("/v1/ats/jobs").await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = api.post("/v1/force-sync", json!({"type": "FULL"})).await;
    assert_eq!(status, 200, "{body}");
    let integration_id = atsbridge_store::IntegrationId::new(api.integration.clone());
    let mut synced = false;
    for _ in 0..600 {
        if store.has_completed_sync(&integration_id).await.unwrap() {
            synced = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        synced,
        "the first sync did not finish: {:?}",
        store.last_runs(&integration_id, 3).await.unwrap()
    );

    // Every list route, two records per page.
    let jobs = api.all("/v1/ats/jobs", "", 2).await;
    let sandbox_jobs = sandbox.state().jobs();
    assert!(!jobs.is_empty());
    assert!(jobs.len() <= sandbox_jobs.len());
    let candidates = api.all("/v1/ats/candidates", "", 2).await;
    let applications = api.all("/v1/ats/applications", "", 2).await;
    let stages = api.all("/v1/ats/application-stages", "", 2).await;
    assert!(!candidates.is_empty() && !applications.is_empty() && !stages.is_empty());
    let (status, body) = api.get("/v1/ats/tags?page_size=2").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "INTEGRATION.MODEL_NOT_AVAILABLE");

    // Filters agree with the unfiltered lists.
    let open_jobs = api.all("/v1/ats/jobs", "statuses=OPEN", 2).await;
    let expected_open: BTreeSet<String> = jobs
        .iter()
        .filter(|j| j["status"] == "OPEN")
        .map(|j| j["remote_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(remote_ids(&open_jobs), expected_open);
    let first_job = &jobs[0];
    let for_job = api
        .all(
            "/v1/ats/applications",
            &format!("job_ids={}", first_job["id"].as_str().unwrap()),
            2,
        )
        .await;
    let expected: BTreeSet<String> = applications
        .iter()
        .filter(|a| a["job_id"] == first_job["id"])
        .map(|a| a["remote_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(remote_ids(&for_job), expected);
    let pending = api.all("/v1/ats/applications", "outcomes=PENDING", 2).await;
    assert!(pending.iter().all(|a| a["outcome"] == "PENDING"));
    let someone = candidates
        .iter()
        .find(|c| c["email_addresses"][0]["email_address"].is_string())
        .unwrap();
    let email = someone["email_addresses"][0]["email_address"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let by_email = api
        .all(
            "/v1/ats/candidates",
            &format!("email={}", urlencode(&email)),
            2,
        )
        .await;
    assert!(remote_ids(&by_email).contains(someone["remote_id"].as_str().unwrap()));
    let with_apps = api
        .all(
            "/v1/ats/candidates",
            &format!("job_ids={}", first_job["id"].as_str().unwrap()),
            2,
        )
        .await;
    for candidate in &with_apps {
        assert!(
            candidate["applications"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["job"]["id"] == first_job["id"])
        );
    }

    // 1. Create application on an open job, answering its questions.
    let job = open_jobs
        .iter()
        .find(|j| !j["screening_questions"].as_array().unwrap().is_empty())
        .unwrap_or(&open_jobs[0]);
    let body = json!({
        "candidate": {
            "first_name": "Zoë", "last_name": "Ångström", "email_address": "zoe.angstrom@example.org",
            "phone_number": "+43 1 234567", "location": {"city": "Wien", "country": "AT"},
            "salary_expectations": {"period": "YEAR", "amount": 65000.4}
        },
        "attachments": [{"name": "cv.txt", "type": "CV", "content_type": "text/plain", "data": "SGVsbG8gQ1Y="}],
        "screening_question_answers": answers(job),
        "gdpr_consent": {"given": true}
    });
    let (status, created) = api
        .post(
            &format!("/v1/ats/jobs/{}/applications", job["id"].as_str().unwrap()),
            body,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let application_id = created["data"]["id"].as_str().unwrap().to_owned();
    let candidate_id = created["data"]["candidate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created["data"]["job"]["id"], job["id"]);
    assert_eq!(created["data"]["candidate"]["source"], "atsbridge");

    // 2. Create candidate (with an application) on another open job.
    let other_job = open_jobs
        .iter()
        .find(|j| j["id"] != job["id"])
        .unwrap_or(job);
    let (status, new_candidate) = api
        .post(
            "/v1/ats/candidates",
            json!({
                "candidate": {"first_name": "Максим", "last_name": "Петров", "email_address": "maksim.petrov@example.net"},
                "application": {"job_id": format!("remote:{}", other_job["remote_id"].as_str().unwrap())},
                "source": {"name": "Example Job Board"}
            }),
        )
        .await;
    assert_eq!(status, 200, "{new_candidate}");
    let second_candidate_id = new_candidate["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(new_candidate["data"]["source"], "Example Job Board");

    // Both show up in the next list calls, without a sync.
    let (_, listed) = api
        .get(&format!("/v1/ats/applications?ids={application_id}"))
        .await;
    assert_eq!(
        listed["data"]["results"][0]["candidate"]["id"],
        candidate_id.as_str()
    );
    let (_, listed) = api
        .get(&format!("/v1/ats/candidates?ids={second_candidate_id}"))
        .await;
    assert_eq!(listed["data"]["results"][0]["last_name"], "Петров");
    assert_eq!(
        listed["data"]["results"][0]["applications"][0]["job"]["remote_id"],
        other_job["remote_id"]
    );

    // 3./4. Add and remove a tag.
    let tags_path = format!("/v1/ats/candidates/{candidate_id}/tags");
    let (status, body) = api
        .post(&tags_path, json!({"tag": {"name": "Excellent Fit"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = api
        .get(&format!("/v1/ats/candidates?ids={candidate_id}"))
        .await;
    let tags: Vec<&Value> = listed["data"]["results"][0]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        tags.iter()
            .any(|t| t["remote_id"] == "Excellent Fit" || t["name"] == "Excellent Fit"),
        "{tags:?}"
    );
    let (status, body) = api
        .call(
            Method::DELETE,
            &tags_path,
            Some(json!({"tag": {"name": "Excellent Fit"}})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, listed) = api
        .get(&format!("/v1/ats/candidates?ids={candidate_id}"))
        .await;
    assert_eq!(listed["data"]["results"][0]["tags"], json!([]));
    // Removing the tag kept the candidate's other data.
    assert_eq!(listed["data"]["results"][0]["first_name"], "Zoë");

    // 5.-8. Attachments and result links.
    let attachment = json!({"attachment": {"name": "letter.txt", "type": "COVER_LETTER", "content_type": "text/plain", "data": "RGVhciB0ZWFt"}});
    let (status, body) = api
        .post(
            &format!("/v1/ats/applications/{application_id}/attachments"),
            attachment.clone(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api
        .post(
            &format!("/v1/ats/candidates/{second_candidate_id}/attachments"),
            attachment,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let link = json!({"label": "Assessment", "url": "https://assessments.example.com/r/1", "details": {"custom_field_name_prefix": "Acme:", "attributes": [{"key": "Score", "value": "92"}]}});
    let (status, body) = api
        .post(
            &format!("/v1/ats/applications/{application_id}/result-links"),
            link.clone(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api
        .post(
            &format!("/v1/ats/candidates/{second_candidate_id}/result-links"),
            link,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The sandbox received the files and the links.
    let state = sandbox.state();
    let applicant: i32 = created["data"]["candidate"]["remote_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let second: i32 = new_candidate["data"]["remote_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let files = state.documents(applicant).len() + usize::from(state.cv(applicant).is_some());
    assert!(
        files >= 2,
        "CV and cover letter expected for applicant {applicant}"
    );
    assert!(!state.documents(second).is_empty());
    assert!(
        state
            .history(applicant)
            .iter()
            .any(|h| format!("{:?}{:?}", h.subject, h.body).contains("assessments.example.com"))
    );
    assert!(!state.history(second).is_empty());

    // A second sync keeps everything and the created records keep their ids.
    let runs_before = store.last_runs(&integration_id, 10).await.unwrap().len();
    let (status, _) = api.post("/v1/force-sync", json!({})).await;
    assert_eq!(status, 200);
    for _ in 0..600 {
        let runs = store.last_runs(&integration_id, 10).await.unwrap();
        if runs.len() > runs_before && runs[0].finished_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, listed) = api
        .get(&format!("/v1/ats/applications?ids={application_id}"))
        .await;
    assert_eq!(listed["data"]["results"].as_array().unwrap().len(), 1);
    scheduler.shutdown().await;
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
