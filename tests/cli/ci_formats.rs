//! Command-line tests of the formats for CI systems (`--format github`, `sarif`, `junit`) and of
//! `-o/--output`: snapshots over `samples/`, escaping of hostile text, SARIF validated against the
//! SARIF 2.1.0 JSON schema, JUnit parsed as XML, and the report file's errors.
//!
//! Every command runs from the crate root with a fixed date (`AUTHHOOK_TODAY`) and colour off.
//! `samples/` holds two payloads with one transactionId and different content (a
//! conflicting-delivery error) and a capture with a syntax error, so checking it exits 1.
//!
//! The schema in tests/fixtures/ci/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema as the
//! `serde-sarif` crate (0.8.0, `src/schema.json`) ships it; see tests/fixtures/ci/README.md.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{authhook, check, crate_path, run, tempdir};

/// A PASS payload with an unknown key holding characters the formats must encode: `%`, `,`, `:`,
/// a newline, ESC, U+0001, U+202E and XML's specials.
const HOSTILE_PAYLOAD: &str = r#"{"customerId":"67460a9995516d9a553aa95b","faceMatch":true,"recognitionConfidence":{"confidence":0.9},"overallScore":0.9,"overallStatus":"PASS","50%,a:b\nc\u001b[31m\u0001\u202e<&\"'>":1}"#;

/// A file name with what workflow command properties and XML must encode.
const HOSTILE_FILE_NAME: &str = "odd,name:50% <&'\">.json";

/// A directory holding the hostile payload in a file with the hostile name.
fn hostile_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempdir();
    let file = dir.path().join(HOSTILE_FILE_NAME);
    std::fs::write(&file, HOSTILE_PAYLOAD).expect("the payload is written");
    (dir, file)
}

/// The SARIF log with the crate's version replaced, so a release does not change the snapshot.
fn without_version(sarif: &str) -> String {
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(sarif.contains(&version), "the driver names the crate's version");
    sarif.replacen(&version, "\"version\": \"[VERSION]\"", 1)
}

/// The `language` pattern of the OASIS schema (in `run` and `toolComponent`): a known defect
/// upstream, a stray `]` that strict regex engines reject, so the schema does not pass draft-07
/// meta-schema validation as it is. authhook never writes `language`.
const BROKEN_LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

/// Drops every `pattern` keyword holding [`BROKEN_LANGUAGE_PATTERN`], in memory only: the vendored
/// file stays byte for byte as shipped.
fn drop_broken_patterns(value: &mut Value) -> usize {
    match value {
        Value::Object(members) => {
            let mut dropped = 0;
            if members.get("pattern").and_then(Value::as_str) == Some(BROKEN_LANGUAGE_PATTERN) {
                members.remove("pattern");
                dropped += 1;
            }
            dropped + members.values_mut().map(drop_broken_patterns).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(drop_broken_patterns).sum(),
        _ => 0,
    }
}

/// The SARIF 2.1.0 schema, ready to compile.
fn sarif_schema() -> Value {
    let text = std::fs::read_to_string(crate_path("tests/fixtures/ci/sarif-schema-2.1.0.json")).expect("the schema");
    let mut schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    assert_eq!(drop_broken_patterns(&mut schema), 2, "the vendored schema changed: review the language patterns");
    schema
}

/// Asserts `sarif` is one JSON document valid against the SARIF 2.1.0 schema (formats such as
/// `uri-reference` included), and returns it.
fn assert_valid_sarif(sarif: &str) -> Value {
    let validator =
        jsonschema::options().should_validate_formats(true).build(&sarif_schema()).expect("the SARIF schema compiles");
    let log: Value = serde_json::from_str(sarif).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{sarif}"));
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|error| format!("{} at {}", error, error.instance_path())).collect();
    assert!(errors.is_empty(), "the SARIF log breaks the schema:\n{}", errors.join("\n"));
    log
}

