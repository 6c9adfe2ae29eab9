//! Behaviour of the SQLite store through the `Store` trait.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use atsbridge_schema::{KomboId, Model, Timestamp};
use atsbridge_store::{
    BatchResult, EnvironmentId, Integration, IntegrationSettings, KeyFilter, ModelCounts,
    NewIntegration, RUN_LEASE, RecordKey, RecordQuery, RecordWrite, RelationQuery, RunId,
    RunOutcome, RunStatus, SecretKey, SqliteStore, Store, StoreError, SyncMode, TrackedApplication,
    TrackedRestriction,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

fn at(seconds: i64) -> Timestamp {
    Timestamp::from(chrono::DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap())
}

/// The lease in whole seconds, for [`at`].
fn lease() -> i64 {
    i64::try_from(RUN_LEASE.as_secs()).unwrap()
}

struct Fixture {
    _dir: TempDir,
    path: std::path::PathBuf,
    key: SecretKey,
    store: SqliteStore,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("atsbridge.db");
    let key = SecretKey::generate();
    let store = SqliteStore::open(&path, key.clone()).unwrap();
    Fixture {
        _dir: dir,
        path,
        key,
        store,
    }
}

async fn integration(store: &SqliteStore, env: &EnvironmentId) -> Integration {
    store
        .create_integration(NewIntegration {
            environment_id: env.clone(),
            tool: "erecruiter".into(),
            remote_label: Some("ACME".into()),
            credentials: json!({"api_key": "very-secret-api-key", "mandator_id": 7}),
            settings: IntegrationSettings::default(),
        })
        .await
        .unwrap()
}

async fn env_and_integration(store: &SqliteStore) -> Integration {
    let env = store.create_environment("Test").await.unwrap();
    integration(store, &env.id).await
}

fn write(integration: &Integration, model: Model, remote_id: &str, doc: Value) -> RecordWrite {
    let hash = hex(&Sha256::digest(doc.to_string().as_bytes()));
    RecordWrite {
        model,
        remote_id: remote_id.to_owned(),
        id: KomboId::derive(integration.id.as_str(), model, remote_id),
        document: doc,
        content_hash: hash,
        remote_created_at: None,
    }
}

/// Closes a run, so the integration may record the next one.
async fn finish(store: &SqliteStore, run: RunId, status: RunStatus, finished_at: Timestamp) {
    store
        .finish_run(
            run,
            RunOutcome {
                status,
                finished_at,
                counts: BTreeMap::new(),
                requests: None,
                error: None,
            },
        )
        .await
        .unwrap();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn query(integration: &Integration, model: Model) -> RecordQuery {
    RecordQuery::new(integration.id.clone(), model, 100)
}

async fn remote_ids(store: &SqliteStore, q: &RecordQuery) -> Vec<String> {
    store
        .list_records(q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.remote_id)
        .collect()
}

#[tokio::test]
async fn migrations_are_idempotent_and_wal_is_on() {
    let f = fixture();
    let env = f.store.create_environment("Prod").await.unwrap();
    drop(f.store);
    let reopened = SqliteStore::open(&f.path, f.key.clone()).unwrap();
    assert_eq!(reopened.list_environments().await.unwrap(), vec![env]);

    let raw = rusqlite::Connection::open(&f.path).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
}

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let f = fixture();
    drop(f.store);
    let raw = rusqlite::Connection::open(&f.path).unwrap();
    raw.pragma_update(None, "user_version", 99).unwrap();
    drop(raw);
    let err = SqliteStore::open(&f.path, f.key.clone()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NewerSchema {
                found: 99,
                supported: 3
            }
        ),
        "{err}"
    );
}

#[tokio::test]
async fn credentials_are_encrypted_at_rest_and_need_the_right_key() {
    let f = fixture();
    let integration = env_and_integration(&f.store).await;
    assert!(integration.id.as_str().starts_with("erecruiter:"));
    assert_eq!(integration.id.as_str().len(), "erecruiter:".len() + 24);

    let raw = rusqlite::Connection::open(&f.path).unwrap();
    let blob: Vec<u8> = raw
        .query_row(
            "SELECT credentials FROM integrations WHERE id = ?1",
            [integration.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    let haystack = String::from_utf8_lossy(&blob);
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

    drop(f.store);
    let err = SqliteStore::open(&f.path, SecretKey::generate()).unwrap_err();
    assert!(matches!(err, StoreError::WrongEncryptionKey), "{err}");
    assert!(!format!("{err:?}").contains("rotated"));
}

#[tokio::test]
async fn integrations_and_keys_are_isolated_per_environment() {
    let f = fixture();
    let a = f.store.create_environment("A").await.unwrap();
    let b = f.store.create_environment("B").await.unwrap();
    let in_a = integration(&f.store, &a.id).await;

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
    let raw = rusqlite::Connection::open(&f.path).unwrap();
    let stored: Vec<Vec<u8>> = raw
        .prepare("SELECT secret_sha256 FROM api_keys WHERE environment_id = ?1")
        .unwrap()
        .query_map([a.id.as_str()], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        stored,
        vec![Sha256::digest(key_a.secret.as_bytes()).to_vec()]
    );
}

#[tokio::test]
async fn unknown_environment_is_a_clear_error() {
    let f = fixture();
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
        })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::EnvironmentNotFound(_)));
}

