//! SHA-256. Natively the `sha2` crate; inside SP1 the same function through SP1's SHA-256 precompile
//! (the extend and compress syscalls), which costs a fraction of the cycles of a software compression.

/// The tree-node IV: SHA-256("zkclob/smt-node") as big-endian words (docs/engine-spec.md §6; the Java twin
/// derives it and a test on each side pins it).
pub const NODE_IV: [u32; 8] = [0x1f8a6a30, 0x64902c13, 0xa66bac9c, 0x38eb0608, 0x45647786, 0x31af52e2, 0x2f55c196, 0x0658d9de];

/// A tree hash as the guest keeps it: the eight big-endian words of the 32 bytes (docs/engine-spec.md §6),
/// so that a node's compression reads its children without packing bytes into words and its output needs
/// no unpacking. Bytes only at the edges (the witness, hex roots, public values).
pub type Hash = [u32; 8];

pub fn to_words(b: &[u8; 32]) -> Hash {
    let mut h = [0u32; 8];
    for i in 0..8 {
        h[i] = u32::from_be_bytes([b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]]);
    }
    h
}

pub fn to_bytes(h: &Hash) -> [u8; 32] {
    let mut b = [0u8; 32];
    for i in 0..8 {
        b[4 * i..4 * i + 4].copy_from_slice(&h[i].to_be_bytes());
    }
    b
}

/// A tree node: one SHA-256 compression of `left ‖ right` from NODE_IV, no padding. Half the work of
/// SHA-256 over a tagged 65-byte input; the IV keeps nodes apart from every padded hash (the leaves).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut out = [0u32; 8];
    node_hash_into(left, right, &mut out);
    out
}

/// `node_hash` written into its place (a multiproof's node vector): no hash returned and then copied there.
#[cfg(not(target_os = "zkvm"))]
#[inline(always)]
pub fn node_hash_into(left: &Hash, right: &Hash, out: &mut Hash) {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(&to_bytes(left));
    block[32..].copy_from_slice(&to_bytes(right));
    let mut state = NODE_IV;
    sha2::compress256(&mut state, &[block.into()]);
    *out = state;
}

#[cfg(target_os = "zkvm")]
static NODE_IV64: [u64; 8] = [
    NODE_IV[0] as u64, NODE_IV[1] as u64, NODE_IV[2] as u64, NODE_IV[3] as u64,
    NODE_IV[4] as u64, NODE_IV[5] as u64, NODE_IV[6] as u64, NODE_IV[7] as u64,
];

#[cfg(target_os = "zkvm")]
#[inline(always)]
pub fn node_hash_into(left: &Hash, right: &Hash, out: &mut Hash) {
    let mut state: [u64; 8] = NODE_IV64;
    // The static schedule (see `Leaf`).
    let w = core::ptr::addr_of_mut!(SCHED);
    let p = w as *mut u64;
    for i in 0..8 {
        unsafe {
            p.add(i).write(left[i] as u64);
            p.add(8 + i).write(right[i] as u64);
        }
    }
    unsafe {
        syscall_sha256_extend(w);
        syscall_sha256_compress(w, &mut state);
    }
    for i in 0..8 {
        out[i] = state[i] as u32;
    }
}

/// SHA-256 of a message of at most 55 bytes given as its one padded block (the caller lays out the message, the
/// 0x80, the zeros and the bit length): one compression from the standard IV.
#[cfg(not(target_os = "zkvm"))]
pub fn sha256_one_block(words: &[u32; 16]) -> Hash {
    let mut block = [0u8; 64];
    for i in 0..16 {
        block[4 * i..4 * i + 4].copy_from_slice(&words[i].to_be_bytes());
    }
    let mut state = H0_32;
    sha2::compress256(&mut state, &[block.into()]);
    state
}

