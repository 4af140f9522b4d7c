//! The operational commands of the `autos` binary: `migrate`, `serve`, `verify`, `rules` and
//! `lgpd forget`, and the rule book in force (built in, plus a confirmations file). Each opens the store itself and reports progress on long work.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use autos_domain::rules::Confirmation;
use autos_domain::RuleBook;
use autos_store::integrity::{self, VerifyReport};
use autos_store::personal;
use autos_store::tree_heads;
use autos_store::{EventStore, Provenance};
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use autos_projections::runner::{self, StatusBoard};
use autos_projections::Projection;

use autos_api::{router, AppState};
use autos_app::officers;
use autos_app::AppError;

use crate::CliError;

/// How many events one seal pass chains at most before yielding.
const SEAL_BATCH: i64 = 10_000;
/// How often the background seal looks for new events when no commit woke it.
const SEAL_INTERVAL: Duration = Duration::from_secs(5);

/// The rule book in force: `base` with the values a domain owner confirmed in `file` (a JSON
/// list of `{"a_partir_de": VERSION, "valores": {FIELD: VALUE}}`, the form `autos rules` prints).
///
/// # Errors
/// `Config` for an unreadable file; `Domain` for an unknown version or field, or a bad value.
pub fn rule_book(base: RuleBook, file: Option<&std::path::Path>) -> Result<RuleBook, CliError> {
    let Some(file) = file else { return Ok(base) };
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Config(format!("não foi possível ler as regras em {}: {e}", file.display())))?;
    let confirmations: Vec<Confirmation> = serde_json::from_str(&text)
        .map_err(|e| CliError::Config(format!("arquivo de regras {} inválido: {e}", file.display())))?;
    let mut book = base;
    book.confirm(&confirmations)?;
    Ok(book)
}

