-- Up Migration

-- A team is a tenant: it owns one namespace and its apps. Rows are soft-deleted so that the
-- reconcile job can still find what to tear down; names are unique among live rows only.
CREATE TABLE teams (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  namespace   text NOT NULL,
  generation  bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX teams_name_live ON teams (name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX teams_namespace_live ON teams (namespace) WHERE deleted_at IS NULL;

-- The desired state of an app (its intent). `generation` is bumped by every change that the
-- reconciler must act on; `running = false` keeps the config but runs zero replicas.
CREATE TABLE apps (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id         uuid NOT NULL REFERENCES teams (id),
  name            text NOT NULL,
  image           text NOT NULL,
  port            integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
  replicas        integer NOT NULL CHECK (replicas >= 0),
  env             jsonb NOT NULL DEFAULT '[]',
  resources       jsonb NOT NULL DEFAULT '{}',
  running         boolean NOT NULL DEFAULT true,
  restarted_at    timestamptz,
  generation      bigint NOT NULL DEFAULT 1,
  current_release integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);
CREATE UNIQUE INDEX apps_name_live ON apps (team_id, name) WHERE deleted_at IS NULL;

-- A host routes to exactly one app platform-wide (it becomes one Ingress rule and one etcd route).
CREATE TABLE app_domains (
  host      text PRIMARY KEY,
  app_id    uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  position  integer NOT NULL
);
CREATE INDEX app_domains_app ON app_domains (app_id, position);

-- What the reconciler last observed; kept apart from the intent so status writes never contend
-- with API writes on the same row.
CREATE TABLE app_status (
  app_id              uuid PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
  health              text NOT NULL DEFAULT 'Progressing',
  reason              text NOT NULL DEFAULT 'Pending',
  message             text NOT NULL DEFAULT 'waiting for the first reconcile',
  ready_replicas      integer NOT NULL DEFAULT 0,
  desired_replicas    integer NOT NULL DEFAULT 0,
  observed_generation bigint NOT NULL DEFAULT 0,
  endpoints           jsonb NOT NULL DEFAULT '[]',
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Every change of what runs (image or runtime config) is an immutable, numbered release.
CREATE TABLE releases (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id       uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  number       integer NOT NULL CHECK (number > 0),
  image        text NOT NULL,
  config       jsonb NOT NULL,
  description  text NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, number)
);

CREATE FUNCTION releases_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'releases are immutable (app %, release %)', OLD.app_id, OLD.number;
END $$;
CREATE TRIGGER releases_immutable BEFORE UPDATE ON releases
  FOR EACH ROW EXECUTE FUNCTION releases_are_immutable();

-- Team API tokens. Only a SHA-256 of the secret is kept; the secret is shown once.
CREATE TABLE api_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id       uuid NOT NULL REFERENCES teams (id),
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
  secret_hash   bytea NOT NULL UNIQUE,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX api_tokens_team ON api_tokens (team_id, created_at);

-- The audit trail: who did what, when, and how it ended.
CREATE TABLE events (
  id          bigserial PRIMARY KEY,
  team_id     uuid REFERENCES teams (id),
  actor       text NOT NULL,
  action      text NOT NULL,
  subject     text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('success', 'failure')),
  message     text NOT NULL DEFAULT '',
  request_id  text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_team ON events (team_id, id DESC);

-- Down Migration
DROP TABLE events;
DROP TABLE api_tokens;
DROP TRIGGER releases_immutable ON releases;
DROP FUNCTION releases_are_immutable();
DROP TABLE releases;
DROP TABLE app_status;
DROP TABLE app_domains;
DROP TABLE apps;
DROP TABLE teams;
