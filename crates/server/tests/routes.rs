//! Route-level tests over HTTP against a fake connector and a temp SQLite store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use atsbridge_connector::Action;
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_schema::{KomboId, Model};
use atsbridge_server::ServerConfig;
use common::{Options, TestApp, error_code, ids_of};
use reqwest::Method;
use serde_json::{Value, json};

fn flatten(pages: Vec<Vec<Value>>) -> Vec<Value> {
    pages.into_iter().flatten().collect()
}

#[tokio::test]
async fn authentication_and_integration_scoping() {
    let app = TestApp::start(Options::default()).await;
    let url = "/v1/ats/jobs";
    let integration = Some(app.integration.id.as_str());

    let (status, missing) = app.get_as(url, None, None).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&missing), "PLATFORM.AUTHENTICATION_INVALID");

    let (status, wrong) = app.get_as(url, Some("nope"), integration).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&wrong), "PLATFORM.AUTHENTICATION_INVALID");

    let (status, no_integration) = app.get_as(url, Some(&app.key), None).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&no_integration), "PLATFORM.INPUT_INVALID");

    // A valid key of another environment never reaches this environment's integration.
    let (status, foreign) = app.get_as(url, Some(&app.other_key), integration).await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&foreign), "PLATFORM.INTEGRATION_NOT_FOUND");

    let (status, body) = app.get_as("/v1/check-api-key", Some(&app.key), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["environment_id"], app.environment.as_str());
    assert_eq!(body["data"]["customer_id"], app.environment.as_str());
}

#[tokio::test]
async fn reads_wait_for_the_first_sync() {
    let app = TestApp::start(Options::default()).await;
    let (status, body) = app.get("/v1/ats/jobs").await;
    assert_eq!(status, 409);
    assert_eq!(error_code(&body), "INTEGRATION.SETUP_SYNC_PENDING");
    app.sync().await;
    let (status, body) = app.get("/v1/ats/jobs").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn jobs_have_every_key_and_nested_objects() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let (status, body) = app
        .get("/v1/ats/jobs?page_size=100&include_deleted=false&ignore_unsupported_filters=false")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    assert!(body["data"]["next"].is_null());
    let jobs = body["data"]["results"].as_array().unwrap();
    assert_eq!(ids_of(jobs), ["job-1", "job-2", "job-3", "job-4", "job-5"]);
    let job = &jobs[0];
    assert_eq!(
        job["id"],
        KomboId::derive(app.integration.id.as_str(), Model::Job, "job-1").as_str()
    );
    for key in [
        "job_code",
        "description",
        "remote_data",
        "custom_fields",
        "closed_at",
        "remote_deleted_at",
    ] {
        assert!(job.as_object().unwrap().contains_key(key), "missing {key}");
    }
    assert_eq!(job["integration_fields"], json!([]));
    assert_eq!(job["remote_created_at"], "2024-01-01T10:00:00.000Z");
    let changed_at = job["changed_at"].as_str().unwrap();
    assert!(
        changed_at.len() == 24 && changed_at.ends_with('Z'),
        "{changed_at}"
    );
    // Screening questions ordered by index, with minted option ids.
    let questions = job["screening_questions"].as_array().unwrap();
    assert_eq!(ids_of(questions), ["q-text", "q-select"]);
    assert_eq!(questions[0]["required"], true);
    let options = questions[1]["format"]["options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    assert_eq!(options[0]["id"].as_str().unwrap().len(), 24);
    let stages = job["stages"].as_array().unwrap();
    assert_eq!(ids_of(stages), ["stage-1", "stage-2"]);
    for key in ["status", "custom_fields", "remote_data"] {
        assert!(
            stages[0].as_object().unwrap().contains_key(key),
            "stage misses {key}"
        );
    }
    assert_eq!(jobs[1]["screening_questions"], json!([]));
}

#[tokio::test]
async fn candidates_and_applications_nest_their_relations() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let (_, body) = app.get("/v1/ats/candidates?remote_ids=cand-1").await;
    let candidate = &body["data"]["results"][0];
    assert_eq!(
        ids_of(candidate["applications"].as_array().unwrap()),
        ["app-1", "app-2"]
    );
    assert_eq!(
        candidate["applications"][0]["current_stage"]["remote_id"],
        "stage-1"
    );
    assert_eq!(candidate["applications"][1]["job"]["remote_id"], "job-2");
    assert_eq!(candidate["tags"][0]["name"], "VIP");

    let (_, body) = app.get("/v1/ats/applications?remote_ids=app-3").await;
    let application = &body["data"]["results"][0];
    assert_eq!(application["candidate"]["remote_id"], "cand-2");
    assert_eq!(application["current_stage"]["name"], "Interview");
    assert!(
        application["current_stage"]
            .as_object()
            .unwrap()
            .contains_key("status")
    );
    assert_eq!(application["job"]["remote_id"], "job-1");
    assert_eq!(
        application["job_id"],
        KomboId::derive(app.integration.id.as_str(), Model::Job, "job-1").as_str()
    );
    assert_eq!(application["outcome"], "DECLINED");
    assert_eq!(application["interviews"], json!([]));

    let (status, body) = app.get("/v1/ats/application-stages").await;
    assert_eq!(status, 200);
    assert_eq!(
        ids_of(body["data"]["results"].as_array().unwrap()),
        ["stage-1", "stage-2"]
    );
    let (status, body) = app.get("/v1/ats/tags").await;
    assert_eq!(status, 200);
    assert_eq!(ids_of(body["data"]["results"].as_array().unwrap()), ["vip"]);
}

