//! Hostile and broken input, and "nothing lost": what `authhook check` does with input that is
//! malformed, oversized, adversarial or arrives in awkward ways, and proof that every payload of
//! a large generated log comes out exactly once, whatever the files, compression and pace.
//!
//! Every command runs the debug binary from the crate root with a fixed date, `NO_COLOR=1` and
//! `--color never`, and with a time limit, so a hang fails the test instead of stalling the run.
//! Large inputs are generated at test time under `target/tmp` (Cargo's `CARGO_TARGET_TMPDIR`) and
//! removed afterwards; nothing outside the repository is read. docs/reliability.md lists these
//! tests with the outcome each one pins down.
//!
//! Tests named "Regression" guard product bugs these tests once found (docs/reliability.md tells
//! each one's story).

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{LIMIT, Rng, TODAY, Watchdog, authhook, check, check_within_cpu_seconds, run};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLW9mLWEtbGl2ZS10b2tlbg";

/// The same as `std::process::Command` for the binary, for tests that need the child itself.
fn spawn_authhook(args: &[&str], stdin: Stdio, stdout: Stdio) -> Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_authhook"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AUTHHOOK_TODAY", TODAY)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .args(args)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("authhook starts")
}

/// A fresh directory under `target/tmp`, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("hostile-").tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a scratch directory")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("scratch paths are UTF-8")
}

/// A documented sample as one line of compact JSON.
fn sample(name: &str) -> String {
    authhook::contract::samples::find(name).expect("a documented sample").compact()
}

/// A documented sample as a `serde_json::Value`, to change a field.
fn sample_value(name: &str) -> Value {
    serde_json::from_str(&sample(name)).expect("a sample is JSON")
}

/// Parses `--format ndjson` output, one result per line.
fn ndjson(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}")))
        .collect()
}

