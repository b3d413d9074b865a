//! Payloads in real captures: wrappers added by log shippers (docker json-file, CloudWatch Logs
//! exports, encoded `body` strings, raw HTTP requests), gzip from files and pipes, `--select`,
//! `--lenient`, repeated deliveries, `--max-payload-bytes`, ordered output whatever the thread
//! count, and results that stream out while input is still arriving.
//!
//! Every command runs from the crate root with a fixed date (`AUTHHOOK_TODAY`) and colour off.
//! Fixtures are in `tests/fixtures/logs/` (built from `samples/*.json`); inputs made at test time
//! go to a temporary directory under `CARGO_TARGET_TMPDIR`.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;

use assert_cmd::Command;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::common::{LIMIT, TODAY, Watchdog, authhook, check, parse_lines, run};

/// Every output format of `check`.
const FORMATS: [&str; 7] = ["human", "json", "ndjson", "table", "github", "sarif", "junit"];

/// The transactionId the delivery fixtures share.
const TRANSACTION: &str = "5a9e94d9c3474bfcbbbdc5a5";

/// `authhook check --format ndjson ARGS...`, asserting its exit status; the results.
fn ndjson(args: &[&str], code: i32) -> Vec<Value> {
    let (stdout, _) = run(check(&["--format", "ndjson"]).args(args), code);
    parse_lines(&stdout)
}

/// [`ndjson`] over standard input.
fn ndjson_stdin(args: &[&str], input: impl Into<Vec<u8>>, code: i32) -> Vec<Value> {
    let (stdout, _) = run(check(&["--format", "ndjson"]).args(args).write_stdin(input.into()), code);
    parse_lines(&stdout)
}

/// The path of a fixture of this file, relative to the crate root.
fn fixture(name: &str) -> String {
    format!("tests/fixtures/logs/{name}")
}

/// The bytes of a file of the crate.
fn read_bytes(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("reading {}: {e}", full.display()))
}

/// The text of a file of the crate.
fn read(path: &str) -> String {
    String::from_utf8(read_bytes(path)).expect("a UTF-8 file")
}

/// A documented sample, parsed.
fn sample(name: &str) -> Value {
    serde_json::from_str(&read(&format!("samples/{name}.json"))).expect("a sample is valid JSON")
}

/// A temporary directory inside the build's own scratch space.
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// The finding rule ids of a result.
fn rules(result: &Value) -> Vec<&str> {
    result["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().expect("a rule")).collect()
}

/// The findings of a result for one rule.
fn findings<'v>(result: &'v Value, rule: &str) -> Vec<&'v Value> {
    result["findings"].as_array().expect("findings").iter().filter(|f| f["rule"] == rule).collect()
}

/// `(line, column)` of a result's source.
fn at(result: &Value) -> (u64, u64) {
    let source = &result["source"];
    (source["line"].as_u64().expect("a line"), source["column"].as_u64().expect("a column"))
}

/// `path:line:column` of a result's source, as delivery findings name it.
fn location(result: &Value) -> String {
    let (line, column) = at(result);
    format!("{}:{line}:{column}", result["source"]["path"].as_str().expect("a path"))
}

/// `(status, errorCode)` of each result.
fn verdicts(results: &[Value]) -> Vec<(Value, Value)> {
    results.iter().map(|r| (r["status"].clone(), r["errorCode"].clone())).collect()
}

/// The 1-based line and column (in characters) of the only occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (u64, u64) {
    assert_eq!(text.matches(needle).count(), 1, "{needle:?} should occur exactly once");
    let offset = text.find(needle).unwrap_or_default();
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    (line as u64, column as u64)
}

/// Results with their source path set to `path`, after checking it was `was`.
fn with_path(mut results: Vec<Value>, was: &str, path: &str) -> Vec<Value> {
    for result in &mut results {
        assert_eq!(result["source"]["path"], was, "{result}");
        result["source"]["path"] = Value::from(path);
    }
    results
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compressing in memory");
    encoder.finish().expect("compressing in memory")
}

// 1. Wrappers added by log shippers and capture tools, found with no option.

#[test]
fn docker_json_file_lines_yield_the_payload_of_each_log_field() {
    let results = ndjson(&[&fixture("docker.log")], 0);
    assert_eq!(results.len(), 2, "two records hold a payload, the idle line none: {results:#?}");
    assert_eq!(verdicts(&results), [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4005))]);
    // A payload inside a string is placed at the string: the `log` value opens at column 8.
    assert_eq!([at(&results[0]), at(&results[1])], [(1, 8), (3, 8)]);
    assert_eq!(results[0]["payload"], sample("pass"));
    assert_eq!(results[1]["payload"], sample("spoof"));
}

#[test]
fn cloudwatch_logs_export_yields_one_result_per_log_event() {
    let export = read(&fixture("cloudwatch.json"));
    let results = ndjson(&[&fixture("cloudwatch.json")], 0);
    assert_eq!(results.len(), 2, "{results:#?}");
    assert_eq!(verdicts(&results), [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4003))]);
    // Each result stands at its event's `message` string.
    let message_at = |level: &str| {
        let (line, _) = position_of(&export, &format!("\\t{level}\\twebhook body="));
        let text = export.lines().nth(line as usize - 1).unwrap_or_default();
        let key = "\"message\": ";
        (line, (text.find(key).expect("a message member") + key.len() + 1) as u64)
    };
    assert_eq!([at(&results[0]), at(&results[1])], [message_at("INFO"), message_at("WARN")]);
    assert_eq!(results[1]["payload"], sample("blacklisted"));
}

#[test]
fn a_body_string_holding_an_encoded_payload_yields_the_payload() {
    let record: Value = serde_json::from_str(&read(&fixture("body-string.ndjson"))).expect("one JSON record");
    assert!(record["body"].is_string(), "the fixture's body is a string");
    let results = ndjson(&[&fixture("body-string.ndjson")], 0);
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0]["kind"], "auth-1:1");
    assert_eq!(results[0]["status"], "PASS");
    assert_eq!(results[0]["payload"], sample("pass"));
}

/// A documented sample as one line of compact JSON.
fn compact(name: &str) -> String {
    authhook::contract::samples::find(name).expect("a sample").compact()
}

/// The `capturedAt` of each result.
fn captured_at(results: &[Value]) -> Vec<Option<&str>> {
    results.iter().map(|result| result["capturedAt"].as_str()).collect()
}

