//! Why an authentication passed or failed, in words a support engineer can act on.
//!
//! Reasons are derived from the payload's own fields, most decisive first: the documented error
//! code, then the liveness and accessory flags, then what is left (a plain face mismatch, or
//! nothing at all). Each message quotes the field values that justify it; a terse run
//! ([`super::AssessOptions::terse`]) keeps the reasons without their messages.

use super::Reason;
use crate::contract::Status;
use crate::contract::{AuthField, ReasonCode, error_code};
use crate::rules::AuthView;

/// The reasons for `status`, most decisive first; each in words when `worded`, else with an
/// empty message (for a run whose output shows no reason's words).
pub fn explain(view: &AuthView<'_, '_>, status: Option<Status>, worded: bool) -> Vec<Reason> {
    let causes = causes(view, status);
    let mut reasons = Vec::with_capacity(causes.iter().flatten().count());
    for cause in causes.into_iter().flatten() {
        let message = if worded { cause.words(view) } else { String::new() };
        reasons.push(Reason { code: cause.code(), message });
    }
    reasons
}

/// Where a reason comes from, which decides its code and its words.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cause {
    /// A PASS.
    FaceMatched,
    /// errorCode, as a whole number.
    ErrorCode(i64),
    /// spoofAttempt is true, and errorCode does not say so already.
    SpoofFlag,
    FaceMask,
    Lenses,
    /// A FAIL with faceMatch false and nothing above.
    NoFaceMatch,
    /// A FAIL that nothing above explains.
    Unexplained,
}

/// What explains `status`, most decisive first, in an array rather than a vector: a run
/// explains every payload.
fn causes(view: &AuthView<'_, '_>, status: Option<Status>) -> [Option<Cause>; 5] {
    let flag = |field| view.bool(field) == Some(true);
    let error = view.error_code();
    let spoof_by_code = error.and_then(error_code).is_some_and(|spec| spec.reason == ReasonCode::SpoofDetected);
    let mut causes = [
        (status == Some(Status::Pass)).then_some(Cause::FaceMatched),
        error.map(Cause::ErrorCode),
        (flag(AuthField::SpoofAttempt) && !spoof_by_code).then_some(Cause::SpoofFlag),
        flag(AuthField::HasFaceMask).then_some(Cause::FaceMask),
        flag(AuthField::HasLenses).then_some(Cause::Lenses),
    ];
    if status == Some(Status::Fail) && causes.iter().all(Option::is_none) {
        let no_match = view.bool(AuthField::FaceMatch) == Some(false);
        if let Some(first) = causes.first_mut() {
            *first = Some(if no_match { Cause::NoFaceMatch } else { Cause::Unexplained });
        }
    }
    causes
}

impl Cause {
    fn code(self) -> ReasonCode {
        match self {
            Cause::FaceMatched => ReasonCode::FaceMatched,
            Cause::ErrorCode(code) => error_code(code).map_or(ReasonCode::ApiException, |spec| spec.reason),
            Cause::SpoofFlag => ReasonCode::SpoofDetected,
            Cause::FaceMask => ReasonCode::FaceMaskDetected,
            Cause::Lenses => ReasonCode::LensesDetected,
            Cause::NoFaceMatch => ReasonCode::NoFaceMatch,
            Cause::Unexplained => ReasonCode::Unexplained,
        }
    }

    /// The reason in words, quoting the values behind it.
    fn words(self, view: &AuthView<'_, '_>) -> String {
        match self {
            Cause::FaceMatched => face_matched(view),
            Cause::ErrorCode(code) => error_reason(view, code),
            Cause::SpoofFlag => {
                with_spoof_confidence(view, "spoofAttempt is true: liveness found a presentation attack".to_owned())
            }
            Cause::FaceMask => {
                "hasFaceMask is true: the user wore a face mask, which fails authentication without error fields"
                    .to_owned()
            }
            Cause::Lenses => {
                "hasLenses is true: the user wore lenses, which fails authentication without error fields".to_owned()
            }
            Cause::NoFaceMatch => {
                "faceMatch is false and the payload gives no other cause (no error fields, no spoof, mask or lenses flag)"
                    .to_owned()
            }
            Cause::Unexplained => unexplained_failure(view),
        }
    }
}

