-- The web pages' sessions (autos_app::sessions): signing in at /entrar with a bearer token opens
-- one, and the browser's cookie carries only its id, of which only a SHA-256 is kept here. A
-- session ends at expires_at_ms (8 h after sign-in), after an hour without a request (seen_at_ms),
-- at sign-out (its row is deleted) and when its officer is revoked. csrf_token is the value every
-- page form of the session sends back. Not an audit record: rows are updated and deleted.
-- Times in milliseconds since the Unix epoch, as projection_leases keeps them.

CREATE TABLE sessions (
    session_hash  BLOB    PRIMARY KEY,
    officer_id    BLOB    NOT NULL REFERENCES officers (officer_id),
    csrf_token    TEXT    NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    seen_at_ms    INTEGER NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);
