-- The Binance-compatible API (/api/v3, docs/api.md "Binance compatibility").
-- API keys: an account's HMAC-SHA256 keys, created, listed and revoked through signed /api/v1 requests. The
-- secret is kept because HMAC verification needs it (Binance keeps it too); it is shown to the owner once.
CREATE TABLE api_keys (
    api_key       VARCHAR(64) PRIMARY KEY,
    account_id    BIGINT      NOT NULL REFERENCES accounts (account_id),
    secret        VARCHAR(64) NOT NULL,
    label         VARCHAR(64) NOT NULL,
    can_read      BOOLEAN     NOT NULL,
    can_trade     BOOLEAN     NOT NULL,
    created_at_ms BIGINT      NOT NULL,
    revoked_at_ms BIGINT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id);

-- Binance's client order ids are strings (<= 36 chars); the engine's are integers. Each order placed through
-- /api/v3 has one row here: the string, the order id (-1 while it is being placed) and when the gateway took it.
CREATE TABLE api_client_orders (
    account_id      BIGINT      NOT NULL,
    client_order_id VARCHAR(36) NOT NULL,
    order_id        BIGINT      NOT NULL,
    created_at_ms   BIGINT      NOT NULL,
    PRIMARY KEY (account_id, client_order_id)
);
CREATE UNIQUE INDEX api_client_orders_by_order ON api_client_orders (order_id) WHERE order_id >= 0;

-- Every trade of exchange.events with the time its event was logged (the Kafka record's timestamp): the source of
-- /api/v3/trades, myTrades, the candles and the 24 h ticker. Written by TradeTape, one transaction per batch.
CREATE TABLE trade_tape (
    trade_id         BIGSERIAL PRIMARY KEY,
    seq              BIGINT  NOT NULL,
    event_index      INT     NOT NULL,
    market_id        INT     NOT NULL,
    price            BIGINT  NOT NULL,
    qty              BIGINT  NOT NULL,
    quote_amount     BIGINT  NOT NULL,
    taker_side       VARCHAR(4) NOT NULL,
    maker_order_id   BIGINT  NOT NULL,
    maker_account_id BIGINT  NOT NULL,
    maker_fee        BIGINT  NOT NULL,
    taker_order_id   BIGINT  NOT NULL,
    taker_account_id BIGINT  NOT NULL,
    taker_fee        BIGINT  NOT NULL,
    time_ms          BIGINT  NOT NULL,
    UNIQUE (seq, event_index)
);
CREATE INDEX trade_tape_by_market ON trade_tape (market_id, trade_id);
CREATE INDEX trade_tape_by_maker ON trade_tape (maker_account_id, trade_id);
CREATE INDEX trade_tape_by_taker ON trade_tape (taker_account_id, trade_id);
CREATE INDEX trade_tape_by_maker_order ON trade_tape (maker_order_id);
CREATE INDEX trade_tape_by_taker_order ON trade_tape (taker_order_id);

-- OHLCV candles per market and interval, updated with each batch of trades (not computed on request).
CREATE TABLE candles (
    market_id      INT     NOT NULL,
    interval_ms    BIGINT  NOT NULL,
    open_time_ms   BIGINT  NOT NULL,
    open_price     BIGINT  NOT NULL,
    high_price     BIGINT  NOT NULL,
    low_price      BIGINT  NOT NULL,
    close_price    BIGINT  NOT NULL,
    volume_qty     NUMERIC(38, 0) NOT NULL,
    volume_quote   NUMERIC(38, 0) NOT NULL,
    trades         BIGINT  NOT NULL,
    PRIMARY KEY (market_id, interval_ms, open_time_ms)
);

-- Where TradeTape resumes: the offset after its last applied record and the (seq, index) watermark.
CREATE TABLE trade_tape_position (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    next_offset BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    event_index INT    NOT NULL
);
