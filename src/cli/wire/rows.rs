//! What `send` and `probe` print: one row per attempt (`send`) or per case (`probe`) — what was
//! sent, the answer's status, content type and latency, whether it passed and why — and a
//! summary line, in each output format, one renderer per format behind one trait.

use std::io::{self, Write};
use std::time::Duration;

use authhook::report::{escape_for_terminal, escape_xml, plural};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde::Serialize;

/// One attempt or case and how it went.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    /// The case id (`probe`) or the payload's number in input order (`send`).
    pub id: String,
    /// What was sent: the payload's source, or the case's line.
    pub what: String,
    /// 1 for a first delivery, 2 and on for retries.
    pub attempt: u32,
    /// The answer's status, `None` when there was no answer.
    pub status: Option<u16>,
    pub content_type: Option<String>,
    /// Milliseconds until the whole answer.
    pub latency_ms: Option<u64>,
    pub passed: bool,
    /// Why it passed or failed, in words.
    pub message: String,
    /// The rules what was sent breaks (`send` checks what it sends).
    pub findings: Vec<String>,
}

impl Row {
    pub fn latency(&mut self, latency: Duration) {
        self.latency_ms = Some(u64::try_from(latency.as_millis()).unwrap_or(u64::MAX));
    }
}

/// The totals the summary line gives.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// What a row is called: `attempt` or `case`.
    #[serde(skip)]
    pub noun: &'static str,
    pub rows: u64,
    pub passed: u64,
    pub failed: u64,
    /// The payloads sent (`send`), or 0.
    pub payloads: u64,
}

impl Totals {
    pub fn add(&mut self, row: &Row) {
        self.rows += 1;
        if row.passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }

    pub fn line(&self, passed: &str, failed: &str) -> String {
        format!("{}: {} {passed}, {} {failed}", plural(self.rows, self.noun), self.passed, self.failed)
    }
}

/// Writes what follows the last row, and says how the run ends: 2 when something could not be
/// reached (`unreachable` says what, on standard error), 1 when a row failed, else 0.
pub fn conclude(
    renderer: &mut dyn RowRenderer,
    out: &mut dyn Write,
    totals: &Totals,
    line: &str,
    unreachable: Option<String>,
) -> crate::cli::exit::ExitStatus {
    use crate::cli::exit::ExitStatus;
    let _ = renderer.finish(out, totals, line).and_then(|()| out.flush());
    if let Some(message) = unreachable {
        authhook::report::tell_problem(&mut io::stderr(), &message);
        ExitStatus::Trouble
    } else if totals.failed > 0 {
        ExitStatus::Invalid
    } else {
        ExitStatus::Valid
    }
}

/// The formats `send` and `probe` write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum RowFormat {
    /// A line per row, then the summary line.
    #[default]
    Human,
    /// One JSON object per row.
    Ndjson,
    /// One JSON document: rows and totals.
    Json,
    /// A table of the rows, then the summary line.
    Table,
    /// JUnit XML: a test case per row.
    Junit,
}

/// Writes one format.
pub trait RowRenderer: Send {
    fn row(&mut self, out: &mut dyn Write, row: &Row) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, line: &str) -> io::Result<()>;
}

impl RowFormat {
    pub fn renderer(self) -> Box<dyn RowRenderer> {
        match self {
            RowFormat::Human => Box::new(Human),
            RowFormat::Ndjson => Box::new(Lines),
            RowFormat::Json => Box::new(Document::default()),
            RowFormat::Table => Box::new(Tabled::default()),
            RowFormat::Junit => Box::new(Junit::default()),
        }
    }
}

fn answer_text(row: &Row) -> String {
    let status = row.status.map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let content_type = row.content_type.as_deref().map(|c| format!(" {}", escape_for_terminal(c))).unwrap_or_default();
    let latency = row.latency_ms.map(|ms| format!(", {ms} ms")).unwrap_or_default();
    format!("{status}{content_type}{latency}")
}

struct Human;

impl RowRenderer for Human {
    fn row(&mut self, out: &mut dyn Write, row: &Row) -> io::Result<()> {
        let verdict = if row.passed { "ok  " } else { "FAIL" };
        let attempt = if row.attempt > 1 { format!(" (attempt {})", row.attempt) } else { String::new() };
        writeln!(
            out,
            "{verdict} {} {}{attempt}: {}: {}",
            escape_for_terminal(&row.id),
            escape_for_terminal(&row.what),
            answer_text(row),
            escape_for_terminal(&row.message)
        )?;
        if !row.findings.is_empty() {
            writeln!(out, "     what was sent breaks: {}", row.findings.join(", "))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _: &Totals, line: &str) -> io::Result<()> {
        writeln!(out, "{line}")
    }
}

struct Lines;

impl RowRenderer for Lines {
    fn row(&mut self, out: &mut dyn Write, row: &Row) -> io::Result<()> {
        serde_json::to_writer(&mut *out, row)?;
        writeln!(out)
    }

