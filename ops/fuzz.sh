#!/usr/bin/env bash
# Schema-driven fuzzing of the HTTP API: starts `autos serve` on a fresh database of each backend
# (SQLite file and a throw-away PostgreSQL database), signs in as admin and lets schemathesis
# generate requests from /openapi.json. Fails on any 5xx, any status code or content type the
# document does not declare, or a response that does not match its declared schema.
# Usage: ops/fuzz.sh [AUTOS_BINARY]   (default target/debug/autos, built by `cargo test`)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-${CARGO_TARGET_DIR:-target}/debug/autos}
pg=${AUTOS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
version=4.32.5
if ! command -v schemathesis >/dev/null 2>&1; then
    echo "Installing schemathesis $version (PyPI)…" >&2
    python3 -m pip install -q "schemathesis==$version"
fi
[ -x "$bin" ] || { echo "error: $bin does not exist (cargo build -p autos-cli --bin autos)" >&2; exit 1; }
bin=$(realpath "$bin")

work=$(mktemp -d)
server=""
pgdb="autos_fuzz_$$"
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    psql "$pg" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

fuzz() {
    local name=$1 url=$2 port=$3
    "$bin" migrate --database-url "$url" >/dev/null
    local token
    token=$("$bin" officer add --name "Fuzz" --role administrador --database-url "$url" | tail -1)
    # Each server in a directory of its own: its master key, signing key and witness stay there.
    mkdir -p "$work/$name"
    (cd "$work/$name" && exec "$bin" serve --listen "127.0.0.1:$port" --database-url "$url") >"$work/$name.log" 2>&1 &
    server=$!
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    echo "fuzz $name: schemathesis contra http://127.0.0.1:$port/openapi.json" >&2
    schemathesis run "http://127.0.0.1:$port/openapi.json" \
        -H "Authorization: Bearer $token" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --exclude-path /api/v1/eventos/fluxo \
        --max-examples 40 --workers 2 --seed 2003 --no-color
    kill "$server" && wait "$server" 2>/dev/null || true
    server=""
}

fuzz sqlite "$work/fuzz.db" 18081
psql "$pg" -qc "CREATE DATABASE $pgdb" >/dev/null
fuzz postgres "${pg%/*}/$pgdb" 18082
echo "fuzz: 2 passed, 0 failed"
