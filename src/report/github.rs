//! The GitHub format: GitHub Actions workflow commands, so findings show as annotations on the
//! files of a pull request.
//!
//! One command per finding, `::error file=PATH,line=L,col=C,title=RULE::MESSAGE` (`::warning` for
//! warnings, `::notice` for notes), then the summary line as plain text and each notice as
//! `::notice title=CODE::MESSAGE`. A result without findings writes nothing. Text from a payload
//! first goes through [`escape_for_terminal`], then through the runner's own encoding: `%`, CR and
//! LF in the message, and `:` and `,` as well in property values.

use std::io::{self, Write};

use super::{Notice, Renderer, escape_for_terminal, summary_line};
use crate::assess::{CheckResult, Summary};
use crate::contract::Severity;
use crate::rules::Finding;

#[derive(Debug, Default)]
pub struct Github;

/// The workflow command for a finding of this severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// What a finding says, with where in the payload and what the payload concluded:
/// `/transactionId: transactionId "…" is not 24 lowercase hex characters … (payload: PASS, face-matched)`.
/// Not yet escaped.
pub(super) fn finding_text(result: &CheckResult, finding: &Finding) -> String {
    let mut text = String::new();
    if !finding.pointer.is_empty() {
        text.push_str(&finding.pointer);
        text.push_str(": ");
    }
    text.push_str(&finding.message);
    let mut context: Vec<&str> = Vec::new();
    if let Some(status) = result.status {
        context.push(status.name());
    }
    if let Some(reason) = result.decisive_reason() {
        context.push(reason.id());
    }
    if context.is_empty() && result.kind != crate::contract::Kind::Unknown {
        context.push(result.kind.name());
    }
    if !context.is_empty() {
        text.push_str(&format!(" (payload: {})", context.join(", ")));
    }
    if let Some(mended) = result.mended.as_deref().filter(|_| finding.rule == crate::contract::Rule::Syntax) {
        text.push_str(&format!("; {}", mended.summary()));
    }
    text
}

/// Encodes the message of a workflow command (what follows `::`).
pub fn escape_data(text: &str) -> String {
    escape(text, false)
}

/// Encodes a property value of a workflow command (`file=`, `title=`), where `:` and `,` also
/// separate.
pub fn escape_property(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Github {
    fn result(&mut self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        for finding in &result.findings {
            // Standard input is no file of the repository: the annotation then has no file.
            let file = if &*result.source.path == "-" {
                String::new()
            } else {
                format!("file={},", escape_property(&escape_for_terminal(&result.source.path)))
            };
            writeln!(
                out,
                "::{} {file}line={},col={},title={}::{}",
                command(finding.severity),
                finding.line,
                finding.column,
                escape_property(finding.rule.id()),
                escape_data(&escape_for_terminal(&finding_text(result, finding)))
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        writeln!(out, "authhook: {}", summary_line(summary))?;
        for notice in notices {
            writeln!(
                out,
                "::notice title={}::{}",
                escape_property(notice.code),
                escape_data(&escape_for_terminal(&notice.message))
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Github));
    }

    #[test]
    fn encodes_as_the_runner_requires() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
