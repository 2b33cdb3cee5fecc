-- Several prover-service replicas share one database: witnesses and proofs live here (not on one replica's disk),
-- and a replica claims the ranges it proves for a lease it keeps renewing; a crashed replica's claim expires and
-- another takes the ranges (ZkPipeline).
ALTER TABLE ranges ALTER COLUMN witness_path DROP NOT NULL;
ALTER TABLE ranges ADD COLUMN witness BYTEA;
ALTER TABLE ranges ADD COLUMN claimed_by TEXT;
ALTER TABLE ranges ADD COLUMN claim_expires_at TIMESTAMPTZ;
ALTER TABLE proofs ALTER COLUMN path DROP NOT NULL;
ALTER TABLE proofs ADD COLUMN proof BYTEA;
CREATE INDEX ranges_by_status ON ranges (status, range_id);
