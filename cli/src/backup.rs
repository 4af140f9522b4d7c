//! `autos backup TARGET` and `autos restore SOURCE`: a consistent copy of a live database, and
//! putting one back into an empty database so that every restored event is visible and the log
//! proves it still extends the checkpoint the copy contains.
//!
//! This module owns the copy and the restore of both backends, the checkpoint file written beside
//! a backup (`TARGET.checkpoint`, one line `autos-checkpoint:v1:…`, as `autos verify
//! --checkpoint` prints it), and the PostgreSQL epoch step of a restore.
//!
//! # Backup
//! First the log is sealed up to the head it has when the backup starts (as `autos verify
//! --checkpoint` seals, but bounded, since writers keep adding), so the copy's latest
//! checkpoint covers nearly all of it; then:
//! - **SQLite**: `VACUUM INTO` — one statement in one read transaction, so the copy is the
//!   database as of one instant while the server keeps writing (WAL readers never block the
//!   writer, and the statement never restarts, unlike a backup that starts over on each write).
//!   The checkpoint is then read from the copy itself, so it is by construction one the copy
//!   contains.
//! - **PostgreSQL**: `pg_dump -Fc` on an exported snapshot. `autos backup` opens a read-only
//!   `REPEATABLE READ` transaction, exports its snapshot (`pg_export_snapshot()`), reads the
//!   latest checkpoint and the event count in that transaction, and runs
//!   `pg_dump --snapshot=…` while holding it: the dump and the checkpoint see the very same
//!   committed rows. Reading the checkpoint from the restored side instead would only be known
//!   after a restore, and reading it before or after the dump on its own snapshot could name a
//!   checkpoint the dump does not hold. A read-only transaction takes no transaction id, so it
//!   does not hold back the store's readers (their horizon is the oldest running transaction
//!   id); appends go on during the dump.
//!
//! pg_dump and pg_restore get the database URL's connection parameters, the password moved
//! to `PGPASSWORD` (a command line is visible to every local user, the environment is not).
//! Files are written as `NAME.parcial` and renamed into place once flushed to disk, so a
//! backup interrupted half-way never carries the final name.
//!
//! # Restore
//! The destination (`--database-url`) must be empty: an existing SQLite file with content, or a
//! PostgreSQL database with any table, is refused and left as it was. Then:
//! - **SQLite**: the backup file is copied into place.
//! - **PostgreSQL**: `pg_restore --single-transaction` into the existing, empty database, then
//!   `store_epoch.epoch` is increased by one. Restored rows keep the transaction ids of the
//!   cluster they were written in, which in a new cluster are usually in the future: the
//!   readers' horizon (`pg_snapshot_xmin`, see `autos_store::postgres`) would hide them, so
//!   `GET /events` would answer `[]`, `verify` would see a tampered log and the projections
//!   would skip the restored events. Rows of an older epoch pass the horizon by definition, and
//!   every row written after the restore carries the new epoch and this cluster's ids.
//!
//! Then the migrations run, and the restored log is checked with `autos verify --against` the
//! checkpoint (`--against`, else `SOURCE.checkpoint` when present); a failed check exits 2.
//! The LGPD master key is not in any backup: it is kept and restored apart.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use autos_store::integrity::{self, export_checkpoint};
use autos_store::{Checkpoint, Database, EventStore, StoreError};
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::ops::{self, VerifyMode};
use autos_app::AppError;

use crate::CliError;

/// The newest seal checkpoint, the same text on both backends.
const LATEST_CHECKPOINT: &str =
    "SELECT seq, position, event_count, digest, sealed_at FROM seal_checkpoints ORDER BY seq DESC LIMIT 1";

/// A row of [`LATEST_CHECKPOINT`], `sealed_at` as the backend stores it (SQLite: microseconds).
type CheckpointRow<SealedAt> = (i64, i64, i64, Vec<u8>, SealedAt);

/// How many relations a PostgreSQL database has outside the system schemas.
const PG_USER_RELATIONS: &str = "SELECT count(*) FROM pg_catalog.pg_class c \
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

/// What is written at the end of a database file name while it is not complete yet.
const PARTIAL: &str = "parcial";

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The file a SQLite database URL names (a plain path, `sqlite:…` or `sqlite://…`).
fn sqlite_file(url: &str) -> Result<PathBuf, CliError> {
    let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
    let options = SqliteConnectOptions::from_str(&url).map_err(StoreError::from)?;
    Ok(options.get_filename().to_owned())
}

/// `path` with `.suffix` appended to its file name (`backup.db` → `backup.db.checkpoint`).
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// The checkpoint file of a backup.
fn checkpoint_file(backup: &Path) -> PathBuf {
    beside(backup, "checkpoint")
}

