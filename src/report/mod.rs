//! Renderers: one per output format, behind one trait.
//!
//! A renderer is handed each result as soon as it is ready (so line-oriented formats stream)
//! and the summary and notices at the end. Renderers write to a writer they are given and never
//! print on their own. Colour is decided once, in the configuration, and only the human and
//! table renderers use it. Text that comes from a payload is passed through
//! [`escape_for_terminal`] by every renderer that writes for a terminal.
//!
//! Rendering results as one JSON document, with the totals a [`Summary`] adds up:
//!
//! ```
//! use authhook::assess::Summary;
//! use authhook::contract::{Date, deprecation_notice, samples};
//! use authhook::report::{Format, SCHEMA_VERSION, Style};
//!
//! let spoof = samples::find("spoof").map(|sample| sample.json).unwrap_or_default();
//! let results = authhook::Checker::new().with_payload(true).check_body(spoof.as_bytes())?;
//!
//! let mut renderer = Format::Json.renderer(Style::default());
//! let (mut out, mut summary) = (Vec::new(), Summary::default());
//! for result in &results {
//!     renderer.result(&mut out, result)?;
//!     summary.add(result);
//! }
//! let notices = [deprecation_notice(Date { year: 2026, month: 6, day: 1 })];
//! renderer.finish(&mut out, &summary, &notices)?;
//!
//! let report: serde_json::Value = serde_json::from_slice(&out)?;
//! assert_eq!(report["schemaVersion"], SCHEMA_VERSION);
//! assert_eq!(report["results"][0]["status"], "FAIL");
//! assert_eq!(report["results"][0]["reasons"][0]["code"], "spoof-detected");
//! assert_eq!(report["results"][0]["payload"]["errorCode"], 4005);
//! assert_eq!(report["summary"]["payloads"], 1);
//! assert_eq!(report["summary"]["fail"], 1);
//! assert_eq!(report["notices"][0]["code"], "deprecation");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod github;
mod human;
mod json;
mod junit;
pub use junit::escape_xml;
pub(crate) mod paint;
mod sarif;
mod spool;
#[cfg(feature = "table")]
mod table;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::assess::{CheckResult, Outcome, RenderOne, Summary};
pub use crate::contract::Notice;

/// The version of the JSON wire formats (`check --format json` and `stats --format json`).
pub const SCHEMA_VERSION: u32 = 1;

/// Writes one output format.
pub trait Renderer: Send {
    /// Renders one result, in input order.
    fn result(&mut self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()>;
    /// Renders what follows the last result.
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()>;
}

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// A verdict and its reasons per payload, for people.
    Human,
    /// One JSON document.
    Json,
    /// One JSON object per line, as results are ready.
    Ndjson,
    /// A table of every payload (comfy-table).
    #[cfg(feature = "table")]
    Table,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One SARIF 2.1.0 log.
    Sarif,
    /// JUnit XML.
    Junit,
}

/// How output looks, whatever the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Print only the summary line (human format).
    pub quiet: bool,
    /// The widest, in terminal columns, a line of the table format may be: the terminal's width
    /// when the report goes to one, so that cells are cut (with `…`) rather than rows wrapped.
    /// `None` draws every cell whole.
    pub width: Option<usize>,
}

impl Format {
    /// Whether results must carry the payload itself.
    pub fn shows_payload(self) -> bool {
        matches!(self, Format::Json | Format::Ndjson)
    }

    /// How this format renders one result on its own, when it does: then the work can be done
    /// on the thread that assessed the result, and the renderer only frames it.
    pub fn prerender(self) -> Option<RenderOne> {
        match self {
            Format::Json | Format::Ndjson => Some(json::write_result),
            _ => None,
        }
    }

    /// A renderer for this format.
    pub fn renderer(self, style: Style) -> Box<dyn Renderer> {
        match self {
            Format::Human => Box::new(human::Human::new(style)),
            Format::Json => Box::new(json::Json::document()),
            Format::Ndjson => Box::new(json::Json::lines()),
            #[cfg(feature = "table")]
            Format::Table => Box::new(table::Table::new(style)),
            Format::Github => Box::new(github::Github),
            Format::Sarif => Box::new(sarif::Sarif::new()),
            Format::Junit => Box::new(junit::Junit::new()),
        }
    }
}

