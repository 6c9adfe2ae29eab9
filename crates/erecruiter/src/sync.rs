//! One sync run: the fan-out over jobs, questionnaires, applicants and their applications.
//!
//! Request plan (every resource at most once per run, at most `max_concurrent_requests` in
//! flight):
//! 1. `PublishedJobs`, then `Job/{id}` for every previously known job id that left the list;
//! 2. `Questionnaire/ByJob/{jobId}` for every job with a questionnaire;
//! 3. `Applications/ByJob/{jobId}` for every job (skipped in "sync only created applications"
//!    mode, where the tracked applications name the applicants);
//! 4. per applicant (found in step 3, previously known, or tracked): `Applicant/{id}`,
//!    `Applicant/CustomFields/{id}` and `Applications/{id}`.
//!
//! A failed request for one resource does not stop the run: the model it belongs to is simply
//! not marked complete (so nothing gets deleted), and the error is returned at the end.
//! Rejected credentials and cancellation stop the run at once.

use std::collections::{BTreeMap, BTreeSet};

use atsbridge_connector::{ConnectorError, Context, ErrorKind, RecordSink, SyncScope, fan_out};
use atsbridge_schema::Model;
use atsbridge_schema::record::{ScreeningQuestionRecord, UnifiedRecord};
use serde::{Deserialize, Serialize};

use crate::client::{ErecruiterClient, WithRaw};
use crate::map;
use crate::wire::JobResponse;

/// What a run remembers for the next one (`SyncScope::previous_state`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// Every job id seen and not confirmed gone.
    #[serde(default)]
    pub job_ids: BTreeSet<i64>,
    /// Every applicant id seen and not confirmed gone.
    #[serde(default)]
    pub applicant_ids: BTreeSet<i64>,
}

impl SyncState {
    /// Reads the previous state; unreadable state counts as none.
    pub fn from_scope(scope: &SyncScope) -> Self {
        match &scope.previous_state {
            None => Self::default(),
            Some(value) => serde_json::from_value(value.clone()).unwrap_or_else(|error| {
                tracing::warn!(%error, "ignoring unreadable eRecruiter sync state");
                Self::default()
            }),
        }
    }
}

/// Records pushed per batch.
const BATCH_SIZE: usize = 200;

fn is_fatal(error: &ConnectorError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Unauthenticated | ErrorKind::Cancelled | ErrorKind::Config
    )
}

fn parse_ids<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeSet<i64> {
    ids.filter_map(|id| id.trim().parse::<i64>().ok()).collect()
}

/// Remembers the first non-fatal error and which models it spoiled.
#[derive(Default)]
struct Failures {
    first: Option<ConnectorError>,
    spoiled: BTreeSet<Model>,
}

impl Failures {
    fn record(&mut self, models: &[Model], error: ConnectorError) -> Result<(), ConnectorError> {
        if is_fatal(&error) {
            return Err(error);
        }
        tracing::warn!(error = %error, models = ?models, "eRecruiter request failed; model left incomplete");
        self.spoiled.extend(models.iter().copied());
        self.first.get_or_insert(error);
        Ok(())
    }

    fn complete(&self, model: Model) -> bool {
        !self.spoiled.contains(&model)
    }
}

async fn push_all(
    sink: &mut dyn RecordSink,
    records: Vec<UnifiedRecord>,
) -> Result<(), ConnectorError> {
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let batch: Vec<UnifiedRecord> = records.by_ref().take(BATCH_SIZE).collect();
        sink.push(batch).await?;
    }
    Ok(())
}

/// Per-applicant results of step 4.
struct ApplicantFetch {
    id: i64,
    applicant: Option<Result<Option<WithRaw<crate::wire::ApplicantResponse>>, ConnectorError>>,
    custom_fields: Option<Result<Vec<crate::wire::CustomFieldValueResponse>, ConnectorError>>,
    applications:
        Option<Result<Option<Vec<WithRaw<crate::wire::ApplicationResponse>>>, ConnectorError>>,
}

