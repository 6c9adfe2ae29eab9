-- The operator dashboard's per-day picture of `changed_at` and its record counts per model
-- read this index alone: one range per (integration, model), bounded by `changed_at`.
CREATE INDEX IF NOT EXISTS records_by_changed_at ON records (integration_id, model, changed_at);
