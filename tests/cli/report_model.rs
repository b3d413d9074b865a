//! A typed model of the JSON that programs read: the `authhook check --format json` document, a
//! line of `check --format ndjson`, and the `authhook stats --format json` document (README, "The
//! JSON shape", and the output itself); and tests that every such output of the binary fits it,
//! over the samples, the fixtures and inputs crafted to raise findings.
//!
//! The model is exact, so that a change to the wire format fails a test here:
//!
//! - every struct refuses a member it does not name (`deny_unknown_fields`);
//! - every member is required. A member written as `null` when it has no value is an `Option`
//!   read with [`nullable`]: serde fills an absent `Option` member with `None` unless the member
//!   has its own `deserialize_with`, so plain `Option` would also accept its absence;
//! - the closed sets the README documents are enums: kind, status, severity, rule, reason, and
//!   the notice's code; `schemaVersion` must be 1.
//!
//! The one exception is a finding's `details`, which findings are about to gain (see
//! [`Finding::details`]); and the stats document's `byFile`, present only with `--by file`
//! (never `null`), whose entries follow the same rules.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use crate::common::{authhook, crate_path};

// ---------------------------------------------------------------------------------------------
// The model. The tests check what a document is made of, not every value in it, so the members
// they never read are allowed to stay unread.

/// `authhook check --format json`: one document.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckDocument {
    pub schema_version: SchemaVersion,
    pub results: Vec<CheckResult>,
    pub summary: Summary,
    pub notices: Vec<Notice>,
}

/// One line of `authhook check --format ndjson`: a result, of the same shape as an element of
/// the JSON document's `results`. NDJSON holds nothing else: no summary, no notices.
pub type NdjsonLine = CheckResult;

/// What `check` concludes about one payload.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CheckResult {
    pub source: Source,
    /// The capture's own date-time for the payload, as written; `null` when it gives none.
    #[serde(deserialize_with = "nullable")]
    pub captured_at: Option<String>,
    pub kind: Kind,
    /// `null` when overallStatus is absent or unreadable.
    #[serde(deserialize_with = "nullable")]
    pub status: Option<Status>,
    pub valid: bool,
    pub reasons: Vec<Reason>,
    pub findings: Vec<Finding>,
    /// What a broken value reads as once mended; `null` when it parsed or no repair mends it.
    #[serde(deserialize_with = "nullable")]
    pub mended: Option<Mended>,
    #[serde(deserialize_with = "nullable")]
    pub customer_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub transaction_id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub error_code: Option<i64>,
    #[serde(deserialize_with = "nullable")]
    pub overall_score: Option<f64>,
    #[serde(deserialize_with = "nullable")]
    pub recognition_confidence: Option<f64>,
    #[serde(deserialize_with = "nullable")]
    pub spoof_confidence: Option<f64>,
    /// The payload as parsed (an object, with the payload's own members); `null` when it did not
    /// parse.
    #[serde(deserialize_with = "nullable")]
    pub payload: Option<Map<String, Value>>,
}

/// Where a payload was found.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The input's path as given, `-` for standard input.
    pub path: String,
    pub line: u64,
    pub column: u64,
    pub offset: u64,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
}

/// A broken value as mended: the repairs, and the mended payload's verdict.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mended {
    pub repairs: Vec<Repair>,
    pub kind: Kind,
    #[serde(deserialize_with = "nullable")]
    pub status: Option<Status>,
    pub reasons: Vec<Reason>,
    pub findings: Vec<Finding>,
}

/// One repair of a broken value.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repair {
    pub repair: RepairKind,
    pub line: u64,
    pub column: u64,
    pub action: String,
}

/// The repairs README names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepairKind {
    TrailingComma,
    Comment,
    Unclosed,
}

/// One way a payload departs from the contract.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// RFC 6901; `""` for the whole payload.
    pub pointer: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// What the rule measured (`expected`, `actual`, `limit`, `value`, `documented`, `found`,
    /// `closest`, ... depending on the rule); `{}` when nothing.
    pub details: Map<String, Value>,
}

