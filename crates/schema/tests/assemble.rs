//! Wire objects built from records reference each other by consistent ids and satisfy the
//! published schemas.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::assemble::{
    IdMinter, RecordMeta, assemble_application, assemble_application_candidate,
    assemble_application_current_stage, assemble_application_stage, assemble_candidate,
    assemble_candidate_application, assemble_job, assemble_job_ref,
    assemble_job_screening_question, assemble_job_stage, assemble_stage_ref, assemble_tag,
    assemble_tag_ref,
};
use atsbridge_schema::catalog;
use atsbridge_schema::common::IntegrationField;
use atsbridge_schema::enums::{ApplicationOutcome, IntegrationFieldType, StageStatus};
use atsbridge_schema::format::{QuestionFormat, QuestionOption};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, PreconditionOptions, ScreeningQuestionRecord, TagRecord,
    UnifiedRecord,
};
use atsbridge_schema::wire::{PreconditionOptions as WirePrecondition, WireQuestionFormat};
use atsbridge_schema::{KomboId, Model, Timestamp};

fn meta(ids: &IdMinter, model: Model, remote_id: &str) -> RecordMeta {
    RecordMeta {
        id: ids.mint(model, remote_id),
        changed_at: Timestamp::parse_flexible("2024-03-01T10:00:00Z").unwrap(),
        remote_deleted_at: None,
    }
}

fn valid(schema: &str, value: &serde_json::Value) {
    let entry = catalog::schema_named(schema).unwrap();
    let validator = jsonschema::validator_for(&entry.schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}");
}

#[test]
fn job_with_questions_and_stages() {
    let ids = IdMinter::new("erecruiter:test");
    let job = JobRecord {
        remote_id: "4711".into(),
        name: Some("Engineer".into()),
        stage_remote_ids: vec!["s1".into()],
        ..Default::default()
    };
    let stage = ApplicationStageRecord {
        remote_id: "s1".into(),
        name: Some("New".into()),
        index: Some(0),
        status: Some(StageStatus::Active),
        ..Default::default()
    };
    let languages = ScreeningQuestionRecord {
        remote_id: "q1".into(),
        title: Some("Languages?".into()),
        format: Some(QuestionFormat::MultiSelect {
            options: vec![QuestionOption {
                remote_id: "o1".into(),
                name: "Rust".into(),
            }],
        }),
        ..Default::default()
    };
    let follow_up = ScreeningQuestionRecord {
        remote_id: "q2".into(),
        title: Some("Since when?".into()),
        format: Some(QuestionFormat::Date),
        ..Default::default()
    };
    let link1 = JobScreeningQuestionRecord {
        remote_id: "4711:q1".into(),
        job_remote_id: "4711".into(),
        question_remote_id: "q1".into(),
        index: Some(0),
        required: Some(true),
        ..Default::default()
    };
    let link2 = JobScreeningQuestionRecord {
        remote_id: "4711:q2".into(),
        job_remote_id: "4711".into(),
        question_remote_id: "q2".into(),
        index: Some(1),
        required: Some(false),
        precondition_question_remote_id: Some("q1".into()),
        precondition_options: Some(PreconditionOptions::OptionIds(vec!["o1".into()])),
    };
    let questions = vec![
        assemble_job_screening_question(&link1, &languages, &ids),
        assemble_job_screening_question(&link2, &follow_up, &ids),
    ];
    let wire_job = assemble_job(
        &job,
        &meta(&ids, Model::Job, "4711"),
        &ids,
        questions,
        vec![assemble_job_stage(&stage, &ids)],
    );

    let WireQuestionFormat::MultiSelect { options } =
        wire_job.screening_questions[0].format.clone().unwrap()
    else {
        panic!("format lost");
    };
    let option_id = options[0].id.clone();
    assert_eq!(options[0].remote_id.as_deref(), Some("o1"));
    let second = &wire_job.screening_questions[1];
    assert_eq!(
        second.precondition_question_id.as_ref(),
        Some(&wire_job.screening_questions[0].id)
    );
    assert_eq!(
        second.precondition_options,
        Some(WirePrecondition::OptionIds(vec![option_id.to_string()]))
    );
    assert_eq!(
        wire_job.screening_questions[0].id,
        ids.mint(Model::ScreeningQuestion, "q1")
    );
    assert_eq!(
        wire_job.stages[0].id,
        ids.mint(Model::ApplicationStage, "s1")
    );

    let value = serde_json::to_value(&wire_job).unwrap();
    assert_eq!(value["stages"][0]["status"], "ACTIVE");
    assert!(
        value["stages"][0]
            .as_object()
            .unwrap()
            .contains_key("custom_fields")
    );
    valid("Job", &value);
}

