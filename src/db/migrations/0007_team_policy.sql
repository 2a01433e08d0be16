-- Up Migration

-- Each team's policy, set by the admin: its Pod Security level (the namespace enforces it; app pods
-- are rendered to meet it) and its plan (ResourceQuota and parallel builds). NULL: the platform's
-- defaults (YUNBANG_TEAM_QUOTA, YUNBANG_BUILDS_PER_TEAM).
ALTER TABLE teams ADD COLUMN pod_security text NOT NULL DEFAULT 'baseline' CHECK (pod_security IN ('baseline', 'restricted'));
ALTER TABLE teams ADD COLUMN quota jsonb;
ALTER TABLE teams ADD COLUMN builds_in_parallel integer CHECK (builds_in_parallel BETWEEN 1 AND 100);

-- The Linux capabilities an app's image needs (all others are dropped), as it declares them.
ALTER TABLE apps ADD COLUMN capabilities jsonb NOT NULL DEFAULT '[]';

-- Down Migration
ALTER TABLE apps DROP COLUMN capabilities;
ALTER TABLE teams DROP COLUMN builds_in_parallel;
ALTER TABLE teams DROP COLUMN quota;
ALTER TABLE teams DROP COLUMN pod_security;
