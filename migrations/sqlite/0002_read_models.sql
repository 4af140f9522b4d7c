-- Read models: every projection keeps its documents in one keyed table, per generation, and a
-- checkpoint per generation updated in the same transaction as the documents it covers.
-- A rebuild fills a new generation while the active one keeps serving, then swaps them.

CREATE TABLE projection_generations (
    projection      TEXT    NOT NULL,
    generation      INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('live', 'building', 'scratch', 'retired')),
    position        INTEGER NOT NULL DEFAULT 0,     -- last event applied
    failed_position INTEGER,                        -- the event it stopped at, if it failed
    failure         TEXT,
    updated_at      TEXT    NOT NULL,               -- RFC 3339, UTC
    PRIMARY KEY (projection, generation)
);

CREATE TABLE read_model_docs (
    projection TEXT    NOT NULL,
    generation INTEGER NOT NULL,
    model      TEXT    NOT NULL,
    doc_key    TEXT    NOT NULL,     -- ordered: range scans give timelines and due-date lists
    doc        TEXT    NOT NULL,     -- JSON document
    PRIMARY KEY (projection, generation, model, doc_key)
) WITHOUT ROWID;
