//! Block-range witnesses (docs/zk.md): decode, check against the pre-state root, re-execute, check every
//! recorded block header, and produce the public values the SP1 guest commits.

use crate::engine::{
    Account, Encoding, Asset, Market, Order, OrderIndex, PlaceFields, State, ACCOUNT_TREE_DEPTH, DEPOSIT_TREE_DEPTH, MAX_OPEN_ORDERS, PRICE_TREE_DEPTH,
    RECENT_CLIENT_ORDER_IDS,
};
use crate::smt::{Hash, MultiProof, Tree, Z};
use crate::types::*;

/// "ZKW6" as the witness's first four bytes (its first little-endian word). v6: every field whole little-endian
/// words (docs/zk.md §Witness).
const MAGIC: u32 = 0x36574B5A;
/// A command's form field for an order given as its sixteen words (docs/zk.md §Witness), not as bytes.
const ORDER_WORDS: u32 = 0x8000_0040;

/// Reads a witness as the little-endian words it is made of (ZKW6): a u32 is one load, a u64 two, a hash eight
/// (already the big-endian words the guest hashes with). Parsing the big-endian bytes of ZKW5 field by field
/// cost about 65,000 cycles of a 100-order block, each field assembled from byte loads and shifts.
struct Reader<'a> {
    w: &'a [u32],
    /// The same memory as bytes (symbols and the encodings of commands other than orders).
    b: &'a [u8],
    /// The next word.
    at: usize,
}

impl<'a> Reader<'a> {
    /// N words at once: one bounds check for a whole record.
    #[inline(always)]
    fn words<const N: usize>(&mut self) -> &'a [u32; N] {
        let s = self.w.get(self.at..self.at + N).unwrap_or_else(|| panic!("witness truncated at word {}", self.at));
        self.at += N;
        s.try_into().unwrap()
    }
    #[inline(always)]
    fn u32(&mut self) -> u32 {
        let v = *self.w.get(self.at).unwrap_or_else(|| panic!("witness truncated at word {}", self.at));
        self.at += 1;
        v
    }
    fn i32(&mut self) -> i32 {
        self.u32() as i32
    }
    /// A u8 field, one word whose upper bytes are zero (a witness has one encoding).
    fn u8(&mut self) -> u8 {
        let v = self.u32();
        assert!(v <= 0xFF, "witness: {v} in a byte field");
        v as u8
    }
    #[inline(always)]
    fn i64(&mut self) -> i64 {
        let w = self.words::<2>();
        i64_at(w, 0)
    }
    /// A tree hash, as the words the guest keeps it in (sha::Hash).
    #[inline(always)]
    fn hw(&mut self) -> Hash {
        *self.words::<8>()
    }
    fn h(&mut self) -> [u8; 32] {
        crate::sha::to_bytes(&self.hw())
    }
    /// A length word, then that many bytes and zeros to a whole word.
    fn bytes(&mut self, max: usize) -> &'a [u8] {
        let n = self.u32() as usize;
        assert!(n <= max, "witness: a byte string of {n} bytes");
        let from = 4 * self.at;
        let s = self.b.get(from..from + n).unwrap_or_else(|| panic!("witness truncated at word {}", self.at));
        self.at += n.div_ceil(4);
        assert!(self.b[from + n..4 * self.at].iter().all(|x| *x == 0), "witness padding is not zero");
        s
    }
    fn str(&mut self) -> String {
        String::from_utf8(self.bytes(255).to_vec()).expect("utf-8 symbol")
    }
    /// A multiproof's siblings: a count, then each as a flag word (0: the empty hash, 1: its eight words follow).
    fn siblings(&mut self) -> Vec<Hash> {
        let n = self.count(MAX_ITEMS);
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(match self.u32() {
                0 => Z,
                1 => self.hw(),
                f => panic!("sibling flag {f}"),
            });
        }
        v
    }
    fn count(&mut self, max: usize) -> usize {
        let n = self.u32() as usize;
        assert!(n <= max, "count {n} out of range");
        n
    }
}