#[tokio::test]
async fn settings_default_and_update() {
    let f = fixture();
    let integration = env_and_integration(&f.store).await;
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

#[tokio::test]
async fn apply_batch_moves_changed_at_only_on_real_changes() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let run1 = store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    let v1 = write(
        &i,
        Model::Job,
        "1",
        json!({"remote_id": "1", "name": "Dev"}),
    );
    let other = write(
        &i,
        Model::Job,
        "2",
        json!({"remote_id": "2", "name": "Ops"}),
    );
    let result = store
        .apply_batch(&i.id, Some(run1), at(1), vec![v1.clone(), other.clone()])
        .await
        .unwrap();
    assert_eq!(
        result,
        BatchResult {
            inserted: 2,
            changed: vec![0, 1],
            ..BatchResult::default()
        }
    );
    let first = store
        .get_by_remote_ids(&i.id, Model::Job, &["1".into()])
        .await
        .unwrap();
    assert_eq!(first[0].changed_at, at(1));
    assert_eq!(first[0].id, v1.id);
    let seq = first[0].seq;

    finish(store, run1, RunStatus::Succeeded, at(1)).await;

    // Identical content: nothing changes but the "seen" mark.
    let run2 = store.start_run(&i.id, SyncMode::Full, at(2)).await.unwrap();
    let result = store
        .apply_batch(&i.id, Some(run2), at(3), vec![v1.clone()])
        .await
        .unwrap();
    assert_eq!((result.unchanged, result.changed.len()), (1, 0));
    let same = store
        .get_by_ids(&i.id, Model::Job, std::slice::from_ref(&v1.id))
        .await
        .unwrap();
    assert_eq!(same[0].changed_at, at(1));

    // Different content: changed_at moves, seq does not.
    let v2 = write(
        &i,
        Model::Job,
        "1",
        json!({"remote_id": "1", "name": "Senior Dev"}),
    );
    let result = store
        .apply_batch(&i.id, Some(run2), at(4), vec![v2])
        .await
        .unwrap();
    assert_eq!((result.updated, result.changed.clone()), (1, vec![0]));
    let updated = store
        .get_by_ids(&i.id, Model::Job, std::slice::from_ref(&v1.id))
        .await
        .unwrap();
    assert_eq!(updated[0].changed_at, at(4));
    assert_eq!(updated[0].seq, seq);
    assert_eq!(updated[0].document["name"], "Senior Dev");

    // Job 2 was not seen by run 2: marked deleted, which is a change.
    let deleted = store
        .mark_unseen_deleted(&i.id, Model::Job, run2, at(5))
        .await
        .unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].remote_id, "2");
    assert_eq!(deleted[0].remote_deleted_at, Some(at(5)));
    assert_eq!(deleted[0].changed_at, at(5));
    assert_eq!(remote_ids(store, &query(&i, Model::Job)).await, vec!["1"]);
    let mut with_deleted = query(&i, Model::Job);
    with_deleted.include_deleted = true;
    assert_eq!(remote_ids(store, &with_deleted).await, vec!["1", "2"]);
    // Marking again does nothing.
    assert!(
        store
            .mark_unseen_deleted(&i.id, Model::Job, run2, at(6))
            .await
            .unwrap()
            .is_empty()
    );

    finish(store, run2, RunStatus::Succeeded, at(6)).await;

    // Reappearing with identical content is an undeletion and a change; the id is kept.
    let run3 = store.start_run(&i.id, SyncMode::Full, at(7)).await.unwrap();
    let result = store
        .apply_batch(&i.id, Some(run3), at(8), vec![other.clone()])
        .await
        .unwrap();
    assert_eq!((result.undeleted, result.changed.clone()), (1, vec![0]));
    let back = store
        .get_by_remote_ids(&i.id, Model::Job, &["2".into()])
        .await
        .unwrap();
    assert_eq!(back[0].remote_deleted_at, None);
    assert_eq!(back[0].changed_at, at(8));
    assert_eq!(back[0].id, other.id);
}

#[tokio::test]
async fn records_written_outside_the_run_after_it_started_are_not_deleted() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let old_run = store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    store
        .apply_batch(
            &i.id,
            Some(old_run),
            at(1),
            vec![write(&i, Model::Application, "gone", json!({"x": 1}))],
        )
        .await
        .unwrap();
    finish(store, old_run, RunStatus::Succeeded, at(2)).await;
    let run = store
        .start_run(&i.id, SyncMode::Full, at(10))
        .await
        .unwrap();
    // Created through the API while the run enumerates.
    store
        .apply_batch(
            &i.id,
            None,
            at(11),
            vec![write(&i, Model::Application, "created", json!({"x": 2}))],
        )
        .await
        .unwrap();
    let deleted = store
        .mark_unseen_deleted(&i.id, Model::Application, run, at(12))
        .await
        .unwrap();
    let deleted: Vec<_> = deleted.into_iter().map(|r| r.remote_id).collect();
    assert_eq!(deleted, vec!["gone"]);
    // An unknown run is refused rather than treated as "saw nothing".
    assert!(matches!(
        store
            .mark_unseen_deleted(&i.id, Model::Job, RunId(9_999), at(13))
            .await,
        Err(StoreError::RunNotFound(9_999))
    ));
}

