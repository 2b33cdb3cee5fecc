package io.zkclob.engine;

import io.zkclob.contracts.CancelReason;
import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import io.zkclob.contracts.MarketStatus;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.RejectCode;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The exchange state machine: commands in sequence order, events out, nothing else. Deterministic by
 * construction: no clock, no randomness, no floating point, every hashed collection iterated in key order.
 * Rejections are events. The normative description is docs/engine-spec.md; the Rust guest implements the same.
 */
public final class Exchange {
    public static final int MAX_OPEN_ORDERS_PER_ACCOUNT = 1_000;
    public static final int MAX_ASSETS = 256;
    public static final int MAX_MARKETS = 256;
    /**
     * Tree depths (spec §6): each level a tree does not need is one more node hash per touched path in the
     * guest, at load and again at the seal. Account ids are assigned densely from 1 (the gateway's sequence),
     * so 2^24 − 1 of them fit a tree of depth 24. A side's price levels are keyed by priceTicks, bounded by the
     * price filter below. External deposit ids are the bridge's own, so their tree keeps all 64 bits.
     */
    static final int ACCOUNT_TREE_DEPTH = 24;
    static final int PRICE_TREE_DEPTH = 32;
    static final int DEPOSIT_TREE_DEPTH = 64;
    public static final long MAX_ACCOUNT_ID = (1L << ACCOUNT_TREE_DEPTH) - 1;
    /** The price filter's upper end, in ticks (spec §3.1 step 4): 42.9 M quote units per base unit at a tick of 0.01. */
    public static final long MAX_PRICE_TICKS = (1L << PRICE_TREE_DEPTH) - 1;

    private final Supplier<OrderBook> bookFactory;
    final TreeMap<Integer, Asset> assets = new TreeMap<>();
    final List<Asset> assetsBySlot = new ArrayList<>();
    final TreeMap<Integer, Market> markets = new TreeMap<>();
    final LongMap<Account> accounts = new LongMap<>(4096);
    final LongMap<Order> openOrders = new LongMap<>(4096);
    final SparseMerkleTree accountTree = new SparseMerkleTree(ACCOUNT_TREE_DEPTH);
    final SparseMerkleTree depositTree = new SparseMerkleTree(DEPOSIT_TREE_DEPTH);
    final List<Account> dirtyAccounts = new ArrayList<>();

    long lastSeq = -1;
    long height;
    /**
     * The open block: its first seq (-1 before any command) and its commands and events, encoded as they are
     * applied and hashed at the seal.
     */
    long blockFirstSeq = -1;
    final BlockDigest blockCommands;
    final BlockDigest blockEvents;

    /**
     * An exchange whose block commitments are hashed by {@code hasher}: {@link BlockHasher#INLINE} (on this
     * thread, at the seal) unless the host has a thread to spare for large blocks. The roots do not depend on it.
     */
    public Exchange(Supplier<OrderBook> bookFactory, BlockHasher hasher) {
        this.bookFactory = bookFactory;
        this.blockCommands = new BlockDigest(hasher);
        this.blockEvents = new BlockDigest(hasher);
    }

    public Exchange(Supplier<OrderBook> bookFactory) {
        this(bookFactory, BlockHasher.INLINE);
    }

    /** The production configuration: the fast book. */
    public Exchange() {
        this(LevelBook::new);
    }

    public List<Event> apply(Command command) {
        List<Event> out = new ArrayList<>(4);
        apply(command, out);
        return out;
    }

    /**
     * Applies one command, appending its events to {@code out}. A command whose seq is not above the last one
     * applied is a redelivery and changes nothing (no events).
     */
    public void apply(Command command, List<Event> out) {
        // The seq through the record's own class for the commands that fill blocks: command.seq() is a call through
        // the interface with nine receivers, which the JIT cannot inline (an itable stub, about 5 % of a command).
        long seq = switch (command) {
            case PlaceOrder c -> c.seq();
            case CancelOrder c -> c.seq();
            default -> command.seq();
        };
        if (seq <= lastSeq) return;
        lastSeq = seq;
        if (blockFirstSeq < 0) blockFirstSeq = seq;
        blockCommands.add(command);
        int from = out.size();
        switch (command) { // the cases are tried in order: the common commands first
            case PlaceOrder c -> place(c, out);
            case CancelOrder c -> cancel(c, out);
            case AddAsset c -> addAsset(c, out);
            case AddMarket c -> addMarket(c, out);
            case SetMarketStatus c -> setMarketStatus(c, out);
            case Deposit c -> deposit(c, out);
            case Withdraw c -> withdraw(c, out);
            case CancelAll c -> cancelAll(c, out);
            case SealBlock c -> seal(c, out);
        }
        if (!(command instanceof SealBlock)) {
            for (int i = from; i < out.size(); i++) blockEvents.add(out.get(i));
        }
    }

