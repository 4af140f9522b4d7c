//! `autos bench`: the event-store workloads of the shared yardstick (append, replay, load,
//! bulk), run through the store's real append and read paths so that the figures can be
//! compared with raw SQL measured at the same moment (`ops/bench.sh`).
//!
//! The command line follows the harness contract: `--backend postgres` takes `DATABASE_URL`,
//! `--backend sqlite` takes `SQLITE_PATH`, and the last line of stdout is one JSON object.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use autos_store::postgres::PgStore;
use autos_store::sqlite::SqliteStore;
use autos_store::{
    AppendBatch, EventStore, ExpectedVersion, NewEvent, Provenance, StoreError, StoredEvent, StreamAppend,
};
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::CliError;

mod read_models;

/// Which backend to measure.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// `autos bench` flags.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, value_enum)]
    pub backend: Backend,
    /// Arquivo SQLite para `--backend sqlite`.
    #[arg(long, env = "SQLITE_PATH", default_value = "bench.db")]
    pub sqlite_path: PathBuf,
    /// Imprime só a linha JSON (é sempre a última linha da saída).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub workload: Workload,
}

/// The workloads of the yardstick.
#[derive(Debug, Subcommand)]
pub enum Workload {
    /// Cria o esquema (idempotente).
    Setup,
    /// Remove todos os eventos e mantém o esquema.
    Reset,
    /// Gravações medidas de `batch` eventos por transação, com versão esperada.
    Append {
        #[arg(long, default_value_t = 1)]
        writers: usize,
        #[arg(long, default_value_t = 20_000)]
        events: usize,
        #[arg(long, default_value_t = 1_000)]
        streams: usize,
        #[arg(long, default_value_t = 1)]
        batch: usize,
        /// Todos os escritores compartilham os fluxos: lê a versão, grava e repete em caso de conflito.
        #[arg(long)]
        contended: bool,
    },
    /// Lê tudo na ordem global e o acumula.
    Replay {
        #[arg(long, default_value_t = 1_000)]
        page_size: i64,
    },
    /// Semeia fluxos e mede leituras sequenciais de um fluxo acumulado no seu estado.
    Load {
        #[arg(long, default_value_t = 20)]
        streams: usize,
        #[arg(long, default_value_t = 100)]
        stream_len: usize,
        #[arg(long, default_value_t = 1_000)]
        ops: usize,
        #[arg(long, default_value_t = 1)]
        writers: usize,
    },
    /// Os modelos de leitura: reconstrução completa de um histórico sintético, viagem no tempo de
    /// uma operadora grande e atraso das projeções sob gravação constante. Exige banco vazio.
    Project {
        /// Eventos do histórico sintético.
        #[arg(long, default_value_t = 1_000_000)]
        events: usize,
        /// Eventos da operadora em que a viagem no tempo é medida.
        #[arg(long, default_value_t = 2_000)]
        large_operator_events: usize,
        #[arg(long, default_value_t = 200)]
        time_travel_ops: usize,
        /// Gravações por segundo enquanto o atraso das projeções é medido.
        #[arg(long, default_value_t = 1_000)]
        rate: u64,
        #[arg(long, default_value_t = 10)]
        lag_seconds: u64,
    },
    /// O caminho de importação em lote: `batch` eventos por transação entre os fluxos.
    Bulk {
        #[arg(long, default_value_t = 20_000)]
        events: usize,
        #[arg(long, default_value_t = 1_000)]
        streams: usize,
        #[arg(long, default_value_t = 1_000)]
        batch: usize,
    },
}

/// The payload of every bench event (about 400 bytes of JSON).
#[derive(Debug, Serialize, Deserialize)]
struct CaseData {
    case_ref: String,
    actor: String,
    title: String,
    body: String,
    priority: u8,
    tags: Vec<String>,
    n: u64,
}

const EVENT_TYPES: [&str; 4] =
    ["bench.caso_aberto", "bench.nota_registrada", "bench.prazo_aberto", "bench.caso_atualizado"];

/// The store under measurement, kept concrete so that `reset` and pool warm-up can reach it.
enum Subject {
    Postgres(Arc<PgStore>),
    Sqlite(Arc<SqliteStore>),
}