#[test]
fn the_capture_time_of_a_docker_record_is_its_time_unless_its_log_line_starts_with_one() {
    let record = |log: String, time: &str| json!({"log": log, "stream": "stdout", "time": time}).to_string();
    let input = [
        record(format!("INFO  POST /webhooks/auth 200 body={}\n", compact("pass")), "2026-11-25T10:00:00.123456789Z"),
        // The line in `log` is nearer the payload than the record around it.
        record(format!("2026-11-25T10:00:01.5Z WARN body={}\n", compact("spoof")), "2026-11-25T10:00:01.500000001Z"),
        // A `time` that is no date-time is no capture time.
        record(format!("body={}\n", compact("blacklisted")), "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
    ]
    .join("\n");
    let (stdout, _) = run(check(&["--format", "ndjson", "-"]).write_stdin(input.clone()), 0);
    let results = parse_lines(&stdout);
    assert_eq!(
        captured_at(&results),
        [Some("2026-11-25T10:00:00.123456789Z"), Some("2026-11-25T10:00:01.5Z"), None],
        "{results:#?}"
    );
    assert!(!stdout.contains("eyJhbGciOiJIUzI1NiJ9"), "{stdout}");
    // A selected `log` is inside its record all the same.
    let (stdout, _) = run(check(&["--format", "ndjson", "--select", "$.log", "-"]).write_stdin(input), 0);
    assert_eq!(
        captured_at(&parse_lines(&stdout))[..2],
        [Some("2026-11-25T10:00:00.123456789Z"), Some("2026-11-25T10:00:01.5Z")]
    );
    // The fixture's `log` lines start with the application's own date-time, which wins.
    let fixture_results = ndjson(&[&fixture("docker.log")], 0);
    assert_eq!(captured_at(&fixture_results), [Some("2026-09-14T08:02:15.003Z"), Some("2026-09-14T08:03:40.771Z")]);
}

#[test]
fn the_capture_time_of_a_cloudwatch_event_is_its_timestamp_in_milliseconds_as_utc() {
    let event = |timestamp: Value, name: &str| json!({"id": "1", "timestamp": timestamp, "message": format!("webhook body={}\n", compact(name))});
    let export = json!({
        "messageType": "DATA_MESSAGE",
        "logGroup": "/aws/lambda/auth-webhook",
        "logEvents": [
            event(json!(1_795_600_800_123_u64), "pass"),
            event(json!("2026-11-25 10:00:02.250"), "spoof"),
            // Seconds, not milliseconds: no capture time rather than one in 1970.
            event(json!(1_795_600_803_u64), "blacklisted"),
        ]
    });
    let results = ndjson_stdin(&["-"], serde_json::to_string_pretty(&export).expect("JSON"), 0);
    assert_eq!(
        captured_at(&results),
        [Some("2026-11-25T10:00:00.123Z"), Some("2026-11-25 10:00:02.250"), None],
        "{results:#?}"
    );
    // The fixture's messages start with the function's own date-time, which wins.
    let fixture_results = ndjson(&[&fixture("cloudwatch.json")], 0);
    assert_eq!(captured_at(&fixture_results), [Some("2026-09-14T08:02:15.003Z"), Some("2026-09-14T08:03:40.771Z")]);
}

#[test]
fn the_capture_time_of_a_log_line_is_the_date_time_it_starts_with_as_written() {
    let input = [
        format!("2026-11-25T10:00:00Z INFO  POST /webhooks/auth 200 body={}", compact("pass")),
        format!("2026-11-25 10:00:01.042+01:00 WARN body={}", compact("spoof")),
        format!("2026-11-25T10:00:02,5-0800\t{}", compact("blacklisted")),
        // Not at the start of the line, not a date-time, or on a line of its own: none.
        format!("INFO 2026-11-25T10:00:03Z body={}", compact("lenses")),
        format!("2026-11-25T10:00:61Z body={}", compact("face-mask")),
        "2026-11-25T10:00:04Z DEBUG payload:".to_owned(),
        authhook::contract::samples::find("not-recognized").expect("a sample").json.to_owned(),
    ]
    .join("\n");
    let results = ndjson_stdin(&["-"], input, 1);
    assert_eq!(
        captured_at(&results),
        [
            Some("2026-11-25T10:00:00Z"),
            Some("2026-11-25 10:00:01.042+01:00"),
            Some("2026-11-25T10:00:02,5-0800"),
            None,
            None,
            None
        ],
        "{results:#?}"
    );
    // The member is always there, null or not.
    let fixture_results = ndjson(&["samples/captured.log"], 1);
    assert!(fixture_results.iter().all(|result| result.get("capturedAt").is_some()));
    assert_eq!(captured_at(&fixture_results)[..2], [Some("2026-09-14T08:02:15.003Z"), None]);
}

#[test]
fn a_raw_http_request_yields_its_json_body() {
    let capture = read(&fixture("http-request.txt"));
    let results = ndjson(&[&fixture("http-request.txt")], 0);
    assert_eq!(results.len(), 1, "headers are no payload: {results:#?}");
    assert_eq!(results[0]["status"], "PASS");
    assert_eq!(results[0]["customerId"], "67460a9995516d9a553aa95b");
    let body_line = capture.split("\r\n").position(str::is_empty).expect("a blank line ends the headers") + 2;
    assert_eq!(at(&results[0]), (body_line as u64, 1), "the body's opening brace");
}

#[test]
fn the_bearer_token_of_a_raw_http_request_appears_in_no_output() {
    let capture = read(&fixture("http-request.txt"));
    let bearer = capture
        .split("\r\n")
        .find_map(|line| line.strip_prefix("Authorization: Bearer "))
        .expect("the capture has a bearer token");
    let token = serde_json::from_str::<Value>(&capture[capture.find("\r\n\r\n").expect("a body")..])
        .expect("the body is JSON")["token"]
        .as_str()
        .expect("the body has a token")
        .to_owned();
    assert!(bearer.starts_with("eyJ") && token.starts_with("eyJ"), "both look like JWTs");
    let signature = |jwt: &str| jwt.rsplit('.').next().unwrap_or_default().to_owned();
    let secrets = [bearer.to_owned(), signature(bearer), token.clone(), signature(&token)];

    let mut runs: Vec<(String, Command)> =
        FORMATS.iter().map(|f| (format!("check --format {f}"), check(&["--format", f]))).collect();
    for format in ["human", "json", "table"] {
        let mut cmd = authhook();
        cmd.args(["stats", "--color", "never", "--format", format]);
        runs.push((format!("stats --format {format}"), cmd));
    }
    for (label, mut cmd) in runs {
        let (stdout, stderr) = run(cmd.arg(fixture("http-request.txt")), 0);
        assert!(!stdout.trim().is_empty(), "{label} printed nothing");
        for secret in &secrets {
            assert!(!stdout.contains(secret.as_str()), "{label} prints a credential on stdout:\n{stdout}");
            assert!(!stderr.contains(secret.as_str()), "{label} prints a credential on stderr:\n{stderr}");
        }
    }
}

// 2. gzip, from a file and from a pipe.

#[test]
fn a_gzip_file_gives_the_same_results_as_its_plain_text() {
    let dir = scratch();
    let gz = dir.path().join("captured.log.gz");
    std::fs::write(&gz, gzip(&read_bytes("samples/captured.log"))).expect("writing the gzip file");
    let plain = ndjson(&["samples/captured.log"], 1);
    assert!(plain.len() >= 5, "the capture holds several payloads: {plain:#?}");
    let compressed = ndjson(&[path_str(&gz)], 1);
    assert_eq!(with_path(compressed, path_str(&gz), "samples/captured.log"), plain);
}

#[test]
fn gzip_on_standard_input_gives_the_same_results_as_its_plain_text() {
    let plain = ndjson(&["samples/captured.log"], 1);
    let piped = ndjson_stdin(&["-"], gzip(&read_bytes("samples/captured.log")), 1);
    assert_eq!(with_path(piped, "-", "samples/captured.log"), plain);
}

#[test]
fn concatenated_gzip_members_are_all_read() {
    let first = read_bytes("samples/captured.log");
    let second = read_bytes(&fixture("docker.log"));
    let plain = ndjson_stdin(&[], [first.as_slice(), &second].concat(), 1);
    let members = ndjson_stdin(&[], [gzip(&first), gzip(&second)].concat(), 1);
    assert!(
        members
            .iter()
            .any(|r| r["source"]["line"].as_u64() > Some(first.iter().filter(|&&b| b == b'\n').count() as u64)),
        "results from the second member: {members:#?}"
    );
    assert_eq!(members, plain);
}

/// A gzip stream whose deflate data is damaged in the middle.
fn corrupt_gzip() -> Vec<u8> {
    let mut bytes = gzip(&read_bytes("samples/captured.log"));
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4] {
        *byte ^= 0xFF;
    }
    bytes
}