#[cfg(target_os = "zkvm")]
#[inline(always)]
pub fn sha256_one_block(words: &[u32; 16]) -> Hash {
    let mut state = H0;
    // The static schedule (see `Leaf`); no caller of this function is inside another user of it.
    let w = core::ptr::addr_of_mut!(SCHED);
    let p = w as *mut u64;
    for i in 0..16 {
        // The low half of each 64-bit word only (little-endian): the high halves of words 0..16 are zero (the
        // static's image, and every writer stores a zero-extended word), so no zero-extension per word; inlined,
        // the caller's words go straight here instead of through an array on its stack.
        unsafe { (p.add(i) as *mut u32).write(words[i]) };
    }
    unsafe {
        syscall_sha256_extend(w);
        syscall_sha256_compress(w, &mut state);
    }
    let mut out = [0u32; 8];
    for i in 0..8 {
        out[i] = state[i] as u32;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_block_is_sha256_of_its_message() {
        for n in [0usize, 1, 34, 54, 55] {
            let msg: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let mut b = [0u8; 64];
            b[..n].copy_from_slice(&msg);
            b[n] = 0x80;
            b[56..].copy_from_slice(&((n as u64) * 8).to_be_bytes());
            let mut w = [0u32; 16];
            for i in 0..16 {
                w[i] = u32::from_be_bytes(b[4 * i..4 * i + 4].try_into().unwrap());
            }
            assert_eq!(super::to_bytes(&super::sha256_one_block(&w)), super::sha256(&msg), "{n} bytes");
        }
    }

    #[test]
    fn node_iv_is_the_hash_of_its_name() {
        let h = super::sha256(b"zkclob/smt-node");
        for i in 0..8 {
            assert_eq!(u32::from_be_bytes(h[4 * i..4 * i + 4].try_into().unwrap()), super::NODE_IV[i]);
        }
    }
}

#[cfg(not(target_os = "zkvm"))]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(data).into()
}

#[cfg(target_os = "zkvm")]
extern "C" {
    fn syscall_sha256_extend(w: *mut [u64; 64]);
    fn syscall_sha256_compress(w: *mut [u64; 64], state: *mut [u64; 8]);
}

#[cfg(target_os = "zkvm")]
const H0: [u64; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// One 64-byte block into the state. Only the first 16 schedule words are written: the extend precompile
/// fills the other 48, so the 512-byte schedule is never zeroed (that memset cost as much as the packing).
#[cfg(target_os = "zkvm")]
#[inline(always)]
fn compress_block(state: &mut [u64; 8], block: &[u8; 64]) {
    // The static schedule (see `Leaf`).
    let w = core::ptr::addr_of_mut!(SCHED);
    let p = w as *mut u64;
    for i in 0..16 {
        let b = &block[4 * i..4 * i + 4];
        let word = (b[0] as u64) << 24 | (b[1] as u64) << 16 | (b[2] as u64) << 8 | b[3] as u64;
        unsafe { p.add(i).write(word) };
    }
    unsafe {
        syscall_sha256_extend(w);
        syscall_sha256_compress(w, state);
    }
}

#[cfg(target_os = "zkvm")]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut state = H0;
    let bit_len = (data.len() as u64) * 8;
    // Whole blocks straight from the input; only the tail (one or two blocks) is copied and padded.
    let (blocks, rest) = data.as_chunks::<64>();
    for block in blocks {
        compress_block(&mut state, block);
    }
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let tail_len = if rest.len() < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&bit_len.to_be_bytes());
    let (tail_blocks, _) = tail[..tail_len].as_chunks::<64>();
    for block in tail_blocks {
        compress_block(&mut state, block);
    }
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&(state[i] as u32).to_be_bytes());
    }
    out
}

/// SHA-256 over an encoding written field by field (docs/engine-spec.md §6–7 layouts): each field goes
/// straight into the big-endian message words the compression reads, so no byte buffer is written and then
/// packed again, four bytes to a word, for every 64-byte block (that packing cost about 170 cycles per block
/// in the zkVM, more than the precompile). Fields need not be word-aligned: a bit accumulator carries the
/// bytes of an unfinished word. The same code runs natively (with `sha2`'s compression), so the vector tests
/// check it. Used for the leaves and the block's events; bytes that already exist (a witness's command
/// encodings) are cheaper through `sha256`, which packs them once, than re-encoded field by field here
/// (docs/benchmarks.md, "Shallower trees and hashes as words").
#[derive(Clone, Debug)]
pub struct Hasher {
    #[cfg(target_os = "zkvm")]
    state: [u64; 8],
    #[cfg(not(target_os = "zkvm"))]
    state: [u32; 8],
    /// The block's message words, first 16 entries; in the zkVM also the 48 the extend precompile writes.
    #[cfg(target_os = "zkvm")]
    w: core::mem::MaybeUninit<[u64; 64]>,
    #[cfg(not(target_os = "zkvm"))]
    w: [u32; 16],
    /// Words of the current block written so far (0..16).
    n: usize,
    /// The bytes of the next word not yet complete, `bits` (0..32) bits of them, at the top of the register
    /// and zeros below: a completed word is one shift right, and a u64 field's second word is the register's
    /// low half as it is (see `Cur::u64`).
    hi: u64,
    bits: u32,
    /// Blocks compressed so far (the padding's length field counts them; a put does not count bytes).
    blocks: u64,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    /// A hasher whose schedule lives where it is put (the block's running command and event hashes in
    /// `State`). In the zkVM its words 16..64 are written here once, by the CPU: see `Leaf` for why. Per-leaf
    /// hashing goes through `Hasher::leaf`, which needs no such writes.
    pub fn new() -> Self {
        #[allow(unused_mut)]
        let mut h = Self::blank();
        #[cfg(target_os = "zkvm")]
        {
            // Words 0..16 too: their high halves must be zero, and only their low halves are written later
            // (`Cur::word`).
            let p = h.w.as_mut_ptr() as *mut u64;
            for i in 0..64 {
                unsafe { core::ptr::write_volatile(p.add(i), 0) };
            }
        }
        h
    }