    // ---------------------------------------------------------------- operator commands

    private static boolean validSymbol(String s) {
        if (s == null || s.isEmpty() || s.length() > 16) return false;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '/'
                    || ch == '.';
            if (!ok) return false;
        }
        return true;
    }

    private void addAsset(AddAsset c, List<Event> out) {
        RejectCode code = null;
        if (c.assetId() <= 0 || !validSymbol(c.symbol())) code = RejectCode.MALFORMED;
        else if (assets.containsKey(c.assetId())) code = RejectCode.DUPLICATE_ASSET;
        else if (c.scale() < 0 || c.scale() > 18 || assets.size() >= MAX_ASSETS) code = RejectCode.INVALID_MARKET_PARAMS;
        if (code != null) {
            out.add(new AdminRejected(c.seq(), code));
            return;
        }
        Asset asset = new Asset(c.assetId(), c.symbol(), c.scale(), assetsBySlot.size());
        assets.put(asset.assetId, asset);
        assetsBySlot.add(asset);
        out.add(new AssetAdded(c.seq(), c.assetId(), c.symbol(), c.scale()));
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) v *= 10;
        return v;
    }

    private void addMarket(AddMarket c, List<Event> out) {
        RejectCode code = null;
        Asset base = assets.get(c.baseAssetId());
        Asset quote = assets.get(c.quoteAssetId());
        long quotePerTickLot = 0;
        if (c.marketId() <= 0 || !validSymbol(c.symbol())) code = RejectCode.MALFORMED;
        else if (markets.containsKey(c.marketId())) code = RejectCode.DUPLICATE_MARKET;
        else if (base == null || quote == null) code = RejectCode.UNKNOWN_ASSET;
        else if (base == quote || c.tickSize() <= 0 || c.lotSize() <= 0 || c.minNotional() < 0
                || c.makerFeePpm() < 0 || c.makerFeePpm() > Fees.PPM || c.takerFeePpm() < 0
                || c.takerFeePpm() > Fees.PPM || markets.size() >= MAX_MARKETS) {
            code = RejectCode.INVALID_MARKET_PARAMS;
        } else {
            long tickLot;
            try {
                tickLot = Math.multiplyExact(c.tickSize(), c.lotSize());
            } catch (ArithmeticException e) {
                tickLot = -1;
            }
            long unit = pow10(base.scale);
            // The exactness rule: every notional price*qty/10^baseScale is an integer number of quote units.
            if (tickLot < 0 || tickLot % unit != 0) code = RejectCode.INVALID_MARKET_PARAMS;
            else quotePerTickLot = tickLot / unit;
        }
        if (code != null) {
            out.add(new AdminRejected(c.seq(), code));
            return;
        }
        Market m = new Market(c.marketId(), c.symbol(), base, quote, c.tickSize(), c.lotSize(), c.minNotional(),
                c.makerFeePpm(), c.takerFeePpm(), quotePerTickLot, bookFactory.get());
        markets.put(m.marketId, m);
        out.add(new MarketAdded(c.seq(), c.marketId(), c.symbol(), c.baseAssetId(), c.quoteAssetId(), c.tickSize(),
                c.lotSize(), c.minNotional(), c.makerFeePpm(), c.takerFeePpm()));
    }

    private void setMarketStatus(SetMarketStatus c, List<Event> out) {
        Market m = markets.get(c.marketId());
        if (m == null) {
            out.add(new AdminRejected(c.seq(), RejectCode.UNKNOWN_MARKET));
        } else if (c.status() == null) {
            out.add(new AdminRejected(c.seq(), RejectCode.MALFORMED));
        } else {
            m.status = c.status();
            m.leafHash = null;
            out.add(new MarketStatusChanged(c.seq(), c.marketId(), c.status()));
        }
    }

    // ---------------------------------------------------------------- funds

    private static boolean validAccount(long accountId) {
        return accountId >= 1 && accountId <= MAX_ACCOUNT_ID;
    }

    private Account account(long accountId) {
        return account(accountId, accounts.get(accountId));
    }

    /** As {@link #account(long)}, given the lookup already made ({@code found}, or null). */
    private Account account(long accountId, Account found) {
        Account a = found;
        if (a == null) {
            a = new Account(accountId, assetsBySlot.size());
            accounts.put(accountId, a);
        }
        a.ensureSlots(assetsBySlot.size());
        return a;
    }

    private void touch(Account a) {
        if (!a.dirty) {
            a.dirty = true;
            dirtyAccounts.add(a);
        }
    }

    private void deposit(Deposit c, List<Event> out) {
        Asset asset = assets.get(c.assetId());
        RejectCode code = null;
        if (asset == null) code = RejectCode.UNKNOWN_ASSET;
        else if (!validAccount(c.accountId())) code = RejectCode.INVALID_ACCOUNT;
        else if (c.amount() <= 0) code = RejectCode.INVALID_AMOUNT;
        else if (c.externalId() <= 0) code = RejectCode.MALFORMED;
        else if (depositTree.leaf(c.externalId()) != null) code = RejectCode.DUPLICATE_DEPOSIT;
        else if (c.amount() > Long.MAX_VALUE - asset.totalDeposited) code = RejectCode.AMOUNT_OVERFLOW;
        if (code != null) {
            out.add(new DepositRejected(c.seq(), c.accountId(), c.assetId(), c.amount(), c.externalId(), code));
            return;
        }
        // totalDeposited bounds every balance of the asset (conservation), so no balance can overflow later.
        asset.totalDeposited += c.amount();
        Account a = account(c.accountId());
        a.available[asset.slot] += c.amount();
        touch(a);
        depositTree.put(c.externalId(), StateHasher.depositLeaf(c.externalId(), c.accountId(), c.assetId(), c.amount()));
        out.add(new Deposited(c.seq(), c.accountId(), c.assetId(), c.amount(), c.externalId()));
    }

    private void withdraw(Withdraw c, List<Event> out) {
        Asset asset = assets.get(c.assetId());
        RejectCode code = null;
        Account a = null;
        if (asset == null) code = RejectCode.UNKNOWN_ASSET;
        else if (!validAccount(c.accountId())) code = RejectCode.INVALID_ACCOUNT;
        else if (c.amount() <= 0) code = RejectCode.INVALID_AMOUNT;
        else {
            a = accounts.get(c.accountId());
            // Only available funds can leave: locked funds belong to open orders.
            if (a == null || a.available(asset.slot) < c.amount()) code = RejectCode.INSUFFICIENT_FUNDS;
        }
        if (code != null) {
            out.add(new WithdrawalRejected(c.seq(), c.accountId(), c.assetId(), c.amount(), code));
            return;
        }
        a.available[asset.slot] -= c.amount();
        asset.totalWithdrawn += c.amount();
        touch(a);
        out.add(new Withdrawn(c.seq(), c.accountId(), c.assetId(), c.amount()));
    }

    private void lock(Account a, Asset asset, long amount) {
        a.available[asset.slot] -= amount;
        a.locked[asset.slot] += amount;
    }

    private void release(Account a, Asset asset, long amount) {
        a.locked[asset.slot] -= amount;
        a.available[asset.slot] += amount;
    }

    // ---------------------------------------------------------------- orders

    /** Mutable state of the incoming order while it matches. */
    private static final class Taker {
        long orderId;
        Account account;
        Side side;
        boolean market;
        boolean byQuote;
        long limitTicks;
        long remainingLots;
        long hold;
    }

    private RejectCode checkShape(PlaceOrder c) {
        if (c.side() == null || c.orderType() == null || c.tif() == null || c.clientOrderId() < 0) return RejectCode.MALFORMED;
        if (c.orderType() == OrderType.LIMIT) {
            if (c.quoteQty() != 0) return RejectCode.INVALID_ORDER_TYPE;
            if (c.price() <= 0 || c.qty() <= 0) return RejectCode.INVALID_AMOUNT;
            return null;
        }
        if (c.tif() != TimeInForce.IOC || c.price() != 0) return RejectCode.INVALID_ORDER_TYPE;
        if (c.qty() < 0 || c.quoteQty() < 0) return RejectCode.INVALID_AMOUNT;
        if (c.side() == Side.SELL) {
            if (c.quoteQty() != 0) return RejectCode.INVALID_ORDER_TYPE;
            return c.qty() == 0 ? RejectCode.INVALID_AMOUNT : null;
        }
        if (c.qty() != 0 && c.quoteQty() != 0) return RejectCode.INVALID_ORDER_TYPE;
        return c.qty() == 0 && c.quoteQty() == 0 ? RejectCode.INVALID_AMOUNT : null;
    }

    private void place(PlaceOrder c, List<Event> out) {
        Market m = markets.get(c.marketId());
        RejectCode code;
        if (m == null) code = RejectCode.UNKNOWN_MARKET;
        else if (m.status != MarketStatus.ACTIVE) code = RejectCode.MARKET_HALTED;
        else if (!validAccount(c.accountId())) code = RejectCode.INVALID_ACCOUNT;
        else code = checkShape(c);
        if (code == null) code = placeChecked(c, m, out);
        if (code == null) return;
        // A repeat names the order it repeats, so that the gateway can answer a retry with it (spec §3.3).
        long existingOrderId = code == RejectCode.DUPLICATE_CLIENT_ORDER_ID
                ? accounts.get(c.accountId()).priorOrderId(c.clientOrderId()) : 0;
        out.add(new OrderRejected(c.seq(), c.accountId(), c.marketId(), c.clientOrderId(), code, existingOrderId));
    }

    /** Returns a reject code, or null once the order was accepted and fully processed. */
    private RejectCode placeChecked(PlaceOrder c, Market m, List<Event> out) {
        boolean limit = c.orderType() == OrderType.LIMIT;
        if (limit && c.price() % m.tickSize != 0) return RejectCode.INVALID_TICK;
        if (limit && c.price() / m.tickSize > MAX_PRICE_TICKS) return RejectCode.INVALID_TICK;
        if (c.qty() % m.lotSize != 0) return RejectCode.INVALID_LOT;
        long priceTicks = limit ? c.price() / m.tickSize : 0;
        long lots = c.qty() / m.lotSize;
        boolean buy = c.side() == Side.BUY;
        long hold = 0;
        if (limit) {
            long notional;
            try {
                notional = Math.multiplyExact(Math.multiplyExact(priceTicks, lots), m.quotePerTickLot);
                hold = buy ? Fees.buyHold(priceTicks, lots, m.quotePerTickLot, m.holdFeePpm()) : c.qty();
            } catch (ArithmeticException e) {
                return RejectCode.AMOUNT_OVERFLOW;
            }
            if (notional < m.minNotional) return RejectCode.BELOW_MIN_NOTIONAL;
        } else if (!buy) {
            hold = c.qty();
        } else if (c.quoteQty() > 0) {
            if (c.quoteQty() < m.minNotional) return RejectCode.BELOW_MIN_NOTIONAL;
            hold = c.quoteQty();
        }
        Account existing = accounts.get(c.accountId());
        if (c.clientOrderId() != 0 && existing != null && existing.priorOrderId(c.clientOrderId()) != 0) {
            return RejectCode.DUPLICATE_CLIENT_ORDER_ID;
        }
        boolean mayRest = limit && (c.tif() == TimeInForce.GTC || c.tif() == TimeInForce.POST_ONLY);
        if (mayRest && existing != null && existing.openOrders >= MAX_OPEN_ORDERS_PER_ACCOUNT) {
            return RejectCode.TOO_MANY_OPEN_ORDERS;
        }
        Asset holdAsset = buy ? m.quote : m.base;
        long available = existing == null ? 0 : existing.available(holdAsset.slot);
        if (!limit && buy && c.qty() > 0) hold = available; // market buy by quantity: its budget is all available quote
        if (hold == 0 || available < hold) return RejectCode.INSUFFICIENT_FUNDS;
        if (c.tif() == TimeInForce.POST_ONLY) {
            Order best = read(m, m.book.best(c.side().opposite()));
            if (best != null && best.crosses(priceTicks)) return RejectCode.POST_ONLY_WOULD_CROSS;
        }

        Account a = account(c.accountId(), existing);
        lock(a, holdAsset, hold);
        touch(a);
        out.add(new OrderAccepted(c.seq(), c.seq(), c.accountId(), c.marketId(), c.clientOrderId(), c.side(), c.orderType(),
                c.tif(), c.price(), c.qty(), c.quoteQty(), holdAsset.assetId, hold));
        if (c.clientOrderId() != 0) a.remember(c.clientOrderId(), c.seq());

        Taker t = new Taker();
        t.orderId = c.seq();
        t.account = a;
        t.side = c.side();
        t.market = !limit;
        t.byQuote = !limit && buy && c.quoteQty() > 0;
        t.limitTicks = priceTicks;
        t.remainingLots = t.byQuote ? Long.MAX_VALUE : lots;
        t.hold = hold;

        if (c.tif() == TimeInForce.FOK && fillableLots(m, t) < lots) {
            release(a, holdAsset, hold);
            out.add(new OrderCanceled(c.seq(), t.orderId, a.accountId, m.marketId, CancelReason.FOK_UNFILLABLE, c.qty(),
                    holdAsset.assetId, hold));
            return null;
        }
        match(c.seq(), m, t, out);
        if (t.remainingLots == 0) {
            assert t.hold == 0 : "a filled order keeps no hold";
        } else if (mayRest) {
            Order o = new Order(t.orderId, a.accountId, m, c.clientOrderId(), c.side(), priceTicks,
                    t.remainingLots, t.hold);
            m.book.add(o);
            changed(m, o);
            openOrders.put(o.orderId, o);
            a.link(o);
        } else {
            release(a, holdAsset, t.hold);
            long remainingQty = t.byQuote ? 0 : t.remainingLots * m.lotSize;
            out.add(new OrderCanceled(c.seq(), t.orderId, a.accountId, m.marketId, CancelReason.IOC_REMAINDER,
                    remainingQty, holdAsset.assetId, t.hold));
            t.hold = 0;
        }
        return null;
    }

    /** Lots a taker could fill now, not counting its own resting orders (which self-trade prevention expires). */
    private long fillableLots(Market m, Taker t) {
        long[] sum = {0};
        m.book.visit(t.side.opposite(), o -> {
            read(m, o);
            if (!t.market && !o.crosses(t.limitTicks)) return false;
            if (o.accountId != t.account.accountId) sum[0] += o.remainingLots;
            return sum[0] < t.remainingLots;
        });
        return sum[0];
    }

    private void match(long seq, Market m, Taker t, List<Event> out) {
        Side makerSide = t.side.opposite();
        // Bounded: every iteration fills the taker or removes one resting order from a finite book.
        while (t.remainingLots > 0) {
            Order maker = read(m, m.book.best(makerSide));
            if (maker == null || (!t.market && !maker.crosses(t.limitTicks))) return;
            if (maker.accountId == t.account.accountId) {
                // Self-trade prevention: the resting order expires, the incoming one goes on (as dYdX, Hyperliquid).
                closeResting(seq, m, maker, CancelReason.SELF_TRADE, out);
                continue;
            }
            long lots = Math.min(t.remainingLots, maker.remainingLots);
            if (t.market && t.side == Side.BUY) {
                lots = Math.min(lots, Fees.affordableLots(t.hold, maker.priceTicks, m.quotePerTickLot, m.takerFeePpm));
                if (lots == 0) return;
            }
            fill(seq, m, t, maker, lots, out);
        }
    }

    private void fill(long seq, Market m, Taker t, Order maker, long lots, List<Event> out) {
        long notional = maker.priceTicks * lots * m.quotePerTickLot;
        long baseQty = lots * m.lotSize;
        long makerFee = Fees.floor(notional, m.makerFeePpm);
        long takerFee = Fees.floor(notional, m.takerFeePpm);
        Account makerAccount = maker.account;
        Account buyer = t.side == Side.BUY ? t.account : makerAccount;
        Account seller = t.side == Side.BUY ? makerAccount : t.account;
        long buyerFee = t.side == Side.BUY ? takerFee : makerFee;
        long sellerFee = t.side == Side.BUY ? makerFee : takerFee;

        buyer.locked[m.quote.slot] -= notional + buyerFee;
        buyer.available[m.base.slot] += baseQty;
        seller.locked[m.base.slot] -= baseQty;
        seller.available[m.quote.slot] += notional - sellerFee;
        m.quote.feesCollected += makerFee + takerFee;

        long makerReleased = 0;
        long takerReleased = 0;
        maker.remainingLots -= lots;
        m.book.reduce(maker, lots);
        if (maker.side == Side.BUY) {
            long newHold = Fees.buyHold(maker.priceTicks, maker.remainingLots, m.quotePerTickLot, m.holdFeePpm());
            makerReleased = maker.holdRemaining - (notional + makerFee) - newHold;
            maker.holdRemaining = newHold;
            release(makerAccount, m.quote, makerReleased);
        } else {
            maker.holdRemaining -= baseQty;
        }
        if (!t.byQuote) t.remainingLots -= lots;
        if (t.side == Side.BUY) {
            long spent = notional + takerFee;
            long newHold;
            if (t.market) newHold = t.remainingLots == 0 ? 0 : t.hold - spent;
            else newHold = Fees.buyHold(t.limitTicks, t.remainingLots, m.quotePerTickLot, m.holdFeePpm());
            takerReleased = t.hold - spent - newHold;
            t.hold = newHold;
            release(t.account, m.quote, takerReleased);
        } else {
            t.hold -= baseQty;
        }
        touch(makerAccount);
        changed(m, maker);
        out.add(new TradeExecuted(seq, m.marketId, maker.orderId, maker.accountId, t.orderId, t.account.accountId,
                t.side, maker.priceTicks * m.tickSize, baseQty, notional, makerFee, takerFee, makerReleased,
                takerReleased));
        if (maker.remainingLots == 0) {
            assert maker.holdRemaining == 0 : "a filled maker keeps no hold";
            removeResting(m, maker, makerAccount);
        }
    }

    private void removeResting(Market m, Order o, Account a) {
        m.book.remove(o);
        changed(m, o);
        openOrders.remove(o.orderId);
        a.unlink(o);
    }

    private void closeResting(long seq, Market m, Order o, CancelReason reason, List<Event> out) {
        Account a = o.account;
        removeResting(m, o, a);
        Asset holdAsset = o.side == Side.BUY ? m.quote : m.base;
        release(a, holdAsset, o.holdRemaining);
        touch(a);
        out.add(new OrderCanceled(seq, o.orderId, o.accountId, o.marketId, reason, o.remainingLots * m.lotSize,
                holdAsset.assetId, o.holdRemaining));
        o.holdRemaining = 0;
    }

    private void cancel(CancelOrder c, List<Event> out) {
        RejectCode code = null;
        Order o = null;
        if (!validAccount(c.accountId())) code = RejectCode.INVALID_ACCOUNT;
        else if (c.orderId() < 0 || c.clientOrderId() < 0 || (c.orderId() == 0) == (c.clientOrderId() == 0)) {
            code = RejectCode.MALFORMED;
        } else if (c.orderId() != 0) {
            o = openOrders.get(c.orderId());
            if (o == null) code = RejectCode.ORDER_NOT_FOUND;
            else if (o.accountId != c.accountId()) code = RejectCode.NOT_ORDER_OWNER;
        } else {
            Account a = accounts.get(c.accountId());
            o = a == null ? null : a.openByClientOrderId(c.clientOrderId());
            if (o == null) code = RejectCode.ORDER_NOT_FOUND;
        }
        if (code != null) {
            out.add(new CancelRejected(c.seq(), c.accountId(), c.orderId(), c.clientOrderId(), code));
            return;
        }
        closeResting(c.seq(), o.market, o, CancelReason.USER, out);
    }

    private void cancelAll(CancelAll c, List<Event> out) {
        RejectCode code = null;
        if (!validAccount(c.accountId())) code = RejectCode.INVALID_ACCOUNT;
        else if (c.marketId() < 0) code = RejectCode.MALFORMED;
        else if (c.marketId() > 0 && !markets.containsKey(c.marketId())) code = RejectCode.UNKNOWN_MARKET;
        if (code != null) {
            out.add(new CancelRejected(c.seq(), c.accountId(), 0, 0, code));
            return;
        }
        Account a = accounts.get(c.accountId());
        if (a == null) return;
        List<Order> victims = new ArrayList<>(a.openOrders);
        for (Order o = a.ordersHead; o != null; o = o.acctNext) {
            if (c.marketId() == 0 || o.marketId == c.marketId()) victims.add(o);
        }
        // The account list is in arrival order reversed; events go out in orderId order, as the spec says.
        victims.sort((x, y) -> Long.compare(x.orderId, y.orderId));
        for (Order o : victims) closeResting(c.seq(), o.market, o, CancelReason.USER, out);
    }

    // ---------------------------------------------------------------- blocks and roots

    /** A price level of one market's side, as the witness builder records what a range reads or changes. */
    public record LevelKey(int marketId, Side side, long priceTicks) {}

    /**
     * Set only on a witness builder's dry run: told of every level the commands read (a best price, a level
     * walked by FOK) or change, which is exactly what the guest must be given (docs/zk.md §Witness).
     */
    java.util.function.Consumer<LevelKey> levelsTouched;

    private void changed(Market m, Order o) {
        read(m, o);
        m.touchLevel(o.side, o.priceTicks);
    }

    private Order read(Market m, Order o) {
        if (o != null && levelsTouched != null) levelsTouched.accept(new LevelKey(m.marketId, o.side, o.priceTicks));
        return o;
    }

    private void seal(SealBlock c, List<Event> out) {
        height++;
        byte[] commandsRoot = blockCommands.sha256();
        byte[] eventsRoot = blockEvents.sha256();
        byte[] stateRoot = stateRoot();
        out.add(new BlockSealed(c.seq(), height, blockFirstSeq, c.seq(), c.timestampMs(), blockCommands.count(),
                blockEvents.count(), Sha256.hex(stateRoot), Sha256.hex(commandsRoot), Sha256.hex(eventsRoot)));
        blockCommands.clear();
        blockEvents.clear();
        blockFirstSeq = -1;
    }

    /** The state root now (docs/engine-spec.md §State root): rehashes only what changed since the last call. */
    public byte[] stateRoot() {
        // One batched update: dirty accounts share the tree's upper paths, hashed once.
        dirtyAccounts.sort((x, y) -> Long.compare(x.accountId, y.accountId));
        long[] ids = new long[dirtyAccounts.size()];
        byte[][] leaves = new byte[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            Account a = dirtyAccounts.get(i);
            ids[i] = a.accountId;
            leaves[i] = StateHasher.accountLeaf(this, a);
            a.dirty = false;
        }
        accountTree.putMany(ids, leaves);
        dirtyAccounts.clear();
        return StateHasher.stateRoot(this);
    }

    // ---------------------------------------------------------------- read side (tests, matcher, snapshots)

    public long lastSeq() {
        return lastSeq;
    }

    public long height() {
        return height;
    }

    public long available(long accountId, int assetId) {
        Account a = accounts.get(accountId);
        Asset s = assets.get(assetId);
        return a == null || s == null ? 0 : a.available(s.slot);
    }

    public long locked(long accountId, int assetId) {
        Account a = accounts.get(accountId);
        Asset s = assets.get(assetId);
        return a == null || s == null ? 0 : a.locked(s.slot);
    }

    public long feesCollected(int assetId) {
        Asset s = assets.get(assetId);
        return s == null ? 0 : s.feesCollected;
    }

    public OrderBook book(int marketId) {
        Market m = markets.get(marketId);
        return m == null ? null : m.book;
    }

    public Order openOrder(long orderId) {
        return openOrders.get(orderId);
    }

    public int openOrderCount() {
        return openOrders.size();
    }

    public Collection<Integer> marketIds() {
        return markets.keySet();
    }

    /**
     * Checks every invariant the spec states; throws IllegalStateException naming the first violated one.
     * Linear in the state: for tests, never on the hot path.
     */
    public void checkInvariants() {
        long[] totals = new long[assetsBySlot.size()];
        LongMap<long[]> lockedByAccount = new LongMap<>();
        for (Market m : markets.values()) {
            for (Side side : Side.values()) {
                long[] prevTicks = {side == Side.BUY ? Long.MAX_VALUE : Long.MIN_VALUE};
                long[] prevId = {Long.MIN_VALUE};
                m.book.visit(side, o -> {
                    boolean ordered = side == Side.BUY ? o.priceTicks <= prevTicks[0] : o.priceTicks >= prevTicks[0];
                    if (!ordered || (o.priceTicks == prevTicks[0] && o.orderId <= prevId[0])) {
                        throw new IllegalStateException("book " + m.marketId + " out of priority order at " + o.orderId);
                    }
                    if (o.remainingLots <= 0) throw new IllegalStateException("empty resting order " + o.orderId);
                    long expectHold = side == Side.BUY
                            ? Fees.buyHold(o.priceTicks, o.remainingLots, m.quotePerTickLot, m.holdFeePpm())
                            : o.remainingLots * m.lotSize;
                    if (o.holdRemaining != expectHold) throw new IllegalStateException("hold of " + o.orderId);
                    long[] l = lockedByAccount.get(o.accountId);
                    if (l == null) lockedByAccount.put(o.accountId, l = new long[assetsBySlot.size()]);
                    l[side == Side.BUY ? m.quote.slot : m.base.slot] += o.holdRemaining;
                    if (openOrders.get(o.orderId) != o) throw new IllegalStateException("index lost " + o.orderId);
                    prevTicks[0] = o.priceTicks;
                    prevId[0] = o.orderId;
                    return true;
                });
            }
            Order bid = m.book.best(Side.BUY);
            Order ask = m.book.best(Side.SELL);
            if (bid != null && ask != null && bid.priceTicks >= ask.priceTicks) {
                throw new IllegalStateException("crossed book in market " + m.marketId);
            }
        }
        for (long id : accounts.keysSorted()) {
            Account a = accounts.get(id);
            for (int i = 0; i < a.recentCount; i++) {
                for (int j = i + 1; j < a.recentCount; j++) {
                    if (a.recentClientIds[a.recentSlot(i)] == a.recentClientIds[a.recentSlot(j)]) {
                        throw new IllegalStateException("client order id remembered twice for account " + id);
                    }
                }
            }
            long[] l = lockedByAccount.get(id);
            for (Asset s : assetsBySlot) {
                long locked = a.locked(s.slot);
                long avail = a.available(s.slot);
                if (locked < 0 || avail < 0) throw new IllegalStateException("negative balance " + id + "/" + s.assetId);
                if (locked != (l == null ? 0 : l[s.slot])) {
                    throw new IllegalStateException("locked != open holds for account " + id + " asset " + s.assetId);
                }
                totals[s.slot] += locked + avail;
            }
        }
        for (Asset s : assetsBySlot) {
            if (totals[s.slot] + s.feesCollected != s.totalDeposited - s.totalWithdrawn) {
                throw new IllegalStateException("conservation broken for asset " + s.assetId + ": balances "
                        + totals[s.slot] + " + fees " + s.feesCollected + " != deposited " + s.totalDeposited
                        + " - withdrawn " + s.totalWithdrawn);
            }
        }
        if (openOrders.size() != markets.values().stream().mapToInt(m -> m.book.size()).sum()) {
            throw new IllegalStateException("order index size differs from books");
        }
    }

    /** All open orders of a market's side in priority order (copies; for tests and snapshots). */
    public List<Order> ordersInPriority(int marketId, Side side) {
        List<Order> out = new ArrayList<>();
        Market m = markets.get(marketId);
        if (m != null) m.book.visit(side, o -> out.add(o));
        return out;
    }

    static long[] copy(long[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
