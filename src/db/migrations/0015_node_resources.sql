-- Up Migration

-- Each cluster's nodes as the worker's probe last read them (src/clusters/node-resources.ts):
-- capacity, allocatable, and what Yunbang's pods there request. The API's identity cannot list
-- nodes (k8s/install's RBAC), so the admin's resources view reads them here.
ALTER TABLE clusters ADD COLUMN node_resources jsonb NOT NULL DEFAULT '[]';

-- Down Migration
ALTER TABLE clusters DROP COLUMN node_resources;