/// Parses `xml` as XML 1.0, panicking with the parser's complaint if it is not well-formed.
fn parse_xml(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"))
}

/// Whether `c` may not appear in a log or report: a control character other than tab and
/// newline, or a bidirectional control.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

// 1. Snapshots over the samples.

#[test]
fn github_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "github", "samples/"]), 1);
    insta::assert_snapshot!("check_github", stdout);
}

#[test]
fn sarif_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "sarif", "samples/"]), 1);
    insta::assert_snapshot!("check_sarif", without_version(&stdout));
}

#[test]
fn junit_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "junit", "samples/"]), 1);
    insta::assert_snapshot!("check_junit", stdout);
}

// 2. GitHub workflow commands.

#[test]
fn github_format_has_a_command_per_finding_then_the_summary_and_the_notice() {
    let (stdout, _) = run(&mut check(&["--format", "github", "samples/"]), 1);
    let lines: Vec<&str> = stdout.lines().collect();
    let (commands, tail) = lines.split_at(lines.len() - 2);
    assert!(
        commands.iter().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "))
    );
    assert!(
        commands
            .iter()
            .any(|l| l.starts_with("::error file=samples/lenses.json,") && l.contains("title=conflicting-delivery::"))
    );
    assert!(
        commands
            .iter()
            .any(|l| l.starts_with("::error file=samples/captured.log,line=20,") && l.contains("title=syntax::"))
    );
    let id_format = commands.iter().find(|l| l.contains("title=id-format::")).expect("the pass sample's id-format");
    assert!(id_format.starts_with("::warning file=samples/pass.json,line=6,col=20,"), "{id_format}");
    assert!(id_format.contains("::/transactionId: transactionId \"549994d9r3474bfcbbbdc5a5\" is not 24 lowercase hex"));
    assert!(id_format.ends_with("(payload: PASS, face-matched)"), "{id_format}");
    assert!(commands.iter().any(|l| l.starts_with("::notice ") && l.contains("title=duplicate-delivery::")));
    assert_eq!(
        tail[0],
        "authhook: 12 results: 2 PASS, 8 FAIL (1 invalid), 1 onboarding webhook, 1 unreadable; 2 warnings, 2 notes"
    );
    assert!(tail[1].starts_with("::notice title=deprecation::the 1:1 Authentication webhook"), "{}", tail[1]);
}

#[test]
fn github_format_encodes_properties_and_messages_as_the_runner_requires() {
    let (dir, _) = hostile_dir();
    let dir_arg = dir.path().to_str().expect("a UTF-8 path");
    let (stdout, _) = run(&mut check(&["--format", "github", dir_arg]), 0);
    let command = stdout.lines().find(|l| l.contains("title=unknown-field::")).expect("an unknown-field warning");
    // Property values: `%`, `,` and `:` encoded, so the file name cannot end the property early.
    let encoded_name = "odd%2Cname%3A50%25 <&'\">.json";
    assert!(command.starts_with("::warning file="), "{command}");
    assert!(command.contains(&format!("{encoded_name},line=1,col=")), "{command}");
    let (properties, message) =
        command.split_once("::").map(|(_, rest)| rest).and_then(|r| r.split_once("::")).expect("a command");
    assert!(!properties.contains("odd,name") && !properties.contains("name:50"), "{properties}");
    // The message: `%` encoded; `,` and `:` kept; controls and bidi shown as escapes, never raw.
    assert!(message.starts_with("/50%25,a:b\\u{a}c\\u{1b}[31m\\u{1}\\u{202e}<&\"'>: "), "{message}");
    assert!(!message.contains("50%,"), "{message}");
    assert!(!stdout.chars().any(is_unsafe), "a control character reached the log: {stdout:?}");
    // Every line is a workflow command or the summary: nothing was split by a raw newline.
    assert!(stdout.lines().all(|l| l.starts_with("::") || l.starts_with("authhook: ")), "{stdout}");
}

