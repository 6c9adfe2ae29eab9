//! Record writes, keyset lists, filters, relations and the key index.

use atsbridge_schema::Model;
use atsbridge_store::{
    BatchResult, KeyFilter, RecordKey, RelationQuery, RunId, RunStatus, StoreError, SyncMode,
    TrackedApplication, TrackedRestriction,
};
use serde_json::json;

use crate::fixture::*;

async fn apply_batch_moves_changed_at_only_on_real_changes(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn records_written_outside_the_run_after_it_started_are_not_deleted(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn keyset_pages_stay_stable_while_records_change(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn list_filters_combine_with_and(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn tracked_applications_restrict_candidates_and_applications(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

/// Relation keys follow the document through inserts, updates and deletions, and every
/// relation and key filter answers from them.
async fn indexed_relations_follow_document_changes(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn corrupt_rows_are_reported_not_panicked_on(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    f.store
        .apply_batch(
            &i.id,
            None,
            at(0),
            vec![write(&i, Model::Job, "1", json!({}))],
        )
        .await
        .unwrap();
    f.raw_execute("UPDATE records SET document = 'not json'")
        .await;
    let err = f
        .store
        .list_records(&query(&i, Model::Job))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
}

on_both_backends!(
    apply_batch_moves_changed_at_only_on_real_changes,
    records_written_outside_the_run_after_it_started_are_not_deleted,
    keyset_pages_stay_stable_while_records_change,
    list_filters_combine_with_and,
    tracked_applications_restrict_candidates_and_applications,
    indexed_relations_follow_document_changes,
    corrupt_rows_are_reported_not_panicked_on,
);
