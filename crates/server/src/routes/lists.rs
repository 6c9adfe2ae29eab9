//! List routes: `GET /v1/ats/{jobs,candidates,applications,application-stages,tags}`.
//!
//! Reads come from the store only. Each route checks, in order: API key and integration, that
//! the connector covers the model (`INTEGRATION.MODEL_NOT_AVAILABLE`), that a first sync
//! finished (`INTEGRATION.SETUP_SYNC_PENDING`), the query (`PLATFORM.INPUT_INVALID`), then
//! reads one page ordered by sequence number plus one record to know whether a next page
//! exists.
//!
//! A filter on a field the connector does not declare makes the result empty, unless
//! `ignore_unsupported_filters=true`, which drops that filter instead.

use atsbridge_connector::Coverage;
use atsbridge_schema::envelope::{ErrorCode, ListEnvelope};
use atsbridge_schema::{KomboId, Model, Timestamp, wire};
use atsbridge_store::{KeyFilter, RecordKey, RecordQuery, StoredRecord, TrackedRestriction};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::auth::IntegrationScope;
use crate::cursor::PageCursor;
use crate::error::ApiError;
use crate::nested;
use crate::query::QueryParams;
use crate::state::AppState;

/// Parameters every list route takes.
const COMMON_KEYS: [&str; 5] = [
    "updated_after",
    "include_deleted",
    "ignore_unsupported_filters",
    "ids",
    "remote_ids",
];
/// Filters of `GET /ats/jobs`.
pub const JOB_FILTERS: [&str; 8] = [
    "job_codes",
    "post_url",
    "status",
    "statuses",
    "employment_types",
    "visibilities",
    "remote_created_after",
    "name_contains",
];
/// Filters of `GET /ats/candidates`.
pub const CANDIDATE_FILTERS: [&str; 4] = ["email", "job_ids", "first_name", "last_name"];
/// Filters of `GET /ats/applications`.
pub const APPLICATION_FILTERS: [&str; 6] = [
    "outcome",
    "outcomes",
    "job_ids",
    "job_remote_ids",
    "current_stage_ids",
    "remote_created_after",
];

/// A list request, validated, with the query it builds.
struct ListPlan {
    query: RecordQuery,
    page_size: usize,
    fingerprint: String,
    coverage: Coverage,
    ignore_unsupported: bool,
    /// A filter excluded everything (unsupported field, ids that cannot match).
    matches_nothing: bool,
}

impl ListPlan {
    async fn new(
        state: &AppState,
        scope: &IntegrationScope,
        params: &QueryParams,
        model: Model,
        route: &str,
        filters: &[&str],
    ) -> Result<Self, ApiError> {
        let integration = &scope.integration;
        let coverage = state.coverage(integration)?;
        if !coverage.supports_model(model) {
            return Err(ApiError::new(
                ErrorCode::IntegrationModelNotAvailable,
                format!(
                    "the `{}` model is not available for the `{}` connector",
                    model.as_str(),
                    integration.tool
                ),
            ));
        }
        if !state.store().has_completed_sync(&integration.id).await? {
            return Err(ApiError::setup_sync_pending());
        }
        let page_size = params.page_size()?;
        let mut query = RecordQuery::new(integration.id.clone(), model, (page_size + 1) as u32);
        query.include_deleted = params.boolean("include_deleted", false)?;
        query.updated_after = params.timestamp("updated_after")?;
        query.remote_ids = params.list("remote_ids");
        let ignore_unsupported = params.boolean("ignore_unsupported_filters", false)?;
        if filters.contains(&"remote_created_after") {
            params.timestamp("remote_created_after")?;
        }
        // The values are valid by now, so a cursor refused below really names other filters.
        let keys: Vec<&str> = COMMON_KEYS.iter().chain(filters.iter()).copied().collect();
        let fingerprint = params.fingerprint(route, &keys);
        if let Some(raw) = params.string("cursor") {
            let cursor = PageCursor::decode(&raw, &fingerprint)
                .map_err(|e| ApiError::input_invalid(e.to_string()))?;
            query.after_seq = Some(cursor.after_seq);
        }
        let mut plan = ListPlan {
            query,
            page_size,
            fingerprint,
            coverage,
            ignore_unsupported,
            matches_nothing: false,
        };
        if let Some(ids) = params.list("ids") {
            plan.query.ids = Some(plan.parse_ids(&ids));
        }
        Ok(plan)
    }

    /// Parses Kombo ids; ids that are not well-formed cannot match anything.
    fn parse_ids(&mut self, raw: &[String]) -> Vec<KomboId> {
        let ids: Vec<KomboId> = raw
            .iter()
            .filter_map(|id| KomboId::parse(id).ok())
            .collect();
        if ids.is_empty() {
            self.matches_nothing = true;
        }
        ids
    }

