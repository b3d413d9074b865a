//! The cases `authhook probe` runs against a receiver, as data: what each sends, why the
//! vendor's delivery behaviour makes it matter, and what passes. `authhook explain CASE` reads
//! them; the command line builds and grades the requests.

/// What a probe case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeCase {
    /// The case's stable id, as `--case`, `--skip` and `explain` take it.
    pub id: &'static str,
    /// What it sends, in a few words.
    pub sends: &'static str,
    /// Why the vendor's behaviour makes it matter.
    pub why: &'static str,
    /// What the receiver must answer for the case to pass.
    pub passes: &'static str,
    /// The case needs the sender's credentials (`--header`, `--bearer`, `--oauth`) and is run only
    /// with them.
    pub needs_credentials: bool,
}

/// What passes for a delivery the receiver must acknowledge.
const ACKNOWLEDGED: &str = "200 with a JSON content type, or 204, within --timeout";

/// What passes for a body the receiver cannot use.
const ANSWERED: &str = "any answer within --timeout, the connection not reset, and the next delivery acknowledged";

/// What passes for a delivery that must be refused.
const REFUSED: &str = "401 or 403 within --timeout";

macro_rules! sample_case {
    ($id:literal, $name:literal) => {
        ProbeCase {
            id: $id,
            sends: concat!("the vendor's published ", $name, " sample, with a transactionId of its own"),
            why: "The vendor retries every delivery that is not acknowledged, up to 5 more times over about 32 minutes; a receiver that refuses a documented payload gets it again and again.",
            passes: ACKNOWLEDGED,
            needs_credentials: false,
        }
    };
}

/// Every case, in the order `probe` runs them.
pub const PROBE_CASES: &[ProbeCase] = &[
    sample_case!("sample-pass", "PASS"),
    sample_case!("sample-customer-not-found", "customer-not-found FAIL (4004)"),
    sample_case!("sample-spoof", "spoof FAIL (4005)"),
    sample_case!("sample-not-recognized", "not-recognized FAIL (4015)"),
    sample_case!("sample-blacklisted", "blacklisted FAIL (4003)"),
    sample_case!("sample-lenses", "lenses FAIL"),
    sample_case!("sample-face-mask", "face-mask FAIL"),
    ProbeCase {
        id: "retry-duplicate",
        sends: "one payload twice, unchanged (same transactionId, same content)",
        why: "A retry repeats the delivery exactly; a receiver that refuses it as a duplicate makes the vendor retry it again, and one that answers it differently shows it does not treat retries alike.",
        passes: "both acknowledged, with the same status",
        needs_credentials: false,
    },
    ProbeCase {
        id: "conflicting-redelivery",
        sends: "a PASS, then a FAIL with the same transactionId",
        why: "Two different payloads for one transaction cannot both be right, but the vendor retries any answer other than an acknowledgement; the receiver should acknowledge both and flag the conflict itself.",
        passes: "both acknowledged",
        needs_credentials: false,
    },
    ProbeCase {
        id: "unknown-error-code",
        sends: "a FAIL with errorCode 4999, which the vendor does not document",
        why: "The vendor also sends error fields for API exceptions and unpredicted errors, with codes it does not list; a receiver that refuses an unknown code loses those results.",
        passes: ACKNOWLEDGED,
        needs_credentials: false,
    },
    ProbeCase {
        id: "one-to-n",
        sends: "a 1:N authentication payload, with recognitionConfidence.candidates",
        why: "The 1:N webhook has the same fields and can be pointed at the same receiver; it must not be refused as malformed.",
        passes: ACKNOWLEDGED,
        needs_credentials: false,
    },
    ProbeCase {
        id: "onboarding-status",
        sends: "an onboarding-status webhook (interviewId, onboardingStatus)",
        why: "One URL can be configured for several webhook kinds; an onboarding status arriving at the authentication receiver must still be answered, or the vendor retries it.",
        passes: ACKNOWLEDGED,
        needs_credentials: false,
    },
    ProbeCase {
        id: "not-json",
        sends: "a body that is not JSON, declared application/json",
        why: "A receiver that crashes or hangs on a bad body stops acknowledging good ones, and every one of those is retried.",
        passes: ANSWERED,
        needs_credentials: false,
    },
    ProbeCase {
        id: "over-1-mib",
        sends: "a payload padded past 1 MiB",
        why: "A receiver with a body limit must refuse cleanly rather than reset the connection or stop serving; the next delivery must still get through.",
        passes: ANSWERED,
        needs_credentials: false,
    },
    ProbeCase {
        id: "credential-missing",
        sends: "a delivery without the configured credential",
        why: "Static headers and OAuth tokens are the only way a receiver knows a delivery comes from the vendor (no signature is documented); one that accepts a delivery without them accepts anyone's.",
        passes: REFUSED,
        needs_credentials: true,
    },
    ProbeCase {
        id: "credential-wrong",
        sends: "a delivery with a wrong credential",
        why: "A receiver must compare the credential's value, not only look for the header.",
        passes: REFUSED,
        needs_credentials: true,
    },
    ProbeCase {
        id: "credential-right",
        sends: "a delivery with the configured credential",
        why: "The vendor sends the configured static header or OAuth token with every webhook; a receiver that refuses it refuses the vendor.",
        passes: ACKNOWLEDGED,
        needs_credentials: true,
    },
];

/// The case with this id.
pub fn probe_case(id: &str) -> Option<&'static ProbeCase> {
    PROBE_CASES.iter().find(|case| case.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_case_names_its_samples_error_code() {
        for sample in super::super::samples::SAMPLES {
            let code =
                sample.json.split("\"errorCode\":").nth(1).map(|rest| rest.trim().chars().take(4).collect::<String>());
            let case = probe_case(&format!("sample-{}", sample.name)).map(|case| case.sends).unwrap_or_default();
            if let Some(code) = code {
                assert!(case.contains(&code), "{}: {case} should name {code}", sample.name);
            }
        }
    }

    #[test]
    fn case_ids_are_no_other_topic() {
        for case in PROBE_CASES {
            let other = super::super::RULES.iter().any(|r| r.id == case.id)
                || super::super::REASONS.iter().any(|r| r.id == case.id);
            assert!(!other, "{} is also a rule or reason id, which explain would show instead", case.id);
        }
    }

    #[test]
    fn case_ids_are_unique_and_every_sample_has_one() {
        let ids: std::collections::BTreeSet<&str> = PROBE_CASES.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), PROBE_CASES.len());
        for sample in super::super::samples::SAMPLES {
            assert!(probe_case(&format!("sample-{}", sample.name)).is_some(), "{}", sample.name);
        }
    }
}
