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

use serde::Serialize;

/// What stands for a removed credential's value.
pub const REMOVED: &str = "<removed>";

/// Headers whose values are credentials whatever the settings.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// One delivery as the record keeps it.
pub struct Delivery<'a> {
    pub time: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub remote: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// One line of the record, members in this order.
#[derive(Serialize)]
struct Line<'a> {
    time: &'a str,
    method: &'a str,
    path: &'a str,
    remote: &'a str,
    headers: BTreeMap<String, String>,
    body: String,
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

    /// Appends `delivery` as one line, written in one piece and flushed (and synced, with
    /// `--fsync`) before this returns.
    pub fn append(&self, delivery: &Delivery<'_>) -> io::Result<()> {
        let mut line = serde_json::to_vec(&self.line(delivery)).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        file.write_all(&line)?;
        file.flush()?;
        if self.fsync {
            file.sync_data()?;
        }
        Ok(())
    }

    fn line<'a>(&self, delivery: &Delivery<'a>) -> Line<'a> {
        let text = String::from_utf8_lossy(delivery.body);
        let body = if self.show_secrets { text.into_owned() } else { authhook::assess::redact_credentials(&text) };
        Line {
            time: delivery.time,
            method: delivery.method,
            path: delivery.path,
            remote: delivery.remote,
            headers: self.headers(delivery.headers),
            body,
        }
    }

    /// The headers by name, a repeated one's values joined with `, `; credentials replaced.
    fn headers(&self, headers: &HeaderMap) -> BTreeMap<String, String> {
        let mut kept = BTreeMap::new();
        for name in headers.keys() {
            let secret = CREDENTIAL_HEADERS.contains(&name.as_str()) || self.secret_header.as_ref() == Some(name);
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
        };
        recorder.append(&delivery).unwrap_or_else(|e| panic!("{e}"));
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