    /// Whether a filter on `field` of `model` is to be applied. An unsupported field either
    /// empties the result or, with `ignore_unsupported_filters`, drops the filter.
    fn supports(&mut self, model: Model, field: &str) -> bool {
        if self.coverage.declares_field(model, field) {
            return true;
        }
        if !self.ignore_unsupported {
            self.matches_nothing = true;
        }
        false
    }

    /// Keeps records whose indexed `key` is one of `values`.
    fn key_filter(&mut self, key: RecordKey, values: Vec<String>) {
        if values.is_empty() {
            self.matches_nothing = true;
        }
        self.query.key_filters.push(KeyFilter { key, values });
    }

    /// Keeps records whose `field` (indexed as `key`) is one of `values`, when `values` were
    /// given and the field is supported.
    fn match_any(&mut self, field: &str, key: RecordKey, values: Option<Vec<String>>) {
        if let Some(values) = values
            && self.supports(self.query.model, field)
        {
            self.key_filter(key, values);
        }
    }

    /// `remote_created_after` is day-granular and inclusive: "created on or after that day".
    fn remote_created_after(&mut self, model: Model, params: &QueryParams) -> Result<(), ApiError> {
        if let Some(after) = params.timestamp("remote_created_after")?
            && self.supports(model, "remote_created_at")
        {
            // The store compares with `>`, so start one millisecond before midnight.
            let midnight = after.as_datetime().date_naive().and_time(NaiveTime::MIN);
            let start = midnight
                .and_utc()
                .checked_sub_signed(Duration::milliseconds(1))
                .unwrap_or(DateTime::<Utc>::MIN_UTC);
            self.query.remote_created_after = Some(Timestamp::from_datetime(start));
        }
        Ok(())
    }

    /// Kombo ids of `model` → remote ids, through the store (one query).
    async fn remote_ids_of(
        &mut self,
        state: &AppState,
        model: Model,
        raw: &[String],
    ) -> Result<Vec<String>, ApiError> {
        let ids = self.parse_ids(raw);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let found = state
            .store()
            .get_by_ids(&self.query.integration_id, model, &ids)
            .await?;
        let remote_ids: Vec<String> = found.into_iter().map(|r| r.remote_id).collect();
        if remote_ids.is_empty() {
            self.matches_nothing = true;
        }
        Ok(remote_ids)
    }

    /// Reads the page; returns the records and the next cursor.
    async fn fetch(
        self,
        state: &AppState,
    ) -> Result<(Vec<StoredRecord>, Option<String>), ApiError> {
        if self.matches_nothing {
            return Ok((Vec::new(), None));
        }
        let mut records = state.store().list_records(&self.query).await?;
        let next = if records.len() > self.page_size {
            records.truncate(self.page_size);
            records
                .last()
                .map(|last| PageCursor::new(last.seq, self.fingerprint.clone()).encode())
        } else {
            None
        };
        Ok((records, next))
    }
}

/// `GET /v1/ats/jobs`.
pub async fn list_jobs(
    State(state): State<AppState>,
    scope: IntegrationScope,
    params: QueryParams,
) -> Result<Json<ListEnvelope<wire::Job>>, ApiError> {
    let model = Model::Job;
    let mut plan = ListPlan::new(&state, &scope, &params, model, "jobs", &JOB_FILTERS).await?;
    plan.match_any("job_code", RecordKey::JobCode, params.list("job_codes"));
    plan.match_any(
        "post_url",
        RecordKey::PostUrl,
        params.string("post_url").map(|url| vec![url]),
    );
    plan.match_any(
        "status",
        RecordKey::Status,
        merge_lists(params.list("statuses"), params.list("status")),
    );
    plan.match_any(
        "employment_type",
        RecordKey::EmploymentType,
        params.list("employment_types"),
    );
    plan.match_any(
        "visibility",
        RecordKey::Visibility,
        params.list("visibilities"),
    );
    if let Some(needle) = params.string("name_contains")
        && plan.supports(model, "name")
    {
        plan.query.name_contains = Some(needle);
    }
    plan.remote_created_after(model, &params)?;
    let (page, next) = plan.fetch(&state).await?;
    let results = nested::jobs_page(&state, &scope.integration, &page).await?;
    Ok(Json(ListEnvelope::new(results, next)))
}

