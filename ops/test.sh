#!/usr/bin/env bash
# The whole test suite on both backends: first the style gates (rustfmt, clippy with warnings as
# errors, the domain's dependency tree free of IO crates), then every test — the fault suite
# against real `autos serve` processes, the pages in headless Chromium — and last a
# schemathesis fuzz run against /openapi.json on each backend, with the binary the tests built.
# Backends: the embedded SQLite store and PostgreSQL at AUTOS_TEST_PG_URL (default
# postgres://postgres@127.0.0.1:5432/postgres, trust auth). Each PostgreSQL test creates and
# drops its own database autos_t_<uuid>; the fault suite also starts clusters of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

export AUTOS_TEST_PG_URL=${AUTOS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

# Style gates, cheapest first.
cargo fmt --all -- --check
io_crates=$(cargo tree -p autos-domain -e normal --prefix none --locked | awk '{print $1}' |
    grep -xE 'tokio|sqlx|sqlx-core|mio|socket2|hyper|reqwest|axum|async-std|libsqlite3-sys' | sort -u || true)
if [ -n "$io_crates" ]; then
    echo "error: the domain (autos-domain) depends on IO crates: $io_crates" >&2
    exit 1
fi
cargo clippy --workspace --all-targets --locked -- -D warnings

ops/postgres-up.sh
# The page tests drive headless Chromium through ChromeDriver (Debian packages).
if ! command -v chromedriver >/dev/null 2>&1 || ! [ -x /usr/bin/chromium ]; then
    echo "Installing Chromium and ChromeDriver for the page tests…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
fi
# Databases left behind by an interrupted earlier run.
psql "$AUTOS_TEST_PG_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'autos\_t\_%'" |
    while read -r db; do psql "$AUTOS_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done

cargo test --workspace --locked "$@"
# Schema-driven fuzzing of the HTTP API on both backends (schemathesis from PyPI), with the
# binary `cargo test` built for the fault suite: no second build.
ops/fuzz.sh "${CARGO_TARGET_DIR:-target}/debug/autos"
