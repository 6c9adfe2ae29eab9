//! End-to-end tests of the eRecruiter connector against the eRecruiter sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use atsbridge_connector::{
    ApplicationAttachmentInput, ApplicationResultLinkInput, AttachmentPayload,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, Connector, Context,
    CreateApplicationInput, ErrorKind, GuardedConnector, MemorySink, PassthroughCall,
    ResolvedScreeningAnswer, ScreeningAnswerValue, SyncScope, TrackedApplication,
};
use atsbridge_erecruiter::ErecruiterConnector;
use atsbridge_erecruiter_sandbox::{
    RateLimitKnob, RateLimitRule, Sandbox, SandboxConfig, SandboxHandle, SandboxSeed,
};
use atsbridge_schema::Model;
use atsbridge_schema::action::{
    AddResultLinkRequest, CandidateInput, CreateApplicationRequest, GdprConsent, LocationInput,
    ResultLinkAttribute, ResultLinkDetails, SalaryExpectations, TypedAnswer,
};
use atsbridge_schema::enums::{AttachmentType, Gender, SalaryExpectationPeriod};
use atsbridge_schema::format::QuestionFormat;
use atsbridge_schema::record::UnifiedRecord;
use bytes::Bytes;
use serde_json::{Value, json};

async fn start(seed: SandboxSeed) -> (SandboxHandle, ErecruiterConnector) {
    let handle = Sandbox::spawn(SandboxConfig::default(), seed)
        .await
        .unwrap();
    let (key, mandator) = handle.credentials();
    let connector = ErecruiterConnector::from_json(&json!({
        "host": handle.base_url(),
        "mandator_id": mandator,
        "api_key": key,
        "default_source_name": "atsbridge",
        "requests_per_second": 10000,
    }))
    .unwrap();
    (handle, connector)
}

fn small() -> SandboxSeed {
    SandboxSeed {
        jobs: 12,
        candidates: 60,
        seed: 42,
    }
}

async fn full_sync(connector: &dyn Connector, scope: &SyncScope) -> MemorySink {
    let mut sink = MemorySink::new();
    connector
        .sync(&Context::new("int-1"), scope, &mut sink)
        .await
        .unwrap();
    sink
}

fn ids(sink: &MemorySink, model: Model) -> BTreeSet<String> {
    sink.remote_ids(model)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn candidate<'a>(sink: &'a MemorySink, id: &str) -> &'a atsbridge_schema::record::CandidateRecord {
    sink.records_of(Model::Candidate)
        .iter()
        .find_map(|r| match r {
            UnifiedRecord::Candidate(c) if c.remote_id == id => Some(c),
            _ => None,
        })
        .unwrap_or_else(|| panic!("candidate {id} not synced"))
}

