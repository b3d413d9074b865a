//! What a new user trips over: a mistyped command, values spelled another way, an undocumented
//! error code, the summary line, showing only what matters, the notice, the manual page,
//! completions and the version.

use std::fs;

use crate::common::{authhook, check, parse_lines, run, tempdir};

#[test]
fn a_mistyped_command_is_a_usage_error_naming_the_command() {
    for (typed, meant) in [("chek", "check"), ("stat", "stats"), ("explian", "explain")] {
        let (stdout, stderr) = run(authhook().args([typed, "samples/"]), 2);
        assert!(stdout.is_empty(), "{typed}: no report for a mistyped command: {stdout}");
        assert!(stderr.contains(&format!("did you mean `authhook {meant}`?")), "{typed}: {stderr}");
        assert!(!stderr.contains("cannot read"), "{typed}: {stderr}");
    }
}

#[test]
fn a_file_named_like_a_command_is_still_checked() {
    let dir = tempdir();
    let pass = fs::read_to_string(crate::common::crate_path("samples/spoof.json")).expect("the spoof sample");
    fs::write(dir.path().join("chek"), pass).expect("a file named chek");
    let (stdout, _) = run(authhook().current_dir(dir.path()).args(["chek", "-q"]), 0);
    assert!(stdout.starts_with("1 result: 0 PASS, 1 FAIL"), "{stdout}");
}

#[test]
fn a_status_is_expected_in_any_case() {
    for status in ["fail", "FAIL", "Fail"] {
        run(&mut check(&["-q", "--expect", status, "samples/spoof.json"]), 0);
    }
    let (_, stderr) = run(&mut check(&["-q", "--expect", "FAILED", "samples/spoof.json"]), 2);
    assert!(stderr.contains("FAILED"), "{stderr}");
}

#[test]
fn a_reason_code_or_rule_id_close_to_one_is_named() {
    let (_, stderr) = run(&mut check(&["--expect-reason", "spoof", "samples/spoof.json"]), 2);
    assert!(stderr.contains("did you mean \"spoof-detected\"?"), "{stderr}");
    let (_, stderr) = run(&mut check(&["--deny", "id-fromat", "samples/pass.json"]), 2);
    assert!(stderr.contains("did you mean \"id-format\"?"), "{stderr}");
}

#[test]
fn an_error_code_that_is_no_number_says_what_a_code_is() {
    let (_, stderr) = run(&mut check(&["--expect-code", "abc", "samples/spoof.json"]), 2);
    assert!(stderr.contains("\"abc\" is not an error code: a whole number such as 4005"), "{stderr}");
}

#[test]
fn a_bad_format_in_the_settings_file_lists_the_accepted_values() {
    let dir = tempdir();
    let settings = dir.path().join("authhook.toml");
    fs::write(&settings, "format = \"jsn\"\n").expect("a settings file");
    let (_, stderr) = run(&mut check(&["--config", settings.to_str().unwrap_or_default(), "samples/pass.json"]), 2);
    assert!(stderr.contains(":1: format \"jsn\" is not accepted; it is one of: human, json, ndjson"), "{stderr}");
}

#[test]
fn an_undocumented_error_code_is_explained_as_check_reports_it() {
    let (stdout, _) = run(authhook().args(["explain", "4006"]), 0);
    assert!(stdout.starts_with("errorCode 4006: not documented"), "{stdout}");
    assert!(stdout.contains("reason:       api-exception"), "{stdout}");
    assert!(stdout.contains("undocumented-error-code (note)"), "{stdout}");
    let payload = r#"{"customerId":"67460a9995516d9a553aa95b","faceMatch":false,"recognitionConfidence":{"confidence":0},"overallScore":0,"overallStatus":"FAIL","error":"x","errorCode":4006}"#;
    let (stdout, _) = run(check(&["--format", "ndjson", "-"]).write_stdin(payload), 0);
    let result = parse_lines(&stdout).remove(0);
    assert_eq!(result["reasons"][0]["code"], "api-exception");
    assert_eq!(result["findings"][0]["rule"], "undocumented-error-code");
}

#[test]
fn the_summary_line_counts_every_result_once() {
    let (stdout, _) = run(&mut check(&["-q", "samples/"]), 1);
    assert_eq!(
        stdout.lines().next(),
        Some("12 results: 2 PASS, 8 FAIL (1 invalid), 1 onboarding webhook, 1 unreadable; 2 warnings, 2 notes")
    );
    let text = "{\"overallStatus\":\"PASS\"}\n{\"faceMatch\":true}\n{\"level\":\"info\"}\n{\"a\": }\n";
    let (stdout, _) = run(check(&["-q", "-"]).write_stdin(text), 1);
    assert!(
        stdout.starts_with(
            "4 results: 1 PASS (1 invalid), 0 FAIL, 1 without a status (1 invalid), 1 unreadable, 1 not a payload"
        ),
        "{stdout}"
    );
}

