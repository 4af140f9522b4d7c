-- The event log, its seal checkpoints and the LGPD key table (PostgreSQL).
--
-- Ordering: positions come from events_position_seq, drawn inside autos_append() while a short
-- advisory lock is held together with the assignment of the transaction id. Hence transaction
-- id order equals position order among writers, and a reader that only returns rows whose
-- transaction id is below its snapshot's xmin sees a prefix of the log that can never grow in
-- the middle (see store/src/postgres.rs). xid_epoch lets a restored cluster, whose xid counter
-- restarts, still show the restored rows.

CREATE TABLE store_epoch (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch    integer NOT NULL
);
INSERT INTO store_epoch (epoch) VALUES (1);

CREATE SEQUENCE events_position_seq AS bigint;

CREATE TABLE events (
    position        bigint      PRIMARY KEY,
    xid             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    xid_epoch       integer     NOT NULL,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  bigint      NOT NULL,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    payload         json        NOT NULL,   -- json, not jsonb: the exact hashed text is kept
    occurred_on     date        NOT NULL,   -- legal date (valid time)
    recorded_at     timestamptz NOT NULL,   -- transaction time, microseconds
    actor_id        uuid        NOT NULL,
    actor_role      text        NOT NULL,
    legal_basis     text,
    document_ref    text,
    correlation_id  uuid,
    causation_id    uuid,
    command         json,
    prev_hash       bytea       NOT NULL,
    hash            bytea       NOT NULL,
    UNIQUE (stream_id, stream_version)
);

CREATE FUNCTION autos_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION autos_reject_change();

-- One round trip per append: positions are drawn under the ordering lock, the lock is released,
-- then all rows go in with one INSERT. Conflicts surface as unique violations of
-- (stream_id, stream_version) or event_id and abort the whole batch. Should the statement fail
-- between lock and unlock (a cancel), the caller releases the session's advisory locks on the
-- same connection before it goes back to the pool; a dead session releases them by itself.
CREATE FUNCTION autos_append(
    p_epoch integer,
    p_event_ids uuid[], p_stream_ids text[], p_versions bigint[], p_types text[],
    p_schema_versions integer[], p_payloads text[], p_occurred date[], p_recorded_at timestamptz,
    p_actor_id uuid, p_actor_role text, p_legal text[], p_docs text[],
    p_correlation_id uuid, p_causation_id uuid, p_command text,
    p_prev_hashes bytea[], p_hashes bytea[]
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    v_first bigint;
    v_count integer := cardinality(p_event_ids);
BEGIN
    PERFORM pg_advisory_lock(7305671112);
    PERFORM pg_current_xact_id();
    v_first := nextval('events_position_seq');
    IF v_count > 1 THEN
        PERFORM setval('events_position_seq', v_first + v_count - 1);
    END IF;
    PERFORM pg_advisory_unlock(7305671112);
    RETURN QUERY
    INSERT INTO events (position, xid_epoch, event_id, stream_id, stream_version, event_type,
                        schema_version, payload, occurred_on, recorded_at, actor_id, actor_role,
                        legal_basis, document_ref, correlation_id, causation_id, command,
                        prev_hash, hash)
    SELECT v_first + t.ord - 1, p_epoch, t.event_id, t.stream_id, t.version, t.event_type,
           t.schema_version, t.payload::json, t.occurred_on, p_recorded_at, p_actor_id,
           p_actor_role, t.legal, t.doc, p_correlation_id, p_causation_id, p_command::json,
           t.prev_hash, t.hash
      FROM unnest(p_event_ids, p_stream_ids, p_versions, p_types, p_schema_versions, p_payloads,
                  p_occurred, p_legal, p_docs, p_prev_hashes, p_hashes)
           WITH ORDINALITY AS t(event_id, stream_id, version, event_type, schema_version, payload,
                                occurred_on, legal, doc, prev_hash, hash, ord)
    RETURNING position;
END $$;

CREATE TABLE seal_checkpoints (
    seq          bigint      PRIMARY KEY,
    position     bigint      NOT NULL,
    event_count  bigint      NOT NULL,
    digest       bytea       NOT NULL,
    sealed_at    timestamptz NOT NULL
);
CREATE TRIGGER seal_checkpoints_append_only BEFORE UPDATE OR DELETE ON seal_checkpoints
    FOR EACH ROW EXECUTE FUNCTION autos_reject_change();

-- Positions drawn by transactions that never committed, recorded by the seal once they lie
-- below every live transaction (so no one can still fill them).
CREATE TABLE position_gaps (
    from_position bigint PRIMARY KEY,
    to_position   bigint NOT NULL
);

CREATE TABLE subject_keys (
    subject_id   uuid        PRIMARY KEY,
    wrapped_key  bytea,
    created_at   timestamptz NOT NULL,
    destroyed_at timestamptz
);

CREATE TABLE personal_data_reads (
    id          bigserial   PRIMARY KEY,
    subject_id  uuid        NOT NULL,
    reader_id   uuid        NOT NULL,
    reader_role text        NOT NULL,
    purpose     text        NOT NULL,
    read_at     timestamptz NOT NULL
);
