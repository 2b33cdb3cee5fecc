//! Runs the guest logic natively on a witness file (for profiling: valgrind --tool=callgrind).
fn main() {
    let path = std::env::args().nth(1).expect("usage: run_witness WITNESS");
    let bytes = std::fs::read(path).unwrap();
    let pv = zk_core::witness::execute(zk_core::witness::load(&bytes));
    println!("{}", zk_core::hex(&pv.to_bytes()));
}
