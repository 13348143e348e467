//! The image reader on arbitrary bytes as a file: detection (docker-save archive, OCI
//! layout tar), the outer tar index, manifest/index/config JSON, the layers (walked by
//! seeking when plain, streamed when compressed), digest checks, and deferred content
//! read afterwards. Must never panic, and never read outside the file.
#![no_main]

use std::io::Write;

use dockward_oci::{Limits, ReadOptions, Verify, detect, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    let Ok(source) = detect(file.path()) else {
        return;
    };
    let all = |_: &str, _: u64| true;
    let bins = |path: &str, _: u64| path.contains("/bin/");
    for (verify, defer) in [(Verify::Off, true), (Verify::Layers, false)] {
        let options = ReadOptions {
            wanted: &all,
            platform: None,
            limits: Limits {
                max_kept_total: 16 << 20,
                max_layer_bytes: 256 << 20,
                ..Limits::default()
            },
            progress: None,
            verify,
            defer: defer.then_some(&bins as &(dyn Fn(&str, u64) -> bool + Sync)),
        };
        if let Ok(mut image) = read(&source, &options) {
            let _ = image.load_deferred(&|_, _| true);
            for (path, _) in image.files.iter().take(64) {
                let _ = image.files.resolve(path);
            }
        }
    }
});