#[tokio::test]
async fn keyset_pages_stay_stable_while_records_change() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let initial: Vec<_> = (0..10)
        .map(|n| write(&i, Model::Candidate, &format!("c{n}"), json!({"n": n})))
        .collect();
    store
        .apply_batch(&i.id, None, at(0), initial)
        .await
        .unwrap();

    let mut q = query(&i, Model::Candidate);
    q.limit = 4;
    let mut seen = Vec::new();
    let mut page_number = 0;
    loop {
        let page = store.list_records(&q).await.unwrap();
        if page.is_empty() {
            break;
        }
        seen.extend(page.iter().map(|r| r.remote_id.clone()));
        q.after_seq = page.last().map(|r| r.seq);
        page_number += 1;
        if page_number == 1 {
            // Between pages: update a record already served and one not yet served, add one.
            store
                .apply_batch(
                    &i.id,
                    None,
                    at(1),
                    vec![
                        write(&i, Model::Candidate, "c0", json!({"n": 100})),
                        write(&i, Model::Candidate, "c7", json!({"n": 700})),
                        write(&i, Model::Candidate, "c10", json!({"n": 10})),
                    ],
                )
                .await
                .unwrap();
        }
    }
    let expected: Vec<String> = (0..=10).map(|n| format!("c{n}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(page_number, 3);
}

#[tokio::test]
async fn list_filters_combine_with_and() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let mut a = write(
        &i,
        Model::Candidate,
        "a",
        json!({"first_name": "Ada", "status": "ACTIVE", "tag_remote_ids": ["t1", "t2"],
               "email_addresses": [{"email_address": "Ada@Example.com", "type": "PERSONAL"}]}),
    );
    a.remote_created_at = Some(at(-100));
    let mut b = write(
        &i,
        Model::Candidate,
        "b",
        json!({"first_name": "Bob", "status": "HIRED", "tag_remote_ids": ["t3"],
               "email_addresses": [{"email_address": "bob@example.com", "type": null}]}),
    );
    b.remote_created_at = Some(at(100));
    let c = write(
        &i,
        Model::Candidate,
        "c",
        json!({"first_name": "Cyd", "status": "ACTIVE", "tag_remote_ids": [],
               "email_addresses": []}),
    );
    let result = store
        .apply_batch(&i.id, None, at(0), vec![a.clone(), b, c])
        .await
        .unwrap();
    assert_eq!(result.inserted, 3);

    let filtered = |filters: Vec<KeyFilter>| {
        let mut q = query(&i, Model::Candidate);
        q.key_filters = filters;
        q
    };
    let first_name = |names: &[&str]| KeyFilter {
        key: RecordKey::FirstName,
        values: names.iter().map(|n| n.to_string()).collect(),
    };
    assert_eq!(
        remote_ids(store, &filtered(vec![first_name(&["ADA", "cyd", "zed"])])).await,
        vec!["a", "c"]
    );
    let email = KeyFilter {
        key: RecordKey::Email,
        values: vec!["ada@example.COM".into(), "nobody@example.com".into()],
    };
    assert_eq!(
        remote_ids(store, &filtered(vec![email.clone()])).await,
        vec!["a"]
    );
    assert!(
        remote_ids(store, &filtered(vec![email, first_name(&["bob"])]))
            .await
            .is_empty(),
        "filters combine with AND"
    );
    assert!(
        remote_ids(store, &filtered(vec![first_name(&[])]))
            .await
            .is_empty(),
        "an empty value list matches nothing"
    );

    let mut q = query(&i, Model::Candidate);
    q.ids = Some(vec![a.id.clone()]);
    q.remote_ids = Some(vec!["a".into(), "b".into()]);
    assert_eq!(remote_ids(store, &q).await, vec!["a"]);

    let mut q = query(&i, Model::Candidate);
    q.remote_created_after = Some(at(0));
    assert_eq!(remote_ids(store, &q).await, vec!["b"]);

    // updated_after matches the record's own change or a relation touch.
    store
        .apply_batch(
            &i.id,
            None,
            at(10),
            vec![write(
                &i,
                Model::Candidate,
                "b",
                json!({"first_name": "Bobby"}),
            )],
        )
        .await
        .unwrap();
    let touched = store
        .touch_relations(&i.id, Model::Candidate, &["c".into(), "zz".into()], at(11))
        .await
        .unwrap();
    assert_eq!(touched, 1);
    let mut q = query(&i, Model::Candidate);
    q.updated_after = Some(at(5));
    assert_eq!(remote_ids(store, &q).await, vec!["b", "c"]);
    q.updated_after = Some(at(10));
    assert_eq!(remote_ids(store, &q).await, vec!["c"]);

    // Other models and other integrations see nothing of it.
    assert!(
        remote_ids(store, &query(&i, Model::Application))
            .await
            .is_empty()
    );
    let env = store.create_environment("Other").await.unwrap();
    let other = integration(store, &env.id).await;
    assert!(
        remote_ids(store, &query(&other, Model::Candidate))
            .await
            .is_empty()
    );

    assert_eq!(
        store
            .known_remote_ids(&i.id, Model::Candidate, false)
            .await
            .unwrap(),
        vec!["a", "b", "c"]
    );
}

#[tokio::test]
async fn tracked_applications_restrict_candidates_and_applications() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![
                write(&i, Model::Candidate, "c1", json!({})),
                write(&i, Model::Candidate, "c2", json!({})),
                write(
                    &i,
                    Model::Application,
                    "a1",
                    json!({"candidate_remote_id": "c1"}),
                ),
                write(
                    &i,
                    Model::Application,
                    "a2",
                    json!({"candidate_remote_id": "c2"}),
                ),
            ],
        )
        .await
        .unwrap();
    // Imported with only the job known; the candidate is filled in later.
    store
        .track_application(
            &i.id,
            TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: None,
                job_remote_id: Some("j1".into()),
            },
            at(1),
        )
        .await
        .unwrap();
    let mut candidates = query(&i, Model::Candidate);
    candidates.restrict_to_tracked = Some(TrackedRestriction::Candidates);
    assert!(remote_ids(store, &candidates).await.is_empty());
    store
        .track_application(
            &i.id,
            TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: Some("c1".into()),
                job_remote_id: None,
            },
            at(2),
        )
        .await
        .unwrap();
    assert_eq!(
        store.tracked_applications(&i.id).await.unwrap(),
        vec![TrackedApplication {
            application_remote_id: "a1".into(),
            candidate_remote_id: Some("c1".into()),
            job_remote_id: Some("j1".into()),
        }]
    );
    assert_eq!(remote_ids(store, &candidates).await, vec!["c1"]);
    let mut applications = query(&i, Model::Application);
    applications.restrict_to_tracked = Some(TrackedRestriction::Applications);
    assert_eq!(remote_ids(store, &applications).await, vec!["a1"]);
}

