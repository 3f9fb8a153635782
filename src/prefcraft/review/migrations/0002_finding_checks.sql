-- 0002: a denormalised list of finding check names per pair, so the queue can filter by finding in SQL.
-- Backfilled from the stored findings JSON of existing pairs.
ALTER TABLE pairs ADD COLUMN finding_checks TEXT NOT NULL DEFAULT '';
UPDATE pairs SET finding_checks = COALESCE((
    SELECT ',' || group_concat(DISTINCT json_extract(f.value, '$.check')) || ','
    FROM json_each(pairs.findings) AS f
    WHERE json_extract(f.value, '$.check') IS NOT NULL
), '');
