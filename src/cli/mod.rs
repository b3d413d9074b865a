//! The command line: arguments (clap), the resolved configuration and its file, running `check`
//! and `stats`, the progress bar, Ctrl-C, and the commands that print what the contract says.
//! Nothing in the library knows about any of it.

mod args;
mod config;
mod config_file;
mod error;
mod exit;
mod interrupt;
mod listen;
mod probe;
mod progress;
mod run;
mod send;
mod wire;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use authhook::contract::{explain, samples};
use authhook::report::tell_problem;
use clap::{CommandFactory, Parser};

use args::{CheckArgs, Cli, Command, InputArgs, StatsArgs};
use config::{CheckConfig, ConfigError, StatsConfig};
use error::RunError;
use exit::ExitStatus;
use run::{Outcome, run_check, run_stats};

/// Runs the command line and returns its exit status.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return command_line_error(&error),
    };
    let status = match cli.command {
        Some(Command::Check(args)) => check(&args),
        None => match mistyped_command(&cli.check.input) {
            Some(status) => status,
            None => check(&cli.check),
        },
        Some(Command::Stats(args)) => stats(&args),
        Some(Command::Listen(args)) => listen::listen(&args),
        Some(Command::Send(args)) => send::send(&args),
        Some(Command::Probe(args)) => probe::probe(&args),
        Some(Command::Explain { topic }) => explain_topic(topic.as_deref()),
        Some(Command::Sample { name, all }) => sample(name.as_deref(), all),
        Some(Command::Schema) => print_text(&authhook::contract::schema::auth_schema_text()),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Man { command }) => man_page(command.as_deref()),
    };
    ExitCode::from(status as u8)
}

/// Tells a problem on standard error, made safe for a terminal; a closed standard error is no
/// reason to stop or to panic.
fn say(message: &str) {
    tell_problem(&mut io::stderr(), message);
}

/// Help and version go to standard output as clap has them; a mistake goes to standard error
/// with anything it quotes from the command line made safe for a terminal.
fn command_line_error(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    if error.use_stderr() {
        let _ = write!(io::stderr(), "{}", authhook::report::safe_lines_for_terminal(&text));
        return ExitCode::from(ExitStatus::Trouble as u8);
    }
    ExitCode::from(print_text(&text) as u8)
}

/// A first path that names no file but is close to a command (`authhook chek samples/`) is a
/// mistyped command, not an input that cannot be read.
fn mistyped_command(input: &InputArgs) -> Option<ExitStatus> {
    let first = input.paths.first()?;
    let text = first.to_str()?;
    if text == "-" || first.exists() || text.contains(['/', '.']) {
        return None;
    }
    let commands: Vec<String> = Cli::command().get_subcommands().map(|c| c.get_name().to_owned()).collect();
    let near = explain::closest(text, &commands)?;
    say(&format!(
        "{text:?} is neither a file nor a command; did you mean `authhook {near}`? (authhook --help lists the commands)"
    ));
    Some(ExitStatus::Trouble)
}

/// Refuses to wait on a terminal when no input was named.
fn no_input_hint(input: &InputArgs) -> Option<ExitStatus> {
    if input.paths.is_empty() && io::stdin().is_terminal() {
        say(
            "no input: pipe a payload in (authhook sample pass | authhook) or name files (authhook check samples/); see authhook --help",
        );
        return Some(ExitStatus::Trouble);
    }
    None
}

fn check(args: &CheckArgs) -> ExitStatus {
    run_on_inputs(&args.input, || CheckConfig::from_args(args), run_check)
}

fn stats(args: &StatsArgs) -> ExitStatus {
    run_on_inputs(&args.input, || StatsConfig::from_args(args), run_stats)
}

/// Resolves a configuration and runs a command that reads inputs, writing to standard output.
fn run_on_inputs<C>(
    input: &InputArgs,
    configure: impl FnOnce() -> Result<C, ConfigError>,
    run: fn(&C, &mut dyn Write, &mut dyn Write) -> Result<Outcome, RunError>,
) -> ExitStatus {
    if let Some(status) = no_input_hint(input) {
        return status;
    }
    let config = match configure() {
        Ok(config) => config,
        Err(error) => return usage_error(&error),
    };
    interrupt::install();
    // No stream is locked for the run: the progress bar draws on standard error from the
    // thread that reads, and each write takes the lock only for itself.
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout());
    match run(&config, &mut out, &mut io::stderr()) {
        Ok(outcome) => outcome.exit_status(),
        Err(error) => failure(&error),
    }
}

fn usage_error(error: &dyn std::fmt::Display) -> ExitStatus {
    say(&error.to_string());
    ExitStatus::Trouble
}

