//! The command line as typed: clap definitions only. Nothing here decides behaviour; `config`
//! turns these into a resolved configuration.

use std::path::PathBuf;

use authhook::contract::{REASONS, RULES, SPOOF_CODE, explain};
use authhook::limits::THREADS;

use super::exit::EXIT_STATUSES;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Examples of `check`, as `--help` and the manual page show them.
pub const CHECK_EXAMPLES: &str = "\
\x20 authhook check samples/                      check every file below a directory
  authhook sample spoof | authhook             check a payload piped on standard input
  authhook check --format json app.log         results as one JSON document
  authhook check --only fail,invalid app.log   only what failed or broke the contract
  authhook check -q --strict samples/          only the summary; warnings fail too
  authhook explain 4005                        what an error code means and what to do";

/// What follows the help of `authhook` and `authhook check`: examples, then the exit statuses.
fn check_help() -> String {
    let statuses: Vec<String> =
        EXIT_STATUSES.iter().map(|(status, when)| format!("  {:<4} {when}", *status as u8)).collect();
    format!("Examples:\n{CHECK_EXAMPLES}\n\nExit status:\n{}", statuses.join("\n"))
}

/// What `--version` prints: the version, the commit built and the target, for a bug report.
pub const VERSION: &str =
    concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("AUTHHOOK_COMMIT"), ", ", env!("AUTHHOOK_TARGET"), ")");

/// Inspect Incode 1:1 Authentication webhook payloads: find them in any capture, validate them
/// against the documented contract, and explain every verdict.
#[derive(Debug, Parser)]
#[command(name = "authhook", version = VERSION, about, after_help = check_help(), args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// With no command, authhook checks: `authhook [PATH]...` is `authhook check [PATH]...`.
    #[command(flatten)]
    pub check: CheckArgs,
}

/// The commands. Each one's arguments are built only when it runs (or help, a manual page or
/// completions list them), so that start-up does not build every command's. Built that way, a
/// doc comment on an `Args` struct would replace the command's about text: theirs are plain
/// comments.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Find payloads in files, directories or standard input, validate them, explain verdicts.
    #[command(after_help = check_help())]
    Check(CheckArgs),
    /// Receive deliveries over HTTP, check each as it arrives, and answer as the vendor requires.
    #[command(after_help = listen_help())]
    Listen(Box<ListenArgs>),
    /// Deliver every authentication payload found in the inputs to a receiver, as the vendor would.
    #[command(after_help = format!("Examples:\n{SEND_EXAMPLES}\n\nExit status:\n  0    every payload was acknowledged (200 with a JSON content type, or 204)\n  1    a payload was not acknowledged\n  2    the receiver could not be reached, no payload was found, or the command is wrong"))]
    Send(Box<SendArgs>),
    /// Test a receiver against the vendor's delivery behaviour: samples, retries, odd bodies, credentials.
    #[command(
        after_help = "Examples:\n  authhook probe http://127.0.0.1:3000/webhook\n  authhook probe --format junit http://127.0.0.1:3000/webhook > probe.xml\n  authhook probe --bearer env:HOOK_TOKEN http://127.0.0.1:3000/webhook\n  authhook probe --case retry-duplicate --case not-json http://127.0.0.1:3000/webhook\n\nExit status:\n  0    every case passed\n  1    a case failed\n  2    the receiver could not be reached, or the command is wrong"
    )]
    Probe(Box<ProbeArgs>),
    /// Explain an error code, reason code, rule id or field; with no topic, list them all.
    #[command(
        after_help = "Examples:\n  authhook explain              the index of every topic\n  authhook explain 4005         an error code\n  authhook explain spoof-inconsistent\n  authhook explain overallScore"
    )]
    Explain {
        /// An error code (4005), reason code (spoof-detected), rule id (id-format) or field name (overallScore).
        #[arg(value_parser = Names::topics(), hide_possible_values = true)]
        topic: Option<String>,
    },
    /// One aggregate over every input: verdicts, reasons, error codes, rules, deliveries, confidences.
    #[command(
        after_help = "Examples:\n  authhook stats captures/\n  authhook stats --by file captures/\n  zcat app.log.gz | authhook stats --format json\n  authhook stats --format table --select '$.log' docker.log"
    )]
    Stats(StatsArgs),
    /// Print the vendor's documented sample payloads as valid JSON.
    #[command(
        after_help = "Examples:\n  authhook sample                list the samples\n  authhook sample pass           one sample, pretty-printed\n  authhook sample --all          all seven as NDJSON"
    )]
    Sample {
        /// pass, customer-not-found, spoof, not-recognized, blacklisted, lenses or face-mask.
        #[arg(conflicts_with = "all")]
        name: Option<String>,
        /// Print all seven samples as NDJSON, in the published order.
        #[arg(long)]
        all: bool,
    },
    /// Print the payload contract as a JSON Schema (draft 2020-12), generated from the contract.
    #[command(
        after_help = schema_help()
    )]
    Schema,
    /// Print a shell completion script for bash, zsh, fish, powershell or elvish.
    #[command(
        after_help = "Examples:\n  authhook completions bash > /etc/bash_completion.d/authhook\n  authhook completions zsh > \"${fpath[1]}/_authhook\"\n  authhook completions fish > ~/.config/fish/completions/authhook.fish"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), of authhook or of one of its commands.
    #[command(
        after_help = "Examples:\n  authhook man | man -l -\n  authhook man > /usr/local/share/man/man1/authhook.1\n  authhook man check > /usr/local/share/man/man1/authhook-check.1"
    )]
    Man {
        /// A command (check, explain, stats, ...) whose page to print instead of authhook's.
        #[arg(value_name = "COMMAND", value_parser = command_name)]
        command: Option<String>,
    },
}

