-- Up Migration

-- An app's alert rules where they differ from the platform's defaults (src/observe/alerts.ts):
-- {"errorRatio": {"threshold": 0.05, "minRequests": 50} | false, "latencyP95Ms": ..., ...}. NULL: the defaults.
ALTER TABLE apps ADD COLUMN alerts jsonb;

-- Where a team is told when its apps' alerts fire and resolve: signed webhooks, JSON or a
-- Slack-compatible body. The signing secret is sealed (src/crypto/box.ts).
CREATE TABLE team_notifications (
  id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id        uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  url            text        NOT NULL,
  format         text        NOT NULL CHECK (format IN ('json', 'slack')),
  secret_sealed  text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, url)
);

-- Every alert that fired or resolved, as Alertmanager told it (deduplicated by its fingerprint and
-- start), and the notifications owed for it: one job per notification, retried with backoff.
CREATE TABLE alert_events (
  id           bigserial   PRIMARY KEY,
  team_id      uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  app          text        NOT NULL,
  alert        text        NOT NULL,
  status       text        NOT NULL CHECK (status IN ('firing', 'resolved')),
  summary      text        NOT NULL,
  fingerprint  text        NOT NULL,
  starts_at    timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (fingerprint, starts_at, status)
);
CREATE INDEX alert_events_app ON alert_events (team_id, app, id DESC);

-- Down Migration
DROP TABLE alert_events;
DROP TABLE team_notifications;
ALTER TABLE apps DROP COLUMN alerts;
