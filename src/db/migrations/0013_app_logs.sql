-- Up Migration

-- Every line apps' containers print, kept after their pods are gone (jobs/logs/collector.ts).
-- Why PostgreSQL: Loki is not in Debian (its `loki` package is other software), and Yunbang
-- already runs PostgreSQL; partitions by day make age retention a DROP, not a DELETE, and a
-- (team, app, time) index answers "this app, the last 2 hours, lines with X" by scanning only
-- that app's lines of those hours. Rows carry no foreign key: a team's lines go by retention.
CREATE TABLE app_log_lines (
  team_id  uuid        NOT NULL,
  app      text        NOT NULL,
  pod      text        NOT NULL,
  -- When the container printed it (the container runtime's timestamp), and the order it was read in.
  at       timestamptz NOT NULL,
  seq      bigint      GENERATED ALWAYS AS IDENTITY,
  line     text        NOT NULL
) PARTITION BY RANGE (at);
CREATE INDEX app_log_lines_app_at ON app_log_lines (team_id, app, at);
-- Lines whose day has no partition yet (a clock far off) are still kept.
CREATE TABLE app_log_lines_default PARTITION OF app_log_lines DEFAULT;

-- Bytes kept per team and day, so size retention never has to scan the lines.
CREATE TABLE app_log_usage (
  team_id  uuid    NOT NULL,
  day      date    NOT NULL,
  bytes    bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, day)
);

-- A team's log retention (its plan): by age and by size. NULL: the platform's defaults.
ALTER TABLE teams ADD COLUMN log_retention_days integer CHECK (log_retention_days BETWEEN 1 AND 30);
ALTER TABLE teams ADD COLUMN log_retention_mb integer CHECK (log_retention_mb BETWEEN 1 AND 102400);

-- Log drains: every line of an app also sent on, as Heroku's drains (syslog over TCP or TLS, HTTPS).
CREATE TABLE log_drains (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id      uuid        NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  url         text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, url)
);

-- Down Migration
DROP TABLE log_drains;
ALTER TABLE teams DROP COLUMN log_retention_mb;
ALTER TABLE teams DROP COLUMN log_retention_days;
DROP TABLE app_log_usage;
DROP TABLE app_log_lines;
