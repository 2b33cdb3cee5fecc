-- Engine snapshots: the whole state after applying every command up to last_seq (engine Snapshot format).
CREATE TABLE matcher_snapshots (
    last_seq    BIGINT PRIMARY KEY,
    height      BIGINT NOT NULL,
    state_root  TEXT   NOT NULL,
    state       BYTEA  NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
