//! The README against the contract: its rule and reason tables are the contract's own, its list
//! of log-record members is the scanner's, every detail a finding carries is documented, and its
//! example of the stats document is what `stats` prints, every member of it described.

use std::collections::{BTreeMap, BTreeSet};

use authhook::contract::delivery::REQUEST_RULES;
use authhook::contract::explain::heading;
use authhook::contract::{LOG_RECORD_KEYS, REASONS, RULES};
use serde_json::Value;

use crate::common::{authhook, check, parse_lines, run};

const README: &str = include_str!("../../README.md");

/// The rule table as the contract has it: id, default severity, summary.
fn rules_table() -> String {
    let mut table = String::from("| rule | severity | when |\n|---|---|---|\n");
    for spec in RULES {
        table.push_str(&format!("| `{}` | {} | {} |\n", spec.id, spec.severity.name(), spec.summary));
    }
    table
}

/// The reason table as the contract has it: id, title with its error codes, meaning.
fn reasons_table() -> String {
    let mut table = String::from("| reason | title | meaning |\n|---|---|---|\n");
    for spec in REASONS {
        table.push_str(&format!("| `{}` | {} | {} |\n", spec.id, heading(spec), spec.meaning));
    }
    table
}

#[test]
fn the_rule_table_is_the_contracts() {
    let table = rules_table();
    assert!(README.contains(&table), "README.md's rule table differs from the contract; it should read:\n{table}");
}

#[test]
fn the_reason_table_is_the_contracts() {
    let table = reasons_table();
    assert!(README.contains(&table), "README.md's reason table differs from the contract; it should read:\n{table}");
}

#[test]
fn the_log_record_members_are_the_scanners() {
    let names: Vec<String> = LOG_RECORD_KEYS.iter().map(|key| format!("`{key}`")).collect();
    let (last, rest) = names.split_last().map(|(last, rest)| (last.clone(), rest.join(", "))).unwrap_or_default();
    let phrase = format!("a member named {rest} or {last}");
    assert!(README.contains(&phrase), "README.md should say which members make a log record: {phrase}");
}

/// The detail names README's "Finding details" table documents for each rule.
pub fn documented_details() -> BTreeMap<String, BTreeSet<String>> {
    let section = README.split("### Finding details").nth(1).unwrap_or_default();
    let mut documented = BTreeMap::new();
    for line in section.lines().skip_while(|line| !line.starts_with("| rule")).skip(2) {
        let Some(row) = line.strip_prefix("| `") else { break };
        let mut cells = row.split(" | ");
        let rule = cells.next().unwrap_or_default().trim_end_matches('`').to_owned();
        let names = cells.next().unwrap_or_default();
        let names = names.split('`').skip(1).step_by(2).map(str::to_owned).collect();
        documented.insert(rule, names);
    }
    documented
}

