//! Feeds arbitrary bytes (lossy UTF-8) to the compose loader and checks that
//! it returns an error or a project whose spans all lie on the text's char
//! boundaries. `extends: {file: …}` reads the same input again, to exercise
//! the other-file path.

#![no_main]

use dockward_spec::compose::{self, ComposeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let options = ComposeOptions {
        dotenv: Some("A=1\nB=\n".to_owned()),
        ..ComposeOptions::default()
    };
    let same = text.clone().into_owned();
    let loader = move |_: &str| Some(same.clone());
    let ok = |s: dockward_diagnostics::Span| {
        s.start <= s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end)
    };
    match compose::load(&text, &options, &loader) {
        Ok(project) => {
            for service in &project.services {
                assert!(ok(service.origins.whole), "bad service span");
                for span in service.origins.fields.values() {
                    assert!(ok(*span), "bad field span");
                }
            }
            for warning in &project.warnings {
                assert!(ok(warning.span), "bad warning span");
            }
        }
        Err(e) => {
            if let Some(span) = e.span() {
                assert!(span.end <= text.len(), "bad error span");
            }
        }
    }
});
