//! zk-prover: the exchange's command-line prover, on sp1-sdk (CPU only).
//!
//! Every subcommand prints exactly one JSON object on stdout so that the Java prover-service (and people)
//! can read it. Nothing here is ever a mock: `execute` runs the guest without proving and says so
//! (`"proven": false`); `prove` writes a real SP1 proof and verifies it before reporting success.

use std::{path::PathBuf, time::Instant};

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

/// Sets up, proves, verifies and saves on any SP1 prover; the JSON it returns is the `prove` command's answer.
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

#[tokio::main]
async fn main() {
    match run().await {
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
                Backend::Cpu => prove_on(ProverClient::builder().cpu().build().await, elf, stdin, &mode, &out, started).await,
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