/// The u64 at words k (low) and k + 1 (high).
#[inline(always)]
fn i64_at(w: &[u32], k: usize) -> i64 {
    (w[k] as u64 | (w[k + 1] as u64) << 32) as i64
}

/// Big-endian reader of a command's canonical encoding (docs/engine-spec.md §7), for the commands a witness
/// gives as bytes (all but orders: a few per block).
struct BeReader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> BeReader<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = self.b.get(self.at..self.at + n).unwrap_or_else(|| panic!("command truncated at byte {}", self.at));
        self.at += n;
        s
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn i32(&mut self) -> i32 {
        i32::from_be_bytes(self.take(4).try_into().unwrap())
    }
    fn i64(&mut self) -> i64 {
        i64::from_be_bytes(self.take(8).try_into().unwrap())
    }
    fn str(&mut self) -> String {
        let n = self.u8() as usize;
        String::from_utf8(self.take(n).to_vec()).expect("utf-8 symbol")
    }
}

fn side(c: u8) -> Option<Side> {
    match c {
        1 => Some(Side::BUY),
        2 => Some(Side::SELL),
        _ => None,
    }
}

#[inline(always)]
fn order_type(c: u8) -> Option<OrderType> {
    match c {
        1 => Some(OrderType::LIMIT),
        2 => Some(OrderType::MARKET),
        _ => None,
    }
}

#[inline(always)]
fn tif(c: u8) -> Option<TimeInForce> {
    match c {
        1 => Some(TimeInForce::GTC),
        2 => Some(TimeInForce::IOC),
        3 => Some(TimeInForce::FOK),
        4 => Some(TimeInForce::POST_ONLY),
        _ => None,
    }
}

/// Decodes a command from its canonical encoding (docs/engine-spec.md §7).
pub fn decode_command(b: &[u8]) -> Command {
    // Most commands are orders: a fixed 64-byte layout read at constant offsets, with no per-field bounds
    // check (half the cycles of the general reader). Any other length falls to the general reader, which
    // refuses it.
    if let (Some(0x06), Ok(b)) = (b.first(), <&[u8; 64]>::try_from(b)) {
        return decode_place_order(b);
    }
    let mut r = BeReader { b, at: 0 };
    let tag = r.u8();
    let seq = r.i64();
    let timestamp_ms = r.i64();
    let c = match tag {
        0x01 => Command::AddAsset { seq, timestamp_ms, asset_id: r.i32(), symbol: Some(r.str()), scale: r.u8() as i32 },
        0x02 => Command::AddMarket {
            seq,
            timestamp_ms,
            market_id: r.i32(),
            symbol: Some(r.str()),
            base_asset_id: r.i32(),
            quote_asset_id: r.i32(),
            tick_size: r.i64(),
            lot_size: r.i64(),
            min_notional: r.i64(),
            maker_fee_ppm: r.i32(),
            taker_fee_ppm: r.i32(),
        },
        0x03 => Command::SetMarketStatus {
            seq,
            timestamp_ms,
            market_id: r.i32(),
            status: match r.u8() {
                1 => Some(MarketStatus::ACTIVE),
                2 => Some(MarketStatus::HALTED),
                _ => None,
            },
        },
        0x04 => Command::Deposit {
            seq, timestamp_ms, account_id: r.i64(), asset_id: r.i32(), amount: r.i64(), external_id: r.i64(),
        },
        0x05 => Command::Withdraw { seq, timestamp_ms, account_id: r.i64(), asset_id: r.i32(), amount: r.i64() },
        0x06 => Command::PlaceOrder {
            seq,
            timestamp_ms,
            account_id: r.i64(),
            market_id: r.i32(),
            client_order_id: r.i64(),
            side: side(r.u8()),
            order_type: order_type(r.u8()),
            tif: tif(r.u8()),
            price: r.i64(),
            qty: r.i64(),
            quote_qty: r.i64(),
        },
        0x07 => Command::CancelOrder { seq, timestamp_ms, account_id: r.i64(), order_id: r.i64(), client_order_id: r.i64() },
        0x08 => Command::CancelAll { seq, timestamp_ms, account_id: r.i64(), market_id: r.i32() },
        0x09 => Command::SealBlock { seq, timestamp_ms },
        t => panic!("unknown command tag {t}"),
    };
    assert_eq!(r.at, b.len(), "trailing bytes in command encoding");
    c
}