#[test]
fn application_and_candidate_reference_each_other() {
    let ids = IdMinter::new("erecruiter:test");
    let job = JobRecord {
        remote_id: "4711".into(),
        name: Some("Engineer".into()),
        ..Default::default()
    };
    let stage = ApplicationStageRecord {
        remote_id: "s1".into(),
        name: Some("New".into()),
        ..Default::default()
    };
    let tag = TagRecord {
        remote_id: "vip".into(),
        name: Some("VIP".into()),
        remote_data: None,
    };
    let candidate = CandidateRecord {
        remote_id: "c1".into(),
        first_name: Some("Frank".into()),
        tag_remote_ids: vec!["vip".into()],
        ..Default::default()
    };
    let application = ApplicationRecord {
        remote_id: "a1".into(),
        outcome: Some(ApplicationOutcome::Pending),
        job_remote_id: Some("4711".into()),
        candidate_remote_id: Some("c1".into()),
        current_stage_remote_id: Some("s1".into()),
        ..Default::default()
    };
    let app_meta = meta(&ids, Model::Application, "a1");
    let wire_application = assemble_application(
        &application,
        &app_meta,
        &ids,
        Some(assemble_application_candidate(
            &candidate,
            &ids,
            vec![assemble_tag_ref(&tag, &ids)],
        )),
        Some(assemble_application_current_stage(&stage, &ids)),
        Some(assemble_job_ref(&job, &ids)),
    );
    let wire_candidate = assemble_candidate(
        &candidate,
        &meta(&ids, Model::Candidate, "c1"),
        &ids,
        vec![assemble_candidate_application(
            &application,
            &app_meta,
            Some(assemble_stage_ref(&stage, &ids)),
            Some(assemble_job_ref(&job, &ids)),
        )],
        vec![assemble_tag_ref(&tag, &ids)],
    );
    assert_eq!(
        wire_application.candidate_id.as_ref(),
        Some(&wire_candidate.id)
    );
    assert_eq!(wire_candidate.applications[0].id, wire_application.id);
    assert_eq!(wire_application.job_id, Some(ids.mint(Model::Job, "4711")));
    assert_eq!(
        wire_application.current_stage_id.as_ref(),
        wire_application.current_stage.as_ref().map(|s| &s.id)
    );
    let application_value = serde_json::to_value(&wire_application).unwrap();
    assert!(
        application_value["current_stage"]
            .as_object()
            .unwrap()
            .contains_key("status")
    );
    valid("Application", &application_value);
    valid("Candidate", &serde_json::to_value(&wire_candidate).unwrap());
    valid(
        "Tag",
        &serde_json::to_value(assemble_tag(&tag, &meta(&ids, Model::Tag, "vip"))).unwrap(),
    );
    valid(
        "ApplicationStage",
        &serde_json::to_value(assemble_application_stage(
            &stage,
            &meta(&ids, Model::ApplicationStage, "s1"),
        ))
        .unwrap(),
    );
}

