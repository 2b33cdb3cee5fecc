package io.zkclob.contracts;

/** Why an order left the book (or never reached it). Stable numeric codes. */
public enum CancelReason {
    /** The owner asked (CancelOrder or CancelAll). */
    USER(1),
    /** The unfilled remainder of an IOC or market order; also closes a market buy's unused budget. */
    IOC_REMAINDER(2),
    /** A fill-or-kill order that could not be filled wholly: nothing traded. */
    FOK_UNFILLABLE(3),
    /** A resting maker expired because an order of the same account would have traded with it. */
    SELF_TRADE(4);

    public final int code;

    CancelReason(int code) { this.code = code; }
}
