//! Deterministic corpus generator for `authhook` benchmarks and reliability tests.
//!
//! Writes a synthetic capture of Incode 1:1 Authentication webhook payloads to
//! stdout, mixed like real traffic: about 85% PASS, about 14% documented
//! failures (4004 customer-not-found, 4005 spoof, 4015 not-recognized, 4003
//! blacklisted, lenses, face-mask) and about 1% defective payloads that cycle
//! through a trailing comma (invalid JSON), `"overallStatus":"pass"` (wrong
//! case), `"overallScore":1.7` (out of range), `"faceMatch":"true"` (wrong
//! type) and a missing `customerId`. Every payload carries a unique
//! `transactionId`, except the retries requested with `--duplicates`, which
//! repeat an earlier payload byte for byte.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --size 100M --style ndjson --seed 1 > corpus.ndjson
//! ```
//!
//! Options:
//!
//! * `--size N` — target size in bytes, with an optional `K`, `M` or `G`
//!   suffix (powers of 1024). Generation stops at the first payload boundary
//!   at or after that size. Default `10M`.
//! * `--style ndjson|log|pretty|docker|printed` — default `ndjson`.
//!   * `ndjson`: one compact payload per line.
//!   * `log`: `<timestamp> INFO  POST /webhooks/auth 200 body=<payload>` lines,
//!     with about one line in five being noise that holds no payload.
//!   * `pretty`: a `<timestamp> DEBUG payload:` line followed by the payload
//!     pretty-printed with a 2-space indent (noise lines mixed in as in `log`).
//!   * `docker`: the `log` style wrapped in docker json-file records,
//!     `{"log":"...\n","stream":"stdout","time":"..."}`, one per line.
//!   * `printed`: the `log` style with each payload printed as a receiver's
//!     language prints the parsed body, in turn Python's dict repr
//!     (`{'k': 'v', 'b': True}`), Node's util.inspect on one line
//!     (`{ k: 'v', b: true }`) and Ruby's inspect (`{"k"=>"v", "b"=>true}`).
//!
//!   For one seed, `log`, `pretty` and `docker` carry the same sequence of
//!   lines and payloads (only the size limit cuts them at different points):
//!   `jq -j .log` on the docker output is a prefix of the `log` output.
//! * `--seed N` — PRNG seed, default `1`. The same seed and options always give
//!   byte-identical output.
//! * `--duplicates P` — percentage (0-100, fractional allowed) of payloads that
//!   are delivered again later as an identical retry. Default `0`.
//! * `--quiet` — do not print the summary line.
//!
//! When done, one line of JSON goes to stderr with the generator's own counts:
//! `{"bytes":..,"payloads":..,"pass":..,"fail":..,"defective":..,"duplicates":..,
//! "noise_lines":..,"by_kind":{..}}`. `payloads` counts every payload emitted,
//! retries included; `pass`, `fail`, `defective` and `by_kind` classify all of
//! them (a retry counts under its original's kind), so
//! `pass + fail + defective == payloads`, and `duplicates` says how many of
//! them were retries. Every payload has a `transactionId` (the missing-field
//! defects drop `customerId`), so `grep -c transactionId` on the `ndjson` or
//! `log` output equals `payloads`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufWriter, ErrorKind, Write};
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen_corpus [--size N[K|M|G]] [--style ndjson|log|pretty|docker|printed] [--seed N]
                  [--duplicates PERCENT] [--quiet]";

/// Payload kinds, in the order they are reported under `by_kind`.
const KIND_NAMES: [&str; 12] = [
    "pass",
    "customer-not-found",
    "spoof",
    "not-recognized",
    "blacklisted",
    "lenses",
    "face-mask",
    "trailing-comma",
    "bad-status",
    "out-of-range",
    "wrong-type",
    "missing-field",
];

const PASS: usize = 0;
const CUSTOMER_NOT_FOUND: usize = 1;
const SPOOF: usize = 2;
const NOT_RECOGNIZED: usize = 3;
const BLACKLISTED: usize = 4;
const LENSES: usize = 5;
const FACE_MASK: usize = 6;
const FIRST_DEFECTIVE: usize = 7;
const DEFECTIVE_KINDS: usize = 5;

