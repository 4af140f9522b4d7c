-- Signed tree heads (store/src/tree_heads.rs): the root of the Merkle tree over the first
-- tree_size events in position order, signed with a key that is never in the database. A copy
-- of every head also goes to a witness outside the database, so that wiping or rewriting this
-- table is found by `autos verify`.
CREATE TABLE tree_heads (
    tree_size  INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,           -- the last position the tree covers
    root       BLOB    NOT NULL,
    signed_at  INTEGER NOT NULL,           -- microseconds since epoch, part of what is signed
    key_id     TEXT    NOT NULL,
    signature  BLOB    NOT NULL
);
CREATE TRIGGER tree_heads_no_update BEFORE UPDATE ON tree_heads
BEGIN SELECT RAISE(ABORT, 'tree heads are append-only: UPDATE rejected'); END;
CREATE TRIGGER tree_heads_no_delete BEFORE DELETE ON tree_heads
BEGIN SELECT RAISE(ABORT, 'tree heads are append-only: DELETE rejected'); END;
-- INSERT OR REPLACE deletes the row it replaces without firing the delete trigger unless the
-- connection has recursive_triggers on (ours do; a sqlite3 shell does not): refuse any insert
-- of a size already recorded, whatever its conflict clause.
CREATE TRIGGER tree_heads_no_replace BEFORE INSERT ON tree_heads
WHEN EXISTS (SELECT 1 FROM tree_heads WHERE tree_size = NEW.tree_size)
BEGIN SELECT RAISE(ABORT, 'tree heads are append-only: replacing INSERT rejected'); END;
