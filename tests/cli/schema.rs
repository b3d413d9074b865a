//! The JSON Schema that `authhook schema` prints, held against the validator itself.
//!
//! An independent validator (the `jsonschema` crate) and `check_bytes` must agree on every
//! payload: the seven samples and thousands of deterministic mutants of them. A mutant is
//! accepted by the schema exactly when authhook finds no error among the rules a schema can
//! express (missing-field, wrong-type, out-of-range, invalid-value, contradiction). Also here:
//! the schema is valid draft 2020-12, the command prints what the library returns, and the
//! generated completion scripts and man pages.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use authhook::assess::AssessOptions;
use authhook::contract::schema::SCHEMA_RULES;
use authhook::contract::schema::{DIALECT, SCHEMA_ID, auth_schema, auth_schema_text};
use authhook::contract::{AUTH_FIELDS, CANDIDATE_FIELDS, RECOGNITION_FIELDS, Severity};
use authhook::stream::{Parallelism, check_bytes, check_bytes_with};
use jsonschema::Validator;
use predicates::prelude::*;
use serde_json::{Value, json};

/// Values every member (and array item) is set to in turn: each JSON type, numbers in and out of
/// 0..1, statuses spelled right and wrong, ids hex and not, and the shapes nested fields take.
fn replacement_pool() -> Vec<Value> {
    vec![
        json!(true),
        json!(false),
        json!(null),
        json!("true"),
        json!(""),
        json!("PASS"),
        json!("FAIL"),
        json!("pass"),
        json!("OK"),
        json!(" PASS"),
        json!("0.5"),
        json!("4005"),
        json!("0123456789abcdef01234567"),
        json!("NOT-A-HEX-ID"),
        json!("0123456789ABCDEF01234567"),
        json!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl"),
        json!(0),
        json!(1),
        json!(0.5),
        json!(1.5),
        json!(-0.1),
        json!(1e3),
        json!(-1),
        json!(4005),
        json!(4005.5),
        json!(42),
        json!([]),
        json!({}),
        json!(["x"]),
        json!([1, 2]),
        json!({"confidence": 0.5}),
        json!({"confidence": 0.5, "candidates": []}),
        json!([{"identityId": "0123456789abcdef01234567", "confidence": 0.5}]),
        json!([{"identityId": "not-hex", "confidence": 2}]),
        json!([{"confidence": 0.5}]),
    ]
}

/// Values an absent key is added with.
fn addition_pool() -> Vec<Value> {
    vec![
        json!(true),
        json!(false),
        json!("Spoof attempt detected"),
        json!(4005),
        json!(4005.5),
        json!(0.5),
        json!(null),
        json!([]),
    ]
}

/// Keys that are added where absent: every documented name (misplaced ones are unknown fields
/// there) and two undocumented ones, one a misspelling.
fn added_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> =
        AUTH_FIELDS.iter().chain(RECOGNITION_FIELDS).chain(CANDIDATE_FIELDS).map(|spec| spec.name).collect();
    keys.extend(["deviceFingerprint", "overalStatus"]);
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A candidate item, added to each sample's recognitionConfidence so that candidates are
/// mutated too (every sample's list is empty).
fn candidate() -> Value {
    json!({"identityId": "67460a9995516d9a553aa95b", "confidence": 0.42})
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// One change to a payload.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(Vec<Step>),
    Set(Vec<Step>, Value),
    Add(Vec<Step>, &'static str, Value),
}

fn pointer(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => format!("/{key}"),
            Step::Index(index) => format!("/{index}"),
        })
        .collect()
}

impl Mutation {
    fn describe(&self) -> String {
        match self {
            Mutation::Remove(path) => format!("remove {}", pointer(path)),
            Mutation::Set(path, value) => format!("set {} = {value}", pointer(path)),
            Mutation::Add(path, key, value) => format!("add {}/{key} = {value}", pointer(path)),
        }
    }

