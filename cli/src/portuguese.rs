//! The binary's own words in Portuguese where clap would write English: the help's headings,
//! usage line (`[OPÇÕES]`) and help/version flags; the notes after a flag (`[padrão: …]`,
//! `[variável de ambiente: …]`, `[valores: …]`); and the error of a command line that does not
//! parse, with the usage and a pointer to `--help`.

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// How every command's `--help` is laid out, with clap's own words in Portuguese.
const HELP_TEMPLATE: &str = "{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}";

/// The value a flag's own parser refused, with what it expects in Portuguese; a command line
/// error shows it after the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct InvalidValue(pub String);

/// `command` (the binary's clap command) with its help, and every subcommand's, in Portuguese.
pub(crate) fn command(command: Command) -> Command {
    let version = Arg::new("versao").short('V').long("version").action(ArgAction::Version).help("Mostra a versão");
    let mut command = in_portuguese(command).disable_version_flag(true).arg(version.help_heading("Opções"));
    command.build();
    with_portuguese_usage(command)
}

/// The help of `command` and of every subcommand: the headings, the help flag and the notes
/// after each flag.
fn in_portuguese(command: Command) -> Command {
    let ids: Vec<clap::Id> = command.get_arguments().map(|a| a.get_id().clone()).collect();
    let help = Arg::new("ajuda").short('h').long("help").action(ArgAction::Help).help("Mostra esta ajuda");
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("Comandos")
        .subcommand_value_name("COMANDO")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(help.help_heading("Opções"));
    for id in ids {
        command = command.mut_arg(id, with_notes);
    }
    command.mut_subcommands(in_portuguese)
}

/// An argument under its Portuguese heading, its default, environment variable and accepted
/// values written after its help by us rather than by clap.
fn with_notes(arg: Arg) -> Arg {
    let heading = if arg.is_positional() { "Argumentos" } else { "Opções" };
    if !arg.get_action().takes_values() {
        return arg.help_heading(heading);
    }
    let mut notes = Vec::new();
    let values: Vec<String> = arg.get_possible_values().iter().map(|v| v.get_name().to_owned()).collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        notes.push(format!("[valores: {}]", values.join(", ")));
    }
    let defaults: Vec<String> = arg.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        notes.push(format!("[padrão: {}]", defaults.join(", ")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(format!("[variável de ambiente: {}]", env.to_string_lossy()));
    }
    let help = arg.get_help().map(ToString::to_string).into_iter().chain(notes).collect::<Vec<_>>().join(" ");
    arg.help_heading(heading).help(help).hide_possible_values(true).hide_default_value(true).hide_env(true)
}

/// A built `command` whose usage line, and every subcommand's, says `[OPÇÕES]`.
fn with_portuguese_usage(mut command: Command) -> Command {
    let usage = portuguese_usage(&command.render_usage().to_string());
    command.override_usage(usage).mut_subcommands(with_portuguese_usage)
}

/// clap's usage text (`Usage: autos serve [OPTIONS]`) without its heading, in Portuguese.
fn portuguese_usage(usage: &str) -> String {
    let usage = usage.trim();
    usage.strip_prefix("Usage:").unwrap_or(usage).trim().replace("[OPTIONS]", "[OPÇÕES]")
}

