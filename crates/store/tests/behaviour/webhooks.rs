//! Webhook endpoints, the outbox written with the changes it announces, delivery claims and
//! their leases, and API key bookkeeping (last use, rotation, revocation).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use atsbridge_store::{
    AttemptOutcome, DeliveryAttempt, DeliveryQuery, DeliveryStatus, ModelCounts, RunOutcome,
    RunStatus, StoreError, SyncMode, WebhookDelivery,
};
use serde_json::Value;

use crate::fixture::*;

const LEASE: Duration = Duration::from_secs(60);

async fn log(f: &Fixture) -> Vec<WebhookDelivery> {
    let mut all = f
        .store
        .list_webhook_deliveries(&DeliveryQuery::default())
        .await
        .unwrap();
    all.reverse();
    all
}

/// Claims what is due at `now`, records it as delivered, and returns the payloads.
async fn payloads(f: &Fixture, owner: &str, now: i64) -> Vec<Value> {
    let claimed = f
        .store
        .claim_webhook_deliveries(owner, at(now), LEASE, 100)
        .await
        .unwrap();
    for delivery in &claimed {
        let attempt = DeliveryAttempt {
            delivery_id: delivery.id,
            lease_owner: owner.to_owned(),
            at: at(now),
            outcome: AttemptOutcome::Delivered { http_status: 200 },
        };
        assert!(f.store.record_webhook_attempt(&attempt).await.unwrap());
    }
    claimed
        .iter()
        .map(|c| serde_json::from_str(&c.payload).unwrap())
        .collect()
}

/// Seconds after [`at`]'s origin that lie after the real clock (events written "now" are due).
const FUTURE: i64 = 200_000_000;

