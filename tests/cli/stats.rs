//! Command-line tests of `authhook stats`: the three formats over the bundled samples, with and
//! without `--by file` (snapshots), the JSON document's numbers checked against what `check`
//! reports for the same inputs, the whole each share is of, the breakdown by file, and exit
//! statuses.
//!
//! Every command runs from the crate root with a fixed date (`AUTHHOOK_TODAY`) and colour off.

use std::collections::BTreeMap;

use assert_cmd::Command;
use serde_json::Value;

use crate::common::{authhook, run, tempdir};

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

#[test]
fn by_file_human_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["--by", "file", "samples/"]), 1);
    insta::assert_snapshot!("stats_by_file_human", stdout);
}

#[test]
fn by_file_json_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["--by", "file", "--format", "json", "samples/"]), 1);
    insta::assert_snapshot!("stats_by_file_json", stdout);
}

#[test]
fn by_file_table_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut stats(&["--by", "file", "--format", "table", "samples/"]), 1);
    insta::assert_snapshot!("stats_by_file_table", stdout);
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
    pass_reasons: BTreeMap<String, u64>,
    failure_reasons: BTreeMap<String, u64>,
    reasons_without_status: BTreeMap<String, u64>,
    with_error_code: u64,
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
            let by_status = match result["status"].as_str() {
                Some("PASS") => &mut self.pass_reasons,
                Some("FAIL") => &mut self.failure_reasons,
                _ => &mut self.reasons_without_status,
            };
            tally(by_status, reason);
        }
        if let Some(code) = result["errorCode"].as_i64() {
            self.with_error_code += 1;
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
            pass_reasons: counts(&document["passReasons"]),
            failure_reasons: counts(&document["failureReasons"]),
            reasons_without_status: counts(&document["reasonsWithoutStatus"]),
            with_error_code: count(&document["withErrorCode"]),
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

    // The summary of `check` agrees on every total.
    let summary = &check["summary"];
    for key in ["payloads", "valid", "invalid", "pass", "fail"] {
        assert_eq!(document[key], summary[key], "{key}");
    }
    assert_eq!(document["findings"]["error"], summary["errors"]);
    assert_eq!(document["findings"]["warning"], summary["warnings"]);
    assert_eq!(document["findings"]["note"], summary["notes"]);

    // Each share is of its whole: `reasons` and `errorCodes` of every payload (as they always
    // were), `passReasons` of PASS, `failureReasons` of FAIL, `shareWithErrorCode` of the
    // payloads with an errorCode.
    let wholes = [
        ("reasons", "share", expected.payloads),
        ("errorCodes", "share", expected.payloads),
        ("passReasons", "share", expected.pass),
        ("failureReasons", "share", expected.fail),
        ("errorCodes", "shareWithErrorCode", expected.with_error_code),
    ];
    for (member, share_name, whole) in wholes {
        assert_shares_of(&document[member], share_name, whole, member);
    }
    let failures: u64 = expected.failure_reasons.values().sum();
    assert_eq!(failures, expected.fail, "every FAIL has one decisive reason");
    assert_eq!(expected.pass_reasons, BTreeMap::from([("face-matched".to_owned(), 2)]));
    assert!(!expected.failure_reasons.contains_key("face-matched"));
    assert_eq!(expected.with_error_code, 6);
}

/// Asserts that each entry of `entries` has `share_name` equal to its count over `whole`, and
/// that the shares add up to 1 (within rounding) when the counts add up to `whole`.
fn assert_shares_of(entries: &Value, share_name: &str, whole: u64, what: &str) {
    let entries = entries.as_object().unwrap_or_else(|| panic!("{what} is not an object"));
    let mut total_share = 0.0;
    let mut total_count = 0;
    for (key, entry) in entries {
        let share = entry[share_name].as_f64().unwrap_or_else(|| panic!("{what}.{key}.{share_name} is not a number"));
        let expected = count(&entry["count"]) as f64 / whole as f64;
        assert!((share - expected).abs() < 1e-4, "{what}.{key}.{share_name}: {share}, expected {expected}");
        total_share += share;
        total_count += count(&entry["count"]);
    }
    if total_count == whole && whole > 0 {
        assert!((total_share - 1.0).abs() < 1e-3, "{what}: shares add up to {total_share}");
    }
}

// 3. The whole each share is of, in every format.

/// `stats --format FORMAT` over the samples pass, spoof, lenses and blacklisted, and an
/// onboarding webhook on standard input: 5 payloads, 1 PASS and 3 FAIL, with spoof-detected
/// (4005) the decisive reason of 1 FAIL in 3.
fn stats_of_mixed(format: &str) -> String {
    let onboarding = r#"{"interviewId":"60000a22b09a35d2ef5aaa99","onboardingStatus":"ONBOARDING_FINISHED"}"#;
    let inputs = ["samples/pass.json", "samples/spoof.json", "samples/lenses.json", "samples/blacklisted.json", "-"];
    let args = [&["--format", format][..], &inputs].concat();
    run(stats(&args).write_stdin(onboarding), 0).0
}

