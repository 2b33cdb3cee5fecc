//! The exchange state machine, implemented from docs/engine-spec.md (the Java engine is the other
//! implementation; the golden vectors hold both to the same events and roots).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::enc::{write_command, write_event};
use crate::sha::Hasher;
use crate::smt::{Hash, Smt, Tree, Z};
use crate::types::*;

/// Tree depths (docs/engine-spec.md §6): every level a tree does not need is one more node hash per touched
/// path, at load and again at the seal. Account ids are dense from 1; prices are bounded by the price filter;
/// external deposit ids are the bridge's own, so their tree keeps all 64 bits.
pub const ACCOUNT_TREE_DEPTH: u32 = 24;
pub const PRICE_TREE_DEPTH: u32 = 32;
pub const DEPOSIT_TREE_DEPTH: u32 = 64;
pub const MAX_ACCOUNT_ID: i64 = (1 << ACCOUNT_TREE_DEPTH) - 1;
/// The price filter's upper end in ticks (§3.1 step 4).
pub const MAX_PRICE_TICKS: i64 = (1 << PRICE_TREE_DEPTH) - 1;
pub const MAX_OPEN_ORDERS: i32 = 1_000;
/// How many accepted client order ids an account remembers (docs/engine-spec.md §3.3).
pub const RECENT_CLIENT_ORDER_IDS: usize = 64;
pub const MAX_ASSETS: usize = 256;
pub const MAX_MARKETS: usize = 256;
pub const PPM: i64 = 1_000_000;

pub fn fee_floor(n: i64, r: i64) -> i64 {
    (n / PPM) * r + (n % PPM) * r / PPM
}

pub fn fee_ceil(n: i64, r: i64) -> i64 {
    (n / PPM) * r + ((n % PPM) * r + PPM - 1) / PPM
}

fn buy_hold(price_ticks: i64, lots: i64, qptl: i64, fee: i64) -> Option<i64> {
    let notional = price_ticks.checked_mul(lots)?.checked_mul(qptl)?;
    notional.checked_add(fee_ceil(notional, fee))
}

