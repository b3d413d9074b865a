//! Property tests of the checking pipeline, with proptest:
//!
//! 1. no input makes `check_bytes` panic: arbitrary bytes, and arbitrary mixes of fragments of
//!    the documented samples with braces, quotes, colons, commas and line breaks;
//! 2. results do not depend on how the input is cut into chunks nor on how many threads run;
//! 3. a documented sample re-serialized with its object members in any order and arbitrary white
//!    space gets the same status, reasons and set of (rule, pointer) findings;
//! 4. every input kept by the fuzzers in `fuzz/regressions/` still goes through without a panic.
//!
//! Case counts are modest so the file runs in a few seconds in a debug build; they are listed in
//! docs/reliability.md. `PROPTEST_CASES=N` raises them all for a longer run.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use authhook::assess::AssessOptions;
use authhook::assess::{CheckResult, Summary};
use authhook::contract::samples::SAMPLES;
use authhook::json::{Node, Options, Value, parse_value};
use authhook::report::{Format, Style};
use authhook::scan::{ScanOptions, Scanner};
use authhook::stream::{Parallelism, check_bytes, check_bytes_with};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

use crate::common::Rng;

/// Everything a result says that must not depend on chunking or threads.
fn signature(results: &[CheckResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                r.source, r.kind, r.status, r.valid, r.reasons, r.findings, r.customer_id, r.error_code
            )
        })
        .collect()
}

/// A proptest configuration with `cases` cases (unless `PROPTEST_CASES` says otherwise) that
/// writes no regression files into the source tree.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Pieces that hostile input is made of: JSON punctuation, white space, escapes, bytes that are
/// not UTF-8, and words the validator looks for.
const PUNCTUATION: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\n",
    "\r\n",
    " ",
    "\t",
    "\\",
    "\\\"",
    "\\u00",
    "\u{0}",
    "\u{1b}[31m",
    "\u{202e}",
    "{\"",
    "[{",
    "}{",
    "\"overallStatus\"",
    "\"PASS\"",
    "\"FAIL\"",
    "\"faceMatch\"",
    "true",
    "null",
    "1e999",
    "-0",
    "4005",
    "4005.0",
    "\"log\":\"",
    "/*",
    "*/",
    "//",
    "{'",
    "'",
    "{ ",
    "`",
    ": ",
    "=>",
    " => ",
    "True",
    "None",
    "nil",
    "undefined",
    "[Object]",
    "... 2 more items",
    "... 9 more characters",
    "{...}",
    "<ref *1> ",
    "\\x",
    "\\u{",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
];

/// Payloads as receivers' languages print them (Python, Node, Ruby), and spread over container
/// log records (docker json-file, CRI), made from the samples.
const LOGGED: &[&str] = &[
    include_str!("../fixtures/logs/python.log"),
    include_str!("../fixtures/logs/node.log"),
    include_str!("../fixtures/logs/rails.log"),
    include_str!("../fixtures/logs/docker-pretty.log"),
    include_str!("../fixtures/logs/cri.log"),
];

/// Printed payloads and container records split over chunks of any size and any number of
/// threads give what the whole input gives.
#[test]
fn printed_and_joined_payloads_do_not_depend_on_chunks_or_threads() {
    for log in LOGGED {
        let whole = check_bytes("p", log.as_bytes(), &AssessOptions::default());
        assert!(whole.iter().filter(|r| r.kind.is_authentication()).count() >= 3);
        for chunk_bytes in [1, 7, 13, 64, 100, 257, 1000] {
            for threads in 1..=3 {
                let split = check_bytes_with(
                    "p",
                    log.as_bytes(),
                    &AssessOptions::default(),
                    Parallelism { threads, chunk_bytes },
                );
                assert_eq!(signature(&split), signature(&whole), "chunks of {chunk_bytes}, {threads} threads");
            }
        }
    }
}

/// One fragment: a piece of punctuation, a slice of a sample, or raw bytes.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::sample::select(PUNCTUATION).prop_map(|s| s.as_bytes().to_vec()),
        3 => (any::<Index>(), any::<Index>(), 1usize..120).prop_map(|(sample, start, len)| {
            let text = SAMPLES[sample.index(SAMPLES.len())].json.as_bytes();
            let start = start.index(text.len());
            text[start..(start + len).min(text.len())].to_vec()
        }),
        1 => Just(b"\xff\xfe\xc0\x80".to_vec()),
        1 => prop::collection::vec(any::<u8>(), 1..8),
        1 => (any::<Index>()).prop_map(|sample| SAMPLES[sample.index(SAMPLES.len())].json.as_bytes().to_vec()),
        2 => (any::<Index>(), any::<Index>(), 1usize..400).prop_map(|(log, start, len)| {
            let text = LOGGED[log.index(LOGGED.len())].as_bytes();
            let start = start.index(text.len());
            text[start..(start + len).min(text.len())].to_vec()
        }),
    ]
}

