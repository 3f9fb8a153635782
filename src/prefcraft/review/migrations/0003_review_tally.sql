-- 0003: per-pair decision counts on the current version (latest decision per reviewer), kept up to date by
-- the store in the same transaction as each review or edit, so status filters need no scan of all reviews.
ALTER TABLE pairs ADD COLUMN n_accept INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pairs ADD COLUMN n_reject INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reviews_reviewer ON reviews(pair, version, reviewer);
UPDATE pairs SET
  n_accept = (SELECT COUNT(*) FROM reviews r WHERE r.pair = pairs.id AND r.version = pairs.version
              AND r.decision = 'accept'
              AND r.id = (SELECT MAX(r2.id) FROM reviews r2 WHERE r2.pair = r.pair AND r2.version = r.version
                          AND r2.reviewer = r.reviewer)),
  n_reject = (SELECT COUNT(*) FROM reviews r WHERE r.pair = pairs.id AND r.version = pairs.version
              AND r.decision = 'reject'
              AND r.id = (SELECT MAX(r2.id) FROM reviews r2 WHERE r2.pair = r.pair AND r2.version = r.version
                          AND r2.reviewer = r.reviewer));
