//! Storing what a write action returned, before answering, so the next read shows it.

use std::collections::{BTreeMap, BTreeSet};

use atsbridge_schema::record::UnifiedRecord;
use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{Integration, StoredRecord, TrackedApplication};

use crate::error::ApiError;
use crate::state::AppState;

/// Writes `records` for `integration` in one batch (ids minted, content hashed, `changed_at`
/// set by the store) and touches the relation times `updated_after` relies on (see
/// [`touch_parents`]).
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

    touch_parents(state, integration, records, &result.changed, now).await
}

/// Sets the relation touch time of every parent whose nested data changed, by the same rules
/// as the sync engine (kombo-api.md §8.2): a changed application touches its candidate, a
/// changed candidate its applications, a changed job screening question its job, and a
/// changed screening question every job that asks it.
async fn touch_parents(
    state: &AppState,
    integration: &Integration,
    records: &[UnifiedRecord],
    changed: &[usize],
    now: Timestamp,
) -> Result<(), ApiError> {
    let store = state.store();
    let mut touch: BTreeMap<Model, BTreeSet<String>> = BTreeMap::new();
    let mut changed_candidates = Vec::new();
    let mut changed_questions = Vec::new();
    for record in changed.iter().filter_map(|&index| records.get(index)) {
        match record {
            UnifiedRecord::Application(app) => touch
                .entry(Model::Candidate)
                .or_default()
                .extend(app.candidate_remote_id.clone()),
            UnifiedRecord::JobScreeningQuestion(link) => {
                touch
                    .entry(Model::Job)
                    .or_default()
                    .insert(link.job_remote_id.clone());
            }
            UnifiedRecord::Candidate(candidate) => {
                changed_candidates.push(candidate.remote_id.clone());
            }
            UnifiedRecord::ScreeningQuestion(question) => {
                changed_questions.push(question.remote_id.clone());
            }
            _ => {}
        }
    }
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
        touch
            .entry(Model::Application)
            .or_default()
            .extend(applications.into_iter().map(|a| a.remote_id));
    }
    if !changed_questions.is_empty() {
        let links = store
            .find_by_json_in(
                &integration.id,
                Model::JobScreeningQuestion,
                "$.question_remote_id",
                &changed_questions,
                false,
            )
            .await?;
        touch.entry(Model::Job).or_default().extend(
            links
                .iter()
                .filter_map(|link| link.document.get("job_remote_id")?.as_str())
                .map(str::to_owned),
        );
    }
    for (model, remote_ids) in touch {
        if remote_ids.is_empty() {
            continue;
        }
        let remote_ids: Vec<String> = remote_ids.into_iter().collect();
        store
            .touch_relations(&integration.id, model, &remote_ids, now)
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
