//! zk-prover: the exchange's command-line prover, on sp1-sdk and SP1's CPU prover (sp1-prover), or SP1's CUDA
//! prover when built with the `cuda` feature.
//!
//! Every subcommand prints exactly one JSON object on stdout so that the Java prover-service (and people)
//! can read it. Nothing here is ever a mock: `execute` runs the guest without proving and says so
//! (`"proven": false`); `prove` writes a real SP1 proof and verifies it before reporting success.

use std::{path::PathBuf, sync::Arc, time::Instant};

use anyhow::{bail, Context, Result};
use serde_json::json;
use sp1_sdk::{
    prelude::*, ProverClient, SP1ProofWithPublicValues, SP1Stdin,
};

const USAGE: &str = "usage:
  zk-prover execute --elf GUEST --input WITNESS
  zk-prover prove   --elf GUEST --input WITNESS --mode core|compressed --out PROOF
  zk-prover verify  --elf GUEST PROOF
  zk-prover vkey    --elf GUEST";

struct Args {
    command: String,
    elf: Option<PathBuf>,
    input: Option<PathBuf>,
    out: Option<PathBuf>,
    mode: String,
    positional: Vec<String>,
}

fn parse_args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let command = it.next().context(USAGE)?;
    let mut args = Args { command, elf: None, input: None, out: None, mode: "compressed".into(), positional: vec![] };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--elf" => args.elf = Some(it.next().context("--elf needs a path")?.into()),
            "--input" => args.input = Some(it.next().context("--input needs a path")?.into()),
            "--out" => args.out = Some(it.next().context("--out needs a path")?.into()),
            "--mode" => args.mode = it.next().context("--mode needs core|compressed")?,
            _ => args.positional.push(a),
        }
    }
    if args.elf.is_none() {
        if let Ok(p) = std::env::var("ZK_GUEST_ELF") {
            args.elf = Some(p.into());
        }
    }
    Ok(args)
}

/// Peak resident set size of this process and its waited-for children, from getrusage (KiB on Linux).
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let own = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024;
    own
}

fn read_elf(args: &Args) -> Result<Elf> {
    let path = args.elf.as_ref().context("--elf (or ZK_GUEST_ELF) is required")?;
    let bytes = std::fs::read(path).with_context(|| format!("reading guest ELF {}", path.display()))?;
    Ok(Elf::from(bytes))
}

