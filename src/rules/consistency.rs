//! Cross-field rules: whether the status, flags, scores and error fields of an authentication
//! payload agree with each other and with the documented error table.

use super::{AuthView, Details, FindingSink, Path, number};
use crate::contract::Status;
use crate::contract::{
    AuthField, ERROR_CODES, FAILURE_ONLY_FIELDS, PASS_CONTRADICTIONS, Rule, SPOOF_CODE, error_code,
    spoof_message_prefix,
};

/// Two confidences closer than this are the same value written differently.
const SAME_CONFIDENCE: f64 = 1e-9;

/// Runs every cross-field rule over `view`.
pub fn check(view: &AuthView<'_, '_>, status: Option<Status>, sink: &mut FindingSink<'_>) {
    if status == Some(Status::Pass) {
        contradictions(view, sink);
        score(view, sink);
    }
    error_fields(view, sink);
    spoof(view, sink);
}

/// Adds a finding at the top-level field `field`.
fn at(
    view: &AuthView<'_, '_>,
    field: AuthField,
    rule: Rule,
    sink: &mut FindingSink<'_>,
    message: String,
    details: Details,
) {
    let offset = view.node(field).map_or(0, |node| node.offset);
    let root = Path::Root;
    sink.add(rule, &Path::Key(&root, field.name()), offset, message, details);
}

fn contradictions(view: &AuthView<'_, '_>, sink: &mut FindingSink<'_>) {
    for flag in PASS_CONTRADICTIONS {
        if view.bool(flag.field) == Some(flag.failing) {
            let message = format!("overallStatus is {} but {}", Status::Pass.name(), flag.what);
            let details = Details::new()
                .with("status", Status::Pass.name())
                .with("field", flag.field.name())
                .with("found", flag.failing);
            at(view, flag.field, Rule::Contradiction, sink, message, details);
        }
    }
    for &field in FAILURE_ONLY_FIELDS {
        if view.has(field) {
            at(
                view,
                field,
                Rule::Contradiction,
                sink,
                format!(
                    "overallStatus is {} but the payload carries {}, which only failures do",
                    Status::Pass.name(),
                    field.name()
                ),
                Details::new().with("status", Status::Pass.name()).with("field", field.name()),
            );
        }
    }
}

fn score(view: &AuthView<'_, '_>, sink: &mut FindingSink<'_>) {
    let Some(overall) = view.number(AuthField::OverallScore) else { return };
    if overall == 0.0 {
        at(
            view,
            AuthField::OverallScore,
            Rule::ScoreInconsistent,
            sink,
            format!("overallStatus is {} but overallScore is 0", Status::Pass.name()),
            Details::new().with("status", Status::Pass.name()).with("overallScore", overall),
        );
    } else if let Some(confidence) = view.recognition_confidence()
        && (overall - confidence).abs() > SAME_CONFIDENCE
    {
        let message = format!(
            "overallScore {} differs from recognitionConfidence.confidence {}; they are equal in the published PASS sample",
            number(overall),
            number(confidence)
        );
        let details = Details::new().with("overallScore", overall).with("recognitionConfidence", confidence);
        at(view, AuthField::OverallScore, Rule::ScoreInconsistent, sink, message, details);
    }
}