/// The name of one of authhook's commands.
fn command_name(text: &str) -> Result<String, String> {
    use clap::CommandFactory;
    let cli = Cli::command();
    if cli.find_subcommand(text).is_some() {
        return Ok(text.to_owned());
    }
    let names: Vec<&str> = cli.get_subcommands().map(clap::Command::get_name).collect();
    Err(format!("no command named {text:?}; the commands are: {}", names.join(", ")))
}

// Where payloads are looked for, and how; shared by `check` and `stats`.
#[derive(Debug, Clone, Args, Default)]
pub struct InputArgs {
    /// Files, directories (every regular file below, sorted, skipping hidden and ignored ones) or `-`
    /// for standard input. None: standard input. Gzip-compressed input is recognised and decompressed.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Directory walks read hidden files and directories too (names starting with `.`, `.git` included).
    ///
    /// A hidden path named on the command line is always read; this is about what a walk finds.
    #[arg(long)]
    pub hidden: bool,

    /// Directory walks read what ignore files exclude too.
    ///
    /// By default, as ripgrep does, a walk skips what `.ignore` files exclude and, inside a git
    /// repository only (a `.git` at or above the directory), what `.gitignore`, `.git/info/exclude`
    /// and git's global excludes file exclude; the ignore files of the directory's parents count
    /// too. A path named on the command line is always read.
    #[arg(long)]
    pub no_ignore: bool,

    /// Worker threads for an input longer than 256 KiB (default: one per core). Output is the
    /// same, in input order, for any count.
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(i64::from(*THREADS.start())..=i64::from(*THREADS.end())))]
    pub threads: Option<u16>,

    #[command(flatten)]
    pub judge: JudgeArgs,
}

// How payloads are read and judged, wherever they come from; shared by `check`, `stats` and
// `listen`.
#[derive(Debug, Clone, Args, Default)]
pub struct JudgeArgs {
    /// Look for payloads only where this JSONPath (RFC 9535) selects, inside each JSON value found;
    /// a selected string is scanned as text.
    #[arg(long, value_name = "JSONPATH")]
    pub select: Option<String>,

    /// Accept // and /* */ comments and trailing commas, with a lenient-syntax warning for each.
    #[arg(long)]
    pub lenient: bool,