#[test]
fn only_shows_what_was_asked_and_counts_everything() {
    let (all, _) = run(&mut check(&["--format", "ndjson", "samples/"]), 1);
    let all = parse_lines(&all);
    for (only, picks) in [
        (
            "fail",
            (|r: &serde_json::Value| r["status"] == "FAIL" && r["kind"] != "unknown") as fn(&serde_json::Value) -> bool,
        ),
        ("pass", |r| r["status"] == "PASS"),
        ("invalid", |r| r["valid"] == false),
        ("problems", |r| {
            r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f["severity"] == "error" || f["severity"] == "warning")
        }),
    ] {
        let (shown, _) = run(&mut check(&["--format", "ndjson", "--only", only, "samples/"]), 1);
        let shown = parse_lines(&shown);
        let expected: Vec<&serde_json::Value> = all.iter().filter(|r| picks(r)).collect();
        assert!(!expected.is_empty(), "{only}: the samples have some");
        assert_eq!(shown.iter().collect::<Vec<_>>(), expected, "{only}");
    }
    let (json, _) = run(&mut check(&["--format", "json", "--only", "pass", "samples/"]), 1);
    let document: serde_json::Value = serde_json::from_str(&json).expect("a JSON document");
    assert_eq!(document["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(document["summary"]["payloads"], 12, "the summary counts every result");
    let (both, _) = run(&mut check(&["--format", "ndjson", "--only", "pass,invalid", "samples/"]), 1);
    assert_eq!(parse_lines(&both).len(), 4, "two PASS and two invalid results");
}

#[test]
fn the_notice_can_be_left_out() {
    let (stdout, _) = run(&mut check(&["samples/pass.json"]), 0);
    assert!(stdout.contains("note: the 1:1 Authentication webhook"), "on by default: {stdout}");
    let (stdout, _) = run(&mut check(&["--no-notice", "samples/pass.json"]), 0);
    assert!(!stdout.contains("webhook passed End of Support"), "{stdout}");
    let (json, _) = run(&mut check(&["--no-notice", "--format", "json", "samples/pass.json"]), 0);
    assert!(json.contains("\"notices\": []") || json.contains("\"notices\":[]"), "{json}");
    let dir = tempdir();
    let settings = dir.path().join("authhook.toml");
    fs::write(&settings, "notice = false\n").expect("a settings file");
    let (stdout, _) = run(&mut check(&["--config", settings.to_str().unwrap_or_default(), "samples/pass.json"]), 0);
    assert!(!stdout.contains("webhook passed End of Support"), "{stdout}");
}

#[test]
fn the_manual_page_has_its_sections_and_no_help_command() {
    for page in [&["man"][..], &["man", "check"], &["man", "stats"], &["man", "explain"]] {
        let (roff, _) = run(authhook().args(page), 0);
        for section in [".SH EXAMPLES", ".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
            assert!(roff.contains(section), "{page:?}: {section}");
        }
        for name in ["NO_COLOR", "CLICOLOR_FORCE", "AUTHHOOK_TODAY", "COLUMNS", "authhook.toml"] {
            assert!(roff.contains(name), "{page:?}: {name}");
        }
        assert!(!roff.contains("authhook\\-help"), "{page:?} advertises a help page that man cannot print");
    }
    let (_, stderr) = run(authhook().args(["man", "help"]), 2);
    assert!(stderr.contains("no command named \"help\""), "{stderr}");
}

#[test]
fn completions_offer_rule_ids_reason_codes_and_topics() {
    let (script, _) = run(authhook().args(["completions", "bash"]), 0);
    for candidate in ["id-format", "conflicting-delivery", "spoof-detected", "overallScore", "4005"] {
        assert!(script.contains(candidate), "{candidate}");
    }
}

#[test]
fn the_version_tells_what_a_bug_report_needs() {
    let (stdout, _) = run(authhook().arg("--version"), 0);
    let version = env!("CARGO_PKG_VERSION");
    assert!(stdout.starts_with(&format!("authhook {version} (commit ")), "{stdout}");
    let target = stdout.trim_end().rsplit(", ").next().unwrap_or_default().trim_end_matches(')');
    assert!(target.split('-').count() >= 3, "a target triple: {stdout}");
}
