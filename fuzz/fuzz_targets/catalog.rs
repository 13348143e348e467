//! The package catalogers and SBOM writers on arbitrary file content: the input is cut
//! into pieces placed where each cataloger looks (dpkg status and lists, apk, rpm
//! sqlite, Python METADATA, package.json, Cargo.lock, a gemspec, Composer, an
//! executable, a jar, os-release). Must never panic.
#![no_main]

use std::sync::Arc;

use dockward_oci::tree::{EntryKind, FileEntry, FileTree};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 13] = [
    "/etc/os-release",
    "/var/lib/dpkg/status",
    "/var/lib/dpkg/info/pkg.list",
    "/lib/apk/db/installed",
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/python3/dist-packages/pkg-1.0.dist-info/METADATA",
    "/srv/app/node_modules/pkg/package.json",
    "/srv/app/Cargo.lock",
    "/usr/local/bundle/specifications/pkg-1.0.gemspec",
    "/srv/app/vendor/composer/installed.json",
    "/usr/local/bin/tool",
    "/opt/app/lib.jar",
    "/srv/app/package.json",
];

fuzz_target!(|data: &[u8]| {
    let mut tree = FileTree::new();
    // Pieces separated by 0xff bytes; the first byte rotates which path gets which piece.
    let (shift, rest) = data
        .split_first()
        .map_or((0, data), |(s, r)| (*s as usize, r));
    for (i, piece) in rest.split(|b| *b == 0xff).enumerate().take(PATHS.len()) {
        let path = PATHS[(i + shift) % PATHS.len()];
        tree.insert(
            path.to_owned(),
            FileEntry {
                kind: EntryKind::File,
                mode: 0o755,
                uid: 0,
                gid: 0,
                size: piece.len() as u64,
                layer: i % 3,
                content: Some(Arc::from(piece)),
            },
        );
    }
    let catalog = dockward_sbom::catalog(&tree);
    let os_packages = dockward_sbom::OsPackages::read(&tree);
    let _ = os_packages.owns("/usr/local/bin/tool");
    let meta = dockward_sbom::ImageMeta {
        name: "fuzz".into(),
        digest: None,
        tool_version: "0".into(),
    };
    let _ = serde_json::to_string(&dockward_sbom::cyclonedx(&meta, &catalog));
    let _ = serde_json::to_string(&dockward_sbom::spdx(
        &meta,
        &catalog,
        "fuzz",
        "2026-01-01T00:00:00Z",
    ));
});
