//! Commands, events and codes: the same names, fields and JSON form as the Java contracts module.
#![allow(non_camel_case_types)]

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    BUY,
    SELL,
}

impl Side {
    pub fn code(self) -> u8 {
        match self {
            Side::BUY => 1,
            Side::SELL => 2,
        }
    }
    pub fn opposite(self) -> Side {
        match self {
            Side::BUY => Side::SELL,
            Side::SELL => Side::BUY,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderType {
    LIMIT,
    MARKET,
}

impl OrderType {
    pub fn code(self) -> u8 {
        match self {
            OrderType::LIMIT => 1,
            OrderType::MARKET => 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeInForce {
    GTC,
    IOC,
    FOK,
    POST_ONLY,
}

impl TimeInForce {
    pub fn code(self) -> u8 {
        match self {
            TimeInForce::GTC => 1,
            TimeInForce::IOC => 2,
            TimeInForce::FOK => 3,
            TimeInForce::POST_ONLY => 4,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarketStatus {
    ACTIVE,
    HALTED,
}

impl MarketStatus {
    pub fn code(self) -> u8 {
        match self {
            MarketStatus::ACTIVE => 1,
            MarketStatus::HALTED => 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelReason {
    USER,
    IOC_REMAINDER,
    FOK_UNFILLABLE,
    SELF_TRADE,
}

impl CancelReason {
    pub fn code(self) -> u8 {
        match self {
            CancelReason::USER => 1,
            CancelReason::IOC_REMAINDER => 2,
            CancelReason::FOK_UNFILLABLE => 3,
            CancelReason::SELF_TRADE => 4,
        }
    }
}

#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RejectCode {
    UNKNOWN_ASSET,
    UNKNOWN_MARKET,
    MARKET_HALTED,
    INVALID_AMOUNT,
    AMOUNT_OVERFLOW,
    INVALID_TICK,
    INVALID_LOT,
    BELOW_MIN_NOTIONAL,
    INSUFFICIENT_FUNDS,
    DUPLICATE_CLIENT_ORDER_ID,
    POST_ONLY_WOULD_CROSS,
    ORDER_NOT_FOUND,
    NOT_ORDER_OWNER,
    INVALID_ORDER_TYPE,
    DUPLICATE_ASSET,
    DUPLICATE_MARKET,
    INVALID_MARKET_PARAMS,
    DUPLICATE_DEPOSIT,
    INVALID_ACCOUNT,
    TOO_MANY_OPEN_ORDERS,
    MALFORMED,
}

impl RejectCode {
    /// Stable numeric codes (docs/engine-spec.md §5): declaration order, from 1.
    pub fn code(self) -> u16 {
        self as u16 + 1
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Command {
    AddAsset { seq: i64, timestamp_ms: i64, asset_id: i32, symbol: Option<String>, scale: i32 },
    AddMarket {
        seq: i64,
        timestamp_ms: i64,
        market_id: i32,
        symbol: Option<String>,
        base_asset_id: i32,
        quote_asset_id: i32,
        tick_size: i64,
        lot_size: i64,
        min_notional: i64,
        maker_fee_ppm: i32,
        taker_fee_ppm: i32,
    },
    SetMarketStatus { seq: i64, timestamp_ms: i64, market_id: i32, status: Option<MarketStatus> },
    Deposit { seq: i64, timestamp_ms: i64, account_id: i64, asset_id: i32, amount: i64, external_id: i64 },
    Withdraw { seq: i64, timestamp_ms: i64, account_id: i64, asset_id: i32, amount: i64 },
    PlaceOrder {
        seq: i64,
        timestamp_ms: i64,
        account_id: i64,
        market_id: i32,
        client_order_id: i64,
        side: Option<Side>,
        order_type: Option<OrderType>,
        tif: Option<TimeInForce>,
        price: i64,
        qty: i64,
        quote_qty: i64,
    },
    CancelOrder { seq: i64, timestamp_ms: i64, account_id: i64, order_id: i64, client_order_id: i64 },
    CancelAll { seq: i64, timestamp_ms: i64, account_id: i64, market_id: i32 },
    SealBlock { seq: i64, timestamp_ms: i64 },
}

impl Command {
    pub fn seq(&self) -> i64 {
        match self {
            Command::AddAsset { seq, .. }
            | Command::AddMarket { seq, .. }
            | Command::SetMarketStatus { seq, .. }
            | Command::Deposit { seq, .. }
            | Command::Withdraw { seq, .. }
            | Command::PlaceOrder { seq, .. }
            | Command::CancelOrder { seq, .. }
            | Command::CancelAll { seq, .. }
            | Command::SealBlock { seq, .. } => *seq,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Event {
    AssetAdded { seq: i64, asset_id: i32, symbol: Option<String>, scale: i32 },
    MarketAdded {
        seq: i64,
        market_id: i32,
        symbol: Option<String>,
        base_asset_id: i32,
        quote_asset_id: i32,
        tick_size: i64,
        lot_size: i64,
        min_notional: i64,
        maker_fee_ppm: i32,
        taker_fee_ppm: i32,
    },
    MarketStatusChanged { seq: i64, market_id: i32, status: Option<MarketStatus> },
    AdminRejected { seq: i64, code: RejectCode },
    Deposited { seq: i64, account_id: i64, asset_id: i32, amount: i64, external_id: i64 },
    DepositRejected { seq: i64, account_id: i64, asset_id: i32, amount: i64, external_id: i64, code: RejectCode },
    Withdrawn { seq: i64, account_id: i64, asset_id: i32, amount: i64 },
    WithdrawalRejected { seq: i64, account_id: i64, asset_id: i32, amount: i64, code: RejectCode },
    OrderAccepted {
        seq: i64,
        order_id: i64,
        account_id: i64,
        market_id: i32,
        client_order_id: i64,
        side: Option<Side>,
        order_type: Option<OrderType>,
        tif: Option<TimeInForce>,
        price: i64,
        qty: i64,
        quote_qty: i64,
        hold_asset_id: i32,
        hold_amount: i64,
    },
    /// `existing_order_id`: for DUPLICATE_CLIENT_ORDER_ID the order that already carries the id, else 0.
    OrderRejected { seq: i64, account_id: i64, market_id: i32, client_order_id: i64, code: RejectCode, existing_order_id: i64 },
    TradeExecuted {
        seq: i64,
        market_id: i32,
        maker_order_id: i64,
        maker_account_id: i64,
        taker_order_id: i64,
        taker_account_id: i64,
        taker_side: Side,
        price: i64,
        qty: i64,
        quote_amount: i64,
        maker_fee: i64,
        taker_fee: i64,
        maker_hold_released: i64,
        taker_hold_released: i64,
    },
    OrderCanceled {
        seq: i64,
        order_id: i64,
        account_id: i64,
        market_id: i32,
        reason: CancelReason,
        remaining_qty: i64,
        hold_asset_id: i32,
        released_amount: i64,
    },
    CancelRejected { seq: i64, account_id: i64, order_id: i64, client_order_id: i64, code: RejectCode },
    BlockSealed {
        seq: i64,
        height: i64,
        first_seq: i64,
        last_seq: i64,
        timestamp_ms: i64,
        command_count: i32,
        event_count: i32,
        state_root: String,
        commands_root: String,
        events_root: String,
    },
}
