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
//! Records are pushed as they are read: each applicant's candidate, applications and new tags
//! as soon as its requests are answered (see decision 30), so memory does not grow with the
//! account and a run that stops half-way has stored everything it read.
//!
//! A failed request for one resource does not stop the run: the model it belongs to is simply
//! not marked complete (so nothing gets deleted), and the error is returned at the end.
//! Rejected credentials and cancellation stop the run at once.

use std::collections::BTreeSet;

use atsbridge_connector::{
    CancellationToken, ConnectorError, Context, ErrorKind, RecordSink, SyncScope,
    TrackedApplication, fan_out, fan_out_stream,
};
use atsbridge_schema::Model;
use atsbridge_schema::record::UnifiedRecord;
use serde::{Deserialize, Serialize};

use crate::client::{self, ErecruiterClient, WithRaw};
use crate::map;
use crate::wire::{ApplicantResponse, ApplicationResponse, CustomFieldValueResponse, JobResponse};

/// What a run remembers for the next one (`SyncScope::previous_state`).
///
/// The id sets are stored as one range string each (see [`id_ranges`]): the engine holds the
/// previous state for the whole run, and a JSON array of a million numbers would cost tens
/// of megabytes there, while the string costs a few bytes per id. Arrays of numbers (the
/// earlier format) are still read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// Every job id seen and not confirmed gone.
    #[serde(default, with = "id_ranges")]
    pub job_ids: BTreeSet<i64>,
    /// Every applicant id seen and not confirmed gone.
    #[serde(default, with = "id_ranges")]
    pub applicant_ids: BTreeSet<i64>,
}

/// A set of ids as text: ascending, comma-separated, runs of consecutive ids as `first-last`
/// (`"1-3,7,10-12"`); negative ids are written in parentheses (`"(-5)-(-3)"`). Reads the
/// text form or a JSON array of numbers.
pub mod id_ranges {
    use std::collections::BTreeSet;
    use std::fmt::{self, Write as _};

    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    /// Writes `ids` as range text.
    pub fn to_text(ids: &BTreeSet<i64>) -> String {
        let mut text = String::new();
        let mut ids = ids.iter().copied().peekable();
        while let Some(first) = ids.next() {
            let mut last = first;
            while let Some(&next) = ids.peek() {
                if last.checked_add(1) != Some(next) {
                    break;
                }
                last = next;
                ids.next();
            }
            if !text.is_empty() {
                text.push(',');
            }
            push_id(&mut text, first);
            if last != first {
                text.push('-');
                push_id(&mut text, last);
            }
        }
        text
    }

    fn push_id(text: &mut String, id: i64) {
        // Writing to a `String` cannot fail.
        let _ = if id < 0 {
            write!(text, "({id})")
        } else {
            write!(text, "{id}")
        };
    }

    /// Reads range text; `None` when it is malformed.
    pub fn from_text(text: &str) -> Option<BTreeSet<i64>> {
        let mut ids = BTreeSet::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (first, last) = split_range(part.trim())?;
            // A corrupt state must not expand into billions of ids.
            if last
                .checked_sub(first)
                .is_none_or(|span| !(0..=100_000_000).contains(&span))
            {
                return None;
            }
            ids.extend(first..=last);
        }
        Some(ids)
    }

    /// `"4"`, `"4-9"`, `"(-5)"` or `"(-5)-(-3)"` → (first, last).
    fn split_range(part: &str) -> Option<(i64, i64)> {
        let (first, rest) = read_id(part)?;
        match rest.strip_prefix('-') {
            None if rest.is_empty() => Some((first, first)),
            None => None,
            Some(rest) => match read_id(rest)? {
                (last, "") => Some((first, last)),
                _ => None,
            },
        }
    }

    /// One id at the start of `text` and what follows it.
    fn read_id(text: &str) -> Option<(i64, &str)> {
        if let Some(inner) = text.strip_prefix('(') {
            let (number, rest) = inner.split_once(')')?;
            return Some((number.parse().ok()?, rest));
        }
        let end = text.find('-').unwrap_or(text.len());
        Some((text[..end].parse().ok()?, &text[end..]))
    }

    /// Serde: writes the set as range text.
    pub fn serialize<S: Serializer>(ids: &BTreeSet<i64>, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&to_text(ids))
    }

    /// Serde: reads range text or an array of numbers.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeSet<i64>, D::Error> {
        deserializer.deserialize_any(IdsVisitor)
    }

    struct IdsVisitor;

    impl<'de> Visitor<'de> for IdsVisitor {
        type Value = BTreeSet<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("id ranges text or an array of ids")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            from_text(text).ok_or_else(|| E::custom("malformed id ranges"))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut ids = BTreeSet::new();
            while let Some(id) = seq.next_element::<i64>()? {
                ids.insert(id);
            }
            Ok(ids)
        }
    }
}

