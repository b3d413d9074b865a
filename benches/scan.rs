//! Micro-benchmarks of the pipeline's stages on inputs built in memory from `samples/`:
//!
//! * `scan`: the scanner alone over NDJSON, log lines and pretty-printed payloads (bytes/s);
//! * `check`: scanning, validation and explanation of one valid and one invalid payload
//!   (payloads/s), and of an 8 MiB NDJSON input on one thread and on four (bytes/s);
//! * `render`: the NDJSON and human renderers over a batch of results (results/s).
//!
//! Each benchmark is kept short (10 samples, 3 s) so `cargo bench --bench scan` ends in about a
//! minute; `cargo bench --bench scan -- --quick` is quicker still.

use std::hint::black_box;
use std::time::Duration;

use authhook::assess::AssessOptions;
use authhook::assess::{CheckResult, Summary};
use authhook::report::{Format, Style};
use authhook::scan::{ScanOptions, Scanner};
use authhook::stream::{Parallelism, check_bytes, check_bytes_with};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use serde_json::Value;

/// Size each repeated input grows to.
const INPUT_BYTES: usize = 1 << 20;

/// Size of the input checked whole: several read chunks, so that worker threads have work.
const BULK_BYTES: usize = 8 << 20;

/// The vendor's samples as published, pretty-printed.
const SAMPLES: [&str; 7] = [
    include_str!("../samples/pass.json"),
    include_str!("../samples/customer-not-found.json"),
    include_str!("../samples/spoof.json"),
    include_str!("../samples/not-recognized.json"),
    include_str!("../samples/blacklisted.json"),
    include_str!("../samples/lenses.json"),
    include_str!("../samples/face-mask.json"),
];

/// A capture of log lines with compact and pretty-printed payloads, noise and defects.
const CAPTURED_LOG: &str = include_str!("../samples/captured.log");

/// `unit` repeated until the text is at least `bytes` long.
fn repeated(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()))
}

fn compact(sample: &str) -> String {
    let value: Value = serde_json::from_str(sample).expect("a sample is valid JSON");
    value.to_string()
}

/// One compact payload per line, the samples in turn, at least `bytes` long.
fn ndjson(bytes: usize) -> String {
    repeated(&SAMPLES.iter().map(|s| compact(s) + "\n").collect::<String>(), bytes)
}

/// The pass sample with three contract violations: status case, score range, faceMatch type.
fn invalid_payload() -> String {
    let mut value: Value = serde_json::from_str(SAMPLES[0]).expect("a sample is valid JSON");
    value["overallStatus"] = Value::from("pass");
    value["overallScore"] = Value::from(1.7);
    value["faceMatch"] = Value::from("true");
    value.to_string()
}

fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
}

fn scan(c: &mut Criterion) {
    let inputs = [
        ("ndjson", ndjson(INPUT_BYTES)),
        ("log", repeated(CAPTURED_LOG, INPUT_BYTES)),
        ("pretty", repeated(&SAMPLES.concat(), INPUT_BYTES)),
    ];
    let mut group = c.benchmark_group("scan");
    configure(&mut group);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let mut scanner = Scanner::new(ScanOptions::default());
                scanner.scan(black_box(text.as_bytes()), true).found.len()
            });
        });
    }
    group.finish();
}

fn check(c: &mut Criterion) {
    let options = AssessOptions::default();
    let mut group = c.benchmark_group("check");
    configure(&mut group);

    group.throughput(Throughput::Elements(1));
    for (name, payload) in [("valid payload", compact(SAMPLES[0])), ("invalid payload", invalid_payload())] {
        let results = check_bytes("bench", payload.as_bytes(), &options);
        assert_eq!(results.len(), 1, "{name}");
        assert_eq!(results[0].valid, name == "valid payload", "{name}");
        group.bench_function(name, |b| b.iter(|| check_bytes("bench", black_box(payload.as_bytes()), &options)));
    }

    let text = ndjson(BULK_BYTES);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("ndjson, 1 thread", |b| b.iter(|| check_bytes("bench", black_box(text.as_bytes()), &options)));
    let four = Parallelism { threads: 4, ..Parallelism::default() };
    group.bench_function("ndjson, 4 threads", |b| {
        b.iter(|| check_bytes_with("bench", black_box(text.as_bytes()), &options, four));
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let options = AssessOptions { with_payload: true, ..AssessOptions::default() };
    let text = SAMPLES.iter().map(|s| compact(s) + "\n").collect::<String>().repeat(150);
    let results: Vec<CheckResult> = check_bytes("bench", text.as_bytes(), &options);
    let mut summary = Summary::default();
    results.iter().for_each(|r| summary.add(r));

    let mut group = c.benchmark_group("render");
    configure(&mut group);
    group.throughput(Throughput::Elements(results.len() as u64));
    for (name, format) in [("ndjson", Format::Ndjson), ("human", Format::Human)] {
        let mut out = Vec::with_capacity(4 << 20);
        group.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                let mut renderer = format.renderer(Style::default());
                for result in &results {
                    renderer.result(&mut out, result).expect("writing to memory");
                }
                renderer.finish(&mut out, &summary, &[]).expect("writing to memory");
                black_box(out.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, scan, check, render);
criterion_main!(benches);
