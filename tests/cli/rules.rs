//! Every rule of the contract, proven through the library API: each fires on a minimal payload
//! (one documented sample with one thing changed) and stays silent where it should.
//!
//! The table in [`cases`] is the heart of this file: each case names an input, the exact rule ids
//! of the single result's findings (as a multiset), the pointer of the first finding and, for a
//! few, its line and column and words its messages must or must not hold. Inputs that yield no or
//! several results, verdict reasons, and the published samples have tests of their own below.

use std::collections::BTreeSet;

use authhook::assess::AssessOptions;
use authhook::assess::CheckResult;
use authhook::contract::{Kind, Status};
use authhook::contract::{RULES, Severity};
use authhook::stream::check_bytes;

/// The 4015 sample (samples/not-recognized.json): a FAIL with every error field documented.
const FAIL: &str = r#"{
  "customerId": "678057dbb632b29f45a280b5",
  "transactionId": "18e69943c68a4f5e89d61857",
  "faceMatch": false,
  "spoofAttempt": false,
  "children": [],
  "spoofConfidence": 0.00085131516,
  "recognitionConfidence": {},
  "overallScore": 0,
  "overallStatus": "FAIL",
  "error": "User is not recognized",
  "errorCode": 4015
}
"#;

/// The success sample (samples/pass.json) with its transactionId made hex ('r' → 'c').
const PASS: &str = r#"{
  "customerId": "67460a9995516d9a553aa95b",
  "token": "",
  "interviewId": "60000a22b09a35d2ef5aaa99",
  "interviewToken": "",
  "transactionId": "549994d9c3474bfcbbbdc5a5",
  "faceMatch": true,
  "spoofAttempt": false,
  "secondFactor": false,
  "children": [],
  "hasFaceMask": false,
  "hasLenses": false,
  "spoofConfidence": 0.0010233838,
  "recognitionConfidence": {
    "confidence": 0.93098663,
    "candidates": []
  },
  "overallScore": 0.93098663,
  "overallStatus": "PASS"
}
"#;

/// The 4005 sample (samples/spoof.json).
const SPOOF: &str = r#"{
  "customerId": "67dda40e4089f4769f3ed2e6",
  "transactionId": "e59ee5a064e24d129d1beed9",
  "faceMatch": false,
  "spoofAttempt": true,
  "children": [],
  "spoofConfidence": 1,
  "recognitionConfidence": {},
  "overallScore": 0,
  "overallStatus": "FAIL",
  "error": "Spoof attempt detected",
  "errorCode": 4005,
  "errorMessage": "Spoof attempt detected. Spoof confidence 1.0"
}
"#;

/// The 4004 sample (samples/customer-not-found.json).
const NOT_FOUND: &str = r#"{
  "customerId": "666eab5555888d45ba7a999a",
  "faceMatch": false,
  "children": [],
  "recognitionConfidence": {},
  "overallScore": 0,
  "overallStatus": "FAIL",
  "error": "Non existing customer",
  "errorCode": 4004,
  "errorMessage": "Can't find customer by any criteria."
}
"#;

/// The 4003 sample (samples/blacklisted.json).
const BLACKLISTED: &str = r#"{
  "customerId": "666eab5555888d45ba7a999a",
  "faceMatch": false,
  "children": [],
  "recognitionConfidence": {},
  "overallScore": 0,
  "overallStatus": "FAIL",
  "error": "User blacklisted",
  "errorCode": 4003
}
"#;

/// The lenses sample (samples/lenses.json).
const LENSES: &str = r#"{
  "customerId": "67dda40e4089f4769f3ed2e6",
  "transactionId": "0be5f261d076492d9d3b74f6",
  "faceMatch": false,
  "spoofAttempt": false,
  "hasFaceMask": false,
  "hasLenses": true,
  "recognitionConfidence": {
    "confidence": 0,
    "candidates": []
  },
  "overallScore": 0,
  "overallStatus": "FAIL"
}
"#;

/// Rules that later work covers; this file does not check them.
const NOT_COVERED_HERE: &[&str] =
    &["duplicate-delivery", "conflicting-delivery", "expectation", "content-type", "credential", "would-retry"];

/// Every rule id this file checks, with the severity the contract gives it.
const SEVERITIES: &[(&str, Severity)] = &[
    ("syntax", Severity::Error),
    ("too-large", Severity::Error),
    ("missing-field", Severity::Error),
    ("wrong-type", Severity::Error),
    ("out-of-range", Severity::Error),
    ("invalid-value", Severity::Error),
    ("duplicate-key", Severity::Error),
    ("contradiction", Severity::Error),
    ("lenient-syntax", Severity::Warning),
    ("logged-form", Severity::Warning),
    ("elided-value", Severity::Warning),
    ("wrong-webhook", Severity::Warning),
    ("not-a-payload", Severity::Warning),
    ("unwrap-depth", Severity::Warning),
    ("unknown-field", Severity::Warning),
    ("id-format", Severity::Warning),
    ("error-fields-incomplete", Severity::Warning),
    ("error-text-mismatch", Severity::Warning),
    ("spoof-inconsistent", Severity::Warning),
    ("score-inconsistent", Severity::Warning),
    ("token-present", Severity::Warning),
    ("undocumented-error-code", Severity::Note),
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `base` with each `(from, to)` applied; `from` must occur exactly once, so a typo in a case
/// cannot silently leave the base unchanged.
fn edit(base: &str, edits: &[(&str, &str)]) -> String {
    let mut text = base.to_owned();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from:?} must occur exactly once in the base");
        text = text.replacen(from, to, 1);
    }
    text
}

fn fail(edits: &[(&str, &str)]) -> String {
    edit(FAIL, edits)
}

fn pass(edits: &[(&str, &str)]) -> String {
    edit(PASS, edits)
}

/// `json` as Python prints the dict it parses to (its strings hold no quote).
fn python_dict(json: &str) -> String {
    json.replace('"', "'").replace("true", "True").replace("false", "False").replace("null", "None")
}

