-- Indexed relations and filters.
--
-- `record_keys` holds the relation keys and filterable values of every record (which ones:
-- `RecordKey` in src/keys.rs), written in the same transaction as the document. The rows of
-- records that existed before this migration are derived from their documents right after it
-- runs, in the same transaction (see `backfill_record_keys`).
CREATE TABLE record_keys (
    seq            INTEGER NOT NULL REFERENCES records (seq) ON DELETE CASCADE,
    integration_id TEXT NOT NULL,
    model          TEXT NOT NULL,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (seq, key, value)
) STRICT, WITHOUT ROWID;

CREATE INDEX record_keys_lookup ON record_keys (integration_id, model, key, value, seq);

-- `updated_after` compares one value: the later of the record's own change and the last
-- change of a nested relation.
ALTER TABLE records ADD COLUMN updated_at INTEGER
    GENERATED ALWAYS AS (max(changed_at, coalesce(relations_changed_at, changed_at))) VIRTUAL;

CREATE INDEX records_by_updated_at ON records (integration_id, model, updated_at);

-- Live records in keyset order, so listing without deleted records never reads them.
CREATE INDEX records_live_by_seq ON records (integration_id, model, seq)
    WHERE remote_deleted_at IS NULL;

-- The first-sync check of every API request reads one row.
CREATE INDEX sync_runs_by_status ON sync_runs (integration_id, status);
