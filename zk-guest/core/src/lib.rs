//! The exchange state transition in Rust, implemented from `docs/engine-spec.md`. Natively it is tested
//! against every golden vector in `spec/vectors/`; inside the SP1 guest it re-executes blocks from a witness
//! (`witness.rs`).

pub mod enc;
pub mod engine;
pub mod sha;
pub mod smt;
pub mod types;
pub mod witness;

pub use sha::sha256;

pub fn hex(b: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(D[(x >> 4) as usize] as char);
        s.push(D[(x & 15) as usize] as char);
    }
    s
}

pub fn unhex(s: &str) -> Vec<u8> {
    let v = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not hex: {s}"),
    };
    s.as_bytes().chunks(2).map(|p| v(p[0]) << 4 | v(p[1])).collect()
}
