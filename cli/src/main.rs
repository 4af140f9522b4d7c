//! The `autos` command line: parses flags and environment, sets up logging and hands each
//! command to its module in the `autos_cli` library.

use std::net::SocketAddr;
use std::process::ExitCode;

use autos_cli::{backup, bench, ops, CliError};
use autos_domain::{Role, RuleBook};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

/// Read-model rebuilds and JSON handling allocate heavily; mimalloc halves that cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Autos — os autos eletrônicos da fiscalização de operadoras de planos de saúde (ANS).
#[derive(Parser)]
#[command(name = "autos", version)]
struct Cli {
    /// Event store: a SQLite file path (default) or a postgres:// URL.
    #[arg(long, env = "DATABASE_URL", default_value = "./autos.db", global = true)]
    database_url: String,
    /// Rule values confirmed by the domain owners (JSON; see `autos rules`), over the built-in
    /// rule book.
    #[arg(long, env = "AUTOS_RULES", global = true)]
    rules: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending schema migrations and exit.
    Migrate,
    /// Run the HTTP server (migrating on start).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "AUTOS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// On an empty database, load the demonstration history first (see `autos demo`).
        #[arg(long)]
        demo: bool,
        /// With --demo: the seed of the demonstration history.
        #[arg(long, default_value_t = 2003, requires = "demo")]
        seed: u64,
        /// With --demo: multiplies the sanctioning processes and demandas (see `autos demo`).
        #[arg(long, default_value_t = 1, requires = "demo", value_parser = clap::value_parser!(u32).range(1..))]
        scale: u32,
        /// Connections open at once; one more is closed as soon as it is accepted.
        #[arg(long, env = "AUTOS_MAX_CONNECTIONS", default_value_t = 1_024, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Seconds a client may take to send a request's headers (an idle kept-alive connection
        /// is closed after them).
        #[arg(long, env = "AUTOS_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Mark the session cookie `Secure` (HTTPS only): `true` or `false`; by default true
        /// unless the server listens on loopback.
        #[arg(long, env = "AUTOS_SECURE_COOKIE")]
        secure_cookie: Option<bool>,
    },
    /// Load the 512 operators of ANS's 2000–2003 report and the report's history (interventions,
    /// portfolio transfers, sanctioning processes, Disque ANS demandas) into an empty database,
    /// and print a token per role to sign in with.
    Demo {
        /// The history is deterministic for a given seed.
        #[arg(long, default_value_t = 2003)]
        seed: u64,
        /// Multiplies the sanctioning processes and demandas, for load and benchmark work; the
        /// dashboards equal the report's tables only at scale 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        scale: u32,
    },
    /// Check every signed tree head (database and witness), then recompute every hash chain and
    /// checkpoint; non-zero exit when anything was altered.
    Verify {
        /// Also print the latest checkpoint, for an auditor to keep.
        #[arg(long)]
        checkpoint: bool,
        /// Prove the log still extends a checkpoint exported earlier, or a signed tree head kept
        /// earlier (a file holding its JSON, e.g. a line of the witness).
        #[arg(long, value_name = "CHECKPOINT", conflicts_with = "checkpoint")]
        against: Option<String>,
    },
    /// Signing keys of the tree heads (kept beside the master key, never in the database).
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// A witness of another installation's signed tree heads, for a machine of its own.
    Witness {
        #[command(subcommand)]
        action: WitnessAction,
    },
    /// Proofs for outsiders, checked without the database.
    Proof {
        #[command(subcommand)]
        action: ProofAction,
    },
    /// Copia o banco para TARGET enquanto o servidor segue gravando (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump -Fc) e grava em TARGET.checkpoint o checkpoint que a cópia contém.
    Backup {
        /// Arquivo do backup; não pode existir.
        target: std::path::PathBuf,
    },
    /// Restaura um backup de `autos backup` no banco vazio de --database-url (PostgreSQL:
    /// pg_restore, nova época do registro, migrações) e o verifica contra o checkpoint.
    Restore {
        /// Arquivo feito por `autos backup`.
        source: std::path::PathBuf,
        /// O checkpoint guardado (autos-checkpoint:v1:…); sem ele, o de SOURCE.checkpoint.
        #[arg(long, value_name = "CHECKPOINT")]
        against: Option<String>,
    },
    /// Personal data (LGPD) administration.
    Lgpd {
        #[command(subcommand)]
        action: LgpdAction,
    },
    /// Officers and their tokens.
    Officer {
        #[command(subcommand)]
        action: OfficerAction,
    },
    /// Import data into the log through the application service.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Read-model maintenance.
    Project {
        #[command(subcommand)]
        action: ProjectAction,
    },
    /// Audit replays: of the read models (`--check`) or of every recorded decision (`--decisions`).
    Replay {
        /// Rebuild every read model into scratch tables and compare them with the live ones.
        #[arg(long, required_unless_present = "decisions")]
        check: bool,
        /// Decide every recorded command again with today's rules and report what would differ.
        #[arg(long)]
        decisions: bool,
    },
    /// Print the rule book in force (built in, plus `--rules`) as JSON: every version, its norms,
    /// and the values still awaiting confirmation.
    Rules,
    /// Event-store benchmarks (see ops/bench.sh).
    Bench(bench::BenchArgs),
}