/// Text that makes every rule fire once `--lenient`, `--max-payload-bytes 65536` and
/// `--expect pass` are given.
fn every_rule() -> String {
    let pass = r#"{"customerId":"67460a9995516d9a553aa95b","transactionId":"67460a9995516d9a553aa95c","faceMatch":false,"recognitionConfidence":{"confidence":0.9},"overallScore":0.5,"overallStatus":"PASS","error":"x"}"#;
    let conflict = pass.replace("0.5", "0.6");
    let mut nested = String::from(r#"{"overallStatus":"PASS"}"#);
    for _ in 0..12 {
        nested = format!(r#"{{"log":{}}}"#, serde_json::to_string(&Value::String(nested)).unwrap_or_default());
    }
    [
        r#"{"overallStatus":"pass","faceMatch":"yes","customerId":"ABC","recognitionConfidence":{"confidence":1.5},"overallScore":0.9,"costumerId":1,"token":"abc","errorCode":4005.0,"error":"x","errorMessage":"y","spoofAttempt":false,"faceMatch":true}"#,
        r#"{"faceMatch":true,"spoofAttempt":true}"#,
        pass,
        pass,
        &conflict,
        r#"{"customerId":"67460a9995516d9a553aa95b","faceMatch":false,"recognitionConfidence":{"confidence":0.1},"overallScore":0,"overallStatus":"FAIL","errorCode":4999}"#,
        r#"{"onboardingStatus":"ONBOARDING_FINISHED"}"#,
        r#"{"level":"info"}"#,
        r#"{"a": }"#,
        r#"{"overallStatus":"FAIL", /* accepted */ "faceMatch":false}"#,
        "{ overallStatus: 'FAIL', faceMatch: false, recognitionConfidence: [Object] }",
        &format!(r#"{{"pad":"{}"}}"#, "x".repeat(100_000)),
        &nested,
    ]
    .join("\n")
}

#[test]
fn every_detail_a_finding_carries_is_documented() {
    let documented = documented_details();
    let rule_ids: BTreeSet<String> = RULES.iter().map(|spec| spec.id.to_owned()).collect();
    assert_eq!(documented.keys().cloned().collect::<BTreeSet<_>>(), rule_ids, "one row per rule");
    let args = ["--format", "ndjson", "--lenient", "--max-payload-bytes", "65536", "--expect", "pass", "-"];
    let (stdout, _) = run(check(&args).write_stdin(every_rule()), 1);
    let mut fired = BTreeSet::new();
    for result in parse_lines(&stdout) {
        for finding in result["findings"].as_array().into_iter().flatten() {
            let rule = finding["rule"].as_str().unwrap_or_default().to_owned();
            let names: BTreeSet<String> =
                finding["details"].as_object().map(|details| details.keys().cloned().collect()).unwrap_or_default();
            let allowed = documented.get(&rule).cloned().unwrap_or_default();
            assert!(names.is_subset(&allowed), "{rule}: details {names:?}, README documents {allowed:?}");
            fired.insert(rule);
        }
    }
    let request_rules: BTreeSet<String> = REQUEST_RULES.iter().map(|rule| rule.id().to_owned()).collect();
    assert_eq!(fired, &rule_ids - &request_rules, "the input makes every rule fire but those about requests");
}

/// Words in README's shell examples that stand for the reader's own files, which the tests
/// cannot have; an example that holds one is not run.
const PLACEHOLDERS: &[&str] = &["captures/", "app.log"];

/// An example line that starts a listener serving until Ctrl-C, made to stop by itself after a
/// second, on a free port unless it names one: the options are parsed and the listener serves,
/// and the test ends it.
fn bounded_listener(line: &str) -> String {
    if !line.contains("authhook listen") || line.contains("--timeout") || line.contains("--count") {
        return line.to_owned();
    }
    let port = if line.contains("--port") { "" } else { " --port 0" };
    line.replacen("authhook listen", &format!("authhook listen --timeout 1s{port}"), 1)
}

/// README's `sh` blocks, each as its lines.
fn shell_blocks() -> Vec<Vec<&'static str>> {
    let mut blocks = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in README.lines() {
        match (&mut block, line.trim_end()) {
            (None, "```sh") => block = Some(Vec::new()),
            (Some(_), "```") => blocks.extend(block.take()),
            (Some(lines), _) => lines.push(line),
            (None, _) => {}
        }
    }
    blocks
}

/// The exit status an example's own text promises: `echo "exit $?"   # N`.
fn promised_status(line: &str) -> Option<&str> {
    let (command, comment) = line.rsplit_once('#')?;
    command.contains("echo \"exit $?\"").then(|| comment.trim())
}

/// Runs `script` with bash in `dir`, with the built authhook first on the PATH; returns its
/// exit status and what it printed.
fn bash(dir: &std::path::Path, script: &str) -> (Option<i32>, String) {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_authhook")).parent().map(|p| p.display().to_string());
    let path = format!("{}:{}", bin.unwrap_or_default(), std::env::var("PATH").unwrap_or_default());
    let output = std::process::Command::new("timeout")
        .args(["120", "bash", "-o", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("AUTHHOOK_TODAY", crate::common::TODAY)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("bash runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

#[test]
fn every_shell_example_works_as_pasted() {
    let dir = crate::common::tempdir();
    for shared in ["samples", "tests"] {
        std::os::unix::fs::symlink(crate::common::crate_path(shared), dir.path().join(shared)).expect("a link");
    }
    let mut ran = 0;
    for block in shell_blocks() {
        let script: Vec<&str> = block.iter().copied().filter(|line| !line.trim_start().starts_with("cargo ")).collect();
        if script.iter().any(|line| PLACEHOLDERS.iter().any(|word| line.contains(word))) {
            continue;
        }
        if script.iter().any(|line| line.trim_start().starts_with("case ")) {
            // A script with control flow runs whole, and must end well.
            let (status, text) = bash(dir.path(), &script.join("\n"));
            assert_eq!(status, Some(0), "README script failed:\n{}\n{text}", script.join("\n"));
            ran += 1;
            continue;
        }
        for line in script.iter().filter(|line| !line.trim().is_empty()) {
            let bounded = bounded_listener(line);
            let (status, text) = bash(dir.path(), &bounded);
            if line.contains("echo \"exit $?\"") {
                assert!(promised_status(line).is_some(), "`{line}` shows its exit status: say which with `# N`");
            }
            match promised_status(line) {
                Some(code) => assert!(text.contains(&format!("exit {code}")), "`{line}` promises exit {code}:\n{text}"),
                // A listener that nothing was sent to stops with 2 and says so.
                None if bounded != *line => {
                    assert!(text.contains("no authentication payload arrived"), "`{line}` as `{bounded}`:\n{text}");
                }
                // 1 is a finding in what was checked; 2 would be a broken example.
                None => assert!(matches!(status, Some(0 | 1)), "`{line}` exited with {status:?}:\n{text}"),
            }
            assert!(!text.contains("panicked"), "`{line}`:\n{text}");
            ran += 1;
        }
    }
    assert!(ran >= 30, "README's examples were run: {ran}");
}

/// README's section on the stats document.
fn stats_document_section() -> &'static str {
    let section = README.split("### The stats document").nth(1).unwrap_or_default();
    section.split("\n## ").next().unwrap_or_default()
}

#[test]
fn the_stats_document_example_is_what_stats_prints() {
    let section = stats_document_section();
    let example = section.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap_or_default();
    let documented: Value =
        serde_json::from_str(example).unwrap_or_else(|e| panic!("README's example is not JSON ({e}):\n{example}"));
    let command = "authhook stats --by file --format json samples/pass.json samples/spoof.json";
    assert!(section.contains(&format!("`{command}`")), "README names the command of its example");
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let (stdout, _) = run(authhook().args(&args), 0);
    let printed: Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(documented, printed, "README's example of the stats document differs from what {command} prints");
    for member in printed
        .as_object()
        .expect("an object")
        .keys()
        .chain(printed["byFile"][0].as_object().expect("an object").keys())
    {
        assert!(section.contains(&format!("`{member}`")), "README does not describe the stats member {member}");
    }
}
