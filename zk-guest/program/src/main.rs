//! The SP1 guest: re-executes a range of exchange blocks from a witness and commits
//! (pre-state root, post-state root, first height, last height, hash of the block headers).
//! Any mismatch (a proof against the pre-state root, a recorded state/commands/events root) panics,
//! so no proof of a wrong block can exist. No clock, randomness, threads or hash-map iteration here.
#![no_main]
sp1_zkvm::entrypoint!(main);

pub fn main() {
    let bytes: Vec<u8> = sp1_zkvm::io::read_vec();
    // One range's witness (ZKW6), or a chain of consecutive ranges proven together (ZKWC, docs/zk.md).
    let public_values = zk_core::witness::run(&bytes);
    sp1_zkvm::io::commit_slice(&public_values.to_bytes());
}
