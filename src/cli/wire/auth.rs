//! Credentials as the command line gives them (a value, or `env:VAR`), never shown; and the
//! credentials a sender puts on each delivery: static headers, a bearer token, or a token from
//! the vendor's OAuth 2.0 client-credentials exchange, reused until it expires.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http_body_util::Full;
use hyper::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri, header};

use super::{Client, FRAMING_HEADERS};
use authhook::contract::delivery::OAUTH_GRANT_TYPE;

/// A credential's value: compared and sent, never shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The value's bytes, to compare or send only.
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

/// A credential as given: the text itself, or `env:VAR` for the value of the variable VAR, which
/// keeps it out of shell history and process lists.
pub fn secret(text: &str, option: &str) -> Result<Secret, String> {
    let value = match text.strip_prefix("env:") {
        Some(name) => std::env::var(name)
            .map_err(|_| format!("{option} names the environment variable {name:?}, which is not set"))?,
        None => text.to_owned(),
    };
    if value.is_empty() {
        return Err(format!("{option} is empty; a credential must have a value"));
    }
    Ok(Secret(value.into_bytes()))
}

/// A credential that can be sent in a header (`--bearer`, a token).
pub fn header_value_secret(text: &str, option: &str) -> Result<Secret, String> {
    let value = secret(text, option)?;
    if HeaderValue::from_bytes(value.bytes()).is_err() {
        return Err(format!(
            "{option} has a value that cannot be sent in a header (a line break or a control character)"
        ));
    }
    Ok(value)
}

/// A static header a sender adds (`--header`): `Name: value`, not one that frames the request.
pub fn sent_header(text: &str, option: &str) -> Result<(HeaderName, Secret), String> {
    let (name, value) = header_secret(text, option)?;
    if FRAMING_HEADERS.contains(&name.as_str()) {
        return Err(format!("{option} {name}: this header frames the request and is set by authhook"));
    }
    Ok((name, value))
}

/// `Name: value`, the value possibly `env:VAR`, fit to be sent.
pub fn header_secret(text: &str, option: &str) -> Result<(HeaderName, Secret), String> {
    let (name, value) =
        text.split_once(':').ok_or_else(|| format!("{option} must be 'Name: value' (the value may be env:VAR)"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("{option} names no valid header (expected 'Name: value')"))?;
    let value = secret(value.trim(), option)?;
    if HeaderValue::from_bytes(value.bytes()).is_err() {
        return Err(format!("{option} has a value that cannot be sent in a header"));
    }
    Ok((name, value))
}

/// `CLIENT_ID:SECRET`, either part possibly `env:VAR`; or `env:VAR` whose value is `ID:SECRET`.
pub fn client_credentials(text: &str, option: &str) -> Result<(Secret, Secret), String> {
    let whole = secret(text, option)?;
    let whole = String::from_utf8_lossy(whole.bytes()).into_owned();
    let (id, client_secret) =
        whole.split_once(':').ok_or_else(|| format!("{option} must be CLIENT_ID:SECRET (either may be env:VAR)"))?;
    let id = if id.starts_with("env:") { secret(id, option)? } else { Secret(id.as_bytes().to_vec()) };
    if id.bytes().is_empty() {
        return Err(format!("{option} has an empty client id"));
    }
    Ok((id, secret(client_secret, option)?))
}

/// The vendor's token exchange, as a sender makes it.
pub struct TokenSource {
    pub url: Uri,
    id: Secret,
    secret: Secret,
    cached: Mutex<Option<(Secret, Instant)>>,
}

/// What a sender puts on each delivery.
#[derive(Default)]
pub struct Credentials {
    pub headers: Vec<(HeaderName, Secret)>,
    pub bearer: Option<Secret>,
    pub oauth: Option<TokenSource>,
}

/// How a sender's credentials are put on a request: as configured, left out, or each one wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presented {
    Right,
    Missing,
    Wrong,
}

impl Credentials {
    pub fn oauth(url: Uri, (id, secret): (Secret, Secret)) -> TokenSource {
        TokenSource { url, id, secret, cached: Mutex::new(None) }
    }

