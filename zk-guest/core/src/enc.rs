//! Big-endian canonical encoding (docs/engine-spec.md §6–7).

use crate::types::*;

#[derive(Clone, Debug, Default)]
pub struct Enc {
    pub buf: Vec<u8>,
}

impl Enc {
    pub fn new() -> Self {
        Enc { buf: Vec::with_capacity(128) }
    }
    /// For an encoding whose length is known: one allocation, no growth (each growth step copies).
    pub fn with_capacity(bytes: usize) -> Self {
        Enc { buf: Vec::with_capacity(bytes) }
    }
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.buf.push(v);
        self
    }
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn u32(&mut self, v: i32) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn u64(&mut self, v: i64) -> &mut Self {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }
    pub fn str(&mut self, s: &Option<String>) -> &mut Self {
        let b = s.as_deref().unwrap_or("").as_bytes();
        let n = b.len().min(255);
        self.buf.push(n as u8);
        self.buf.extend_from_slice(&b[..n]);
        self
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(b);
        self
    }
    pub fn sha256(&self) -> [u8; 32] {
        crate::sha::sha256(&self.buf)
    }
}

/// Where an encoding goes: a byte buffer (`Enc`) or straight into SHA-256 (`sha::Hasher`, the guest's block
/// digests and leaves: no buffer to pack into words again).
pub trait Sink {
    fn u8(&mut self, v: u8) -> &mut Self;
    fn u16(&mut self, v: u16) -> &mut Self;
    fn u32(&mut self, v: i32) -> &mut Self;
    fn u64(&mut self, v: i64) -> &mut Self;
    fn str(&mut self, s: &Option<String>) -> &mut Self;
    fn bytes(&mut self, b: &[u8]) -> &mut Self;
}

