-- Initial schema of the atsbridge store.
-- Timestamps are stored as INTEGER microseconds since the Unix epoch (UTC), so that
-- comparisons and ordering are plain integer comparisons.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE environments (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    label          TEXT NOT NULL,
    secret_sha256  BLOB NOT NULL UNIQUE,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX api_keys_by_environment ON api_keys (environment_id);

CREATE TABLE integrations (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    tool           TEXT NOT NULL,
    remote_label   TEXT,
    credentials    BLOB NOT NULL,
    settings       TEXT NOT NULL,
    sync_state     TEXT,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX integrations_by_environment ON integrations (environment_id);

-- One row per (integration, model, remote id). `seq` is the rowid: it is assigned on
-- insert, never changes on update and is never reused (AUTOINCREMENT), which makes it
-- the keyset pagination key.
CREATE TABLE records (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id       TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    model                TEXT NOT NULL,
    remote_id            TEXT NOT NULL,
    id                   TEXT NOT NULL,
    document             TEXT NOT NULL,
    content_hash         TEXT NOT NULL,
    changed_at           INTEGER NOT NULL,
    remote_deleted_at    INTEGER,
    relations_changed_at INTEGER,
    remote_created_at    INTEGER,
    last_seen_run        INTEGER,
    -- Last write outside a sync run (a record created through the API); such a write after a
    -- run started is no evidence of deletion by that run.
    written_outside_run_at INTEGER,
    UNIQUE (integration_id, model, remote_id)
) STRICT;

CREATE INDEX records_by_seq ON records (integration_id, model, seq);
CREATE INDEX records_by_kombo_id ON records (integration_id, model, id);

CREATE TABLE tracked_applications (
    integration_id        TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    application_remote_id TEXT NOT NULL,
    candidate_remote_id   TEXT,
    job_remote_id         TEXT,
    tracked_at            INTEGER NOT NULL,
    PRIMARY KEY (integration_id, application_remote_id)
) STRICT;

CREATE INDEX tracked_applications_by_candidate
    ON tracked_applications (integration_id, candidate_remote_id);

CREATE TABLE sync_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id TEXT NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    mode           TEXT NOT NULL,
    status         TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER,
    counts         TEXT,
    requests       INTEGER,
    error          TEXT
) STRICT;

CREATE INDEX sync_runs_by_integration ON sync_runs (integration_id, id);