fn error_fields(view: &AuthView<'_, '_>, sink: &mut FindingSink<'_>) {
    match (view.has(AuthField::Error), view.has(AuthField::ErrorCode)) {
        (true, false) => {
            at(
                view,
                AuthField::Error,
                Rule::ErrorFieldsIncomplete,
                sink,
                "error is present without errorCode".to_owned(),
                Details::new().with("present", AuthField::Error.name()).with("missing", AuthField::ErrorCode.name()),
            );
        }
        (false, true) => {
            at(
                view,
                AuthField::ErrorCode,
                Rule::ErrorFieldsIncomplete,
                sink,
                "errorCode is present without error".to_owned(),
                Details::new().with("present", AuthField::ErrorCode.name()).with("missing", AuthField::Error.name()),
            );
        }
        _ => {}
    }
    let Some(code) = view.error_code() else { return };
    let Some(spec) = error_code(code) else {
        let message = format!(
            "errorCode {} is not documented; the vendor sends such codes for an API exception or unpredicted error",
            view.number_text(AuthField::ErrorCode).unwrap_or_default()
        );
        let documented: Vec<i64> = ERROR_CODES.iter().map(|spec| spec.code).collect();
        let details = Details::new().with("found", code).with("documented", documented);
        at(view, AuthField::ErrorCode, Rule::UndocumentedErrorCode, sink, message, details);
        return;
    };
    if let Some(error) = view.text(AuthField::Error)
        && !same_text(&error, spec.error)
    {
        let message = format!("error for {code} is documented as {:?}, found {error:?}", spec.error);
        let details = Details::new().with("errorCode", code).with("documented", spec.error).with_text("found", &error);
        at(view, AuthField::Error, Rule::ErrorTextMismatch, sink, message, details);
    }
    let Some(found) = view.text(AuthField::ErrorMessage) else { return };
    let documented = match spec.message {
        None => Some((None, format!("errorMessage is documented as absent for {code}, found {found:?}"))),
        Some(_) if code == SPOOF_CODE => spoof_confidence_in(&found).is_none().then(|| {
            let expected = format!("{}<spoof confidence>", spoof_message_prefix());
            let message = format!("errorMessage for {code} is documented as {expected:?}, found {found:?}");
            (Some(expected), message)
        }),
        Some(expected) => (!same_text(&found, expected)).then(|| {
            (
                Some(expected.to_owned()),
                format!("errorMessage for {code} is documented as {expected:?}, found {found:?}"),
            )
        }),
    };
    if let Some((expected, message)) = documented {
        let details = Details::new().with("errorCode", code).with("documented", expected).with_text("found", &found);
        at(view, AuthField::ErrorMessage, Rule::ErrorTextMismatch, sink, message, details);
    }
}

fn spoof(view: &AuthView<'_, '_>, sink: &mut FindingSink<'_>) {
    let is_4005 = view.error_code() == Some(SPOOF_CODE);
    let attempt = view.bool(AuthField::SpoofAttempt);
    if is_4005 && attempt == Some(false) {
        at(
            view,
            AuthField::SpoofAttempt,
            Rule::SpoofInconsistent,
            sink,
            format!("errorCode is {SPOOF_CODE} (spoof attempt detected) but spoofAttempt is false"),
            Details::new().with("errorCode", SPOOF_CODE).with("spoofAttempt", false),
        );
    }
    if !is_4005 && attempt == Some(true) {
        let message = match view.error_code() {
            Some(code) => format!("spoofAttempt is true but errorCode is {code}, not {SPOOF_CODE}"),
            None => format!("spoofAttempt is true but errorCode {SPOOF_CODE} (spoof attempt detected) is absent"),
        };
        let details = Details::new()
            .with("spoofAttempt", true)
            .with("errorCode", view.error_code())
            .with("expectedErrorCode", SPOOF_CODE);
        at(view, AuthField::SpoofAttempt, Rule::SpoofInconsistent, sink, message, details);
    }
    if !is_4005 {
        return;
    }
    let stated = view.text(AuthField::ErrorMessage).and_then(|m| spoof_confidence_in(&m));
    if let (Some(stated), Some(actual)) = (stated, view.number(AuthField::SpoofConfidence))
        && (stated - actual).abs() > SAME_CONFIDENCE
    {
        let message = format!(
            "errorMessage states spoof confidence {} but spoofConfidence is {}",
            number(stated),
            number(actual)
        );
        let details = Details::new().with("stated", stated).with("spoofConfidence", actual);
        at(view, AuthField::ErrorMessage, Rule::SpoofInconsistent, sink, message, details);
    }
}

/// The spoof confidence stated in a 4005 errorMessage.
pub fn spoof_confidence_in(message: &str) -> Option<f64> {
    let rest = message.strip_prefix(spoof_message_prefix())?;
    rest.strip_suffix('.').unwrap_or(rest).trim().parse().ok().filter(|v: &f64| v.is_finite())
}

/// Whether two texts are the same, ignoring one final period.
fn same_text(found: &str, documented: &str) -> bool {
    found.strip_suffix('.').unwrap_or(found) == documented.strip_suffix('.').unwrap_or(documented)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_confidence_in_a_spoof_message() {
        assert_eq!(spoof_confidence_in("Spoof attempt detected. Spoof confidence 1.0"), Some(1.0));
        assert_eq!(spoof_confidence_in("Spoof attempt detected. Spoof confidence 0.97."), Some(0.97));
        assert_eq!(spoof_confidence_in("Spoof attempt detected"), None);
    }

    #[test]
    fn ignores_a_final_period() {
        assert!(same_text("Can't find customer by any criteria.", "Can't find customer by any criteria"));
        assert!(!same_text("Cannot find customer", "Can't find customer by any criteria"));
    }
}
