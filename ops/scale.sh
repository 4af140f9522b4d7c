#!/usr/bin/env bash
# Scale benchmark: a decade of national volume (`autos demo --decade --events N`) in a fresh
# database of backend $1, then, one after the other on the same machine: the load itself; a full
# rebuild of every read model (`autos project rebuild`); `autos verify` twice (the first run also
# seals the whole log and signs its head, the second is an auditor's full verification);
# `autos replay --check`; and, with `autos serve` started on what the rebuild left, the reads
# of the operator with the most cases — status, timeline page, time travel to mid-decade — the
# complaint index of a year and a quarter's bulletin, REQUESTS times each from one client (p50 and
# p99 of the whole request over loopback), and wrk on the operator status; last, a day of
# demandas (DAY_ACTS, default 5,500) filed through the API and `autos verify --since` the
# checkpoint the full verification printed.
# SETTLE: seconds the reads wait after the server is ready (default: events / 80,000 + 5).
# Usage: ops/scale.sh sqlite|postgres [EVENTS]   (default 200000; PostgreSQL: database autos_scale)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-sqlite}
events=${2:-200000}
port=${PORT:-8183}
requests=${REQUESTS:-200}
duration=${DURATION:-10s}
# shellcheck source=ops/scratch.sh
. "$root/ops/scratch.sh" "$backend" autos_scale
export RUST_LOG=warn
timed() {
    local label=$1
    shift
    local start end
    start=$(date +%s.%N)
    "$@" >"$PWD/last.out"
    end=$(date +%s.%N)
    python3 -c 'import sys; print(f"== {sys.argv[1]}: {float(sys.argv[3]) - float(sys.argv[2]):.1f} s")' "$label" "$start" "$end"
}
echo "== $backend, decade of about $events events, $(nproc) cores"
timed "load (autos demo --decade --events $events)" "$bin" demo --decade --events "$events"
tail -1 "$PWD/last.out"
tokens=$(cat "$PWD/last.out")
token() { echo "$tokens" | awk -v role="$1" '$1 == role { print $2 }'; }
timed "full rebuild (autos project rebuild)" "$bin" project rebuild
"$bin" keys create >/dev/null
timed "verify, first (seals the whole log)" "$bin" verify
timed "verify, full" "$bin" verify --checkpoint
grep -v '^autos-checkpoint' "$PWD/last.out" | tail -1
kept=$(grep '^autos-checkpoint' "$PWD/last.out")
timed "replay --check" "$bin" replay --check

"$bin" serve --listen "127.0.0.1:$port" & server=$!
trap 'kill $server 2>/dev/null || true' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.3; done
# A starting server first checks the whole log against its signed heads (20 s or so at 2M events
# on two cores) and the reads below would share the machine with it: they wait it out.
sleep "${SETTLE:-$((events / 80000 + 5))}"
auditor=$(token auditor)
python3 - "$base" "$auditor" "$requests" <<'EOF'
import http.client, json, sys, time, urllib.parse
base, token, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
host = urllib.parse.urlparse(base).netloc
connection = http.client.HTTPConnection(host)
def get(path):
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    answer = connection.getresponse()
    body = answer.read()
    if answer.status != 200:
        sys.exit(f"{path}: {answer.status} {body[:300]!r}")
    return json.loads(body)
operators, after = [], None
while True:
    page = get("/api/v1/operadoras?limit=500" + (f"&after={after}" if after else ""))
    operators += page["items"]
    after = page.get("next")
    if not after:
        break
busiest = max(operators, key=lambda o: o["cases_total"])
registro = busiest["registro"]
print(f"== operator with the most cases: {registro} ({busiest['cases_total']} cases)")
paths = {
    "operator status": f"/api/v1/operadoras/{registro}",
    "timeline page": f"/api/v1/operadoras/{registro}/linha-do-tempo",
    "time travel (as_of 2020-06-30)": f"/api/v1/operadoras/{registro}?as_of=2020-06-30",
    "complaint index (12 months to 2024-06)": f"/api/v1/indice-reclamacoes?registro={registro}&mes=2024-06&janela=12",
    "bulletin (SP, 2024 Q2)": "/api/v1/boletins/SP/2024/2",
}
for label, path in paths.items():
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)]
    print(f"== {label}: p50 {p50:.1f} ms, p99 {p99:.1f} ms ({requests} requests)")
with open("busiest", "w") as f:
    f.write(registro)
EOF
if command -v wrk >/dev/null; then
    registro=$(cat busiest)
    echo "== wrk GET /api/v1/operadoras/$registro — 64 connections, $duration"
    wrk -t2 -c64 -d"$duration" --latency "$base/api/v1/operadoras/$registro" | grep -E "Requests/sec|99%|50%|Non-2xx|Socket errors"
fi
# A day of national volume (about 5,500 events at 2M a year) filed through the API as Disque ANS
# demandas, then the incremental verification of what came after the checkpoint kept above.
attendant=$(token atendente)
python3 - "$base" "$attendant" "$(cat busiest)" "${DAY_ACTS:-5500}" <<'EOF'
import http.client, json, sys, time, urllib.parse
base, token, registro, acts = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
connection = http.client.HTTPConnection(urllib.parse.urlparse(base).netloc)
body = json.dumps({"act": "registrar_demanda_disque_ans", "registro": registro, "tipo": "denuncia",
                   "tema": "aumento_de_mensalidade", "canal": "telefone"})
start = time.perf_counter()
for _ in range(acts):
    connection.request("POST", "/api/v1/casos", body=body,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 201:
        sys.exit(f"POST /api/v1/casos: {answer.status}")
print(f"== a day's acts: {acts} demandas filed in {time.perf_counter() - start:.1f} s")
EOF
kill $server 2>/dev/null; wait $server 2>/dev/null || true
timed "verify --since the checkpoint kept (a day's events)" "$bin" verify --since "$kept"
head -1 "$PWD/last.out"
case "$backend" in
    sqlite) echo "== database size: $(du -sh "${DATABASE_URL}" | cut -f1) (plus WAL)" ;;
    postgres) echo "== database size: $(psql -Atq "$DATABASE_URL" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")" ;;
esac