/// An order's 64-byte encoding as sixteen big-endian words: packed once, then both hashed into the block's
/// command commitment and decoded (`decode_place_order_words`), instead of packing the bytes for the hash and
/// reading them again byte by byte for the fields.
#[inline(always)]
pub fn order_words(b: &[u8; 64]) -> [u32; 16] {
    let mut w = [0u32; 16];
    for i in 0..16 {
        w[i] = u32::from_be_bytes(*b[4 * i..].first_chunk::<4>().unwrap());
    }
    w
}

/// The 8 bytes at byte offset 4k + 1 (where every 8-byte field of an order but the last three starts).
#[inline(always)]
fn at4k1(w: &[u32; 16], k: usize) -> i64 {
    (((w[k] as u64) & 0xFF_FFFF) << 40 | (w[k + 1] as u64) << 8 | (w[k + 2] as u64) >> 24) as i64
}

#[inline(always)]
fn at4k(w: &[u32; 16], k: usize) -> i64 {
    ((w[k] as u64) << 32 | w[k + 1] as u64) as i64
}

/// PlaceOrder: tag, seq, timestampMs, accountId, marketId:u32, clientOrderId, side, type, tif, price, qty, quoteQty.
pub fn decode_place_order_words(w: &[u32; 16]) -> Command {
    let f = place_fields(w);
    Command::PlaceOrder {
        seq: f.seq,
        timestamp_ms: at4k1(w, 2),
        account_id: f.account_id,
        market_id: f.market_id,
        client_order_id: f.client_order_id,
        side: f.side,
        order_type: f.order_type,
        tif: f.tif,
        price: f.price,
        qty: f.qty,
        quote_qty: f.quote_qty,
    }
}

/// The fields of an order's words that placing it reads (all but the timestamp), for `State::apply_order`.
#[inline(always)]
pub fn place_fields(w: &[u32; 16]) -> PlaceFields {
    let flags = w[9];
    PlaceFields {
        seq: at4k1(w, 0),
        account_id: at4k1(w, 4),
        market_id: ((w[6] & 0xFF_FFFF) << 8 | w[7] >> 24) as i32,
        client_order_id: at4k1(w, 7),
        side: side((flags >> 16) as u8),
        order_type: order_type((flags >> 8) as u8),
        tif: tif(flags as u8),
        price: at4k(w, 10),
        qty: at4k(w, 12),
        quote_qty: at4k(w, 14),
    }
}

fn decode_place_order(b: &[u8; 64]) -> Command {
    decode_place_order_words(&order_words(b))
}

#[derive(Clone, Debug)]
pub struct Header {
    pub height: i64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub state_root: [u8; 32],
    pub commands_root: [u8; 32],
    pub events_root: [u8; 32],
}

/// A decoded witness. Commands stay as their encodings, slices of the witness bytes (not copied): each is
/// decoded only when it is applied, and the slice is what the block's command commitment hashes.
pub struct Witness<'a> {
    pub pre_root: [u8; 32],
    pub state: State,
    pub commands: Vec<Cmd<'a>>,
    pub headers: Vec<Header>,
}

