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
    CodePoints(raw.chars()).map(|code| char::from_u32(code).unwrap_or('\u{FFFD}')).collect()
}

/// Decodes the escapes of a validated JSON string body into bytes that tell every two different
/// bodies apart: UTF-8, except that an escaped surrogate that is not half of a pair (`\ud800`)
/// becomes the three bytes generalized UTF-8 gives it, which are never valid UTF-8 and so never
/// stand for a character. [`unescape`] turns every such surrogate into U+FFFD instead.
pub(super) fn unescape_exactly(raw: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for code in CodePoints(raw.chars()) {
        match char::from_u32(code) {
            Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            None => out.extend_from_slice(&[
                0xE0 | (code >> 12) as u8,
                0x80 | (code >> 6 & 0x3F) as u8,
                0x80 | (code & 0x3F) as u8,
            ]),
        }
    }
    out
}

/// The code points of a string body, escapes decoded; an escaped surrogate that is not half of a
/// pair comes as its own value (0xD800 to 0xDFFF), which no `char` holds.
struct CodePoints<'a>(std::str::Chars<'a>);

impl Iterator for CodePoints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let chars = &mut self.0;
        let c = chars.next()?;
        if c != '\\' {
            return Some(u32::from(c));
        }
        Some(match chars.next()? {
            'b' => 0x8,
            'f' => 0xC,
            'n' => 0xA,
            'r' => 0xD,
            't' => 0x9,
            'u' => {
                let high = hex4(chars);
                if !(0xD800..0xDC00).contains(&high) {
                    return Some(high);
                }
                let mut lookahead = chars.clone();
                if lookahead.next() == Some('\\') && lookahead.next() == Some('u') {
                    let low = hex4(&mut lookahead);
                    if (0xDC00..0xE000).contains(&low) {
                        *chars = lookahead;
                        return Some(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                    }
                }
                high
            }
            other => u32::from(other),
        })
    }
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    chars.by_ref().take(4).fold(0, |acc, c| acc * 16 + c.to_digit(16).unwrap_or(0))
}
