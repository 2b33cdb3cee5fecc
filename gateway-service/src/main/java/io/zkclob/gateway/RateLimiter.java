package io.zkclob.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (an address, an account): each key may spend {@code burst} requests at once and earns
 * {@code perSecond} back, continuously. Memory is bounded: at most {@code maxKeys} buckets are kept, the least
 * recently used out first. An evicted key comes back with a full bucket, so an attacker cycling through more keys
 * than the bound gains at most one burst per key per eviction cycle, and honest keys (recently used) stay tracked.
 *
 * <p>The keys are split over {@link #STRIPES} independently locked maps, so that the gateway's request threads
 * rarely wait for each other (a lock is held for a map lookup and a few arithmetic operations).
 */
final class RateLimiter<K> {
    /** A rate of 0 (or less) turns the limit off. */
    record Limit(double perSecond, double burst) {
        Limit {
            if (perSecond > 0 && burst < 1) throw new IllegalArgumentException("a burst below one request admits nothing");
        }

        boolean off() {
            return perSecond <= 0;
        }
    }

    static final int STRIPES = 16;
    private final Limit limit;
    private final LongSupplier nanoTime;
    private final Stripe<K>[] stripes;

    @SuppressWarnings("unchecked")
    RateLimiter(Limit limit, int maxKeys, LongSupplier nanoTime) {
        if (maxKeys < STRIPES) throw new IllegalArgumentException("track at least " + STRIPES + " keys");
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe<>(maxKeys / STRIPES);
    }

    /** Takes one request from the key's bucket: 0 when admitted, otherwise the nanoseconds until it would be. */
    long acquire(K key) {
        if (limit.off()) return 0;
        Stripe<K> stripe = stripes[Math.floorMod(key.hashCode() * 0x9E3779B9, STRIPES)];
        long now = nanoTime.getAsLong();
        synchronized (stripe) {
            Bucket b = stripe.get(key);
            if (b == null) {
                b = new Bucket(limit.burst(), now);
                stripe.put(key, b);
            }
            return b.take(limit, now);
        }
    }

    /** Buckets held now, over all stripes. */
    int trackedKeys() {
        int n = 0;
        for (Stripe<K> s : stripes) {
            synchronized (s) {
                n += s.size();
            }
        }
        return n;
    }

    /** One key's tokens and when they were last counted; guarded by its owner (a stripe, a connection). */
    static final class Bucket {
        private double tokens;
        private long atNanos;

        Bucket(double tokens, long atNanos) {
            this.tokens = tokens;
            this.atNanos = atNanos;
        }

        /** Refills for the time since the last call, then takes one token: 0, or the nanoseconds until one is there. */
        long take(Limit limit, long nowNanos) {
            if (limit.off()) return 0;
            // nanoTime may step back between threads' readings by a hair: never refill for negative time.
            long elapsed = Math.max(0, nowNanos - atNanos);
            tokens = Math.min(limit.burst(), tokens + elapsed * limit.perSecond() / 1e9);
            atNanos = Math.max(atNanos, nowNanos);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / limit.perSecond() * 1e9));
        }
    }

    /** An access-ordered map that drops its least recently used bucket past its share of the bound. */
    private static final class Stripe<K> extends LinkedHashMap<K, Bucket> {
        private final int maxKeys;

        Stripe(int maxKeys) {
            super(64, 0.75f, true);
            this.maxKeys = maxKeys;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
            return size() > maxKeys;
        }
    }
}
