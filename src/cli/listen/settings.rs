//! The resolved settings of `authhook listen`: where it serves, how it answers, which credentials
//! it requires, where it records, when it stops. Credentials given as `env:VAR` are read here,
//! and no credential is ever shown by `Debug`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use hyper::http::{HeaderName, StatusCode, Uri};

use crate::cli::args::ListenArgs;
use crate::cli::config::{CheckConfig, ConfigError};
pub use crate::cli::wire::auth::Secret;
use crate::cli::wire::auth::{client_credentials, header_secret, secret};
use crate::cli::wire::receiver_url;

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
            Some(text) => {
                let (id, secret) = client_credentials(text, "--oauth").map_err(ListenError::Invalid)?;
                Some(OAuthClient { id, secret, path: normalized_path(&args.oauth_path, "--oauth-path")? })
            }
            None => None,
        };
        if oauth.as_ref().is_some_and(|client| client.path == path) {
            return Err(invalid("--oauth-path must differ from --path"));
        }
        let required = Required {
            header: args
                .require_header
                .as_deref()
                .map(|text| header_secret(text, "--require-header"))
                .transpose()
                .map_err(ListenError::Invalid)?,
            bearer: args
                .require_bearer
                .as_deref()
                .map(|text| secret(text, "--require-bearer"))
                .transpose()
                .map_err(ListenError::Invalid)?,
            oauth,
        };
        Ok(ListenSettings {
            check,
            address: SocketAddr::new(args.bind, args.port),
            path,
            respond: args.respond,
            respond_invalid: args.respond_invalid,
            delay: args.delay.map(Duration::from),
            forward_to: args
                .forward_to
                .as_deref()
                .map(|text| receiver_url(text, "--forward-to"))
                .transpose()
                .map_err(ListenError::Invalid)?,
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
    fn paths_upstreams_and_answers_are_checked() {
        assert_eq!(normalized_path("webhook", "--path").ok().as_deref(), Some("/webhook"));
        assert!(normalized_path("/a?b", "--path").is_err());
        assert!(receiver_url("http://127.0.0.1:9/in", "--forward-to").is_ok());
        assert!(receiver_url("https://127.0.0.1/", "--forward-to").is_err());
        assert!(receiver_url("127.0.0.1:9", "--forward-to").is_err());
        assert!(answer_status("204").is_ok() && answer_status("199").is_err() && answer_status("600").is_err());
    }

    #[test]
    fn loopback_is_told_from_exposed_addresses() {
        assert!(is_loopback("127.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(is_loopback("::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        assert!(!is_loopback(IpAddr::from([0, 0, 0, 0])));
    }
}
