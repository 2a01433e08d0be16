-- Up Migration
-- An HTTP path for readiness/liveness probes (TCP on the port when absent), and whether the
-- app's domains are served over TLS.
ALTER TABLE apps ADD COLUMN health_check_path text;
ALTER TABLE apps ADD COLUMN tls boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE apps DROP COLUMN tls;
ALTER TABLE apps DROP COLUMN health_check_path;
