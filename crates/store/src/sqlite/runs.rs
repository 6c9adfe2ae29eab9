//! Sync runs, connector sync state and the tracked-applications set.

use std::time::Duration;

use atsbridge_schema::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params, params_from_iter};

use super::convert::{ts_from_sql, ts_to_sql};
use super::records::sqlite_params;
use super::tenancy::get_integration;
use super::webhooks::{enqueue_event, run_integration_and_start};
use crate::error::StoreError;
use crate::explain::StatementLog;
use crate::model::{
    IntegrationId, RunId, RunOutcome, RunStatus, SyncMode, SyncRun, TrackedApplication,
};
use crate::rows::{RawRun, run_from_raw, run_in_progress_error};
use crate::sql::Param;
use crate::webhooks::{EventLinks, integration_state_changed, run_finished_events};

fn require_integration(conn: &Connection, id: &IntegrationId) -> Result<(), StoreError> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM integrations WHERE id = ?1)")?
        .query_row([id.as_str()], |row| row.get(0))?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::IntegrationNotFound(id.to_string()))
    }
}

pub(crate) fn track_application(
    conn: &Connection,
    integration_id: &IntegrationId,
    application: &TrackedApplication,
    tracked_at: Timestamp,
) -> Result<(), StoreError> {
    require_integration(conn, integration_id)?;
    conn.prepare_cached(
        "INSERT INTO tracked_applications
             (integration_id, application_remote_id, candidate_remote_id, job_remote_id,
              tracked_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (integration_id, application_remote_id) DO UPDATE SET
             candidate_remote_id = COALESCE(excluded.candidate_remote_id, candidate_remote_id),
             job_remote_id = COALESCE(excluded.job_remote_id, job_remote_id)",
    )?
    .execute(params![
        integration_id.as_str(),
        application.application_remote_id,
        application.candidate_remote_id,
        application.job_remote_id,
        ts_to_sql(tracked_at)
    ])?;
    Ok(())
}

pub(crate) fn tracked_applications(
    conn: &Connection,
    integration_id: &IntegrationId,
) -> Result<Vec<TrackedApplication>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT application_remote_id, candidate_remote_id, job_remote_id
             FROM tracked_applications WHERE integration_id = ?1
             ORDER BY tracked_at, application_remote_id",
        )?
        .query_map([integration_id.as_str()], |row| {
            Ok(TrackedApplication {
                application_remote_id: row.get(0)?,
                candidate_remote_id: row.get(1)?,
                job_remote_id: row.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Records the start of a run (see [`insert_run`]).
pub(crate) fn start_run(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    mode: SyncMode,
    started_at: Timestamp,
    lease: Duration,
) -> Result<RunId, StoreError> {
    insert_run(
        conn,
        integration_id,
        mode,
        RunStatus::Running,
        started_at,
        lease,
    )
}

/// Records a run that starts later (see [`insert_run`]).
pub(crate) fn queue_run(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    mode: SyncMode,
    queued_at: Timestamp,
    lease: Duration,
) -> Result<RunId, StoreError> {
    insert_run(
        conn,
        integration_id,
        mode,
        RunStatus::Queued,
        queued_at,
        lease,
    )
}

/// Records a new run unless the integration has one queued or running already.
///
/// The integration's queued or running runs whose `lease` expired
/// are closed as failed first; a run with a live lease refuses the new one. The clean-up, the
/// check and the insert share one `BEGIN IMMEDIATE` transaction: it takes SQLite's write lock
/// before reading, so two processes on the same file cannot both see "no run" and both insert
/// one.
fn insert_run(
    conn: &mut Connection,
    integration_id: &IntegrationId,
    mode: SyncMode,
    status: RunStatus,
    at: Timestamp,
    lease: Duration,
) -> Result<RunId, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    require_integration(&tx, integration_id)?;
    let expired = close_stale_runs(&tx, Some(integration_id), at, lease)?;
    if expired > 0 {
        tracing::warn!(
            %integration_id,
            expired,
            "closed sync runs whose lease expired as failed"
        );
    }
    if let Some(error) = run_in_progress(&tx, integration_id)? {
        return Err(error);
    }
    tx.prepare_cached(
        "INSERT INTO sync_runs (integration_id, mode, status, started_at, heartbeat_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?
    .execute(params![
        integration_id.as_str(),
        mode.as_str(),
        status.as_str(),
        ts_to_sql(at)
    ])?;
    let run_id = RunId(tx.last_insert_rowid());
    tx.commit()?;
    Ok(run_id)
}

/// The integration's run that is queued or running, as the error that refuses a second one.
fn run_in_progress(
    conn: &Connection,
    integration_id: &IntegrationId,
) -> Result<Option<StoreError>, StoreError> {
    let found: Option<(i64, String, String, i64)> = conn
        .prepare_cached(
            "SELECT id, status, mode, started_at FROM sync_runs
             WHERE integration_id = ?1 AND status IN (?2, ?3)
             ORDER BY id LIMIT 1",
        )?
        .query_row(
            params![
                integration_id.as_str(),
                RunStatus::Queued.as_str(),
                RunStatus::Running.as_str()
            ],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    found.map(run_in_progress_error).transpose()
}

/// Moves a queued run to `running`; its `started_at` becomes the real start time, which is
/// what deletion reconciliation compares writes against.
pub(crate) fn start_queued_run(
    conn: &Connection,
    run_id: RunId,
    mode: SyncMode,
    started_at: Timestamp,
) -> Result<(), StoreError> {
    let updated = conn
        .prepare_cached(
            "UPDATE sync_runs SET status = ?1, mode = ?2, started_at = ?3, heartbeat_at = ?3
             WHERE id = ?4 AND status = ?5",
        )?
        .execute(params![
            RunStatus::Running.as_str(),
            mode.as_str(),
            ts_to_sql(started_at),
            run_id.0,
            RunStatus::Queued.as_str()
        ])?;
    if updated == 1 {
        return Ok(());
    }
    let status: Option<String> = conn
        .prepare_cached("SELECT status FROM sync_runs WHERE id = ?1")?
        .query_row([run_id.0], |row| row.get(0))
        .optional()?;
    Err(match status {
        Some(status) => StoreError::RunNotQueued {
            run_id: run_id.0,
            status,
        },
        None => StoreError::RunNotFound(run_id.0),
    })
}

/// Records the end of a run and, in the same transaction, the webhook events announcing it.
pub(crate) fn finish_run(
    conn: &mut Connection,
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
    let counts =
        serde_json::to_string(&outcome.counts).map_err(|source| StoreError::Serialize {
            what: "run counts",
            source,
        })?;
    let requests = outcome
        .requests
        .map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    let tx = conn.transaction()?;
    let updated = tx
        .prepare_cached(
            "UPDATE sync_runs SET status = ?1, finished_at = ?2, counts = ?3, requests = ?4,
                 error = ?5
             WHERE id = ?6",
        )?
        .execute(params![
            outcome.status.as_str(),
            ts_to_sql(outcome.finished_at),
            counts,
            requests,
            outcome.error,
            run_id.0
        ])?;
    if updated == 0 {
        return Err(StoreError::RunNotFound(run_id.0));
    }
    let setup_completed = outcome.status == RunStatus::Succeeded
        && tx.prepare_cached(COMPLETE_SETUP_SQL)?.execute([run_id.0])? > 0;
    let (integration_id, started_at) =
        run_integration_and_start(&tx, run_id.0)?.ok_or(StoreError::RunNotFound(run_id.0))?;
    let integration_id = IntegrationId::new(integration_id);
    let integration = get_integration(&tx, &StatementLog::default(), None, &integration_id)?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    let started_at = ts_from_sql(started_at)?;
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
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The first successful run completes an integration's setup (Kombo's `setup_status`).
const COMPLETE_SETUP_SQL: &str = "UPDATE integrations SET setup_status = 'COMPLETED'
     WHERE setup_status = 'FINAL_SYNC_PENDING'
       AND id = (SELECT integration_id FROM sync_runs WHERE id = ?1)";

/// Renews the lease of a queued or running run; `false` when the run is no longer in
/// progress (it ended, or another process closed it because its lease had expired).
pub(crate) fn heartbeat_run(
    conn: &Connection,
    run_id: RunId,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let updated = conn
        .prepare_cached(
            "UPDATE sync_runs SET heartbeat_at = ?1
             WHERE id = ?2 AND status IN (?3, ?4)",
        )?
        .execute(params![
            ts_to_sql(now),
            run_id.0,
            RunStatus::Queued.as_str(),
            RunStatus::Running.as_str()
        ])?;
    if updated == 1 {
        return Ok(true);
    }
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_runs WHERE id = ?1)")?
        .query_row([run_id.0], |row| row.get(0))?;
    if exists {
        Ok(false)
    } else {
        Err(StoreError::RunNotFound(run_id.0))
    }
}

/// Closes as failed the queued or running runs (of one integration, or of all with `None`)
/// whose last heartbeat is older than `lease` before `now`; returns how many.
fn close_stale_runs(
    conn: &Connection,
    integration_id: Option<&IntegrationId>,
    now: Timestamp,
    lease: Duration,
) -> Result<usize, StoreError> {
    let lease = i64::try_from(lease.as_micros()).unwrap_or(i64::MAX);
    let cutoff = ts_to_sql(now).saturating_sub(lease);
    let mut closed = 0;
    for (status, error) in [
        (
            RunStatus::Running,
            "lease expired: the process running it stopped",
        ),
        (
            RunStatus::Queued,
            "lease expired: the process that queued it stopped before it started",
        ),
    ] {
        closed += conn
            .prepare_cached(
                "UPDATE sync_runs SET status = ?1, finished_at = ?2, error = ?3
                 WHERE status = ?4
                   AND (?5 IS NULL OR integration_id = ?5)
                   AND COALESCE(heartbeat_at, started_at) < ?6",
            )?
            .execute(params![
                RunStatus::Failed.as_str(),
                ts_to_sql(now),
                error,
                status.as_str(),
                integration_id.map(IntegrationId::as_str),
                cutoff
            ])?;
    }
    Ok(closed)
}

pub(crate) fn fail_stale_runs(
    conn: &mut Connection,
    now: Timestamp,
    lease: Duration,
) -> Result<u64, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let closed = close_stale_runs(&tx, None, now, lease)?;
    tx.commit()?;
    Ok(closed as u64)
}

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<RawRun> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
    ))
}

