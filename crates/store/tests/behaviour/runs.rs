//! Sync runs, leases, the one-run-per-integration rule and sync state.

use std::collections::BTreeMap;

use atsbridge_store::{ModelCounts, RunId, RunOutcome, RunStatus, StoreError, SyncMode};
use serde_json::json;

use crate::fixture::*;

async fn runs_are_recorded_and_state_is_kept(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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

async fn queued_runs_start_once_and_are_closed_after_a_restart(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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
    // Another process starting later (the first one stopped) sees them.
    let reopened = f.reopen().await;
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

async fn a_run_whose_lease_expired_is_closed_and_the_next_one_starts(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    // Another process (its own connection) holds a run and beats it.
    let holder = f.reopen().await;
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
    finish(&*f.store, next, RunStatus::Succeeded, at(200)).await;
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

async fn closing_stale_runs_leaves_a_live_run_of_another_process_alone(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let other = integration(&*f.store, &i.environment_id).await;
    // `atsbridge sync` in another process started long ago and keeps beating.
    let live_process = f.reopen().await;
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

async fn an_integration_has_at_most_one_run_queued_or_running(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let store = &*f.store;
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
    let second = f.reopen().await;
    assert!(matches!(
        second.start_run(&i.id, SyncMode::Full, at(9)).await,
        Err(StoreError::RunInProgress { run_id, .. }) if run_id == next
    ));
}

async fn racing_starts_from_two_processes_record_one_run(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    // Two stores on one file stand for two processes: each has its own writer connection.
    let stores = [f.store.clone(), f.reopen().await];
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

on_both_backends!(
    runs_are_recorded_and_state_is_kept,
    queued_runs_start_once_and_are_closed_after_a_restart,
    a_run_whose_lease_expired_is_closed_and_the_next_one_starts,
    closing_stale_runs_leaves_a_live_run_of_another_process_alone,
    an_integration_has_at_most_one_run_queued_or_running,
    racing_starts_from_two_processes_record_one_run,
);
