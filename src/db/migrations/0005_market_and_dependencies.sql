-- Up Migration

-- What an app runs beyond image/port/env: container args (null: the image's own), volumes (an app
-- with volumes runs as a StatefulSet), the secrets generated for it at first start (names and
-- lengths only: the values live only in a Kubernetes Secret), and the connection info it exports
-- to the apps that depend on it (values may hold ${host}/${port}; secret entries name a secret).
ALTER TABLE apps ADD COLUMN args jsonb;
ALTER TABLE apps ADD COLUMN volumes jsonb NOT NULL DEFAULT '[]';
ALTER TABLE apps ADD COLUMN secrets jsonb NOT NULL DEFAULT '[]';
ALTER TABLE apps ADD COLUMN exports jsonb NOT NULL DEFAULT '[]';
-- Set by deleteApp: also delete the app's volumes and generated secrets (default: keep them).
ALTER TABLE apps ADD COLUMN delete_data boolean NOT NULL DEFAULT false;

-- An installed template: the apps it created point at it, so it can be upgraded or uninstalled whole.
CREATE TABLE installations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id     uuid NOT NULL REFERENCES teams (id),
  name        text NOT NULL,
  template    text NOT NULL,
  version     text NOT NULL,
  parameters  jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX installations_name_live ON installations (team_id, name) WHERE deleted_at IS NULL;
ALTER TABLE apps ADD COLUMN installation_id uuid REFERENCES installations (id);
ALTER TABLE apps ADD COLUMN component text;

-- app_id depends on depends_on: it gets the dependency's connection info, and the network path to it.
CREATE TABLE app_dependencies (
  app_id      uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  depends_on  uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, depends_on),
  CHECK (app_id <> depends_on)
);
CREATE INDEX app_dependencies_reverse ON app_dependencies (depends_on);

-- The copies of shared dependencies' secrets the worker made in the app's namespace (observed
-- state, so a removed dependency's copy is deleted without listing Secrets on every reconcile).
ALTER TABLE app_status ADD COLUMN secret_copies jsonb NOT NULL DEFAULT '[]';

-- An app another team may depend on.
CREATE TABLE app_shares (
  app_id      uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  team_id     uuid NOT NULL REFERENCES teams (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, team_id)
);

-- Templates published by teams ("share to app market"): the team's own catalogue, or every team's.
CREATE TABLE team_templates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id     uuid NOT NULL REFERENCES teams (id),
  name        text NOT NULL,
  scope       text NOT NULL CHECK (scope IN ('team', 'platform')),
  definition  jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name)
);

-- Down Migration
DROP TABLE team_templates;
DROP TABLE app_shares;
ALTER TABLE app_status DROP COLUMN secret_copies;
DROP TABLE app_dependencies;
ALTER TABLE apps DROP COLUMN component;
ALTER TABLE apps DROP COLUMN installation_id;
DROP TABLE installations;
ALTER TABLE apps DROP COLUMN delete_data;
ALTER TABLE apps DROP COLUMN exports;
ALTER TABLE apps DROP COLUMN secrets;
ALTER TABLE apps DROP COLUMN volumes;
ALTER TABLE apps DROP COLUMN args;
