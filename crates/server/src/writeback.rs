//! Storing what a write action returned, before answering, so the next read shows it.

use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;
use atsbridge_store::{Integration, StoredRecord, TrackedApplication};
use atsbridge_sync::{ChangedRecord, touch_parents};

use crate::error::ApiError;
use crate::state::AppState;

/// Writes `records` for `integration` in one batch (ids minted, content hashed, `changed_at`
/// set by the store) and touches the relation times `updated_after` relies on.
pub(crate) async fn store_records(
    state: &AppState,
    integration: &Integration,
    records: &[UnifiedRecord],
) -> Result<(), ApiError> {
    if records.is_empty() {
        return Ok(());
    }
    let now = state.now();
    // Records that actions return may carry fields no sync has seen yet.
    let fields = atsbridge_sync::discovered_integration_fields(&integration.id, records);
    if !fields.is_empty() {
        state
            .store()
            .record_integration_fields(&integration.id, fields, now)
            .await?;
    }
    let mut writes = Vec::with_capacity(records.len());
    for record in records {
        writes.push(atsbridge_sync::record_write(&integration.id, record)?);
    }
    // What the relation rules need of each write, kept before the batch takes the writes.
    let written: Vec<(Model, String, serde_json::Value)> = writes
        .iter()
        .map(|w| (w.model, w.remote_id.clone(), w.document.clone()))
        .collect();
    let result = state
        .store()
        .apply_batch(&integration.id, None, now, writes)
        .await?;
    let changed: Vec<ChangedRecord<'_>> = result
        .changed
        .iter()
        .filter_map(|&index| written.get(index))
        .map(|(model, remote_id, document)| ChangedRecord {
            model: *model,
            remote_id,
            document,
        })
        .collect();
    // The same §8.2 rules as the sync engine, so updated_after sees action writes too.
    touch_parents(state.store().as_ref(), &integration.id, &changed, now).await?;
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