#[tokio::test]
async fn pagination_stays_correct_while_records_are_written() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let (_, first) = app
        .get("/v1/ats/jobs?page_size=2&statuses=OPEN%2CCLOSED%2CDRAFT")
        .await;
    assert_eq!(
        ids_of(first["data"]["results"].as_array().unwrap()),
        ["job-1", "job-2"]
    );
    let cursor = first["data"]["next"].as_str().unwrap().to_owned();

    // Between pages: a job on page 1 changes, a new job appears.
    {
        let mut ats = app.ats.lock().unwrap();
        ats.jobs[0].name = Some("Renamed".into());
        ats.jobs.push(common::job(
            6,
            atsbridge_schema::enums::JobStatus::Open,
            atsbridge_schema::enums::EmploymentType::FullTime,
            "2024-06-01",
        ));
    }
    app.sync().await;

    let mut seen = ids_of(first["data"]["results"].as_array().unwrap());
    let mut url =
        format!("/v1/ats/jobs?page_size=2&statuses=OPEN%2CCLOSED%2CDRAFT&cursor={cursor}");
    loop {
        let (status, page) = app.get(&url).await;
        assert_eq!(status, 200, "{page}");
        let results = page["data"]["results"].as_array().unwrap();
        assert!(results.len() <= 2);
        seen.extend(ids_of(results));
        match page["data"]["next"].as_str() {
            Some(next) => {
                url =
                    format!("/v1/ats/jobs?statuses=OPEN%2CCLOSED%2CDRAFT&page_size=2&cursor={next}")
            }
            None => break,
        }
    }
    assert_eq!(seen, ["job-1", "job-2", "job-3", "job-4", "job-5", "job-6"]);

    let pages = app.all_pages("/v1/ats/applications?page_size=1").await;
    assert_eq!(pages.len(), 5);
    assert_eq!(
        ids_of(&flatten(pages)),
        ["app-1", "app-2", "app-3", "app-4", "app-5"]
    );
}

#[tokio::test]
async fn cursor_misuse_and_bad_parameters_are_refused() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let (_, first) = app.get("/v1/ats/jobs?page_size=2&statuses=OPEN").await;
    let cursor = first["data"]["next"].as_str().unwrap().to_owned();
    for bad in [
        format!("/v1/ats/jobs?page_size=2&statuses=CLOSED&cursor={cursor}"),
        format!("/v1/ats/candidates?page_size=2&cursor={cursor}"),
        "/v1/ats/jobs?cursor=eyJwYWdlIjoxMn0".to_owned(),
        "/v1/ats/jobs?cursor=%%%".to_owned(),
        "/v1/ats/jobs?page_size=0".to_owned(),
        "/v1/ats/jobs?page_size=251".to_owned(),
        "/v1/ats/jobs?page_size=ten".to_owned(),
        "/v1/ats/jobs?include_deleted=yes".to_owned(),
        "/v1/ats/jobs?updated_after=last-week".to_owned(),
    ] {
        let (status, body) = app.get(&bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID", "{bad}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    // Unknown parameters are ignored; the filters may be resent in any order.
    let (status, _) = app
        .get(&format!(
            "/v1/ats/jobs?statuses=OPEN&unknown=1&page_size=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn job_filters() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let ids = |path: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.get(path).await;
            assert_eq!(status, 200, "{path}: {body}");
            ids_of(&flatten(app.all_pages(path).await))
        }
    };
    assert_eq!(
        ids("/v1/ats/jobs?statuses=OPEN&page_size=1").await,
        ["job-1", "job-2", "job-4"]
    );
    assert_eq!(ids("/v1/ats/jobs?status=CLOSED").await, ["job-3"]);
    assert_eq!(
        ids("/v1/ats/jobs?statuses=OPEN%2CDRAFT&employment_types=FULL_TIME").await,
        ["job-1", "job-5"]
    );
    assert_eq!(
        ids("/v1/ats/jobs?name_contains=NUMBER%202").await,
        ["job-2"]
    );
    assert_eq!(
        ids("/v1/ats/jobs?post_url=https%3A%2F%2Fjobs.example.com%2F4").await,
        ["job-4"]
    );
    assert_eq!(
        ids("/v1/ats/jobs?remote_created_after=2024-03-01T23%3A00%3A00Z").await,
        ["job-3", "job-4", "job-5"]
    );
    assert_eq!(
        ids("/v1/ats/jobs?remote_ids=job-2%2Cjob-5&page_size=1").await,
        ["job-2", "job-5"]
    );
    let job3 = KomboId::derive(app.integration.id.as_str(), Model::Job, "job-3");
    let path = format!("/v1/ats/jobs?ids={job3},not-an-id");
    assert_eq!(
        ids_of(
            app.get(&path).await.1["data"]["results"]
                .as_array()
                .unwrap()
        ),
        ["job-3"]
    );
    assert!(ids("/v1/ats/jobs?ids=not-an-id").await.is_empty());
    // `job_code` and `visibility` are not declared by the connector: empty unless ignored.
    assert!(ids("/v1/ats/jobs?job_codes=A1").await.is_empty());
    assert!(ids("/v1/ats/jobs?visibilities=PUBLIC").await.is_empty());
    assert_eq!(
        ids("/v1/ats/jobs?visibilities=PUBLIC&ignore_unsupported_filters=true&statuses=CLOSED")
            .await,
        ["job-3"]
    );
    // updated_after: nothing changed since the future; everything changed since 2000.
    assert!(
        ids("/v1/ats/jobs?updated_after=2999-01-01")
            .await
            .is_empty()
    );
    assert_eq!(
        ids("/v1/ats/jobs?updated_after=2000-01-01T00%3A00%3A00.000Z")
            .await
            .len(),
        5
    );
}

#[tokio::test]
async fn candidate_and_application_filters() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let iid = app.integration.id.as_str().to_owned();
    let ids = |path: String| {
        let app = &app;
        async move {
            let (status, body) = app.get(&path).await;
            assert_eq!(status, 200, "{path}: {body}");
            ids_of(body["data"]["results"].as_array().unwrap())
        }
    };
    assert_eq!(
        ids("/v1/ats/candidates?email=PERSON3%40example.com".into()).await,
        ["cand-3"]
    );
    assert_eq!(
        ids("/v1/ats/candidates?first_name=first2".into()).await,
        ["cand-2"]
    );
    assert_eq!(
        ids("/v1/ats/candidates?last_name=LAST4".into()).await,
        ["cand-4"]
    );
    assert!(
        ids("/v1/ats/candidates?last_name=Last".into())
            .await
            .is_empty()
    );
    let job1 = KomboId::derive(&iid, Model::Job, "job-1");
    let job3 = KomboId::derive(&iid, Model::Job, "job-3");
    assert_eq!(
        ids(format!("/v1/ats/candidates?job_ids={job1}%2C{job3}")).await,
        ["cand-1", "cand-2", "cand-3"]
    );

    assert_eq!(
        ids("/v1/ats/applications?outcomes=PENDING".into()).await,
        ["app-1", "app-4", "app-5"]
    );
    assert_eq!(
        ids("/v1/ats/applications?outcome=HIRED".into()).await,
        ["app-2"]
    );
    assert_eq!(
        ids(format!("/v1/ats/applications?job_ids={job1}")).await,
        ["app-1", "app-3"]
    );
    assert_eq!(
        ids("/v1/ats/applications?job_remote_ids=job-3%2Cjob-4".into()).await,
        ["app-4", "app-5"]
    );
    let stage2 = KomboId::derive(&iid, Model::ApplicationStage, "stage-2");
    assert_eq!(
        ids(format!("/v1/ats/applications?current_stage_ids={stage2}")).await,
        ["app-2", "app-3"]
    );
    assert_eq!(
        ids(format!(
            "/v1/ats/applications?current_stage_ids={stage2}&outcomes=HIRED"
        ))
        .await,
        ["app-2"]
    );
    // `remote_created_at` of applications is not declared by the fake connector.
    assert!(
        ids("/v1/ats/applications?remote_created_after=2020-01-01".into())
            .await
            .is_empty()
    );
    assert_eq!(
        ids(
            "/v1/ats/applications?remote_created_after=2020-01-01&ignore_unsupported_filters=true"
                .into()
        )
        .await
        .len(),
        5
    );
}

