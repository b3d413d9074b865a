//! Why an authentication passed or failed, in words a support engineer can act on.
//!
//! Reasons are derived from the payload's own fields, most decisive first: the documented error
//! code, then the liveness and accessory flags, then what is left (a plain face mismatch, or
//! nothing at all). Each message quotes the field values that justify it.

use super::Reason;
use crate::contract::Status;
use crate::contract::{AuthField, ReasonCode, error_code};
use crate::rules::AuthView;

/// The reasons for `status`, most decisive first.
pub fn explain(view: &AuthView<'_, '_>, status: Option<Status>) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if status == Some(Status::Pass) {
        reasons.push(face_matched(view));
    }
    if let Some(code) = view.error_code() {
        reasons.push(error_reason(view, code));
    }
    if view.bool(AuthField::SpoofAttempt) == Some(true) && !has_reason(&reasons, ReasonCode::SpoofDetected) {
        let message =
            with_spoof_confidence(view, "spoofAttempt is true: liveness found a presentation attack".to_owned());
        reasons.push(Reason { code: ReasonCode::SpoofDetected, message });
    }
    if view.bool(AuthField::HasFaceMask) == Some(true) {
        let message = "hasFaceMask is true: the user wore a face mask, which fails authentication without error fields"
            .to_owned();
        reasons.push(Reason { code: ReasonCode::FaceMaskDetected, message });
    }
    if view.bool(AuthField::HasLenses) == Some(true) {
        let message =
            "hasLenses is true: the user wore lenses, which fails authentication without error fields".to_owned();
        reasons.push(Reason { code: ReasonCode::LensesDetected, message });
    }
    if status == Some(Status::Fail) && reasons.is_empty() {
        reasons.push(unexplained_failure(view));
    }
    reasons
}

fn has_reason(reasons: &[Reason], code: ReasonCode) -> bool {
    reasons.iter().any(|r| r.code == code)
}

fn face_matched(view: &AuthView<'_, '_>) -> Reason {
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
    Reason { code: ReasonCode::FaceMatched, message: with_spoof_confidence(view, message) }
}

/// `message` followed by ", spoofConfidence N" when the payload has one.
fn with_spoof_confidence(view: &AuthView<'_, '_>, mut message: String) -> String {
    if let Some(confidence) = view.number_text(AuthField::SpoofConfidence) {
        message.push_str(", spoofConfidence ");
        message.push_str(confidence);
    }
    message
}

fn error_reason(view: &AuthView<'_, '_>, code: i64) -> Reason {
    let Some(spec) = error_code(code) else {
        let error = view.text(AuthField::Error).map_or_else(|| "absent".to_owned(), |e| format!("{e:?}"));
        let detail = view.text(AuthField::ErrorMessage).map_or_else(|| "absent".to_owned(), |m| format!("{m:?}"));
        let message = format!(
            "errorCode {} is not documented: the vendor sends such codes for an API exception or unpredicted error; error {error}, errorMessage {detail}",
            view.number_text(AuthField::ErrorCode).unwrap_or_default()
        );
        return Reason { code: ReasonCode::ApiException, message };
    };
    let customer = view.text(AuthField::CustomerId).unwrap_or_else(|| "(absent)".into());
    let detail = match spec.reason {
        ReasonCode::UserBlacklisted => format!("customer {customer} is blacklisted"),
        ReasonCode::CustomerNotFound => format!("no enrolled customer has customerId {customer}"),
        ReasonCode::SpoofDetected => with_spoof_confidence(view, "liveness found a presentation attack".to_owned()),
        _ => with_spoof_confidence(view, format!("the face did not match customer {customer}")),
    };
    Reason { code: spec.reason, message: format!("errorCode {code} ({}): {detail}", spec.error) }
}

fn unexplained_failure(view: &AuthView<'_, '_>) -> Reason {
    if view.bool(AuthField::FaceMatch) == Some(false) {
        let message =
            "faceMatch is false and the payload gives no other cause (no error fields, no spoof, mask or lenses flag)"
                .to_owned();
        return Reason { code: ReasonCode::NoFaceMatch, message };
    }
    let face = match view.bool(AuthField::FaceMatch) {
        Some(true) => "faceMatch is true",
        _ => "faceMatch is absent",
    };
    let message = format!(
        "overallStatus is FAIL, {face}, and the payload holds no error fields and no spoof, mask or lenses flag; per the vendor a hat fails authentication without any flag, and capture conditions may play a part: the exact cause is unknown"
    );
    Reason { code: ReasonCode::Unexplained, message }
}
