package io.zkclob.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What the engine did, in order. Every event carries the {@code seq} of the command that caused it; a command
 * yields zero or more events. Events are complete enough to rebuild balances (available and locked) without
 * the engine: see docs/engine-spec.md, "Balance effects of events".
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Event.AssetAdded.class, name = "AssetAdded"),
        @JsonSubTypes.Type(value = Event.MarketAdded.class, name = "MarketAdded"),
        @JsonSubTypes.Type(value = Event.MarketStatusChanged.class, name = "MarketStatusChanged"),
        @JsonSubTypes.Type(value = Event.AdminRejected.class, name = "AdminRejected"),
        @JsonSubTypes.Type(value = Event.Deposited.class, name = "Deposited"),
        @JsonSubTypes.Type(value = Event.DepositRejected.class, name = "DepositRejected"),
        @JsonSubTypes.Type(value = Event.Withdrawn.class, name = "Withdrawn"),
        @JsonSubTypes.Type(value = Event.WithdrawalRejected.class, name = "WithdrawalRejected"),
        @JsonSubTypes.Type(value = Event.OrderAccepted.class, name = "OrderAccepted"),
        @JsonSubTypes.Type(value = Event.OrderRejected.class, name = "OrderRejected"),
        @JsonSubTypes.Type(value = Event.TradeExecuted.class, name = "TradeExecuted"),
        @JsonSubTypes.Type(value = Event.OrderCanceled.class, name = "OrderCanceled"),
        @JsonSubTypes.Type(value = Event.CancelRejected.class, name = "CancelRejected"),
        @JsonSubTypes.Type(value = Event.BlockSealed.class, name = "BlockSealed")})
public sealed interface Event {
    long seq();

    record AssetAdded(long seq, int assetId, String symbol, int scale) implements Event {}

    record MarketAdded(long seq, int marketId, String symbol, int baseAssetId, int quoteAssetId, long tickSize,
                       long lotSize, long minNotional, int makerFeePpm, int takerFeePpm) implements Event {}

    record MarketStatusChanged(long seq, int marketId, MarketStatus status) implements Event {}

    /** An operator command (AddAsset, AddMarket, SetMarketStatus) was refused. */
    record AdminRejected(long seq, RejectCode code) implements Event {}

    record Deposited(long seq, long accountId, int assetId, long amount, long externalId) implements Event {}

    record DepositRejected(long seq, long accountId, int assetId, long amount, long externalId, RejectCode code)
            implements Event {}

    record Withdrawn(long seq, long accountId, int assetId, long amount) implements Event {}

    record WithdrawalRejected(long seq, long accountId, int assetId, long amount, RejectCode code) implements Event {}

    /** The order passed every check; {@code holdAmount} of {@code holdAssetId} moved from available to locked. */
    record OrderAccepted(long seq, long orderId, long accountId, int marketId, long clientOrderId, Side side,
                         OrderType orderType, TimeInForce tif, long price, long qty, long quoteQty, int holdAssetId,
                         long holdAmount) implements Event {}

    /**
     * {@code existingOrderId}: for DUPLICATE_CLIENT_ORDER_ID, the order that already carries the clientOrderId (a
     * retry is answered with it); 0 for every other code (docs/engine-spec.md §3.3).
     */
    record OrderRejected(long seq, long accountId, int marketId, long clientOrderId, RejectCode code,
                         long existingOrderId) implements Event {}

    /**
     * A fill at the maker's price. The buyer pays {@code quoteAmount} plus its fee from locked quote; the seller
     * gives {@code qty} base from locked and receives {@code quoteAmount} minus its fee. Each side's
     * {@code *HoldReleased} moves from locked back to available (price improvement, fee slack, unused budget).
     */
    record TradeExecuted(long seq, int marketId, long makerOrderId, long makerAccountId, long takerOrderId,
                         long takerAccountId, Side takerSide, long price, long qty, long quoteAmount, long makerFee,
                         long takerFee, long makerHoldReleased, long takerHoldReleased) implements Event {}

    /** The order is closed; {@code releasedAmount} of its hold asset moved from locked back to available. */
    record OrderCanceled(long seq, long orderId, long accountId, int marketId, CancelReason reason,
                         long remainingQty, int holdAssetId, long releasedAmount) implements Event {}

    record CancelRejected(long seq, long accountId, long orderId, long clientOrderId, RejectCode code)
            implements Event {}

    /**
     * Closes block {@code height}: commands {@code firstSeq..lastSeq} (this SealBlock included). Roots are
     * SHA-256, hex in JSON: the state after the block, and Merkle roots over the block's commands and its
     * events (this event excluded).
     */
    record BlockSealed(long seq, long height, long firstSeq, long lastSeq, long timestampMs, int commandCount,
                       int eventCount, String stateRoot, String commandsRoot, String eventsRoot) implements Event {}
}
