-- Webhooks: endpoints per environment, an outbox of events, and one delivery row per event and
-- endpoint. Events are written in the same transaction as the change they announce; a
-- delivery worker (any process using the store) claims due deliveries under a lease and
-- records each attempt's outcome. Timestamps are INTEGER microseconds, as everywhere.

CREATE TABLE webhook_endpoints (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    -- The signing secret, sealed like integration credentials (bound to the endpoint id).
    secret         BLOB NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_endpoints_by_environment ON webhook_endpoints (environment_id);

CREATE TABLE webhook_events (
    id             TEXT PRIMARY KEY,
    environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    event_type     TEXT NOT NULL,
    -- The payload exactly as it is sent (JSON text).
    payload        TEXT NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX webhook_events_by_environment ON webhook_events (environment_id, created_at);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- pending, delivered or failed
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT,
    last_http_status INTEGER,
    delivered_at     INTEGER,
    -- Who is delivering it right now, and until when that claim holds.
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    created_at       INTEGER NOT NULL,
    UNIQUE (event_id, endpoint_id)
) STRICT;

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, id);

-- When an API key last authenticated a request (updated at most once a minute per key).
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
