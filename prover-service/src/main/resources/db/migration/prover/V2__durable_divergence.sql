-- A divergence between the Java engine and the SP1 guest stops proof publication until an operator clears it
-- (POST /internal/divergence/clear on prover-service): a row here, so a restart does not quietly resume.
CREATE TABLE divergence (
    id        INT PRIMARY KEY CHECK (id = 1),
    range_id  BIGINT      NOT NULL,
    detail    TEXT        NOT NULL,
    raised_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- ranges.status gains UNPROVEN: executed, but not queued for proving (prover.max-pending-proofs were already
-- waiting, or proving is off), so its witness file was deleted.
-- Where the header feed resumes (the offset after the last applied record of exchange.events), committed with
-- the rows it wrote: a restart never trusts Kafka's group offset.
CREATE TABLE feed_position (
    feed        TEXT PRIMARY KEY,
    next_offset BIGINT NOT NULL
);
INSERT INTO feed_position VALUES ('events', 0);
