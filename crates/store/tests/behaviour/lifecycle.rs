//! Integration lifecycle: enabling and disabling, credential validity, setup status and the
//! end user an integration was connected for.

use atsbridge_schema::enums::IntegrationFieldType;
use atsbridge_store::{
    ConnectCompletion, EndUser, IntegrationSettings, IntegrationStatus, NewConnectLink,
    NewCustomField, NewIntegration, NewIntegrationField, RunStatus, SetupStatus, StoreError,
    SyncMode,
};
use serde_json::json;

use crate::fixture::*;

async fn a_connected_integration_keeps_its_end_user_and_completes_setup_on_first_success(
    f: &Fixture,
) {
    let env = f.store.create_environment("Prod").await.unwrap();
    let end_user = EndUser {
        organization_name: "ACME GmbH".into(),
        creator_email: Some("it@acme.example".into()),
        origin_id: Some("cust-42".into()),
    };
    let created = f
        .store
        .create_integration(NewIntegration {
            environment_id: env.id.clone(),
            tool: "erecruiter".into(),
            remote_label: None,
            credentials: json!({"api_key": "k"}),
            settings: IntegrationSettings::default(),
            end_user: Some(end_user.clone()),
            setup_status: SetupStatus::FinalSyncPending,
        })
        .await
        .unwrap();
    assert_eq!(created.end_user, end_user);
    assert_eq!(created.setup_status, SetupStatus::FinalSyncPending);
    assert_eq!(created.status(), IntegrationStatus::Active);

    // A failed run leaves setup pending; the first successful one completes it.
    let run = f
        .store
        .start_run(&created.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    finish(&*f.store, run, RunStatus::Failed, at(1)).await;
    let found = f
        .store
        .find_integration(&created.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.setup_status, SetupStatus::FinalSyncPending);
    let run = f
        .store
        .start_run(&created.id, SyncMode::Full, at(2))
        .await
        .unwrap();
    finish(&*f.store, run, RunStatus::Succeeded, at(3)).await;
    let found = f
        .store
        .find_integration(&created.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.setup_status, SetupStatus::Completed);
    assert_eq!(found.end_user, end_user);
}

async fn an_operator_integration_derives_its_end_user_from_the_label(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    assert_eq!(integration.end_user.organization_name, "ACME");
    assert_eq!(integration.end_user.creator_email, None);
}

async fn disabling_cancels_runs_everywhere_and_is_scoped_to_the_environment(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    let other = f.store.create_environment("Other").await.unwrap();
    assert_eq!(
        f.store
            .set_integration_enabled(&other.id, &integration.id, false)
            .await
            .unwrap(),
        None,
        "another environment cannot disable the integration"
    );

    let run = f
        .store
        .queue_run(&integration.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    let disabled = f
        .store
        .set_integration_enabled(&integration.environment_id, &integration.id, false)
        .await
        .unwrap()
        .unwrap();
    assert!(!disabled.enabled);
    assert_eq!(disabled.status(), IntegrationStatus::Inactive);
    let runs = f.store.last_runs(&integration.id, 1).await.unwrap();
    assert_eq!(runs[0].id, run);
    assert_eq!(runs[0].status, RunStatus::Cancelled);
    assert!(
        !f.store.heartbeat_run(run, at(1)).await.unwrap(),
        "the owner of the run learns at its next heartbeat"
    );

    let enabled = f
        .store
        .set_integration_enabled(&integration.environment_id, &integration.id, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(enabled.status(), IntegrationStatus::Active);
    let reread = f
        .store
        .find_integration(&integration.id)
        .await
        .unwrap()
        .unwrap();
    assert!(reread.enabled);
}

async fn credential_validity_reports_only_changes_and_new_credentials_restore_it(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    assert_eq!(
        f.store
            .set_credentials_valid(&integration.id, true)
            .await
            .unwrap(),
        None,
        "already valid: nothing changed"
    );
    let invalid = f
        .store
        .set_credentials_valid(&integration.id, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(invalid.status(), IntegrationStatus::Invalid);
    assert_eq!(
        f.store
            .set_credentials_valid(&integration.id, false)
            .await
            .unwrap(),
        None
    );
    f.store
        .update_credentials(&integration.id, &json!({"api_key": "new"}))
        .await
        .unwrap();
    let found = f
        .store
        .find_integration(&integration.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.status(), IntegrationStatus::Active);
}

fn end_user() -> EndUser {
    EndUser {
        organization_name: "ACME GmbH".into(),
        creator_email: Some("it@acme.example".into()),
        origin_id: Some("cust-42".into()),
    }
}

fn new_integration(env: &atsbridge_store::EnvironmentId) -> NewIntegration {
    NewIntegration {
        environment_id: env.clone(),
        tool: "erecruiter".into(),
        remote_label: None,
        credentials: json!({"api_key": "first"}),
        settings: IntegrationSettings::default(),
        end_user: Some(end_user()),
        setup_status: SetupStatus::FinalSyncPending,
    }
}

async fn a_connect_link_works_once_until_it_expires(f: &Fixture) {
    let env = f.store.create_environment("Prod").await.unwrap();
    let other = f.store.create_environment("Other").await.unwrap();
    let link = |expires| NewConnectLink {
        environment_id: env.id.clone(),
        relink_integration_id: None,
        tool: Some("erecruiter".into()),
        end_user: end_user(),
        language: "de".into(),
        link_type: "MAGIC_LINK".into(),
        expires_at: expires,
    };
    let token = f.store.create_connect_link(link(at(100))).await.unwrap();
    assert!(token.starts_with("cl_"));
    let stored = f.store.connect_link(&token).await.unwrap().unwrap();
    assert_eq!(stored.language, "de");
    assert!(stored.is_usable(at(0)));
    assert_eq!(f.store.connect_link("cl_unknown").await.unwrap(), None);
    let blobs = f.raw_blobs("SELECT token_sha256 FROM connect_links").await;
    assert!(!String::from_utf8_lossy(&blobs[0]).contains(&token[3..]));

    let done = f
        .store
        .complete_connect_link(
            &token,
            ConnectCompletion::Create(new_integration(&env.id)),
            at(1),
            at(601),
        )
        .await
        .unwrap();
    assert_eq!(done.integration.end_user, end_user());
    assert!(done.activation_token.starts_with("act_"));
    let again = f
        .store
        .complete_connect_link(
            &token,
            ConnectCompletion::Create(new_integration(&env.id)),
            at(2),
            at(602),
        )
        .await;
    assert!(
        matches!(again, Err(StoreError::ConnectLinkUnusable("already used"))),
        "{again:?}"
    );
    assert_eq!(
        f.store
            .list_integrations(Some(&env.id))
            .await
            .unwrap()
            .len(),
        1
    );

    // The activation token names the integration in its own environment, until it expires.
    let found = f
        .store
        .integration_by_activation_token(&env.id, &done.activation_token, at(10))
        .await
        .unwrap();
    assert_eq!(found.map(|i| i.id), Some(done.integration.id.clone()));
    for (environment, now) in [(&other.id, at(10)), (&env.id, at(601))] {
        assert_eq!(
            f.store
                .integration_by_activation_token(environment, &done.activation_token, now)
                .await
                .unwrap(),
            None
        );
    }

    let expired = f.store.create_connect_link(link(at(5))).await.unwrap();
    let late = f
        .store
        .complete_connect_link(
            &expired,
            ConnectCompletion::Create(new_integration(&env.id)),
            at(5),
            at(600),
        )
        .await;
    assert!(
        matches!(late, Err(StoreError::ConnectLinkUnusable("expired"))),
        "{late:?}"
    );

    // A relink link replaces the credentials of its integration and makes them valid again.
    f.store
        .set_credentials_valid(&done.integration.id, false)
        .await
        .unwrap();
    let relink = f
        .store
        .create_connect_link(NewConnectLink {
            relink_integration_id: Some(done.integration.id.clone()),
            ..link(at(100))
        })
        .await
        .unwrap();
    let relinked = f
        .store
        .complete_connect_link(
            &relink,
            ConnectCompletion::Relink {
                credentials: json!({"api_key": "second"}),
            },
            at(3),
            at(603),
        )
        .await
        .unwrap();
    assert_eq!(relinked.integration.id, done.integration.id);
    assert_eq!(relinked.integration.status(), IntegrationStatus::Active);
    assert_eq!(
        f.store
            .integration_credentials(&done.integration.id)
            .await
            .unwrap(),
        json!({"api_key": "second"})
    );
}

fn field(id: &str, model: &str, key: &str, label: Option<&str>) -> NewIntegrationField {
    NewIntegrationField {
        id: id.into(),
        model: model.into(),
        key: key.into(),
        field_type: IntegrationFieldType::Custom,
        label: label.map(str::to_owned),
    }
}

async fn integration_fields_keep_their_switch_and_custom_fields_map_onto_them(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    let id = &integration.id;
    f.store
        .record_integration_fields(
            id,
            vec![
                field("f1", "ats_candidates", "Shirt", Some("T-shirt")),
                field("f2", "ats_jobs", "Budget", None),
                field("f3", "ats_candidates", "Hobby", None),
            ],
            at(0),
        )
        .await
        .unwrap();
    let off = f
        .store
        .set_integration_field_passthrough(id, "f1", false)
        .await
        .unwrap()
        .unwrap();
    assert!(!off.passthrough_enabled);
    assert_eq!(
        f.store
            .set_integration_field_passthrough(id, "nope", false)
            .await
            .unwrap(),
        None
    );
    // Seen again with a new label: the switch stays off.
    f.store
        .record_integration_fields(
            id,
            vec![field("f1", "ats_candidates", "Shirt", Some("Shirt size"))],
            at(1),
        )
        .await
        .unwrap();
    let disabled = f.store.disabled_integration_fields(id).await.unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].label.as_deref(), Some("Shirt size"));
    let page = f.store.list_integration_fields(id, None, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["f1", "f2"]
    );
    let rest = f
        .store
        .list_integration_fields(id, Some("f2"), 2)
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["f3"]
    );

    let custom = f
        .store
        .define_custom_field(
            id,
            NewCustomField {
                model: "ats_candidates".into(),
                key: "tshirt_size".into(),
                label: Some("T-shirt size".into()),
                description: None,
            },
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(custom.integration_field, None);
    let duplicate = f
        .store
        .define_custom_field(
            id,
            NewCustomField {
                model: "ats_candidates".into(),
                key: "tshirt_size".into(),
                label: None,
                description: None,
            },
            at(3),
        )
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::InvalidArgument(_))),
        "{duplicate:?}"
    );
    let wrong_model = f.store.map_custom_field(id, &custom.id, Some("f2")).await;
    assert!(
        matches!(wrong_model, Err(StoreError::InvalidArgument(_))),
        "{wrong_model:?}"
    );
    let unknown = f.store.map_custom_field(id, &custom.id, Some("zzz")).await;
    assert!(
        matches!(unknown, Err(StoreError::InvalidArgument(_))),
        "{unknown:?}"
    );
    let mapped = f
        .store
        .map_custom_field(id, &custom.id, Some("f1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mapped.integration_field.map(|f| f.key),
        Some("Shirt".to_owned())
    );
    let listed = f.store.list_custom_fields(id, None, 10).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].integration_field.is_some());
    // An unmapped key is no mapping; the mapped one comes with its field.
    f.store
        .define_custom_field(
            id,
            NewCustomField {
                model: "ats_jobs".into(),
                key: "budget".into(),
                label: None,
                description: None,
            },
            at(4),
        )
        .await
        .unwrap();
    let mappings = f.store.custom_field_mappings(id).await.unwrap();
    assert_eq!(
        mappings
            .iter()
            .map(|m| (
                m.key.as_str(),
                m.integration_field.as_ref().map(|f| f.id.as_str())
            ))
            .collect::<Vec<_>>(),
        [("tshirt_size", Some("f1"))]
    );
    let unmapped = f
        .store
        .map_custom_field(id, &custom.id, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unmapped.integration_field, None);
    assert!(f.store.custom_field_mappings(id).await.unwrap().is_empty());
    assert_eq!(
        f.store.map_custom_field(id, "missing", None).await.unwrap(),
        None
    );
}

on_both_backends!(
    a_connect_link_works_once_until_it_expires,
    integration_fields_keep_their_switch_and_custom_fields_map_onto_them,
    a_connected_integration_keeps_its_end_user_and_completes_setup_on_first_success,
    an_operator_integration_derives_its_end_user_from_the_label,
    disabling_cancels_runs_everywhere_and_is_scoped_to_the_environment,
    credential_validity_reports_only_changes_and_new_credentials_restore_it,
);
