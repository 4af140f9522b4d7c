//! The `autos` command line: parses flags and environment, sets up logging and hands each
//! command to its module in the `autos_cli` library.

use std::net::SocketAddr;
use std::process::ExitCode;

use autos_cli::{backup, bench, ops, CliError};
use autos_domain::{Role, RuleBook};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

mod portuguese;

/// Read-model rebuilds and JSON handling allocate heavily; mimalloc halves that cost.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Autos — os autos eletrônicos da fiscalização de operadoras de planos de saúde (ANS).
#[derive(Parser)]
#[command(name = "autos", version)]
struct Cli {
    /// Registro de eventos: caminho de um arquivo SQLite (padrão) ou uma URL postgres://.
    #[arg(long, env = "DATABASE_URL", default_value = "./autos.db", global = true)]
    database_url: String,
    /// Valores normativos confirmados pelos responsáveis pelo domínio (JSON; veja `autos rules`),
    /// sobre o livro de regras embutido.
    #[arg(long, env = "AUTOS_RULES", global = true)]
    rules: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Aplica as migrações pendentes do esquema e sai.
    Migrate,
    /// Executa o servidor HTTP (migrando ao iniciar).
    Serve {
        /// Endereço em que escutar.
        #[arg(long, env = "AUTOS_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Num banco vazio, carrega antes o histórico de demonstração (veja `autos demo`).
        #[arg(long)]
        demo: bool,
        /// Com --demo: a semente do histórico de demonstração.
        #[arg(long, default_value_t = 2003, requires = "demo")]
        seed: u64,
        /// Com --demo: multiplica os processos sancionadores e as demandas (veja `autos demo`).
        #[arg(long, default_value_t = 1, requires = "demo", value_parser = clap::value_parser!(u32).range(1..))]
        scale: u32,
        /// Conexões abertas ao mesmo tempo; uma a mais é fechada assim que aceita.
        #[arg(long, env = "AUTOS_MAX_CONNECTIONS", default_value_t = 1_024, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Segundos que um cliente tem para enviar os cabeçalhos de uma requisição (uma conexão
        /// mantida aberta e ociosa é fechada depois deles).
        #[arg(long, env = "AUTOS_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Marca o cookie de sessão como `Secure` (só HTTPS): `true` ou `false`; por padrão true,
        /// a menos que o servidor escute no loopback.
        #[arg(long, env = "AUTOS_SECURE_COOKIE")]
        secure_cookie: Option<bool>,
    },
    /// Carrega num banco vazio as 512 operadoras do relatório da ANS de 2000–2003 e o histórico
    /// do relatório (intervenções, alienações de carteira, processos sancionadores, demandas do
    /// Disque ANS) e imprime um token por papel para entrar.
    Demo {
        /// O histórico é o mesmo para a mesma semente.
        #[arg(long, default_value_t = 2003)]
        seed: u64,
        /// Multiplica os processos sancionadores e as demandas, para testes de carga e medições; os
        /// painéis só reproduzem as tabelas do relatório na escala 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        scale: u32,
        /// Em vez do relatório de 2000–2003, uma década de volume nacional (2016–2025) para
        /// medições: mil operadoras, seus beneficiários mês a mês, centenas de milhares de NIPs por
        /// ano com todos os atos, os processos sancionadores das não resolvidas e direções fiscais.
        #[arg(long, conflicts_with = "scale")]
        decade: bool,
        /// Com --decade: quantos eventos, aproximadamente, a década terá.
        #[arg(long, default_value_t = 20_000_000, requires = "decade", value_parser = clap::value_parser!(u64).range(10_000..))]
        events: u64,
        /// Com --decade: quantas operadoras (cerca de mil estão ativas no país).
        #[arg(long, default_value_t = 1_000, requires = "decade", value_parser = clap::value_parser!(u32).range(1..=50_000))]
        operators: u32,
    },
    /// Confere cada cabeçalho assinado (do banco e das testemunhas) e recalcula cada cadeia de
    /// hashes e cada checkpoint; sai com código diferente de zero se algo foi alterado.
    Verify {
        /// Imprime também o último checkpoint, para o auditor guardar.
        #[arg(long)]
        checkpoint: bool,
        /// Prova que o registro ainda estende um checkpoint exportado antes, ou um cabeçalho assinado
        /// guardado antes (um arquivo com o seu JSON, por exemplo uma linha da testemunha).
        #[arg(long, value_name = "CHECKPOINT", conflicts_with = "checkpoint")]
        against: Option<String>,
        /// Verificação incremental: confere só o que veio depois de um checkpoint exportado por uma
        /// verificação anterior (cada evento novo, o seu elo no fluxo e os checkpoints novos), sela
        /// o que é novo e imprime o último checkpoint, para a próxima vez. Os cabeçalhos assinados
        /// e os eventos anteriores ficam para a verificação completa.
        #[arg(long, value_name = "CHECKPOINT", conflicts_with_all = ["checkpoint", "against"])]
        since: Option<String>,
    },
    /// Chaves que assinam os cabeçalhos (guardadas junto da chave mestra, nunca no banco).
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Testemunha dos cabeçalhos assinados de outra instalação, para uma máquina própria.
    Witness {
        #[command(subcommand)]
        action: WitnessAction,
    },
    /// Provas para terceiros, conferidas sem o banco.
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
    /// Administração de dados pessoais (LGPD).
    Lgpd {
        #[command(subcommand)]
        action: LgpdAction,
    },
    /// Servidores e seus tokens.
    Officer {
        #[command(subcommand)]
        action: OfficerAction,
    },
    /// Importa dados para o registro pelo serviço de aplicação.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Manutenção dos modelos de leitura.
    Project {
        #[command(subcommand)]
        action: ProjectAction,
    },
    /// Reexecuções de auditoria: dos modelos de leitura (`--check`) ou de cada decisão registrada (`--decisions`).
    Replay {
        /// Reconstrói cada modelo de leitura em tabelas de rascunho e as compara com as em uso.
        #[arg(long, required_unless_present = "decisions")]
        check: bool,
        /// Decide de novo cada comando registrado com as regras de hoje e relata o que mudaria.
        #[arg(long)]
        decisions: bool,
    },
    /// Imprime em JSON o livro de regras em vigor (o embutido, mais `--rules`): cada versão, suas
    /// normas e os valores que ainda aguardam confirmação.
    Rules,
    /// Medições do registro de eventos (veja ops/bench.sh).
    Bench(bench::BenchArgs),
}

