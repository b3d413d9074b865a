//! Command-line tests of `authhook`: output formats (snapshots), the JSON wire format, the
//! scanner on a vendor-shaped page, exit statuses, standard input, secrets, terminal escapes,
//! the bundled samples, and BOM/CRLF input.
//!
//! Every command runs from the crate root with a fixed date (`AUTHHOOK_TODAY`) and colour off.

use std::collections::BTreeMap;
use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{authhook, check, parse_lines, run};

/// The seven documented samples in published order, with the status, reason codes and finding
/// rule ids `check` must report for each.
/// The seven samples in published order, with the verdict each gets when all are checked in one
/// run. The published lenses and face-mask samples share a transactionId with different
/// content, so the second of them is a conflicting delivery.
const SAMPLES: [(&str, &str, &[&str], &[&str]); 7] = [
    ("pass", "PASS", &["face-matched"], &["id-format"]),
    ("customer-not-found", "FAIL", &["customer-not-found"], &[]),
    ("spoof", "FAIL", &["spoof-detected"], &[]),
    ("not-recognized", "FAIL", &["user-not-recognized"], &[]),
    ("blacklisted", "FAIL", &["user-blacklisted"], &[]),
    ("lenses", "FAIL", &["lenses-detected"], &[]),
    ("face-mask", "FAIL", &["face-mask-detected"], &["conflicting-delivery"]),
];

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl";
const INTERVIEW_TOKEN: &str = "opaque-interview-secret-77";

/// The text of a file of the crate.
fn read(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

fn sample_path(name: &str) -> String {
    format!("samples/{name}.json")
}

fn sample_value(name: &str) -> Value {
    serde_json::from_str(&read(&sample_path(name))).expect("a sample is valid JSON")
}

/// Parses a `--format json` document.
fn parse_document(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("--format json is not one JSON document ({e}):\n{stdout}"))
}

fn results(document: &Value) -> &Vec<Value> {
    document["results"].as_array().expect("results is an array")
}

fn strings<'v>(items: &'v Value, key: &str) -> Vec<&'v str> {
    items.as_array().expect("an array").iter().map(|item| item[key].as_str().expect("a string")).collect()
}

fn reason_codes(result: &Value) -> Vec<&str> {
    strings(&result["reasons"], "code")
}

fn finding_rules(result: &Value) -> Vec<&str> {
    strings(&result["findings"], "rule")
}

/// The 1-based number of the only line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let lines: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.contains(needle)).map(|(i, _)| i + 1).collect();
    assert_eq!(lines.len(), 1, "{needle:?} should be on exactly one line, found on lines {lines:?}");
    lines[0]
}

/// The pass sample with a JWT in `token` and another credential in `interviewToken`.
fn payload_with_secrets() -> String {
    let pass = read("samples/pass.json");
    let with_token = pass.replacen(r#""token": """#, &format!(r#""token": "{JWT}""#), 1);
    let with_both =
        with_token.replacen(r#""interviewToken": """#, &format!(r#""interviewToken": "{INTERVIEW_TOKEN}""#), 1);
    assert!(with_both.contains(JWT) && with_both.contains(INTERVIEW_TOKEN), "the pass sample changed shape");
    with_both
}

/// A FAIL payload whose customerId holds an ANSI colour escape and U+202E, with an unknown key
/// holding an OSC title sequence ended by BEL.
const HOSTILE_PAYLOAD: &str = r#"{"customerId":"abc\u001b[31mred\u202eevil","faceMatch":false,"recognitionConfidence":{},"overallScore":0,"overallStatus":"FAIL","x\u001b]0;title\u0007":1}"#;
const HOSTILE_CUSTOMER: &str = "abc\u{1b}[31mred\u{202e}evil";
const HOSTILE_KEY: &str = "x\u{1b}]0;title\u{7}";

// 1. Snapshots of every format and of `explain` and `sample`.

#[test]
fn human_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["samples/"]), 1);
    insta::assert_snapshot!("check_human", stdout);
}