/// `summary` of the JSON document: totals over every result.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub payloads: u64,
    pub valid: u64,
    pub invalid: u64,
    pub pass: u64,
    pub fail: u64,
    pub errors: u64,
    pub warnings: u64,
    pub notes: u64,
    /// Results per kind, for the kinds that occur.
    pub kinds: BTreeMap<Kind, u64>,
    /// Results per decisive reason, for the reasons that occur.
    pub reasons: BTreeMap<ReasonCode, u64>,
    /// Results per outcome, for the outcomes that occur: each result under exactly one.
    pub outcomes: BTreeMap<Outcome, Tally>,
}

/// What one result is, in a word.
#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    #[serde(rename = "PASS")]
    Pass,
    #[serde(rename = "FAIL")]
    Fail,
    #[serde(rename = "no-status")]
    NoStatus,
    #[serde(rename = "onboarding")]
    Onboarding,
    #[serde(rename = "unreadable")]
    Unreadable,
    #[serde(rename = "not-a-payload")]
    NotAPayload,
}

/// How many results an outcome has, and how many of them are invalid.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    pub results: u64,
    pub invalid: u64,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub code: NoticeCode,
    pub message: String,
}

/// `authhook stats --format json`: one document.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StatsDocument {
    pub schema_version: SchemaVersion,
    pub payloads: u64,
    pub valid: u64,
    pub invalid: u64,
    pub pass: u64,
    pub fail: u64,
    pub findings: SeverityCounts,
    pub kinds: KindCounts,
    /// Decisive reasons of every result, shares of `payloads`.
    pub reasons: BTreeMap<ReasonCode, Share>,
    /// The decisive reason of PASS results, shares of `pass`.
    pub pass_reasons: BTreeMap<ReasonCode, Share>,
    /// Decisive reasons of FAIL results, shares of `fail`.
    pub failure_reasons: BTreeMap<ReasonCode, Share>,
    /// Decisive reasons of results whose status is `null`: counts only.
    pub reasons_without_status: BTreeMap<ReasonCode, u64>,
    /// Results that carry an errorCode.
    pub with_error_code: u64,
    pub error_codes: BTreeMap<ErrorCodeKey, ErrorCodeShare>,
    pub rules: BTreeMap<Rule, RuleCount>,
    pub deliveries: Deliveries,
    pub mended: MendedCount,
    pub recognition_confidence: Distribution,
    pub spoof_confidence: Distribution,
    /// With `--by file` only: one entry per input, in input order.
    #[serde(default, deserialize_with = "present")]
    pub by_file: Option<Vec<InputStats>>,
}

/// One input of `byFile`.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InputStats {
    /// The input's path as given, `-` for standard input.
    pub path: String,
    pub payloads: u64,
    pub pass: u64,
    pub fail: u64,
    pub invalid: u64,
    /// Decisive reasons of the input's FAIL results, shares of its `fail`.
    pub failure_reasons: BTreeMap<ReasonCode, Share>,
}

/// An errorCode's count, its share of all payloads and its share of `withErrorCode`.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorCodeShare {
    pub count: u64,
    pub share: f64,
    pub share_with_error_code: f64,
}

/// Findings per severity.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityCounts {
    pub error: u64,
    pub warning: u64,
    pub note: u64,
}

/// Results per kind: every kind, those that do not occur with 0.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindCounts {
    #[serde(rename = "auth-1:1")]
    pub auth_1_to_1: u64,
    #[serde(rename = "auth-1:N")]
    pub auth_1_to_n: u64,
    #[serde(rename = "onboarding-status")]
    pub onboarding_status: u64,
    pub unknown: u64,
}

/// A count and its share (rounded to four decimals) of the whole its member names.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub count: u64,
    pub share: f64,
}

/// A key of `errorCodes`: an errorCode, or `other` for the codes past the 1,000 counted apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorCodeKey {
    Code(i64),
    Other,
}

impl<'de> Deserialize<'de> for ErrorCodeKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let key = String::deserialize(deserializer)?;
        match key.as_str() {
            "other" => Ok(ErrorCodeKey::Other),
            code => {
                code.parse().map(ErrorCodeKey::Code).map_err(|_| D::Error::custom(format!("errorCode key {key:?}")))
            }
        }
    }
}

/// How often a rule fired, at the most severe level its findings had.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCount {
    pub severity: Severity,
    pub count: u64,
}

#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deliveries {
    pub duplicate: u64,
    pub conflicting: u64,
}

/// Unreadable results that read as a payload once mended.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MendedCount {
    pub count: u64,
    pub pass: u64,
    pub fail: u64,
}

