-- Up Migration

-- When a cluster's apps were last compared against a worker's watch cache (jobs/resync.ts). The
-- worker that moves it forward claims the period's resync, so several workers serving one
-- cluster do not each compare everything.
ALTER TABLE clusters ADD COLUMN resynced_at timestamptz;

-- Down Migration

ALTER TABLE clusters DROP COLUMN resynced_at;
