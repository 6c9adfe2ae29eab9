//! Sync runs, connector sync state and the tracked-applications set.

use std::time::Duration;

use atsbridge_schema::Timestamp;
use deadpool_postgres::{GenericClient, Object};

use super::PgParams;
use super::webhooks::{enqueue_event, integration_for_event, run_integration_and_start};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::{
    IntegrationId, RunId, RunOutcome, RunStatus, SyncMode, SyncRun, TrackedApplication,
};
use crate::rows::{
    RUN_COLUMNS, RawRun, STALE_RUN_ERRORS, counts_text, lease_cutoff, run_from_raw,
    run_in_progress_error, state_from_text, state_text, ts_to_sql,
};
use crate::sql::Param;
use crate::webhooks::{EventLinks, integration_state_changed, run_finished_events};

async fn require_integration(
    client: &impl GenericClient,
    id: &IntegrationId,
) -> Result<(), StoreError> {
    let found = client
        .query_opt("SELECT 1 FROM integrations WHERE id = $1", &[&id.as_str()])
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(StoreError::IntegrationNotFound(id.to_string())),
    }
}

pub(crate) async fn track_application(
    client: &Object,
    integration_id: &IntegrationId,
    application: &TrackedApplication,
    tracked_at: Timestamp,
) -> Result<(), StoreError> {
    require_integration(client, integration_id).await?;
    client
        .execute(
            "INSERT INTO tracked_applications AS t
                 (integration_id, application_remote_id, candidate_remote_id, job_remote_id,
                  tracked_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (integration_id, application_remote_id) DO UPDATE SET
                 candidate_remote_id = COALESCE(excluded.candidate_remote_id,
                                                t.candidate_remote_id),
                 job_remote_id = COALESCE(excluded.job_remote_id, t.job_remote_id)",
            &[
                &integration_id.as_str(),
                &application.application_remote_id,
                &application.candidate_remote_id,
                &application.job_remote_id,
                &ts_to_sql(tracked_at),
            ],
        )
        .await?;
    Ok(())
}

pub(crate) async fn tracked_applications(
    client: &Object,
    integration_id: &IntegrationId,
) -> Result<Vec<TrackedApplication>, StoreError> {
    client
        .query(
            "SELECT application_remote_id, candidate_remote_id, job_remote_id
             FROM tracked_applications WHERE integration_id = $1
             ORDER BY tracked_at, application_remote_id",
            &[&integration_id.as_str()],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(TrackedApplication {
                application_remote_id: row.try_get(0)?,
                candidate_remote_id: row.try_get(1)?,
                job_remote_id: row.try_get(2)?,
            })
        })
        .collect()
}