#[tokio::test]
async fn full_sync_returns_exactly_the_sandbox_data() {
    let (handle, connector) = start(small()).await;
    let guarded = GuardedConnector::new(Arc::new(connector));
    let sink = full_sync(&guarded, &SyncScope::full_all_models()).await;
    let state = handle.state();

    // Jobs: exactly the published ones (nothing else is enumerable on a first run).
    let published: BTreeSet<String> = state
        .jobs()
        .iter()
        .filter(|j| j.is_published)
        .map(|j| j.id.to_string())
        .collect();
    assert!(!published.is_empty());
    assert_eq!(ids(&sink, Model::Job), published);

    // Candidates: everyone with an open application on a published job.
    let apps = state.applications();
    let reachable: BTreeSet<i32> = apps
        .iter()
        .filter(|a| a.is_open && published.contains(&a.job_id.to_string()))
        .map(|a| a.applicant_id)
        .collect();
    let expected_candidates: BTreeSet<String> = reachable.iter().map(i32::to_string).collect();
    assert_eq!(ids(&sink, Model::Candidate), expected_candidates);

    // Applications: every application of those candidates, open or not, with its group.
    let expected_apps: BTreeMap<String, (i32, i32, i32)> = apps
        .iter()
        .filter(|a| reachable.contains(&a.applicant_id))
        .map(|a| {
            (
                a.id.to_string(),
                (a.applicant_id, a.job_id, a.workflow_status_group),
            )
        })
        .collect();
    assert_eq!(
        ids(&sink, Model::Application),
        expected_apps.keys().cloned().collect()
    );
    for record in sink.records_of(Model::Application) {
        let UnifiedRecord::Application(app) = record else {
            unreachable!()
        };
        let (applicant, job, group) = expected_apps[&app.remote_id];
        assert_eq!(
            app.candidate_remote_id.as_deref(),
            Some(applicant.to_string().as_str())
        );
        assert_eq!(app.job_remote_id.as_deref(), Some(job.to_string().as_str()));
        assert_eq!(
            app.current_stage_remote_id.as_deref(),
            Some(group.to_string().as_str())
        );
        let expected_outcome = match group {
            5 => "DECLINED",
            6 => "HIRED",
            _ => "PENDING",
        };
        assert_eq!(
            serde_json::to_value(app.outcome).unwrap(),
            json!(expected_outcome)
        );
    }

    // Candidate fields match the sandbox's applicants.
    for applicant in state
        .applicants()
        .iter()
        .filter(|a| reachable.contains(&a.id))
    {
        let record = candidate(&sink, &applicant.id.to_string());
        assert_eq!(
            record.first_name,
            applicant
                .first_name
                .clone()
                .filter(|n| !n.trim().is_empty())
        );
        assert_eq!(
            record.last_name,
            applicant.last_name.clone().filter(|n| !n.trim().is_empty())
        );
        let mut expected_tags = applicant.tags.clone().unwrap_or_default();
        expected_tags.dedup();
        assert_eq!(
            record.tag_remote_ids,
            atsbridge_erecruiter::map::distinct_tags(&expected_tags)
        );
        if let Some(email) = applicant
            .email
            .as_deref()
            .filter(|e| atsbridge_erecruiter::map::is_plausible_email(e))
        {
            assert_eq!(
                record.email_addresses[0].email_address.as_deref(),
                Some(email)
            );
        }
        assert!(
            record
                .remote_data
                .as_ref()
                .unwrap()
                .contains_key(&format!("/Api/Applicant/{}", applicant.id))
        );
    }

    // Stages and screening questions.
    assert_eq!(sink.records_of(Model::ApplicationStage).len(), 7);
    let expected_links: usize = state
        .jobs()
        .iter()
        .filter(|j| j.is_published)
        .map(|j| j.questionnaire_item_types.len())
        .sum();
    assert_eq!(
        sink.records_of(Model::JobScreeningQuestion).len(),
        expected_links
    );
    assert!(!sink.records_of(Model::ScreeningQuestion).is_empty());

    for model in [
        Model::Job,
        Model::Candidate,
        Model::Application,
        Model::ApplicationStage,
        Model::ScreeningQuestion,
        Model::JobScreeningQuestion,
    ] {
        assert!(sink.is_complete(model), "{model} not complete");
    }
    // Tags are a supporting model: synced (one record per distinct tag of the candidates) so
    // candidates[].tags can name them, though the seed coverage serves no Tags list.
    let mut expected_tags: Vec<String> = sink
        .records_of(Model::Candidate)
        .iter()
        .filter_map(|record| match record {
            UnifiedRecord::Candidate(c) => Some(c.tag_remote_ids.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    expected_tags.sort();
    expected_tags.dedup();
    assert!(!expected_tags.is_empty(), "the seed gives candidates tags");
    let mut synced_tags: Vec<String> = sink
        .remote_ids(Model::Tag)
        .into_iter()
        .map(str::to_owned)
        .collect();
    synced_tags.sort();
    assert_eq!(synced_tags, expected_tags);
    assert!(sink.is_complete(Model::Tag));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn each_resource_is_fetched_once_and_known_ids_are_refreshed() {
    let (handle, connector) = start(small()).await;
    let first = full_sync(&connector, &SyncScope::full_all_models()).await;
    let by_route = handle.sandbox().requests_by_route();
    let candidates = first.records_of(Model::Candidate).len() as u64;
    assert_eq!(by_route["GET /Api/PublishedJobs"], 1);
    assert_eq!(by_route["GET /Api/Applicant/{id}"], candidates);
    assert_eq!(
        by_route["GET /Api/Applicant/CustomFields/{applicantId}"],
        candidates
    );
    assert_eq!(by_route["GET /Api/Applications/{applicantId}"], candidates);
    assert_eq!(
        by_route["GET /Api/Applications/ByJob/{jobId}"],
        first.records_of(Model::Job).len() as u64
    );
    assert_eq!(by_route["POST /Api"], 1, "one token for the whole run");
    assert!(
        !by_route.contains_key("GET /Api/Job/{id}"),
        "no known jobs on a first run"
    );
    // Tags come with candidates when the scope asks for them.
    assert!(!first.records_of(Model::Tag).is_empty());

    // A second run with the state and a known closed job re-reads that job.
    let closed = handle
        .state()
        .jobs()
        .into_iter()
        .find(|j| !j.is_published)
        .unwrap();
    let mut scope = SyncScope::full_all_models();
    scope.previous_state = first.state.clone();
    scope.known_remote_ids.insert(
        Model::Job,
        BTreeSet::from([closed.id.to_string(), "999999".into()]),
    );
    handle.sandbox().reset_request_stats();
    let second = full_sync(&connector, &scope).await;
    assert!(ids(&second, Model::Job).contains(&closed.id.to_string()));
    assert!(
        !ids(&second, Model::Job).contains("999999"),
        "a job that 404s is not pushed"
    );
    assert!(second.is_complete(Model::Job));
    assert_eq!(handle.sandbox().requests_for("GET /Api/Job/{id}"), 2);
    assert!(ids(&second, Model::Candidate).is_superset(&ids(&first, Model::Candidate)));
    let state: Value = second.state.clone().unwrap();
    assert!(
        !state["job_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(999999))
    );
    handle.shutdown().await.unwrap();
}

fn candidate_input(email: &str) -> CandidateInput {
    CandidateInput {
        first_name: "Zoë".into(),
        last_name: "Müller-Łukasz".into(),
        email_address: email.into(),
        phone_number: Some("+43 660 1234567".into()),
        location: Some(LocationInput {
            city: Some("Linz".into()),
            country: "AT".into(),
            ..Default::default()
        }),
        gender: Some(Gender::Female),
        availability_date: Some(atsbridge_schema::Timestamp::parse_flexible("2025-09-01").unwrap()),
        salary_expectations: Some(SalaryExpectations {
            period: SalaryExpectationPeriod::Year,
            amount: 54999.6,
        }),
        ..Default::default()
    }
}

fn file(name: &str, kind: AttachmentType, content: &'static [u8]) -> AttachmentPayload {
    AttachmentPayload {
        name: name.into(),
        content_type: Some("application/pdf".into()),
        kind,
        data: Bytes::from_static(content),
    }
}

fn create_input(
    job: &str,
    email: &str,
    answers: Vec<ResolvedScreeningAnswer>,
) -> CreateApplicationInput {
    CreateApplicationInput {
        job_remote_id: job.into(),
        stage_remote_id: None,
        screening_answers: answers,
        attachments: vec![
            file("CV Zoë.pdf", AttachmentType::Cv, b"%PDF-cv"),
            file(
                "Anschreiben.pdf",
                AttachmentType::CoverLetter,
                b"%PDF-letter",
            ),
        ],
        source_name: Some("Example Job Board".into()),
        body: CreateApplicationRequest {
            candidate: candidate_input(email),
            gdpr_consent: Some(GdprConsent {
                given: Some(true),
                expires_at: None,
            }),
            ..Default::default()
        },
    }
}

#[tokio::test]
async fn create_application_then_sync_shows_it() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let catalog = full_sync(
        &connector,
        &SyncScope::full([
            Model::Job,
            Model::ScreeningQuestion,
            Model::JobScreeningQuestion,
        ]),
    )
    .await;
    let state = handle.state();
    let open_jobs: Vec<_> = state
        .jobs()
        .into_iter()
        .filter(|j| j.accepts_applications && j.is_published)
        .collect();
    let job = open_jobs
        .iter()
        .find(|j| j.questionnaire_id.is_some())
        .unwrap_or(&open_jobs[0]);

    // Answer every boolean or number question of that job.
    let question_ids: BTreeSet<String> = catalog
        .records_of(Model::JobScreeningQuestion)
        .iter()
        .filter_map(|r| match r {
            UnifiedRecord::JobScreeningQuestion(l) if l.job_remote_id == job.id.to_string() => {
                Some(l.question_remote_id.clone())
            }
            _ => None,
        })
        .collect();
    let answers: Vec<ResolvedScreeningAnswer> = catalog
        .records_of(Model::ScreeningQuestion)
        .iter()
        .filter_map(|r| match r {
            UnifiedRecord::ScreeningQuestion(q) if question_ids.contains(&q.remote_id) => {
                let answer = match q.format.as_ref()? {
                    QuestionFormat::Boolean => TypedAnswer::Boolean(true),
                    QuestionFormat::Number { .. } => TypedAnswer::Number(42000.4),
                    QuestionFormat::SingleSelect { options, .. } => {
                        TypedAnswer::SingleSelect(options.first()?.remote_id.clone())
                    }
                    _ => return None,
                };
                Some(ResolvedScreeningAnswer {
                    question: q.clone(),
                    answer: ScreeningAnswerValue::Typed(answer),
                })
            }
            _ => None,
        })
        .collect();

    let created = connector
        .create_application(
            &ctx,
            create_input(&job.id.to_string(), "zoe.new@example.org", answers),
        )
        .await
        .unwrap();
    let applicant_id: i32 = created.candidate.remote_id.parse().unwrap();
    assert_eq!(created.candidate.first_name.as_deref(), Some("Zoë"));
    assert_eq!(
        created.candidate.source.as_deref(),
        Some("Example Job Board")
    );
    assert_eq!(
        created.application.job_remote_id.as_deref(),
        Some(job.id.to_string().as_str())
    );
    assert_eq!(
        created.application.current_stage_remote_id.as_deref(),
        Some("1")
    );

    // The sandbox has what was sent.
    let json = state.applicant_json(applicant_id).unwrap();
    assert_eq!(json["Salary"], json!(55000));
    assert_eq!(json["SalaryPeriod"], json!(1));
    assert_eq!(json["Gender"], json!(2));
    assert_eq!(json["EarliestPossibleBeginDate"]["Year"], json!(2025));
    assert_eq!(json["Referrer"], json!("Example Job Board"));
    assert!(json["PolicyAcceptedAt"].is_string());
    assert_eq!(state.cv(applicant_id).unwrap().content, b"%PDF-cv");
    let documents = state.documents(applicant_id);
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].document_type.as_deref(), Some("Anschreiben"));
    let application = state
        .applications()
        .into_iter()
        .find(|a| a.applicant_id == applicant_id)
        .unwrap();
    assert_eq!(application.referrer.as_deref(), Some("Example Job Board"));

    // A sync in "only created applications" mode returns exactly that application and candidate.
    let mut scope = SyncScope::full([Model::Candidate, Model::Application]);
    scope.tracked_applications = Some(BTreeSet::from([TrackedApplication {
        application_remote_id: created.application.remote_id.clone(),
        candidate_remote_id: created.candidate.remote_id.clone(),
        job_remote_id: Some(job.id.to_string()),
    }]));
    handle.sandbox().reset_request_stats();
    let tracked = full_sync(&connector, &scope).await;
    assert_eq!(
        ids(&tracked, Model::Candidate),
        BTreeSet::from([created.candidate.remote_id.clone()])
    );
    assert_eq!(
        ids(&tracked, Model::Application),
        BTreeSet::from([created.application.remote_id.clone()])
    );
    assert_eq!(
        handle
            .sandbox()
            .requests_for("GET /Api/Applications/ByJob/{jobId}"),
        0
    );
    assert_eq!(handle.sandbox().requests_for("GET /Api/PublishedJobs"), 0);
    // The action's records equal what the sync reads.
    assert_eq!(
        tracked.records_of(Model::Candidate)[0],
        UnifiedRecord::Candidate(created.candidate.clone())
    );

    // Same e-mail, another job: the applicant is reused.
    let other = open_jobs.iter().find(|j| j.id != job.id).unwrap();
    let again = connector
        .create_application(
            &ctx,
            create_input(&other.id.to_string(), "ZOE.NEW@example.org", vec![]),
        )
        .await
        .unwrap();
    assert_eq!(again.candidate.remote_id, created.candidate.remote_id);
    assert!(again.warnings.iter().any(|w| w.contains("reused")));

    // Same job again: already exists. Closed job: job closed.
    let duplicate = connector
        .create_application(
            &ctx,
            create_input(&job.id.to_string(), "zoe.new@example.org", vec![]),
        )
        .await
        .unwrap_err();
    assert_eq!(duplicate.kind(), &ErrorKind::AlreadyExists);
    let closed = state
        .jobs()
        .into_iter()
        .find(|j| !j.accepts_applications)
        .unwrap();
    let refused = connector
        .create_application(
            &ctx,
            create_input(&closed.id.to_string(), "zoe.new@example.org", vec![]),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), &ErrorKind::JobClosed);
    let bad = connector
        .create_application(&ctx, create_input("not-a-number", "x@example.org", vec![]))
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), &ErrorKind::InvalidInput);
    handle.shutdown().await.unwrap();
}

