-- When the engine logged an order's acceptance (or rejection) and its last change (a fill or its end): the
-- timestamps of the events' Kafka records, in ms since the epoch. Read-side data only, never part of the state or
-- of anything hashed. NULL for orders projected before this migration.
ALTER TABLE orders ADD COLUMN created_at_ms BIGINT, ADD COLUMN updated_at_ms BIGINT;
