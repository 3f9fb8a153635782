-- 0001: jobs, pairs (current version + optimistic-concurrency counter), reviews, edits.
CREATE TABLE jobs (
    id        TEXT PRIMARY KEY,
    spec      TEXT NOT NULL,              -- JSON
    total     INTEGER NOT NULL,
    created   TEXT NOT NULL,
    finished  TEXT
);

CREATE TABLE pairs (
    id           INTEGER PRIMARY KEY,
    job_id       TEXT REFERENCES jobs(id) ON DELETE RESTRICT,
    key          TEXT,
    pair_id      TEXT NOT NULL,           -- content hash of the current version (prefcraft id)
    original_id  TEXT NOT NULL,           -- content hash as proposed / imported
    prompt       TEXT NOT NULL,           -- JSON list of {role, content}
    chosen       TEXT NOT NULL,
    rejected     TEXT NOT NULL,
    category     TEXT,
    subcategory  TEXT,
    harm         TEXT,
    source       TEXT,
    tags         TEXT NOT NULL DEFAULT '[]',
    metadata     TEXT NOT NULL DEFAULT '{}',
    extra        TEXT NOT NULL DEFAULT '{}',
    format       TEXT NOT NULL DEFAULT 'standard',
    provenance   TEXT NOT NULL DEFAULT '{}',
    findings     TEXT NOT NULL DEFAULT '[]',
    judgment     TEXT,
    version      INTEGER NOT NULL DEFAULT 1,
    created      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    updated_by   TEXT,
    UNIQUE (job_id, key)
);
CREATE INDEX pairs_category ON pairs(category);
CREATE INDEX pairs_harm ON pairs(harm);

CREATE TABLE reviews (
    id        INTEGER PRIMARY KEY,
    pair      INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    reviewer  TEXT NOT NULL,
    decision  TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),
    reason    TEXT,
    version   INTEGER NOT NULL,           -- the pair version the reviewer saw
    created   TEXT NOT NULL
);
CREATE INDEX reviews_pair ON reviews(pair, version);

CREATE TABLE edits (
    id            INTEGER PRIMARY KEY,
    pair          INTEGER NOT NULL REFERENCES pairs(id) ON DELETE CASCADE,
    reviewer      TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('edit', 'flip', 'regenerate')),
    from_version  INTEGER NOT NULL,
    to_version    INTEGER NOT NULL,
    before        TEXT NOT NULL,          -- JSON {prompt, chosen, rejected}
    after         TEXT NOT NULL,
    note          TEXT,
    created       TEXT NOT NULL
);
CREATE INDEX edits_pair ON edits(pair);
