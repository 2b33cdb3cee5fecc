package io.zkclob.contracts;

/** ACTIVE trades; HALTED refuses new orders but still lets owners cancel. */
public enum MarketStatus {
    ACTIVE(1), HALTED(2);

    public final int code;

    MarketStatus(int code) { this.code = code; }
}
