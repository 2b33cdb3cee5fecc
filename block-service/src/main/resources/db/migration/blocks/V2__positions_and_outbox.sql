-- Where each feed resumes: the offset after the last record applied, committed with the rows it wrote, so a
-- restart never trusts Kafka's group offset (which may be ahead of what this database kept).
CREATE TABLE feed_position (
    feed        TEXT PRIMARY KEY,          -- 'events' (exchange.events), 'commands' (exchange.commands)
    next_offset BIGINT NOT NULL
);
INSERT INTO feed_position VALUES ('events', 0), ('commands', 0);
-- Block headers to publish on exchange.blocks, written in the block's transaction and relayed after it
-- (oldest first, idempotent producer, at least once); sent_at marks what the broker acknowledged.
CREATE TABLE outbox (
    height  BIGINT PRIMARY KEY,
    body    TEXT   NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX outbox_unsent ON outbox (height) WHERE sent_at IS NULL;