impl SyncState {
    /// Reads the previous state; unreadable state counts as none.
    pub fn from_scope(scope: &SyncScope) -> Self {
        match &scope.previous_state {
            None => Self::default(),
            // Read in place: the state grows with the account, a copy of it would too.
            Some(value) => Self::deserialize(value).unwrap_or_else(|error| {
                tracing::warn!(%error, "ignoring unreadable eRecruiter sync state");
                Self::default()
            }),
        }
    }
}

/// Records pushed per batch where a step pushes a list (stages, questions).
const BATCH_SIZE: usize = 200;

/// Jobs pushed per batch: a job record carries its description and its JSON as read, tens
/// of kilobytes once parsed, so a job batch is kept small.
const JOB_BATCH_SIZE: usize = 50;

fn is_fatal(error: &ConnectorError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Unauthenticated | ErrorKind::Cancelled | ErrorKind::Config
    )
}

fn parse_ids<'a>(ids: impl Iterator<Item = &'a str>) -> impl Iterator<Item = i64> {
    ids.filter_map(|id| id.trim().parse::<i64>().ok())
}

/// The applicants of the tracked applications. eRecruiter reads applications through their
/// applicant, so an entry whose candidate id is not known yet cannot be refreshed; it is
/// logged and skipped (the engine completes the id once the application is synced).
fn tracked_applicant_ids(tracked: &BTreeSet<TrackedApplication>) -> BTreeSet<i64> {
    let mut known = Vec::new();
    for application in tracked {
        match &application.candidate_remote_id {
            Some(candidate) => known.push(candidate.as_str()),
            None => tracing::warn!(
                application_remote_id = %application.application_remote_id,
                "tracked application without a candidate id is skipped: eRecruiter reads \
                 applications through their applicant"
            ),
        }
    }
    parse_ids(known.into_iter()).collect()
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

/// Pushes `records` in batches of [`BATCH_SIZE`], dropping each batch once it is pushed.
async fn push_all(
    sink: &mut dyn RecordSink,
    records: impl IntoIterator<Item = UnifiedRecord>,
) -> Result<(), ConnectorError> {
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let batch: Vec<UnifiedRecord> = records.by_ref().take(BATCH_SIZE).collect();
        sink.push(batch).await?;
    }
    Ok(())
}

/// What later steps need of a job (its JSON is pushed and dropped in step 1).
#[derive(Debug, Clone, Copy)]
struct JobRef {
    id: i64,
    has_questionnaire: bool,
}

/// Per-applicant results of step 4.
struct ApplicantFetch {
    id: i64,
    applicant: Option<Result<Option<WithRaw<ApplicantResponse>>, ConnectorError>>,
    custom_fields: Option<Result<Vec<CustomFieldValueResponse>, ConnectorError>>,
    applications: Option<Result<Option<Vec<WithRaw<ApplicationResponse>>>, ConnectorError>>,
}

/// Sends the (up to three) requests of one applicant at once.
async fn fetch_applicant(
    client: &ErecruiterClient,
    id: i64,
    wants_candidates: bool,
    wants_applications: bool,
) -> Result<ApplicantFetch, ConnectorError> {
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
    Ok(ApplicantFetch {
        id,
        applicant,
        custom_fields,
        applications,
    })
}

/// What streaming step 4 keeps across applicants: small, or nothing per applicant.
#[derive(Default)]
struct ApplicantTally {
    /// Applicants eRecruiter answered 404 for (removed from the state afterwards).
    gone: Vec<i64>,
    /// Tag texts already pushed in this run (one record per distinct text).
    tags_pushed: BTreeSet<String>,
}

/// One sync run: the scope, the state being built, and the sink everything is pushed to.
struct SyncRun<'a> {
    client: &'a ErecruiterClient,
    concurrency: usize,
    cancel: CancellationToken,
    scope: &'a SyncScope,
    state: SyncState,
    failures: Failures,
    sink: &'a mut dyn RecordSink,
}