/// The rule ids of a result's findings, in order.
fn rules(result: &Value) -> Vec<String> {
    result["findings"].as_array().expect("findings").iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

fn messages(result: &Value) -> Vec<String> {
    result["findings"].as_array().expect("findings").iter().map(|f| f["message"].as_str().unwrap().to_owned()).collect()
}

/// `check --format ndjson PATH`, with the exit status it must have; the results.
fn results_of(path: &Path, extra: &[&str], code: i32) -> (Vec<Value>, String) {
    let mut args = vec!["--format", "ndjson"];
    args.extend_from_slice(extra);
    args.push(arg(path));
    let (stdout, stderr) = run(&mut check(&args), code);
    (ndjson(&stdout), stderr)
}

// ---------------------------------------------------------------------------------------------
// Encodings and stray bytes

#[test]
fn invalid_utf8_inside_a_string_is_a_syntax_finding() {
    let dir = scratch();
    let path = write(
        dir.path(),
        "bad.json",
        b"{\"customerId\":\"67460a99\xff\xfe5516d9a553aa95b\",\"overallStatus\":\"PASS\"}\n",
    );
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(results.len(), 1);
    assert_eq!(rules(&results[0]), ["syntax"]);
    assert!(messages(&results[0])[0].contains("invalid UTF-8"), "{:?}", messages(&results[0]));
    assert_eq!(results[0]["findings"][0]["column"], 24, "the column of the first bad byte");
}

#[test]
fn invalid_utf8_between_payloads_is_ignored() {
    let dir = scratch();
    let mut bytes = b"\xc0\x80\xff\xfe garbage \xed\xa0\x80\n".to_vec();
    bytes.extend_from_slice(sample("spoof").as_bytes());
    bytes.extend_from_slice(b"\n\x80\x81\x82 more \xf8\xf9 garbage\xff\n");
    bytes.extend_from_slice(sample("blacklisted").as_bytes());
    bytes.extend_from_slice(b"\xc3\n");
    let path = write(dir.path(), "between.log", &bytes);
    let (results, stderr) = results_of(&path, &[], 0);
    assert_eq!(stderr, "");
    let reasons: Vec<&str> = results.iter().map(|r| r["reasons"][0]["code"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["spoof-detected", "user-blacklisted"]);
    assert_eq!(results[0]["source"]["line"], 2);
    assert_eq!(results[1]["source"]["line"], 4);
}

#[test]
fn nul_bytes_between_payloads_are_ignored() {
    let dir = scratch();
    let bytes = format!("start\n{}\0\0\0\n\0{}\0\n\0\0", sample("spoof"), sample("not-recognized"));
    let path = write(dir.path(), "nul.log", bytes.as_bytes());
    let (results, _) = results_of(&path, &[], 0);
    let reasons: Vec<&str> = results.iter().map(|r| r["reasons"][0]["code"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["spoof-detected", "user-not-recognized"]);
    assert!(results.iter().all(|r| r["valid"] == true));
}

#[test]
fn nul_bytes_inside_payloads_are_syntax_findings() {
    let dir = scratch();
    // A raw NUL inside a string, and one where a value should be; a good payload follows.
    let text = format!(
        "{{\"customerId\":\"a\0b\",\"overallStatus\":\"PASS\"}}\n{{\"overallStatus\":\0\"PASS\"}}\n{}\n",
        sample("spoof")
    );
    let path = write(dir.path(), "nul-inside.log", text.as_bytes());
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(results.len(), 3);
    assert_eq!(rules(&results[0]), ["syntax"]);
    assert!(messages(&results[0])[0].contains("control character"), "{:?}", messages(&results[0]));
    assert_eq!(rules(&results[1]), ["syntax"]);
    assert_eq!(results[2]["reasons"][0]["code"], "spoof-detected");
}

/// A payload in UTF-16 code units, little or big endian, with or without a byte-order mark.
fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    if bom {
        units.insert(0, 0xFEFF);
    }
    units.iter().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
}

fn assert_refused_encoding(bytes: &[u8], named: &str) {
    let dir = scratch();
    let path = write(dir.path(), "wide.json", bytes);
    let (_, stderr) = run(&mut check(&["-q", arg(&path)]), 2);
    assert!(stderr.contains(&format!("the input is {named}; authhook reads UTF-8")), "{stderr}");
    assert!(stderr.contains("iconv -f UTF-16"), "{stderr}");
    assert!(stderr.contains("wide.json"), "{stderr}");
}

#[test]
fn utf16_le_with_bom_is_refused_by_name() {
    assert_refused_encoding(&utf16(&sample("pass"), false, true), "UTF-16LE");
}

#[test]
fn utf16_be_with_bom_is_refused_by_name() {
    assert_refused_encoding(&utf16(&sample("pass"), true, true), "UTF-16BE");
}

#[test]
fn utf16_le_without_bom_is_refused_by_name() {
    assert_refused_encoding(&utf16(&sample("pass"), false, false), "UTF-16LE (no byte-order mark)");
}

/// Regression: a log whose first bytes are NUL (as left by logrotate's
/// copytruncate, or a crash that preallocated the file) was taken for UTF-32LE and skipped whole,
/// losing every payload in it.
#[test]
fn leading_nul_bytes_are_not_taken_for_utf32() {
    let dir = scratch();
    let mut bytes = vec![0u8; 4096];
    bytes.extend_from_slice(format!("{}\n", sample("spoof")).as_bytes());
    let path = write(dir.path(), "truncated.log", &bytes);
    let (results, stderr) = results_of(&path, &[], 0);
    assert_eq!(stderr, "");
    assert_eq!(results.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Size: long lines, deep nesting, large values, many keys

/// Writes `head`, then `len` bytes of `fill`, without a line break, in 1 MiB pieces.
fn write_long_line(path: &Path, head: &[u8], fill: u8, len: usize) {
    let mut file = std::io::BufWriter::new(File::create(path).expect("create"));
    file.write_all(head).expect("write");
    let piece = vec![fill; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(piece.len());
        file.write_all(&piece[..n]).expect("write");
        left -= n;
    }
    file.flush().expect("flush");
}

/// 64 MiB stands in for "a line of any length": the scanner keeps no more than the payload limit
/// of a line, so the outcome is the same for 1 GiB (see docs/reliability.md to measure that).
const LONG_LINE: usize = 64 << 20;

#[test]
fn a_64_mib_line_without_payload_finishes() {
    let dir = scratch();
    let path = dir.path().join("long.txt");
    write_long_line(&path, b"", b'x', LONG_LINE);
    let (stdout, stderr) = run(&mut check(&["-q", arg(&path)]), 2);
    assert!(stdout.starts_with("0 results"), "{stdout}");
    assert!(stderr.contains("no authentication payload found"), "{stderr}");
}

#[test]
fn a_64_mib_line_opening_an_object_is_too_large() {
    let dir = scratch();
    let path = dir.path().join("open.txt");
    write_long_line(&path, b"{\"", b'x', LONG_LINE);
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(results.len(), 1);
    assert_eq!(rules(&results[0]), ["too-large"]);
    assert_eq!(results[0]["source"]["offset"], 0);
}

#[test]
fn a_64_mib_line_of_braces_finishes() {
    // Every byte opens a possible candidate: `{{{{...` and `[[[[...`.
    let dir = scratch();
    let path = dir.path().join("braces.txt");
    write_long_line(&path, b"", b'{', LONG_LINE / 8);
    run(&mut check(&["-q", arg(&path)]), 2);
    write_long_line(&path, b"", b'[', LONG_LINE / 8);
    run(&mut check(&["-q", arg(&path)]), 2);
}

const DEEP: usize = 100_000;

#[test]
fn nested_arrays_100000_deep_do_not_overflow_the_stack() {
    let dir = scratch();
    // Inside an object: the depth limit is a syntax finding.
    let inside = format!("{{\"overallStatus\":{}{}}}\n", "[".repeat(DEEP), "]".repeat(DEEP));
    let path = write(dir.path(), "arrays.json", inside.as_bytes());
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(results.len(), 1);
    assert_eq!(rules(&results[0]), ["syntax"]);
    assert!(messages(&results[0])[0].contains("nested more than 128 levels"), "{:?}", messages(&results[0]));
    // Bare: no candidate at all.
    let bare = format!("{}{}\n", "[".repeat(DEEP), "]".repeat(DEEP));
    let path = write(dir.path(), "bare.json", bare.as_bytes());
    run(&mut check(&["-q", arg(&path)]), 2);
    // Around a payload: the payload is still found.
    let around = format!("{}{}{}\n", "[".repeat(DEEP), sample("spoof"), "]".repeat(DEEP));
    let path = write(dir.path(), "around.json", around.as_bytes());
    let (results, _) = results_of(&path, &[], 0);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["reasons"][0]["code"], "spoof-detected");
    assert_eq!(results[0]["source"]["column"], DEEP + 1);
}

#[test]
fn nested_objects_100000_deep_do_not_overflow_the_stack() {
    let dir = scratch();
    let text = format!("{}1{}\n", "{\"a\":".repeat(DEEP), "}".repeat(DEEP));
    let path = write(dir.path(), "objects.json", text.as_bytes());
    let (results, _) = results_of(&path, &[], 1);
    // The tower breaks off at the depth limit: one syntax result, and what scanning finds
    // inside it (deeper towers, the innermost 128 levels) holds no payload and stays unreported.
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(rules(&results[0]), ["syntax"]);
    assert!(messages(&results[0])[0].contains("nested more than 128 levels"));
}

/// A payload that is one of the samples with `field` set to the raw JSON text `raw`.
fn with_raw_field(name: &str, field: &str, raw: &str) -> String {
    let mut value = sample_value(name);
    value[field] = Value::String("\u{0}PLACEHOLDER\u{0}".to_owned());
    serde_json::to_string(&value).expect("serializes").replace("\"\\u0000PLACEHOLDER\\u0000\"", raw)
}

#[test]
fn an_overall_score_of_1e999_is_out_of_range() {
    let dir = scratch();
    let path = write(dir.path(), "huge.json", with_raw_field("spoof", "overallScore", "1e999").as_bytes());
    // Human output quotes the number as written.
    let (stdout, _) = run(&mut check(&[arg(&path)]), 1);
    let findings: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with("error[")).collect();
    assert_eq!(findings.len(), 1, "{stdout}");
    assert!(findings[0].contains("error[out-of-range]"), "{stdout}");
    assert!(findings[0].contains("/overallScore: overallScore is 1e999"), "the number as written: {stdout}");
}

/// A number beyond f64 in a payload (`1e999`) is echoed in the `payload` member of `--format
/// json` as a string of its text: written as a number, strict JSON readers (serde_json, Go's
/// encoding/json) would refuse the whole report of the run.
#[test]
fn a_huge_number_in_a_payload_keeps_the_json_report_readable() {
    let dir = scratch();
    let text = format!("{}\n{}\n", with_raw_field("spoof", "overallScore", "1e999"), sample("pass"));
    let path = write(dir.path(), "huge.json", text.as_bytes());
    let (stdout, _) = run(&mut check(&["--format", "json", arg(&path)]), 1);
    let document: Value = serde_json::from_str(&stdout).expect("the JSON report parses");
    assert_eq!(document["results"].as_array().map(Vec::len), Some(2));
    assert_eq!(document["results"][0]["payload"]["overallScore"], "1e999");
}

#[test]
fn an_overall_score_of_minus_zero_is_fine() {
    let dir = scratch();
    let path = write(dir.path(), "minus-zero.json", with_raw_field("spoof", "overallScore", "-0").as_bytes());
    let (results, _) = results_of(&path, &[], 0);
    assert_eq!(rules(&results[0]), Vec::<String>::new());
    assert_eq!(results[0]["overallScore"], 0.0);
}

#[test]
fn an_error_code_of_4005_point_0_is_the_wrong_type() {
    let dir = scratch();
    let path = write(dir.path(), "float-code.json", with_raw_field("spoof", "errorCode", "4005.0").as_bytes());
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(rules(&results[0]), ["wrong-type"]);
    assert_eq!(results[0]["findings"][0]["pointer"], "/errorCode");
    assert!(messages(&results[0])[0].contains("whole number"), "{:?}", messages(&results[0]));
}

/// Fast: within 10 s of CPU time (a debug build takes about half a second).
#[test]
fn a_key_repeated_10000_times_is_reported_fast() {
    let dir = scratch();
    let text = format!("{{{}\"faceMatch\":false}}\n", "\"overallStatus\":\"FAIL\",".repeat(10_000));
    let path = write(dir.path(), "repeated.json", text.as_bytes());
    let (stdout, _) = run(&mut check_within_cpu_seconds(10, &["--format", "ndjson", arg(&path)]), 1);
    let results = ndjson(&stdout);
    let duplicates = rules(&results[0]).iter().filter(|r| *r == "duplicate-key").count();
    assert_eq!(duplicates, 9_999);
}

#[test]
fn a_10_mb_string_is_too_large_by_default_and_parses_with_a_higher_limit() {
    let dir = scratch();
    let text = with_raw_field("spoof", "errorMessage", &format!("\"{}\"", "x".repeat(10_000_000)));
    let path = write(dir.path(), "ten-mb.json", text.as_bytes());
    let (results, _) = results_of(&path, &[], 1);
    assert_eq!(rules(&results[0]), ["too-large"]);
    assert!(messages(&results[0])[0].contains("1048576 bytes"), "{:?}", messages(&results[0]));
    let (results, _) = results_of(&path, &["--max-payload-bytes", "20000000"], 0);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["reasons"][0]["code"], "spoof-detected");
    assert_eq!(rules(&results[0]), ["error-text-mismatch"]);
}

// ---------------------------------------------------------------------------------------------
// Adversarial text: terminal escapes, credentials

/// A FAIL payload whose strings, and one key, carry terminal escapes and a right-to-left
/// override, decoded from JSON escapes and raw.
fn escape_payload() -> String {
    let mut value = sample_value("spoof");
    value["customerId"] = Value::String("\u{1b}[31mred\u{202e}evil".to_owned());
    value["transactionId"] = Value::String("\u{1b}[1mx\u{202e}".to_owned());
    value["overallStatus"] = Value::String("FA\u{1b}[2JIL".to_owned());
    value["error"] = Value::String("Spoof \u{202e} attempt\u{1b}[0m\u{7}".to_owned());
    value["\u{1b}]0;pwned\u{7}"] = Value::from(1);
    serde_json::to_string(&value).expect("serializes")
}

fn assert_no_terminal_controls(text: &str, format: &str) {
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!text.contains(bad), "{format} output holds {bad:?}:\n{text}");
    }
}