#[test]
fn a_corrupt_gzip_file_exits_2_with_an_error_naming_it() {
    let dir = scratch();
    let gz = dir.path().join("damaged.log.gz");
    std::fs::write(&gz, corrupt_gzip()).expect("writing the gzip file");
    let (_, stderr) = run(&mut check(&["--format", "ndjson", path_str(&gz)]), 2);
    let prefix = format!("authhook: {}: cannot read: ", gz.display());
    assert!(stderr.starts_with(&prefix), "{stderr}");
    assert!(stderr.contains("corrupt") || stderr.contains("invalid"), "says what is wrong: {stderr}");
    assert!(stderr.contains("deflate") || stderr.contains("gzip"), "says it is the compression: {stderr}");
}

#[test]
fn a_corrupt_gzip_on_standard_input_exits_2_with_an_error() {
    let (_, stderr) = run(check(&["--format", "ndjson", "-"]).write_stdin(corrupt_gzip()), 2);
    assert!(stderr.starts_with("authhook: -: cannot read: "), "{stderr}");
    assert!(stderr.contains("deflate") || stderr.contains("gzip"), "{stderr}");
}

#[test]
fn a_corrupt_gzip_does_not_stop_the_other_inputs() {
    let dir = scratch();
    let gz = dir.path().join("damaged.log.gz");
    std::fs::write(&gz, corrupt_gzip()).expect("writing the gzip file");
    let (stdout, stderr) = run(&mut check(&["--format", "ndjson", path_str(&gz), "samples/pass.json"]), 2);
    assert!(stderr.contains(path_str(&gz)), "{stderr}");
    let last = parse_lines(&stdout).pop().expect("a result");
    assert_eq!((&last["source"]["path"], &last["status"]), (&json!("samples/pass.json"), &json!("PASS")));
}

// 3. --select

#[test]
fn select_log_scans_only_the_log_field_of_docker_lines() {
    let everywhere = ndjson(&[&fixture("docker-attrs.log")], 0);
    assert_eq!(everywhere.len(), 3, "without --select the attrs payloads are found too: {everywhere:#?}");
    let selected = ndjson(&["--select", "$.log", &fixture("docker-attrs.log")], 0);
    assert_eq!(selected.len(), 1, "{selected:#?}");
    assert_eq!((at(&selected[0]), &selected[0]["status"]), ((1, 8), &json!("PASS")));
    assert_eq!(selected[0]["payload"], sample("pass"));
}

#[test]
fn a_selector_matching_nothing_in_log_records_finds_no_payload() {
    let (stdout, stderr) = run(&mut check(&["--format", "ndjson", "--select", "$.message", &fixture("docker.log")]), 2);
    assert_eq!(stdout, "", "log records holding no payload are not reported");
    assert!(stderr.contains("no authentication payload found"), "{stderr}");
}

#[test]
fn a_selector_matching_nothing_in_a_payload_gives_not_a_payload() {
    let results = ndjson(&["--select", "$.data", "samples/pass.json"], 2);
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!(results[0]["kind"], "unknown");
    assert_eq!(rules(&results[0]), ["not-a-payload"]);
}

#[test]
fn an_invalid_jsonpath_is_a_usage_error() {
    let (stdout, stderr) = run(&mut check(&["--select", "$[", &fixture("docker.log")]), 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("--select \"$[\" is not a valid JSONPath"), "{stderr}");
}

// 4. --lenient

#[test]
fn lenient_accepts_the_vendor_page_trailing_comma_with_a_warning_but_not_the_missing_brace() {
    let page = read("tests/fixtures/vendor-page.txt");
    let strict = ndjson(&["tests/fixtures/vendor-page.txt"], 1);
    let lenient = ndjson(&["--lenient", "tests/fixtures/vendor-page.txt"], 1);
    assert_eq!(strict.len(), 7);
    assert_eq!(lenient.len(), 7, "{lenient:#?}");

    let (status_line, _) = position_of(&page, r#""overallStatus": "PASS"Failure"#);
    for results in [&strict, &lenient] {
        assert_eq!(rules(&results[0]), ["syntax"], "the missing brace stays a syntax error");
        assert_eq!(findings(&results[0], "syntax")[0]["line"], status_line);
    }

    let (code_line, _) = position_of(&page, r#""errorCode": 4003,"#);
    assert_eq!(rules(&strict[4]), ["syntax"]);
    let blacklisted = &lenient[4];
    assert_eq!((&blacklisted["status"], &blacklisted["errorCode"]), (&json!("FAIL"), &json!(4003)));
    assert_eq!(blacklisted["valid"], true);
    let accepted = findings(blacklisted, "lenient-syntax");
    assert_eq!(rules(blacklisted), ["lenient-syntax"], "{blacklisted:#}");
    assert_eq!(accepted[0]["severity"], "warning");
    assert_eq!(accepted[0]["line"], code_line + 1, "the closing brace after the comma");
    assert!(accepted[0]["message"].as_str().unwrap_or_default().contains("trailing comma"), "{}", accepted[0]);
}

#[test]
fn lenient_accepts_comments_with_a_warning_for_each() {
    let text = read(&fixture("comments.jsonc"));
    let results = ndjson(&["--lenient", &fixture("comments.jsonc")], 0);
    assert_eq!(results.len(), 1, "{results:#?}");
    assert_eq!((&results[0]["status"], &results[0]["valid"]), (&json!("PASS"), &json!(true)));
    let warnings: Vec<(u64, u64)> = findings(&results[0], "lenient-syntax")
        .iter()
        .map(|f| (f["line"].as_u64().unwrap_or_default(), f["column"].as_u64().unwrap_or_default()))
        .collect();
    assert_eq!(warnings, [position_of(&text, "// who"), position_of(&text, "/* recognition")]);
    assert_eq!(rules(&results[0]), ["lenient-syntax", "lenient-syntax"]);
}

#[test]
fn without_lenient_comments_are_a_syntax_error() {
    let text = read(&fixture("comments.jsonc"));
    let results = ndjson(&[&fixture("comments.jsonc")], 1);
    assert_eq!(rules(&results[0]), ["syntax"], "{results:#?}");
    let syntax = findings(&results[0], "syntax")[0];
    assert_eq!((syntax["line"].as_u64(), syntax["column"].as_u64()), {
        let (line, column) = position_of(&text, "// who");
        (Some(line), Some(column))
    });
    assert!(results.iter().all(|r| r["kind"] == "unknown"), "no payload is read: {results:#?}");
}

// 5. Repeated deliveries.

#[test]
fn a_repeated_delivery_gets_a_duplicate_note_naming_the_first() {
    let results = ndjson(&[&fixture("retry.log")], 0);
    assert_eq!(results.len(), 3, "twice compact, once pretty-printed: {results:#?}");
    assert!(rules(&results[0]).is_empty(), "the first delivery is no duplicate: {:#}", results[0]);
    let first = location(&results[0]);
    assert_eq!(first, fixture("retry.log") + ":1:62");
    for retry in &results[1..] {
        assert_eq!(rules(retry), ["duplicate-delivery"], "{retry:#}");
        let note = findings(retry, "duplicate-delivery")[0];
        assert_eq!(note["severity"], "note");
        let message = note["message"].as_str().expect("a message");
        assert!(message.contains(&format!(" at {first} ")), "names the first delivery: {message}");
        assert!(message.contains(TRANSACTION), "{message}");
        assert_eq!(retry["valid"], true);
    }
}

#[test]
fn pass_then_fail_for_one_transaction_is_a_conflicting_delivery() {
    let text = read(&fixture("conflict.log"));
    let results = ndjson(&[&fixture("conflict.log")], 1);
    assert_eq!(verdicts(&results), [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4005))]);
    assert!(rules(&results[0]).is_empty(), "{:#}", results[0]);
    assert_eq!(rules(&results[1]), ["conflicting-delivery"], "{:#}", results[1]);
    let conflict = findings(&results[1], "conflicting-delivery")[0];
    assert_eq!(conflict["severity"], "error");
    assert_eq!(results[1]["valid"], false);
    let message = conflict["message"].as_str().expect("a message");
    assert!(message.contains(&location(&results[0])), "names the first delivery: {message}");
    assert!(message.contains("PASS there, FAIL here"), "names both verdicts: {message}");
    // The finding stands at the second delivery's transactionId.
    let second_line = text.lines().nth(1).expect("two lines");
    let column = second_line.find(&format!("\"{TRANSACTION}\"")).expect("the transactionId") + 1;
    assert_eq!((conflict["line"].as_u64(), conflict["column"].as_u64()), (Some(2), Some(column as u64)));
}

