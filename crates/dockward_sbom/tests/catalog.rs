//! Catalogs a hand-built image tree made of real files from this Debian 12 machine (a slice of
//! its dpkg status, its os-release, dist-info METADATA from site-packages), small npm fixtures,
//! and constructed binaries and archives.

mod common;

use common::{file, image};
use dockward_oci::tree::FileTree;
use dockward_sbom::{Catalog, PackageKind, catalog};
use dockward_vuln::ecosystem::Ecosystem;

fn find<'a>(c: &'a Catalog, kind: PackageKind, name: &str) -> Option<&'a dockward_sbom::Package> {
    c.packages.iter().find(|p| p.kind == kind && p.name == name)
}

#[test]
fn os_and_dpkg_from_real_bookworm_files() {
    let c = catalog(&image());
    let os = c.os.as_ref().unwrap();
    assert_eq!(
        (os.id.as_str(), os.version_id.as_deref()),
        ("debian", Some("12"))
    );
    assert_eq!(
        c.packages
            .iter()
            .filter(|p| p.kind == PackageKind::Deb)
            .count(),
        31
    );

    let bsd = find(&c, PackageKind::Deb, "bsdutils").unwrap();
    assert_eq!(bsd.version, "1:2.38.1-5+deb12u3");
    assert_eq!(bsd.source_name.as_deref(), Some("util-linux"));
    assert_eq!(bsd.source_version.as_deref(), Some("2.38.1-5+deb12u3"));
    assert_eq!(bsd.ecosystem, Ecosystem::Debian("12".into()));
    assert_eq!(
        bsd.purl,
        "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=bookworm&upstream=util-linux%402.38.1-5%2Bdeb12u3"
    );
    let libc = find(&c, PackageKind::Deb, "libc6").unwrap();
    assert_eq!(libc.source_name.as_deref(), Some("glibc"));
    assert_eq!(libc.source_version.as_deref(), Some(libc.version.as_str()));
    let bash = find(&c, PackageKind::Deb, "bash").unwrap();
    assert_eq!(bash.source_version.as_deref(), Some("5.2.15-2"));
    assert_ne!(bash.version, "5.2.15-2");
    assert!(
        bash.dependencies
            .iter()
            .any(|d| d.starts_with("pkg:deb/debian/base-files@")),
        "{:?}",
        bash.dependencies
    );
}

#[test]
fn os_owned_python_files_are_not_reported_twice() {
    let c = catalog(&image());
    let py: Vec<(&str, &str)> = c
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Python)
        .map(|p| (p.name.as_str(), p.locations[0].as_str()))
        .collect();
    assert!(
        !py.iter()
            .any(|(_, l)| l.starts_with("/usr/lib/python3/dist-packages")),
        "{py:?}"
    );
    assert_eq!(py.len(), 5, "{py:?}");
    let yaml = find(&c, PackageKind::Python, "PyYAML").unwrap();
    assert_eq!(yaml.purl, "pkg:pypi/pyyaml@6.0");
    assert_eq!(yaml.layer, Some(1));
    let flask = find(&c, PackageKind::Python, "Flask").unwrap();
    assert_eq!(flask.licenses, vec!["BSD-3-Clause"]);
    let mut deps = flask.dependencies.clone();
    deps.sort();
    assert_eq!(
        deps,
        vec![
            "pkg:pypi/blinker@1.9.0",
            "pkg:pypi/itsdangerous@2.2.0",
            "pkg:pypi/jinja2@3.1.6"
        ]
    );
}

#[test]
fn language_catalogers() {
    let c = catalog(&image());
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let npm: Vec<&str> = c
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Npm)
        .map(|p| p.purl.as_str())
        .collect();
    assert_eq!(npm.len(), 5, "{npm:?}");
    let app = find(&c, PackageKind::Npm, "demo-app").unwrap();
    assert_eq!(app.locations, vec!["/srv/app/package.json"]);
    let mut app_deps = app.dependencies.clone();
    app_deps.sort();
    assert_eq!(
        app_deps,
        vec!["pkg:npm/lodash@4.17.15", "pkg:npm/node-fetch@2.6.0"]
    );
    assert!(npm.contains(&"pkg:npm/%40types/node@20.11.5"));
    let fetch = find(&c, PackageKind::Npm, "node-fetch").unwrap();
    assert_eq!(fetch.dependencies, vec!["pkg:npm/whatwg-url@5.0.0"]);

    let demo: Vec<&dockward_sbom::Package> = c
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Rust && p.locations[0] == "/usr/local/bin/rustdemo")
        .collect();
    assert_eq!(demo.len(), 6);
    let root = demo.iter().find(|p| p.name == "rustdemo").unwrap();
    assert_eq!(
        root.dependencies,
        vec!["pkg:cargo/regex@1.5.4", "pkg:cargo/smallvec@1.6.0"]
    );
    assert_eq!(root.ecosystem, Ecosystem::CratesIo);

    let lock = find(&c, PackageKind::Rust, "serde_json").unwrap();
    assert_eq!(lock.locations, vec!["/usr/src/dockward/Cargo.lock"]);
    assert!(
        lock.dependencies
            .iter()
            .any(|d| d.starts_with("pkg:cargo/serde_core@") || d.starts_with("pkg:cargo/serde@")),
        "{:?}",
        lock.dependencies
    );

    let log4j = find(&c, PackageKind::Java, "org.apache.logging.log4j:log4j-core").unwrap();
    assert_eq!(
        log4j.purl,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    assert_eq!(
        find(&c, PackageKind::Gem, "rack").unwrap().purl,
        "pkg:gem/rack@2.2.3"
    );
    let monolog = find(&c, PackageKind::Composer, "monolog/monolog").unwrap();
    assert_eq!(monolog.purl, "pkg:composer/monolog/monolog@2.9.1");
    assert_eq!(monolog.dependencies, vec!["pkg:composer/psr/log@1.1.4"]);
}