fn read_stdin(args: &Args) -> Result<SP1Stdin> {
    let path = args.input.as_ref().context("--input WITNESS is required")?;
    let bytes = std::fs::read(path).with_context(|| format!("reading witness {}", path.display()))?;
    let mut stdin = SP1Stdin::new();
    // Raw bytes, not bincode: the witness format is ours (docs/zk.md), written by Java and Rust alike.
    stdin.write_vec(bytes);
    Ok(stdin)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Where `prove` runs: the CPU prover (default), or SP1's CUDA prover when built with `--features cuda` and
/// `ZK_PROVER_BACKEND=cuda` (it drives an `sp1-gpu-server` process at `~/.sp1/bin/sp1-gpu-server`, docs/zk.md).
enum Backend {
    Cpu,
    #[cfg(feature = "cuda")]
    Cuda,
}

fn backend() -> Backend {
    match std::env::var("ZK_PROVER_BACKEND").as_deref() {
        #[cfg(feature = "cuda")]
        Ok("cuda") => Backend::Cuda,
        #[cfg(not(feature = "cuda"))]
        Ok("cuda") => {
            eprintln!("ZK_PROVER_BACKEND=cuda but this zk-prover was built without the cuda feature: proving on the CPU");
            Backend::Cpu
        }
        _ => Backend::Cpu,
    }
}

/// Sets up, proves, verifies and saves on an sp1-sdk prover (the CUDA one); the JSON it returns is the `prove`
/// command's answer. The CPU prover is built by `prove_on_local_node`.
#[cfg(feature = "cuda")]
async fn prove_on<P: Prover>(
    client: P,
    elf: Elf,
    stdin: SP1Stdin,
    mode: &str,
    out: &std::path::Path,
    started: Instant,
) -> Result<serde_json::Value> {
    let setup_started = Instant::now();
    let pk = client.setup(elf).await.map_err(|e| anyhow::anyhow!("setup failed: {e}"))?;
    let setup_ms = setup_started.elapsed().as_millis() as u64;
    let prove_started = Instant::now();
    let request = client.prove(&pk, stdin);
    let proof = match mode {
        "core" => request.core().await,
        "compressed" => request.compressed().await,
        other => bail!("unknown --mode {other}: use core or compressed (Groth16/PLONK need Docker here)"),
    }
    .map_err(|e| anyhow::anyhow!("proving failed: {e}"))?;
    let prove_ms = prove_started.elapsed().as_millis() as u64;
    let verify_started = Instant::now();
    client
        .verify(&proof, pk.verifying_key(), None)
        .map_err(|e| anyhow::anyhow!("the fresh proof does not verify: {e}"))?;
    let verify_ms = verify_started.elapsed().as_millis() as u64;
    proof.save(out).with_context(|| format!("saving proof to {}", out.display()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(json!({
        "ok": true, "command": "prove", "proven": true, "mode": mode,
        "backend": std::env::var("ZK_PROVER_BACKEND").unwrap_or_else(|_| "cpu".into()),
        "proof_path": out.display().to_string(), "proof_bytes": size,
        "vkey": pk.verifying_key().bytes32(),
        "public_values": hex(proof.public_values.as_slice()),
        "setup_ms": setup_ms, "prove_ms": prove_ms, "verify_ms": verify_ms,
        "wall_ms": started.elapsed().as_millis() as u64,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

/// SP1's tracing on stderr, only when RUST_LOG asks for it (e.g. `RUST_LOG=info`): spans with their times, which
/// is how docs/benchmarks.md splits a proof into core shards, normalize and compose proofs.
fn init_logging() {
    if std::env::var_os("RUST_LOG").is_none() {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_target(false)
        .compact()
        .try_init();
}

/// The CPU prover with `permits` proofs at a time (ZK_PROVER_PERMITS). sp1-sdk's CpuProver shares four permits
/// between the core, compress and shrink provers (sp1-prover 6.10 `worker/builder.rs`,
/// `cpu_worker_builder_with_machine`), so a core shard's proof and a compose proof can hold their traces and
/// codewords at the same time; with one permit the peak is the larger of the two, not their sum. Everything
/// else is SP1's own local node, as sp1-sdk builds it.
async fn prove_on_local_node(
    permits: usize,
    elf: Elf,
    stdin: SP1Stdin,
    mode: &str,
    out: &std::path::Path,
    started: Instant,
) -> Result<serde_json::Value> {
    use sp1_hypercube::prover::{CpuShardProver, ProverSemaphore};
    use sp1_prover::{
        worker::{cpu_worker_builder, SP1LocalNodeBuilder},
        CpuSP1ProverComponents, CpuWrapProverBuilder, SP1ProverComponents,
    };
    use sp1_prover_types::network_base_types::ProofMode;

    let proof_mode = match mode {
        "core" => ProofMode::Core,
        "compressed" => ProofMode::Compressed,
        other => bail!("unknown --mode {other}: use core or compressed (Groth16/PLONK need Docker here)"),
    };
    let permits = ProverSemaphore::new(permits.max(1));
    let machine = sp1_sdk::RiscvAir::machine();
    let core_verifier = CpuSP1ProverComponents::core_verifier(machine);
    let compress_verifier = CpuSP1ProverComponents::compress_verifier();
    let shrink_verifier = CpuSP1ProverComponents::shrink_verifier();
    let builder = cpu_worker_builder()
        .with_core_air_prover(Arc::new(CpuShardProver::new(core_verifier.shard_verifier().clone())), permits.clone())
        .with_compress_air_prover(
            Arc::new(CpuShardProver::new(compress_verifier.shard_verifier().clone())),
            permits.clone(),
        )
        .with_shrink_air_prover(Arc::new(CpuShardProver::new(shrink_verifier.shard_verifier().clone())), permits.clone())
        .with_wrap_air_prover(CpuWrapProverBuilder, permits);
    let node = SP1LocalNodeBuilder::from_worker_client_builder(builder)
        .build()
        .await
        .map_err(|e| anyhow::anyhow!("building the CPU prover failed: {e}"))?;
    let elf_bytes: Vec<u8> = elf.to_vec();

    // The verifying key from the light client (the node sets the program up again inside the proof anyway), which
    // then verifies the fresh proof as `verify` does: public values and exit code included.
    let setup_started = Instant::now();
    let light = ProverClient::builder().light().build().await;
    let pk = light.setup(elf).await.map_err(|e| anyhow::anyhow!("setup failed: {e}"))?;
    let vk = pk.verifying_key().clone();
    let setup_ms = setup_started.elapsed().as_millis() as u64;
    let prove_started = Instant::now();
    let proof: SP1ProofWithPublicValues = node
        .prove_with_mode(&elf_bytes, stdin, sp1_sdk::SP1Context::default(), proof_mode)
        .await
        .map_err(|e| anyhow::anyhow!("proving failed: {e}"))?
        .into();
    let prove_ms = prove_started.elapsed().as_millis() as u64;
    drop(node);
    let verify_started = Instant::now();
    light
        .verify(&proof, &vk, None)
        .map_err(|e| anyhow::anyhow!("the fresh proof does not verify: {e}"))?;
    let verify_ms = verify_started.elapsed().as_millis() as u64;
    proof.save(out).with_context(|| format!("saving proof to {}", out.display()))?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(json!({
        "ok": true, "command": "prove", "proven": true, "mode": mode,
        "backend": "cpu", "prover_permits": permits_from_env(),
        "proof_path": out.display().to_string(), "proof_bytes": size,
        "vkey": vk.bytes32(),
        "public_values": hex(proof.public_values.as_slice()),
        "setup_ms": setup_ms, "prove_ms": prove_ms, "verify_ms": verify_ms,
        "wall_ms": started.elapsed().as_millis() as u64,
        "peak_rss_bytes": peak_rss_bytes(),
    }))
}

/// ZK_PROVER_PERMITS: how many proofs the CPU prover runs at once (sp1-sdk's CpuProver: four).
fn permits_from_env() -> usize {
    std::env::var("ZK_PROVER_PERMITS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_PROVER_PERMITS)
}

/// SP1 settings for proving on a small machine (2 cores, 24 GiB), each applied only where the environment does
/// not set it, so every caller (the prover service, the scripts, CI) proves with the same ones. Why each, and what
/// it costs: docs/zk.md, "Proving on these machines"; the figures: docs/benchmarks.md.
const CPU_PROVER_DEFAULTS: &[(&str, &str)] = &[
    // One core shard and one recursion proof in flight, nothing queued ahead of them: every extra one holds its
    // traces, records or codewords.
    ("SP1_WORKER_NUM_CORE_WORKERS", "1"),
    ("SP1_WORKER_CORE_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_RECURSION_PROVER_WORKERS", "1"),
    ("SP1_WORKER_RECURSION_PROVER_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_RECURSION_EXECUTOR_WORKERS", "1"),
    ("SP1_WORKER_RECURSION_EXECUTOR_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_PREPARE_REDUCE_WORKERS", "1"),
    ("SP1_WORKER_PREPARE_REDUCE_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_SPLICING_WORKERS", "1"),
    ("SP1_WORKER_SPLICING_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_SETUP_WORKERS", "1"),
    ("SP1_WORKER_SETUP_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NUM_DEFERRED_WORKERS", "1"),
    ("SP1_WORKER_DEFERRED_BUFFER_SIZE", "1"),
    ("SP1_WORKER_NORMALIZE_PROGRAM_CACHE_SIZE", "2"),
    // Every intermediate shard proof verified again inside the prover: the CLI verifies the final proof.
    ("SP1_WORKER_VERIFY_INTERMEDIATES", "false"),
    // The executor child's limit, and two trace-chunk slots of shared memory instead of five.
    ("MEMORY_LIMIT", "6000000000"),
    ("TRACE_CHUNK_SLOTS", "2"),
    // Core shards of at most 2^27 trace cells (SP1: 2^28 + 2^27). A shard's proof takes memory for its cells
    // rounded up to a power of two (the evaluation proof): 16.7 GB for a 2^28-cell core shard, 11.7 GB for a full
    // 2^27 one (docs/benchmarks.md, session 12), the size of every recursion proof. The executor estimates a
    // shard's cells as it runs and stops it at the first instruction that reaches the threshold less SP1's own
    // 2^18-cell margin for the halt (`HALT_AREA`); the traces it then builds came out below the estimate in every
    // measured shard (131.4 M cells where it stopped at 131.9 M), so the padding stays 2^27. The 1,000-order bench
    // block (1.28 M cycles) is one core shard of 133.2 M cells here and two at 2^27 - 2^21, the second costing one
    // more normalize proof (~2.5 min on 2 cores; docs/benchmarks.md, session 13).
    ("ELEMENT_THRESHOLD", "134217728"),
    // The guest's core proving key set up once and kept for every core shard of the proof (the memory shard too):
    // each shard set it up again otherwise, ~12 s on 2 cores (docs/benchmarks.md, session 12).
    ("SP1_WORKER_USE_FIXED_PK", "true"),
    // No compose proving keys kept for the prover's life: zk-guest/patches, applied by scripts/build-prover; an
    // unpatched build ignores it.
    ("SP1_WORKER_LAZY_RECURSION_KEYS", "true"),
];

/// One proof at a time on the CPU unless ZK_PROVER_PERMITS says otherwise.
const DEFAULT_PROVER_PERMITS: usize = 1;

fn apply_cpu_prover_defaults() {
    for (key, value) in CPU_PROVER_DEFAULTS {
        if std::env::var_os(key).is_none() {
            // Single-threaded here: main has not started the runtime or any other thread yet.
            std::env::set_var(key, value);
        }
    }
    limit_malloc_arenas();
}

/// Two glibc malloc arenas, as `MALLOC_ARENA_MAX=2` (the setting docs/benchmarks.md's session 10 measured with),
/// unless the environment sets MALLOC_ARENA_MAX itself (glibc has read it before main). glibc's default, eight per
/// core, lets memory freed by one of SP1's many threads stay in an arena the next allocation does not use.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    extern "C" {
        fn mallopt(param: std::os::raw::c_int, value: std::os::raw::c_int) -> std::os::raw::c_int;
    }
    const M_ARENA_MAX: std::os::raw::c_int = -8;
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a malloc tunable; no other thread exists yet.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() {
    apply_cpu_prover_defaults();
    init_logging();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run()) {
        Ok(v) => println!("{v}"),
        Err(e) => {
            println!("{}", json!({"ok": false, "error": format!("{e:#}")}));
            std::process::exit(1);
        }
    }
}

async fn run() -> Result<serde_json::Value> {
    let args = parse_args()?;
    let started = Instant::now();
    match args.command.as_str() {
        "execute" => {
            // The light prover runs the same executor and skips building the proving machinery (minutes here).
            let client = ProverClient::builder().light().build().await;
            let elf = read_elf(&args)?;
            let stdin = read_stdin(&args)?;
            let (public_values, report) = client
                .execute(elf, stdin)
                .await
                .map_err(|e| anyhow::anyhow!("guest execution failed: {e}"))?;
            // A guest that panics (a wrong root, a bad proof in the witness) halts with a non-zero exit code:
            // that is a failed execution, and no proof of it can be verified.
            if report.exit_code != 0 {
                bail!("guest rejected the block range (exit code {}): a recorded root or a witness proof does not hold", report.exit_code);
            }
            // Phases the guest marks with cycle-tracker-report-start/end (docs/benchmarks.md), sorted by name.
            let phases: std::collections::BTreeMap<String, u64> =
                report.cycle_tracker.iter().map(|(k, v)| (k.clone(), *v)).collect();
            Ok(json!({
                "ok": true, "command": "execute", "proven": false,
                "cycles": report.total_instruction_count(),
                "syscalls": report.total_syscall_count(),
                // SP1's gas prices precompile work too, which the cycle count leaves out.
                "gas": report.gas(),
                "phases": phases,
                "public_values": hex(public_values.as_slice()),
                "wall_ms": started.elapsed().as_millis() as u64,
                "peak_rss_bytes": peak_rss_bytes(),
            }))
        }
        "prove" => {
            let mode = args.mode.clone();
            let out = args.out.clone().context("--out PROOF is required")?;
            let elf = read_elf(&args)?;
            let stdin = read_stdin(&args)?;
            // Execute first, on the light client (about a second; building the CPU prover takes minutes): a
            // range the guest rejects can have no valid proof, so refuse it now.
            let (_, report) = ProverClient::builder()
                .light()
                .build()
                .await
                .execute(elf.clone(), stdin.clone())
                .await
                .map_err(|e| anyhow::anyhow!("guest execution failed: {e}"))?;
            if report.exit_code != 0 {
                bail!("guest rejected the block range (exit code {}): nothing to prove", report.exit_code);
            }
            match backend() {
                Backend::Cpu => prove_on_local_node(permits_from_env(), elf, stdin, &mode, &out, started).await,
                #[cfg(feature = "cuda")]
                Backend::Cuda => prove_on(ProverClient::builder().cuda().build().await, elf, stdin, &mode, &out, started).await,
            }
        }
        "verify" => {
            let path = args.positional.first().context("verify needs a PROOF file")?;
            // LightProver::verify is SP1's full cryptographic verification (it only refuses to prove).
            let client = ProverClient::builder().light().build().await;
            let elf = read_elf(&args)?;
            let pk = client.setup(elf).await.map_err(|e| anyhow::anyhow!("setup failed: {e}"))?;
            let proof = SP1ProofWithPublicValues::load(path).with_context(|| format!("loading proof {path}"))?;
            let verify_started = Instant::now();
            let result = client.verify(&proof, pk.verifying_key(), None);
            let verify_ms = verify_started.elapsed().as_millis() as u64;
            let mode = match &proof.proof {
                sp1_sdk::SP1Proof::Core(_) => "core",
                sp1_sdk::SP1Proof::Compressed(_) => "compressed",
                _ => "other",
            };
            match result {
                Ok(()) => Ok(json!({
                    "ok": true, "command": "verify", "verified": true, "mode": mode,
                    "vkey": pk.verifying_key().bytes32(),
                    "public_values": hex(proof.public_values.as_slice()),
                    "verify_ms": verify_ms,
                })),
                Err(e) => bail!("proof does NOT verify: {e}"),
            }
        }
        "vkey" => {
            let client = ProverClient::builder().light().build().await;
            let elf = read_elf(&args)?;
            let pk = client.setup(elf).await.map_err(|e| anyhow::anyhow!("setup failed: {e}"))?;
            Ok(json!({"ok": true, "command": "vkey", "vkey": pk.verifying_key().bytes32(),
                      "wall_ms": started.elapsed().as_millis() as u64}))
        }
        other => bail!("unknown command {other}\n{USAGE}"),
    }
}
