//! Relaying a delivery to the user's own receiver (`--forward-to`) and judging its answer by the
//! vendor's acknowledgement rule.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::http::{HeaderMap, Method, Request, Response, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The longest the relay waits for the upstream's whole answer.
pub const UPSTREAM_LIMIT: Duration = Duration::from_secs(60);

/// The largest upstream answer body relayed.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Headers that belong to one connection, not to the request, and are not relayed.
const HOP_BY_HOP: &[&str] =
    &["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"];

/// The upstream receiver and a client with its connections.
pub struct Forwarder {
    base: Uri,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// The upstream's answer, as relayed.
pub struct Answer {
    pub response: Response<Full<Bytes>>,
    pub latency: Duration,
}

/// Why a delivery could not be relayed.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("could not reach {upstream}: {cause}")]
    Unreachable { upstream: String, cause: String },
    #[error("{upstream} did not answer within {} s", UPSTREAM_LIMIT.as_secs())]
    TimedOut { upstream: String },
}

impl Forwarder {
    pub fn new(base: Uri) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Forwarder { base, client: Client::builder(TokioExecutor::new()).build(connector) }
    }

    /// The upstream as messages name it.
    pub fn upstream(&self) -> String {
        self.base.to_string()
    }

    /// Relays a request and returns the upstream's answer unchanged, body and all.
    pub async fn relay(
        &self,
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Answer, ForwardError> {
        let uri = self.target(path_and_query);
        let mut request = Request::builder().method(method.clone()).uri(uri);
        for (name, value) in headers {
            if !HOP_BY_HOP.contains(&name.as_str()) && name != header::CONTENT_LENGTH {
                request = request.header(name, value);
            }
        }
        let request = request.body(Full::new(body)).map_err(|e| self.unreachable(&e))?;
        let started = Instant::now();
        let answered = tokio::time::timeout(UPSTREAM_LIMIT, async {
            let response = self.client.request(request).await.map_err(|e| self.unreachable(&e))?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_ANSWER_BYTES).collect().await.map_err(|e| self.unreachable(&*e))?;
            Ok::<_, ForwardError>(Response::from_parts(parts, Full::new(body.to_bytes())))
        })
        .await;
        let response = answered.map_err(|_| ForwardError::TimedOut { upstream: self.upstream() })??;
        Ok(Answer { response, latency: started.elapsed() })
    }

    /// Where a request goes: the upstream URL's own path when it has one (`--forward-to
    /// http://127.0.0.1:3000/hooks`), else the request's path; the request's query either way.
    fn target(&self, path_and_query: &str) -> Uri {
        let (path, query) = path_and_query.split_once('?').map_or((path_and_query, None), |(p, q)| (p, Some(q)));
        let path = match self.base.path() {
            "" | "/" => path,
            own => own,
        };
        let joined = query.map_or_else(|| path.to_owned(), |query| format!("{path}?{query}"));
        let mut parts = self.base.clone().into_parts();
        parts.path_and_query = joined.parse().ok();
        Uri::from_parts(parts).unwrap_or_else(|_| self.base.clone())
    }

    fn unreachable(&self, error: &dyn std::error::Error) -> ForwardError {
        let mut cause = error.to_string();
        let mut source = error.source();
        while let Some(inner) = source {
            cause = format!("{cause}: {inner}");
            source = inner.source();
        }
        ForwardError::Unreachable { upstream: self.upstream(), cause }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_path_follows_the_base_path() {
        let forwarder = |base: &str| Forwarder::new(base.parse().unwrap_or_default());
        assert_eq!(
            forwarder("http://127.0.0.1:9").target("/webhook?a=1").to_string(),
            "http://127.0.0.1:9/webhook?a=1"
        );
        assert_eq!(forwarder("http://127.0.0.1:9/in").target("/webhook?a=1").to_string(), "http://127.0.0.1:9/in?a=1");
    }
}
