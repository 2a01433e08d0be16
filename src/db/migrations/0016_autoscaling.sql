-- Up Migration

-- An app's autoscaling rule (src/intents/autoscaling.ts), NULL when it is scaled by hand:
-- {min, max, cpuPercent?, memoryPercent?}. A HorizontalPodAutoscaler does the work; while a rule
-- is set, apps.replicas is not applied (the HPA owns the workload's replicas).
ALTER TABLE apps ADD COLUMN autoscaling jsonb;
-- What the HPA last said (the worker reads it from the watch cache): src/model.ts AutoscalingStatus.
ALTER TABLE app_status ADD COLUMN autoscaling jsonb;

-- Down Migration
ALTER TABLE app_status DROP COLUMN autoscaling;
ALTER TABLE apps DROP COLUMN autoscaling;
