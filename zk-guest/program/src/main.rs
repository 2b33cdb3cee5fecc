//! The SP1 guest program (spike version: hashes its witness and commits the digest).
#![no_main]
sp1_zkvm::entrypoint!(main);

pub fn main() {
    let witness: Vec<u8> = sp1_zkvm::io::read_vec();
    let digest = zk_core::sha256(&witness);
    sp1_zkvm::io::commit_slice(&digest);
}