fn face_matched(view: &AuthView<'_, '_>) -> String {
    let mut message = String::with_capacity(160);
    message.push_str(match view.bool(AuthField::FaceMatch) {
        Some(true) => "faceMatch is true",
        Some(false) => "overallStatus is PASS although faceMatch is false",
        None => "overallStatus is PASS; faceMatch is absent",
    });
    if let Some(confidence) = view.recognition_confidence_text() {
        message.push_str(", recognition confidence ");
        message.push_str(confidence);
    }
    if let Some(score) = view.number_text(AuthField::OverallScore) {
        message.push_str(", overallScore ");
        message.push_str(score);
    }
    with_spoof_confidence(view, message)
}

/// `message` followed by ", spoofConfidence N" when the payload has one.
fn with_spoof_confidence(view: &AuthView<'_, '_>, mut message: String) -> String {
    if let Some(confidence) = view.number_text(AuthField::SpoofConfidence) {
        message.push_str(", spoofConfidence ");
        message.push_str(confidence);
    }
    message
}

fn error_reason(view: &AuthView<'_, '_>, code: i64) -> String {
    let Some(spec) = error_code(code) else {
        let error = view.text(AuthField::Error).map_or_else(|| "absent".to_owned(), |e| format!("{e:?}"));
        let detail = view.text(AuthField::ErrorMessage).map_or_else(|| "absent".to_owned(), |m| format!("{m:?}"));
        return format!(
            "errorCode {} is not documented: the vendor sends such codes for an API exception or unpredicted error; error {error}, errorMessage {detail}",
            view.number_text(AuthField::ErrorCode).unwrap_or_default()
        );
    };
    let customer = view.text(AuthField::CustomerId).unwrap_or_else(|| "(absent)".into());
    let detail = match spec.reason {
        ReasonCode::UserBlacklisted => format!("customer {customer} is blacklisted"),
        ReasonCode::CustomerNotFound => format!("no enrolled customer has customerId {customer}"),
        ReasonCode::SpoofDetected => with_spoof_confidence(view, "liveness found a presentation attack".to_owned()),
        _ => with_spoof_confidence(view, format!("the face did not match customer {customer}")),
    };
    format!("errorCode {code} ({}): {detail}", spec.error)
}

fn unexplained_failure(view: &AuthView<'_, '_>) -> String {
    let face = match view.bool(AuthField::FaceMatch) {
        Some(true) => "faceMatch is true",
        _ => "faceMatch is absent",
    };
    format!(
        "overallStatus is FAIL, {face}, and the payload holds no error fields and no spoof, mask or lenses flag; per the vendor a hat fails authentication without any flag, and capture conditions may play a part: the exact cause is unknown"
    )
}

#[cfg(test)]
mod tests {
    use crate::assess::AssessOptions;
    use crate::contract::samples::SAMPLES;
    use crate::stream::check_bytes;

    /// A terse run gives every result the same reasons, in the same order, without their words.
    #[test]
    fn a_terse_run_keeps_every_reason_without_its_words() {
        let flags = r#"{"overallStatus":"FAIL","errorCode":4005,"spoofAttempt":true,"hasFaceMask":true,"hasLenses":true,"faceMatch":false}
{"overallStatus":"FAIL","spoofAttempt":true,"hasLenses":true}
{"overallStatus":"FAIL","faceMatch":false}
{"overallStatus":"FAIL","faceMatch":true,"errorCode":9999}
{"overallStatus":"FAIL"}
{"overallStatus":"PASS","faceMatch":true,"errorCode":4019}
"#;
        let inputs: Vec<String> =
            SAMPLES.iter().map(|sample| sample.json.to_owned()).chain([flags.to_owned()]).collect();
        for input in inputs {
            let worded = check_bytes("t", input.as_bytes(), &AssessOptions::default());
            let terse = check_bytes("t", input.as_bytes(), &AssessOptions { terse: true, ..AssessOptions::default() });
            let codes = |results: &[crate::assess::CheckResult]| -> Vec<Vec<&str>> {
                results.iter().map(|r| r.reasons.iter().map(|reason| reason.code.id()).collect()).collect()
            };
            assert_eq!(codes(&terse), codes(&worded), "{input}");
            assert!(worded.iter().flat_map(|r| &r.reasons).all(|reason| !reason.message.is_empty()), "{input}");
            assert!(terse.iter().flat_map(|r| &r.reasons).all(|reason| reason.message.is_empty()), "{input}");
        }
    }
}