pub(crate) fn last_runs(
    conn: &Connection,
    integration_id: &IntegrationId,
    n: u32,
) -> Result<Vec<SyncRun>, StoreError> {
    let raws = conn
        .prepare_cached(
            "SELECT id, integration_id, mode, status, started_at, finished_at, heartbeat_at,
                    counts, requests, error
             FROM sync_runs WHERE integration_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?
        .query_map(params![integration_id.as_str(), n], run_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(run_from_raw).collect()
}

pub(crate) fn has_completed_sync(
    conn: &Connection,
    log: &StatementLog,
    integration_id: &IntegrationId,
) -> Result<bool, StoreError> {
    const COMPLETED: &str =
        "SELECT EXISTS (SELECT 1 FROM sync_runs WHERE integration_id = ?1 AND status = ?2)";
    let params = vec![
        Param::Text(integration_id.as_str().to_owned()),
        Param::Text(RunStatus::Succeeded.as_str().to_owned()),
    ];
    log.record(COMPLETED, || params.clone());
    Ok(conn
        .prepare_cached(COMPLETED)?
        .query_row(params_from_iter(sqlite_params(&params)), |row| row.get(0))?)
}

pub(crate) fn save_sync_state(
    conn: &Connection,
    integration_id: &IntegrationId,
    state: &serde_json::Value,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(state).map_err(|source| StoreError::Serialize {
        what: "sync state",
        source,
    })?;
    let updated = conn.execute(
        "UPDATE integrations SET sync_state = ?1 WHERE id = ?2",
        params![text, integration_id.as_str()],
    )?;
    if updated == 0 {
        return Err(StoreError::IntegrationNotFound(integration_id.to_string()));
    }
    Ok(())
}

pub(crate) fn load_sync_state(
    conn: &Connection,
    integration_id: &IntegrationId,
) -> Result<Option<serde_json::Value>, StoreError> {
    let text: Option<String> = conn
        .prepare_cached("SELECT sync_state FROM integrations WHERE id = ?1")?
        .query_row([integration_id.as_str()], |row| row.get(0))
        .optional()?
        .ok_or_else(|| StoreError::IntegrationNotFound(integration_id.to_string()))?;
    text.map(|text| {
        serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("sync state of integration {integration_id}: {e}"))
        })
    })
    .transpose()
}
