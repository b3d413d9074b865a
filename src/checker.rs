//! The library's entry point for one request body: a receiver hands it the bytes it was sent
//! and gets the results back, checked by the same scanner and rules as the command line, on the
//! calling thread and without any of the stream machinery.

use std::sync::Arc;

use serde_json_path::JsonPath;

use crate::assess::deliveries::Deliveries;
use crate::assess::policy::Level;
use crate::assess::{AssessOptions, Assessor, CheckResult, Source};
use crate::contract::{ReasonCode, Rule, Status};
use crate::input::unsupported_encoding;
use crate::json::KnownText;
use crate::limits::{self, MAX_PAYLOAD_BYTES};
use crate::rules::{Details, Finding};
use crate::scan::position::{Locator, Position};
use crate::scan::{Region, Scanner};

/// The byte-order mark some writers put before UTF-8 text.
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Why a body could not be checked at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is empty, or white space only.
    #[error("the body is empty")]
    Empty,
    /// The body is in an encoding that is not UTF-8, such as UTF-16.
    #[error("the body is {encoding}; payloads are UTF-8")]
    Encoding {
        /// The encoding recognised from the body's first bytes.
        encoding: &'static str,
    },
}

/// An option of a [`Checker`] that cannot be set as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// The JSONPath given to [`Checker::select`] does not parse.
    #[error("the JSONPath {path:?} is not valid: {message}")]
    Select {
        /// The JSONPath as given.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The size given to [`Checker::max_payload_bytes`] is outside what authhook accepts.
    #[error("{0}")]
    OutOfRange(String),
}

/// Checks request bodies against the webhook's contract.
///
/// A checker is built once, with the options of `authhook check`, and used for every body; it
/// is cheap to clone and can be shared between threads.
///
/// ```
/// use authhook::Checker;
/// use authhook::contract::{ReasonCode, Status};
///
/// let body = br#"{"overallStatus":"FAIL","faceMatch":false,"spoofAttempt":true,
///   "errorCode":4005,"error":"Spoof attempt detected",
///   "errorMessage":"Spoof attempt detected. Spoof confidence 1.0",
///   "customerId":"67460a9995516d9a553aa95b","transactionId":"67460a9995516d9a553aa95c",
///   "recognitionConfidence":{"confidence":0.1},"overallScore":0.1,"spoofConfidence":1.0,
///   "hasLenses":false,"hasFaceMask":false,"token":"","interviewToken":"","additionalInfo":{}}"#;
/// let results = Checker::new().check_body(body)?;
/// let result = &results[0];
/// assert_eq!(result.status, Some(Status::Fail));
/// assert_eq!(result.decisive_reason(), Some(ReasonCode::SpoofDetected));
/// for reason in &result.reasons {
///     println!("{}: {}", reason.code.id(), reason.message);
/// }
/// # Ok::<(), authhook::BodyError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Checker {
    options: AssessOptions,
}

impl Checker {
    /// A checker with the defaults of `authhook check`: strict JSON, payloads up to
    /// [`limits::DEFAULT_MAX_PAYLOAD_BYTES`], credentials redacted, each rule at its documented
    /// severity, no expectations.
    pub fn new() -> Self {
        Checker::default()
    }