#[test]
fn human_quiet_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--quiet", "samples/"]), 1);
    insta::assert_snapshot!("check_human_quiet", stdout);
}

#[test]
fn json_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "json", "samples/"]), 1);
    insta::assert_snapshot!("check_json", stdout);
}

#[test]
fn ndjson_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "ndjson", "samples/"]), 1);
    insta::assert_snapshot!("check_ndjson", stdout);
}

#[test]
fn table_format_over_samples_matches_snapshot() {
    let (stdout, _) = run(&mut check(&["--format", "table", "samples/"]), 1);
    insta::assert_snapshot!("check_table", stdout);
}

#[test]
fn explain_index_matches_snapshot() {
    let (stdout, _) = run(authhook().arg("explain"), 0);
    insta::assert_snapshot!("explain_index", stdout);
}

#[test]
fn explain_error_code_4005_matches_snapshot() {
    let (stdout, _) = run(authhook().args(["explain", "4005"]), 0);
    insta::assert_snapshot!("explain_4005", stdout);
}

#[test]
fn explain_rule_id_format_matches_snapshot() {
    let (stdout, _) = run(authhook().args(["explain", "id-format"]), 0);
    insta::assert_snapshot!("explain_id_format", stdout);
}

#[test]
fn sample_all_matches_snapshot() {
    let (stdout, _) = run(authhook().args(["sample", "--all"]), 0);
    insta::assert_snapshot!("sample_all", stdout);
}

// 2. The JSON wire format, read back.

/// The stdout of `check --format FORMAT` over the seven sample files, in published order. The
/// exit status is left to the tests of exit statuses.
fn check_samples(format: &str) -> String {
    let paths: Vec<String> = SAMPLES.iter().map(|(name, ..)| sample_path(name)).collect();
    let output = check(&["--format", format]).args(&paths).output().expect("authhook runs");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// Asserts that `results` hold, by source path, the expected verdict of every sample.
fn assert_sample_verdicts(results: &[Value]) {
    assert_eq!(results.len(), SAMPLES.len(), "one result per sample");
    let by_path: BTreeMap<&str, &Value> =
        results.iter().map(|r| (r["source"]["path"].as_str().expect("source.path is a string"), r)).collect();
    for (name, status, reasons, rules) in SAMPLES {
        let path = sample_path(name);
        let result = by_path.get(path.as_str()).unwrap_or_else(|| panic!("no result for {path}"));
        assert_eq!(result["status"], status, "status of {name}");
        assert_eq!(reason_codes(result), reasons, "reason codes of {name}");
        assert_eq!(finding_rules(result), rules, "finding rules of {name}");
    }
}

#[test]
fn json_results_give_status_reasons_and_findings_of_each_sample() {
    let document = parse_document(&check_samples("json"));
    assert_sample_verdicts(results(&document));
}

#[test]
fn ndjson_results_give_status_reasons_and_findings_of_each_sample() {
    let lines = parse_lines(&check_samples("ndjson"));
    assert_sample_verdicts(&lines);
}

#[test]
fn ndjson_lines_are_the_results_of_the_json_document() {
    let document = parse_document(&check_samples("json"));
    let lines = parse_lines(&check_samples("ndjson"));
    assert_eq!(&lines, results(&document));
}

#[test]
fn json_document_has_schema_version_summary_and_deprecation_notice() {
    let document = parse_document(&check_samples("json"));
    let keys: Vec<&str> = document.as_object().expect("an object").keys().map(String::as_str).collect();
    assert_eq!(keys, ["notices", "results", "schemaVersion", "summary"]);
    assert_eq!(document["schemaVersion"], 1);

    let summary = &document["summary"];
    let summary_keys: Vec<&str> = summary.as_object().expect("an object").keys().map(String::as_str).collect();
    let mut expected_keys =
        ["payloads", "valid", "invalid", "pass", "fail", "errors", "warnings", "notes", "kinds", "reasons", "outcomes"];
    expected_keys.sort_unstable();
    assert_eq!(summary_keys, expected_keys);
    let counts = [
        ("payloads", 7),
        ("valid", 6),
        ("invalid", 1),
        ("pass", 1),
        ("fail", 6),
        ("errors", 1),
        ("warnings", 1),
        ("notes", 0),
    ];
    for (key, count) in counts {
        assert_eq!(summary[key], count, "summary.{key}");
    }
    assert_eq!(summary["kinds"], serde_json::json!({"auth-1:1": 7}));
    let reasons: BTreeMap<&str, u64> = SAMPLES.iter().map(|(_, _, reasons, _)| (reasons[0], 1)).collect();
    assert_eq!(summary["reasons"], serde_json::to_value(reasons).expect("counts serialize"));

    let notices = document["notices"].as_array().expect("notices is an array");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["code"], "deprecation");
}