#[test]
fn terminal_escapes_in_payloads_are_escaped_in_human_table_and_github_output() {
    let dir = scratch();
    let path = write(dir.path(), "escapes.json", escape_payload().as_bytes());
    for format in ["human", "table", "github"] {
        let (stdout, stderr) = run(&mut check(&["--format", format, arg(&path)]), 1);
        assert_no_terminal_controls(&stdout, format);
        assert_no_terminal_controls(&stderr, format);
        assert!(stdout.contains("\\u{1b}"), "{format} shows the escape visibly:\n{stdout}");
    }
    let (stdout, _) = run(&mut check(&["--format", "human", arg(&path)]), 1);
    assert!(stdout.contains("\\u{202e}"), "{stdout}");
    assert!(stdout.contains("\\u{1b}]0;pwned\\u{7}"), "the key is escaped too:\n{stdout}");
}

/// Regression: the path of an input that cannot be read was written to
/// standard error as it is, so a file name holding terminal escapes (found by walking a
/// directory someone else can write to) drives the terminal.
#[test]
fn problem_paths_are_escaped_on_standard_error() {
    let dir = scratch();
    std::os::unix::fs::symlink("nowhere", dir.path().join("b\u{1b}]0;owned\u{7}\u{202e}.json")).expect("symlink");
    write(dir.path(), "a.json", sample("spoof").as_bytes());
    let (_, stderr) = run(&mut check(&["-q", arg(dir.path())]), 2);
    assert_no_terminal_controls(&stderr, "problems");
}

