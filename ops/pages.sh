#!/usr/bin/env bash
# Page benchmark: loads the demonstration history (scale 1) into a fresh database, starts
# `autos serve`, waits until every projection has applied it, then requests every officer page
# REQUESTS times in turn (one client, loopback) and prints p50/p95/max of the time to the first
# byte — the server's time plus a loopback round trip. Last, it times `autos verify` over the
# whole log (events per second).
# Usage: ops/pages.sh sqlite | ops/pages.sh postgres   (PostgreSQL: a scratch database autos_pages)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-sqlite}
port=${PORT:-8182}
requests=${REQUESTS:-40}
# shellcheck source=ops/scratch.sh
. "$root/ops/scratch.sh" "$backend" autos_pages
export RUST_LOG=warn
tokens=$("$bin" demo)
token() { echo "$tokens" | awk -v role="$1" '$1 == role { print $2 }'; }
# A page session of a role, signed in as a browser signs in: the cookie carries the session's id.
session() {
    curl -s -o /dev/null -D - --data-urlencode "token=$(token "$1")" "$base/entrar" \
        | tr -d '\r' | sed -n 's/^set-cookie: \(autos_sessao=[^;]*\).*/\1/Ip'
}
"$bin" serve --listen "127.0.0.1:$port" & server=$!
trap 'kill $server 2>/dev/null' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -s "$base/healthz" >/dev/null && break; sleep 0.2; done
started=$(date +%s)
for _ in $(seq 1 1800); do
    lag=$(curl -s "$base/readyz" | python3 -c '
import json, sys
body = json.load(sys.stdin)
detail = body.get("detail", {})
if isinstance(detail, str):
    print(1)
else:
    print(max(p.get("lag_events", 1) for p in detail["projections"].values()))')
    [ "$lag" = "0" ] && break
    sleep 1
done
head=$(curl -s "$base/readyz" | python3 -c '
import json, sys
print(max(p.get("head_position", 0) for p in json.load(sys.stdin)["detail"]["projections"].values()))')
echo "== $head events; read models caught up after $(( $(date +%s) - started )) s ($backend)"
fiscal=$(token fiscal)
# The operator with the most cases, one of its sanctioning processes and a NUP.
read -r registro case nup <<<"$(curl -s -H "Authorization: Bearer $fiscal" "$base/api/v1/sancoes?limit=500" | python3 -c '
import json, sys, collections, urllib.parse
items = json.load(sys.stdin)["items"]
by_operator = collections.Counter(i["registro"] for i in items)
registro = by_operator.most_common(1)[0][0]
first = next(i for i in items if i["registro"] == registro)
print(registro, first["case_id"], urllib.parse.quote(first["processo"], safe=""))')"
pages=(
    "fiscal /operadoras"
    "fiscal /operadoras/$registro"
    "fiscal /casos/$case"
    "fiscal /casos/novo/lavrar_auto_infracao?registro=$registro"
    "fiscal /meus-casos"
    "fiscal /fila?uf=SP"
    "fiscal /busca?processo=$nup"
    "fiscal /busca?familia=sancionador&fase=auto%20lavrado"
    "fiscal /busca?operadora=$registro"
    "fiscal /prazos"
    "fiscal /prazos?situacao=vencido"
    "fiscal /sancoes"
    "fiscal /sancoes?situacao=em_aberto"
    "fiscal /painel"
    "visitante /publico"
    "auditor /auditoria"
)
printf '%-62s %8s %8s %8s\n' "page" "p50 ms" "p95 ms" "max ms"
for entry in "${pages[@]}"; do
    role=${entry%% *}
    path=${entry#* }
    cookie=()
    [ "$role" != visitante ] && cookie=(-H "Cookie: $(session "$role")")
    for _ in $(seq 1 "$requests"); do
        curl -s -o /dev/null "${cookie[@]}" -w '%{http_code} %{time_starttransfer}\n' "$base$path"
    done | python3 -c '
import sys
rows = [line.split() for line in sys.stdin]
bad = [s for s, _ in rows if s[0] not in "23"]
times = sorted(float(t) * 1000 for _, t in rows)
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
note = f"  ({len(bad)} respostas {bad[0]})" if bad else ""
print(f"{sys.argv[1]:<62} {pick(0.5):8.1f} {pick(0.95):8.1f} {times[-1]:8.1f}{note}")' "$path"
done
kill $server 2>/dev/null
wait $server 2>/dev/null || true
start=$(date +%s.%N)
"$bin" verify >/dev/null
python3 -c "import sys; elapsed = float(sys.argv[2]) - float(sys.argv[1]); print(f'== autos verify: {elapsed:.1f} s, {int(sys.argv[3]) / elapsed:,.0f} eventos/s'.replace(',', '.'))" "$start" "$(date +%s.%N)" "$head"
