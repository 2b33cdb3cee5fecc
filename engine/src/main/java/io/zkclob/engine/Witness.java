package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.BlockSealed;
import io.zkclob.contracts.Event.OrderCanceled;
import io.zkclob.contracts.Event.TradeExecuted;
import io.zkclob.contracts.Side;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds the SP1 guest's input for a range of blocks (docs/zk.md §Witness): the parts of the pre-state the
 * range touches, with sparse-Merkle proofs against the pre-state root, the range's commands and the recorded
 * block headers. Its size grows with what the blocks touch, never with the number of accounts.
 */
public final class Witness {
    // "ZKW6" (its first four bytes): v2 proved accounts and deposits by multiproofs; v3 adds each account's recent
    // client order ids; v4: account trees of depth 24 and price trees of depth 32 (the same layout, other roots); v5:
    // the commands on 4-byte boundaries, each order as the sixteen words the guest hashes; v6: every field whole
    // little-endian words (WitnessWords, docs/zk.md §Witness)
    private static final int MAGIC = 0x36574B5A;
    /** A command's form field for an order given as its sixteen words rather than its bytes. */
    private static final int ORDER_WORDS = 0x8000_0040;

    /** A recorded block header, as the block-service stored it from BlockSealed. */
    public record Header(long height, long firstSeq, long lastSeq, String stateRoot, String commandsRoot,
                         String eventsRoot) {
        public static Header of(BlockSealed b) {
            return new Header(b.height(), b.firstSeq(), b.lastSeq(), b.stateRoot(), b.commandsRoot(), b.eventsRoot());
        }
    }

    private Witness() {}

    /** "ZKWC": a chain of consecutive range witnesses proven as one (docs/zk.md). */
    public static final int CHAIN_MAGIC = 0x5A4B5743;
    /** The guest's bound on ranges per chain. */
    public static final int MAX_CHAIN = 4096;

    /**
     * A chain of witnesses of consecutive ranges ("ZKWC" ‖ count:u32 ‖ count × (length:u32 ‖ witness)): the
     * guest executes them in order, checks that each range starts where the previous ended, and commits the
     * public values of the whole span, so one proof covers ranges that queued while the prover was busy.
     */
    public static byte[] chain(List<byte[]> witnesses) {
        if (witnesses.isEmpty() || witnesses.size() > MAX_CHAIN) {
            throw new IllegalArgumentException("a chain holds 1.." + MAX_CHAIN + " ranges, not " + witnesses.size());
        }
        long size = 8;
        for (byte[] w : witnesses) size += 4L + w.length;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("chain too large: " + size + " bytes");
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate((int) size); // big-endian, as every witness field
        out.putInt(CHAIN_MAGIC).putInt(witnesses.size());
        for (byte[] w : witnesses) out.putInt(w.length).put(w);
        return out.array();
    }

    /**
     * @param preState the engine right after the block before the range was sealed; not modified
     * @param commands every command of the range, in log order, the last one a SealBlock
     * @param headers  the range's headers as recorded (a prover checks them; tampered ones fail)
     */
    public static byte[] build(Exchange preState, List<Command> commands, List<Header> headers) {
        // Dry-run a copy to learn what the range touches (maker accounts appear only while matching).
        Exchange dry = Snapshot.read(Snapshot.write(preState), LevelBook::new);
        Touched touched = new Touched();
        touched.attach(dry);
        List<Event> events = new ArrayList<>();
        for (Command c : commands) {
            events.clear();
            dry.apply(c, events);
            touched.events(events);
        }
        touched.detach(dry);
        return build(preState, commands, headers, touched);
    }

    /**
     * What applying a range's commands touched, recorded by whoever applies them anyway (prover-service's range
     * builder keeps an engine a range ahead of its pre-state), so that {@link #build(Exchange, List, List, Touched)}
     * need not copy the pre-state and apply the range again: the levels the commands read or changed, and the
     * accounts that appear only in events (makers, owners of canceled orders).
     */
    public static final class Touched {
        private final TreeSet<Exchange.LevelKey> levels = new TreeSet<>(LEVEL_ORDER);
        private final TreeSet<Long> eventAccounts = new TreeSet<>();

        /** From now on {@code exchange} reports every level it reads or changes here. */
        public void attach(Exchange exchange) {
            exchange.levelsTouched = levels::add;
        }

