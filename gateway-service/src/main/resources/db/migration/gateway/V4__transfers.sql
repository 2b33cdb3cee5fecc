-- Deposits and withdrawals as the engine decided them (Deposited / DepositRejected / Withdrawn /
-- WithdrawalRejected), with the time their event was logged: an account's deposit and withdrawal history. Written
-- by TradeTape in the same transaction as the trades and its position; id = the command's seq (what POST
-- /api/v1/withdrawals and the operator's deposit answered). History starts where the tape stood when this
-- migration ran.
CREATE TABLE transfers (
    seq          BIGINT      NOT NULL,
    event_index  INT         NOT NULL,
    account_id   BIGINT      NOT NULL,
    asset_id     INT         NOT NULL,
    kind         VARCHAR(10) NOT NULL CHECK (kind IN ('DEPOSIT', 'WITHDRAWAL')),
    amount       BIGINT      NOT NULL,
    external_id  BIGINT,
    status       VARCHAR(10) NOT NULL CHECK (status IN ('COMPLETED', 'REJECTED')),
    reject_code  VARCHAR(40),
    time_ms      BIGINT      NOT NULL,
    PRIMARY KEY (seq, event_index)
);
CREATE INDEX transfers_by_account ON transfers (account_id, kind, seq);
