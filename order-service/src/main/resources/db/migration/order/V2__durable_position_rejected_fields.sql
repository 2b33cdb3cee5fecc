-- The offset in exchange.events after the last applied record, committed with the writes it covers: a restart
-- resumes here whatever Kafka's group offset says (0: read the log from the beginning; the (seq, event_index)
-- watermark skips what was already applied).
ALTER TABLE watermark ADD COLUMN next_offset BIGINT NOT NULL DEFAULT 0;
-- A rejected order keeps what its PlaceOrder asked for (read back from the command log); where that is unknown
-- the fields are NULL rather than a made-up zero.
ALTER TABLE orders ALTER COLUMN price DROP NOT NULL, ALTER COLUMN qty DROP NOT NULL, ALTER COLUMN quote_qty DROP NOT NULL;