#[test]
fn a_conflict_across_two_files_names_the_first_file() {
    let results = ndjson(&[&fixture("conflict-a.json"), &fixture("conflict-b.log")], 1);
    assert_eq!(results.len(), 2, "{results:#?}");
    assert_eq!(location(&results[0]), fixture("conflict-a.json") + ":1:1");
    assert_eq!(results[1]["source"]["path"], fixture("conflict-b.log"));
    let message = findings(&results[1], "conflicting-delivery")
        .first()
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("a conflicting delivery: {:#}", results[1]))
        .to_owned();
    assert!(message.contains(&(fixture("conflict-a.json") + ":1:1")), "{message}");
}

#[test]
fn a_duplicate_across_two_files_names_the_first_file() {
    let results = ndjson(&[&fixture("conflict-a.json"), &fixture("retry.log")], 0);
    assert_eq!(results.len(), 4, "{results:#?}");
    let first = fixture("conflict-a.json") + ":1:1";
    for retry in &results[1..] {
        let message = findings(retry, "duplicate-delivery")
            .first()
            .and_then(|f| f["message"].as_str())
            .unwrap_or_else(|| panic!("a duplicate delivery: {retry:#}"))
            .to_owned();
        assert!(message.contains(&first), "{message}");
    }
}

// 6. --max-payload-bytes

#[test]
fn an_oversized_payload_is_too_large_and_its_neighbours_are_still_checked() {
    let everything = ndjson(&[&fixture("too-large.ndjson")], 0);
    assert_eq!(everything.len(), 3, "under the default limit all three are read: {everything:#?}");

    let results = ndjson(&["--max-payload-bytes", "256", &fixture("too-large.ndjson")], 1);
    assert_eq!(results.len(), 3, "{results:#?}");
    assert_eq!(rules(&results[1]), ["too-large"], "{:#}", results[1]);
    assert_eq!(findings(&results[1], "too-large")[0]["severity"], "error");
    assert_eq!(at(&results[1]), (2, 1));
    assert_eq!(results[1]["payload"], Value::Null);
    assert_eq!(
        [&results[0], &results[2]].map(|r| (r["status"].clone(), r["errorCode"].clone(), r["valid"].clone())),
        [(json!("FAIL"), json!(4003), json!(true)), (json!("FAIL"), json!(4004), json!(true))]
    );
}

#[test]
fn a_payload_larger_than_a_read_chunk_is_one_too_large_result_for_any_thread_count() {
    let small = |name: &str| serde_json::to_string(&sample(name)).expect("serializing a sample");
    let mut big = sample("pass");
    // Text that looks like JSON to a scan starting inside the string.
    big["note"] = Value::from("{\"overallStatus\":\"PASS\"} [{}] ".repeat(100_000));
    let input = format!("{}\n{}\n{}\n", small("blacklisted"), big, small("customer-not-found"));
    assert!(input.len() > 2 << 20, "larger than two read chunks");
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let (stdout, _) = run(
            check(&["--format", "ndjson", "--max-payload-bytes", "256", "-j", threads, "-"]).write_stdin(input.clone()),
            1,
        );
        let results = parse_lines(&stdout);
        assert_eq!(results.iter().map(rules).collect::<Vec<_>>(), [vec![], vec!["too-large"], vec![]], "-j {threads}");
        assert_eq!(verdicts(&results)[2], (json!("FAIL"), json!(4004)), "-j {threads}");
        outputs.push(stdout);
    }
    assert_eq!(outputs[0], outputs[1]);
}

#[test]
fn a_json_array_export_larger_than_the_limit_yields_each_payload() {
    // An export of many payloads as one JSON array is larger than --max-payload-bytes as a
    // whole; it is entered, not skipped, so each payload is checked, on any thread count.
    let names = ["pass", "spoof", "blacklisted", "customer-not-found"];
    let payloads: Vec<Value> = (0..4_000).map(|i| sample(names[i % names.len()])).collect();
    let input = serde_json::to_string_pretty(&Value::Array(payloads)).expect("serializes");
    assert!(input.len() > 1 << 20, "larger than the default limit and several read chunks: {}", input.len());
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let (stdout, _) = run(check(&["--format", "ndjson", "-j", threads, "-"]).write_stdin(input.clone()), 0);
        let results = parse_lines(&stdout);
        assert_eq!(results.len(), 4_000, "-j {threads}");
        assert!(results.iter().all(|r| !rules(r).contains(&"too-large")), "-j {threads}");
        assert_eq!(results[1]["reasons"][0]["code"], "spoof-detected");
        outputs.push(stdout);
    }
    assert_eq!(outputs[0], outputs[1]);
}

// 7. Ordered output whatever the thread count.

/// A synthetic capture and what it holds.
struct Corpus {
    text: String,
    payloads: usize,
    pass: usize,
    fail: usize,
    broken: usize,
    retries: usize,
}

