//! Reference "parse ceiling" for `benches/compare.sh`: how fast one thread can merely parse the
//! payloads of a capture into a typed struct, with a fast JSON parser (sonic-rs) and nothing else
//! (no contract checks, no findings, no output per payload).
//!
//! ```text
//! cargo run --release --example parse_ceiling -- corpus.ndjson
//! ```
//!
//! The file is read into memory first (not timed). Then, on one thread, every line is taken from
//! its first `{` to its end (a line without `{` is skipped) and deserialized into [`Payload`], a
//! struct of the authentication payload's documented fields (`src/contract/fields.rs`) whose
//! strings borrow from the input where they hold no escape. Unknown fields are ignored; a
//! required field that is missing or a value of the wrong type fails the line, as does invalid
//! JSON or UTF-8 or anything after the value; a failed line is counted, not fatal. Only that loop
//! (line splitting included) is timed, with `std::time::Instant`.
//!
//! One line goes to stdout:
//!
//! ```text
//! bytes=N seconds=S parsed=P failed=F skipped=K checksum=C
//! ```
//!
//! `bytes` is the file's size, `seconds` the parse loop's wall time, `parsed` the lines that
//! deserialized, `failed` those from a `{` that did not (in the `log` style this includes noise
//! lines such as `heartbeat ok for {receiver}`), `skipped` the lines without `{`, and `checksum`
//! a sum over the parsed values (string lengths, PASS count), printed so that the parse cannot
//! be optimized away.
//!
//! Only meaningful for captures with one payload per line (the `ndjson` and `log` styles of
//! `gen_corpus`): a pretty-printed payload spans lines, and a docker record holds its payload
//! inside a JSON string.

use std::borrow::Cow;
use std::process::ExitCode;
use std::time::Instant;

use serde::Deserialize;
use serde::de::IgnoredAny;

/// A member of `recognitionConfidence.candidates` (1:N authentication).
#[derive(Deserialize)]
struct Candidate<'a> {
    #[serde(rename = "identityId", borrow)]
    identity_id: Cow<'a, str>,
    confidence: f64,
}

/// `recognitionConfidence`: `{confidence, candidates}`, or `{}` when no recognition ran.
#[derive(Deserialize)]
struct RecognitionConfidence<'a> {
    confidence: Option<f64>,
    #[serde(borrow)]
    candidates: Option<Vec<Candidate<'a>>>,
}

/// The 1:1 Authentication payload's documented fields; required ones are not `Option`.
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(rename = "customerId", borrow)]
    customer_id: Cow<'a, str>,
    #[serde(borrow)]
    token: Option<Cow<'a, str>>,
    #[serde(rename = "interviewId", borrow)]
    interview_id: Option<Cow<'a, str>>,
    #[serde(rename = "interviewToken", borrow)]
    interview_token: Option<Cow<'a, str>>,
    #[serde(rename = "transactionId", borrow)]
    transaction_id: Option<Cow<'a, str>>,
    #[serde(rename = "faceMatch")]
    face_match: bool,
    #[serde(rename = "spoofAttempt")]
    spoof_attempt: Option<bool>,
    #[serde(rename = "secondFactor")]
    second_factor: Option<bool>,
    children: Option<Vec<IgnoredAny>>,
    #[serde(rename = "hasFaceMask")]
    has_face_mask: Option<bool>,
    #[serde(rename = "hasLenses")]
    has_lenses: Option<bool>,
    #[serde(rename = "spoofConfidence")]
    spoof_confidence: Option<f64>,
    #[serde(rename = "recognitionConfidence", borrow)]
    recognition_confidence: RecognitionConfidence<'a>,
    #[serde(rename = "overallScore")]
    overall_score: f64,
    #[serde(rename = "overallStatus", borrow)]
    overall_status: Cow<'a, str>,
    #[serde(borrow)]
    error: Option<Cow<'a, str>>,
    #[serde(rename = "errorCode")]
    error_code: Option<i64>,
    #[serde(rename = "errorMessage", borrow)]
    error_message: Option<Cow<'a, str>>,
}

fn str_len(s: &Option<Cow<'_, str>>) -> u64 {
    s.as_deref().map_or(0, |s| s.len() as u64)
}

impl Payload<'_> {
    /// A number that depends on every field, so that none of them can be skipped.
    fn checksum(&self) -> u64 {
        let strings = self.customer_id.len() as u64
            + self.overall_status.len() as u64
            + str_len(&self.token)
            + str_len(&self.interview_id)
            + str_len(&self.interview_token)
            + str_len(&self.transaction_id)
            + str_len(&self.error)
            + str_len(&self.error_message);
        let flags = u64::from(self.face_match)
            + u64::from(self.spoof_attempt.unwrap_or(false))
            + u64::from(self.second_factor.unwrap_or(false))
            + u64::from(self.has_face_mask.unwrap_or(false))
            + u64::from(self.has_lenses.unwrap_or(false));
        let recognition = &self.recognition_confidence;
        let candidates = recognition.candidates.as_deref().unwrap_or_default();
        let candidate_sum: u64 =
            candidates.iter().map(|c| c.identity_id.len() as u64 + u64::from(c.confidence > 0.5)).sum();
        let numbers = u64::from(self.overall_score > 0.5)
            + u64::from(self.spoof_confidence.is_some_and(|c| c > 0.5))
            + u64::from(recognition.confidence.is_some_and(|c| c > 0.5))
            + self.error_code.map_or(0, |c| c.unsigned_abs());
        let children = self.children.as_ref().map_or(0, |c| c.len() as u64);
        strings + flags + candidate_sum + numbers + children + u64::from(self.overall_status == "PASS")
    }
}

#[derive(Default)]
struct Counts {
    parsed: u64,
    failed: u64,
    skipped: u64,
    checksum: u64,
}

/// The timed loop: every line from its first `{`, deserialized into [`Payload`].
fn parse_lines(data: &[u8]) -> Counts {
    let mut counts = Counts::default();
    let mut start = 0;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
        let line = &data[start..end];
        start = end + 1;
        let Some(brace) = memchr::memchr(b'{', line) else {
            counts.skipped += 1;
            continue;
        };
        match sonic_rs::from_slice::<Payload<'_>>(&line[brace..]) {
            Ok(payload) => {
                counts.parsed += 1;
                counts.checksum = counts.checksum.wrapping_add(payload.checksum());
            }
            Err(_) => counts.failed += 1,
        }
    }
    counts
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: parse_ceiling FILE");
        return ExitCode::from(2);
    };
    let data = match std::fs::read(&path) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("parse_ceiling: cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let counts = parse_lines(&data);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "bytes={} seconds={seconds:.6} parsed={} failed={} skipped={} checksum={}",
        data.len(),
        counts.parsed,
        counts.failed,
        counts.skipped,
        counts.checksum
    );
    ExitCode::SUCCESS
}