    #[arg(long, value_name = "BYTES", value_parser = payload_bytes, help = max_payload_bytes_help())]
    pub max_payload_bytes: Option<u64>,

    /// When to colour output (default auto: only a terminal, honouring NO_COLOR and CLICOLOR_FORCE).
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorArg>,

    /// Drop a rule's findings (repeatable).
    #[arg(long, value_name = "RULE", value_parser = Names::rules(), hide_possible_values = true)]
    pub allow: Vec<String>,

    /// Report a rule's findings as warnings (repeatable).
    #[arg(long, value_name = "RULE", value_parser = Names::rules(), hide_possible_values = true)]
    pub warn: Vec<String>,

    /// Report a rule's findings as errors (repeatable).
    #[arg(long, value_name = "RULE", value_parser = Names::rules(), hide_possible_values = true)]
    pub deny: Vec<String>,

    /// Read settings from this file instead of the authhook.toml found in the working directory or a parent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What follows the help of `authhook schema`: the rules the schema encodes.
fn schema_help() -> String {
    let rules: Vec<&str> = authhook::contract::schema::SCHEMA_RULES.iter().map(|rule| rule.id()).collect();
    format!(
        "The schema encodes the error-level field rules ({}); warnings, duplicate keys and syntax\nneed authhook itself.\n\nExamples:\n  authhook schema > auth-1-1.schema.json\n  authhook schema | jq '.properties | keys'",
        rules.join(", ")
    )
}

/// The help of --max-payload-bytes, with its default.
fn max_payload_bytes_help() -> String {
    format!(
        "Largest JSON value parsed, in bytes (default {}); a larger one is a too-large error and is skipped.",
        authhook::limits::DEFAULT_MAX_PAYLOAD_BYTES
    )
}

/// A --max-payload-bytes value within its limits.
fn payload_bytes(text: &str) -> Result<u64, String> {
    let value: u64 = text.parse().map_err(|_| format!("{text:?} is not a whole number of bytes"))?;
    authhook::limits::check("--max-payload-bytes", value, &authhook::limits::MAX_PAYLOAD_BYTES)
}

/// One of a set of names (rule ids, reason codes, explain topics): shells complete them, and an
/// unknown one is refused with the closest name, unless any value is accepted (`open`).
#[derive(Clone)]
pub struct Names {
    /// What a name is, for the error: `rule id`, `reason code`.
    what: &'static str,
    names: fn() -> Vec<String>,
    open: bool,
}

impl Names {
    pub fn rules() -> Names {
        Names { what: "rule id", names: || RULES.iter().map(|r| r.id.to_owned()).collect(), open: false }
    }

    fn reasons() -> Names {
        Names { what: "reason code", names: || REASONS.iter().map(|r| r.id.to_owned()).collect(), open: false }
    }

    fn probe_cases() -> Names {
        let ids = || authhook::contract::probes::PROBE_CASES.iter().map(|c| c.id.to_owned()).collect();
        Names { what: "probe case", names: ids, open: false }
    }

    fn topics() -> Names {
        Names { what: "topic", names: explain::topic_names, open: true }
    }

    /// Why `text` is refused: it is none of the names, and the closest one if any is close.
    pub fn refusal(&self, text: &str) -> String {
        let hint = explain::closest(text, &(self.names)()).map(|near| format!("; did you mean {near:?}?"));
        format!("unknown {} {text:?}{} (authhook explain lists them)", self.what, hint.unwrap_or_default())
    }
}

impl clap::builder::TypedValueParser for Names {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let text = value.to_string_lossy();
        let names = (self.names)();
        if self.open || names.iter().any(|name| *name == text) {
            return Ok(text.into_owned());
        }
        let message = format!("{}\n", self.refusal(&text));
        Err(clap::Error::raw(clap::error::ErrorKind::InvalidValue, message).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new((self.names)().into_iter().map(clap::builder::PossibleValue::new)))
    }
}