macro_rules! sink {
    ($t:ty) => {
        impl Sink for $t {
            #[inline(always)]
            fn u8(&mut self, v: u8) -> &mut Self {
                <$t>::u8(self, v)
            }
            #[inline(always)]
            fn u16(&mut self, v: u16) -> &mut Self {
                <$t>::u16(self, v)
            }
            #[inline(always)]
            fn u32(&mut self, v: i32) -> &mut Self {
                <$t>::u32(self, v)
            }
            #[inline(always)]
            fn u64(&mut self, v: i64) -> &mut Self {
                <$t>::u64(self, v)
            }
            fn str(&mut self, s: &Option<String>) -> &mut Self {
                <$t>::str(self, s)
            }
            fn bytes(&mut self, b: &[u8]) -> &mut Self {
                <$t>::bytes(self, b)
            }
        }
    };
}
sink!(Enc);
sink!(crate::sha::Hasher);
sink!(crate::sha::Cur<'_>);

fn side(v: &Option<Side>) -> u8 {
    v.map_or(0, |x| x.code())
}
fn otype(v: &Option<OrderType>) -> u8 {
    v.map_or(0, |x| x.code())
}
fn tif(v: &Option<TimeInForce>) -> u8 {
    v.map_or(0, |x| x.code())
}
fn status(v: &Option<MarketStatus>) -> u8 {
    v.map_or(0, |x| x.code())
}

pub fn encode_command(c: &Command) -> Vec<u8> {
    let mut e = Enc::new();
    write_command(&mut e, c);
    e.buf
}

pub fn encode_event(ev: &Event) -> Vec<u8> {
    let mut e = Enc::new();
    write_event(&mut e, ev);
    e.buf
}

/// Appends the command's encoding (a block's commitment hashes the concatenation in one pass).
pub fn write_command<S: Sink>(e: &mut S, c: &Command) {
    match c {
        Command::AddAsset { seq, timestamp_ms, asset_id, symbol, scale } => {
            e.u8(0x01).u64(*seq).u64(*timestamp_ms).u32(*asset_id).str(symbol).u8(*scale as u8);
        }
        Command::AddMarket {
            seq, timestamp_ms, market_id, symbol, base_asset_id, quote_asset_id, tick_size, lot_size,
            min_notional, maker_fee_ppm, taker_fee_ppm,
        } => {
            e.u8(0x02).u64(*seq).u64(*timestamp_ms).u32(*market_id).str(symbol).u32(*base_asset_id)
                .u32(*quote_asset_id).u64(*tick_size).u64(*lot_size).u64(*min_notional).u32(*maker_fee_ppm)
                .u32(*taker_fee_ppm);
        }
        Command::SetMarketStatus { seq, timestamp_ms, market_id, status: s } => {
            e.u8(0x03).u64(*seq).u64(*timestamp_ms).u32(*market_id).u8(status(s));
        }
        Command::Deposit { seq, timestamp_ms, account_id, asset_id, amount, external_id } => {
            e.u8(0x04).u64(*seq).u64(*timestamp_ms).u64(*account_id).u32(*asset_id).u64(*amount).u64(*external_id);
        }
        Command::Withdraw { seq, timestamp_ms, account_id, asset_id, amount } => {
            e.u8(0x05).u64(*seq).u64(*timestamp_ms).u64(*account_id).u32(*asset_id).u64(*amount);
        }
        Command::PlaceOrder {
            seq, timestamp_ms, account_id, market_id, client_order_id, side: sd, order_type, tif: tf, price, qty,
            quote_qty,
        } => {
            e.u8(0x06).u64(*seq).u64(*timestamp_ms).u64(*account_id).u32(*market_id).u64(*client_order_id)
                .u8(side(sd)).u8(otype(order_type)).u8(tif(tf)).u64(*price).u64(*qty).u64(*quote_qty);
        }
        Command::CancelOrder { seq, timestamp_ms, account_id, order_id, client_order_id } => {
            e.u8(0x07).u64(*seq).u64(*timestamp_ms).u64(*account_id).u64(*order_id).u64(*client_order_id);
        }
        Command::CancelAll { seq, timestamp_ms, account_id, market_id } => {
            e.u8(0x08).u64(*seq).u64(*timestamp_ms).u64(*account_id).u32(*market_id);
        }
        Command::SealBlock { seq, timestamp_ms } => {
            e.u8(0x09).u64(*seq).u64(*timestamp_ms);
        }
    }
}

/// Appends the event's encoding (spec §7, v5): an event commits only what the command at its seq does not, since
/// the block's commands are committed beside it in the same public values (the command's fields, an order id that
/// is the seq, a hold asset fixed by the command's market and side). Always inlined: at each of the engine's emit
/// sites the variant is known, so only its arm remains, and the hasher's cursor stays in registers (through a call
/// it lived in memory, about 20 instructions per field).
#[inline(always)]
pub fn write_event<S: Sink>(e: &mut S, ev: &Event) {
    match ev {
        Event::AssetAdded { seq, .. } => {
            e.u8(0x21).u64(*seq);
        }
        Event::MarketAdded { seq, .. } => {
            e.u8(0x22).u64(*seq);
        }
        Event::MarketStatusChanged { seq, .. } => {
            e.u8(0x23).u64(*seq);
        }
        Event::AdminRejected { seq, code } => {
            e.u8(0x24).u64(*seq).u16(code.code());
        }
        Event::Deposited { seq, .. } => {
            e.u8(0x25).u64(*seq);
        }
        Event::DepositRejected { seq, code, .. } => {
            e.u8(0x26).u64(*seq).u16(code.code());
        }
        Event::Withdrawn { seq, .. } => {
            e.u8(0x27).u64(*seq);
        }
        Event::WithdrawalRejected { seq, code, .. } => {
            e.u8(0x28).u64(*seq).u16(code.code());
        }
        Event::OrderAccepted { seq, hold_amount, .. } => {
            e.u8(0x29).u64(*seq).u64(*hold_amount);
        }
        Event::OrderRejected { seq, code, existing_order_id, .. } => {
            e.u8(0x2A).u64(*seq).u16(code.code()).u64(*existing_order_id);
        }
        Event::TradeExecuted {
            seq, maker_order_id, maker_account_id, price, qty, quote_amount, maker_fee, taker_fee,
            maker_hold_released, taker_hold_released, ..
        } => {
            e.u8(0x2B).u64(*seq).u64(*maker_order_id).u64(*maker_account_id).u64(*price).u64(*qty)
                .u64(*quote_amount).u64(*maker_fee).u64(*taker_fee).u64(*maker_hold_released)
                .u64(*taker_hold_released);
        }
        Event::CancelRejected { seq, code, .. } => {
            e.u8(0x2D).u64(*seq).u16(code.code());
        }
        Event::OrderCanceled {
            seq, order_id, account_id, market_id, reason, remaining_qty, hold_asset_id, released_amount,
        } => {
            e.u8(0x2C).u64(*seq).u64(*order_id).u64(*account_id).u32(*market_id).u8(reason.code())
                .u64(*remaining_qty).u32(*hold_asset_id).u64(*released_amount);
        }
        Event::BlockSealed {
            seq, height, first_seq, last_seq, timestamp_ms, command_count, event_count, state_root,
            commands_root, events_root,
        } => {
            e.u8(0x2E).u64(*seq).u64(*height).u64(*first_seq).u64(*last_seq).u64(*timestamp_ms)
                .u32(*command_count).u32(*event_count).bytes(&crate::unhex(state_root))
                .bytes(&crate::unhex(commands_root)).bytes(&crate::unhex(events_root));
        }
    }
}
