-- The event log, its seal checkpoints and the LGPD key table (SQLite).
-- Appends run one writer at a time (SQLite's write lock), so the INTEGER PRIMARY KEY position
-- is assigned in commit order and has no gaps: a rolled-back insert does not consume a rowid.

CREATE TABLE events (
    position        INTEGER PRIMARY KEY,
    event_id        BLOB    NOT NULL UNIQUE,
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL,
    event_type      TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL,
    payload         TEXT    NOT NULL,
    occurred_on     TEXT    NOT NULL,           -- legal date, YYYY-MM-DD (valid time)
    recorded_at     INTEGER NOT NULL,           -- microseconds since epoch (transaction time)
    actor_id        BLOB    NOT NULL,
    actor_role      TEXT    NOT NULL,
    legal_basis     TEXT,
    document_ref    TEXT,
    correlation_id  BLOB,
    causation_id    BLOB,
    command         TEXT,
    prev_hash       BLOB    NOT NULL,
    hash            BLOB    NOT NULL,
    UNIQUE (stream_id, stream_version)
);

-- Append-only in the database itself: no statement may change or remove an event.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE rejected'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE rejected'); END;

-- Seal checkpoints: digest chaining every event hash up to position, in position order.
CREATE TABLE seal_checkpoints (
    seq          INTEGER PRIMARY KEY,
    position     INTEGER NOT NULL,
    event_count  INTEGER NOT NULL,
    digest       BLOB    NOT NULL,
    sealed_at    INTEGER NOT NULL
);
CREATE TRIGGER seal_checkpoints_no_update BEFORE UPDATE ON seal_checkpoints
BEGIN SELECT RAISE(ABORT, 'seal checkpoints are append-only'); END;
CREATE TRIGGER seal_checkpoints_no_delete BEFORE DELETE ON seal_checkpoints
BEGIN SELECT RAISE(ABORT, 'seal checkpoints are append-only'); END;

-- Positions that were drawn but never committed. SQLite never produces any; the table exists
-- so both backends answer the same questions.
CREATE TABLE position_gaps (
    from_position INTEGER NOT NULL PRIMARY KEY,
    to_position   INTEGER NOT NULL
);

-- LGPD: one data key per data subject, wrapped by the server's master key. Outside the log on
-- purpose: destroying a key (crypto-shredding) leaves every hash chain intact.
CREATE TABLE subject_keys (
    subject_id   BLOB    PRIMARY KEY,
    wrapped_key  BLOB,
    created_at   INTEGER NOT NULL,
    destroyed_at INTEGER
);

-- Every decryption of personal data, by whom and why.
CREATE TABLE personal_data_reads (
    id          INTEGER PRIMARY KEY,
    subject_id  BLOB    NOT NULL,
    reader_id   BLOB    NOT NULL,
    reader_role TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    read_at     INTEGER NOT NULL
);
