//! One sync run: the job side (tags, stages, job posts, jobs) is read whole every run; a full
//! run reads every candidate and application and marks every model complete, a delta run reads
//! only candidates and applications updated since the previous run's start (minus an overlap)
//! and marks nothing complete.

use std::collections::BTreeMap;
use std::time::Duration;

use atsbridge_connector::{ConnectorError, Context, DeltaWindow, RecordSink, SyncMode, SyncScope};
use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::client::GreenhouseClient;
use crate::{map, wire};

/// How far a delta window reaches back before the previous run's start (clock skew between
/// Greenhouse and us, and writes that landed while that run read).
pub const DELTA_OVERLAP: Duration = Duration::from_secs(10 * 60);
/// Most ids Harvest accepts in one `ids` filter.
const IDS_PER_REQUEST: usize = 50;

fn decode<T: DeserializeOwned>(row: &Value, what: &str) -> Result<T, ConnectorError> {
    serde_json::from_value(row.clone()).map_err(|e| {
        ConnectorError::transport(format!("Greenhouse sent an unreadable {what}: {e}"))
            .into_persistent()
    })
}

/// The previous run's checkpoint, stored as `{"checkpoint": "<RFC 3339>"}`.
fn checkpoint(scope: &SyncScope) -> Option<DateTime<Utc>> {
    scope
        .previous_state
        .as_ref()
        .and_then(|state| state.get("checkpoint"))
        .and_then(Value::as_str)
        .and_then(|text| text.parse().ok())
}

/// Runs one sync.
pub async fn run(
    client: &GreenhouseClient,
    ctx: &Context,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
) -> Result<(), ConnectorError> {
    let window = match scope.mode {
        SyncMode::Delta => DeltaWindow::starting(checkpoint(scope), ctx.now(), DELTA_OVERLAP),
        SyncMode::Full => DeltaWindow::starting(None, ctx.now(), DELTA_OVERLAP),
    };
    // Only a run that read everything may let the engine delete what it did not see: the job
    // side is read whole in every full run, candidates and applications only without a
    // tracked set.
    let full = window.is_full();
    let people_complete = full && scope.tracked_applications.is_none();
    let done = |sink: &mut dyn RecordSink, model: Model| {
        let complete = match model {
            Model::Candidate | Model::Application => people_complete,
            _ => full,
        };
        if complete && scope.wants(model) {
            sink.mark_complete(model);
        }
    };
    let tag_ids = read_tags(client, scope, sink).await?;
    done(sink, Model::Tag);
    read_jobs(client, ctx, scope, sink).await?;
    for model in [
        Model::ApplicationStage,
        Model::ScreeningQuestion,
        Model::JobScreeningQuestion,
        Model::Job,
    ] {
        done(sink, model);
    }
    ctx.ensure_not_cancelled()?;
    let since: Vec<(&str, String)> = window
        .since
        .map(|since| {
            (
                "updated_at",
                format!("gte|{}", since.to_rfc3339_opts(SecondsFormat::Secs, true)),
            )
        })
        .into_iter()
        .collect();
    match &scope.tracked_applications {
        Some(tracked) => read_tracked(client, scope, sink, &tag_ids, tracked).await?,
        None => {
            if scope.wants(Model::Candidate) {
                read_candidates(client, sink, &tag_ids, &since).await?;
                done(sink, Model::Candidate);
            }
            if scope.wants(Model::Application) {
                read_applications(client, sink, &since).await?;
                done(sink, Model::Application);
            }
        }
    }
    sink.set_state(
        json!({"checkpoint": window.checkpoint().to_rfc3339_opts(SecondsFormat::Secs, true)}),
    );
    Ok(())
}

/// The tag dictionary (name -> id); pushes the tags when asked for.
async fn read_tags(
    client: &GreenhouseClient,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
) -> Result<BTreeMap<String, String>, ConnectorError> {
    if !scope.wants(Model::Tag) && !scope.wants(Model::Candidate) {
        return Ok(BTreeMap::new());
    }
    let mut ids = BTreeMap::new();
    let mut records = Vec::new();
    for row in client.list_all("candidate_tags", &[]).await? {
        let tag: wire::Tag = decode(&row, "tag")?;
        if let Some(name) = &tag.name {
            ids.insert(name.clone(), tag.id.to_string());
        }
        records.push(UnifiedRecord::from(map::map_tag(&tag)));
    }
    if scope.wants(Model::Tag) {
        sink.push(records).await?;
    }
    Ok(ids)
}

