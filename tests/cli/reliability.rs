//! One end-to-end test per reliability bug: each failed before its fix. They run the debug
//! binary as a user would, with a time limit on every command (see tests/cli/common.rs).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use serde_json::Value;

use crate::common::{authhook, check, check_within_cpu_seconds, parse_lines, run, tempdir};

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLW9mLWEtbGl2ZS10b2tlbg";

const FORMATS: [&str; 7] = ["human", "json", "ndjson", "table", "github", "sarif", "junit"];

fn sample(name: &str) -> String {
    authhook::contract::samples::find(name).expect("a documented sample").compact()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// The results of `check --format ndjson` over `input` on standard input, with `extra` options.
fn results(input: impl Into<Vec<u8>>, extra: &[&str], code: i32) -> Vec<Value> {
    let mut args = vec!["--format", "ndjson"];
    args.extend_from_slice(extra);
    args.push("-");
    let (stdout, _) = run(check(&args).write_stdin(input), code);
    parse_lines(&stdout)
}

fn reasons(results: &[Value]) -> Vec<String> {
    results.iter().map(|r| r["reasons"][0]["code"].as_str().unwrap_or("-").to_owned()).collect()
}

/// Peak resident memory, in KiB, of `authhook ARGS` reading `input` (GNU time).
fn peak_kib(args: &[&str], input: &Path) -> u64 {
    let output = Process::new("/usr/bin/time")
        .args(["-f", "%M", env!("CARGO_BIN_EXE_authhook")])
        .args(args)
        .arg(input)
        .env("NO_COLOR", "1")
        .output()
        .expect("GNU time runs (Debian package time)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.lines().last().and_then(|line| line.trim().parse().ok()).unwrap_or_else(|| panic!("no peak in {stderr}"))
}

/// The memory budget for a run over `distinct` transactions: 64 MiB and 64 bytes each.
fn budget_kib(distinct: u64) -> u64 {
    64 * 1024 + distinct * 64 / 1024
}

/// `count` one-line spoof payloads, each with its own transactionId.
fn distinct_payloads(count: u64) -> String {
    let spoof = sample("spoof");
    (0..count).map(|i| spoof.replace("e59ee5a064e24d129d1beed9", &format!("{i:024x}")) + "\n").collect()
}

// 1. The report reads itself, or destroys its input.

#[test]
fn naming_an_input_as_the_report_is_a_usage_error_that_writes_nothing() {
    let dir = tempdir();
    let capture = write(dir.path(), "c.json", sample("spoof"));
    let (_, stderr) = run(&mut check(&["-o", arg(&capture), arg(&capture)]), 2);
    assert!(stderr.contains("is also an input"), "{stderr}");
    assert_eq!(fs::read_to_string(&capture).expect("still there"), sample("spoof"));
    let redirected = Process::new("sh")
        .arg("-c")
        .arg("exec \"$0\" check -o \"$1\" - < \"$1\"")
        .args([env!("CARGO_BIN_EXE_authhook"), arg(&capture)])
        .output()
        .expect("sh runs");
    assert_eq!(redirected.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&redirected.stderr).contains("is also an input"), "{redirected:?}");
    assert_eq!(fs::read_to_string(&capture).expect("still there"), sample("spoof"));
}

#[test]
fn a_report_file_that_does_not_exist_yet_and_is_named_as_an_input_is_refused() {
    let dir = tempdir();
    let capture = write(dir.path(), "s.ndjson", sample("spoof") + "\n");
    let report = dir.path().join("r.ndjson");
    let (_, stderr) = run(&mut check(&["--format", "ndjson", "-o", arg(&report), arg(&capture), arg(&report)]), 2);
    assert!(stderr.contains("is also an input"), "{stderr}");
    assert!(!report.exists(), "the report made for the run is taken back");
}

#[test]
fn the_report_file_inside_a_checked_directory_is_not_read() {
    let dir = tempdir();
    let lines: String = (0..300).map(|_| sample("spoof") + "\n").collect();
    write(dir.path(), "a.ndjson", lines);
    let report = dir.path().join("r.ndjson");
    run(&mut check(&["--format", "ndjson", "-o", arg(&report), arg(dir.path())]), 0);
    let written = fs::read_to_string(&report).expect("the report");
    assert_eq!(written.lines().count(), 300, "only the capture's payloads, once");
    // Now the report is a file of the directory: writing it again would destroy an input.
    run(&mut check(&["--format", "ndjson", "-o", arg(&report), arg(dir.path())]), 2);
    assert_eq!(fs::read_to_string(&report).expect("the report"), written);
}

// 2. One broken line hides every payload after it.

#[test]
fn an_unterminated_oversized_line_hides_nothing_after_it() {
    let spoofs: String = (0..1000).map(|_| sample("spoof") + "\n").collect();
    let big = format!("{{\"pad\":\"{}\n{spoofs}", "x".repeat(1_100_000));
    let found = results(big, &[], 1);
    assert_eq!(found.len(), 1001);
    assert_eq!(found[0]["findings"][0]["rule"], "too-large");
    let small = format!("{{\"pad\":\"{}\n{spoofs}", "x".repeat(1_100));
    assert_eq!(results(small, &["--max-payload-bytes", "1000"], 1).len(), 1001);
}

#[test]
fn a_payload_after_a_line_cut_inside_a_value_is_found() {
    for head in ["{\"level\":\"info\",\"req\":\n", "[\n", "{\"a\":[\n"] {
        let found = results(format!("{head}{}\n", sample("spoof")), &[], if head == "[\n" { 0 } else { 1 });
        assert!(reasons(&found).contains(&"spoof-detected".to_owned()), "after {head:?}: {found:?}");
    }
}

#[test]
fn an_unclosed_comment_under_lenient_hides_nothing_after_it() {
    let input = format!("{{/* never closed\n{}\n{}\n", sample("spoof"), sample("pass"));
    let found = results(input, &["--lenient"], 1);
    let reasons = reasons(&found);
    assert!(
        reasons.contains(&"spoof-detected".to_owned()) && reasons.contains(&"face-matched".to_owned()),
        "{reasons:?}"
    );
}

// 3. Nested payloads lost silently.

fn wrapped(levels: usize) -> String {
    let mut text = sample("spoof");
    for _ in 0..levels {
        text = serde_json::json!({ "log": text }).to_string();
    }
    text
}

#[test]
fn a_payload_encoded_as_a_bare_string_or_in_an_array_of_strings_is_found() {
    let pretty = authhook::contract::samples::find("spoof").expect("a sample").json;
    let bare = Value::String(pretty.to_owned()).to_string();
    let listed = Value::Array(vec![Value::String(sample("lenses"))]).to_string();
    assert_eq!(reasons(&results(format!("{bare}\n{listed}\n"), &[], 0)), ["spoof-detected", "lenses-detected"]);
}

#[test]
fn payloads_wrapped_ten_levels_deep_are_found_and_deeper_is_said() {
    assert_eq!(reasons(&results(wrapped(10), &[], 0)), ["spoof-detected"]);
    let deeper = results(wrapped(11), &[], 2);
    assert_eq!(deeper[0]["findings"][0]["rule"], "unwrap-depth");
}

#[test]
fn a_brace_written_as_an_escape_is_unwrapped() {
    // No other opening brace in the string, so only the escaped one can tell it holds JSON.
    let escaped = r#"{"log":"\u007b\"overallStatus\":\"PASS\",\"faceMatch\":true}"}"#;
    let found = results(escaped, &[], 1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["kind"], "auth-1:1");
}

// 4, 5, 6. Bounded memory, whatever the format, the thread count or the shape of the input.

#[test]
fn every_format_holds_its_report_in_bounded_memory() {
    let dir = tempdir();
    let count = 50_000;
    let input = write(dir.path(), "many.ndjson", distinct_payloads(count));
    for format in FORMATS {
        let peak = peak_kib(&["check", "--format", format, "-o", "/dev/null"], &input);
        assert!(peak < budget_kib(count), "{format}: {peak} KiB");
    }
}

/// Asserts that `check -q` over `text` stays within the budget (no transactionIds) at each of
/// `threads`.
fn assert_bounded(text: String, threads: &[&str]) {
    let dir = tempdir();
    let path = write(dir.path(), "input.txt", text);
    for threads in threads {
        let peak = peak_kib(&["check", "-q", "-j", threads], &path);
        assert!(peak < budget_kib(0), "-j {threads}: {peak} KiB");
    }
}

/// 600,000 broken values, one result each: kept all at once, their results alone (a result is
/// several hundred bytes) would pass the budget several times over; the input is seven chunks,
/// more than are ever in flight.
#[test]
fn memory_does_not_grow_with_the_thread_count() {
    assert_bounded("{\"\n".repeat(600_000), &["1", "8", "64"]);
}

#[test]
fn an_array_of_tiny_objects_past_the_limit_is_entered_in_bounded_memory() {
    let line = format!("[{}]\n", vec!["{\"a\":1}"; 140_000].join(","));
    assert_bounded(line.repeat(2), &["1", "8"]);
}

#[test]
fn an_array_of_tiny_objects_takes_memory_in_proportion() {
    let dir = tempdir();
    let array = format!("[{}]", vec!["{\"\":0}"; 148_000].join(","));
    let path = write(dir.path(), "tiny.json", array);
    let peak = peak_kib(&["check", "-q"], &path);
    assert!(peak < budget_kib(0), "{peak} KiB");
}

// 7. A conflicting delivery passes as a retry.

#[test]
fn a_retry_differing_only_in_escapes_or_number_spelling_is_a_duplicate() {
    let first = sample("spoof");
    let escaped = first.replacen("Spoof attempt detected.", "Spoof attempt detected\\u002e", 1);
    let respelled = first.replacen("\"spoofConfidence\":1", "\"spoofConfidence\":1.0", 1);
    assert_ne!(escaped, first);
    assert_ne!(respelled, first);
    let found = results(format!("{first}\n{escaped}\n{respelled}\n"), &[], 0);
    let rules: Vec<_> = found.iter().map(|r| r["findings"].as_array().map_or(0, Vec::len)).collect();
    assert_eq!(rules, [0, 1, 1]);
    assert_eq!(found[1]["findings"][0]["rule"], "duplicate-delivery");
    assert_eq!(found[2]["findings"][0]["rule"], "duplicate-delivery");
}

/// (A different status with the same fingerprint cannot be made end to end without a collision;
/// the unit test `a_different_status_is_never_a_retry` in src/deliveries.rs forges one.)
#[test]
fn a_different_status_for_one_transaction_is_a_conflict() {
    let fail = sample("spoof");
    let pass = fail.replacen("\"overallStatus\":\"FAIL\"", "\"overallStatus\":\"PASS\"", 1);
    let found = results(format!("{fail}\n{pass}\n"), &[], 1);
    assert_eq!(
        found[1]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule"] == "conflicting-delivery")
            .count(),
        1
    );
}

// 8. --select is quadratic and $..* counts a payload twice.

#[test]
fn select_over_a_wide_object_is_linear() {
    let dir = tempdir();
    let wide: serde_json::Map<String, Value> = (0..95_000).map(|i| (format!("k{i}"), Value::from(i))).collect();
    let path = write(dir.path(), "wide.json", Value::Object(wide).to_string());
    // Before the fix this took over three minutes; now under a second of CPU time (debug).
    run(&mut check_within_cpu_seconds(30, &["-q", "--max-payload-bytes", "4000000", "--select", "$.*", arg(&path)]), 2);
}

#[test]
fn a_payload_selected_twice_is_one_result() {
    let wrapped = format!("{{\"outer\":{{\"wrap\":{}}}}}", sample("spoof"));
    assert_eq!(reasons(&results(wrapped, &["--select", "$..*"], 0)), ["spoof-detected"]);
}

// 9, 10. Secrets in file names, arguments and glued text.

fn assert_no_secret(text: &str, what: &str) {
    for part in JWT.split('.') {
        assert!(!text.contains(part), "{what}: a part of the token shows:\n{text}");
    }
}

#[test]
fn a_jwt_in_a_file_name_never_shows() {
    let dir = tempdir();
    let path = write(dir.path(), &format!("{JWT}.json"), format!("{}\n{{\"a\":", sample("spoof")));
    for format in FORMATS {
        let (stdout, stderr) =
            run(&mut check(&["--format", format, arg(&path), "missing-eyJhbGciOiJIUzI1NiJ9.x.y"]), 2);
        assert_no_secret(&stdout, format);
        assert_no_secret(&stderr, format);
    }
}

#[test]
fn a_jwt_given_on_the_command_line_is_never_echoed() {
    let config = format!("{JWT}.toml");
    let select = format!("$[{JWT}");
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "--select", &select, "-"],
        vec!["explain", JWT],
        vec!["check", "--allow", JWT, "-"],
        vec!["check", "--config", &config, "-"],
        vec!["check", "--expect-reason", JWT, "-"],
        vec!["sample", JWT],
    ];
    for args in cases {
        let (stdout, stderr) = run(authhook().args(&args).write_stdin(sample("spoof")), 2);
        assert_no_secret(&stdout, &args.join(" "));
        assert_no_secret(&stderr, &args.join(" "));
    }
}

