-- Up Migration
-- Git credentials of an app, sealed (AES-256-GCM under YUNBANG_SECRET_KEY); the worker turns them
-- into a Kubernetes Secret in the team's namespace for the clone containers.
ALTER TABLE apps ADD COLUMN git_credentials text;

-- Down Migration
ALTER TABLE apps DROP COLUMN git_credentials;
