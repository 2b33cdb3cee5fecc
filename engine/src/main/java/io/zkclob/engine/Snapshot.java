package io.zkclob.engine;

import io.zkclob.contracts.MarketStatus;
import io.zkclob.contracts.Side;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The whole engine state as bytes, and back: what the matcher writes periodically so a restart replays only
 * the log's tail. Everything is written in key order, so equal states give equal snapshots. The open block's
 * commands and events are kept as their encodings, which is all its commitments need.
 */
public final class Snapshot {
    private static final long MAGIC_V1 = 0x5A4B434C4F425331L;
    private static final long MAGIC_V2 = 0x5A4B434C4F425332L; // "ZKCLOBS2": v2 keeps the open block's encodings
    private static final long MAGIC = 0x5A4B434C4F425333L; // "ZKCLOBS3": v3 adds each account's recent client order ids

    private Snapshot() {}

    public static byte[] write(Exchange ex) {
        ex.stateRoot(); // flush dirty accounts so the trees are current
        var bytes = new ByteArrayOutputStream(1 << 16);
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(MAGIC);
            out.writeLong(ex.lastSeq);
            out.writeLong(ex.height);
            out.writeLong(ex.blockFirstSeq);
            out.writeInt(ex.assets.size());
            for (Asset s : ex.assets.values()) {
                out.writeInt(s.assetId);
                out.writeUTF(s.symbol);
                out.writeInt(s.scale);
                out.writeLong(s.feesCollected);
                out.writeLong(s.totalDeposited);
                out.writeLong(s.totalWithdrawn);
            }
            out.writeInt(ex.markets.size());
            for (Market m : ex.markets.values()) {
                out.writeInt(m.marketId);
                out.writeUTF(m.symbol);
                out.writeInt(m.base.assetId);
                out.writeInt(m.quote.assetId);
                out.writeLong(m.tickSize);
                out.writeLong(m.lotSize);
                out.writeLong(m.minNotional);
                out.writeInt(m.makerFeePpm);
                out.writeInt(m.takerFeePpm);
                out.writeInt(m.status.code);
                List<Order> orders = new ArrayList<>(m.book.size());
                m.book.visit(Side.BUY, orders::add);
                m.book.visit(Side.SELL, orders::add);
                out.writeInt(orders.size());
                for (Order o : orders) {
                    out.writeLong(o.orderId);
                    out.writeLong(o.accountId);
                    out.writeLong(o.clientOrderId);
                    out.writeInt(o.side.code);
                    out.writeLong(o.priceTicks);
                    out.writeLong(o.remainingLots);
                    out.writeLong(o.holdRemaining);
                }
            }
            long[] ids = ex.accounts.keysSorted();
            out.writeInt(ids.length);
            for (long id : ids) {
                Account a = ex.accounts.get(id);
                out.writeLong(id);
                for (Asset s : ex.assets.values()) {
                    out.writeLong(a.available(s.slot));
                    out.writeLong(a.locked(s.slot));
                }
                out.writeByte(a.recentCount);
                for (int i = 0; i < a.recentCount; i++) {
                    int k = a.recentSlot(i);
                    out.writeLong(a.recentClientIds[k]);
                    out.writeLong(a.recentOrderIds[k]);
                }
            }
            long[] deposits = ex.depositTree.leafKeysSorted();
            out.writeInt(deposits.length);
            for (long key : deposits) {
                out.writeLong(key);
                out.write(ex.depositTree.leaf(key));
            }
            writeEncodings(out, ex.blockCommands);
            writeEncodings(out, ex.blockEvents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeEncodings(DataOutputStream out, BlockDigest items) throws IOException {
        out.writeInt(items.count());
        for (int i = 0; i < items.count(); i++) {
            byte[] encoding = items.encoding(i);
            out.writeInt(encoding.length);
            out.write(encoding);
        }
    }

    private static void readEncodings(DataInputStream in, BlockDigest into) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 24) throw new IllegalArgumentException("snapshot: " + n + " open-block items");
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len <= 0 || len > 1 << 16) throw new IllegalArgumentException("snapshot: encoding of " + len + " bytes");
            into.addEncoding(in.readNBytes(len));
        }
    }

    public static Exchange read(byte[] snapshot, Supplier<OrderBook> books) {
        return read(snapshot, books, BlockHasher.INLINE);
    }

    /** The exchange a snapshot holds, its open block's commitments hashed by {@code hasher}. */
    public static Exchange read(byte[] snapshot, Supplier<OrderBook> books, BlockHasher hasher) {
        Exchange ex = new Exchange(books, hasher);
        try (var in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            long magic = in.readLong();
            if (magic == MAGIC_V1) {
                // v1 roots differ (docs/engine-spec.md §4, §6): blocks already published cannot be reproduced.
                throw new IllegalArgumentException("snapshot of the v1 state commitment: this data directory was "
                        + "written by an earlier version; start from an empty exchange (ZKCLOB_CLEAN=1 ./scripts/run)");
            }
            if (magic == MAGIC_V2) {
                // v2 accounts lack their recent client order ids (spec §3.3), which v3 roots commit.
                throw new IllegalArgumentException("snapshot of the v2 state (no recent client order ids): this data "
                        + "directory was written by an earlier version; start from an empty exchange (ZKCLOB_CLEAN=1 ./scripts/run)");
            }
            if (magic != MAGIC) throw new IllegalArgumentException("not an engine snapshot");
            ex.lastSeq = in.readLong();
            ex.height = in.readLong();
            ex.blockFirstSeq = in.readLong();
            int assets = in.readInt();
            for (int i = 0; i < assets; i++) {
                Asset s = new Asset(in.readInt(), in.readUTF(), in.readInt(), i);
                s.feesCollected = in.readLong();
                s.totalDeposited = in.readLong();
                s.totalWithdrawn = in.readLong();
                ex.assets.put(s.assetId, s);
                ex.assetsBySlot.add(s);
            }
            int markets = in.readInt();
            List<Order> allOrders = new ArrayList<>();
            for (int i = 0; i < markets; i++) {
                int marketId = in.readInt();
                String symbol = in.readUTF();
                Asset base = ex.assets.get(in.readInt());
                Asset quote = ex.assets.get(in.readInt());
                long tick = in.readLong();
                long lot = in.readLong();
                long minNotional = in.readLong();
                int maker = in.readInt();
                int taker = in.readInt();
                int status = in.readInt();
                long unit = 1;
                for (int k = 0; k < base.scale; k++) unit *= 10;
                Market m = new Market(marketId, symbol, base, quote, tick, lot, minNotional, maker, taker,
                        tick * lot / unit, books.get());
                m.status = status == MarketStatus.HALTED.code ? MarketStatus.HALTED : MarketStatus.ACTIVE;
                ex.markets.put(marketId, m);
                int orders = in.readInt();
                for (int k = 0; k < orders; k++) {
                    Order o = new Order(in.readLong(), in.readLong(), m, in.readLong(),
                            in.readInt() == Side.BUY.code ? Side.BUY : Side.SELL, in.readLong(), in.readLong(),
                            in.readLong());
                    m.book.add(o);
                    m.touchLevel(o.side, o.priceTicks);
                    ex.openOrders.put(o.orderId, o);
                    allOrders.add(o);
                }
            }
            int accounts = in.readInt();
            for (int i = 0; i < accounts; i++) {
                Account a = new Account(in.readLong(), ex.assetsBySlot.size());
                for (Asset s : ex.assets.values()) {
                    a.available[s.slot] = in.readLong();
                    a.locked[s.slot] = in.readLong();
                }
                int recent = in.readUnsignedByte();
                if (recent > Account.RECENT_CLIENT_ORDER_IDS) throw new IllegalArgumentException("snapshot: " + recent + " recent ids");
                for (int k = 0; k < recent; k++) a.remember(in.readLong(), in.readLong());
                ex.accounts.put(a.accountId, a);
            }
            // Account order lists are rebuilt in orderId order, as placement would have built them.
            allOrders.sort((x, y) -> Long.compare(x.orderId, y.orderId));
            for (Order o : allOrders) ex.accounts.get(o.accountId).link(o);
            // Leaves only now: they commit each account's open-order count. One batched update shares the
            // tree's upper paths (a million accounts rehash about two million nodes, not thirty-two million).
            long[] ids = ex.accounts.keysSorted();
            byte[][] leaves = new byte[ids.length][];
            for (int i = 0; i < ids.length; i++) leaves[i] = StateHasher.accountLeaf(ex, ex.accounts.get(ids[i]));
            ex.accountTree.putMany(ids, leaves);
            int deposits = in.readInt();
            for (int i = 0; i < deposits; i++) {
                long key = in.readLong();
                ex.depositTree.put(key, in.readNBytes(32));
            }
            readEncodings(in, ex.blockCommands);
            readEncodings(in, ex.blockEvents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ex;
    }
}
