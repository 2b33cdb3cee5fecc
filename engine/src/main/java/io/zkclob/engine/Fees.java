package io.zkclob.engine;

/**
 * Fee and hold arithmetic, defined once (docs/engine-spec.md §Arithmetic). Rates are parts per million.
 * {@code n * rate / 1e6} is computed as {@code (n / 1e6) * rate + (n % 1e6) * rate / 1e6}, which is exact for
 * 0 <= n < 2^63 and 0 <= rate <= 1e6 and never overflows: holds round up (the exchange's favour), charged
 * fees round down, so the sum of charged fees over any split of a fill never exceeds the hold.
 */
public final class Fees {
    public static final long PPM = 1_000_000L;

    private Fees() {}

    public static long floor(long notional, long ratePpm) {
        return (notional / PPM) * ratePpm + (notional % PPM) * ratePpm / PPM;
    }

    public static long ceil(long notional, long ratePpm) {
        return (notional / PPM) * ratePpm + ((notional % PPM) * ratePpm + PPM - 1) / PPM;
    }

    /** Quote a limit buy must hold for {@code lots} at {@code priceTicks}; throws ArithmeticException on overflow. */
    public static long buyHold(long priceTicks, long lots, long quotePerTickLot, long holdFeePpm) {
        long notional = Math.multiplyExact(Math.multiplyExact(priceTicks, lots), quotePerTickLot);
        return Math.addExact(notional, ceil(notional, holdFeePpm));
    }

    /**
     * The most lots a market buy with {@code budget} quote left can take at {@code priceTicks}, paying
     * notional plus the floor-rounded fee. Binary search: at most 64 steps, deterministic.
     */
    public static long affordableLots(long budget, long priceTicks, long quotePerTickLot, long feePpm) {
        long unitCost = Math.multiplyExact(priceTicks, quotePerTickLot);
        long lo = 0;
        long hi = budget / unitCost;
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            long notional = mid * unitCost;
            if (floor(notional, feePpm) <= budget - notional) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