#[test]
fn unified_record_is_tagged_by_model() {
    let record: UnifiedRecord = TagRecord {
        remote_id: "vip".into(),
        name: Some("VIP".into()),
        remote_data: None,
    }
    .into();
    assert_eq!(record.model(), Model::Tag);
    assert_eq!(record.remote_id(), "vip");
    let value = serde_json::to_value(&record).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"model": "tag", "record": {"remote_id": "vip", "name": "VIP", "remote_data": null}})
    );
    assert_eq!(
        serde_json::from_value::<UnifiedRecord>(value.clone()).unwrap(),
        record
    );
    valid("UnifiedRecord", &value);
    let question: UnifiedRecord = serde_json::from_value(serde_json::json!({
        "model": "screening_question",
        "record": {"remote_id": "q", "title": "T", "description": null, "category": null,
                   "format": {"type": "SINGLE_SELECT", "display_type": null, "options": [{"remote_id": "1", "name": "A"}]}}
    }))
    .unwrap();
    assert_eq!(question.model(), Model::ScreeningQuestion);
}

fn integration_field(id: &str, value: serde_json::Value) -> IntegrationField {
    IntegrationField {
        id: id.into(),
        key: id.into(),
        r#type: IntegrationFieldType::Custom,
        value: Some(value),
        label: Some("Department".into()),
    }
}

#[test]
fn integration_field_ids_are_minted_per_model_and_field_not_per_record() {
    let ids = IdMinter::new("erecruiter:test");
    let fields = vec![
        integration_field("Department", serde_json::json!("IT")),
        integration_field("Level", serde_json::json!(3)),
    ];
    // eRecruiter numbers jobs and applicants separately: the same remote id on two models.
    let job = JobRecord {
        remote_id: "7".into(),
        integration_fields: fields.clone(),
        ..Default::default()
    };
    let candidate = CandidateRecord {
        remote_id: "7".into(),
        integration_fields: fields.clone(),
        ..Default::default()
    };
    let application = ApplicationRecord {
        remote_id: "7".into(),
        integration_fields: fields.clone(),
        ..Default::default()
    };
    let wire_job = assemble_job(&job, &meta(&ids, Model::Job, "7"), &ids, vec![], vec![]);
    let wire_candidate = assemble_candidate(
        &candidate,
        &meta(&ids, Model::Candidate, "7"),
        &ids,
        vec![],
        vec![],
    );
    let wire_application = assemble_application(
        &application,
        &meta(&ids, Model::Application, "7"),
        &ids,
        None,
        None,
        None,
    );
    let mut all = Vec::new();
    for (model, wire_fields) in [
        (Model::Job, &wire_job.integration_fields),
        (Model::Candidate, &wire_candidate.integration_fields),
        (Model::Application, &wire_application.integration_fields),
    ] {
        assert_eq!(wire_fields.len(), 2);
        for (wire, record) in wire_fields.iter().zip(&fields) {
            KomboId::parse(&wire.id).unwrap();
            assert_eq!(
                wire.id,
                ids.mint_integration_field(model, &record.id).as_str()
            );
            // Everything but the id is passed through unchanged.
            assert_eq!(
                IntegrationField {
                    id: record.id.clone(),
                    ..wire.clone()
                },
                *record
            );
            all.push(wire.id.clone());
        }
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "integration field ids collide: {all:?}");

    // Another job with the same fields serves the same ids: one id per field, not per record.
    let other_job = JobRecord {
        remote_id: "8".into(),
        integration_fields: fields.clone(),
        ..Default::default()
    };
    let wire_other_job = assemble_job(
        &other_job,
        &meta(&ids, Model::Job, "8"),
        &ids,
        vec![],
        vec![],
    );
    assert_eq!(
        wire_other_job.integration_fields,
        wire_job.integration_fields
    );
    // Another integration gives other ids.
    assert_ne!(
        IdMinter::new("erecruiter:other").mint_integration_field(Model::Job, "Department"),
        ids.mint_integration_field(Model::Job, "Department")
    );

    valid("Job", &serde_json::to_value(&wire_job).unwrap());
    valid("Candidate", &serde_json::to_value(&wire_candidate).unwrap());
    valid(
        "Application",
        &serde_json::to_value(&wire_application).unwrap(),
    );
}
