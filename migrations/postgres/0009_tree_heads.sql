-- Signed tree heads (store/src/tree_heads.rs): the root of the Merkle tree over the first
-- tree_size events in position order, signed with a key that is never in the database. A copy
-- of every head also goes to a witness outside the database, so that wiping or rewriting this
-- table is found by `autos verify`.
CREATE TABLE tree_heads (
    tree_size  bigint      PRIMARY KEY,
    position   bigint      NOT NULL,       -- the last position the tree covers
    root       bytea       NOT NULL,
    signed_at  timestamptz NOT NULL,       -- microseconds, part of what is signed
    key_id     text        NOT NULL,
    signature  bytea       NOT NULL
);
CREATE TRIGGER tree_heads_append_only BEFORE UPDATE OR DELETE ON tree_heads
    FOR EACH ROW EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER tree_heads_no_truncate BEFORE TRUNCATE ON tree_heads
    FOR EACH STATEMENT EXECUTE FUNCTION autos_reject_change();
