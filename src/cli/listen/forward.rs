//! Relaying a delivery to the user's own receiver (`--forward-to`), with the shared client.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::http::{HeaderMap, Method, Request, Uri};

use crate::cli::wire::{Answered, Client, FRAMING_HEADERS, NoAnswer, origin};

/// The longest the relay waits for the upstream's whole answer.
pub const UPSTREAM_LIMIT: Duration = Duration::from_secs(60);

/// The upstream receiver and a client with its connections.
pub struct Forwarder {
    base: Uri,
    client: Client,
}

impl Forwarder {
    pub fn new(base: Uri) -> Self {
        Forwarder { base, client: Client::new() }
    }

    /// The upstream as messages name it.
    pub fn upstream(&self) -> String {
        self.base.to_string()
    }

    /// Relays a request and returns the upstream's answer, body and all.
    pub async fn relay(
        &self,
        method: &Method,
        path_and_query: &str,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<Answered, NoAnswer> {
        let mut request = Request::builder()
            .method(method.clone())
            .uri(self.target(path_and_query))
            .header(super::delivery::RELAYED, "1");
        for (name, value) in headers {
            if !FRAMING_HEADERS.contains(&name.as_str()) {
                request = request.header(name, value);
            }
        }
        let request = request
            .body(Full::new(body))
            .map_err(|error| NoAnswer::Unreachable { target: origin(&self.base), cause: error.to_string() })?;
        self.client.send(request, UPSTREAM_LIMIT).await
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