/// A deterministic ~`size`-byte capture mixing compact payloads in log lines, pretty-printed
/// payloads, docker json-file records, noise lines with braces, exact retries and a few
/// payloads with a trailing comma.
fn corpus(size: usize) -> Corpus {
    const KINDS: [&str; 7] =
        ["pass", "customer-not-found", "spoof", "not-recognized", "blacklisted", "lenses", "face-mask"];
    const NOISE: [&str; 4] = [
        "INFO  receiver idle, {queue} empty",
        "DEBUG health check [ok] in 3ms",
        "WARN  slow request: [ { took 812ms } ]",
        "INFO  config {env: prod, workers: [4]}",
    ];
    let samples: Vec<Value> = KINDS.iter().map(|k| sample(k)).collect();
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut c =
        Corpus { text: String::with_capacity(size + 4096), payloads: 0, pass: 0, fail: 0, broken: 0, retries: 0 };
    let mut delivered: Vec<(String, bool)> = Vec::new();
    let mut serial = 0u64;
    while c.text.len() < size {
        serial += 1;
        let stamp = format!(
            "2026-09-14T{:02}:{:02}:{:02}.{:03}Z",
            serial / 3_600_000 % 24,
            serial / 60_000 % 60,
            serial / 1000 % 60,
            serial % 1000
        );
        let roll = next(100);
        if roll < 15 {
            c.text += &format!("{stamp} {}\n", NOISE[next(NOISE.len() as u64) as usize]);
            continue;
        }
        c.payloads += 1;
        if roll < 18 && !delivered.is_empty() {
            let (payload, pass) = delivered[next(delivered.len() as u64) as usize].clone();
            c.retries += 1;
            if pass {
                c.pass += 1
            } else {
                c.fail += 1
            }
            c.text += &format!("{stamp} INFO  POST /webhooks/auth 200 body={payload} (retry)\n");
            continue;
        }
        let kind = if next(10) < 7 { 0 } else { 1 + next(6) as usize };
        let mut payload = samples[kind].clone();
        payload["transactionId"] =
            Value::from(format!("{:024x}", serial.wrapping_mul(0x2545_F491_4F6C_DD1D) as u128 * 0x1_0001));
        payload["customerId"] = Value::from(format!("{:024x}", u128::from(next(u64::MAX)) << 32));
        let broken = c.payloads.is_multiple_of(499);
        // Half pretty-printed (so that input is often cut inside one), then docker, then log lines.
        let style = next(8).min(5);
        let mut text = if style < 4 {
            serde_json::to_string_pretty(&payload).expect("serializing a payload")
        } else {
            serde_json::to_string(&payload).expect("serializing a payload")
        };
        if broken {
            text.insert(text.rfind('}').expect("an object"), ',');
            c.broken += 1;
        } else {
            if kind == 0 {
                c.pass += 1
            } else {
                c.fail += 1
            }
            delivered.push((serde_json::to_string(&payload).expect("serializing a payload"), kind == 0));
        }
        match style {
            0..4 => c.text += &format!("{stamp} DEBUG payload:\n{text}\n"),
            4 => {
                let log = format!("{stamp} INFO  POST /webhooks/auth 200 body={text}\n");
                let record = json!({"log": log, "stream": "stdout", "time": stamp});
                c.text += &format!("{record}\n");
            }
            _ => c.text += &format!("{stamp} INFO  POST /webhooks/auth 200 body={text}\n"),
        }
    }
    c
}

/// Asserts two outputs are byte for byte the same, showing the first line where they differ.
fn assert_same_output(actual: &str, expected: &str, label: &str) {
    if actual == expected {
        return;
    }
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    let at = a.iter().zip(&e).position(|(x, y)| x != y).unwrap_or(a.len().min(e.len()));
    panic!(
        "{label}: {} lines against {} expected; first difference at line {}:\n  got:      {}\n  expected: {}",
        a.len(),
        e.len(),
        at + 1,
        a.get(at).unwrap_or(&"<none>"),
        e.get(at).unwrap_or(&"<none>")
    );
}

/// `check --format ndjson -j THREADS PATH`; the raw output.
fn ndjson_output(threads: &str, path: &str) -> String {
    let (stdout, _) = run(&mut check(&["--format", "ndjson", "-j", threads, path]), 1);
    stdout
}

#[test]
fn parallel_output_is_byte_identical_to_sequential_output() {
    let corpus = corpus(5 << 20);
    let dir = scratch();
    let path = dir.path().join("corpus.log");
    std::fs::write(&path, &corpus.text).expect("writing the corpus");

    let sequential = ndjson_output("1", path_str(&path));
    let results = parse_lines(&sequential);
    assert_eq!(results.len(), corpus.payloads, "one result per payload written");
    let count = |f: &dyn Fn(&Value) -> bool| results.iter().filter(|r| f(r)).count();
    assert_eq!(count(&|r| r["status"] == "PASS"), corpus.pass);
    assert_eq!(count(&|r| r["status"] == "FAIL"), corpus.fail);
    assert_eq!(count(&|r| rules(r).contains(&"syntax")), corpus.broken);
    assert_eq!(count(&|r| rules(r).contains(&"duplicate-delivery")), corpus.retries);
    assert!(corpus.broken > 0 && corpus.retries > 0);

    for threads in ["2", "4"] {
        let parallel = ndjson_output(threads, path_str(&path));
        assert_same_output(&parallel, &sequential, &format!("-j {threads} against -j 1"));
    }
}

#[test]
fn piped_input_gives_the_same_output_as_the_file_for_any_thread_count() {
    let corpus = corpus(3 << 20);
    let dir = scratch();
    let path = dir.path().join("corpus.log");
    std::fs::write(&path, &corpus.text).expect("writing the corpus");
    // The path stands in sources and in the messages that name a first delivery.
    let from_file = ndjson_output("1", path_str(&path)).replace(path_str(&path), "-");
    for threads in ["1", "4"] {
        let (piped, _) = run(check(&["--format", "ndjson", "-j", threads, "-"]).write_stdin(corpus.text.clone()), 1);
        assert_same_output(&piped, &from_file, &format!("-j {threads} on a pipe against the file"));
    }
}

// 8. Results stream out while input is still arriving.

/// Kills the child when a test fails before it exits.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn assert_results_stream(threads: &str) {
    let mut child = Running(
        std::process::Command::new(env!("CARGO_BIN_EXE_authhook"))
            .args(["check", "--color", "never", "--format", "ndjson", "-j", threads, "-"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("AUTHHOOK_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("authhook starts"),
    );
    let _watchdog = Watchdog::new(child.0.id(), LIMIT);
    let mut stdin = child.0.stdin.take().expect("a stdin pipe");
    let stdout = child.0.stdout.take().expect("a stdout pipe");
    let (lines_tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines_tx.send(line.expect("stdout is UTF-8")).is_err() {
                return;
            }
        }
    });

    for (name, status) in [("pass", "PASS"), ("spoof", "FAIL")] {
        let payload = serde_json::to_string(&sample(name)).expect("serializing a sample");
        writeln!(stdin, "{payload}").and_then(|()| stdin.flush()).expect("writing to authhook");
        // A run that holds results back until its input ends writes none while stdin is open:
        // the wait ends at the time limit, and the test fails.
        let line = lines
            .recv_timeout(LIMIT)
            .unwrap_or_else(|e| panic!("-j {threads}: no result for the {name} payload while stdin is open: {e}"));
        let result: Value = serde_json::from_str(&line).expect("a JSON line");
        assert_eq!(result["status"], status, "-j {threads}: {line}");
    }

    drop(stdin);
    // A run that does not exit after its input ended is killed at the time limit: no status.
    let status = child.0.wait().expect("waiting for authhook");
    assert_eq!(status.code(), Some(0), "-j {threads}: {status:?} (killed: it did not exit after its input ended)");
    reader.join().expect("the reader thread");
    assert_eq!(lines.try_iter().collect::<Vec<_>>(), Vec::<String>::new(), "-j {threads}: nothing more");
}

#[test]
fn results_stream_as_input_arrives_on_one_thread() {
    assert_results_stream("1");
}

#[test]
fn results_stream_as_input_arrives_on_worker_threads() {
    assert_results_stream("4");
}