/// A closed output (as with `| head`) ends the run quietly; anything else is reported.
fn failure(error: &RunError) -> ExitStatus {
    if error.is_broken_pipe() {
        return ExitStatus::Valid;
    }
    say(&error.to_string());
    match error {
        RunError::Interrupted => ExitStatus::Interrupted,
        _ => ExitStatus::Trouble,
    }
}

fn explain_topic(topic: Option<&str>) -> ExitStatus {
    let text = match topic {
        None => explain::index(),
        Some(name) => match explain::lookup(name) {
            Some(topic) => explain::render(topic),
            None => {
                let hint = explain::closest(name, &explain::topic_names())
                    .map(|c| format!("; did you mean {c:?}?"))
                    .unwrap_or_default();
                say(&format!("unknown topic {name:?}{hint} (authhook explain lists every topic)"));
                return ExitStatus::Trouble;
            }
        },
    };
    print_text(&text)
}

fn sample(name: Option<&str>, all: bool) -> ExitStatus {
    let text = match (name, all) {
        (_, true) => samples::SAMPLES.iter().map(|s| s.compact() + "\n").collect(),
        (Some(name), false) => match samples::find(name) {
            Some(sample) => sample.json.to_owned(),
            None => {
                let names: Vec<&str> = samples::SAMPLES.iter().map(|s| s.name).collect();
                say(&format!("no sample named {name:?}; the samples are: {}", names.join(", ")));
                return ExitStatus::Trouble;
            }
        },
        (None, false) => samples::SAMPLES.iter().map(|s| format!("{:<20} {}\n", s.name, s.description)).collect(),
    };
    print_text(&text)
}

/// A completion script for `shell`, generated from the command-line definitions.
fn completions(shell: clap_complete::Shell) -> ExitStatus {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "authhook", &mut script);
    print_text(&String::from_utf8_lossy(&script))
}

/// The roff manual page of authhook, or of its command `name`, generated from the command-line
/// definitions: its examples kept as written, then its exit statuses, environment and files.
fn man_page(name: Option<&str>) -> ExitStatus {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let page = match name.and_then(|name| command.find_subcommand(name)) {
        Some(sub) => sub.clone(),
        None => command,
    };
    let mut roff = Vec::new();
    if let Err(error) = render_man(&page, &mut roff) {
        return failure(&RunError::Output(error));
    }
    print_text(&String::from_utf8_lossy(&roff))
}

fn render_man(page: &clap::Command, roff: &mut Vec<u8>) -> io::Result<()> {
    let man = clap_mangen::Man::new(page.clone()).source(concat!("authhook ", env!("CARGO_PKG_VERSION")));
    man.render_title(roff)?;
    man.render_name_section(roff)?;
    man.render_synopsis_section(roff)?;
    man.render_description_section(roff)?;
    if page.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(roff)?;
    }
    if page.has_subcommands() {
        man.render_subcommands_section(roff)?;
    }
    let examples: Vec<String> = page
        .get_after_help()
        .map(|help| help.to_string())
        .unwrap_or_default()
        .lines()
        .filter(|line| line.trim_start().starts_with("authhook "))
        .map(|line| line.trim().to_owned())
        .collect();
    if !examples.is_empty() {
        writeln!(roff, ".SH EXAMPLES\n.nf\n{}\n.fi", roff_text(&examples.join("\n")))?;
    }
    let statuses: String = exit::EXIT_STATUSES
        .iter()
        .map(|(status, when)| format!(".TP\n{}\n{}\n", *status as u8, roff_text(when)))
        .collect();
    writeln!(roff, ".SH \"EXIT STATUS\"\n{statuses}.SH ENVIRONMENT")?;
    for (name, meaning) in [
        ("NO_COLOR", "When set and not empty, no colour unless --color always."),
        ("CLICOLOR_FORCE", "When set and not 0, colour even when the output is not a terminal."),
        (config::TODAY_VARIABLE, "Today's date as YYYY-MM-DD, which the deprecation notice is worded from."),
        ("COLUMNS", "The terminal's width, which the table format fits when it writes to a terminal."),
    ] {
        writeln!(roff, ".TP\n{}\n{}", roff_text(name), roff_text(meaning))?;
    }
    writeln!(
        roff,
        ".SH FILES\n.TP\n{}\nSettings for check and stats, looked for in the working directory and each parent (or named with \\-\\-config): default options, rule levels.",
        roff_text(config_file::FILE_NAME)
    )?;
    if page.get_version().is_some() || page.get_long_version().is_some() {
        man.render_version_section(roff)?;
    }
    Ok(())
}

/// `text` as roff: backslashes and hyphens escaped, and no line read as a request.
fn roff_text(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|line| if line.starts_with(['.', '\'']) { format!("\\&{line}") } else { line.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_text(text: &str) -> ExitStatus {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitStatus::Valid,
        Err(error) => failure(&RunError::Output(error)),
    }
}
