package io.zkclob.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A state-changing instruction, as sequenced on the command log. {@code seq} is the log offset and
 * {@code timestampMs} the sequencer's append time; both are assigned by the log, never by the sender
 * (senders use {@link #UNSEQUENCED}). The engine reads no clock: the timestamp only travels into events.
 * Amounts are integers in the asset's smallest unit; prices are quote units per one whole base unit.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Command.AddAsset.class, name = "AddAsset"),
        @JsonSubTypes.Type(value = Command.AddMarket.class, name = "AddMarket"),
        @JsonSubTypes.Type(value = Command.SetMarketStatus.class, name = "SetMarketStatus"),
        @JsonSubTypes.Type(value = Command.Deposit.class, name = "Deposit"),
        @JsonSubTypes.Type(value = Command.Withdraw.class, name = "Withdraw"),
        @JsonSubTypes.Type(value = Command.PlaceOrder.class, name = "PlaceOrder"),
        @JsonSubTypes.Type(value = Command.CancelOrder.class, name = "CancelOrder"),
        @JsonSubTypes.Type(value = Command.CancelAll.class, name = "CancelAll"),
        @JsonSubTypes.Type(value = Command.SealBlock.class, name = "SealBlock")})
public sealed interface Command {
    long UNSEQUENCED = -1;

    long seq();

    long timestampMs();

    /** The same command as placed on the log at {@code seq}. */
    Command sequenced(long seq, long timestampMs);

    record AddAsset(long seq, long timestampMs, int assetId, String symbol, int scale) implements Command {
        public AddAsset sequenced(long s, long t) { return new AddAsset(s, t, assetId, symbol, scale); }
    }

    record AddMarket(long seq, long timestampMs, int marketId, String symbol, int baseAssetId, int quoteAssetId,
                     long tickSize, long lotSize, long minNotional, int makerFeePpm, int takerFeePpm)
            implements Command {
        public AddMarket sequenced(long s, long t) {
            return new AddMarket(s, t, marketId, symbol, baseAssetId, quoteAssetId, tickSize, lotSize, minNotional,
                    makerFeePpm, takerFeePpm);
        }
    }

    record SetMarketStatus(long seq, long timestampMs, int marketId, MarketStatus status) implements Command {
        public SetMarketStatus sequenced(long s, long t) { return new SetMarketStatus(s, t, marketId, status); }
    }

    record Deposit(long seq, long timestampMs, long accountId, int assetId, long amount, long externalId)
            implements Command {
        public Deposit sequenced(long s, long t) { return new Deposit(s, t, accountId, assetId, amount, externalId); }
    }

    record Withdraw(long seq, long timestampMs, long accountId, int assetId, long amount) implements Command {
        public Withdraw sequenced(long s, long t) { return new Withdraw(s, t, accountId, assetId, amount); }
    }

    /**
     * LIMIT: price and qty. MARKET sell: qty. MARKET buy: either qty (spends up to the whole available quote)
     * or quoteQty (spends at most that much quote, fees included). Unused fields are 0.
     */
    record PlaceOrder(long seq, long timestampMs, long accountId, int marketId, long clientOrderId, Side side,
                      OrderType orderType, TimeInForce tif, long price, long qty, long quoteQty) implements Command {
        public PlaceOrder sequenced(long s, long t) {
            return new PlaceOrder(s, t, accountId, marketId, clientOrderId, side, orderType, tif, price, qty, quoteQty);
        }
    }

    /** Exactly one of orderId and clientOrderId is non-zero. */
    record CancelOrder(long seq, long timestampMs, long accountId, long orderId, long clientOrderId)
            implements Command {
        public CancelOrder sequenced(long s, long t) { return new CancelOrder(s, t, accountId, orderId, clientOrderId); }
    }

    /** marketId 0 means every market. */
    record CancelAll(long seq, long timestampMs, long accountId, int marketId) implements Command {
        public CancelAll sequenced(long s, long t) { return new CancelAll(s, t, accountId, marketId); }
    }

    record SealBlock(long seq, long timestampMs) implements Command {
        public SealBlock sequenced(long s, long t) { return new SealBlock(s, t); }
    }
}