/// A distribution of confidences: `min`, `max` and `mean` are `null` when `count` is 0.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Distribution {
    pub count: u64,
    #[serde(deserialize_with = "nullable")]
    pub min: Option<f64>,
    #[serde(deserialize_with = "nullable")]
    pub max: Option<f64>,
    #[serde(deserialize_with = "nullable")]
    pub mean: Option<f64>,
    /// Ten bins over 0..1.
    pub bins: [u64; 10],
    pub out_of_range: u64,
}

/// `schemaVersion`: 1, the only version there is.
#[derive(Debug)]
pub struct SchemaVersion;

impl<'de> Deserialize<'de> for SchemaVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u64::deserialize(deserializer)? {
            1 => Ok(SchemaVersion),
            other => Err(D::Error::custom(format!("schemaVersion {other}; the model is of version 1"))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
pub enum Kind {
    #[serde(rename = "auth-1:1")]
    Auth1To1,
    #[serde(rename = "auth-1:N")]
    Auth1ToN,
    #[serde(rename = "onboarding-status")]
    OnboardingStatus,
    #[serde(rename = "unknown")]
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// The rule ids of README's "Rules".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    Syntax,
    TooLarge,
    MissingField,
    WrongType,
    OutOfRange,
    InvalidValue,
    DuplicateKey,
    Contradiction,
    ConflictingDelivery,
    Expectation,
    Credential,
    ContentType,
    WouldRetry,
    LenientSyntax,
    LoggedForm,
    ElidedValue,
    WrongWebhook,
    NotAPayload,
    UnwrapDepth,
    UnknownField,
    IdFormat,
    ErrorFieldsIncomplete,
    ErrorTextMismatch,
    SpoofInconsistent,
    ScoreInconsistent,
    TokenPresent,
    DuplicateDelivery,
    UndocumentedErrorCode,
}

/// The reason codes of README's "Reasons".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    FaceMatched,
    UserBlacklisted,
    CustomerNotFound,
    SpoofDetected,
    UserNotRecognized,
    ApiException,
    FaceMaskDetected,
    LensesDetected,
    NoFaceMatch,
    Unexplained,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeCode {
    Deprecation,
}

/// Reads a member that may be absent (with `#[serde(default)]`) but is never `null`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Reads a member that must be present and may be `null`.
fn nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

// ---------------------------------------------------------------------------------------------
// Running the binary and reading its output into the model.

/// `text` read as a `T`; panics saying where it departs from the model, with the line there.
fn fit<T: DeserializeOwned>(text: &str, what: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or_default();
        let shown: String = line.chars().take(2000).collect();
        panic!("{what} does not fit the model: {e}\n{shown}")
    })
}

/// The stdout of `authhook ARGS` with `stdin`, which must exit 0, 1 or 2 without a panic.
fn stdout_of(args: &[&str], stdin: &[u8]) -> String {
    let output = authhook().args(args).write_stdin(stdin).output().expect("authhook runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(matches!(output.status.code(), Some(0..=2)), "authhook {args:?}: {:?}\n{stderr}", output.status);
    assert!(!stderr.contains("panicked"), "authhook {args:?} panicked:\n{stderr}");
    String::from_utf8(output.stdout).expect("stdout is UTF-8")
}

/// What programs read about `inputs` (with `options` and `stdin`): `check --format json`, every
/// line of `check --format ndjson`, and `stats --format json`, each read into the model.
struct Reports {
    document: CheckDocument,
    lines: Vec<NdjsonLine>,
    stats: StatsDocument,
    /// `stats --format json --by file`.
    stats_by_file: StatsDocument,
}

/// `options` without those `stats` does not take (`--expect*` and their values, `--show-secrets`).
fn stats_options<'a>(options: &[&'a str]) -> Vec<&'a str> {
    let mut kept = Vec::new();
    let mut skip_value = false;
    for &option in options {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        match option {
            "--expect" | "--expect-reason" | "--expect-code" => skip_value = true,
            "--show-secrets" => {}
            _ => kept.push(option),
        }
    }
    kept
}