/// An errorCode: a whole number.
fn error_code(text: &str) -> Result<i64, String> {
    text.trim().parse().map_err(|_| {
        format!("{text:?} is not an error code: a whole number such as {SPOOF_CODE} (authhook explain lists the documented codes)")
    })
}

// Options of `check`.
#[derive(Debug, Clone, Args, Default)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

// What a report holds results to, and how it is written; shared by `check` and `listen`.
#[derive(Debug, Clone, Args, Default)]
pub struct ReportArgs {
    /// Output format (default human).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Make every warning an error, so warnings fail the run too.
    #[arg(long)]
    pub strict: bool,

    /// Every authentication payload must have this status (PASS or FAIL, in any case), else an expectation error.
    #[arg(long, value_enum, value_name = "STATUS", ignore_case = true)]
    pub expect: Option<ExpectArg>,

    /// Every authentication payload must have this reason among its reasons, else an expectation error.
    #[arg(long, value_name = "CODE", value_parser = Names::reasons(), hide_possible_values = true)]
    pub expect_reason: Option<String>,

    /// Every authentication payload must carry this errorCode, else an expectation error.
    #[arg(long, value_name = "N", value_parser = error_code)]
    pub expect_code: Option<i64>,

    /// Show token and interviewToken values instead of their length.
    #[arg(long)]
    pub show_secrets: bool,

    /// Human format: print only the summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Show only these results (comma-separated): fail, pass, invalid (an error finding), problems
    /// (an error or warning finding). The summary and the exit status still count every result.
    #[arg(long, value_enum, value_name = "WHAT", value_delimiter = ',')]
    pub only: Vec<OnlyArg>,

    /// Leave out the webhook's deprecation notice (also `notice = false` in authhook.toml).
    #[arg(long)]
    pub no_notice: bool,

    /// Write the report to FILE instead of standard output; the summary line still goes to standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Examples of `listen`.
pub const LISTEN_EXAMPLES: &str = "\
\x20 authhook listen                                   serve http://127.0.0.1:8787/webhook until Ctrl-C
  authhook listen --port 0 --format ndjson          a free port; one JSON line per payload
  authhook listen --record deliveries.ndjson        keep every delivery; authhook check reads it back
  authhook listen --forward-to http://127.0.0.1:3000/hooks   relay to a receiver and judge its answers
  authhook listen --require-bearer env:HOOK_TOKEN   refuse deliveries without the token
  authhook listen --count 1 --timeout 10m --expect fail --expect-code 4005";

/// What follows the help of `authhook listen`: examples, then the exit statuses.
fn listen_help() -> String {
    format!(
        "Examples:\n{LISTEN_EXAMPLES}\n\nExit status:\n  0    every payload received was valid\n  1    a payload received was invalid (with --strict, had a warning)\n  2    no authentication payload arrived, or the address could not be served"
    )
}

// Options of `listen`.
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// The address to serve on. Anything but a loopback address exposes the listener to other machines.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// The port to serve on; 0 picks a free one (the address is printed on standard error).
    #[arg(long, value_name = "N", default_value_t = 8787)]
    pub port: u16,

    /// The path deliveries are posted to; other paths get 404.
    #[arg(long, value_name = "PATH", default_value = "/webhook")]
    pub path: String,

    /// The status answered to each delivery: 200 (with {"success":true}) and 204 stop the vendor's
    /// retries; any other (400, 500, 503) simulates a receiver the vendor retries.
    #[arg(long, value_name = "STATUS", default_value = "200", value_parser = super::listen::settings::answer_status)]
    pub respond: hyper::http::StatusCode,

    /// The status answered instead when a payload is invalid.
    #[arg(long, value_name = "STATUS", value_parser = super::listen::settings::answer_status)]
    pub respond_invalid: Option<hyper::http::StatusCode>,

    /// Wait this long before answering (250ms, 2s, 1m).
    #[arg(long, value_name = "DURATION")]
    pub delay: Option<humantime::Duration>,