/// Moves a finished file into place: flushed, renamed, and the directory entry flushed too.
fn publish(partial: &Path, target: &Path) -> Result<(), CliError> {
    std::fs::File::open(partial)?.sync_all()?;
    std::fs::rename(partial, target)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

fn refuse_existing(path: &Path) -> Result<(), CliError> {
    if path.exists() {
        return Err(CliError::App(AppError::Conflict(format!(
            "{} já existe; o backup não sobrescreve arquivos: escolha outro destino",
            path.display()
        ))));
    }
    Ok(())
}

/// What a finished copy holds, as `autos backup` reports it.
struct Copied {
    events: i64,
    checkpoint: Option<Checkpoint>,
}

/// `autos backup TARGET`: a consistent copy of the database at `url`, made while the server
/// keeps writing, and its checkpoint in `TARGET.checkpoint` (see the module doc).
///
/// # Errors
/// `Conflict` when TARGET or its checkpoint file exists, `Config` when the SQLite file does not
/// exist, `Unavailable` when pg_dump is not
/// installed, `Io` when the copy fails, `Store` on database faults.
pub async fn backup(url: &str, target: &Path) -> Result<(), CliError> {
    let checkpoint_path = checkpoint_file(target);
    refuse_existing(target)?;
    refuse_existing(&checkpoint_path)?;
    if !is_postgres(url) && !sqlite_file(url)?.is_file() {
        return Err(CliError::Config(format!("banco SQLite não encontrado: {url}")));
    }
    let started = Instant::now();
    let store = ops::open_store(url).await?;
    seal_to_head(store.as_ref()).await?;
    let partial = beside(target, PARTIAL);
    let _ = std::fs::remove_file(&partial);
    let copied = match store.database() {
        Database::Sqlite { .. } => copy_sqlite(url, &partial).await,
        Database::Postgres(pool) => dump_postgres(&pool, url, &partial).await,
    };
    let copy = match copied {
        Ok(copy) => copy,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    publish(&partial, target)?;
    let bytes = std::fs::metadata(target)?.len();
    println!(
        "Backup {} gravado em {}: {} eventos, {:.1} MB, em {:.1} s.",
        store.backend_name(),
        target.display(),
        copy.events,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    match &copy.checkpoint {
        Some(cp) => {
            let text = export_checkpoint(cp);
            let partial = beside(&checkpoint_path, PARTIAL);
            std::fs::write(&partial, format!("{text}\n"))?;
            publish(&partial, &checkpoint_path)?;
            println!(
                "Checkpoint contido no backup ({} eventos até a posição {}) gravado em {}:\n{text}",
                cp.event_count,
                cp.position,
                checkpoint_path.display()
            );
            println!(
                "Guarde o checkpoint longe do backup: é ele que prova, na restauração, que o backup não foi alterado."
            );
        }
        None => println!("O registro não tem checkpoint selado (nenhum evento): nenhum arquivo .checkpoint gravado."),
    }
    println!("A chave mestra (AUTOS_MASTER_KEY ou ./autos.master.key) não está no backup: guarde-a à parte.");
    println!(
        "Nem a chave de assinatura e o chaveiro dos cabeçalhos (./autos.signing.key, ./autos.signing.pub): \
         guarde-os à parte também."
    );
    Ok(())
}

/// Seals the log up to the head it has now, and no further: under steady writes sealing "until
/// nothing is left" need never end. When the server's own seal gets there first, its
/// checkpoint is the latest one.
async fn seal_to_head(store: &dyn EventStore) -> Result<(), CliError> {
    let head = store.head_position().await?;
    let sealed_to = store.checkpoints().await?.last().map_or(0, |c| c.position);
    integrity::seal(store, (head - sealed_to).max(0)).await?;
    Ok(())
}

/// SQLite: `VACUUM INTO` the partial file, on a connection of its own that does not report the
/// statement as slow (it is as long as the database is big), then the copy's own checkpoint and
/// event count, read with the copy opened immutable (nothing is written to it).
async fn copy_sqlite(url: &str, partial: &Path) -> Result<Copied, CliError> {
    let into = partial
        .to_str()
        .ok_or_else(|| CliError::Config(format!("caminho do backup não é UTF-8: {}", partial.display())))?;
    let source = SqliteConnectOptions::new()
        .filename(sqlite_file(url)?)
        .busy_timeout(Duration::from_secs(10))
        .disable_statement_logging();
    let mut source = sqlx::SqliteConnection::connect_with(&source).await.map_err(StoreError::from)?;
    sqlx::query("VACUUM INTO ?").bind(into).execute(&mut source).await.map_err(StoreError::from)?;
    source.close().await.map_err(StoreError::from)?;
    let options = SqliteConnectOptions::new().filename(partial).read_only(true).immutable(true);
    let mut copy = sqlx::SqliteConnection::connect_with(&options).await.map_err(StoreError::from)?;
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&mut copy).await.map_err(StoreError::from)?;
    let row: Option<CheckpointRow<i64>> =
        sqlx::query_as(LATEST_CHECKPOINT).fetch_optional(&mut copy).await.map_err(StoreError::from)?;
    copy.close().await.map_err(StoreError::from)?;
    let checkpoint = row
        .map(|(seq, position, event_count, digest, sealed_at)| {
            DateTime::<Utc>::from_timestamp_micros(sealed_at)
                .map(|sealed_at| Checkpoint { seq, position, event_count, digest, sealed_at })
                .ok_or_else(|| StoreError::Corrupt(format!("sealed_at {sealed_at}")))
        })
        .transpose()?;
    Ok(Copied { events, checkpoint })
}

/// PostgreSQL: `pg_dump -Fc` on a snapshot exported by a read-only transaction that also reads
/// the checkpoint and the event count, so all three describe the same rows.
async fn dump_postgres(pool: &sqlx::PgPool, url: &str, partial: &Path) -> Result<Copied, CliError> {
    let mut tx = pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(StoreError::from)?;
    // The transaction waits, idle, for as long as pg_dump runs on its snapshot.
    sqlx::query("SET LOCAL idle_in_transaction_session_timeout = 0")
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    let snapshot: String =
        sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await.map_err(StoreError::from)?;
    let events: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events").fetch_one(&mut *tx).await.map_err(StoreError::from)?;
    let row: Option<CheckpointRow<DateTime<Utc>>> =
        sqlx::query_as(LATEST_CHECKPOINT).fetch_optional(&mut *tx).await.map_err(StoreError::from)?;
    let checkpoint = row.map(|(seq, position, event_count, digest, sealed_at)| Checkpoint {
        seq,
        position,
        event_count,
        digest,
        sealed_at,
    });
    let args =
        vec!["--format=custom".into(), format!("--snapshot={snapshot}"), format!("--file={}", partial.display())];
    pg_tool("pg_dump", url, args).await?;
    tx.rollback().await.map_err(StoreError::from)?;
    Ok(Copied { events, checkpoint })
}

/// `url` without its password, and the password percent-decoded (for `PGPASSWORD`).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.to_owned(), None) };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return (url.to_owned(), None) };
    let Some((user, password)) = userinfo.split_once(':') else { return (url.to_owned(), None) };
    (format!("{scheme}://{user}@{host}{tail}"), Some(percent_decode(password)))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a PostgreSQL client program (`pg_dump`, `pg_restore`) on the database at `url`, off
/// the runtime's threads.
async fn pg_tool(program: &'static str, url: &str, mut args: Vec<String>) -> Result<(), CliError> {
    let (url, password) = split_password(url);
    args.push(format!("--dbname={url}"));
    let mut command = Command::new(program);
    command.args(&args).stdin(Stdio::null()).stdout(Stdio::null());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(|e| CliError::Io(std::io::Error::other(e)))?
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CliError::App(AppError::Unavailable(format!(
                "{program} não encontrado no PATH: instale o cliente do PostgreSQL (pacote postgresql-client, \
                 da versão do servidor ou mais nova)"
            ))),
            _ => CliError::Io(e),
        })?;
    if !output.status.success() {
        return Err(CliError::Io(std::io::Error::other(format!(
            "{program} falhou ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))));
    }
    Ok(())
}

fn refuse_non_empty(destination: &str, what: String) -> CliError {
    CliError::App(AppError::Conflict(format!(
        "o destino {destination} não está vazio ({what}); a restauração só grava num banco vazio e nada foi alterado"
    )))
}

/// `autos restore SOURCE`: puts a backup made by `autos backup` into the empty database at
/// `url`, makes every restored event visible (PostgreSQL: a new epoch), migrates, and verifies
/// the log against `against` or else `SOURCE.checkpoint` (see the module doc).
///
/// # Errors
/// `Conflict` when the destination is not empty (nothing is changed), `Config` for a source
/// that is no backup, `Unavailable` when pg_restore is not installed, `Io` when the copy or
/// pg_restore fails, `IntegrityFailed` when the restored log does not extend the checkpoint.
pub async fn restore(url: &str, source: &Path, against: Option<String>) -> Result<(), CliError> {
    let started = Instant::now();
    let checkpoint = match against {
        Some(text) => Some(text),
        None => read_checkpoint_file(&checkpoint_file(source))?,
    };
    if is_postgres(url) {
        restore_postgres(url, source).await?;
    } else {
        restore_sqlite(url, source)?;
    }
    ops::migrate(url).await?;
    println!("Backup {} restaurado em {:.1} s.", source.display(), started.elapsed().as_secs_f64());
    match checkpoint {
        Some(text) => ops::verify(url, VerifyMode::Against(text)).await,
        None => {
            println!(
                "Sem checkpoint ({} não existe e --against não foi dado): restauração não verificada; \
                 rode `autos verify --against CHECKPOINT` com o checkpoint guardado.",
                checkpoint_file(source).display()
            );
            Ok(())
        }
    }
}

fn read_checkpoint_file(path: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::Config(format!("não foi possível ler o checkpoint {}: {e}", path.display()))),
    }
}

/// SQLite: refuses a destination file (or write-ahead log) with content, checks that SOURCE is
/// a SQLite database, and copies it into place.
fn restore_sqlite(url: &str, source: &Path) -> Result<(), CliError> {
    let destination = sqlite_file(url)?;
    for file in [destination.clone(), beside(&destination, "wal")] {
        if std::fs::metadata(&file).is_ok_and(|m| m.len() > 0) {
            return Err(refuse_non_empty(&destination.display().to_string(), format!("{} tem dados", file.display())));
        }
    }
    let mut header = [0u8; 16];
    std::fs::File::open(source)
        .and_then(|mut f| f.read_exact(&mut header))
        .map_err(|e| CliError::Config(format!("não foi possível ler o backup {}: {e}", source.display())))?;
    if &header != SQLITE_HEADER {
        return Err(CliError::Config(format!(
            "{} não é um backup SQLite (feito por `autos backup` com um banco SQLite)",
            source.display()
        )));
    }
    let partial = beside(&destination, PARTIAL);
    let copied = std::fs::copy(source, &partial).map_err(CliError::from).and_then(|_| publish(&partial, &destination));
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}

/// PostgreSQL: refuses a destination with any table, runs `pg_restore` in one transaction and
/// raises the store's epoch so the restored rows pass the readers' horizon.
async fn restore_postgres(url: &str, source: &Path) -> Result<(), CliError> {
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(|e| {
        CliError::App(AppError::Unavailable(format!(
            "não foi possível conectar ao banco de destino (ele deve existir, vazio: CREATE DATABASE …): {e}"
        )))
    })?;
    let relations: i64 = sqlx::query_scalar(PG_USER_RELATIONS).fetch_one(&mut conn).await.map_err(StoreError::from)?;
    if relations > 0 {
        let (shown, _) = split_password(url);
        return Err(refuse_non_empty(&shown, format!("{relations} tabelas, sequências ou índices")));
    }
    if !source.is_file() {
        return Err(CliError::Config(format!("backup não encontrado: {}", source.display())));
    }
    let args = vec![
        "--single-transaction".into(),
        "--exit-on-error".into(),
        "--no-owner".into(),
        "--no-privileges".into(),
        source.display().to_string(),
    ];
    pg_tool("pg_restore", url, args).await?;
    sqlx::raw_sql(autos_store::postgres::APP_ROLE_GRANTS).execute(&mut conn).await.map_err(StoreError::from)?;
    let epoch: i32 = sqlx::query_scalar("UPDATE store_epoch SET epoch = epoch + 1 RETURNING epoch")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| {
            CliError::App(AppError::Unavailable(format!(
                "backup restaurado, mas a época do registro não foi elevada ({e}); os eventos restaurados ficariam \
                 invisíveis: recrie o banco de destino vazio e rode a restauração de novo"
            )))
        })?;
    conn.close().await.map_err(StoreError::from)?;
    println!("Época do registro elevada para {epoch}: todos os eventos restaurados ficam visíveis neste cluster.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        let (url, password) = split_password("postgres://ana:s%40nha@db.example:5432/autos?sslmode=require");
        assert_eq!(url, "postgres://ana@db.example:5432/autos?sslmode=require");
        assert_eq!(password.as_deref(), Some("s@nha"));
        assert_eq!(split_password("postgres://postgres@127.0.0.1/x"), ("postgres://postgres@127.0.0.1/x".into(), None));
    }

    #[test]
    fn the_checkpoint_file_sits_beside_the_backup() {
        assert_eq!(checkpoint_file(Path::new("/b/autos-2026.dump")), PathBuf::from("/b/autos-2026.dump.checkpoint"));
    }
}
