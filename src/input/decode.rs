//! Decoding an input's bytes: gzip streams (every member, as `gzip -d` reads them) are
//! decompressed on the fly, and encodings authhook does not read are recognised from their first
//! bytes.

use std::io::{self, BufRead, BufReader, Read};

use flate2::bufread::GzDecoder;

use super::InputError;

/// The magic bytes that open a gzip stream.
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// `reader`, decompressed when it starts like gzip.
pub fn decompressed(mut reader: impl Read + Send + 'static, name: &str) -> Result<Box<dyn Read + Send>, InputError> {
    // The magic is looked for in the first two bytes however the stream delivers them: a pipe
    // may hand over one byte, and only later the rest.
    let mut head = Vec::with_capacity(GZIP_MAGIC.len());
    (&mut reader)
        .take(GZIP_MAGIC.len() as u64)
        .read_to_end(&mut head)
        .map_err(|source| InputError::Unreadable { path: name.to_owned(), source })?;
    let gzip = head.starts_with(GZIP_MAGIC);
    let whole = io::Cursor::new(head).chain(reader);
    // Only the decompressor reads through a buffer of its own; a plain input is read straight
    // into the caller's buffers (a buffer here would be zeroed before its first fill: 16 KiB
    // written, four page faults, for an input of a few hundred bytes).
    if gzip { Ok(Box::new(GzipMembers::new(BufReader::with_capacity(1 << 14, whole)))) } else { Ok(Box::new(whole)) }
}

/// Every member of a gzip stream, one after the other, as `gzip -d` reads them: zero bytes after
/// the last member (padding that tape and block devices add) end the stream, as they do for it.
struct GzipMembers<R: BufRead> {
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(reader: R) -> Self {
        GzipMembers { member: Some(GzDecoder::new(reader)) }
    }

    /// After a member: the next one, or `None` at the end of the stream or of its padding.
    fn next_member(mut reader: R) -> io::Result<Option<GzDecoder<R>>> {
        loop {
            let head = reader.fill_buf()?;
            if head.is_empty() {
                return Ok(None);
            }
            match head.iter().take_while(|&&b| b == 0).count() {
                0 if head.first() == GZIP_MAGIC.first() => return Ok(Some(GzDecoder::new(reader))),
                0 => {
                    let message = "the data after the last gzip member is not gzip";
                    return Err(io::Error::new(io::ErrorKind::InvalidData, message));
                }
                zeros => reader.consume(zeros),
            }
        }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(mut member) = self.member.take() {
            let n = member.read(buf)?;
            if n > 0 || buf.is_empty() {
                self.member = Some(member);
                return Ok(n);
            }
            self.member = Self::next_member(member.into_inner())?;
        }
        Ok(0)
    }
}

/// A printable ASCII byte or white space: what the first characters of a text are made of.
fn is_text_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() || byte.is_ascii_whitespace()
}

/// Names the encoding of a stream that starts with `head` when it is one authhook does not
/// read, as `(name, iconv name)`.
pub fn unsupported_encoding(head: &[u8]) -> Option<(&'static str, &'static str)> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => Some(("UTF-32LE", "UTF-32LE")),
        [a, 0, 0, 0, b, 0, 0, 0, ..] if is_text_byte(*a) && is_text_byte(*b) => Some(("UTF-32LE", "UTF-32LE")),
        [0, 0, 0xFE, 0xFF, ..] => Some(("UTF-32BE", "UTF-32BE")),
        [0, 0, 0, a, 0, 0, 0, b, ..] if is_text_byte(*a) && is_text_byte(*b) => Some(("UTF-32BE", "UTF-32BE")),
        [0xFF, 0xFE, ..] => Some(("UTF-16LE", "UTF-16LE")),
        [0xFE, 0xFF, ..] => Some(("UTF-16BE", "UTF-16BE")),
        [a, 0, b, 0, ..] if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 => {
            Some(("UTF-16LE (no byte-order mark)", "UTF-16LE"))
        }
        [0, a, 0, b, ..] if a.is_ascii() && *a != 0 && b.is_ascii() && *b != 0 => {
            Some(("UTF-16BE (no byte-order mark)", "UTF-16BE"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands over one byte at a time, as a slow pipe may.
    struct ByteByByte(io::Cursor<Vec<u8>>);

    impl Read for ByteByByte {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let one = buf.len().min(1);
            self.0.read(&mut buf[..one])
        }
    }

    #[test]
    fn gzip_is_recognised_when_its_first_bytes_come_one_at_a_time() {
        use std::io::Write;
        let text = b"{\"overallStatus\":\"PASS\"}\n".repeat(3);
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&text).unwrap();
        let compressed = encoder.finish().unwrap();
        for input in [compressed, text.clone(), b"{".to_vec(), Vec::new()] {
            let plain = if input.starts_with(GZIP_MAGIC) { text.clone() } else { input.clone() };
            let mut read = Vec::new();
            decompressed(ByteByByte(io::Cursor::new(input)), "-").unwrap().read_to_end(&mut read).unwrap();
            assert_eq!(read, plain);
        }
    }

    #[test]
    fn names_unsupported_encodings() {
        assert_eq!(unsupported_encoding(&[0xFF, 0xFE, b'{', 0]).map(|e| e.0), Some("UTF-16LE"));
        assert_eq!(unsupported_encoding(&[b'{', 0, b'"', 0]).map(|e| e.1), Some("UTF-16LE"));
        assert_eq!(unsupported_encoding(&[0, b'{', 0, b'"']).map(|e| e.1), Some("UTF-16BE"));
        assert_eq!(unsupported_encoding(b"{\"a\":1}"), None);
        assert_eq!(unsupported_encoding(&[0xEF, 0xBB, 0xBF, b'{']), None);
    }
}
