package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.MarketStatus;
import io.zkclob.contracts.OrderType;
import io.zkclob.contracts.Side;
import io.zkclob.contracts.TimeInForce;
import java.util.ArrayList;
import java.util.List;

/**
 * A command stream under construction, sequenced as the log would: seq from 0, a timestamp one millisecond
 * apart. The standard setup is ETH (scale 8) / USDT (scale 6), market 1 "ETH-USDT" with a 0.01 USDT tick,
 * a 0.0001 ETH lot, 1 USDT minimum notional, 0.1% maker and 0.2% taker fees.
 */
public final class Scenario {
    public static final int ETH = 1;
    public static final int USDT = 2;
    public static final int BTC = 3;
    public static final int ETH_USDT = 1;
    public static final int BTC_USDT = 2;
    public static final long TICK = 10_000;
    public static final long LOT = 10_000;

    public final String name;
    public final String description;
    public final List<Command> commands = new ArrayList<>();
    private long seq;
    private long timestampMs = 1_767_225_600_000L; // 2026-01-01T00:00:00Z; the sequencer's clock, never the engine's

    public Scenario(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /** USDT amounts in whole units with 6 decimals, e.g. usdt(3000.5). */
    public static long usdt(double v) {
        return Math.round(v * 1_000_000);
    }

    /** ETH amounts with 8 decimals. */
    public static long eth(double v) {
        return Math.round(v * 100_000_000);
    }

    public long nextSeq() {
        return seq;
    }

    public Scenario add(Command c) {
        commands.add(c.sequenced(seq++, timestampMs++));
        return this;
    }

    public Scenario standardSetup() {
        add(new AddAsset(-1, 0, ETH, "ETH", 8));
        add(new AddAsset(-1, 0, USDT, "USDT", 6));
        add(new AddMarket(-1, 0, ETH_USDT, "ETH-USDT", ETH, USDT, TICK, LOT, usdt(1), 1_000, 2_000));
        return this;
    }

    public Scenario deposit(long account, int asset, long amount, long externalId) {
        return add(new Deposit(-1, 0, account, asset, amount, externalId));
    }

    public Scenario withdraw(long account, int asset, long amount) {
        return add(new Withdraw(-1, 0, account, asset, amount));
    }

    public Scenario limit(long account, Side side, long price, long qty, TimeInForce tif, long clientOrderId) {
        return add(new PlaceOrder(-1, 0, account, ETH_USDT, clientOrderId, side, OrderType.LIMIT, tif, price, qty, 0));
    }

    public Scenario limit(long account, Side side, long price, long qty) {
        return limit(account, side, price, qty, TimeInForce.GTC, 0);
    }

    public Scenario place(long account, int market, Side side, OrderType type, TimeInForce tif, long price, long qty,
                          long quoteQty, long clientOrderId) {
        return add(new PlaceOrder(-1, 0, account, market, clientOrderId, side, type, tif, price, qty, quoteQty));
    }

    public Scenario marketSell(long account, long qty) {
        return place(account, ETH_USDT, Side.SELL, OrderType.MARKET, TimeInForce.IOC, 0, qty, 0, 0);
    }

    public Scenario marketBuyQty(long account, long qty) {
        return place(account, ETH_USDT, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, qty, 0, 0);
    }

    public Scenario marketBuyQuote(long account, long quoteQty) {
        return place(account, ETH_USDT, Side.BUY, OrderType.MARKET, TimeInForce.IOC, 0, 0, quoteQty, 0);
    }

    public Scenario cancel(long account, long orderId) {
        return add(new CancelOrder(-1, 0, account, orderId, 0));
    }

    public Scenario cancelByClientId(long account, long clientOrderId) {
        return add(new CancelOrder(-1, 0, account, 0, clientOrderId));
    }

    public Scenario cancelAll(long account, int market) {
        return add(new CancelAll(-1, 0, account, market));
    }

    public Scenario status(int market, MarketStatus status) {
        return add(new SetMarketStatus(-1, 0, market, status));
    }

    public Scenario seal() {
        return add(new SealBlock(-1, 0));
    }
}
