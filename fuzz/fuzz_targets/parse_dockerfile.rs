//! Feeds arbitrary bytes (lossy UTF-8, as `dockward lint` reads files) to the
//! Dockerfile parser and checks that every span it returns is valid.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let df = dockward_dockerfile::parse(&text);
    let ok = |s: dockward_dockerfile::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    for i in &df.instructions {
        assert!(ok(i.span) && ok(i.keyword_span), "bad instruction span");
        for f in &i.flags {
            assert!(ok(f.span), "bad flag span");
        }
        for h in &i.heredocs {
            assert!(ok(h.body_span) && ok(h.marker_span), "bad heredoc span");
        }
    }
    for e in &df.errors {
        assert!(ok(e.span), "bad error span");
    }
    for c in &df.comments {
        assert!(ok(c.span), "bad comment span");
    }
    for stage in 0..df.stages.len() {
        let _ = df.expanded_from_image(stage);
    }
});
