//! Integration lifecycle: enabling and disabling, credential validity, setup status and the
//! end user an integration was connected for.

use atsbridge_store::{
    EndUser, IntegrationSettings, IntegrationStatus, NewIntegration, RunStatus, SetupStatus,
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

on_both_backends!(
    a_connected_integration_keeps_its_end_user_and_completes_setup_on_first_success,
    an_operator_integration_derives_its_end_user_from_the_label,
    disabling_cancels_runs_everywhere_and_is_scoped_to_the_environment,
    credential_validity_reports_only_changes_and_new_credentials_restore_it,
);
