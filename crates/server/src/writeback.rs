//! Storing what a write action returned, before answering, so the next read shows it.

use std::collections::BTreeSet;

use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_store::{Integration, StoredRecord, TrackedApplication};

use crate::error::ApiError;
use crate::state::AppState;

/// Writes `records` for `integration` in one batch (ids minted, content hashed, `changed_at`
/// set by the store) and touches the relation times `updated_after` relies on: a written
/// application touches its candidate, a written candidate touches its applications, a written
/// job screening question touches its job.
pub(crate) async fn store_records(
    state: &AppState,
    integration: &Integration,
    records: &[UnifiedRecord],
) -> Result<(), ApiError> {
    if records.is_empty() {
        return Ok(());
    }
    let now = state.now();
    let mut writes = Vec::with_capacity(records.len());
    for record in records {
        writes.push(atsbridge_sync::record_write(&integration.id, record)?);
    }
    let result = state
        .store()
        .apply_batch(&integration.id, None, now, writes)
        .await?;

    let mut candidates_to_touch = BTreeSet::new();
    let mut jobs_to_touch = BTreeSet::new();
    let mut changed_candidates = Vec::new();
    for &index in &result.changed {
        match records.get(index) {
            Some(UnifiedRecord::Application(app)) => {
                candidates_to_touch.extend(app.candidate_remote_id.clone());
            }
            Some(UnifiedRecord::Candidate(candidate)) => {
                changed_candidates.push(candidate.remote_id.clone())
            }
            Some(UnifiedRecord::JobScreeningQuestion(link)) => {
                jobs_to_touch.insert(link.job_remote_id.clone());
            }
            _ => {}
        }
    }
    let store = state.store();
    let candidates: Vec<String> = candidates_to_touch.into_iter().collect();
    store
        .touch_relations(&integration.id, Model::Candidate, &candidates, now)
        .await?;
    let jobs: Vec<String> = jobs_to_touch.into_iter().collect();
    store
        .touch_relations(&integration.id, Model::Job, &jobs, now)
        .await?;
    if !changed_candidates.is_empty() {
        let applications = store
            .find_by_json_in(
                &integration.id,
                Model::Application,
                "$.candidate_remote_id",
                &changed_candidates,
                true,
            )
            .await?;
        let remote_ids: Vec<String> = applications.into_iter().map(|a| a.remote_id).collect();
        store
            .touch_relations(&integration.id, Model::Application, &remote_ids, now)
            .await?;
    }
    Ok(())
}

/// Adds a created application to the tracked set ("sync only created applications").
pub(crate) async fn track(
    state: &AppState,
    integration: &Integration,
    application_remote_id: &str,
    candidate_remote_id: Option<&str>,
    job_remote_id: Option<&str>,
) -> Result<(), ApiError> {
    let tracked = TrackedApplication {
        application_remote_id: application_remote_id.to_owned(),
        candidate_remote_id: candidate_remote_id.map(str::to_owned),
        job_remote_id: job_remote_id.map(str::to_owned),
    };
    state
        .store()
        .track_application(&integration.id, tracked, state.now())
        .await?;
    Ok(())
}

/// Reads one stored record back by remote id.
pub(crate) async fn load_one(
    state: &AppState,
    integration: &Integration,
    model: Model,
    remote_id: &str,
) -> Result<StoredRecord, ApiError> {
    state
        .store()
        .get_by_remote_ids(&integration.id, model, &[remote_id.to_owned()])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::internal(
                "reading back a record just written",
                &format!("{} {remote_id}", model.as_str()),
            )
        })
}