/// A command of the witness: an order as its sixteen encoding words (read in place: hashed and decoded without
/// packing bytes), or any command as its encoding's bytes.
#[derive(Clone, Copy)]
pub enum Cmd<'a> {
    Order(&'a [u32; 16]),
    Bytes(&'a [u8]),
}

/// A witness's bytes as the little-endian words it is made of, in place. A witness is whole words and lies on a
/// word boundary: in the guest (SP1's input buffer is 8-byte aligned; in a chain every witness's length is a
/// multiple of 4) and on a host reading it into a `Vec` (the allocator aligns it); anything else is refused.
pub fn words(bytes: &[u8]) -> &[u32] {
    assert!(bytes.as_ptr() as usize % 4 == 0 && bytes.len() % 4 == 0, "a witness is whole words on a word boundary");
    // SAFETY: aligned and sized for u32 (checked above), any bit pattern is a valid u32; the words are
    // little-endian like the guest's target and this host (checked at compile time below).
    unsafe { std::slice::from_raw_parts(bytes.as_ptr() as *const u32, bytes.len() / 4) }
}
const _: () = assert!(cfg!(target_endian = "little"), "a witness's words are read in place as little-endian");

/// Marks a phase for SP1's cycle tracker (`cycle-tracker-report-*` sums every entry of a name); nothing
/// natively. The line is a constant written with one `syscall_write`: through `println!` (formatting, stdout's
/// lock and line buffer) each marker cost about 900 cycles, ten per block, in the production guest too.
#[macro_export]
macro_rules! phase {
    (start, $name:literal) => {
        $crate::witness::phase_line(concat!("cycle-tracker-report-start: ", $name, "\n"))
    };
    (end, $name:literal) => {
        $crate::witness::phase_line(concat!("cycle-tracker-report-end: ", $name, "\n"))
    };
}

#[inline(always)]
pub fn phase_line(_line: &'static str) {
    #[cfg(target_os = "zkvm")]
    {
        extern "C" {
            fn syscall_write(fd: u32, write_buf: *const u8, nbytes: usize);
        }
        // SAFETY: SP1's write syscall reads `nbytes` bytes of a static string; fd 1 is the guest's stdout.
        unsafe { syscall_write(1, _line.as_ptr(), _line.len()) };
    }
}

/// Public values committed by the guest: 32+32+8+8+32 = 112 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicValues {
    pub pre_state_root: [u8; 32],
    pub post_state_root: [u8; 32],
    pub first_height: i64,
    pub last_height: i64,
    pub blocks_hash: [u8; 32],
}

impl PublicValues {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(112);
        v.extend_from_slice(&self.pre_state_root);
        v.extend_from_slice(&self.post_state_root);
        v.extend_from_slice(&self.first_height.to_be_bytes());
        v.extend_from_slice(&self.last_height.to_be_bytes());
        v.extend_from_slice(&self.blocks_hash);
        v
    }
}

const MAX_ITEMS: usize = 1 << 24;

