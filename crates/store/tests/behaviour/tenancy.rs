//! Environments, API keys, integrations, credentials and schema versions.

use atsbridge_schema::Model;
use atsbridge_store::{
    EnvironmentId, IntegrationSettings, NewIntegration, SecretKey, StoreError, SyncMode,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::fixture::*;

async fn migrations_are_idempotent(f: &Fixture) {
    let env = f.store.create_environment("Prod").await.unwrap();
    let reopened = f.reopen().await;
    assert_eq!(reopened.list_environments().await.unwrap(), vec![env]);
    assert_eq!(f.schema_version().await, f.latest_schema_version());
}

async fn a_database_from_a_newer_version_is_refused(f: &Fixture) {
    f.set_schema_version(99).await;
    let Err(err) = f.open_with_key(f.key.clone()).await else {
        panic!("a database at version 99 was opened");
    };
    let latest = f.latest_schema_version();
    assert!(
        matches!(
            err,
            StoreError::NewerSchema { found: 99, supported } if supported == latest
        ),
        "{err}"
    );
}

async fn credentials_are_encrypted_at_rest_and_need_the_right_key(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    assert!(integration.id.as_str().starts_with("erecruiter:"));
    assert_eq!(integration.id.as_str().len(), "erecruiter:".len() + 24);

    let blobs = f
        .raw_blobs(&format!(
            "SELECT credentials FROM integrations WHERE id = '{}'",
            integration.id
        ))
        .await;
    assert_eq!(blobs.len(), 1);
    let haystack = String::from_utf8_lossy(&blobs[0]);
    assert!(!haystack.contains("very-secret-api-key"));
    assert!(!haystack.contains("api_key"));

    assert_eq!(
        f.store
            .integration_credentials(&integration.id)
            .await
            .unwrap(),
        json!({"api_key": "very-secret-api-key", "mandator_id": 7})
    );
    f.store
        .update_credentials(&integration.id, &json!({"api_key": "rotated"}))
        .await
        .unwrap();
    assert_eq!(
        f.store
            .integration_credentials(&integration.id)
            .await
            .unwrap(),
        json!({"api_key": "rotated"})
    );

    let Err(err) = f.open_with_key(SecretKey::generate()).await else {
        panic!("the store opened with another key");
    };
    assert!(matches!(err, StoreError::WrongEncryptionKey), "{err}");
    assert!(!format!("{err:?}").contains("rotated"));
}

async fn integrations_and_keys_are_isolated_per_environment(f: &Fixture) {
    let a = f.store.create_environment("A").await.unwrap();
    let b = f.store.create_environment("B").await.unwrap();
    let in_a = integration(&*f.store, &a.id).await;

    assert!(
        f.store
            .get_integration(&a.id, &in_a.id)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        f.store.get_integration(&b.id, &in_a.id).await.unwrap(),
        None
    );
    assert!(
        f.store
            .list_integrations(Some(&b.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.store.list_integrations(None).await.unwrap().len(), 1);
    assert!(!f.store.remove_integration(&b.id, &in_a.id).await.unwrap());
    assert!(f.store.find_integration(&in_a.id).await.unwrap().is_some());

    let key_a = f.store.create_api_key(&a.id, "ci").await.unwrap();
    let key_b = f.store.create_api_key(&b.id, "ci").await.unwrap();
    assert_ne!(key_a.secret, key_b.secret);
    assert!(!format!("{key_a:?}").contains(&key_a.secret));
    assert_eq!(
        f.store.authenticate_api_key(&key_a.secret).await.unwrap(),
        Some(a.id.clone())
    );
    assert_eq!(
        f.store.authenticate_api_key(&key_b.secret).await.unwrap(),
        Some(b.id.clone())
    );
    assert_eq!(
        f.store.authenticate_api_key("atsb_nope").await.unwrap(),
        None
    );

    // Imported secrets: idempotent for the owner, refused for anyone else.
    let imported = f
        .store
        .import_api_key(&a.id, "demo", "demo-secret")
        .await
        .unwrap();
    assert_eq!(
        f.store
            .import_api_key(&a.id, "demo", "demo-secret")
            .await
            .unwrap(),
        imported
    );
    assert!(matches!(
        f.store.import_api_key(&b.id, "demo", "demo-secret").await,
        Err(StoreError::ApiKeyTaken)
    ));
    assert_eq!(f.store.list_api_keys(&a.id).await.unwrap().len(), 2);
    assert!(!f.store.revoke_api_key(&b.id, &imported).await.unwrap());
    assert!(f.store.revoke_api_key(&a.id, &imported).await.unwrap());
    assert_eq!(
        f.store.authenticate_api_key("demo-secret").await.unwrap(),
        None
    );

    // Only the SHA-256 of a secret is on disk.
    let stored = f
        .raw_blobs(&format!(
            "SELECT secret_sha256 FROM api_keys WHERE environment_id = '{}'",
            a.id
        ))
        .await;
    assert_eq!(
        stored,
        vec![Sha256::digest(key_a.secret.as_bytes()).to_vec()]
    );
}

async fn unknown_environment_is_a_clear_error(f: &Fixture) {
    let missing = EnvironmentId::new("nope");
    assert!(matches!(
        f.store.create_api_key(&missing, "x").await,
        Err(StoreError::EnvironmentNotFound(_))
    ));
    let err = f
        .store
        .create_integration(NewIntegration {
            environment_id: missing,
            tool: "erecruiter".into(),
            remote_label: None,
            credentials: json!({}),
            settings: IntegrationSettings::default(),
            end_user: None,
            setup_status: atsbridge_store::SetupStatus::Completed,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::EnvironmentNotFound(_)));
}

async fn settings_default_and_update(f: &Fixture) {
    let integration = env_and_integration(&*f.store).await;
    assert!(integration.settings.sync_only_created_applications);
    let settings = IntegrationSettings {
        sync_only_created_applications: false,
        default_source_name: Some("Careers page".into()),
        full_sync_every_hours: 6,
        delta_sync_every_minutes: 5,
    };
    f.store
        .update_settings(&integration.id, &settings)
        .await
        .unwrap();
    let loaded = f
        .store
        .find_integration(&integration.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(loaded.settings, settings);
}

async fn removing_an_integration_removes_its_data(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(
                &i,
                Model::Application,
                "1",
                json!({"job_remote_id": "j1"}),
            )],
        )
        .await
        .unwrap();
    assert_eq!(f.raw_count("SELECT count(*) FROM record_keys").await, 1);
    store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    assert!(
        store
            .remove_integration(&i.environment_id, &i.id)
            .await
            .unwrap()
    );
    assert!(
        remote_ids(store, &query(&i, Model::Application))
            .await
            .is_empty()
    );
    assert!(store.last_runs(&i.id, 5).await.unwrap().is_empty());
    assert_eq!(f.raw_count("SELECT count(*) FROM records").await, 0);
    assert_eq!(f.raw_count("SELECT count(*) FROM record_keys").await, 0);
    assert_eq!(f.raw_count("SELECT count(*) FROM sync_runs").await, 0);
}

on_both_backends!(
    migrations_are_idempotent,
    a_database_from_a_newer_version_is_refused,
    credentials_are_encrypted_at_rest_and_need_the_right_key,
    integrations_and_keys_are_isolated_per_environment,
    unknown_environment_is_a_clear_error,
    settings_default_and_update,
    removing_an_integration_removes_its_data,
);