#[tokio::test]
async fn deleted_records_only_with_include_deleted() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    app.ats
        .lock()
        .unwrap()
        .jobs
        .retain(|j| j.remote_id != "job-2");
    app.sync().await;
    let (_, live) = app.get("/v1/ats/jobs").await;
    assert_eq!(
        ids_of(live["data"]["results"].as_array().unwrap()),
        ["job-1", "job-3", "job-4", "job-5"]
    );
    let (_, all) = app.get("/v1/ats/jobs?include_deleted=true").await;
    let all = all["data"]["results"].as_array().unwrap();
    assert_eq!(all.len(), 5);
    assert!(all[1]["remote_deleted_at"].is_string());
}

#[tokio::test]
async fn sync_only_created_applications_hides_untracked_records() {
    let app = TestApp::start(Options {
        sync_only_created: true,
        ..Options::default()
    })
    .await;
    app.sync().await;
    let (_, body) = app.get("/v1/ats/candidates").await;
    assert_eq!(body["data"]["results"], json!([]));
    let job1 = KomboId::derive(app.integration.id.as_str(), Model::Job, "job-1");
    let (status, created) = app
        .post(
            &format!("/v1/ats/jobs/{job1}/applications"),
            json!({"candidate": {"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada@example.com"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let (_, candidates) = app.get("/v1/ats/candidates").await;
    let candidates = candidates["data"]["results"].as_array().unwrap();
    assert_eq!(candidates.len(), 1);
    assert_eq!(candidates[0]["first_name"], "Ada");
    assert_eq!(candidates[0]["source"], "Acme Jobs");
    let (_, apps) = app.get("/v1/ats/applications").await;
    assert_eq!(apps["data"]["results"].as_array().unwrap().len(), 1);
    // The tracked application survives the next sync.
    app.sync().await;
    let (_, apps) = app.get("/v1/ats/applications").await;
    assert_eq!(apps["data"]["results"][0]["id"], created["data"]["id"]);
}

#[tokio::test]
async fn create_application_resolves_ids_answers_and_attachments() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let iid = app.integration.id.as_str().to_owned();
    let (_, jobs) = app.get("/v1/ats/jobs?remote_ids=job-1").await;
    let job = &jobs["data"]["results"][0];
    let text_q = job["screening_questions"][0]["id"].as_str().unwrap();
    let select_q = job["screening_questions"][1]["id"].as_str().unwrap();
    let go = job["screening_questions"][1]["format"]["options"][1]["id"]
        .as_str()
        .unwrap();
    let stage2 = job["stages"][1]["id"].as_str().unwrap();
    let unknown_q = KomboId::derive(&iid, Model::ScreeningQuestion, "nope");
    let body = json!({
        "stage_id": stage2,
        "candidate": {"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.com"},
        "attachments": [{"name": "cv.txt", "type": "CV", "content_type": "text/plain", "data": "SGVsbG8="}],
        "source": {"name": "Board X"},
        "screening_question_answers": [
            {"question_id": text_q, "answer": "Because"},
            {"question_id": select_q, "answer": go},
            {"question_id": unknown_q.as_str(), "answer": "x"}
        ]
    });
    let (status, created) = app
        .post(
            &format!("/v1/ats/jobs/{}/applications", job["id"].as_str().unwrap()),
            body,
        )
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["status"], "success");
    let data = &created["data"];
    assert_eq!(data["job"]["remote_id"], "job-1");
    assert_eq!(data["current_stage"]["remote_id"], "stage-2");
    assert_eq!(data["candidate"]["first_name"], "Grace");
    assert_eq!(data["candidate"]["source"], "Board X");
    let warnings: Vec<&str> = created["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("not found")),
        "{warnings:?}"
    );
    assert!(warnings.contains(&"fake warning"));
    {
        let ats = app.ats.lock().unwrap();
        let input = ats.last_application_input.as_ref().unwrap();
        assert_eq!(input.stage_remote_id.as_deref(), Some("stage-2"));
        assert_eq!(input.attachments[0].data.as_ref(), b"Hello");
        assert_eq!(input.screening_answers.len(), 2);
        assert_eq!(
            input.screening_answers[1].answer,
            atsbridge_connector::ScreeningAnswerValue::Typed(
                atsbridge_schema::action::TypedAnswer::SingleSelect("opt-go".into())
            )
        );
    }
    // Visible in the next list call, without a sync.
    let (_, apps) = app
        .get(&format!(
            "/v1/ats/applications?ids={}",
            data["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        apps["data"]["results"][0]["candidate"]["remote_id"],
        data["candidate"]["remote_id"]
    );

    // `remote:` job ids skip the lookup; unknown Kombo ids are refused before the connector runs.
    let (status, _) = app
        .post("/v1/ats/jobs/remote:job-2/applications", json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}}))
        .await;
    assert_eq!(status, 200);
    let calls_before = app.calls().len();
    let (status, body) = app
        .post(&format!("/v1/ats/jobs/{}/applications", KomboId::derive(&iid, Model::Job, "ghost")), json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}}))
        .await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
    let (status, body) = app
        .post(
            &format!("/v1/ats/jobs/{}/applications", job["id"].as_str().unwrap()),
            json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}, "screening_question_answers": [{"question_id": select_q, "answer": "COBOL"}]}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(app.calls().len(), calls_before);
    // A connector error keeps its Kombo code.
    let (status, body) = app
        .post("/v1/ats/jobs/remote:ghost/applications", json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}}))
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(error_code(&body), "REMOTE.INPUT_INVALID");
}