#[test]
fn github_format_names_no_file_for_standard_input() {
    let mut cmd = check(&["--format", "github", "-"]);
    cmd.write_stdin(HOSTILE_PAYLOAD);
    let (stdout, _) = run(&mut cmd, 0);
    let command = stdout.lines().find(|l| l.contains("title=unknown-field::")).expect("an unknown-field warning");
    assert!(command.starts_with("::warning line=1,col="), "{command}");
}

// 3. SARIF.

#[test]
fn sarif_over_samples_is_valid_against_the_sarif_2_1_0_schema() {
    let (stdout, _) = run(&mut check(&["--format", "sarif", "samples/"]), 1);
    let log = assert_valid_sarif(&stdout);
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
}

#[test]
fn sarif_with_hostile_text_and_standard_input_is_valid_against_the_schema() {
    let (dir, _) = hostile_dir();
    let dir_arg = dir.path().to_str().expect("a UTF-8 path");
    let (stdout, _) = run(&mut check(&["--format", "sarif", dir_arg]), 0);
    let log = assert_valid_sarif(&stdout);
    let result = &log["runs"][0]["results"][0];
    let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().expect("a uri");
    assert!(uri.ends_with("/odd,name%3A50%25%20%3C&'%22%3E.json"), "{uri}");
    assert_eq!(result["properties"]["pointer"], "/50%,a:b\nc\u{1b}[31m\u{1}\u{202e}<&\"'>");
    assert!(!result["message"]["text"].as_str().expect("a message").chars().any(is_unsafe));

    let mut cmd = check(&["--format", "sarif", "-"]);
    cmd.write_stdin(HOSTILE_PAYLOAD);
    let (stdout, _) = run(&mut cmd, 0);
    let log = assert_valid_sarif(&stdout);
    assert_eq!(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "stdin");
}

#[test]
fn the_schema_check_rejects_what_sarif_forbids() {
    let (stdout, _) = run(&mut check(&["--format", "sarif", "samples/pass.json"]), 0);
    let log: Value = serde_json::from_str(&stdout).expect("one JSON document");
    let validator =
        jsonschema::options().should_validate_formats(true).build(&sarif_schema()).expect("the SARIF schema compiles");
    assert!(validator.is_valid(&log));
    let breakages: [(&str, Value); 4] = [
        ("/runs/0/results/0/level", Value::from("fatal")),
        ("/runs/0/results/0/locations/0/physicalLocation/region/startLine", Value::from(0)),
        ("/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri", Value::from("a b\\c d")),
        ("/runs/0/tool/driver/rules/0/defaultConfiguration/level", Value::from("fatal")),
    ];
    for (pointer, value) in breakages {
        let mut broken = log.clone();
        *broken.pointer_mut(pointer).expect("the member exists") = value;
        assert!(!validator.is_valid(&broken), "{pointer} should break the schema");
    }
}

#[test]
fn sarif_driver_describes_every_rule_sorted_with_the_explain_text() {
    let (stdout, _) = run(&mut check(&["--format", "sarif", "samples/"]), 1);
    let log: Value = serde_json::from_str(&stdout).expect("one JSON document");
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "authhook");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("an id")).collect();
    let mut expected: Vec<&str> = authhook::contract::RULES.iter().map(|r| r.id).collect();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    for (rule, spec) in
        rules.iter().zip(expected.iter().map(|id| authhook::contract::RULES.iter().find(|r| r.id == *id)))
    {
        let spec = spec.expect("a rule of the contract");
        assert_eq!(rule["name"], spec.id);
        assert_eq!(rule["shortDescription"]["text"], spec.summary);
        assert_eq!(rule["fullDescription"]["text"], spec.cause);
        assert_eq!(rule["defaultConfiguration"]["level"], spec.severity.name());
        let (explained, _) = run(authhook().args(["explain", spec.id]), 0);
        assert_eq!(rule["help"]["text"], explained.trim_end(), "help of {}", spec.id);
    }
    for result in log["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("a rule index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_results_carry_level_location_and_properties() {
    let (stdout, _) = run(&mut check(&["--format", "sarif", "samples/pass.json"]), 0);
    let log: Value = serde_json::from_str(&stdout).expect("one JSON document");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    let result = &results[0];
    assert_eq!(result["ruleId"], "id-format");
    assert_eq!(result["level"], "warning");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "samples/pass.json");
    assert_eq!(location["region"]["startLine"], 6);
    assert_eq!(location["region"]["startColumn"], 20);
    assert_eq!(result["properties"]["pointer"], "/transactionId");
    assert_eq!(result["properties"]["kind"], "auth-1:1");
    assert_eq!(result["properties"]["status"], "PASS");
    assert!(result["message"]["text"].as_str().expect("a message").starts_with("/transactionId: transactionId"));
}

