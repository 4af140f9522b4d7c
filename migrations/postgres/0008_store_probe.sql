-- One row that `/readyz` rewrites while writes are failing (a full disk, an IO fault): the
-- probe is a real commit, so the store is reported ready again as soon as one gets through,
-- without waiting for an officer's act to try. It holds no data of the log.
CREATE TABLE store_probe (
    id        integer PRIMARY KEY CHECK (id = 1),
    probed_at bigint  NOT NULL
);