fn reports(options: &[&str], inputs: &[&str], stdin: &[u8]) -> Reports {
    let run = |command: &str, format: &str, extra: &[&str]| {
        let options = if command == "stats" { stats_options(options) } else { options.to_vec() };
        let mut args = vec![command, "--color", "never", "--format", format];
        args.extend(extra.iter().chain(&options).chain(inputs));
        stdout_of(&args, stdin)
    };
    let what = format!("{options:?} {inputs:?}");
    let document: CheckDocument = fit(&run("check", "json", &[]), &format!("check --format json {what}"));
    let ndjson = run("check", "ndjson", &[]);
    let lines: Vec<NdjsonLine> =
        ndjson.lines().map(|line| fit(line, &format!("a line of check --format ndjson {what}"))).collect();
    let stats: StatsDocument = fit(&run("stats", "json", &[]), &format!("stats --format json {what}"));
    let stats_by_file: StatsDocument =
        fit(&run("stats", "json", &["--by", "file"]), &format!("stats --format json --by file {what}"));
    assert_eq!(lines.len(), document.results.len(), "{what}: one NDJSON line per result of the document");
    assert_eq!(stats.payloads, document.results.len() as u64, "{what}: stats counts every result");
    assert_eq!(document.summary.payloads, document.results.len() as u64, "{what}: the summary counts every result");
    let outcomes: u64 = document.summary.outcomes.values().map(|tally| tally.results).sum();
    assert_eq!(outcomes, document.summary.payloads, "{what}: every result has exactly one outcome");
    let invalid: u64 = document.summary.outcomes.values().map(|tally| tally.invalid).sum();
    assert_eq!(invalid, document.summary.invalid, "{what}: the outcomes' invalid results add up");
    assert!(stats.by_file.is_none(), "{what}: byFile only with --by file");
    let inputs = stats_by_file.by_file.as_deref().unwrap_or_else(|| panic!("{what}: --by file gives byFile"));
    let mut paths: Vec<&str> = document.results.iter().map(|r| r.source.path.as_str()).collect();
    paths.dedup();
    let listed: Vec<&str> = inputs.iter().filter(|i| i.payloads > 0).map(|i| i.path.as_str()).collect();
    assert_eq!(listed, paths, "{what}: byFile lists the inputs that gave results, in order");
    let payloads: u64 = inputs.iter().map(|i| i.payloads).sum();
    assert_eq!(payloads, stats.payloads, "{what}: the inputs add up to every result");
    Reports { document, lines, stats, stats_by_file }
}

impl Reports {
    /// Every finding's rule, from the document and from the NDJSON lines (which must agree).
    fn rules(&self) -> Vec<Rule> {
        let rules = |results: &[CheckResult]| -> Vec<Rule> {
            results.iter().flat_map(|r| r.findings.iter().map(|f| f.rule)).collect()
        };
        let from_lines = rules(&self.lines);
        assert_eq!(rules(&self.document.results), from_lines);
        from_lines
    }
}