    fn apply(&self, payload: &mut Value) {
        match self {
            Mutation::Remove(path) => {
                let (last, parent) = path.split_last().expect("a member path");
                if let (Some(Value::Object(members)), Step::Key(key)) = (at_mut(payload, parent), last) {
                    members.remove(key);
                }
            }
            Mutation::Set(path, value) => {
                if let Some(slot) = at_mut(payload, path) {
                    *slot = value.clone();
                }
            }
            Mutation::Add(path, key, value) => {
                if let Some(Value::Object(members)) = at_mut(payload, path) {
                    members.insert((*key).to_owned(), value.clone());
                }
            }
        }
    }
}

fn at_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |at, step| match step {
        Step::Key(key) => at.get_mut(key.as_str()),
        Step::Index(index) => at.get_mut(*index),
    })
}

/// Every single mutation of `payload`: each member removed, each member and item set to each
/// pool value, each absent key added to each object with each addition value.
fn mutations(payload: &Value) -> Vec<Mutation> {
    let replacements = replacement_pool();
    let additions = addition_pool();
    let keys = added_keys();
    let mut found = Vec::new();
    let mut stack: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), payload)];
    while let Some((path, value)) = stack.pop() {
        if !path.is_empty() {
            if matches!(path.last(), Some(Step::Key(_))) {
                found.push(Mutation::Remove(path.clone()));
            }
            found.extend(replacements.iter().map(|v| Mutation::Set(path.clone(), v.clone())));
        }
        match value {
            Value::Object(members) => {
                for key in keys.iter().filter(|key| !members.contains_key(**key)) {
                    found.extend(additions.iter().map(|v| Mutation::Add(path.clone(), key, v.clone())));
                }
                for (key, member) in members {
                    let mut member_path = path.clone();
                    member_path.push(Step::Key(key.clone()));
                    stack.push((member_path, member));
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mut item_path = path.clone();
                    item_path.push(Step::Index(index));
                    stack.push((item_path, item));
                }
            }
            _ => {}
        }
    }
    found
}

/// SplitMix64: a small, seeded, deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// The published samples, by file name, sorted.
fn samples() -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = std::fs::read_dir(samples_dir())
        .expect("samples/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a sample is readable");
            let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not strict JSON: {e}"));
            (name, value)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(found.len(), 7, "expected the seven published samples in samples/");
    found
}

/// The starting points: each sample, and each with a candidate in recognitionConfidence.
fn bases() -> Vec<(String, Value)> {
    let mut bases = Vec::new();
    for (name, sample) in samples() {
        let mut with_candidate = sample.clone();
        if let Some(Value::Object(recognition)) = with_candidate.get_mut("recognitionConfidence") {
            recognition.insert("candidates".to_owned(), json!([candidate()]));
        }
        bases.push((name.clone(), sample));
        bases.push((format!("{name} + candidate"), with_candidate));
    }
    bases
}

fn validator() -> Validator {
    jsonschema::draft202012::new(&auth_schema()).expect("the generated schema compiles")
}

/// What the schema says of a payload: `None` when it accepts it, else its errors.
fn schema_verdict(validator: &Validator, payload: &Value) -> Option<Vec<String>> {
    let errors: Vec<String> = validator
        .iter_errors(payload)
        .map(|error| format!("{} at {:?}", error, error.instance_path().as_str()))
        .collect();
    (!errors.is_empty()).then_some(errors)
}

/// `check_bytes` with chunks sized for one small payload. The outcome is the same for any chunk
/// size (the check module's tests hold it to that, and the samples test below compares), but an
/// unoptimized build spends milliseconds zero-filling the default 1 MiB buffer per call, which
/// thousands of mutants would feel.
const SMALL_CHUNKS: Parallelism = Parallelism { threads: 1, chunk_bytes: 16 * 1024 };

