-- Read models: every projection keeps its documents in one keyed table, per generation, and a
-- checkpoint per generation updated in the same transaction as the documents it covers.
-- A rebuild fills a new generation while the active one keeps serving, then swaps them.

CREATE TABLE projection_generations (
    projection      text        NOT NULL,
    generation      bigint      NOT NULL,
    status          text        NOT NULL CHECK (status IN ('live', 'building', 'scratch', 'retired')),
    position        bigint      NOT NULL DEFAULT 0,     -- last event applied
    failed_position bigint,                             -- the event it stopped at, if it failed
    failure         text,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (projection, generation)
);

CREATE TABLE read_model_docs (
    projection text   NOT NULL,
    generation bigint NOT NULL,
    model      text   COLLATE "C" NOT NULL,
    doc_key    text   COLLATE "C" NOT NULL,   -- byte order, as on SQLite: range scans are ordered
    doc        text   NOT NULL,               -- JSON document, kept as text so digests match SQLite
    PRIMARY KEY (projection, generation, model, doc_key)
);