    /// The hasher for one leaf (or other short message) at a time: in the zkVM a static one, reset, so its
    /// schedule is in the program's memory image (see `Leaf`); natively a fresh one. Two at once panic.
    #[inline(always)]
    pub fn leaf() -> Leaf {
        #[cfg(target_os = "zkvm")]
        unsafe {
            let busy = &mut *core::ptr::addr_of_mut!(LEAF_BUSY);
            assert!(!*busy, "a leaf hash inside a leaf hash");
            *busy = true;
            (*core::ptr::addr_of_mut!(LEAF)).reset();
            Leaf {}
        }
        #[cfg(not(target_os = "zkvm"))]
        Leaf { h: Hasher::new() }
    }

    const fn blank() -> Self {
        Hasher {
            #[cfg(target_os = "zkvm")]
            state: H0,
            #[cfg(not(target_os = "zkvm"))]
            state: H0_32,
            // Zero (the static `LEAF` is then zero in the ELF's image): the high halves of words 0..16 stay so.
            #[cfg(target_os = "zkvm")]
            w: core::mem::MaybeUninit::new([0; 64]),
            #[cfg(not(target_os = "zkvm"))]
            w: [0; 16],
            n: 0,
            hi: 0,
            bits: 0,
            blocks: 0,
        }
    }

    /// A write cursor: the accumulator, its bit count and the word index live in the cursor (registers, once
    /// inlined) instead of being loaded and stored through `self` for every field (about 20 instructions per
    /// 32-bit field before, most of them memory traffic). Written back when the cursor is dropped.
    #[inline(always)]
    pub fn cur(&mut self) -> Cur<'_> {
        let mut c = Cur { hi: self.hi, bits: self.bits, p: core::ptr::null_mut(), h: self };
        // SAFETY: n < 16, so the pointer is inside the schedule.
        c.p = unsafe { c.h.slots().add(c.h.n) };
        c
    }

    /// The schedule's first word. Its 16 message words are `Slot`s (SP1's precompiles read 64-bit words).
    #[inline(always)]
    fn slots(&mut self) -> *mut Slot {
        self.w.as_mut_ptr() as *mut Slot
    }

    #[cfg(target_os = "zkvm")]
    #[inline(never)]
    fn compress(&mut self) {
        unsafe {
            syscall_sha256_extend(self.w.as_mut_ptr());
            syscall_sha256_compress(self.w.as_mut_ptr(), &mut self.state);
        }
        self.blocks += 1;
    }

    #[cfg(not(target_os = "zkvm"))]
    fn compress(&mut self) {
        let mut block = [0u8; 64];
        for i in 0..16 {
            block[4 * i..4 * i + 4].copy_from_slice(&self.w[i].to_be_bytes());
        }
        sha2::compress256(&mut self.state, &[block.into()]);
        self.blocks += 1;
    }

    #[inline(always)]
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.cur().u8(v);
        self
    }
    #[inline(always)]
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.cur().u16(v);
        self
    }
    #[inline(always)]
    pub fn u32(&mut self, v: i32) -> &mut Self {
        self.cur().u32(v);
        self
    }
    #[inline(always)]
    pub fn u64(&mut self, v: i64) -> &mut Self {
        self.cur().u64(v);
        self
    }
    pub fn str(&mut self, s: &Option<String>) -> &mut Self {
        self.cur().str(s);
        self
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.cur().bytes(b);
        self
    }
    #[inline(always)]
    pub fn hash(&mut self, h: &Hash) -> &mut Self {
        self.cur().hash(h);
        self
    }

    /// The digest as bytes.
    pub fn finish(&mut self) -> [u8; 32] {
        to_bytes(&self.finish_words())
    }

    /// The padding (FIPS 180-4 §5.1.1) and the digest as words. By reference: taking the hasher by value
    /// copied its 600 bytes (the schedule) for every leaf. The hasher is spent afterwards (`reset` reuses it).
    pub fn finish_words(&mut self) -> Hash {
        let mut c = self.cur();
        let bit_len = c.h.blocks * 512 + c.n() as u64 * 32 + c.bits as u64;
        // The pending bytes (0..3), the 0x80 and zero bytes as one word: put byte by byte, the 0x80 and up to
        // three zeros each cost an accumulator step.
        let last = ((c.hi >> 32) as u32) | (0x80 << (24 - c.bits));
        c.bits = 0;
        c.hi = 0;
        c.word(last);
        // Whole zero words up to the length field (words 14 and 15 of a block), stored without the block-end
        // test of `word` (only the first loop can end a block).
        if c.n() > 14 {
            c.word(0);
        }
        for i in c.n()..14 {
            c.store(i, 0);
        }
        // SAFETY: word 14 of the schedule.
        c.p = unsafe { c.h.slots().add(14) };
        c.word((bit_len >> 32) as u32);
        c.word(bit_len as u32);
        drop(c);
        let mut out = [0u32; 8];
        for i in 0..8 {
            out[i] = self.state[i] as u32;
        }
        out
    }

    /// Back to the empty message (the schedule is not cleared: it is always written before it is read).
    pub fn reset(&mut self) {
        #[cfg(target_os = "zkvm")]
        {
            self.state = H0;
        }
        #[cfg(not(target_os = "zkvm"))]
        {
            self.state = H0_32;
        }
        self.n = 0;
        self.hi = 0;
        self.bits = 0;
        self.blocks = 0;
    }
}