/// Stages, job posts (questions) and jobs.
async fn read_jobs(
    client: &GreenhouseClient,
    ctx: &Context,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
) -> Result<(), ConnectorError> {
    let wants_questions =
        scope.wants(Model::ScreeningQuestion) || scope.wants(Model::JobScreeningQuestion);
    if !scope.wants(Model::Job) && !scope.wants(Model::ApplicationStage) && !wants_questions {
        return Ok(());
    }
    let mut stages_by_job: BTreeMap<u64, Vec<(i64, u64)>> = BTreeMap::new();
    let mut stage_records = Vec::new();
    for row in client.list_all("job_interview_stages", &[]).await? {
        let stage: wire::Stage = decode(&row, "job stage")?;
        if let Some(job) = stage.job_id {
            stages_by_job
                .entry(job)
                .or_default()
                .push((stage.sort_order.unwrap_or(i64::MAX), stage.id));
        }
        stage_records.push(UnifiedRecord::from(map::map_stage(&stage, &row)));
    }
    if scope.wants(Model::ApplicationStage) {
        sink.push(stage_records).await?;
    }
    ctx.ensure_not_cancelled()?;
    let mut post_by_job: BTreeMap<u64, wire::JobPost> = BTreeMap::new();
    let mut question_records = Vec::new();
    for row in client.list_all("job_posts", &[]).await? {
        let post: wire::JobPost = decode(&row, "job post")?;
        for (question, link) in map::map_questions(&post) {
            if scope.wants(Model::ScreeningQuestion) {
                question_records.push(UnifiedRecord::from(question));
            }
            if scope.wants(Model::JobScreeningQuestion) {
                question_records.push(UnifiedRecord::from(link));
            }
        }
        // The first live post of a job describes it (see `decisions.rs`).
        if let Some(job) = post.job_id
            && post.live.unwrap_or(false)
            && !post_by_job.contains_key(&job)
        {
            post_by_job.insert(job, post);
        }
    }
    sink.push(question_records).await?;
    if scope.wants(Model::Job) {
        let mut pager = client.list("jobs", &[]);
        while let Some(rows) = pager.next_page().await? {
            let mut batch = Vec::with_capacity(rows.len());
            for row in rows {
                let job: wire::Job = decode(&row, "job")?;
                let mut stages = stages_by_job.remove(&job.id).unwrap_or_default();
                stages.sort();
                let stage_ids = stages.into_iter().map(|(_, id)| id.to_string()).collect();
                batch.push(UnifiedRecord::from(map::map_job(
                    &job,
                    &row,
                    stage_ids,
                    post_by_job.get(&job.id),
                )));
            }
            sink.push(batch).await?;
        }
    }
    Ok(())
}

async fn read_candidates(
    client: &GreenhouseClient,
    sink: &mut dyn RecordSink,
    tag_ids: &BTreeMap<String, String>,
    filters: &[(&str, String)],
) -> Result<(), ConnectorError> {
    let mut pager = client.list("candidates", filters);
    while let Some(rows) = pager.next_page().await? {
        let mut batch = Vec::with_capacity(rows.len());
        for row in rows {
            let candidate: wire::Candidate = decode(&row, "candidate")?;
            batch.push(UnifiedRecord::from(map::map_candidate(
                &candidate, &row, tag_ids,
            )));
        }
        sink.push(batch).await?;
    }
    Ok(())
}

async fn read_applications(
    client: &GreenhouseClient,
    sink: &mut dyn RecordSink,
    filters: &[(&str, String)],
) -> Result<(), ConnectorError> {
    let mut pager = client.list("applications", filters);
    while let Some(rows) = pager.next_page().await? {
        let mut batch = Vec::with_capacity(rows.len());
        for row in rows {
            let application: wire::Application = decode(&row, "application")?;
            // Prospect applications are not applications to a job (see `decisions.rs`).
            if application.prospect != Some(true) {
                batch.push(UnifiedRecord::from(map::map_application(
                    &application,
                    &row,
                )));
            }
        }
        sink.push(batch).await?;
    }
    Ok(())
}

/// "Sync only created applications": the tracked applications by id (50 per request) and
/// their candidates, whose ids come from the applications when the engine does not know them.
async fn read_tracked(
    client: &GreenhouseClient,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
    tag_ids: &BTreeMap<String, String>,
    tracked: &std::collections::BTreeSet<atsbridge_connector::TrackedApplication>,
) -> Result<(), ConnectorError> {
    let ids: Vec<&str> = tracked
        .iter()
        .map(|t| t.application_remote_id.as_str())
        .collect();
    let mut candidate_ids: Vec<String> = tracked
        .iter()
        .filter_map(|t| t.candidate_remote_id.clone())
        .collect();
    for chunk in ids.chunks(IDS_PER_REQUEST) {
        let rows = client
            .list_all("applications", &[("ids", chunk.join(","))])
            .await?;
        let mut batch = Vec::new();
        for row in rows {
            let application: wire::Application = decode(&row, "application")?;
            candidate_ids.extend(application.candidate_id.map(|id| id.to_string()));
            batch.push(UnifiedRecord::from(map::map_application(
                &application,
                &row,
            )));
        }
        if scope.wants(Model::Application) {
            sink.push(batch).await?;
        }
    }
    candidate_ids.sort();
    candidate_ids.dedup();
    if scope.wants(Model::Candidate) {
        for chunk in candidate_ids.chunks(IDS_PER_REQUEST) {
            read_candidates(client, sink, tag_ids, &[("ids", chunk.join(","))]).await?;
        }
    }
    Ok(())
}
