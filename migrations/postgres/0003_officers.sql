-- Officers and their bearer tokens (only a SHA-256 of each token is kept), and the answers
-- given to POST requests by Idempotency-Key, so a retry returns the first answer.

CREATE TABLE officers (
    officer_id  uuid    PRIMARY KEY,
    name        text    NOT NULL,
    role        text    NOT NULL CHECK (role IN ('atendente', 'fiscal', 'diretoria', 'interventor', 'auditor', 'admin')),
    token_hash  bytea   NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE idempotent_responses (
    officer_id      uuid    NOT NULL,
    idempotency_key text    NOT NULL,
    request_hash    bytea   NOT NULL,
    status          integer NOT NULL,
    body            text    NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (officer_id, idempotency_key)
);