/// Why the zkVM's schedules live in statics (or are written once by the CPU). SP1 6.10 gives an address a
/// global memory initialize/finalize pair (the events whose sum its core verifier checks) only if the CPU
/// loads or stores it, or it is in the ELF's memory image (every static, `.bss` included), or it holds
/// hint input; the SHA-256 precompiles' own accesses do not count. Words 16..64 of a schedule are written
/// only by the extend precompile and read only by compress, so a schedule in a stack frame whose memory no
/// instruction ever touched produced a core proof that fails verification with "global cumulative sum is
/// not zero", though execution was correct (docs/benchmarks.md, "A guest state machine without event
/// values..."). Statics are in the image, so no witness can reach such an address.
#[cfg(target_os = "zkvm")]
static mut LEAF: Hasher = Hasher::blank();
#[cfg(target_os = "zkvm")]
static mut LEAF_BUSY: bool = false;
/// The schedule of `node_hash`, `sha256_one_block` and `sha256` (none calls another nor anything that hashes).
/// The high halves of its words 0..16 stay zero: every store there is a zero-extended word or a low half.
#[cfg(target_os = "zkvm")]
static mut SCHED: [u64; 64] = [0; 64];

/// See `Hasher::leaf`.
pub struct Leaf {
    #[cfg(not(target_os = "zkvm"))]
    h: Hasher,
}

impl core::ops::Deref for Leaf {
    type Target = Hasher;
    #[inline(always)]
    fn deref(&self) -> &Hasher {
        #[cfg(target_os = "zkvm")]
        unsafe {
            &*core::ptr::addr_of!(LEAF)
        }
        #[cfg(not(target_os = "zkvm"))]
        &self.h
    }
}

impl core::ops::DerefMut for Leaf {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Hasher {
        #[cfg(target_os = "zkvm")]
        unsafe {
            &mut *core::ptr::addr_of_mut!(LEAF)
        }
        #[cfg(not(target_os = "zkvm"))]
        &mut self.h
    }
}

impl Drop for Leaf {
    #[inline(always)]
    fn drop(&mut self) {
        #[cfg(target_os = "zkvm")]
        unsafe {
            *core::ptr::addr_of_mut!(LEAF_BUSY) = false;
        }
    }
}

