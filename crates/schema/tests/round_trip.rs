//! Realistic payloads for every served model and every action body: they deserialize, serialize
//! back to the same JSON, and validate against the published schema. Broken variants (a
//! required key missing, an unknown closed-enum value) are rejected by the schema and by serde.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::action::{
    AddAttachmentRequest, AddResultLinkRequest, AddTagRequest, CheckApiKeyResponse,
    CreateApplicationRequest, CreateCandidateRequest, EmptyObject, PassthroughRequest,
    PassthroughResponse, RemoveTagRequest,
};
use atsbridge_schema::catalog;
use atsbridge_schema::envelope::{ActionEnvelope, ErrorEnvelope, ListEnvelope, SuccessEnvelope};
use atsbridge_schema::wire;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One sample file, the Rust type it belongs to and the published schema it must satisfy.
struct Sample {
    file: &'static str,
    schema: &'static str,
    /// Responses are written in canonical output form and must come back byte-for-byte (modulo
    /// number representation); requests use input forms (e.g. timestamps without fraction).
    canonical: bool,
    round_trip: fn(&Value) -> Result<Value, serde_json::Error>,
}

fn through<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, serde_json::Error> {
    let typed: T = serde_json::from_value(value.clone())?;
    serde_json::to_value(&typed)
}

fn load(file: &str) -> Value {
    let path = format!("{}/tests/samples/{file}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

const SAMPLES: &[Sample] = &[
    Sample {
        file: "job_list_response",
        schema: "JobListResponse",
        canonical: true,
        round_trip: through::<ListEnvelope<wire::Job>>,
    },
    Sample {
        file: "candidate_list_response",
        schema: "CandidateListResponse",
        canonical: true,
        round_trip: through::<ListEnvelope<wire::Candidate>>,
    },
    Sample {
        file: "application_list_response",
        schema: "ApplicationListResponse",
        canonical: true,
        round_trip: through::<ListEnvelope<wire::Application>>,
    },
    Sample {
        file: "application_stage_list_response",
        schema: "ApplicationStageListResponse",
        canonical: true,
        round_trip: through::<ListEnvelope<wire::ApplicationStage>>,
    },
    Sample {
        file: "tag_list_response",
        schema: "TagListResponse",
        canonical: true,
        round_trip: through::<ListEnvelope<wire::Tag>>,
    },
    Sample {
        file: "create_application_response",
        schema: "CreateApplicationResponse",
        canonical: true,
        round_trip: through::<ActionEnvelope<wire::CreatedApplication>>,
    },
    Sample {
        file: "create_candidate_response",
        schema: "CreateCandidateResponse",
        canonical: true,
        round_trip: through::<ActionEnvelope<wire::Candidate>>,
    },
    Sample {
        file: "empty_action_response",
        schema: "EmptyActionResponse",
        canonical: true,
        round_trip: through::<ActionEnvelope<EmptyObject>>,
    },
    Sample {
        file: "passthrough_response",
        schema: "PassthroughResponse",
        canonical: true,
        round_trip: through::<ActionEnvelope<PassthroughResponse>>,
    },
    Sample {
        file: "check_api_key_response",
        schema: "CheckApiKeyResponse",
        canonical: true,
        round_trip: through::<SuccessEnvelope<CheckApiKeyResponse>>,
    },
    Sample {
        file: "error_envelope",
        schema: "ErrorEnvelope",
        canonical: true,
        round_trip: through::<ErrorEnvelope>,
    },
    Sample {
        file: "create_application_request",
        schema: "CreateApplicationRequest",
        canonical: false,
        round_trip: through::<CreateApplicationRequest>,
    },
    Sample {
        file: "create_candidate_request",
        schema: "CreateCandidateRequest",
        canonical: false,
        round_trip: through::<CreateCandidateRequest>,
    },
    Sample {
        file: "add_tag_request",
        schema: "AddTagRequest",
        canonical: true,
        round_trip: through::<AddTagRequest>,
    },
    Sample {
        file: "remove_tag_request",
        schema: "RemoveTagRequest",
        canonical: false,
        round_trip: through::<RemoveTagRequest>,
    },
    Sample {
        file: "add_attachment_request",
        schema: "AddAttachmentRequest",
        canonical: true,
        round_trip: through::<AddAttachmentRequest>,
    },
    Sample {
        file: "add_result_link_request",
        schema: "AddResultLinkRequest",
        canonical: true,
        round_trip: through::<AddResultLinkRequest>,
    },
    Sample {
        file: "passthrough_request",
        schema: "PassthroughRequest",
        canonical: true,
        round_trip: through::<PassthroughRequest>,
    },
];

/// Numbers compare by value (`60000` and `60000.0` are the same number on the wire).
fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(number) => number
            .as_f64()
            .map_or(Value::Null, |f| serde_json::json!(f)),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), normalize(v))).collect())
        }
        other => other.clone(),
    }
}

