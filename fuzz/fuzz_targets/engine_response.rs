//! Feeds arbitrary bytes to the Engine API client's HTTP/1.1 response parser
//! (what a hostile or broken daemon could answer): it must return a response
//! or an error, within its size limits, and never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = dockward_probe::engine::parse_response(data) {
        assert!(response.body.len() <= dockward_probe::engine::MAX_BODY);
    }
});