/// The Docker CLI on this machine is a Go binary owned by the `docker.io` package: as an
/// unowned copy it is cataloged (stdlib + modules); at its dpkg-owned path it is not.
#[test]
fn real_go_binary_and_ownership() {
    let Ok(data) = std::fs::read("/usr/bin/docker") else {
        return;
    };
    let mut t = image();
    file(&mut t, "/usr/local/bin/docker", &data, 2);
    file(&mut t, "/usr/bin/docker", &data, 2);
    file(
        &mut t,
        "/var/lib/dpkg/info/docker.io.list",
        b"/.\n/usr\n/usr/bin\n/usr/bin/docker\n",
        2,
    );
    let c = catalog(&t);
    let go: Vec<&dockward_sbom::Package> = c
        .packages
        .iter()
        .filter(|p| matches!(p.kind, PackageKind::GoStdlib | PackageKind::GoModule))
        .collect();
    assert!(go.iter().all(|p| p.locations == ["/usr/local/bin/docker"]));
    let std = go
        .iter()
        .find(|p| p.kind == PackageKind::GoStdlib)
        .expect("stdlib");
    assert!(std.version.starts_with("1."), "{}", std.version);
    assert!(std.purl.starts_with("pkg:golang/stdlib@1."));
    assert_eq!(std.ecosystem, Ecosystem::Go);
}

#[test]
fn hostile_inputs_become_warnings() {
    let mut t = FileTree::new();
    file(
        &mut t,
        "/var/lib/dpkg/status",
        b"Package: a\nStatus: install ok installed\n\n\xff\xfe\x00Package b\nVersion\n",
        0,
    );
    file(
        &mut t,
        "/srv/node_modules/x/package.json",
        b"{\"name\": ",
        0,
    );
    file(&mut t, "/opt/x.jar", b"PK\x03\x04\x00\x00", 0);
    file(&mut t, "/lib/apk/db/installed", b"P:\nV\n\nP:x\n", 0);
    file(&mut t, "/var/lib/rpm/rpmdb.sqlite", b"SQLite format 3\0", 0);
    file(
        &mut t,
        "/usr/local/bin/evil",
        &[b"\x7fELF\x02\x01\x01".as_slice(), &[0xff; 2000]].concat(),
        0,
    );
    file(
        &mut t,
        "/usr/local/bin/evilgo",
        &[b"\xff Go buildinf:\x08\x02".as_slice(), &[0xff; 2000]].concat(),
        0,
    );
    let c = catalog(&t);
    assert!(c.packages.is_empty(), "{:?}", c.packages);
    assert!(c.warnings.len() >= 4, "{:?}", c.warnings);
}

#[test]
fn distroless_status_d_without_status_means_installed() {
    let mut t = FileTree::new();
    file(
        &mut t,
        "/usr/lib/os-release",
        include_bytes!("fixtures/os-release"),
        0,
    );
    file(
        &mut t,
        "/var/lib/dpkg/status.d/base",
        b"Package: base-files\nVersion: 12.4+deb12u13\nArchitecture: amd64\n",
        0,
    );
    file(&mut t, "/var/lib/dpkg/status.d/libssl3", b"Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.17-1~deb12u2\nArchitecture: amd64\n", 0);
    file(
        &mut t,
        "/var/lib/dpkg/status.d/gone",
        b"Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n",
        0,
    );
    file(
        &mut t,
        "/var/lib/dpkg/status.d/libssl3.md5sums",
        b"0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libssl.so.3\n",
        0,
    );
    let c = catalog(&t);
    let names: Vec<&str> = c.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["base-files", "libssl3"]);
    assert_eq!(c.packages[1].source_name.as_deref(), Some("openssl"));
    assert_eq!(
        c.packages[1].purl,
        "pkg:deb/debian/libssl3@3.0.17-1~deb12u2?arch=amd64&distro=bookworm&upstream=openssl"
    );
}