fn without_volatile(mut value: Value) -> Value {
    let object = value.as_object_mut().unwrap();
    for key in ["Tags", "DateOfUpdateByUser", "DateOfUpdateByApplicant"] {
        object.remove(key);
    }
    value
}

#[tokio::test]
async fn tag_changes_keep_every_other_applicant_field() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let state = handle.state();
    let applicant = state
        .applicants()
        .into_iter()
        .max_by_key(|a| a.tags.as_ref().map_or(0, Vec::len))
        .unwrap();
    let id = applicant.id;
    let before = state.applicant_json(id).unwrap();

    let added = connector
        .add_candidate_tag(
            &ctx,
            CandidateTagInput {
                candidate_remote_id: id.to_string(),
                tag_name: "Silver Medalist ★".into(),
            },
        )
        .await
        .unwrap();
    let after_add = state.applicant_json(id).unwrap();
    assert_eq!(
        without_volatile(after_add.clone()),
        without_volatile(before.clone())
    );
    let tags = state.tags(id).unwrap();
    assert!(tags.contains(&"Silver Medalist ★".to_owned()));
    assert_eq!(
        tags.len(),
        applicant.tags.clone().unwrap_or_default().len() + 1
    );
    assert!(
        added
            .records
            .iter()
            .any(|r| r.model() == Model::Tag && r.remote_id() == "Silver Medalist ★")
    );

    // Adding again (other casing) changes nothing; removing is case-insensitive.
    connector
        .add_candidate_tag(
            &ctx,
            CandidateTagInput {
                candidate_remote_id: id.to_string(),
                tag_name: "silver medalist ★".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(state.tags(id).unwrap(), tags);
    connector
        .remove_candidate_tag(
            &ctx,
            CandidateTagInput {
                candidate_remote_id: id.to_string(),
                tag_name: "SILVER MEDALIST ★".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        state.tags(id).unwrap_or_default(),
        applicant.tags.clone().unwrap_or_default()
    );
    assert_eq!(
        without_volatile(state.applicant_json(id).unwrap()),
        without_volatile(before)
    );
    // Removing a tag that is not there succeeds.
    connector
        .remove_candidate_tag(
            &ctx,
            CandidateTagInput {
                candidate_remote_id: id.to_string(),
                tag_name: "never".into(),
            },
        )
        .await
        .unwrap();
    let missing = connector
        .add_candidate_tag(
            &ctx,
            CandidateTagInput {
                candidate_remote_id: "1".into(),
                tag_name: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), &ErrorKind::NotFound);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn attachments_and_result_links_land_on_the_applicant() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let state = handle.state();
    let application = state.applications().into_iter().next().unwrap();
    let applicant = application.applicant_id;
    let documents_before = state.documents(applicant).len();

    connector
        .add_candidate_attachment(
            &ctx,
            CandidateAttachmentInput {
                candidate_remote_id: applicant.to_string(),
                attachment: file("Zeugnis.pdf", AttachmentType::Other, b"%PDF-z"),
            },
        )
        .await
        .unwrap();
    let outcome = connector
        .add_application_attachment(
            &ctx,
            ApplicationAttachmentInput {
                application_remote_id: application.id.to_string(),
                candidate_remote_id: Some(applicant.to_string()),
                attachment: file("Letter.pdf", AttachmentType::CoverLetter, b"%PDF-l"),
            },
        )
        .await
        .unwrap();
    assert!(outcome.warnings[0].contains("attached to candidate"));
    let documents = state.documents(applicant);
    assert_eq!(documents.len(), documents_before + 2);
    assert!(
        documents
            .iter()
            .any(|d| d.name.as_deref() == Some("Letter.pdf")
                && d.document_type.as_deref() == Some("Anschreiben"))
    );

    let link = AddResultLinkRequest {
        label: "Assessment".into(),
        url: "https://assess.example/r/1".into(),
        details: Some(ResultLinkDetails {
            custom_field_name_prefix: "Acme:".into(),
            attributes: vec![ResultLinkAttribute {
                key: "Score".into(),
                value: "87%".into(),
            }],
        }),
        remote_fields: None,
    };
    connector
        .add_application_result_link(
            &ctx,
            ApplicationResultLinkInput {
                application_remote_id: application.id.to_string(),
                candidate_remote_id: Some(applicant.to_string()),
                link: link.clone(),
            },
        )
        .await
        .unwrap();
    connector
        .add_candidate_result_link(
            &ctx,
            CandidateResultLinkInput {
                candidate_remote_id: applicant.to_string(),
                link,
            },
        )
        .await
        .unwrap();
    let history = state.history(applicant);
    let entries: Vec<_> = history
        .iter()
        .filter(|h| h.subject.as_deref() == Some("Assessment"))
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].job_id, Some(application.job_id));
    assert_eq!(entries[1].job_id, None);
    assert_eq!(
        entries[0].body.as_deref(),
        Some("https://assess.example/r/1\nAcme: Score: 87%")
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn passthrough_authenticates_and_refuses_escapes() {
    let (handle, connector) = start(small()).await;
    let guarded = GuardedConnector::new(Arc::new(connector));
    let ctx = Context::new("int-1");
    let mut call = PassthroughCall::new(http::Method::GET, "/PublishedJobs?culture=en");
    call.headers.insert("X-ApiToken".into(), "forged".into());
    call.headers
        .insert("Accept".into(), "application/json".into());
    let result = guarded.passthrough(&ctx, call).await.unwrap();
    assert_eq!(result.status, 200);
    assert!(result.data.unwrap()["Jobs"].is_array());
    assert!(
        result.url.ends_with("/Api/PublishedJobs?culture=en"),
        "{}",
        result.url
    );
    assert!(!result.headers.contains_key("x-apitoken"));

    let missing = guarded
        .passthrough(&ctx, PassthroughCall::new(http::Method::GET, "Applicant/1"))
        .await
        .unwrap();
    assert_eq!(
        missing.status, 404,
        "upstream errors are results, not errors"
    );

    let before = handle.sandbox().request_count();
    for path in [
        "../Help",
        "https://evil.example/Api/Ping",
        "//evil.example/x",
        "Api/../../x",
        "%2e%2e/Help",
    ] {
        let error = guarded
            .passthrough(&ctx, PassthroughCall::new(http::Method::GET, path))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidInput, "{path}");
    }
    assert_eq!(
        handle.sandbox().request_count(),
        before,
        "refused calls never reach eRecruiter"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_credentials_fail_the_check_and_the_sync() {
    let handle = Sandbox::spawn(SandboxConfig::default(), small())
        .await
        .unwrap();
    let (_, mandator) = handle.credentials();
    let connector = ErecruiterConnector::from_json(&json!({
        "host": format!("{}/Api/", handle.base_url()),
        "mandator_id": mandator,
        "api_key": "wrong-key",
    }))
    .unwrap();
    let ctx = Context::new("int-1");
    let error = connector.check(&ctx).await.unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(!error.to_string().contains("wrong-key"));
    let mut sink = MemorySink::new();
    let error = connector
        .sync(&ctx, &SyncScope::full_all_models(), &mut sink)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(sink.complete.iter().all(|m| *m == Model::ApplicationStage));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn expired_tokens_are_renewed() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    connector.check(&ctx).await.unwrap();
    handle.sandbox().revoke_tokens();
    let report = connector.check(&ctx).await.unwrap();
    assert!(
        report.all_granted()
            || report
                .models
                .iter()
                .all(|(_, a)| !matches!(a, atsbridge_connector::ModelAccess::Denied { .. }))
    );
    assert_eq!(handle.sandbox().tokens_issued(), 2);
    handle.shutdown().await.unwrap();
}

/// Request budget of a full sync of 50 jobs / 500 candidates, printed per route
/// (`cargo test -p atsbridge-erecruiter --test sandbox_e2e request_budget -- --nocapture`).
#[tokio::test]
async fn request_budget_of_a_large_sync() {
    let (handle, connector) = start(SandboxSeed {
        jobs: 50,
        candidates: 500,
        seed: 7,
    })
    .await;
    let sink = full_sync(&connector, &SyncScope::full_all_models()).await;
    let by_route = handle.sandbox().requests_by_route();
    println!(
        "records: {:?}",
        sink.records
            .iter()
            .map(|(m, r)| (m.as_str(), r.len()))
            .collect::<Vec<_>>()
    );
    for (route, count) in &by_route {
        println!("{count:>6}  {route}");
    }
    let candidates = sink.records_of(Model::Candidate).len() as u64;
    let jobs = sink.records_of(Model::Job).len() as u64;
    let with_questionnaire = handle
        .state()
        .jobs()
        .iter()
        .filter(|j| j.is_published && j.questionnaire_id.is_some())
        .count() as u64;
    assert_eq!(by_route["GET /Api/Applicant/{id}"], candidates);
    assert_eq!(by_route["GET /Api/Applications/{applicantId}"], candidates);
    assert_eq!(
        by_route["GET /Api/Applicant/CustomFields/{applicantId}"],
        candidates
    );
    assert_eq!(by_route["GET /Api/Applications/ByJob/{jobId}"], jobs);
    assert_eq!(
        by_route["GET /Api/Questionnaire/ByJob/{jobId}"],
        with_questionnaire
    );
    let total: u64 = by_route.values().sum();
    assert_eq!(total, 1 + 1 + jobs + with_questionnaire + 3 * candidates);
    handle.shutdown().await.unwrap();
}

/// The connector reports every request the sandbox received during a sync: the token
/// exchange on the first run, none on the second (the token is reused).
#[tokio::test]
async fn sync_reports_the_requests_the_provider_received() {
    let (handle, connector) = start(small()).await;
    let guarded = GuardedConnector::new(Arc::new(connector));
    let first = full_sync(&guarded, &SyncScope::full_all_models()).await;
    let received = handle.request_count();
    assert!(received > 3, "a full sync makes many requests");
    assert_eq!(first.requests, Some(received));
    assert_eq!(handle.requests_for("POST /Api"), 1, "one token exchange");

    handle.reset_request_stats();
    let second = full_sync(&guarded, &SyncScope::full_all_models()).await;
    assert_eq!(second.requests, Some(handle.request_count()));
    assert_eq!(handle.requests_for("POST /Api"), 0, "the token is reused");
    assert_eq!(second.requests, Some(received - 1));
    handle.shutdown().await.unwrap();
}

/// Retries after 429s are requests too, and a run that fails still reports its requests.
#[tokio::test]
async fn retries_and_failed_runs_are_counted() {
    let (handle, connector) = start(small()).await;
    handle.set_rate_limit(Some(RateLimitKnob {
        rule: RateLimitRule::EveryNthRequest(4),
        retry_after_secs: 0,
    }));
    let sink = full_sync(&connector, &SyncScope::full_all_models()).await;
    let received = handle.request_count();
    assert_eq!(sink.requests, Some(received));
    let metrics = connector.client().http().metrics();
    assert!(metrics.rate_limited > 0 && metrics.retries > 0);
    assert_eq!(metrics.requests, received);
    handle.shutdown().await.unwrap();

    let handle = Sandbox::spawn(SandboxConfig::default(), small())
        .await
        .unwrap();
    let (_, mandator) = handle.credentials();
    let connector = ErecruiterConnector::from_json(&json!({
        "host": handle.base_url(),
        "mandator_id": mandator,
        "api_key": "wrong-key",
    }))
    .unwrap();
    let mut sink = MemorySink::new();
    let error = connector
        .sync(
            &Context::new("int-1"),
            &SyncScope::full_all_models(),
            &mut sink,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Unauthenticated);
    assert!(handle.request_count() > 0);
    assert_eq!(sink.requests, Some(handle.request_count()));
    handle.shutdown().await.unwrap();
}
