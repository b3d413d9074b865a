//! How the vendor delivers a webhook: what answer stops it from retrying, the retry schedule, and
//! the OAuth 2.0 client-credentials exchange it makes before delivering to a receiver set up
//! with one. What the vendor does not document (the time it waits for an answer) is not here.

use std::time::Duration;

use super::Rule;

/// The rules about the request a payload came with rather than the payload, which only a receiver
/// (`authhook listen`) can find.
pub const REQUEST_RULES: &[Rule] = &[Rule::ContentType, Rule::Credential, Rule::WouldRetry];

/// The content type the vendor declares for a webhook body.
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// How many times the vendor retries a delivery that was not acknowledged.
pub const MAX_RETRIES: u32 = 5;

/// The delay before the first retry.
pub const FIRST_RETRY_DELAY: Duration = Duration::from_secs(30);

/// Each retry's delay is the last one's times this.
pub const RETRY_BACKOFF: f64 = 2.5;

/// The grant type of the vendor's token request (`grant_type=client_credentials`).
pub const OAUTH_GRANT_TYPE: &str = "client_credentials";

/// Whether a media type (a `Content-Type` value, parameters and all) is JSON: `application/json`
/// in any case, with or without parameters such as `charset`.
pub fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(JSON_CONTENT_TYPE)
}

/// Whether the vendor takes an answer as an acknowledgement, and so does not retry: `200` with a
/// JSON content type, or `204`. Any other answer, and no answer in time, is retried.
pub fn acknowledges(status: u16, content_type: Option<&str>) -> bool {
    status == 204 || (status == 200 && content_type.is_some_and(is_json_media_type))
}

/// Why the vendor would retry an answer, in words; `None` when it acknowledges it.
pub fn retry_cause(status: u16, content_type: Option<&str>) -> Option<String> {
    if acknowledges(status, content_type) {
        return None;
    }
    Some(match (status, content_type) {
        (200, None) => "200 without a content type".to_owned(),
        (200, Some(other)) => format!("200 with content type {other:?}, not {JSON_CONTENT_TYPE}"),
        (other, _) => format!("status {other}, not 200 with a JSON content type or 204"),
    })
}

/// The delays before each retry, in order: 30 s, then each 2.5 times the last, five in all
/// (about 32 minutes).
pub fn retry_delays() -> impl Iterator<Item = Duration> {
    (0..MAX_RETRIES).map(|retry| FIRST_RETRY_DELAY.mul_f64(RETRY_BACKOFF.powi(retry as i32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_200_json_or_204_is_acknowledged() {
        assert!(acknowledges(200, Some("application/json")));
        assert!(acknowledges(200, Some("Application/JSON; charset=utf-8")));
        assert!(acknowledges(204, None));
        for (status, content_type) in
            [(200, None), (200, Some("text/plain")), (201, Some("application/json")), (500, None)]
        {
            assert!(!acknowledges(status, content_type), "{status} {content_type:?}");
            assert!(retry_cause(status, content_type).is_some());
        }
        assert!(!is_json_media_type("application/jsonx"));
    }

    #[test]
    fn the_schedule_is_five_retries_over_about_32_minutes() {
        let delays: Vec<u64> = retry_delays().map(|d| d.as_millis() as u64).collect();
        assert_eq!(delays, [30_000, 75_000, 187_500, 468_750, 1_171_875]);
        let total: Duration = retry_delays().sum();
        assert_eq!(total.as_secs() / 60, 32);
    }
}
