//! The resolved settings of `authhook listen`: where it serves, how it answers, which credentials
//! it requires, where it records, when it stops. Credentials given as `env:VAR` are read here,
//! and no credential is ever shown by `Debug`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use hyper::http::{HeaderName, HeaderValue, StatusCode, Uri};

use crate::cli::args::ListenArgs;
use crate::cli::config::{CheckConfig, ConfigError};

/// A credential's value: compared, never shown.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The value's bytes, for comparison only.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into_bytes())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret(<{} bytes>)", self.0.len())
    }
}

/// What a delivery must carry to be accepted.
#[derive(Debug, Clone, Default)]
pub struct Required {
    /// A static custom header and its value (`--require-header`).
    pub header: Option<(HeaderName, Secret)>,
    /// A bearer token (`--require-bearer`).
    pub bearer: Option<Secret>,
    /// Client credentials for the token exchange, whose tokens are then required (`--oauth`).
    pub oauth: Option<OAuthClient>,
}

/// The client credentials the token exchange accepts.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub id: Secret,
    pub secret: Secret,
    /// Where the exchange is served.
    pub path: String,
}

/// Everything `listen` needs to know.
#[derive(Debug, Clone)]
pub struct ListenSettings {
    /// How payloads are judged and the report made, as for `check`.
    pub check: CheckConfig,
    pub address: SocketAddr,
    /// The path deliveries are posted to.
    pub path: String,
    /// The answer to a delivery.
    pub respond: StatusCode,
    /// The answer to a delivery with an invalid payload, when it differs.
    pub respond_invalid: Option<StatusCode>,
    /// How long to wait before answering.
    pub delay: Option<Duration>,
    /// The receiver each delivery is relayed to.
    pub forward_to: Option<Uri>,
    /// How long the vendor is taken to wait for an answer.
    pub ack_timeout: Duration,
    pub required: Required,
    /// The file every delivery is appended to.
    pub record: Option<PathBuf>,
    /// Sync the record to disk before answering.
    pub fsync: bool,
    /// Stop after this many authentication payloads.
    pub count: Option<u64>,
    /// Stop when this much time has passed.
    pub timeout: Option<Duration>,
    /// How long a client may take to send a request's headers, and then its body.
    pub request_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
}

/// A listen setting that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Invalid(String),
}

impl ListenSettings {
    /// Resolves the command line against the environment.
    pub fn from_args(args: &ListenArgs) -> Result<Self, ListenError> {
        let input = crate::cli::args::InputArgs { judge: args.judge.clone(), ..Default::default() };
        let check = CheckConfig::resolve(&input, &args.report)?;
        let path = normalized_path(&args.path, "--path")?;
        let oauth = match &args.oauth {
            Some(text) => Some(oauth_client(text, normalized_path(&args.oauth_path, "--oauth-path")?)?),
            None => None,
        };
        if oauth.as_ref().is_some_and(|client| client.path == path) {
            return Err(invalid("--oauth-path must differ from --path"));
        }
        let required = Required {
            header: args.require_header.as_deref().map(required_header).transpose()?,
            bearer: args.require_bearer.as_deref().map(|text| secret(text, "--require-bearer")).transpose()?,
            oauth,
        };
        Ok(ListenSettings {
            check,
            address: SocketAddr::new(args.bind, args.port),
            path,
            respond: args.respond,
            respond_invalid: args.respond_invalid,
            delay: args.delay.map(Duration::from),
            forward_to: args.forward_to.as_deref().map(upstream).transpose()?,
            ack_timeout: args.ack_timeout.into(),
            required,
            record: args.record.clone(),
            fsync: args.fsync,
            count: args.count,
            timeout: args.timeout.map(Duration::from),
            request_timeout: args.request_timeout.into(),
            max_connections: args.max_connections,
        })
    }

