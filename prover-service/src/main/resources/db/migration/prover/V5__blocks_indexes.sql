-- Statements that found their rows by reading every block ever sealed, each now an index probe:
-- * the lag gauge, every second on every replica: the highest PROVEN height and the oldest block not PROVEN;
-- * each range's status changes (EXECUTED, PROVING, back to EXECUTED) select its blocks by range_id.
-- At 10 blocks a second the table grows by 864,000 rows a day, and these scans grew with it: with 1,000,000 blocks each
-- lag query took 90 ms and each range's update 109 ms (two lag queries a second, and a range or two a second at 4,000
-- orders/s: about 0.3 cores); with these indexes 0.3 ms and 0.1 ms (docs/benchmarks.md, issue 10, session 8).
-- Not CONCURRENTLY (Flyway runs a migration in a transaction): writes to blocks wait for the seconds it takes.
CREATE INDEX blocks_by_range ON blocks (range_id);
CREATE INDEX blocks_proven ON blocks (height) WHERE status = 'PROVEN';
CREATE INDEX blocks_not_proven_by_time ON blocks (sealed_at_ms) WHERE status <> 'PROVEN';
