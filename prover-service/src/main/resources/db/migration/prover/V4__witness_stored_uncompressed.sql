-- Witnesses (and proofs) are stored out of line without compression. pglz, the only TOAST compression the embedded
-- PostgreSQL has (its binaries lack lz4), compressed every range's witness when it was written and decompressed it
-- for the guest: that was most of this database's CPU at 4,000 orders/s (docs/benchmarks.md, issue 10, session 8).
-- A witness lives here until its range is executed, or proven where proving is on (at most prover.max-pending-proofs
-- wait), so the extra bytes are few and short-lived.
-- Applies to rows written from now on.
ALTER TABLE ranges ALTER COLUMN witness SET STORAGE EXTERNAL;
ALTER TABLE proofs ALTER COLUMN proof SET STORAGE EXTERNAL;