#[tokio::test]
async fn runs_are_recorded_and_state_is_kept() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    assert!(!store.has_completed_sync(&i.id).await.unwrap());
    let failed = store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    store
        .finish_run(
            failed,
            RunOutcome {
                status: RunStatus::Failed,
                finished_at: at(1),
                counts: BTreeMap::new(),
                requests: Some(3),
                error: Some("provider unavailable".into()),
            },
        )
        .await
        .unwrap();
    assert!(!store.has_completed_sync(&i.id).await.unwrap());
    let ok = store
        .start_run(&i.id, SyncMode::Delta, at(2))
        .await
        .unwrap();
    let counts = BTreeMap::from([(
        "job".to_owned(),
        ModelCounts {
            inserted: 2,
            deleted: 1,
            ..ModelCounts::default()
        },
    )]);
    store
        .finish_run(
            ok,
            RunOutcome {
                status: RunStatus::Succeeded,
                finished_at: at(3),
                counts: counts.clone(),
                requests: None,
                error: None,
            },
        )
        .await
        .unwrap();
    assert!(store.has_completed_sync(&i.id).await.unwrap());
    let dangling = store.start_run(&i.id, SyncMode::Full, at(4)).await.unwrap();
    // Its lease is live a second later; once it expired, the run is closed.
    assert_eq!(store.fail_stale_runs(at(5)).await.unwrap(), 0);
    assert_eq!(store.fail_stale_runs(at(5 + lease())).await.unwrap(), 1);

    let runs = store.last_runs(&i.id, 10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![
            (dangling, RunStatus::Failed),
            (ok, RunStatus::Succeeded),
            (failed, RunStatus::Failed)
        ]
    );
    assert_eq!(runs[1].counts, counts);
    assert_eq!(runs[1].mode, SyncMode::Delta);
    assert_eq!(runs[1].finished_at, Some(at(3)));
    assert_eq!(runs[2].requests, Some(3));
    assert_eq!(runs[2].error.as_deref(), Some("provider unavailable"));
    assert_eq!(store.last_runs(&i.id, 1).await.unwrap().len(), 1);

    assert_eq!(store.load_sync_state(&i.id).await.unwrap(), None);
    store
        .save_sync_state(&i.id, &json!({"cursor": 5}))
        .await
        .unwrap();
    assert_eq!(
        store.load_sync_state(&i.id).await.unwrap(),
        Some(json!({"cursor": 5}))
    );
}

#[tokio::test]
async fn queued_runs_start_once_and_are_closed_after_a_restart() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let queued = store.queue_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    let runs = store.last_runs(&i.id, 10).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (
            runs[0].id,
            runs[0].status,
            runs[0].started_at,
            runs[0].finished_at
        ),
        (queued, RunStatus::Queued, at(0), None)
    );

    // Starting records the mode it really runs in and the real start time.
    store
        .start_queued_run(queued, SyncMode::Delta, at(5))
        .await
        .unwrap();
    let run = store.last_runs(&i.id, 1).await.unwrap().remove(0);
    assert_eq!(
        (run.id, run.status, run.mode, run.started_at),
        (queued, RunStatus::Running, SyncMode::Delta, at(5))
    );
    // A run starts only once.
    let again = store
        .start_queued_run(queued, SyncMode::Full, at(6))
        .await
        .unwrap_err();
    assert!(
        matches!(&again, StoreError::RunNotQueued { run_id, status } if *run_id == queued.0 && status == "running"),
        "{again}"
    );
    assert!(matches!(
        store
            .start_queued_run(RunId(queued.0 + 100), SyncMode::Full, at(6))
            .await
            .unwrap_err(),
        StoreError::RunNotFound(_)
    ));
    // A queued status is not an end state.
    let not_final = store
        .finish_run(
            queued,
            RunOutcome {
                status: RunStatus::Queued,
                finished_at: at(7),
                counts: BTreeMap::new(),
                requests: None,
                error: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(not_final, StoreError::InvalidArgument(_)),
        "{not_final}"
    );

    // A process that dies leaves one run running (of `i`) and one queued (of another
    // integration): both are closed on restart once their leases expired.
    let other = integration(store, &i.environment_id).await;
    let waiting = store
        .queue_run(&other.id, SyncMode::Full, at(8))
        .await
        .unwrap();
    assert!(waiting > queued);
    drop(f.store);
    let reopened = SqliteStore::open(&f.path, f.key.clone()).unwrap();
    assert_eq!(reopened.fail_stale_runs(at(9)).await.unwrap(), 0);
    let expired = at(9 + lease());
    assert_eq!(reopened.fail_stale_runs(expired).await.unwrap(), 2);
    let mut runs = reopened.last_runs(&other.id, 10).await.unwrap();
    runs.extend(reopened.last_runs(&i.id, 10).await.unwrap());
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![(waiting, RunStatus::Failed), (queued, RunStatus::Failed)]
    );
    assert!(runs.iter().all(|r| r.finished_at == Some(expired)));
    assert!(
        runs[0]
            .error
            .as_deref()
            .unwrap()
            .contains("lease expired: the process that queued it stopped before it started")
    );
    assert_eq!(
        runs[1].error.as_deref(),
        Some("lease expired: the process running it stopped")
    );
    assert!(matches!(
        reopened
            .start_queued_run(waiting, SyncMode::Full, at(10))
            .await
            .unwrap_err(),
        StoreError::RunNotQueued { .. }
    ));
    assert_eq!(reopened.fail_stale_runs(at(11 + lease())).await.unwrap(), 0);
}

