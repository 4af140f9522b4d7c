-- An append becomes one plain INSERT … SELECT FROM unnest(…) sent by the store instead of a call
-- of autos_append(): a plpgsql function ran the INSERT and each of its PERFORMs through a
-- separate executor start, which cost more server time than the insert itself.
--
-- What the ordering needs stays in one small function, autos_draw_positions(), called once per
-- append from a MATERIALIZED CTE (evaluated exactly once, before the first row is inserted):
-- under the advisory lock it assigns the transaction its id, then draws the positions. Its
-- steps are assignments, which plpgsql evaluates as simple expressions without an executor.
-- The argument of 0001 is unchanged: among event writers, transaction-id order equals
-- position order.

DROP FUNCTION autos_append(
    integer, uuid[], text[], bigint[], text[], integer[], text[], date[], timestamptz,
    uuid[], text[], text[], text[], uuid[], uuid[], text[], bytea[], bytea[]
);

CREATE FUNCTION autos_draw_positions(p_count integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_first bigint;
    v_xid xid8;
    v_done text;
BEGIN
    v_done := pg_advisory_lock(7305671112);
    v_xid := pg_current_xact_id();
    v_first := nextval('events_position_seq');
    IF p_count > 1 THEN
        v_done := setval('events_position_seq', v_first + p_count - 1);
    END IF;
    v_done := pg_advisory_unlock(7305671112);
    RETURN v_first;
END $$;
