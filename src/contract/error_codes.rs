//! The documented error codes and their texts.

use super::ReasonCode;

/// A documented error code and its texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeSpec {
    /// The errorCode.
    pub code: i64,
    /// The documented `error` text.
    pub error: &'static str,
    /// The documented errorMessage; `None` where the vendor documents none (NA).
    pub message: Option<&'static str>,
    /// The reason this code gives a failure.
    pub reason: ReasonCode,
}

/// The spoof error code, whose message carries the spoof confidence.
pub const SPOOF_CODE: i64 = 4005;

/// The documented error codes.
pub const ERROR_CODES: &[ErrorCodeSpec] = &[
    ErrorCodeSpec { code: 4003, error: "User blacklisted", message: None, reason: ReasonCode::UserBlacklisted },
    ErrorCodeSpec {
        code: 4004,
        error: "Non existing customer",
        message: Some("Can't find customer by any criteria"),
        reason: ReasonCode::CustomerNotFound,
    },
    ErrorCodeSpec {
        code: SPOOF_CODE,
        error: "Spoof attempt detected",
        message: Some("Spoof attempt detected. Spoof confidence 1.0"),
        reason: ReasonCode::SpoofDetected,
    },
    ErrorCodeSpec { code: 4015, error: "User is not recognized", message: None, reason: ReasonCode::UserNotRecognized },
];

/// The documented 4005 message up to the spoof confidence it states (which the published
/// message gives as `1.0`).
pub fn spoof_message_prefix() -> &'static str {
    let message = error_code(SPOOF_CODE).and_then(|spec| spec.message).unwrap_or_default();
    message.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
}

/// The documented error code `code`, if it is one.
pub fn error_code(code: i64) -> Option<&'static ErrorCodeSpec> {
    ERROR_CODES.iter().find(|spec| spec.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_error_code_has_a_reason() {
        assert_eq!(error_code(4005).map(|e| e.reason), Some(ReasonCode::SpoofDetected));
        assert!(error_code(5000).is_none());
        assert_eq!(spoof_message_prefix(), "Spoof attempt detected. Spoof confidence ");
    }
}