    /// Relay each request (method, path, query, headers, body) to this receiver and answer with its
    /// answer, judged by the vendor's acknowledgement rule.
    #[arg(long, value_name = "URL", conflicts_with_all = ["respond", "respond_invalid", "delay"])]
    pub forward_to: Option<String>,

    /// An upstream answer slower than this is one the vendor may give up on and retry.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub ack_timeout: humantime::Duration,

    /// Refuse (401) deliveries without this static header: 'Name: value', the value possibly env:VAR.
    #[arg(long, value_name = "HEADER")]
    pub require_header: Option<String>,

    /// Refuse (401) deliveries without 'Authorization: Bearer TOKEN'; TOKEN may be env:VAR.
    #[arg(long, value_name = "TOKEN", conflicts_with = "oauth")]
    pub require_bearer: Option<String>,

    /// Serve the vendor's OAuth 2.0 client-credentials token exchange for this client (CLIENT_ID:SECRET,
    /// either possibly env:VAR) and refuse (401) deliveries without a token it issued.
    #[arg(long, value_name = "CLIENT_ID:SECRET")]
    pub oauth: Option<String>,

    /// Where the token exchange is served.
    #[arg(long, value_name = "PATH", default_value = "/oauth/token")]
    pub oauth_path: String,

    /// Append every delivery (time, method, path, headers without credentials, body) to FILE, each
    /// flushed before it is answered; `authhook check FILE` reads it back.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// Also sync the record to disk before answering.
    #[arg(long, requires = "record")]
    pub fsync: bool,

    /// Stop after N authentication payloads.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,

    /// Stop when this much time has passed (30s, 10m).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<humantime::Duration>,

    /// How long a client may take to send a request's headers, and then its body, before it is cut off.
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub request_timeout: humantime::Duration,

    /// Connections served at once; more wait until one closes.
    #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub max_connections: usize,

    #[command(flatten)]
    pub judge: JudgeArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

/// Examples of `send`.
pub const SEND_EXAMPLES: &str = "\
\x20 authhook sample spoof | authhook send --to http://127.0.0.1:8787/webhook
  authhook send --to http://127.0.0.1:8787/webhook deliveries.ndjson     replay a listen record
  authhook sample pass | authhook send --to http://127.0.0.1:8787/webhook --set /overallStatus='\"FAIL\"' --set /errorCode=4015
  authhook send --to http://127.0.0.1:8787/webhook --retries vendor --time-scale 0.01 samples/";

// How a sender authenticates and how long it waits; shared by `send` and `probe`.
#[derive(Debug, Clone, Args, Default)]
pub struct SenderArgs {
    /// Send this static header with each delivery: 'Name: value', the value possibly env:VAR (repeatable).
    #[arg(long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,

    /// Send 'Authorization: Bearer TOKEN'; TOKEN may be env:VAR.
    #[arg(long, value_name = "TOKEN", conflicts_with = "oauth")]
    pub bearer: Option<String>,

    /// Get a token from the vendor's OAuth 2.0 client-credentials exchange at TOKEN_URL (Basic
    /// CLIENT_ID:SECRET, either possibly env:VAR), reuse it until it expires, and send it as a bearer token.
    #[arg(long, num_args = 2, value_names = ["TOKEN_URL", "CLIENT_ID:SECRET"])]
    pub oauth: Vec<String>,

    /// An answer must come within this long, else the vendor would retry (default 10s).
    #[arg(long, value_name = "DURATION", default_value = "10s")]
    pub timeout: humantime::Duration,

    /// Output format.
    #[arg(long, value_enum, default_value_t = super::wire::rows::RowFormat::Human)]
    pub format: super::wire::rows::RowFormat,
}

/// When `send` delivers again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RetriesArg {
    /// Once per payload.
    #[default]
    None,
    /// As the vendor does: until acknowledged, up to 5 retries, 30 s first, each delay 2.5 times the last.
    Vendor,
}

// Options of `send`.
#[derive(Debug, Clone, Args)]
pub struct SendArgs {
    /// The receiver's URL (http://).
    #[arg(long, value_name = "URL")]
    pub to: String,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub sender: SenderArgs,

