//! Turning stored records into wire objects, nested objects included.
//!
//! Every function takes a whole page and loads each relation with one store query for the page
//! (never one per row), then assembles with `atsbridge_schema::assemble` and applies the
//! integration's field settings ([`FieldRules`]) to jobs, candidates and applications.

use std::collections::{BTreeSet, HashMap};

use atsbridge_schema::assemble::{
    IdMinter, RecordMeta, assemble_application, assemble_application_candidate,
    assemble_application_current_stage, assemble_application_stage, assemble_candidate,
    assemble_candidate_application, assemble_created_application,
    assemble_created_application_candidate, assemble_job, assemble_job_ref,
    assemble_job_screening_question, assemble_job_stage, assemble_stage_ref, assemble_tag,
    assemble_tag_ref,
};
use atsbridge_schema::record::{
    ApplicationRecord, ApplicationStageRecord, CandidateRecord, JobRecord,
    JobScreeningQuestionRecord, ScreeningQuestionRecord, TagRecord,
};
use atsbridge_schema::{Model, wire};
use atsbridge_store::{Integration, RecordKey, RelationQuery, StoredRecord, TrackedRestriction};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::field_rules::FieldRules;
use crate::state::AppState;

/// A stored record decoded into its record type.
#[derive(Debug, Clone)]
pub(crate) struct Decoded<R> {
    pub record: R,
    pub meta: RecordMeta,
    pub deleted: bool,
}

/// Decodes a stored document; a document that no longer fits its type is our failure.
pub(crate) fn decode<R: DeserializeOwned>(stored: &StoredRecord) -> Result<Decoded<R>, ApiError> {
    let record = serde_json::from_value::<R>(stored.document.clone()).map_err(|error| {
        ApiError::internal(
            &format!(
                "decoding stored {} record {}",
                stored.model.as_str(),
                stored.id
            ),
            &error,
        )
    })?;
    Ok(Decoded {
        record,
        meta: RecordMeta {
            id: stored.id.clone(),
            changed_at: stored.changed_at,
            remote_deleted_at: stored.remote_deleted_at,
        },
        deleted: stored.remote_deleted_at.is_some(),
    })
}

fn decode_all<R: DeserializeOwned>(stored: &[StoredRecord]) -> Result<Vec<Decoded<R>>, ApiError> {
    stored.iter().map(decode).collect()
}

/// Loads records of `model` by remote id (one query) and indexes them by remote id.
async fn load_by_remote_ids<R: DeserializeOwned>(
    state: &AppState,
    integration: &Integration,
    model: Model,
    remote_ids: BTreeSet<String>,
) -> Result<HashMap<String, Decoded<R>>, ApiError> {
    if remote_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: Vec<String> = remote_ids.into_iter().collect();
    let stored = state
        .store()
        .get_by_remote_ids(&integration.id, model, &wanted)
        .await?;
    stored
        .iter()
        .map(|s| Ok((s.remote_id.clone(), decode(s)?)))
        .collect()
}

/// Loads the live records of `model` whose indexed `key` is one of `values` (one query),
/// with `tracked` only those the tracked-applications set allows.
async fn load_related<R: DeserializeOwned>(
    state: &AppState,
    integration: &Integration,
    model: Model,
    key: RecordKey,
    values: &[String],
    tracked: Option<TrackedRestriction>,
) -> Result<Vec<Decoded<R>>, ApiError> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = RelationQuery::new(integration.id.clone(), model, key, values.to_vec());
    query.restrict_to_tracked = tracked;
    let stored = state.store().find_related(&query).await?;
    decode_all(&stored)
}

fn minter(integration: &Integration) -> IdMinter {
    IdMinter::new(integration.id.as_str())
}