#[test]
fn glued_tokens_and_detached_signatures_never_show() {
    let (header, rest) = JWT.split_once('.').expect("three parts");
    let signature = rest.rsplit_once('.').map(|(_, s)| s).expect("a signature");
    let glued = [format!("eyJ0.eyJ0.{JWT}"), format!("{JWT}{JWT}"), format!("{header}..{signature}")];
    for text in glued {
        let payload = sample("spoof").replacen("e59ee5a064e24d129d1beed9", &text, 1);
        for format in FORMATS {
            let (stdout, stderr) = run(check(&["--format", format, "-"]).write_stdin(payload.clone()), 0);
            assert_no_secret(&stdout, &format!("{format}: {text}"));
            assert_no_secret(&stderr, &format!("{format}: {text}"));
        }
    }
}

// 11. Keys of authhook.toml reach stderr raw.

#[test]
fn settings_file_keys_are_escaped_on_standard_error() {
    let dir = tempdir();
    write(dir.path(), "authhook.toml", "\"\\u001b]0;PWNED\\u0007\\u202e\" = 1\n");
    let (_, stderr) = run(authhook().current_dir(dir.path()).args(["check", "-"]).write_stdin(sample("spoof")), 2);
    assert!(stderr.contains("\\u{1b}"), "{stderr}");
    assert!(!stderr.chars().any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'), "{stderr:?}");
}

// 12. Exit status and robustness.

/// `authhook ARGS` with standard error a pipe whose reader has gone, so writing to it fails.
fn with_stderr_closed(args: &[&str]) -> std::process::Output {
    let mut child = Process::new(env!("CARGO_BIN_EXE_authhook"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("authhook starts");
    drop(child.stderr.take());
    child.wait_with_output().expect("authhook ends")
}

#[test]
fn a_closed_standard_error_changes_neither_the_run_nor_its_status() {
    let dir = tempdir();
    let bad = write(dir.path(), "bad.json", sample("pass").replacen("\"faceMatch\":true", "\"faceMatch\":\"yes\"", 1));
    let output = with_stderr_closed(&["check", "-q", "missing.json", arg(&bad)]);
    assert_eq!(output.status.code(), Some(2), "an unreadable input is still trouble");
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 result: 1 PASS (1 invalid), 0 FAIL"));
    let usage: [&[&str]; 4] = [
        &["explain", "nope"],
        &["sample", "nope"],
        &["check", "--select", "$[", "samples/"],
        &["check", "-o", "/nonexistent/x", "samples/"],
    ];
    for args in usage {
        let output = with_stderr_closed(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_usage_error_keeps_its_line_breaks_and_a_failed_write_is_trouble() {
    let (_, stderr) = run(authhook().args(["check", "--format", "foo", "x"]), 2);
    assert!(stderr.contains("\n  [possible values:"), "{stderr}");
    assert!(!stderr.contains("\\u{a}"), "{stderr}");
    let full = fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let output = Process::new(env!("CARGO_BIN_EXE_authhook")).arg("--help").stdout(full).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn many_threads_asked_for_under_a_memory_limit_still_run() {
    let dir = tempdir();
    let output = Process::new("sh")
        .arg("-c")
        .arg("\"$0\" sample --all > \"$1\"; ulimit -v 300000; exec \"$0\" check -q -j 1024 \"$1\"")
        .arg(env!("CARGO_BIN_EXE_authhook"))
        .arg(dir.path().join("samples.ndjson"))
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Every worker started checks the samples (status 1); none at all is a clear failure (2).
    assert!(matches!(output.status.code(), Some(1 | 2)), "{:?} {stderr}", output.status);
}

#[test]
fn the_settings_file_has_the_command_lines_limits() {
    let dir = tempdir();
    for (line, words) in [
        ("threads = 65535", "threads must be between 1 and 1024"),
        ("max-payload-bytes = 18446744073709551615", "max-payload-bytes must be between 64 and 4294967296"),
    ] {
        write(dir.path(), "authhook.toml", format!("{line}\n"));
        let (_, stderr) = run(authhook().current_dir(dir.path()).args(["check", "-"]).write_stdin(sample("spoof")), 2);
        assert!(stderr.contains(words), "{line}: {stderr}");
    }
}

// 13. CR-only line ends and gzip padding.

#[test]
fn a_cr_alone_ends_a_line() {
    let input = format!("{}\r{}\r\n{}\r", sample("spoof"), sample("pass"), sample("lenses"));
    let lines: Vec<_> = results(input, &[], 0).iter().map(|r| r["source"]["line"].as_u64()).collect();
    assert_eq!(lines, [Some(1), Some(2), Some(3)]);
}

#[test]
fn zero_padding_after_gzip_is_accepted_as_gzip_accepts_it() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all((sample("spoof") + "\n").as_bytes()).expect("compressed");
    let mut bytes = encoder.finish().expect("compressed");
    bytes.extend_from_slice(&[0; 1024]);
    assert_eq!(reasons(&results(bytes, &[], 0)), ["spoof-detected"]);
}

// Found by a third attack from outside.

#[test]
fn an_existing_report_file_inside_a_checked_directory_is_refused_not_overwritten() {
    let dir = tempdir();
    let capture = write(dir.path(), "capture.json", sample("spoof"));
    let (_, stderr) = run(&mut check(&["-q", "-o", arg(&capture), arg(dir.path())]), 2);
    assert!(stderr.contains("is also an input"), "{stderr}");
    assert_eq!(fs::read_to_string(&capture).expect("still there"), sample("spoof"));
}

#[test]
fn escaped_quotes_before_braces_are_not_string_candidates() {
    // Each `\"{\"` once started a string candidate that read to the end of the line: quadratic.
    // 300 KB; a debug build takes a quarter of a second of CPU time (before the fix, 125 KB took
    // 6 s and 1.25 MB over 120 s).
    let text = format!("\"{{\\\"{}\n", "\\\"{\\\"".repeat(50_000));
    run(check_within_cpu_seconds(10, &["-q", "-"]).write_stdin(text), 2);
}

#[test]
fn an_encoded_payload_cut_by_a_read_after_its_quote_is_still_found() {
    let encoded = Value::String(sample("spoof")).to_string();
    let line = format!("{{\"a\":1,}}{encoded}\n");
    let whole = results(line.clone(), &[], 1);
    assert_eq!(reasons(&whole), ["-", "spoof-detected"]);
    let chunked = authhook::stream::check_bytes_with(
        "t",
        line.as_bytes(),
        &authhook::assess::AssessOptions::default(),
        authhook::stream::Parallelism { threads: 1, chunk_bytes: 9 },
    );
    assert_eq!(chunked.len(), 2);
}

#[test]
fn a_cr_alone_ends_a_broken_values_shadow() {
    let found = results("{\"a\":1,}\r{\"b\":2,}\r{\"c\":3,}\n", &[], 1);
    assert_eq!(found.len(), 3);
}

#[test]
fn an_encoded_payload_past_the_limit_is_too_large_not_lost() {
    let encoded = Value::String(sample("spoof")).to_string();
    let found = results(encoded + "\n", &["--max-payload-bytes", "300"], 1);
    assert_eq!(found[0]["findings"][0]["rule"], "too-large");
}

#[test]
fn a_jwt_with_a_short_header_never_shows() {
    let token = "eyJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    let payload = sample("spoof").replacen("67dda40e4089f4769f3ed2e6", token, 1);
    let (stdout, _) = run(check(&["--format", "json", "-"]).write_stdin(payload), 0);
    assert!(!stdout.contains("eyJzdWIiOiIxIn0"), "{stdout}");
}

/// Found in review: the bracket pass that decides whether to parse an array ran to the payload
/// limit for every `[{` of a deep tower (4 MB of `{"a":[` took over two minutes); it stops where
/// the parser would, at 129 levels.
#[test]
fn a_tower_of_arrays_and_objects_is_checked_in_linear_time() {
    // 480 KB: 15 to 20 s of CPU time in a debug build, a little over 1 s in release.
    run(check_within_cpu_seconds(60, &["-q", "-"]).write_stdin("{\"a\":[".repeat(80_000)), 1);
}

/// Whether this test process may drop to another user (root) and has util-linux's `setpriv` and
/// `prlimit`, which a test of thread creation failing needs.
fn can_limit_processes() -> bool {
    let root = Process::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    let has = |tool: &str| Process::new(tool).arg("--version").output().is_ok_and(|out| out.status.success());
    root && has("setpriv") && has("prlimit")
}

#[test]
fn threads_that_cannot_be_started_leave_the_input_checked_on_the_calling_thread() {
    if !can_limit_processes() {
        eprintln!("skipped: needs root, setpriv and prlimit to make thread creation fail");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    // Longer than a chunk (256 KiB), so that the workers are asked for after the first chunks.
    let dir = tempdir();
    let text = format!("{}\n{}\n", sample("pass"), sample("spoof")).repeat(1000);
    let file = write(dir.path(), "capture.ndjson", &text);
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("a readable directory");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).expect("a readable file");
    let (expected, _) = run(&mut check(&["--format", "ndjson", "-j", "1", arg(&file)]), 0);
    assert_eq!(parse_lines(&expected).len(), 2000);
    // Another user allowed one process: every thread the run asks for is refused.
    let limited = |from_stdin: bool| {
        let mut cmd = assert_cmd::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "prlimit", "--nproc=1"])
            .arg(env!("CARGO_BIN_EXE_authhook"))
            .args(["check", "--color", "never", "--format", "ndjson", "-j", "2"])
            .arg(if from_stdin { "-" } else { arg(&file) })
            .current_dir(dir.path())
            .env("AUTHHOOK_TODAY", crate::common::TODAY)
            .timeout(crate::common::LIMIT);
        if from_stdin {
            cmd.write_stdin(text.clone());
        }
        cmd
    };
    let (from_file, _) = run(&mut limited(false), 0);
    assert_eq!(from_file, expected);
    let (expected, _) = run(check(&["--format", "ndjson", "-j", "1", "-"]).write_stdin(text.clone()), 0);
    let (from_pipe, _) = run(&mut limited(true), 0);
    assert_eq!(from_pipe, expected);
}
