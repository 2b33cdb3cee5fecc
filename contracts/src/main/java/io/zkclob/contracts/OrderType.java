package io.zkclob.contracts;

/** LIMIT carries a price; MARKET does not and never rests. */
public enum OrderType {
    LIMIT(1), MARKET(2);

    public final int code;

    OrderType(int code) { this.code = code; }
}
