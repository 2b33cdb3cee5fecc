//! The guest's logic, run natively on witnesses the Java engine built: accepted as recorded, refused when a
//! recorded root is tampered with.

use std::path::PathBuf;

use zk_core::witness;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../spec/vectors/witness")
}

fn files() -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir()).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    assert!(v.len() >= 3);
    v
}

#[test]
fn recorded_ranges_reexecute_and_verify() {
    for f in files() {
        let bytes = std::fs::read(&f).unwrap();
        let w = witness::load(&bytes);
        let blocks = w.headers.len();
        let pv = witness::execute(w);
        assert!(pv.last_height - pv.first_height + 1 == blocks as i64);
        assert_ne!(pv.pre_state_root, pv.post_state_root);
        println!("{}: blocks {}..{} ok", f.file_name().unwrap().to_string_lossy(), pv.first_height, pv.last_height);
    }
}

#[test]
fn a_tampered_state_root_is_refused() {
    let bytes = std::fs::read(dir().join("random-markets-h5-7.bin")).unwrap();
    // The last header's state root sits 96 bytes before the end (state, commands, events roots).
    let mut bad = bytes.clone();
    let at = bad.len() - 96;
    bad[at] ^= 1;
    let result = std::panic::catch_unwind(|| witness::execute(witness::load(&bad)));
    let msg = result.err().and_then(|e| e.downcast_ref::<String>().cloned()).unwrap_or_default();
    assert!(msg.contains("recorded state root is wrong"), "got: {msg}");
}

#[test]
fn a_tampered_balance_is_refused() {
    let bytes = std::fs::read(dir().join("random-markets-h20.bin")).unwrap();
    // Flip a byte in the middle of the pre-state: some proof or root no longer holds.
    let mut bad = bytes.clone();
    let at = 300;
    bad[at] ^= 0x40;
    assert!(std::panic::catch_unwind(|| witness::execute(witness::load(&bad))).is_err());
}

fn chain(names: &[&str]) -> Vec<u8> {
    let mut v = witness::CHAIN_MAGIC.to_be_bytes().to_vec();
    v.extend_from_slice(&(names.len() as u32).to_be_bytes());
    for n in names {
        let b = std::fs::read(dir().join(format!("{n}.bin"))).unwrap();
        v.extend_from_slice(&(b.len() as u32).to_be_bytes());
        v.extend_from_slice(&b);
    }
    v
}

#[test]
fn a_chain_of_consecutive_ranges_proves_like_one_range_over_the_span() {
    let whole = witness::run(&std::fs::read(dir().join("random-markets-h1-7.bin")).unwrap());
    let chained = witness::run(&chain(&["random-markets-h1", "random-markets-h2-4", "random-markets-h5-7"]));
    assert_eq!(chained, whole);
    assert_eq!((chained.first_height, chained.last_height), (1, 7));
    // A chain of one is that range.
    let one = witness::run(&chain(&["random-markets-h2-4"]));
    assert_eq!(one, witness::run(&std::fs::read(dir().join("random-markets-h2-4.bin")).unwrap()));
}

#[test]
fn a_chain_with_a_gap_or_out_of_order_is_refused() {
    for names in [&["random-markets-h1", "random-markets-h5-7"][..], &["random-markets-h2-4", "random-markets-h1"][..]] {
        let bytes = chain(names);
        let msg = std::panic::catch_unwind(|| witness::run(&bytes))
            .err()
            .and_then(|e| e.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert!(msg.contains("pre-state root is not the previous range's post-state root"), "{names:?}: {msg}");
    }
}

#[test]
fn a_hidden_recent_client_order_id_is_refused() {
    let bytes = std::fs::read(dir().join("client-order-ids-h2.bin")).unwrap();
    // Account 1 remembers (clientOrderId 8, orderId 15) from block 1; block 2 retries 8. A prover that
    // rewrote the entry (to let the retry through) no longer matches the committed account leaf.
    // ZKW6: each u64 as its little-endian bytes (docs/zk.md §Witness).
    let entry: Vec<u8> = [8i64.to_le_bytes(), 15i64.to_le_bytes()].concat();
    let at = bytes.windows(16).position(|w| w == entry.as_slice()).expect("the recent entry in the witness");
    let mut bad = bytes.clone();
    bad[at] = 9;
    let result = std::panic::catch_unwind(|| witness::execute(witness::load(&bad)));
    let msg = result.err().and_then(|e| e.downcast_ref::<String>().cloned()).unwrap_or_default();
    assert!(msg.contains("accounts root"), "got: {msg}");
}