/// Text made of fragments.
fn fragments() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(fragment(), 0..48).prop_map(|parts| parts.concat())
}

/// A line of a receiver's log: a whole payload, a payload cut at any point before its end, a
/// line of noise, or an oversized unterminated value.
#[derive(Debug, Clone)]
struct LogLine {
    bytes: Vec<u8>,
    /// Whether the line is a whole payload.
    whole: bool,
}

fn log_line() -> impl Strategy<Value = LogLine> {
    let payload = || any::<Index>().prop_map(|sample| SAMPLES[sample.index(SAMPLES.len())].compact());
    let line = |text: &[u8], whole: bool, end: &str| LogLine { bytes: [text, end.as_bytes()].concat(), whole };
    prop_oneof![
        3 => (payload(), prop::sample::select(&["\n", "\r\n", "\r"][..]))
            .prop_map(move |(text, end)| line(text.as_bytes(), true, end)),
        3 => (payload(), any::<Index>(), prop::sample::select(&["\n", "\r\n"][..])).prop_map(move |(text, cut, end)| {
            let cut = cut.index(text.len() - 1).max(1);
            line(&text.as_bytes()[..cut], false, end)
        }),
        1 => (payload(), 0usize..40).prop_map(move |(text, at)| {
            let prefix = format!("2026-11-25T10:00:00Z INFO req={} ", "x".repeat(at));
            line(format!("{prefix}{text}").as_bytes(), true, "\n")
        }),
        1 => prop::sample::select(&["{\"level\":\"info\",\"req\":", "[", "{/* open", "{\"pad\":\"", "]", "{name}"][..])
            .prop_map(move |text| line(text.as_bytes(), false, "\n")),
        1 => (200usize..1500).prop_map(move |len| line(format!("{{\"pad\":\"{}", "x".repeat(len)).as_bytes(), false, "\n")),
    ]
}