/// Makes text from a payload safe to print on a terminal: control characters (escape sequences
/// included) and Unicode bidirectional controls are shown as `\u{..}` escapes.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text about the run (a path, an argument, a message quoting either) made safe for standard
/// error: JWT-shaped runs replaced by their length, then escaped for a terminal.
pub fn safe_for_terminal(text: &str) -> String {
    let unsecret = crate::contract::without_jwts(text);
    escape_for_terminal(unsecret.as_deref().unwrap_or(text)).into_owned()
}

/// [`safe_for_terminal`] for a message of several lines (a usage error): each line made safe,
/// the line breaks kept.
pub fn safe_lines_for_terminal(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let (body, end) = line.strip_suffix('\n').map_or((line, ""), |body| (body, "\n"));
            safe_for_terminal(body) + end
        })
        .collect()
}

/// Writes `authhook: MESSAGE` to `problems`, made safe for a terminal. A failure to write it is
/// ignored: telling of a problem must not stop the run nor change its verdict.
pub fn tell_problem(problems: &mut dyn Write, message: &str) {
    let _ = writeln!(problems, "authhook: {}", safe_for_terminal(message)).and_then(|()| problems.flush());
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `1 warning`, `2 warnings`.
pub fn plural(count: u64, noun: &str) -> String {
    if count == 1 { format!("{count} {noun}") } else { format!("{count} {noun}s") }
}

/// The one-line summary of every format that has one: each result counted once, under its
/// outcome, invalid ones in brackets, then the warnings and notes.
pub fn summary_line(summary: &Summary) -> String {
    let mut outcomes = summary.outcomes.clone();
    for outcome in [Outcome::Pass, Outcome::Fail] {
        outcomes.entry(outcome).or_default();
    }
    let counts: Vec<String> = outcomes
        .iter()
        .map(|(outcome, tally)| match outcome.counted(tally.results) {
            count if tally.invalid > 0 && *outcome != Outcome::Unreadable => {
                format!("{count} ({} invalid)", tally.invalid)
            }
            count => count,
        })
        .collect();
    let mut line = format!("{}: {}", plural(summary.payloads, "result"), counts.join(", "));
    let findings: Vec<String> = [(summary.warnings, "warning"), (summary.notes, "note")]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, word)| plural(count, word))
        .collect();
    if !findings.is_empty() {
        line.push_str(&format!("; {}", findings.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::samples::SAMPLES;
    use crate::contract::{Date, deprecation_notice};

    /// What `format` makes, colour off, of every documented sample, a broken value and a value
    /// that holds no payload, checked as one body on a fixed date.
    pub(crate) fn render_samples(format: Format) -> String {
        let extra = ["{\"overallStatus\": \"PASS\",}".to_owned(), "{\"level\": \"info\"}".to_owned()];
        let body: String = SAMPLES.iter().map(|sample| sample.compact()).chain(extra).map(|line| line + "\n").collect();
        let checker = crate::Checker::new().with_payload(format.shows_payload());
        let results = checker.check_body(body.as_bytes()).unwrap_or_default();
        let mut renderer = format.renderer(Style::default());
        let mut summary = Summary::default();
        let mut out = Vec::new();
        for result in &results {
            summary.add(result);
            renderer.result(&mut out, result).unwrap_or_default();
        }
        let notices = [deprecation_notice(Date { year: 2026, month: 11, day: 25 })];
        renderer.finish(&mut out, &summary, &notices).unwrap_or_default();
        String::from_utf8_lossy(&out).replace(env!("CARGO_PKG_VERSION"), "[version]")
    }

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(escape_for_terminal("plain é"), "plain é");
        assert_eq!(escape_for_terminal("a\u{1b}[31mb\u{202E}c\n"), "a\\u{1b}[31mb\\u{202e}c\\u{a}");
    }
}
