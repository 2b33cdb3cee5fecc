package io.zkclob.contracts;

/**
 * Every reason the engine (or the gateway, which pre-checks with the same rules) refuses a command.
 * One exhaustive list with stable numeric codes shared by REST errors, Kafka events and the Rust guest:
 * never renumber, only append.
 */
public enum RejectCode {
    UNKNOWN_ASSET(1, "the asset does not exist"),
    UNKNOWN_MARKET(2, "the market does not exist"),
    MARKET_HALTED(3, "the market is halted: new orders are refused, cancels are allowed"),
    INVALID_AMOUNT(4, "an amount or price is zero or negative"),
    AMOUNT_OVERFLOW(5, "an amount is too large: its value or its hold would overflow 63 bits"),
    INVALID_TICK(6, "the price is not a multiple of the market's tick size"),
    INVALID_LOT(7, "the quantity is not a multiple of the market's lot size"),
    BELOW_MIN_NOTIONAL(8, "price x quantity is below the market's minimum notional"),
    INSUFFICIENT_FUNDS(9, "the available balance does not cover the hold"),
    DUPLICATE_CLIENT_ORDER_ID(10, "an open order of this account already uses this client order id"),
    POST_ONLY_WOULD_CROSS(11, "a post-only order would have traded immediately"),
    ORDER_NOT_FOUND(12, "no open order with this id"),
    NOT_ORDER_OWNER(13, "the order belongs to another account"),
    INVALID_ORDER_TYPE(14, "this combination of side, type, time in force, price and quantities is not allowed"),
    DUPLICATE_ASSET(15, "an asset with this id already exists"),
    DUPLICATE_MARKET(16, "a market with this id already exists"),
    INVALID_MARKET_PARAMS(17, "market or asset parameters are inconsistent"),
    DUPLICATE_DEPOSIT(18, "a deposit with this external id was already credited"),
    INVALID_ACCOUNT(19, "account ids are between 1 and 2^32-1"),
    TOO_MANY_OPEN_ORDERS(20, "the account has reached its limit of open orders"),
    MALFORMED(21, "a field is missing or out of range");

    public final int code;
    public final String message;

    RejectCode(int code, String message) {
        this.code = code;
        this.message = message;
    }

    public static RejectCode ofCode(int code) {
        for (RejectCode c : values()) {
            if (c.code == code) return c;
        }
        throw new IllegalArgumentException("unknown reject code " + code);
    }
}
