//! The record of deliveries: one JSON object per line (time, method, path, remote address,
//! headers with credentials removed, body with credentials replaced by their length), appended and flushed before
//! the delivery is answered. `authhook check` reads a record back: each line is a log record
//! whose `body` holds the payload and whose `time` is the capture time.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hyper::http::{HeaderMap, HeaderName};
use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Serialize;

/// What stands for a removed credential's value.
pub const REMOVED: &str = "<removed>";

/// Words that make a header or query parameter a credential, whatever the settings: its value
/// is never shown nor recorded.
const CREDENTIAL_WORDS: &[&str] =
    &["auth", "token", "secret", "password", "passwd", "cookie", "signature", "session", "key", "credential"];

/// Whether a header or query parameter named `name` may hold a credential.
pub fn is_credential_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CREDENTIAL_WORDS.iter().any(|word| name.contains(word))
}

/// A request's path and query with the value of every query parameter that may hold a
/// credential (`access_token`, `api_key`, `sig`...) replaced.
pub fn redacted_target(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else { return path_and_query.to_owned() };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_credential_name(name) || name.eq_ignore_ascii_case("sig") => {
                format!("{name}={REMOVED}")
            }
            _ => pair.to_owned(),
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

/// One delivery as the record keeps it.
pub struct Delivery<'a> {
    pub time: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub remote: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Why the credential was refused (`missing`, `wrong`), when it was.
    pub refused: Option<&'a str>,
}

/// One line of the record, members in this order.
#[derive(Serialize)]
struct Line<'a> {
    time: &'a str,
    method: &'a str,
    path: &'a str,
    remote: &'a str,
    headers: BTreeMap<String, String>,
    /// The credential was refused (401): `missing` or `wrong`.
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<&'a str>,
    /// The body, when it is UTF-8 text.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    /// The body's bytes, base64, when it is not UTF-8 text (which `check` does not read).
    #[serde(rename = "bodyBase64", skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

/// The record file, shared by every connection.
pub struct Recorder {
    path: PathBuf,
    file: Mutex<File>,
    fsync: bool,
    show_secrets: bool,
    /// A header whose value is a credential besides the usual ones (`--require-header`'s).
    secret_header: Option<HeaderName>,
}

impl Recorder {
    /// Opens (or creates) `path` for appending.
    pub fn open(path: &Path, fsync: bool, show_secrets: bool, secret_header: Option<HeaderName>) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Recorder { path: path.to_owned(), file: Mutex::new(file), fsync, show_secrets, secret_header })
    }

    /// The record's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `delivery` as the record's line, ready for [`Recorder::write`]; made before any lock is
    /// taken, so that only the write waits its turn.
    pub fn encode(&self, delivery: &Delivery<'_>) -> io::Result<Vec<u8>> {
        let mut line = serde_json::to_vec(&self.line(delivery)).map_err(io::Error::other)?;
        line.push(b'\n');
        Ok(line)
    }

    /// Appends a line made by [`Recorder::encode`], in one piece, flushed (and synced, with
    /// `--fsync`) before this returns.
    pub fn write(&self, line: &[u8]) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(line)?;
        file.flush()?;
        if self.fsync {
            file.sync_data()?;
        }
        Ok(())
    }

    fn line<'a>(&self, delivery: &Delivery<'a>) -> Line<'a> {
        let (body, body_base64) = match std::str::from_utf8(delivery.body) {
            Ok(text) if self.show_secrets => (Some(text.to_owned()), None),
            Ok(text) => (Some(authhook::assess::redact_credentials(text)), None),
            Err(_) => (None, Some(base64::engine::general_purpose::STANDARD.encode(delivery.body))),
        };
        Line {
            time: delivery.time,
            method: delivery.method,
            path: delivery.path,
            remote: delivery.remote,
            headers: self.headers(delivery.headers),
            refused: delivery.refused,
            body,
            body_base64,
        }
    }

    /// The headers by name, a repeated one's values joined with `, `; credentials replaced.
    fn headers(&self, headers: &HeaderMap) -> BTreeMap<String, String> {
        let mut kept = BTreeMap::new();
        for name in headers.keys() {
            let secret = is_credential_name(name.as_str()) || self.secret_header.as_ref() == Some(name);
            let value = if secret {
                REMOVED.to_owned()
            } else {
                let values: Vec<String> =
                    headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
                values.join(", ")
            };
            kept.insert(name.as_str().to_owned(), value);
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_and_query_values_are_recognised() {
        for name in ["authorization", "x-api-key", "X-Incode-Token", "x-authorization", "cookie", "x-hub-signature"] {
            assert!(is_credential_name(name), "{name}");
        }
        assert!(!is_credential_name("content-type") && !is_credential_name("user-agent"));
        assert_eq!(
            redacted_target("/webhook?access_token=abc&x=1&sig=zz&apikey=k"),
            "/webhook?access_token=<removed>&x=1&sig=<removed>&apikey=<removed>"
        );
        assert_eq!(redacted_target("/webhook"), "/webhook");
    }

    #[test]
    fn credentials_stay_out_of_the_record() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary directory: {e}"));
        let path = dir.path().join("record.ndjson");
        let secret_header = HeaderName::from_static("x-hook-key");
        let recorder = Recorder::open(&path, true, false, Some(secret_header)).unwrap_or_else(|e| panic!("{e}"));
        let mut headers = HeaderMap::new();
        for (name, value) in
            [("authorization", "Bearer s3cr3t"), ("x-hook-key", "k3y"), ("content-type", "application/json")]
        {
            headers.append(HeaderName::from_static(name), value.parse().unwrap_or_else(|e| panic!("{e}")));
        }
        let body = br#"{"token":"t0k3n","overallStatus":"PASS"}"#;
        let delivery = Delivery {
            time: "2026-11-29T00:00:00.000Z",
            method: "POST",
            path: "/webhook",
            remote: "127.0.0.1:1",
            headers: &headers,
            body,
            refused: None,
        };
        recorder.encode(&delivery).and_then(|line| recorder.write(&line)).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for secret in ["s3cr3t", "k3y", "t0k3n"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let line: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(line["headers"]["content-type"], "application/json");
        assert_eq!(line["headers"]["authorization"], REMOVED);
        assert_eq!(line["body"], r#"{"token":"<redacted: 5 characters>","overallStatus":"PASS"}"#);
    }
}