/// Decodes a witness and checks every part of it against its pre-state root. Panics on any mismatch:
/// in the guest a panic means no proof can exist.
pub fn load(bytes: &[u8]) -> Witness<'_> {
    crate::phase!(start, "load");
    let mut r = Reader { w: words(bytes), b: bytes, at: 0 };
    assert_eq!(r.u32(), MAGIC, "not a ZKW6 witness");
    let pre_root = r.h();
    let mut st = State::new();
    st.partial = true;
    st.keep_events = false;
    st.height = r.i64();
    st.last_seq = r.i64();
    let accounts_root = r.hw();
    let deposits_root = r.hw();
    for _ in 0..r.count(256) {
        let a = Asset {
            asset_id: r.i32(),
            symbol: r.str(),
            scale: r.u8() as i32,
            fees_collected: r.i64(),
            total_deposited: r.i64(),
            total_withdrawn: r.i64(),
        };
        st.assets.insert(a.asset_id, a);
    }
    // (accountId, orderId, marketId, clientOrderId) of every listed order: sorted once, then merged with the
    // accounts (ascending ids), instead of a map of vectors (two allocations per account).
    // Sized once from the witness's length (a listed order takes at least 40 bytes, a placed one 68, in
    // disjoint parts of the rest of the witness): no growth by doubling, each of which copied the list. In
    // the guest (SP1's bump allocator) capacity never touched costs nothing.
    let max_orders = (bytes.len() - 4 * r.at) / 40;
    let mut orders_by_account: Vec<(i64, i64, i64)> = Vec::with_capacity(max_orders);
    let mut order_places = Vec::with_capacity(max_orders);
    for _ in 0..r.count(256) {
        let market_id = r.i32();
        if r.u8() == 0 {
            assert!(st.markets.find(&market_id).is_err(), "market {market_id} listed twice");
            assert!(st.opaque_markets.insert(market_id, r.hw()).is_none(), "market {market_id} listed twice");
            continue;
        }
        let symbol = r.str();
        let (base, quote) = (r.i32(), r.i32());
        let (tick_size, lot_size, min_notional) = (r.i64(), r.i64(), r.i64());
        let (maker, taker) = (r.i32(), r.i32());
        let status = if r.u8() == 2 { MarketStatus::HALTED } else { MarketStatus::ACTIVE };
        let scale = st.assets.get(&base).expect("a market's base asset").scale as u32;
        let mut m = Market {
            market_id,
            symbol,
            base,
            quote,
            tick_size,
            lot_size,
            min_notional,
            maker_fee_ppm: maker,
            taker_fee_ppm: taker,
            qptl: tick_size * lot_size / 10i64.pow(scale),
            status,
            bids: Default::default(),
            asks: Default::default(),
            // The listed orders and those the range places here (see `max_orders`): never grown.
            orders: Vec::with_capacity(max_orders),
            free_slots: Vec::new(),
            bid_levels: Tree::Full(crate::smt::Smt::new(PRICE_TREE_DEPTH)),
            ask_levels: Tree::Full(crate::smt::Smt::new(PRICE_TREE_DEPTH)),
            dirty_levels: Vec::new(),
            cached_leaf: None,
        };
        // Each side: its root, the levels the range reads or changes (ascending price) with their orders in
        // time priority, then the multiproof that ties those levels to the root.
        for side in [Side::BUY, Side::SELL] {
            let side_root = r.hw();
            let n = r.count(MAX_ITEMS);
            // The leaves become the multiproof's nodes (every height's): sized as MultiProof::new reserves, no copy.
            let (mut keys, mut leaves) = (Vec::with_capacity(n), Vec::with_capacity(n * (PRICE_TREE_DEPTH as usize + 1) + 1));
            // The side's levels, sized once (each doubling copied every level).
            match side {
                Side::BUY => m.bids.levels.reserve_exact(n),
                Side::SELL => m.asks.levels.reserve_exact(n),
            }
            for _ in 0..n {
                let price_ticks = r.i64();
                assert!(price_ticks > 0, "level price {price_ticks}");
                for _ in 0..r.count(MAX_ITEMS) {
                    // One record of ten words: one bounds check, ten loads.
                    let w = r.words::<10>();
                    let o = Order {
                        order_id: i64_at(w, 0),
                        account_id: i64_at(w, 2),
                        client_order_id: i64_at(w, 4),
                        side,
                        price_ticks,
                        remaining_lots: i64_at(w, 6),
                        hold: i64_at(w, 8),
                        index_hint: u32::MAX,
                    };
                    order_places.push((o.order_id, Some((market_id, side, price_ticks, o.account_id))));
                    orders_by_account.push((o.account_id, o.order_id, o.client_order_id));
                    assert!(m.rest(o), "order listed twice");
                }
                keys.push(price_ticks as u64);
                leaves.push(m.level_leaf(side, price_ticks));
            }
            let sibs = r.siblings();
            let (tree, root) = MultiProof::new(PRICE_TREE_DEPTH, keys, leaves, sibs, side_root);
            assert_eq!(root, side_root, "market {market_id}: the levels do not match the side root");
            match side {
                Side::BUY => m.bid_levels = Tree::Proof(tree),
                Side::SELL => m.ask_levels = Tree::Proof(tree),
            }
        }
        assert!(!st.opaque_markets.contains_key(&market_id) && st.markets.find(&market_id).is_err(), "market {market_id} listed twice");
        st.markets.insert(market_id, m);
    }
    st.order_index = OrderIndex::from_unsorted(order_places);
    orders_by_account.sort_unstable();
    let mut next_order = 0usize;
    // Accounts: the touched accounts (ascending id) with their balances, then the multiproof's siblings.
    let n = r.count(MAX_ITEMS);
    let (mut keys, mut leaves) = (Vec::with_capacity(n), Vec::with_capacity(n * (ACCOUNT_TREE_DEPTH as usize + 1) + 1));
    st.accounts.keys.reserve_exact(n);
    st.accounts.vals.reserve_exact(n);
    // Every listed account may change: the seal's list of changed accounts, sized once for every block.
    st.dirty_accounts.reserve_exact(n);
    for _ in 0..n {
        let head = r.words::<4>();
        let (id, open_count, assets) = (i64_at(head, 0), head[2] as usize, head[3] as usize);
        assert!(open_count <= MAX_OPEN_ORDERS as usize && assets <= 256, "account {id}: counts out of range");
        // Built in place at the end of the accounts (ids ascend, checked here and again by the multiproof),
        // not built apart and then moved in: an account is about 200 bytes, copied once more per account.
        assert!(st.accounts.keys.last().is_none_or(|last| *last < id), "accounts not in ascending id order");
        st.accounts.keys.push(id);
        st.accounts.vals.push(Account { open_count: open_count as i32, ..Default::default() });
        let a = st.accounts.vals.last_mut().unwrap();
        for _ in 0..assets {
            let w = r.words::<5>();
            a.balances.push(w[0] as i32, (i64_at(w, 1), i64_at(w, 3)));
        }
        // Its recent client order ids, oldest first: all of them, since the leaf below commits them.
        let recent = r.count(RECENT_CLIENT_ORDER_IDS);
        for _ in 0..recent {
            let w = r.words::<4>();
            a.recent.push_back((i64_at(w, 0), i64_at(w, 2)));
        }
        // Orders of accounts the witness does not list are skipped (the range never touches those accounts).
        let mut listed = 0i32;
        while next_order < orders_by_account.len() && orders_by_account[next_order].0 <= id {
            let (owner, oid, coid) = orders_by_account[next_order];
            next_order += 1;
            if owner != id {
                continue;
            }
            listed += 1;
            if coid != 0 {
                a.client_ids.insert(coid, oid);
            }
        }
        assert!(listed <= a.open_count, "account {id}: more orders in the witness than it has open");
        keys.push(id as u64);
        leaves.push(a.leaf(id));
    }
    st.index_accounts();
    let sibs = r.siblings();
    let (tree, root) = MultiProof::new(ACCOUNT_TREE_DEPTH, keys, leaves, sibs, accounts_root);
    assert_eq!(root, accounts_root, "the accounts do not match the accounts root");
    // Deposits: the external ids the range presents (ascending), each with its leaf (zero if not credited).
    let n = r.count(MAX_ITEMS);
    let (mut keys, mut leaves) = (Vec::with_capacity(n), Vec::with_capacity(n * (DEPOSIT_TREE_DEPTH as usize + 1) + 1));
    for _ in 0..n {
        let id = r.i64();
        keys.push(id as u64);
        leaves.push(r.hw());
        st.known_deposits.insert(id);
    }
    let sibs = r.siblings();
    let (deposits, root) = MultiProof::new(DEPOSIT_TREE_DEPTH, keys, leaves, sibs, deposits_root);
    assert_eq!(root, deposits_root, "the deposits do not match the deposits root");
    st.account_tree = Some(Tree::Proof(tree));
    st.deposit_tree = Some(Tree::Proof(deposits));
    let n = r.count(MAX_ITEMS);
    let mut commands = Vec::with_capacity(n);
    let mut orders = 0usize;
    for _ in 0..n {
        if r.w.get(r.at) == Some(&ORDER_WORDS) {
            r.at += 1;
            let w = r.words::<16>();
            assert_eq!(w[0] >> 24, 0x06, "an order's words do not encode a PlaceOrder");
            orders += 1;
            commands.push(Cmd::Order(w));
        } else {
            commands.push(Cmd::Bytes(r.bytes((1 << 16) - 1)));
        }
    }
    for m in st.markets.vals.iter_mut() {
        // Each market's order slab grows to at most its orders now plus the orders the range places: reserved
        // once (growing it by doubling copied the slab, about 1 % of a 1,000-order block). Bounded by all the
        // range's orders, not counted per market (a market lookup per order, about 20 cycles): capacity never
        // written costs nothing with the guest's bump allocator.
        m.orders.reserve(orders);
        // A level is listed as changed at most once per root (twice if it empties and comes back, which takes
        // an order): the known levels and the new ones the range's orders may open bound the list.
        m.dirty_levels.reserve(m.bids.levels.len() + m.asks.levels.len() + orders);
    }
    let n = r.count(MAX_ITEMS);
    let mut headers = Vec::with_capacity(n);
    for _ in 0..n {
        headers.push(Header {
            height: r.i64(),
            first_seq: r.i64(),
            last_seq: r.i64(),
            state_root: r.h(),
            commands_root: r.h(),
            events_root: r.h(),
        });
    }
    assert_eq!(r.at, r.w.len(), "trailing words in witness");
    crate::phase!(end, "load");
    crate::phase!(start, "pre_root");
    let computed = st.state_root();
    assert_eq!(computed, pre_root, "the witness does not match its pre-state root");
    crate::phase!(end, "pre_root");
    Witness { pre_root, state: st, commands, headers }
}

