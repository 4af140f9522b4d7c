//! The `autos import …` commands: each opens the store, records its acts under the officer
//! named (or the first active admin), shows a progress bar with rows per second, prints what
//! it imported, changed, left unchanged and rejected (with line and reason) and the warnings,
//! and exits with status 3 when any row was rejected.

use std::path::Path;
use std::sync::Arc;

use autos_app::service::{Request, Service};
use autos_domain::RuleBook;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use crate::import::ImportReport;
use crate::ops::{acting_officer, open_store};
use crate::CliError;

/// Reads the file an import names.
///
/// # Errors
/// `Config` when it cannot be read.
fn read(file: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(file).map_err(|e| CliError::Config(format!("não foi possível ler {}: {e}", file.display())))
}

/// The service and the request an import acts with, on `occurred_on` unless a row says otherwise.
async fn desk(url: &str, officer: Option<Uuid>, rules: RuleBook) -> Result<(Service, Request), CliError> {
    let store = open_store(url).await?;
    let officer = acting_officer(store.as_ref(), officer).await?;
    let service = Service::new(store, Arc::new(rules));
    let request = Request {
        actor: autos_domain::Actor::new(officer.officer_id.to_string(), officer.role),
        actor_id: officer.officer_id,
        occurred_on: chrono::Local::now().date_naive(),
        correlation_id: Some(Uuid::now_v7()),
    };
    Ok((service, request))
}

/// A progress bar of rows with their rate.
fn rows_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("importando [{bar:40}] {pos}/{len} linhas ({per_sec}, restam {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Prints the summary; `Rejected` when rows were rejected (exit status 3).
///
/// # Errors
/// `Rejected` with the number of rejected rows.
fn summarise(report: &ImportReport, started: std::time::Instant) -> Result<(), CliError> {
    let seconds = started.elapsed().as_secs_f64();
    let rows = report.imported + report.changed + report.unchanged + report.rejected.len();
    println!("Arquivo: {}, codificação {}.", report.layout, report.encoding);
    if let Some(date) = report.referencia {
        println!("Data de referência: {}.", date.format("%d/%m/%Y"));
    }
    println!(
        "Importadas: {}   alteradas: {}   sem mudança: {}   rejeitadas: {}   ({rows} linhas em {seconds:.1} s, {:.0} linhas/s)",
        report.imported,
        report.changed,
        report.unchanged,
        report.rejected.len(),
        rows as f64 / seconds.max(1e-9)
    );
    for (line, reason) in &report.rejected {
        println!("  linha {line}: {reason}");
    }
    if !report.warnings.is_empty() {
        println!("Avisos: {}", report.warnings.len());
        for (line, warning) in &report.warnings {
            println!("  linha {line}: {warning}");
        }
    }
    if report.rejected.is_empty() {
        Ok(())
    } else {
        Err(CliError::Rejected(report.rejected.len()))
    }
}

/// What an `autos import` reads.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// An operator register of any layout, with the snapshot's reference date
    /// (`--data-referencia`) when given.
    Operators { referencia: Option<NaiveDate> },
    /// ANS's open data of NIP consumer demands.
    Nip,
    /// Monthly beneficiary counts per operator.
    Beneficiaries,
    /// ANS's published IGR tables (either layout).
    Igr,
}

/// `autos import operators|nip|beneficiarios|igr FILE`: the file's rows as acts of the officer
/// named (or the first active admin), with a progress bar and the summary.
///
/// # Errors
/// `Config` for an unreadable file or layout (nothing stored), `Rejected` when rows were rejected.
pub async fn import(
    url: &str,
    file: &Path,
    source: Source,
    officer: Option<Uuid>,
    rules: RuleBook,
) -> Result<(), CliError> {
    let bytes = read(file)?;
    let (service, request) = desk(url, officer, rules).await?;
    let bar = rows_bar();
    let started = std::time::Instant::now();
    let progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let report = match source {
        Source::Operators { referencia } => {
            crate::import::import_operators(&service, &bytes, &request, referencia, &progress).await?
        }
        Source::Nip => crate::import::nip::import_nip(&service, &bytes, &request, &progress).await?,
        Source::Beneficiaries => {
            crate::import::beneficiaries::import_beneficiaries(&service, &bytes, &request, &progress).await?
        }
        Source::Igr => crate::import::igr::import_igr(&service, &bytes, &request, &progress).await?,
    };
    bar.finish_and_clear();
    summarise(&report, started)
}