#[tokio::test]
async fn a_run_whose_lease_expired_is_closed_and_the_next_one_starts() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    // Another process (its own connection) holds a run and beats it.
    let holder = SqliteStore::open(&f.path, f.key.clone()).unwrap();
    let held = holder
        .start_run(&i.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    assert_eq!(
        f.store.last_runs(&i.id, 1).await.unwrap()[0].heartbeat_at,
        Some(at(0))
    );
    assert!(holder.heartbeat_run(held, at(100)).await.unwrap());
    assert_eq!(
        f.store.last_runs(&i.id, 1).await.unwrap()[0].heartbeat_at,
        Some(at(100))
    );

    // Exactly one lease after the last beat the run is still live: refused.
    for refused in [
        f.store
            .start_run(&i.id, SyncMode::Delta, at(100 + lease()))
            .await,
        f.store
            .queue_run(&i.id, SyncMode::Delta, at(100 + lease()))
            .await,
    ] {
        assert!(
            matches!(refused, Err(StoreError::RunInProgress { run_id, .. }) if run_id == held),
            "{refused:?}"
        );
    }
    // One second later its process counts as stopped: the run is closed, the new one starts.
    let expired = at(101 + lease());
    let next = f
        .store
        .start_run(&i.id, SyncMode::Delta, expired)
        .await
        .unwrap();
    let runs = f.store.last_runs(&i.id, 10).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![(next, RunStatus::Running), (held, RunStatus::Failed)]
    );
    assert_eq!(runs[1].finished_at, Some(expired));
    assert_eq!(
        runs[1].error.as_deref(),
        Some("lease expired: the process running it stopped")
    );
    assert_eq!(runs[0].heartbeat_at, Some(expired));
    // The stopped process learns that it lost the run when it beats again.
    assert!(!holder.heartbeat_run(held, expired).await.unwrap());
    assert!(matches!(
        holder.heartbeat_run(RunId(next.0 + 100), expired).await,
        Err(StoreError::RunNotFound(_))
    ));

    // A queued run whose owner stopped gives way to a queued one the same way.
    finish(&f.store, next, RunStatus::Succeeded, at(200)).await;
    let queued = holder
        .queue_run(&i.id, SyncMode::Full, at(300))
        .await
        .unwrap();
    assert!(holder.heartbeat_run(queued, at(310)).await.unwrap());
    assert!(matches!(
        f.store.queue_run(&i.id, SyncMode::Full, at(310 + lease())).await,
        Err(StoreError::RunInProgress { run_id, status: RunStatus::Queued, .. }) if run_id == queued
    ));
    let replacement = f
        .store
        .queue_run(&i.id, SyncMode::Full, at(311 + lease()))
        .await
        .unwrap();
    let runs = f.store.last_runs(&i.id, 2).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| (r.id, r.status)).collect::<Vec<_>>(),
        vec![
            (replacement, RunStatus::Queued),
            (queued, RunStatus::Failed)
        ]
    );
    // Starting a queued run renews its lease.
    f.store
        .start_queued_run(replacement, SyncMode::Full, at(400))
        .await
        .unwrap();
    assert_eq!(
        f.store.last_runs(&i.id, 1).await.unwrap()[0].heartbeat_at,
        Some(at(400))
    );
}

#[tokio::test]
async fn closing_stale_runs_leaves_a_live_run_of_another_process_alone() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let other = integration(&f.store, &i.environment_id).await;
    // `atsbridge sync` in another process started long ago and keeps beating.
    let live_process = SqliteStore::open(&f.path, f.key.clone()).unwrap();
    let live = live_process
        .start_run(&i.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    assert!(live_process.heartbeat_run(live, at(1000)).await.unwrap());
    // A process that died left a run of the other integration.
    let dead = f
        .store
        .start_run(&other.id, SyncMode::Full, at(500))
        .await
        .unwrap();

    // A server starting now closes only the dead one.
    assert_eq!(f.store.fail_stale_runs(at(1010)).await.unwrap(), 1);
    let live_run = f.store.last_runs(&i.id, 1).await.unwrap().remove(0);
    assert_eq!(
        (live_run.id, live_run.status, live_run.finished_at),
        (live, RunStatus::Running, None)
    );
    let dead_run = f.store.last_runs(&other.id, 1).await.unwrap().remove(0);
    assert_eq!((dead_run.id, dead_run.status), (dead, RunStatus::Failed));
    assert!(live_process.heartbeat_run(live, at(1020)).await.unwrap());
}