/// A schedule word's slot: in the zkVM a 64-bit word (SP1's precompiles read and write those) whose high half
/// is zero, natively the word itself.
#[cfg(target_os = "zkvm")]
type Slot = u64;
#[cfg(not(target_os = "zkvm"))]
type Slot = u32;

/// See `Hasher::cur`.
pub struct Cur<'a> {
    h: &'a mut Hasher,
    /// As `Hasher::hi` and `Hasher::bits`.
    hi: u64,
    bits: u32,
    /// Where the next word goes: `h.w[n]`, always in `h.w[0..16]` (back to the start when a block is full). A
    /// pointer, so that storing a word is one store and one add (an index was also a shift and an add).
    p: *mut Slot,
}

impl Drop for Cur<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.h.hi = self.hi;
        self.h.bits = self.bits;
        self.h.n = self.n();
    }
}

impl Cur<'_> {
    /// The index of the next word in the block (0..16).
    #[inline(always)]
    fn n(&mut self) -> usize {
        // SAFETY: both point into the same schedule, `p` at or after its start.
        unsafe { self.p.offset_from(self.h.slots()) as usize }
    }

    #[inline(always)]
    fn word(&mut self, word: u32) {
        // SAFETY: `p` is one of the block's 16 slots (the invariant above), aligned. In the zkVM the store
        // writes the slot's low half only (little-endian): its high half is zero from `Hasher::new`/`blank`
        // and nothing writes it since, so the slot holds the word as the precompile needs it, without the
        // zero-extension a 64-bit store would need first.
        unsafe {
            (self.p as *mut u32).write(word);
            self.p = self.p.add(1);
        }
        if self.p == self.h.slots().wrapping_add(16) {
            self.h.compress();
            self.p = self.h.slots();
        }
    }

    /// Word `i` (0..16) of the block, with no block-end test.
    #[inline(always)]
    fn store(&mut self, i: usize, word: u32) {
        debug_assert!(i < 16);
        // SAFETY: i < 16, and as in `word`.
        unsafe { (self.h.slots().add(i) as *mut u32).write(word) };
    }

    /// Zero bytes up to the next word boundary of the message (each command in the commands' commitment, v7).
    #[inline(always)]
    pub fn pad_word(&mut self) -> &mut Self {
        if self.bits != 0 {
            // The bits below the pending bytes are zeros already.
            self.bits = 0;
            self.word((self.hi >> 32) as u32);
            self.hi = 0;
        }
        self
    }

    /// Sixteen whole words (an order's encoding). On a word boundary of the message, which every command
    /// starts on since v7, they go straight into the schedule: sixteen words from position n fill the block
    /// and leave n words in the next, so one compression and no per-word shift, count or test.
    #[inline(always)]
    pub fn words16(&mut self, w: &[u32; 16]) -> &mut Self {
        if self.bits != 0 {
            for x in w {
                self.put32(*x);
            }
            return self;
        }
        let n = self.n();
        if n == 0 {
            // A block of orders only (every order is 64 bytes): the whole block, straight-line stores (the loops
            // below test their variable bound at every word).
            for i in 0..16 {
                self.store(i, w[i]);
            }
            self.h.compress();
            self.p = self.h.slots();
            return self;
        }
        for i in 0..16 - n {
            self.store(n + i, w[i]);
        }
        self.h.compress();
        for i in 16 - n..16 {
            self.store(i + n - 16, w[i]);
        }
        // SAFETY: n < 16.
        self.p = unsafe { self.h.slots().add(n) };
        self
    }

    /// Five u64s (40 bytes: a level leaf's resting order) when the message stands 2 bytes past a word
    /// boundary, as it does for every order of a level leaf (its 18-byte header, then 40 bytes each). When
    /// the ten words fit in the block they are stored at fixed offsets from the word index: no shift by a
    /// variable count, no index test per word (the general path, `u64` five times, otherwise).
    #[inline(always)]
    pub fn u64x5_at16(&mut self, f: [i64; 5]) -> &mut Self {
        debug_assert_eq!(self.bits, 16);
        let n = self.n();
        if n > 6 {
            for v in f {
                self.u64(v);
            }
            return self;
        }
        let mut carry = self.hi >> 48;
        for (j, v) in f.into_iter().enumerate() {
            let v = v as u64;
            self.store(n + 2 * j, (((carry & 0xffff) << 16) | (v >> 48)) as u32);
            self.store(n + 2 * j + 1, (v >> 16) as u32);
            carry = v;
        }
        self.hi = carry << 48;
        if n + 10 == 16 {
            self.h.compress();
            self.p = self.h.slots();
        } else {
            // SAFETY: n + 10 < 16.
            self.p = unsafe { self.h.slots().add(n + 10) };
        }
        self
    }

    /// Appends `v`, `nbits` (8 or 16) bits, most significant first.
    #[inline(always)]
    fn put(&mut self, v: u64, nbits: u32) {
        debug_assert!(nbits <= 16 && v >> nbits == 0);
        self.hi |= v << (64 - nbits - self.bits);
        self.bits += nbits;
        if self.bits >= 32 {
            self.bits -= 32;
            self.word((self.hi >> 32) as u32);
            self.hi <<= 32;
        }
    }

    /// Appends 32 bits. The pending bits stay as many (fewer than 32 before and after any put), so the word
    /// to write is always complete: no count to add, compare and subtract (about a quarter of the
    /// instructions of a whole-word put, and most of what the events and commands put are whole words).
    #[inline(always)]
    fn put32(&mut self, v: u32) {
        let x = self.hi | (v as u64) << (32 - self.bits);
        self.word((x >> 32) as u32);
        self.hi = x << 32;
    }

    #[inline(always)]
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.put(v as u64, 8);
        self
    }
    #[inline(always)]
    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.put(v as u64, 16);
        self
    }
    #[inline(always)]
    pub fn u32(&mut self, v: i32) -> &mut Self {
        self.put32(v as u32);
        self
    }
    /// A whole word (a big-endian word of bytes that already exist, e.g. a command's encoding).
    #[inline(always)]
    pub fn w32(&mut self, v: u32) -> &mut Self {
        self.put32(v);
        self
    }
    /// Two words from one register: the pending bits and the value's top, then the value's next 32 bits
    /// (the low half of the same register), and its last `bits` bits pending (five operations, eight as two
    /// `put32`s).
    #[inline(always)]
    pub fn u64(&mut self, v: i64) -> &mut Self {
        let v = v as u64;
        let x = self.hi | v >> self.bits;
        self.word((x >> 32) as u32);
        self.word(x as u32);
        // In two shifts: for no pending bits, one shift by 64 would be a shift by 0 (RISC-V takes the count
        // modulo 64).
        self.hi = (v << (32 - self.bits)) << 32;
        self
    }
    pub fn str(&mut self, s: &Option<String>) -> &mut Self {
        let b = s.as_deref().unwrap_or("").as_bytes();
        let n = b.len().min(255);
        self.u8(n as u8);
        self.bytes(&b[..n])
    }
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        let (words, rest) = b.as_chunks::<4>();
        for w in words {
            self.put32(u32::from_be_bytes(*w));
        }
        for x in rest {
            self.put(*x as u64, 8);
        }
        self
    }

    /// A tree hash (or any 32 bytes held as words): eight words, no packing.
    #[inline(always)]
    pub fn hash(&mut self, h: &Hash) -> &mut Self {
        for w in h {
            self.put32(*w);
        }
        self
    }
}

