//! Command-line tests of `authhook stats`: the three formats over the bundled samples
//! (snapshots), the JSON document's numbers checked against what `check` reports for the same
//! inputs, and exit statuses.
//!
//! Every command runs from the crate root with a fixed date (`AUTHHOOK_TODAY`) and colour off.

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{authhook, run};

/// `authhook stats --color never ARGS...`
fn stats(args: &[&str]) -> Command {
    let mut cmd = authhook();
    cmd.args(["stats", "--color", "never"]).args(args);
    cmd
}

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not one JSON document ({e}):\n{stdout}"))
}

fn count(value: &Value) -> u64 {
    value.as_u64().unwrap_or_else(|| panic!("{value} is not a count"))
}

/// `{key: {"count": n, ...}}` or `{key: n}` as `{key: n}`.
fn counts(object: &Value) -> BTreeMap<String, u64> {
    let members = object.as_object().unwrap_or_else(|| panic!("{object} is not an object"));
    members
        .iter()
        .map(|(key, value)| (key.clone(), if value.is_object() { count(&value["count"]) } else { count(value) }))
        .collect()
}

/// Adds one to `key` in `map`.
fn tally(map: &mut BTreeMap<String, u64>, key: impl Into<String>) {
    *map.entry(key.into()).or_default() += 1;
}

// 1. Snapshots of every format.

#[test]
fn human_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["samples/"]), 1);
    assert!(!stdout.contains('\u{1b}'), "colour off writes no escape sequence");
    insta::assert_snapshot!("stats_human", stdout);
}

#[test]
fn json_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["--format", "json", "samples/"]), 1);
    insta::assert_snapshot!("stats_json", stdout);
}

#[test]
fn table_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["--format", "table", "samples/"]), 1);
    assert!(!stdout.contains('\u{1b}'), "colour off writes no escape sequence");
    insta::assert_snapshot!("stats_table", stdout);
}

// 2. The JSON document's numbers, against `check` over the same inputs.

/// What `stats --format json` should report, computed from `check --format json` results.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    payloads: u64,
    valid: u64,
    invalid: u64,
    pass: u64,
    fail: u64,
    kinds: BTreeMap<String, u64>,
    reasons: BTreeMap<String, u64>,
    error_codes: BTreeMap<String, u64>,
    rules: BTreeMap<String, u64>,
    duplicate: u64,
    conflicting: u64,
    recognition: u64,
    spoof: u64,
}

impl Expected {
    fn from_results(results: &[Value]) -> Self {
        let mut expected = Expected::default();
        for result in results {
            expected.add(result);
        }
        expected
    }

