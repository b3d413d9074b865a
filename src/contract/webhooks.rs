//! Which webhook a JSON value is, and the outcomes an authentication reports.

use serde::Serialize;

/// Which webhook a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[non_exhaustive]
pub enum Kind {
    #[serde(rename = "auth-1:1")]
    Auth1To1,
    #[serde(rename = "auth-1:N")]
    Auth1ToN,
    #[serde(rename = "onboarding-status")]
    OnboardingStatus,
    #[serde(rename = "unknown")]
    Unknown,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Auth1To1 => "auth-1:1",
            Kind::Auth1ToN => "auth-1:N",
            Kind::OnboardingStatus => "onboarding-status",
            Kind::Unknown => "unknown",
        }
    }

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
