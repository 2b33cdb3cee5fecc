-- Balances per account and asset, as the engine's events moved them. Never negative.
CREATE TABLE balances (
    account_id BIGINT NOT NULL,
    asset_id   INT    NOT NULL,
    available  BIGINT NOT NULL CHECK (available >= 0),
    locked     BIGINT NOT NULL CHECK (locked >= 0),
    PRIMARY KEY (account_id, asset_id)
);
-- The immutable journal: one row per balance movement, in event order. account_id 0 is the fee account.
CREATE TABLE journal (
    seq             BIGINT NOT NULL,
    event_index     INT    NOT NULL,
    leg             INT    NOT NULL,
    account_id      BIGINT NOT NULL,
    asset_id        INT    NOT NULL,
    available_delta BIGINT NOT NULL,
    locked_delta    BIGINT NOT NULL,
    kind            TEXT   NOT NULL,
    PRIMARY KEY (seq, event_index, leg)
);
CREATE INDEX journal_account ON journal (account_id, seq);
CREATE TABLE asset_totals (
    asset_id  INT PRIMARY KEY,
    symbol    TEXT   NOT NULL,
    scale     INT    NOT NULL,
    deposited BIGINT NOT NULL DEFAULT 0,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    fees      BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE markets (
    market_id     INT PRIMARY KEY,
    base_asset_id INT NOT NULL,
    quote_asset_id INT NOT NULL
);
CREATE TABLE deposits (
    external_id BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL,
    asset_id    INT    NOT NULL,
    amount      BIGINT NOT NULL,
    seq         BIGINT NOT NULL
);
-- The last event applied: redelivered events at or below it change nothing.
CREATE TABLE watermark (
    id          INT PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    event_index INT    NOT NULL
);
INSERT INTO watermark VALUES (1, -1, -1);
