CREATE TABLE blocks (
    height        BIGINT PRIMARY KEY,
    first_seq     BIGINT NOT NULL,
    last_seq      BIGINT NOT NULL,
    command_count INT    NOT NULL,
    event_count   INT    NOT NULL,
    state_root    TEXT   NOT NULL,
    commands_root TEXT   NOT NULL,
    events_root   TEXT   NOT NULL,
    prev_hash     TEXT   NOT NULL,
    hash          TEXT   NOT NULL UNIQUE,
    sealed_at_ms  BIGINT NOT NULL
);
-- Every event, so a block's trades (and anything else it did) can be listed.
CREATE TABLE events (
    seq         BIGINT NOT NULL,
    event_index INT    NOT NULL,
    type        TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    PRIMARY KEY (seq, event_index)
);
CREATE TABLE commands (
    seq  BIGINT PRIMARY KEY,
    type TEXT   NOT NULL,
    body TEXT   NOT NULL
);
