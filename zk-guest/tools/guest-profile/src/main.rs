//! `guest-profile ELF WITNESS`: runs the guest on one witness in SP1's executor (the same one `zk-prover execute`
//! uses) and prints its cycles. With `TRACE_FILE` set the executor's profiler runs, and with the pc-counts patch it
//! writes how often each instruction executed to `PC_FILE` (every cycle, not a sample): scripts/guest-profile turns
//! that into cycles per function and an annotated disassembly.
use sp1_core_executor::{MinimalExecutor, Program, SupervisorMode};
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: guest-profile ELF WITNESS");
        std::process::exit(2);
    }
    let elf = std::fs::read(&args[1]).expect("read the guest ELF");
    let input = std::fs::read(&args[2]).expect("read the witness");
    let program = Arc::new(Program::from(&elf).expect("a guest ELF"));
    let mut executor = MinimalExecutor::<SupervisorMode>::new(program, false, None);
    executor.with_input(&input);
    // Bounded by the guest itself: a block range ends or the executor stops it at its cycle limit.
    while !executor.is_done() {
        executor.execute_chunk();
    }
    println!("cycles {} exit {}", executor.global_clk(), executor.exit_code());
}
