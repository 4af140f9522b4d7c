//! The witnesses of the signed tree heads (docs/ARCHITECTURE.md §4): places outside the log's
//! database that get every signed head before it is reported signed, so that whoever holds the
//! database cannot rewrite the log and its heads together. A witness is a directory (another
//! disk, a mount of another machine) whose `heads.jsonl` gets one JSON head a line, appended and
//! synced; another database — an SQLite file or a PostgreSQL database, by URL, ideally on
//! another machine and under another administrator — whose table `witnessed_heads` gets one row
//! a head, refused any change or removal by its triggers; or a URL that accepts heads: `POST`
//! of the head's JSON, answered 2xx once it is kept, and `GET` of every head it keeps, as a JSON
//! list (what `autos witness serve` offers on a machine of its own). What the witnesses hold is checked
//! together (`crate::tree_heads::check`): a head any of them holds must be in the log's database
//! as it holds it, so two witnesses that disagree (a fork) or a head the database lacks are
//! findings.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::OnceCell;

use crate::{StoreError, TreeHead};

/// The witnesses a head is given to.
#[derive(Debug, Clone, Default)]
pub struct Witness {
    places: Vec<Place>,
}

/// One witness.
#[derive(Debug, Clone)]
enum Place {
    /// `heads.jsonl` in a directory (created on the first head).
    File(PathBuf),
    /// The table `witnessed_heads` of another database.
    Database(DatabaseWitness),
    /// A service that keeps heads, over HTTP(S).
    Service { url: String, client: reqwest::Client },
}

/// How long a witness service may take to answer.
const SERVICE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A witness database by its URL, connected (and its table created) on first use.
#[derive(Debug, Clone)]
struct DatabaseWitness {
    url: String,
    connection: Arc<OnceCell<WitnessDatabase>>,
}

/// A connected witness database.
#[derive(Debug)]
enum WitnessDatabase {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Witness {
    /// The witness kept in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        Self::in_dirs(&[dir.to_path_buf()])
    }

    /// The witnesses kept in `dirs`.
    pub fn in_dirs(dirs: &[PathBuf]) -> Self {
        Witness { places: dirs.iter().map(|dir| Place::File(dir.join("heads.jsonl"))).collect() }
    }

    /// These witnesses and those at `urls`: databases (`sqlite:…`, `postgres://…`) and services
    /// (`https://…`, `http://…`).
    ///
    /// # Errors
    /// `Witness` for a URL of none of those kinds.
    pub fn and_urls(mut self, urls: &[String]) -> Result<Self, StoreError> {
        for url in urls {
            let database = ["sqlite:", "postgres://", "postgresql://"].iter().any(|p| url.starts_with(p));
            let place = if database {
                Place::Database(DatabaseWitness { url: url.clone(), connection: Arc::new(OnceCell::new()) })
            } else if url.starts_with("https://") || url.starts_with("http://") {
                let client = reqwest::Client::builder()
                    .timeout(SERVICE_TIMEOUT)
                    .build()
                    .map_err(|e| service_error(url, &e.to_string()))?;
                Place::Service { url: url.clone(), client }
            } else {
                return Err(StoreError::Witness(format!(
                    "a testemunha {:?} não é um banco (sqlite:…, postgres://…) nem um serviço (https://…)",
                    without_password(url)
                )));
            };
            self.places.push(place);
        }
        Ok(self)
    }

    /// Appends a head to every witness.
    ///
    /// # Errors
    /// `TrustFile` when a directory or file cannot be written; `Witness` when a witness
    /// database cannot be reached or written.
    pub async fn append(&self, head: &TreeHead) -> Result<(), StoreError> {
        for place in &self.places {
            place.append(head).await?;
        }
        Ok(())
    }

    /// Appends to each witness the heads of `heads` it lacks (a witness added later, or one a
    /// signer stopped before reaching), in order; each witness is read once.
    ///
    /// # Errors
    /// As [`Witness::append`], and when a witness cannot be read.
    pub async fn append_where_missing(&self, heads: &[TreeHead]) -> Result<(), StoreError> {
        for place in &self.places {
            let held = place.heads().await?;
            for head in heads.iter().filter(|h| !held.contains(h)) {
                place.append(head).await?;
            }
        }
        Ok(())
    }

    /// Every head any witness holds, each once, in the order the first witness to hold it
    /// witnessed it; none when nothing was witnessed yet.
    ///
    /// # Errors
    /// `TrustFile` or `Witness` when a witness cannot be read or holds something that is not a head.
    pub async fn heads(&self) -> Result<Vec<TreeHead>, StoreError> {
        Ok(union(&self.heads_by_witness().await?))
    }

    /// What each witness holds, in the order of the witnesses.
    ///
    /// # Errors
    /// As [`Witness::heads`].
    pub async fn heads_by_witness(&self) -> Result<Vec<Vec<TreeHead>>, StoreError> {
        let mut held = Vec::with_capacity(self.places.len());
        for place in &self.places {
            held.push(place.heads().await?);
        }
        Ok(held)
    }
}

