-- Up Migration

-- Images a cluster's nodes serve from local stand-ins rather than the upstream image (the local
-- stack's real node serves `mysql:8.4` from MariaDB 10.11 built from Debian's packages), as the
-- nodes declare them: {"images": {upstream reference: what serves it}, "offline": the nodes pull
-- nothing from outside}. Empty and online for every production cluster.
ALTER TABLE clusters ADD COLUMN stand_in_images jsonb NOT NULL DEFAULT '{"images": {}, "offline": false}';

-- Down Migration

ALTER TABLE clusters DROP COLUMN stand_in_images;
