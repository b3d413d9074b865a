//! Credentials of deliveries: the static header, the bearer token, and the OAuth 2.0
//! client-credentials exchange whose tokens are then required. Every comparison takes the same
//! time whatever the bytes compared, and no credential is ever written anywhere.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use hyper::http::{HeaderMap, HeaderName, HeaderValue, header};
use subtle::ConstantTimeEq;

use super::settings::{OAuthClient, Required, Secret};

/// How long an issued token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// Tokens kept valid at once; the oldest goes when another is issued.
const LIVE_TOKENS: usize = 1024;

/// Why a delivery's credential is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The credential is not there at all.
    Missing(&'static str),
    /// It is there with another value (or an expired token).
    Wrong(&'static str),
}

impl Refusal {
    /// The finding's message; it names the credential, never its value.
    pub fn message(self) -> String {
        match self {
            Refusal::Missing(what) => format!("the delivery has no {what}; it was refused with 401"),
            Refusal::Wrong(what) => format!("the delivery's {what} is not the one required; it was refused with 401"),
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Refusal::Missing(_) => "missing",
            Refusal::Wrong(_) => "wrong",
        }
    }
}

/// The credentials deliveries must carry, and the tokens issued so far.
pub struct Gate {
    required: Required,
    issued: Mutex<VecDeque<(Secret, Instant)>>,
}

/// What the token exchange answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Exchange {
    /// A token and its lifetime in seconds.
    Issued { token: String, expires_in: u64 },
    /// Basic credentials missing or wrong.
    InvalidClient,
    /// Not `grant_type=client_credentials`.
    UnsupportedGrant,
    /// The system's randomness failed, and no token could be trusted.
    Unavailable,
}

fn same(given: &[u8], expected: &Secret) -> bool {
    given.ct_eq(expected.bytes()).into()
}

impl Gate {
    pub fn new(required: Required) -> Self {
        Gate { required, issued: Mutex::new(VecDeque::new()) }
    }

    /// Whether any credential is required.
    pub fn is_open(&self) -> bool {
        self.required.header.is_none() && self.required.bearer.is_none() && self.required.oauth.is_none()
    }

    /// The token exchange's client, when it is served.
    pub fn oauth(&self) -> Option<&OAuthClient> {
        self.required.oauth.as_ref()
    }

    /// Checks a delivery's headers against every required credential.
    pub fn admit(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        if let Some((name, value)) = &self.required.header {
            const WHAT: &str = "required static header";
            let given = only_value(headers, name).ok_or(Refusal::Missing(WHAT))?;
            if !same(given?.as_bytes(), value) {
                return Err(Refusal::Wrong(WHAT));
            }
        }
        if let Some(token) = &self.required.bearer {
            const WHAT: &str = "bearer token";
            if !same(bearer(headers).ok_or(Refusal::Missing(WHAT))?, token) {
                return Err(Refusal::Wrong(WHAT));
            }
        }
        if self.required.oauth.is_some() {
            const WHAT: &str = "bearer token from the OAuth token exchange";
            let given = bearer(headers).ok_or(Refusal::Missing(WHAT))?;
            if !self.issued_token(given) {
                return Err(Refusal::Wrong(WHAT));
            }
        }
        Ok(())
    }

    /// Whether `given` is a token issued and not expired; every live token is compared, so the
    /// time taken does not tell which one came closest.
    fn issued_token(&self, given: &[u8]) -> bool {
        let now = Instant::now();
        let issued = self.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        issued.iter().fold(false, |found, (token, expires)| found | (same(given, token) && *expires > now))
    }