/// `GET /v1/ats/candidates`.
pub async fn list_candidates(
    State(state): State<AppState>,
    scope: IntegrationScope,
    params: QueryParams,
) -> Result<Json<ListEnvelope<wire::Candidate>>, ApiError> {
    let model = Model::Candidate;
    let mut plan = ListPlan::new(
        &state,
        &scope,
        &params,
        model,
        "candidates",
        &CANDIDATE_FILTERS,
    )
    .await?;
    let tracked_only = scope.integration.settings.sync_only_created_applications;
    if tracked_only {
        plan.query.restrict_to_tracked = Some(TrackedRestriction::Candidates);
    }
    if let Some(email) = params.string("email")
        && plan.supports(model, "email_addresses")
    {
        plan.key_filter(RecordKey::Email, vec![email]);
    }
    for (param, key) in [
        ("first_name", RecordKey::FirstName),
        ("last_name", RecordKey::LastName),
    ] {
        if let Some(name) = params.string(param)
            && plan.supports(model, param)
        {
            plan.key_filter(key, vec![name]);
        }
    }
    if let Some(job_ids) = params.list("job_ids")
        && plan.supports(Model::Application, "job_id")
    {
        let job_remote_ids = plan.remote_ids_of(&state, Model::Job, &job_ids).await?;
        plan.query.applied_to_jobs = Some(job_remote_ids);
    }
    let (page, next) = plan.fetch(&state).await?;
    let results = nested::candidates_page(&state, &scope.integration, &page, tracked_only).await?;
    Ok(Json(ListEnvelope::new(results, next)))
}

/// `GET /v1/ats/applications`.
pub async fn list_applications(
    State(state): State<AppState>,
    scope: IntegrationScope,
    params: QueryParams,
) -> Result<Json<ListEnvelope<wire::Application>>, ApiError> {
    let model = Model::Application;
    let mut plan = ListPlan::new(
        &state,
        &scope,
        &params,
        model,
        "applications",
        &APPLICATION_FILTERS,
    )
    .await?;
    if scope.integration.settings.sync_only_created_applications {
        plan.query.restrict_to_tracked = Some(TrackedRestriction::Applications);
    }
    plan.match_any(
        "outcome",
        RecordKey::Outcome,
        merge_lists(params.list("outcomes"), params.list("outcome")),
    );
    if let Some(job_ids) = params.list("job_ids")
        && plan.supports(model, "job_id")
    {
        let remote_ids = plan.remote_ids_of(&state, Model::Job, &job_ids).await?;
        plan.key_filter(RecordKey::JobRemoteId, remote_ids);
    }
    if let Some(job_remote_ids) = params.list("job_remote_ids")
        && plan.supports(model, "job_id")
    {
        plan.key_filter(RecordKey::JobRemoteId, job_remote_ids);
    }
    if let Some(stage_ids) = params.list("current_stage_ids")
        && plan.supports(model, "current_stage_id")
    {
        let remote_ids = plan
            .remote_ids_of(&state, Model::ApplicationStage, &stage_ids)
            .await?;
        plan.key_filter(RecordKey::CurrentStageRemoteId, remote_ids);
    }
    plan.remote_created_after(model, &params)?;
    let (page, next) = plan.fetch(&state).await?;
    let results = nested::applications_page(&state, &scope.integration, &page).await?;
    Ok(Json(ListEnvelope::new(results, next)))
}

/// `GET /v1/ats/application-stages`.
pub async fn list_application_stages(
    State(state): State<AppState>,
    scope: IntegrationScope,
    params: QueryParams,
) -> Result<Json<ListEnvelope<wire::ApplicationStage>>, ApiError> {
    let plan = ListPlan::new(
        &state,
        &scope,
        &params,
        Model::ApplicationStage,
        "application-stages",
        &[],
    )
    .await?;
    let (page, next) = plan.fetch(&state).await?;
    Ok(Json(ListEnvelope::new(nested::stages_page(&page)?, next)))
}

/// `GET /v1/ats/tags`.
pub async fn list_tags(
    State(state): State<AppState>,
    scope: IntegrationScope,
    params: QueryParams,
) -> Result<Json<ListEnvelope<wire::Tag>>, ApiError> {
    let plan = ListPlan::new(&state, &scope, &params, Model::Tag, "tags", &[]).await?;
    let (page, next) = plan.fetch(&state).await?;
    Ok(Json(ListEnvelope::new(nested::tags_page(&page)?, next)))
}

/// Union of a list filter and its deprecated single-value twin.
fn merge_lists(list: Option<Vec<String>>, single: Option<Vec<String>>) -> Option<Vec<String>> {
    match (list, single) {
        (None, None) => None,
        (Some(a), None) | (None, Some(a)) => Some(a),
        (Some(mut a), Some(b)) => {
            for item in b {
                if !a.contains(&item) {
                    a.push(item);
                }
            }
            Some(a)
        }
    }
}
