# Shared by every script: picks the JDK, the Rust target dir, and installs missing system packages.
# Sourced, not executed.

ZK_TARGET_DIR="${ZK_TARGET_DIR:-$HOME/.cache/clob/zk-target}"
export ZK_TARGET_DIR

# RUSTFLAGS of the host builds that share $ZK_TARGET_DIR (scripts/build-prover, scripts/guest-profile; other flags
# would rebuild the shared crates at each switch): code for the CPU of the machine that builds, which is the one
# that proves. SP1's field and hash kernels (Plonky3's KoalaBear packings, Poseidon2) are vectorised only when the
# compiler may use AVX2 or AVX-512 (`p3-koala-bear-0.4.3-succinct/src/lib.rs:20-27`); x86-64's baseline gets the
# scalar fallbacks (the 1,000-order compressed proof: 680 s with them, 372 s without and with the setup patch of
# scripts/build-prover; docs/benchmarks.md, session 14). ZK_PROVER_TARGET_CPU=x86-64-v3 builds a CLI for any AVX2
# host, x86-64 for any x86-64 host.
use_prover_rustflags() { export RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-cpu=${ZK_PROVER_TARGET_CPU:-native}"; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# apt installs need root; say exactly what is missing otherwise.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})"; return 1
  fi
  local SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# One Java release for every module: 21, compiled by the newest JDK present (Temurin 25 here); 21+ required.
select_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 \
                   /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local v; v=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$candidate"; export PATH="$JAVA_HOME/bin:$PATH"; return 0; fi
  done
  log "no JDK 21+ found; installing Debian's openjdk-17 is not enough. Trying temurin via apt is impossible offline;"
  log "install a JDK 21+ and set JAVA_HOME."; return 1
}

ensure_maven() {
  command -v mvn >/dev/null || apt_install maven
}

# The trading page's test (TradingPageIT) drives Debian's headless Chromium through Debian's chromedriver.
ensure_chromium() {
  apt_install chromium chromium-driver
}

# The guest is built by Debian's stock rustc with build-std (rustc-web 1.96 + its std sources + lld).
ensure_rust_guest_toolchain() {
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
}

# The host prover CLI: rustup's cargo (or Debian's), protoc for sp1-prover-types, a C compiler.
ensure_rust_host_toolchain() {
  apt_install protobuf-compiler libprotobuf-dev
  command -v cc >/dev/null || apt_install gcc libc6-dev
  # Prefer rustup's toolchain when present (the cached build was made with it); else Debian's rustc-web.
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v cargo >/dev/null; then apt_install cargo-web rustc-web; fi
}

MVN_FLAGS=(-B -ntp)

# The SP1 guest and prover CLI, built when missing and the guest rebuilt when older than its sources: a guest older
# than the engine's witnesses fails every range, which stops publication (./scripts/run) or leaves a benchmark's
# prover idle, its figures too good. Run from the repository root.
ensure_guest_current() {
  if [ ! -x "$ZK_TARGET_DIR/release/zk-prover" ] || [ ! -f "$ZK_TARGET_DIR/bin/clob-guest.elf" ]; then
    log "building the SP1 guest and prover CLI (first time only: about 11-20 minutes on 2 cores; ZKCLOB_ZK=off skips)"
    ./scripts/build-guest >/dev/null && ./scripts/build-prover >/dev/null
  # Cargo.toml too: the guest's allocator is a feature there (zk-guest/program/Cargo.toml).
  elif [ -n "$(find zk-guest/core/src zk-guest/program/src zk-guest/core/Cargo.toml zk-guest/program/Cargo.toml \
      -newer "$ZK_TARGET_DIR/bin/clob-guest.elf" \( -name '*.rs' -o -name Cargo.toml \) | head -1)" ]; then
    log "the SP1 guest is older than zk-guest's sources: rebuilding it (a minute or two)"
    ./scripts/build-guest >/dev/null
  fi
}
