//! Upgrading a database an earlier release wrote: the migrations it lacks run on its rows.
//! Migration 0014 renames the role `admin` to `administrador`: an officer registered as `admin`
//! keeps its id, name and token and is an `administrador` after the upgrade, the other officers
//! are untouched, and the new constraint refuses the old name; on SQLite, which copies the table
//! to change its constraint, the page sessions end (on PostgreSQL they stay).

use std::path::{Path, PathBuf};

use autos_store::postgres::PgStore;
use autos_store::sqlite::SqliteStore;
use autos_store::testing::pg_admin_url;
use autos_store::{Database, EventStore};
use sqlx::migrate::Migrator;
use sqlx::Connection;
use uuid::Uuid;

/// The first migration of the rename.
const RENAME: &str = "0014";

/// A directory holding the migrations of `backend` before [`RENAME`], as the earlier release had them.
fn earlier_migrations(backend: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(backend);
    let target = std::env::temp_dir().join(format!("autos-migrations-{backend}-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name.as_str() < RENAME {
            std::fs::copy(&path, target.join(name)).unwrap();
        }
    }
    target
}

/// The officers an earlier release registered, and a page session of the `admin`.
const EARLIER_ROWS: [&str; 3] = [
    "INSERT INTO officers (officer_id, name, role, token_hash, created_at) VALUES \
     ({admin}, 'Ana', 'admin', {hash_a}, '2026-11-01T00:00:00Z')",
    "INSERT INTO officers (officer_id, name, role, token_hash, created_at) VALUES \
     ({fiscal}, 'Bia', 'fiscal', {hash_f}, '2026-11-01T00:00:00Z')",
    "INSERT INTO sessions (session_hash, officer_id, csrf_token, created_at_ms, expires_at_ms, seen_at_ms) VALUES \
     ({hash_s}, {admin}, 'csrf', 0, 9999999999999, 0)",
];

/// The earlier rows with this backend's literals for ids and hashes.
fn earlier_rows(id: impl Fn(Uuid) -> String, bytes: impl Fn(u8) -> String, admin: Uuid, fiscal: Uuid) -> Vec<String> {
    EARLIER_ROWS
        .iter()
        .map(|sql| {
            sql.replace("{admin}", &id(admin))
                .replace("{fiscal}", &id(fiscal))
                .replace("{hash_a}", &bytes(1))
                .replace("{hash_f}", &bytes(2))
                .replace("{hash_s}", &bytes(3))
        })
        .collect()
}

/// Roles of the officers after the upgrade, by name, and the sessions left.
async fn after_upgrade(db: &Database) -> (Vec<(String, String)>, i64, bool) {
    let (roles, sessions, refused) = match db {
        Database::Sqlite { writer, .. } => (
            sqlx::query_as("SELECT name, role FROM officers ORDER BY name").fetch_all(writer).await.unwrap(),
            sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(writer).await.unwrap(),
            sqlx::query("UPDATE officers SET role = 'admin' WHERE name = 'Bia'").execute(writer).await.is_err(),
        ),
        Database::Postgres(pool) => (
            sqlx::query_as("SELECT name, role FROM officers ORDER BY name").fetch_all(pool).await.unwrap(),
            sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(pool).await.unwrap(),
            sqlx::query("UPDATE officers SET role = 'admin' WHERE name = 'Bia'").execute(pool).await.is_err(),
        ),
    };
    (roles, sessions, refused)
}

fn upgraded() -> Vec<(String, String)> {
    vec![("Ana".into(), "administrador".into()), ("Bia".into(), "fiscal".into())]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_of_an_earlier_sqlite_database_is_an_administrador_after_the_upgrade() {
    let path = std::env::temp_dir().join(format!("autos-upgrade-{}.db", Uuid::new_v4()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let (admin, fiscal) = (Uuid::now_v7(), Uuid::now_v7());
    {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        Migrator::new(earlier_migrations("sqlite")).await.unwrap().run(&mut conn).await.unwrap();
        let id = |id: Uuid| format!("X'{}'", id.simple());
        let bytes = |b: u8| format!("X'{b:02x}'");
        for sql in earlier_rows(id, bytes, admin, fiscal) {
            sqlx::query(&sql).execute(&mut conn).await.expect(&sql);
        }
        conn.close().await.unwrap();
    }
    let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
    let (roles, sessions, refused) = after_upgrade(&store.database()).await;
    assert_eq!(roles, upgraded());
    assert_eq!(sessions, 0, "SQLite copies the table: the page sessions end");
    assert!(refused, "the former name is no longer a role of the table");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_of_an_earlier_postgres_database_is_an_administrador_after_the_upgrade() {
    let name = format!("autos_t_{}", Uuid::new_v4().simple());
    let base = pg_admin_url();
    let mut admin_conn = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin_conn).await.unwrap();
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let (admin, fiscal) = (Uuid::now_v7(), Uuid::now_v7());
    {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        Migrator::new(earlier_migrations("postgres")).await.unwrap().run(&mut conn).await.unwrap();
        let id = |id: Uuid| format!("'{id}'");
        let bytes = |b: u8| format!("'\\x{b:02x}'::bytea");
        for sql in earlier_rows(id, bytes, admin, fiscal) {
            sqlx::query(&sql).execute(&mut conn).await.expect(&sql);
        }
        conn.close().await.unwrap();
    }
    let store = PgStore::open(&url, 2).await.unwrap();
    let (roles, sessions, refused) = after_upgrade(&store.database()).await;
    assert_eq!(roles, upgraded());
    assert_eq!(sessions, 1, "PostgreSQL alters the constraint in place: sessions stay");
    assert!(refused, "the former name is no longer a role of the table");
    if let Database::Postgres(pool) = store.database() {
        pool.close().await;
    }
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin_conn).await.unwrap();
}