#[tokio::test]
async fn the_lease_migration_upgrades_a_database_of_the_first_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as the first release left it: migration 0001 only, with a run that a
        // killed process left running and one that finished.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch(include_str!("../migrations/0001_initial.sql"))
            .unwrap();
        raw.pragma_update(None, "user_version", 1).unwrap();
        let micros = |seconds: i64| at(seconds).as_datetime().timestamp_micros();
        raw.execute_batch(&format!(
            "INSERT INTO environments (id, name, created_at) VALUES ('env', 'Old', 0);
             INSERT INTO integrations (id, environment_id, tool, credentials, settings, created_at)
                 VALUES ('erecruiter:old', 'env', 'erecruiter', x'00', '{{}}', 0);
             INSERT INTO sync_runs (integration_id, mode, status, started_at, finished_at)
                 VALUES ('erecruiter:old', 'full', 'succeeded', {}, {});
             INSERT INTO sync_runs (integration_id, mode, status, started_at)
                 VALUES ('erecruiter:old', 'delta', 'running', {});",
            micros(0),
            micros(10),
            micros(20)
        ))
        .unwrap();
    }
    let store = SqliteStore::open(&path, SecretKey::generate()).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let has_heartbeat: bool = raw
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info('sync_runs')
                            WHERE name = 'heartbeat_at' AND type = 'INTEGER')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(has_heartbeat);

    // Old runs count as last beaten when they last changed, so the lease applies to them.
    let id = atsbridge_store::IntegrationId::new("erecruiter:old");
    let runs = store.last_runs(&id, 10).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.status, r.heartbeat_at))
            .collect::<Vec<_>>(),
        vec![
            (RunStatus::Running, Some(at(20))),
            (RunStatus::Succeeded, Some(at(10)))
        ]
    );
    assert!(matches!(
        store.start_run(&id, SyncMode::Full, at(20 + lease())).await,
        Err(StoreError::RunInProgress { .. })
    ));
    store
        .start_run(&id, SyncMode::Full, at(21 + lease()))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_integration_has_at_most_one_run_queued_or_running() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let other = integration(store, &i.environment_id).await;

    // While a run is running, neither a second start nor a queued run is recorded.
    let running = store
        .start_run(&i.id, SyncMode::Delta, at(0))
        .await
        .unwrap();
    for refused in [
        store.start_run(&i.id, SyncMode::Full, at(1)).await,
        store.queue_run(&i.id, SyncMode::Full, at(1)).await,
    ] {
        let error = refused.unwrap_err();
        assert!(
            matches!(
                &error,
                StoreError::RunInProgress { run_id, status: RunStatus::Running, mode: SyncMode::Delta, since }
                    if *run_id == running && *since == at(0)
            ),
            "{error}"
        );
        let message = error.to_string();
        assert!(
            message.contains(&format!("sync run {running} "))
                && message.contains("running")
                && message.contains(&at(0).to_string()),
            "{message}"
        );
    }
    assert_eq!(store.last_runs(&i.id, 10).await.unwrap().len(), 1);
    // Other integrations are not held up.
    let elsewhere = store
        .queue_run(&other.id, SyncMode::Full, at(1))
        .await
        .unwrap();

    // Finished: the next run may be queued; while it is queued, nothing else is recorded,
    // but the queued run itself starts.
    finish(store, running, RunStatus::Failed, at(2)).await;
    let queued = store.queue_run(&i.id, SyncMode::Full, at(3)).await.unwrap();
    for refused in [
        store.start_run(&i.id, SyncMode::Full, at(4)).await,
        store.queue_run(&i.id, SyncMode::Delta, at(4)).await,
    ] {
        assert!(
            matches!(
                refused,
                Err(StoreError::RunInProgress { run_id, status: RunStatus::Queued, since, .. })
                    if run_id == queued && since == at(3)
            ),
            "{refused:?}"
        );
    }
    store
        .start_queued_run(queued, SyncMode::Full, at(5))
        .await
        .unwrap();
    assert!(matches!(
        store.queue_run(&i.id, SyncMode::Full, at(6)).await,
        Err(StoreError::RunInProgress { run_id, status: RunStatus::Running, since, .. })
            if run_id == queued && since == at(5)
    ));
    finish(store, queued, RunStatus::Succeeded, at(7)).await;
    let next = store
        .start_run(&i.id, SyncMode::Delta, at(8))
        .await
        .unwrap();
    assert!(next > elsewhere);

    // The check holds across connections to the same file (another process): a second
    // store opened on it sees the running run and refuses too.
    let second = SqliteStore::open(&f.path, f.key.clone()).unwrap();
    assert!(matches!(
        second.start_run(&i.id, SyncMode::Full, at(9)).await,
        Err(StoreError::RunInProgress { run_id, .. }) if run_id == next
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_starts_from_two_processes_record_one_run() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    // Two stores on one file stand for two processes: each has its own writer connection.
    let stores = [
        f.store.clone(),
        SqliteStore::open(&f.path, f.key.clone()).unwrap(),
    ];
    let mut attempts = tokio::task::JoinSet::new();
    for n in 0..8 {
        let store = stores[n % 2].clone();
        let id = i.id.clone();
        attempts.spawn(async move {
            if n % 3 == 0 {
                store.queue_run(&id, SyncMode::Full, at(0)).await
            } else {
                store.start_run(&id, SyncMode::Full, at(0)).await
            }
        });
    }
    let (mut recorded, mut refused) = (Vec::new(), 0);
    while let Some(result) = attempts.join_next().await {
        match result.unwrap() {
            Ok(run) => recorded.push(run),
            Err(StoreError::RunInProgress { .. }) => refused += 1,
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!((recorded.len(), refused), (1, 7));
    let runs = f.store.last_runs(&i.id, 10).await.unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), recorded);
}

#[tokio::test]
async fn removing_an_integration_removes_its_data() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Job, "1", json!({}))],
        )
        .await
        .unwrap();
    store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    assert!(
        store
            .remove_integration(&i.environment_id, &i.id)
            .await
            .unwrap()
    );
    assert!(remote_ids(store, &query(&i, Model::Job)).await.is_empty());
    assert!(store.last_runs(&i.id, 5).await.unwrap().is_empty());
    let raw = rusqlite::Connection::open(&f.path).unwrap();
    let rows: i64 = raw
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn corrupt_rows_are_reported_not_panicked_on() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    f.store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Job, "1", json!({}))],
        )
        .await
        .unwrap();
    let raw = rusqlite::Connection::open(&f.path).unwrap();
    raw.execute("UPDATE records SET document = 'not json'", [])
        .unwrap();
    let err = f
        .store
        .list_records(&query(&i, Model::Job))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
}

