#!/usr/bin/env bash
# Runs the shared event-store yardstick with `autos bench` as an extra subject, so Autos'
# figures come out as ratios to raw SQL (l0-pg, l0-sqlite-full) measured at the same moment.
# Usage: ops/bench.sh [run.sh flags, e.g. --quick or --cases "W1-c8 W3"]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${AUTOS_PEERS_DIR:-$root/../shared/bench/peers}
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2} cargo build --release --locked -p autos-cli --manifest-path "$root/Cargo.toml"
"$root/ops/postgres-up.sh"
cd "$peers"
autos="${CARGO_TARGET_DIR:-$root/target}/release/autos"
# The peers build in their own folder's target/, whatever CARGO_TARGET_DIR says for Autos.
BENCH_BIN="$autos bench" BENCH_BIN_NAME=autos BENCH_BIN_BACKENDS="postgres sqlite" \
    BENCH_BIN_BULK=1 exec env -u CARGO_TARGET_DIR ./run.sh "$@"
