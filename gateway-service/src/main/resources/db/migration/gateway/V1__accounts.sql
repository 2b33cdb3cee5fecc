-- Account ids are the engine's (1 .. 2^32-1); each is bound to one Ed25519 public key.
CREATE SEQUENCE account_ids START WITH 1 MAXVALUE 4294967295;
CREATE TABLE accounts (
    account_id BIGINT PRIMARY KEY DEFAULT nextval('account_ids'),
    public_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Signatures seen inside the freshness window: a second use is a replay. Old rows are purged.
CREATE TABLE seen_signatures (
    signature  TEXT PRIMARY KEY,
    seen_at_ms BIGINT NOT NULL
);
-- Client order ids are unique per account forever at the gateway (the engine checks open orders only),
-- so a retried request is answered with the original order instead of being applied twice.
CREATE TABLE client_orders (
    account_id      BIGINT NOT NULL,
    client_order_id BIGINT NOT NULL,
    order_id        BIGINT NOT NULL,
    PRIMARY KEY (account_id, client_order_id)
);
