#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at AUTOS_TEST_PG_URL's host (default 127.0.0.1:5432):
# starts the local Debian cluster when it is down, installs PostgreSQL when the machine has none.
# Fails loudly: a missing PostgreSQL is a failure, never a skip.
set -euo pipefail

host=${PGHOST:-127.0.0.1}
port=${PGPORT:-5432}

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if ready; then exit 0; fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL not installed: installing (apt-get)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql | sort -n | tail -1)
echo "Starting the PostgreSQL cluster $version/main…" >&2
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start

for _ in $(seq 1 30); do
    if ready; then exit 0; fi
    sleep 1
done
echo "error: PostgreSQL did not answer on $host:$port" >&2
exit 1