    /// Puts the credentials on `headers` as `presented` says; a token is fetched (or reused)
    /// from the exchange first when one is needed.
    pub async fn apply(
        &self,
        client: &Client,
        headers: &mut HeaderMap,
        presented: Presented,
        limit: Duration,
    ) -> Result<(), String> {
        if presented == Presented::Missing {
            return Ok(());
        }
        let spoil = |value: &[u8]| -> Vec<u8> {
            let mut spoiled = value.to_vec();
            spoiled.extend_from_slice(b"-wrong");
            spoiled
        };
        for (name, value) in &self.headers {
            let bytes = if presented == Presented::Wrong { spoil(value.bytes()) } else { value.bytes().to_vec() };
            if let Ok(value) = HeaderValue::from_bytes(&bytes) {
                headers.insert(name.clone(), value);
            }
        }
        let token = match (&self.bearer, &self.oauth) {
            (Some(token), _) => Some(token.clone()),
            (None, Some(source)) => Some(source.token(client, limit).await?),
            (None, None) => None,
        };
        if let Some(token) = token {
            let bytes = if presented == Presented::Wrong { spoil(token.bytes()) } else { token.bytes().to_vec() };
            let mut value = b"Bearer ".to_vec();
            value.extend_from_slice(&bytes);
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                headers.insert(header::AUTHORIZATION, value);
            }
        }
        Ok(())
    }
}

/// How long before its expiry a token is no longer used.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// The longest a token is reused, whatever the exchange says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

impl TokenSource {
    /// A token from the exchange: the one fetched last while it has not expired, else a new one.
    async fn token(&self, client: &Client, limit: Duration) -> Result<Secret, String> {
        let now = Instant::now();
        if let Some((token, expires)) = self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref()
            && *expires > now
        {
            return Ok(token.clone());
        }
        let mut credentials = self.id.bytes().to_vec();
        credentials.push(b':');
        credentials.extend_from_slice(self.secret.bytes());
        let basic = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(&credentials));
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::AUTHORIZATION, basic)
            .body(Full::new(Bytes::from(format!("grant_type={OAUTH_GRANT_TYPE}"))))
            .map_err(|error| format!("cannot make the token request: {error}"))?;
        let answer = client.send(request, limit).await.map_err(|e| format!("the token exchange failed: {e}"))?;
        let status = answer.status();
        if !status.is_success() {
            return Err(format!("the token exchange at {} answered {status}", self.url));
        }
        let body: serde_json::Value = serde_json::from_slice(answer.response.body())
            .map_err(|_| "the token exchange's answer is not JSON".to_owned())?;
        let token = body["access_token"].as_str().filter(|t| !t.is_empty());
        let token = token.ok_or("the token exchange's answer has no access_token")?;
        if HeaderValue::from_str(token).is_err() {
            return Err("the token exchange's access_token cannot be sent in a header".to_owned());
        }
        let seconds = body["expires_in"].as_u64().unwrap_or(0).min(MAX_LIFETIME.as_secs());
        let lifetime = Duration::from_secs(seconds).saturating_sub(EXPIRY_MARGIN);
        let token = Secret::from(token.to_owned());
        let expires = now.checked_add(lifetime).unwrap_or(now);
        *self.cached.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((token.clone(), expires));
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_come_from_the_environment_and_never_show() {
        assert!(secret("env:PATH", "--bearer").is_ok_and(|s| !s.bytes().is_empty()));
        assert!(secret("env:AUTHHOOK_SURELY_UNSET_VARIABLE", "--bearer").is_err());
        assert!(!format!("{:?}", Secret(b"hunter2".to_vec())).contains("hunter2"));
        let (name, value) = header_secret("X-Webhook-Key: abc", "--header").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((name.as_str(), value.bytes()), ("x-webhook-key", &b"abc"[..]));
        assert!(header_secret("no colon", "--header").is_err());
        let (id, client_secret) = client_credentials("id:se:cret", "--oauth").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((id.bytes(), client_secret.bytes()), (&b"id"[..], &b"se:cret"[..]));
        assert!(client_credentials(":secret", "--oauth").is_err());
        assert!(header_value_secret("ABC\n", "--bearer").is_err());
        assert!(sent_header("Content-Length: 5", "--header").is_err());
        assert!(sent_header("X-Hook: 5", "--header").is_ok());
    }
}