    /// Accepts `//` and `/* */` comments and trailing commas, each reported as a
    /// `lenient-syntax` warning (`--lenient`).
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.options.scan.lenient = lenient;
        self
    }

    /// Reports an object larger than `bytes` as `too-large` instead of checking it, and searches
    /// a larger array item by item (`--max-payload-bytes`); `bytes` must be within
    /// [`limits::MAX_PAYLOAD_BYTES`].
    pub fn max_payload_bytes(mut self, bytes: u64) -> Result<Self, OptionError> {
        let bytes = limits::check("max_payload_bytes", bytes, &MAX_PAYLOAD_BYTES).map_err(OptionError::OutOfRange)?;
        self.options.scan.max_payload_bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        Ok(self)
    }

    /// Keeps credentials (`token`, `interviewToken`, anything shaped like a JWT) in results
    /// (`--show-secrets`).
    pub fn show_secrets(mut self, show: bool) -> Self {
        self.options.finishing.show_secrets = show;
        self
    }

    /// Attaches each payload, as compact JSON with credentials redacted, to its result's
    /// [`CheckResult::payload`].
    pub fn with_payload(mut self, with_payload: bool) -> Self {
        self.options.with_payload = with_payload;
        self
    }

    /// Looks for payloads only where the JSONPath `path` selects inside each JSON value
    /// (`--select`).
    pub fn select(mut self, path: &str) -> Result<Self, OptionError> {
        let parsed = JsonPath::parse(path)
            .map_err(|error| OptionError::Select { path: path.to_owned(), message: error.to_string() })?;
        self.options.select = Some(Arc::new(parsed));
        Ok(self)
    }

    /// Sets the level of `rule` (`--allow`, `--warn`, `--deny`).
    pub fn rule_level(mut self, rule: Rule, level: Level) -> Self {
        self.options.finishing.policy.levels.insert(rule, level);
        self
    }

    /// Makes every warning an error (`--strict`).
    pub fn strict(mut self, strict: bool) -> Self {
        self.options.finishing.policy.strict = strict;
        self
    }

    /// Expects every authentication to have this overallStatus (`--expect`).
    pub fn expect_status(mut self, status: Status) -> Self {
        self.options.finishing.policy.expectations.status = Some(status);
        self
    }

    /// Expects every authentication to give `reason`, decisive or not (`--expect-reason`).
    pub fn expect_reason(mut self, reason: ReasonCode) -> Self {
        self.options.finishing.policy.expectations.reason = Some(reason);
        self
    }

    /// Expects every authentication to carry this errorCode (`--expect-code`).
    pub fn expect_code(mut self, code: i64) -> Self {
        self.options.finishing.policy.expectations.error_code = Some(code);
        self
    }

    /// Checks one request body: every payload found in it, in order, with its verdict, reasons
    /// and findings. A body that holds JSON but no payload gives results that say so (a
    /// `not-a-payload` warning, a `syntax` error); a body that cannot be read as text at all is
    /// an error.
    pub fn check_body(&self, body: &[u8]) -> Result<Vec<CheckResult>, BodyError> {
        self.check_body_from("body", body)
    }

    /// [`Checker::check_body`], with `source` as each result's [`Source::path`]: what names the
    /// body, such as the request it came with.
    pub fn check_body_from(&self, source: &str, body: &[u8]) -> Result<Vec<CheckResult>, BodyError> {
        self.check_text(source, None, body)
    }

    fn check_text(&self, source: &str, received_at: Option<&str>, body: &[u8]) -> Result<Vec<CheckResult>, BodyError> {
        if let Some((encoding, _)) = unsupported_encoding(body) {
            return Err(BodyError::Encoding { encoding });
        }
        let (text, start) = match body.strip_prefix(UTF8_BOM) {
            Some(rest) => (rest, Position { offset: UTF8_BOM.len() as u64, ..Position::START }),
            None => (body, Position::START),
        };
        if text.iter().all(u8::is_ascii_whitespace) {
            return Err(BodyError::Empty);
        }
        let assessor = Assessor::new(&self.options, Arc::from(source)).received_at(received_at);
        let mut scanner = Scanner::new(self.options.scan);
        let mut known = KnownText::default();
        let scanned = scanner.scan_region_known(text, Region::whole(true), &mut known);
        let mut locator = Locator::new(text, 0, start);
        let mut results = Vec::with_capacity(scanned.found.len());
        for found in &scanned.found {
            locator = locator.rebased(found.start());
            assessor.assess(found, &locator, &mut results);
        }
        Ok(results)
    }

    /// Checks the body of a webhook request, as a receiver does: [`Checker::check_body_from`],
    /// except that a body with nothing to check (empty, not UTF-8, no JSON value in it) gives
    /// one result too, with a `syntax` error that says so. Never empty.
    ///
    /// `received_at`, the time the request arrived, is each result's
    /// [`captured_at`](CheckResult::captured_at) unless the body itself says when it was captured.
    ///
    /// A receiver that keeps one [`Deliveries`] marks retries across its requests:
    ///
    /// ```
    /// use authhook::Checker;
    /// use authhook::assess::deliveries::Deliveries;
    /// use authhook::contract::{Rule, samples, utc_now};
    ///
    /// let checker = Checker::new();
    /// let mut deliveries = Deliveries::default();
    /// let spoof = samples::find("spoof").map(|sample| sample.json).unwrap_or_default();
    /// let mut rules = Vec::new();
    /// for request in ["POST /webhook #1", "POST /webhook #2"] {
    ///     for mut result in checker.check_request(request, &utc_now(), spoof.as_bytes()) {
    ///         checker.track(&mut deliveries, &mut result);
    ///         rules.push(result.findings.iter().map(|f| f.rule).collect::<Vec<_>>());
    ///     }
    /// }
    /// assert_eq!(rules, [vec![], vec![Rule::DuplicateDelivery]]);
    ///
    /// let nothing = checker.check_request("POST /webhook #3", &utc_now(), b"");
    /// assert_eq!(nothing[0].findings[0].rule, Rule::Syntax);
    /// ```
    pub fn check_request(&self, source: &str, received_at: &str, body: &[u8]) -> Vec<CheckResult> {
        let problem = match self.check_text(source, Some(received_at), body) {
            Ok(results) if !results.is_empty() => return results,
            Ok(_) => "the body holds no JSON value".to_owned(),
            Err(error) => error.to_string(),
        };
        let details = Details::new().with("error", "no-json");
        self.whole_body_result(source, received_at, Rule::Syntax, problem, details)
    }

    /// The result for a body over the payload limit, which a receiver refuses without reading
    /// it whole: a `too-large` error.
    pub fn too_large_body(&self, source: &str, received_at: &str, declared_bytes: Option<u64>) -> Vec<CheckResult> {
        let limit = self.options.scan.max_payload_bytes;
        let size = declared_bytes.map_or_else(|| "more than that".to_owned(), |bytes| format!("{bytes} bytes"));
        let message =
            format!("the body is larger than {limit} bytes (--max-payload-bytes): {size}; it was not checked");
        let details = Details::new().with("limit", limit).with("declared", declared_bytes);
        self.whole_body_result(source, received_at, Rule::TooLarge, message, details)
    }

    fn whole_body_result(
        &self,
        source: &str,
        received_at: &str,
        rule: Rule,
        message: String,
        details: Details,
    ) -> Vec<CheckResult> {
        let finding = Finding::new(rule, String::new(), (1, 1), message, details);
        let mut result = CheckResult::unreadable(Source::new(Arc::from(source), Position::START), vec![finding]);
        result.captured_at = Some(received_at.into());
        self.options.finishing.finish(&mut result);
        vec![result]
    }

    /// Adds a finding about the whole of `result` (about the request it came with, say), at the
    /// result's own line and column, and applies the checker's rule levels to it.
    pub fn add_finding(&self, result: &mut CheckResult, rule: Rule, message: String, details: Details) {
        let at = (result.source.line, result.source.column);
        result.findings.push(Finding::new(rule, String::new(), at, message, details));
        self.options.finishing.refinish(result);
    }

    /// Records `result` among the deliveries seen so far, and marks it when it repeats an earlier
    /// one (`duplicate-delivery`) or contradicts it (`conflicting-delivery`), as `check` does
    /// across its inputs.
    pub fn track(&self, deliveries: &mut Deliveries, result: &mut CheckResult) {
        if deliveries.observe(result) {
            self.options.finishing.refinish(result);
        }
    }
}

