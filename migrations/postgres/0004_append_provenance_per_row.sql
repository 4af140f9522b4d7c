-- autos_append() takes the provenance (actor, role, correlation, causation, command) per row
-- instead of once per call, so that one append — one transaction, one pass under the ordering
-- lock — can carry several commands, each with its own provenance (bulk loads such as
-- `autos demo`). The ordering argument of 0001 is unchanged: positions are still drawn for the
-- whole call inside one short critical section.

DROP FUNCTION autos_append(
    integer, uuid[], text[], bigint[], text[], integer[], text[], date[], timestamptz,
    uuid, text, text[], text[], uuid, uuid, text, bytea[], bytea[]
);

CREATE FUNCTION autos_append(
    p_epoch integer,
    p_event_ids uuid[], p_stream_ids text[], p_versions bigint[], p_types text[],
    p_schema_versions integer[], p_payloads text[], p_occurred date[], p_recorded_at timestamptz,
    p_actor_ids uuid[], p_actor_roles text[], p_legal text[], p_docs text[],
    p_correlation_ids uuid[], p_causation_ids uuid[], p_commands text[],
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
           t.schema_version, t.payload::json, t.occurred_on, p_recorded_at, t.actor_id,
           t.actor_role, t.legal, t.doc, t.correlation_id, t.causation_id, t.command::json,
           t.prev_hash, t.hash
      FROM unnest(p_event_ids, p_stream_ids, p_versions, p_types, p_schema_versions, p_payloads,
                  p_occurred, p_actor_ids, p_actor_roles, p_legal, p_docs, p_correlation_ids,
                  p_causation_ids, p_commands, p_prev_hashes, p_hashes)
           WITH ORDINALITY AS t(event_id, stream_id, version, event_type, schema_version, payload,
                                occurred_on, actor_id, actor_role, legal, doc, correlation_id,
                                causation_id, command, prev_hash, hash, ord)
    RETURNING position;
END $$;