const FORMATS: [&str; 7] = ["human", "json", "ndjson", "table", "github", "sarif", "junit"];

#[test]
fn a_jwt_in_token_never_appears_without_show_secrets() {
    let dir = scratch();
    let mut value = sample_value("spoof");
    value["token"] = Value::String(JWT.to_owned());
    value["interviewToken"] = Value::String(JWT.to_owned());
    value["note"] = Value::String(JWT.to_owned());
    let path = write(dir.path(), "secret.json", serde_json::to_string(&value).unwrap().as_bytes());
    let secret_parts = JWT.split('.').filter(|p| p.len() > 8).collect::<Vec<_>>();
    for format in FORMATS {
        let (stdout, stderr) = run(&mut check(&["--format", format, arg(&path)]), 0);
        for part in &secret_parts {
            assert!(!stdout.contains(part) && !stderr.contains(part), "{format} shows the token:\n{stdout}{stderr}");
        }
        assert!(stdout.contains("token"), "{format} still reports the token finding:\n{stdout}");
    }
    let (stdout, _) = run(authhook().args(["stats", "--color", "never", arg(&path)]), 0);
    assert!(!stdout.contains(secret_parts[0]));
    // The check is able to see a token: with --show-secrets, it is there.
    let (stdout, _) = run(&mut check(&["--format", "json", "--show-secrets", arg(&path)]), 0);
    assert!(stdout.contains(JWT));
}