/// What authhook says of a payload: `None` when it finds no error a schema can express, else
/// those errors.
fn authhook_verdict(text: &str) -> Option<Vec<String>> {
    let results = check_bytes_with("mutant.json", text.as_bytes(), &AssessOptions::default(), SMALL_CHUNKS);
    assert_eq!(results.len(), 1, "one payload gives one result:\n{text}");
    let result = &results[0];
    assert!(result.kind.is_authentication(), "the mutant is read as an authentication payload:\n{text}");
    let errors: Vec<&authhook::rules::Finding> =
        result.findings.iter().filter(|finding| finding.severity == Severity::Error).collect();
    for finding in &errors {
        assert!(
            SCHEMA_RULES.contains(&finding.rule),
            "error rule {} arose from a single well-formed payload; decide whether the schema can express it:\n{text}",
            finding.rule.id()
        );
    }
    let errors: Vec<String> =
        errors.iter().map(|f| format!("{} at {:?}: {}", f.rule.id(), f.pointer, f.message)).collect();
    (!errors.is_empty()).then_some(errors)
}

/// Whether errorCode is a whole number written with a fraction or exponent (`1000.0`): the one
/// difference the schema cannot see, since JSON Schema's `integer` is about the value, not its
/// spelling. Pinned by its own test below.
fn whole_error_code_as_fraction(payload: &Value) -> bool {
    matches!(payload.get("errorCode"), Some(Value::Number(n)) if n.is_f64() && n.as_f64().is_some_and(|v| v.fract() == 0.0))
}

#[derive(Default)]
struct Tally {
    checked: usize,
    accepted: usize,
    rejected: usize,
    mismatches: Vec<String>,
}

impl Tally {
    fn check(&mut self, validator: &Validator, origin: &str, payload: &Value) {
        if whole_error_code_as_fraction(payload) {
            return;
        }
        let text = serde_json::to_string_pretty(payload).expect("a mutant serializes");
        let schema = schema_verdict(validator, payload);
        let authhook = authhook_verdict(&text);
        self.checked += 1;
        if schema.is_none() {
            self.accepted += 1;
        } else {
            self.rejected += 1;
        }
        if schema.is_none() != authhook.is_none() {
            let show = |verdict: &Option<Vec<String>>| match verdict {
                None => "accepted".to_owned(),
                Some(errors) => format!("rejected:\n    {}", errors.join("\n    ")),
            };
            self.mismatches.push(format!(
                "{origin}\n  schema: {}\n  authhook: {}\n{text}",
                show(&schema),
                show(&authhook)
            ));
        }
    }

    fn assert_agreement(&self) {
        assert!(
            self.mismatches.is_empty(),
            "the schema and authhook disagree on {} of {} payloads; the first:\n\n{}",
            self.mismatches.len(),
            self.checked,
            self.mismatches.iter().take(3).cloned().collect::<Vec<_>>().join("\n\n")
        );
    }
}

#[test]
fn the_samples_are_valid_against_the_schema() {
    let validator = validator();
    for (name, sample) in samples() {
        if let Some(errors) = schema_verdict(&validator, &sample) {
            panic!("the schema rejects {name}: {errors:?}");
        }
        let text = serde_json::to_string(&sample).expect("a sample serializes");
        assert_eq!(authhook_verdict(&text), None, "authhook finds a type-level error in {name}");
        let findings = |results: Vec<authhook::assess::CheckResult>| -> Vec<_> {
            results.into_iter().flat_map(|r| r.findings).collect()
        };
        assert_eq!(
            findings(check_bytes(&name, text.as_bytes(), &AssessOptions::default())),
            findings(check_bytes_with(&name, text.as_bytes(), &AssessOptions::default(), SMALL_CHUNKS)),
            "chunk size changes the findings for {name}"
        );
    }
}