    /// Change a field before sending: an RFC 6901 pointer and a JSON value (repeatable), such as
    /// /overallStatus='"FAIL"' or /errorCode=4015.
    #[arg(long = "set", value_name = "POINTER=VALUE")]
    pub set: Vec<String>,

    /// Send token and interviewToken as captured instead of blanked.
    #[arg(long)]
    pub keep_secrets: bool,

    /// Deliver again, as the vendor does, until an attempt is acknowledged.
    #[arg(long, value_enum, default_value_t = RetriesArg::None)]
    pub retries: RetriesArg,

    /// Multiply the vendor's retry delays by F (0.001 makes 30 s into 30 ms), for tests.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = time_scale)]
    pub time_scale: f64,

    /// Deliveries in flight at once; output stays in input order.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub concurrency: usize,

    /// Start at most N deliveries a second (N/s, or N).
    #[arg(long, value_name = "N/s", value_parser = rate)]
    pub rate: Option<f64>,
}

// Options of `probe`.
#[derive(Debug, Clone, Args)]
pub struct ProbeArgs {
    /// The receiver's URL (http://).
    #[arg(value_name = "URL")]
    pub url: String,

    /// Run only this case (repeatable; authhook explain lists them under "Probe cases").
    #[arg(long, value_name = "ID", value_parser = Names::probe_cases(), hide_possible_values = true)]
    pub case: Vec<String>,

    /// Leave this case out (repeatable).
    #[arg(long, value_name = "ID", value_parser = Names::probe_cases(), hide_possible_values = true)]
    pub skip: Vec<String>,

    #[command(flatten)]
    pub sender: SenderArgs,
}

/// A --time-scale: a number above 0 and at most 1,000.
fn time_scale(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|f| *f > 0.0 && *f <= 1000.0)
        .ok_or_else(|| format!("{text:?} is not a time scale: a number above 0 and at most 1000, such as 0.01"))
}

/// A --rate: `N/s` or `N`, N above 0 and at most 100,000.
fn rate(text: &str) -> Result<f64, String> {
    text.trim_end_matches("/s")
        .parse::<f64>()
        .ok()
        .filter(|n| (0.01..=100_000.0).contains(n))
        .ok_or_else(|| format!("{text:?} is not a rate: N/s with N from 0.01 to 100000, such as 50/s"))
}

// Options of `stats`.
#[derive(Debug, Clone, Args, Default)]
pub struct StatsArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormatArg::Human)]
    pub format: StatsFormatArg,

    /// Also break the totals down: `file` gives each input's payloads, PASS, FAIL, invalid and
    /// top failure reasons, in input order.
    #[arg(long, value_enum, value_name = "GROUP")]
    pub by: Option<ByArg>,
}

/// What `stats --by` breaks the totals down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    /// One row per input file (or standard input), in input order.
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum StatsFormatArg {
    /// Counts, shares, bar charts and histograms drawn in the terminal.
    #[default]
    Human,
    /// The same numbers as one JSON document.
    Json,
    /// The same numbers as tables.
    Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum FormatArg {
    /// A block per payload, a summary line, and the deprecation notice.
    #[default]
    Human,
    /// One JSON document: results, summary, notices.
    Json,
    /// One JSON result per line.
    Ndjson,
    /// A table of payloads and a table of reasons; on a terminal, as wide as the terminal.
    Table,
    /// GitHub Actions workflow commands: an annotation per finding, then the summary line.
    Github,
    /// One SARIF 2.1.0 log, for code scanning: every rule, a result per finding.
    Sarif,
    /// JUnit XML for GitLab, Jenkins and the like: a test case per payload.
    Junit,
}

/// Which results `--only` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    /// Authentications whose overallStatus is FAIL.
    Fail,
    /// Authentications whose overallStatus is PASS.
    Pass,
    /// Results with a finding of severity error.
    Invalid,
    /// Results with a finding of severity error or warning.
    Problems,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpectArg {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    #[default]
    Auto,
    Always,
    Never,
}
