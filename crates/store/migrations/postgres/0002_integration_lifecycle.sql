-- PostgreSQL twin of SQLite migration 0004, same tables and columns (booleans as 0/1).
-- Integration lifecycle (issue 10): enable/disable, credential validity, setup status and the
-- end user an integration was connected for; connect links; the provider fields an
-- integration exposes and the custom-field keys mapped onto them.

ALTER TABLE integrations ADD COLUMN enabled BIGINT NOT NULL DEFAULT 1
    CHECK (enabled IN (0, 1));
ALTER TABLE integrations ADD COLUMN credentials_valid BIGINT NOT NULL DEFAULT 1
    CHECK (credentials_valid IN (0, 1));
ALTER TABLE integrations ADD COLUMN setup_status TEXT NOT NULL DEFAULT 'COMPLETED'
    CHECK (setup_status IN ('INCOMPLETE', 'FINAL_SYNC_PENDING', 'COMPLETED'));
-- JSON {organization_name, creator_email, origin_id}; NULL for integrations made before.
ALTER TABLE integrations ADD COLUMN end_user TEXT;

-- A connect link: single use, expiring. Only the SHA-256 of its token is kept. A relink
-- link names the integration whose credentials it replaces. Once used, the link records
-- the integration it produced and the hash of the short-lived activation token the
-- application exchanges for it (`/connect/integration-by-token`).
CREATE TABLE connect_links (
    token_sha256          BYTEA PRIMARY KEY,
    environment_id        TEXT COLLATE "C" NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    relink_integration_id TEXT COLLATE "C" REFERENCES integrations (id) ON DELETE CASCADE,
    tool                  TEXT,
    end_user              TEXT NOT NULL,
    language              TEXT NOT NULL,
    link_type             TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    expires_at            BIGINT NOT NULL,
    used_at               BIGINT,
    integration_id        TEXT COLLATE "C" REFERENCES integrations (id) ON DELETE CASCADE,
    activation_sha256     BYTEA UNIQUE,
    activation_expires_at BIGINT
);

CREATE INDEX connect_links_by_environment ON connect_links (environment_id);

-- A provider field seen on an integration's records (`integration_fields[]`), with the served
-- id, and whether it is passed through.
CREATE TABLE integration_fields (
    integration_id      TEXT COLLATE "C" NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    id                  TEXT COLLATE "C" NOT NULL,
    model               TEXT COLLATE "C" NOT NULL,
    key                 TEXT COLLATE "C" NOT NULL,
    field_type          TEXT NOT NULL CHECK (field_type IN ('DEFAULT', 'CUSTOM')),
    label               TEXT,
    passthrough_enabled BIGINT NOT NULL DEFAULT 1 CHECK (passthrough_enabled IN (0, 1)),
    discovered_at       BIGINT NOT NULL,
    PRIMARY KEY (integration_id, id)
);

CREATE UNIQUE INDEX integration_fields_by_key
    ON integration_fields (integration_id, model, field_type, key);

-- A unified `custom_fields` key of an integration, optionally mapped to one of its fields.
CREATE TABLE custom_fields (
    integration_id       TEXT COLLATE "C" NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    id                   TEXT COLLATE "C" NOT NULL,
    model                TEXT COLLATE "C" NOT NULL,
    key                  TEXT COLLATE "C" NOT NULL,
    label                TEXT,
    description          TEXT,
    integration_field_id TEXT,
    created_at           BIGINT NOT NULL,
    PRIMARY KEY (integration_id, id)
);

CREATE UNIQUE INDEX custom_fields_by_key ON custom_fields (integration_id, model, key);
