//! `authhook explain`: what an error code, reason code, rule or field means, what causes it, and
//! what to do, all read from the contract tables.

use crate::contract::probes::{PROBE_CASES, ProbeCase, probe_case};
use std::fmt::Write as _;

use crate::contract::{
    AUTH_FIELDS, CANDIDATE_FIELDS, ERROR_CODES, ErrorCodeSpec, FieldSpec, ID_LENGTH, ONBOARDING_FIELDS, REASONS,
    RECOGNITION_FIELDS, RULES, ReasonCode, ReasonSpec, Rule, RuleSpec, SPOOF_CODE, STATUSES, ValueCheck, error_code,
    spoof_message_prefix,
};

/// A topic `explain` knows.
#[derive(Debug, Clone, Copy)]
pub enum Topic {
    /// A documented error code.
    ErrorCode(&'static ErrorCodeSpec),
    /// An error code the vendor does not document: an API exception or unpredicted error.
    UndocumentedCode(i64),
    /// A reason code.
    Reason(&'static ReasonSpec),
    /// A rule.
    Rule(&'static RuleSpec),
    /// A documented field, and the object that holds it in words (such as `recognitionConfidence`
    /// or `the onboarding status webhook`).
    Field(&'static str, &'static FieldSpec),
    /// A case of `authhook probe`.
    ProbeCase(&'static ProbeCase),
}

/// Every field with the dotted name `explain` accepts for it.
fn all_fields() -> Vec<(String, &'static str, &'static FieldSpec)> {
    let groups: [(&str, &'static [FieldSpec], &'static str); 4] = [
        ("", AUTH_FIELDS, "the authentication payload"),
        ("recognitionConfidence.", RECOGNITION_FIELDS, "recognitionConfidence"),
        ("recognitionConfidence.candidates[].", CANDIDATE_FIELDS, "each 1:N candidate"),
        ("", ONBOARDING_FIELDS, "the onboarding status webhook"),
    ];
    let mut fields = Vec::new();
    for (prefix, specs, owner) in groups {
        for spec in specs {
            let name = format!("{prefix}{}", spec.name);
            if !fields.iter().any(|(known, _, _): &(String, _, _)| *known == name) {
                fields.push((name, owner, spec));
            }
        }
    }
    fields
}

/// Finds the topic named `name`: an error code, reason code, rule id or field name.
pub fn lookup(name: &str) -> Option<Topic> {
    let name = name.trim();
    if let Ok(code) = name.parse::<i64>() {
        return Some(error_code(code).map_or(Topic::UndocumentedCode(code), Topic::ErrorCode));
    }
    if let Some(rule) = RULES.iter().find(|r| r.id == name) {
        return Some(Topic::Rule(rule));
    }
    if let Some(reason) = REASONS.iter().find(|r| r.id == name) {
        return Some(Topic::Reason(reason));
    }
    if let Some(case) = probe_case(name) {
        return Some(Topic::ProbeCase(case));
    }
    let short = name.rsplit('.').next().unwrap_or(name);
    let fields = all_fields();
    let field = fields
        .iter()
        .find(|(full, _, _)| full == name)
        .or_else(|| fields.iter().find(|(_, _, spec)| spec.name == short));
    field.map(|(_, owner, spec)| Topic::Field(owner, spec))
}

/// Every topic name, for suggestions.
pub fn topic_names() -> Vec<String> {
    let mut names: Vec<String> = ERROR_CODES.iter().map(|e| e.code.to_string()).collect();
    names.extend(RULES.iter().map(|r| r.id.to_owned()));
    names.extend(REASONS.iter().map(|r| r.id.to_owned()));
    names.extend(all_fields().into_iter().map(|(name, _, _)| name));
    names.extend(PROBE_CASES.iter().map(|case| case.id.to_owned()));
    names
}

/// The known topic closest to `name`, for a "did you mean" hint.
pub fn closest(name: &str, candidates: &[String]) -> Option<String> {
    let name = name.trim().to_ascii_lowercase();
    let containing: Vec<&String> =
        candidates.iter().filter(|c| name.len() >= 3 && c.to_ascii_lowercase().contains(&name)).collect();
    if let [only] = containing.as_slice() {
        return Some((*only).clone());
    }
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(&name, &c.to_ascii_lowercase()), c))
        .filter(|(distance, c)| *distance <= 3.max(c.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c.clone())
}

/// The documented errorMessage of an error code, as `explain` shows it.
fn documented_message(spec: &ErrorCodeSpec) -> String {
    match spec.message {
        None => "absent (the vendor documents none)".to_owned(),
        Some(text) if spec.code == SPOOF_CODE => {
            format!("\"{}<spoofConfidence>\", e.g. {text:?}", spoof_message_prefix())
        }
        Some(text) => format!("{text:?} (a final period is accepted)"),
    }
}

fn checks_of(spec: &FieldSpec) -> String {
    let check = match spec.check {
        ValueCheck::Any => String::new(),
        ValueCheck::UnitInterval => ", from 0 to 1 (out-of-range)".to_owned(),
        ValueCheck::HexId => format!(", {ID_LENGTH} lowercase hex characters (id-format)"),
        ValueCheck::Status => {
            let spelled: Vec<String> = STATUSES.iter().map(|status| format!("{status:?}")).collect();
            format!(", exactly {} (invalid-value)", spelled.join(" or "))
        }
        ValueCheck::Secret => {
            ", a credential: redacted in every output, flagged when non-empty (token-present)".to_owned()
        }
        ValueCheck::Integer => ", a whole number".to_owned(),
        ValueCheck::Object(fields) | ValueCheck::ArrayOf(fields) => {
            format!(", members: {}", fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", "))
        }
    };
    let presence = if spec.required { "required (missing-field)" } else { "optional" };
    format!("{} {}, {presence}{check}", article(spec.json_type.name()), spec.json_type)
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The full explanation of one topic.
pub fn render(topic: Topic) -> String {
    let mut out = String::new();
    let _ = match topic {
        Topic::ErrorCode(spec) => {
            let reason = spec.reason.spec();
            writeln!(out, "errorCode {}: {}", spec.code, spec.error)
                .and_then(|_| writeln!(out, "  error:        {:?}", spec.error))
                .and_then(|_| writeln!(out, "  errorMessage: {}", documented_message(spec)))
                .and_then(|_| writeln!(out, "  reason:       {}", reason.id))
                .and_then(|_| writeln!(out, "  meaning:      {}", reason.meaning))
                .and_then(|_| writeln!(out, "  what to do:   {}", reason.action))
        }
        Topic::UndocumentedCode(code) => {
            let reason = ReasonCode::ApiException.spec();
            let note = Rule::UndocumentedErrorCode.spec();
            writeln!(out, "errorCode {code}: not documented")
                .and_then(|_| writeln!(out, "  reason:       {}", reason.id))
                .and_then(|_| writeln!(out, "  meaning:      {}", reason.meaning))
                .and_then(|_| writeln!(out, "  what to do:   {}", reason.action))
                .and_then(|_| writeln!(out, "  finding:      {} ({}): {}", note.id, note.severity.name(), note.cause))
        }
        Topic::Reason(spec) => {
            let codes = codes_of(spec);
            writeln!(out, "reason {}: {}", spec.id, heading(spec))
                .and_then(|_| writeln!(out, "  meaning:    {}", spec.meaning))
                .and_then(
                    |_| if codes.is_empty() { Ok(()) } else { writeln!(out, "  errorCode:  {}", codes.join(", ")) },
                )
                .and_then(|_| writeln!(out, "  what to do: {}", spec.action))
        }
        Topic::Rule(spec) => writeln!(out, "rule {} ({} by default): {}", spec.id, spec.severity.name(), spec.summary)
            .and_then(|_| writeln!(out, "  why:        {}", spec.cause))
            .and_then(|_| writeln!(out, "  what to do: {}", spec.fix)),
        Topic::Field(owner, spec) => writeln!(out, "field {} (in {owner}): {}", spec.name, checks_of(spec))
            .and_then(|_| writeln!(out, "  meaning: {}", spec.meaning)),
        Topic::ProbeCase(case) => writeln!(out, "probe case {}: sends {}", case.id, case.sends)
            .and_then(|_| writeln!(out, "  why:    {}", case.why))
            .and_then(|_| writeln!(out, "  passes: {}", case.passes))
            .and_then(|_| {
                if case.needs_credentials {
                    writeln!(out, "  runs:   only with --header, --bearer or --oauth")
                } else {
                    Ok(())
                }
            }),
    };
    out
}

/// The error codes that give a reason.
fn codes_of(spec: &ReasonSpec) -> Vec<String> {
    ERROR_CODES.iter().filter(|e| e.reason == spec.code).map(|e| e.code.to_string()).collect()
}

/// A reason's title, with the error codes that give it.
pub fn heading(spec: &ReasonSpec) -> String {
    match codes_of(spec).as_slice() {
        [] => spec.title.to_owned(),
        codes => format!("{} ({})", spec.title, codes.join(", ")),
    }
}

/// The index of every topic, one line each.
pub fn index() -> String {
    let mut out = String::from("Error codes (authhook explain 4005):\n");
    for spec in ERROR_CODES {
        let _ = writeln!(out, "  {:<28} {}", spec.code, spec.error);
    }
    out.push_str("  other codes                  an API exception or unpredicted error (reason api-exception)\n");
    out.push_str("\nReasons (authhook explain spoof-detected):\n");
    for spec in REASONS {
        let _ = writeln!(out, "  {:<28} {}", spec.id, heading(spec));
    }
    out.push_str("\nRules (authhook explain id-format):\n");
    for spec in RULES {
        let _ = writeln!(out, "  {:<28} {:<8} {}", spec.id, spec.severity.name(), spec.summary);
    }
    out.push_str("\nFields (authhook explain overallScore):\n");
    let fields = all_fields();
    let width = fields.iter().map(|(name, _, _)| name.len()).max().unwrap_or(0);
    for (name, owner, spec) in fields {
        let _ = writeln!(out, "  {name:<width$} {} ({owner})", spec.json_type);
    }
    out.push_str("\nProbe cases (authhook explain retry-duplicate):\n");
    for case in PROBE_CASES {
        let _ = writeln!(out, "  {:<28} sends {}", case.id, case.sends);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind_of_topic() {
        assert!(matches!(lookup("4005"), Some(Topic::ErrorCode(spec)) if spec.code == 4005));
        assert!(matches!(lookup("id-format"), Some(Topic::Rule(_))));
        assert!(matches!(lookup("face-matched"), Some(Topic::Reason(_))));
        assert!(
            matches!(lookup("recognitionConfidence.candidates[].identityId"), Some(Topic::Field(_, spec)) if spec.name == "identityId")
        );
        assert!(matches!(lookup("onboardingStatus"), Some(Topic::Field(_, _))));
        assert!(matches!(lookup("4006"), Some(Topic::UndocumentedCode(4006))));
    }

    #[test]
    fn suggests_the_closest_topic() {
        assert_eq!(closest("id-fromat", &topic_names()).as_deref(), Some("id-format"));
        assert_eq!(closest("zzzzzzzzzzzzzzzzz", &topic_names()), None);
    }
}