/// Runs one sync.
pub async fn run(
    client: &ErecruiterClient,
    concurrency: usize,
    ctx: &Context,
    scope: &SyncScope,
    sink: &mut dyn RecordSink,
) -> Result<(), ConnectorError> {
    let mut run = SyncRun {
        client,
        concurrency,
        cancel: ctx.cancellation().clone(),
        scope,
        state: SyncState::from_scope(scope),
        failures: Failures::default(),
        sink,
    };
    let tracked = scope.tracked_applications.is_some();
    let wants_applicants = scope.wants(Model::Candidate) || scope.wants(Model::Application);
    let wants_questions =
        scope.wants(Model::ScreeningQuestion) || scope.wants(Model::JobScreeningQuestion);
    let needs_job_list =
        scope.wants(Model::Job) || wants_questions || (!tracked && wants_applicants);

    if scope.wants(Model::ApplicationStage) {
        run.stages().await?;
    }
    let jobs = if needs_job_list {
        ctx.ensure_not_cancelled()?;
        run.jobs().await?
    } else {
        Vec::new()
    };
    if wants_questions {
        run.questions(&jobs).await?;
    }
    if wants_applicants {
        run.applicants(&jobs).await?;
    }
    run.finish()
}

impl SyncRun<'_> {
    /// The fixed workflow status groups (no request).
    async fn stages(&mut self) -> Result<(), ConnectorError> {
        let stages = map::application_stages()
            .into_iter()
            .map(UnifiedRecord::from);
        push_all(self.sink, stages).await?;
        self.sink.mark_complete(Model::ApplicationStage);
        Ok(())
    }

    /// Step 1: the published jobs, then every previously known job that left the list.
    /// Pushes the jobs (when asked for) and returns what later steps need of them, in the
    /// order they were read.
    async fn jobs(&mut self) -> Result<Vec<JobRef>, ConnectorError> {
        let wants_jobs = self.scope.wants(Model::Job);
        let mut jobs: Vec<JobRef> = Vec::new();
        let mut seen: BTreeSet<i64> = BTreeSet::new();
        match self
            .published_jobs(wants_jobs, &mut jobs, &mut seen)
            .await?
        {
            Ok(()) => {}
            Err(error) => {
                // An unreadable list names no job: every known one is read by id below.
                jobs.clear();
                seen.clear();
                self.failures.record(
                    &[
                        Model::Job,
                        Model::ScreeningQuestion,
                        Model::JobScreeningQuestion,
                        Model::Candidate,
                        Model::Application,
                    ],
                    error,
                )?;
            }
        }
        let mut previously_known = self.state.job_ids.clone();
        previously_known.extend(parse_ids(self.scope.known_ids(Model::Job)));
        let missing: Vec<i64> = previously_known.difference(&seen).copied().collect();
        let client = self.client;
        let refreshed = fan_out(missing, self.concurrency, &self.cancel, |id| async move {
            Ok::<_, ConnectorError>((id, client.job(id).await))
        })
        .await?;
        let mut records = Vec::new();
        for (id, result) in refreshed {
            match result {
                Ok(Some(job)) => {
                    jobs.push(JobRef {
                        id,
                        has_questionnaire: job.value.has_questionnaire,
                    });
                    if wants_jobs {
                        records.push(job_record(&format!("/Api/Job/{id}"), job));
                    }
                }
                Ok(None) => {
                    self.state.job_ids.remove(&id);
                }
                Err(error) => self.failures.record(
                    &[
                        Model::Job,
                        Model::ScreeningQuestion,
                        Model::JobScreeningQuestion,
                    ],
                    error,
                )?,
            }
        }
        push_all(self.sink, records).await?;
        self.state.job_ids.extend(jobs.iter().map(|j| j.id));
        if wants_jobs && self.failures.complete(Model::Job) {
            self.sink.mark_complete(Model::Job);
        }
        Ok(jobs)
    }

    /// Step 1a: `PublishedJobs`. Fills `jobs` and `seen` (a job listed twice counts once)
    /// and pushes the listed jobs when asked for. The answer is kept as its bytes and each job
    /// is parsed when it is used: first all of them into a [`JobRef`] (so an unreadable job
    /// fails the list before anything is pushed, as a whole-list parse would), then batch by
    /// batch ([`JOB_BATCH_SIZE`]) into records. The outer error stops the run (sink,
    /// cancellation); the inner one is the provider's.
    async fn published_jobs(
        &mut self,
        wants_jobs: bool,
        jobs: &mut Vec<JobRef>,
        seen: &mut BTreeSet<i64>,
    ) -> Result<Result<(), ConnectorError>, ConnectorError> {
        let list = match self.client.published_jobs().await {
            Ok(list) => list,
            Err(error) => return Ok(Err(error)),
        };
        let raws = match list.raw_jobs() {
            Ok(raws) => raws,
            Err(error) => return Ok(Err(error)),
        };
        // Indices into `raws` of the first listing of each job.
        let mut first_listings: Vec<usize> = Vec::new();
        for (index, raw) in raws.iter().enumerate() {
            let job = match client::read_job(raw) {
                Ok(job) => job,
                Err(error) => return Ok(Err(error)),
            };
            if seen.insert(job.id) {
                jobs.push(JobRef {
                    id: job.id,
                    has_questionnaire: job.has_questionnaire,
                });
                first_listings.push(index);
            }
        }
        if !wants_jobs {
            return Ok(Ok(()));
        }
        for batch in first_listings.chunks(JOB_BATCH_SIZE) {
            let mut records = Vec::with_capacity(batch.len());
            for &index in batch {
                match client::read_job_json(raws[index]) {
                    Ok(job) => records.push(job_record("/Api/PublishedJobs", job)),
                    Err(error) => return Ok(Err(error)),
                }
            }
            self.sink.push(records).await?;
        }
        Ok(Ok(()))
    }

    /// Step 2: the questionnaires of jobs that have one, `concurrency` at a time. Each
    /// questionnaire's new questions (a question shared by several questionnaires is pushed
    /// once) and its job links are pushed as soon as it is read; only the ids of the pushed
    /// questions are kept.
    async fn questions(&mut self, jobs: &[JobRef]) -> Result<(), ConnectorError> {
        let wants_questions = self.scope.wants(Model::ScreeningQuestion);
        let wants_links = self.scope.wants(Model::JobScreeningQuestion);
        let with_questionnaire: Vec<i64> = jobs
            .iter()
            .filter(|j| j.has_questionnaire)
            .map(|j| j.id)
            .collect();
        let client = self.client;
        let mut questionnaires = fan_out_stream(
            with_questionnaire,
            self.concurrency,
            &self.cancel,
            |id| async move { Ok::<_, ConnectorError>((id, client.questionnaire_by_job(id).await)) },
        );
        let mut pushed_questions: BTreeSet<String> = BTreeSet::new();
        while let Some(read) = questionnaires.next().await {
            let (job_id, result) = read?;
            match result {
                Ok(Some(questionnaire)) => {
                    let (questions, links) = map::map_questionnaire(job_id, &questionnaire);
                    let mut records = Vec::new();
                    if wants_questions {
                        records.extend(
                            questions
                                .into_iter()
                                .filter(|q| pushed_questions.insert(q.remote_id.clone()))
                                .map(UnifiedRecord::from),
                        );
                    }
                    if wants_links {
                        records.extend(links.into_iter().map(UnifiedRecord::from));
                    }
                    if !records.is_empty() {
                        self.sink.push(records).await?;
                    }
                }
                Ok(None) => {}
                Err(error) => self.failures.record(
                    &[Model::ScreeningQuestion, Model::JobScreeningQuestion],
                    error,
                )?,
            }
        }
        for model in [Model::ScreeningQuestion, Model::JobScreeningQuestion] {
            if self.scope.wants(model) && self.failures.complete(model) {
                self.sink.mark_complete(model);
            }
        }
        Ok(())
    }

    /// Steps 3 and 4: which applicants to read, then each applicant's records, pushed as soon
    /// as its requests are answered.
    async fn applicants(&mut self, jobs: &[JobRef]) -> Result<(), ConnectorError> {
        let ids: BTreeSet<i64> = match &self.scope.tracked_applications {
            Some(set) => tracked_applicant_ids(set),
            None => self.listed_applicant_ids(jobs).await?,
        };
        let tally = self.push_applicants(&ids).await?;
        if self.scope.tracked_applications.is_none() {
            // Every id read in a full run is remembered, the ones found gone excepted.
            self.state.applicant_ids = ids;
        }
        for id in &tally.gone {
            self.state.applicant_ids.remove(id);
        }
        for model in [Model::Candidate, Model::Application] {
            if self.scope.wants(model) && self.failures.complete(model) {
                self.sink.mark_complete(model);
            }
        }
        if self.scope.wants(Model::Tag) && self.failures.complete(Model::Candidate) {
            self.sink.mark_complete(Model::Tag);
        }
        Ok(())
    }

    /// Step 3 (full runs): the applicants of the previous state, those the store knows, and
    /// those `Applications/ByJob` lists for any job. Each job's list is dropped once read.
    async fn listed_applicant_ids(
        &mut self,
        jobs: &[JobRef],
    ) -> Result<BTreeSet<i64>, ConnectorError> {
        let mut ids = std::mem::take(&mut self.state.applicant_ids);
        ids.extend(parse_ids(self.scope.known_ids(Model::Candidate)));
        let client = self.client;
        let job_ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
        let mut lists = fan_out_stream(job_ids, self.concurrency, &self.cancel, |id| async move {
            Ok::<_, ConnectorError>(client.applications_by_job(id).await)
        });
        while let Some(result) = lists.next().await {
            match result? {
                Ok(list) => ids.extend(list.iter().map(|a| a.applicant_id)),
                Err(error) => self
                    .failures
                    .record(&[Model::Candidate, Model::Application], error)?,
            }
        }
        Ok(ids)
    }

    /// Step 4: reads every applicant in `ids` (id order, `concurrency` at a time) and pushes
    /// its candidate, applications and new tags as soon as its requests are answered.
    async fn push_applicants(
        &mut self,
        ids: &BTreeSet<i64>,
    ) -> Result<ApplicantTally, ConnectorError> {
        let client = self.client;
        let wants_candidates = self.scope.wants(Model::Candidate);
        let wants_applications = self.scope.wants(Model::Application);
        let tracked_application_ids: Option<BTreeSet<&str>> =
            self.scope.tracked_applications.as_ref().map(|set| {
                set.iter()
                    .map(|t| t.application_remote_id.as_str())
                    .collect()
            });
        let mut tally = ApplicantTally::default();
        let mut fetched =
            fan_out_stream(ids.iter().copied(), self.concurrency, &self.cancel, |id| {
                fetch_applicant(client, id, wants_candidates, wants_applications)
            });
        while let Some(fetch) = fetched.next().await {
            let records =
                self.applicant_records(fetch?, tracked_application_ids.as_ref(), &mut tally)?;
            if !records.is_empty() {
                self.sink.push(records).await?;
            }
        }
        Ok(tally)
    }

    /// The records of one applicant: its candidate, its (tracked) applications and the tags
    /// not pushed yet in this run. Failed requests are recorded, 404s noted as gone.
    fn applicant_records(
        &mut self,
        fetch: ApplicantFetch,
        tracked_application_ids: Option<&BTreeSet<&str>>,
        tally: &mut ApplicantTally,
    ) -> Result<Vec<UnifiedRecord>, ConnectorError> {
        let mut records = Vec::new();
        let mut gone = false;
        match fetch.applicant {
            Some(Ok(Some(applicant))) => {
                let custom_fields = match fetch.custom_fields {
                    Some(Ok(values)) => values,
                    Some(Err(error)) => {
                        self.failures.record(&[Model::Candidate], error)?;
                        Vec::new()
                    }
                    None => Vec::new(),
                };
                let data = map::remote_data(&format!("/Api/Applicant/{}", fetch.id), applicant.raw);
                let candidate = map::map_applicant(&applicant.value, &custom_fields, Some(data));
                let new_tags: Vec<String> = if self.scope.wants(Model::Tag) {
                    candidate
                        .tag_remote_ids
                        .iter()
                        .filter(|tag| tally.tags_pushed.insert((*tag).clone()))
                        .cloned()
                        .collect()
                } else {
                    Vec::new()
                };
                records.push(UnifiedRecord::from(candidate));
                records.extend(
                    new_tags
                        .iter()
                        .map(|tag| UnifiedRecord::from(map::map_tag(tag))),
                );
            }
            Some(Ok(None)) => gone = true,
            Some(Err(error)) => self.failures.record(&[Model::Candidate], error)?,
            None => {}
        }
        match fetch.applications {
            Some(Ok(Some(list))) => {
                let path = format!("/Api/Applications/{}", fetch.id);
                for application in list {
                    let id = application.value.id.to_string();
                    if tracked_application_ids.is_some_and(|t| !t.contains(id.as_str())) {
                        continue;
                    }
                    let data = map::remote_data(&path, application.raw);
                    records.push(UnifiedRecord::from(map::map_application(
                        &application.value,
                        Some(data),
                    )));
                }
            }
            Some(Ok(None)) => gone = true,
            Some(Err(error)) => self.failures.record(&[Model::Application], error)?,
            None => {}
        }
        if gone {
            tally.gone.push(fetch.id);
        }
        Ok(records)
    }

    /// Leaves the state for the next run and returns the first non-fatal error, if any.
    fn finish(self) -> Result<(), ConnectorError> {
        let state_json = serde_json::to_value(&self.state).map_err(|e| {
            ConnectorError::transport(format!("could not serialize the sync state: {e}"))
        })?;
        self.sink.set_state(state_json);
        match self.failures.first {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// The job record of `job`, with its JSON as read from `path` as `remote_data`.
fn job_record(path: &str, job: WithRaw<JobResponse>) -> UnifiedRecord {
    let data = map::remote_data(path, job.raw);
    UnifiedRecord::from(map::map_job(&job.value, Some(data)))
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

    /// A 5xx on the token exchange is retried (it is a POST, but a side-effect-free one), so
    /// a provider with occasional errors does not fail runs at the first request.
    #[tokio::test]
    async fn a_failing_token_exchange_is_retried() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path_regex("^/Api/?$"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&server)
            .await;
        let client = client_for(&server).await;
        Mock::given(method("GET"))
            .and(path("/Api/PublishedJobs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Jobs": []})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex("^/Api/.*"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
            .with_priority(10)
            .mount(&server)
            .await;
        let mut sink = MemorySink::new();
        let result = run(
            &client,
            4,
            &Context::new("int-1"),
            &SyncScope::full_all_models(),
            &mut sink,
        )
        .await;
        assert!(result.is_ok(), "{result:?}");
        server.verify().await;
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

    /// A job list with one unreadable job is unreadable as a whole, as when it was parsed in
    /// one piece: no job is pushed and nothing is fanned out over the readable ones.
    #[tokio::test]
    async fn one_unreadable_job_fails_the_whole_job_list() {
        let server = MockServer::start().await;
        let client = client_for(&server).await;
        Mock::given(method("GET"))
            .and(path("/Api/PublishedJobs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"Jobs": [
                {"Id": 7, "HasQuestionnaire": true, "Title": "Koch"},
                {"Id": "not a number", "Title": "Kellner:in"}
            ]})))
            .expect(1)
            .mount(&server)
            .await;
        let mut sink = MemorySink::new();
        let error = run(
            &client,
            4,
            &Context::new("int-1"),
            &SyncScope::full_all_models(),
            &mut sink,
        )
        .await
        .unwrap_err();
        assert!(error.to_string().contains("unreadable job"), "{error}");
        assert!(sink.remote_ids(Model::Job).is_empty());
        assert!(!sink.is_complete(Model::Job));
        assert!(!sink.is_complete(Model::Candidate));
        // Token and job list only: no questionnaire or application list was asked for.
        let received = server.received_requests().await.unwrap_or_default();
        assert_eq!(received.len(), 2, "{received:?}");
        server.verify().await;
    }

    /// Records what the provider had received each time the connector pushed.
    struct WatchingSink<'a> {
        server: &'a MockServer,
        inner: MemorySink,
        /// Per push: (remote ids pushed, requests the server had received by then).
        pushes: Vec<(Vec<String>, usize)>,
    }

    #[async_trait::async_trait]
    impl RecordSink for WatchingSink<'_> {
        async fn push(&mut self, batch: Vec<UnifiedRecord>) -> Result<(), ConnectorError> {
            let received = self
                .server
                .received_requests()
                .await
                .unwrap_or_default()
                .len();
            let ids = batch
                .iter()
                .map(|r| format!("{}:{}", r.model(), r.remote_id()))
                .collect();
            self.pushes.push((ids, received));
            self.inner.push(batch).await
        }
        fn mark_complete(&mut self, model: Model) {
            self.inner.mark_complete(model);
        }
        fn set_state(&mut self, state: serde_json::Value) {
            self.inner.set_state(state);
        }
    }

    /// Each applicant's candidate, applications and new tags are pushed as soon as its three
    /// requests are answered, before the next applicant is read; a tag is pushed once.
    #[tokio::test]
    async fn each_applicant_is_pushed_before_the_next_one_is_read() {
        let server = MockServer::start().await;
        let client = client_for(&server).await;
        Mock::given(method("GET"))
            .and(path("/Api/PublishedJobs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"Jobs": [{"Id": 7, "HasQuestionnaire": false, "Title": "Koch"}]}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/Api/Applications/ByJob/7"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                {"Id": 11, "JobId": 7, "ApplicantId": 1},
                {"Id": 21, "JobId": 7, "ApplicantId": 2},
                {"Id": 12, "JobId": 7, "ApplicantId": 1}
            ])))
            .expect(1)
            .mount(&server)
            .await;
        for id in [1, 2] {
            Mock::given(method("GET"))
                .and(path(format!("/Api/Applicant/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    json!({"Id": id, "FirstName": "A", "Tags": ["vip", format!("t{id}")]}),
                ))
                .expect(1)
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path(format!("/Api/Applicant/CustomFields/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
                .expect(1)
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path(format!("/Api/Applications/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([
                    {"Id": id * 10 + 1, "JobId": 7, "ApplicantId": id}
                ])))
                .expect(1)
                .mount(&server)
                .await;
        }
        let mut sink = WatchingSink {
            server: &server,
            inner: MemorySink::new(),
            pushes: Vec::new(),
        };
        let scope = SyncScope::full([Model::Job, Model::Candidate, Model::Application, Model::Tag]);
        run(&client, 1, &Context::new("int-1"), &scope, &mut sink)
            .await
            .unwrap();
        let applicant_pushes: Vec<&(Vec<String>, usize)> = sink
            .pushes
            .iter()
            .filter(|(ids, _)| ids.iter().any(|id| id.starts_with("candidate:")))
            .collect();
        // Token, PublishedJobs, ByJob, then three requests per applicant.
        assert_eq!(
            applicant_pushes,
            [
                &(
                    vec![
                        "candidate:1".to_owned(),
                        "tag:vip".to_owned(),
                        "tag:t1".to_owned(),
                        "application:11".to_owned()
                    ],
                    6
                ),
                &(
                    vec![
                        "candidate:2".to_owned(),
                        "tag:t2".to_owned(),
                        "application:21".to_owned()
                    ],
                    9
                ),
            ]
        );
        for model in [Model::Job, Model::Candidate, Model::Application, Model::Tag] {
            assert!(sink.inner.is_complete(model), "{model}");
        }
        assert_eq!(
            sink.inner.state,
            Some(json!({"job_ids": "7", "applicant_ids": "1-2"}))
        );
        server.verify().await;
    }

    #[test]
    fn id_sets_round_trip_through_range_text() {
        let ids: BTreeSet<i64> = [-7, -6, -5, -1, 0, 1, 2, 3, 9, 11, 12, i64::MAX]
            .into_iter()
            .collect();
        let text = id_ranges::to_text(&ids);
        assert_eq!(text, "(-7)-(-5),(-1)-3,9,11-12,9223372036854775807");
        assert_eq!(id_ranges::from_text(&text), Some(ids));
        assert_eq!(id_ranges::from_text(""), Some(BTreeSet::new()));
        for bad in ["1-", "a", "3-1", "(-1", "1-2-3"] {
            assert_eq!(id_ranges::from_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_state_reads_the_earlier_array_form_and_writes_ranges() {
        let mut scope = SyncScope::full_all_models();
        scope.previous_state = Some(json!({"job_ids": [7, 8], "applicant_ids": [3, 1, 2]}));
        let state = SyncState::from_scope(&scope);
        assert_eq!(state.applicant_ids, [1, 2, 3].into_iter().collect());
        assert_eq!(
            serde_json::to_value(&state).unwrap(),
            json!({"job_ids": "7-8", "applicant_ids": "1-3"})
        );
        scope.previous_state = Some(json!({"job_ids": "7-8", "applicant_ids": "1-3"}));
        assert_eq!(SyncState::from_scope(&scope), state);
    }
}
