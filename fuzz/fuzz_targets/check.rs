//! Fuzzes the whole checking pipeline: `check_bytes_with` over a chunk size and thread count
//! taken from the first bytes, results compared with the one-chunk `check_bytes`, then every
//! result rendered through every output format and serialized with serde_json.

#![no_main]

use authhook::assess::AssessOptions;
use authhook::stream::{Parallelism, check_bytes, check_bytes_with};
use authhook::report::{Format, Style};
use authhook::assess::{CheckResult, Summary};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 7] =
    [Format::Human, Format::Json, Format::Ndjson, Format::Table, Format::Github, Format::Sarif, Format::Junit];

fn signature(results: &[CheckResult]) -> Vec<String> {
    results.iter().map(|r| format!("{:?} {:?} {:?} {:?}", r.source, r.status, r.reasons, r.findings)).collect()
}

/// A payload with a transactionId no fuzz input is likely to hold.
const MARKER: &str = "fa22fa22fa22fa22fa22fa22";

/// Nothing is lost: a payload on a line of its own after any input is found, once, at its line.
fn a_payload_after_the_input_is_found(input: &[u8], options: &AssessOptions) {
    let payload = authhook::contract::samples::find("spoof").map(|s| s.compact()).unwrap_or_default();
    let payload = payload.replace("e59ee5a064e24d129d1beed9", MARKER);
    let mut text = input.to_vec();
    text.push(b'\n');
    let line = authhook::scan::position::Position::START.advanced_over(&text).line;
    text.extend_from_slice(payload.as_bytes());
    text.push(b'\n');
    if authhook::input::unsupported_encoding(&text).is_some() {
        return;
    }
    let found = check_bytes("fuzz", &text, options)
        .iter()
        .filter(|r| r.kind.is_authentication() && r.transaction_id.as_deref() == Some(MARKER) && r.source.line == line)
        .count();
    assert_eq!(found, 1, "the payload after the input, at line {line}");
}

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let parallelism = Parallelism { threads: 1 + usize::from(a & 3), chunk_bytes: 1 + usize::from(*b) };
    let mut options = AssessOptions { with_payload: a & 4 == 4, ..AssessOptions::default() };
    options.finishing.show_secrets = a & 8 == 8;
    options.scan.lenient = a & 16 == 16;

    a_payload_after_the_input_is_found(input, &options);
    let whole = check_bytes("fuzz", input, &options);
    let split = check_bytes_with("fuzz", input, &options, parallelism);
    assert_eq!(signature(&split), signature(&whole), "results depend on {parallelism:?}");

    let mut summary = Summary::default();
    for result in &whole {
        summary.add(result);
        let _ = serde_json::to_string(result).expect("a result serializes");
    }
    for format in FORMATS {
        let mut out = Vec::new();
        let mut renderer = format.renderer(Style { color: a & 32 == 32, ..Style::default() });
        for result in &whole {
            renderer.result(&mut out, result).expect("rendering into memory does not fail");
        }
        renderer.finish(&mut out, &summary, &[]).expect("rendering into memory does not fail");
        if matches!(format, Format::Json | Format::Sarif) {
            let _: serde_json::Value = serde_json::from_slice(&out).expect("the JSON formats render valid JSON");
        }
        if matches!(format, Format::Ndjson) {
            for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                let _: serde_json::Value = serde_json::from_slice(line).expect("every NDJSON line is JSON");
            }
        }
    }
});
