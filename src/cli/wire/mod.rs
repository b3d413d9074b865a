//! The HTTP client side shared by `listen --forward-to`, `send` and `probe`: one hyper client on
//! tokio, a request with a deadline, the answer's status, content type, body and latency, and
//! why a request got no answer, in words.

pub mod auth;
pub mod rows;

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::http::{Request, Response, StatusCode, Uri, header};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The largest answer body read.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// An HTTP/1.1 client that keeps connections open between requests.
#[derive(Clone)]
pub struct Client {
    inner: HyperClient<HttpConnector, Full<Bytes>>,
}

/// An answer, read whole, and how long it took.
pub struct Answered {
    pub response: Response<Bytes>,
    pub latency: Duration,
}

impl Answered {
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The answer's `Content-Type`, when it has a readable one.
    pub fn content_type(&self) -> Option<&str> {
        self.response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoAnswer {
    /// No connection could be made (refused, no route, a name that does not resolve).
    #[error("could not reach {target}: {cause}")]
    Unreachable { target: String, cause: String },
    /// A connection was made, then lost before a whole answer came.
    #[error("{target} closed the connection without a whole answer: {cause}")]
    Dropped { target: String, cause: String },
    /// No whole answer within the deadline.
    #[error("{target} did not answer within {}", humantime::format_duration(*.limit))]
    TimedOut { target: String, limit: Duration },
}

impl Client {
    pub fn new() -> Self {
        Client { inner: HyperClient::builder(TokioExecutor::new()).build(connector()) }
    }

    /// A client that opens a new connection for each request.
    pub fn unpooled() -> Self {
        Client { inner: HyperClient::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(connector()) }
    }

    /// Sends `request` and reads the whole answer, within `limit`.
    pub async fn send(&self, request: Request<Full<Bytes>>, limit: Duration) -> Result<Answered, NoAnswer> {
        let target = origin(request.uri());
        let started = Instant::now();
        let exchange = async {
            let response = self.inner.request(request).await.map_err(|error| {
                let cause = causes(&error);
                if error.is_connect() {
                    NoAnswer::Unreachable { target: target.clone(), cause }
                } else {
                    NoAnswer::Dropped { target: target.clone(), cause }
                }
            })?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_ANSWER_BYTES)
                .collect()
                .await
                .map_err(|error| NoAnswer::Dropped { target: target.clone(), cause: causes(&*error) })?;
            Ok(Response::from_parts(parts, body.to_bytes()))
        };
        match tokio::time::timeout(limit, exchange).await {
            Ok(Ok(response)) => Ok(Answered { response, latency: started.elapsed() }),
            Ok(Err(no_answer)) => Err(no_answer),
            Err(_) => Err(NoAnswer::TimedOut { target, limit }),
        }
    }
}

fn connector() -> HttpConnector {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(10)));
    connector
}

/// `bytes` bytes of the system's randomness as hexadecimal; `None` when it cannot be had.
pub fn random_hex(bytes: usize) -> Option<String> {
    let mut random = vec![0u8; bytes];
    getrandom::fill(&mut random).ok()?;
    Some(random.iter().map(|b| format!("{b:02x}")).collect())
}

/// Headers that frame a request or its connection: never relayed, never set by hand.
pub const FRAMING_HEADERS: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "expect",
];

/// `http://host:port` of a URL, as messages name a receiver.
pub fn origin(uri: &Uri) -> String {
    format!("{}://{}", uri.scheme_str().unwrap_or("http"), uri.authority().map_or("", |a| a.as_str()))
}

/// An error and its causes, as one line.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let more = inner.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = inner.source();
    }
    text
}

/// A receiver's URL as the command line gives it: `http://` with a host.
pub fn receiver_url(text: &str, option: &str) -> Result<Uri, String> {
    let uri: Uri = text.parse().map_err(|_| format!("{option} {text:?} is not a URL"))?;
    match (uri.scheme_str(), uri.authority()) {
        (_, Some(authority)) if authority.as_str().contains('@') => {
            Err(format!("{option}: a URL with credentials in it is refused; give them with --header or --bearer"))
        }
        (Some("http"), Some(_)) => Ok(uri),
        (Some("https"), _) => Err(format!("{option}: https is not supported; use the receiver's http address")),
        _ => Err(format!("{option} {text:?} must be an http:// URL with a host")),
    }
}