#[tokio::test]
async fn the_other_actions_reach_the_connector_and_show_in_lists() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let iid = app.integration.id.as_str().to_owned();
    let cand2 = KomboId::derive(&iid, Model::Candidate, "cand-2");
    let app3 = KomboId::derive(&iid, Model::Application, "app-3");

    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand2}/tags"),
            json!({"tag": {"name": "Excellent Fit"}}),
        )
        .await;
    assert_eq!(
        (status, &body["data"], &body["warnings"]),
        (200, &json!({}), &json!([]))
    );
    let (_, c) = app.get("/v1/ats/candidates?remote_ids=cand-2").await;
    assert_eq!(c["data"]["results"][0]["tags"][0]["name"], "Excellent Fit");
    let (_, tags) = app.get("/v1/ats/tags").await;
    assert_eq!(
        ids_of(tags["data"]["results"].as_array().unwrap()),
        ["vip", "excellent fit"]
    );

    let (status, _) = app
        .request(
            Method::DELETE,
            &format!("/v1/ats/candidates/{cand2}/tags"),
            Some(json!({"tag": {"name": "Excellent Fit"}})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, c) = app.get("/v1/ats/candidates?remote_ids=cand-2").await;
    assert_eq!(c["data"]["results"][0]["tags"], json!([]));

    let attachment = json!({"attachment": {"name": "cover.txt", "type": "COVER_LETTER", "content_type": "text/plain", "data": "aGk="}});
    let (status, body) = app
        .post(
            &format!("/v1/ats/applications/{app3}/attachments"),
            attachment.clone(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["warnings"][0]["message"], "attached to the candidate");
    let (status, _) = app
        .post(
            &format!("/v1/ats/candidates/{cand2}/attachments"),
            attachment,
        )
        .await;
    assert_eq!(status, 200);
    let link = json!({"label": "Result", "url": "https://example.com/r/1", "details": {"custom_field_name_prefix": "Acme:", "attributes": [{"key": "Score", "value": "100%"}]}});
    assert_eq!(
        app.post(
            &format!("/v1/ats/applications/{app3}/result-links"),
            link.clone()
        )
        .await
        .0,
        200
    );
    assert_eq!(
        app.post(&format!("/v1/ats/candidates/{cand2}/result-links"), link)
            .await
            .0,
        200
    );
    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand2}/result-links"),
            json!({"label": "x", "url": "not a url"}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "PLATFORM.INPUT_INVALID".to_owned())
    );

    let job4 = KomboId::derive(&iid, Model::Job, "job-4");
    let (status, created) = app
        .post("/v1/ats/candidates", json!({"candidate": {"first_name": "Linus", "last_name": "T", "email_address": "l@example.com"}, "application": {"job_id": job4.as_str()}}))
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["data"]["applications"][0]["job"]["remote_id"],
        "job-4"
    );
    let (_, listed) = app
        .get(&format!(
            "/v1/ats/candidates?ids={}",
            created["data"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(listed["data"]["results"][0]["first_name"], "Linus");

    assert_eq!(
        app.calls(),
        [
            "add_candidate_tag",
            "remove_candidate_tag",
            "add_application_attachment",
            "add_candidate_attachment",
            "add_application_result_link",
            "add_candidate_result_link",
            "create_candidate"
        ]
    );
    assert_eq!(app.ats.lock().unwrap().attachment_sizes, [2, 2]);
}

#[tokio::test]
async fn undeclared_models_and_actions_are_not_available() {
    let actions: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|a| *a != Action::AddCandidateTag)
        .collect();
    let app = TestApp::start(Options {
        tags_model: false,
        actions,
        ..Options::default()
    })
    .await;
    app.sync().await;
    let (status, body) = app.get("/v1/ats/tags").await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "INTEGRATION.MODEL_NOT_AVAILABLE");
    let cand = KomboId::derive(app.integration.id.as_str(), Model::Candidate, "cand-1");
    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand}/tags"),
            json!({"tag": {"name": "x"}}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "INTEGRATION.ACTION_NOT_AVAILABLE");
    assert!(app.calls().is_empty());
    // Candidates still list the tags the connector reports on them; without synced tag
    // records the name is unknown.
    let (_, c) = app.get("/v1/ats/candidates?remote_ids=cand-1").await;
    assert_eq!(
        c["data"]["results"][0]["tags"],
        json!([{
            "id": KomboId::derive(app.integration.id.as_str(), Model::Tag, "vip").as_str(),
            "name": null,
            "remote_id": "vip"
        }])
    );
}