#[test]
fn a_fail_only_reasons_share_is_of_fail_in_every_format() {
    let json = stats_of_mixed("json");
    let document = parse(&json);
    assert_eq!((count(&document["payloads"]), count(&document["pass"]), count(&document["fail"])), (5, 1, 3));
    // Of the 3 FAIL, not of the 5 payloads.
    assert_eq!(document["failureReasons"]["spoof-detected"], serde_json::json!({"count": 1, "share": 0.3333}));
    assert_eq!(document["passReasons"]["face-matched"], serde_json::json!({"count": 1, "share": 1.0}));
    // The old member keeps its share of every payload, as documented.
    assert_eq!(document["reasons"]["spoof-detected"], serde_json::json!({"count": 1, "share": 0.2}));
    // errorCodes: 4005 and 4003 are the two payloads that carry one.
    assert_eq!(document["withErrorCode"], 2);
    assert_eq!(document["errorCodes"]["4005"]["shareWithErrorCode"], 0.5);
    assert_eq!(document["errorCodes"]["4005"]["share"], 0.2);

    let human = stats_of_mixed("human");
    for expected in [
        "Payloads (share of 5 payloads)\n",
        "Verdicts (share of 4 payloads with an overallStatus)\n  PASS  1   25.0%",
        "Why attempts passed (share of 1 PASS)\n  face-matched  1  100.0%",
        "Why attempts failed (share of 3 FAIL)\n",
        "  spoof-detected    1   33.3%",
        "Error codes (share of 2 payloads with an errorCode)\n  4003  1   50.0%",
        "Kinds of webhook (share of 5 payloads)\n",
        "Repeated deliveries (share of 5 payloads)\n",
    ] {
        assert!(human.contains(expected), "the human format lacks {expected:?}:\n{human}");
    }
    assert!(!human.contains("Decisive reasons"), "{human}");
    let failed =
        human.split("Why attempts failed").nth(1).and_then(|rest| rest.split("\n\n").next()).unwrap_or_default();
    assert!(!failed.contains("face-matched"), "face-matched is no failure reason:\n{failed}");

    let table = stats_of_mixed("table");
    for expected in [
        "share of 3 FAIL",
        "share of 1 PASS",
        "share of 4 payloads with an overallStatus",
        "share of 2 payloads with an errorCode",
        "share of 5 payloads",
    ] {
        assert!(table.contains(expected), "the table format lacks {expected:?}:\n{table}");
    }
    let spoof_row = table.lines().find(|line| line.contains("spoof-detected")).unwrap_or_default();
    assert!(spoof_row.contains("33.3%"), "{spoof_row}");
}

#[test]
fn reasons_of_payloads_without_a_status_are_counted_apart() {
    // An errorCode gives a failure reason, but without overallStatus the payload is no FAIL.
    let no_status = r#"{"customerId":"678057dbb632b29f45a280b5","faceMatch":false,"errorCode":4005,"error":"Spoof attempt detected"}"#;
    let spoof = authhook::contract::samples::find("spoof").expect("the spoof sample").compact();
    let input = format!("{no_status}\n{spoof}\n");
    let (json, _) = run(stats(&["--format", "json", "-"]).write_stdin(input.clone()), 1);
    let document = parse(&json);
    assert_eq!(document["fail"], 1);
    assert_eq!(document["failureReasons"], serde_json::json!({"spoof-detected": {"count": 1, "share": 1.0}}));
    assert_eq!(document["reasonsWithoutStatus"], serde_json::json!({"spoof-detected": 1}));
    assert_eq!(document["reasons"]["spoof-detected"]["count"], 2);
    let (human, _) = run(stats(&["-"]).write_stdin(input), 1);
    assert!(
        human.contains(
            "Reasons of payloads without an overallStatus (1 payload, not in the shares above)\n  spoof-detected  1\n"
        ),
        "{human}"
    );
}

// 4. The breakdown by file.

/// `stats --by file --format json ARGS...`'s `byFile`, as `(path, payloads, pass, fail, invalid)`.
fn by_file_rows(document: &Value) -> Vec<(String, u64, u64, u64, u64)> {
    let inputs = document["byFile"].as_array().unwrap_or_else(|| panic!("byFile is not an array: {document}"));
    inputs
        .iter()
        .map(|input| {
            let path = input["path"].as_str().expect("a path").to_owned();
            let counts = ["payloads", "pass", "fail", "invalid"].map(|key| count(&input[key]));
            (path, counts[0], counts[1], counts[2], counts[3])
        })
        .collect()
}

