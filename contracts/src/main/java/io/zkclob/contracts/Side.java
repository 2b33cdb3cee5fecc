package io.zkclob.contracts;

/** Order side. The code is the byte used in the canonical encoding (docs/engine-spec.md). */
public enum Side {
    BUY(1), SELL(2);

    public final int code;

    Side(int code) { this.code = code; }

    public Side opposite() { return this == BUY ? SELL : BUY; }
}
