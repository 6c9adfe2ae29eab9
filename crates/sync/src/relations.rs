//! Relation touch-times for `updated_after` (kombo-api.md §8.2).
//!
//! A record's own `changed_at` moves only when its own content changes; a parent whose nested
//! data changed gets its relation touch time set instead. The rules, as (changed child →
//! touched parent):
//! - application (added, removed or changed) → its candidate (`candidates[].applications`);
//! - candidate (changed or removed) → its applications (`applications[].candidate`);
//! - job screening question (added, removed or changed) → its job (`jobs[].screening_questions`);
//! - screening question (changed or removed) → the jobs that ask it.
//!
//! Stages and tags are referenced by id lists on the job and candidate records themselves,
//! so adding or removing one already changes the parent's own content; changes of a tag or
//! stage record do not count for its parents (the table marks them ✗).

use std::collections::{BTreeMap, BTreeSet};

use atsbridge_schema::{Model, Timestamp};
use atsbridge_store::{IntegrationId, RecordKey, RelationQuery, Store, StoreError};
use serde_json::Value;

/// A record whose content changed (or that was deleted): in a sync run, or through a write
/// action the server stored.
#[derive(Debug, Clone, Copy)]
pub struct ChangedRecord<'a> {
    /// Its model.
    pub model: Model,
    /// Its remote id.
    pub remote_id: &'a str,
    /// Its stored document (the record as JSON).
    pub document: &'a Value,
}

/// The document members [`touch_parents`] reads (besides the remote id). The engine keeps only
/// these of a written batch, so a member read here must be listed here.
pub(crate) const RELATION_MEMBERS: [&str; 2] = ["candidate_remote_id", "job_remote_id"];

fn string_at<'a>(document: &'a Value, key: &str) -> Option<&'a str> {
    debug_assert!(
        RELATION_MEMBERS.contains(&key),
        "{key} is not in RELATION_MEMBERS"
    );
    document.get(key).and_then(Value::as_str)
}

/// Sets the relation touch time of every parent affected by `changed`; returns how many
/// parent rows were touched. The sync engine and the server's write-back both use it, so
/// `updated_after` follows one set of rules.
pub async fn touch_parents(
    store: &dyn Store,
    integration_id: &IntegrationId,
    changed: &[ChangedRecord<'_>],
    now: Timestamp,
) -> Result<u64, StoreError> {
    let mut touch: BTreeMap<Model, BTreeSet<String>> = BTreeMap::new();
    let mut changed_candidates = Vec::new();
    let mut changed_questions = Vec::new();
    for record in changed {
        match record.model {
            Model::Application => {
                if let Some(candidate) = string_at(record.document, "candidate_remote_id") {
                    touch
                        .entry(Model::Candidate)
                        .or_default()
                        .insert(candidate.to_owned());
                }
            }
            Model::JobScreeningQuestion => {
                if let Some(job) = string_at(record.document, "job_remote_id") {
                    touch.entry(Model::Job).or_default().insert(job.to_owned());
                }
            }
            Model::Candidate => changed_candidates.push(record.remote_id.to_owned()),
            Model::ScreeningQuestion => changed_questions.push(record.remote_id.to_owned()),
            Model::Job | Model::ApplicationStage | Model::Tag => {}
        }
    }
    if !changed_candidates.is_empty() {
        let mut query = RelationQuery::new(
            integration_id.clone(),
            Model::Application,
            RecordKey::CandidateRemoteId,
            changed_candidates,
        );
        query.include_deleted = true;
        let applications = store.find_related(&query).await?;
        touch
            .entry(Model::Application)
            .or_default()
            .extend(applications.into_iter().map(|record| record.remote_id));
    }
    if !changed_questions.is_empty() {
        let links = store
            .find_related(&RelationQuery::new(
                integration_id.clone(),
                Model::JobScreeningQuestion,
                RecordKey::QuestionRemoteId,
                changed_questions,
            ))
            .await?;
        touch.entry(Model::Job).or_default().extend(
            links
                .iter()
                .filter_map(|link| string_at(&link.document, "job_remote_id"))
                .map(str::to_owned),
        );
    }
    let mut touched = 0;
    for (model, remote_ids) in touch {
        if remote_ids.is_empty() {
            continue;
        }
        let remote_ids: Vec<String> = remote_ids.into_iter().collect();
        touched += store
            .touch_relations(integration_id, model, &remote_ids, now)
            .await?;
    }
    Ok(touched)
}