async fn endpoints_keep_their_secret_sealed_and_stay_in_their_environment(f: &Fixture) {
    let a = f.store.create_environment("A").await.unwrap();
    let b = f.store.create_environment("B").await.unwrap();
    let added = f
        .store
        .add_webhook_endpoint(&a.id, "https://hooks.example.com/atsbridge")
        .await
        .unwrap();
    assert!(added.secret.starts_with("whsec_"));
    assert!(added.endpoint.id.as_str().starts_with("whep_"));
    assert!(!format!("{added:?}").contains(&added.secret));
    let blobs = f.raw_blobs("SELECT secret FROM webhook_endpoints").await;
    assert_eq!(blobs.len(), 1);
    let key = added.secret.trim_start_matches("whsec_");
    assert!(!String::from_utf8_lossy(&blobs[0]).contains(key));

    assert_eq!(
        f.store.list_webhook_endpoints(Some(&a.id)).await.unwrap(),
        vec![added.endpoint.clone()]
    );
    assert!(
        f.store
            .list_webhook_endpoints(Some(&b.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(f.store.list_webhook_endpoints(None).await.unwrap().len(), 1);
    assert!(
        !f.store
            .remove_webhook_endpoint(&b.id, &added.endpoint.id)
            .await
            .unwrap(),
        "another environment's endpoint is not removed"
    );
    for bad in ["ftp://hooks.example.com/x", "hooks.example.com", ""] {
        let err = f.store.add_webhook_endpoint(&a.id, bad).await.unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidArgument(_)),
            "{bad}: {err}"
        );
    }
    assert!(
        f.store
            .remove_webhook_endpoint(&a.id, &added.endpoint.id)
            .await
            .unwrap()
    );
    assert!(
        f.store
            .list_webhook_endpoints(None)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn integration_changes_write_their_events_for_every_endpoint(f: &Fixture) {
    let env = f.store.create_environment("Prod").await.unwrap();
    let other = f.store.create_environment("Other").await.unwrap();
    let one = f
        .store
        .add_webhook_endpoint(&env.id, "https://one.example.com/")
        .await
        .unwrap();
    f.store
        .add_webhook_endpoint(&env.id, "https://two.example.com/")
        .await
        .unwrap();
    f.store
        .add_webhook_endpoint(&other.id, "https://other.example.com/")
        .await
        .unwrap();

    let i = integration(&*f.store, &env.id).await;
    let deliveries = log(f).await;
    assert_eq!(deliveries.len(), 2, "one per endpoint of the environment");
    assert!(deliveries.iter().all(|d| {
        d.event_type == "integration-created"
            && d.status == DeliveryStatus::Pending
            && d.attempts == 0
            && d.environment_id == env.id
    }));
    assert_eq!(deliveries[0].event_id, deliveries[1].event_id);
    assert!(deliveries[0].event_id.starts_with("msg_"));

    let created = payloads(f, "w", FUTURE).await;
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["type"], "integration-created");
    assert_eq!(
        created[0]["id"],
        Value::from(deliveries[0].event_id.clone())
    );
    assert_eq!(created[0]["data"]["id"], Value::from(i.id.to_string()));
    assert_eq!(created[0]["data"]["tool"], "erecruiter");
    assert_eq!(created[0]["data"]["category"], "ATS");

    assert!(f.store.remove_integration(&env.id, &i.id).await.unwrap());
    let deleted: Vec<WebhookDelivery> = log(f)
        .await
        .into_iter()
        .filter(|d| d.event_type == "integration-deleted")
        .collect();
    assert_eq!(deleted.len(), 2, "the event outlives the integration");

    // Removing an endpoint removes its deliveries; the other endpoint keeps its own.
    f.store
        .remove_webhook_endpoint(&env.id, &one.endpoint.id)
        .await
        .unwrap();
    assert!(
        log(f)
            .await
            .iter()
            .all(|d| d.endpoint_id != one.endpoint.id)
    );
    assert_eq!(log(f).await.len(), 2);
}

async fn an_environment_without_endpoints_still_records_events(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    assert_eq!(
        f.raw_count("SELECT count(*) FROM webhook_events WHERE event_type = 'integration-created'")
            .await,
        1
    );
    assert!(log(f).await.is_empty());
    // An endpoint added later does not receive what happened before it.
    f.store
        .add_webhook_endpoint(&i.environment_id, "https://late.example.com/")
        .await
        .unwrap();
    assert!(log(f).await.is_empty());
}

fn outcome(status: RunStatus, finished: i64, counts: &[(&str, ModelCounts)]) -> RunOutcome {
    RunOutcome {
        status,
        finished_at: at(finished),
        counts: counts
            .iter()
            .map(|(model, c)| ((*model).to_owned(), *c))
            .collect::<BTreeMap<_, _>>(),
        requests: Some(4),
        error: None,
    }
}

async fn finished_runs_announce_themselves_and_only_real_changes(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    f.store
        .add_webhook_endpoint(&i.environment_id, "https://hooks.example.com/")
        .await
        .unwrap();

    // A run that only re-read records: sync-finished, no data-changed.
    let quiet = f
        .store
        .start_run(&i.id, SyncMode::Full, at(0))
        .await
        .unwrap();
    let unchanged = ModelCounts {
        unchanged: 40,
        ..ModelCounts::default()
    };
    f.store
        .finish_run(
            quiet,
            outcome(RunStatus::Succeeded, 95, &[("job", unchanged)]),
        )
        .await
        .unwrap();
    let first = payloads(f, "w", 100).await;
    assert_eq!(first.len(), 1, "{first:#?}");
    let data = &first[0]["data"];
    assert_eq!(first[0]["type"], "sync-finished");
    assert_eq!(data["sync_id"], Value::from(quiet.to_string()));
    assert_eq!(data["sync_state"], "SUCCEEDED");
    assert_eq!(data["sync_duration_seconds"], 95);
    assert_eq!(data["integration_id"], Value::from(i.id.to_string()));
    assert_eq!(data["integration_category"], "ATS");
    assert!(
        data["log_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/dashboard/integrations/{}/runs/{quiet}", i.id))
    );

    // A failed run that still wrote and deleted records announces both.
    let busy = f
        .store
        .start_run(&i.id, SyncMode::Delta, at(200))
        .await
        .unwrap();
    let changed = |inserted, deleted| ModelCounts {
        inserted,
        deleted,
        unchanged: 3,
        ..ModelCounts::default()
    };
    f.store
        .finish_run(
            busy,
            outcome(
                RunStatus::Failed,
                210,
                &[
                    ("candidate", changed(2, 0)),
                    ("job", unchanged),
                    ("job_screening_question", changed(0, 1)),
                ],
            ),
        )
        .await
        .unwrap();
    let second = payloads(f, "w", 300).await;
    let types: BTreeSet<&str> = second.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(types, BTreeSet::from(["sync-finished", "data-changed"]));
    let finished = second
        .iter()
        .find(|p| p["type"] == "sync-finished")
        .unwrap();
    assert_eq!(finished["data"]["sync_state"], "FAILED");
    let data_changed = second.iter().find(|p| p["type"] == "data-changed").unwrap();
    assert_eq!(
        data_changed["data"]["changed_models"],
        serde_json::json!([
            {"name": "ats_candidates"},
            {"name": "ats_join_jobs_screening_questions"}
        ])
    );
}

async fn claims_hold_a_lease_and_outcomes_move_deliveries(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    let env = i.environment_id.clone();
    f.store
        .add_webhook_endpoint(&env, "https://hooks.example.com/")
        .await
        .unwrap();
    for _ in 0..3 {
        let event = atsbridge_store::webhooks::integration_created(&i);
        f.store.emit_webhook_event(&env, &event).await.unwrap();
    }
    let now = FUTURE;
    let claimed = f
        .store
        .claim_webhook_deliveries("a", at(now), LEASE, 2)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2, "the limit holds");
    let rest = f
        .store
        .claim_webhook_deliveries("b", at(now), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1, "leased deliveries are not claimed again");
    assert!(
        f.store
            .claim_webhook_deliveries("c", at(now + 1), LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Only the lease owner records an attempt.
    let attempt = |id, owner: &str, outcome| DeliveryAttempt {
        delivery_id: id,
        lease_owner: owner.to_owned(),
        at: at(now + 2),
        outcome,
    };
    let delivered = AttemptOutcome::Delivered { http_status: 204 };
    assert!(
        !f.store
            .record_webhook_attempt(&attempt(claimed[0].id, "b", delivered.clone()))
            .await
            .unwrap()
    );
    assert!(
        f.store
            .record_webhook_attempt(&attempt(claimed[0].id, "a", delivered.clone()))
            .await
            .unwrap()
    );
    assert!(
        !f.store
            .record_webhook_attempt(&attempt(claimed[0].id, "a", delivered))
            .await
            .unwrap(),
        "a delivered delivery is not recorded twice"
    );

    // A retry waits for its time; then it can be claimed again.
    let retry = AttemptOutcome::Retry {
        next_attempt_at: at(now + 100),
        error: "the endpoint answered with HTTP 503".into(),
        http_status: Some(503),
    };
    assert!(
        f.store
            .record_webhook_attempt(&attempt(claimed[1].id, "a", retry))
            .await
            .unwrap()
    );
    let failed = AttemptOutcome::Failed {
        error: "cannot connect to the endpoint".into(),
        http_status: None,
    };
    assert!(
        f.store
            .record_webhook_attempt(&attempt(rest[0].id, "b", failed))
            .await
            .unwrap()
    );
    assert!(
        f.store
            .claim_webhook_deliveries("a", at(now + 99), LEASE, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let again = f
        .store
        .claim_webhook_deliveries("a", at(now + 100), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, claimed[1].id);
    assert_eq!(again[0].attempts, 1);

    let by_id: BTreeMap<i64, WebhookDelivery> =
        log(f).await.into_iter().map(|d| (d.id, d)).collect();
    let done = &by_id[&claimed[0].id];
    assert_eq!(done.status, DeliveryStatus::Delivered);
    assert_eq!((done.attempts, done.last_http_status), (1, Some(204)));
    assert_eq!(done.delivered_at, Some(at(now + 2)));
    let waiting = &by_id[&claimed[1].id];
    assert_eq!(waiting.status, DeliveryStatus::Pending);
    assert_eq!(waiting.last_http_status, Some(503));
    assert_eq!(waiting.next_attempt_at, at(now + 100));
    let gone = &by_id[&rest[0].id];
    assert_eq!(gone.status, DeliveryStatus::Failed);
    assert_eq!(
        gone.last_error.as_deref(),
        Some("cannot connect to the endpoint")
    );
    let failed_only = f
        .store
        .list_webhook_deliveries(&DeliveryQuery {
            status: Some(DeliveryStatus::Failed),
            ..DeliveryQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(failed_only.len(), 1);

    // A worker that stopped mid-attempt: its lease expires and another takes over.
    let taken = f
        .store
        .claim_webhook_deliveries("late", at(now + 161), LEASE, 10)
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    assert!(
        !f.store
            .record_webhook_attempt(&attempt(
                again[0].id,
                "a",
                AttemptOutcome::Delivered { http_status: 200 }
            ))
            .await
            .unwrap(),
        "the expired owner cannot record any more"
    );
}

async fn concurrent_claims_from_several_processes_never_overlap(f: &Fixture) {
    let i = env_and_integration(&*f.store).await;
    for n in 0..4 {
        f.store
            .add_webhook_endpoint(&i.environment_id, &format!("https://h{n}.example.com/"))
            .await
            .unwrap();
    }
    for _ in 0..10 {
        let event = atsbridge_store::webhooks::integration_created(&i);
        f.store
            .emit_webhook_event(&i.environment_id, &event)
            .await
            .unwrap();
    }
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let store = f.reopen().await;
        tasks.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = store
                    .claim_webhook_deliveries(&format!("w{worker}"), at(FUTURE), LEASE, 3)
                    .await
                    .unwrap();
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|c| c.id));
            }
        });
    }
    let mut all = Vec::new();
    while let Some(ids) = tasks.join_next().await {
        all.extend(ids.unwrap());
    }
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), 40, "every delivery claimed");
    assert_eq!(distinct.len(), 40, "none claimed twice");
}

