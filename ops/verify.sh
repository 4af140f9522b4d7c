#!/usr/bin/env bash
# Full-verify benchmark: loads the demonstration history (scale 1) into a fresh database, creates
# a signing key, then runs `autos verify` RUNS times (default 3) and prints, for each run, the
# seconds taken and the events checked per second. The first run also seals the whole log and
# signs its head; the later ones check every event, chain, checkpoint and signed head of a log
# already sealed, which is what an auditor's full verification costs.
# Usage: ops/verify.sh sqlite | ops/verify.sh postgres   (PostgreSQL: a scratch database autos_verify)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
backend=${1:-sqlite}
runs=${RUNS:-3}
# shellcheck source=ops/scratch.sh
. "$root/ops/scratch.sh" "$backend" autos_verify
export RUST_LOG=warn
"$bin" demo >/dev/null
"$bin" keys create >/dev/null
for run in $(seq 1 "$runs"); do
    start=$(date +%s.%N)
    report=$("$bin" verify)
    end=$(date +%s.%N)
    python3 -c '
import re, sys
start, end, run, backend, report = sys.argv[1:]
events = int(re.search(r"(\d+) eventos em", report).group(1))
elapsed = float(end) - float(start)
rate = f"{events / elapsed:,.0f}".replace(",", ".")
print(f"== verify {run} ({backend}): {events} eventos em {elapsed:.2f} s, {rate} eventos/s")' "$start" "$end" "$run" "$backend" "$report"
done
