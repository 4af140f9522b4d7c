-- The web pages' sessions (autos_app::sessions): signing in at /entrar with a bearer token opens
-- one, and the browser's cookie carries only its id, of which only a SHA-256 is kept here. A
-- session ends at expires_at_ms (8 h after sign-in), after an hour without a request (seen_at_ms),
-- at sign-out (its row is deleted) and when its officer is revoked. csrf_token is the value every
-- page form of the session sends back. Not an audit record: the application role reads, opens,
-- touches and deletes sessions. Times in milliseconds since the Unix epoch, as
-- projection_leases keeps them.
--
-- Written to run twice: `autos restore` runs it again after migration 0011 on a restored
-- database (whose dump carries no privileges), for the grant (autos_store::postgres::APP_ROLE_GRANTS).

CREATE TABLE IF NOT EXISTS sessions (
    session_hash  bytea   PRIMARY KEY,
    officer_id    uuid    NOT NULL REFERENCES officers (officer_id),
    csrf_token    text    NOT NULL,
    created_at_ms bigint  NOT NULL,
    expires_at_ms bigint  NOT NULL,
    seen_at_ms    bigint  NOT NULL
);

CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at_ms);

GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO autos_app;