/// Whether `error` is the help or the version the person asked for rather than a refusal.
pub(crate) fn is_answer(error: &clap::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// What went wrong with a command line, in Portuguese: the refusal, a suggestion when clap has
/// one, the usage line and a pointer to `--help`.
pub(crate) fn parse_error(error: &clap::Error) -> String {
    let context = |kind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let (argument, value) = (context(ContextKind::InvalidArg), context(ContextKind::InvalidValue));
    let mut message = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("falta o valor de {argument}"),
        ErrorKind::InvalidValue => {
            format!(
                "valor inválido {value:?} para {argument}; os valores aceitos são {}",
                context(ContextKind::ValidValue)
            )
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error)
                .and_then(|source| source.downcast_ref::<InvalidValue>())
                .map_or_else(String::new, |refusal| format!(": {refusal}"));
            format!("valor inválido {value:?} para {argument}{reason}")
        }
        ErrorKind::UnknownArgument => format!("argumento inesperado {argument:?}"),
        ErrorKind::InvalidSubcommand => {
            format!("comando desconhecido {:?}", context(ContextKind::InvalidSubcommand))
        }
        ErrorKind::NoEquals => format!("{argument} exige o valor depois de '='"),
        ErrorKind::TooManyValues => format!("valor a mais {value:?} para {argument}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "{argument} espera {} valor(es) e recebeu {}",
            context(ContextKind::ExpectedNumValues),
            context(ContextKind::ActualNumValues)
        ),
        ErrorKind::ArgumentConflict => {
            format!("{argument} não pode ser usado com {}", context(ContextKind::PriorArg))
        }
        ErrorKind::MissingRequiredArgument => format!("faltam argumentos obrigatórios: {argument}"),
        ErrorKind::MissingSubcommand => {
            format!("falta o comando; os comandos são {}", context(ContextKind::ValidSubcommand))
        }
        ErrorKind::InvalidUtf8 => "um argumento não é texto UTF-8 válido".to_owned(),
        _ => "não foi possível ler a linha de comando".to_owned(),
    };
    for kind in [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand, ContextKind::SuggestedValue] {
        let suggestion = context(kind);
        if !suggestion.is_empty() {
            message.push_str(&format!("\n\n  dica: quis dizer {suggestion:?}?"));
        }
    }
    let usage = portuguese_usage(&context(ContextKind::Usage));
    if !usage.is_empty() {
        message.push_str(&format!("\n\nUso: {usage}"));
    }
    format!("erro: {message}\n\nPara mais informações, use '--help'.")
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::Cli;

    const ENGLISH: [&str; 14] = [
        "Usage",
        "Options:",
        "Commands:",
        "Arguments:",
        "Print help",
        "Print version",
        "[OPTIONS]",
        "[default:",
        "[env:",
        "[possible values",
        "error:",
        "tip:",
        "For more information",
        "unexpected",
    ];

    fn check_help(command: &mut Command, path: &str) {
        let help = command.render_long_help().to_string();
        for english in ENGLISH {
            assert!(!help.contains(english), "`{path} --help` says {english:?}:\n{help}");
        }
        assert!(help.contains("Uso: ") && help.contains("Mostra esta ajuda"), "`{path} --help`:\n{help}");
        for sub in command.get_subcommands_mut() {
            let name = format!("{path} {}", sub.get_name());
            check_help(sub, &name);
        }
    }

    #[test]
    fn every_commands_help_speaks_portuguese() {
        let mut command = command(Cli::command());
        check_help(&mut command, "autos");
        let serve = command.find_subcommand_mut("serve").unwrap().render_long_help().to_string();
        assert!(serve.contains("[padrão: 127.0.0.1:8080] [variável de ambiente: AUTOS_LISTEN]"), "{serve}");
        assert!(serve.contains("Uso: autos serve [OPÇÕES]"), "{serve}");
    }

    fn refusal(line: &[&str]) -> String {
        let error = command(Cli::command()).try_get_matches_from(line).expect_err("the line does not parse");
        assert!(!is_answer(&error), "{line:?} is not a request for help");
        parse_error(&error)
    }

    #[test]
    fn a_command_line_that_does_not_parse_is_refused_in_portuguese() {
        let cases: [(&[&str], &str); 6] = [
            (
                &["autos", "serve", "--listne", "x"],
                "argumento inesperado \"--listne\"\n\n  dica: quis dizer \"--listen\"?\n\nUso: autos serve [OPÇÕES]",
            ),
            (&["autos", "servir"], "comando desconhecido \"servir\""),
            (&["autos", "serve", "--max-connections", "muitas"], "valor inválido \"muitas\" para --max-connections"),
            (&["autos", "officer", "add", "--name", "Ana", "--role", "chefe"], "os papéis são atendente, fiscal"),
            (&["autos", "officer", "add", "--name", "Ana"], "faltam argumentos obrigatórios: --role"),
            (&["autos", "bench", "--backend", "oracle", "project"], "os valores aceitos são postgres, sqlite"),
        ];
        for (line, expected) in cases {
            let message = refusal(line);
            assert!(message.starts_with("erro: ") && message.contains(expected), "{line:?}:\n{message}");
            assert!(message.ends_with("Para mais informações, use '--help'."), "{line:?}:\n{message}");
            for english in ENGLISH {
                assert!(!message.contains(english), "{line:?} says {english:?}:\n{message}");
            }
        }
    }
}