fn validator(schema: &str) -> jsonschema::Validator {
    let entry = catalog::schema_named(schema).unwrap_or_else(|| panic!("no schema {schema}"));
    jsonschema::validator_for(&entry.schema).unwrap()
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_sample_round_trips_and_validates() {
    for sample in SAMPLES {
        let original = load(sample.file);
        let serialized = (sample.round_trip)(&original)
            .unwrap_or_else(|e| panic!("{}: does not deserialize: {e}", sample.file));
        if sample.canonical {
            assert_eq!(
                normalize(&serialized),
                normalize(&original),
                "{}: round trip changed the JSON",
                sample.file
            );
        } else {
            let again = (sample.round_trip)(&serialized).unwrap();
            assert_eq!(
                again, serialized,
                "{}: second round trip changed the JSON",
                sample.file
            );
        }
        let validator = validator(sample.schema);
        let problems = errors(&validator, &serialized);
        assert!(
            problems.is_empty(),
            "{} fails {}: {problems:#?}",
            sample.file,
            sample.schema
        );
    }
}

/// Removes the key at `path` (object keys and array indexes, `/`-separated).
fn remove(value: &mut Value, path: &str) {
    let (parent, key) = path.rsplit_once('/').unwrap();
    let target = if parent.is_empty() {
        value
    } else {
        value.pointer_mut(parent).unwrap()
    };
    assert!(
        target.as_object_mut().unwrap().remove(key).is_some(),
        "no key {path}"
    );
}

fn set(value: &mut Value, path: &str, new: Value) {
    *value
        .pointer_mut(path)
        .unwrap_or_else(|| panic!("no {path}")) = new;
}

#[test]
fn schemas_reject_missing_required_keys() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "job_list_response",
            "JobListResponse",
            "/data/results/0/custom_fields",
        ),
        (
            "job_list_response",
            "JobListResponse",
            "/data/results/0/stages/0/status",
        ),
        ("job_list_response", "JobListResponse", "/data/next"),
        (
            "candidate_list_response",
            "CandidateListResponse",
            "/data/results/0/remote_deleted_at",
        ),
        (
            "application_list_response",
            "ApplicationListResponse",
            "/data/results/0/current_stage/custom_fields",
        ),
        (
            "create_application_response",
            "CreateApplicationResponse",
            "/warnings",
        ),
        ("error_envelope", "ErrorEnvelope", "/error/log_url"),
        (
            "create_application_request",
            "CreateApplicationRequest",
            "/candidate/email_address",
        ),
        (
            "add_attachment_request",
            "AddAttachmentRequest",
            "/attachment/type",
        ),
    ];
    for (file, schema, path) in cases {
        let mut instance = if file.ends_with("request") {
            let sample = SAMPLES.iter().find(|s| s.file == *file).unwrap();
            (sample.round_trip)(&load(file)).unwrap()
        } else {
            load(file)
        };
        let validator = validator(schema);
        assert!(
            validator.is_valid(&instance),
            "{file} should be valid before the change"
        );
        remove(&mut instance, path);
        assert!(
            !validator.is_valid(&instance),
            "{schema} accepted {file} without {path}"
        );
    }
}

