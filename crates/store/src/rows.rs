//! Row conversions shared by both backends.
//!
//! Both keep the same columns with the same SQL types (text, 64-bit integers for counts and
//! microsecond timestamps, JSON as text), so a backend only reads its columns into the raw
//! types here and the conversion to store types, with its corruption checks, is written once.

use std::collections::BTreeMap;

use atsbridge_schema::{KomboId, Model, Timestamp};
use chrono::DateTime;

use crate::error::StoreError;
use crate::model::{
    EndUser, Environment, EnvironmentId, Integration, IntegrationId, IntegrationSettings,
    ModelCounts, RunId, RunStatus, SetupStatus, StoredRecord, SyncMode, SyncRun,
};

/// Prefix of generated API key secrets (makes them recognisable in secret scanners).
pub(crate) const API_KEY_PREFIX: &str = "atsb_";
/// Plaintext sealed into `store_meta` to tell a wrong encryption key at open time.
pub(crate) const KEY_CHECK_PLAINTEXT: &[u8] = b"atsbridge store key check";
/// The `store_meta` key of the sealed key check.
pub(crate) const KEY_CHECK_META: &str = "credentials_key_check";

/// Timestamps are stored as microseconds since the Unix epoch.
pub(crate) fn ts_to_sql(timestamp: Timestamp) -> i64 {
    crate::sql::timestamp_micros(timestamp)
}

/// Reads a timestamp column back.
pub(crate) fn ts_from_sql(micros: i64) -> Result<Timestamp, StoreError> {
    DateTime::from_timestamp_micros(micros)
        .map(Timestamp::from)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {micros} is out of range")))
}

/// Reads an optional timestamp column back.
pub(crate) fn opt_ts_from_sql(micros: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    micros.map(ts_from_sql).transpose()
}

/// The current time at the precision the store keeps (microseconds), so values returned from
/// a create call equal the values read back later.
pub(crate) fn now() -> Timestamp {
    let micros = chrono::Utc::now().timestamp_micros();
    DateTime::from_timestamp_micros(micros)
        .map(Timestamp::from)
        .unwrap_or_else(|| Timestamp::from(chrono::Utc::now()))
}

/// Checks the sealed key-check value read from `store_meta` against `key`.
pub(crate) fn verify_key_check(key: &crate::SecretKey, sealed: &[u8]) -> Result<(), StoreError> {
    let plaintext = key.open(sealed, KEY_CHECK_META.as_bytes())?;
    if plaintext == KEY_CHECK_PLAINTEXT {
        Ok(())
    } else {
        Err(StoreError::WrongEncryptionKey)
    }
}

/// Raw record columns (`crate::sql::RECORD_COLUMNS`, in that order), converted outside the
/// driver so that corrupt values become a [`StoreError::Corrupt`].
pub(crate) struct RawRecord {
    pub(crate) seq: i64,
    pub(crate) id: String,
    pub(crate) remote_id: String,
    pub(crate) document: String,
    pub(crate) changed_at: i64,
    pub(crate) remote_deleted_at: Option<i64>,
    pub(crate) relations_changed_at: Option<i64>,
    pub(crate) remote_created_at: Option<i64>,
}

impl RawRecord {
    /// Converts to a [`StoredRecord`] of `model`.
    pub(crate) fn into_record(self, model: Model) -> Result<StoredRecord, StoreError> {
        let seq = self.seq;
        let corrupt = |what: &str, detail: String| {
            StoreError::Corrupt(format!("{} record seq {seq}: {what}: {detail}", model))
        };
        Ok(StoredRecord {
            seq,
            id: KomboId::parse(&self.id).map_err(|e| corrupt("bad id", e.to_string()))?,
            remote_id: self.remote_id,
            model,
            document: serde_json::from_str(&self.document)
                .map_err(|e| corrupt("bad document JSON", e.to_string()))?,
            changed_at: ts_from_sql(self.changed_at)?,
            remote_deleted_at: opt_ts_from_sql(self.remote_deleted_at)?,
            relations_changed_at: opt_ts_from_sql(self.relations_changed_at)?,
            remote_created_at: opt_ts_from_sql(self.remote_created_at)?,
        })
    }
}

/// A record document as stored (JSON text).
pub(crate) fn document_text(document: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(document).map_err(|source| StoreError::Serialize {
        what: "record document",
        source,
    })
}

/// Raw `sync_runs` columns: id, integration_id, mode, status, started_at, finished_at,
/// heartbeat_at, counts, requests, error.
pub(crate) type RawRun = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

/// The columns of [`RawRun`], in order.
pub(crate) const RUN_COLUMNS: &str = "id, integration_id, mode, status, started_at, \
     finished_at, heartbeat_at, counts, requests, error";