/// Re-executes the range and checks every block against its recorded header.
pub fn execute(w: Witness) -> PublicValues {
    let mut blocks = Vec::new();
    let (pre_state_root, post_state_root, first_height, last_height) = execute_into(w, &mut blocks, true);
    PublicValues { pre_state_root, post_state_root, first_height, last_height, blocks_hash: crate::sha::sha256(&blocks) }
}

/// Magic of a chain of range witnesses: "ZKWC" ‖ count:u32 ‖ count × (length:u32 ‖ ZKW6 witness), the chain's
/// own fields big-endian.
pub const CHAIN_MAGIC: u32 = 0x5A4B5743;
/// At most this many ranges in one chain (the prover's cycle budget bounds it well below).
pub const MAX_CHAIN: usize = 4096;

/// Runs a witness or a chain of witnesses (docs/zk.md): a chain proves consecutive ranges in one proof, each
/// range's pre-state root the previous one's post-state root and its first height the next; the public values
/// are exactly those of one range over the whole span (blocks_hash over every header in order), so a proof of
/// a chain reads like a proof of a single range. Ranges are loaded one at a time; in the guest (SP1's bump
/// allocator, nothing freed) memory is the sum of what they allocate and write, which the cycle budget bounds.
pub fn run(bytes: &[u8]) -> PublicValues {
    if bytes.len() < 4 || u32::from_be_bytes(bytes[0..4].try_into().unwrap()) != CHAIN_MAGIC {
        return execute(load(bytes));
    }
    let count = u32::from_be_bytes(bytes[4..8].try_into().expect("chain count")) as usize;
    assert!(count >= 1 && count <= MAX_CHAIN, "a chain holds 1..{MAX_CHAIN} ranges");
    let mut at = 8usize;
    let mut blocks = Vec::new();
    let mut span: Option<([u8; 32], [u8; 32], i64, i64)> = None;
    for i in 0..count {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("range length")) as usize;
        at += 4;
        let part = &bytes[at..at.checked_add(len).expect("range length")];
        at += len;
        let (pre, post, first, last) = execute_into(load(part), &mut blocks, i + 1 == count);
        span = Some(match span {
            None => (pre, post, first, last),
            Some((first_pre, prev_post, first_height, prev_last)) => {
                assert_eq!(pre, prev_post, "range {first}: its pre-state root is not the previous range's post-state root");
                assert_eq!(first, prev_last + 1, "range {first}: heights are not contiguous");
                (first_pre, post, first_height, last)
            }
        });
    }
    assert_eq!(at, bytes.len(), "trailing bytes in chain");
    let (pre_state_root, post_state_root, first_height, last_height) = span.expect("count >= 1");
    PublicValues { pre_state_root, post_state_root, first_height, last_height, blocks_hash: crate::sha::sha256(&blocks) }
}