/// No string shaped like a JWT appears in any output without `--show-secrets`: not as
/// customerId or transactionId, not quoted from error or errorMessage, not as a key.
#[test]
fn a_jwt_shaped_string_anywhere_never_appears() {
    let dir = scratch();
    for field in ["customerId", "transactionId", "error", "errorMessage", "KEY"] {
        let mut value = sample_value("spoof");
        if field == "KEY" {
            value[JWT] = Value::from(1);
        } else {
            value[field] = Value::String(JWT.to_owned());
        }
        let path = write(dir.path(), "shaped.json", serde_json::to_string(&value).unwrap().as_bytes());
        for format in FORMATS {
            let output = check(&["--format", format, arg(&path)]).output().expect("runs");
            let all = [output.stdout, output.stderr].concat();
            assert!(!String::from_utf8_lossy(&all).contains(JWT), "{format} shows a JWT-shaped {field}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs that cannot be read

#[test]
fn a_directory_with_a_dangling_link_a_link_loop_and_a_fifo_reports_each_and_checks_the_rest() {
    // Tests run as root, for whom `chmod 000` does not stop reading; a dangling symbolic link
    // stands in for an unreadable file.
    let dir = scratch();
    let root = dir.path().join("captures");
    fs::create_dir_all(root.join("sub")).expect("mkdir");
    write(&root, "a.json", sample("spoof").as_bytes());
    write(&root, "z.json", sample("pass").as_bytes());
    std::os::unix::fs::symlink("missing.json", root.join("dangling.json")).expect("symlink");
    std::os::unix::fs::symlink("..", root.join("sub/loop")).expect("symlink");
    let status = std::process::Command::new("mkfifo").arg(root.join("pipe")).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo");
    let (stdout, stderr) = run(&mut check(&["--format", "ndjson", arg(&root)]), 2);
    let results = ndjson(&stdout);
    let reasons: Vec<&str> = results.iter().map(|r| r["reasons"][0]["code"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["spoof-detected", "face-matched"]);
    let problems: Vec<&str> = stderr.lines().collect();
    assert_eq!(problems.len(), 3, "{stderr}");
    assert!(stderr.contains("dangling.json") && stderr.contains("No such file"), "{stderr}");
    assert!(stderr.contains("sub/loop") && stderr.contains("loops back"), "{stderr}");
    assert!(stderr.contains("pipe: skipped: not a regular file"), "{stderr}");
}

#[test]
fn a_truncated_gzip_reports_what_it_held_and_the_damage() {
    let dir = scratch();
    let log: String = (0..500).map(|_| sample("spoof") + "\n").collect();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(log.as_bytes()).expect("compress");
    let gz = encoder.finish().expect("compress");
    let path = write(dir.path(), "cut.log.gz", &gz[..gz.len() * 2 / 3]);
    let (results, stderr) = results_of(&path, &[], 2);
    assert!(!results.is_empty() && results.len() < 500, "{} results", results.len());
    assert!(stderr.contains("cut.log.gz: cannot read"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Output that cannot be written, and interruption

/// A log of `n` valid payloads, one per line.
fn big_log(dir: &Path, n: usize) -> PathBuf {
    let line = sample("spoof") + "\n";
    write(dir, "big.log", line.repeat(n).as_bytes())
}

#[test]
fn a_closed_output_pipe_ends_the_run_quietly() {
    let dir = scratch();
    let big = big_log(dir.path(), 3000);
    for format in FORMATS {
        let mut child = spawn_authhook(
            &["check", "--color", "never", "--format", format, arg(&big)],
            Stdio::null(),
            Stdio::piped(),
        );
        let _watchdog = Watchdog::new(child.id(), LIMIT);
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("a first line");
        // The reader of stdout is dropped here: the pipe is closed, as by `| head -1`.
        let status = child.wait().expect("authhook ends");
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
        assert!(!first.is_empty(), "{format}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: a closed pipe is not reported");
        assert_eq!(status.code(), Some(0), "{format}: {status:?}");
    }
}

#[test]
fn a_full_disk_is_a_clear_error() {
    let dir = scratch();
    let big = big_log(dir.path(), 200);
    let (_, stderr) = run(&mut check(&["-o", "/dev/full", arg(&big)]), 2);
    assert!(stderr.contains("cannot write the report to /dev/full: No space left on device"), "{stderr}");
    // Standard output on a full device.
    let full = fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let child = spawn_authhook(&["check", "--color", "never", arg(&big)], Stdio::null(), Stdio::from(full));
    let _watchdog = Watchdog::new(child.id(), LIMIT);
    let output = child.wait_with_output().expect("authhook ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the report: No space left on device"), "{stderr}");
}

#[test]
fn ctrl_c_while_streaming_ndjson_stops_with_whole_lines_and_status_130() {
    for threads in ["1", "2"] {
        let mut child = spawn_authhook(
            &["check", "--color", "never", "--format", "ndjson", "-j", threads],
            Stdio::piped(),
            Stdio::piped(),
        );
        let pid = child.id();
        let _watchdog = Watchdog::new(pid, LIMIT);
        let mut stdin = child.stdin.take().expect("stdin");
        // Keep writing a payload every few milliseconds, as a live log would, until authhook
        // stops reading.
        let writer = std::thread::spawn(move || {
            let line = sample("spoof") + "\n";
            let started = Instant::now();
            while started.elapsed() < LIMIT {
                if stdin.write_all(line.as_bytes()).and_then(|()| stdin.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(3));
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut seen = Vec::new();
        for _ in 0..20 {
            let mut line = Vec::new();
            stdout.read_until(b'\n', &mut line).expect("a line");
            seen.push(line);
        }
        let sent = std::process::Command::new("kill").args(["-INT", &pid.to_string()]).status().expect("kill runs");
        assert!(sent.success());
        let mut rest = Vec::new();
        stdout.read_to_end(&mut rest).expect("the rest of stdout");
        let status = child.wait().expect("authhook ends");
        writer.join().expect("the writer ends");
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
        assert_eq!(status.code(), Some(130), "-j {threads}: {status:?} {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        let all = [seen.concat(), rest].concat();
        assert!(all.ends_with(b"\n"), "-j {threads}: the output ends with a whole line");
        let text = String::from_utf8(all).expect("UTF-8");
        let results = ndjson(&text);
        assert!(results.len() >= 20);
        assert!(results.iter().all(|r| r["reasons"][0]["code"] == "spoof-detected"));
    }
}

/// Regression: when a value runs across a chunk boundary and the chunk's own scan never agrees
/// with the sequential one, the rest of the chunk is scanned again; each item found was located
/// by walking from the start of the merged buffer, at a cost of (items in the chunk) x (chunk
/// size): 200 KB of `{"a{"` took about 20 s in a debug build.
#[test]
fn input_that_never_resynchronises_is_checked_in_linear_time() {
    let dir = scratch();
    let path = dir.path().join("resync.txt");
    fs::write(&path, "{\"a{\"".repeat(200_000)).expect("write");
    // About 1.5 s of CPU time in a debug build; the quadratic scan took minutes.
    run(&mut check_within_cpu_seconds(30, &["-q", "-j", "1", arg(&path)]), 1);
}

/// Regression: under `--lenient`, the same bytes gave a different verdict when they arrived in
/// two writes: a `/* */` comment cut by a read was a syntax error and the payload around it was
/// lost (see tests/cli/properties.rs,
/// `a_comment_cut_by_a_chunk_boundary_is_not_a_syntax_error`).
#[test]
fn a_comment_split_across_two_writes_is_still_a_comment() {
    let text = sample("spoof").replacen('{', "{ /* captured by the receiver\n over two lines */ ", 1) + "\n";
    let (head, tail) = text.split_at(text.find('\n').expect("a line break") + 1);
    let mut child = spawn_authhook(
        &["check", "--color", "never", "--format", "ndjson", "--lenient", "-j", "1"],
        Stdio::piped(),
        Stdio::piped(),
    );
    let _watchdog = Watchdog::new(child.id(), LIMIT);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(head.as_bytes()).and_then(|()| stdin.flush()).expect("write");
    std::thread::sleep(Duration::from_millis(300));
    stdin.write_all(tail.as_bytes()).expect("write");
    drop(stdin);
    let output = child.wait_with_output().expect("authhook ends");
    let results = ndjson(&String::from_utf8_lossy(&output.stdout));
    assert_eq!(results.len(), 1);
    assert_eq!(rules(&results[0]), ["lenient-syntax"], "{:?}", messages(&results[0]));
    assert_eq!(output.status.code(), Some(0));
}

// ---------------------------------------------------------------------------------------------
// Nothing lost: a generated log of N payloads with defects and noise gives exactly N results

/// 24 random lowercase hex characters, an id.
fn hex(rng: &mut Rng) -> String {
    (0..24).map(|_| char::from(b"0123456789abcdef"[rng.below(16)])).collect()
}

/// A piece of the generated log: whole lines, and the line (counted from 0 within the block)
/// of each result it must give.
struct Block {
    bytes: Vec<u8>,
    results: Vec<u64>,
}

/// Lines that hold no payload and must give no result: prose, stray brackets and braces, JSON
/// that is not an object, bytes that are not UTF-8, NUL bytes, CRLF line ends.
const NOISE: &[&[u8]] = &[
    b"2026-11-25T10:00:00.000Z DEBUG keepalive {conn} ok",
    b"level=info msg=\"webhook delivered\" status=200 took=3ms",
    b"[1, 2, 3]",
    b"[]",
    b"{}",
    b"{ }",
    b"}",
    b"]]]",
    b"\"just a quoted string\"",
    b"",
    b"plain text with unicode \xc3\xa9 \xe2\x9c\x93 \xe6\xbc\xa2\xe5\xad\x97",
    b"\xff\xfe binary \x00\x01\x02 junk \x80",
    b"\x00\x00\x00\x00",
    b"{name} and [x] and {{template}}",
    b"  \t  ",
    b"null true false 12.5e3",
    b"retrying in 5s\r",
];

/// A payload with random ids, sometimes with a defect that still parses.
fn payload(rng: &mut Rng) -> String {
    let names = ["pass", "customer-not-found", "spoof", "not-recognized", "blacklisted", "lenses", "face-mask"];
    let mut value = sample_value(names[rng.below(names.len())]);
    value["customerId"] = Value::String(hex(rng));
    value["transactionId"] = Value::String(hex(rng));
    match rng.below(10) {
        0 => {
            value.as_object_mut().expect("object").remove("customerId");
        }
        1 => value["overallScore"] = Value::String("0.5".to_owned()),
        2 => value["faceMatch"] = Value::String("true".to_owned()),
        3 => value["overallStatus"] = Value::String("pass".to_owned()),
        4 => value["overalStatus"] = Value::String("FAIL".to_owned()),
        5 => value["overallScore"] = Value::from(1.5),
        6 => {
            // A repeated key.
            let text = serde_json::to_string(&value).expect("serializes");
            return text.replacen('{', "{\"overallStatus\":\"FAIL\",", 1);
        }
        _ => {}
    }
    serde_json::to_string(&value).expect("serializes")
}

/// One block: a payload in one of the shapes the scanner must handle, or noise.
fn block(rng: &mut Rng) -> Block {
    let lines = |text: String, results: Vec<u64>| Block { bytes: (text + "\n").into_bytes(), results };
    match rng.below(16) {
        0..=2 => lines(payload(rng), vec![0]),
        3 => lines(format!("2026-11-25T10:11:12.123Z INFO [webhook] received {} status=200", payload(rng)), vec![0]),
        4 => {
            let value: Value = serde_json::from_str(&payload(rng)).expect("JSON");
            let pretty = serde_json::to_string_pretty(&value).expect("serializes");
            let pretty = if rng.below(2) == 0 { pretty.replace('\n', "\r\n") } else { pretty };
            lines(format!("payload:\n{pretty}"), vec![1])
        }
        5 => {
            let record =
                serde_json::json!({"log": payload(rng) + "\n", "stream": "stdout", "time": "2026-11-25T10:11:12Z"});
            lines(record.to_string(), vec![0])
        }
        6 => lines(format!("[{}, {}]", payload(rng), payload(rng)), vec![0, 0]),
        7 => {
            // A trailing comma: a syntax finding.
            let text = payload(rng);
            lines(format!("{},}}", &text[..text.len() - 1]), vec![0])
        }
        8 => {
            // Cut inside a string at the end of the line: a syntax finding; the next line is fine.
            let text = payload(rng);
            let cut = text.find("Id\":\"").expect("an id") + 9;
            lines(text[..cut].to_owned(), vec![0])
        }
        9 => lines(format!("{{\"overallStatus\":\"PASS\"{}", payload(rng)), vec![0, 0]),
        10 => {
            lines(format!("{{\"interviewId\":\"{}\",\"onboardingStatus\":\"ONBOARDING_FINISHED\"}}", hex(rng)), vec![0])
        }
        11 => lines(format!("{{\"event\":\"heartbeat\",\"seq\":{}}}", rng.next() % 1000), vec![0]),
        _ => {
            let noise = NOISE[rng.below(NOISE.len())];
            let mut bytes = noise.to_vec();
            bytes.extend_from_slice(if rng.below(3) == 0 { b"\r\n" } else { b"\n" });
            Block { bytes, results: vec![] }
        }
    }
}

/// Blocks giving at least `n` results in all.
fn generate(seed: u64, n: usize) -> Vec<Block> {
    let mut rng = Rng(seed);
    let mut blocks = vec![Block { bytes: b"# generated by tests/cli/hostile.rs\n".to_vec(), results: vec![] }];
    let mut count = 0;
    while count < n {
        let block = block(&mut rng);
        count += block.results.len();
        blocks.push(block);
    }
    blocks
}

/// Line breaks as README counts them: LF, CRLF, and a CR alone. Blocks end with LF, so no CRLF
/// is split between two.
fn line_breaks(bytes: &[u8]) -> u64 {
    let lone_crs = bytes.windows(2).filter(|pair| pair[0] == b'\r' && pair[1] != b'\n').count();
    (bytes.iter().filter(|&&b| b == b'\n').count() + lone_crs) as u64
}

/// The blocks as one file: its bytes and the 1-based line of each result it must give.
fn assemble(blocks: &[Block]) -> (Vec<u8>, Vec<u64>) {
    let mut bytes = Vec::new();
    let mut lines = Vec::new();
    let mut line = 1;
    for block in blocks {
        lines.extend(block.results.iter().map(|r| line + r));
        line += line_breaks(&block.bytes);
        bytes.extend_from_slice(&block.bytes);
    }
    (bytes, lines)
}

const N: usize = 2000;

fn lines_of(results: &[Value]) -> Vec<u64> {
    results.iter().map(|r| r["source"]["line"].as_u64().expect("a line")).collect()
}

/// Results without their path, to compare runs over the same bytes named differently.
fn without_paths(mut results: Vec<Value>) -> Vec<Value> {
    for result in &mut results {
        result["source"]["path"] = Value::Null;
    }
    results
}

#[test]
fn nothing_lost_in_one_log() {
    let blocks = generate(0x5EED_0001, N);
    let (bytes, expected) = assemble(&blocks);
    let dir = scratch();
    let path = write(dir.path(), "mixed.log", &bytes);
    let (results, stderr) = results_of(&path, &[], 1);
    assert_eq!(stderr, "");
    assert_eq!(results.len(), expected.len(), "one result per generated payload");
    assert_eq!(lines_of(&results), expected, "each at its line, in order");
    // And the same, byte for byte, on one thread.
    let (many, _) = run(&mut check(&["--format", "ndjson", arg(&path)]), 1);
    let (one, _) = run(&mut check(&["--format", "ndjson", "-j", "1", arg(&path)]), 1);
    assert_eq!(many, one);
}

#[test]
fn nothing_lost_across_files() {
    let blocks = generate(0x5EED_0002, N);
    let dir = scratch();
    let root = dir.path().join("parts");
    fs::create_dir(&root).expect("mkdir");
    // Seven files of uneven size, cut between blocks.
    let mut expected = Vec::new();
    let mut rng = Rng(7);
    let mut rest = &blocks[..];
    for part in 0..7 {
        let take = if part == 6 { rest.len() } else { rng.below(rest.len() / 3 + 1) };
        let (here, after) = rest.split_at(take);
        let (bytes, lines) = assemble(here);
        let name = format!("part-{part}.log");
        write(&root, &name, &bytes);
        expected.extend(lines.into_iter().map(|line| (name.clone(), line)));
        rest = after;
    }
    let (results, stderr) = results_of(&root, &[], 1);
    assert_eq!(stderr, "");
    assert_eq!(results.len(), expected.len());
    let found: Vec<(String, u64)> = results
        .iter()
        .map(|r| {
            let path = r["source"]["path"].as_str().expect("a path");
            (Path::new(path).file_name().unwrap().to_string_lossy().into_owned(), r["source"]["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn nothing_lost_gzipped() {
    let blocks = generate(0x5EED_0003, N);
    let (bytes, expected) = assemble(&blocks);
    let dir = scratch();
    // Two gzip members, cut at an arbitrary byte, as `cat a.gz b.gz` makes.
    let cut = bytes.len() / 3 + 17;
    let mut gz = Vec::new();
    for piece in [&bytes[..cut], &bytes[cut..]] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(piece).expect("compress");
        gz.extend(encoder.finish().expect("compress"));
    }
    let gz_path = write(dir.path(), "mixed.log.gz", &gz);
    let plain_path = write(dir.path(), "mixed.log", &bytes);
    let (results, stderr) = results_of(&gz_path, &[], 1);
    assert_eq!(stderr, "");
    assert_eq!(results.len(), expected.len());
    assert_eq!(lines_of(&results), expected);
    let (plain, _) = results_of(&plain_path, &[], 1);
    assert_eq!(without_paths(results), without_paths(plain));
}

/// Writes `bytes` to `stdin` in pieces of random size with pauses between them.
fn trickle(mut stdin: impl Write, bytes: Vec<u8>, seed: u64) {
    let mut rng = Rng(seed);
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let n = (1 + rng.below(6000)).min(rest.len());
        if stdin.write_all(&rest[..n]).and_then(|()| stdin.flush()).is_err() {
            return;
        }
        rest = &rest[n..];
        if rng.below(4) == 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

#[test]
fn nothing_lost_piped_slowly() {
    let blocks = generate(0x5EED_0004, N);
    let (bytes, expected) = assemble(&blocks);
    let dir = scratch();
    let plain_path = write(dir.path(), "mixed.log", &bytes);
    let (from_file, _) = results_of(&plain_path, &[], 1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&bytes).expect("compress");
    let gz = gz.finish().expect("compress");
    for (input, threads) in [(&bytes, "1"), (&bytes, "2"), (&gz, "2")] {
        let mut child = spawn_authhook(
            &["check", "--color", "never", "--format", "ndjson", "-j", threads],
            Stdio::piped(),
            Stdio::piped(),
        );
        let _watchdog = Watchdog::new(child.id(), LIMIT);
        let stdin = child.stdin.take().expect("stdin");
        let input = input.clone();
        let writer = std::thread::spawn(move || trickle(stdin, input, 99));
        let mut stdout = String::new();
        child.stdout.take().expect("stdout").read_to_string(&mut stdout).expect("stdout");
        let status = child.wait().expect("authhook ends");
        writer.join().expect("the writer ends");
        assert_eq!(status.code(), Some(1));
        let results = ndjson(&stdout);
        assert_eq!(results.len(), expected.len(), "-j {threads}");
        assert_eq!(lines_of(&results), expected, "-j {threads}");
        assert!(results.iter().all(|r| r["source"]["path"] == "-"));
        assert_eq!(without_paths(results), without_paths(from_file.clone()), "-j {threads}");
    }
}

#[test]
fn a_table_cell_stays_short_whatever_the_payload() {
    let repeated = format!("{{\"overallStatus\":\"PASS\"{}}}", ",\"x\":1".repeat(20_000));
    let (table, _) = run(check(&["--format", "table", "-"]).write_stdin(repeated), 1);
    assert!(table.contains("warning[unknown-field]×20000 error[duplicate-key]×19999"), "counted per rule");
    let wide = format!("{{\"overallStatus\":\"FAIL\",\"customerId\":\"{}\"}}", "a ".repeat(100_000));
    let (table, _) = run(check(&["--format", "table", "-"]).write_stdin(wide), 1);
    let widest = table.lines().map(|line| line.chars().count()).max().unwrap_or(0);
    assert!(widest < 1_200, "a 200,000-character id is cut in a pipe too: {widest} columns");
    assert!(table.contains("a…"), "the cut is marked");
}

/// Placing each payload of one large JSON value used to start from the value's first byte: an
/// array of 1,500 payloads took 8 s, 3,000 four times that.
#[test]
fn many_payloads_in_one_value_are_placed_in_linear_time() {
    let spoof = authhook::contract::samples::find("spoof").map(|s| s.compact()).unwrap_or_default();
    let array = format!("[{}]", vec![spoof; 3000].join(",\n"));
    let (stdout, _) =
        crate::common::run(crate::common::check_within_cpu_seconds(10, &["-q", "-"]).write_stdin(array), 0);
    assert!(stdout.starts_with("3000 results: 0 PASS, 3000 FAIL"), "{stdout}");
}