/// Cumulative thresholds out of 10 000 for picking a payload kind:
/// 1% defective, 85% pass, and the failures sharing the remaining 14%.
const MIX: [(u64, usize); 7] = [
    (8_500, PASS),
    (8_900, NOT_RECOGNIZED),
    (9_200, CUSTOMER_NOT_FOUND),
    (9_450, SPOOF),
    (9_650, LENSES),
    (9_800, FACE_MASK),
    (9_900, BLACKLISTED),
];

/// First timestamp of the capture: 2026-09-14T08:02:15.003Z, in ms since the epoch.
const START_MS: u64 = days_from_civil(2026, 9, 14) * 86_400_000 + (8 * 3600 + 2 * 60 + 15) * 1000 + 3;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Ndjson,
    Log,
    Pretty,
    Docker,
    Printed,
}

struct Options {
    size: u64,
    style: Style,
    seed: u64,
    duplicates: f64,
    quiet: bool,
}

/// splitmix64: tiny, fast and good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (multiply-shift, negligible bias for small `n`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The splitmix64 finalizer; a bijection on `u64`.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(buf: &mut Vec<u8>, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        buf.push(HEX[((v >> (i * 4)) & 0xf) as usize]);
    }
}

/// Pushes `v` in decimal, zero-padded to at least `width` digits.
fn push_dec(buf: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    while v > 0 || tmp.len() - i < width.max(1) {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Pushes `n / 10^digits` (with `n < 10^digits`) as `0.xxx`, trailing zeros trimmed.
fn push_frac(buf: &mut Vec<u8>, n: u64, digits: usize) {
    if n == 0 {
        buf.push(b'0');
        return;
    }
    buf.extend_from_slice(b"0.");
    let start = buf.len();
    push_dec(buf, n, digits);
    while buf.last() == Some(&b'0') && buf.len() > start + 1 {
        buf.pop();
    }
}

/// Generates payloads and the lines around them.
struct Generator {
    rng: Rng,
    /// Separate stream for docker's sub-millisecond times, so that the docker
    /// style decodes to the same lines as the `log` style of the same seed.
    jitter: Rng,
    style: Style,
    /// Seed-derived keys for the transactionId counter mix.
    tx_key_hi: u64,
    tx_key: u64,
    tx_counter: u64,
    defect_cycle: usize,
    /// Which language prints the next payload of the `printed` style.
    printer_cycle: usize,
    now_ms: u64,
    cached_day: u64,
    date: [u8; 11],
}

impl Generator {
    fn new(seed: u64, style: Style) -> Self {
        let mut rng = Rng(mix64(seed ^ 0x6175_7468_686f_6f6b));
        let tx_key_hi = rng.next();
        let tx_key = rng.next();
        let jitter = Rng(rng.next());
        Generator {
            rng,
            jitter,
            style,
            tx_key_hi,
            tx_key,
            tx_counter: 0,
            defect_cycle: 0,
            printer_cycle: 0,
            now_ms: START_MS,
            cached_day: u64::MAX,
            date: *b"0000-00-00T",
        }
    }

    fn pick_kind(&mut self) -> usize {
        let roll = self.rng.below(10_000);
        for (limit, kind) in MIX {
            if roll < limit {
                return kind;
            }
        }
        let kind = FIRST_DEFECTIVE + self.defect_cycle;
        self.defect_cycle = (self.defect_cycle + 1) % DEFECTIVE_KINDS;
        kind
    }

    fn random_id(&mut self, buf: &mut Vec<u8>) {
        let a = self.rng.next();
        push_hex(buf, a, 16);
        push_hex(buf, self.rng.next(), 8);
    }

    /// Unique per payload: the low 64 bits are a bijective mix of a counter.
    fn transaction_id(&mut self, buf: &mut Vec<u8>) {
        push_hex(buf, mix64(self.tx_counter ^ self.tx_key_hi) >> 32, 8);
        push_hex(buf, mix64(self.tx_counter ^ self.tx_key), 16);
        self.tx_counter += 1;
    }

    fn spoof_confidence(&mut self, buf: &mut Vec<u8>) {
        // 0 .. 0.05 with ten decimals, like 0.0010233838.
        let n = self.rng.below(500_000_000);
        push_frac(buf, n.max(1), 10);
    }

    /// Appends one compact payload of the given kind to `buf`.
    fn payload(&mut self, kind: usize, buf: &mut Vec<u8>) {
        match kind {
            PASS => self.pass_like(buf, true, "true", None, "PASS", false),
            CUSTOMER_NOT_FOUND => {
                self.head(buf);
                buf.extend_from_slice(
                    b"\",\"faceMatch\":false,\"children\":[],\"recognitionConfidence\":{},\
                      \"overallScore\":0,\"overallStatus\":\"FAIL\",\"error\":\"Non existing customer\",\
                      \"errorCode\":4004,\"errorMessage\":\"Can't find customer by any criteria.\"}",
                );
            }
            SPOOF => {
                self.head(buf);
                buf.extend_from_slice(
                    b"\",\"faceMatch\":false,\"spoofAttempt\":true,\"children\":[],\"spoofConfidence\":1,\
                      \"recognitionConfidence\":{},\"overallScore\":0,\"overallStatus\":\"FAIL\",\
                      \"error\":\"Spoof attempt detected\",\"errorCode\":4005,\
                      \"errorMessage\":\"Spoof attempt detected. Spoof confidence 1.0\"}",
                );
            }
            NOT_RECOGNIZED => {
                self.head(buf);
                buf.extend_from_slice(
                    b"\",\"faceMatch\":false,\"spoofAttempt\":false,\"children\":[],\"spoofConfidence\":",
                );
                self.spoof_confidence(buf);
                buf.extend_from_slice(
                    b",\"recognitionConfidence\":{},\"overallScore\":0,\"overallStatus\":\"FAIL\",\
                      \"error\":\"User is not recognized\",\"errorCode\":4015}",
                );
            }
            BLACKLISTED => {
                self.head(buf);
                buf.extend_from_slice(
                    b"\",\"faceMatch\":false,\"children\":[],\"recognitionConfidence\":{},\
                      \"overallScore\":0,\"overallStatus\":\"FAIL\",\"error\":\"User blacklisted\",\
                      \"errorCode\":4003}",
                );
            }
            LENSES | FACE_MASK => {
                self.head(buf);
                buf.extend_from_slice(if kind == LENSES {
                    b"\",\"faceMatch\":false,\"spoofAttempt\":false,\"hasFaceMask\":false,\"hasLenses\":true"
                } else {
                    b"\",\"faceMatch\":false,\"spoofAttempt\":false,\"hasFaceMask\":true,\"hasLenses\":false"
                });
                buf.extend_from_slice(
                    b",\"recognitionConfidence\":{\"confidence\":0,\"candidates\":[]},\
                      \"overallScore\":0,\"overallStatus\":\"FAIL\"}",
                );
            }
            _ => match kind - FIRST_DEFECTIVE {
                0 => self.pass_like(buf, true, "true", None, "PASS", true),
                1 => self.pass_like(buf, true, "true", None, "pass", false),
                2 => self.pass_like(buf, true, "true", Some("1.7"), "PASS", false),
                3 => self.pass_like(buf, true, "\"true\"", None, "PASS", false),
                _ => self.pass_like(buf, false, "true", None, "PASS", false),
            },
        }
    }

    /// `{"customerId":"…","transactionId":"…` (closing quote left to the caller).
    fn head(&mut self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(b"{\"customerId\":\"");
        self.random_id(buf);
        buf.extend_from_slice(b"\",\"transactionId\":\"");
        self.transaction_id(buf);
    }

    /// The PASS shape, with the knobs the defective variants need.
    fn pass_like(
        &mut self,
        buf: &mut Vec<u8>,
        with_customer: bool,
        face_match: &str,
        score: Option<&str>,
        status: &str,
        trailing_comma: bool,
    ) {
        buf.push(b'{');
        if with_customer {
            buf.extend_from_slice(b"\"customerId\":\"");
            self.random_id(buf);
            buf.extend_from_slice(b"\",");
        }
        buf.extend_from_slice(b"\"token\":\"\",\"interviewId\":\"");
        self.random_id(buf);
        buf.extend_from_slice(b"\",\"interviewToken\":\"\",\"transactionId\":\"");
        self.transaction_id(buf);
        buf.extend_from_slice(b"\",\"faceMatch\":");
        buf.extend_from_slice(face_match.as_bytes());
        buf.extend_from_slice(
            b",\"spoofAttempt\":false,\"secondFactor\":false,\"children\":[],\
              \"hasFaceMask\":false,\"hasLenses\":false,\"spoofConfidence\":",
        );
        self.spoof_confidence(buf);
        // confidence == overallScore, uniform in 0.80 .. 0.99 with eight decimals.
        let confidence = 80_000_000 + self.rng.below(19_000_001);
        buf.extend_from_slice(b",\"recognitionConfidence\":{\"confidence\":");
        push_frac(buf, confidence, 8);
        buf.extend_from_slice(b",\"candidates\":[]},\"overallScore\":");
        match score {
            Some(s) => buf.extend_from_slice(s.as_bytes()),
            None => push_frac(buf, confidence, 8),
        }
        buf.extend_from_slice(b",\"overallStatus\":\"");
        buf.extend_from_slice(status.as_bytes());
        buf.extend_from_slice(if trailing_comma { b"\",}" } else { b"\"}" });
    }

    /// Advances the clock and appends `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    fn timestamp(&mut self, buf: &mut Vec<u8>) {
        self.now_ms += 1 + self.rng.below(40);
        let day = self.now_ms / 86_400_000;
        if day != self.cached_day {
            let (y, m, d) = civil_from_days(day);
            let mut tmp = Vec::with_capacity(11);
            push_dec(&mut tmp, y, 4);
            tmp.push(b'-');
            push_dec(&mut tmp, m, 2);
            tmp.push(b'-');
            push_dec(&mut tmp, d, 2);
            tmp.push(b'T');
            self.date.copy_from_slice(&tmp);
            self.cached_day = day;
        }
        let ms_of_day = self.now_ms % 86_400_000;
        buf.extend_from_slice(&self.date);
        push_dec(buf, ms_of_day / 3_600_000, 2);
        buf.push(b':');
        push_dec(buf, ms_of_day / 60_000 % 60, 2);
        buf.push(b':');
        push_dec(buf, ms_of_day / 1000 % 60, 2);
        buf.push(b'.');
        push_dec(buf, ms_of_day % 1000, 3);
        buf.push(b'Z');
    }

    /// A log line without any payload. Never contains `{` + spaces + `"`,
    /// nor `[` + spaces + `{` or `[`.
    fn noise_line(&mut self, buf: &mut Vec<u8>) {
        self.timestamp(buf);
        match self.rng.below(6) {
            0 | 1 => {
                buf.extend_from_slice(b" DEBUG heartbeat ok for {receiver} in ");
                push_dec(buf, 1 + self.rng.below(9), 1);
                buf.extend_from_slice(b"ms\n");
            }
            2 => {
                buf.extend_from_slice(b" INFO  GET /healthz 200 in ");
                push_dec(buf, self.rng.below(4), 1);
                buf.extend_from_slice(b"ms\n");
            }
            3 => {
                buf.extend_from_slice(b" DEBUG tls handshake complete peer=10.0.");
                push_dec(buf, self.rng.below(256), 1);
                buf.push(b'.');
                push_dec(buf, 1 + self.rng.below(254), 1);
                buf.push(b':');
                push_dec(buf, 32_768 + self.rng.below(28_000), 1);
                buf.extend_from_slice(b" cipher=TLS_AES_128_GCM_SHA256\n");
            }
            4 => {
                buf.extend_from_slice(b" WARN  slow downstream call to {kyc-api} took ");
                push_dec(buf, 500 + self.rng.below(2_500), 1);
                buf.extend_from_slice(b"ms\n");
            }
            _ => {
                buf.extend_from_slice(b" INFO  webhook queue depth=");
                push_dec(buf, self.rng.below(64), 1);
                buf.extend_from_slice(b" [workers=8 busy=");
                push_dec(buf, self.rng.below(9), 1);
                buf.extend_from_slice(b"]\n");
            }
        }
    }

    /// Appends one output record holding `payload` in the configured style.
    fn payload_record(&mut self, payload: &[u8], out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
        match self.style {
            Style::Ndjson => {
                out.extend_from_slice(payload);
                out.push(b'\n');
            }
            Style::Log => self.log_line(payload, out),
            Style::Pretty => {
                self.timestamp(out);
                out.extend_from_slice(b" DEBUG payload:\n");
                pretty(payload, out);
                out.push(b'\n');
            }
            Style::Docker => {
                scratch.clear();
                self.log_line(payload, scratch);
                self.docker_wrap(scratch, out);
            }
            Style::Printed => {
                scratch.clear();
                printed(payload, PRINTERS[self.printer_cycle % PRINTERS.len()], scratch);
                self.printer_cycle += 1;
                self.log_line(scratch, out);
            }
        }
    }

    fn log_line(&mut self, payload: &[u8], out: &mut Vec<u8>) {
        self.timestamp(out);
        out.extend_from_slice(b" INFO  POST /webhooks/auth 200 body=");
        out.extend_from_slice(payload);
        out.push(b'\n');
    }

    /// Appends a noise record in the configured style.
    fn noise_record(&mut self, out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
        if self.style == Style::Docker {
            scratch.clear();
            self.noise_line(scratch);
            self.docker_wrap(scratch, out);
        } else {
            self.noise_line(out);
        }
    }

    /// `{"log":"<line, escaped>","stream":"stdout","time":"<ts with ns>"}\n`.
    fn docker_wrap(&mut self, line: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"log\":\"");
        json_escape(line, out);
        out.extend_from_slice(b"\",\"stream\":\"stdout\",\"time\":\"");
        // Same instant as the line's own timestamp, plus sub-millisecond jitter.
        let ts_start = out.len();
        out.extend_from_slice(&line[..23]);
        debug_assert_eq!(out[ts_start + 19], b'.');
        push_dec(out, self.jitter.below(1_000_000), 6);
        out.extend_from_slice(b"Z\"}\n");
    }
}