/// The vendor page's two broken samples read, once mended, as the page means them; the results
/// stay unreadable and the run invalid; a value cut inside a string is not mended.
#[test]
fn broken_samples_are_mended_and_said_to_be() {
    let (stdout, _) =
        crate::common::run(&mut crate::common::check(&["--format", "ndjson", "tests/fixtures/vendor-page.txt"]), 1);
    let mended: Vec<(String, String, String)> = crate::common::parse_lines(&stdout)
        .iter()
        .filter(|r| !r["mended"].is_null())
        .map(|r| {
            assert_eq!((r["status"].clone(), r["valid"].clone()), (serde_json::Value::Null, false.into()));
            let m = &r["mended"];
            let repair = &m["repairs"][0];
            (
                format!(
                    "{} {}",
                    m["status"].as_str().unwrap_or_default(),
                    m["reasons"][0]["code"].as_str().unwrap_or_default()
                ),
                repair["repair"].as_str().unwrap_or_default().to_owned(),
                format!("{}:{}", repair["line"], repair["column"]),
            )
        })
        .collect();
    let expected = [("PASS face-matched", "unclosed", "26:24"), ("FAIL user-blacklisted", "trailing-comma", "71:18")];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned())).collect();
    assert_eq!(mended, expected);
    let cut = "{\"overallStatus\": \"PASS\", \"faceMatch\": true, \"customerId\": \"67460a99";
    let (stdout, _) = crate::common::run(crate::common::check(&["--format", "ndjson", "-"]).write_stdin(cut), 1);
    assert!(crate::common::parse_lines(&stdout).iter().all(|r| r["mended"].is_null()), "{stdout}");
}

/// A log line cut at a common logger limit is named as such, and not mended into a verdict; a
/// line cut at another length is measured.
#[test]
fn a_line_cut_at_a_logger_limit_is_named_and_not_mended() {
    let spoof = authhook::contract::samples::find("spoof").map(|s| s.compact()).unwrap_or_default();
    let padded = spoof.replacen('{', &format!("{{\"additionalInfo\":{{\"notes\":\"{}\"}},", "x".repeat(1500)), 1);
    let line = format!("2026-11-25T10:00:00Z INFO webhook {padded}");
    let input = format!("{}\n{}\n", &line[..1024], &line[..700]);
    let (stdout, _) = crate::common::run(crate::common::check(&["--format", "ndjson", "-"]).write_stdin(input), 1);
    let details: Vec<(serde_json::Value, serde_json::Value, bool)> = crate::common::parse_lines(&stdout)
        .iter()
        .map(|r| {
            let details = &r["findings"][0]["details"];
            (details["lineCharacters"].clone(), details["loggerLimit"].clone(), r["mended"].is_null())
        })
        .collect();
    assert_eq!(details, [(1024.into(), 1024.into(), true), (700.into(), serde_json::Value::Null, true)]);
    assert!(stdout.contains("a logger probably truncated the line"), "{stdout}");
}

// Payloads as receivers' languages print them.

/// The verdicts the samples get as JSON, in file order, with their customers.
fn sample_verdicts() -> Vec<(Value, Value, Value)> {
    let mut names: Vec<String> = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples"))
        .expect("the samples")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
        .iter()
        .flat_map(|name| ndjson(&["--allow", "conflicting-delivery", &format!("samples/{name}")], 0))
        .map(|r| (r["status"].clone(), r["errorCode"].clone(), r["customerId"].clone()))
        .collect()
}

/// Each result's form, from its `logged-form` finding, which every result has exactly once.
fn forms(results: &[Value]) -> Vec<&str> {
    results
        .iter()
        .map(|r| {
            let logged = findings(r, "logged-form");
            assert_eq!(logged.len(), 1, "{r}");
            assert_eq!(logged[0]["severity"], "warning");
            logged[0]["details"]["form"].as_str().expect("a form")
        })
        .collect()
}

#[test]
fn payloads_printed_by_python_node_and_ruby_get_the_verdicts_of_their_json() {
    let expected = sample_verdicts();
    for (log, form) in [("python.log", "python-dict"), ("node.log", "node-inspect"), ("rails.log", "ruby-inspect")] {
        let results = ndjson(&["--allow", "conflicting-delivery", &fixture(log)], 0);
        let got: Vec<(Value, Value, Value)> =
            results.iter().map(|r| (r["status"].clone(), r["errorCode"].clone(), r["customerId"].clone())).collect();
        assert_eq!(got[..expected.len()], expected[..], "{log}");
        assert!(forms(&results).iter().all(|f| *f == form), "{log}");
        // No result for the other objects the programs printed (`{'workers': 4, …}`).
        assert!(results.iter().all(|r| r["kind"] != "unknown"), "{log}");
        // Each result is placed at its opening brace in the log.
        let text = read(&fixture(log));
        let lines: Vec<&str> = text.lines().collect();
        for result in &results {
            let (line, column) = at(result);
            let on_line = lines[line as usize - 1].chars().nth(column as usize - 1);
            assert_eq!(on_line, Some('{'), "{log}: {result}");
        }
    }
}

#[test]
fn findings_in_a_printed_payload_point_into_the_log() {
    let results = ndjson(&["--allow", "conflicting-delivery", &fixture("python.log")], 0);
    let pass = results.iter().find(|r| r["status"] == "PASS").expect("the PASS payload");
    let id = findings(pass, "id-format");
    let text = read(&fixture("python.log"));
    let (line, column) = position_of(&text, "'549994d9r3474bfcbbbdc5a5'");
    assert_eq!((id[0]["line"].as_u64(), id[0]["column"].as_u64()), (Some(line), Some(column)));
    assert_eq!(id[0]["pointer"], "/transactionId");
    // The multi-line pprint is found at its first line, its fields where they are.
    let pretty = results.iter().find(|r| r["transactionId"] == TRANSACTION).expect("the pretty-printed payload");
    assert_eq!(at(pretty), position_of(&text, "{'children'"));
}

