//! Fuzzes the scanner: the whole input at once, then the same input fed in two buffers split at
//! a point taken from the input, as a caller streaming it would (keeping what the first call did
//! not consume). Checks the scanner's own promises about offsets; any panic is a finding.

#![no_main]

use authhook::scan::{Found, ScanOptions, Scanned, Scanner};
use libfuzzer_sys::fuzz_target;

/// Checks what one `scan` call promises about the buffer it was given: items in order of their
/// start (values found inside a broken value start within its span, so spans may nest), each
/// within the buffer.
fn check_offsets(scanned: &Scanned<'_>, len: usize) {
    assert!(scanned.consumed <= len, "consumed {} of {len}", scanned.consumed);
    let mut last_start = None;
    for found in &scanned.found {
        assert!(last_start.is_none_or(|last| found.start() > last), "items go backwards");
        assert!(found.start() < found.end(), "an empty item");
        assert!(found.end() <= len, "an item ends past the buffer");
        if let Found::Value { parsed, .. } = found {
            // A value that parsed can be serialized back: exercises every node.
            let _ = parsed.node.to_serde();
        }
        last_start = Some(found.start());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else { return };
    let options = ScanOptions {
        lenient: control & 1 == 1,
        // A small limit now and then, so oversized values are entered too.
        max_payload_bytes: if control & 2 == 2 { 64 + usize::from(control >> 2) } else { 1 << 20 },
    };

    let mut whole = Scanner::new(options);
    let scanned = whole.scan(input, true);
    check_offsets(&scanned, input.len());
    assert!(!whole.is_shadowing(), "a shadow runs on after the end of the input");

    // Split at a point taken from the input.
    let split = if input.is_empty() { 0 } else { usize::from(input[0]) * 7 % (input.len() + 1) };
    let mut streaming = Scanner::new(options);
    let first = streaming.scan(&input[..split], false);
    check_offsets(&first, split);
    let consumed = first.consumed;
    drop(first);
    let rest = &input[consumed..];
    let second = streaming.scan(rest, true);
    check_offsets(&second, rest.len());
});