fn spoof(edits: &[(&str, &str)]) -> String {
    edit(SPOOF, edits)
}

fn not_found(edits: &[(&str, &str)]) -> String {
    edit(NOT_FOUND, edits)
}

fn blacklisted(edits: &[(&str, &str)]) -> String {
    edit(BLACKLISTED, edits)
}

/// `text` as bytes with the single `marker` replaced by the raw byte `byte` (for invalid UTF-8).
fn with_raw_byte(text: &str, marker: &str, byte: u8) -> Vec<u8> {
    assert_eq!(text.matches(marker).count(), 1, "{marker:?} must occur exactly once");
    let at = text.find(marker).unwrap_or_default();
    let mut bytes = text.as_bytes().to_vec();
    bytes.splice(at..at + marker.len(), [byte]);
    bytes
}

/// `text` on one line without white space between tokens, keys in their order, for inputs built
/// of several payloads.
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    out
}

fn check_with(input: &[u8], options: &AssessOptions) -> Vec<CheckResult> {
    check_bytes("test-input", input, options)
}

fn check(input: impl AsRef<[u8]>) -> Vec<CheckResult> {
    check_with(input.as_ref(), &AssessOptions::default())
}

fn lenient() -> AssessOptions {
    let mut options = AssessOptions::default();
    options.scan.lenient = true;
    options
}

fn limited(max_payload_bytes: usize) -> AssessOptions {
    let mut options = AssessOptions::default();
    options.scan.max_payload_bytes = max_payload_bytes;
    options
}

/// The one result of `input`; panics with what came when there are none or several.
fn only(results: Vec<CheckResult>) -> CheckResult {
    assert_eq!(results.len(), 1, "expected exactly one result, got {}: {:#?}", results.len(), describe(&results));
    results.into_iter().next().expect("one result")
}

/// The rule ids of a result's findings, sorted (a multiset: repeats are kept).
fn rule_ids(result: &CheckResult) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = result.findings.iter().map(|f| f.rule.id()).collect();
    ids.sort_unstable();
    ids
}

fn reason_ids(result: &CheckResult) -> Vec<&'static str> {
    result.reasons.iter().map(|r| r.code.id()).collect()
}

/// A compact description of results for failure messages.
fn describe(results: &[CheckResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            let findings: Vec<String> = r
                .findings
                .iter()
                .map(|f| format!("{} {:?} {}:{} {}", f.rule.id(), f.pointer, f.line, f.column, f.message))
                .collect();
            format!("{} {:?} reasons {:?} findings {:#?}", r.kind.name(), r.status, reason_ids(r), findings)
        })
        .collect()
}

/// The severity this file expects for `id`.
fn expected_severity(id: &str) -> Option<Severity> {
    SEVERITIES.iter().find(|(rule, _)| *rule == id).map(|(_, severity)| *severity)
}

