#!/usr/bin/env bash
# The whole test suite on both backends (the pages in headless Chromium, then a schemathesis fuzz
# run against /openapi.json on each backend): the embedded
# SQLite store and PostgreSQL at
# AUTOS_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth).
# Each PostgreSQL test creates and drops its own database autos_t_<uuid>.
set -euo pipefail
cd "$(dirname "$0")/.."

export AUTOS_TEST_PG_URL=${AUTOS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2}

ops/postgres-up.sh
# The page tests drive headless Chromium through ChromeDriver (Debian packages).
if ! command -v chromedriver >/dev/null 2>&1 || ! [ -x /usr/bin/chromium ]; then
    echo "Instalando Chromium e ChromeDriver para os testes das páginas…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
        || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }
fi
# Databases left behind by an interrupted earlier run.
psql "$AUTOS_TEST_PG_URL" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'autos\_t\_%'" |
    while read -r db; do psql "$AUTOS_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done

cargo test --workspace --locked "$@"
# Schema-driven fuzzing of the HTTP API on both backends (schemathesis from PyPI).
cargo build -p autos-cli --bin autos --locked
ops/fuzz.sh "${CARGO_TARGET_DIR:-target}/debug/autos"