#[test]
fn what_node_left_out_is_named_and_not_judged() {
    let results = ndjson(&["--allow", "conflicting-delivery", &fixture("node.log")], 0);
    let wrapped =
        results.iter().find(|r| r["transactionId"] == "6a9e94d9c3474bfcbbbdc5a5").expect("the wrapped payload");
    let elided = findings(wrapped, "elided-value");
    assert_eq!(elided.len(), 1, "{wrapped}");
    assert_eq!(elided[0]["pointer"], "/recognitionConfidence");
    assert_eq!(elided[0]["details"]["printed"], "[Object]");
    assert!(
        wrapped["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|f| f["rule"] != "missing-field" && f["rule"] != "wrong-type"),
        "fields below [Object] are unknown, not missing: {wrapped}"
    );
    let many = results.iter().find(|r| r["transactionId"] == "7a9e94d9c3474bfcbbbdc5a5").expect("the long array");
    let elided: Vec<(&Value, &Value)> =
        findings(many, "elided-value").iter().map(|f| (&f["pointer"], &f["details"]["printed"])).collect();
    assert_eq!(elided.len(), 2, "{many}");
    assert_eq!(elided[0], (&Value::from("/recognitionConfidence/candidates"), &Value::from("... 20 more items")));
    assert_eq!(findings(many, "elided-value")[1]["details"]["count"], 100);
    // What was left out cannot be compared with another delivery of the transaction.
    assert!(rules(wrapped).iter().chain(rules(many).iter()).all(|r| !r.ends_with("-delivery")));
}

#[test]
fn a_rails_filtered_token_is_not_a_credential_in_the_capture() {
    let results = ndjson(&["--allow", "conflicting-delivery", &fixture("rails.log")], 0);
    let pass = results.iter().find(|r| r["status"] == "PASS").expect("the PASS payload");
    assert!(findings(pass, "token-present").is_empty(), "{pass}");
}

#[test]
fn printed_payloads_compose_with_select_gzip_and_wrappers() {
    let node = read(&fixture("node.log"));
    let plain = ndjson(&[&fixture("node.log")], 1);
    let zipped = ndjson_stdin(&["-"], gzip(node.as_bytes()), 1);
    assert_eq!(verdicts(&zipped), verdicts(&plain));
    // A Python log line inside a docker json-file record.
    let python = read(&fixture("python.log"));
    let line = python.lines().nth(6).expect("the PASS line");
    let record = serde_json::json!({"log": format!("{line}\n"), "stream": "stdout", "time": "2026-11-28T12:00:06.5Z"});
    let results = ndjson_stdin(&["--select", "$.log"], format!("{record}\n"), 0);
    assert_eq!(verdicts(&results), [(Value::from("PASS"), Value::Null)]);
    assert_eq!(forms(&results), ["python-dict"]);
}

#[test]
fn braces_in_prose_and_other_printed_objects_give_no_result() {
    let text = "{config loaded} {name} map[a:1] {Name:foo Age:3} {'workers': 4} { debug: true } {\"a\"=>1}\n";
    let (stdout, _) = run(check(&["--format", "ndjson", "-"]).write_stdin(text), 2);
    assert_eq!(parse_lines(&stdout).len(), 0, "{stdout}");
}

// Payloads spread over container log records.

#[test]
fn a_payload_printed_over_several_container_records_is_joined() {
    for log in ["docker-pretty.log", "cri.log"] {
        let results = ndjson(&[&fixture(log)], 0);
        assert_eq!(
            verdicts(&results),
            [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4005)), (json!("FAIL"), json!(4003))],
            "{log}"
        );
        // Each is placed at its first record; Node's multi-line print is read as such.
        let text = read(&fixture(log));
        let first_lines: Vec<u64> = results.iter().map(|r| at(r).0).collect();
        for line in &first_lines {
            let record = text.lines().nth(*line as usize - 1).unwrap_or_default();
            assert!(record.contains('{'), "{log}: line {line} is where the payload opens: {record}");
        }
        assert_eq!(forms(&results[1..2]), ["node-inspect"], "{log}");
    }
    let docker = ndjson(&[&fixture("docker-pretty.log")], 0);
    // The application's own date-time, which its first line starts with, dates the payload.
    assert_eq!(captured_at(&docker)[0], Some("2026-11-28T12:00:01.000Z"));
}

#[test]
fn records_of_another_stream_or_that_never_close_the_value_are_not_joined() {
    let record =
        |log: &str, stream: &str| json!({"log": log, "stream": stream, "time": "2026-11-28T12:00:00Z"}).to_string();
    let pass = sample("pass").to_string();
    let (head, tail) = pass.split_at(40);
    // The pieces of a long line on two streams are not one text.
    let mixed = format!("{}\n{}\n", record(head, "stdout"), record(&format!("{tail}\n"), "stderr"));
    let results = ndjson_stdin(&["-"], mixed, 1);
    assert!(results.iter().all(|r| r["kind"] == "unknown"), "{results:?}");
    // On one stream they are.
    let joined = format!("{}\n{}\n", record(head, "stdout"), record(&format!("{tail}\n"), "stdout"));
    assert_eq!(verdicts(&ndjson_stdin(&["-"], joined, 0)), [(json!("PASS"), Value::Null)]);
}

/// At every common logger limit, a cut payload's members read whole before the cut are shown,
/// its credentials by their length only, and no verdict is made up for it.
#[test]
fn the_fields_read_before_a_cut_are_shown_at_every_logger_limit() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl";
    let spoof = authhook::contract::samples::find("spoof").map(|s| s.compact()).unwrap_or_default();
    let open = spoof.strip_suffix('}').unwrap_or_default();
    let padded = format!("{open},\"token\":\"{jwt}\",\"notes\":\"{}\"}}", "x".repeat(70_000));
    let line = format!("2026-11-25T10:00:00Z INFO webhook {padded}");
    for limit in [1024, 2048, 4096, 8192, 16384, 65536] {
        let (stdout, _) = crate::common::run(
            crate::common::check(&["--format", "ndjson", "-"]).write_stdin(format!("{}\n", &line[..limit])),
            1,
        );
        assert!(!stdout.contains(jwt), "the token is shown: {stdout}");
        let results = crate::common::parse_lines(&stdout);
        assert_eq!(results.len(), 1, "{stdout}");
        let (result, finding) = (&results[0], &results[0]["findings"][0]);
        assert!(result["status"].is_null() && result["mended"].is_null(), "{result}");
        let read = &finding["details"]["readBeforeCut"];
        assert_eq!(read["overallStatus"], "FAIL");
        assert_eq!(read["errorCode"], 4005);
        assert_eq!(read["token"], format!("<redacted: {} characters>", jwt.len()));
        assert!(read.get("notes").is_none(), "a member cut is not shown: {read}");
        let message = finding["message"].as_str().unwrap_or_default();
        assert!(message.contains("read before the cut: customerId, transactionId"), "{message}");
        assert_eq!(finding["details"]["loggerLimit"], limit);
    }
}

/// What an outside attack found: strings printed in parts, printed payloads past the limit,
/// Ruby hashes that are not payloads, a filtered credential, placeholders in bulk.
#[test]
fn printed_forms_at_their_edges() {
    // pprint splits a long string into adjacent literals; Node joins parts with `+`.
    let pprinted = "{'request': {'json': {'customerId': '67dda40e4089f4769f3ed2e6',\n                     'errorMessage': 'Spoof attempt detected. Spoof '\n                                     'confidence 1.0',\n                     'overallStatus': 'FAIL', 'faceMatch': False}}}\n";
    let results = ndjson_stdin(&["-"], pprinted, 1);
    assert_eq!(verdicts(&results), [(json!("FAIL"), Value::Null)]);
    assert_eq!(results[0]["payload"]["errorMessage"], "Spoof attempt detected. Spoof confidence 1.0");
    let node = "x { customerId: '67dda40e4089f4769f3ed2e6', note: 'a\\n' +\n    'b', overallStatus: 'FAIL', faceMatch: false }\n";
    assert_eq!(verdicts(&ndjson_stdin(&["-"], node, 1)), [(json!("FAIL"), Value::Null)]);
    // Past the payload limit, a printed payload is too large, as JSON is.
    let python = read(&fixture("python.log"));
    let results = ndjson_stdin(&["--max-payload-bytes", "200", "-"], python, 1);
    assert!(results.iter().any(|r| rules(r) == ["too-large"]), "{results:?}");
    assert!(results.iter().all(|r| !rules(r).contains(&"syntax")), "{results:?}");
    // Ruby hashes that are not payloads, whole or cut, give nothing.
    let ruby = "a {\"workers\"=>4, \"x\"=>:sym}\nb {\"file\"=>#<ActionDispatch::Http::UploadedFile:0x00007f8>, \"name\"=>\"x\"}\nc {\"workers\"=>4, \"debug\"=>false\n";
    let (stdout, _) = run(check(&["--format", "ndjson", "-"]).write_stdin(ruby), 2);
    assert_eq!(stdout, "");
    // A delivery whose credentials a log filter replaced is not compared with its body.
    let pass = read("samples/pass.json");
    let rails = read(&fixture("rails.log"));
    let filtered = rails.lines().find(|line| line.contains("[FILTERED]")).unwrap_or_default();
    let both = format!("{}\n{filtered}\n", sample("pass"));
    let results = ndjson_stdin(&["-"], both, 0);
    assert!(results.iter().all(|r| !rules(r).contains(&"conflicting-delivery")), "{results:?}");
    assert!(!pass.is_empty());
}

