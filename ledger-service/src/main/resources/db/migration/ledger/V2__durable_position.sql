-- The offset in exchange.events after the last applied record, committed with the writes it covers: a restart
-- resumes here whatever Kafka's group offset says (0: from the beginning; the watermark skips what was applied).
ALTER TABLE watermark ADD COLUMN next_offset BIGINT NOT NULL DEFAULT 0;