async fn api_keys_record_their_last_use_and_rotate_atomically(f: &Fixture) {
    let env = f.store.create_environment("Prod").await.unwrap();
    let key = f.store.create_api_key(&env.id, "backend").await.unwrap();
    let listed = f.store.list_api_keys(&env.id).await.unwrap();
    assert_eq!(listed[0].last_used_at, None);

    assert_eq!(
        f.store.authenticate_api_key(&key.secret).await.unwrap(),
        Some(env.id.clone())
    );
    let first_use = f.store.list_api_keys(&env.id).await.unwrap()[0].last_used_at;
    assert!(first_use.is_some());
    // Within the minute, authenticating again writes nothing.
    f.store.authenticate_api_key(&key.secret).await.unwrap();
    assert_eq!(
        f.store.list_api_keys(&env.id).await.unwrap()[0].last_used_at,
        first_use
    );
    // Once the recorded use is older than a minute, it moves.
    f.raw_execute("UPDATE api_keys SET last_used_at = 1000")
        .await;
    f.store.authenticate_api_key(&key.secret).await.unwrap();
    let later = f.store.list_api_keys(&env.id).await.unwrap()[0].last_used_at;
    assert!(later >= first_use, "{later:?} after {first_use:?}");

    // Rotation: a new secret with the same label, the old one dead at once, everywhere.
    let other_process = f.reopen().await;
    assert!(
        other_process
            .authenticate_api_key(&key.secret)
            .await
            .unwrap()
            .is_some()
    );
    let rotated = f
        .store
        .rotate_api_key(&env.id, &key.id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(rotated.secret, key.secret);
    assert_eq!(
        other_process
            .authenticate_api_key(&key.secret)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        other_process
            .authenticate_api_key(&rotated.secret)
            .await
            .unwrap(),
        Some(env.id.clone())
    );
    let keys = f.store.list_api_keys(&env.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].id.clone(), keys[0].label.as_str()),
        (rotated.id.clone(), "backend")
    );
    assert!(
        f.store
            .rotate_api_key(&env.id, &key.id)
            .await
            .unwrap()
            .is_none(),
        "the old key is gone"
    );

    // Revocation: the next request fails, also on the other process.
    assert!(f.store.revoke_api_key(&env.id, &rotated.id).await.unwrap());
    assert_eq!(
        other_process
            .authenticate_api_key(&rotated.secret)
            .await
            .unwrap(),
        None
    );
}

on_both_backends!(
    endpoints_keep_their_secret_sealed_and_stay_in_their_environment,
    integration_changes_write_their_events_for_every_endpoint,
    an_environment_without_endpoints_still_records_events,
    finished_runs_announce_themselves_and_only_real_changes,
    claims_hold_a_lease_and_outcomes_move_deliveries,
    concurrent_claims_from_several_processes_never_overlap,
    api_keys_record_their_last_use_and_rotate_atomically,
);
