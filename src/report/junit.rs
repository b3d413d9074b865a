//! The JUnit format: JUnit XML, as GitLab, Jenkins and most CI servers read test reports.
//!
//! One `<testsuite name="authhook">` inside `<testsuites>`, and one `<testcase>` per result, named
//! `PATH:LINE:COL STATUS headline` with classname `authhook.KIND`. A result with error findings
//! fails (`<failure type="FIRST-RULE">` listing every finding); a valid result that is not an
//! authentication payload is `<skipped>`; any other result passes. `<system-out>` holds the
//! result's reasons, and its findings when it did not fail. The summary line and the notices are
//! properties of the suite. The suite's counts come first in the document, so test cases are
//! spooled as they come (to a temporary file once they are large) and the document is written at
//! the end.
//!
//! Text from a payload goes through [`escape_for_terminal`] (no control or bidirectional
//! character survives), then [`escape_xml`].

use std::fmt::Write as _;
use std::io::{self, Write};

use super::spool::Spool;
use super::{Notice, Renderer, escape_for_terminal, plural, summary_line};
use crate::assess::{CheckResult, Summary};
use crate::contract::Severity;

#[derive(Default)]
pub struct Junit {
    /// The `<testcase>` elements written so far.
    cases: Spool,
    /// One test case's text, reused.
    case: String,
    tests: u64,
    failures: u64,
    skipped: u64,
}

impl Junit {
    pub fn new() -> Self {
        Self::default()
    }
}

/// Escapes text for an XML 1.0 attribute value: `&`, `<`, `>`, `"` and `'` become references,
/// tab, LF and CR become character references (so the value keeps them), and characters XML 1.0
/// does not allow (other C0 controls, U+FFFE, U+FFFF) are dropped.
pub fn escape_xml(text: &str) -> String {
    escape(text, true)
}

/// Escapes text for XML 1.0 element content, as [`escape_xml`] does but keeping tab and LF.
pub fn escape_xml_text(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' if !attribute => out.push(c),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text from a payload, safe for a terminal and for an XML attribute value.
fn text(raw: &str) -> String {
    escape_xml(&escape_for_terminal(raw))
}

/// What the result is, in one word or two, as the human format's headline has it.
fn status_label(result: &CheckResult) -> &'static str {
    match result.status {
        Some(status) => status.name(),
        None if result.kind.is_authentication() => "UNKNOWN STATUS",
        None if result.valid => "SKIPPED",
        None => "UNREADABLE",
    }
}

/// `severity[rule] line:col pointer: message`, one line per finding, safe for a terminal.
fn finding_lines<'a>(findings: impl Iterator<Item = &'a crate::rules::Finding>) -> String {
    let mut lines = String::new();
    for finding in findings {
        let pointer = if finding.pointer.is_empty() {
            String::new()
        } else {
            format!(" {}", escape_for_terminal(&finding.pointer))
        };
        let _ = writeln!(
            lines,
            "{}[{}] {}:{}{pointer}: {}",
            finding.severity.name(),
            finding.rule.id(),
            finding.line,
            finding.column,
            escape_for_terminal(&finding.message)
        );
    }
    lines
}

impl Renderer for Junit {
    fn result(&mut self, _out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        self.tests += 1;
        let name = format!(
            "{}:{}:{} {} {}",
            result.source.path,
            result.source.line,
            result.source.column,
            status_label(result),
            result.described()
        );
        self.case.clear();
        let _ = write!(
            self.case,
            "    <testcase name=\"{}\" classname=\"authhook.{}\"",
            text(&name),
            escape_xml(result.kind.name())
        );
        let errors = result.count(Severity::Error);
        let mut body = String::new();
        let mut out_lines = String::new();
        for reason in &result.reasons {
            let _ = writeln!(out_lines, "{}: {}", reason.code.id(), escape_for_terminal(&reason.message));
        }
        if errors > 0 {
            self.failures += 1;
            let first = result.findings.iter().find(|f| f.severity == Severity::Error).map_or("", |f| f.rule.id());
            let _ = writeln!(
                body,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape_xml(&plural(errors as u64, "error")),
                escape_xml(first),
                escape_xml_text(&finding_lines(result.findings.iter()))
            );
        } else {
            if !result.kind.is_authentication() {
                self.skipped += 1;
                let _ = writeln!(
                    body,
                    "      <skipped message=\"{}\"/>",
                    escape_xml(&format!("{}: not an authentication payload", result.kind.name()))
                );
            }
            out_lines.push_str(&finding_lines(result.findings.iter()));
        }
        if !out_lines.is_empty() {
            let _ = writeln!(body, "      <system-out>{}</system-out>", escape_xml_text(&out_lines));
        }
        if body.is_empty() {
            self.case.push_str("/>\n");
        } else {
            let _ = write!(self.case, ">\n{body}    </testcase>\n");
        }
        self.cases.write_all(self.case.as_bytes())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        let counts = format!(
            "tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\"",
            self.tests, self.failures, self.skipped
        );
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<testsuites name=\"authhook\" {counts}>")?;
        writeln!(out, "  <testsuite name=\"authhook\" {counts}>")?;
        writeln!(out, "    <properties>")?;
        writeln!(out, "      <property name=\"summary\" value=\"{}\"/>", escape_xml(&summary_line(summary)))?;
        for notice in notices {
            writeln!(
                out,
                "      <property name=\"{}\" value=\"{}\"/>",
                escape_xml(notice.code),
                text(&notice.message)
            )?;
        }
        writeln!(out, "    </properties>")?;
        self.cases.copy_to(out)?;
        writeln!(out, "  </testsuite>")?;
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Junit));
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(escape_xml("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\td\ne\r\u{FFFF}"), "abc&#9;d&#10;e&#13;");
        assert_eq!(escape_xml_text("a\u{0}b\u{1b}c\td\ne\r\u{FFFF}"), "abc\td\ne&#13;");
    }
}
