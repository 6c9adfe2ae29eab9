-- Run leases: a process that owns a queued or running sync run refreshes `heartbeat_at`
-- (INTEGER microseconds since the Unix epoch, like every other timestamp) while it holds
-- it. A run whose heartbeat is older than the lease belongs to a process that stopped.
ALTER TABLE sync_runs ADD COLUMN heartbeat_at INTEGER;

-- Runs recorded before leases existed count as last beaten when they last changed.
UPDATE sync_runs SET heartbeat_at = COALESCE(finished_at, started_at);