#[test]
fn alpine_apk_with_origin_and_ownership() {
    let mut t = FileTree::new();
    file(&mut t, "/etc/os-release", b"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n", 0);
    file(&mut t, "/lib/apk/db/installed", b"C:Q1x=\nP:py3-yaml\nV:6.0.1-r3\nA:x86_64\no:py3-yaml\nL:MIT\nF:usr/lib/python3.12/site-packages/PyYAML-6.0.1.dist-info\nR:METADATA\n\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\no:openssl\n", 0);
    file(
        &mut t,
        "/usr/lib/python3.12/site-packages/PyYAML-6.0.1.dist-info/METADATA",
        b"Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\n",
        0,
    );
    let c = catalog(&t);
    assert_eq!(c.packages.len(), 2, "{:?}", c.packages);
    let crypto = &c.packages[1];
    assert_eq!(crypto.ecosystem, Ecosystem::Alpine("v3.20".into()));
    assert_eq!(crypto.ecosystem.osv_name(), "Alpine:v3.20");
    assert_eq!(crypto.source_name.as_deref(), Some("openssl"));
    assert_eq!(
        crypto.purl,
        "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=3.20.3&upstream=openssl"
    );
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Real databases: rpmdb.sqlite written by rpm 4.18, and a BerkeleyDB hash `Packages`
/// written by db5.3_load with the same header (tests/fixtures/rpm/README.md).
#[test]
fn rpm_sqlite_and_berkeleydb() {
    for (path, fixture) in [
        (
            "/var/lib/rpm/rpmdb.sqlite",
            &include_bytes!("fixtures/rpm/rpmdb.sqlite.gz")[..],
        ),
        (
            "/var/lib/rpm/Packages",
            &include_bytes!("fixtures/rpm/Packages.bdb.gz")[..],
        ),
    ] {
        let mut t = FileTree::new();
        file(&mut t, "/etc/os-release", b"ID=fedora\nVERSION_ID=40\n", 0);
        file(&mut t, path, &gunzip(fixture), 0);
        let c = catalog(&t);
        assert_eq!(
            c.packages.len(),
            1,
            "{path}: {:?} {:?}",
            c.packages,
            c.warnings
        );
        let p = &c.packages[0];
        assert_eq!(p.name, "dockward-demo");
        assert_eq!(p.version, "2:1.2.3-4.fc40");
        assert_eq!(p.source_name.as_deref(), Some("dockward-demo"));
        assert_eq!(p.source_version.as_deref(), Some("2:1.2.3-4.fc40"));
        assert_eq!(p.licenses, vec!["MIT AND Apache-2.0"]);
        assert_eq!(
            p.purl,
            "pkg:rpm/fedora/dockward-demo@1.2.3-4.fc40?arch=noarch&distro=fedora-40&epoch=2"
        );
        if path.ends_with("Packages") {
            assert_eq!(
                c.warnings.len(),
                1,
                "the on-page non-header value: {:?}",
                c.warnings
            );
        } else {
            assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        }
    }
}

/// Every file of the test image, truncated at many points and with bytes flipped, goes
/// through the catalogers without a panic.
#[test]
fn truncated_and_mutated_inputs_never_panic() {
    let base = image();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut files: Vec<(String, Vec<u8>)> = base
        .iter()
        .filter_map(|(p, e)| e.content.as_deref().map(|c| (p.to_owned(), c.to_vec())))
        .filter(|(p, _)| !p.ends_with("Cargo.lock"))
        .collect();
    for (path, fixture) in [
        (
            "/var/lib/rpm/rpmdb.sqlite",
            &include_bytes!("fixtures/rpm/rpmdb.sqlite.gz")[..],
        ),
        (
            "/var/lib/rpm/Packages",
            &include_bytes!("fixtures/rpm/Packages.bdb.gz")[..],
        ),
    ] {
        files.push((path.to_owned(), gunzip(fixture)));
    }
    for (path, data) in &files {
        for round in 0..24 {
            let mut d = data.clone();
            let cut = (next() as usize) % (d.len() + 1);
            if round % 2 == 0 {
                d.truncate(cut);
            } else {
                for _ in 0..8 {
                    if d.is_empty() {
                        break;
                    }
                    let i = (next() as usize) % d.len();
                    d[i] = next() as u8;
                }
            }
            let mut t = FileTree::new();
            file(&mut t, "/etc/os-release", b"ID=debian\nVERSION_ID=12\n", 0);
            if d.len() >= 1024 || !path.starts_with("/usr/local/bin") {
                file(&mut t, path, &d, 0);
            }
            let _ = catalog(&t);
        }
    }
}
