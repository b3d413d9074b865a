//! The JSON and NDJSON formats: one conversion (serde), two framings.
//!
//! JSON is one document, `{"schemaVersion":1,"results":[...],"summary":{...},"notices":[...]}`,
//! written as it goes with one result per line. NDJSON is one result object per line and
//! nothing else. The shape of a result is documented in the README.

use std::io::{self, Write};

use serde::Serialize;

use super::{Notice, Renderer, SCHEMA_VERSION};
use crate::assess::{CheckResult, Summary};

pub struct Json {
    /// Whether the results are wrapped in one document (JSON) or stand alone (NDJSON).
    document: bool,
    results_written: u64,
    /// One result's text, reused.
    buf: Vec<u8>,
}

impl Json {
    pub fn document() -> Self {
        Json { document: true, results_written: 0, buf: Vec::new() }
    }

    pub fn lines() -> Self {
        Json { document: false, results_written: 0, buf: Vec::new() }
    }
}

/// Writes `result` as one JSON object into `buf`, the payload last.
pub fn write_result(result: &CheckResult, buf: &mut Vec<u8>) -> io::Result<()> {
    serde_json::to_writer(&mut *buf, result)?;
    // The serialized result is an object: reopen it to add the payload's own JSON text.
    buf.pop();
    buf.extend_from_slice(b",\"payload\":");
    buf.extend_from_slice(result.payload.as_deref().unwrap_or("null").as_bytes());
    buf.push(b'}');
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tail<'a> {
    summary: &'a Summary,
    notices: &'a [Notice],
}

impl Renderer for Json {
    fn result(&mut self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        if self.document {
            if self.results_written == 0 {
                writeln!(out, "{{\"schemaVersion\":{SCHEMA_VERSION},\"results\":[")?;
            } else {
                out.write_all(b",\n")?;
            }
        }
        match &result.rendered {
            Some(rendered) => out.write_all(rendered)?,
            None => {
                self.buf.clear();
                write_result(result, &mut self.buf)?;
                out.write_all(&self.buf)?;
            }
        }
        if !self.document {
            out.write_all(b"\n")?;
        }
        self.results_written += 1;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        if !self.document {
            return Ok(());
        }
        if self.results_written == 0 {
            write!(out, "{{\"schemaVersion\":{SCHEMA_VERSION},\"results\":[")?;
        } else {
            out.write_all(b"\n")?;
        }
        let tail = serde_json::to_string(&Tail { summary, notices })?;
        // The tail is an object; splice its members after the results array.
        let members = tail.strip_prefix('{').unwrap_or(&tail);
        writeln!(out, "],{members}")
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Json));
    }

    #[test]
    fn renders_the_samples_as_lines() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Ndjson));
    }
}