#[derive(Subcommand)]
enum KeysAction {
    /// Cria a primeira chave de assinatura (./autos.signing.key) e acrescenta a chave pública a ./autos.signing.pub.
    Create,
    /// Confere o registro, registra nele a troca e passa a assinar com uma chave nova; a chave
    /// pública antiga continua no chaveiro.
    Rotate {
        /// O administrador que faz a troca (padrão: o primeiro administrador ativo).
        #[arg(long)]
        officer: Option<Uuid>,
    },
}

#[derive(Subcommand)]
enum WitnessAction {
    /// Guarda cada cabeçalho enviado por POST a /cabecalhos que o chaveiro confirma e os devolve no GET.
    Serve {
        /// Endereço em que escutar.
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// Diretório cujo heads.jsonl guarda os cabeçalhos.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// As chaves públicas da instalação (uma cópia do seu autos.signing.pub).
        #[arg(long)]
        keyring: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ProofAction {
    /// Confere um recibo (GET /api/v1/auditoria/prova/{position}) ou uma prova de consistência (GET
    /// /api/v1/auditoria/consistencia?from=N) só com as chaves públicas.
    Check {
        /// As chaves públicas, uma chave base64 por linha (./autos.signing.pub).
        #[arg(long)]
        public_key: std::path::PathBuf,
        /// A prova, como a API a devolveu (JSON).
        #[arg(long)]
        proof: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum OfficerAction {
    /// Cadastra um servidor; imprime o token uma única vez.
    Add {
        /// Nome do servidor.
        #[arg(long)]
        name: String,
        /// atendente, fiscal, diretoria, interventor, auditor ou administrador.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// Revoga o token de um servidor.
    Revoke { officer_id: Uuid },
    /// Lista os servidores.
    List,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Um cadastro de operadoras: a lista do relatório 2000–2003 ou o cadastro da ANS em
    /// qualquer layout publicado (2021–2022, 2025, atual) ou o cadastro de canceladas.
    Operators {
        file: std::path::PathBuf,
        /// O servidor em nome de quem os atos são registrados (padrão: o primeiro administrador ativo).
        #[arg(long)]
        officer: Option<Uuid>,
        /// Data de referência do cadastro (AAAA-MM-DD); sem ela, a que o arquivo informa ou hoje.
        #[arg(long)]
        data_referencia: Option<chrono::NaiveDate>,
    },
    /// As demandas NIP dos dados abertos da ANS (`;`): uma NIP por número de demanda.
    Nip {
        file: std::path::PathBuf,
        /// O servidor em nome de quem os atos são registrados (padrão: o primeiro administrador ativo).
        #[arg(long)]
        officer: Option<Uuid>,
    },
    /// Beneficiários por operadora e mês: registro, competência e quantidade.
    Beneficiarios {
        file: std::path::PathBuf,
        /// O servidor em nome de quem os atos são registrados (padrão: o primeiro administrador ativo).
        #[arg(long)]
        officer: Option<Uuid>,
    },
    /// O IGR publicado pela ANS (dados abertos atuais ou a tabela antiga com meses como Dez/19).
    Igr {
        file: std::path::PathBuf,
        /// O servidor em nome de quem os atos são registrados (padrão: o primeiro administrador ativo).
        #[arg(long)]
        officer: Option<Uuid>,
    },
}

#[derive(Subcommand)]
enum ProjectAction {
    /// Reproduz o registro em tabelas novas dos modelos de leitura e as põe em uso (todos, ou um pelo nome).
    Rebuild { name: Option<String> },
}

fn parse_role(text: &str) -> Result<Role, portuguese::InvalidValue> {
    let names: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
    Role::parse(text).ok_or_else(|| portuguese::InvalidValue(format!("os papéis são {}", names.join(", "))))
}

#[derive(Subcommand)]
enum LgpdAction {
    /// Destrói a chave de um titular: seus dados pessoais ficam ilegíveis em toda parte.
    Forget {
        /// O identificador do titular.
        subject: Uuid,
        /// O servidor que faz a eliminação.
        #[arg(long)]
        officer: Uuid,
    },
}

fn main() -> ExitCode {
    let cli = match portuguese::command(Cli::command()).try_get_matches().and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) if portuguese::is_answer(&e) => e.exit(),
        Err(e) => {
            eprintln!("{}", portuguese::parse_error(&e));
            return ExitCode::from(2);
        }
    };
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
            let demo = demo.then_some(autos_cli::demo::Options { seed, scale, decade: None });
            let limits = autos_api::serve::Limits {
                header_read: std::time::Duration::from_secs(header_timeout),
                max_connections: max_connections as usize,
            };
            let secure_cookie = secure_cookie.unwrap_or_else(|| autos_api::state::secure_by_default(listen));
            ops::serve(&url, listen, demo, rules(base)?, limits, secure_cookie).await
        }
        Command::Rules => ops::print_rules(&rules(RuleBook::builtin())?),
        Command::Demo { seed, scale, decade, events, operators } => {
            let decade = decade.then_some(autos_cli::demo::Decade { events, operators });
            ops::demo(&url, &autos_cli::demo::Options { seed, scale, decade }).await
        }
        Command::Verify { checkpoint, against, since } => {
            let mode = match (since, against, checkpoint) {
                (Some(exported), _, _) => ops::VerifyMode::Since(exported),
                (None, Some(exported), _) => ops::VerifyMode::Against(exported),
                (None, None, true) => ops::VerifyMode::ExportCheckpoint,
                (None, None, false) => ops::VerifyMode::Full,
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
