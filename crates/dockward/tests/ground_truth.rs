//! Ground truth: `dockward sbom` on the image `cargo xtask ground-truth` builds (a debootstrap
//! bookworm root filesystem plus old Python, npm, Rust, Go and Java packages, as a directory, a
//! docker-save archive and an OCI layout with gzip and zstd layers) must list exactly the
//! dpkg packages `dpkg-query -W` lists inside the root filesystem, and exactly the language
//! packages that were installed: all of them in the directory, and in the layered images
//! only those the whiteout layer left (Jinja2 whited out; an opaque `node_modules` that
//! re-adds only lodash).
//!
//! The image is built outside the tests (it needs root, debootstrap and the network):
//! `cargo xtask ground-truth` writes `target/ground-truth`, or the directory
//! `DOCKWARD_GROUND_TRUTH` names. Without it the tests skip with a message, unless
//! `DOCKWARD_REQUIRE_GROUND_TRUTH=1` (CI), where a missing image is a failure.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The ground-truth directory, or `None` (after saying why) when it is absent and not required.
fn ground_truth(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("DOCKWARD_GROUND_TRUTH").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/ground-truth"),
        PathBuf::from,
    );
    if dir.join("expected.json").is_file() {
        return Some(dir);
    }
    let required = std::env::var("DOCKWARD_REQUIRE_GROUND_TRUTH").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "DOCKWARD_REQUIRE_GROUND_TRUTH=1 but {} has no expected.json: run `cargo xtask ground-truth`",
        dir.display()
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "skipping {test}: no ground-truth image in {} (build it with `cargo xtask ground-truth`; \
             set DOCKWARD_REQUIRE_GROUND_TRUTH=1 to fail)",
            dir.display()
        );
    }
    None
}

fn expected(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

/// One package of the SBOM, with the properties dockward writes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Component {
    kind: String,
    ecosystem: String,
    name: String,
    version: String,
    source_name: Option<String>,
    source_version: Option<String>,
    locations: Vec<String>,
    layer: Option<usize>,
}

/// `dockward sbom -f cyclonedx [FLAGS] TARGET`: the packages, and what went to stderr.
fn sbom_with(flags: &[&str], target: &Path) -> (Vec<Component>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["sbom", "-f", "cyclonedx"])
        .args(flags)
        .arg(target)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{}: {stderr}", target.display());
    let doc: Value = serde_json::from_slice(&output.stdout).expect("CycloneDX JSON");
    let components = doc["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter(|c| c["type"] != "operating-system")
        .map(|c| {
            let props: Vec<(&str, &str)> = c["properties"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            (
                                p["name"].as_str().unwrap_or(""),
                                p["value"].as_str().unwrap_or(""),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let prop = |key: &str| {
                props
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| (*v).to_owned())
            };
            Component {
                kind: prop("dockward:package:type").unwrap_or_default(),
                ecosystem: prop("dockward:package:ecosystem").unwrap_or_default(),
                name: c["name"].as_str().unwrap_or("").to_owned(),
                version: c["version"].as_str().unwrap_or("").to_owned(),
                source_name: prop("dockward:package:source-name"),
                source_version: prop("dockward:package:source-version"),
                locations: props
                    .iter()
                    .filter(|(k, _)| *k == "dockward:package:location")
                    .map(|(_, v)| (*v).to_owned())
                    .collect(),
                layer: prop("dockward:package:layer").and_then(|l| l.parse().ok()),
            }
        })
        .collect();
    (components, stderr)
}

fn sbom(target: &Path) -> (Vec<Component>, String) {
    sbom_with(&[], target)
}

fn str_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

/// The dpkg packages are exactly `dpkg-query -W`'s, names, versions and source packages.
fn assert_dpkg(what: &str, expected: &Value, found: &[Component]) {
    let want: BTreeSet<(String, String, String, String)> = expected["dpkg"]
        .as_array()
        .expect("dpkg list")
        .iter()
        .map(|p| {
            (
                str_of(p, "name"),
                str_of(p, "version"),
                str_of(p, "source_name"),
                str_of(p, "source_version"),
            )
        })
        .collect();
    let debs: Vec<&Component> = found.iter().filter(|c| c.kind == "deb").collect();
    let got: BTreeSet<(String, String, String, String)> = debs
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.version.clone(),
                c.source_name.clone().unwrap_or_else(|| c.name.clone()),
                c.source_version
                    .clone()
                    .unwrap_or_else(|| c.version.clone()),
            )
        })
        .collect();
    assert_eq!(debs.len(), got.len(), "{what}: a dpkg package listed twice");
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: dpkg packages differ from dpkg-query -W\n  missing: {missing:?}\n  extra: {extra:?}"
    );
    assert!(want.len() > 80, "{what}: only {} dpkg packages", want.len());
    for c in &debs {
        assert_eq!(c.ecosystem, "Debian:12", "{what}: {}", c.name);
    }
}