pub(crate) fn parse_mode(text: &str) -> Result<SyncMode, StoreError> {
    match text {
        "full" => Ok(SyncMode::Full),
        "delta" => Ok(SyncMode::Delta),
        other => Err(StoreError::Corrupt(format!("unknown sync mode `{other}`"))),
    }
}

pub(crate) fn parse_status(text: &str) -> Result<RunStatus, StoreError> {
    [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Cancelled,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
    .ok_or_else(|| StoreError::Corrupt(format!("unknown run status `{text}`")))
}

pub(crate) fn run_from_raw(raw: RawRun) -> Result<SyncRun, StoreError> {
    let (
        id,
        integration_id,
        mode,
        status,
        started_at,
        finished_at,
        heartbeat_at,
        counts,
        requests,
        error,
    ) = raw;
    let counts: BTreeMap<String, ModelCounts> = match counts {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("counts of run {id}: {e}")))?,
        None => BTreeMap::new(),
    };
    Ok(SyncRun {
        id: RunId(id),
        integration_id: IntegrationId::new(integration_id),
        mode: parse_mode(&mode)?,
        status: parse_status(&status)?,
        started_at: ts_from_sql(started_at)?,
        finished_at: opt_ts_from_sql(finished_at)?,
        heartbeat_at: opt_ts_from_sql(heartbeat_at)?,
        counts,
        requests: requests.and_then(|n| u64::try_from(n).ok()),
        error,
    })
}

/// The run that refuses a second one, from its id, status, mode and start.
pub(crate) fn run_in_progress_error(
    (id, status, mode, started_at): (i64, String, String, i64),
) -> Result<StoreError, StoreError> {
    Ok(StoreError::RunInProgress {
        run_id: RunId(id),
        status: parse_status(&status)?,
        mode: parse_mode(&mode)?,
        since: ts_from_sql(started_at)?,
    })
}

/// Error message of runs closed because their lease expired, per status they had.
pub(crate) const STALE_RUN_ERRORS: [(RunStatus, &str); 2] = [
    (
        RunStatus::Running,
        "lease expired: the process running it stopped",
    ),
    (
        RunStatus::Queued,
        "lease expired: the process that queued it stopped before it started",
    ),
];

/// The newest heartbeat that still counts as a live `lease` at `now`, in microseconds.
pub(crate) fn lease_cutoff(now: Timestamp, lease: std::time::Duration) -> i64 {
    let lease = i64::try_from(lease.as_micros()).unwrap_or(i64::MAX);
    ts_to_sql(now).saturating_sub(lease)
}

/// Run counts as stored (JSON text).
pub(crate) fn counts_text(counts: &BTreeMap<String, ModelCounts>) -> Result<String, StoreError> {
    serde_json::to_string(counts).map_err(|source| StoreError::Serialize {
        what: "run counts",
        source,
    })
}

/// Sync state as stored (JSON text).
pub(crate) fn state_text(state: &serde_json::Value) -> Result<String, StoreError> {
    serde_json::to_string(state).map_err(|source| StoreError::Serialize {
        what: "sync state",
        source,
    })
}

/// Reads a stored sync state back.
pub(crate) fn state_from_text(
    integration_id: &IntegrationId,
    text: Option<String>,
) -> Result<Option<serde_json::Value>, StoreError> {
    text.map(|text| {
        serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("sync state of integration {integration_id}: {e}"))
        })
    })
    .transpose()
}

pub(crate) fn environment_from_raw(raw: (String, String, i64)) -> Result<Environment, StoreError> {
    Ok(Environment {
        id: EnvironmentId::new(raw.0),
        name: raw.1,
        created_at: ts_from_sql(raw.2)?,
    })
}

/// Rejects an empty environment name.
pub(crate) fn validate_environment_name(name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() {
        Err(StoreError::InvalidArgument(
            "environment name must not be empty".into(),
        ))
    } else {
        Ok(())
    }
}

/// Rejects an empty imported API key secret.
pub(crate) fn validate_imported_secret(secret: &str) -> Result<(), StoreError> {
    if secret.trim().is_empty() {
        Err(StoreError::InvalidArgument(
            "API key secret must not be empty".into(),
        ))
    } else {
        Ok(())
    }
}

/// A tool slug must be usable as an id prefix: lowercase ASCII letters, digits, `-` and `_`.
pub(crate) fn validate_tool(tool: &str) -> Result<(), StoreError> {
    let valid = !tool.is_empty()
        && tool
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(StoreError::InvalidArgument(format!(
            "tool `{tool}` must be non-empty lowercase ASCII letters, digits, `-` or `_`"
        )))
    }
}

pub(crate) fn settings_to_json(settings: &IntegrationSettings) -> Result<String, StoreError> {
    serde_json::to_string(settings).map_err(|source| StoreError::Serialize {
        what: "integration settings",
        source,
    })
}