impl Subject {
    fn store(&self) -> Arc<dyn EventStore> {
        match self {
            Subject::Postgres(s) => s.clone(),
            Subject::Sqlite(s) => s.clone(),
        }
    }

    /// Opens every pool connection before the clock starts.
    async fn warm(&self, connections: usize) -> Result<(), StoreError> {
        if let Subject::Postgres(s) = self {
            let mut held = Vec::new();
            for _ in 0..connections {
                held.push(s.pool().acquire().await?);
            }
        }
        Ok(())
    }

    fn note(&self) -> &'static str {
        match self {
            Subject::Postgres(_) => {
                "pg: one INSERT ... SELECT unnest per command, positions drawn under a commit-order advisory lock; hash chain per stream"
            }
            Subject::Sqlite(_) => {
                "sqlite: WAL, synchronous=FULL, one writer connection, one INSERT per command; hash chain per stream"
            }
        }
    }
}

async fn open_subject(args: &BenchArgs, url: &str, connections: u32) -> Result<Subject, CliError> {
    Ok(match args.backend {
        Backend::Postgres => Subject::Postgres(Arc::new(PgStore::open(url, connections).await?)),
        Backend::Sqlite => {
            let path = args.sqlite_path.to_string_lossy().into_owned();
            Subject::Sqlite(Arc::new(SqliteStore::open(&path).await?))
        }
    })
}

/// Runs one bench command and prints its result.
///
/// # Errors
/// `Config` for impossible sizes, `Store` when the database fails.
pub async fn run(args: BenchArgs, database_url: &str) -> Result<(), CliError> {
    let connections = match &args.workload {
        Workload::Append { writers, .. } | Workload::Load { writers, .. } => *writers + 1,
        _ => 2,
    };
    if let Workload::Reset = args.workload {
        return reset(&args, database_url).await;
    }
    let subject = open_subject(&args, database_url, connections as u32).await?;
    subject.warm(connections).await?;
    let store = subject.store();
    let mut result = match args.workload {
        Workload::Setup | Workload::Reset => json!({ "workload": "setup", "backend": store.backend_name() }),
        Workload::Append { writers, events, streams, batch, contended } => {
            check_sizes(writers, events, streams, batch)?;
            append(store, writers, events, streams, batch, contended).await?
        }
        Workload::Replay { page_size } => replay(store.as_ref(), page_size.max(1)).await?,
        Workload::Load { streams, stream_len, ops, .. } => {
            check_sizes(1, streams * stream_len, streams, 1)?;
            load(store.as_ref(), streams, stream_len, ops).await?
        }
        Workload::Bulk { events, streams, batch } => {
            check_sizes(1, events, streams, batch)?;
            bulk(store.as_ref(), events, streams, batch).await?
        }
        Workload::Project { events, large_operator_events, time_travel_ops, rate, lag_seconds } => {
            read_models::run(&store, events, large_operator_events, time_travel_ops, rate, lag_seconds).await?
        }
    };
    result["note"] = json!(subject.note());
    if !args.json {
        eprintln!("{}", serde_json::to_string_pretty(&result).unwrap_or_default());
    }
    println!("{result}");
    Ok(())
}

fn check_sizes(writers: usize, events: usize, streams: usize, batch: usize) -> Result<(), CliError> {
    if writers == 0 || events == 0 || streams == 0 || batch == 0 {
        return Err(CliError::Config("writers, events, streams e batch devem ser positivos".into()));
    }
    if !events.is_multiple_of(batch) {
        return Err(CliError::Config(format!("events ({events}) deve ser múltiplo de batch ({batch})")));
    }
    Ok(())
}

