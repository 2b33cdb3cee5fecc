-- Replay protection lives in memory (ReplayGuard); what survives a restart is one number, extended about once a
-- second and never per request: every request a gateway accepted was signed at or before accepted_through_ms,
-- so a gateway that starts later refuses those timestamps. seen_signatures is no longer written (kept for
-- gateways of the previous version during a rolling upgrade; drop it in a later migration).
CREATE TABLE replay_horizon (
    id                  SMALLINT PRIMARY KEY CHECK (id = 1),
    accepted_through_ms BIGINT NOT NULL
);