fn affordable_lots(budget: i64, price_ticks: i64, qptl: i64, fee: i64) -> i64 {
    let unit = price_ticks * qptl;
    let mut lo = 0i64;
    let mut hi = budget / unit;
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2;
        let n = mid * unit;
        if fee_floor(n, fee) <= budget - n {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

#[derive(Clone, Debug)]
pub struct Asset {
    pub asset_id: i32,
    pub symbol: String,
    pub scale: i32,
    pub fees_collected: i64,
    pub total_deposited: i64,
    pub total_withdrawn: i64,
}

#[derive(Clone, Debug)]
pub struct Order {
    pub order_id: i64,
    pub account_id: i64,
    pub client_order_id: i64,
    pub side: Side,
    pub price_ticks: i64,
    pub remaining_lots: i64,
    pub hold: i64,
    /// Where the order's entry was put in `State::order_index` (u32::MAX: unknown): a filled maker's entry is
    /// found by one compare instead of a binary search of the index (about 40 cycles per fill). Only a hint:
    /// checked against the id, and stale after the index sweeps its tombstones.
    pub index_hint: u32,
}

/// An order's place in its book side: (priceTicks, orderId).
type Key = (i64, i64);

/// A price level: its orders in time priority (ascending order id, which is priority: an id is the seq of
/// the command that placed it) as (orderId, slot in `Market::orders`). Filled orders leave from the front
/// (`head` moves on, nothing shifts); a cancel in the middle shifts the rest of the level only.
#[derive(Clone, Debug)]
pub struct Level {
    pub price_ticks: i64,
    head: usize,
    orders: Vec<(i64, u32)>,
    /// Changed since the last root (then listed in `Market::dirty_levels`).
    dirty: bool,
}

impl Level {
    fn live(&self) -> &[(i64, u32)] {
        &self.orders[self.head..]
    }
    fn find(&self, order_id: i64) -> Option<usize> {
        self.live().binary_search_by_key(&order_id, |e| e.0).ok().map(|i| i + self.head)
    }
}

/// One side of a book: its levels from the worst price to the best, so that the best is the last (the one
/// matching empties most, a pop) and a new level near the best shifts few. A sorted vector of levels replaced
/// a BTreeMap of orders: its inserts and removes were a tenth of a 1,000-order block's cycles.
#[derive(Clone, Debug, Default)]
pub struct BookSide {
    pub levels: Vec<Level>,
    /// The order vectors of emptied levels, for the next new level: at the best price levels empty and
    /// reappear all the time, and an allocation, its growth and its free cost more than the level's work.
    spare: Vec<Vec<(i64, u32)>>,
}

impl BookSide {
    /// Levels ascend in this rank: worst first (asks: descending price; bids: ascending price).
    #[inline(always)]
    fn rank(side: Side, price_ticks: i64) -> i64 {
        match side {
            Side::BUY => price_ticks,
            Side::SELL => -price_ticks,
        }
    }
    #[inline(always)]
    fn find(&self, side: Side, price_ticks: i64) -> Result<usize, usize> {
        let n = self.levels.len();
        if let Some(best) = self.levels.last() {
            if best.price_ticks == price_ticks {
                return Ok(n - 1);
            }
            // Better than the best: a new best level (an order inside the spread, common at the top of a book).
            if Self::rank(side, price_ticks) > Self::rank(side, best.price_ticks) {
                return Err(n);
            }
        }
        self.search(side, price_ticks)
    }
    /// The binary search, one comparison per probe for each side (the rank's match was in every probe).
    fn search(&self, side: Side, price_ticks: i64) -> Result<usize, usize> {
        match side {
            Side::BUY => self.levels.binary_search_by(|l| l.price_ticks.cmp(&price_ticks)),
            Side::SELL => self.levels.binary_search_by(|l| price_ticks.cmp(&l.price_ticks)),
        }
    }
    fn level(&self, side: Side, price_ticks: i64) -> Option<&Level> {
        self.find(side, price_ticks).ok().map(|i| &self.levels[i])
    }
    /// The slots of the side's orders in priority order.
    fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.levels.iter().rev().flat_map(|l| l.live().iter().map(|e| e.1))
    }
    fn best(&self) -> Option<u32> {
        self.levels.last().map(|l| l.orders[l.head].1)
    }
    /// Adds an order: the position of its level, None (nothing changed) when its id is already on the level.
    /// Inlined (into placing, for each resting order): the call saved and restored ten registers.
    #[inline(always)]
    fn insert(&mut self, side: Side, price_ticks: i64, order_id: i64, slot: u32) -> Option<usize> {
        let i = match self.find(side, price_ticks) {
            Ok(i) => i,
            Err(i) => {
                let orders = self.spare.pop().unwrap_or_else(|| Vec::with_capacity(16));
                self.levels.insert(i, Level { price_ticks, head: 0, orders, dirty: false });
                i
            }
        };
        let l = &mut self.levels[i];
        if l.orders.last().is_none_or(|e| e.0 < order_id) || l.head == l.orders.len() {
            if l.orders.len() == l.orders.capacity() && l.head > 0 {
                // The front holds orders already filled (a fill moves `head` on): reclaim it rather than grow,
                // which copies every entry, the dead ones too, into a new allocation (the guest's bump
                // allocator never frees the old one).
                l.orders.drain(..l.head);
                l.head = 0;
            }
            l.orders.push((order_id, slot));
            return Some(i);
        }
        match l.live().binary_search_by_key(&order_id, |e| e.0) {
            Ok(_) => None,
            Err(j) => {
                let at = l.head + j;
                l.orders.insert(at, (order_id, slot));
                Some(i)
            }
        }
    }
    /// Removes an order; its slot.
    fn remove(&mut self, side: Side, key: &Key) -> Option<u32> {
        let i = self.find(side, key.0).ok()?;
        let l = &mut self.levels[i];
        let slot = if l.orders.get(l.head).is_some_and(|e| e.0 == key.1) {
            l.head += 1;
            l.orders[l.head - 1].1
        } else {
            let j = l.find(key.1)?;
            l.orders.remove(j).1
        };
        if l.head == l.orders.len() {
            // Usually the best level, the last: a pop, where a remove calls memmove even to move nothing.
            let level = if i + 1 == self.levels.len() { self.levels.pop().unwrap() } else { self.levels.remove(i) };
            let mut orders = level.orders;
            if self.spare.len() < 64 {
                orders.clear();
                self.spare.push(orders);
            }
        }
        Some(slot)
    }
    fn slot(&self, side: Side, key: &Key) -> Option<u32> {
        let l = self.level(side, key.0)?;
        if l.orders.get(l.head).is_some_and(|e| e.0 == key.1) {
            return Some(l.orders[l.head].1);
        }
        l.find(key.1).map(|j| l.orders[j].1)
    }
}

#[derive(Clone, Debug)]
pub struct Market {
    pub market_id: i32,
    pub symbol: String,
    pub base: i32,
    pub quote: i32,
    pub tick_size: i64,
    pub lot_size: i64,
    pub min_notional: i64,
    pub maker_fee_ppm: i32,
    pub taker_fee_ppm: i32,
    pub qptl: i64,
    pub status: MarketStatus,
    /// Each side's orders by level, as positions in `orders`.
    pub bids: BookSide,
    pub asks: BookSide,
    /// The resting orders both sides point into, a slab whose freed slots are reused: a map insert or
    /// remove then shifts 20-byte entries, not 72-byte ones (the memmoves were a tenth of a block's cycles).
    pub orders: Vec<Order>,
    pub free_slots: Vec<u32>,
    /// The book's commitment (docs/engine-spec.md §6): per side, a tree of price levels keyed by priceTicks.
    /// In a guest it knows only the witness's levels; `bids`/`asks` then hold only their orders.
    pub bid_levels: Tree,
    pub ask_levels: Tree,
    /// Levels changed since the last root: (side code, priceTicks); a level emptied and made again may repeat.
    pub dirty_levels: Vec<(u8, i64)>,
    /// The market's leaf as of the last root, None once it changed (`State::market_mut`): a range of many
    /// blocks hashes an untouched book once, not once per block.
    pub cached_leaf: Option<Hash>,
}

impl Market {
    fn hold_fee(&self) -> i64 {
        self.maker_fee_ppm.max(self.taker_fee_ppm) as i64
    }
    fn side(&self, s: Side) -> &BookSide {
        match s {
            Side::BUY => &self.bids,
            Side::SELL => &self.asks,
        }
    }
    fn side_mut(&mut self, s: Side) -> &mut BookSide {
        match s {
            Side::BUY => &mut self.bids,
            Side::SELL => &mut self.asks,
        }
    }
    /// The side's orders in priority order.
    fn resting(&self, s: Side) -> impl Iterator<Item = &Order> + '_ {
        self.side(s).slots().map(|i| &self.orders[i as usize])
    }
    fn best(&self, s: Side) -> Option<(Key, &Order)> {
        self.side(s).best().map(|i| {
            let o = &self.orders[i as usize];
            ((o.price_ticks, o.order_id), o)
        })
    }
    /// Puts an order on its side; false (and nothing changed) when its key is already there.
    pub(crate) fn rest(&mut self, o: Order) -> bool {
        self.rest_at(o).is_some()
    }
    /// `rest`, answering the position of the order's level on its side. Inlined, so that the order is built
    /// in its slot rather than built, passed by value and copied there (72 bytes, twice).
    #[inline(always)]
    fn rest_at(&mut self, o: Order) -> Option<usize> {
        let slot = self.free_slots.last().copied().unwrap_or(self.orders.len() as u32);
        let i = self.side_mut(o.side).insert(o.side, o.price_ticks, o.order_id, slot)?;
        if (slot as usize) < self.orders.len() {
            self.free_slots.pop();
            self.orders[slot as usize] = o;
        } else {
            self.orders.push(o);
        }
        Some(i)
    }
    /// `rest` then `touch`, with the level's position from the insert: searching the side again for the level
    /// (a binary search unless it is the best) cost about 40 cycles per resting order in the guest.
    #[inline(always)]
    fn rest_touched(&mut self, o: Order) {
        let (side, price_ticks) = (o.side, o.price_ticks);
        match self.rest_at(o) {
            Some(i) => {
                let l = &mut self.side_mut(side).levels[i];
                if !l.dirty {
                    l.dirty = true;
                    self.dirty_levels.push((side.code(), price_ticks));
                }
            }
            None => self.touch(side, price_ticks),
        }
    }
    /// Takes the order at `key` off its side.
    fn take(&mut self, s: Side, key: &Key) -> Option<Order> {
        let i = self.remove(s, key)?;
        Some(self.orders[i as usize].clone())
    }
    /// `take` without the order's copy (72 bytes, a memcpy call): a filled maker's values are already known.
    /// Its freed slot.
    fn remove(&mut self, s: Side, key: &Key) -> Option<u32> {
        let i = self.side_mut(s).remove(s, key)?;
        self.free_slots.push(i);
        Some(i)
    }
    fn order_mut(&mut self, s: Side, key: &Key) -> &mut Order {
        let i = self.side(s).slot(s, key).expect("order on its side");
        &mut self.orders[i as usize]
    }
    fn key(_side: Side, price_ticks: i64, order_id: i64) -> Key {
        (price_ticks, order_id)
    }
    /// Marks a level changed (call it while the level is on the book: before taking its last order, after
    /// resting a new one). A flag on the level, so that a level touched by many fills is listed once.
    fn touch(&mut self, side: Side, price_ticks: i64) {
        let book = match side {
            Side::BUY => &mut self.bids,
            Side::SELL => &mut self.asks,
        };
        if let Ok(i) = book.find(side, price_ticks) {
            let l = &mut book.levels[i];
            if l.dirty {
                return;
            }
            l.dirty = true;
        }
        self.dirty_levels.push((side.code(), price_ticks));
    }

    /// The guest may take a known level as the best of its side only if no level it was not given could
    /// be better (docs/zk.md §Witness); a witness without that level cannot be proven.
    fn check_best(&self, side: Side, price_ticks: i64) {
        let ok = match side {
            Side::SELL => self.ask_levels.hidden().0.is_none_or(|lo| (price_ticks as u64) < lo),
            Side::BUY => self.bid_levels.hidden().1.is_none_or(|hi| (price_ticks as u64) > hi),
        };
        assert!(ok, "market {}: the witness lacks a level better than {price_ticks}", self.market_id);
    }

    /// No known order is left on `side`: then no unknown level may exist that the order (limit `limit`,
    /// None for a market order) would have reached.
    fn check_exhausted(&self, side: Side, limit: Option<i64>) {
        let ok = match side {
            Side::SELL => self.ask_levels.hidden().0.is_none_or(|lo| limit.is_some_and(|l| lo > l as u64)),
            Side::BUY => self.bid_levels.hidden().1.is_none_or(|hi| limit.is_some_and(|l| hi < l as u64)),
        };
        assert!(ok, "market {}: the witness lacks a level of side {:?} the order could reach", self.market_id, side);
    }

    pub(crate) fn level_leaf(&self, side: Side, price_ticks: i64) -> Hash {
        match self.side(side).level(side, price_ticks) {
            Some(level) => self.leaf_of(side, level),
            None => Z,
        }
    }

    /// The leaf of a level of `side` (Z when no order on it is live).
    fn leaf_of(&self, side: Side, level: &Level) -> Hash {
        let price_ticks = level.price_ticks;
        let live = level.live();
        if live.is_empty() {
            return Z;
        }
        let mut e = Hasher::leaf();
        let mut c = e.cur();
        c.u8(0x1A).u32(self.market_id).u8(side.code()).u64(price_ticks).u32(live.len() as i32);
        for (_, slot) in live {
            let o = &self.orders[*slot as usize];
            c.u64x5_at16([o.order_id, o.account_id, o.client_order_id, o.remaining_lots, o.hold]);
        }
        drop(c);
        e.finish_words()
    }

    fn flush_levels(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty_levels);
        // A level that empties and comes back is listed again, and at the best price that is common: each level
        // on the book is hashed once, at its first entry, which clears its flag (every listed level on the book
        // is flagged: `touch`, `rest_touched`). A level no longer on the book is empty (Z) however often it is
        // listed. Hashing the repeats cost 54,000 cycles of a 1,000-order block, sorting them out 15,000.
        let (mut bids, mut asks) = (Vec::with_capacity(dirty.len()), Vec::with_capacity(dirty.len()));
        for &(code, price) in &dirty {
            let side = if code == Side::BUY.code() { Side::BUY } else { Side::SELL };
            let book = self.side_mut(side);
            let leaf = match book.find(side, price) {
                Ok(i) if !book.levels[i].dirty => continue,
                Ok(i) => {
                    book.levels[i].dirty = false;
                    self.leaf_of(side, &self.side(side).levels[i])
                }
                Err(_) => Z,
            };
            if side == Side::BUY {
                bids.push((price as u64, leaf));
            } else {
                asks.push((price as u64, leaf));
            }
        }
        self.bid_levels.put_many(&bids);
        self.ask_levels.put_many(&asks);
        // Back empty with its capacity (sized at the witness load): growing it again cost an allocation per seal.
        dirty.clear();
        self.dirty_levels = dirty;
    }

    fn crosses(maker: &Order, limit: i64) -> bool {
        match maker.side {
            Side::SELL => maker.price_ticks <= limit,
            Side::BUY => maker.price_ticks >= limit,
        }
    }
    pub fn leaf(&mut self) -> Hash {
        self.flush_levels();
        let (bids_root, asks_root) = (self.bid_levels.root(), self.ask_levels.root());
        let mut e = Hasher::leaf();
        e.u8(0x14).u32(self.market_id).str(&Some(self.symbol.clone())).u32(self.base).u32(self.quote)
            .u64(self.tick_size).u64(self.lot_size).u64(self.min_notional).u32(self.maker_fee_ppm)
            .u32(self.taker_fee_ppm).u8(self.status.code()).hash(&bids_root).hash(&asks_root);
        e.finish_words()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Account {
    /// (assetId, (available, locked)), ascending asset id: a scan of a few entries beats a map in the zkVM.
    pub balances: Balances,
    pub client_ids: BTreeMap<i64, i64>,  // clientOrderId -> orderId
    /// Changed since the last root (its id is then in `State::dirty_accounts`).
    pub dirty: bool,
    /// Open orders in every market (committed in the leaf): a guest knows only those in its witness's levels.
    pub open_count: i32,
    /// (clientOrderId, orderId) of the last accepted orders with a client order id, oldest first (spec §3.3);
    /// committed in the leaf, so a guest always knows them all.
    pub recent: VecDeque<(i64, i64)>,
}

/// An account's balances, (assetId, (available, locked)) ascending by asset id: up to four in the value itself,
/// more on the heap. A `Vec` cost an allocation per account at every witness load (a block touches each of its
/// traders' accounts) and a pointer chase per access; traders hold a few assets.
#[derive(Clone, Debug, Default)]
pub struct Balances {
    len: usize,
    inline: [(i32, (i64, i64)); BALANCES_INLINE],
    /// Every entry once there are more than `BALANCES_INLINE` (then `inline` is unused).
    heap: Vec<(i32, (i64, i64))>,
}

const BALANCES_INLINE: usize = 4;

impl Balances {
    #[inline(always)]
    pub fn as_slice(&self) -> &[(i32, (i64, i64))] {
        if self.len <= BALANCES_INLINE { &self.inline[..self.len] } else { &self.heap }
    }
    #[inline(always)]
    fn as_mut_slice(&mut self) -> &mut [(i32, (i64, i64))] {
        if self.len <= BALANCES_INLINE { &mut self.inline[..self.len] } else { &mut self.heap }
    }
    pub fn iter(&self) -> std::slice::Iter<'_, (i32, (i64, i64))> {
        self.as_slice().iter()
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Appends a balance of an asset above every one present (a witness lists them ascending).
    pub(crate) fn push(&mut self, asset: i32, b: (i64, i64)) {
        assert!(self.as_slice().last().is_none_or(|l| l.0 < asset), "balances not in ascending asset order");
        if self.len < BALANCES_INLINE {
            self.inline[self.len] = (asset, b);
            self.len += 1;
        } else {
            self.insert(self.len, (asset, b));
        }
    }
    #[cold]
    #[inline(never)]
    fn insert(&mut self, i: usize, e: (i32, (i64, i64))) {
        if self.len < BALANCES_INLINE {
            self.inline.copy_within(i..self.len, i + 1);
            self.inline[i] = e;
        } else {
            if self.len == BALANCES_INLINE {
                self.heap = self.inline.to_vec();
            }
            self.heap.insert(i, e);
        }
        self.len += 1;
    }
}

impl Account {
    #[inline(always)]
    fn avail(&self, asset: i32) -> i64 {
        let b = &self.balances;
        if b.len <= BALANCES_INLINE {
            let mut i = 0;
            while i < b.len {
                if b.inline[i].0 == asset {
                    return b.inline[i].1 .0;
                }
                i += 1;
            }
            return 0;
        }
        b.heap.iter().find(|b| b.0 == asset).map_or(0, |b| b.1 .0)
    }
    /// The balance of `asset`, added (zero) if absent. The common case first: a few inline balances, one of them
    /// the asset (a fill settles three or four balances per account, each through here).
    #[inline(always)]
    pub(crate) fn bal(&mut self, asset: i32) -> &mut (i64, i64) {
        let b = &self.balances;
        if b.len <= BALANCES_INLINE {
            let mut i = 0;
            while i < b.len && b.inline[i].0 != asset {
                i += 1;
            }
            if i < b.len {
                return &mut self.balances.inline[i].1;
            }
        }
        self.bal_slow(asset)
    }

    #[inline(never)]
    fn bal_slow(&mut self, asset: i32) -> &mut (i64, i64) {
        let s = self.balances.as_slice();
        let mut i = 0;
        while i < s.len() && s[i].0 < asset {
            i += 1;
        }
        if i == s.len() || s[i].0 != asset {
            self.balances.insert(i, (asset, (0, 0)));
        }
        &mut self.balances.as_mut_slice()[i].1
    }
    pub fn leaf(&self, account_id: i64) -> Hash {
        let nonzero = |b: &&(i32, (i64, i64))| b.1 .0 != 0 || b.1 .1 != 0;
        let n = self.balances.iter().filter(nonzero).count();
        if n == 0 && self.recent.is_empty() {
            return Z;
        }
        if n <= 2 && self.recent.is_empty() {
            return self.leaf_one_block(account_id, n);
        }
        self.leaf_fields(account_id, n)
    }

    /// The leaf of the commonest account (no recent client order ids, one or two non-zero balances: 34 or 54
    /// bytes, one SHA-256 block with its padding) laid out straight into the block's sixteen words. Through the
    /// field hasher (`leaf_fields`, the same bytes) a leaf cost about 240 cycles, most of it the per-field
    /// bookkeeping and the padding loop; a block hashes each trader's leaf at the load and again at the seal.
    fn leaf_one_block(&self, account_id: i64, n: usize) -> Hash {
        debug_assert!((1..=2).contains(&n) && self.recent.is_empty());
        let id = account_id as u64;
        // The encoding after its tag byte, as big-endian words (id, openOrders:u16 ‖ n:u16, then each non-zero
        // balance: asset, available, locked).
        let mut v = [0u32; 13];
        v[0] = (id >> 32) as u32;
        v[1] = id as u32;
        v[2] = (self.open_count as u16 as u32) << 16 | n as u32;
        let mut k = 3;
        for (a, (avail, locked)) in self.balances.iter().filter(|b| b.1 .0 != 0 || b.1 .1 != 0) {
            v[k] = *a as u32;
            v[k + 1] = (*avail as u64 >> 32) as u32;
            v[k + 2] = *avail as u32;
            v[k + 3] = (*locked as u64 >> 32) as u32;
            v[k + 4] = *locked as u32;
            k += 5;
        }
        // The tag byte moves every later byte one place on: each block word is the previous value's low byte
        // followed by the next value's top three bytes.
        let mut w = [0u32; 16];
        let mut carry = 0x10u32;
        for i in 0..k {
            w[i] = carry << 24 | v[i] >> 8;
            carry = v[i] & 0xFF;
        }
        // The last value's low byte, the recent-id count (0), the padding's 0x80; zeros; the length in bits.
        w[k] = carry << 24 | 0x80 << 8;
        w[15] = ((14 + 20 * n) * 8) as u32;
        crate::sha::sha256_one_block(&w)
    }

    /// The leaf through the field hasher (docs/engine-spec.md §6): any account.
    pub fn leaf_fields(&self, account_id: i64, n: usize) -> Hash {
        let nonzero = |b: &&(i32, (i64, i64))| b.1 .0 != 0 || b.1 .1 != 0;
        let mut e = Hasher::leaf();
        let mut c = e.cur();
        // Counts of 16 bits (v6): two assets and no recent ids make 54 bytes, one compression (58 were two).
        c.u8(0x10).u64(account_id).u16(self.open_count as u16).u16(n as u16);
        for (a, b) in self.balances.iter().filter(nonzero) {
            c.u32(*a).u64(b.0).u64(b.1);
        }
        c.u8(self.recent.len() as u8);
        for (cid, oid) in &self.recent {
            c.u64(*cid).u64(*oid);
        }
        drop(c);
        e.finish_words()
    }

    /// An accepted order's client order id; the 65th evicts the oldest.
    fn remember(&mut self, client_order_id: i64, order_id: i64) {
        if self.recent.len() == RECENT_CLIENT_ORDER_IDS {
            self.recent.pop_front();
        }
        self.recent.push_back((client_order_id, order_id));
    }

    /// The order that already carries `client_order_id` (open, or among the recent ids), or 0 when none does
    /// (an accepted order's id is its seq, never 0). A scan of at most 64, as in the Java engine.
    pub fn prior_order_id(&self, client_order_id: i64) -> i64 {
        if let Some(oid) = self.client_ids.get(&client_order_id) {
            return *oid;
        }
        self.recent.iter().find(|(cid, _)| *cid == client_order_id).map_or(0, |(_, oid)| *oid)
    }
}

/// A command's canonical encoding as a witness holds it: its bytes, or (an order) its sixteen big-endian words,
/// already packed once for decoding.
#[derive(Clone, Copy)]
pub enum Encoding<'a> {
    Bytes(&'a [u8]),
    Words(&'a [u32; 16]),
}

/// A PlaceOrder's fields, all that placing it reads: a witness's orders are decoded from their words straight into
/// this (`witness::place_fields`), not into a `Command` that is matched, destructured and copied again on the way
/// to `place` (part of session 12's step A, docs/benchmarks.md).
#[derive(Clone, Copy, Debug)]
pub struct PlaceFields {
    pub seq: i64,
    pub account_id: i64,
    pub market_id: i32,
    pub client_order_id: i64,
    pub side: Option<Side>,
    pub order_type: Option<OrderType>,
    pub tif: Option<TimeInForce>,
    pub price: i64,
    pub qty: i64,
    pub quote_qty: i64,
}

impl PlaceFields {
    fn of(c: &Command) -> Self {
        let Command::PlaceOrder {
            seq, account_id, market_id, client_order_id, side, order_type, tif, price, qty, quote_qty, ..
        } = *c
        else {
            unreachable!()
        };
        PlaceFields { seq, account_id, market_id, client_order_id, side, order_type, tif, price, qty, quote_qty }
    }
}

/// A map as two vectors sorted by key (keys apart, so that a search reads only keys). Inserting in the
/// middle shifts; the guest inserts in ascending order (pushes) or not at all. The last two positions found
/// are remembered: an order looks up its account several times and, per fill, a maker's in between.
#[derive(Clone, Debug)]
pub struct VecMap<K, V> {
    pub keys: Vec<K>,
    pub vals: Vec<V>,
    recent: std::cell::Cell<[usize; 2]>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { keys: Vec::new(), vals: Vec::new(), recent: std::cell::Cell::new([0, 0]) }
    }
}

impl<K: Ord + Copy, V> VecMap<K, V> {
    #[inline]
    pub fn find(&self, k: &K) -> Result<usize, usize> {
        let [a, b] = self.recent.get();
        // A remembered position is checked against its key, so a shift by an insert is never trusted.
        if self.keys.get(a) == Some(k) {
            return Ok(a);
        }
        if self.keys.get(b) == Some(k) {
            return Ok(b);
        }
        let r = self.keys.binary_search(k);
        if let Ok(i) = r {
            self.recent.set([i, a]);
        }
        r
    }
    pub fn get(&self, k: &K) -> Option<&V> {
        self.find(k).ok().map(|i| &self.vals[i])
    }
    pub fn get_mut(&mut self, k: &K) -> Option<&mut V> {
        self.find(k).ok().map(|i| &mut self.vals[i])
    }
    pub fn insert_at(&mut self, i: usize, k: K, v: V) {
        self.keys.insert(i, k);
        self.vals.insert(i, v);
    }
    /// Inserts or replaces.
    pub fn insert(&mut self, k: K, v: V) {
        if self.keys.last().is_none_or(|last| *last < k) {
            self.keys.push(k);
            self.vals.push(v);
            return;
        }
        match self.find(&k) {
            Ok(i) => self.vals[i] = v,
            Err(i) => self.insert_at(i, k, v),
        }
    }
    pub fn len(&self) -> usize {
        self.keys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Where a resting order is: (marketId, side, priceTicks, accountId).
pub type OrderPlace = (i32, Side, i64, i64);

/// orderId -> where the order rests, as a vector sorted by order id. An order's id is the seq of the
/// command that placed it, above every id present, so adding one is a push; removing one leaves a tombstone
/// (no shifting), and tombstones are swept once they are half the vector. A BTreeMap cost several hundred
/// cycles per insert in the zkVM.
#[derive(Clone, Debug, Default)]
pub struct OrderIndex {
    entries: Vec<(i64, Option<OrderPlace>)>,
    dead: usize,
}

impl OrderIndex {
    /// From the orders of a witness, in any order; an id listed twice is refused.
    pub fn from_unsorted(mut entries: Vec<(i64, Option<OrderPlace>)>) -> Self {
        entries.sort_unstable_by_key(|e| e.0);
        assert!(entries.windows(2).all(|w| w[0].0 < w[1].0), "order listed twice");
        OrderIndex { entries, dead: 0 }
    }

    fn find(&self, order_id: i64) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&order_id, |e| e.0)
    }

    pub fn get(&self, order_id: i64) -> Option<&OrderPlace> {
        self.find(order_id).ok().and_then(|i| self.entries[i].1.as_ref())
    }

    /// Adds an order; the position of its entry (a hint for `remove_hinted`, u32::MAX when none is kept).
    #[inline(always)]
    pub fn insert(&mut self, order_id: i64, place: OrderPlace) -> u32 {
        match self.entries.last() {
            Some(last) if last.0 >= order_id => match self.find(order_id) {
                Ok(i) => {
                    assert!(self.entries[i].1.is_none(), "order {order_id} rests twice");
                    self.entries[i].1 = Some(place);
                    self.dead -= 1;
                    u32::MAX
                }
                Err(i) => {
                    self.entries.insert(i, (order_id, Some(place)));
                    u32::MAX
                }
            },
            _ => {
                // At least 1,024 more: a witness's index is exactly as long as its orders, so a block's first
                // new order would reallocate (and copy) it, and again at twice that.
                if self.entries.len() == self.entries.capacity() {
                    self.entries.reserve(self.entries.len().max(1024));
                }
                self.entries.push((order_id, Some(place)));
                (self.entries.len() - 1) as u32
            }
        }
    }

    pub fn remove(&mut self, order_id: i64) -> Option<OrderPlace> {
        self.remove_hinted(order_id, u32::MAX)
    }

    /// `remove`, trying the position `hint` first (`Order::index_hint`).
    pub fn remove_hinted(&mut self, order_id: i64, hint: u32) -> Option<OrderPlace> {
        let i = self.position_hinted(order_id, hint)?;
        let place = self.entries[i].1.take()?;
        self.count_dead();
        Some(place)
    }

    /// `remove_hinted` when the caller knows the place (a filled maker): the entry is cleared, nothing is
    /// copied out (the place's unaligned fields, read and rebuilt for a caller that dropped them, were about 30
    /// cycles per fill).
    pub fn discard_hinted(&mut self, order_id: i64, hint: u32) {
        let Some(i) = self.position_hinted(order_id, hint) else { return };
        let e = &mut self.entries[i].1;
        if e.is_some() {
            *e = None;
            self.count_dead();
        }
    }

    #[inline(always)]
    fn position_hinted(&self, order_id: i64, hint: u32) -> Option<usize> {
        match self.entries.get(hint as usize) {
            Some(e) if e.0 == order_id => Some(hint as usize),
            _ => self.find(order_id).ok(),
        }
    }

    /// One more tombstone; swept once they are half the entries.
    #[inline(always)]
    fn count_dead(&mut self) {
        self.dead += 1;
        if self.dead > 32 && self.dead * 2 > self.entries.len() {
            self.entries.retain(|e| e.1.is_some());
            self.dead = 0;
        }
    }
}

/// Where a part of the state came from: known in full, or only by its hash (guest witnesses).
#[derive(Clone, Debug, Default)]
pub struct State {
    pub last_seq: i64,
    pub height: i64,
    pub block_first_seq: i64,
    /// By id, a sorted vector: a fill credits its market's quote asset with the fees (a BTreeMap lookup each).
    pub assets: VecMap<i32, Asset>,
    /// By id, a sorted vector (`VecMap`): an order looks its market up about ten times, and a BTreeMap lookup
    /// cost 20 to 50 cycles each in the zkVM; the remembered position makes a repeat a compare.
    pub markets: VecMap<i32, Market>,
    /// Markets the witness did not include: only their leaf hashes (guest).
    pub opaque_markets: BTreeMap<i32, Hash>,
    /// By id, a sorted vector: a binary search over the ids costs a third of a BTreeMap lookup in the zkVM,
    /// and a guest's accounts arrive sorted (a push each).
    pub accounts: VecMap<i64, Account>,
    /// A guest's accounts by id as an open-addressing table of positions in `accounts` (position + 1; 0: free),
    /// built once at the witness load (`index_accounts`; a guest never adds an account). Empty natively, where
    /// accounts are added and the binary search serves. A lookup is a multiply, a load and a compare, where the
    /// binary search over a block's hundred ids cost about 80 cycles, and an order looks up its account and each
    /// maker's (docs/benchmarks.md, session 10).
    pub account_slots: Vec<u32>,
    pub account_slot_shift: u32,
    pub order_index: OrderIndex,
    pub account_tree: Option<Tree>,
    pub deposit_tree: Option<Tree>,
    /// Deposit leaves credited in the open block, written into the tree at the next root (one rehash of
    /// the shared paths instead of one per deposit).
    pub pending_deposits: BTreeMap<u64, Hash>,
    pub dirty_accounts: Vec<i64>,
    /// The open block's commands and events (docs/engine-spec.md §4): the commands' encodings, concatenated
    /// and hashed once at seal (a guest appends the witness's bytes of each); the events' SHA-256, fed field by
    /// field as they are produced (no buffer to pack into words again); and their counts.
    pub block_commands: Hasher,
    pub block_events: Hasher,
    pub block_command_count: i32,
    pub block_event_count: i32,
    /// In a guest, touching an account or deposit id the witness did not prove is fatal.
    pub partial: bool,
    pub known_deposits: BTreeSet<i64>,
    /// Whether `apply` returns the events (BlockSealed always): true natively, false in a guest, which only
    /// hashes them.
    pub keep_events: bool,
    /// The roots of the last sealed block (state, commands, events) as bytes: a guest checks them against the
    /// witness's headers without formatting them as hex and parsing them back (about 5,000 cycles a block).
    pub sealed_roots: [[u8; 32]; 3],
}

fn valid_symbol(s: &Option<String>) -> bool {
    match s {
        None => false,
        Some(s) => {
            !s.is_empty()
                && s.chars().count() <= 16
                && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_/.".contains(c))
        }
    }
}

fn valid_account(id: i64) -> bool {
    (1..=MAX_ACCOUNT_ID).contains(&id)
}

struct Taker {
    order_id: i64,
    account_id: i64,
    /// The account's position in `State::accounts` (looked up once per order).
    account_pos: usize,
    /// The market's position in `State::markets` (looked up once per order: each lookup by id, a compare with
    /// the remembered position and the address, cost about 12 cycles, and an order made five or six).
    market_pos: usize,
    side: Side,
    market: bool,
    by_quote: bool,
    limit: i64,
    remaining: i64,
    hold: i64,
}

impl State {
    pub fn new() -> Self {
        State {
            last_seq: -1,
            block_first_seq: -1,
            account_tree: Some(Tree::Full(Smt::new(ACCOUNT_TREE_DEPTH))),
            deposit_tree: Some(Tree::Full(Smt::new(DEPOSIT_TREE_DEPTH))),
            keep_events: true,
            ..Default::default()
        }
    }

    /// Builds `account_slots` over the accounts present (a guest's, all of them loaded): at least twice as many
    /// slots as accounts, so that a probe sequence always meets a free slot.
    pub fn index_accounts(&mut self) {
        let n = self.accounts.len();
        let bits = (2 * n).max(16).next_power_of_two().trailing_zeros();
        let mut slots = vec![0u32; 1 << bits];
        let mask = slots.len() - 1;
        for (p, id) in self.accounts.keys.iter().enumerate() {
            let mut h = Self::account_hash(*id, 64 - bits);
            while slots[h] != 0 {
                h = (h + 1) & mask;
            }
            slots[h] = p as u32 + 1;
        }
        self.account_slots = slots;
        self.account_slot_shift = 64 - bits;
    }

    /// Fibonacci hashing: the top bits of the id times 2^64 / φ (dense ids spread over the table).
    #[inline(always)]
    fn account_hash(id: i64, shift: u32) -> usize {
        ((id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> shift) as usize
    }

    /// The account's position in `accounts`: Ok, or Err(where it would go).
    #[inline(always)]
    fn account_pos(&self, id: i64) -> Result<usize, usize> {
        if self.account_slots.is_empty() {
            return self.accounts.find(&id);
        }
        let mask = self.account_slots.len() - 1;
        let mut h = Self::account_hash(id, self.account_slot_shift);
        loop {
            let s = self.account_slots[h];
            if s == 0 {
                // Not indexed, so not in a guest's witness; `account` refuses it (a guest adds no account).
                return Err(self.accounts.len());
            }
            if self.accounts.keys[(s - 1) as usize] == id {
                return Ok((s - 1) as usize);
            }
            h = (h + 1) & mask;
        }
    }

    /// One map lookup per access (the zkVM pays for every one): a witness holds every account it may touch
    /// (empty ones too), so in a guest an absent account is one the witness did not prove.
    fn account(&mut self, id: i64) -> &mut Account {
        let i = match self.account_pos(id) {
            Ok(i) => i,
            Err(i) => {
                if self.partial {
                    panic!("account {id} is not in the witness");
                }
                assert!(self.account_slots.is_empty(), "an account added to an indexed state");
                self.accounts.insert_at(i, id, Account::default());
                i
            }
        };
        let a = &mut self.accounts.vals[i];
        if !a.dirty {
            a.dirty = true;
            self.dirty_accounts.push(id);
        }
        a
    }

    /// `account`, inlined where it is hot (a fill's maker): a present account is found without the call, whose
    /// saved registers were a third of its cost; anything else goes through `account`.
    #[inline(always)]
    fn account_inline(&mut self, id: i64) -> &mut Account {
        match self.account_pos(id) {
            Ok(i) => self.account_at(i),
            Err(_) => self.account(id),
        }
    }

    /// `account` by position (one found earlier for the same command).
    #[inline(always)]
    fn account_at(&mut self, i: usize) -> &mut Account {
        let a = &mut self.accounts.vals[i];
        if !a.dirty {
            a.dirty = true;
            self.dirty_accounts.push(self.accounts.keys[i]);
        }
        a
    }

    fn account_ro(&self, id: i64) -> Option<&Account> {
        let a = self.account_pos(id).ok().map(|i| &self.accounts.vals[i]);
        if self.partial && a.is_none() {
            panic!("account {id} is not in the witness");
        }
        a
    }

    /// `market_mut` by position (one found earlier for the same command).
    #[inline(always)]
    fn market_at(&mut self, i: usize) -> &mut Market {
        let m = &mut self.markets.vals[i];
        m.cached_leaf = None;
        m
    }

    /// Every change to a market goes through here, so its cached leaf is recomputed at the next root.
    /// A market is never both known and opaque (`witness::load` refuses a witness that lists one twice), so the
    /// opaque markets are searched only for an id that is not known (each order rests or fills through here).
    fn market_mut(&mut self, id: i32) -> Option<&mut Market> {
        match self.markets.find(&id) {
            Ok(i) => {
                let m = &mut self.markets.vals[i];
                m.cached_leaf = None;
                Some(m)
            }
            Err(_) if self.opaque_markets.contains_key(&id) => panic!("market {id} is not in the witness"),
            Err(_) => None,
        }
    }

    fn market_exists(&self, id: i32) -> bool {
        self.markets.find(&id).is_ok() || self.opaque_markets.contains_key(&id)
    }

    pub fn apply(&mut self, c: &Command, out: &mut Vec<Event>) {
        self.apply_encoded(c, None, out)
    }

    /// `apply_encoded` of an order given as its sixteen encoding words and the fields decoded from them (a
    /// witness's orders, almost every command of a block): no `Command` built, matched and destructured.
    /// Inlined into the witness's loop: its call saved and restored ten registers for every order.
    #[inline(always)]
    pub fn apply_order(&mut self, o: &PlaceFields, words: &[u32; 16], out: &mut Vec<Event>) {
        if o.seq <= self.last_seq {
            return;
        }
        self.last_seq = o.seq;
        if self.block_first_seq < 0 {
            self.block_first_seq = o.seq;
        }
        self.block_commands.cur().words16(words);
        self.block_command_count += 1;
        self.place(o, out);
    }

    /// `encoding`, when the caller has it (a witness), is the command's canonical encoding: hashed as is
    /// instead of encoding the command again. The guest's header check covers it either way.
    pub fn apply_encoded(&mut self, c: &Command, encoding: Option<Encoding>, out: &mut Vec<Event>) {
        if c.seq() <= self.last_seq {
            return;
        }
        self.last_seq = c.seq();
        if self.block_first_seq < 0 {
            self.block_first_seq = c.seq();
        }
        // The block's command commitment is SHA-256 over the concatenated encodings, fed as they come: no
        // buffer of the block's commands (copying each witness slice into it cost about 200 cycles per order).
        // Each command is padded with zero bytes to a whole word (spec §4, v7), so every order starts on a word
        // boundary and its sixteen words go into the hash as they are.
        match encoding {
            Some(Encoding::Bytes(b)) => {
                self.block_commands.cur().bytes(b).pad_word();
            }
            Some(Encoding::Words(w)) => {
                self.block_commands.cur().words16(w);
            }
            None => {
                let mut cur = self.block_commands.cur();
                write_command(&mut cur, c);
                cur.pad_word();
            }
        }
        self.block_command_count += 1;
        match c {
            Command::AddAsset { seq, asset_id, symbol, scale, .. } => self.add_asset(*seq, *asset_id, symbol, *scale, out),
            Command::AddMarket { .. } => self.add_market(c, out),
            Command::SetMarketStatus { seq, market_id, status, .. } => {
                if !self.market_exists(*market_id) {
                    self.emit(out, Event::AdminRejected { seq: *seq, code: RejectCode::UNKNOWN_MARKET });
                } else if let Some(st) = status {
                    self.market_mut(*market_id).unwrap().status = *st;
                    self.emit(out, Event::MarketStatusChanged { seq: *seq, market_id: *market_id, status: Some(*st) });
                } else {
                    self.emit(out, Event::AdminRejected { seq: *seq, code: RejectCode::MALFORMED });
                }
            }
            Command::Deposit { seq, account_id, asset_id, amount, external_id, .. } => {
                self.deposit(*seq, *account_id, *asset_id, *amount, *external_id, out)
            }
            Command::Withdraw { seq, account_id, asset_id, amount, .. } => {
                self.withdraw(*seq, *account_id, *asset_id, *amount, out)
            }
            Command::PlaceOrder { .. } => self.place(&PlaceFields::of(c), out),
            Command::CancelOrder { seq, account_id, order_id, client_order_id, .. } => {
                self.cancel(*seq, *account_id, *order_id, *client_order_id, out)
            }
            Command::CancelAll { seq, account_id, market_id, .. } => self.cancel_all(*seq, *account_id, *market_id, out),
            Command::SealBlock { seq, timestamp_ms } => self.seal(*seq, *timestamp_ms, out),
        }
    }

    /// Every event but BlockSealed goes through here: hashed into the block's event commitment as it is
    /// produced (in order), and kept only when the caller wants the values (a guest needs none: building,
    /// moving and re-reading each event cost more than hashing it).
    #[inline(always)]
    fn emit(&mut self, out: &mut Vec<Event>, e: Event) {
        write_event(&mut self.block_events.cur(), &e);
        self.block_event_count += 1;
        // A guest never keeps them (`witness::load`): compiled out there, so that no event is built in memory
        // for the push only (its fields go to the hasher from registers).
        if !cfg!(target_os = "zkvm") && self.keep_events {
            out.push(e);
        } else {
            // A guest's allocator never frees (SP1's bump allocator): dropping an event is only its drop glue's
            // call and match, about 8 cycles per order.
            std::mem::forget(e);
        }
    }

    fn add_asset(&mut self, seq: i64, asset_id: i32, symbol: &Option<String>, scale: i32, out: &mut Vec<Event>) {
        let code = if asset_id <= 0 || !valid_symbol(symbol) {
            Some(RejectCode::MALFORMED)
        } else if self.assets.find(&asset_id).is_ok() {
            Some(RejectCode::DUPLICATE_ASSET)
        } else if !(0..=18).contains(&scale) || self.assets.len() >= MAX_ASSETS {
            Some(RejectCode::INVALID_MARKET_PARAMS)
        } else {
            None
        };
        if let Some(code) = code {
            self.emit(out, Event::AdminRejected { seq, code });
            return;
        }
        let symbol_s = symbol.clone().unwrap();
        self.assets.insert(asset_id, Asset {
            asset_id,
            symbol: symbol_s,
            scale,
            fees_collected: 0,
            total_deposited: 0,
            total_withdrawn: 0,
        });
        self.emit(out, Event::AssetAdded { seq, asset_id, symbol: symbol.clone(), scale });
    }

    fn add_market(&mut self, c: &Command, out: &mut Vec<Event>) {
        let Command::AddMarket {
            seq, market_id, symbol, base_asset_id, quote_asset_id, tick_size, lot_size, min_notional,
            maker_fee_ppm, taker_fee_ppm, ..
        } = c.clone()
        else {
            unreachable!()
        };
        let base = self.assets.get(&base_asset_id).cloned();
        let quote = self.assets.get(&quote_asset_id).cloned();
        let mut qptl = 0;
        let code = if market_id <= 0 || !valid_symbol(&symbol) {
            Some(RejectCode::MALFORMED)
        } else if self.market_exists(market_id) {
            Some(RejectCode::DUPLICATE_MARKET)
        } else if base.is_none() || quote.is_none() {
            Some(RejectCode::UNKNOWN_ASSET)
        } else if base_asset_id == quote_asset_id
            || tick_size <= 0
            || lot_size <= 0
            || min_notional < 0
            || !(0..=PPM as i32).contains(&maker_fee_ppm)
            || !(0..=PPM as i32).contains(&taker_fee_ppm)
            || self.markets.len() + self.opaque_markets.len() >= MAX_MARKETS
        {
            Some(RejectCode::INVALID_MARKET_PARAMS)
        } else {
            let unit = 10i64.pow(base.as_ref().unwrap().scale as u32);
            match tick_size.checked_mul(lot_size) {
                Some(tl) if tl % unit == 0 => {
                    qptl = tl / unit;
                    None
                }
                _ => Some(RejectCode::INVALID_MARKET_PARAMS),
            }
        };
        if let Some(code) = code {
            self.emit(out, Event::AdminRejected { seq, code });
            return;
        }
        self.markets.insert(market_id, Market {
            market_id,
            symbol: symbol.clone().unwrap(),
            base: base_asset_id,
            quote: quote_asset_id,
            tick_size,
            lot_size,
            min_notional,
            maker_fee_ppm,
            taker_fee_ppm,
            qptl,
            status: MarketStatus::ACTIVE,
            bids: BookSide::default(),
            asks: BookSide::default(),
            orders: Vec::new(),
            free_slots: Vec::new(),
            bid_levels: Tree::Full(Smt::new(PRICE_TREE_DEPTH)),
            ask_levels: Tree::Full(Smt::new(PRICE_TREE_DEPTH)),
            dirty_levels: Vec::new(),
            cached_leaf: None,
        });
        self.emit(out, Event::MarketAdded {
            seq, market_id, symbol, base_asset_id, quote_asset_id, tick_size, lot_size, min_notional, maker_fee_ppm,
            taker_fee_ppm,
        });
    }

    fn deposit_seen(&self, external_id: i64) -> bool {
        if self.partial && !self.known_deposits.contains(&external_id) {
            panic!("deposit id {external_id} is not in the witness");
        }
        self.pending_deposits.contains_key(&(external_id as u64))
            || self.deposit_tree.as_ref().unwrap().leaf(external_id as u64) != Z
    }

    fn deposit(&mut self, seq: i64, account_id: i64, asset_id: i32, amount: i64, external_id: i64, out: &mut Vec<Event>) {
        let total = self.assets.get(&asset_id).map(|a| a.total_deposited);
        let code = if total.is_none() {
            Some(RejectCode::UNKNOWN_ASSET)
        } else if !valid_account(account_id) {
            Some(RejectCode::INVALID_ACCOUNT)
        } else if amount <= 0 {
            Some(RejectCode::INVALID_AMOUNT)
        } else if external_id <= 0 {
            Some(RejectCode::MALFORMED)
        } else if self.deposit_seen(external_id) {
            Some(RejectCode::DUPLICATE_DEPOSIT)
        } else if amount > i64::MAX - total.unwrap() {
            Some(RejectCode::AMOUNT_OVERFLOW)
        } else {
            None
        };
        if let Some(code) = code {
            self.emit(out, Event::DepositRejected { seq, account_id, asset_id, amount, external_id, code });
            return;
        }
        self.assets.get_mut(&asset_id).unwrap().total_deposited += amount;
        self.account(account_id).bal(asset_id).0 += amount;
        let leaf = Hasher::leaf().u8(0x12).u64(external_id).u64(account_id).u32(asset_id).u64(amount).finish_words();
        self.pending_deposits.insert(external_id as u64, leaf);
        self.emit(out, Event::Deposited { seq, account_id, asset_id, amount, external_id });
    }

    fn withdraw(&mut self, seq: i64, account_id: i64, asset_id: i32, amount: i64, out: &mut Vec<Event>) {
        let code = if self.assets.find(&asset_id).is_err() {
            Some(RejectCode::UNKNOWN_ASSET)
        } else if !valid_account(account_id) {
            Some(RejectCode::INVALID_ACCOUNT)
        } else if amount <= 0 {
            Some(RejectCode::INVALID_AMOUNT)
        } else if self.account_ro(account_id).map_or(0, |a| a.avail(asset_id)) < amount {
            Some(RejectCode::INSUFFICIENT_FUNDS)
        } else {
            None
        };
        if let Some(code) = code {
            self.emit(out, Event::WithdrawalRejected { seq, account_id, asset_id, amount, code });
            return;
        }
        self.account(account_id).bal(asset_id).0 -= amount;
        self.assets.get_mut(&asset_id).unwrap().total_withdrawn += amount;
        self.emit(out, Event::Withdrawn { seq, account_id, asset_id, amount });
    }

    fn release(&mut self, account_id: i64, asset: i32, amount: i64) {
        let b = self.account(account_id).bal(asset);
        b.1 -= amount;
        b.0 += amount;
    }

    fn check_shape(
        side: Option<Side>, ot: Option<OrderType>, tif: Option<TimeInForce>, coid: i64, price: i64, qty: i64,
        quote_qty: i64,
    ) -> Option<RejectCode> {
        let (Some(side), Some(ot), Some(tif)) = (side, ot, tif) else {
            return Some(RejectCode::MALFORMED);
        };
        if coid < 0 {
            return Some(RejectCode::MALFORMED);
        }
        if ot == OrderType::LIMIT {
            if quote_qty != 0 {
                return Some(RejectCode::INVALID_ORDER_TYPE);
            }
            if price <= 0 || qty <= 0 {
                return Some(RejectCode::INVALID_AMOUNT);
            }
            return None;
        }
        if tif != TimeInForce::IOC || price != 0 {
            return Some(RejectCode::INVALID_ORDER_TYPE);
        }
        if qty < 0 || quote_qty < 0 {
            return Some(RejectCode::INVALID_AMOUNT);
        }
        if side == Side::SELL {
            if quote_qty != 0 {
                return Some(RejectCode::INVALID_ORDER_TYPE);
            }
            return if qty == 0 { Some(RejectCode::INVALID_AMOUNT) } else { None };
        }
        if qty != 0 && quote_qty != 0 {
            return Some(RejectCode::INVALID_ORDER_TYPE);
        }
        if qty == 0 && quote_qty == 0 {
            Some(RejectCode::INVALID_AMOUNT)
        } else {
            None
        }
    }

    fn place(&mut self, o: &PlaceFields, out: &mut Vec<Event>) {
        let PlaceFields { seq, account_id, market_id, client_order_id, side, order_type, tif, price, qty, quote_qty } = *o;
        // One market lookup for the existence and status checks (a market a witness leaves out is fatal), and
        // for the whole order.
        let market_pos = self.markets.find(&market_id).ok();
        let code = match market_pos.map(|i| &self.markets.vals[i]) {
            None if self.opaque_markets.contains_key(&market_id) => panic!("market {market_id} is not in the witness"),
            None => Some(RejectCode::UNKNOWN_MARKET),
            Some(m) if m.status != MarketStatus::ACTIVE => Some(RejectCode::MARKET_HALTED),
            Some(_) if !valid_account(account_id) => Some(RejectCode::INVALID_ACCOUNT),
            Some(_) => Self::check_shape(side, order_type, tif, client_order_id, price, qty, quote_qty),
        };
        let code = match code {
            Some(c) => Some(c),
            None => self.place_checked(o, market_pos.unwrap(), out),
        };
        if let Some(code) = code {
            // A repeat names the order it repeats, so that the gateway can answer a retry with it (spec §3.3).
            let existing_order_id = if code == RejectCode::DUPLICATE_CLIENT_ORDER_ID {
                self.account_ro(account_id).unwrap().prior_order_id(client_order_id)
            } else {
                0
            };
            self.emit(out, Event::OrderRejected { seq, account_id, market_id, client_order_id, code, existing_order_id });
        }
    }

    fn place_checked(&mut self, o: &PlaceFields, market_pos: usize, out: &mut Vec<Event>) -> Option<RejectCode> {
        let PlaceFields { seq, account_id, market_id, client_order_id, side, order_type, tif, price, qty, quote_qty } = *o;
        let (side, ot, tif) = (side.unwrap(), order_type.unwrap(), tif.unwrap());
        let m = &self.markets.vals[market_pos];
        let limit = ot == OrderType::LIMIT;
        if limit && price % m.tick_size != 0 {
            return Some(RejectCode::INVALID_TICK);
        }
        if limit && price / m.tick_size > MAX_PRICE_TICKS {
            return Some(RejectCode::INVALID_TICK);
        }
        if qty % m.lot_size != 0 {
            return Some(RejectCode::INVALID_LOT);
        }
        let price_ticks = if limit { price / m.tick_size } else { 0 };
        let lots = qty / m.lot_size;
        let buy = side == Side::BUY;
        let mut hold = 0i64;
        if limit {
            let notional = match price_ticks.checked_mul(lots).and_then(|v| v.checked_mul(m.qptl)) {
                Some(n) => n,
                None => return Some(RejectCode::AMOUNT_OVERFLOW),
            };
            hold = if buy {
                match buy_hold(price_ticks, lots, m.qptl, m.hold_fee()) {
                    Some(h) => h,
                    None => return Some(RejectCode::AMOUNT_OVERFLOW),
                }
            } else {
                qty
            };
            if notional < m.min_notional {
                return Some(RejectCode::BELOW_MIN_NOTIONAL);
            }
        } else if !buy {
            hold = qty;
        } else if quote_qty > 0 {
            if quote_qty < m.min_notional {
                return Some(RejectCode::BELOW_MIN_NOTIONAL);
            }
            hold = quote_qty;
        }
        let hold_asset = if buy { m.quote } else { m.base };
        // The taker's account is looked up once for the whole order (its lock, its settlement in every fill,
        // its open count): each lookup by id cost about 25 cycles in the guest. No account is added while the
        // order is placed (a maker has an account; a taker without one is refused below for funds), so the
        // position stays valid.
        let taker_pos = self.account_pos(account_id).ok();
        if self.partial && taker_pos.is_none() {
            panic!("account {account_id} is not in the witness");
        }
        let existing = taker_pos.map(|i| &self.accounts.vals[i]);
        if client_order_id != 0 && existing.is_some_and(|a| a.prior_order_id(client_order_id) != 0) {
            return Some(RejectCode::DUPLICATE_CLIENT_ORDER_ID);
        }
        let may_rest = limit && (tif == TimeInForce::GTC || tif == TimeInForce::POST_ONLY);
        if may_rest && existing.is_some_and(|a| a.open_count >= MAX_OPEN_ORDERS) {
            return Some(RejectCode::TOO_MANY_OPEN_ORDERS);
        }
        let available = existing.map_or(0, |a| a.avail(hold_asset));
        if !limit && buy && qty > 0 {
            hold = available;
        }
        if hold == 0 || available < hold {
            return Some(RejectCode::INSUFFICIENT_FUNDS);
        }
        let taker_pos = taker_pos.expect("an account with funds is present");
        let m = &self.markets.vals[market_pos];
        if tif == TimeInForce::POST_ONLY {
            match m.resting(side.opposite()).next() {
                Some(best) => {
                    m.check_best(best.side, best.price_ticks);
                    if Market::crosses(best, price_ticks) {
                        return Some(RejectCode::POST_ONLY_WOULD_CROSS);
                    }
                }
                None => m.check_exhausted(side.opposite(), Some(price_ticks)),
            }
        }
        let lot_size = m.lot_size;
        let b = self.account_at(taker_pos).bal(hold_asset);
        b.0 -= hold;
        b.1 += hold;
        self.emit(out, Event::OrderAccepted {
            seq,
            order_id: seq,
            account_id,
            market_id,
            client_order_id,
            side: Some(side),
            order_type: Some(ot),
            tif: Some(tif),
            price,
            qty,
            quote_qty,
            hold_asset_id: hold_asset,
            hold_amount: hold,
        });
        if client_order_id != 0 {
            self.account_at(taker_pos).remember(client_order_id, seq);
        }
        let by_quote = !limit && buy && quote_qty > 0;
        let mut t = Taker {
            order_id: seq,
            account_id,
            account_pos: taker_pos,
            market_pos,
            side,
            market: !limit,
            by_quote,
            limit: price_ticks,
            remaining: if by_quote { i64::MAX } else { lots },
            hold,
        };
        if tif == TimeInForce::FOK && self.fillable(&t) < lots {
            let b = self.account_at(taker_pos).bal(hold_asset);
            b.1 -= hold;
            b.0 += hold;
            self.emit(out, Event::OrderCanceled {
                seq,
                order_id: seq,
                account_id,
                market_id,
                reason: CancelReason::FOK_UNFILLABLE,
                remaining_qty: qty,
                hold_asset_id: hold_asset,
                released_amount: hold,
            });
            return None;
        }
        self.do_match(seq, market_id, &mut t, out);
        if t.remaining == 0 {
            debug_assert_eq!(t.hold, 0);
        } else if may_rest {
            let index_hint = self.order_index.insert(seq, (market_id, side, price_ticks, account_id));
            let o = Order {
                order_id: seq,
                account_id,
                client_order_id,
                side,
                price_ticks,
                remaining_lots: t.remaining,
                hold: t.hold,
                index_hint,
            };
            self.market_at(market_pos).rest_touched(o);
            let a = self.account_at(taker_pos);
            a.open_count += 1;
            if client_order_id != 0 {
                a.client_ids.insert(client_order_id, seq);
            }
        } else {
            let b = self.account_at(taker_pos).bal(hold_asset);
            b.1 -= t.hold;
            b.0 += t.hold;
            let remaining_qty = if t.by_quote { 0 } else { t.remaining * lot_size };
            self.emit(out, Event::OrderCanceled {
                seq,
                order_id: seq,
                account_id,
                market_id,
                reason: CancelReason::IOC_REMAINDER,
                remaining_qty,
                hold_asset_id: hold_asset,
                released_amount: t.hold,
            });
        }
        None
    }

    fn fillable(&self, t: &Taker) -> i64 {
        let m = &self.markets.vals[t.market_pos];
        let mut sum = 0i64;
        for o in m.resting(t.side.opposite()) {
            m.check_best(o.side, o.price_ticks);
            if !t.market && !Market::crosses(o, t.limit) {
                return sum;
            }
            if o.account_id != t.account_id {
                sum += o.remaining_lots;
            }
            if sum >= t.remaining {
                return sum;
            }
        }
        m.check_exhausted(t.side.opposite(), if t.market { None } else { Some(t.limit) });
        sum
    }

    fn do_match(&mut self, seq: i64, market_id: i32, t: &mut Taker, out: &mut Vec<Event>) {
        let maker_side = t.side.opposite();
        while t.remaining > 0 {
            let m = &self.markets.vals[t.market_pos];
            let Some((key, maker)) = m.best(maker_side) else {
                m.check_exhausted(maker_side, if t.market { None } else { Some(t.limit) });
                return;
            };
            let maker = maker.clone();
            m.check_best(maker.side, maker.price_ticks);
            if !t.market && !Market::crosses(&maker, t.limit) {
                return;
            }
            if maker.account_id == t.account_id {
                self.close_resting(seq, market_id, maker.order_id, CancelReason::SELF_TRADE, out);
                continue;
            }
            let mut lots = t.remaining.min(maker.remaining_lots);
            if t.market && t.side == Side::BUY {
                lots = lots.min(affordable_lots(t.hold, maker.price_ticks, m.qptl, m.taker_fee_ppm as i64));
                if lots == 0 {
                    return;
                }
            }
            self.fill(seq, market_id, t, key, &maker, lots, out);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(&mut self, seq: i64, market_id: i32, t: &mut Taker, key: Key, maker: &Order, lots: i64, out: &mut Vec<Event>) {
        let m = &self.markets.vals[t.market_pos];
        let (quote, base, qptl, lot_size, tick_size, hold_fee) = (m.quote, m.base, m.qptl, m.lot_size, m.tick_size, m.hold_fee());
        let notional = maker.price_ticks * lots * qptl;
        let base_qty = lots * lot_size;
        let maker_fee = fee_floor(notional, m.maker_fee_ppm as i64);
        let taker_fee = fee_floor(notional, m.taker_fee_ppm as i64);
        self.assets.get_mut(&quote).unwrap().fees_collected += maker_fee + taker_fee;

        let mut maker_released = 0;
        let mut taker_released = 0;
        let new_remaining = maker.remaining_lots - lots;
        let new_maker_hold = if maker.side == Side::BUY {
            let nh = buy_hold(maker.price_ticks, new_remaining, qptl, hold_fee).unwrap();
            maker_released = maker.hold - (notional + maker_fee) - nh;
            nh
        } else {
            maker.hold - base_qty
        };
        if !t.by_quote {
            t.remaining -= lots;
        }
        if t.side == Side::BUY {
            let spent = notional + taker_fee;
            let nh = if t.market {
                if t.remaining == 0 { 0 } else { t.hold - spent }
            } else {
                buy_hold(t.limit, t.remaining, qptl, hold_fee).unwrap()
            };
            taker_released = t.hold - spent - nh;
            t.hold = nh;
        } else {
            t.hold -= base_qty;
        }
        // Every balance change of the trade, one account lookup for each side (the maker is never the
        // taker: a self-trade closes the resting order instead). The buyer pays notional plus its fee from
        // its locked quote and gets the base; the seller pays base from its locked base and gets the notional
        // less its fee; a released hold moves from locked to available.
        // Two balance scans per side: the quote balance, found once, takes the released hold too.
        let settle = |a: &mut Account, side: Side, fee: i64, released: i64| {
            if side == Side::BUY {
                let q = a.bal(quote);
                q.1 -= notional + fee;
                if released != 0 {
                    q.1 -= released;
                    q.0 += released;
                }
                a.bal(base).0 += base_qty;
            } else {
                a.bal(base).1 -= base_qty;
                let q = a.bal(quote);
                q.0 += notional - fee;
                if released != 0 {
                    q.1 -= released;
                    q.0 += released;
                }
            }
        };
        let a = self.account_inline(maker.account_id);
        settle(a, maker.side, maker_fee, maker_released);
        if new_remaining == 0 {
            a.open_count -= 1;
            if maker.client_order_id != 0 {
                a.client_ids.remove(&maker.client_order_id);
            }
        }
        settle(self.account_at(t.account_pos), t.side, taker_fee, taker_released);
        self.emit(out, Event::TradeExecuted {
            seq,
            market_id,
            maker_order_id: maker.order_id,
            maker_account_id: maker.account_id,
            taker_order_id: t.order_id,
            taker_account_id: t.account_id,
            taker_side: t.side,
            price: maker.price_ticks * tick_size,
            qty: base_qty,
            quote_amount: notional,
            maker_fee,
            taker_fee,
            maker_hold_released: maker_released,
            taker_hold_released: taker_released,
        });
        let m = self.market_at(t.market_pos);
        m.touch(maker.side, maker.price_ticks);
        if new_remaining == 0 {
            m.remove(maker.side, &key);
            self.order_index.discard_hinted(maker.order_id, maker.index_hint);
        } else {
            let o = m.order_mut(maker.side, &key);
            o.remaining_lots = new_remaining;
            o.hold = new_maker_hold;
        }
    }

    fn close_resting(&mut self, seq: i64, market_id: i32, order_id: i64, reason: CancelReason, out: &mut Vec<Event>) {
        let (_, side, price_ticks, _) = self.order_index.remove(order_id).unwrap();
        let m = self.market_mut(market_id).unwrap();
        m.touch(side, price_ticks);
        let o = m.take(side, &Market::key(side, price_ticks, order_id)).unwrap();
        let asset = if side == Side::BUY { m.quote } else { m.base };
        let lot_size = m.lot_size;
        let a = self.account(o.account_id);
        a.open_count -= 1;
        if o.client_order_id != 0 {
            a.client_ids.remove(&o.client_order_id);
        }
        self.release(o.account_id, asset, o.hold);
        self.emit(out, Event::OrderCanceled {
            seq,
            order_id,
            account_id: o.account_id,
            market_id,
            reason,
            remaining_qty: o.remaining_lots * lot_size,
            hold_asset_id: asset,
            released_amount: o.hold,
        });
    }

    fn cancel(&mut self, seq: i64, account_id: i64, order_id: i64, client_order_id: i64, out: &mut Vec<Event>) {
        let mut target = None;
        let code = if !valid_account(account_id) {
            Some(RejectCode::INVALID_ACCOUNT)
        } else if order_id < 0 || client_order_id < 0 || (order_id == 0) == (client_order_id == 0) {
            Some(RejectCode::MALFORMED)
        } else if order_id != 0 {
            match self.order_index.get(order_id) {
                None => Some(RejectCode::ORDER_NOT_FOUND),
                Some((_, _, _, owner)) if *owner != account_id => Some(RejectCode::NOT_ORDER_OWNER),
                Some((mid, ..)) => {
                    target = Some((*mid, order_id));
                    None
                }
            }
        } else {
            match self.account_ro(account_id).and_then(|a| a.client_ids.get(&client_order_id)) {
                None => Some(RejectCode::ORDER_NOT_FOUND),
                Some(oid) => {
                    target = Some((self.order_index.get(*oid).unwrap().0, *oid));
                    None
                }
            }
        };
        if let Some(code) = code {
            self.emit(out, Event::CancelRejected { seq, account_id, order_id, client_order_id, code });
            return;
        }
        let (mid, oid) = target.unwrap();
        self.close_resting(seq, mid, oid, CancelReason::USER, out);
    }

    fn cancel_all(&mut self, seq: i64, account_id: i64, market_id: i32, out: &mut Vec<Event>) {
        let code = if !valid_account(account_id) {
            Some(RejectCode::INVALID_ACCOUNT)
        } else if market_id < 0 {
            Some(RejectCode::MALFORMED)
        } else if market_id > 0 && !self.market_exists(market_id) {
            Some(RejectCode::UNKNOWN_MARKET)
        } else {
            None
        };
        if let Some(code) = code {
            self.emit(out, Event::CancelRejected { seq, account_id, order_id: 0, client_order_id: 0, code });
            return;
        }
        if self.account_ro(account_id).is_none() {
            return;
        }
        // The account's resting orders, ascending order id, found on the books: an account keeps no list of
        // its open orders (maintaining one cost an allocation per trader and an insert and a remove per order
        // in the guest, for this command alone). A guest's witness holds every level with an order of an
        // account it cancels all of (docs/zk.md), as it held them when that list was built from it.
        let mut victims: Vec<(i64, i32)> = Vec::new();
        for (mid, m) in self.markets.keys.iter().zip(&self.markets.vals) {
            if market_id != 0 && *mid != market_id {
                continue;
            }
            for slot in m.bids.slots().chain(m.asks.slots()) {
                let o = &m.orders[slot as usize];
                if o.account_id == account_id {
                    victims.push((o.order_id, *mid));
                }
            }
        }
        victims.sort_unstable();
        for (oid, mid) in victims {
            self.close_resting(seq, mid, oid, CancelReason::USER, out);
        }
    }

    fn seal(&mut self, seq: i64, timestamp_ms: i64, out: &mut Vec<Event>) {
        self.height += 1;
        crate::phase!(start, "seal_state_root");
        let state_root = self.state_root();
        crate::phase!(end, "seal_state_root");
        // One pass over each block's bytes (docs/engine-spec.md §4).
        crate::phase!(start, "seal_block_digests");
        let commands_root = self.block_commands.finish();
        self.block_commands.reset();
        let events_root = self.block_events.finish();
        self.block_events.reset();
        crate::phase!(end, "seal_block_digests");
        self.sealed_roots = [state_root, commands_root, events_root];
        // A guest reads the roots from `sealed_roots`; only a host formats them (the event's hex strings).
        let hex = |b: &[u8; 32]| if self.keep_events { crate::hex(b) } else { String::new() };
        out.push(Event::BlockSealed {
            seq,
            height: self.height,
            first_seq: self.block_first_seq,
            last_seq: seq,
            timestamp_ms,
            command_count: self.block_command_count,
            event_count: self.block_event_count,
            state_root: hex(&state_root),
            commands_root: hex(&commands_root),
            events_root: hex(&events_root),
        });
        self.block_command_count = 0;
        self.block_event_count = 0;
        self.block_first_seq = -1;
    }

    pub fn assets_hash(&self) -> Hash {
        let mut e = Hasher::leaf();
        e.u8(0x16).u32(self.assets.len() as i32);
        for a in &self.assets.vals {
            e.u32(a.asset_id).str(&Some(a.symbol.clone())).u8(a.scale as u8).u64(a.fees_collected)
                .u64(a.total_deposited).u64(a.total_withdrawn);
        }
        e.finish_words()
    }

    pub fn markets_root(&mut self) -> Hash {
        let mut leaves: BTreeMap<i32, Hash> = self.opaque_markets.clone();
        for (id, m) in self.markets.keys.iter().zip(self.markets.vals.iter_mut()) {
            let leaf = match m.cached_leaf {
                Some(l) => l,
                None => {
                    let l = m.leaf();
                    m.cached_leaf = Some(l);
                    l
                }
            };
            leaves.insert(*id, leaf);
        }
        let mut e = Hasher::leaf();
        e.u8(0x15).u32(leaves.len() as i32);
        for l in leaves.values() {
            e.hash(l);
        }
        e.finish_words()
    }

    pub fn state_root(&mut self) -> [u8; 32] {
        if let (false, Some(Tree::Proof(t))) = (self.account_slots.is_empty(), self.account_tree.as_mut()) {
            // A guest: its accounts and the multiproof's keys are the witness's ids in the same ascending order,
            // so a changed account's leaf goes to its position, found by a pass over the flags (no sort of the
            // changed ids, no search of each in the tree: about 100 cycles per changed account).
            assert_eq!(t.len(), self.accounts.len(), "a guest's accounts are its multiproof's keys");
            for (p, a) in self.accounts.vals.iter_mut().enumerate() {
                if a.dirty {
                    a.dirty = false;
                    t.put_at(p, a.leaf(self.accounts.keys[p]));
                }
            }
            self.dirty_accounts.clear();
        }
        let mut dirty = std::mem::take(&mut self.dirty_accounts);
        dirty.sort_unstable();
        let mut leaves: Vec<(u64, Hash)> = Vec::with_capacity(dirty.len());
        for &id in &dirty {
            let i = self.account_pos(id).expect("a changed account is present");
            let a = &mut self.accounts.vals[i];
            a.dirty = false;
            leaves.push((id as u64, a.leaf(id)));
        }
        // The list goes back empty with its capacity (the witness load sized it): no growth in the next block.
        dirty.clear();
        self.dirty_accounts = dirty;
        self.account_tree.as_mut().unwrap().put_many(&leaves);
        let deposits: Vec<(u64, Hash)> = std::mem::take(&mut self.pending_deposits).into_iter().collect();
        self.deposit_tree.as_mut().unwrap().put_many(&deposits);
        let accounts_root = self.account_tree.as_mut().unwrap().root();
        let deposits_root = self.deposit_tree.as_mut().unwrap().root();
        // Each of these hashes with the leaf hasher too: before this one is taken.
        let (assets_hash, markets_root) = (self.assets_hash(), self.markets_root());
        let mut e = Hasher::leaf();
        e.u8(0x17).u64(self.height).u64(self.last_seq).hash(&assets_hash).hash(&markets_root)
            .hash(&accounts_root).hash(&deposits_root);
        e.finish()
    }
}

#[cfg(test)]
mod leaf_tests {
    use super::*;

    /// The one-block account leaf is the field hasher's leaf of the same account, whatever its balances'
    /// values and positions (zero balances are left out of both).
    #[test]
    fn the_one_block_leaf_is_the_field_leaf() {
        let values = [0i64, 1, 255, 256, -1, i64::MAX, i64::MIN, 0x0102_0304_0506_0708];
        for (i, &x) in values.iter().enumerate() {
            for &y in &values[i..] {
                let mut a = Account { open_count: (i as i32) * 37 % 1001, ..Default::default() };
                a.balances.push(1, (x, y));
                a.balances.push(2, (0, 0));
                a.balances.push(0x7fff_ff01, (y, x));
                let n = a.balances.iter().filter(|b| b.1 .0 != 0 || b.1 .1 != 0).count();
                if n == 0 || n > 2 {
                    continue;
                }
                for id in [1i64, 255, 0x00ff_fffe, i64::MAX] {
                    assert_eq!(a.leaf_one_block(id, n), a.leaf_fields(id, n), "id {id}, balances {x} {y}");
                }
                // One non-zero balance (34 bytes).
                let mut b = Account { open_count: 1000, ..Default::default() };
                b.balances.push(3, (0, 0));
                b.balances.push(4, (x, y));
                if x != 0 || y != 0 {
                    assert_eq!(b.leaf_one_block(7, 1), b.leaf_fields(7, 1), "balance {x} {y}");
                }
            }
        }
    }
}