/// Assess options varied over what changes the pipeline's paths: lenient parsing, a small
/// payload limit, payloads attached.
fn options(lenient: bool, small_limit: bool, with_payload: bool) -> AssessOptions {
    AssessOptions {
        scan: ScanOptions { lenient, max_payload_bytes: if small_limit { 200 } else { 1 << 20 } },
        with_payload,
        ..AssessOptions::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 1a: arbitrary bytes never panic, in any mode.
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        lenient: bool,
        small_limit: bool,
        with_payload: bool,
    ) {
        let options = options(lenient, small_limit, with_payload);
        let results = check_bytes("p", &bytes, &options);
        prop_assert!(results.iter().all(|r| r.source.offset as usize <= bytes.len()));
    }

    /// Property 1b: mixes of sample fragments and punctuation never panic, and every result is
    /// placed inside the input.
    #[test]
    fn fragment_mixes_never_panic(bytes in fragments(), lenient: bool, small_limit: bool, with_payload: bool) {
        let options = options(lenient, small_limit, with_payload);
        let results = check_bytes("p", &bytes, &options);
        for result in &results {
            prop_assert!(result.source.offset as usize <= bytes.len());
            prop_assert!(result.source.line >= 1 && result.source.column >= 1);
        }
        let mut scanner = Scanner::new(options.scan);
        let scanned = scanner.scan(&bytes, true);
        prop_assert!(scanned.consumed <= bytes.len());
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 2: the same results whatever the chunk size and the number of threads.
    #[test]
    fn results_do_not_depend_on_chunks_or_threads(
        bytes in fragments(),
        chunk_bytes in 1usize..200,
        threads in 1usize..=4,
        lenient: bool,
        small_limit: bool,
        with_payload: bool,
    ) {
        let options = options(lenient, small_limit, with_payload);
        let whole = check_bytes("p", &bytes, &options);
        let split = check_bytes_with("p", &bytes, &options, Parallelism { threads, chunk_bytes });
        prop_assert_eq!(signature(&split), signature(&whole));
    }

    /// Property 5: every payload gives exactly one result, whatever broken lines come before it:
    /// lines cut at any point (as a logger cuts them), lines of noise, payloads, in any order,
    /// however the input is cut into chunks.
    #[test]
    fn every_payload_gives_exactly_one_result_after_cut_lines(
        lines in prop::collection::vec(log_line(), 1..24),
        chunk_bytes in 1usize..400,
        threads in 1usize..=3,
        lenient: bool,
    ) {
        let payloads = lines.iter().filter(|line| line.whole).count();
        let text: Vec<u8> = lines.iter().flat_map(|line| line.bytes.iter().copied()).collect();
        // A limit above every payload and below the longest noise, so oversized values come too.
        let options = AssessOptions { scan: ScanOptions { lenient, max_payload_bytes: 1000 }, ..AssessOptions::default() };
        let found = check_bytes_with("p", &text, &options, Parallelism { threads, chunk_bytes });
        let authentications = found.iter().filter(|r| r.kind.is_authentication()).count();
        prop_assert_eq!(authentications, payloads, "{}", String::from_utf8_lossy(&text));
    }

    /// Property 6: a payload on a line of its own after any input is found, once, at its line,
    /// whatever the input leaves open (a string, an object, an array, a comment).
    #[test]
    fn a_payload_after_any_input_is_found_once(
        bytes in fragments(),
        chunk_bytes in 1usize..300,
        threads in 1usize..=3,
        lenient: bool,
        small_limit: bool,
    ) {
        const MARKER: &str = "fa22fa22fa22fa22fa22fa22";
        let payload = SAMPLES[2].compact().replace("e59ee5a064e24d129d1beed9", MARKER);
        // Text first, so the input is never taken for UTF-16 or UTF-32 by its first bytes.
        let mut text = [b"log\n".as_slice(), &bytes, b"\n"].concat();
        let line = authhook::scan::position::Position::START.advanced_over(&text).line;
        text.extend_from_slice(payload.as_bytes());
        text.push(b'\n');
        // A limit above the payload's size, and small enough for oversized values to come.
        let limit = if small_limit { 1000 } else { 1 << 20 };
        let options = AssessOptions { scan: ScanOptions { lenient, max_payload_bytes: limit }, ..AssessOptions::default() };
        let found = check_bytes_with("p", &text, &options, Parallelism { threads, chunk_bytes });
        let at_line = found
            .iter()
            .filter(|r| r.kind.is_authentication() && r.transaction_id.as_deref() == Some(MARKER) && r.source.line == line)
            .count();
        prop_assert_eq!(at_line, 1, "{}", String::from_utf8_lossy(&text));
    }

    /// Property 3: member order and white space do not change a sample's verdict.
    #[test]
    fn member_order_and_white_space_do_not_change_the_verdict(sample in any::<Index>(), seed: u64) {
        let sample = &SAMPLES[sample.index(SAMPLES.len())];
        let original = check_bytes("p", sample.json.as_bytes(), &AssessOptions::default());
        let parsed = parse_value(sample.json.as_bytes(), 0, Options::default()).expect("a sample parses");
        let mut rng = Rng(seed | 1);
        let mut text = String::new();
        space(&mut rng, &mut text);
        reserialize(&parsed.node, &mut rng, &mut text);
        space(&mut rng, &mut text);
        let shuffled = check_bytes("p", text.as_bytes(), &AssessOptions::default());
        prop_assert_eq!(shuffled.len(), 1, "{}", text);
        prop_assert_eq!(original.len(), 1);
        let (a, b) = (&original[0], &shuffled[0]);
        prop_assert_eq!(a.status, b.status, "{}", text);
        prop_assert_eq!(a.kind, b.kind);
        prop_assert_eq!(a.valid, b.valid);
        prop_assert_eq!(format!("{:?}", a.reasons), format!("{:?}", b.reasons), "{}", text);
        prop_assert_eq!(rule_pointers(a), rule_pointers(b), "{}", text);
        prop_assert_eq!(&a.customer_id, &b.customer_id);
        prop_assert_eq!(&a.transaction_id, &b.transaction_id);
        prop_assert_eq!(a.error_code, b.error_code);
        prop_assert_eq!(a.overall_score, b.overall_score);
        prop_assert_eq!(a.recognition_confidence, b.recognition_confidence);
        prop_assert_eq!(a.spoof_confidence, b.spoof_confidence);
    }
}

/// The set of (rule, severity, pointer) of a result's findings.
fn rule_pointers(result: &CheckResult) -> BTreeSet<(String, String, String)> {
    result.findings.iter().map(|f| (f.rule.id().to_owned(), f.severity.name().to_owned(), f.pointer.clone())).collect()
}

/// Appends zero to three pieces of JSON white space.
fn space(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.below(4) {
        out.push_str([" ", "\t", "\n", "\r\n", "    "][rng.below(5)]);
    }
}

/// Writes `node` back as JSON text, strings and numbers exactly as written, object members in a
/// random order and random white space between tokens.
fn reserialize(node: &Node<'_>, rng: &mut Rng, out: &mut String) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(text, _) => out.push_str(text),
        Value::String(s) => {
            out.push('"');
            out.push_str(s.raw());
            out.push('"');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    space(rng, out);
                    out.push(',');
                }
                space(rng, out);
                reserialize(item, rng, out);
            }
            space(rng, out);
            out.push(']');
        }
        Value::Object(members) => {
            let mut order: Vec<usize> = (0..members.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
            out.push('{');
            for (n, &i) in order.iter().enumerate() {
                let member = &members[i];
                if n > 0 {
                    space(rng, out);
                    out.push(',');
                }
                space(rng, out);
                out.push('"');
                out.push_str(member.key.raw());
                out.push('"');
                space(rng, out);
                out.push(':');
                space(rng, out);
                reserialize(&member.value, rng, out);
            }
            space(rng, out);
            out.push('}');
        }
    }
}