#[tokio::test]
async fn in_memory_store_works_without_read_connections() {
    let store = SqliteStore::open_in_memory(SecretKey::generate()).unwrap();
    let i = env_and_integration(&store).await;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Tag, "t", json!({"name": "x"}))],
        )
        .await
        .unwrap();
    assert_eq!(remote_ids(&store, &query(&i, Model::Tag)).await, vec!["t"]);
}

/// Relation keys follow the document through inserts, updates and deletions, and every
/// relation and key filter answers from them.
#[tokio::test]
async fn indexed_relations_follow_document_changes() {
    let f = fixture();
    let i = env_and_integration(&f.store).await;
    let store = &f.store;
    let app = |remote_id: &str, job: &str, candidate: &str, outcome: &str| {
        write(
            &i,
            Model::Application,
            remote_id,
            json!({"job_remote_id": job, "candidate_remote_id": candidate,
                   "current_stage_remote_id": "s1", "outcome": outcome}),
        )
    };
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![
                write(
                    &i,
                    Model::Job,
                    "j1",
                    json!({"name": "Rust Engineer", "status": "OPEN"}),
                ),
                write(
                    &i,
                    Model::Job,
                    "j2",
                    json!({"name": "Designer", "status": "CLOSED"}),
                ),
                write(&i, Model::Candidate, "c1", json!({})),
                write(&i, Model::Candidate, "c2", json!({})),
                write(&i, Model::Candidate, "c3", json!({})),
                app("a1", "j1", "c1", "PENDING"),
                app("a2", "j2", "c2", "HIRED"),
                app("a3", "j1", "c3", "DECLINED"),
            ],
        )
        .await
        .unwrap();
    let related = |model: Model, key: RecordKey, values: &[&str]| {
        RelationQuery::new(
            i.id.clone(),
            model,
            key,
            values.iter().map(|v| v.to_string()).collect(),
        )
    };
    let found = |records: Vec<atsbridge_store::StoredRecord>| -> Vec<String> {
        records.into_iter().map(|r| r.remote_id).collect()
    };
    let apps_of = related(
        Model::Application,
        RecordKey::CandidateRemoteId,
        &["c1", "c3"],
    );
    assert_eq!(
        found(store.find_related(&apps_of).await.unwrap()),
        vec!["a1", "a3"]
    );

    // An application that moves to another candidate moves its key with it.
    store
        .apply_batch(&i.id, None, at(1), vec![app("a3", "j2", "c2", "DECLINED")])
        .await
        .unwrap();
    assert_eq!(
        found(store.find_related(&apps_of).await.unwrap()),
        vec!["a1"]
    );

    // Key filters on lists, and candidates by the jobs they applied to.
    let mut q = query(&i, Model::Application);
    q.key_filters = vec![KeyFilter {
        key: RecordKey::JobRemoteId,
        values: vec!["j2".into()],
    }];
    assert_eq!(remote_ids(store, &q).await, vec!["a2", "a3"]);
    let mut q = query(&i, Model::Candidate);
    q.applied_to_jobs = Some(vec!["j2".into()]);
    assert_eq!(remote_ids(store, &q).await, vec!["c2"]);
    q.applied_to_jobs = Some(vec!["j1".into()]);
    assert_eq!(remote_ids(store, &q).await, vec!["c1"]);
    let mut q = query(&i, Model::Job);
    q.name_contains = Some("ENGIN".into());
    assert_eq!(remote_ids(store, &q).await, vec!["j1"]);
    q.name_contains = None;
    q.key_filters = vec![KeyFilter {
        key: RecordKey::Status,
        values: vec!["CLOSED".into()],
    }];
    assert_eq!(remote_ids(store, &q).await, vec!["j2"]);

    // Deleted applications are related only with include_deleted, and stop counting for
    // the candidates' job filter.
    let run = store.start_run(&i.id, SyncMode::Full, at(2)).await.unwrap();
    store
        .apply_batch(
            &i.id,
            Some(run),
            at(3),
            vec![
                app("a1", "j1", "c1", "PENDING"),
                app("a2", "j2", "c2", "HIRED"),
            ],
        )
        .await
        .unwrap();
    let marked = store
        .mark_unseen_deleted(&i.id, Model::Application, run, at(4))
        .await
        .unwrap();
    assert_eq!(found(marked), vec!["a3"]);
    let mut with_deleted = related(Model::Application, RecordKey::CandidateRemoteId, &["c2"]);
    assert_eq!(
        found(store.find_related(&with_deleted).await.unwrap()),
        vec!["a2"]
    );
    with_deleted.include_deleted = true;
    assert_eq!(
        found(store.find_related(&with_deleted).await.unwrap()),
        vec!["a2", "a3"]
    );

    // Tracked-only relations see only tracked applications.
    store
        .track_application(
            &i.id,
            TrackedApplication {
                application_remote_id: "a2".into(),
                candidate_remote_id: Some("c2".into()),
                job_remote_id: Some("j2".into()),
            },
            at(5),
        )
        .await
        .unwrap();
    let mut tracked = related(Model::Application, RecordKey::JobRemoteId, &["j1", "j2"]);
    tracked.restrict_to_tracked = Some(TrackedRestriction::Applications);
    assert_eq!(
        found(store.find_related(&tracked).await.unwrap()),
        vec!["a2"]
    );
    let mut q = query(&i, Model::Candidate);
    q.restrict_to_tracked = Some(TrackedRestriction::Candidates);
    q.applied_to_jobs = Some(vec!["j1".into()]);
    assert!(
        remote_ids(store, &q).await.is_empty(),
        "c1 applied to j1, but not through a tracked application"
    );
}

