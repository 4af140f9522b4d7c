# Sourced by the benchmark scripts: builds the release binary into `bin`, moves into a new
# temporary directory (where the server keeps its key files and its witness: a new database
# needs a new witness, or its heads would be reported missing), and points DATABASE_URL at a
# fresh scratch database of backend $1 named $2 (SQLite: a file in that directory; PostgreSQL:
# the database dropped and created again in the local cluster).
CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-2} cargo build --release --locked -p autos-cli --manifest-path "$root/Cargo.toml" >&2
bin="${CARGO_TARGET_DIR:-$root/target}/release/autos"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
cd "$(mktemp -d)"
case "$1" in
    sqlite)
        DATABASE_URL="$PWD/$2.db" ;;
    postgres)
        "$root/ops/postgres-up.sh"
        admin=${AUTOS_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
        psql -q "$admin" -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2"
        DATABASE_URL="${admin%/*}/$2" ;;
    *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac
export DATABASE_URL
