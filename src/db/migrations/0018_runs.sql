-- Up Migration

-- One-off commands (`yb run`; src/intents/runs.ts, jobs/run.ts): a Job of one pod from the app's
-- release. The command is kept for the audit trail (who ran what, when, for how long) and shown
-- to the team; its output is the pod's log (kept with the app's logs).
CREATE TABLE runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
  command text[] NOT NULL,
  release integer NOT NULL,
  attached boolean NOT NULL,
  timeout_seconds integer NOT NULL,
  -- pending → running → succeeded | failed | timed-out | cancelled; cancelling: asked, the Job not yet removed
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'timed-out', 'cancelling', 'cancelled')),
  exit_code integer,
  error text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX runs_app_created ON runs (app_id, created_at DESC);

-- Down Migration
DROP TABLE runs;