/// Tag references of a candidate, in the order of its `tag_remote_ids`, skipping deleted tags.
///
/// A tag the store has no record of (a connector that does not sync Tags as a model) is still
/// listed, by remote id, with `name: null`.
fn tag_refs(
    candidate: &CandidateRecord,
    tags: &HashMap<String, Decoded<TagRecord>>,
    ids: &IdMinter,
) -> Vec<wire::TagRef> {
    candidate
        .tag_remote_ids
        .iter()
        .filter_map(|remote_id| match tags.get(remote_id) {
            Some(tag) if tag.deleted => None,
            Some(tag) => Some(assemble_tag_ref(&tag.record, ids)),
            None => Some(assemble_tag_ref(
                &TagRecord {
                    remote_id: remote_id.clone(),
                    ..TagRecord::default()
                },
                ids,
            )),
        })
        .collect()
}

/// Jobs with their screening questions and stages.
pub(crate) async fn jobs_page(
    state: &AppState,
    integration: &Integration,
    page: &[StoredRecord],
) -> Result<Vec<wire::Job>, ApiError> {
    let ids = minter(integration);
    let rules = FieldRules::load(state, integration).await?;
    let jobs: Vec<Decoded<JobRecord>> = decode_all(page)?;
    let job_remote_ids: Vec<String> = jobs.iter().map(|j| j.record.remote_id.clone()).collect();

    let links: Vec<Decoded<JobScreeningQuestionRecord>> = load_related(
        state,
        integration,
        Model::JobScreeningQuestion,
        RecordKey::JobRemoteId,
        &job_remote_ids,
        None,
    )
    .await?;
    let question_ids: BTreeSet<String> = links
        .iter()
        .map(|l| l.record.question_remote_id.clone())
        .collect();
    let questions: HashMap<String, Decoded<ScreeningQuestionRecord>> =
        load_by_remote_ids(state, integration, Model::ScreeningQuestion, question_ids).await?;
    let stage_ids: BTreeSet<String> = jobs
        .iter()
        .flat_map(|j| j.record.stage_remote_ids.iter().cloned())
        .collect();
    let stages: HashMap<String, Decoded<ApplicationStageRecord>> =
        load_by_remote_ids(state, integration, Model::ApplicationStage, stage_ids).await?;

    let mut links_by_job: HashMap<&str, Vec<&Decoded<JobScreeningQuestionRecord>>> = HashMap::new();
    for link in &links {
        links_by_job
            .entry(link.record.job_remote_id.as_str())
            .or_default()
            .push(link);
    }
    let mut out = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let mut job_links = links_by_job
            .remove(job.record.remote_id.as_str())
            .unwrap_or_default();
        // Ordered by `index` (questions without one last); the stored order breaks ties.
        job_links.sort_by_key(|link| (link.record.index.is_none(), link.record.index));
        let screening_questions = job_links
            .iter()
            .filter_map(|link| {
                let question = questions
                    .get(&link.record.question_remote_id)
                    .filter(|q| !q.deleted)?;
                Some(assemble_job_screening_question(
                    &link.record,
                    &question.record,
                    &ids,
                ))
            })
            .collect();
        let job_stages = job
            .record
            .stage_remote_ids
            .iter()
            .filter_map(|remote_id| stages.get(remote_id))
            .filter(|stage| !stage.deleted)
            .map(|stage| assemble_job_stage(&stage.record, &ids))
            .collect();
        let mut wire_job = assemble_job(
            &job.record,
            &job.meta,
            &ids,
            screening_questions,
            job_stages,
        );
        rules.apply(
            Model::Job,
            &mut wire_job.custom_fields,
            &mut wire_job.integration_fields,
        );
        out.push(wire_job);
    }
    Ok(out)
}

