//! Fuzzes the whole checking pipeline: `check_bytes_with` over a chunk size and thread count
//! taken from the first bytes, results compared with the one-chunk `check_bytes`, then every
//! result rendered through every output format and serialized with serde_json.

#![no_main]

use authhook::assess::AssessOptions;
use authhook::check::{Parallelism, check_bytes, check_bytes_with};
use authhook::report::{Format, Style};
use authhook::verdict::{CheckResult, Summary};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 7] =
    [Format::Human, Format::Json, Format::Ndjson, Format::Table, Format::Github, Format::Sarif, Format::Junit];

fn signature(results: &[CheckResult]) -> Vec<String> {
    results.iter().map(|r| format!("{:?} {:?} {:?} {:?}", r.source, r.status, r.reasons, r.findings)).collect()
}

fuzz_target!(|data: &[u8]| {
    let [a, b, input @ ..] = data else { return };
    let parallelism = Parallelism { threads: 1 + usize::from(a & 3), chunk_bytes: 1 + usize::from(*b) };
    let mut options = AssessOptions { with_payload: a & 4 == 4, show_secrets: a & 8 == 8, ..AssessOptions::default() };
    options.scan.lenient = a & 16 == 16;

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
        let mut renderer = format.renderer(Style { color: a & 32 == 32, quiet: false });
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
