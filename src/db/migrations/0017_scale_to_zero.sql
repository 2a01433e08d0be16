-- Up Migration

-- Scale to zero (beta; jobs/sleep.ts): an app asleep since this time runs no replicas and has no
-- HPA until a request wakes it; its idle window counts from its last request or its last wake
-- (awake_since), whichever is later. The rule's idle window is autoscaling.scaleToZeroAfterMinutes.
ALTER TABLE apps ADD COLUMN sleeping_since timestamptz, ADD COLUMN awake_since timestamptz;

-- Down Migration
ALTER TABLE apps DROP COLUMN awake_since, DROP COLUMN sleeping_since;