/// The heads of several witnesses, each once, in first-witnessed order.
pub(crate) fn union(by_witness: &[Vec<TreeHead>]) -> Vec<TreeHead> {
    let mut all: Vec<TreeHead> = Vec::new();
    for head in by_witness.iter().flatten() {
        if !all.contains(head) {
            all.push(head.clone());
        }
    }
    all
}

impl Place {
    async fn append(&self, head: &TreeHead) -> Result<(), StoreError> {
        let line = serde_json::to_string(head).map_err(|e| StoreError::Witness(format!("cabeçalho ilegível: {e}")))?;
        match self {
            Place::File(file) => append_line(file, &line),
            Place::Database(witness) => {
                let insert = "INSERT INTO witnessed_heads (head) VALUES ($1) ON CONFLICT (head) DO NOTHING";
                let url = &witness.url;
                match witness.connected().await? {
                    WitnessDatabase::Sqlite(pool) => sqlx::query(insert).bind(&line).execute(pool).await.map(drop),
                    WitnessDatabase::Postgres(pool) => sqlx::query(insert).bind(&line).execute(pool).await.map(drop),
                }
                .map_err(|e| witness_error(url, e))
            }
            Place::Service { url, client } => {
                let failed = |e: reqwest::Error| service_error(url, &e.to_string());
                let answer = client
                    .post(url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(line)
                    .send()
                    .await
                    .map_err(failed)?;
                if answer.status().is_success() {
                    return Ok(());
                }
                let status = answer.status();
                let detail = answer.text().await.unwrap_or_default();
                Err(service_error(url, &format!("recusou o cabeçalho ({status}): {detail}")))
            }
        }
    }

    async fn heads(&self) -> Result<Vec<TreeHead>, StoreError> {
        match self {
            Place::File(file) => heads_of_file(file),
            Place::Database(witness) => {
                let select = "SELECT head FROM witnessed_heads ORDER BY seq";
                let url = &witness.url;
                let rows: Vec<String> = match witness.connected().await? {
                    WitnessDatabase::Sqlite(pool) => sqlx::query_scalar(select).fetch_all(pool).await,
                    WitnessDatabase::Postgres(pool) => sqlx::query_scalar(select).fetch_all(pool).await,
                }
                .map_err(|e| witness_error(url, e))?;
                rows.iter()
                    .enumerate()
                    .map(|(i, row)| {
                        serde_json::from_str(row)
                            .map_err(|e| service_error(url, &format!("a linha {} não é um cabeçalho: {e}", i + 1)))
                    })
                    .collect()
            }
            Place::Service { url, client } => {
                let failed = |e: reqwest::Error| service_error(url, &e.to_string());
                let answer = client.get(url).send().await.map_err(failed)?.error_for_status().map_err(failed)?;
                answer.json().await.map_err(failed)
            }
        }
    }
}

impl DatabaseWitness {
    /// The connection, made and the table created on first use.
    async fn connected(&self) -> Result<&WitnessDatabase, StoreError> {
        self.connection.get_or_try_init(|| connect(&self.url)).await
    }
}

/// The SQLite witness table: rows are only ever added (`recursive_triggers` makes an
/// `INSERT OR REPLACE` a delete the trigger refuses).
const SQLITE_TABLE: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS witnessed_heads (seq INTEGER PRIMARY KEY AUTOINCREMENT, head TEXT NOT NULL UNIQUE)",
    "CREATE TRIGGER IF NOT EXISTS witnessed_heads_no_update BEFORE UPDATE ON witnessed_heads \
     BEGIN SELECT RAISE(ABORT, 'witnessed_heads: a testemunha só recebe cabeçalhos novos'); END",
    "CREATE TRIGGER IF NOT EXISTS witnessed_heads_no_delete BEFORE DELETE ON witnessed_heads \
     BEGIN SELECT RAISE(ABORT, 'witnessed_heads: a testemunha só recebe cabeçalhos novos'); END",
];

/// The PostgreSQL witness table, its rows refused UPDATE, DELETE and TRUNCATE.
const POSTGRES_TABLE: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS witnessed_heads (seq BIGSERIAL PRIMARY KEY, head TEXT NOT NULL UNIQUE)",
    "CREATE OR REPLACE FUNCTION witnessed_heads_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'witnessed_heads: a testemunha só recebe cabeçalhos novos'; END $$",
    "DO $$ BEGIN \
       IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'witnessed_heads_no_change') THEN \
         CREATE TRIGGER witnessed_heads_no_change BEFORE UPDATE OR DELETE ON witnessed_heads \
           FOR EACH ROW EXECUTE FUNCTION witnessed_heads_append_only(); \
       END IF; \
       IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'witnessed_heads_no_truncate') THEN \
         CREATE TRIGGER witnessed_heads_no_truncate BEFORE TRUNCATE ON witnessed_heads \
           FOR EACH STATEMENT EXECUTE FUNCTION witnessed_heads_append_only(); \
       END IF; \
     END $$",
];