#[test]
fn schemas_and_serde_reject_unknown_closed_enum_values() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "job_list_response",
            "JobListResponse",
            "/data/results/0/stages/0/status",
            "ARCHIVED",
        ),
        (
            "job_list_response",
            "JobListResponse",
            "/data/results/0/screening_questions/0/category",
            "OTHER",
        ),
        (
            "job_list_response",
            "JobListResponse",
            "/data/results/0/screening_questions/1/format/type",
            "YES_NO",
        ),
        (
            "application_list_response",
            "ApplicationListResponse",
            "/data/results/0/outcome",
            "MAYBE",
        ),
        (
            "error_envelope",
            "ErrorEnvelope",
            "/error/code",
            "PLATFORM.SOMETHING_ELSE",
        ),
        (
            "add_attachment_request",
            "AddAttachmentRequest",
            "/attachment/type",
            "RESUME",
        ),
    ];
    for (file, schema, path, bad) in cases {
        let sample = SAMPLES.iter().find(|s| s.file == *file).unwrap();
        let mut instance = load(file);
        set(&mut instance, path, Value::from(*bad));
        assert!(
            !validator(schema).is_valid(&instance),
            "{schema} accepted {bad} at {path}"
        );
        assert!(
            (sample.round_trip)(&instance).is_err(),
            "serde accepted {bad} at {path}"
        );
    }
}

#[test]
fn open_enums_pass_unknown_values_through_and_validate() {
    let mut instance = load("job_list_response");
    set(
        &mut instance,
        "/data/results/0/employment_type",
        Value::from("FREELANCE"),
    );
    set(
        &mut instance,
        "/data/results/0/salary_period",
        Value::from("QUARTER"),
    );
    let output = through::<ListEnvelope<wire::Job>>(&instance).unwrap();
    assert_eq!(
        output.pointer("/data/results/0/employment_type"),
        Some(&Value::from("FREELANCE"))
    );
    assert_eq!(
        output.pointer("/data/results/0/salary_period"),
        Some(&Value::from("QUARTER"))
    );
    assert!(validator("JobListResponse").is_valid(&output));
}

#[test]
fn input_nulls_mean_missing_and_are_not_echoed() {
    let request: CreateCandidateRequest =
        serde_json::from_value(load("create_candidate_request")).unwrap();
    assert!(request.attachments.is_empty());
    assert_eq!(request.application.stage_id, None);
    let output = serde_json::to_value(&request).unwrap();
    assert!(output.get("attachments").is_none());
    assert!(output["application"].get("stage_id").is_none());
    let create: CreateApplicationRequest =
        serde_json::from_value(load("create_application_request")).unwrap();
    assert_eq!(create.candidate.company, None);
    assert_eq!(
        create
            .candidate
            .salary_expectations
            .as_ref()
            .unwrap()
            .amount,
        100_000.0
    );
    assert_eq!(
        create.gdpr_consent.unwrap().expires_at.unwrap().to_string(),
        "2026-01-01T00:00:00.000Z"
    );
    assert_eq!(
        create.candidate.availability_date.unwrap().to_string(),
        "2021-01-01T00:00:00.000Z"
    );
}

#[test]
fn output_always_carries_required_nullable_keys() {
    // A job with nothing known still serializes every key, with nulls and empty arrays.
    let records = atsbridge_schema::record::JobRecord {
        remote_id: "1".into(),
        ..Default::default()
    };
    let ids = atsbridge_schema::assemble::IdMinter::new("erecruiter:test");
    let meta = atsbridge_schema::assemble::RecordMeta {
        id: ids.mint(atsbridge_schema::Model::Job, "1"),
        changed_at: atsbridge_schema::Timestamp::parse_flexible("2024-01-01").unwrap(),
        remote_deleted_at: None,
    };
    let job = atsbridge_schema::assemble::assemble_job(&records, &meta, &ids, vec![], vec![]);
    let value = serde_json::to_value(ListEnvelope::new(vec![job], None)).unwrap();
    let item = &value["data"]["results"][0];
    for key in [
        "name",
        "custom_fields",
        "remote_data",
        "remote_deleted_at",
        "location",
        "employment_type",
    ] {
        assert_eq!(item.get(key), Some(&Value::Null), "{key}");
    }
    assert_eq!(item["integration_fields"], serde_json::json!([]));
    assert_eq!(item["changed_at"], "2024-01-01T00:00:00.000Z");
    assert!(validator("JobListResponse").is_valid(&value));
}