#[test]
fn by_file_lists_every_input_in_input_order_with_its_counts() {
    // Not in name order, a file given twice, a directory, an empty file and standard input.
    let dir = tempdir();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").expect("an empty file");
    let empty = empty.to_str().expect("a UTF-8 path");
    let spoof = authhook::contract::samples::find("spoof").expect("the spoof sample").compact();
    let args = [
        "--by",
        "file",
        "--format",
        "json",
        "samples/spoof.json",
        "samples/captured.log",
        empty,
        "-",
        "samples/pass.json",
        "samples/spoof.json",
    ];
    let (json, _) = run(stats(&args).write_stdin(format!("{spoof}\n{spoof}\n")), 1);
    let document = parse(&json);
    let rows = by_file_rows(&document);
    let expected = [
        ("samples/spoof.json".to_owned(), 1, 0, 1, 0),
        ("samples/captured.log".to_owned(), 5, 1, 2, 1),
        (empty.to_owned(), 0, 0, 0, 0),
        ("-".to_owned(), 2, 0, 2, 0),
        ("samples/pass.json".to_owned(), 1, 1, 0, 0),
        ("samples/spoof.json".to_owned(), 1, 0, 1, 0),
    ];
    assert_eq!(rows, expected);

    // The inputs add up to the totals, and each input's failure reasons to its FAIL.
    let sum = |pick: fn(&(String, u64, u64, u64, u64)) -> u64| rows.iter().map(pick).sum::<u64>();
    assert_eq!(sum(|row| row.1), count(&document["payloads"]));
    assert_eq!(sum(|row| row.2), count(&document["pass"]));
    assert_eq!(sum(|row| row.3), count(&document["fail"]));
    assert_eq!(sum(|row| row.4), count(&document["invalid"]));
    for input in document["byFile"].as_array().expect("an array") {
        assert_shares_of(&input["failureReasons"], "share", count(&input["fail"]), "an input's failureReasons");
    }
    assert_eq!(
        document["byFile"][3]["failureReasons"],
        serde_json::json!({"spoof-detected": {"count": 2, "share": 1.0}})
    );

    // The human and table formats list the same inputs in the same order.
    let human_args: Vec<&str> = args.iter().copied().filter(|arg| !["--format", "json"].contains(arg)).collect();
    let (human, _) = run(stats(&human_args).write_stdin(format!("{spoof}\n{spoof}\n")), 1);
    let section = human.split("By file (in input order)\n").nth(1).expect("a by-file section");
    let lines: Vec<&str> = section.lines().skip(1).take(expected.len()).collect();
    for (line, (path, payloads, pass, fail, invalid)) in lines.iter().zip(&expected) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            words[..5],
            [path.as_str(), &payloads.to_string(), &pass.to_string(), &fail.to_string(), &invalid.to_string()],
            "{line}"
        );
    }
    assert!(lines[1].ends_with("spoof-detected 1, user-not-recognized 1"), "{}", lines[1]);
    let mut table_args = human_args.clone();
    table_args.extend(["--format", "table"]);
    let (table, _) = run(stats(&table_args).write_stdin(format!("{spoof}\n{spoof}\n")), 1);
    let table_paths: Vec<&str> = table
        .lines()
        .skip_while(|line| !line.contains("top 3 failure reasons"))
        .skip(1)
        .filter_map(|line| line.strip_prefix("│ "))
        .filter_map(|line| line.split(" ┆").next())
        .map(str::trim_end)
        .collect();
    let paths: Vec<&str> = expected.iter().map(|row| row.0.as_str()).collect();
    assert_eq!(table_paths, paths, "{table}");
}

#[test]
fn by_file_counts_match_check_per_input() {
    let (check_out, _) = run(authhook().args(["check", "--color", "never", "--format", "json", "samples/"]), 1);
    let mut per_input: Vec<(String, Expected)> = Vec::new();
    for result in parse(&check_out)["results"].as_array().expect("results is an array") {
        let path = result["source"]["path"].as_str().expect("a path");
        if per_input.last().is_none_or(|(last, _)| last != path) {
            per_input.push((path.to_owned(), Expected::default()));
        }
        if let Some((_, expected)) = per_input.last_mut() {
            expected.add(result);
        }
    }
    let (stats_out, _) = run(&mut stats(&["--by", "file", "--format", "json", "samples/"]), 1);
    let document = parse(&stats_out);
    let inputs = document["byFile"].as_array().expect("byFile is an array");
    assert_eq!(inputs.len(), per_input.len(), "one entry per input");
    for (input, (path, expected)) in inputs.iter().zip(&per_input) {
        assert_eq!(input["path"], path.as_str());
        let found = (count(&input["payloads"]), count(&input["pass"]), count(&input["fail"]), count(&input["invalid"]));
        assert_eq!(found, (expected.payloads, expected.pass, expected.fail, expected.invalid), "{path}");
        assert_eq!(counts(&input["failureReasons"]), expected.failure_reasons, "{path}");
    }
}

#[test]
fn without_by_there_is_no_breakdown() {
    let (json, _) = run(&mut stats(&["--format", "json", "samples/"]), 1);
    assert!(parse(&json).get("byFile").is_none(), "byFile only with --by file");
    let (human, _) = run(&mut stats(&["samples/"]), 1);
    assert!(!human.contains("By file"), "{human}");
}

#[test]
fn by_takes_only_file_and_only_on_stats() {
    let (_, stderr) = run(&mut stats(&["--by", "kind", "samples/pass.json"]), 2);
    assert!(stderr.contains("invalid value 'kind' for '--by <GROUP>'") && stderr.contains("file"), "{stderr}");
    let (_, stderr) = run(authhook().args(["check", "--by", "file", "samples/pass.json"]), 2);
    assert!(stderr.contains("--by"), "{stderr}");
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

// 5. Exit statuses.

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
