//! Feeds arbitrary bytes (lossy UTF-8) to the RUN-body shell parser through
//! a non-identity offset map, and checks that it does not panic and that
//! every span lies inside the mapped range.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// Byte `i` of the body sits at `7 + 2 * i` in an imaginary Dockerfile.
fn map(i: usize) -> usize {
    7 + 2 * i
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let script = dockward_dockerfile::shell::parse(&text, &map);
    let high = text.len().checked_sub(1).map_or(map(0), |last| map(last) + 1);
    let ok = |s: dockward_dockerfile::Span| map(0) <= s.start && s.start <= s.end && s.end <= high;
    for c in &script.commands {
        assert!(ok(c.span), "bad command span");
        let words = c
            .assignments
            .iter()
            .chain(&c.name)
            .chain(&c.args)
            .chain(c.redirects.iter().map(|r| &r.target));
        for w in words {
            assert!(ok(w.span), "bad word span");
        }
        assert!(c.pipeline_len >= 1, "empty pipeline");
    }
    if let Some(span) = script.error_span {
        assert!(ok(span), "bad error span");
    }
    let _ = dockward_dockerfile::shell::split_words(&text);
});
