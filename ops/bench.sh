#!/usr/bin/env bash
# Runs the shared event-store yardstick with `autos bench` as an extra subject, so Autos'
# figures come out as ratios to raw SQL (l0-pg, l0-sqlite-full) measured at the same moment.
# Usage: ops/bench.sh [run.sh flags, e.g. --quick or --cases "W1-c8 W3"]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${AUTOS_PEERS_DIR:-$root/../shared/bench/peers}
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2} cargo build --release --locked -p autos-cli --manifest-path "$root/Cargo.toml"
"$root/ops/postgres-up.sh"
# The yardstick's role runs Autos' migrations, the least-privilege one (0011) included: it must
# be a member of the application role, which a superuser grants once.
psql "${AUTOS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}" -X -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_peers') THEN
    CREATE ROLE bench_peers LOGIN PASSWORD 'bench_peers';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'autos_app') THEN
    CREATE ROLE autos_app NOLOGIN;
  END IF;
END $$;
GRANT autos_app TO bench_peers;
SQL
cd "$peers"
autos="${CARGO_TARGET_DIR:-$root/target}/release/autos"
# The peers build in their own folder's target/, whatever CARGO_TARGET_DIR says for Autos.
BENCH_BIN="$autos bench" BENCH_BIN_NAME=autos BENCH_BIN_BACKENDS="postgres sqlite" \
    BENCH_BIN_BULK=1 exec env -u CARGO_TARGET_DIR ./run.sh "$@"