/// Candidates with their applications (with current stage and job) and tags.
///
/// With `tracked_only`, applications not created or imported through the API are left out.
pub(crate) async fn candidates_page(
    state: &AppState,
    integration: &Integration,
    page: &[StoredRecord],
    tracked_only: bool,
) -> Result<Vec<wire::Candidate>, ApiError> {
    let ids = minter(integration);
    let rules = FieldRules::load(state, integration).await?;
    let candidates: Vec<Decoded<CandidateRecord>> = decode_all(page)?;
    let candidate_ids: Vec<String> = candidates
        .iter()
        .map(|c| c.record.remote_id.clone())
        .collect();
    let applications: Vec<Decoded<ApplicationRecord>> = load_related(
        state,
        integration,
        Model::Application,
        RecordKey::CandidateRemoteId,
        &candidate_ids,
        tracked_only.then_some(TrackedRestriction::Applications),
    )
    .await?;
    let stages_and_jobs = StagesAndJobs::load(state, integration, &applications).await?;
    let tags = load_tags(state, integration, candidates.iter().map(|c| &c.record)).await?;

    let mut apps_by_candidate: HashMap<String, Vec<wire::CandidateApplication>> = HashMap::new();
    for app in &applications {
        let Some(candidate_id) = app.record.candidate_remote_id.clone() else {
            continue;
        };
        let stage = stages_and_jobs
            .stage_of(&app.record)
            .map(|s| assemble_stage_ref(s, &ids));
        let job = stages_and_jobs
            .job_of(&app.record)
            .map(|j| assemble_job_ref(j, &ids));
        apps_by_candidate
            .entry(candidate_id)
            .or_default()
            .push(assemble_candidate_application(
                &app.record,
                &app.meta,
                stage,
                job,
            ));
    }
    Ok(candidates
        .iter()
        .map(|c| {
            let apps = apps_by_candidate
                .remove(&c.record.remote_id)
                .unwrap_or_default();
            let mut candidate = assemble_candidate(
                &c.record,
                &c.meta,
                &ids,
                apps,
                tag_refs(&c.record, &tags, &ids),
            );
            rules.apply(
                Model::Candidate,
                &mut candidate.custom_fields,
                &mut candidate.integration_fields,
            );
            candidate
        })
        .collect())
}

/// Tags of the given candidates, by remote id (one query).
async fn load_tags<'a>(
    state: &AppState,
    integration: &Integration,
    candidates: impl Iterator<Item = &'a CandidateRecord>,
) -> Result<HashMap<String, Decoded<TagRecord>>, ApiError> {
    let tag_ids = candidates
        .flat_map(|c| c.tag_remote_ids.iter().cloned())
        .collect();
    load_by_remote_ids(state, integration, Model::Tag, tag_ids).await
}

/// The current stages and jobs of a set of applications, one query each.
struct StagesAndJobs {
    stages: HashMap<String, Decoded<ApplicationStageRecord>>,
    jobs: HashMap<String, Decoded<JobRecord>>,
}

impl StagesAndJobs {
    async fn load(
        state: &AppState,
        integration: &Integration,
        applications: &[Decoded<ApplicationRecord>],
    ) -> Result<Self, ApiError> {
        let stage_ids = applications
            .iter()
            .filter_map(|a| a.record.current_stage_remote_id.clone())
            .collect();
        let stages =
            load_by_remote_ids(state, integration, Model::ApplicationStage, stage_ids).await?;
        let job_ids = applications
            .iter()
            .filter_map(|a| a.record.job_remote_id.clone())
            .collect();
        let jobs = load_by_remote_ids(state, integration, Model::Job, job_ids).await?;
        Ok(Self { stages, jobs })
    }

    fn stage_of(&self, application: &ApplicationRecord) -> Option<&ApplicationStageRecord> {
        let remote_id = application.current_stage_remote_id.as_ref()?;
        self.stages.get(remote_id).map(|s| &s.record)
    }

    fn job_of(&self, application: &ApplicationRecord) -> Option<&JobRecord> {
        let remote_id = application.job_remote_id.as_ref()?;
        self.jobs.get(remote_id).map(|j| &j.record)
    }
}

/// What an application page needs besides the applications themselves.
struct ApplicationRelations {
    candidates: HashMap<String, Decoded<CandidateRecord>>,
    tags: HashMap<String, Decoded<TagRecord>>,
    stages_and_jobs: StagesAndJobs,
}

impl ApplicationRelations {
    async fn load(
        state: &AppState,
        integration: &Integration,
        applications: &[Decoded<ApplicationRecord>],
    ) -> Result<Self, ApiError> {
        let candidate_ids = applications
            .iter()
            .filter_map(|a| a.record.candidate_remote_id.clone())
            .collect();
        let candidates: HashMap<String, Decoded<CandidateRecord>> =
            load_by_remote_ids(state, integration, Model::Candidate, candidate_ids).await?;
        let tags = load_tags(state, integration, candidates.values().map(|c| &c.record)).await?;
        let stages_and_jobs = StagesAndJobs::load(state, integration, applications).await?;
        Ok(Self {
            candidates,
            tags,
            stages_and_jobs,
        })
    }