    fn finish(&mut self, _: &mut dyn Write, _: &Totals, _: &str) -> io::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Document {
    rows: Vec<Row>,
}

impl RowRenderer for Document {
    fn row(&mut self, _: &mut dyn Write, row: &Row) -> io::Result<()> {
        self.rows.push(row.clone());
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, totals: &Totals, line: &str) -> io::Result<()> {
        let document = serde_json::json!({ "rows": self.rows, "totals": totals, "summary": line });
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}

#[derive(Default)]
struct Tabled {
    rows: Vec<Row>,
}

impl RowRenderer for Tabled {
    fn row(&mut self, _: &mut dyn Write, row: &Row) -> io::Result<()> {
        self.rows.push(row.clone());
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _: &Totals, line: &str) -> io::Result<()> {
        let mut table = Table::new();
        table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
        table.set_header(["", "id", "what", "attempt", "answer", "why"]);
        for row in &self.rows {
            table.add_row([
                if row.passed { "ok" } else { "FAIL" }.to_owned(),
                escape_for_terminal(&row.id).into_owned(),
                escape_for_terminal(&row.what).into_owned(),
                row.attempt.to_string(),
                answer_text(row),
                escape_for_terminal(&row.message).into_owned(),
            ]);
        }
        writeln!(out, "{table}\n{line}")
    }
}

#[derive(Default)]
struct Junit {
    cases: String,
    tests: u64,
    failures: u64,
}

impl RowRenderer for Junit {
    fn row(&mut self, _: &mut dyn Write, row: &Row) -> io::Result<()> {
        self.tests += 1;
        let name = escape_xml(&escape_for_terminal(&format!("{} {}", row.id, row.what)));
        let time = row.latency_ms.map_or(0.0, |ms| ms as f64 / 1000.0);
        self.cases.push_str(&format!("    <testcase name=\"{name}\" classname=\"authhook\" time=\"{time:.3}\">\n"));
        let detail = escape_xml(&escape_for_terminal(&format!("{}: {}", answer_text(row), row.message)));
        if !row.passed {
            self.failures += 1;
            self.cases.push_str(&format!("      <failure message=\"{detail}\">{detail}</failure>\n"));
        } else {
            self.cases.push_str(&format!("      <system-out>{detail}</system-out>\n"));
        }
        self.cases.push_str("    </testcase>\n");
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _: &Totals, line: &str) -> io::Result<()> {
        let (tests, failures) = (self.tests, self.failures);
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{tests}\" failures=\"{failures}\">\n  <testsuite name=\"authhook\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n    <properties>\n      <property name=\"summary\" value=\"{}\"/>\n    </properties>\n{}  </testsuite>\n</testsuites>\n",
            escape_xml(line),
            self.cases
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        let mut acknowledged = Row {
            id: "1".into(),
            what: "samples/spoof.json:1:1".into(),
            attempt: 1,
            status: Some(200),
            content_type: Some("application/json".into()),
            latency_ms: None,
            passed: true,
            message: "acknowledged".into(),
            findings: vec![],
        };
        acknowledged.latency(Duration::from_millis(3));
        let retried = Row {
            id: "2".into(),
            what: "<b>&\u{1b}[31m".into(),
            attempt: 2,
            status: Some(500),
            content_type: None,
            latency_ms: Some(1),
            passed: false,
            message: "the vendor would retry this: status 500".into(),
            findings: vec!["id-format".into()],
        };
        vec![acknowledged, retried]
    }

    fn render(format: RowFormat) -> String {
        let mut renderer = format.renderer();
        let mut out = Vec::new();
        let mut totals = Totals { noun: "attempt", ..Totals::default() };
        for row in rows() {
            totals.add(&row);
            let _ = renderer.row(&mut out, &row);
        }
        let line = totals.line("acknowledged", "not acknowledged");
        let _ = renderer.finish(&mut out, &totals, &line);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn every_format_renders_rows_and_totals() {
        for format in [RowFormat::Human, RowFormat::Ndjson, RowFormat::Json, RowFormat::Table, RowFormat::Junit] {
            insta::assert_snapshot!(format!("{format:?}").to_lowercase(), render(format));
        }
        assert!(roxmltree::Document::parse(&render(RowFormat::Junit)).is_ok());
    }
}