/// Removes every event and keeps the schema. The append-only triggers of the log and its audit
/// tables are lifted only for the duration of the TRUNCATE, in one transaction, by the tables' owner.
async fn reset(args: &BenchArgs, database_url: &str) -> Result<(), CliError> {
    match args.backend {
        Backend::Postgres => {
            let store = PgStore::open(database_url, 2).await?;
            let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
            // As the owner: the application role the pool works as may not alter a table.
            sqlx::query("SET LOCAL ROLE NONE").execute(&mut *tx).await.map_err(StoreError::from)?;
            const TABLES: &str = "events, seal_checkpoints, position_gaps, personal_data_reads";
            for table in TABLES.split(", ") {
                sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
            sqlx::query(&format!("TRUNCATE {TABLES}")).execute(&mut *tx).await.map_err(StoreError::from)?;
            for table in TABLES.split(", ") {
                sqlx::query(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
            sqlx::query("ALTER SEQUENCE events_position_seq RESTART WITH 1")
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Backend::Sqlite => {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = args.sqlite_path.clone().into_os_string();
                path.push(suffix);
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                    _ => {}
                }
            }
            SqliteStore::open(&args.sqlite_path.to_string_lossy()).await?;
        }
    }
    println!("{}", json!({ "workload": "reset" }));
    Ok(())
}

fn provenance() -> Provenance {
    Provenance {
        actor_id: Uuid::now_v7(),
        actor_role: "fiscal".into(),
        correlation_id: Some(Uuid::now_v7()),
        causation_id: Some(Uuid::now_v7()),
        command: None,
    }
}

fn new_event(n: u64, stream: &str) -> NewEvent {
    let data = CaseData {
        case_ref: stream.to_owned(),
        actor: "fiscal.bench@ans.gov.br".into(),
        title: format!("Ocorrência de fiscalização número {n}"),
        body: "Registro de acompanhamento da operadora: documentação recebida, análise técnica em \
               andamento, prazo de resposta aberto conforme a norma vigente, sem pendências."
            .into(),
        priority: (n % 5) as u8,
        tags: vec!["fiscalizacao".into(), "bench".into(), format!("lote-{}", n % 10)],
        n,
    };
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: EVENT_TYPES[(n % 4) as usize].into(),
        schema_version: 1,
        payload: serde_json::to_value(&data).unwrap_or_default(),
        occurred_on: NaiveDate::from_ymd_opt(2003, 5, 2).unwrap_or_default(),
        legal_basis: Some("Lei 9.656/98 art. 24".into()),
        document_ref: None,
    }
}

fn fresh_streams(count: usize) -> Vec<String> {
    (0..count).map(|_| format!("caso-{}", Uuid::new_v4())).collect()
}

fn batch_of(stream: &str, expected: ExpectedVersion, first_n: u64, size: usize) -> AppendBatch {
    AppendBatch {
        streams: vec![StreamAppend {
            stream_id: stream.to_owned(),
            expected,
            events: (0..size as u64).map(|i| new_event(first_n + i, stream)).collect(),
        }],
        provenance: provenance(),
    }
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)] as f64
}

/// One writer's share of the append workload.
struct WriterReport {
    latencies_us: Vec<u64>,
    conflicts: u64,
    retried_ops: u64,
}

async fn append(
    store: Arc<dyn EventStore>,
    writers: usize,
    events: usize,
    streams: usize,
    batch: usize,
    contended: bool,
) -> Result<serde_json::Value, CliError> {
    let ids = Arc::new(fresh_streams(streams));
    let ops = events / batch;
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let (store, ids, counter) = (store.clone(), ids.clone(), counter.clone());
        let my_ops = (w..ops).step_by(writers).count();
        tasks.push(tokio::spawn(async move {
            if contended {
                contended_writer(store.as_ref(), &ids, my_ops, batch, &counter).await
            } else {
                owned_writer(store.as_ref(), &ids, w, writers, my_ops, batch, &counter).await
            }
        }));
    }
    let mut latencies = Vec::with_capacity(ops);
    let (mut conflicts, mut retried_ops) = (0, 0);
    for task in tasks {
        let report = task.await.map_err(|e| CliError::Config(format!("writer task failed: {e}")))??;
        latencies.extend(report.latencies_us);
        conflicts += report.conflicts;
        retried_ops += report.retried_ops;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Ok(json!({
        "workload": "append", "writers": writers, "events": events, "streams": streams,
        "batch": batch, "elapsed_s": elapsed, "events_per_s": events as f64 / elapsed,
        "ops": ops, "ops_per_s": ops as f64 / elapsed,
        "p50_us": percentile(&latencies, 0.5), "p99_us": percentile(&latencies, 0.99),
        "conflicts": conflicts, "retried_ops": retried_ops,
    }))
}