#[test]
fn the_schema_agrees_with_authhook_on_every_single_mutation() {
    let validator = validator();
    let mut tally = Tally::default();
    for (name, base) in bases() {
        tally.check(&validator, &name, &base);
        for mutation in mutations(&base) {
            let mut mutant = base.clone();
            mutation.apply(&mut mutant);
            tally.check(&validator, &format!("{name}: {}", mutation.describe()), &mutant);
        }
    }
    tally.assert_agreement();
    assert!(tally.checked >= 1000, "only {} mutants were checked", tally.checked);
    assert!(
        tally.accepted >= 100 && tally.rejected >= 100,
        "one-sided mutants: {} accepted, {} rejected",
        tally.accepted,
        tally.rejected
    );
}

#[test]
fn the_schema_agrees_with_authhook_on_combined_mutations() {
    let validator = validator();
    let bases = bases();
    let mut rng = Rng(0x00A7_5C4E_3A11_2024);
    let mut tally = Tally::default();
    for _ in 0..1500 {
        let (name, base) = &bases[rng.below(bases.len())];
        let mut mutant = base.clone();
        let mut applied = Vec::new();
        for _ in 0..2 + rng.below(3) {
            let candidates = mutations(&mutant);
            let mutation = &candidates[rng.below(candidates.len())];
            mutation.apply(&mut mutant);
            applied.push(mutation.describe());
        }
        tally.check(&validator, &format!("{name}: {}", applied.join("; ")), &mutant);
    }
    tally.assert_agreement();
    assert!(tally.checked >= 1000, "only {} mutants were checked", tally.checked);
    assert!(
        tally.accepted >= 50 && tally.rejected >= 50,
        "one-sided mutants: {} accepted, {} rejected",
        tally.accepted,
        tally.rejected
    );
}

#[test]
fn the_schema_accepts_what_only_warnings_object_to() {
    let validator = validator();
    let (_, pass) = samples().into_iter().find(|(name, _)| name == "pass.json").expect("pass.json");
    let mut payload = pass;
    payload["customerId"] = json!("NOT-HEX");
    payload["transactionId"] = json!("");
    payload["token"] = json!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl");
    payload["deviceFingerprint"] = json!({"anything": [1, 2]});
    payload["recognitionConfidence"]["candidates"] = json!([{"identityId": "x", "confidence": 1, "extra": true}]);
    assert_eq!(schema_verdict(&validator, &payload), None);
    let text = serde_json::to_string(&payload).expect("serializes");
    assert_eq!(authhook_verdict(&text), None);
}

/// JSON Schema's `integer` is a property of the value, so `4005.0` is one; authhook reads the
/// text and reports it as wrong-type. The schema's description says so.
#[test]
fn a_whole_error_code_written_as_a_fraction_is_beyond_the_schema() {
    let validator = validator();
    let (_, spoof) = samples().into_iter().find(|(name, _)| name == "spoof.json").expect("spoof.json");
    let mut payload = spoof;
    payload["errorCode"] = json!(4005.0);
    assert!(whole_error_code_as_fraction(&payload));
    assert_eq!(schema_verdict(&validator, &payload), None);
    let text = serde_json::to_string(&payload).expect("serializes");
    assert!(text.contains("\"errorCode\":4005.0"), "{text}");
    let errors = authhook_verdict(&text).expect("authhook rejects 4005.0");
    assert!(errors.iter().all(|e| e.starts_with("wrong-type at \"/errorCode\"")), "{errors:?}");
    assert!(auth_schema()["description"].as_str().is_some_and(|d| d.contains("4005.0")));
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    let schema = auth_schema();
    if let Err(error) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("the schema is not valid against the draft 2020-12 meta-schema: {error}");
    }
    assert_eq!(schema["$schema"], DIALECT);
    assert_eq!(DIALECT, "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["$id"], SCHEMA_ID);
    assert!(schema["title"].is_string() && schema["description"].is_string());
}

