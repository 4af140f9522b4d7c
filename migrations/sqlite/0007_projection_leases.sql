-- Projection leadership as a lease with a fencing token, instead of a PostgreSQL session
-- advisory lock: a session lock stays held by a process that hangs (SIGSTOP) for as long as
-- it hangs. A lease must be renewed; a leader that stops renewing loses it when it expires
-- and another instance takes it over. Every flush of the live generation renews the lease of
-- the term it was written under, in the same transaction, and writes nothing when that term
-- is no longer current. Times are the database's clock (on SQLite, the host's), in
-- milliseconds since the Unix epoch.

CREATE TABLE projection_leases (
    projection    TEXT    NOT NULL PRIMARY KEY,
    holder        BLOB    NOT NULL,     -- the instance that leads (a UUID, 16 bytes)
    term          INTEGER NOT NULL,     -- +1 at every acquisition: the fencing token
    expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- A building (rebuild) or scratch (replay check) generation is claimed by its builder until
-- this time; the builder renews the claim while it works, so a generation whose claim ran out
-- was left by a builder that died, and the next `autos serve` or rebuild removes it.
ALTER TABLE projection_generations ADD COLUMN claimed_until_ms INTEGER;