/// Every file of `dir`, sorted, relative to the crate root.
fn files_of(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(crate_path(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .map(|path| format!("{dir}/{}", path.file_name().expect("a name").to_string_lossy()))
        .collect();
    files.sort();
    files
}

/// A documented sample as one line of compact JSON.
fn sample(name: &str) -> String {
    authhook::contract::samples::find(name).expect("a documented sample").compact()
}

// ---------------------------------------------------------------------------------------------
// Every output fits.

#[test]
fn every_sample_fits_the_model() {
    let files = files_of("samples");
    assert!(files.len() >= 8, "the seven samples and the captured log: {files:?}");
    for file in &files {
        let reports = reports(&[], &[file], b"");
        assert!(!reports.document.results.is_empty(), "{file}");
    }
    let all = reports(&[], &["samples/"], b"");
    assert_eq!(all.document.results.len(), 12);
    let inputs = all.stats_by_file.by_file.as_deref().unwrap_or_default();
    assert_eq!(inputs.len(), files.len(), "one entry per sample file");
    for input in inputs {
        let failures: u64 = input.failure_reasons.values().map(|share| share.count).sum();
        assert_eq!(failures, input.fail, "{}: every FAIL has one failure reason", input.path);
    }
    let failures: u64 = all.stats.failure_reasons.values().map(|share| share.count).sum();
    assert_eq!(failures, all.stats.fail);
    assert!(!all.stats.failure_reasons.contains_key(&ReasonCode::FaceMatched));
    assert_eq!(all.document.notices.len(), 1);
    assert_eq!(all.document.notices[0].code, NoticeCode::Deprecation);
    assert!(all.rules().contains(&Rule::ConflictingDelivery) && all.rules().contains(&Rule::Syntax));
    // The captured log's one-line payloads stand on lines that start with a date-time.
    let times: Vec<&str> = all.document.results.iter().filter_map(|result| result.captured_at.as_deref()).collect();
    assert_eq!(times.len(), 4, "{times:?}");
}

#[test]
fn the_fixtures_fit_the_model() {
    for options in [&[][..], &["--lenient"], &["--show-secrets", "-j", "1", "--expect", "fail"]] {
        let reports = reports(options, &["tests/fixtures/"], b"");
        assert!(reports.document.results.len() >= 20, "{options:?}: {}", reports.document.results.len());
        assert!(reports.rules().contains(&Rule::DuplicateDelivery), "{options:?}");
    }
}

/// A payload wrapped `levels` times in the `log` string of a log record.
fn wrapped(levels: usize) -> String {
    let mut text = sample("spoof");
    for _ in 0..levels {
        text = json!({ "log": text }).to_string();
    }
    text
}

/// Inputs made to raise findings, each with the options it needs and a rule it must raise.
fn crafted() -> Vec<(&'static str, Vec<&'static str>, String, Option<Rule>)> {
    let spoof = sample("spoof");
    let pass = sample("pass");
    let candidates = r#""recognitionConfidence":{"confidence":0.4,"candidates":[{"identityId":"67460a9995516d9a553aa95b","confidence":0.4}]}"#;
    let no_recognition = r#""recognitionConfidence":{}"#;
    assert!(spoof.contains(no_recognition), "the spoof sample changed shape");
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl";
    vec![
        ("a syntax error", vec![], "{\"overallStatus\": \"PASS\", \"faceMatch\": true,}\n".to_owned(), Some(Rule::Syntax)),
        ("not a payload", vec![], "{\"level\":\"info\",\"items\":[1,2]}\n".to_owned(), Some(Rule::NotAPayload)),
        ("too large", vec!["--max-payload-bytes", "64"], format!("{spoof}\n"), Some(Rule::TooLarge)),
        ("a duplicate delivery", vec![], format!("{spoof}\n{spoof}\n"), Some(Rule::DuplicateDelivery)),
        (
            "a conflicting delivery",
            vec![],
            format!("{spoof}\n{}\n", spoof.replacen("\"overallStatus\":\"FAIL\"", "\"overallStatus\":\"PASS\"", 1)),
            Some(Rule::ConflictingDelivery),
        ),
        (
            "type, range, value, key and presence errors",
            vec![],
            r#"{"overallStatus":"pass","faceMatch":"yes","overallScore":1.5,"recognitionConfidence":{},"overallStatus":"PASS"}"#
                .to_owned(),
            Some(Rule::DuplicateKey),
        ),
        (
            "an onboarding webhook",
            vec![],
            r#"{"interviewId":"60000a22b09a35d2ef5aaa99","onboardingStatus":"ONBOARDING_FINISHED"}"#.to_owned(),
            Some(Rule::WrongWebhook),
        ),
        ("a 1:N authentication", vec![], spoof.replacen(no_recognition, candidates, 1), None),
        ("an unmet expectation", vec!["--expect", "pass"], spoof.clone(), Some(Rule::Expectation)),
        ("a comment under --lenient", vec!["--lenient"], spoof.replacen('{', "{ /* note */ ", 1), Some(Rule::LenientSyntax)),
        (
            "a payload printed by Node, a value left out",
            vec![],
            "{ overallStatus: 'FAIL', faceMatch: false, recognitionConfidence: [Object] }\n".to_owned(),
            Some(Rule::ElidedValue),
        ),
        ("a token", vec![], pass.replacen("\"token\":\"\"", &format!("\"token\":\"{jwt}\""), 1), Some(Rule::TokenPresent)),
        (
            "an undocumented errorCode",
            vec![],
            spoof.replacen("\"errorCode\":4005", "\"errorCode\":5001", 1),
            Some(Rule::UndocumentedErrorCode),
        ),
        ("a payload wrapped too deep", vec![], wrapped(11), Some(Rule::UnwrapDepth)),
        ("a log line with a date-time", vec![], format!("2026-11-25T10:00:00.5+01:00 INFO body={spoof}\n"), None),
        ("a number beyond a double", vec![], spoof.replacen("\"overallScore\":0", "\"overallScore\":1e999", 1), Some(Rule::OutOfRange)),
    ]
}

#[test]
fn inputs_with_findings_fit_the_model() {
    for (name, options, input, rule) in crafted() {
        let reports = reports(&options, &["-"], input.as_bytes());
        assert!(!reports.document.results.is_empty(), "{name}: no result");
        if let Some(rule) = rule {
            assert!(reports.rules().contains(&rule), "{name}: no {rule:?} among {:?}", reports.rules());
        }
    }
}

#[test]
fn what_the_crafted_inputs_give_is_typed_as_documented() {
    let cases = crafted();
    let find = |name: &str| cases.iter().find(|case| case.0 == name).expect("a crafted case");
    let (_, options, input, _) = find("a syntax error");
    let broken = &reports(options, &["-"], input.as_bytes()).document.results[0];
    assert_eq!((broken.kind, broken.status, broken.valid), (Kind::Unknown, None, false));
    assert!(broken.payload.is_none() && broken.customer_id.is_none(), "{broken:?}");
    assert_eq!(broken.findings[0].severity, Severity::Error);
    let (_, options, input, _) = find("a 1:N authentication");
    let one_to_n = &reports(options, &["-"], input.as_bytes());
    assert_eq!(one_to_n.document.results[0].kind, Kind::Auth1ToN);
    assert_eq!(one_to_n.stats.kinds.auth_1_to_n, 1);
    let (_, options, input, _) = find("a number beyond a double");
    let huge = &reports(options, &["-"], input.as_bytes()).document.results[0];
    let payload = huge.payload.as_ref().expect("the payload parsed");
    assert_eq!(payload["overallScore"], "1e999", "written as the text of the number");
    let (_, options, input, _) = find("an onboarding webhook");
    let onboarding = &reports(options, &["-"], input.as_bytes());
    assert_eq!(onboarding.document.results[0].kind, Kind::OnboardingStatus);
    assert_eq!(onboarding.document.summary.kinds, BTreeMap::from([(Kind::OnboardingStatus, 1)]));
    assert_eq!(onboarding.stats.recognition_confidence.min, None);
    let (_, options, input, _) = find("a log line with a date-time");
    let stamped = &reports(options, &["-"], input.as_bytes()).document.results[0];
    assert_eq!(stamped.captured_at.as_deref(), Some("2026-11-25T10:00:00.5+01:00"));
    assert_eq!(broken.captured_at, None);
}

#[test]
fn stats_counts_codes_past_the_first_thousand_as_other() {
    let spoof = sample("spoof");
    let input: String = (0..1001)
        .map(|i| spoof.replacen("\"errorCode\":4005", &format!("\"errorCode\":{}", 5000 + i), 1) + "\n")
        .collect();
    let reports = reports(&[], &["-"], input.as_bytes());
    assert_eq!(reports.stats.error_codes.len(), 1001);
    assert_eq!(reports.stats.error_codes[&ErrorCodeKey::Other].count, 1);
    assert!(reports.stats.error_codes.contains_key(&ErrorCodeKey::Code(5000)));
}

// ---------------------------------------------------------------------------------------------
// The model refuses what the wire format does not hold.

/// `check --format json samples/` and `stats --format json samples/`, as JSON values.
fn sample_documents() -> (Value, Value) {
    let check = stdout_of(&["check", "--color", "never", "--format", "json", "samples/"], b"");
    let stats = stdout_of(&["stats", "--color", "never", "--format", "json", "samples/"], b"");
    (serde_json::from_str(&check).expect("JSON"), serde_json::from_str(&stats).expect("JSON"))
}

/// `stats --format json --by file samples/`, as a JSON value.
fn sample_by_file_document() -> Value {
    let stats = stdout_of(&["stats", "--color", "never", "--format", "json", "--by", "file", "samples/"], b"");
    serde_json::from_str(&stats).expect("JSON")
}

/// The objects of `byFile` the model names the members of: an input (captured.log, the second)
/// and one of its failure reasons.
const BY_FILE_OBJECTS: [&str; 2] = ["/byFile/1", "/byFile/1/failureReasons/spoof-detected"];

/// The objects of the check document the model names the members of, by pointer: the document,
/// a result and each object in it (the first finding is the `id-format` warning of pass.json).
const CHECK_OBJECTS: [&str; 7] = [
    "",
    "/results/10",
    "/results/10/source",
    "/results/10/reasons/0",
    "/results/10/findings/0",
    "/summary",
    "/notices/0",
];

/// The same for the stats document.
const STATS_OBJECTS: [&str; 12] = [
    "",
    "/findings",
    "/kinds",
    "/reasons/face-matched",
    "/passReasons/face-matched",
    "/failureReasons/spoof-detected",
    "/reasonsWithoutStatus",
    "/errorCodes/4005",
    "/rules/syntax",
    "/deliveries",
    "/recognitionConfidence",
    "/spoofConfidence",
];

/// Whether `value` fits `T`; the error otherwise.
fn fits<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(value.clone()).map(drop).map_err(|e| e.to_string())
}

/// `document` with `change` made to the object at `pointer`.
fn changed(document: &Value, pointer: &str, change: impl FnOnce(&mut Map<String, Value>)) -> Value {
    let mut document = document.clone();
    let object = document.pointer_mut(pointer).and_then(Value::as_object_mut);
    change(object.unwrap_or_else(|| panic!("no object at {pointer:?}")));
    document
}

#[test]
fn the_model_refuses_an_unknown_member() {
    let (check, stats) = sample_documents();
    assert_eq!(check["results"][10]["source"]["path"], "samples/pass.json", "the samples changed");
    assert_eq!(fits::<CheckDocument>(&check), Ok(()));
    assert_eq!(fits::<StatsDocument>(&stats), Ok(()));
    for pointer in CHECK_OBJECTS {
        let extra = changed(&check, pointer, |object| {
            object.insert("surplus".to_owned(), json!(1));
        });
        let refused = fits::<CheckDocument>(&extra).expect_err(&format!("check {pointer:?} with a surplus member"));
        assert!(refused.contains("unknown field `surplus`"), "{pointer:?}: {refused}");
    }
    for pointer in STATS_OBJECTS {
        let extra = changed(&stats, pointer, |object| {
            object.insert("surplus".to_owned(), json!({}));
        });
        let refused = fits::<StatsDocument>(&extra).expect_err(&format!("stats {pointer:?} with a surplus member"));
        assert!(refused.contains("surplus"), "{pointer:?}: {refused}");
    }
    let by_file = sample_by_file_document();
    assert_eq!(by_file["byFile"][1]["path"], "samples/captured.log", "the samples changed");
    assert_eq!(fits::<StatsDocument>(&by_file), Ok(()));
    for pointer in BY_FILE_OBJECTS {
        let extra = changed(&by_file, pointer, |object| {
            object.insert("surplus".to_owned(), json!({}));
        });
        let refused = fits::<StatsDocument>(&extra).expect_err(&format!("stats {pointer:?} with a surplus member"));
        assert!(refused.contains("surplus"), "{pointer:?}: {refused}");
    }
    // Each line of NDJSON is a result, and nothing else.
    assert!(fits::<NdjsonLine>(&check["results"][10]).is_ok());
    assert!(fits::<NdjsonLine>(&check["summary"]).is_err());
}

/// Asserts that `document` fits `T` with none of the members of the objects at `pointers`
/// missing; returns how many members were tried.
fn assert_every_member_required<T: DeserializeOwned>(document: &Value, pointers: &[&str]) -> usize {
    let mut tried = 0;
    for pointer in pointers {
        let object = document.pointer(pointer).and_then(Value::as_object).expect("an object");
        for member in object.keys() {
            let without = changed(document, pointer, |object| {
                object.remove(member);
            });
            let refused = fits::<T>(&without).expect_err(&format!("{pointer:?} without {member:?}"));
            assert!(refused.contains("missing field"), "{pointer:?} without {member:?}: {refused}");
            tried += 1;
        }
    }
    tried
}

#[test]
fn the_model_refuses_a_missing_member() {
    let (check, stats) = sample_documents();
    // Members written as null are required too: errorCode is null in pass.json's result.
    assert_eq!(check["results"][10]["errorCode"], Value::Null);
    let tried = assert_every_member_required::<CheckDocument>(&check, &CHECK_OBJECTS)
        + assert_every_member_required::<StatsDocument>(&stats, &STATS_OBJECTS)
        + assert_every_member_required::<StatsDocument>(&sample_by_file_document(), &BY_FILE_OBJECTS);
    assert!(tried >= 60, "{tried} members tried");
}

#[test]
fn by_file_may_be_absent_but_is_never_null() {
    let by_file = sample_by_file_document();
    let without = changed(&by_file, "", |object| {
        object.remove("byFile");
    });
    assert_eq!(fits::<StatsDocument>(&without), Ok(()), "absent without --by file");
    for value in [json!(null), json!({}), json!([null])] {
        let with = changed(&by_file, "", |object| {
            object.insert("byFile".to_owned(), value.clone());
        });
        assert!(fits::<StatsDocument>(&with).is_err(), "byFile {value}");
    }
}

#[test]
fn a_finding_may_carry_details_and_nothing_else() {
    let (check, _) = sample_documents();
    let finding = "/results/10/findings/0";
    for details in [json!({}), json!({"expected": "24 lowercase hex characters", "found": "r", "limit": 24})] {
        let with = changed(&check, finding, |object| {
            object.insert("details".to_owned(), details.clone());
        });
        assert_eq!(fits::<CheckDocument>(&with), Ok(()), "details {details}");
    }
    for details in [json!(null), json!([]), json!("text")] {
        let with = changed(&check, finding, |object| {
            object.insert("details".to_owned(), details.clone());
        });
        assert!(fits::<CheckDocument>(&with).is_err(), "details {details} is not an object");
    }
}

#[test]
fn the_model_refuses_values_outside_the_documented_sets() {
    let (check, stats) = sample_documents();
    let result = "/results/10";
    let changes: [(&str, &str, Value); 7] = [
        (result, "kind", json!("auth-2:2")),
        (result, "status", json!("pass")),
        ("/results/10/findings/0", "severity", json!("info")),
        ("/results/10/findings/0", "rule", json!("id_format")),
        ("/results/10/reasons/0", "code", json!("matched")),
        ("/notices/0", "code", json!("end-of-life")),
        ("", "schemaVersion", json!(2)),
    ];
    for (pointer, member, value) in changes {
        let wrong = changed(&check, pointer, |object| {
            object.insert(member.to_owned(), value.clone());
        });
        assert!(fits::<CheckDocument>(&wrong).is_err(), "{pointer}/{member} = {value}");
    }
    // A stats entry under a key outside its set, with the value of an entry that fits; under a
    // key inside the set, the same entry fits.
    let keys: [(&str, &str, &str, &str); 5] = [
        ("/reasons", "face-matched", "matched", "unexplained"),
        ("/passReasons", "face-matched", "passed", "face-matched"),
        ("/failureReasons", "spoof-detected", "spoof", "no-face-match"),
        ("/errorCodes", "4005", "4005x", "5001"),
        ("/rules", "syntax", "id_format", "expectation"),
    ];
    for (pointer, existing, wrong, right) in keys {
        let entry = stats[&pointer[1..]][existing].clone();
        for (key, fitting) in [(wrong, false), (right, true)] {
            let with = changed(&stats, pointer, |object| {
                object.insert(key.to_owned(), entry.clone());
            });
            assert_eq!(fits::<StatsDocument>(&with).is_ok(), fitting, "{pointer} keyed {key:?}");
        }
    }
}

/// The model's closed sets hold every value the contract defines, so that a payload raising any
/// rule or reason fits.
#[test]
fn the_model_knows_every_kind_status_rule_and_reason_of_the_contract() {
    use authhook::contract::{Kind as ContractKind, REASONS, RULES, STATUSES};
    for kind in [ContractKind::Auth1To1, ContractKind::Auth1ToN, ContractKind::OnboardingStatus, ContractKind::Unknown]
    {
        serde_json::from_value::<Kind>(json!(kind.name())).unwrap_or_else(|e| panic!("kind {}: {e}", kind.name()));
    }
    for status in STATUSES {
        serde_json::from_value::<Status>(json!(status)).unwrap_or_else(|e| panic!("status {status}: {e}"));
    }
    for rule in RULES {
        serde_json::from_value::<Rule>(json!(rule.id)).unwrap_or_else(|e| panic!("rule {}: {e}", rule.id));
        serde_json::from_value::<Severity>(json!(rule.severity.name())).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
    }
    for reason in REASONS {
        serde_json::from_value::<ReasonCode>(json!(reason.id)).unwrap_or_else(|e| panic!("reason {}: {e}", reason.id));
    }
}