// 4. JUnit XML.

#[test]
fn junit_over_samples_is_well_formed_with_consistent_counts() {
    let (stdout, _) = run(&mut check(&["--format", "junit", "samples/"]), 1);
    let doc = parse_xml(&stdout);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), 1);
    let suite = suites[0];
    assert_eq!(suite.attribute("name"), Some("authhook"));
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    let count = |tag: &str| cases.iter().filter(|c| c.children().any(|n| n.has_tag_name(tag))).count().to_string();
    assert_eq!(suite.attribute("tests"), Some(cases.len().to_string().as_str()));
    assert_eq!(suite.attribute("tests"), Some("12"));
    assert_eq!(suite.attribute("failures"), Some(count("failure").as_str()));
    assert_eq!(suite.attribute("failures"), Some("2"));
    assert_eq!(suite.attribute("skipped"), Some(count("skipped").as_str()));
    assert_eq!(suite.attribute("errors"), Some("0"));
    for attribute in ["tests", "failures", "errors", "skipped"] {
        assert_eq!(root.attribute(attribute), suite.attribute(attribute), "{attribute}");
    }
    let lenses = cases
        .iter()
        .find(|c| c.attribute("name") == Some("samples/lenses.json:1:1 FAIL lenses-detected"))
        .expect("the lenses case");
    assert_eq!(lenses.attribute("classname"), Some("authhook.auth-1:1"));
    let failure = lenses.children().find(|n| n.has_tag_name("failure")).expect("a failure");
    assert_eq!(failure.attribute("type"), Some("conflicting-delivery"));
    assert_eq!(failure.attribute("message"), Some("1 error"));
    assert!(failure.text().expect("text").starts_with("error[conflicting-delivery] 3:20 /transactionId: "));
    let onboarding = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("authhook.onboarding-status"))
        .expect("the onboarding case");
    assert!(onboarding.children().any(|n| n.has_tag_name("skipped")));
    let pass =
        cases.iter().find(|c| c.attribute("name") == Some("samples/pass.json:1:1 PASS face-matched")).expect("pass");
    assert!(!pass.children().any(|n| n.has_tag_name("failure") || n.has_tag_name("skipped")));
    let out = pass.children().find(|n| n.has_tag_name("system-out")).and_then(|n| n.text()).expect("system-out");
    assert!(
        out.contains("warning[id-format] 6:20 /transactionId: transactionId \"549994d9r3474bfcbbbdc5a5\""),
        "{out}"
    );
}

#[test]
fn junit_escapes_markup_and_drops_control_characters() {
    let (dir, _) = hostile_dir();
    let dir_arg = dir.path().to_str().expect("a UTF-8 path");
    let (stdout, _) = run(&mut check(&["--format", "junit", dir_arg]), 0);
    assert!(!stdout.chars().any(is_unsafe), "a control character reached the report: {stdout:?}");
    let doc = parse_xml(&stdout);
    let case = doc.descendants().find(|n| n.has_tag_name("testcase")).expect("a test case");
    let name = case.attribute("name").expect("a name");
    assert!(name.ends_with("/odd,name:50% <&'\">.json:1:1 PASS face-matched"), "{name}");
    let out = case.children().find(|n| n.has_tag_name("system-out")).and_then(|n| n.text()).expect("system-out");
    assert!(out.contains("warning[unknown-field] 1:"), "{out}");
    assert!(out.contains("/50%,a:b\\u{a}c\\u{1b}[31m\\u{1}\\u{202e}<&\"'>: "), "{out}");
}

