-- Every sealed block as the matcher published it, and how far the zk pipeline got with it.
CREATE TABLE blocks (
    height        BIGINT PRIMARY KEY,
    first_seq     BIGINT NOT NULL,
    last_seq      BIGINT NOT NULL,
    state_root    TEXT   NOT NULL,
    commands_root TEXT   NOT NULL,
    events_root   TEXT   NOT NULL,
    sealed_at_ms  BIGINT NOT NULL,
    status        TEXT   NOT NULL,          -- SEALED, EXECUTED, PROVING, PROVEN, FAILED
    detail        TEXT,
    range_id      BIGINT,
    proof_id      BIGINT
);
CREATE TABLE ranges (
    range_id      BIGSERIAL PRIMARY KEY,
    first_height  BIGINT NOT NULL,
    last_height   BIGINT NOT NULL,
    witness_path  TEXT   NOT NULL,
    commands      INT    NOT NULL,
    cycles        BIGINT,
    status        TEXT   NOT NULL,          -- PENDING, EXECUTED, PROVING, PROVEN, FAILED
    detail        TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE proofs (
    proof_id        BIGSERIAL PRIMARY KEY,
    range_id        BIGINT NOT NULL REFERENCES ranges,
    first_height    BIGINT NOT NULL,
    last_height     BIGINT NOT NULL,
    mode            TEXT   NOT NULL,
    path            TEXT   NOT NULL,
    size_bytes      BIGINT NOT NULL,
    prove_ms        BIGINT NOT NULL,
    vkey            TEXT   NOT NULL,
    public_values   TEXT   NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE replica_watermark (
    id       INT PRIMARY KEY CHECK (id = 1),
    seq      BIGINT NOT NULL
);
INSERT INTO replica_watermark VALUES (1, -1);