/// The fuzzers' kept inputs, `fuzz/regressions/<target>/*`, with the target's name.
fn regression_files() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut files = Vec::new();
    for target in std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display())) {
        let dir = target.expect("a directory entry").path();
        let name = dir.file_name().expect("a name").to_string_lossy().into_owned();
        for file in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            files.push((name.clone(), file.expect("a directory entry").path()));
        }
    }
    files.sort();
    files
}

/// Replays an input of the `scan` fuzz target as the target reads it: a control byte, then the
/// text, scanned whole and in two buffers.
fn replay_scan(data: &[u8]) {
    let Some((&control, input)) = data.split_first() else { return };
    let options = ScanOptions {
        lenient: control & 1 == 1,
        max_payload_bytes: if control & 2 == 2 { 64 + usize::from(control >> 2) } else { 1 << 20 },
    };
    let scanned = Scanner::new(options).scan(input, true);
    assert!(scanned.consumed <= input.len());
    let split = if input.is_empty() { 0 } else { usize::from(input[0]) * 7 % (input.len() + 1) };
    let mut streaming = Scanner::new(options);
    let consumed = streaming.scan(&input[..split], false).consumed;
    let _ = streaming.scan(&input[consumed..], true);
}

/// Replays an input of the `check` fuzz target as the target reads it: two control bytes, then
/// the text, checked in one chunk and in the chunking and threads the control bytes choose.
fn replay_check(data: &[u8]) {
    let [a, b, input @ ..] = data else { return };
    let parallelism = Parallelism { threads: 1 + usize::from(a & 3), chunk_bytes: 1 + usize::from(*b) };
    let mut options = AssessOptions { with_payload: a & 4 == 4, ..AssessOptions::default() };
    options.finishing.show_secrets = a & 8 == 8;
    options.scan.lenient = a & 16 == 16;
    let whole = check_bytes("r", input, &options);
    let split = check_bytes_with("r", input, &options, parallelism);
    assert_eq!(signature(&split), signature(&whole), "{parallelism:?}");
}

/// Property 4: every input the fuzzers kept goes through without a panic, replayed the way its
/// fuzz target reads it and also as plain text through the whole pipeline.
#[test]
fn fuzz_regressions_do_not_panic() {
    let files = regression_files();
    assert!(files.len() >= 2, "fuzz/regressions holds the fuzzers' minimized corpora");
    for (target, path) in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match target.as_str() {
            "scan" => replay_scan(&bytes),
            "check" => replay_check(&bytes),
            other => panic!("an unknown fuzz target {other}"),
        }
        for lenient in [false, true] {
            let options = options(lenient, false, true);
            let whole = check_bytes("r", &bytes, &options);
            let split = check_bytes_with("r", &bytes, &options, Parallelism { threads: 2, chunk_bytes: 7 });
            assert_eq!(signature(&split), signature(&whole), "{}", path.display());
        }
    }
}

/// Regression (a bug once): with a payload limit smaller than a broken value, the verdict was
/// `syntax` in one piece and `too-large` when a chunk boundary fell inside it. A value whose parse
/// reaches past the limit is now too large in any chunking.
#[test]
fn oversized_broken_value_gets_the_same_verdict_in_any_chunking() {
    let options = options(false, true, false);
    let text = format!("{{\"overallStatus\":\"PASS\",\"note\":\"{}\",]\n", "x".repeat(300));
    let whole = check_bytes("p", text.as_bytes(), &options);
    for chunk_bytes in [16, 100, 250] {
        let split = check_bytes_with("p", text.as_bytes(), &options, Parallelism { threads: 1, chunk_bytes });
        assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}");
    }
}