async fn connect(url: &str) -> Result<WitnessDatabase, StoreError> {
    let failed = |e: sqlx::Error| witness_error(url, e);
    if url.starts_with("sqlite:") {
        let options: SqliteConnectOptions = url.parse().map_err(failed)?;
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .pragma("recursive_triggers", "ON");
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(failed)?;
        for statement in SQLITE_TABLE {
            sqlx::query(statement).execute(&pool).await.map_err(failed)?;
        }
        Ok(WitnessDatabase::Sqlite(pool))
    } else {
        let pool = PgPoolOptions::new().max_connections(1).connect(url).await.map_err(failed)?;
        for statement in POSTGRES_TABLE {
            sqlx::query(statement).execute(&pool).await.map_err(failed)?;
        }
        Ok(WitnessDatabase::Postgres(pool))
    }
}

/// A witness database's fault, named by its URL without the password.
fn witness_error(url: &str, e: sqlx::Error) -> StoreError {
    service_error(url, &e.to_string())
}

/// A witness's fault, named by its URL without the password.
fn service_error(url: &str, detail: &str) -> StoreError {
    StoreError::Witness(format!("testemunha {}: {detail}", without_password(url)))
}

fn without_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{user}{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn file_error(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::TrustFile(format!("{what} {}: {e}", path.display()))
}

/// Appends one line to a witness file and syncs it (and, for a new file, its directory).
fn append_line(file: &Path, line: &str) -> Result<(), StoreError> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error("cannot create", dir, e))?;
    }
    crate::tree_heads::append_synced_line(file, line)
}

/// The heads one witness file holds, in order.
fn heads_of_file(file: &Path) -> Result<Vec<TreeHead>, StoreError> {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(file_error("cannot read", file, e)),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| file_error(&format!("line {} of", i + 1), file, e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::tree_heads::SigningKey;

    fn head(key: &SigningKey, size: i64) -> TreeHead {
        key.sign(size, 7, &[9u8; 32], DateTime::from_timestamp_micros(1_000_000).unwrap())
    }

    #[tokio::test]
    async fn a_witness_gives_back_what_it_was_given() {
        let dir = std::env::temp_dir().join(format!("autos-witness-{}", uuid::Uuid::new_v4().simple()));
        let witness = Witness::in_dir(&dir);
        assert!(witness.heads().await.unwrap().is_empty());
        let key = SigningKey::generate();
        witness.append(&head(&key, 3)).await.unwrap();
        witness.append(&head(&key, 3)).await.unwrap();
        assert_eq!(witness.heads().await.unwrap(), vec![head(&key, 3)], "each head once, however often held");
        let lines = std::fs::read_to_string(dir.join("heads.jsonl")).unwrap().lines().count();
        assert_eq!(lines, 2, "appended as given");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_witness_database_keeps_each_head_once_in_order_and_refuses_to_change_or_drop_one() {
        let file = std::env::temp_dir().join(format!("autos-witness-{}.db", uuid::Uuid::new_v4().simple()));
        let url = format!("sqlite:{}", file.display());
        let witness = Witness::default().and_urls(std::slice::from_ref(&url)).unwrap();
        let key = SigningKey::generate();
        for size in [3, 5, 3] {
            witness.append(&head(&key, size)).await.unwrap();
        }
        assert_eq!(witness.heads().await.unwrap(), vec![head(&key, 3), head(&key, 5)]);
        // Someone with the file opens it as the server does (`recursive_triggers` on).
        let options: SqliteConnectOptions = url.parse().unwrap();
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.pragma("recursive_triggers", "ON"))
            .await
            .unwrap();
        for tampering in [
            "UPDATE witnessed_heads SET head = 'x'",
            "DELETE FROM witnessed_heads",
            "INSERT OR REPLACE INTO witnessed_heads (seq, head) VALUES (1, 'x')",
        ] {
            let refused = sqlx::query(tampering).execute(&pool).await.unwrap_err().to_string();
            assert!(refused.contains("só recebe cabeçalhos novos"), "{tampering}: {refused}");
        }
        assert_eq!(witness.heads().await.unwrap().len(), 2);
        let _ = std::fs::remove_file(file);
    }

    #[test]
    fn a_witness_url_other_than_a_database_is_refused() {
        let refused = Witness::default().and_urls(&["ftp://testemunha.example/heads".into()]).unwrap_err();
        assert!(refused.to_string().contains("nem um serviço"), "{refused}");
    }

    #[test]
    fn a_witness_url_is_named_without_its_password() {
        assert_eq!(
            without_password("postgres://autos:segredo@10.0.0.9/testemunha"),
            "postgres://autos@10.0.0.9/testemunha"
        );
        assert_eq!(without_password("sqlite:/var/lib/testemunha.db"), "sqlite:/var/lib/testemunha.db");
    }
}
