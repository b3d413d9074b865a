//! Eight bytes at a time: a `u64` read from eight bytes of text, tested or decoded with
//! arithmetic that works on every byte at once.

/// The lowest bit of every byte.
pub(crate) const LOW_BITS: u64 = 0x0101_0101_0101_0101;
/// The highest bit of every byte.
pub(crate) const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` below `limit`, exact for the lowest such byte: a borrow
/// runs up only from a byte that is below it, so bytes above that may be marked too.
pub(crate) fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(LOW_BITS * u64::from(limit)) & !word & HIGH_BITS
}

/// The value of eight hexadecimal digits (0-9 and a-f, or A-F), the first the most significant:
/// each byte becomes its digit's value (0-9 are 0x30 to 0x39, a-f 0x61 to 0x66), then
/// neighbouring values are packed pairwise, twice, into one number.
pub(crate) fn hex_word(digits: &[u8; 8]) -> u32 {
    const LOW_NIBBLES: u64 = 0x0F0F_0F0F_0F0F_0F0F;
    let word = u64::from_be_bytes(*digits);
    let values = (word & LOW_NIBBLES) + 9 * ((word >> 6) & LOW_BITS);
    let pairs = (values | values >> 4) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs | pairs >> 8) & 0x0000_FFFF_0000_FFFF;
    (quads | quads >> 16) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_words_are_read() {
        assert_eq!(hex_word(b"0123abcd"), 0x0123_abcd);
        assert_eq!(hex_word(b"ffffffff"), u32::MAX);
        assert_eq!(hex_word(b"9a8b7c6d"), 0x9a8b_7c6d);
        assert_eq!(hex_word(b"9A8B7C6D"), 0x9a8b_7c6d);
    }
}