    /// Whether the address is reachable from other machines.
    pub fn is_exposed(&self) -> bool {
        !is_loopback(self.address.ip())
    }
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

fn invalid(message: &str) -> ListenError {
    ListenError::Invalid(message.to_owned())
}

/// A path as requests name it: starting with `/`, no query.
fn normalized_path(text: &str, option: &str) -> Result<String, ListenError> {
    let path = if text.starts_with('/') { text.to_owned() } else { format!("/{text}") };
    if path.contains(['?', '#', ' ']) || path.parse::<Uri>().is_err() {
        return Err(ListenError::Invalid(format!("{option} {text:?} is not a URL path such as /webhook")));
    }
    Ok(path)
}

/// A credential as given: the text itself, or `env:VAR` for the value of the variable VAR, which
/// keeps it out of shell history and process lists.
fn secret(text: &str, option: &str) -> Result<Secret, ListenError> {
    let value = match text.strip_prefix("env:") {
        Some(name) => std::env::var(name).map_err(|_| {
            ListenError::Invalid(format!("{option} names the environment variable {name:?}, which is not set"))
        })?,
        None => text.to_owned(),
    };
    if value.is_empty() {
        return Err(ListenError::Invalid(format!("{option} is empty; a credential must have a value")));
    }
    Ok(Secret(value.into_bytes()))
}

/// `Name: value`, the value possibly `env:VAR`.
fn required_header(text: &str) -> Result<(HeaderName, Secret), ListenError> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| invalid("--require-header must be 'Name: value' (the value may be env:VAR)"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| invalid("--require-header names no valid header (expected 'Name: value')"))?;
    let value = secret(value.trim(), "--require-header")?;
    if HeaderValue::from_bytes(value.bytes()).is_err() {
        return Err(invalid("--require-header has a value that cannot be sent in a header"));
    }
    Ok((name, value))
}

/// `CLIENT_ID:SECRET`, either part possibly `env:VAR`; or `env:VAR` whose value is `ID:SECRET`.
fn oauth_client(text: &str, path: String) -> Result<OAuthClient, ListenError> {
    let whole = secret(text, "--oauth")?;
    let whole = String::from_utf8_lossy(whole.bytes()).into_owned();
    let (id, secret_part) =
        whole.split_once(':').ok_or_else(|| invalid("--oauth must be CLIENT_ID:SECRET (either may be env:VAR)"))?;
    let id = if id.starts_with("env:") { secret(id, "--oauth")? } else { Secret(id.as_bytes().to_vec()) };
    let client_secret = secret(secret_part, "--oauth")?;
    if id.bytes().is_empty() {
        return Err(invalid("--oauth has an empty client id"));
    }
    Ok(OAuthClient { id, secret: client_secret, path })
}

/// The upstream receiver: an `http://` URL on this machine or another.
fn upstream(text: &str) -> Result<Uri, ListenError> {
    let uri: Uri = text.parse().map_err(|_| ListenError::Invalid(format!("--forward-to {text:?} is not a URL")))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("http"), Some(_)) => Ok(uri),
        (Some("https"), _) => {
            Err(invalid("--forward-to: https is not supported; forward to the receiver's http address"))
        }
        _ => Err(ListenError::Invalid(format!("--forward-to {text:?} must be an http:// URL with a host"))),
    }
}

/// A status `--respond` and `--respond-invalid` accept: any from 200 to 599.
pub fn answer_status(text: &str) -> Result<StatusCode, String> {
    text.trim()
        .parse::<u16>()
        .ok()
        .filter(|code| (200..=599).contains(code))
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| format!("{text:?} is not an HTTP status from 200 to 599 (such as 200, 204, 400 or 503)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_and_never_show() {
        let found = secret("env:PATH", "--require-bearer").map(|s| s.bytes().len());
        assert!(found.is_ok_and(|len| len > 0));
        assert!(secret("env:AUTHHOOK_SURELY_UNSET_VARIABLE", "--require-bearer").is_err());
        let shown = format!("{:?}", Secret(b"hunter2".to_vec()));
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn headers_paths_and_upstreams_are_checked() {
        let (name, value) = required_header("X-Webhook-Key: abc").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((name.as_str(), value.bytes()), ("x-webhook-key", &b"abc"[..]));
        assert!(required_header("no colon").is_err());
        assert!(required_header("X: ").is_err());
        assert_eq!(normalized_path("webhook", "--path").ok().as_deref(), Some("/webhook"));
        assert!(normalized_path("/a?b", "--path").is_err());
        assert!(upstream("http://127.0.0.1:9/in").is_ok());
        assert!(upstream("https://127.0.0.1/").is_err());
        assert!(upstream("127.0.0.1:9").is_err());
        assert!(answer_status("204").is_ok() && answer_status("199").is_err() && answer_status("600").is_err());
        let client = oauth_client("id:se:cret", "/oauth/token".to_owned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((client.id.bytes(), client.secret.bytes()), (&b"id"[..], &b"se:cret"[..]));
        assert!(oauth_client(":secret", "/t".to_owned()).is_err());
    }

    #[test]
    fn loopback_is_told_from_exposed_addresses() {
        assert!(is_loopback("127.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(is_loopback("::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(!is_loopback(IpAddr::from([0, 0, 0, 0])));
    }
}
