//! The operational commands of the `autos` binary: `migrate`, `serve`, `verify` and
//! `lgpd forget`. Each opens the store itself and reports progress on long work.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use autos_store::integrity::{self, VerifyReport};
use autos_store::personal;
use autos_store::{EventStore, Provenance};
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use crate::http::{router, AppState};
use crate::ApiError;

/// How many events one seal pass chains at most before yielding.
const SEAL_BATCH: i64 = 10_000;
/// How often the background seal looks for new events when no commit woke it.
const SEAL_INTERVAL: Duration = Duration::from_secs(5);

/// Opens the store at `url` (applying pending migrations).
///
/// # Errors
/// `Store` when the database is unreachable or the schema cannot be migrated.
pub async fn open_store(url: &str) -> Result<Arc<dyn EventStore>, ApiError> {
    Ok(autos_store::open(url, 10).await?)
}

/// `autos migrate`: brings the schema up to date and says which backend it used.
///
/// # Errors
/// As [`open_store`].
pub async fn migrate(url: &str) -> Result<(), ApiError> {
    let store = open_store(url).await?;
    println!("Esquema atualizado ({}).", store.backend_name());
    Ok(())
}

/// `autos serve`: the HTTP server plus the background seal, until Ctrl-C or SIGTERM.
///
/// # Errors
/// `Store` when the database cannot be opened, `Io` when the address cannot be bound.
pub async fn serve(url: &str, listen: SocketAddr) -> Result<(), ApiError> {
    let store = open_store(url).await?;
    tokio::spawn(seal_forever(store.clone()));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(%listen, backend = store.backend_name(), "Autos no ar: http://{listen}/");
    axum::serve(listener, router(AppState { store }))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Seals new events in global order, woken by commits and at least every [`SEAL_INTERVAL`].
async fn seal_forever(store: Arc<dyn EventStore>) {
    let mut commits = store.commits();
    loop {
        match integrity::seal(store.as_ref(), SEAL_BATCH).await {
            Ok(Some(cp)) => {
                tracing::debug!(position = cp.position, events = cp.event_count, "sealed");
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "seal failed; will retry"),
        }
        let _ = tokio::time::timeout(SEAL_INTERVAL, commits.changed()).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("encerrando");
}

fn spinner(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {pos} eventos ({per_sec}) [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What `autos verify` should check.
pub enum VerifyMode {
    /// Seal what is unsealed, then recompute every chain and checkpoint.
    Full,
    /// Like `Full`, then print the latest checkpoint for an auditor to keep.
    ExportCheckpoint,
    /// Prove the log still extends a checkpoint exported earlier.
    Against(String),
}

/// `autos verify`: recomputes every hash chain and checkpoint and reports the first mismatch
/// exactly; exits non-zero when anything was altered.
///
/// # Errors
/// `IntegrityFailed` when tampering was found, `Store` on database faults.
pub async fn verify(url: &str, mode: VerifyMode) -> Result<(), ApiError> {
    let store = open_store(url).await?;
    if let VerifyMode::Against(exported) = &mode {
        return match integrity::verify_against(store.as_ref(), exported).await? {
            None => {
                println!("O registro ainda contém, inalterado, tudo o que o checkpoint atestou.");
                Ok(())
            }
            Some(problem) => {
                println!("DIVERGÊNCIA: {problem}");
                Err(ApiError::IntegrityFailed(1))
            }
        };
    }
    integrity::seal_all(store.as_ref()).await?;
    let bar = spinner("verificando");
    let report = integrity::verify(store.as_ref(), &|n| bar.set_position(n as u64)).await?;
    bar.finish_and_clear();
    print_report(&report);
    if !report.ok() {
        return Err(ApiError::IntegrityFailed(report.problems.len()));
    }
    if let (VerifyMode::ExportCheckpoint, Some(cp)) = (&mode, &report.latest_checkpoint) {
        println!("{}", integrity::export_checkpoint(cp));
    }
    Ok(())
}

fn print_report(report: &VerifyReport) {
    println!(
        "{} eventos em {} fluxos e {} checkpoints verificados.",
        report.events_checked, report.streams_checked, report.checkpoints_checked
    );
    if report.ok() {
        println!("Nenhuma alteração encontrada.");
    }
    for problem in &report.problems {
        println!("PROBLEMA: {problem}");
    }
}

/// `autos lgpd forget`: destroys a data subject's key so their personal data becomes
/// unreadable everywhere, and records the erasure as an event. No master key is needed: the
/// wrapped key is deleted, not unwrapped.
///
/// # Errors
/// `Store` on database faults.
pub async fn lgpd_forget(url: &str, subject: Uuid, officer: Uuid) -> Result<(), ApiError> {
    let store = open_store(url).await?;
    let provenance = Provenance {
        actor_id: officer,
        actor_role: "admin".into(),
        correlation_id: Some(Uuid::now_v7()),
        causation_id: None,
        command: Some(serde_json::json!({ "act": "lgpd_forget", "subject_id": subject })),
    };
    let today = chrono::Local::now().date_naive();
    personal::forget(store.as_ref(), subject, provenance, "Lei 13.709/2018 art. 18, VI", today).await?;
    println!("Chave do titular {subject} destruída; seus dados pessoais ficam ilegíveis em todo o sistema.");
    Ok(())
}