/// `autos rules`: prints the rule book in force as JSON, every `[UNCONF]` value marked
/// `{"status": "unconfirmed"}`, so a domain owner can see what still awaits confirmation.
///
/// # Errors
/// As [`rule_book`].
pub fn print_rules(rules: &RuleBook) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(rules).map_err(|e| CliError::Config(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Where the master key lives when `AUTOS_MASTER_KEY` does not give it.
const MASTER_KEY_FILE: &str = "./autos.master.key";

/// The key that wraps every data subject's key: `AUTOS_MASTER_KEY` (base64 of 32 bytes), or the
/// file `./autos.master.key`, created with a fresh key (mode 0600) on first start.
///
/// # Errors
/// `Store` (`Crypto`) when the key is malformed or the file cannot be read or written.
pub fn master_key() -> Result<personal::MasterKey, CliError> {
    Ok(match std::env::var("AUTOS_MASTER_KEY") {
        Ok(text) => personal::MasterKey::from_base64(&text)?,
        Err(_) => personal::MasterKey::load_or_create(std::path::Path::new(MASTER_KEY_FILE))?,
    })
}

/// Opens the store at `url` (applying pending migrations).
///
/// # Errors
/// `Store` when the database is unreachable or the schema cannot be migrated.
pub async fn open_store(url: &str) -> Result<Arc<dyn EventStore>, CliError> {
    Ok(autos_store::open(url, 10).await?)
}

/// `autos migrate`: brings the schema up to date and says which backend it used.
///
/// # Errors
/// As [`open_store`].
pub async fn migrate(url: &str) -> Result<(), CliError> {
    let store = open_store(url).await?;
    println!("Esquema atualizado ({}).", store.backend_name());
    Ok(())
}

/// `autos serve`: the HTTP server, the projections and the background seal, until Ctrl-C or
/// SIGTERM; with `demo`, an empty database first gets the demonstration history.
///
/// # Errors
/// `Store` when the database cannot be opened, `Io` when the address cannot be bound.
pub async fn serve(
    url: &str,
    listen: SocketAddr,
    demo: Option<crate::demo::Options>,
    rules: RuleBook,
    limits: autos_api::serve::Limits,
    secure_cookie: bool,
) -> Result<(), CliError> {
    let store = open_store(url).await?;
    if let Some(options) = demo {
        if store.read_all(0, 1).await?.is_empty() {
            load_demo(store.clone(), &options).await?;
        }
    }
    tokio::spawn(seal_forever(store.clone(), crate::trust::signing_key()?));
    let board = StatusBoard::default();
    let mut runners = Vec::new();
    for projection in autos_projections::all() {
        // Leftovers of a rebuild interrupted before its housekeeping, or killed under way.
        runner::clear_leftovers(store.as_ref(), projection.as_ref()).await?;
        runners.push(tokio::spawn(runner::run_projection(store.clone(), projection, board.clone())));
    }
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().ok();
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(%listen, backend = store.backend_name(), instance = %board.instance(), "Autos no ar: http://{listen}/");
    let state = AppState::new(store.clone(), board.clone(), metrics, Arc::new(rules), master_key()?)
        .checking_heads(crate::trust::files()?)
        .with_secure_cookie(secure_cookie);
    autos_api::serve::serve(listener, router(state), limits, shutdown_signal()).await?;
    runner::step_down(store.as_ref(), &board, runners).await;
    Ok(())
}

/// Checks the log against every signed head, then seals new events in global order and signs
/// the head of each new checkpoint, woken by commits and at least every [`SEAL_INTERVAL`]. A
/// log that no longer matches its heads is neither sealed nor signed: `autos verify` says why.
async fn seal_forever(store: Arc<dyn EventStore>, key: autos_store::tree_heads::SigningKey) {
    let (witness, files) = match (crate::trust::witness(), crate::trust::files()) {
        (Ok(witness), Ok(files)) => (witness, files),
        (Err(e), _) | (_, Err(e)) => {
            tracing::error!(error = %e, "the witnesses are misconfigured; not sealing");
            return;
        }
    };
    let leaves = loop {
        match files.check(store.as_ref()).await {
            Ok(check) if check.problems.is_empty() => {
                if let Err(e) = crate::trust::witness_unwitnessed(&check).await {
                    tracing::warn!(error = %e, "the witness lacks heads and cannot be written");
                }
                break check.leaves;
            }
            Ok(check) => {
                let problems = check.problems.len();
                tracing::error!(problems, "the log does not match its signed heads; not sealing (run `autos verify`)");
                return;
            }
            Err(e) => tracing::warn!(error = %e, "signed heads not checked yet; will retry before sealing"),
        }
        tokio::time::sleep(SEAL_INTERVAL).await;
    };
    let mut notary = tree_heads::Notary::new(key, witness, leaves);
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
        match notary.sign_latest(store.as_ref()).await {
            Ok(Some(head)) => tracing::debug!(tree_size = head.tree_size, position = head.position, "head signed"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "tree head not signed; will retry"),
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

fn spinner(message: impl Into<std::borrow::Cow<'static, str>>) -> ProgressBar {
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
    /// Prove the log still extends a checkpoint exported earlier, or a signed head kept earlier
    /// (its JSON, or a file holding it).
    Against(String),
    /// Verify only what came after a checkpoint exported earlier, seal what is new and print the
    /// latest checkpoint.
    Since(String),
}

/// `autos verify`: reads the log once, recomputing every hash chain and checkpoint and checking
/// every signed head (database and witness) on the way; only when nothing was found does it seal
/// what is new and sign the head of what it sealed. Reports the first mismatch exactly and exits
/// non-zero when anything was altered.
///
/// # Errors
/// `IntegrityFailed` when tampering was found, `Store` on database faults.
pub async fn verify(url: &str, mode: VerifyMode) -> Result<(), CliError> {
    let store = open_store(url).await?;
    if let VerifyMode::Since(exported) = &mode {
        return verify_since(store.as_ref(), exported).await;
    }
    if let VerifyMode::Against(exported) = &mode {
        if let Some(head) = crate::trust::kept_head(exported)? {
            return crate::trust::verify_against_head(store.as_ref(), &head).await;
        }
        return match integrity::verify_against(store.as_ref(), exported).await? {
            None => {
                println!("O registro ainda contém, inalterado, tudo o que o checkpoint atestou.");
                Ok(())
            }
            Some(problem) => {
                println!("DIVERGÊNCIA: {problem}");
                Err(CliError::IntegrityFailed(1))
            }
        };
    }
    let key = crate::trust::existing_signing_key()?;
    let bar = spinner("verificando");
    let files = crate::trust::files()?;
    let full = integrity::verify_and_seal(store.as_ref(), Some(&files), &|n| bar.set_position(n as u64)).await?;
    bar.finish_and_clear();
    let heads = full.heads.unwrap_or_default();
    println!("{} cabeçalhos assinados verificados (banco e testemunha).", heads.heads_checked);
    let report = full.report;
    print_report(&report);
    if !report.ok() {
        println!("Nada foi selado: o registro não confere com o que foi selado ou assinado.");
        return Err(CliError::IntegrityFailed(report.problems.len()));
    }
    crate::trust::witness_unwitnessed(&heads).await?;
    match key {
        Some(key) => {
            let mut notary = tree_heads::Notary::new(key, crate::trust::witness()?, heads.leaves);
            crate::trust::sign_latest(&mut notary, store.as_ref()).await?;
        }
        None => println!(
            "Sem chave de assinatura aqui (AUTOS_SIGNING_KEY ou ./autos.signing.key): nenhum cabeçalho novo assinado."
        ),
    }
    if let (VerifyMode::ExportCheckpoint, Some(cp)) = (&mode, &report.latest_checkpoint) {
        println!("{}", integrity::export_checkpoint(cp));
    }
    Ok(())
}

/// `autos verify --since`: the checkpoint an auditor kept must still be recorded as kept; then
/// what came after it is verified, what is new sealed only when nothing was found (and verified
/// in turn), and the latest checkpoint printed for the next run.
async fn verify_since(store: &dyn EventStore, exported: &str) -> Result<(), CliError> {
    let base = match integrity::recorded_checkpoint(store, exported).await? {
        Ok(base) => base,
        Err(problem) => {
            println!("DIVERGÊNCIA: {problem}");
            return Err(CliError::IntegrityFailed(1));
        }
    };
    let mut report = integrity::verify_since(store, &base).await?;
    if report.ok() && integrity::seal_all(store).await?.is_some() {
        let sealed_now = integrity::verify_since(store, &report.latest_checkpoint).await?;
        report = report.followed_by(sealed_now);
    }
    println!(
        "{} eventos novos em {} fluxos e {} checkpoints verificados desde o checkpoint {} (posição {}).",
        report.events_checked, report.streams_checked, report.checkpoints_checked, base.seq, base.position
    );
    if !report.ok() {
        crate::trust::print_problems(&report.problems);
        println!("Nada foi selado: o registro não confere com o checkpoint guardado.");
        return Err(CliError::IntegrityFailed(report.problems.len()));
    }
    println!("Nenhuma alteração encontrada.");
    println!("{}", integrity::export_checkpoint(&report.latest_checkpoint));
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
    crate::trust::print_problems(&report.problems);
}

/// `autos lgpd forget`: destroys a data subject's key so their personal data becomes
/// unreadable everywhere, and records the erasure as an event of the officer who carried it
/// out. No master key is needed: the wrapped key is deleted, not unwrapped.
///
/// # Errors
/// `Config` when `officer` is not an active admin (the role that answers a data subject's
/// requests), when the subject has no key (unknown, or sealed nothing) or was already
/// forgotten — then nothing is recorded; `Store` on database faults.
pub async fn lgpd_forget(url: &str, subject: Uuid, officer: Uuid) -> Result<(), CliError> {
    let store = open_store(url).await?;
    let officer = acting_admin(
        store.as_ref(),
        Some(officer),
        "eliminar dados pessoais: a eliminação a pedido do titular (Lei 13.709/2018 art. 18, VI)",
    )
    .await?;
    match store.subject_key(subject).await? {
        autos_store::SubjectKey::Live(_) => {}
        // A key destroyed with no erasure recorded is an erasure cut short: record it now.
        autos_store::SubjectKey::Destroyed
            if store.read_stream(&personal::erasure_stream(subject), 1).await?.is_empty() => {}
        autos_store::SubjectKey::Destroyed => {
            return Err(CliError::Config(format!("os dados pessoais do titular {subject} já foram eliminados")))
        }
        autos_store::SubjectKey::Absent => {
            return Err(CliError::Config(format!("nenhum dado pessoal selado do titular {subject}")))
        }
    }
    let provenance = provenance_of(&officer, serde_json::json!({ "act": "lgpd_forget", "subject_id": subject }));
    let today = chrono::Local::now().date_naive();
    personal::forget(store.as_ref(), subject, provenance, "Lei 13.709/2018 art. 18, VI", today).await?;
    println!(
        "Chave do titular {subject} destruída por {}; seus dados pessoais ficam ilegíveis em todo o sistema.",
        officer.name
    );
    Ok(())
}

fn progress_bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} eventos ({per_sec}, restam {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

fn chosen(name: Option<&str>) -> Result<Vec<std::sync::Arc<dyn Projection>>, CliError> {
    let all = autos_projections::all();
    match name {
        None => Ok(all),
        Some(n) => {
            let found: Vec<_> = all.into_iter().filter(|p| p.name() == n).collect();
            if found.is_empty() {
                return Err(CliError::Config(format!("projeção desconhecida: {n}")));
            }
            Ok(found)
        }
    }
}

/// `autos project rebuild [NAME]`: replays the log into fresh tables and swaps them in while
/// the old ones keep serving.
///
/// # Errors
/// `Projection` when an event cannot be applied (the live tables stay), `Store` on faults.
pub async fn rebuild(url: &str, name: Option<&str>) -> Result<(), CliError> {
    let store = open_store(url).await?;
    let head = store.head_position().await?;
    for projection in chosen(name)? {
        let abandoned = runner::clear_leftovers(store.as_ref(), projection.as_ref()).await?;
        if abandoned > 0 {
            println!(
                "{}: removidas as gerações abandonadas por reconstruções ou verificações interrompidas ({abandoned})",
                projection.name()
            );
        }
        let bar = progress_bar(head as u64, projection.name());
        let started = std::time::Instant::now();
        let position = runner::rebuild(store.as_ref(), projection.as_ref(), &|p| bar.set_position(p as u64)).await?;
        bar.finish_and_clear();
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{}: reconstruída até a posição {position} em {seconds:.1} s ({:.0} eventos/s), já em uso",
            projection.name(),
            position as f64 / seconds.max(1e-9)
        );
        let clearing = std::time::Instant::now();
        runner::clear_leftovers(store.as_ref(), projection.as_ref()).await?;
        println!("{}: geração anterior removida em {:.1} s", projection.name(), clearing.elapsed().as_secs_f64());
    }
    Ok(())
}

/// `autos replay --check`: rebuilds every read model into scratch tables and compares them
/// with the live ones; non-zero exit on any difference. A database never served has nothing
/// to compare yet, which is said and is not a failure.
///
/// # Errors
/// `IntegrityFailed` when a read model differs, `Projection`/`Store` on faults.
pub async fn replay_check(url: &str) -> Result<(), CliError> {
    let store = open_store(url).await?;
    let mut differing = 0;
    for projection in autos_projections::all() {
        let check = runner::replay_check(store.as_ref(), projection.as_ref()).await?;
        if check.nothing_to_compare {
            println!(
                "{}: nada a comparar ainda — a projeção nunca foi servida neste banco (inicie `autos serve` ou rode `autos project rebuild`)",
                check.projection
            );
        } else if check.equal() {
            println!(
                "{}: idêntica à reconstrução (posição {}, {} tabelas)",
                check.projection,
                check.position,
                check.live.len()
            );
        } else {
            differing += 1;
            println!("{}: DIFERENTE da reconstrução na posição {}", check.projection, check.position);
            for (model, digest) in &check.live {
                let rebuilt = check.rebuilt.get(model);
                if rebuilt != Some(digest) {
                    println!(
                        "  tabela {model}: viva {} linhas {}, reconstruída {:?}",
                        digest.rows, digest.sha256, rebuilt
                    );
                }
            }
            if let Some(d) = &check.first_difference {
                println!(
                    "  primeira linha diferente: {}/{}\n    viva:        {:?}\n    reconstruída: {:?}",
                    d.model, d.key, d.live, d.rebuilt
                );
            }
        }
    }
    if differing > 0 {
        return Err(CliError::IntegrityFailed(differing));
    }
    Ok(())
}

/// `autos officer add`: registers an officer and prints the token once.
///
/// # Errors
/// `Config` for a bad name, `Store` on faults.
pub async fn officer_add(url: &str, name: &str, role: autos_domain::Role) -> Result<(), CliError> {
    let store = open_store(url).await?;
    let (officer, token) = officers::add(&store.database(), name, role).await?;
    println!("Servidor {} ({}) cadastrado com id {}.", officer.name, officer.role.label(), officer.officer_id);
    println!("Token (mostrado só agora; guarde-o):\n{token}");
    Ok(())
}

/// `autos officer revoke`: revokes an officer's token.
///
/// # Errors
/// `NotFound` when no active officer has that id.
pub async fn officer_revoke(url: &str, officer_id: uuid::Uuid) -> Result<(), CliError> {
    let store = open_store(url).await?;
    if officers::revoke(&store.database(), officer_id).await? {
        println!("Token do servidor {officer_id} revogado.");
        Ok(())
    } else {
        Err(CliError::App(AppError::NotFound(format!("servidor ativo {officer_id}"))))
    }
}

/// `autos officer list`.
///
/// # Errors
/// `Store` on faults.
pub async fn officer_list(url: &str) -> Result<(), CliError> {
    let store = open_store(url).await?;
    for o in officers::list(&store.database()).await? {
        println!("{}  {:<12} {}{}", o.officer_id, o.role.as_str(), o.name, if o.revoked { "  (revogado)" } else { "" });
    }
    Ok(())
}

/// `autos replay --decisions`: decides every recorded command again with today's rules and
/// lists each decision that would now differ.
///
/// # Errors
/// `Projection` when an event cannot be folded, `Store` on faults.
pub async fn replay_decisions(url: &str, rules: &RuleBook) -> Result<(), CliError> {
    let store = open_store(url).await?;
    let head = store.head_position().await?;
    let bar = progress_bar(head as u64, "decisões");
    let report =
        autos_projections::decisions::replay_decisions(store.as_ref(), rules, &|p| bar.set_position(p as u64)).await?;
    bar.finish_and_clear();
    println!(
        "{} decisões refeitas com as regras atuais ({} lotes sem comando registrado); {} seriam diferentes hoje.",
        report.decisions_checked,
        report.without_command,
        report.changed.len()
    );
    for c in &report.changed {
        let now = match &c.now {
            Ok(events) if c.same_acts_other_content => {
                format!("mesmos atos, conteúdo diferente (valores ou prazos): {events:?}")
            }
            Ok(events) => format!("outros eventos: {events:?}"),
            Err(refusal) => format!("recusado: {refusal}"),
        };
        println!(
            "- posição {} ({}, {} por {}), regras {}: registrado {:?}; hoje {now}",
            c.position,
            c.occurred_on,
            c.act,
            c.actor_role,
            c.rule_version.as_deref().unwrap_or("?"),
            c.recorded
        );
    }
    Ok(())
}

/// The officer a command-line act is recorded under: the one named, or the first active admin.
///
/// # Errors
/// `Config` when there is no such officer.
pub async fn acting_officer(store: &dyn EventStore, officer: Option<Uuid>) -> Result<officers::Officer, CliError> {
    let all = officers::list(&store.database()).await?;
    let found = match officer {
        Some(id) => all.into_iter().find(|o| o.officer_id == id && !o.revoked),
        None => all.into_iter().find(|o| o.role == autos_domain::Role::Administrador && !o.revoked),
    };
    found.ok_or_else(|| {
        CliError::Config(
            "nenhum servidor ativo para registrar o ato: cadastre um com `autos officer add --role admin`".into(),
        )
    })
}

/// The active admin a command-line act that only an admin may perform is recorded under (the
/// one named, or the first); `what` says, in pt-BR, what the act does, for the refusal.
///
/// # Errors
/// `Config` when there is no such officer or the officer named is not an admin.
pub async fn acting_admin(
    store: &dyn EventStore,
    officer: Option<Uuid>,
    what: &str,
) -> Result<officers::Officer, CliError> {
    let officer = acting_officer(store, officer).await?;
    if officer.role != autos_domain::Role::Administrador {
        return Err(CliError::Config(format!(
            "{} ({}) não pode {what}: cabe ao papel {}",
            officer.name,
            officer.role.label(),
            autos_domain::Role::Administrador.label()
        )));
    }
    Ok(officer)
}

/// The provenance of a command-line act of `officer`, recording `command` as given.
pub fn provenance_of(officer: &officers::Officer, command: serde_json::Value) -> Provenance {
    Provenance {
        actor_id: officer.officer_id,
        actor_role: officer.role.as_str().to_owned(),
        correlation_id: Some(Uuid::now_v7()),
        causation_id: None,
        command: Some(command),
    }
}

/// `autos demo`: the demonstration history on an empty database.
///
/// # Errors
/// `Config` when the database is not empty; `Store`/`Domain` on faults.
pub async fn demo(url: &str, options: &crate::demo::Options) -> Result<(), CliError> {
    load_demo(open_store(url).await?, options).await
}

/// Shows the demo officers' tokens as soon as the officers exist, before the long load: a load
/// killed half-way leaves no officer whose token was never shown.
async fn load_demo(store: Arc<dyn EventStore>, options: &crate::demo::Options) -> Result<(), CliError> {
    let created = crate::demo::register_officers(store.as_ref(), options).await?;
    println!("Tokens para entrar nas páginas (mostrados só agora):");
    for (officer, token) in &created {
        println!("  {:<14} {token}", officer.role.as_str());
    }
    let acting: Vec<_> = created.into_iter().map(|(officer, _)| officer).collect();
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} atos (restam {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let rate = |events: usize| events as f64 / started.elapsed().as_secs_f64().max(1e-9);
    let show = |p: &crate::demo::Progress<'_>| {
        bar.set_length(p.planned.max(p.acts) as u64);
        bar.set_position(p.acts as u64);
        bar.set_message(format!("{}: {} eventos ({:.0} eventos/s)", p.step, p.events, rate(p.events)));
    };
    let report = match options.decade {
        None => crate::demo::load(store, &acting, options, &show).await?,
        Some(size) => {
            let vault = autos_store::personal::PersonalVault::new(store.clone(), master_key()?);
            crate::demo::load_decade(store, &acting, options, size, &vault, &show).await?
        }
    };
    bar.finish_and_clear();
    println!(
        "Demonstração carregada em {:.1} s: {} operadoras {}, {} atos registrados, {} eventos ({:.0} eventos/s){}.",
        started.elapsed().as_secs_f64(),
        report.operators.imported,
        if options.decade.is_some() { "da década 2016–2025" } else { "do relatório de 2000–2003" },
        report.commands,
        report.events,
        rate(report.events),
        if options.scale > 1 { format!(", escala {}", options.scale) } else { String::new() }
    );
    Ok(())
}
