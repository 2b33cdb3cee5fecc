-- Issue 10, session 9 (docs/benchmarks.md): less work per order.
-- fills' primary key served no query (the API reads fills by account and by market) and only repeated what the
-- watermark ensures: the projector reads it FOR UPDATE and writes fills and watermark in one transaction, so a
-- redelivered fill is skipped before it is written. One B-tree insertion a fill less, and no speculative insertion.
ALTER TABLE fills DROP CONSTRAINT fills_pkey;
-- The market's trade list reads takers' fills only: a maker's fill (half of all fills) need not be in its index.
CREATE INDEX fills_market_taker ON fills (market_id, seq DESC) WHERE role = 'TAKER';
DROP INDEX fills_market;