    /// Serves the token exchange: Basic credentials of the configured client and a form body
    /// `grant_type=client_credentials` get a new token.
    pub fn exchange(&self, headers: &HeaderMap, body: &[u8]) -> Exchange {
        let Some(client) = &self.required.oauth else { return Exchange::InvalidClient };
        let Some((id, secret)) = basic(headers) else { return Exchange::InvalidClient };
        // Both compared, always, so that the time taken does not tell which was wrong.
        let right = same(&id, &client.id) & same(&secret, &client.secret);
        if !right {
            return Exchange::InvalidClient;
        }
        let grant = form_value(body, "grant_type");
        if grant.as_deref() != Some(authhook::contract::delivery::OAUTH_GRANT_TYPE) {
            return Exchange::UnsupportedGrant;
        }
        let Some(token) = crate::cli::wire::random_hex(32) else { return Exchange::Unavailable };
        let mut issued = self.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        issued.retain(|(_, expires)| *expires > now);
        if issued.len() >= LIVE_TOKENS {
            issued.pop_front();
        }
        issued.push_back((Secret::from(token.clone()), now + TOKEN_LIFETIME));
        Exchange::Issued { token, expires_in: TOKEN_LIFETIME.as_secs() }
    }
}

/// The value of a header sent once; `Some(Err)` when it was sent more than once, which no
/// sender of one credential does (and which must not let a right value hide a wrong one).
fn only_value<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<Result<&'h HeaderValue, Refusal>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    Some(if values.next().is_some() { Err(Refusal::Wrong("credential, sent more than once,")) } else { Ok(first) })
}

/// The token of `Authorization: Bearer TOKEN`, the scheme in any case; an Authorization sent
/// more than once gives none.
fn bearer(headers: &HeaderMap) -> Option<&[u8]> {
    let value = only_value(headers, &header::AUTHORIZATION)?.ok()?.as_bytes();
    let (scheme, token) = value.split_at_checked(7)?;
    scheme.eq_ignore_ascii_case(b"bearer ").then(|| token.trim_ascii())
}

/// The id and secret of `Authorization: Basic base64(id:secret)`.
fn basic(headers: &HeaderMap) -> Option<(Vec<u8>, Vec<u8>)> {
    let value = headers.get(header::AUTHORIZATION)?.as_bytes();
    let (scheme, encoded) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case(b"basic ") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim_ascii()).ok()?;
    let colon = decoded.iter().position(|&b| b == b':')?;
    let (id, secret) = decoded.split_at(colon);
    Some((id.to_vec(), secret.get(1..).unwrap_or_default().to_vec()))
}

/// The value of `name` in an `application/x-www-form-urlencoded` body.
fn form_value(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| value.replace('+', " "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(authorization).unwrap_or(HeaderValue::from_static("")),
        );
        headers
    }

    fn oauth_gate() -> Gate {
        let client = OAuthClient {
            id: Secret::from("client".to_owned()),
            secret: Secret::from("s3cret".to_owned()),
            path: "/oauth/token".to_owned(),
        };
        Gate::new(Required { oauth: Some(client), ..Required::default() })
    }

    #[test]
    fn bearer_tokens_are_compared_whole() {
        let gate = Gate::new(Required { bearer: Some(Secret::from("abc".to_owned())), ..Required::default() });
        assert_eq!(gate.admit(&headers("Bearer abc")), Ok(()));
        assert_eq!(gate.admit(&headers("bearer abc")), Ok(()));
        assert!(matches!(gate.admit(&headers("Bearer abcd")), Err(Refusal::Wrong(_))));
        assert!(matches!(gate.admit(&headers("Bearer ab")), Err(Refusal::Wrong(_))));
        assert!(matches!(gate.admit(&HeaderMap::new()), Err(Refusal::Missing(_))));
    }

    #[test]
    fn the_exchange_issues_tokens_that_deliveries_then_need() {
        let gate = oauth_gate();
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("client:s3cret"));
        let Exchange::Issued { token, expires_in } = gate.exchange(&headers(&basic), b"grant_type=client_credentials")
        else {
            panic!("no token issued");
        };
        assert_eq!((token.len(), expires_in), (64, 3600));
        assert_eq!(gate.admit(&headers(&format!("Bearer {token}"))), Ok(()));
        assert!(matches!(gate.admit(&headers("Bearer 00")), Err(Refusal::Wrong(_))));
        let wrong = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("client:nope"));
        assert_eq!(gate.exchange(&headers(&wrong), b"grant_type=client_credentials"), Exchange::InvalidClient);
        assert_eq!(gate.exchange(&headers(&basic), b"grant_type=password"), Exchange::UnsupportedGrant);
    }
}
