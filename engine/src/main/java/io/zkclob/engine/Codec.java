package io.zkclob.engine;

import io.zkclob.contracts.Command;
import io.zkclob.contracts.Command.*;
import io.zkclob.contracts.Event;
import io.zkclob.contracts.Event.*;
import java.util.HexFormat;

/**
 * The canonical binary encoding of commands and events (docs/engine-spec.md §Encoding), whose hashes form a
 * block's command and event roots. Enums encode as their code, a null enum as 0, so a malformed command still
 * has exactly one encoding. Encodings are self-delimiting (the tag fixes the layout; strings carry their
 * length), so a concatenation of them parses back unambiguously.
 */
public final class Codec {
    private Codec() {}

    private static int code(io.zkclob.contracts.Side v) { return v == null ? 0 : v.code; }

    private static int code(io.zkclob.contracts.OrderType v) { return v == null ? 0 : v.code; }

    private static int code(io.zkclob.contracts.TimeInForce v) { return v == null ? 0 : v.code; }

    private static int code(io.zkclob.contracts.MarketStatus v) { return v == null ? 0 : v.code; }

    public static byte[] encode(Command command) {
        Enc e = new Enc(96);
        write(e, command);
        return e.toBytes();
    }

    public static byte[] encode(Event event) {
        Enc e = new Enc(128);
        write(e, event);
        return e.toBytes();
    }

    /** Appends the command's encoding: a block's commitment hashes the concatenation in one pass. */
    public static void write(Enc e, Command command) {
        switch (command) {
            case AddAsset c -> e.u8(0x01).u64(c.seq()).u64(c.timestampMs()).u32(c.assetId()).str(c.symbol()).u8(c.scale());
            case AddMarket c -> e.u8(0x02).u64(c.seq()).u64(c.timestampMs()).u32(c.marketId()).str(c.symbol())
                    .u32(c.baseAssetId()).u32(c.quoteAssetId()).u64(c.tickSize()).u64(c.lotSize())
                    .u64(c.minNotional()).u32(c.makerFeePpm()).u32(c.takerFeePpm());
            case SetMarketStatus c -> e.u8(0x03).u64(c.seq()).u64(c.timestampMs()).u32(c.marketId()).u8(code(c.status()));
            case Deposit c -> e.u8(0x04).u64(c.seq()).u64(c.timestampMs()).u64(c.accountId()).u32(c.assetId())
                    .u64(c.amount()).u64(c.externalId());
            case Withdraw c -> e.u8(0x05).u64(c.seq()).u64(c.timestampMs()).u64(c.accountId()).u32(c.assetId())
                    .u64(c.amount());
            case PlaceOrder c -> e.u8(0x06).u64(c.seq()).u64(c.timestampMs()).u64(c.accountId()).u32(c.marketId())
                    .u64(c.clientOrderId()).u8(code(c.side())).u8(code(c.orderType())).u8(code(c.tif()))
                    .u64(c.price()).u64(c.qty()).u64(c.quoteQty());
            case CancelOrder c -> e.u8(0x07).u64(c.seq()).u64(c.timestampMs()).u64(c.accountId()).u64(c.orderId())
                    .u64(c.clientOrderId());
            case CancelAll c -> e.u8(0x08).u64(c.seq()).u64(c.timestampMs()).u64(c.accountId()).u32(c.marketId());
            case SealBlock c -> e.u8(0x09).u64(c.seq()).u64(c.timestampMs());
        }
    }

    /**
     * Appends the event's encoding (spec §7, v5). An event commits only what the command at its seq does not: the
     * block's commands are committed beside it in the same public values, so the command's own fields, an order id
     * that is the seq and a hold asset fixed by the command's market and side would be hashed twice (in the guest
     * about a third of the events' bytes). The records keep every field; only the commitment leaves them out.
     */
    public static void write(Enc e, Event event) {
        switch (event) {
            case AssetAdded v -> e.u8(0x21).u64(v.seq());
            case MarketAdded v -> e.u8(0x22).u64(v.seq());
            case MarketStatusChanged v -> e.u8(0x23).u64(v.seq());
            case AdminRejected v -> e.u8(0x24).u64(v.seq()).u16(v.code().code);
            case Deposited v -> e.u8(0x25).u64(v.seq());
            case DepositRejected v -> e.u8(0x26).u64(v.seq()).u16(v.code().code);
            case Withdrawn v -> e.u8(0x27).u64(v.seq());
            case WithdrawalRejected v -> e.u8(0x28).u64(v.seq()).u16(v.code().code);
            case OrderAccepted v -> e.u8(0x29).u64(v.seq()).u64(v.holdAmount());
            case OrderRejected v -> e.u8(0x2A).u64(v.seq()).u16(v.code().code).u64(v.existingOrderId());
            case TradeExecuted v -> e.u8(0x2B).u64(v.seq()).u64(v.makerOrderId()).u64(v.makerAccountId())
                    .u64(v.price()).u64(v.qty()).u64(v.quoteAmount()).u64(v.makerFee()).u64(v.takerFee())
                    .u64(v.makerHoldReleased()).u64(v.takerHoldReleased());
            case CancelRejected v -> e.u8(0x2D).u64(v.seq()).u16(v.code().code);
            case OrderCanceled v -> e.u8(0x2C).u64(v.seq()).u64(v.orderId()).u64(v.accountId()).u32(v.marketId())
                    .u8(v.reason().code).u64(v.remainingQty()).u32(v.holdAssetId()).u64(v.releasedAmount());
            case BlockSealed v -> e.u8(0x2E).u64(v.seq()).u64(v.height()).u64(v.firstSeq()).u64(v.lastSeq())
                    .u64(v.timestampMs()).u32(v.commandCount()).u32(v.eventCount())
                    .bytes(HexFormat.of().parseHex(v.stateRoot())).bytes(HexFormat.of().parseHex(v.commandsRoot()))
                    .bytes(HexFormat.of().parseHex(v.eventsRoot()));
        }
    }
}