/// Executes one range, appending its headers' encodings to `blocks`; returns (pre root, post root, first, last).
/// `last`: no range follows, so in the guest the state is not freed (the program ends; freeing every map
/// node cost about 3 % of a block's cycles).
fn execute_into(w: Witness, blocks: &mut Vec<u8>, last: bool) -> ([u8; 32], [u8; 32], i64, i64) {
    let Witness { pre_root, mut state, commands, headers } = w;
    assert!(!headers.is_empty(), "a range has at least one block");
    let mut events = Vec::new();
    let mut next_header = 0usize;
    blocks.reserve(headers.len() * 112);
    let mut post_root = pre_root;
    crate::phase!(start, "execute");
    let mut last_is_seal = false;
    for cmd in &commands {
        events.clear();
        // Orders (almost every command) come as the words the command commitment hashes: no bytes to pack.
        let encoding = match *cmd {
            Cmd::Order(w) => {
                state.apply_order(&place_fields(w), w, &mut events);
                last_is_seal = false;
                continue;
            }
            Cmd::Bytes(b) => b,
        };
        let c = decode_command(encoding);
        last_is_seal = matches!(c, Command::SealBlock { .. });
        state.apply_encoded(&c, Some(Encoding::Bytes(encoding)), &mut events);
        for e in &events {
            if let Event::BlockSealed { height, first_seq, last_seq, .. } = e {
                let [state_root, commands_root, events_root] = &state.sealed_roots;
                let h = headers.get(next_header).expect("more blocks sealed than headers");
                next_header += 1;
                assert_eq!(*height, h.height, "block height");
                assert_eq!(*first_seq, h.first_seq, "block {height}: first seq");
                assert_eq!(*last_seq, h.last_seq, "block {height}: last seq");
                assert_eq!(*state_root, h.state_root, "block {height}: recorded state root is wrong");
                assert_eq!(*commands_root, h.commands_root, "block {height}: commands root");
                assert_eq!(*events_root, h.events_root, "block {height}: events root");
                blocks.extend_from_slice(&h.height.to_be_bytes());
                blocks.extend_from_slice(&h.first_seq.to_be_bytes());
                blocks.extend_from_slice(&h.last_seq.to_be_bytes());
                blocks.extend_from_slice(&h.state_root);
                blocks.extend_from_slice(&h.commands_root);
                blocks.extend_from_slice(&h.events_root);
                post_root = h.state_root;
            }
        }
    }
    crate::phase!(end, "execute");
    assert_eq!(next_header, headers.len(), "headers without a sealed block");
    assert!(last_is_seal, "a range ends with a SealBlock");
    let span = (pre_root, post_root, headers[0].height, headers[headers.len() - 1].height);
    if last && cfg!(target_os = "zkvm") {
        std::mem::forget(state);
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order fast path reads what the encoder writes; a wrong length is refused.
    #[test]
    fn place_order_decodes_from_its_encoding() {
        let c = Command::PlaceOrder {
            seq: 77, timestamp_ms: 1_767_225_600_123, account_id: 4_000_000_001, market_id: 3, client_order_id: 9,
            side: Some(Side::SELL), order_type: Some(OrderType::LIMIT), tif: Some(TimeInForce::POST_ONLY),
            price: 123_450_000, qty: 7_000, quote_qty: 0,
        };
        let b = crate::enc::encode_command(&c);
        assert_eq!(b.len(), 64);
        assert_eq!(decode_command(&b), c);
        assert!(std::panic::catch_unwind(|| decode_command(&b[..63])).is_err());
        let mut longer = b.clone();
        longer.push(0);
        assert!(std::panic::catch_unwind(|| decode_command(&longer)).is_err());
    }

    /// An order's witness words decode to the order; a witness off a word boundary or not whole words is refused.
    #[test]
    fn order_words_decode_and_a_witness_is_whole_words() {
        let c = Command::PlaceOrder {
            seq: 78, timestamp_ms: 1_767_225_600_124, account_id: 12, market_id: 258, client_order_id: 0,
            side: Some(Side::BUY), order_type: Some(OrderType::MARKET), tif: Some(TimeInForce::IOC),
            price: 0, qty: 0, quote_qty: 5_000_000,
        };
        let be = order_words(crate::enc::encode_command(&c)[..].try_into().unwrap());
        assert_eq!(decode_place_order_words(&be), c);
        let buf = vec![0u32; 4];
        let bytes = unsafe { std::slice::from_raw_parts(buf.as_ptr() as *const u8, 16) };
        assert_eq!(words(bytes).len(), 4);
        assert!(std::panic::catch_unwind(|| words(&bytes[1..13])).is_err());
        assert!(std::panic::catch_unwind(|| words(&bytes[..14])).is_err());
    }
}
