//! The layer walker on arbitrary bytes: as a layer as given (plain, gzip or
//! zstd, sniffed), and gzip-compressed; then symlink resolution over the
//! resulting tree. Must never panic.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = dockward_oci::walk::walk_layer_bytes(data) {
        for (path, _) in tree.iter().take(64) {
            let _ = tree.resolve(path);
        }
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    if gz.write_all(data).is_ok()
        && let Ok(bytes) = gz.finish()
    {
        let _ = dockward_oci::walk::walk_layer_bytes(&bytes);
    }
});