/// The language packages are exactly those installed (`layered`: those the whiteouts left),
/// each found at the file it was installed as.
fn assert_language(what: &str, expected: &Value, found: &[Component], layered: bool) {
    let want: BTreeSet<(String, String, String)> = expected["language"]
        .as_array()
        .expect("language list")
        .iter()
        .filter(|p| !layered || p["in_layers"] == true)
        .map(|p| {
            (
                str_of(p, "ecosystem"),
                str_of(p, "name"),
                str_of(p, "version"),
            )
        })
        .collect();
    let lang: Vec<&Component> = found.iter().filter(|c| c.kind != "deb").collect();
    let got: BTreeSet<(String, String, String)> = lang
        .iter()
        .map(|c| (c.ecosystem.clone(), c.name.clone(), c.version.clone()))
        .collect();
    assert_eq!(
        lang.len(),
        got.len(),
        "{what}: a language package listed twice"
    );
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: language packages differ from what was installed\n  missing: {missing:?}\n  extra: {extra:?}"
    );
    for p in expected["language"].as_array().expect("language list") {
        let Some(c) = lang
            .iter()
            .find(|c| c.name == str_of(p, "name") && c.ecosystem == str_of(p, "ecosystem"))
        else {
            continue;
        };
        assert!(
            c.locations.contains(&str_of(p, "path")),
            "{what}: {} found at {:?}, installed as {}",
            c.name,
            c.locations,
            str_of(p, "path")
        );
    }
}

#[test]
fn the_root_filesystem_lists_every_installed_package() {
    let Some(dir) = ground_truth("the_root_filesystem_lists_every_installed_package") else {
        return;
    };
    let expected = expected(&dir);
    let (found, stderr) = sbom(&dir.join("rootfs"));
    assert_eq!(stderr, "", "warnings on the root filesystem");
    assert_dpkg("rootfs", &expected, &found);
    assert_language("rootfs", &expected, &found, false);
    // All four Python distributions, the app and its three modules, the Rust binary's crates,
    // the Go binary's standard library and main module, the jar.
    let count = |kind: &str| found.iter().filter(|c| c.kind == kind).count();
    assert_eq!(count("python"), 4);
    assert_eq!(count("npm"), 4);
    assert!(count("rust") >= 3, "{found:?}");
    assert_eq!(count("go-stdlib"), 1);
    assert_eq!(count("go-module"), 1);
    assert_eq!(count("java"), 1);
}

/// The layered views: whiteouts applied, packages attributed to the layer that wrote them.
/// With `--verify-layers` every layer's blob digest and diff_id are checked (a mismatch
/// fails the command) and the packages are the same.
fn check_layered(what: &str, target: &Path, expected: &Value) {
    let (found, stderr) = sbom(target);
    assert_eq!(stderr, "", "{what}: warnings");
    let (verified, stderr) = sbom_with(&["--verify-layers"], target);
    assert_eq!(stderr, "", "{what}: warnings when verifying");
    assert_eq!(verified, found, "{what}: verifying changes nothing");
    assert_dpkg(what, expected, &found);
    assert_language(what, expected, &found, true);
    let count = |kind: &str| found.iter().filter(|c| c.kind == kind).count();
    assert_eq!(count("python"), 3, "{what}: Jinja2 is whited out");
    assert_eq!(count("npm"), 2, "{what}: the app and the re-added module");
    assert!(
        !found.iter().any(|c| c.name == "Jinja2"),
        "{what}: Jinja2 survived its whiteout"
    );
    for c in &found {
        let layer = match (c.kind.as_str(), c.name.as_str()) {
            ("deb", _) => 0,
            ("npm", "lodash") => 2,
            _ => 1,
        };
        assert_eq!(
            c.layer,
            Some(layer),
            "{what}: layer of {} {}",
            c.kind,
            c.name
        );
    }
}

#[test]
fn the_docker_archive_applies_the_whiteouts() {
    let Some(dir) = ground_truth("the_docker_archive_applies_the_whiteouts") else {
        return;
    };
    check_layered(
        "docker archive",
        &dir.join("image.docker.tar"),
        &expected(&dir),
    );
}

#[test]
fn the_oci_layout_with_gzip_and_zstd_layers_applies_the_whiteouts() {
    let Some(dir) = ground_truth("the_oci_layout_with_gzip_and_zstd_layers_applies_the_whiteouts")
    else {
        return;
    };
    let expected = expected(&dir);
    let compressions: Vec<&str> = expected["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["oci_compression"].as_str())
        .collect();
    assert_eq!(compressions, ["gzip", "zstd", "gzip"]);
    check_layered("OCI layout", &dir.join("image.oci"), &expected);
}
