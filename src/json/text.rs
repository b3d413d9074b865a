//! The text of strings: stretches of input checked for UTF-8 once, and escapes decoded.

/// A stretch of an input known to be valid UTF-8, found with one check instead of one per string.
#[derive(Debug, Clone, Copy, Default)]
pub struct KnownText<'a> {
    /// Where `text` starts in the input.
    at: usize,
    text: &'a str,
}

impl<'a> KnownText<'a> {
    /// The longest valid UTF-8 stretch of `input[from..to]` that starts at `from`.
    pub fn check(input: &'a [u8], from: usize, to: usize) -> Self {
        let bytes = input.get(from..to.min(input.len())).unwrap_or_default();
        // Checked many bytes at a time (simdutf8), several times faster than the standard library.
        let text = match simdutf8::compat::from_utf8(bytes) {
            Ok(text) => text,
            // Rare (invalid bytes ahead): the valid prefix is checked again to borrow it as text,
            // which `utf8_chunks` would avoid at the price of its much slower check of the rest.
            Err(error) => {
                simdutf8::basic::from_utf8(bytes.get(..error.valid_up_to()).unwrap_or_default()).unwrap_or_default()
            }
        };
        KnownText { at: from, text }
    }

    /// Whether `offset` lies in the known stretch.
    pub fn covers(&self, offset: usize) -> bool {
        offset >= self.at && offset - self.at < self.text.len()
    }

    /// The input's `from..to` as text, when it lies in the known stretch.
    pub(super) fn get(&self, from: usize, to: usize) -> Option<&'a str> {
        self.text.get(from.checked_sub(self.at)?..to.checked_sub(self.at)?)
    }
}

impl<'a> From<&'a str> for KnownText<'a> {
    /// All of `text`, which is a buffer in its own right.
    fn from(text: &'a str) -> Self {
        KnownText { at: 0, text }
    }
}

/// Decodes the escapes of a validated JSON string body; lone surrogates become U+FFFD.
pub(super) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let high = hex4(&mut chars);
                let code = if (0xD800..0xDC00).contains(&high) {
                    let mut lookahead = chars.clone();
                    if lookahead.next() == Some('\\') && lookahead.next() == Some('u') {
                        let low = hex4(&mut lookahead);
                        if (0xDC00..0xE000).contains(&low) {
                            chars = lookahead;
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            high
                        }
                    } else {
                        high
                    }
                } else {
                    high
                };
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    chars.by_ref().take(4).fold(0, |acc, c| acc * 16 + c.to_digit(16).unwrap_or(0))
}