#[cfg(not(target_os = "zkvm"))]
const H0_32: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

#[cfg(test)]
mod hasher_tests {
    use super::*;

    /// Every length around the block and padding boundaries, fields at every alignment: the same digest as
    /// SHA-256 over the bytes.
    #[test]
    fn the_field_hasher_is_sha256_of_the_encoding() {
        for n in 0..200usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 31 + 7) as u8).collect();
            let mut h = Hasher::new();
            h.bytes(&bytes);
            assert_eq!(h.finish(), sha256(&bytes), "{n} bytes");
            let mut h = Hasher::new();
            let mut e = Vec::new();
            for (i, x) in bytes.iter().enumerate() {
                match i % 4 {
                    0 => {
                        h.u8(*x);
                        e.push(*x);
                    }
                    1 => {
                        let v = 0x0102_0304_0506_0708i64.wrapping_mul(*x as i64 + 1);
                        h.u64(v);
                        e.extend_from_slice(&v.to_be_bytes());
                    }
                    2 => {
                        h.u16(0xA1B2 ^ *x as u16);
                        e.extend_from_slice(&(0xA1B2 ^ *x as u16).to_be_bytes());
                    }
                    _ => {
                        h.u32(-(*x as i32));
                        e.extend_from_slice(&(-(*x as i32)).to_be_bytes());
                    }
                }
            }
            assert_eq!(h.finish(), sha256(&e), "{n} fields");
        }
    }
}