#[test]
fn every_json_result_has_the_same_members() {
    // samples/ holds payloads, an onboarding webhook and an unreadable object.
    let (stdout, _) = run(&mut check(&["--format", "json", "samples/"]), 1);
    let document = parse_document(&stdout);
    let members = |result: &Value| -> Vec<String> { result.as_object().expect("an object").keys().cloned().collect() };
    let first = members(&results(&document)[0]);
    assert!(first.iter().any(|key| key == "payload"), "{first:?}");
    for result in results(&document) {
        assert_eq!(members(result), first, "members of the result at {}", result["source"]);
    }
}

// 3. The scanner on a page shaped like the vendor's documentation.

#[test]
fn vendor_page_yields_seven_results_with_its_two_defects_located() {
    let page = read("tests/fixtures/vendor-page.txt");
    let (stdout, _) = run(&mut check(&["--format", "json", "tests/fixtures/vendor-page.txt"]), 1);
    let document = parse_document(&stdout);
    let results = results(&document);
    assert_eq!(results.len(), 7, "{stdout}");

    let with_syntax: Vec<usize> =
        results.iter().enumerate().filter(|(_, r)| finding_rules(r).contains(&"syntax")).map(|(i, _)| i).collect();
    assert_eq!(with_syntax, [0, 4], "the PASS payload and the blacklisted one are unreadable");

    let pass_syntax = &results[0]["findings"][0];
    assert_eq!(pass_syntax["rule"], "syntax");
    assert_eq!(pass_syntax["line"], line_of(&page, r#""overallStatus": "PASS"Failure Notifications"#));

    let brace_line = line_of(&page, r#""errorCode": 4003,"#) + 1;
    let brace = page.lines().nth(brace_line - 1).unwrap_or_default();
    assert!(brace.starts_with('}'), "line {brace_line} should close the blacklisted payload: {brace:?}");
    let blacklisted_syntax = &results[4]["findings"][0];
    assert_eq!(blacklisted_syntax["rule"], "syntax");
    assert_eq!(blacklisted_syntax["line"], brace_line);
    let message = blacklisted_syntax["message"].as_str().expect("a message");
    assert!(message.contains("trailing comma"), "{message}");

    let readable: Vec<(&str, Vec<&str>)> = [1, 2, 3, 5, 6]
        .iter()
        .map(|&i| (results[i]["status"].as_str().expect("a status"), reason_codes(&results[i])))
        .collect();
    let expected = [
        ("FAIL", vec!["customer-not-found"]),
        ("FAIL", vec!["spoof-detected"]),
        ("FAIL", vec!["user-not-recognized"]),
        ("FAIL", vec!["lenses-detected"]),
        ("FAIL", vec!["face-mask-detected"]),
    ];
    assert_eq!(readable, expected);
}

// 4. Exit statuses.

#[test]
fn exit_status_is_0_when_every_payload_is_valid() {
    run(&mut check(&["samples/pass.json"]), 0);
}

#[test]
fn exit_status_is_1_for_a_payload_with_an_error_finding() {
    let lowercase = read("samples/pass.json").replacen(r#""PASS""#, r#""pass""#, 1);
    let (stdout, _) = run(check(&[]).write_stdin(lowercase), 1);
    assert!(stdout.contains("error[invalid-value]"), "{stdout}");
}

#[test]
fn exit_status_is_1_for_a_file_holding_only_a_syntax_error() {
    let (stdout, _) = run(&mut check(&["tests/fixtures/trailing-comma.json"]), 1);
    assert!(stdout.contains("error[syntax]"), "{stdout}");
}

#[test]
fn strict_makes_a_warning_fail_the_run() {
    run(&mut check(&["samples/pass.json"]), 0);
    run(&mut check(&["--strict", "samples/pass.json"]), 1);
}

#[test]
fn exit_status_is_2_for_an_unknown_flag() {
    authhook().args(["check", "--no-such-flag", "samples/pass.json"]).assert().code(2);
}

#[test]
fn exit_status_is_2_for_an_unknown_format() {
    authhook().args(["check", "--format", "xml", "samples/pass.json"]).assert().code(2);
}

#[test]
fn a_missing_path_exits_2_and_the_other_paths_are_still_checked() {
    let missing = "tests/fixtures/no-such-file.json";
    let (stdout, stderr) =
        run(&mut check(&["--format", "json", "samples/spoof.json", missing, "samples/lenses.json"]), 2);
    let document = parse_document(&stdout);
    let checked: Vec<&Value> = results(&document).iter().map(|r| &r["source"]["path"]).collect();
    assert_eq!(checked, ["samples/spoof.json", "samples/lenses.json"]);
    assert!(stderr.contains(missing), "{stderr}");
}

#[test]
fn exit_status_is_2_when_no_authentication_payload_is_found() {
    let onboarding = r#"{"interviewId":"60000a22b09a35d2ef5aaa99","onboardingStatus":"ONBOARDING_FINISHED"}"#;
    let (_, stderr) = run(check(&[]).write_stdin(onboarding), 2);
    assert!(stderr.contains("no authentication payload"), "{stderr}");
    assert!(stderr.contains("onboarding-status"), "stderr should say what was found instead: {stderr}");
}

#[test]
fn exit_status_is_2_for_an_unknown_explain_topic() {
    authhook().args(["explain", "nonsense-topic"]).assert().code(2).stderr(predicate::str::contains("nonsense-topic"));
}

#[test]
fn version_exits_0() {
    authhook().arg("--version").assert().code(0).stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn help_exits_0_and_shows_examples() {
    authhook().arg("--help").assert().code(0).stdout(predicate::str::contains("Examples"));
}

#[test]
fn each_command_opens_its_help_with_the_words_the_command_list_gives_it() {
    let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (list, _) = run(authhook().arg("--help"), 0);
    let list = words(&list);
    for command in ["check", "listen", "send", "probe", "explain", "stats", "sample", "schema", "completions", "man"] {
        let (help, _) = run(authhook().args([command, "--help"]), 0);
        let about = words(help.lines().next().unwrap_or_default());
        assert!(
            about.len() > 20 && list.contains(&format!("{command} {about}")),
            "authhook {command} --help opens with {about:?}"
        );
    }
}

// 5. Standard input, and `authhook PATH` as `authhook check PATH`.

/// Asserts that `stdout` (JSON) holds exactly the spoof sample's verdict, read from stdin.
fn assert_spoof_from_stdin(stdout: &str) {
    let document = parse_document(stdout);
    let results = results(&document);
    assert_eq!(results.len(), 1, "{stdout}");
    assert_eq!(results[0]["source"]["path"], "-");
    assert_eq!(results[0]["status"], "FAIL");
    assert_eq!(reason_codes(&results[0]), ["spoof-detected"]);
}

#[test]
fn dash_means_standard_input() {
    let (stdout, _) = run(check(&["--format", "json", "-"]).write_stdin(read("samples/spoof.json")), 0);
    assert_spoof_from_stdin(&stdout);
}

#[test]
fn no_path_means_standard_input_as_in_sample_piped_to_authhook() {
    let (spoof, _) = run(authhook().args(["sample", "spoof"]), 0);
    let (stdout, _) = run(authhook().args(["--color", "never", "--format", "json"]).write_stdin(spoof), 0);
    assert_spoof_from_stdin(&stdout);
}

#[test]
fn bare_paths_are_checked_as_by_the_check_command() {
    let (bare, _) = run(authhook().args(["--color", "never", "samples/"]), 1);
    let (checked, _) = run(&mut check(&["samples/"]), 1);
    assert!(bare.contains("spoof-detected"), "{bare}");
    assert_eq!(bare, checked);
}

// 6. Secrets.

/// The message of the `token-present` finding at `/token` in `stdout` of `format` (human, json
/// or ndjson).
fn token_finding_message(format: &str, stdout: &str) -> Option<String> {
    let result = match format {
        "human" => {
            return stdout.lines().find(|l| l.contains("[token-present]") && l.contains("/token:")).map(str::to_owned);
        }
        "json" => results(&parse_document(stdout))[0].clone(),
        _ => parse_lines(stdout).remove(0),
    };
    let findings = result["findings"].as_array()?.clone();
    let finding = findings.into_iter().find(|f| f["rule"] == "token-present" && f["pointer"] == "/token")?;
    finding["message"].as_str().map(str::to_owned)
}

#[test]
fn tokens_are_redacted_to_their_length_in_every_format() {
    let payload = payload_with_secrets();
    let token_length = JWT.chars().count().to_string();
    for format in ["human", "json", "ndjson", "table"] {
        let (stdout, stderr) = run(check(&["--format", format]).write_stdin(payload.clone()), 0);
        for secret in [JWT, INTERVIEW_TOKEN] {
            assert!(!stdout.contains(secret), "{format}: stdout shows a secret:\n{stdout}");
            assert!(!stderr.contains(secret), "{format}: stderr shows a secret:\n{stderr}");
        }
        assert!(stdout.contains("token-present"), "{format}: no token-present warning:\n{stdout}");
        if format == "table" {
            continue; // The table shows rule ids, not messages.
        }
        let message =
            token_finding_message(format, &stdout).unwrap_or_else(|| panic!("{format}: no token-present at /token"));
        assert!(message.contains(&token_length), "{format}: the length is not shown: {message}");
    }
}

#[test]
fn show_secrets_puts_the_token_in_the_json_payload() {
    let payload = payload_with_secrets();
    let (stdout, _) = run(check(&["--format", "json", "--show-secrets"]).write_stdin(payload), 0);
    let document = parse_document(&stdout);
    assert_eq!(results(&document)[0]["payload"]["token"], JWT);
    assert_eq!(results(&document)[0]["payload"]["interviewToken"], INTERVIEW_TOKEN);
}

#[test]
fn show_secrets_shows_the_credentials_and_nothing_else_shaped_like_a_jwt() {
    let elsewhere = JWT.replace("c2ln", "b3Ro");
    let payload = payload_with_secrets().replacen("\"67460a9995516d9a553aa95b\"", &format!("{elsewhere:?}"), 1);
    assert!(payload.contains(&elsewhere), "the customerId is a JWT");
    for format in ["json", "human", "table", "github", "sarif", "junit"] {
        let (stdout, _) = run(check(&["--format", format, "--show-secrets"]).write_stdin(payload.clone()), 0);
        assert!(!stdout.contains(&elsewhere), "{format}: a JWT outside token and interviewToken shows");
    }
    let (stdout, _) = run(check(&["--format", "json", "--show-secrets"]).write_stdin(payload), 0);
    assert_eq!(results(&parse_document(&stdout))[0]["payload"]["token"], JWT);
}

/// Whether `value` holds the string `text` anywhere, keys included.
fn holds_string(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|item| holds_string(item, text)),
        Value::Object(members) => members.iter().any(|(key, item)| key == text || holds_string(item, text)),
        _ => false,
    }
}

#[test]
fn a_jwt_in_any_field_is_redacted_from_the_json_payload_even_when_escaped() {
    // `\u0065` is "e": the second value decodes to the same JWT.
    let escaped = format!("\\u0065{}", &JWT[1..]);
    let payload = read("samples/pass.json").replacen(
        r#""customerId""#,
        &format!(r#""note": "{JWT}", "session": "{escaped}", "customerId""#),
        1,
    );
    assert!(payload.contains(&escaped), "the pass sample changed shape");
    let (stdout, stderr) = run(check(&["--format", "json"]).write_stdin(payload), 0);
    assert!(!stdout.contains(JWT) && !stderr.contains(JWT), "{stdout}{stderr}");
    let document = parse_document(&stdout);
    assert!(!holds_string(&document, JWT), "the JSON output decodes to the JWT:\n{stdout}");
}

// 7. Terminal escapes.

#[test]
fn human_and_table_formats_escape_terminal_controls_from_payloads() {
    for format in ["human", "table"] {
        let (stdout, stderr) = run(check(&["--format", format]).write_stdin(HOSTILE_PAYLOAD), 0);
        for raw in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!stdout.contains(raw), "{format}: stdout holds raw {raw:?}:\n{stdout}");
            assert!(!stderr.contains(raw), "{format}: stderr holds raw {raw:?}:\n{stderr}");
        }
        assert!(stdout.contains(r"abc\u{1b}[31mred"), "{format}: the customer is not shown escaped:\n{stdout}");
        assert!(stdout.to_lowercase().contains(r"\u{202e}"), "{format}: U+202E is not shown escaped:\n{stdout}");
    }
}

#[test]
fn json_format_keeps_terminal_controls_as_valid_json() {
    let (stdout, _) = run(check(&["--format", "json"]).write_stdin(HOSTILE_PAYLOAD), 0);
    let document = parse_document(&stdout);
    let result = &results(&document)[0];
    assert_eq!(result["customerId"], HOSTILE_CUSTOMER);
    assert_eq!(result["payload"]["customerId"], HOSTILE_CUSTOMER);
    assert_eq!(result["payload"][HOSTILE_KEY], 1);
}

// 8. The bundled samples.

#[test]
fn sample_name_prints_the_sample_file() {
    for (name, ..) in SAMPLES {
        let (stdout, _) = run(authhook().args(["sample", name]), 0);
        let printed: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("sample {name}: {e}"));
        assert_eq!(printed, sample_value(name), "sample {name}");
    }
}

#[test]
fn sample_all_prints_every_sample_on_its_own_line_in_order() {
    let (stdout, _) = run(authhook().args(["sample", "--all"]), 0);
    let lines = parse_lines(&stdout);
    let expected: Vec<Value> = SAMPLES.iter().map(|(name, ..)| sample_value(name)).collect();
    assert_eq!(lines, expected);
}

#[test]
fn sample_with_an_unknown_name_exits_2() {
    authhook().args(["sample", "bogus"]).assert().code(2).stdout("");
}

// 9. Byte-order mark and CRLF line ends.

#[test]
fn a_file_with_bom_and_crlf_is_checked_with_exact_positions() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory");
    let path = dir.path().join("pass-bom-crlf.json");
    let crlf = read("samples/pass.json").replace('\n', "\r\n");
    std::fs::write(&path, [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat()).expect("writing the payload");

    let (stdout, _) = run(&mut check(&["--format", "json", path.to_str().expect("a UTF-8 path")]), 0);
    let document = parse_document(&stdout);
    let results = results(&document);
    assert_eq!(results.len(), 1, "{stdout}");
    assert_eq!(results[0]["status"], "PASS");
    let source = &results[0]["source"];
    assert_eq!((&source["line"], &source["column"]), (&Value::from(1), &Value::from(1)), "the BOM is no character");
    assert_eq!(finding_rules(&results[0]), ["id-format"]);
    let finding = &results[0]["findings"][0];
    assert_eq!((&finding["line"], &finding["column"]), (&Value::from(6), &Value::from(20)));
}
