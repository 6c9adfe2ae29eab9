//! Every webhook payload atsbridge builds validates against the schema Kombo's specification
//! publishes for its event type (`spec/kombo-webhook-schemas.json`, extracted from the spec),
//! including `additionalProperties: false`, and a payload with an extra key does not.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atsbridge_schema::webhook::{
    ChangedModel, ConnectionFlowFailed, DataChanged, IntegrationCategory, IntegrationCreated,
    IntegrationDeleted, IntegrationState, IntegrationStateChanged, QaStatus, SetupStatus,
    SyncFinished, WebhookEndUser, WebhookEvent, WebhookPayload,
};
use atsbridge_schema::{Model, Timestamp};
use serde_json::Value;

const SCHEMAS: &str = include_str!("../spec/kombo-webhook-schemas.json");

fn validator(event_type: &str) -> jsonschema::Validator {
    let all: Value = serde_json::from_str(SCHEMAS).unwrap();
    let schema = &all["schemas"][event_type];
    assert!(schema.is_object(), "no schema for {event_type}");
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

fn errors(payload: &Value) -> Vec<String> {
    let event_type = payload["type"].as_str().unwrap();
    validator(event_type)
        .iter_errors(payload)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn end_user(email: Option<&str>) -> WebhookEndUser {
    WebhookEndUser {
        organization_name: "Acme GmbH".into(),
        creator_email: email.map(str::to_owned),
        origin_id: email.map(|_| "customer-17".to_owned()),
    }
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_flexible(text).unwrap()
}

fn samples() -> Vec<WebhookEvent> {
    let id = "erecruiter:8Fz1aBcDeFgHiJkLmNoPqRsT".to_owned();
    vec![
        WebhookEvent::IntegrationCreated(IntegrationCreated {
            id: id.clone(),
            tool: "erecruiter".into(),
            category: IntegrationCategory::Ats,
            end_user: end_user(Some("hr@acme.example")),
        }),
        WebhookEvent::IntegrationDeleted(IntegrationDeleted {
            id: id.clone(),
            tool: "erecruiter".into(),
            category: IntegrationCategory::Ats,
            end_user: end_user(None),
            deleted_at: at("2026-01-02T03:04:05Z"),
        }),
        WebhookEvent::IntegrationStateChanged(IntegrationStateChanged {
            integration_tool: "erecruiter".into(),
            integration_id: id.clone(),
            integration_category: IntegrationCategory::Ats,
            end_user: end_user(Some("hr@acme.example")),
            qa_status: QaStatus::Passed,
            setup_status: SetupStatus::FinalSyncPending,
            state: IntegrationState::Invalid,
            updated_at: at("2026-01-02T03:04:05Z"),
        }),
        WebhookEvent::ConnectionFlowFailed(ConnectionFlowFailed {
            integration_tool: "erecruiter".into(),
            integration_category: IntegrationCategory::Ats,
            end_user: end_user(None),
            log_url: "https://atsbridge.example/dashboard".into(),
        }),
        WebhookEvent::SyncFinished(SyncFinished {
            sync_id: "42".into(),
            sync_state: "SUCCEEDED".into(),
            sync_started_at: at("2026-01-02T03:04:05Z"),
            sync_ended_at: at("2026-01-02T03:05:05.250Z"),
            sync_duration_seconds: 60,
            integration_id: id.clone(),
            integration_tool: "erecruiter".into(),
            integration_category: IntegrationCategory::Ats,
            end_user: end_user(Some("hr@acme.example")),
            log_url: format!("https://atsbridge.example/dashboard/integrations/{id}"),
        }),
        WebhookEvent::DataChanged(DataChanged {
            integration_id: id,
            integration_tool: "erecruiter".into(),
            integration_category: IntegrationCategory::Ats,
            changed_models: Model::ALL
                .iter()
                .map(|model| ChangedModel {
                    name: model.kombo_name().to_owned(),
                })
                .collect(),
        }),
    ]
}

#[test]
fn every_event_type_validates_against_the_spec() {
    let events = samples();
    let types: Vec<&str> = events.iter().map(WebhookEvent::event_type).collect();
    assert_eq!(types, WebhookEvent::TYPES);
    for event in events {
        let payload = WebhookPayload {
            id: "msg_2fQx8v1N4kPz7rT9wYbC3dEe".into(),
            event,
        };
        let json = serde_json::to_value(&payload).unwrap();
        assert_eq!(json["type"], payload.event_type());
        let problems = errors(&json);
        assert!(
            problems.is_empty(),
            "{}: {problems:#?}",
            payload.event_type()
        );
        let back: WebhookPayload = serde_json::from_value(json).unwrap();
        assert_eq!(back, payload);
    }
}

#[test]
fn the_spec_schemas_refuse_extra_keys_and_bad_enum_values() {
    for event in samples() {
        let payload = WebhookPayload {
            id: "msg_x".into(),
            event,
        };
        let good = serde_json::to_value(&payload).unwrap();

        let mut extra_top = good.clone();
        extra_top["timestamp"] = Value::from(1);
        assert!(!errors(&extra_top).is_empty(), "extra top-level key passed");

        let mut extra_data = good.clone();
        extra_data["data"]["environment_id"] = Value::from("env");
        assert!(!errors(&extra_data).is_empty(), "extra data key passed");
    }
    let mut unknown_model = serde_json::to_value(WebhookPayload {
        id: "msg_y".into(),
        event: samples().pop().unwrap(),
    })
    .unwrap();
    unknown_model["data"]["changed_models"][0]["name"] = Value::from("ats_widgets");
    assert!(!errors(&unknown_model).is_empty());
}
