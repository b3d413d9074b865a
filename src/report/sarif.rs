//! The SARIF format: one SARIF 2.1.0 log for code-scanning tools (GitHub code scanning, IDEs).
//!
//! One run whose `tool.driver` describes every rule of the contract (sorted by id, with the same
//! help text as `authhook explain RULE`) and whose results are the findings, one each, located by
//! path, line and column (columns count characters: `columnKind` is `unicodeCodePoints`). The JSON
//! pointer, the kind of webhook and the payload's status go in each result's property bag; the
//! summary and the notices in the run's. The log is written as it goes, so memory does not grow
//! with the number of findings: the driver and its rules first, then each result on a line of its
//! own as it comes, then the run's properties, which JSON lets follow the results.

use std::io::{self, Write};

use serde::Serialize;

use super::github::finding_text;
use super::{Notice, Renderer, escape_for_terminal};
use crate::assess::{CheckResult, Summary};
use crate::contract::explain::{Topic, render};
use crate::contract::{RULES, RuleSpec};
use crate::rules::Details;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const VERSION: &str = "2.1.0";

pub struct Sarif {
    /// Every rule, sorted by id: the driver's `rules`, which `ruleIndex` points into.
    rules: Vec<&'static RuleSpec>,
    /// Whether the log's head (up to the opening of `results`) is written.
    started: bool,
    results_written: u64,
}

impl Sarif {
    pub fn new() -> Self {
        let mut rules: Vec<&'static RuleSpec> = RULES.iter().collect();
        rules.sort_by_key(|spec| spec.id);
        Sarif { rules, started: false, results_written: 0 }
    }

    /// The whole log with no results, pretty-printed and cut where the results go: the text
    /// before them, and the text after them (the run's properties and the closing brackets).
    fn frame(&self, summary: &Summary, notices: &[Notice]) -> io::Result<(String, String)> {
        let log = Log {
            schema: SCHEMA,
            version: VERSION,
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "authhook",
                        version: env!("CARGO_PKG_VERSION"),
                        rules: self.rules.iter().copied().map(descriptor).collect(),
                    },
                },
                column_kind: "unicodeCodePoints",
                results: &[],
                properties: RunProperties { summary, notices },
            }],
        };
        let text = serde_json::to_string_pretty(&log)?;
        let (head, tail) = text.split_once(RESULTS_MARK).ok_or_else(|| io::Error::other("the SARIF frame"))?;
        Ok((head.to_owned(), tail.to_owned()))
    }

    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            let (head, _) = self.frame(&Summary::default(), &[])?;
            write!(out, "{head}\"results\": [")?;
            self.started = true;
        }
        Ok(())
    }
}

/// Where the results stand in the pretty-printed frame of the log.
const RESULTS_MARK: &str = "\"results\": []";

impl Default for Sarif {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: &'a [SarifResult<'a>],
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    summary: &'a Summary,
    notices: &'a [Notice],
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    properties: ResultProperties<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
}

#[derive(Serialize)]
struct ResultProperties<'r> {
    /// RFC 6901 pointer into the payload; empty for the payload as a whole.
    pointer: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    /// The values behind the finding.
    details: &'r Details,
}

fn descriptor(spec: &'static RuleSpec) -> ReportingDescriptor {
    ReportingDescriptor {
        id: spec.id,
        name: spec.id,
        short_description: Text { text: spec.summary.to_owned() },
        full_description: Text { text: spec.cause.to_owned() },
        help: Text { text: render(Topic::Rule(spec)).trim_end().to_owned() },
        default_configuration: Configuration { level: spec.severity.name() },
    }
}

/// An input's path as a URI reference: `-` (standard input) is `stdin`; bytes that may not stand
/// in a URI path as they are (and `:`, which would read as a scheme) are percent-encoded.
pub fn path_to_uri(path: &str) -> String {
    if path == "-" {
        return "stdin".to_owned();
    }
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

impl Renderer for Sarif {
    fn result(&mut self, out: &mut dyn Write, result: &CheckResult) -> io::Result<()> {
        self.start(out)?;
        for finding in &result.findings {
            let rule_id = finding.rule.id();
            let rule_index = self.rules.iter().position(|spec| spec.id == rule_id).unwrap_or(0);
            let sarif = SarifResult {
                rule_id,
                rule_index,
                level: finding.severity.name(),
                message: Text { text: escape_for_terminal(&finding_text(result, finding)).into_owned() },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: path_to_uri(&result.source.path) },
                        region: Region { start_line: finding.line.max(1), start_column: finding.column.max(1) },
                    },
                }],
                properties: ResultProperties {
                    pointer: finding.pointer.clone(),
                    kind: result.kind.name(),
                    status: result.status.map(|status| status.name()),
                    details: &finding.details,
                },
            };
            out.write_all(if self.results_written == 0 { b"\n        " } else { b",\n        " })?;
            serde_json::to_writer(&mut *out, &sarif)?;
            self.results_written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary, notices: &[Notice]) -> io::Result<()> {
        self.start(out)?;
        let (_, tail) = self.frame(summary, notices)?;
        writeln!(out, "\n      ]{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    #[test]
    fn renders_the_samples() {
        insta::assert_snapshot!(crate::report::tests::render_samples(Format::Sarif));
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(path_to_uri("-"), "stdin");
        assert_eq!(path_to_uri("samples/pass.json"), "samples/pass.json");
        assert_eq!(path_to_uri("a b/c:d%é.json"), "a%20b/c%3Ad%25%C3%A9.json");
    }
}
