//! The vendor's seven documented payloads, with values exactly as published; only the two
//! rendering defects of the published page (a missing closing brace and a trailing comma) are
//! mended. The same files live in `samples/`.

use crate::json::{self, Options};

/// A documented sample: its name and its JSON text.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// The name [`find`] and `authhook sample` take, such as `pass` or `spoof`.
    pub name: &'static str,
    /// What the sample shows, in a few words.
    pub description: &'static str,
    /// The payload as pretty-printed JSON text, values as published.
    pub json: &'static str,
}

/// The documented samples, in the order the vendor publishes them.
pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "pass",
        description: "a successful authentication (PASS)",
        json: include_str!("../../samples/pass.json"),
    },
    Sample {
        name: "customer-not-found",
        description: "FAIL 4004: non existing customer",
        json: include_str!("../../samples/customer-not-found.json"),
    },
    Sample {
        name: "spoof",
        description: "FAIL 4005: spoof attempt detected",
        json: include_str!("../../samples/spoof.json"),
    },
    Sample {
        name: "not-recognized",
        description: "FAIL 4015: user is not recognized",
        json: include_str!("../../samples/not-recognized.json"),
    },
    Sample {
        name: "blacklisted",
        description: "FAIL 4003: user blacklisted",
        json: include_str!("../../samples/blacklisted.json"),
    },
    Sample {
        name: "lenses",
        description: "FAIL: the user wore lenses (no error fields)",
        json: include_str!("../../samples/lenses.json"),
    },
    Sample {
        name: "face-mask",
        description: "FAIL: the user wore a face mask (no error fields)",
        json: include_str!("../../samples/face-mask.json"),
    },
];

/// The sample named `name`.
pub fn find(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

impl Sample {
    /// The sample on one line, keys in published order.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        if let Ok(parsed) = json::parse_value(self.json.as_bytes(), 0, Options::default()) {
            json::write_compact(&parsed.node, &mut out, &|_| None);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_strict_json() {
        for sample in SAMPLES {
            let value: serde_json::Value = serde_json::from_str(sample.json).unwrap();
            let compact: serde_json::Value = serde_json::from_str(&sample.compact()).unwrap();
            assert_eq!(value, compact, "{}", sample.name);
        }
    }
}