impl From<AssessOptions> for Checker {
    /// A checker with the options a command line resolved.
    fn from(options: AssessOptions) -> Self {
        Checker { options }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::samples::SAMPLES;
    use crate::stream::check_bytes;

    #[test]
    fn a_body_gives_what_the_stream_gives() {
        let checker = Checker::new();
        for sample in SAMPLES {
            let body = format!("\u{feff}log line {}\n", sample.compact());
            let direct = checker.check_body(body.as_bytes()).unwrap_or_default();
            let streamed = check_bytes("body", body.as_bytes(), &AssessOptions::default());
            let json = |results: &[CheckResult]| serde_json::to_string(results).unwrap_or_default();
            assert_eq!(json(&direct), json(&streamed), "{}", sample.name);
            assert_eq!(direct.len(), 1);
        }
    }

    #[test]
    fn an_unreadable_body_is_an_error_not_an_empty_list() {
        let checker = Checker::new();
        assert_eq!(checker.check_body(b"").unwrap_err(), BodyError::Empty);
        assert_eq!(checker.check_body(b" \r\n\t").unwrap_err(), BodyError::Empty);
        let utf16: Vec<u8> = "{\"a\":1}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(matches!(checker.check_body(&utf16), Err(BodyError::Encoding { .. })));
    }

    #[test]
    fn options_reach_the_results() {
        let pass = SAMPLES.first().map(|s| s.json).unwrap_or_default();
        let results = Checker::new().expect_status(Status::Fail).check_body(pass.as_bytes()).unwrap_or_default();
        assert!(results.iter().all(|r| !r.valid && r.findings.iter().any(|f| f.rule == Rule::Expectation)));
        assert!(Checker::new().select("$[").is_err());
        assert!(Checker::new().max_payload_bytes(1).is_err());
    }
}
