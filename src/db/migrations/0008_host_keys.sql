-- Up Migration

-- The SSH host key(s) an app learned on its first clone, when it trusts on first use: pinned for
-- every later clone. Host keys are public; cleared when the app's git URL changes.
ALTER TABLE apps ADD COLUMN learned_host_keys text;

-- Down Migration
ALTER TABLE apps DROP COLUMN learned_host_keys;
