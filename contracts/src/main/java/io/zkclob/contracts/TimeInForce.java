package io.zkclob.contracts;

/**
 * GTC rests its remainder; IOC cancels it; FOK fills wholly or not at all; POST_ONLY rests and never takes
 * (an order that would cross is rejected). Market orders are always IOC.
 */
public enum TimeInForce {
    GTC(1), IOC(2), FOK(3), POST_ONLY(4);

    public final int code;

    TimeInForce(int code) { this.code = code; }
}