        public void detach(Exchange exchange) {
            exchange.levelsTouched = null;
        }

        /** One command's events, as the attached exchange produced them. */
        public void events(List<Event> events) {
            for (Event e : events) {
                if (e instanceof TradeExecuted t) addAccount(eventAccounts, t.makerAccountId());
                if (e instanceof OrderCanceled x) addAccount(eventAccounts, x.accountId());
            }
        }

        /** For the next range. */
        public void clear() {
            levels.clear();
            eventAccounts.clear();
        }
    }

    /**
     * As {@link #build(Exchange, List, List)}, with what the range touched already recorded while an exchange in
     * {@code preState}'s state applied exactly {@code commands}.
     */
    public static byte[] build(Exchange preState, List<Command> commands, List<Header> headers, Touched touched) {
        byte[] preRoot = preState.stateRoot();
        TreeSet<Exchange.LevelKey> levels = new TreeSet<>(touched.levels); // a copy in the same LEVEL_ORDER
        TreeSet<Long> accounts = new TreeSet<>(touched.eventAccounts);
        TreeSet<Integer> markets = new TreeSet<>();
        TreeSet<Long> deposits = new TreeSet<>();
        for (Command c : commands) {
            switch (c) {
                case Deposit d -> {
                    addAccount(accounts, d.accountId());
                    if (d.externalId() > 0) deposits.add(d.externalId());
                }
                case Withdraw w -> addAccount(accounts, w.accountId());
                case PlaceOrder p -> {
                    addAccount(accounts, p.accountId());
                    markets.add(p.marketId());
                }
                case CancelOrder x -> {
                    addAccount(accounts, x.accountId());
                    // Even a refused cancel (another owner's order) needs the order, to refuse it for that reason.
                    Order o = preState.openOrder(x.orderId());
                    if (o != null) levels.add(new Exchange.LevelKey(o.marketId, o.side, o.priceTicks));
                }
                case CancelAll x -> {
                    addAccount(accounts, x.accountId());
                    markets.add(x.marketId());
                }
                case SetMarketStatus s -> markets.add(s.marketId());
                default -> { }
            }
        }
        // The guest knows an account's open orders only in the levels it is given (their count is in the
        // account leaf). A client order id already open is checked against them: give the levels of open
        // orders carrying an id the range reuses.
        for (long id : accounts) {
            Account a = preState.accounts.get(id);
            if (a == null) continue;
            TreeSet<Long> clientIds = new TreeSet<>();
            for (Command c : commands) {
                if (c instanceof PlaceOrder p && p.accountId() == id && p.clientOrderId() != 0) clientIds.add(p.clientOrderId());
            }
            for (Order o = a.ordersHead; o != null; o = o.acctNext) {
                if (clientIds.contains(o.clientOrderId)) {
                    levels.add(new Exchange.LevelKey(o.marketId, o.side, o.priceTicks));
                }
            }
        }
        for (Exchange.LevelKey k : levels) markets.add(k.marketId());

        WitnessWords e = new WitnessWords(1 << 16);
        e.u32(MAGIC).hash(preRoot).u64(preState.height).u64(preState.lastSeq)
                .hash(preState.accountTree.root()).hash(preState.depositTree.root());
        e.u32(preState.assets.size());
        for (Asset s : preState.assets.values()) {
            e.u32(s.assetId).str(s.symbol).u32(s.scale).u64(s.feesCollected).u64(s.totalDeposited).u64(s.totalWithdrawn);
        }
        e.u32(preState.markets.size());
        for (Market m : preState.markets.values()) {
            e.u32(m.marketId);
            if (!markets.contains(m.marketId)) {
                e.u32(0).hash(StateHasher.marketLeaf(m));
                continue;
            }
            e.u32(1).str(m.symbol).u32(m.base.assetId).u32(m.quote.assetId).u64(m.tickSize).u64(m.lotSize)
                    .u64(m.minNotional).u32(m.makerFeePpm).u32(m.takerFeePpm).u32(m.status.code);
            for (Side side : Side.values()) {
                TreeSet<Long> prices = new TreeSet<>();
                for (Exchange.LevelKey k : levels) {
                    if (k.marketId() == m.marketId && k.side() == side) prices.add(k.priceTicks());
                }
                e.hash(m.levels(side).root()).u32(prices.size());
                for (long price : prices) {
                    int countAt = e.position() + 8;
                    e.u64(price).u32(0);
                    int[] n = {0};
                    m.book.visitLevel(side, price, o -> {
                        n[0]++;
                        e.u64(o.orderId).u64(o.accountId).u64(o.clientOrderId).u64(o.remainingLots).u64(o.holdRemaining);
                        return true;
                    });
                    e.patchU32(countAt, n[0]);
                }
                multiproof(e, m.levels(side), prices);
            }
        }
        e.u32(accounts.size());
        for (long id : accounts) {
            Account a = preState.accounts.get(id);
            List<Asset> nonZero = new ArrayList<>();
            if (a != null) {
                for (Asset s : preState.assets.values()) {
                    if (a.available(s.slot) != 0 || a.locked(s.slot) != 0) nonZero.add(s);
                }
            }
            e.u64(id).u32(a == null ? 0 : a.openOrders).u32(nonZero.size());
            for (Asset s : nonZero) e.u32(s.assetId).u64(a.available(s.slot)).u64(a.locked(s.slot));
            int recent = a == null ? 0 : a.recentCount;
            e.u32(recent);
            for (int i = 0; i < recent; i++) {
                int k = a.recentSlot(i);
                e.u64(a.recentClientIds[k]).u64(a.recentOrderIds[k]);
            }
        }
        multiproof(e, preState.accountTree, accounts);
        e.u32(deposits.size());
        for (long id : deposits) {
            byte[] leaf = preState.depositTree.leaf(id);
            e.u64(id).hash(leaf == null ? Sha256.ZERO : leaf);
        }
        multiproof(e, preState.depositTree, deposits);
        e.u32(commands.size());
        for (Command c : commands) {
            byte[] enc = Codec.encode(c);
            if (c instanceof PlaceOrder && enc.length == 64) {
                // The guest (RISC-V, little-endian) loads each word with one instruction and hashes and decodes
                // the words, with no byte packing.
                e.u32(ORDER_WORDS).orderWords(enc);
            } else {
                e.bytes(enc);
            }
        }
        e.u32(headers.size());
        HexFormat hex = HexFormat.of();
        for (Header h : headers) {
            e.u64(h.height()).u64(h.firstSeq()).u64(h.lastSeq()).hash(hex.parseHex(h.stateRoot()))
                    .hash(hex.parseHex(h.commandsRoot())).hash(hex.parseHex(h.eventsRoot()));
        }
        return e.toBytes();
    }

