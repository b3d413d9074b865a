//! Which webhook a JSON value is, and the outcomes an authentication reports.

use serde::Serialize;

/// Which webhook a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum Kind {
    /// `auth-1:1`: an authentication payload (one with any of the
    /// [`AUTH_MARKERS`](crate::contract::AUTH_MARKERS)) whose `recognitionConfidence.candidates`
    /// holds no item.
    #[serde(rename = "auth-1:1")]
    Auth1To1,
    /// `auth-1:N`: an authentication payload whose `recognitionConfidence.candidates` holds at
    /// least one item.
    #[serde(rename = "auth-1:N")]
    Auth1ToN,
    /// `onboarding-status`: the onboarding status webhook, marked by
    /// [`ONBOARDING_MARKER`](crate::contract::ONBOARDING_MARKER).
    #[serde(rename = "onboarding-status")]
    OnboardingStatus,
    /// `unknown`: no readable payload (a syntax error, a value too large, a value that holds no
    /// payload).
    #[serde(rename = "unknown")]
    Unknown,
}

impl Kind {
    /// The kind's name, as results spell it: `auth-1:1`, `auth-1:N`, `onboarding-status` or
    /// `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Auth1To1 => "auth-1:1",
            Kind::Auth1ToN => "auth-1:N",
            Kind::OnboardingStatus => "onboarding-status",
            Kind::Unknown => "unknown",
        }
    }

    /// Whether this is an authentication payload, 1:1 or 1:N.
    pub fn is_authentication(self) -> bool {
        matches!(self, Kind::Auth1To1 | Kind::Auth1ToN)
    }
}

/// The payload's overallStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The authentication passed.
    Pass,
    /// The authentication failed.
    Fail,
}

impl Status {
    /// The status as the payload spells it.
    pub const fn name(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
        }
    }

    /// The status spelled exactly `text`.
    pub fn from_name(text: &str) -> Option<Status> {
        [Status::Pass, Status::Fail].into_iter().find(|status| status.name() == text)
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// The outcome values of `overallStatus`, as spelled.
pub const STATUSES: &[&str] = &[Status::Pass.name(), Status::Fail.name()];
