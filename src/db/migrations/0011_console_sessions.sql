-- Up Migration

-- Web console sessions: a signed-in browser holds only the session's secret, in an httpOnly
-- cookie; the API token it signed in with never leaves the sign-in request. A team token's
-- session ends with the token (revoked or its team deleted); the admin's with a change of the
-- admin token (its hash is kept to compare). Rows past expires_at are refused and swept.
CREATE TABLE console_sessions (
  secret_hash bytea PRIMARY KEY,
  csrf_token text NOT NULL,
  token_id uuid REFERENCES api_tokens (id) ON DELETE CASCADE,
  admin_token_hash bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK ((token_id IS NULL) <> (admin_token_hash IS NULL))
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);

-- Down Migration

DROP TABLE console_sessions;
