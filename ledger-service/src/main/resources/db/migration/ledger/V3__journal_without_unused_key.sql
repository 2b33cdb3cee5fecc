-- Issue 10, session 9 (docs/benchmarks.md): less work per balance movement.
-- The journal's primary key served no query (the API reads it by account, through journal_account) and only
-- repeated what the watermark ensures: the writer reads it FOR UPDATE and writes legs and watermark in one
-- transaction, so a redelivered leg is skipped before it is written. One B-tree insertion a leg less.
ALTER TABLE journal DROP CONSTRAINT journal_pkey;