    fn candidate_of(&self, application: &ApplicationRecord) -> Option<&Decoded<CandidateRecord>> {
        let remote_id = application.candidate_remote_id.as_ref()?;
        self.candidates.get(remote_id)
    }

    fn tags_of(&self, candidate: &CandidateRecord, ids: &IdMinter) -> Vec<wire::TagRef> {
        tag_refs(candidate, &self.tags, ids)
    }
}

/// Applications with their candidate (and its tags), current stage and job.
pub(crate) async fn applications_page(
    state: &AppState,
    integration: &Integration,
    page: &[StoredRecord],
) -> Result<Vec<wire::Application>, ApiError> {
    let ids = minter(integration);
    let rules = FieldRules::load(state, integration).await?;
    let applications: Vec<Decoded<ApplicationRecord>> = decode_all(page)?;
    let rel = ApplicationRelations::load(state, integration, &applications).await?;
    Ok(applications
        .iter()
        .map(|app| {
            let candidate = rel.candidate_of(&app.record).map(|c| {
                assemble_application_candidate(&c.record, &ids, rel.tags_of(&c.record, &ids))
            });
            let stage = rel
                .stages_and_jobs
                .stage_of(&app.record)
                .map(|s| assemble_application_current_stage(s, &ids));
            let job = rel
                .stages_and_jobs
                .job_of(&app.record)
                .map(|j| assemble_job_ref(j, &ids));
            let mut application =
                assemble_application(&app.record, &app.meta, &ids, candidate, stage, job);
            rules.apply(
                Model::Application,
                &mut application.custom_fields,
                &mut application.integration_fields,
            );
            application
        })
        .collect())
}

/// The create-application response: the application with its full candidate, stage and job.
pub(crate) async fn created_application(
    state: &AppState,
    integration: &Integration,
    stored: &StoredRecord,
) -> Result<wire::CreatedApplication, ApiError> {
    let ids = minter(integration);
    let rules = FieldRules::load(state, integration).await?;
    let apps: [Decoded<ApplicationRecord>; 1] = [decode(stored)?];
    let rel = ApplicationRelations::load(state, integration, &apps).await?;
    let [app] = apps;
    let candidate = rel.candidate_of(&app.record).map(|c| {
        let mut candidate = assemble_created_application_candidate(
            &c.record,
            &c.meta,
            &ids,
            rel.tags_of(&c.record, &ids),
        );
        rules.apply(
            Model::Candidate,
            &mut candidate.custom_fields,
            &mut candidate.integration_fields,
        );
        candidate
    });
    let stage = rel
        .stages_and_jobs
        .stage_of(&app.record)
        .map(|s| assemble_stage_ref(s, &ids));
    let job = rel
        .stages_and_jobs
        .job_of(&app.record)
        .map(|j| assemble_job_ref(j, &ids));
    let mut created =
        assemble_created_application(&app.record, &app.meta, &ids, candidate, stage, job);
    rules.apply(
        Model::Application,
        &mut created.custom_fields,
        &mut created.integration_fields,
    );
    Ok(created)
}

/// Application stages (no nested objects).
pub(crate) fn stages_page(page: &[StoredRecord]) -> Result<Vec<wire::ApplicationStage>, ApiError> {
    let stages: Vec<Decoded<ApplicationStageRecord>> = decode_all(page)?;
    Ok(stages
        .iter()
        .map(|s| assemble_application_stage(&s.record, &s.meta))
        .collect())
}

/// Tags (no nested objects).
pub(crate) fn tags_page(page: &[StoredRecord]) -> Result<Vec<wire::Tag>, ApiError> {
    let tags: Vec<Decoded<TagRecord>> = decode_all(page)?;
    Ok(tags
        .iter()
        .map(|t| assemble_tag(&t.record, &t.meta))
        .collect())
}
