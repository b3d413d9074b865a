//! What a credential looks like: the keys that hold one, and JSON Web Tokens found in any text
//! (replaced by their length wherever text is shown).

use std::sync::LazyLock;

use memchr::memmem;

/// Keys whose values are credentials wherever they appear.
pub const SECRET_KEYS: &[&str] =
    &["token", "interviewToken", "accessToken", "access_token", "authorization", "Authorization"];

/// Whether `key`, decoded, is one of [`SECRET_KEYS`]. Most keys are told apart by their class
/// (its length and its first and last bytes) with one look, before any text is compared.
pub fn is_secret_key(key: &str) -> bool {
    SECRET_CLASSES >> key_class(key.as_bytes()) & 1 == 1 && SECRET_KEYS.contains(&key)
}

/// One bit for the class of each of [`SECRET_KEYS`].
const SECRET_CLASSES: u64 = {
    let mut bits = 0;
    let mut keys = SECRET_KEYS;
    while let [key, rest @ ..] = keys {
        bits |= 1 << key_class(key.as_bytes());
        keys = rest;
    }
    bits
};

/// A key's class, 0 to 63, from its length and its first and last bytes.
const fn key_class(key: &[u8]) -> u32 {
    let ends = match key {
        [first, .., last] => (*first as u32) << 1 ^ (*last as u32) << 3,
        _ => 0,
    };
    (key.len() as u32 ^ ends) % 64
}

/// What a log filter writes in place of a credential's value (Rails' `filter_parameters`): not
/// a credential.
pub const FILTERED_MARKS: &[&str] = &["[FILTERED]"];

/// Whether `text` has the shape of a JSON Web Token (three base64url parts, the first `eyJ`).
pub fn looks_like_jwt(text: &str) -> bool {
    let mut parts = text.split('.');
    let is_part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(header), Some(body), Some(signature), None)
            if header.starts_with("eyJ") && is_part(header) && is_part(body) && (signature.is_empty() || is_part(signature))
    )
}

/// Whether `b` can be part of a JWT: base64url or the dot between parts.
fn is_jwt_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
}

/// The shortest header part taken for a JWT's: `eyJ` and one more character (a real header,
/// `{"alg":"none"}` at the least, is 19); `eyJ` alone (as in a host name such as
/// `keyJ.example.com`) is no header.
const MIN_HEADER: usize = 4;

/// Whether `run`, a stretch of base64url and dots starting at `eyJ`, holds a token: a header
/// part long enough, then at least two more dots (a detached signature's payload is empty).
fn holds_token(run: &str) -> bool {
    let mut dots = run.bytes().enumerate().filter(|&(_, b)| b == b'.').map(|(i, _)| i);
    matches!((dots.next(), dots.next()), (Some(first), Some(_)) if first >= MIN_HEADER)
}

/// `text` with every JWT-shaped run replaced by its length; `None` when it holds none.
///
/// A run is everything from an `eyJ` to the first byte that can be neither base64url nor a dot,
/// so text glued to a token (another token, a prefix that makes it look like something else, a
/// detached signature) goes with it: no part of a token is ever left showing.
pub fn without_jwts(text: &str) -> Option<String> {
    // A token starts `eyJ`. Most texts shown (ids, a date-time) hold no `J` at all, which one
    // look tells for less than setting the searcher to work.
    memchr::memchr(b'J', text.as_bytes())?;
    let mut out: Option<String> = None;
    let mut copied = 0;
    static JWT_START: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(b"eyJ"));
    for at in JWT_START.find_iter(text.as_bytes()) {
        if at < copied {
            continue;
        }
        let rest = text.get(at..).unwrap_or_default();
        let run = rest.get(..rest.bytes().position(|b| !is_jwt_byte(b)).unwrap_or(rest.len())).unwrap_or_default();
        if !holds_token(run) {
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(text.get(copied..at).unwrap_or_default());
        out.push_str(&format!("<redacted: {} characters>", run.len()));
        copied = at + run.len();
    }
    let mut out = out?;
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

    #[test]
    fn tells_secret_keys_from_others() {
        assert!(SECRET_KEYS.iter().all(|key| is_secret_key(key)));
        for other in ["", "t", "tokens", "Token", "transactionId", "customerId", "interviewId", "accessTokens"] {
            assert!(!is_secret_key(other), "{other}");
        }
    }

    #[test]
    fn recognises_jwts() {
        assert!(looks_like_jwt(JWT));
        assert!(!looks_like_jwt("67460a9995516d9a553aa95b"));
        assert!(!looks_like_jwt("eyJ.a b.c"));
    }

    #[test]
    fn hides_jwt_shaped_runs_in_any_text() {
        let text = format!("customerId is \"{JWT}\", and {JWT}.extra; eyJ-not-one");
        assert_eq!(
            without_jwts(&text).as_deref(),
            Some("customerId is \"<redacted: 49 characters>\", and <redacted: 55 characters>; eyJ-not-one")
        );
        let glued = format!("eyJ0.eyJ0.{JWT} and {JWT}{JWT} and eyJhbGciOiJIUzI1NiJ9..c2lnbmF0dXJl");
        let clean = without_jwts(&glued).unwrap_or_default();
        for part in JWT.split('.') {
            assert!(!clean.contains(part), "{part} shows in {clean}");
        }
        assert_eq!(without_jwts("keyJ.example.com and eyJhbGci.only"), None);
        assert_eq!(without_jwts("no secret here, eyJ alone"), None);
        assert_eq!(without_jwts("/eyJhbGci.eyJzdWIi.").as_deref(), Some("/<redacted: 18 characters>"));
    }
}