fn json_escape(s: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&s[start..i]);
                out.extend_from_slice(b"\\u00");
                push_hex(out, u64::from(b), 2);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&s[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
}

/// Re-indents a compact payload with two spaces per level, `jq`-style
/// (`"key": value`, empty containers kept as `[]` / `{}`). A trailing comma is
/// preserved as `,` at the end of the last member's line.
fn pretty(compact: &[u8], out: &mut Vec<u8>) {
    fn newline(out: &mut Vec<u8>, depth: usize) {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < compact.len() {
        let b = compact[i];
        let next = compact.get(i + 1).copied();
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                if next == Some(close) {
                    out.push(b);
                    out.push(close);
                    i += 1;
                } else {
                    out.push(b);
                    depth += 1;
                    newline(out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                if !matches!(next, Some(b'}' | b']')) {
                    newline(out, depth);
                }
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
}

/// How a language prints a parsed JSON value.
#[derive(Clone, Copy)]
struct Printer {
    /// `true`, `false`, `null`.
    literals: [&'static [u8]; 3],
    /// Between a key and its value.
    colon: &'static [u8],
    /// Space inside non-empty braces and brackets (Node's `{ a: 1 }`).
    pad: bool,
    /// Keys that are identifiers are written bare (Node).
    bare_keys: bool,
    /// Strings in single quotes unless they hold one (Python, Node).
    single_quotes: bool,
}

const PRINTERS: [Printer; 3] = [
    Printer { literals: [b"True", b"False", b"None"], colon: b": ", pad: false, bare_keys: false, single_quotes: true },
    Printer { literals: [b"true", b"false", b"null"], colon: b": ", pad: true, bare_keys: true, single_quotes: true },
    Printer { literals: [b"true", b"false", b"nil"], colon: b"=>", pad: false, bare_keys: false, single_quotes: false },
];

/// Prints a compact payload as `printer`'s language does (the corpus's strings hold no escape
/// but `\"`, which a single-quoted string writes as `"`).
fn printed(compact: &[u8], printer: Printer, out: &mut Vec<u8>) {
    let mut i = 0;
    let mut key = true;
    while i < compact.len() {
        let b = compact[i];
        let next = compact.get(i + 1).copied();
        match b {
            b'"' => {
                let mut end = i + 1;
                while end < compact.len() && compact[end] != b'"' {
                    end += if compact[end] == b'\\' { 2 } else { 1 };
                }
                let body = &compact[i + 1..end.min(compact.len())];
                let bare = printer.bare_keys
                    && key
                    && next_is(compact, end + 1, b':')
                    && body.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
                if bare {
                    out.extend_from_slice(body);
                } else if printer.single_quotes && !body.contains(&b'\'') {
                    out.push(b'\'');
                    out.extend_from_slice(&body.iter().copied().filter(|c| *c != b'\\').collect::<Vec<u8>>());
                    out.push(b'\'');
                } else {
                    out.extend_from_slice(&compact[i..(end + 1).min(compact.len())]);
                }
                i = end + 1;
                continue;
            }
            b'{' | b'[' => {
                out.push(b);
                key = b == b'{';
                if printer.pad && !matches!(next, Some(b'}' | b']')) {
                    out.push(b' ');
                }
            }
            b'}' | b']' => {
                if printer.pad && !matches!(compact.get(i.wrapping_sub(1)), Some(b'{' | b'[')) {
                    out.push(b' ');
                }
                out.push(b);
            }
            b',' => {
                out.extend_from_slice(b", ");
                key = true;
            }
            b':' => {
                out.extend_from_slice(printer.colon);
                key = false;
            }
            b't' | b'f' | b'n' => {
                let (word, len) = match b {
                    b't' => (printer.literals[0], 4),
                    b'f' => (printer.literals[1], 5),
                    _ => (printer.literals[2], 4),
                };
                out.extend_from_slice(word);
                i += len;
                continue;
            }
            _ => out.push(b),
        }
        i += 1;
    }
}

fn next_is(text: &[u8], at: usize, byte: u8) -> bool {
    text.get(at) == Some(&byte)
}

fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let upper = s.to_ascii_uppercase();
    let trimmed = upper.strip_suffix("IB").or_else(|| upper.strip_suffix('B')).unwrap_or(&upper);
    let (num, mult) = match trimmed.as_bytes().last()? {
        b'K' => (&trimmed[..trimmed.len() - 1], 1u64 << 10),
        b'M' => (&trimmed[..trimmed.len() - 1], 1 << 20),
        b'G' => (&trimmed[..trimmed.len() - 1], 1 << 30),
        _ => (trimmed, 1),
    };
    if let Ok(n) = num.parse::<u64>() {
        return n.checked_mul(mult);
    }
    let f: f64 = num.parse().ok()?;
    (f.is_finite() && f >= 0.0).then_some((f * mult as f64) as u64)
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options { size: 10 << 20, style: Style::Ndjson, seed: 1, duplicates: 0.0, quiet: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{what} needs a value"))
        };
        match name.as_str() {
            "--size" => {
                let v = value("--size")?;
                opts.size = parse_size(&v).ok_or_else(|| format!("invalid --size {v:?}"))?;
            }
            "--style" => {
                let v = value("--style")?;
                opts.style = match v.as_str() {
                    "ndjson" => Style::Ndjson,
                    "log" => Style::Log,
                    "pretty" => Style::Pretty,
                    "docker" => Style::Docker,
                    "printed" => Style::Printed,
                    _ => return Err(format!("invalid --style {v:?}")),
                };
            }
            "--seed" => {
                let v = value("--seed")?;
                opts.seed = v.parse().map_err(|_| format!("invalid --seed {v:?}"))?;
            }
            "--duplicates" => {
                let v = value("--duplicates")?;
                opts.duplicates = v
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or_else(|| format!("invalid --duplicates {v:?} (expected 0-100)"))?;
            }
            "--quiet" | "-q" => opts.quiet = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    Ok(opts)
}

#[derive(Default)]
struct Counts {
    bytes: u64,
    payloads: u64,
    duplicates: u64,
    noise_lines: u64,
    by_kind: [u64; KIND_NAMES.len()],
}

impl Counts {
    fn summary(&self) -> String {
        let pass = self.by_kind[PASS];
        let fail: u64 = self.by_kind[PASS + 1..FIRST_DEFECTIVE].iter().sum();
        let defective: u64 = self.by_kind[FIRST_DEFECTIVE..].iter().sum();
        let by_kind: Vec<String> =
            KIND_NAMES.iter().zip(self.by_kind).map(|(name, n)| format!("\"{name}\":{n}")).collect();
        format!(
            "{{\"bytes\":{},\"payloads\":{},\"pass\":{pass},\"fail\":{fail},\"defective\":{defective},\
             \"duplicates\":{},\"noise_lines\":{},\"by_kind\":{{{}}}}}",
            self.bytes,
            self.payloads,
            self.duplicates,
            self.noise_lines,
            by_kind.join(",")
        )
    }
}

/// A delivery scheduled to be repeated once `due` payloads have been emitted.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Retry {
    due: u64,
    seq: u64,
    kind: usize,
    payload: Vec<u8>,
}

fn generate(opts: &Options, out: &mut impl Write) -> io::Result<Counts> {
    let mut generator = Generator::new(opts.seed, opts.style);
    let mut counts = Counts::default();
    let mut retries: BinaryHeap<Reverse<Retry>> = BinaryHeap::new();
    let dup_probability = opts.duplicates / 100.0;
    let noisy = opts.style != Style::Ndjson;

    let mut record = Vec::with_capacity(4096);
    let mut payload = Vec::with_capacity(1024);
    let mut scratch = Vec::with_capacity(1024);

    // Only a payload record may end the output, so noise never trails it.
    let mut done = opts.size == 0;
    while !done {
        record.clear();
        let is_noise = noisy && generator.rng.below(5) == 0;
        if is_noise {
            generator.noise_record(&mut record, &mut scratch);
            counts.noise_lines += 1;
        } else {
            let due = retries.peek().is_some_and(|Reverse(r)| r.due <= counts.payloads);
            let kind = if due {
                let Reverse(retry) = retries.pop().expect("peeked");
                generator.payload_record(&retry.payload, &mut record, &mut scratch);
                counts.duplicates += 1;
                retry.kind
            } else {
                payload.clear();
                let kind = generator.pick_kind();
                generator.payload(kind, &mut payload);
                generator.payload_record(&payload, &mut record, &mut scratch);
                if dup_probability > 0.0 && generator.rng.unit() < dup_probability {
                    retries.push(Reverse(Retry {
                        due: counts.payloads + 1 + generator.rng.below(256),
                        seq: counts.payloads,
                        kind,
                        payload: payload.clone(),
                    }));
                }
                kind
            };
            counts.payloads += 1;
            counts.by_kind[kind] += 1;
        }
        out.write_all(&record)?;
        counts.bytes += record.len() as u64;
        done = !is_noise && counts.bytes >= opts.size;
    }
    out.flush()?;
    Ok(counts)
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(opts) => opts,
        Err(msg) => {
            eprintln!("gen_corpus: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    match generate(&opts, &mut out) {
        Ok(counts) => {
            if !opts.quiet {
                eprintln!("{}", counts.summary());
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {
            // The reader went away (e.g. `| head`): nothing left to do.
            std::mem::forget(out);
            ExitCode::SUCCESS
        }
        Err(e) => {
            std::mem::forget(out);
            eprintln!("gen_corpus: write error: {e}");
            ExitCode::from(1)
        }
    }
}
