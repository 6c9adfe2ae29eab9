//! What the operator dashboard reads: the admin token hash, record counts per model and the
//! per-day `changed_at` histogram, and that the two record queries are index-only.

use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{DailyChanges, ModelRecordCount, SyncMode};
use serde_json::json;

use crate::fixture::*;

const DAY: i64 = 86_400;

on_both_backends!(
    admin_token_hash_is_replaced_not_added,
    counts_and_histogram_follow_the_records,
    dashboard_queries_use_indexes,
);

async fn admin_token_hash_is_replaced_not_added(f: &Fixture) {
    let store = &*f.store;
    assert_eq!(store.admin_token_hash().await.unwrap(), None);
    store.set_admin_token_hash(&[7; 32]).await.unwrap();
    assert_eq!(store.admin_token_hash().await.unwrap(), Some([7; 32]));
    store.set_admin_token_hash(&[9; 32]).await.unwrap();
    assert_eq!(store.admin_token_hash().await.unwrap(), Some([9; 32]));
    // Kept across reopening, and not counted as data (`store copy` still sees it empty).
    let reopened = f.reopen().await;
    assert_eq!(reopened.admin_token_hash().await.unwrap(), Some([9; 32]));
    assert!(reopened.is_empty().await.unwrap());
}

/// Midnight UTC of the day `at(seconds)` falls on.
fn day_of(seconds: i64) -> Timestamp {
    let t = 1_700_000_000 + seconds;
    Timestamp::from(chrono::DateTime::from_timestamp(t - t.rem_euclid(DAY), 0).unwrap())
}

async fn counts_and_histogram_follow_the_records(f: &Fixture) {
    let store = &*f.store;
    let i = env_and_integration(store).await;
    let other = integration(store, &i.environment_id).await;
    let jobs = |n: usize, tag: &str| {
        (0..n)
            .map(|k| {
                write(
                    &i,
                    Model::Job,
                    &format!("j{k}"),
                    json!({"name": format!("{tag}{k}")}),
                )
            })
            .collect::<Vec<_>>()
    };
    // Day 0: three jobs and a candidate; day 2: one job changes, one is unchanged.
    store
        .apply_batch(&i.id, None, at(0), jobs(3, "a"))
        .await
        .unwrap();
    let candidate = write(&i, Model::Candidate, "c1", json!({"first_name": "Ada"}));
    store
        .apply_batch(&i.id, None, at(0), vec![candidate])
        .await
        .unwrap();
    let changed = write(&i, Model::Job, "j0", json!({"name": "renamed"}));
    let same = write(&i, Model::Job, "j1", json!({"name": "a1"}));
    store
        .apply_batch(&i.id, None, at(2 * DAY), vec![changed, same])
        .await
        .unwrap();
    // Another integration's records never show up.
    let noise = write(&other, Model::Job, "x", json!({"name": "x"}));
    store
        .apply_batch(&other.id, None, at(0), vec![noise])
        .await
        .unwrap();
    // Day 3: a run that saw only j0 and j1 marks j2 deleted.
    let run = store
        .start_run(&i.id, SyncMode::Full, at(3 * DAY))
        .await
        .unwrap();
    let seen = vec![
        write(&i, Model::Job, "j0", json!({"name": "renamed"})),
        write(&i, Model::Job, "j1", json!({"name": "a1"})),
    ];
    store
        .apply_batch(&i.id, Some(run), at(3 * DAY), seen)
        .await
        .unwrap();
    store
        .mark_unseen_deleted(&i.id, Model::Job, run, at(3 * DAY))
        .await
        .unwrap();

    assert_eq!(
        store.record_counts(&i.id).await.unwrap(),
        vec![
            ModelRecordCount {
                model: Model::Job,
                live: 2,
                deleted: 1
            },
            ModelRecordCount {
                model: Model::Candidate,
                live: 1,
                deleted: 0
            },
        ]
    );
    let histogram = store.changed_at_histogram(&i.id, at(0)).await.unwrap();
    let day = |model, d: i64, records| DailyChanges {
        model,
        day: day_of(d * DAY),
        records,
    };
    assert_eq!(
        histogram,
        vec![
            day(Model::Candidate, 0, 1),
            day(Model::Job, 0, 1),
            day(Model::Job, 2, 1),
            day(Model::Job, 3, 1),
        ]
    );
    // `since` cuts off earlier changes; an integration without records has none.
    let recent = store.changed_at_histogram(&i.id, at(DAY)).await.unwrap();
    assert_eq!(recent, vec![day(Model::Job, 2, 1), day(Model::Job, 3, 1)]);
    let empty = integration(store, &i.environment_id).await;
    assert!(store.record_counts(&empty.id).await.unwrap().is_empty());
    assert!(
        store
            .changed_at_histogram(&empty.id, at(0))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn dashboard_queries_use_indexes(f: &Fixture) {
    let store = &*f.store;
    let i = env_and_integration(store).await;
    let other = integration(store, &i.environment_id).await;
    for target in [&i, &other] {
        let writes = (0..60)
            .flat_map(|n| {
                [
                    write(target, Model::Job, &format!("j{n}"), json!({"name": n})),
                    write(
                        target,
                        Model::Candidate,
                        &format!("c{n}"),
                        json!({"first_name": n}),
                    ),
                ]
            })
            .collect();
        store
            .apply_batch(&target.id, None, at(0), writes)
            .await
            .unwrap();
    }
    f.raw_execute("ANALYZE").await;
    f.start_statement_log();
    store.record_counts(&i.id).await.unwrap();
    store
        .changed_at_histogram(&i.id, at(-30 * DAY))
        .await
        .unwrap();
    let plans = f.explain_logged().await;
    assert_eq!(plans.len(), 3, "{plans:#?}");
    assert_no_full_scans(&plans);
}
