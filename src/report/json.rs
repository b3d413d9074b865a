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

/// Writes `result` as one JSON object into `buf`, the payload last: the text serde writes for a
/// [`CheckResult`] (a test holds the two equal), with the member names written as they stand
/// rather than escaped one by one, which for a result of a few dozen short members is most of
/// the work. Findings and the mended reading, rare in a clean capture, are written by sonic-rs.
pub fn write_result(result: &CheckResult, buf: &mut Vec<u8>) -> io::Result<()> {
    let source = &result.source;
    buf.extend_from_slice(b"{\"source\":{\"path\":");
    write_str(buf, &source.path)?;
    buf.extend_from_slice(b",\"line\":");
    write_integer(buf, Some(source.line));
    buf.extend_from_slice(b",\"column\":");
    write_integer(buf, Some(source.column));
    buf.extend_from_slice(b",\"offset\":");
    write_integer(buf, Some(source.offset));
    buf.extend_from_slice(b"},\"capturedAt\":");
    write_optional_str(buf, result.captured_at.as_deref())?;
    buf.extend_from_slice(b",\"kind\":");
    write_str(buf, result.kind.name())?;
    buf.extend_from_slice(b",\"status\":");
    write_optional_str(buf, result.status.map(|status| status.name()))?;
    buf.extend_from_slice(if result.valid {
        b",\"valid\":true,\"reasons\":["
    } else {
        b",\"valid\":false,\"reasons\":["
    });
    for (i, reason) in result.reasons.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"{\"code\":" } else { b",{\"code\":" });
        write_str(buf, reason.code.id())?;
        buf.extend_from_slice(b",\"message\":");
        write_str(buf, &reason.message)?;
        buf.push(b'}');
    }
    buf.extend_from_slice(b"],\"findings\":");
    sonic_rs::to_writer(&mut *buf, &result.findings).map_err(io::Error::other)?;
    buf.extend_from_slice(b",\"mended\":");
    sonic_rs::to_writer(&mut *buf, &result.mended).map_err(io::Error::other)?;
    buf.extend_from_slice(b",\"customerId\":");
    write_optional_str(buf, result.customer_id.as_deref())?;
    buf.extend_from_slice(b",\"transactionId\":");
    write_optional_str(buf, result.transaction_id.as_deref())?;
    buf.extend_from_slice(b",\"errorCode\":");
    write_integer(buf, result.error_code);
    buf.extend_from_slice(b",\"overallScore\":");
    write_float(buf, result.overall_score);
    buf.extend_from_slice(b",\"recognitionConfidence\":");
    write_float(buf, result.recognition_confidence);
    buf.extend_from_slice(b",\"spoofConfidence\":");
    write_float(buf, result.spoof_confidence);
    buf.extend_from_slice(b",\"payload\":");
    buf.extend_from_slice(result.payload.as_deref().unwrap_or("null").as_bytes());
    buf.push(b'}');
    Ok(())
}

/// A JSON string: as it stands when nothing in it needs an escape, else escaped by sonic-rs.
fn write_str(buf: &mut Vec<u8>, text: &str) -> io::Result<()> {
    if crate::json::needs_escape(text) {
        return sonic_rs::to_writer(&mut *buf, text).map_err(io::Error::other);
    }
    buf.push(b'"');
    buf.extend_from_slice(text.as_bytes());
    buf.push(b'"');
    Ok(())
}

fn write_optional_str(buf: &mut Vec<u8>, text: Option<&str>) -> io::Result<()> {
    match text {
        Some(text) => write_str(buf, text),
        None => {
            buf.extend_from_slice(b"null");
            Ok(())
        }
    }
}

/// A whole number as serde writes it (`null` for `None`).
fn write_integer(buf: &mut Vec<u8>, number: Option<impl itoa::Integer>) {
    match number {
        Some(number) => buf.extend_from_slice(itoa::Buffer::new().format(number).as_bytes()),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A number as serde writes it: the shortest text that reads back as it (zmij, as serde_json
/// uses), `null` for `None` and for what is not finite.
fn write_float(buf: &mut Vec<u8>, number: Option<f64>) {
    match number {
        Some(number) if number.is_finite() => {
            buf.extend_from_slice(zmij::Buffer::new().format_finite(number).as_bytes());
        }
        _ => buf.extend_from_slice(b"null"),
    }
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
    use super::write_result;
    use crate::assess::CheckResult;
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

    /// Results of every shape: the samples, and results with findings, a mended reading, a
    /// capture time and texts that need escapes, and numbers that are not finite.
    #[test]
    fn results_are_written_as_serde_writes_them() {
        let mut results: Vec<CheckResult> = crate::contract::samples::SAMPLES
            .iter()
            .flat_map(|sample| crate::Checker::new().check_body(sample.json.as_bytes()).unwrap_or_default())
            .collect();
        let broken = crate::Checker::new().check_body(br#"{"overallStatus": "PASS", "faceMatch": true,}"#);
        results.extend(broken.unwrap_or_default());
        let mut odd = results.first().cloned().expect("a sample");
        odd.source.path = "dir/\"quoted\"\\\u{1}\u{2028}é.log".into();
        odd.captured_at = Some("2026-11-25T10:00:00Z\t".into());
        odd.customer_id = Some("\u{7f}".into());
        odd.transaction_id = None;
        odd.status = None;
        odd.valid = false;
        odd.error_code = Some(-4005);
        (odd.overall_score, odd.recognition_confidence, odd.spoof_confidence) = (Some(f64::NAN), Some(1e300), None);
        odd.reasons.iter_mut().for_each(|reason| reason.message.push_str(" \"\\\n"));
        odd.payload = None;
        results.push(odd);
        assert!(results.iter().any(|r| !r.findings.is_empty()) && results.iter().any(|r| r.mended.is_some()));
        for result in results {
            let mut written = Vec::new();
            write_result(&result, &mut written).unwrap();
            let mut expected = serde_json::to_vec(&result).unwrap();
            expected.pop();
            expected.extend_from_slice(b",\"payload\":");
            expected.extend_from_slice(result.payload.as_deref().unwrap_or("null").as_bytes());
            expected.push(b'}');
            assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
        }
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
