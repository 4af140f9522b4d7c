#!/usr/bin/env bash
# HTTP load test (wrk): loads the demonstration history into a fresh database, starts
# `autos serve`, then measures GET operator status at 64 connections and POST acts at 8.
# Usage: ops/load.sh sqlite | ops/load.sh postgres   (PostgreSQL: a scratch database autos_load)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-sqlite}
port=${PORT:-8181}
duration=${DURATION:-15s}
# shellcheck source=ops/scratch.sh
. "$root/ops/scratch.sh" "$backend" autos_load
export RUST_LOG=warn
tokens=$("$bin" demo)
export TOKEN=$(echo "$tokens" | awk '$1 == "administrador" { print $2 }')
"$bin" serve --listen "127.0.0.1:$port" & server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
# Wait for the read models to catch up with the demonstration history; acts go to operators
# whose registration was not cancelled (a cancelled operator takes no acts).
previous=0
for _ in $(seq 1 300); do
    REGISTROS=$(curl -s "http://127.0.0.1:$port/api/v1/operadoras?limit=500" | python3 -c 'import json,sys; print(" ".join(o["registro"] for o in json.load(sys.stdin)["items"] if o["state"]["situacao_registro"]["situacao"] != "cancelada"))')
    count=$(echo "$REGISTROS" | wc -w)
    [ "$count" -ge 400 ] && [ "$count" -eq "$previous" ] && break
    previous=$count
    sleep 1
done
export REGISTROS
# Then until every projection has applied the whole demonstration history, so the measurement
# does not share the machine with the catch-up.
for _ in $(seq 1 600); do
    behind=$(curl -s "http://127.0.0.1:$port/readyz" | python3 -c '
import json, sys, urllib.request
detail = json.load(sys.stdin)["detail"]
lowest = min(s.get("position", 0) for s in detail["projections"].values()) if detail["projections"] else 0
request = urllib.request.Request(f"http://127.0.0.1:'"$port"'/api/v1/eventos?after={lowest}&limit=1",
                                 headers={"Authorization": "Bearer '"$TOKEN"'"})
print(len(json.load(urllib.request.urlopen(request))["items"]))')
    [ "$behind" = "0" ] && break
    sleep 1
done
first=$(echo "$REGISTROS" | awk '{print $1}')
echo "== GET /api/v1/operadoras/$first — 64 connections, $duration ($backend)"
wrk -t2 -c64 -d"$duration" --latency "http://127.0.0.1:$port/api/v1/operadoras/$first" | grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors"
echo "== POST /api/v1/operadoras/{registro}/beneficiarios — 8 clients, $duration ($backend)"
wrk -t2 -c8 -d"$duration" --latency -s "$root/ops/load-acts.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors"
