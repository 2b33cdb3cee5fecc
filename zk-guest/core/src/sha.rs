//! SHA-256. Natively the `sha2` crate; inside SP1 the same function through SP1's SHA-256 precompile
//! (the extend and compress syscalls), which costs a fraction of the cycles of a software compression.

/// The tree-node IV: SHA-256("zkclob/smt-node") as big-endian words (docs/engine-spec.md §6; the Java twin
/// derives it and a test on each side pins it).
pub const NODE_IV: [u32; 8] = [0x1f8a6a30, 0x64902c13, 0xa66bac9c, 0x38eb0608, 0x45647786, 0x31af52e2, 0x2f55c196, 0x0658d9de];

/// A tree node: one SHA-256 compression of `left ‖ right` from NODE_IV, no padding. Half the work of
/// SHA-256 over a tagged 65-byte input; the IV keeps nodes apart from every padded hash (the leaves).
#[cfg(not(target_os = "zkvm"))]
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut block = [0u8; 64];
    block[..32].copy_from_slice(left);
    block[32..].copy_from_slice(right);
    let mut state = NODE_IV;
    sha2::compress256(&mut state, &[block.into()]);
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&state[i].to_be_bytes());
    }
    out
}

#[cfg(target_os = "zkvm")]
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut state: [u64; 8] = [0; 8];
    for i in 0..8 {
        state[i] = NODE_IV[i] as u64;
    }
    let mut w = core::mem::MaybeUninit::<[u64; 64]>::uninit();
    let p = w.as_mut_ptr() as *mut u64;
    for (half, src) in [left, right].into_iter().enumerate() {
        for i in 0..8 {
            let b = &src[4 * i..4 * i + 4];
            let word = (b[0] as u64) << 24 | (b[1] as u64) << 16 | (b[2] as u64) << 8 | b[3] as u64;
            unsafe { p.add(8 * half + i).write(word) };
        }
    }
    unsafe {
        syscall_sha256_extend(w.as_mut_ptr());
        syscall_sha256_compress(w.as_mut_ptr(), &mut state);
    }
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&(state[i] as u32).to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
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
    let mut w = core::mem::MaybeUninit::<[u64; 64]>::uninit();
    let p = w.as_mut_ptr() as *mut u64;
    for i in 0..16 {
        let b = &block[4 * i..4 * i + 4];
        let word = (b[0] as u64) << 24 | (b[1] as u64) << 16 | (b[2] as u64) << 8 | b[3] as u64;
        unsafe { p.add(i).write(word) };
    }
    unsafe {
        syscall_sha256_extend(w.as_mut_ptr());
        syscall_sha256_compress(w.as_mut_ptr(), state);
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
