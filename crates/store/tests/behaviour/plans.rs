//! Every query shape the server issues is answered from indexes: no plan reads all of
//! `records` or `record_keys`.

use atsbridge_schema::{KomboId, Model};
use atsbridge_store::{
    KeyFilter, RecordKey, RecordQuery, RelationQuery, SyncMode, TrackedApplication,
    TrackedRestriction,
};
use serde_json::json;

use crate::fixture::*;

/// Models the API lists.
const LISTED: [Model; 4] = [
    Model::Job,
    Model::Candidate,
    Model::Application,
    Model::JobScreeningQuestion,
];

async fn every_record_query_uses_indexes(f: &Fixture) {
    let store = &*f.store;
    let env = store.create_environment("Plans").await.unwrap();
    let i = integration(store, &env.id).await;
    let key = store.create_api_key(&env.id, "plans").await.unwrap();
    // Enough rows of every model (and of a second integration) that a scan would be a
    // real choice for the planner.
    let other = integration(store, &env.id).await;
    for target in [&i, &other] {
        let mut writes = Vec::new();
        for n in 0..40 {
            writes.push(write(
                target,
                Model::Job,
                &format!("j{n}"),
                json!({"name": format!("Rust Engineer {n}"), "status": "OPEN",
                       "job_code": format!("C{n}"), "post_url": "https://x", "visibility": "PUBLIC",
                       "employment_type": "FULL_TIME"}),
            ));
            writes.push(write(
                target,
                Model::Candidate,
                &format!("c{n}"),
                json!({"first_name": "Ada", "last_name": format!("L{n}"),
                       "email_addresses": [{"email_address": format!("c{n}@x.org")}]}),
            ));
            writes.push(write(
                target,
                Model::Application,
                &format!("a{n}"),
                json!({"job_remote_id": format!("j{}", n % 5), "candidate_remote_id": format!("c{n}"),
                       "current_stage_remote_id": "s1", "outcome": "PENDING"}),
            ));
            writes.push(write(
                target,
                Model::JobScreeningQuestion,
                &format!("q{n}"),
                json!({"job_remote_id": format!("j{}", n % 5), "question_remote_id": format!("qq{n}")}),
            ));
        }
        store
            .apply_batch(&target.id, None, at(0), writes)
            .await
            .unwrap();
    }
    store
        .track_application(
            &i.id,
            TrackedApplication {
                application_remote_id: "a1".into(),
                candidate_remote_id: Some("c1".into()),
                job_remote_id: Some("j1".into()),
            },
            at(1),
        )
        .await
        .unwrap();
    let run = store.start_run(&i.id, SyncMode::Full, at(2)).await.unwrap();
    finish(store, run, atsbridge_store::RunStatus::Succeeded, at(3)).await;

    // Planner statistics as a live database has them, so plans are the ones it would pick.
    f.raw_execute("ANALYZE").await;
    f.start_statement_log();

    // Lookups of every request.
    store.authenticate_api_key(&key.secret).await.unwrap();
    store.get_integration(&env.id, &i.id).await.unwrap();
    store.find_integration(&i.id).await.unwrap();
    store.has_completed_sync(&i.id).await.unwrap();

    // Every list shape, alone and combined.
    let mut queries: Vec<RecordQuery> = Vec::new();
    for model in LISTED {
        let base = query(&i, model);
        queries.push(base.clone());
        let mut q = base.clone();
        q.include_deleted = true;
        queries.push(q);
        let mut q = base.clone();
        q.after_seq = Some(5);
        q.limit = 10;
        queries.push(q);
        let mut q = base.clone();
        q.updated_after = Some(at(-10));
        queries.push(q);
        let mut q = base.clone();
        q.updated_after = Some(at(10));
        q.include_deleted = true;
        queries.push(q);
        let mut q = base.clone();
        q.remote_created_after = Some(at(-10));
        queries.push(q);
        let mut q = base.clone();
        q.ids = Some(vec![KomboId::derive(i.id.as_str(), model, "x1")]);
        queries.push(q);
        let mut q = base.clone();
        q.remote_ids = Some(vec!["j1".into(), "c2".into(), "a3".into()]);
        queries.push(q);
        for key in RecordKey::ALL.into_iter().filter(|k| k.applies_to(model)) {
            let mut q = base.clone();
            q.key_filters = vec![KeyFilter {
                key,
                values: vec!["j1".into(), "OPEN".into(), "ada".into()],
            }];
            queries.push(q.clone());
            q.after_seq = Some(3);
            q.include_deleted = true;
            queries.push(q);
        }
        for by in [
            TrackedRestriction::Applications,
            TrackedRestriction::Candidates,
        ] {
            let mut q = base.clone();
            q.restrict_to_tracked = Some(by);
            queries.push(q);
        }
    }
    let mut q = query(&i, Model::Job);
    q.name_contains = Some("engineer 1".into());
    queries.push(q.clone());
    q.key_filters = vec![KeyFilter {
        key: RecordKey::Status,
        values: vec!["OPEN".into()],
    }];
    q.after_seq = Some(2);
    queries.push(q);
    let mut q = query(&i, Model::Candidate);
    q.applied_to_jobs = Some(vec!["j1".into(), "j2".into()]);
    queries.push(q.clone());
    q.restrict_to_tracked = Some(TrackedRestriction::Candidates);
    queries.push(q.clone());
    q.key_filters = vec![KeyFilter {
        key: RecordKey::Email,
        values: vec!["c1@x.org".into()],
    }];
    q.updated_after = Some(at(-1));
    queries.push(q);
    for q in &queries {
        store.list_records(q).await.unwrap();
    }

    // Every relation lookup.
    for (model, key) in [
        (Model::Application, RecordKey::CandidateRemoteId),
        (Model::Application, RecordKey::JobRemoteId),
        (Model::Application, RecordKey::CurrentStageRemoteId),
        (Model::JobScreeningQuestion, RecordKey::JobRemoteId),
        (Model::JobScreeningQuestion, RecordKey::QuestionRemoteId),
    ] {
        let mut relation = RelationQuery::new(
            i.id.clone(),
            model,
            key,
            vec!["c1".into(), "j1".into(), "s1".into(), "qq1".into()],
        );
        store.find_related(&relation).await.unwrap();
        relation.include_deleted = true;
        store.find_related(&relation).await.unwrap();
        relation.restrict_to_tracked = Some(TrackedRestriction::Applications);
        store.find_related(&relation).await.unwrap();
    }

    // Loads by id, relation touches and the connector's known ids.
    for model in LISTED {
        store
            .get_by_ids(&i.id, model, &[KomboId::derive(i.id.as_str(), model, "j1")])
            .await
            .unwrap();
        store
            .get_by_remote_ids(&i.id, model, &["j1".into(), "c1".into()])
            .await
            .unwrap();
        store
            .touch_relations(&i.id, model, &["j1".into(), "c1".into()], at(5))
            .await
            .unwrap();
        store.known_remote_ids(&i.id, model, false).await.unwrap();
        store.known_remote_ids(&i.id, model, true).await.unwrap();
    }

    let plans = f.explain_logged().await;
    // Lookups, list shapes, relations and the per-model loads all reached the log.
    assert!(plans.len() >= 4 + 10 + 5 + 4, "{} plans", plans.len());
    if std::env::var_os("ATSBRIDGE_PRINT_PLANS").is_some() {
        for plan in &plans {
            eprintln!("{plan}");
        }
    }
    assert_no_full_scans(&plans);
}

on_both_backends!(every_record_query_uses_indexes);
