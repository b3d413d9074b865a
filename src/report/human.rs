//! The human format: a block per payload (status, decisive reason, ids, where it was found, then
//! every reason and finding), a summary line, and the deprecation notice.

use std::io::{self, Write};

use super::paint::Paint;
use super::{Notice, Renderer, Style, escape_for_terminal, summary_line};
use crate::assess::{CheckResult, Summary};
use crate::contract::Kind;

pub struct Human {
    paint: Paint,
    quiet: bool,
    blocks: u64,
}

impl Human {
    pub fn new(style: Style) -> Self {
        Human { paint: Paint { enabled: style.color }, quiet: style.quiet, blocks: 0 }
    }

    fn headline(&self, result: &CheckResult) -> String {
        let label = match (result.status, result.kind) {
            (Some(status), _) => self.paint.status(Some(status), status.name()),
            (None, kind) if kind.is_authentication() => self.paint.status(None, "UNKNOWN STATUS"),
            (None, _) if result.valid => self.paint.status(None, "SKIPPED"),
            (None, _) => self.paint.severity(crate::contract::Severity::Error, "UNREADABLE"),
        };
        let what = match result.kind {
            Kind::OnboardingStatus => "onboarding-status webhook",
            _ => result.headline(),
        };
        let invalid = if result.valid || result.status.is_none() {
            String::new()
        } else {
            format!(" {}", self.paint.severity(crate::contract::Severity::Error, "(invalid)"))
        };
        let location =
            format!("{}:{}:{}", escape_for_terminal(&result.source.path), result.source.line, result.source.column);
        let mended = result.mended.as_deref().map(|mended| self.as_mended(mended)).unwrap_or_default();
        format!("{label} {}{invalid}{mended}  {}", self.paint.bold(what), self.paint.dim(&location))
    }

    /// `, as mended: PASS face-matched (closing brace added at 30:24)`, the status painted.
    fn as_mended(&self, mended: &crate::assess::Mended) -> String {
        let verdict = self.paint.status(mended.status, &mended.verdict());
        format!(", as mended: {verdict} ({})", mended.repairs_text())
    }

    fn identifiers(result: &CheckResult) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(customer) = &result.customer_id {
            parts.push(format!("customer {}", escape_for_terminal(customer)));
        }
        if let Some(transaction) = &result.transaction_id {
            parts.push(format!("transaction {}", escape_for_terminal(transaction)));
        }
        if let Some(code) = result.error_code {
            parts.push(format!("errorCode {code}"));
        }
        if result.kind == Kind::Auth1ToN {
            parts.push("1:N authentication".to_owned());
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

impl Renderer for Human {
    fn result(&mut self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        if self.blocks > 0 {
            writeln!(out)?;
        }
        self.blocks += 1;
        writeln!(out, "{}", self.headline(result))?;
        if let Some(ids) = Self::identifiers(result) {
            writeln!(out, "  {ids}")?;
        }
        for reason in &result.reasons {
            writeln!(
                out,
                "  {} {}",
                self.paint.bold(&format!("{}:", reason.code.id())),
                escape_for_terminal(&reason.message)
            )?;
        }
        for finding in &result.findings {
            let tag =
                self.paint.severity(finding.severity, &format!("{}[{}]", finding.severity.name(), finding.rule.id()));
            let pointer = if finding.pointer.is_empty() {
                String::new()
            } else {
                format!(" {}", escape_for_terminal(&finding.pointer))
            };
            let at = self.paint.dim(&format!("{}:{}", finding.line, finding.column));
            writeln!(out, "  {tag} {at}{pointer}: {}", escape_for_terminal(&finding.message))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        if self.blocks > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", self.paint.bold(&summary_line(summary)))?;
        if !self.quiet {
            for notice in notices {
                writeln!(out, "{} {}", self.paint.dim("note:"), notice.message)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Human));
    }
}