/// Runs one sync.
pub async fn run(
    client: &ErecruiterClient,
    concurrency: usize,
    ctx: &Context,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
) -> Result<(), ConnectorError> {
    let mut state = SyncState::from_scope(scope);
    let mut failures = Failures::default();
    let cancel = ctx.cancellation().clone();
    let tracked = scope.tracked_applications.as_ref();
    let wants_candidates = scope.wants(Model::Candidate);
    let wants_applications = scope.wants(Model::Application);
    let wants_questions =
        scope.wants(Model::ScreeningQuestion) || scope.wants(Model::JobScreeningQuestion);
    let needs_job_list = scope.wants(Model::Job)
        || wants_questions
        || (tracked.is_none() && (wants_candidates || wants_applications));

    if scope.wants(Model::ApplicationStage) {
        let stages = map::application_stages()
            .into_iter()
            .map(UnifiedRecord::from)
            .collect();
        push_all(sink, stages).await?;
        sink.mark_complete(Model::ApplicationStage);
    }

    // 1. Jobs.
    let mut jobs: Vec<WithRaw<JobResponse>> = Vec::new();
    let mut job_paths: BTreeMap<i64, String> = BTreeMap::new();
    if needs_job_list {
        ctx.ensure_not_cancelled()?;
        match client.published_jobs().await {
            Ok(published) => {
                for job in published {
                    // A job listed twice is still read, pushed and fanned out over once.
                    if job_paths
                        .insert(job.value.id, "/Api/PublishedJobs".to_owned())
                        .is_none()
                    {
                        jobs.push(job);
                    }
                }
            }
            Err(error) => failures.record(
                &[
                    Model::Job,
                    Model::ScreeningQuestion,
                    Model::JobScreeningQuestion,
                    Model::Candidate,
                    Model::Application,
                ],
                error,
            )?,
        }
        let published: BTreeSet<i64> = jobs.iter().map(|j| j.value.id).collect();
        let mut previously_known = state.job_ids.clone();
        previously_known.extend(parse_ids(scope.known_ids(Model::Job)));
        let missing: Vec<i64> = previously_known.difference(&published).copied().collect();
        let refreshed = fan_out(missing, concurrency, &cancel, |id| async move {
            Ok::<_, ConnectorError>((id, client.job(id).await))
        })
        .await?;
        for (id, result) in refreshed {
            match result {
                Ok(Some(job)) => {
                    job_paths.insert(id, format!("/Api/Job/{id}"));
                    jobs.push(job);
                }
                Ok(None) => {
                    state.job_ids.remove(&id);
                }
                Err(error) => failures.record(
                    &[
                        Model::Job,
                        Model::ScreeningQuestion,
                        Model::JobScreeningQuestion,
                    ],
                    error,
                )?,
            }
        }
        state.job_ids.extend(jobs.iter().map(|j| j.value.id));
        if scope.wants(Model::Job) {
            // The raw JSON is only needed for `remote_data`; later steps use the typed job.
            let records = jobs
                .iter_mut()
                .map(|job| {
                    let path = job_paths.get(&job.value.id).cloned().unwrap_or_default();
                    let data = map::remote_data(&path, std::mem::take(&mut job.raw));
                    UnifiedRecord::from(map::map_job(&job.value, Some(data)))
                })
                .collect();
            push_all(sink, records).await?;
            if failures.complete(Model::Job) {
                sink.mark_complete(Model::Job);
            }
        }
    }

    // 2. Screening questions.
    if wants_questions {
        let with_questionnaire: Vec<i64> = jobs
            .iter()
            .filter(|j| j.value.has_questionnaire)
            .map(|j| j.value.id)
            .collect();
        let questionnaires = fan_out(with_questionnaire, concurrency, &cancel, |id| async move {
            Ok::<_, ConnectorError>((id, client.questionnaire_by_job(id).await))
        })
        .await?;
        let mut questions: BTreeMap<String, ScreeningQuestionRecord> = BTreeMap::new();
        let mut links = Vec::new();
        for (job_id, result) in questionnaires {
            match result {
                Ok(Some(questionnaire)) => {
                    let (qs, ls) = map::map_questionnaire(job_id, &questionnaire);
                    for q in qs {
                        questions.entry(q.remote_id.clone()).or_insert(q);
                    }
                    links.extend(ls.into_iter().map(UnifiedRecord::from));
                }
                Ok(None) => {}
                Err(error) => failures.record(
                    &[Model::ScreeningQuestion, Model::JobScreeningQuestion],
                    error,
                )?,
            }
        }
        let mut records: Vec<UnifiedRecord> = if scope.wants(Model::ScreeningQuestion) {
            questions.into_values().map(UnifiedRecord::from).collect()
        } else {
            Vec::new()
        };
        if scope.wants(Model::JobScreeningQuestion) {
            records.extend(links);
        }
        push_all(sink, records).await?;
        for model in [Model::ScreeningQuestion, Model::JobScreeningQuestion] {
            if scope.wants(model) && failures.complete(model) {
                sink.mark_complete(model);
            }
        }
    }

    // 3./4. Applicants and applications.
    if wants_candidates || wants_applications {
        let tracked_application_ids: Option<BTreeSet<String>> = tracked.map(|set| {
            set.iter()
                .map(|t| t.application_remote_id.clone())
                .collect()
        });
        let applicant_ids: BTreeSet<i64> = match tracked {
            Some(set) => parse_ids(set.iter().map(|t| t.candidate_remote_id.as_str())),
            None => {
                let job_ids: Vec<i64> = jobs.iter().map(|j| j.value.id).collect();
                let listed = fan_out(job_ids, concurrency, &cancel, |id| async move {
                    Ok::<_, ConnectorError>(client.applications_by_job(id).await)
                })
                .await?;
                let mut ids: BTreeSet<i64> = state.applicant_ids.clone();
                ids.extend(parse_ids(scope.known_ids(Model::Candidate)));
                for result in listed {
                    match result {
                        Ok(list) => ids.extend(list.iter().map(|a| a.applicant_id)),
                        Err(error) => {
                            failures.record(&[Model::Candidate, Model::Application], error)?
                        }
                    }
                }
                ids
            }
        };
        let fetched = fan_out(applicant_ids, concurrency, &cancel, |id| async move {
            let applicant = async {
                if wants_candidates {
                    Some(client.applicant(id).await)
                } else {
                    None
                }
            };
            let custom_fields = async {
                if wants_candidates {
                    Some(client.applicant_custom_fields(id).await)
                } else {
                    None
                }
            };
            let applications = async {
                if wants_applications {
                    Some(client.applications_of_applicant(id).await)
                } else {
                    None
                }
            };
            let (applicant, custom_fields, applications) =
                tokio::join!(applicant, custom_fields, applications);
            Ok::<_, ConnectorError>(ApplicantFetch {
                id,
                applicant,
                custom_fields,
                applications,
            })
        })
        .await?;

        let mut candidates = Vec::new();
        let mut applications = Vec::new();
        let mut tag_names = BTreeSet::new();
        for fetch in fetched {
            let mut gone = false;
            if let Some(result) = fetch.applicant {
                match result {
                    Ok(Some(applicant)) => {
                        let custom_fields = match fetch.custom_fields {
                            Some(Ok(values)) => values,
                            Some(Err(error)) => {
                                failures.record(&[Model::Candidate], error)?;
                                Vec::new()
                            }
                            None => Vec::new(),
                        };
                        let data = map::remote_data(
                            &format!("/Api/Applicant/{}", fetch.id),
                            applicant.raw,
                        );
                        let record =
                            map::map_applicant(&applicant.value, &custom_fields, Some(data));
                        tag_names.extend(record.tag_remote_ids.iter().cloned());
                        candidates.push(UnifiedRecord::from(record));
                    }
                    Ok(None) => gone = true,
                    Err(error) => failures.record(&[Model::Candidate], error)?,
                }
            }
            if let Some(result) = fetch.applications {
                match result {
                    Ok(Some(list)) => {
                        let path = format!("/Api/Applications/{}", fetch.id);
                        for application in list {
                            let id = application.value.id.to_string();
                            if tracked_application_ids
                                .as_ref()
                                .is_some_and(|t| !t.contains(&id))
                            {
                                continue;
                            }
                            let data = map::remote_data(&path, application.raw);
                            applications.push(UnifiedRecord::from(map::map_application(
                                &application.value,
                                Some(data),
                            )));
                        }
                    }
                    Ok(None) => gone = true,
                    Err(error) => failures.record(&[Model::Application], error)?,
                }
            }
            if gone {
                state.applicant_ids.remove(&fetch.id);
            } else if tracked.is_none() {
                state.applicant_ids.insert(fetch.id);
            }
        }
        push_all(sink, candidates).await?;
        push_all(sink, applications).await?;
        if scope.wants(Model::Tag) {
            push_all(
                sink,
                tag_names
                    .iter()
                    .map(|t| UnifiedRecord::from(map::map_tag(t)))
                    .collect(),
            )
            .await?;
        }
        for model in [Model::Candidate, Model::Application] {
            if scope.wants(model) && failures.complete(model) {
                sink.mark_complete(model);
            }
        }
        if scope.wants(Model::Tag) && failures.complete(Model::Candidate) {
            sink.mark_complete(Model::Tag);
        }
    }

    let state_json = serde_json::to_value(&state).map_err(|e| {
        ConnectorError::transport(format!("could not serialize the sync state: {e}"))
    })?;
    sink.set_state(state_json);
    match failures.first {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use atsbridge_connector::MemorySink;
    use serde_json::json;
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::config::ErecruiterConfig;

    async fn client_for(server: &MockServer) -> ErecruiterClient {
        Mock::given(method("POST"))
            .and(path_regex("^/Api/?$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"Token": "t0k3n", "Expires": "2999-01-01T00:00:00.1234567+01:00"}),
            ))
            .expect(1)
            .mount(server)
            .await;
        let config = ErecruiterConfig::from_json(&json!({
            "host": server.uri(),
            "mandator_id": 1,
            "api_key": "k3y",
            "requests_per_second": 1000,
        }))
        .unwrap();
        ErecruiterClient::new(&config).unwrap()
    }

    /// A job the job list names twice (and with members eRecruiter left `null`) is pushed
    /// once, and its questionnaire and applications are read once.
    #[tokio::test]
    async fn a_job_listed_twice_is_read_and_pushed_once() {
        let server = MockServer::start().await;
        let client = client_for(&server).await;
        let job = json!({"Id": 7, "Status": null, "HasQuestionnaire": true, "Title": "Bäcker:in"});
        Mock::given(method("GET"))
            .and(path("/Api/PublishedJobs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Jobs": [job, job]})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/Api/Questionnaire/ByJob/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"Id": 70, "Items": [{"Id": 701, "Type": 10, "Title": "Umzug?"}]}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/Api/Applications/ByJob/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .expect(1)
            .mount(&server)
            .await;
        let mut sink = MemorySink::new();
        run(
            &client,
            4,
            &Context::new("int-1"),
            &SyncScope::full_all_models(),
            &mut sink,
        )
        .await
        .unwrap();
        assert_eq!(sink.remote_ids(Model::Job), ["7"]);
        assert_eq!(sink.remote_ids(Model::ScreeningQuestion), ["701"]);
        assert_eq!(sink.remote_ids(Model::JobScreeningQuestion), ["7:701"]);
        for model in [
            Model::Job,
            Model::ScreeningQuestion,
            Model::Candidate,
            Model::Application,
        ] {
            assert!(sink.is_complete(model), "{model}");
        }
        // `expect(1)` on every mock is verified when the server drops.
        server.verify().await;
    }
}