#[tokio::test]
async fn body_limit_and_private_data_urls() {
    let config = ServerConfig {
        body_limit: 2048,
        ..ServerConfig::default()
    };
    let app = TestApp::start(Options {
        config,
        ..Options::default()
    })
    .await;
    app.sync().await;
    let cand = KomboId::derive(app.integration.id.as_str(), Model::Candidate, "cand-1");
    let big = "A".repeat(4096);
    let (status, body) = app
        .post(&format!("/v1/ats/candidates/{cand}/attachments"), json!({"attachment": {"name": "a.txt", "type": "OTHER", "content_type": "text/plain", "data": big}}))
        .await;
    assert_eq!(status, 413);
    assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");

    let local = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("secret"))
        .expect(0)
        .mount(&local)
        .await;
    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand}/attachments"),
            json!({"attachment": {"name": "a.txt", "type": "OTHER", "data_url": format!("{}/internal", local.uri())}}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("private"),
        "{body}"
    );
    assert!(app.calls().is_empty());
}

#[tokio::test]
async fn data_urls_download_when_allowed() {
    let config = ServerConfig {
        allow_private_data_urls: true,
        ..ServerConfig::default()
    };
    let app = TestApp::start(Options {
        config,
        ..Options::default()
    })
    .await;
    app.sync().await;
    let files = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/cv.pdf"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                .set_body_raw(b"%PDF-data".to_vec(), "application/pdf"),
        )
        .expect(1)
        .mount(&files)
        .await;
    let cand = KomboId::derive(app.integration.id.as_str(), Model::Candidate, "cand-1");
    let (status, _) = app
        .post(&format!("/v1/ats/candidates/{cand}/attachments"), json!({"attachment": {"name": "cv.pdf", "type": "CV", "data_url": format!("{}/cv.pdf", files.uri())}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.ats.lock().unwrap().attachment_sizes, [9]);
}

#[tokio::test]
async fn malformed_requests_get_envelopes() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let cand = KomboId::derive(app.integration.id.as_str(), Model::Candidate, "cand-1");
    let (status, body) = app
        .post_raw(&format!("/v1/ats/candidates/{cand}/tags"), "{not json")
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand}/tags"),
            json!({"tag": {}}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("tag"),
        "{body}"
    );
    let (status, body) = app
        .post(
            &format!("/v1/ats/candidates/{cand}/tags"),
            json!({"tag": {"name": " "}}),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "PLATFORM.INPUT_INVALID".to_owned())
    );
    let (status, body) = app.get("/v1/nope").await;
    assert_eq!(
        (status, error_code(&body)),
        (404, "PLATFORM.INPUT_INVALID".to_owned())
    );
    let (status, body) = app.request(Method::PUT, "/v1/ats/jobs", None).await;
    assert_eq!(
        (status, error_code(&body)),
        (405, "PLATFORM.INPUT_INVALID".to_owned())
    );
}

