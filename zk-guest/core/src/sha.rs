//! SHA-256. Natively the `sha2` crate; inside SP1 the same function through SP1's SHA-256 precompile
//! (the extend and compress syscalls), which costs a fraction of the cycles of a software compression.

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
pub fn sha256(data: &[u8]) -> [u8; 32] {
    const H0: [u64; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut state = H0;
    let bit_len = (data.len() as u64) * 8;
    // Whole blocks straight from the input; only the tail (one or two blocks) is copied and padded.
    let full = data.len() / 64 * 64;
    let mut tail = [0u8; 128];
    let rest = data.len() - full;
    tail[..rest].copy_from_slice(&data[full..]);
    tail[rest] = 0x80;
    let tail_len = if rest < 56 { 64 } else { 128 };
    tail[tail_len - 8..tail_len].copy_from_slice(&bit_len.to_be_bytes());
    for block in data[..full].chunks_exact(64).chain(tail[..tail_len].chunks_exact(64)) {
        let mut w = [0u64; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([block[4 * i], block[4 * i + 1], block[4 * i + 2], block[4 * i + 3]]) as u64;
        }
        unsafe {
            syscall_sha256_extend(&mut w);
            syscall_sha256_compress(&mut w, &mut state);
        }
    }
    let mut out = [0u8; 32];
    for i in 0..8 {
        out[4 * i..4 * i + 4].copy_from_slice(&(state[i] as u32).to_be_bytes());
    }
    out
}
