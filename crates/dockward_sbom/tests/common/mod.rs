//! A hand-built image tree made of real files from a Debian 12 machine (a slice of its dpkg
//! status, its os-release, dist-info METADATA from site-packages), small npm fixtures, and
//! constructed binaries and archives.
#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;

use dockward_oci::tree::{EntryKind, FileEntry, FileTree};
use dockward_sbom::wanted;

pub fn file(tree: &mut FileTree, path: &str, data: &[u8], layer: usize) {
    assert!(wanted(path, data.len() as u64), "{path} should be wanted");
    tree.insert(
        path.to_owned(),
        FileEntry {
            kind: EntryKind::File,
            mode: 0o755,
            uid: 0,
            gid: 0,
            size: data.len() as u64,
            layer,
            content: Some(Arc::from(data)),
        },
    );
}

pub fn symlink(tree: &mut FileTree, path: &str, target: &str) {
    tree.insert(
        path.to_owned(),
        FileEntry {
            kind: EntryKind::Symlink(target.to_owned()),
            mode: 0o777,
            uid: 0,
            gid: 0,
            size: 0,
            layer: 0,
            content: None,
        },
    );
}

fn auditable_elf() -> Vec<u8> {
    let payload = r#"{"packages":[{"name":"aho-corasick","version":"0.7.20","source":"<registry>","dependencies":[1]},{"name":"memchr","version":"2.5.0","source":"<registry>"},{"name":"regex","version":"1.5.4","source":"<registry>","dependencies":[0,1,3]},{"name":"regex-syntax","version":"0.6.29","source":"<registry>"},{"name":"rustdemo","version":"0.1.0","source":"local","dependencies":[2,5],"root":true},{"name":"smallvec","version":"1.6.0","source":"<registry>"}],"format":1}"#;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(payload.as_bytes()).unwrap();
    let dep = z.finish().unwrap();
    // ELF64 LE: header, .dep-v0 content, .shstrtab, 3 section headers.
    let mut f = vec![0u8; 64];
    f[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    let dep_off = f.len();
    f.extend_from_slice(&dep);
    let strtab = b"\0.dep-v0\0.shstrtab\0";
    let str_off = f.len();
    f.extend_from_slice(strtab);
    while !f.len().is_multiple_of(8) {
        f.push(0);
    }
    let shoff = f.len();
    f.extend_from_slice(&[0u8; 64]);
    for (name, ty, off, size) in [
        (1u32, 1u32, dep_off, dep.len()),
        (9, 3, str_off, strtab.len()),
    ] {
        let mut h = [0u8; 64];
        h[0..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&ty.to_le_bytes());
        h[24..32].copy_from_slice(&(off as u64).to_le_bytes());
        h[32..40].copy_from_slice(&(size as u64).to_le_bytes());
        f.extend_from_slice(&h);
    }
    f[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
    f[0x3A..0x3C].copy_from_slice(&64u16.to_le_bytes());
    f[0x3C..0x3E].copy_from_slice(&3u16.to_le_bytes());
    f[0x3E..0x40].copy_from_slice(&2u16.to_le_bytes());
    f.resize(f.len().max(2048), 0);
    f
}

fn jar() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    w.start_file("META-INF/MANIFEST.MF", o).unwrap();
    w.write_all(b"Manifest-Version: 1.0\r\nImplementation-Title: Apache Log4j Core\r\nImplementation-Version: 2.14.1\r\n").unwrap();
    w.start_file(
        "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
        o,
    )
    .unwrap();
    w.write_all(b"version=2.14.1\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\n")
        .unwrap();
    w.finish().unwrap().into_inner()
}

/// The tree of a small bookworm image.
pub fn image() -> FileTree {
    let mut t = FileTree::new();
    file(
        &mut t,
        "/usr/lib/os-release",
        include_bytes!("../fixtures/os-release"),
        0,
    );
    symlink(&mut t, "/etc/os-release", "../usr/lib/os-release");
    file(
        &mut t,
        "/var/lib/dpkg/status",
        include_bytes!("../fixtures/dpkg-status"),
        0,
    );
    file(
        &mut t,
        "/var/lib/dpkg/info/python3-yaml.list",
        include_bytes!("../fixtures/dpkg-info/python3-yaml.list"),
        0,
    );
    file(
        &mut t,
        "/var/lib/dpkg/info/python3-urllib3.list",
        include_bytes!("../fixtures/dpkg-info/python3-urllib3.list"),
        0,
    );
    // Distro-owned Python packages: excluded as language packages.
    file(
        &mut t,
        "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
        include_bytes!("../fixtures/python/PyYAML-6.0.METADATA"),
        0,
    );
    file(
        &mut t,
        "/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO",
        include_bytes!("../fixtures/python/urllib3-1.26.12.PKG-INFO"),
        0,
    );
    // pip-installed packages.
    let sp = "/usr/local/lib/python3.11/dist-packages";
    file(
        &mut t,
        &format!("{sp}/flask-3.1.3.dist-info/METADATA"),
        include_bytes!("../fixtures/python/flask-3.1.3.METADATA"),
        1,
    );
    file(
        &mut t,
        &format!("{sp}/jinja2-3.1.6.dist-info/METADATA"),
        include_bytes!("../fixtures/python/jinja2-3.1.6.METADATA"),
        1,
    );
    file(
        &mut t,
        &format!("{sp}/blinker-1.9.0.dist-info/METADATA"),
        include_bytes!("../fixtures/python/blinker-1.9.0.METADATA"),
        1,
    );
    file(
        &mut t,
        &format!("{sp}/itsdangerous-2.2.0.dist-info/METADATA"),
        include_bytes!("../fixtures/python/itsdangerous-2.2.0.METADATA"),
        1,
    );
    // A copy of pip's PyYAML in the site-packages of the app, not owned: reported.
    file(
        &mut t,
        &format!("{sp}/PyYAML-6.0.dist-info/METADATA"),
        include_bytes!("../fixtures/python/PyYAML-6.0.METADATA"),
        1,
    );
    let nm = "/srv/app/node_modules";
    file(
        &mut t,
        "/srv/app/package.json",
        include_bytes!("../fixtures/npm/app.json"),
        1,
    );
    // A package.json with no node_modules beside it is not an installed app.
    file(
        &mut t,
        "/srv/other/package.json",
        include_bytes!("../fixtures/npm/app.json"),
        1,
    );
    file(
        &mut t,
        &format!("{nm}/lodash/package.json"),
        include_bytes!("../fixtures/npm/lodash.json"),
        1,
    );
    file(
        &mut t,
        &format!("{nm}/node-fetch/package.json"),
        include_bytes!("../fixtures/npm/node-fetch.json"),
        1,
    );
    file(
        &mut t,
        &format!("{nm}/whatwg-url/package.json"),
        include_bytes!("../fixtures/npm/whatwg-url.json"),
        1,
    );
    file(
        &mut t,
        &format!("{nm}/@types/node/package.json"),
        include_bytes!("../fixtures/npm/types-node.json"),
        1,
    );
    file(&mut t, "/usr/local/bin/rustdemo", &auditable_elf(), 1);
    file(&mut t, "/opt/app/log4j-core-2.14.1.jar", &jar(), 1);
    file(
        &mut t,
        "/usr/src/dockward/Cargo.lock",
        include_bytes!("../../../../Cargo.lock"),
        1,
    );
    file(
        &mut t,
        "/usr/local/bundle/specifications/rack-2.2.3.gemspec",
        b"Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\n  s.licenses = [\"MIT\".freeze]\nend\n",
        1,
    );
    file(
        &mut t,
        "/var/www/vendor/composer/installed.json",
        br#"{"packages":[{"name":"monolog/monolog","version":"2.9.1","license":["MIT"],"require":{"php":">=7.2","psr/log":"^1.0"}},{"name":"psr/log","version":"1.1.4","license":["MIT"]}],"dev":true}"#,
        1,
    );
    t
}
