//! End-to-end tests of the eRecruiter connector against the eRecruiter sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use atsbridge_connector::{
    ApplicationAttachmentInput, ApplicationResultLinkInput, AttachmentPayload,
    CandidateAttachmentInput, CandidateResultLinkInput, CandidateTagInput, Connector, Context,
    CreateApplicationInput, CreateCandidateInput, ErrorKind, GuardedConnector, MemorySink,
    PassthroughCall, ResolvedScreeningAnswer, ScreeningAnswerValue, SyncScope, TrackedApplication,
};
use atsbridge_erecruiter::ErecruiterConnector;
use atsbridge_erecruiter_sandbox::{
    RateLimitKnob, RateLimitRule, Sandbox, SandboxConfig, SandboxHandle, SandboxSeed,
};
use atsbridge_schema::Model;
use atsbridge_schema::action::{
    AddResultLinkRequest, CandidateInput, CreateApplicationRequest, CreateCandidateRequest,
    GdprConsent, LocationInput, ResultLinkAttribute, ResultLinkDetails, SalaryExpectations,
    TypedAnswer,
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
    let state = atsbridge_erecruiter::sync::SyncState::from_scope(&SyncScope {
        previous_state: second.state.clone(),
        ..SyncScope::default()
    });
    assert!(state.job_ids.contains(&i64::from(closed.id)));
    assert!(!state.job_ids.contains(&999999));
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
        candidate_remote_id: Some(created.candidate.remote_id.clone()),
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

/// The screening questions of one job, from a sync of the job catalog.
async fn questions_of(
    connector: &ErecruiterConnector,
    job_id: i32,
) -> Vec<atsbridge_schema::record::ScreeningQuestionRecord> {
    let catalog = full_sync(
        connector,
        &SyncScope::full([
            Model::Job,
            Model::ScreeningQuestion,
            Model::JobScreeningQuestion,
        ]),
    )
    .await;
    let links: Vec<String> = catalog
        .records_of(Model::JobScreeningQuestion)
        .iter()
        .filter_map(|r| match r {
            UnifiedRecord::JobScreeningQuestion(l) if l.job_remote_id == job_id.to_string() => {
                Some(l.question_remote_id.clone())
            }
            _ => None,
        })
        .collect();
    links
        .iter()
        .map(|id| {
            catalog
                .records_of(Model::ScreeningQuestion)
                .iter()
                .find_map(|r| match r {
                    UnifiedRecord::ScreeningQuestion(q) if &q.remote_id == id => Some(q.clone()),
                    _ => None,
                })
                .unwrap()
        })
        .collect()
}

/// An answer for every question, chosen by its format; display-only and unknown questions
/// get a text answer so the test sees how they are refused.
fn answer_every_question(
    questions: &[atsbridge_schema::record::ScreeningQuestionRecord],
) -> Vec<ResolvedScreeningAnswer> {
    let date = atsbridge_schema::Timestamp::parse_flexible("2026-02-01").unwrap();
    questions
        .iter()
        .map(|q| {
            let answer = match q.format.as_ref().unwrap() {
                QuestionFormat::Boolean => TypedAnswer::Boolean(true),
                QuestionFormat::Number { .. } => TypedAnswer::Number(61000.0),
                QuestionFormat::Date => TypedAnswer::Date(date),
                QuestionFormat::SingleSelect { options, .. } => {
                    TypedAnswer::SingleSelect(options[1].remote_id.clone())
                }
                QuestionFormat::MultiSelect { options } => TypedAnswer::MultiSelect(vec![
                    options[0].remote_id.clone(),
                    options[1].remote_id.clone(),
                ]),
                QuestionFormat::File { .. } => {
                    return ResolvedScreeningAnswer {
                        question: q.clone(),
                        answer: ScreeningAnswerValue::File(file(
                            "Zeugnis Zoë.pdf",
                            AttachmentType::Other,
                            b"%PDF-certificate",
                        )),
                    };
                }
                _ => TypedAnswer::Text(format!("Grüße ✓ {}", q.title.clone().unwrap_or_default())),
            };
            ResolvedScreeningAnswer {
                question: q.clone(),
                answer: ScreeningAnswerValue::Typed(answer),
            }
        })
        .collect()
}

/// The sandbox's first job: open, published, with the questionnaire that has every item type.
fn job_with_every_item_type(
    state: &atsbridge_erecruiter_sandbox::SandboxState,
) -> atsbridge_erecruiter_sandbox::JobSummary {
    let job = state
        .jobs()
        .into_iter()
        .find(|j| (0..=22).all(|t| j.questionnaire_item_types.contains(&t)))
        .unwrap();
    assert!(job.accepts_applications && job.is_published);
    job
}

/// Every input field of Kombo's "create candidate" list for eRecruiter reaches the sandbox:
/// candidate data, the job, one answer per questionnaire item type, every attachment kind,
/// the source and the GDPR consent.
#[tokio::test]
async fn create_candidate_writes_every_seed_input_field() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let state = handle.state();
    let job = job_with_every_item_type(&state);
    let questions = questions_of(&connector, job.id).await;
    assert_eq!(questions.len(), job.questionnaire_item_types.len());
    let answers = answer_every_question(&questions);

    let created = connector
        .create_candidate(
            &ctx,
            CreateCandidateInput {
                job_remote_id: job.id.to_string(),
                stage_remote_id: None,
                screening_answers: answers,
                attachments: vec![
                    file("CV Zoë.pdf", AttachmentType::Cv, b"%PDF-cv"),
                    file(
                        "Anschreiben.pdf",
                        AttachmentType::CoverLetter,
                        b"%PDF-letter",
                    ),
                    AttachmentPayload {
                        name: "Portfolio".into(),
                        content_type: Some("image/png".into()),
                        kind: AttachmentType::Other,
                        data: Bytes::from_static(b"\x89PNG-portfolio"),
                    },
                ],
                source_name: Some("example job board".into()),
                body: CreateCandidateRequest {
                    candidate: candidate_input("zoe.every@example.org"),
                    gdpr_consent: Some(GdprConsent {
                        given: Some(true),
                        expires_at: None,
                    }),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    let applicant_id: i32 = created.candidate.remote_id.parse().unwrap();

    // Candidate data, as eRecruiter stores it.
    let json = state.applicant_json(applicant_id).unwrap();
    for (member, expected) in [
        ("FirstName", json!("Zoë")),
        ("LastName", json!("Müller-Łukasz")),
        ("Email", json!("zoe.every@example.org")),
        ("Phone", json!("+43 660 1234567")),
        ("City", json!("Linz")),
        // The ISO code becomes the mandator's country name.
        ("Country", json!("Austria")),
        ("Gender", json!(2)),
        ("GenderIdentity", json!(2)),
        // Explicit candidate data wins over the salary and start-date answers.
        ("Salary", json!(55000)),
        ("SalaryPeriod", json!(1)),
        ("Referrer", json!("Example Job Board")),
        ("ReferrerAdditionalInfo", json!(null)),
        // Answers that fill applicant members.
        ("IsWillingToMove", json!(true)),
        ("MilitaryService", json!(1)),
        ("IsInterestedInFulltime", json!(true)),
        ("IsInterestedInPartTime", json!(true)),
        ("IsInterestedInInternship", json!(false)),
        ("IsInterestedInFreelancer", json!(false)),
    ] {
        assert_eq!(json[member], expected, "{member}");
    }
    let begin = &json["EarliestPossibleBeginDate"];
    assert_eq!(
        (
            &begin["Year"],
            &begin["Month"],
            &begin["Day"],
            &begin["IsRelativeDate"]
        ),
        (&json!(2025), &json!(9), &json!(1), &json!(false))
    );
    assert!(json["PolicyAcceptedAt"].is_string(), "{json}");
    for member in [
        "SelfDescription",
        "JobDescription",
        "Location",
        "AbroadTravelling",
        "DomesticTravelling",
    ] {
        assert!(
            json[member].as_str().unwrap().starts_with("Grüße ✓"),
            "{member}: {}",
            json[member]
        );
    }

    // Custom field answers, one per field type.
    let custom = state.custom_field_values(applicant_id).unwrap();
    let value_of = |name: &str| {
        custom
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["CustomField"]["Name"] == json!(name))
            .unwrap_or_else(|| panic!("custom field {name} not set: {custom}"))
            .clone()
    };
    assert!(
        value_of("Motivation")["Value"]
            .as_str()
            .unwrap()
            .starts_with("Grüße ✓")
    );
    assert_eq!(value_of("DriversLicence")["BoolValue"], json!(true));
    assert_eq!(value_of("PreferredDepartment")["Value"], json!("Sales"));
    assert_eq!(
        value_of("Shifts")["StringValue"],
        json!("Morning|Afternoon")
    );
    assert!(
        value_of("AvailableFrom")["DateValue"]
            .as_str()
            .unwrap()
            .starts_with("2026-02-01")
    );
    assert!(
        value_of("GitHubProfile")["Value"]
            .as_str()
            .unwrap()
            .starts_with("Grüße ✓")
    );
    // The action returns the custom fields it wrote, as a sync reads them.
    let fields = created.candidate.custom_fields.as_ref().unwrap();
    assert_eq!(fields["Shifts"], json!(["Morning", "Afternoon"]));
    assert_eq!(fields["DriversLicence"], json!(true));

    // Attachments: name, bytes and type; the file answer uses the item's document type.
    let cv = state.cv(applicant_id).unwrap();
    assert_eq!(
        (cv.file_extension.as_deref(), cv.content.as_slice()),
        (Some(".pdf"), &b"%PDF-cv"[..])
    );
    let mut documents: Vec<_> = state
        .documents(applicant_id)
        .into_iter()
        .map(|d| {
            (
                d.name.unwrap(),
                d.file_extension.unwrap(),
                d.document_type.unwrap(),
                d.content,
            )
        })
        .collect();
    documents.sort();
    assert_eq!(
        documents,
        [
            (
                "Anschreiben.pdf".to_owned(),
                ".pdf".to_owned(),
                "Anschreiben".to_owned(),
                b"%PDF-letter".to_vec()
            ),
            (
                "Portfolio".to_owned(),
                ".png".to_owned(),
                "Lebenslauf".to_owned(),
                b"\x89PNG-portfolio".to_vec()
            ),
            (
                "Zeugnis Zoë.pdf".to_owned(),
                ".pdf".to_owned(),
                "Zeugnis".to_owned(),
                b"%PDF-certificate".to_vec()
            ),
        ]
    );

    // The application: the job and the source in the mandator's spelling.
    let application = state
        .applications()
        .into_iter()
        .find(|a| a.applicant_id == applicant_id)
        .unwrap();
    assert_eq!(application.job_id, job.id);
    assert_eq!(application.referrer.as_deref(), Some("Example Job Board"));
    assert_eq!(application.referrer_additional_info, None);
    assert_eq!(created.applications.len(), 1);
    assert_eq!(
        created.applications[0].remote_id,
        application.id.to_string()
    );

    // Answers eRecruiter cannot take are reported, one warning per question; the referrer
    // question yields to the request's source without a warning.
    let refused: Vec<&str> = questions
        .iter()
        .filter(|q| {
            matches!(
                q.format,
                Some(QuestionFormat::Unknown { .. } | QuestionFormat::Information)
            )
        })
        .map(|q| q.remote_id.as_str())
        .collect();
    assert_eq!(refused.len(), 10, "{refused:?}");
    assert_eq!(
        created.warnings.len(),
        refused.len(),
        "{:?}",
        created.warnings
    );
    for id in refused {
        assert!(
            created
                .warnings
                .iter()
                .any(|w| w.contains(&format!("`{id}`"))),
            "{id}: {:?}",
            created.warnings
        );
    }
    handle.shutdown().await.unwrap();
}

/// Create application for an applicant eRecruiter knows already: the profile is reused (not
/// overwritten), the consent is recorded through the policy endpoint, an unconfigured source
/// falls back to the default one, and the applicant is read only once, after the writes.
#[tokio::test]
async fn create_application_for_a_known_applicant_records_consent_and_source() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let state = handle.state();
    let job = job_with_every_item_type(&state);
    let applied: BTreeSet<i32> = state
        .applications()
        .iter()
        .filter(|a| a.job_id == job.id)
        .map(|a| a.applicant_id)
        .collect();
    // The current consent policy of the sandbox.
    const CONSENT_POLICY: i32 = 12;
    let consented = |id: i32| {
        state
            .policy_acceptances(id)
            .iter()
            .any(|p| p.policy_id == CONSENT_POLICY && p.accepted && !p.revoked)
    };
    let known = state
        .applicants()
        .into_iter()
        .find(|a| {
            !applied.contains(&a.id)
                && !consented(a.id)
                && a.email
                    .as_deref()
                    .is_some_and(atsbridge_erecruiter::map::is_plausible_email)
        })
        .unwrap();
    let before = state.applicant_json(known.id).unwrap();
    let willing = questions_of(&connector, job.id)
        .await
        .into_iter()
        .find(|q| q.title.as_deref() == Some("Are you willing to relocate?"))
        .unwrap();

    let mut input = create_input(
        &job.id.to_string(),
        &known.email.clone().unwrap().to_uppercase(),
        vec![ResolvedScreeningAnswer {
            question: willing,
            answer: ScreeningAnswerValue::Typed(TypedAnswer::Boolean(true)),
        }],
    );
    input.source_name = Some("Messe Linz".into());
    handle.sandbox().reset_request_stats();
    let created = connector.create_application(&ctx, input).await.unwrap();
    assert_eq!(created.candidate.remote_id, known.id.to_string());
    assert!(created.warnings.iter().any(|w| w.contains("reused")));
    assert!(
        created
            .warnings
            .iter()
            .any(|w| w.contains("`Messe Linz` is not configured"))
    );

    // The profile keeps its data; only the answer's member changed.
    let after = state.applicant_json(known.id).unwrap();
    for member in [
        "FirstName",
        "LastName",
        "Email",
        "Phone",
        "City",
        "Country",
        "Salary",
    ] {
        assert_eq!(after[member], before[member], "{member}");
    }
    assert_eq!(after["IsWillingToMove"], json!(true));
    // Consent: the current consent policy is accepted for the applicant.
    assert!(
        consented(known.id),
        "{:?}",
        state.policy_acceptances(known.id)
    );
    // Source: the default source takes the place of the unknown one, which is kept.
    let application = state
        .applications()
        .into_iter()
        .find(|a| a.applicant_id == known.id && a.job_id == job.id)
        .unwrap();
    assert_eq!(application.referrer.as_deref(), Some("atsbridge"));
    assert_eq!(
        application.referrer_additional_info.as_deref(),
        Some("Messe Linz")
    );
    // `ByEmail` already delivered the complete applicant: the update starts from it, and the
    // only applicant read is the one after the writes.
    assert_eq!(handle.sandbox().requests_for("GET /Api/Applicant/{id}"), 1);
    assert_eq!(
        handle
            .sandbox()
            .requests_for("GET /Api/Applicants/ByEmail/{email}"),
        1
    );
    assert_eq!(handle.sandbox().requests_for("GET /Api/Mandator"), 1);
    handle.shutdown().await.unwrap();
}

/// A tag action reads the applicant once and takes the record from the update's answer; the
/// record equals what a fresh read produces.
#[tokio::test]
async fn tag_actions_do_not_read_the_applicant_again() {
    let (handle, connector) = start(small()).await;
    let ctx = Context::new("int-1");
    let id = handle.state().applicants()[0].id;
    let tag = |name: &str| CandidateTagInput {
        candidate_remote_id: id.to_string(),
        tag_name: name.into(),
    };

    handle.sandbox().reset_request_stats();
    let added = connector
        .add_candidate_tag(&ctx, tag("Über-Talent"))
        .await
        .unwrap();
    let sandbox = handle.sandbox();
    assert_eq!(sandbox.requests_for("GET /Api/Applicant/{id}"), 1);
    assert_eq!(sandbox.requests_for("POST /Api/Applicant/{id}"), 1);
    assert_eq!(
        sandbox.requests_for("GET /Api/Applicant/CustomFields/{applicantId}"),
        1
    );
    let fresh = atsbridge_erecruiter::actions::read_candidate(connector.client(), i64::from(id))
        .await
        .unwrap();
    assert_eq!(added.records[0], UnifiedRecord::Candidate(fresh));
    assert!(
        added
            .records
            .iter()
            .any(|r| r.model() == Model::Tag && r.remote_id() == "Über-Talent")
    );

    // Same tag in other (non-ASCII) casing: nothing to write.
    sandbox.reset_request_stats();
    let again = connector
        .add_candidate_tag(&ctx, tag("über-TALENT"))
        .await
        .unwrap();
    assert_eq!(sandbox.requests_for("GET /Api/Applicant/{id}"), 1);
    assert_eq!(sandbox.requests_for("POST /Api/Applicant/{id}"), 0);
    assert_eq!(again.records[0], added.records[0]);
    let stored = handle.state().tags(id).unwrap();
    assert_eq!(
        stored
            .iter()
            .filter(|t| t.to_lowercase() == "über-talent")
            .count(),
        1,
        "{stored:?}"
    );
    connector
        .remove_candidate_tag(&ctx, tag("über-talent"))
        .await
        .unwrap();
    assert!(
        !handle
            .state()
            .tags(id)
            .unwrap_or_default()
            .iter()
            .any(|t| t.to_lowercase() == "über-talent")
    );
    handle.shutdown().await.unwrap();
}

/// The fan-out keeps at most `max_concurrent_requests` requests at eRecruiter, and does use
/// that concurrency.
#[tokio::test]
async fn sync_concurrency_is_bounded_by_the_config() {
    let handle = Sandbox::spawn(SandboxConfig::default(), small())
        .await
        .unwrap();
    let (key, mandator) = handle.credentials();
    let connector = ErecruiterConnector::from_json(&json!({
        "host": handle.base_url(),
        "mandator_id": mandator,
        "api_key": key,
        "max_concurrent_requests": 3,
        "requests_per_second": 10000,
    }))
    .unwrap();
    // Latency keeps requests in flight long enough to overlap.
    handle.set_latency(
        std::time::Duration::from_millis(5),
        std::time::Duration::ZERO,
    );
    full_sync(&connector, &SyncScope::full_all_models()).await;
    let peak = handle.peak_in_flight();
    assert!(peak <= 3, "{peak} requests in flight");
    assert!(peak >= 2, "the fan-out ran one request at a time");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failed_upload_after_the_application_exists_is_a_warning_not_an_error() {
    let handle = Sandbox::spawn(SandboxConfig::default(), small())
        .await
        .unwrap();
    let (key, mandator) = handle.credentials();
    // eRecruiter refuses documents of a type the mandator does not know.
    let connector = ErecruiterConnector::from_json(&json!({
        "host": handle.base_url(),
        "mandator_id": mandator,
        "api_key": key,
        "default_document_type": "No such type",
        "requests_per_second": 10000,
    }))
    .unwrap();
    let job = handle
        .state()
        .jobs()
        .into_iter()
        .find(|j| j.accepts_applications && j.is_published)
        .unwrap();
    let mut input = create_input(&job.id.to_string(), "upload.fails@example.org", Vec::new());
    input.attachments = vec![file("Zeugnis.pdf", AttachmentType::Other, b"%PDF-other")];

    let created = connector
        .create_application(&Context::new("int-1"), input)
        .await
        .expect("the application exists, so the action succeeds");
    assert!(
        created
            .warnings
            .iter()
            .any(|w| w.contains("not every attachment could be uploaded")),
        "{:?}",
        created.warnings
    );
    // The application really is in eRecruiter, and the record says which one.
    let applications = handle.state().applications();
    assert!(
        applications
            .iter()
            .any(|a| a.id.to_string() == created.application.remote_id),
        "the created application is returned for tracking"
    );
    let applicant: i32 = created.candidate.remote_id.parse().unwrap();
    assert!(handle.state().documents(applicant).is_empty());
    handle.shutdown().await.unwrap();
}
