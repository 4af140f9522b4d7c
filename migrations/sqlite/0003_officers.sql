-- Officers and their bearer tokens (only a SHA-256 of each token is kept), and the answers
-- given to POST requests by Idempotency-Key, so a retry returns the first answer.

CREATE TABLE officers (
    officer_id  BLOB    PRIMARY KEY,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('atendente', 'fiscal', 'diretoria', 'interventor', 'auditor', 'admin')),
    token_hash  BLOB    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE idempotent_responses (
    officer_id     BLOB    NOT NULL,
    idempotency_key TEXT   NOT NULL,
    request_hash   BLOB    NOT NULL,
    status         INTEGER NOT NULL,
    body           TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (officer_id, idempotency_key)
);