#[tokio::test]
async fn force_sync_passthrough_and_openapi() {
    let app = TestApp::start(Options::default()).await;
    let (status, body) = app.post("/v1/force-sync", json!({"type": "DELTA"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"],
        json!({"already_queued": false, "sync_id": "sync-1", "type": "DELTA"})
    );
    let (_, body) = app.request(Method::POST, "/v1/force-sync", None).await;
    assert_eq!(body["data"]["type"], "FULL");
    assert_eq!(body["data"]["already_queued"], true);

    let (status, body) = app
        .post("/v1/passthrough/fakeats/api", json!({"method": "GET", "path": "/Jobs", "params": {"a": "b"}, "headers": {"Authorization": "Bearer mine"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["warnings"], json!([]));
    assert_eq!(body["data"]["status"], 404);
    assert_eq!(body["data"]["url"], "https://fake.example.com/api/Jobs");
    assert_eq!(body["data"]["headers"]["content-type"], "application/json");
    assert_eq!(body["data"]["headers"]["x-multi"], json!(["a", "b"]));
    assert_eq!(body["data"]["data"]["query"], json!({"a": "b"}));
    let (status, body) = app
        .post(
            "/v1/passthrough/other/api",
            json!({"method": "GET", "path": "/x"}),
        )
        .await;
    assert_eq!(status, 404);
    assert!(error_code(&body).starts_with("PLATFORM."));

    let doc: Value = app
        .client
        .get(format!("{}/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/ats/jobs",
        "/ats/candidates",
        "/ats/applications",
        "/ats/application-stages",
        "/ats/tags",
        "/ats/jobs/{job_id}/applications",
        "/passthrough/{tool}/{api}",
        "/check-api-key",
        "/force-sync",
    ] {
        assert!(paths.contains(path), "{path} missing");
    }
    assert!(doc["paths"]["/ats/candidates/{candidate_id}/tags"]["delete"].is_object());
    let job_ref = doc["paths"]["/ats/jobs"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap();
    let name = job_ref.rsplit('/').next().unwrap();
    assert!(doc["components"]["schemas"][name].is_object(), "{job_ref}");
    // Every $ref resolves inside the document.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling ref {name}"
        );
    }
}

#[tokio::test]
async fn writes_are_stored_with_tracking() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let (_, created) = app
        .post("/v1/ats/jobs/remote:job-3/applications", json!({"candidate": {"first_name": "T", "last_name": "R", "email_address": "t@example.com"}}))
        .await;
    let remote = created["data"]["remote_id"].as_str().unwrap();
    let tracked = app
        .store
        .tracked_applications(&app.integration.id)
        .await
        .unwrap();
    assert_eq!(tracked.len(), 1);
    assert_eq!(tracked[0].application_remote_id, remote);
    assert_eq!(tracked[0].job_remote_id.as_deref(), Some("job-3"));
    let stored = app
        .store
        .get_by_remote_ids(
            &app.integration.id,
            Model::Application,
            &[remote.to_owned()],
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    // The stored document matches what the connector returned.
    let record: atsbridge_schema::record::ApplicationRecord =
        serde_json::from_value(stored[0].document.clone()).unwrap();
    let expected = app
        .ats
        .lock()
        .unwrap()
        .applications
        .last()
        .cloned()
        .unwrap();
    assert_eq!(UnifiedRecord::from(record), UnifiedRecord::from(expected));
}

#[tokio::test]
async fn cursor_accepts_the_same_filters_in_other_spellings() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    // Page 1 as the SDKs send it: defaults spelled out, `Z` without fraction.
    let (status, first) = app
        .get("/v1/ats/jobs?page_size=2&statuses=OPEN%2CDRAFT&include_deleted=false&ignore_unsupported_filters=false&updated_after=2000-01-01T00%3A00%3A00Z")
        .await;
    assert_eq!(status, 200, "{first}");
    let mut seen = ids_of(first["data"]["results"].as_array().unwrap());
    let mut cursor = first["data"]["next"].as_str().unwrap().to_owned();
    // Later pages as a hand-written client resends them: defaults left out, list reordered,
    // the same instant with milliseconds.
    loop {
        let (status, page) = app
            .get(&format!(
                "/v1/ats/jobs?statuses=DRAFT,OPEN&page_size=2&updated_after=2000-01-01T00%3A00%3A00.000Z&cursor={cursor}"
            ))
            .await;
        assert_eq!(status, 200, "{page}");
        seen.extend(ids_of(page["data"]["results"].as_array().unwrap()));
        match page["data"]["next"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ["job-1", "job-2", "job-4", "job-5"]);

    // A different value is still a different filter ...
    let (_, first) = app.get("/v1/ats/jobs?page_size=2").await;
    let cursor = first["data"]["next"].as_str().unwrap();
    let (status, body) = app
        .get(&format!(
            "/v1/ats/jobs?page_size=2&include_deleted=true&cursor={cursor}"
        ))
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "PLATFORM.INPUT_INVALID")
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("different filters"),
        "{body}"
    );
    // ... and a malformed value is named as such, not as a cursor problem.
    let (status, body) = app
        .get(&format!(
            "/v1/ats/jobs?page_size=2&include_deleted=maybe&cursor={cursor}"
        ))
        .await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("include_deleted"),
        "{body}"
    );
}

#[tokio::test]
async fn timestamps_with_an_unencoded_plus_and_extreme_dates() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    // `+02:00` typed into a URL by hand arrives as ` 02:00`.
    let (status, body) = app
        .get("/v1/ats/jobs?remote_created_after=2024-03-02T01:00:00+02:00")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        ids_of(body["data"]["results"].as_array().unwrap()),
        ["job-3", "job-4", "job-5"]
    );
    let (status, body) = app
        .get("/v1/ats/jobs?updated_after=2000-01-01T00:00:00+02:00")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["results"].as_array().unwrap().len(), 5);
    // The earliest day a timestamp can name is a valid (if useless) filter, not a crash.
    let (status, body) = app
        .get("/v1/ats/jobs?remote_created_after=-262143-01-01")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["results"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn trailing_data_after_the_json_body_is_refused() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let cand = KomboId::derive(app.integration.id.as_str(), Model::Candidate, "cand-1");
    let (status, body) = app
        .post_raw(
            &format!("/v1/ats/candidates/{cand}/tags"),
            r#"{"tag": {"name": "VIP"}} {"tag": {"name": "other"}}"#,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
    assert!(app.calls().is_empty(), "{:?}", app.calls());
}

#[tokio::test]
async fn candidate_job_filter_counts_only_served_applications() {
    let app = TestApp::start(Options {
        sync_only_created: true,
        ..Options::default()
    })
    .await;
    app.sync().await;
    let iid = app.integration.id.as_str().to_owned();
    let (status, created) = app
        .post(
            "/v1/ats/jobs/remote:job-1/applications",
            json!({"candidate": {"first_name": "Ada", "last_name": "L", "email_address": "ada@example.com"}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let candidate_remote_id = created["data"]["candidate"]["remote_id"].as_str().unwrap();
    // An application of the same candidate that was not created through the API (e.g. stored
    // before the setting was switched on) is not served ...
    let untracked = atsbridge_schema::record::ApplicationRecord {
        remote_id: "app-untracked".into(),
        job_remote_id: Some("job-3".into()),
        candidate_remote_id: Some(candidate_remote_id.to_owned()),
        ..Default::default()
    };
    let write = atsbridge_sync::record_write(&app.integration.id, &untracked.into()).unwrap();
    app.store
        .apply_batch(
            &app.integration.id,
            None,
            atsbridge_schema::Timestamp::from_datetime(chrono::Utc::now()),
            vec![write],
        )
        .await
        .unwrap();
    let (_, apps) = app.get("/v1/ats/applications").await;
    assert_eq!(
        ids_of(apps["data"]["results"].as_array().unwrap()),
        [created["data"]["remote_id"].as_str().unwrap()]
    );
    // ... so it does not make its candidate match a job filter either.
    let job1 = KomboId::derive(&iid, Model::Job, "job-1");
    let job3 = KomboId::derive(&iid, Model::Job, "job-3");
    let (_, by_job1) = app.get(&format!("/v1/ats/candidates?job_ids={job1}")).await;
    assert_eq!(
        ids_of(by_job1["data"]["results"].as_array().unwrap()),
        [candidate_remote_id]
    );
    let (status, by_job3) = app.get(&format!("/v1/ats/candidates?job_ids={job3}")).await;
    assert_eq!(status, 200);
    assert_eq!(by_job3["data"]["results"], json!([]), "{by_job3}");
}

#[tokio::test]
async fn updated_after_sees_question_changes_written_by_actions() {
    use atsbridge_connector::ManualClock;
    let clock = std::sync::Arc::new(ManualClock::new(
        common::ts("2026-01-01T00:00:00Z").as_datetime(),
    ));
    let app = TestApp::start(Options {
        clock: Some(clock.clone()),
        ..Options::default()
    })
    .await;
    app.sync().await;
    let since = "2026-01-01T00%3A00%3A00.000Z";
    let (_, quiet) = app
        .get(&format!("/v1/ats/jobs?updated_after={since}"))
        .await;
    assert_eq!(quiet["data"]["results"], json!([]), "{quiet}");

    // A create action reports that a screening question of job-1 changed.
    clock.advance(chrono::Duration::minutes(1));
    {
        let mut ats = app.ats.lock().unwrap();
        let mut question = ats.questions[0].clone();
        question.title = Some("Why us, really?".into());
        ats.related_on_create = vec![question.into()];
    }
    let (status, body) = app
        .post(
            "/v1/ats/jobs/remote:job-2/applications",
            json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // jobs[].screening_questions counts changes of the linked question (kombo-api.md §8.2).
    let (_, changed) = app
        .get(&format!("/v1/ats/jobs?updated_after={since}"))
        .await;
    let jobs = changed["data"]["results"].as_array().unwrap();
    assert_eq!(ids_of(jobs), ["job-1"]);
    assert_eq!(
        jobs[0]["screening_questions"][0]["title"],
        "Why us, really?"
    );
    // The job's own changed_at stays where the sync put it.
    assert_eq!(jobs[0]["changed_at"], "2026-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn reads_never_reach_the_connector() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let builds_after_sync = app.ats.lock().unwrap().builds;
    assert!(builds_after_sync > 0);
    let iid = app.integration.id.as_str().to_owned();
    let job1 = KomboId::derive(&iid, Model::Job, "job-1");
    for path in [
        "/v1/ats/jobs?page_size=1".to_owned(),
        "/v1/ats/candidates?include_deleted=true".to_owned(),
        format!("/v1/ats/candidates?job_ids={job1}"),
        "/v1/ats/applications?outcomes=PENDING".to_owned(),
        "/v1/ats/application-stages".to_owned(),
        "/v1/ats/tags".to_owned(),
    ] {
        let pages = app.all_pages(&path).await;
        assert!(!pages.concat().is_empty(), "{path}");
    }
    let ats = app.ats.lock().unwrap();
    assert_eq!(ats.builds, builds_after_sync, "a read built a connector");
    assert!(ats.calls.is_empty(), "{:?}", ats.calls);
}

fn provider_field(
    id: &str,
    key: &str,
    kind: atsbridge_schema::enums::IntegrationFieldType,
    value: Value,
) -> atsbridge_schema::common::IntegrationField {
    atsbridge_schema::common::IntegrationField {
        id: id.into(),
        key: key.into(),
        r#type: kind,
        value: Some(value),
        label: Some(format!("{key} label")),
    }
}

async fn served_candidates(app: &TestApp) -> Vec<Value> {
    let (status, body) = app.get("/v1/ats/candidates?page_size=100").await;
    assert_eq!(status, 200, "{body}");
    body["data"]["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn integration_fields_share_one_id_can_be_switched_off_and_feed_custom_fields() {
    use atsbridge_schema::enums::IntegrationFieldType::{Custom, Default};

    let app = TestApp::start(Options::default()).await;
    {
        let mut ats = app.ats.lock().unwrap();
        for (n, candidate) in ats.candidates.iter_mut().enumerate() {
            candidate.integration_fields = vec![
                provider_field(
                    "CustomFields/Shirt",
                    "Shirt",
                    Custom,
                    json!(format!("L{n}")),
                ),
                provider_field("Url", "Url", Default, json!("https://example.com")),
            ];
        }
        // The connector's own custom_fields: one key the mapping below takes over, one it keeps.
        ats.candidates[0].custom_fields = Some(
            json!({"tshirt_size": "from the connector", "Shirt": "L0"})
                .as_object()
                .unwrap()
                .clone(),
        );
    }
    app.sync().await;

    // The sync listed each field once, under the id every candidate serves.
    let listed = app
        .store
        .list_integration_fields(&app.integration.id, None, 100)
        .await
        .unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed.iter().all(|f| f.passthrough_enabled));
    let id_of = |key: &str| {
        listed
            .iter()
            .find(|f| f.key == key && f.model == "ats_candidates")
            .unwrap()
            .id
            .clone()
    };
    let (shirt_id, url_id) = (id_of("Shirt"), id_of("Url"));
    let candidates = served_candidates(&app).await;
    assert_eq!(candidates.len(), 4);
    for candidate in &candidates {
        let ids: Vec<&str> = candidate["integration_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, [shirt_id.as_str(), url_id.as_str()], "{candidate}");
    }

    // Switching the shirt field off removes it from every candidate; mapping it to a custom
    // field still serves its value there.
    app.store
        .set_integration_field_passthrough(&app.integration.id, &shirt_id, false)
        .await
        .unwrap()
        .unwrap();
    let custom = app
        .store
        .define_custom_field(
            &app.integration.id,
            atsbridge_store::NewCustomField {
                model: "ats_candidates".into(),
                key: "tshirt_size".into(),
                label: Some("T-shirt size".into()),
                description: None,
            },
            common::ts("2024-06-01T00:00:00Z"),
        )
        .await
        .unwrap();
    app.store
        .map_custom_field(&app.integration.id, &custom.id, Some(&shirt_id))
        .await
        .unwrap()
        .unwrap();

    let candidates = served_candidates(&app).await;
    for (n, candidate) in candidates.iter().enumerate() {
        let fields = candidate["integration_fields"].as_array().unwrap();
        assert_eq!(fields.len(), 1, "{candidate}");
        assert_eq!(fields[0]["id"], url_id.as_str());
        assert_eq!(
            candidate["custom_fields"]["tshirt_size"],
            format!("L{n}"),
            "{candidate}"
        );
    }
    // The mapping wins over the connector's key of the same name; other keys stay.
    assert_eq!(candidates[0]["custom_fields"]["Shirt"], "L0");
}

#[tokio::test]
async fn fields_of_records_a_write_action_returns_are_recorded() {
    use atsbridge_schema::assemble::IdMinter;
    use atsbridge_schema::enums::IntegrationFieldType::Custom;

    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    assert!(
        app.store
            .list_integration_fields(&app.integration.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    {
        let mut ats = app.ats.lock().unwrap();
        let mut job = ats.jobs[1].clone();
        job.integration_fields = vec![provider_field(
            "CustomFields/Budget",
            "Budget",
            Custom,
            json!(100),
        )];
        ats.related_on_create = vec![job.into()];
    }
    let (status, body) = app
        .post(
            "/v1/ats/jobs/remote:job-2/applications",
            json!({"candidate": {"first_name": "A", "last_name": "B", "email_address": "ab@example.com"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let listed = app
        .store
        .list_integration_fields(&app.integration.id, None, 10)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].model, "ats_jobs");
    assert_eq!(listed[0].key, "Budget");
    assert_eq!(
        listed[0].id,
        IdMinter::new(app.integration.id.as_str())
            .mint_integration_field(Model::Job, "CustomFields/Budget")
            .as_str()
    );
}

#[tokio::test]
async fn bad_emails_tags_and_non_object_bodies_are_refused_before_the_provider() {
    let app = TestApp::start(Options::default()).await;
    app.sync().await;
    let calls_before = app.calls().len();
    for candidate in [
        json!({"first_name": "A", "last_name": "B", "email_address": "not-an-email"}),
        json!({"first_name": "A", "last_name": "B", "email_address": "ab@example.com",
               "additional_email_addresses": [{"type": "WORK", "email_address": "x@y"}]}),
    ] {
        let (status, body) = app
            .post(
                "/v1/ats/jobs/remote:job-2/applications",
                json!({"candidate": candidate}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("e-mail")
        );
    }
    let candidates = app.all_pages("/v1/ats/candidates?page_size=1").await;
    let candidate_id = candidates[0][0]["id"].as_str().unwrap().to_owned();
    let tags = format!("/v1/ats/candidates/{candidate_id}/tags");
    for name in ["x".repeat(256), "bad\u{0}name".to_owned()] {
        let (status, body) = app.post(&tags, json!({"tag": {"name": name}})).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
    }
    assert_eq!(
        app.calls().len(),
        calls_before,
        "the provider saw a refused request"
    );

    // A JSON array is not an object, even where every field is optional.
    let (status, body) = app.post_raw("/v1/force-sync", "[]").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "PLATFORM.INPUT_INVALID");
    assert!(app.trigger.requests.lock().unwrap().is_empty());
}
