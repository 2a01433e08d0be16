-- Up Migration

-- The clusters one control plane drives (Rainbond's "regions"). The one the processes' own
-- KUBECONFIG names is registered at start as `from_env` (no stored kubeconfig: each process uses
-- its own credentials for it); others are registered by the admin with a kubeconfig of Yunbang's
-- install identity, sealed at rest (the API's identity too, for reading logs, if given).
CREATE TABLE clusters (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name            text NOT NULL UNIQUE,
  from_env        boolean NOT NULL DEFAULT false,
  kubeconfig      text,
  api_kubeconfig  text,
  server          text NOT NULL,
  apps_domain     text NOT NULL,
  etcd_endpoints  text[] NOT NULL DEFAULT '{}',
  labels          jsonb NOT NULL DEFAULT '{}',
  cordoned        boolean NOT NULL DEFAULT false,
  -- What the last probe saw (the worker probes every reachable and unreachable cluster).
  health          text NOT NULL DEFAULT 'Unknown' CHECK (health IN ('Reachable', 'Unreachable', 'Degraded', 'Unknown')),
  last_error      text,
  last_error_at   timestamptz,
  checked_at      timestamptz,
  server_version  text,
  nodes           integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (from_env OR kubeconfig IS NOT NULL)
);
CREATE UNIQUE INDEX clusters_one_from_env ON clusters (from_env) WHERE from_env;

-- The clusters a team may run apps in; its namespace exists in each. The default takes new apps.
CREATE TABLE team_clusters (
  team_id     uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  cluster_id  uuid NOT NULL REFERENCES clusters (id),
  PRIMARY KEY (team_id, cluster_id)
);
ALTER TABLE teams ADD COLUMN default_cluster_id uuid REFERENCES clusters (id);

-- Where an app runs; and, while it moves, where it is going (it serves from cluster_id until it
-- is Ready in moving_to). A move that fails records why in move_error.
ALTER TABLE apps ADD COLUMN cluster_id uuid REFERENCES clusters (id);
ALTER TABLE apps ADD COLUMN moving_to uuid REFERENCES clusters (id);
ALTER TABLE apps ADD COLUMN move_started_at timestamptz;
ALTER TABLE apps ADD COLUMN move_error text;
CREATE INDEX apps_cluster ON apps (cluster_id) WHERE deleted_at IS NULL;

-- Down Migration
DROP INDEX apps_cluster;
ALTER TABLE apps DROP COLUMN move_error;
ALTER TABLE apps DROP COLUMN move_started_at;
ALTER TABLE apps DROP COLUMN moving_to;
ALTER TABLE apps DROP COLUMN cluster_id;
ALTER TABLE teams DROP COLUMN default_cluster_id;
DROP TABLE team_clusters;
DROP TABLE clusters;