/// A database written before the key index existed gets its keys derived on open.
#[tokio::test]
async fn opening_an_older_database_backfills_the_key_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let key = SecretKey::generate();
    let store = SqliteStore::open(&path, key.clone()).unwrap();
    let i = env_and_integration(&store).await;
    store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(
                &i,
                Model::Application,
                "a1",
                json!({"job_remote_id": "j1", "candidate_remote_id": "c1"}),
            )],
        )
        .await
        .unwrap();
    drop(store);
    // Turn the file back into a version-2 database: no key index, no generated column.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE record_keys;
             DROP INDEX records_by_updated_at;
             DROP INDEX records_live_by_seq;
             DROP INDEX sync_runs_by_status;
             ALTER TABLE records DROP COLUMN updated_at;
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path, key).unwrap();
    let apps = store
        .find_related(&RelationQuery::new(
            i.id.clone(),
            Model::Application,
            RecordKey::JobRemoteId,
            vec!["j1".into()],
        ))
        .await
        .unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].remote_id, "a1");
}

/// `store copy` moves every table, keeps ids, sequence numbers and sealed credentials, and
/// refuses a target that holds data.
#[tokio::test]
async fn copy_moves_everything_and_checks_it() {
    let source = fixture();
    let store = &source.store;
    let i = env_and_integration(store).await;
    let secret = store
        .create_api_key(&i.environment_id, "copy")
        .await
        .unwrap()
        .secret;
    let run = store.start_run(&i.id, SyncMode::Full, at(0)).await.unwrap();
    store
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
    store
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
    store
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
    store
        .save_sync_state(&i.id, &json!({"cursor": 7}))
        .await
        .unwrap();

    let target_dir = tempfile::tempdir().unwrap();
    let target = SqliteStore::open(target_dir.path().join("copy.db"), source.key.clone()).unwrap();
    let mut pages = 0;
    let checks = atsbridge_store::copy_store(store, &target, |_, _| pages += 1)
        .await
        .unwrap();
    assert!(pages >= 6, "every non-empty table is copied");
    assert!(checks.iter().all(|c| c.matches()));
    let records = checks
        .iter()
        .find(|c| c.table == atsbridge_store::ExportTable::Records)
        .unwrap();
    assert_eq!(records.target_rows, 2);

    // The copy works as a store: keys, credentials, records, relations, runs and state.
    assert_eq!(
        target.authenticate_api_key(&secret).await.unwrap(),
        Some(i.environment_id.clone())
    );
    assert_eq!(
        target.integration_credentials(&i.id).await.unwrap(),
        store.integration_credentials(&i.id).await.unwrap()
    );
    assert_eq!(
        target
            .list_records(&query(&i, Model::Candidate))
            .await
            .unwrap(),
        store
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
        store.last_runs(&i.id, 5).await.unwrap()
    );
    assert_eq!(
        target.load_sync_state(&i.id).await.unwrap(),
        Some(json!({"cursor": 7}))
    );
    assert_eq!(target.tracked_applications(&i.id).await.unwrap().len(), 1);
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
    let next_run = target
        .start_run(&i.id, SyncMode::Full, at(5))
        .await
        .unwrap();
    assert!(next_run > run);

    // A target with data is refused before anything is written.
    let err = atsbridge_store::copy_store(store, &target, |_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TargetNotEmpty), "{err}");

    // The check sees a changed row.
    let raw = rusqlite::Connection::open(target_dir.path().join("copy.db")).unwrap();
    raw.execute("UPDATE tracked_applications SET job_remote_id = 'j9'", [])
        .unwrap();
    let checks = atsbridge_store::compare_stores(store, &target)
        .await
        .unwrap();
    let tracked = checks
        .iter()
        .find(|c| c.table == atsbridge_store::ExportTable::TrackedApplications)
        .unwrap();
    assert_eq!(tracked.source_rows, tracked.target_rows);
    assert!(!tracked.matches(), "{tracked:?}");
}

/// Concurrent reads share a bounded pool of connections instead of opening one each.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reads_never_open_more_connections_than_the_pool_allows() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_with(
        dir.path().join("pool.db"),
        SecretKey::generate(),
        atsbridge_store::SqliteOptions {
            max_readers: 2,
            ..Default::default()
        },
    )
    .unwrap();
    let i = env_and_integration(&store).await;
    let writes = (0..200)
        .map(|n| write(&i, Model::Candidate, &format!("c{n}"), json!({"n": n})))
        .collect();
    store.apply_batch(&i.id, None, at(0), writes).await.unwrap();
    let reads = (0..32).map(|_| {
        let store = store.clone();
        let q = query(&i, Model::Candidate);
        tokio::spawn(async move { store.list_records(&q).await.unwrap().len() })
    });
    for read in futures::future::join_all(reads).await {
        assert_eq!(read.unwrap(), 100);
    }
    assert!(
        (1..=2).contains(&store.open_readers()),
        "{} read connections",
        store.open_readers()
    );
    let err = SqliteStore::open_with(
        dir.path().join("zero.db"),
        SecretKey::generate(),
        atsbridge_store::SqliteOptions {
            max_readers: 0,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, StoreError::InvalidArgument(_)), "{err}");
}
