package io.zkclob.engine;

import io.zkclob.contracts.Side;

/**
 * The state commitment (docs/engine-spec.md §State root). Every hash is SHA-256 over a domain byte and
 * fixed-width big-endian fields; collections are hashed in key order (accounts through a sparse Merkle tree
 * keyed by account id, markets and assets sorted by id, orders in book priority), so the root depends only on
 * the state, never on arrival or map order.
 */
public final class StateHasher {
    static final int ACCOUNT_LEAF = 0x10;
    static final int DEPOSIT_LEAF = 0x12;
    static final int LEVEL_LEAF = 0x1A;
    static final int MARKET_LEAF = 0x14;
    static final int MARKETS = 0x15;
    static final int ASSETS = 0x16;
    static final int STATE = 0x17;

    private StateHasher() {}

    /**
     * Zero when the account holds nothing and remembers no client order id: such an account is
     * indistinguishable from an absent one (an open order always holds something). The open-order count is committed so that a prover given only some of
     * the account's orders can still apply the open-order limit.
     */
    static byte[] accountLeaf(Exchange ex, Account a) {
        Enc e = new Enc(64);
        int n = 0;
        for (Asset s : ex.assets.values()) {
            if (a.available(s.slot) != 0 || a.locked(s.slot) != 0) n++;
        }
        if (n == 0 && a.recentCount == 0) return Sha256.ZERO;
        // openOrders ≤ MAX_OPEN_ORDERS_PER_ACCOUNT and n ≤ MAX_ASSETS fit 16 bits: with two assets and no recent ids the
        // leaf is 54 bytes, one SHA-256 compression (v6; with 32-bit counts it was 58 bytes, two).
        e.u8(ACCOUNT_LEAF).u64(a.accountId).u16(a.openOrders).u16(n);
        for (Asset s : ex.assets.values()) {
            if (a.available(s.slot) != 0 || a.locked(s.slot) != 0) {
                e.u32(s.assetId).u64(a.available(s.slot)).u64(a.locked(s.slot));
            }
        }
        // The recent client order ids (spec §3.3), oldest first: committed, so a prover cannot hide one.
        e.u8(a.recentCount);
        for (int i = 0; i < a.recentCount; i++) {
            int k = a.recentSlot(i);
            e.u64(a.recentClientIds[k]).u64(a.recentOrderIds[k]);
        }
        return e.sha256();
    }

    static byte[] depositLeaf(long externalId, long accountId, int assetId, long amount) {
        return new Enc(40).u8(DEPOSIT_LEAF).u64(externalId).u64(accountId).u32(assetId).u64(amount).sha256();
    }

    /**
     * One price level: its orders in time priority. Zero when the level is empty, so an empty level is an
     * absent leaf of its side's tree.
     */
    static byte[] levelLeaf(Market m, Side side, long priceTicks) {
        Enc e = new Enc(64);
        e.u8(LEVEL_LEAF).u32(m.marketId).u8(side.code).u64(priceTicks).u32(0);
        int[] count = {0};
        m.book.visitLevel(side, priceTicks, o -> {
            count[0]++;
            e.u64(o.orderId).u64(o.accountId).u64(o.clientOrderId).u64(o.remainingLots).u64(o.holdRemaining);
            return true;
        });
        if (count[0] == 0) return Sha256.ZERO;
        e.patchU32(1 + 4 + 1 + 8, count[0]);
        return e.sha256();
    }

    /** Rehashes the levels changed since the last root into their side's tree (shared paths once). */
    static void flushLevels(Market m) {
        for (Side side : SIDES) {
            LongSet dirty = side == Side.BUY ? m.dirtyBids : m.dirtyAsks;
            if (dirty.size() == 0) continue;
            long[] prices = dirty.keysSorted();
            byte[][] leaves = new byte[prices.length][];
            for (int i = 0; i < prices.length; i++) leaves[i] = levelLeaf(m, side, prices[i]);
            m.levels(side).putMany(prices, leaves);
            dirty.clear();
        }
    }

    private static final Side[] SIDES = {Side.BUY, Side.SELL};

    static byte[] marketLeaf(Market m) {
        if (m.leafHash == null) {
            flushLevels(m);
            m.leafHash = new Enc(160).u8(MARKET_LEAF).u32(m.marketId).str(m.symbol).u32(m.base.assetId)
                    .u32(m.quote.assetId).u64(m.tickSize).u64(m.lotSize).u64(m.minNotional).u32(m.makerFeePpm)
                    .u32(m.takerFeePpm).u8(m.status.code).bytes(m.bidLevels.root()).bytes(m.askLevels.root()).sha256();
        }
        return m.leafHash;
    }

    static byte[] marketsRoot(Exchange ex) {
        Enc e = new Enc(8 + ex.markets.size() * 32).u8(MARKETS).u32(ex.markets.size());
        for (Market m : ex.markets.values()) e.bytes(marketLeaf(m));
        return e.sha256();
    }

    static byte[] assetsHash(Exchange ex) {
        Enc e = new Enc(8 + ex.assets.size() * 48).u8(ASSETS).u32(ex.assets.size());
        for (Asset s : ex.assets.values()) {
            e.u32(s.assetId).str(s.symbol).u8(s.scale).u64(s.feesCollected).u64(s.totalDeposited).u64(s.totalWithdrawn);
        }
        return e.sha256();
    }

    static byte[] stateRoot(Exchange ex) {
        return new Enc(160).u8(STATE).u64(ex.height).u64(ex.lastSeq).bytes(assetsHash(ex)).bytes(marketsRoot(ex))
                .bytes(ex.accountTree.root()).bytes(ex.depositTree.root()).sha256();
    }
}