/// Writer `w` owns the streams `i ≡ w (mod writers)` and round-robins over them, tracking each
/// stream's version itself and appending with it as the expected version.
async fn owned_writer(
    store: &dyn EventStore,
    ids: &[String],
    w: usize,
    writers: usize,
    ops: usize,
    batch: usize,
    counter: &AtomicU64,
) -> Result<WriterReport, CliError> {
    let mine: Vec<&String> = ids.iter().skip(w).step_by(writers).collect();
    if mine.is_empty() {
        return Err(CliError::Config(format!("o escritor {w} não tem fluxos: use streams >= writers")));
    }
    let mut versions = vec![0i64; mine.len()];
    let mut latencies = Vec::with_capacity(ops);
    for op in 0..ops {
        let slot = op % mine.len();
        let expected =
            if versions[slot] == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(versions[slot]) };
        let n = counter.fetch_add(batch as u64, Ordering::Relaxed);
        let request = batch_of(mine[slot], expected, n, batch);
        let t = Instant::now();
        store.append(request).await?;
        latencies.push(t.elapsed().as_micros() as u64);
        versions[slot] += batch as i64;
    }
    Ok(WriterReport { latencies_us: latencies, conflicts: 0, retried_ops: 0 })
}

/// Every writer shares every stream: read the version, append with it, and on a conflict
/// re-read and retry. Latency covers the whole operation including retries.
async fn contended_writer(
    store: &dyn EventStore,
    ids: &[String],
    ops: usize,
    batch: usize,
    counter: &AtomicU64,
) -> Result<WriterReport, CliError> {
    let mut report = WriterReport { latencies_us: Vec::with_capacity(ops), conflicts: 0, retried_ops: 0 };
    for _ in 0..ops {
        let stream = &ids[rand::random::<usize>() % ids.len()];
        let t = Instant::now();
        let mut retried = false;
        loop {
            let version = store.stream_version(stream).await?;
            let expected = if version == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(version) };
            let n = counter.fetch_add(batch as u64, Ordering::Relaxed);
            match store.append(batch_of(stream, expected, n, batch)).await {
                Ok(_) => break,
                Err(StoreError::Conflict { .. }) => {
                    report.conflicts += 1;
                    retried = true;
                }
                Err(e) => return Err(e.into()),
            }
        }
        report.retried_ops += u64::from(retried);
        report.latencies_us.push(t.elapsed().as_micros() as u64);
    }
    Ok(report)
}

/// Counts folded from a replay, as a projection would.
#[derive(Default)]
struct ReplayFold {
    events: u64,
    by_type: HashMap<String, u64>,
    by_stream: HashMap<String, u64>,
    checksum: u64,
}

/// Reads the whole log in pages and folds it, reading each next page while the current one is
/// folded, as the projection runner and `autos verify` read the log.
async fn replay_once(store: &dyn EventStore, page_size: i64) -> Result<ReplayFold, CliError> {
    let mut fold = ReplayFold::default();
    let mut page = store.read_all(0, page_size).await?;
    while let Some(last) = page.last() {
        let (next, folded) = tokio::join!(store.read_all(last.position, page_size), async { fold.add(&page) });
        folded?;
        page = next?;
    }
    Ok(fold)
}

impl ReplayFold {
    fn add(&mut self, page: &[StoredEvent]) -> Result<(), StoreError> {
        for ev in page {
            let data: CaseData = serde_json::from_str(&ev.payload)
                .map_err(|e| StoreError::Corrupt(format!("position {}: {e}", ev.position)))?;
            self.checksum = self.checksum.wrapping_add(data.n);
            self.events += 1;
            *self.by_type.entry(ev.event_type.clone()).or_default() += 1;
            *self.by_stream.entry(ev.stream_id.clone()).or_default() += 1;
        }
        Ok(())
    }
}