    fn add(&mut self, result: &Value) {
        self.payloads += 1;
        if result["valid"] == true {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        match result["status"].as_str() {
            Some("PASS") => self.pass += 1,
            Some("FAIL") => self.fail += 1,
            _ => {}
        }
        tally(&mut self.kinds, result["kind"].as_str().expect("kind is a string"));
        if let Some(reason) = result["reasons"][0]["code"].as_str() {
            tally(&mut self.reasons, reason);
        }
        if let Some(code) = result["errorCode"].as_i64() {
            tally(&mut self.error_codes, code.to_string());
        }
        for finding in result["findings"].as_array().expect("findings is an array") {
            let rule = finding["rule"].as_str().expect("a finding's rule is a string");
            match rule {
                "duplicate-delivery" => self.duplicate += 1,
                "conflicting-delivery" => self.conflicting += 1,
                _ => {}
            }
            tally(&mut self.rules, rule);
        }
        if result["status"] == "PASS" && result["recognitionConfidence"].is_number() {
            self.recognition += 1;
        }
        if result["spoofConfidence"].is_number() {
            self.spoof += 1;
        }
    }

    /// The same numbers, read from a `stats` document.
    fn from_stats(document: &Value) -> Self {
        let mut kinds = counts(&document["kinds"]);
        kinds.retain(|_, count| *count > 0);
        Expected {
            payloads: count(&document["payloads"]),
            valid: count(&document["valid"]),
            invalid: count(&document["invalid"]),
            pass: count(&document["pass"]),
            fail: count(&document["fail"]),
            kinds,
            reasons: counts(&document["reasons"]),
            error_codes: counts(&document["errorCodes"]),
            rules: counts(&document["rules"]),
            duplicate: count(&document["deliveries"]["duplicate"]),
            conflicting: count(&document["deliveries"]["conflicting"]),
            recognition: count(&document["recognitionConfidence"]["count"]),
            spoof: count(&document["spoofConfidence"]["count"]),
        }
    }
}

#[test]
fn json_numbers_match_check_over_the_samples() {
    let (check_out, _) = run(authhook().args(["check", "--color", "never", "--format", "json", "samples/"]), 1);
    let check = parse(&check_out);
    let results = check["results"].as_array().expect("results is an array");
    let (stats_out, _) = run(&mut stats(&["--format", "json", "samples/"]), 1);
    let document = parse(&stats_out);

    assert_eq!(document["schemaVersion"], 1);
    let expected = Expected::from_results(results);
    assert_eq!(Expected::from_stats(&document), expected);

    // The samples hold what the documentation promises: 7 sample files plus the capture.
    assert_eq!(expected.payloads, 12);
    assert_eq!((expected.pass, expected.fail), (2, 8));
    assert_eq!(expected.conflicting, 1, "lenses.json and face-mask.json share a transactionId");
    assert_eq!(expected.duplicate, 2, "spoof.json and not-recognized.json repeat the capture");

    // Shares are of every payload; the summary of `check` agrees on every total.
    let summary = &check["summary"];
    for key in ["payloads", "valid", "invalid", "pass", "fail"] {
        assert_eq!(document[key], summary[key], "{key}");
    }
    assert_eq!(document["findings"]["error"], summary["errors"]);
    assert_eq!(document["findings"]["warning"], summary["warnings"]);
    assert_eq!(document["findings"]["note"], summary["notes"]);
    let payloads = expected.payloads as f64;
    for (reason, entry) in document["reasons"].as_object().expect("reasons is an object") {
        let share = entry["share"].as_f64().expect("a share is a number");
        assert!((share - count(&entry["count"]) as f64 / payloads).abs() < 1e-4, "share of {reason}");
    }
}

#[test]
fn confidence_histograms_match_the_samples() {
    let (stdout, _) = run(&mut stats(&["--format", "json", "samples/"]), 1);
    let document = parse(&stdout);
    let recognition = &document["recognitionConfidence"];
    assert_eq!(recognition["bins"], serde_json::json!([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]));
    assert_eq!(recognition["min"], 0.93098663);
    assert_eq!(recognition["max"], 0.93098663);
    assert_eq!(recognition["outOfRange"], 0);
    let spoof = &document["spoofConfidence"];
    assert_eq!(spoof["bins"], serde_json::json!([4, 0, 0, 0, 0, 0, 0, 0, 0, 2]));
    assert_eq!(spoof["min"], 0.00085131516);
    assert_eq!(spoof["max"], 1.0);
    for dist in [recognition, spoof] {
        let bins: u64 = dist["bins"].as_array().expect("bins is an array").iter().map(count).sum();
        assert_eq!(bins, count(&dist["count"]), "the bins hold every counted value");
    }
}

#[test]
fn out_of_range_confidences_are_counted_apart() {
    let input = concat!(
        r#"{"customerId":"678057dbb632b29f45a280b5","faceMatch":false,"spoofConfidence":1.5,"#,
        r#""recognitionConfidence":{},"overallScore":0,"overallStatus":"FAIL"}"#,
    );
    let (stdout, _) = run(stats(&["--format", "json"]).write_stdin(input), 1);
    let spoof = &parse(&stdout)["spoofConfidence"];
    assert_eq!((spoof["count"].clone(), spoof["outOfRange"].clone()), (0.into(), 1.into()));
    assert_eq!(spoof["min"], Value::Null);
    assert_eq!(spoof["mean"], Value::Null);
}

// 3. Exit statuses.

#[test]
fn a_valid_payload_exits_zero() {
    let (stdout, _) = run(&mut stats(&["samples/pass.json"]), 0);
    assert!(stdout.ends_with("1 result: 1 PASS, 0 FAIL; 1 warning\n"), "{stdout}");
}

#[test]
fn no_authentication_payload_exits_two() {
    let onboarding = r#"{"interviewId":"60000a22b09a35d2ef5aaa99","onboardingStatus":"ONBOARDING_FINISHED"}"#;
    let (stdout, stderr) = run(stats(&["--format", "json"]).write_stdin(onboarding), 2);
    assert_eq!(parse(&stdout)["kinds"]["onboarding-status"], 1);
    assert!(stderr.contains("no authentication payload found"), "{stderr}");
}
