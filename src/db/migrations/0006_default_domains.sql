-- Up Migration

-- The first label of an app's default domain, `<app>-<team>` (shortened with a hash when longer
-- than a DNS label allows); the domain is this label under YUNBANG_APPS_DOMAIN, so changing that
-- setting moves every default domain at once. Unique among live apps: two apps can never share
-- one (app "a-b" in team "c" and app "a" in team "b-c" would). NULL for backing services, which
-- only their dependents reach.
ALTER TABLE apps ADD COLUMN default_label text;

-- Existing apps get theirs; where two would collide, the older app keeps it.
WITH labels AS (
  SELECT a.id,
         CASE WHEN length(a.name || '-' || t.name) <= 63 THEN a.name || '-' || t.name
              ELSE rtrim(left(a.name || '-' || t.name, 56), '-') || '-' ||
                   left(encode(sha256(convert_to(t.name || '/' || a.name, 'UTF8')), 'hex'), 6) END AS label,
         a.created_at
    FROM apps a JOIN teams t ON t.id = a.team_id
   WHERE a.deleted_at IS NULL AND a.exports = '[]'::jsonb
), firsts AS (
  SELECT DISTINCT ON (label) id, label FROM labels ORDER BY label, created_at
)
UPDATE apps SET default_label = firsts.label FROM firsts WHERE apps.id = firsts.id;

CREATE UNIQUE INDEX apps_default_label ON apps (default_label) WHERE deleted_at IS NULL AND default_label IS NOT NULL;

-- Down Migration
DROP INDEX apps_default_label;
ALTER TABLE apps DROP COLUMN default_label;