/// Checks what holds for every result: each finding has its rule's documented severity, and the
/// result is valid exactly when no finding is an error.
fn assert_well_formed(result: &CheckResult) -> Result<(), String> {
    for finding in &result.findings {
        let id = finding.rule.id();
        if let Some(severity) = expected_severity(id)
            && finding.severity != severity
        {
            return Err(format!("{id} has severity {}, expected {}", finding.severity.name(), severity.name()));
        }
    }
    let has_error = result.findings.iter().any(|f| f.severity == Severity::Error);
    if result.valid == has_error {
        return Err(format!("valid is {} but an error finding is {}", result.valid, has_error));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

/// One input that yields exactly one result, and what that result must hold.
struct Case {
    name: &'static str,
    input: Vec<u8>,
    options: AssessOptions,
    /// The rule ids of the findings, as a multiset (order does not matter).
    rules: Vec<&'static str>,
    /// The pointer of the first finding (findings are sorted by position); `None` for silence.
    pointer: Option<&'static str>,
    /// Line and column of the first finding.
    at: Option<(u64, u64)>,
    /// The kind of the result; `None` leaves it unchecked.
    kind: Option<Kind>,
    /// Texts that some finding's message must hold.
    says: Vec<&'static str>,
    /// Texts that no finding's message may hold (credentials).
    hides: Vec<&'static str>,
}

/// A payload wrapped `levels` times in a log record's string, as log shippers nest them.
fn wrapped_in_strings(levels: usize) -> String {
    let mut text = r#"{"overallStatus":"PASS"}"#.to_owned();
    for _ in 0..levels {
        text = serde_json::json!({ "log": text }).to_string();
    }
    text
}

/// A case whose result has findings of `rules`, the first at `pointer`.
fn fires(name: &'static str, input: impl Into<Vec<u8>>, rules: &[&'static str], pointer: &'static str) -> Case {
    Case {
        name,
        input: input.into(),
        options: AssessOptions::default(),
        rules: rules.to_vec(),
        pointer: Some(pointer),
        at: None,
        kind: Some(Kind::Auth1To1),
        says: Vec::new(),
        hides: Vec::new(),
    }
}

/// A case whose result has no finding at all.
fn silent(name: &'static str, input: impl Into<Vec<u8>>) -> Case {
    Case { rules: Vec::new(), pointer: None, ..fires(name, input, &[], "") }
}

impl Case {
    fn at(mut self, line: u64, column: u64) -> Self {
        self.at = Some((line, column));
        self
    }

    fn kind(mut self, kind: Kind) -> Self {
        self.kind = Some(kind);
        self
    }

    fn any_kind(mut self) -> Self {
        self.kind = None;
        self
    }

    fn says(mut self, text: &'static str) -> Self {
        self.says.push(text);
        self
    }

    fn hides(mut self, text: &'static str) -> Self {
        self.hides.push(text);
        self
    }

    fn options(mut self, options: AssessOptions) -> Self {
        self.options = options;
        self
    }

    /// Runs the case; `Err` says everything that differs from the expectation.
    fn run(&self) -> Result<(), String> {
        let results = check_with(&self.input, &self.options);
        let [result] = results.as_slice() else {
            return Err(format!("expected one result, got {}: {:#?}", results.len(), describe(&results)));
        };
        let mut problems = Vec::new();
        let mut expected = self.rules.clone();
        expected.sort_unstable();
        let found = rule_ids(result);
        if found != expected {
            problems.push(format!("rules {found:?}, expected {expected:?}"));
        }
        let first = result.findings.first();
        if first.map(|f| f.pointer.as_str()) != self.pointer {
            problems.push(format!("first pointer {:?}, expected {:?}", first.map(|f| &f.pointer), self.pointer));
        }
        if let Some(at) = self.at
            && first.map(|f| (f.line, f.column)) != Some(at)
        {
            problems.push(format!("first finding at {:?}, expected {at:?}", first.map(|f| (f.line, f.column))));
        }
        if let Some(kind) = self.kind
            && result.kind != kind
        {
            problems.push(format!("kind {}, expected {}", result.kind.name(), kind.name()));
        }
        for text in &self.says {
            if !result.findings.iter().any(|f| f.message.contains(text)) {
                problems.push(format!("no message contains {text:?}"));
            }
        }
        for text in &self.hides {
            if result.findings.iter().any(|f| f.message.contains(text)) {
                problems.push(format!("a message shows {text:?}"));
            }
        }
        if let Err(problem) = assert_well_formed(result) {
            problems.push(problem);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{}\n    got: {:#?}", problems.join("; "), describe(&results)))
        }
    }
}

fn candidates(items: &str) -> String {
    format!(r#""recognitionConfidence": {{"confidence": 0.1, "candidates": [{items}]}}"#)
}

const NO_RECOGNITION: &str = r#""recognitionConfidence": {}"#;
const GOOD_IDENTITY: &str = "67460a9995516d9a553aa95b";

fn cases() -> Vec<Case> {
    let candidate = |id: &str, confidence: &str| format!(r#"{{"identityId": "{id}", "confidence": {confidence}}}"#);
    let pass_with_error = r#""overallStatus": "PASS",
  "error": "User is not recognized",
  "errorCode": 4015"#;
    vec![
        // Silence: the bases themselves, and the documented variations that must not fire.
        silent("fail base (4015) is clean", FAIL),
        silent("pass base (hex transactionId) is clean", PASS),
        silent("empty token and interviewToken are silent", pass(&[])),
        silent("spoof base (4005) is clean", SPOOF),
        silent("4004 message with its final period is fine", NOT_FOUND),
        silent("4004 message without final period is fine", not_found(&[("any criteria.\"", "any criteria\"")])),
        silent("blacklisted base (4003) is clean", BLACKLISTED),
        silent("lenses base is clean", LENSES),
        silent(
            "4005 message with a final period is fine",
            spoof(&[("Spoof confidence 1.0\"", "Spoof confidence 1.0.\"")]),
        ),
        silent(
            "4005 message stating 1 for spoofConfidence 1 is fine",
            spoof(&[("Spoof confidence 1.0\"", "Spoof confidence 1\"")]),
        ),
        silent(
            "1:N payload with valid candidates",
            fail(&[(NO_RECOGNITION, &candidates(&candidate(GOOD_IDENTITY, "0.1")))]),
        )
        .kind(Kind::Auth1ToN),
        silent("a payload after leading white space is clean", format!("\n\n    {FAIL}")),
        //
        // syntax
        fires("syntax: trailing comma", fail(&[("4015\n}", "4015,\n}")]), &["syntax"], "")
            .at(13, 1)
            .kind(Kind::Unknown)
            .says("trailing comma"),
        fires("syntax: unterminated object", fail(&[("4015\n}\n", "4015\n")]), &["syntax"], "")
            .kind(Kind::Unknown)
            .says("not closed"),
        fires(
            "syntax: invalid UTF-8 inside a string",
            with_raw_byte(&fail(&[("recognized", "recogn@ized")]), "@", 0xFF),
            &["syntax"],
            "",
        )
        .at(11, 31)
        .kind(Kind::Unknown)
        .says("invalid UTF-8"),
        fires(
            "syntax: string cut by a line break",
            fail(&[("\"User is not recognized\",", "\"User is not recognized,")]),
            &["syntax"],
            "",
        )
        .kind(Kind::Unknown)
        .says("string"),
        fires(
            "syntax: a comment without --lenient",
            fail(&[("5\",\n  \"transactionId", "5\",\n  // captured by the receiver\n  \"transactionId")]),
            &["syntax"],
            "",
        )
        .at(3, 3)
        .kind(Kind::Unknown),
        fires(
            "syntax: a block comment without --lenient",
            fail(&[("\"FAIL\",", "\"FAIL\", /* status */")]),
            &["syntax"],
            "",
        )
        .kind(Kind::Unknown),
        //
        // too-large
        fires("too-large: a payload over a 64-byte limit", FAIL, &["too-large"], "")
            .options(limited(64))
            .at(1, 1)
            .kind(Kind::Unknown)
            .says("64"),
        //
        // missing-field: pointer names the field, position is the object's opening brace
        fires(
            "missing-field: customerId",
            fail(&[("  \"customerId\": \"678057dbb632b29f45a280b5\",\n", "")]),
            &["missing-field"],
            "/customerId",
        )
        .at(1, 1)
        .says("customerId"),
        fires("missing-field: faceMatch", fail(&[("  \"faceMatch\": false,\n", "")]), &["missing-field"], "/faceMatch")
            .at(1, 1)
            .says("faceMatch"),
        fires(
            "missing-field: recognitionConfidence",
            fail(&[("  \"recognitionConfidence\": {},\n", "")]),
            &["missing-field"],
            "/recognitionConfidence",
        )
        .at(1, 1),
        fires(
            "missing-field: overallScore",
            fail(&[("  \"overallScore\": 0,\n", "")]),
            &["missing-field"],
            "/overallScore",
        )
        .at(1, 1),
        fires(
            "missing-field: overallStatus",
            fail(&[("  \"overallStatus\": \"FAIL\",\n", "")]),
            &["missing-field"],
            "/overallStatus",
        )
        .at(1, 1),
        fires(
            "missing-field: placed at an indented opening brace",
            format!("\n\n    {}", fail(&[("  \"faceMatch\": false,\n", "")])),
            &["missing-field"],
            "/faceMatch",
        )
        .at(3, 5),
        fires(
            "missing-field: candidate without identityId",
            fail(&[(NO_RECOGNITION, &candidates(r#"{"confidence": 0.1}"#))]),
            &["missing-field"],
            "/recognitionConfidence/candidates/0/identityId",
        )
        .any_kind(),
        //
        // wrong-type
        fires(
            "wrong-type: faceMatch \"true\"",
            fail(&[("false,\n  \"spoofAttempt", "\"true\",\n  \"spoofAttempt")]),
            &["wrong-type"],
            "/faceMatch",
        )
        .at(4, 16)
        .says("boolean"),
        fires(
            "wrong-type: overallScore \"0.9\"",
            fail(&[("\"overallScore\": 0", "\"overallScore\": \"0.9\"")]),
            &["wrong-type"],
            "/overallScore",
        ),
        fires("wrong-type: errorCode 4015.0", fail(&[("4015\n", "4015.0\n")]), &["wrong-type"], "/errorCode")
            .says("whole number"),
        fires("wrong-type: errorCode 4005.0", spoof(&[("4005,", "4005.0,")]), &["wrong-type"], "/errorCode")
            .says("whole number"),
        fires("wrong-type: errorCode 4.015e3", fail(&[("4015\n", "4.015e3\n")]), &["wrong-type"], "/errorCode"),
        fires("wrong-type: errorCode \"4015\"", fail(&[("4015\n", "\"4015\"\n")]), &["wrong-type"], "/errorCode"),
        fires(
            "wrong-type: a candidates item that is not an object",
            fail(&[(NO_RECOGNITION, &candidates("7"))]),
            &["wrong-type"],
            "/recognitionConfidence/candidates/0",
        )
        .any_kind(),
        fires(
            "wrong-type: candidates not an array",
            fail(&[(NO_RECOGNITION, r#""recognitionConfidence": {"candidates": {}}"#)]),
            &["wrong-type"],
            "/recognitionConfidence/candidates",
        ),
        fires(
            "wrong-type: token as a number does not show the value",
            fail(&[("5\",\n  \"transactionId", "5\",\n  \"token\": 8675309,\n  \"transactionId")]),
            &["wrong-type"],
            "/token",
        )
        .hides("8675309"),
        fires(
            "wrong-type: interviewToken as a number does not show the value",
            pass(&[("\"interviewToken\": \"\"", "\"interviewToken\": 4242424242")]),
            &["wrong-type"],
            "/interviewToken",
        )
        .hides("4242424242"),
        fires(
            "wrong-type: token as an array of a JWT does not show it",
            pass(&[("\"token\": \"\"", "\"token\": [\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\"]")]),
            &["wrong-type"],
            "/token",
        )
        .hides("eyJhbGciOiJIUzI1NiJ9"),
        fires(
            "wrong-type: spoofAttempt \"false\"",
            fail(&[("\"spoofAttempt\": false", "\"spoofAttempt\": \"false\"")]),
            &["wrong-type"],
            "/spoofAttempt",
        ),
        fires(
            "wrong-type: recognitionConfidence as an array",
            fail(&[(NO_RECOGNITION, r#""recognitionConfidence": []"#)]),
            &["wrong-type"],
            "/recognitionConfidence",
        ),
        fires(
            "wrong-type: customerId as a number",
            fail(&[("\"678057dbb632b29f45a280b5\"", "678057")]),
            &["wrong-type"],
            "/customerId",
        ),
        fires(
            "wrong-type: children as an object",
            fail(&[("\"children\": []", "\"children\": {}")]),
            &["wrong-type"],
            "/children",
        ),
        fires("wrong-type: overallStatus null", fail(&[("\"FAIL\"", "null")]), &["wrong-type"], "/overallStatus"),
        //
        // out-of-range
        fires(
            "out-of-range: overallScore 1.5",
            fail(&[("\"overallScore\": 0", "\"overallScore\": 1.5")]),
            &["out-of-range"],
            "/overallScore",
        )
        .at(9, 19),
        fires(
            "out-of-range: spoofConfidence -0.1",
            fail(&[("0.00085131516", "-0.1")]),
            &["out-of-range"],
            "/spoofConfidence",
        ),
        fires(
            "out-of-range: recognitionConfidence.confidence 2",
            fail(&[(NO_RECOGNITION, r#""recognitionConfidence": {"confidence": 2}"#)]),
            &["out-of-range"],
            "/recognitionConfidence/confidence",
        ),
        fires(
            "out-of-range: a candidate's confidence 7",
            fail(&[(NO_RECOGNITION, &candidates(&candidate(GOOD_IDENTITY, "7")))]),
            &["out-of-range"],
            "/recognitionConfidence/candidates/0/confidence",
        )
        .kind(Kind::Auth1ToN),
        fires(
            "out-of-range: overallScore 1e999",
            fail(&[("\"overallScore\": 0", "\"overallScore\": 1e999")]),
            &["out-of-range"],
            "/overallScore",
        )
        .says("1e999"),
        fires(
            "out-of-range: overallScore -1e-3",
            fail(&[("\"overallScore\": 0", "\"overallScore\": -1e-3")]),
            &["out-of-range"],
            "/overallScore",
        ),
        silent(
            "out-of-range: overallScore exactly 1 is in range",
            fail(&[("\"overallScore\": 0", "\"overallScore\": 1")]),
        ),
        //
        // invalid-value
        fires(
            "invalid-value: overallStatus \"pass\"",
            pass(&[("\"PASS\"", "\"pass\"")]),
            &["invalid-value"],
            "/overallStatus",
        )
        .at(19, 20)
        .says("\"PASS\""),
        fires(
            "invalid-value: overallStatus \"OK\"",
            pass(&[("\"PASS\"", "\"OK\"")]),
            &["invalid-value"],
            "/overallStatus",
        ),
        fires(
            "invalid-value: overallStatus \"fail\"",
            fail(&[("\"FAIL\"", "\"fail\"")]),
            &["invalid-value"],
            "/overallStatus",
        )
        .says("\"FAIL\""),
        fires("invalid-value: overallStatus \"\"", fail(&[("\"FAIL\"", "\"\"")]), &["invalid-value"], "/overallStatus"),
        //
        // duplicate-key
        fires(
            "duplicate-key: overallStatus twice",
            fail(&[(
                "  \"overallStatus\": \"FAIL\",\n",
                "  \"overallStatus\": \"FAIL\",\n  \"overallStatus\": \"FAIL\",\n",
            )]),
            &["duplicate-key"],
            "/overallStatus",
        )
        .at(11, 3)
        .says("overallStatus"),
        fires(
            "duplicate-key: an unknown key twice",
            fail(&[("  \"error\":", "  \"extra\": 1,\n  \"extra\": 2,\n  \"error\":")]),
            &["duplicate-key", "unknown-field", "unknown-field"],
            "/extra",
        ),
        fires(
            "duplicate-key: inside recognitionConfidence",
            fail(&[(NO_RECOGNITION, r#""recognitionConfidence": {"confidence": 0, "confidence": 0}"#)]),
            &["duplicate-key"],
            "/recognitionConfidence/confidence",
        ),
        //
        // contradiction
        fires(
            "contradiction: PASS with faceMatch false",
            pass(&[("\"faceMatch\": true", "\"faceMatch\": false")]),
            &["contradiction"],
            "/faceMatch",
        ),
        fires(
            "contradiction: PASS with spoofAttempt true",
            pass(&[("\"spoofAttempt\": false", "\"spoofAttempt\": true")]),
            &["contradiction", "spoof-inconsistent"],
            "/spoofAttempt",
        ),
        fires(
            "contradiction: PASS with hasLenses true",
            pass(&[("\"hasLenses\": false", "\"hasLenses\": true")]),
            &["contradiction"],
            "/hasLenses",
        ),
        fires(
            "contradiction: PASS with hasFaceMask true",
            pass(&[("\"hasFaceMask\": false", "\"hasFaceMask\": true")]),
            &["contradiction"],
            "/hasFaceMask",
        ),
        fires(
            "contradiction: PASS with error and errorCode",
            pass(&[("\"overallStatus\": \"PASS\"", pass_with_error)]),
            &["contradiction", "contradiction"],
            "/error",
        ),
        fires(
            "contradiction: PASS with errorMessage",
            pass(&[("\"overallStatus\": \"PASS\"", "\"overallStatus\": \"PASS\",\n  \"errorMessage\": \"oops\"")]),
            &["contradiction"],
            "/errorMessage",
        ),
        silent(
            "contradiction: a FAIL with the same flags is consistent",
            pass(&[
                ("\"faceMatch\": true", "\"faceMatch\": false"),
                ("\"hasLenses\": false", "\"hasLenses\": true"),
                ("\"overallScore\": 0.93098663", "\"overallScore\": 0"),
                ("\"PASS\"", "\"FAIL\""),
            ]),
        ),
        //
        // lenient-syntax
        fires(
            "lenient-syntax: a // comment",
            fail(&[("5\",\n  \"transactionId", "5\",\n  // captured by the receiver\n  \"transactionId")]),
            &["lenient-syntax"],
            "",
        )
        .options(lenient())
        .at(3, 3),
        fires(
            "lenient-syntax: a /* */ comment",
            fail(&[("\"FAIL\",", "\"FAIL\", /* status */")]),
            &["lenient-syntax"],
            "",
        )
        .options(lenient()),
        fires("lenient-syntax: a trailing comma", fail(&[("4015\n}", "4015,\n}")]), &["lenient-syntax"], "")
            .options(lenient())
            .at(13, 1),
        fires(
            "lenient-syntax: a comment and a trailing comma give one each",
            fail(&[("4015\n}", "4015, // last\n}")]),
            &["lenient-syntax", "lenient-syntax"],
            "",
        )
        .options(lenient()),
        fires(
            "lenient-syntax: a comment right after the opening brace",
            fail(&[("{\n", "{ // webhook\n")]),
            &["lenient-syntax"],
            "",
        )
        .options(lenient())
        .at(1, 3),
        silent("lenient-syntax: strict JSON under --lenient is silent", FAIL).options(lenient()),
        //
        // logged-form, elided-value
        fires("logged-form: a Python dict", python_dict(&compact(FAIL)), &["logged-form"], "").at(1, 1),
        fires(
            "logged-form: a Node object with a value left out",
            "{ overallStatus: 'FAIL', faceMatch: false, customerId: '678057dbb632b29f45a280b5', recognitionConfidence: [Object], overallScore: 0 }",
            &["logged-form", "elided-value"],
            "",
        ),
        fires(
            "elided-value: a Ruby hash whose nested hash was printed as {...}",
            r#"{"overallStatus"=>"FAIL", "faceMatch"=>false, "customerId"=>"678057dbb632b29f45a280b5", "recognitionConfidence"=>{...}, "overallScore"=>0}"#,
            &["logged-form", "elided-value"],
            "",
        ),
        //
        // wrong-webhook
        fires(
            "wrong-webhook: onboarding status",
            r#"{"interviewId":"60000a22b09a35d2ef5aaa99","onboardingStatus":"ONBOARDING_FINISHED"}"#,
            &["wrong-webhook"],
            "",
        )
        .kind(Kind::OnboardingStatus)
        .says("ONBOARDING_FINISHED"),
        //
        // not-a-payload
        fires("not-a-payload: a structured log value", r#"{"level":"info","count":3}"#, &["not-a-payload"], "")
            .kind(Kind::Unknown),
        fires("not-a-payload: an array of objects holding none", r#"[{"a":1},{"b":2}]"#, &["not-a-payload"], "")
            .kind(Kind::Unknown),
        //
        // unwrap-depth
        fires("unwrap-depth: JSON text in strings 11 levels deep", wrapped_in_strings(11), &["unwrap-depth"], "")
            .kind(Kind::Unknown)
            .says("more than 10 levels deep"),
        //
        // unknown-field
        fires(
            "unknown-field: overalStatus besides overallStatus suggests it",
            fail(&[("  \"error\":", "  \"overalStatus\": \"FAIL\",\n  \"error\":")]),
            &["unknown-field"],
            "/overalStatus",
        )
        .at(11, 3)
        .says("\"overallStatus\""),
        fires(
            "unknown-field: overalStatus instead of overallStatus",
            fail(&[("\"overallStatus\"", "\"overalStatus\"")]),
            &["missing-field", "unknown-field"],
            "/overallStatus",
        )
        .says("did you mean \"overallStatus\""),
        fires(
            "unknown-field: a totally unknown key has no suggestion",
            fail(&[("  \"error\":", "  \"deviceFingerprint\": \"abc\",\n  \"error\":")]),
            &["unknown-field"],
            "/deviceFingerprint",
        )
        .says("its meaning is unknown")
        .hides("did you mean"),
        fires(
            "unknown-field: customerID suggests customerId",
            fail(&[("\"customerId\"", "\"customerID\"")]),
            &["missing-field", "unknown-field"],
            "/customerId",
        )
        .says("did you mean \"customerId\""),
        fires(
            "unknown-field: misspelt inside recognitionConfidence",
            fail(&[(NO_RECOGNITION, r#""recognitionConfidence": {"confidance": 0}"#)]),
            &["unknown-field"],
            "/recognitionConfidence/confidance",
        )
        .says("\"confidence\""),
        //
        // id-format
        fires(
            "id-format: customerId uppercase",
            fail(&[("678057dbb632b29f45a280b5", "678057DBB632B29F45A280B5")]),
            &["id-format"],
            "/customerId",
        )
        .at(2, 17),
        fires(
            "id-format: customerId short",
            fail(&[("678057dbb632b29f45a280b5", "678057db")]),
            &["id-format"],
            "/customerId",
        ),
        fires(
            "id-format: transactionId non-hex",
            fail(&[("18e69943c68a4f5e89d61857", "18e69943c68a4f5e89d6185z")]),
            &["id-format"],
            "/transactionId",
        ),
        fires(
            "id-format: interviewId short",
            pass(&[("60000a22b09a35d2ef5aaa99", "60000a22")]),
            &["id-format"],
            "/interviewId",
        ),
        fires(
            "id-format: interviewId uppercase",
            pass(&[("60000a22b09a35d2ef5aaa99", "60000A22B09A35D2EF5AAA99")]),
            &["id-format"],
            "/interviewId",
        ),
        fires(
            "id-format: empty customerId",
            fail(&[("\"678057dbb632b29f45a280b5\"", "\"\"")]),
            &["id-format"],
            "/customerId",
        ),
        fires(
            "id-format: a 1:N candidate's identityId",
            fail(&[(NO_RECOGNITION, &candidates(&candidate("NOT-A-HEX-ID", "0.1")))]),
            &["id-format"],
            "/recognitionConfidence/candidates/0/identityId",
        )
        .any_kind(),
        //
        // error-fields-incomplete
        fires(
            "error-fields-incomplete: error without errorCode",
            fail(&[(",\n  \"errorCode\": 4015", "")]),
            &["error-fields-incomplete"],
            "/error",
        ),
        fires(
            "error-fields-incomplete: errorCode without error",
            fail(&[("  \"error\": \"User is not recognized\",\n", "")]),
            &["error-fields-incomplete"],
            "/errorCode",
        ),
        //
        // error-text-mismatch
        fires(
            "error-text-mismatch: 4004 with error \"Customer missing\"",
            not_found(&[("\"Non existing customer\"", "\"Customer missing\"")]),
            &["error-text-mismatch"],
            "/error",
        )
        .says("Non existing customer"),
        fires(
            "error-text-mismatch: 4004 with a different errorMessage",
            not_found(&[("Can't find customer by any criteria.", "Customer could not be found")]),
            &["error-text-mismatch"],
            "/errorMessage",
        ),
        fires(
            "error-text-mismatch: 4003 with an errorMessage",
            blacklisted(&[("4003\n", "4003,\n  \"errorMessage\": \"User is blacklisted\"\n")]),
            &["error-text-mismatch"],
            "/errorMessage",
        ),
        fires(
            "error-text-mismatch: 4005 errorMessage without the confidence",
            spoof(&[("Spoof attempt detected. Spoof confidence 1.0", "Spoof attempt detected")]),
            &["error-text-mismatch"],
            "/errorMessage",
        ),
        fires(
            "error-text-mismatch: 4005 errorMessage of another form",
            spoof(&[("Spoof attempt detected. Spoof confidence 1.0", "Liveness failed (confidence 1.0)")]),
            &["error-text-mismatch"],
            "/errorMessage",
        ),
        fires(
            "error-text-mismatch: 4015 with another error text",
            fail(&[("User is not recognized", "Face not recognized")]),
            &["error-text-mismatch"],
            "/error",
        ),
        //
        // spoof-inconsistent
        fires(
            "spoof-inconsistent: 4005 with spoofAttempt false",
            spoof(&[("\"spoofAttempt\": true", "\"spoofAttempt\": false")]),
            &["spoof-inconsistent"],
            "/spoofAttempt",
        ),
        fires(
            "spoof-inconsistent: spoofAttempt true without 4005",
            fail(&[("\"spoofAttempt\": false", "\"spoofAttempt\": true")]),
            &["spoof-inconsistent"],
            "/spoofAttempt",
        ),
        fires(
            "spoof-inconsistent: 4005 message states 0.5, spoofConfidence 1",
            spoof(&[("Spoof confidence 1.0", "Spoof confidence 0.5")]),
            &["spoof-inconsistent"],
            "/errorMessage",
        ),
        //
        // score-inconsistent
        fires(
            "score-inconsistent: PASS with overallScore 0",
            pass(&[("\"overallScore\": 0.93098663", "\"overallScore\": 0")]),
            &["score-inconsistent"],
            "/overallScore",
        ),
        fires(
            "score-inconsistent: PASS with overallScore 0.5 vs confidence 0.9",
            pass(&[
                ("\"confidence\": 0.93098663", "\"confidence\": 0.9"),
                ("\"overallScore\": 0.93098663", "\"overallScore\": 0.5"),
            ]),
            &["score-inconsistent"],
            "/overallScore",
        ),
        silent(
            "score-inconsistent: the same score written differently is fine",
            pass(&[("\"confidence\": 0.93098663", "\"confidence\": 0.930986630")]),
        ),
        //
        // token-present
        fires(
            "token-present: token non-empty",
            pass(&[("\"token\": \"\"", "\"token\": \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\"")]),
            &["token-present"],
            "/token",
        )
        .at(3, 12)
        .hides("eyJhbGciOiJIUzI1NiJ9")
        .hides("c2lnbmF0dXJl"),
        fires(
            "token-present: interviewToken non-empty",
            pass(&[("\"interviewToken\": \"\"", "\"interviewToken\": \"opaque-session-secret\"")]),
            &["token-present"],
            "/interviewToken",
        )
        .hides("opaque-session-secret"),
        //
        // undocumented-error-code
        fires(
            "undocumented-error-code: 5001 with error text",
            fail(&[("User is not recognized", "Internal server error"), ("4015\n", "5001\n")]),
            &["undocumented-error-code"],
            "/errorCode",
        )
        .says("5001"),
    ]
}

#[test]
fn every_case_in_the_table() {
    let cases = cases();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "duplicate case name {:?}", case.name);
        if let Err(problem) = case.run() {
            failures.push(format!("{}: {problem}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// The table makes every rule this file covers fire at least once, and covers nothing else.
#[test]
fn the_table_covers_every_rule() {
    let fired: BTreeSet<&str> = cases().iter().flat_map(|case| case.rules.clone()).collect();
    let documented: BTreeSet<&str> =
        RULES.iter().map(|spec| spec.id).filter(|id| !NOT_COVERED_HERE.contains(id)).collect();
    assert_eq!(fired, documented);
    let listed: BTreeSet<&str> = SEVERITIES.iter().map(|(id, _)| *id).collect();
    assert_eq!(listed, documented);
    for spec in RULES {
        if let Some(severity) = expected_severity(spec.id) {
            assert_eq!(spec.severity, severity, "{}", spec.id);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs that yield no result or several
// ---------------------------------------------------------------------------------------------

#[test]
fn a_log_record_without_payload_yields_nothing() {
    let results = check(r#"{"log":"no payload here {x}","stream":"stdout"}"#);
    assert!(results.is_empty(), "{:#?}", describe(&results));
}

#[test]
fn a_json_array_of_two_payloads_yields_two_results() {
    let input = format!("[{}, {}]", compact(FAIL), compact(PASS));
    let results = check(input);
    assert_eq!(results.len(), 2, "{:#?}", describe(&results));
    assert_eq!(results[0].status, Some(Status::Fail));
    assert_eq!(results[1].status, Some(Status::Pass));
    for result in &results {
        assert_eq!(result.kind, Kind::Auth1To1);
        assert!(result.findings.is_empty(), "{:#?}", describe(&results));
        assert!(result.valid);
    }
}

#[test]
fn a_wrapper_object_yields_the_payload() {
    let input = format!(r#"{{"data":{}}}"#, compact(FAIL));
    let result = only(check(input));
    assert_eq!(result.kind, Kind::Auth1To1);
    assert_eq!(result.status, Some(Status::Fail));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert_eq!(result.customer_id.as_deref(), Some("678057dbb632b29f45a280b5"));
    // The payload starts at the inner object, after `{"data":`.
    assert_eq!((result.source.line, result.source.column), (1, 9));
}

#[test]
fn a_string_encoded_payload_yields_the_payload() {
    let body = serde_json::to_string(&compact(FAIL)).expect("a string serializes");
    let input = format!(r#"{{"body":{body}}}"#);
    assert!(input.starts_with(r#"{"body":"{\"customerId\":"#), "{input}");
    let result = only(check(input));
    assert_eq!(result.kind, Kind::Auth1To1);
    assert_eq!(result.status, Some(Status::Fail));
    assert_eq!(result.error_code, Some(4015));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
}

#[test]
fn a_string_encoded_payload_is_still_checked() {
    let body = serde_json::to_string(&compact(&fail(&[("\"faceMatch\": false", "\"faceMatch\": \"false\"")])))
        .expect("a string serializes");
    let result = only(check(format!(r#"{{"body":{body}}}"#)));
    assert_eq!(rule_ids(&result), ["wrong-type"]);
    assert_eq!(result.findings[0].pointer, "/faceMatch");
    assert!(!result.valid);
}

#[test]
fn scanning_goes_on_after_a_value_too_large() {
    let input = format!("{}\n{{\"level\":\"info\"}}\n", compact(FAIL));
    let results = check_with(input.as_bytes(), &limited(64));
    assert_eq!(results.len(), 2, "{:#?}", describe(&results));
    assert_eq!(rule_ids(&results[0]), ["too-large"]);
    assert!(!results[0].valid);
    assert_eq!(rule_ids(&results[1]), ["not-a-payload"]);
    assert_eq!((results[1].source.line, results[1].source.column), (2, 1));
}

#[test]
fn a_payload_under_the_limit_is_checked() {
    let result = only(check_with(FAIL.as_bytes(), &limited(FAIL.len())));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert_eq!(result.kind, Kind::Auth1To1);
}

#[test]
fn a_syntax_error_is_an_unreadable_result() {
    let result = only(check(fail(&[("4015\n}", "4015,\n}")])));
    assert_eq!(result.kind, Kind::Unknown);
    assert_eq!(result.status, None);
    assert!(result.reasons.is_empty());
    assert!(!result.valid);
}

/// A string that never closes: the message should say so (the contract's cause for `syntax`
/// lists "an unterminated string").
#[test]
fn syntax_unterminated_string_says_so() {
    let cut = FAIL.find("not recognized").expect("the base holds the error text");
    let input = &FAIL[..cut];
    let result = only(check(input));
    assert_eq!(rule_ids(&result), ["syntax"]);
    let message = &result.findings[0].message;
    assert!(message.contains("unterminated string"), "message: {message}");
}

// ---------------------------------------------------------------------------------------------
// Verdict reasons
// ---------------------------------------------------------------------------------------------

#[test]
fn fail_with_face_mismatch_and_nothing_else_is_no_face_match() {
    let result = only(check(edit(LENSES, &[("\"hasLenses\": true", "\"hasLenses\": false")])));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert_eq!(reason_ids(&result), ["no-face-match"]);
}

#[test]
fn fail_with_face_match_and_nothing_else_is_unexplained() {
    let input = edit(
        LENSES,
        &[("\"hasLenses\": true", "\"hasLenses\": false"), ("\"faceMatch\": false", "\"faceMatch\": true")],
    );
    let result = only(check(input));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert_eq!(reason_ids(&result), ["unexplained"]);
    assert!(result.reasons[0].message.contains("hat"), "{}", result.reasons[0].message);
}

#[test]
fn spoof_4005_is_first_spoof_detected() {
    let result = only(check(SPOOF));
    assert_eq!(reason_ids(&result).first(), Some(&"spoof-detected"));
    assert_eq!(result.error_code, Some(4005));
    assert_eq!(result.spoof_confidence, Some(1.0));
}

#[test]
fn face_mask_is_face_mask_detected() {
    let input = edit(
        LENSES,
        &[("\"hasLenses\": true", "\"hasLenses\": false"), ("\"hasFaceMask\": false", "\"hasFaceMask\": true")],
    );
    let result = only(check(input));
    assert!(result.findings.is_empty(), "{:#?}", result.findings);
    assert!(reason_ids(&result).contains(&"face-mask-detected"), "{:?}", reason_ids(&result));
}

#[test]
fn lenses_are_lenses_detected() {
    let result = only(check(LENSES));
    assert_eq!(reason_ids(&result), ["lenses-detected"]);
}

#[test]
fn pass_is_first_face_matched() {
    let result = only(check(PASS));
    assert_eq!(reason_ids(&result).first(), Some(&"face-matched"));
    assert_eq!(result.status, Some(Status::Pass));
    assert!(result.valid);
    assert_eq!(result.overall_score, Some(0.93098663));
    assert_eq!(result.recognition_confidence, Some(0.93098663));
}

#[test]
fn documented_error_codes_give_their_reasons() {
    for (input, reason) in [
        (FAIL, "user-not-recognized"),
        (NOT_FOUND, "customer-not-found"),
        (BLACKLISTED, "user-blacklisted"),
        (SPOOF, "spoof-detected"),
    ] {
        let result = only(check(input));
        assert_eq!(reason_ids(&result).first(), Some(&reason));
    }
}

#[test]
fn undocumented_error_code_is_an_api_exception() {
    let input = fail(&[("User is not recognized", "Internal server error"), ("4015\n", "5001\n")]);
    let result = only(check(input));
    assert_eq!(rule_ids(&result), ["undocumented-error-code"]);
    assert_eq!(result.findings[0].severity, Severity::Note);
    assert!(result.valid, "a note does not make a payload invalid");
    assert_eq!(reason_ids(&result).first(), Some(&"api-exception"));
    assert_eq!(result.error_code, Some(5001));
}

#[test]
fn valid_is_false_exactly_when_a_finding_is_an_error() {
    let warning_only = only(check(pass(&[("\"overallScore\": 0.93098663", "\"overallScore\": 0")])));
    assert_eq!(warning_only.findings[0].severity, Severity::Warning);
    assert!(warning_only.valid);
    let error = only(check(pass(&[("\"faceMatch\": true", "\"faceMatch\": false")])));
    assert_eq!(error.findings[0].severity, Severity::Error);
    assert!(!error.valid);
    let clean = only(check(FAIL));
    assert!(clean.valid);
}

// ---------------------------------------------------------------------------------------------
// The published samples
// ---------------------------------------------------------------------------------------------

#[test]
fn the_seven_samples_are_silent_but_for_the_pass_transaction_id() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let names = ["pass", "customer-not-found", "spoof", "not-recognized", "blacklisted", "lenses", "face-mask"];
    for name in names {
        let path = dir.join(format!("{name}.json"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let result = only(check(&bytes));
        assert!(result.kind.is_authentication(), "{name}: {}", result.kind.name());
        assert!(result.valid, "{name}: {:#?}", result.findings);
        if name == "pass" {
            assert_eq!(rule_ids(&result), ["id-format"], "{name}: {:#?}", result.findings);
            let finding = &result.findings[0];
            assert_eq!(finding.pointer, "/transactionId");
            assert_eq!((finding.line, finding.column), (6, 20));
            assert_eq!(finding.severity, Severity::Warning);
        } else {
            assert!(result.findings.is_empty(), "{name}: {:#?}", result.findings);
        }
    }
}
