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

/// Writes `result` as one JSON object into `buf`, the payload last. sonic-rs writes it: the same
/// text serde_json would (see the tests), with strings escaped many bytes at a time, which for
/// a result of a few dozen strings is a fifth less work.
pub fn write_result(result: &CheckResult, buf: &mut Vec<u8>) -> io::Result<()> {
    sonic_rs::to_writer(&mut *buf, result).map_err(io::Error::other)?;
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

    /// What a result holds, written by both serializers: numbers at the edges of `f64`'s
    /// formatting, and strings with every kind of character JSON escapes or keeps.
    #[test]
    fn sonic_rs_writes_what_serde_json_writes() {
        let numbers = [
            0.0,
            -0.0,
            1.0,
            0.1,
            0.83940647,
            1e-7,
            1.5e-7,
            1e-6,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            123456789012345680.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            4005.0,
            0.30000000000000004,
            2.5e-5,
            1e23,
        ];
        for number in numbers {
            assert_eq!(sonic_rs::to_string(&number).ok(), serde_json::to_string(&number).ok(), "{number:e}");
        }
        let text: String = (0u32..0x800).filter_map(char::from_u32).collect();
        let strings = [
            text.as_str(),
            "\u{2028}\u{2029}\u{feff}\u{ffff}\u{10ffff}\"\\/",
            "faceMatch is true, recognition confidence 0.83940647",
            "",
        ];
        for string in strings {
            assert_eq!(sonic_rs::to_string(string).ok(), serde_json::to_string(string).ok(), "{string:?}");
        }
        let details = serde_json::json!({"a": [1, -2, 3.5, null, true, "x\u{1}"], "b": {"c": u64::MAX, "d": i64::MIN}});
        assert_eq!(sonic_rs::to_string(&details).ok(), serde_json::to_string(&details).ok());
    }

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Json));
    }

    #[test]
    fn renders_the_samples_as_lines() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Ndjson));
    }
}
