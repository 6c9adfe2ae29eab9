//! `store copy`: everything moves from a SQLite file into the backend under test, which then
//! works as a store of its own.

use atsbridge_schema::Model;
use atsbridge_store::{
    DeliveryQuery, ExportTable, RecordKey, RelationQuery, RunOutcome, RunStatus, SqliteStore,
    Store, StoreError, SyncMode, TrackedApplication,
};
use serde_json::json;

use crate::fixture::*;

/// A SQLite source with one of everything.
async fn seeded_source(f: &Fixture, dir: &std::path::Path) -> (SqliteStore, String) {
    let source = SqliteStore::open(dir.join("source.db"), f.key.clone()).unwrap();
    let i = env_and_integration(&source).await;
    let secret = source
        .create_api_key(&i.environment_id, "copy")
        .await
        .unwrap()
        .secret;
    source
        .add_webhook_endpoint(&i.environment_id, "https://hooks.example.com/in")
        .await
        .unwrap();
    let run = source
        .start_run(&i.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    source
        .apply_batch(
            &i.id,
            Some(run),
            at(1),
            vec![
                write(&i, Model::Candidate, "c1", json!({"first_name": "Ada"})),
                write(
                    &i,
                    Model::Application,
                    "a1",
                    json!({"candidate_remote_id": "c1", "job_remote_id": "j1"}),
                ),
            ],
        )
        .await
        .unwrap();
    source
        .finish_run(
            run,
            RunOutcome {
                status: RunStatus::Succeeded,
                finished_at: at(2),
                counts: Default::default(),
                requests: Some(3),
                error: None,
            },
        )
        .await
        .unwrap();
    source
        .track_application(
            &i.id,
            TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: Some("c1".into()),
                job_remote_id: None,
            },
            at(3),
        )
        .await
        .unwrap();
    source
        .save_sync_state(&i.id, &json!({"cursor": 7}))
        .await
        .unwrap();
    (source, secret)
}

async fn copy_moves_everything_and_checks_it(f: &Fixture) {
    let dir = tempfile::tempdir().unwrap();
    let (source, secret) = seeded_source(f, dir.path()).await;
    let i = source.list_integrations(None).await.unwrap().remove(0);
    let target = &*f.store;
    let mut pages = 0;
    let checks = atsbridge_store::copy_store(&source, target, |_, _| pages += 1)
        .await
        .unwrap();
    assert!(pages >= 6, "every non-empty table is copied");
    assert!(checks.iter().all(|c| c.matches()), "{checks:?}");
    let records = checks
        .iter()
        .find(|c| c.table == ExportTable::Records)
        .unwrap();
    assert_eq!(records.target_rows, 2);
    for table in [
        ExportTable::WebhookEndpoints,
        ExportTable::WebhookEvents,
        ExportTable::WebhookDeliveries,
    ] {
        let check = checks.iter().find(|c| c.table == table).unwrap();
        assert!(check.target_rows > 0, "{table:?} was copied");
    }
    let log = DeliveryQuery::default();
    assert_eq!(
        target.list_webhook_deliveries(&log).await.unwrap(),
        source.list_webhook_deliveries(&log).await.unwrap()
    );
    // The sealed signing secret still opens on the target.
    let claimed = target
        .claim_webhook_deliveries("copy-check", at(10), std::time::Duration::from_secs(1), 10)
        .await
        .unwrap();
    assert!(!claimed.is_empty());
    assert!(claimed.iter().all(|c| c.secret.starts_with("whsec_")));

    // The copy works as a store: keys, credentials, records, relations, runs and state.
    assert_eq!(
        target.authenticate_api_key(&secret).await.unwrap(),
        Some(i.environment_id.clone())
    );
    assert_eq!(
        target.integration_credentials(&i.id).await.unwrap(),
        source.integration_credentials(&i.id).await.unwrap()
    );
    assert_eq!(
        target
            .list_records(&query(&i, Model::Candidate))
            .await
            .unwrap(),
        source
            .list_records(&query(&i, Model::Candidate))
            .await
            .unwrap()
    );
    let apps = target
        .find_related(&RelationQuery::new(
            i.id.clone(),
            Model::Application,
            RecordKey::CandidateRemoteId,
            vec!["c1".into()],
        ))
        .await
        .unwrap();
    assert_eq!(apps.len(), 1, "the key index is derived on import");
    assert_eq!(
        target.last_runs(&i.id, 5).await.unwrap(),
        source.last_runs(&i.id, 5).await.unwrap()
    );
    assert_eq!(
        target.load_sync_state(&i.id).await.unwrap(),
        Some(json!({"cursor": 7}))
    );
    assert_eq!(target.tracked_applications(&i.id).await.unwrap().len(), 1);
    assert!(target.has_completed_sync(&i.id).await.unwrap());

    // New rows continue after the copied ones.
    target
        .apply_batch(
            &i.id,
            None,
            at(4),
            vec![write(&i, Model::Candidate, "c2", json!({}))],
        )
        .await
        .unwrap();
    let seqs: Vec<i64> = target
        .list_records(&query(&i, Model::Candidate))
        .await
        .unwrap()
        .iter()
        .map(|r| r.seq)
        .collect();
    assert!(seqs[1] > seqs[0], "{seqs:?}");
    let first_run = source.last_runs(&i.id, 1).await.unwrap()[0].id;
    let next_run = target
        .start_run(&i.id, SyncMode::Full, at(5))
        .await
        .unwrap();
    assert!(next_run > first_run);

    // A target with data is refused before anything is written.
    let err = atsbridge_store::copy_store(&source, target, |_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TargetNotEmpty), "{err}");
    // And the check sees the difference the new rows made.
    let checks = atsbridge_store::compare_stores(&source, target)
        .await
        .unwrap();
    assert!(checks.iter().any(|c| !c.matches()));
}

on_both_backends!(copy_moves_everything_and_checks_it);