    /**
     * The siblings that prove a sorted set of keys together (docs/zk.md §Witness): level by level from the
     * leaves, in ascending index, the sibling of each known node whose sibling is not itself known. Each is
     * written as a flag word (0: the empty hash, 1: its eight words follow). Shared upper paths cost nothing extra.
     */
    static void multiproof(WitnessWords e, SparseMerkleTree tree, TreeSet<Long> keys) {
        long[] idx = new long[keys.size()];
        int n = 0;
        for (long k : keys) idx[n++] = k;
        List<byte[]> siblings = new ArrayList<>();
        for (int h = 0; h < tree.depth() && n > 0; h++) {
            int m = 0;
            for (int j = 0; j < n; ) {
                long i = idx[j];
                if ((i & 1) == 0 && j + 1 < n && idx[j + 1] == i + 1) {
                    j += 2;
                } else {
                    siblings.add(tree.nodeAt(h, i ^ 1));
                    j += 1;
                }
                idx[m++] = i >>> 1;
            }
            n = m;
        }
        e.u32(siblings.size());
        for (byte[] s : siblings) {
            if (Sha256.isZero(s)) e.u32(0);
            else e.u32(1).hash(s);
        }
    }

    private static final java.util.Comparator<Exchange.LevelKey> LEVEL_ORDER = java.util.Comparator
            .comparingInt(Exchange.LevelKey::marketId).thenComparing(Exchange.LevelKey::side)
            .thenComparingLong(Exchange.LevelKey::priceTicks);

    private static void addAccount(TreeSet<Long> accounts, long id) {
        if (id >= 1 && id <= Exchange.MAX_ACCOUNT_ID) accounts.add(id);
    }
}
