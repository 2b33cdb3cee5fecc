CREATE TABLE assets (
    asset_id INT PRIMARY KEY,
    symbol   TEXT NOT NULL UNIQUE,
    scale    INT  NOT NULL
);
CREATE TABLE markets (
    market_id      INT PRIMARY KEY,
    symbol         TEXT   NOT NULL UNIQUE,
    base_asset_id  INT    NOT NULL,
    quote_asset_id INT    NOT NULL,
    tick_size      BIGINT NOT NULL,
    lot_size       BIGINT NOT NULL,
    min_notional   BIGINT NOT NULL,
    maker_fee_ppm  INT    NOT NULL,
    taker_fee_ppm  INT    NOT NULL,
    status         TEXT   NOT NULL
);
-- Every order the log saw, accepted or rejected; order_id is the seq of its PlaceOrder.
CREATE TABLE orders (
    order_id        BIGINT PRIMARY KEY,
    account_id      BIGINT NOT NULL,
    market_id       INT    NOT NULL,
    client_order_id BIGINT NOT NULL,
    side            TEXT,
    order_type      TEXT,
    tif             TEXT,
    price           BIGINT NOT NULL,
    qty             BIGINT NOT NULL,
    quote_qty       BIGINT NOT NULL,
    filled_qty      BIGINT NOT NULL DEFAULT 0,
    filled_quote    BIGINT NOT NULL DEFAULT 0,
    fees_paid       BIGINT NOT NULL DEFAULT 0,
    status          TEXT   NOT NULL,
    reject_code     TEXT,
    cancel_reason   TEXT,
    updated_seq     BIGINT NOT NULL
);
CREATE INDEX orders_account ON orders (account_id, order_id DESC);
CREATE INDEX orders_open_book ON orders (market_id, side, price) WHERE status IN ('OPEN', 'PARTIALLY_FILLED');
CREATE TABLE fills (
    seq          BIGINT NOT NULL,
    event_index  INT    NOT NULL,
    order_id     BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    market_id    INT    NOT NULL,
    role         TEXT   NOT NULL,
    side         TEXT   NOT NULL,
    price        BIGINT NOT NULL,
    qty          BIGINT NOT NULL,
    quote_amount BIGINT NOT NULL,
    fee          BIGINT NOT NULL,
    PRIMARY KEY (seq, event_index, order_id)
);
CREATE INDEX fills_account ON fills (account_id, seq DESC);
CREATE INDEX fills_market ON fills (market_id, seq DESC);
CREATE TABLE watermark (
    id          INT PRIMARY KEY CHECK (id = 1),
    seq         BIGINT NOT NULL,
    event_index INT    NOT NULL
);
INSERT INTO watermark VALUES (1, -1, -1);