/// Regression (a bug once): with `--lenient`, a `/* */` comment cut by a chunk boundary was a
/// syntax error (`unterminated /* comment`, or `expected a JSON value` when the cut fell right
/// after the `/`), and the payload around it was lost.
#[test]
fn a_comment_cut_by_a_chunk_boundary_is_not_a_syntax_error() {
    let options = options(true, false, false);
    let text = "{\n  /* a comment\n     over lines */\n  \"overallStatus\": \"PASS\", /**/ \"faceMatch\": true\n}\n";
    let whole = check_bytes("p", text.as_bytes(), &options);
    assert!(whole[0].findings.iter().all(|f| f.rule.id() != "syntax"), "{:?}", whole[0].findings);
    for chunk_bytes in [1, 2, 3, 5, 8, 13, 21] {
        let split = check_bytes_with("p", text.as_bytes(), &options, Parallelism { threads: 1, chunk_bytes });
        assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}");
    }
}

/// Regression, the strict-mode face of the one above, found by the `check` fuzz target: the
/// syntax error on a comment must read the same however the input is cut.
#[test]
fn a_slash_cut_by_a_chunk_boundary_gets_the_same_message() {
    let options = options(false, false, false);
    let text = b"{\"ce\"  /*";
    let whole = check_bytes("p", text, &options);
    assert!(whole[0].findings[0].message.contains("--lenient accepts comments"), "{:?}", whole[0].findings);
    for chunk_bytes in [1, 2, 8] {
        let split = check_bytes_with("p", text, &options, Parallelism { threads: 1, chunk_bytes });
        assert_eq!(signature(&split), signature(&whole), "chunk {chunk_bytes}");
    }
}

/// A JWT's header and body as they stand in `PUNCTUATION`'s token; neither may be shown.
const JWT_PARTS: [&str; 2] = ["eyJhbGciOiJIUzI1NiJ9.", "eyJzdWIiOiIxIn0"];

/// Every output format, rendered into memory.
fn render_all(results: &[CheckResult]) -> Vec<(Format, String)> {
    let formats =
        [Format::Human, Format::Json, Format::Ndjson, Format::Table, Format::Github, Format::Sarif, Format::Junit];
    let mut summary = Summary::default();
    results.iter().for_each(|result| summary.add(result));
    formats
        .into_iter()
        .map(|format| {
            let mut out = Vec::new();
            let mut renderer = format.renderer(Style { color: false, quiet: false, width: None });
            for result in results {
                renderer.result(&mut out, result).expect("rendering into memory does not fail");
            }
            renderer.finish(&mut out, &summary, &[]).expect("rendering into memory does not fail");
            (format, String::from_utf8_lossy(&out).into_owned())
        })
        .collect()
}

proptest! {
    #![proptest_config(config(64))]

    /// Property 5: a JWT anywhere in a payload (as a value of any field, inside longer text, as a
    /// key) shows in no output format, in part or whole, unless secrets are asked for.
    #[test]
    fn no_output_shows_a_jwt(
        sample in any::<Index>(),
        field in prop::sample::select(&["customerId", "transactionId", "error", "errorMessage", "token", "note", "KEY"][..]),
        before in prop::sample::select(&["", "Bearer ", "x", "token=", "a b c d e f g h i j k l m n o p q r s t "][..]),
        after in prop::sample::select(&["", ".", " trailing", "x"][..]),
        noise in fragments(),
        with_payload: bool,
    ) {
        let mut value: serde_json::Value =
            serde_json::from_str(SAMPLES[sample.index(SAMPLES.len())].json).expect("a sample parses");
        let text = format!("{before}{}{after}", PUNCTUATION[PUNCTUATION.len() - 1]);
        if field == "KEY" {
            value[text.as_str()] = serde_json::Value::from(1);
        } else {
            value[field] = serde_json::Value::String(text);
        }
        let mut input = noise.clone();
        input.push(b'\n');
        input.extend_from_slice(serde_json::to_string(&value).expect("serializes").as_bytes());
        input.push(b'\n');
        let results = check_bytes("p", &input, &options(false, false, with_payload));
        for (format, out) in render_all(&results) {
            for part in JWT_PARTS {
                prop_assert!(!out.contains(part), "{:?} shows {}:\n{}", format, part, out);
            }
        }
    }
}
