-- Up Migration

-- Apps built from git: where the source is and how to build it. Image apps have source NULL;
-- a git app has no image until its first build succeeds.
ALTER TABLE apps ADD COLUMN source jsonb;
ALTER TABLE apps ALTER COLUMN image DROP NOT NULL;
-- Each app's webhook: an unguessable path segment and the secret deliveries are signed with.
ALTER TABLE apps ADD COLUMN webhook_id text UNIQUE;
ALTER TABLE apps ADD COLUMN webhook_secret text;

CREATE TABLE builds (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id          uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  number          integer NOT NULL,
  status          text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'detecting', 'building', 'succeeded', 'failed', 'cancelled', 'superseded')),
  ref             text NOT NULL,
  commit          text,
  author          text,
  message         text,
  plan            jsonb,
  image           text,
  image_digest    text,
  failure_reason  text,
  trigger         text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  UNIQUE (app_id, number)
);
CREATE INDEX builds_app ON builds (app_id, number DESC);
CREATE INDEX builds_active ON builds (status) WHERE status IN ('queued', 'detecting', 'building');
-- A pushed commit of an app is built once (a webhook retried, or the same commit pushed twice);
-- a manual build of the same commit is a deliberate rebuild and allowed.
CREATE UNIQUE INDEX builds_commit_once ON builds (app_id, commit) WHERE commit IS NOT NULL AND trigger = 'webhook' AND status NOT IN ('cancelled', 'superseded', 'failed');

-- Webhook deliveries seen, so a replayed delivery never builds twice.
CREATE TABLE webhook_deliveries (
  app_id       uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  delivery_id  text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_id, delivery_id)
);

-- Build logs, kept after the pods are gone.
CREATE TABLE build_logs (
  build_id  uuid NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  seq       integer NOT NULL,
  line      text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (build_id, seq)
);

ALTER TABLE releases ADD COLUMN build_id uuid REFERENCES builds (id);
ALTER TABLE releases ADD COLUMN rollback_of integer;

-- Down Migration
ALTER TABLE releases DROP COLUMN rollback_of;
ALTER TABLE releases DROP COLUMN build_id;
DROP TABLE build_logs;
DROP TABLE webhook_deliveries;
DROP TABLE builds;
ALTER TABLE apps DROP COLUMN webhook_secret;
ALTER TABLE apps DROP COLUMN webhook_id;
ALTER TABLE apps DROP COLUMN source;