#[derive(Subcommand)]
enum KeysAction {
    /// Create the first signing key (./autos.signing.key) and add its public key to ./autos.signing.pub.
    Create,
    /// Check the log, record the rotation in it, then sign from now on with a new key; the old
    /// public key stays in the keyring.
    Rotate {
        /// The admin carrying out the rotation (default: the first active admin).
        #[arg(long)]
        officer: Option<Uuid>,
    },
}

#[derive(Subcommand)]
enum WitnessAction {
    /// Keep every head POSTed to /cabecalhos that the keyring verifies, and give them back on GET.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// Directory whose heads.jsonl keeps the heads.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// The installation's public keys (a copy of its autos.signing.pub).
        #[arg(long)]
        keyring: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ProofAction {
    /// Verify a receipt (GET /api/v1/audit/proof/{position}) or a consistency proof (GET
    /// /api/v1/audit/consistency?from=N) with the public keys only.
    Check {
        /// The public keys, one base64 key a line (./autos.signing.pub).
        #[arg(long)]
        public_key: std::path::PathBuf,
        /// The proof, as the API returned it (JSON).
        #[arg(long)]
        proof: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum OfficerAction {
    /// Register an officer; prints the bearer token once.
    Add {
        #[arg(long)]
        name: String,
        /// atendente, fiscal, diretoria, interventor, auditor or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Revoke an officer's token.
    Revoke { officer_id: Uuid },
    /// List officers.
    List,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Um cadastro de operadoras: a lista do relatório 2000–2003 ou o cadastro da ANS em
    /// qualquer layout publicado (2021–2022, 2025, atual) ou o cadastro de canceladas.
    Operators {
        file: std::path::PathBuf,
        /// The officer the acts are recorded under (default: the first active admin).
        #[arg(long)]
        officer: Option<Uuid>,
        /// Data de referência do cadastro (AAAA-MM-DD); sem ela, a que o arquivo informa ou hoje.
        #[arg(long)]
        data_referencia: Option<chrono::NaiveDate>,
    },
    /// As demandas NIP dos dados abertos da ANS (`;`): uma NIP por número de demanda.
    Nip {
        file: std::path::PathBuf,
        /// The officer the acts are recorded under (default: the first active admin).
        #[arg(long)]
        officer: Option<Uuid>,
    },
    /// Beneficiários por operadora e mês: registro, competência e quantidade.
    Beneficiarios {
        file: std::path::PathBuf,
        /// The officer the acts are recorded under (default: the first active admin).
        #[arg(long)]
        officer: Option<Uuid>,
    },
    /// O IGR publicado pela ANS (dados abertos atuais ou a tabela antiga com meses como Dez/19).
    Igr {
        file: std::path::PathBuf,
        /// The officer the acts are recorded under (default: the first active admin).
        #[arg(long)]
        officer: Option<Uuid>,
    },
}

#[derive(Subcommand)]
enum ProjectAction {
    /// Replay the log into fresh read-model tables and swap them in (all, or one by name).
    Rebuild { name: Option<String> },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::ALL.into_iter().find(|r| r.as_str() == text).ok_or_else(|| {
        format!("papel desconhecido {text:?}; use atendente, fiscal, diretoria, interventor, auditor ou admin")
    })
}

#[derive(Subcommand)]
enum LgpdAction {
    /// Destroy a data subject's key: their personal data becomes unreadable everywhere.
    Forget {
        /// The data subject's id.
        subject: Uuid,
        /// The officer carrying out the erasure.
        #[arg(long)]
        officer: Uuid,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("erro: não foi possível iniciar o runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ CliError::Rejected(n)) => {
            eprintln!("erro: {n} linha(s) rejeitada(s)");
            ExitCode::from(e.exit_code())
        }
        Err(e @ CliError::IntegrityFailed(n)) => {
            eprintln!("erro: a verificação encontrou {n} problema(s)");
            ExitCode::from(e.exit_code())
        }
        Err(e) => {
            eprintln!("erro: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let url = cli.database_url;
    let rules = |base: RuleBook| ops::rule_book(base, cli.rules.as_deref());
    match cli.command {
        Command::Migrate => ops::migrate(&url).await,
        Command::Serve { listen, demo, seed, scale, max_connections, header_timeout, secure_cookie } => {
            let base = if demo { autos_cli::demo::rule_book()? } else { RuleBook::builtin() };
            let demo = demo.then_some(autos_cli::demo::Options { seed, scale });
            let limits = autos_api::serve::Limits {
                header_read: std::time::Duration::from_secs(header_timeout),
                max_connections: max_connections as usize,
            };
            let secure_cookie = secure_cookie.unwrap_or_else(|| autos_api::state::secure_by_default(listen));
            ops::serve(&url, listen, demo, rules(base)?, limits, secure_cookie).await
        }
        Command::Rules => ops::print_rules(&rules(RuleBook::builtin())?),
        Command::Demo { seed, scale } => ops::demo(&url, &autos_cli::demo::Options { seed, scale }).await,
        Command::Verify { checkpoint, against } => {
            let mode = match (against, checkpoint) {
                (Some(exported), _) => ops::VerifyMode::Against(exported),
                (None, true) => ops::VerifyMode::ExportCheckpoint,
                (None, false) => ops::VerifyMode::Full,
            };
            ops::verify(&url, mode).await
        }
        Command::Keys { action: KeysAction::Create } => autos_cli::trust::keys_create(),
        Command::Keys { action: KeysAction::Rotate { officer } } => autos_cli::trust::keys_rotate(&url, officer).await,
        Command::Witness { action: WitnessAction::Serve { listen, dir, keyring } } => {
            autos_cli::witness_service::serve(listen, &dir, &keyring).await
        }
        Command::Proof { action: ProofAction::Check { public_key, proof } } => {
            autos_cli::trust::proof_check(&public_key, &proof)
        }
        Command::Backup { target } => backup::backup(&url, &target).await,
        Command::Restore { source, against } => backup::restore(&url, &source, against).await,
        Command::Lgpd { action: LgpdAction::Forget { subject, officer } } => {
            ops::lgpd_forget(&url, subject, officer).await
        }
        Command::Officer { action } => match action {
            OfficerAction::Add { name, role } => ops::officer_add(&url, &name, role).await,
            OfficerAction::Revoke { officer_id } => ops::officer_revoke(&url, officer_id).await,
            OfficerAction::List => ops::officer_list(&url).await,
        },
        Command::Import { what } => {
            use autos_cli::imports::{import, Source};
            let (file, officer, source) = match what {
                ImportWhat::Operators { file, officer, data_referencia } => {
                    (file, officer, Source::Operators { referencia: data_referencia })
                }
                ImportWhat::Nip { file, officer } => (file, officer, Source::Nip),
                ImportWhat::Beneficiarios { file, officer } => (file, officer, Source::Beneficiaries),
                ImportWhat::Igr { file, officer } => (file, officer, Source::Igr),
            };
            import(&url, &file, source, officer, rules(RuleBook::builtin())?).await
        }
        Command::Project { action: ProjectAction::Rebuild { name } } => ops::rebuild(&url, name.as_deref()).await,
        Command::Replay { check, decisions } => {
            if decisions {
                ops::replay_decisions(&url, &rules(RuleBook::builtin())?).await?;
            }
            if check {
                ops::replay_check(&url).await?;
            }
            Ok(())
        }
        Command::Bench(args) => bench::run(args, &url).await,
    }
}