/// Placeholders and unclosed openers in bulk are read in linear time.
#[test]
fn printed_placeholders_in_bulk_cost_linear_time() {
    // Quadratic, these took minutes; a debug build now takes about a second.
    let unclosed = "{ a: [ ... 98 more items, ".repeat(40_000);
    let (stdout, _) =
        run(crate::common::check_within_cpu_seconds(20, &["--format", "ndjson", "-"]).write_stdin(unclosed), 2);
    assert_eq!(stdout, "");
    let closed = format!("{{ faceMatch: [ {}{{...}} ] }}\n", "{...}, ".repeat(140_000));
    let args = ["--format", "ndjson", "--allow", "missing-field", "-"];
    let (stdout, _) = run(crate::common::check_within_cpu_seconds(20, &args).write_stdin(closed), 0);
    let results = parse_lines(&stdout);
    assert_eq!(findings(&results[0], "elided-value")[0]["details"]["count"], 140_001);
}

/// What an outside attack on joining found: another stream writing in the middle of a payload,
/// a limit counted on the records rather than the text, a run that never closes, an encoded
/// payload split, a piece that closes one payload and opens the next, a cut line's length.
#[test]
fn container_runs_at_their_edges() {
    let docker = |pieces: &[(&str, &str)]| -> String {
        pieces
            .iter()
            .enumerate()
            .map(|(i, (stream, log))| {
                format!("{}\n", json!({"log": log, "stream": stream, "time": format!("2026-11-28T12:00:{i:02}Z")}))
            })
            .collect()
    };
    let cri = |pieces: &[(&str, &str, &str)]| -> String {
        pieces
            .iter()
            .enumerate()
            .map(|(i, (stream, tag, text))| format!("2026-11-28T12:00:{i:02}Z {stream} {tag} {text}\n"))
            .collect()
    };
    let pass = sample("pass").to_string();
    let spoof = sample("spoof").to_string();
    // Another stream in the middle of a run, itself a run: both payloads, each at its first record.
    let (p1, p2) = pass.split_at(100);
    let (s1, s2) = spoof.split_at(100);
    let interleaved =
        docker(&[("stdout", p1), ("stderr", s1), ("stdout", &format!("{p2}\n")), ("stderr", &format!("{s2}\n"))]);
    let results = ndjson_stdin(&["-"], interleaved, 0);
    assert_eq!(verdicts(&results), [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4005))]);
    assert_eq!((at(&results[0]).0, at(&results[1]).0), (1, 2));
    let interleaved = cri(&[("stdout", "P", p1), ("stderr", "P", s1), ("stdout", "F", p2), ("stderr", "F", s2)]);
    assert_eq!(verdicts(&ndjson_stdin(&["-"], interleaved, 0)).len(), 2);
    // The limit is on the joined text: a pretty-printed PASS of about 500 bytes over 20 records.
    let pretty = serde_json::to_string_pretty(&sample("pass")).unwrap_or_default();
    let lines: Vec<String> = pretty.lines().map(|line| format!("{line}\n")).collect();
    let records = docker(&lines.iter().map(|line| ("stdout", line.as_str())).collect::<Vec<_>>());
    assert!(records.len() > 1000);
    assert_eq!(verdicts(&ndjson_stdin(&["--max-payload-bytes", "1000", "-"], records.clone(), 0)).len(), 1);
    let too_small = ndjson_stdin(&["--max-payload-bytes", "400", "-"], records, 1);
    assert_eq!(too_small.iter().map(rules).collect::<Vec<_>>(), [["too-large"]]);
    // A run the input ends in is still read: its payload is unreadable, not lost.
    let unclosed = docker(&lines[..lines.len() - 3].iter().map(|line| ("stdout", line.as_str())).collect::<Vec<_>>());
    assert_eq!(ndjson_stdin(&["-"], unclosed, 1).iter().map(rules).collect::<Vec<_>>(), [["syntax"]]);
    // An encoded payload split by the driver.
    let encoded = format!("got {}\n", serde_json::Value::String(pass.clone()));
    let (e1, e2) = encoded.split_at(10);
    assert_eq!(verdicts(&ndjson_stdin(&["-"], docker(&[("stdout", e1), ("stdout", e2)]), 0)).len(), 1);
    assert_eq!(
        verdicts(&ndjson_stdin(&["-"], cri(&[("stdout", "P", e1), ("stdout", "F", e2.trim_end())]), 0)).len(),
        1
    );
    // A piece that closes one payload and opens the next goes on.
    let chain = format!("{pass} {spoof}\n");
    let (c1, rest) = chain.split_at(200);
    let (c2, c3) = rest.split_at(rest.len() - 150);
    let results = ndjson_stdin(&["-"], docker(&[("stdout", c1), ("stdout", c2), ("stdout", c3)]), 0);
    assert_eq!(verdicts(&results), [(json!("PASS"), Value::Null), (json!("FAIL"), json!(4005))]);
    // A line a logger cut at 1024 characters is measured without the record around it.
    let long = format!("{}{}", pass.trim_end_matches('}'), ",\"note\":\"".to_owned() + &"x".repeat(2000) + "\"}");
    let cut = &long[..1024];
    for input in [docker(&[("stdout", &format!("{cut}\n"))]), cri(&[("stdout", "F", cut)])] {
        let results = ndjson_stdin(&["-"], input, 1);
        assert_eq!(results[0]["findings"][0]["details"]["loggerLimit"], 1024, "{results:?}");
    }
}

/// Records that each open a value never closed are one run, read in linear time.
#[test]
fn records_that_never_close_a_value_are_read_in_linear_time() {
    let record = |i: usize| json!({"log": "function f() {\n", "stream": "stdout", "time": format!("2026-11-28T12:00:{:02}Z", i % 60)});
    let input: String = (0..20_000).map(|i| format!("{}\n", record(i))).collect();
    let (stdout, _) =
        run(crate::common::check_within_cpu_seconds(20, &["--format", "ndjson", "-"]).write_stdin(input), 2);
    assert_eq!(stdout, "");
}

/// Runs within runs (one stream closing its value while the other's stays open, over and over)
/// are read within a bounded depth and in bounded time.
#[test]
fn interleaved_runs_within_runs_are_read_in_bounded_depth_and_time() {
    let pattern =
        [("stdout", "{"), ("stderr", "{"), ("stdout", "}"), ("stdout", "{"), ("stderr", "}"), ("stderr", "{")];
    let input: String = (0..5_000)
        .flat_map(|_| pattern.iter())
        .map(|(stream, log)| format!("{}\n", json!({"log": log, "stream": stream, "time": "2026-11-28T12:00:00Z"})))
        .collect();
    let (stdout, _) =
        run(crate::common::check_within_cpu_seconds(30, &["--format", "ndjson", "-"]).write_stdin(input), 2);
    assert_eq!(stdout, "");
}