#[test]
fn junit_with_an_unreadable_payload_fails_it_with_every_finding() {
    let dir = tempdir();
    std::fs::write(dir.path().join("broken.json"), "{\"overallStatus\": \"PASS\", \"faceMatch\": true,}")
        .expect("written");
    let dir_arg = dir.path().to_str().expect("a UTF-8 path");
    let (stdout, _) = run(&mut check(&["--format", "junit", dir_arg]), 1);
    let doc = parse_xml(&stdout);
    let case = doc.descendants().find(|n| n.has_tag_name("testcase")).expect("a test case");
    let name = case.attribute("name").expect("a name");
    assert!(
        name.ends_with("broken.json:1:1 UNREADABLE syntax, as mended: PASS face-matched (dropped the comma at 1:44)"),
        "{name}"
    );
    let failure = case.children().find(|n| n.has_tag_name("failure")).expect("a failure");
    assert_eq!(failure.attribute("type"), Some("syntax"));
}

// 5. -o/--output.

#[test]
fn output_writes_the_report_to_the_file_and_only_the_summary_line_to_stdout() {
    let dir = tempdir();
    for format in ["sarif", "junit", "github", "json", "human"] {
        let file = dir.path().join(format!("report.{format}"));
        let file_arg = file.to_str().expect("a UTF-8 path");
        let (stdout, stderr) = run(&mut check(&["--format", format, "-o", file_arg, "samples/"]), 1);
        assert_eq!(
            stdout, "12 results: 2 PASS, 8 FAIL (1 invalid), 1 onboarding webhook, 1 unreadable; 2 warnings, 2 notes\n",
            "{format}"
        );
        assert_eq!(stderr, "", "{format}");
        let report = std::fs::read_to_string(&file).expect("the report file");
        let (direct, _) = run(&mut check(&["--format", format, "samples/"]), 1);
        assert_eq!(report, direct, "{format}: the file holds what stdout would have");
    }
    let sarif = std::fs::read_to_string(dir.path().join("report.sarif")).expect("the SARIF file");
    assert_valid_sarif(&sarif);
}

#[test]
fn output_long_flag_and_exit_status_follow_the_payloads() {
    let dir = tempdir();
    let file = dir.path().join("pass.xml");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let (stdout, _) = run(&mut check(&["--format", "junit", "--output", file_arg, "samples/pass.json"]), 0);
    assert_eq!(stdout, "1 result: 1 PASS, 0 FAIL; 1 warning\n");
    parse_xml(&std::fs::read_to_string(&file).expect("the report file"));
}

#[test]
fn output_to_a_file_that_cannot_be_created_exits_2_naming_it() {
    let dir = tempdir();
    let file = dir.path().join("no-such-directory").join("report.sarif");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let (stdout, stderr) = run(&mut check(&["--format", "sarif", "-o", file_arg, "samples/pass.json"]), 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains(&format!("cannot create {file_arg}")), "{stderr}");
    assert!(!Path::new(&file).exists());
}

#[test]
fn output_to_a_full_disk_exits_2_with_a_clear_error() {
    for format in ["sarif", "github"] {
        let (stdout, stderr) = run(&mut check(&["--format", format, "-o", "/dev/full", "samples/"]), 2);
        assert_eq!(stdout, "", "{format}: no summary after a failed report");
        assert!(stderr.contains("cannot write the report to /dev/full: "), "{format}: {stderr}");
        assert!(stderr.contains("No space left on device") || stderr.contains("os error 28"), "{stderr}");
    }
}