#[test]
fn the_schema_has_the_contract_shape() {
    let schema = auth_schema();
    let properties = schema["properties"].as_object().expect("properties");
    let names: Vec<&str> = properties.keys().map(String::as_str).collect();
    let mut documented: Vec<&str> = AUTH_FIELDS.iter().map(|spec| spec.name).collect();
    documented.sort_unstable();
    let mut names_sorted = names.clone();
    names_sorted.sort_unstable();
    assert_eq!(names_sorted, documented);
    let required: Vec<&str> = AUTH_FIELDS.iter().filter(|s| s.required).map(|s| s.name).collect();
    assert_eq!(schema["required"], json!(required));
    assert_eq!(properties["errorCode"]["type"], "integer");
    assert_eq!(properties["overallStatus"]["enum"], json!(["PASS", "FAIL"]));
    assert_eq!(properties["overallScore"]["minimum"], 0);
    assert_eq!(properties["overallScore"]["maximum"], 1);
    let candidates = &properties["recognitionConfidence"]["properties"]["candidates"]["items"];
    assert_eq!(candidates["required"], json!(["identityId", "confidence"]));
    assert_eq!(candidates["properties"]["confidence"]["maximum"], 1);
    assert_eq!(schema["if"]["properties"]["overallStatus"]["const"], "PASS");
    assert_eq!(schema["then"]["properties"]["faceMatch"]["const"], true);
    assert_eq!(schema["then"]["properties"]["spoofAttempt"]["const"], false);
    // Warnings stay out: unknown fields are allowed and ids have no pattern.
    assert!(schema.get("additionalProperties").is_none());
    assert!(!auth_schema_text().contains("\"pattern\""));
    assert!(!auth_schema_text().contains("additionalProperties"));
}

/// `authhook` run from the crate root with colour off.
fn authhook() -> Command {
    let mut cmd = Command::cargo_bin("authhook").expect("the authhook binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let output = authhook().args(args).output().expect("authhook runs");
    assert_eq!(output.status.code(), Some(0), "authhook {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "authhook {args:?} wrote to stderr");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn the_schema_command_prints_the_library_schema() {
    let text = stdout_of(&["schema"]);
    assert_eq!(text, auth_schema_text());
    let printed: Value = serde_json::from_str(&text).expect("the output is JSON");
    assert_eq!(printed, auth_schema());
    assert!(text.starts_with("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"), "{text}");
}

#[test]
fn completions_are_generated_for_every_shell() {
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("authhook") && bash.contains("check") && bash.contains("schema"), "{bash}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("authhook") && script.contains("check"), "{shell}: {script}");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    authhook()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("invalid value 'tcsh'").and(predicate::str::contains("bash")));
    authhook().arg("completions").assert().code(2);
}

/// The page's first line after the roff preamble (`.ie`/`.el` define the apostrophe string),
/// which must be the `.TH` title line.
fn title_line(page: &str) -> Option<&str> {
    page.lines().find(|line| !line.starts_with(".ie ") && !line.starts_with(".el "))
}

#[test]
fn the_man_page_is_roff_generated_from_the_command_line() {
    let page = stdout_of(&["man"]);
    assert_eq!(
        title_line(&page),
        Some(concat!(".TH authhook 1  \"authhook ", env!("CARGO_PKG_VERSION"), "\" ")),
        "{page}"
    );
    for mentioned in ["check", "explain", "stats", "schema", "completions", "authhook\\-check(1)"] {
        assert!(page.contains(mentioned), "the man page does not mention {mentioned}:\n{page}");
    }
    let check = stdout_of(&["man", "check"]);
    assert!(title_line(&check).is_some_and(|title| title.starts_with(".TH authhook-check 1 ")), "{check}");
    assert!(check.contains("\\-\\-strict"), "{check}");
    authhook()
        .args(["man", "nonesuch"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no command named \"nonesuch\""));
}

#[test]
fn the_new_commands_have_help_with_examples() {
    for command in ["schema", "completions", "man"] {
        let help = stdout_of(&[command, "--help"]);
        assert!(help.contains("Examples:"), "authhook {command} --help has no examples:\n{help}");
    }
    let help = stdout_of(&["--help"]);
    for command in ["schema", "completions", "man"] {
        assert!(help.contains(command), "authhook --help does not list {command}");
    }
}