/// Credentials as sealed plaintext (JSON bytes).
pub(crate) fn credentials_bytes(credentials: &serde_json::Value) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(credentials).map_err(|source| StoreError::Serialize {
        what: "credentials",
        source,
    })
}

/// Reads decrypted credentials back.
pub(crate) fn credentials_from_plaintext(
    integration_id: &IntegrationId,
    plaintext: &[u8],
) -> Result<serde_json::Value, StoreError> {
    serde_json::from_slice(plaintext).map_err(|_| {
        // The error text of serde could quote part of the credentials; keep it out.
        StoreError::Corrupt(format!(
            "decrypted credentials of integration {integration_id} are not valid JSON"
        ))
    })
}

/// How finely an API key's last use is kept: authenticating writes it at most this often
/// per key, so that reads do not all become writes.
pub(crate) const LAST_USED_PRECISION: std::time::Duration = std::time::Duration::from_secs(60);

/// The `last_used_at` at or before which a key's last use is written again.
pub(crate) fn last_used_cutoff(now: Timestamp) -> i64 {
    ts_to_sql(now)
        .saturating_sub(i64::try_from(LAST_USED_PRECISION.as_micros()).unwrap_or(i64::MAX))
}

/// The key a bearer secret belongs to (see `Store::authenticate_api_key`).
pub(crate) struct AuthenticatedKey {
    pub(crate) environment_id: EnvironmentId,
    pub(crate) key_id: crate::model::ApiKeyId,
    pub(crate) last_used_at: Option<Timestamp>,
}

impl AuthenticatedKey {
    /// Whether its last use is old enough to be written again.
    pub(crate) fn needs_touch(&self, now: Timestamp) -> bool {
        self.last_used_at
            .is_none_or(|at| ts_to_sql(at) <= last_used_cutoff(now))
    }
}

/// The integration columns read by [`integration_from_raw`], in order.
pub(crate) const INTEGRATION_COLUMNS: &str = "id, environment_id, tool, remote_label, settings, \
     created_at, enabled, credentials_valid, setup_status, end_user";

/// Raw integration columns (see [`INTEGRATION_COLUMNS`]).
pub(crate) struct RawIntegration {
    pub(crate) id: String,
    pub(crate) environment_id: String,
    pub(crate) tool: String,
    pub(crate) remote_label: Option<String>,
    pub(crate) settings: String,
    pub(crate) created_at: i64,
    pub(crate) enabled: i64,
    pub(crate) credentials_valid: i64,
    pub(crate) setup_status: String,
    pub(crate) end_user: Option<String>,
}

pub(crate) fn integration_from_raw(raw: RawIntegration) -> Result<Integration, StoreError> {
    let id = raw.id;
    let settings = serde_json::from_str(&raw.settings).map_err(|e| {
        StoreError::Corrupt(format!("settings of integration {id} are not valid: {e}"))
    })?;
    let setup_status = SetupStatus::parse(&raw.setup_status).ok_or_else(|| {
        StoreError::Corrupt(format!(
            "integration {id} has unknown setup status `{}`",
            raw.setup_status
        ))
    })?;
    let end_user = match raw.end_user {
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("end user of integration {id} is not valid: {e}"))
        })?,
        // Integrations made by the operator before connect links existed: the remote
        // account's label is the best organization name there is.
        None => EndUser {
            organization_name: raw.remote_label.clone().unwrap_or_else(|| raw.tool.clone()),
            creator_email: None,
            origin_id: None,
        },
    };
    Ok(Integration {
        id: IntegrationId::new(id),
        environment_id: EnvironmentId::new(raw.environment_id),
        tool: raw.tool,
        remote_label: raw.remote_label,
        settings,
        created_at: ts_from_sql(raw.created_at)?,
        enabled: raw.enabled != 0,
        credentials_valid: raw.credentials_valid != 0,
        setup_status,
        end_user,
    })
}

/// The end user as stored (JSON text).
pub(crate) fn end_user_to_json(end_user: &EndUser) -> Result<String, StoreError> {
    serde_json::to_string(end_user).map_err(|source| StoreError::Serialize {
        what: "end user",
        source,
    })
}

/// Parses a stored model name and document, for code that reads raw rows.
pub(crate) fn parse_stored(
    seq: i64,
    model: &str,
    document: &str,
) -> Result<(Model, serde_json::Value), StoreError> {
    let model = model.parse::<Model>().map_err(|_| {
        StoreError::Corrupt(format!("record seq {seq} has unknown model `{model}`"))
    })?;
    let document = serde_json::from_str(document)
        .map_err(|e| StoreError::Corrupt(format!("record seq {seq}: bad document JSON: {e}")))?;
    Ok((model, document))
}