async fn replay(store: &dyn EventStore, page_size: i64) -> Result<serde_json::Value, CliError> {
    replay_once(store, page_size).await?;
    let mut timings = Vec::new();
    let mut fold = ReplayFold::default();
    for _ in 0..3 {
        let t = Instant::now();
        fold = replay_once(store, page_size).await?;
        timings.push(t.elapsed());
    }
    timings.sort();
    let elapsed = timings[1].as_secs_f64();
    Ok(json!({
        "workload": "replay", "events": fold.events, "elapsed_s": elapsed,
        "events_per_s": fold.events as f64 / elapsed, "page_size": page_size,
        "distinct_streams": fold.by_stream.len(), "distinct_types": fold.by_type.len(),
        "timed_passes": timings.iter().map(Duration::as_secs_f64).collect::<Vec<_>>(),
    }))
}

/// The aggregate state a load folds into.
#[derive(Default)]
struct CaseState {
    version: i64,
    last_n: u64,
    open_priority_sum: u64,
}

async fn load_once(store: &dyn EventStore, stream: &str) -> Result<CaseState, CliError> {
    let mut state = CaseState::default();
    for ev in store.read_stream(stream, 1).await? {
        let data: CaseData = serde_json::from_str(&ev.payload)
            .map_err(|e| StoreError::Corrupt(format!("position {}: {e}", ev.position)))?;
        state.version = ev.stream_version;
        state.last_n = data.n;
        state.open_priority_sum += u64::from(data.priority);
    }
    Ok(state)
}

async fn load(
    store: &dyn EventStore,
    streams: usize,
    stream_len: usize,
    ops: usize,
) -> Result<serde_json::Value, CliError> {
    let ids = fresh_streams(streams);
    let mut n = 0u64;
    for id in &ids {
        let mut version = 0;
        while version < stream_len {
            let size = (stream_len - version).min(100);
            let expected =
                if version == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(version as i64) };
            store.append(batch_of(id, expected, n, size)).await?;
            n += size as u64;
            version += size;
        }
    }
    for id in &ids {
        load_once(store, id).await?;
    }
    let mut latencies = Vec::with_capacity(ops);
    let mut folded = 0u64;
    let started = Instant::now();
    for op in 0..ops {
        let t = Instant::now();
        let state = load_once(store, &ids[op % ids.len()]).await?;
        latencies.push(t.elapsed().as_micros() as u64);
        folded += state.version as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Ok(json!({
        "workload": "load", "events": folded, "elapsed_s": elapsed,
        "events_per_s": folded as f64 / elapsed, "ops": ops, "ops_per_s": ops as f64 / elapsed,
        "p50_us": percentile(&latencies, 0.5), "p99_us": percentile(&latencies, 0.99),
        "streams": streams, "stream_len": stream_len,
    }))
}

/// Bulk import: each transaction carries `batch` events spread round-robin over the streams,
/// one multi-stream atomic append with the expected version of each stream.
async fn bulk(
    store: &dyn EventStore,
    events: usize,
    streams: usize,
    batch: usize,
) -> Result<serde_json::Value, CliError> {
    let ids = fresh_streams(streams);
    let mut versions = vec![0i64; streams];
    let started = Instant::now();
    let mut n = 0u64;
    for _ in 0..events / batch {
        let mut per_stream: Vec<Vec<NewEvent>> = vec![Vec::new(); streams];
        for _ in 0..batch {
            let slot = (n as usize) % streams;
            per_stream[slot].push(new_event(n, &ids[slot]));
            n += 1;
        }
        let mut appends = Vec::new();
        for (slot, evs) in per_stream.into_iter().enumerate() {
            if evs.is_empty() {
                continue;
            }
            let expected =
                if versions[slot] == 0 { ExpectedVersion::NoStream } else { ExpectedVersion::Exact(versions[slot]) };
            versions[slot] += evs.len() as i64;
            appends.push(StreamAppend { stream_id: ids[slot].clone(), expected, events: evs });
        }
        store.append(AppendBatch { streams: appends, provenance: provenance() }).await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(json!({
        "workload": "bulk", "events": events, "streams": streams, "batch": batch,
        "elapsed_s": elapsed, "events_per_s": events as f64 / elapsed,
    }))
}
