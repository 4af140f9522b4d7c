-- The role that registers officers and operators is named `administrador`, as every other role is
-- named in Portuguese (docs/STYLE.md, the naming rule); it was `admin`. Events recorded before keep
-- `admin` in actor_role, which their hash covers, and the application still reads that name as
-- this role. SQLite cannot alter a CHECK constraint, so the table is copied into one with the new
-- constraint. Officers keep their ids and tokens; page sessions end (they are not records, and the
-- old table cannot be dropped while sessions refer to it): everyone signs in again.
DELETE FROM sessions;

CREATE TABLE officers_renamed (
    officer_id  BLOB    PRIMARY KEY,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('atendente', 'fiscal', 'diretoria', 'interventor', 'auditor', 'administrador')),
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);

INSERT INTO officers_renamed (officer_id, name, role, token_hash, created_at, revoked_at)
SELECT officer_id, name, CASE role WHEN 'admin' THEN 'administrador' ELSE role END, token_hash, created_at, revoked_at
FROM officers;

DROP TABLE officers;
ALTER TABLE officers_renamed RENAME TO officers;
