//! Feeds arbitrary bytes to the `/containers/create` body decoder (Go
//! encoding/json semantics), and any JSON that parses to the inspect builder.
//! Both must return a spec or an error, never panic.

#![no_main]

use dockward_spec::ContainerSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ContainerSpec::from_create_body(data, Some("fuzz"));
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = ContainerSpec::from_inspect(&value);
    }
});