/// Records a new run unless the integration has one queued or running already.
///
/// The integration's queued or running runs whose `lease` expired
/// are closed as failed first; a run with a live lease refuses the new one. The clean-up, the
/// check and the insert share one transaction that starts by locking the integration's row
/// (`FOR NO KEY UPDATE`, which does not block record writes referencing it), so two processes
/// cannot both see "no run" and both insert one.
pub(crate) async fn insert_run(
    client: &mut Object,
    integration_id: &IntegrationId,
    mode: SyncMode,
    status: RunStatus,
    at: Timestamp,
    lease: Duration,
) -> Result<RunId, StoreError> {
    let tx = client.transaction().await?;
    let locked = tx
        .query_opt(
            "SELECT 1 FROM integrations WHERE id = $1 FOR NO KEY UPDATE",
            &[&integration_id.as_str()],
        )
        .await?;
    if locked.is_none() {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    let expired = close_stale_runs(&tx, Some(integration_id), at, lease).await?;
    if expired > 0 {
        tracing::warn!(
            %integration_id,
            expired,
            "closed sync runs whose lease expired as failed"
        );
    }
    let found = tx
        .query_opt(
            "SELECT id, status, mode, started_at FROM sync_runs
             WHERE integration_id = $1 AND status IN ($2, $3)
             ORDER BY id LIMIT 1",
            &[
                &integration_id.as_str(),
                &RunStatus::Queued.as_str(),
                &RunStatus::Running.as_str(),
            ],
        )
        .await?;
    if let Some(row) = found {
        return Err(run_in_progress_error((
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        ))?);
    }
    let row = tx
        .query_one(
            "INSERT INTO sync_runs (integration_id, mode, status, started_at, heartbeat_at)
             VALUES ($1, $2, $3, $4, $4)
             RETURNING id",
            &[
                &integration_id.as_str(),
                &mode.as_str(),
                &status.as_str(),
                &ts_to_sql(at),
            ],
        )
        .await?;
    let run_id = RunId(row.try_get(0)?);
    tx.commit().await?;
    Ok(run_id)
}

/// Moves a queued run to `running`; its `started_at` becomes the real start time, which is
/// what deletion reconciliation compares writes against.
pub(crate) async fn start_queued_run(
    client: &Object,
    run_id: RunId,
    mode: SyncMode,
    started_at: Timestamp,
) -> Result<(), StoreError> {
    let updated = client
        .execute(
            "UPDATE sync_runs SET status = $1, mode = $2, started_at = $3, heartbeat_at = $3
             WHERE id = $4 AND status = $5",
            &[
                &RunStatus::Running.as_str(),
                &mode.as_str(),
                &ts_to_sql(started_at),
                &run_id.0,
                &RunStatus::Queued.as_str(),
            ],
        )
        .await?;
    if updated == 1 {
        return Ok(());
    }
    let status = client
        .query_opt("SELECT status FROM sync_runs WHERE id = $1", &[&run_id.0])
        .await?;
    Err(match status {
        Some(row) => StoreError::RunNotQueued {
            run_id: run_id.0,
            status: row.try_get(0)?,
        },
        None => StoreError::RunNotFound(run_id.0),
    })
}

/// Records the end of a run and, in the same transaction, the webhook events announcing it.
pub(crate) async fn finish_run(
    client: &mut Object,
    run_id: RunId,
    outcome: &RunOutcome,
    links: &EventLinks,
) -> Result<(), StoreError> {
    if !outcome.status.is_final() {
        return Err(StoreError::InvalidArgument(format!(
            "a finished run needs a final status, not `{}`",
            outcome.status.as_str()
        )));
    }
    let counts = counts_text(&outcome.counts)?;
    let requests = outcome
        .requests
        .map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let tx = client.transaction().await?;
    let updated = tx
        .execute(
            "UPDATE sync_runs SET status = $1, finished_at = $2, counts = $3, requests = $4,
                 error = $5
             WHERE id = $6",
            &[
                &outcome.status.as_str(),
                &ts_to_sql(outcome.finished_at),
                &counts,
                &requests,
                &outcome.error,
                &run_id.0,
            ],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::RunNotFound(run_id.0));
    }
    // The first successful run completes an integration's setup (Kombo's `setup_status`).
    let setup_completed = outcome.status == RunStatus::Succeeded
        && tx
            .execute(
                "UPDATE integrations SET setup_status = 'COMPLETED'
                 WHERE setup_status = 'FINAL_SYNC_PENDING'
                   AND id = (SELECT integration_id FROM sync_runs WHERE id = $1)",
                &[&run_id.0],
            )
            .await?
            > 0;
    let (integration_id, started_at) = run_integration_and_start(&tx, run_id.0)
        .await?
        .ok_or(StoreError::RunNotFound(run_id.0))?;
    let integration = integration_for_event(&tx, &integration_id)
        .await?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    let mut events = run_finished_events(&integration, run_id, started_at, outcome, links);
    if setup_completed {
        events.push(integration_state_changed(&integration, outcome.finished_at));
    }
    for event in events {
        enqueue_event(
            &tx,
            &integration.environment_id,
            &event,
            outcome.finished_at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Renews the lease of a queued or running run; `false` when the run is no longer in
/// progress (it ended, or another process closed it because its lease had expired).
pub(crate) async fn heartbeat_run(
    client: &Object,
    run_id: RunId,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let updated = client
        .execute(
            "UPDATE sync_runs SET heartbeat_at = $1
             WHERE id = $2 AND status IN ($3, $4)",
            &[
                &ts_to_sql(now),
                &run_id.0,
                &RunStatus::Queued.as_str(),
                &RunStatus::Running.as_str(),
            ],
        )
        .await?;
    if updated == 1 {
        return Ok(true);
    }
    let exists = client
        .query_opt("SELECT 1 FROM sync_runs WHERE id = $1", &[&run_id.0])
        .await?;
    if exists.is_some() {
        Ok(false)
    } else {
        Err(StoreError::RunNotFound(run_id.0))
    }
}

/// Closes as failed the queued or running runs (of one integration, or of all with `None`)
/// whose last heartbeat is older than `lease` before `now`; returns how many.
async fn close_stale_runs(
    client: &impl GenericClient,
    integration_id: Option<&IntegrationId>,
    now: Timestamp,
    lease: Duration,
) -> Result<u64, StoreError> {
    let cutoff = lease_cutoff(now, lease);
    let integration = integration_id.map(IntegrationId::as_str);
    let mut closed = 0;
    for (status, error) in STALE_RUN_ERRORS {
        closed += client
            .execute(
                "UPDATE sync_runs SET status = $1, finished_at = $2, error = $3
                 WHERE status = $4
                   AND ($5::text IS NULL OR integration_id = $5)
                   AND COALESCE(heartbeat_at, started_at) < $6",
                &[
                    &RunStatus::Failed.as_str(),
                    &ts_to_sql(now),
                    &error,
                    &status.as_str(),
                    &integration,
                    &cutoff,
                ],
            )
            .await?;
    }
    Ok(closed)
}

pub(crate) async fn fail_stale_runs(
    client: &mut Object,
    now: Timestamp,
    lease: Duration,
) -> Result<u64, StoreError> {
    let tx = client.transaction().await?;
    let closed = close_stale_runs(&tx, None, now, lease).await?;
    tx.commit().await?;
    Ok(closed)
}

fn run_from_row(row: &tokio_postgres::Row) -> Result<SyncRun, StoreError> {
    let raw: RawRun = (
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        row.try_get(3)?,
        row.try_get(4)?,
        row.try_get(5)?,
        row.try_get(6)?,
        row.try_get(7)?,
        row.try_get(8)?,
        row.try_get(9)?,
    );
    run_from_raw(raw)
}

pub(crate) async fn last_runs(
    client: &Object,
    integration_id: &IntegrationId,
    n: u32,
) -> Result<Vec<SyncRun>, StoreError> {
    client
        .query(
            &format!(
                "SELECT {RUN_COLUMNS} FROM sync_runs WHERE integration_id = $1
                 ORDER BY id DESC LIMIT $2"
            ),
            &[&integration_id.as_str(), &i64::from(n)],
        )
        .await?
        .iter()
        .map(run_from_row)
        .collect()
}

pub(crate) async fn has_completed_sync(
    client: &Object,
    log: &StatementLog,
    integration_id: &IntegrationId,
) -> Result<bool, StoreError> {
    const COMPLETED: &str =
        "SELECT EXISTS (SELECT 1 FROM sync_runs WHERE integration_id = $1 AND status = $2)";
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(RunStatus::Succeeded.as_str().to_owned()),
    ];
    log.record(COMPLETED, || params.clone());
    let statement = client.prepare_cached(COMPLETED).await?;
    let values = PgParams::new(&params);
    Ok(client
        .query_one(&statement, &values.refs())
        .await?
        .try_get(0)?)
}

pub(crate) async fn save_sync_state(
    client: &Object,
    integration_id: &IntegrationId,
    state: &serde_json::Value,
) -> Result<(), StoreError> {
    let updated = client
        .execute(
            "UPDATE integrations SET sync_state = $1 WHERE id = $2",
            &[&state_text(state)?, &integration_id.as_str()],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) async fn load_sync_state(
    client: &Object,
    integration_id: &IntegrationId,
) -> Result<Option<serde_json::Value>, StoreError> {
    let row = client
        .query_opt(
            "SELECT sync_state FROM integrations WHERE id = $1",
            &[&integration_id.as_str()],
        )
        .await?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    state_from_text(integration_id, row.try_get(0)?)
}
