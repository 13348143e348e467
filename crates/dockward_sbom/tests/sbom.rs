//! The SBOM writers' output checked by independent validators from PyPI:
//! `cyclonedx-python-lib[validation]` (JsonStrictValidator, CycloneDX 1.6) and `spdx-tools`
//! (`pyspdxtools`). Without them the tests say so and pass, except under `CI=true`, where CI
//! installs them and they must run.

mod common;

use std::path::Path;
use std::process::Command;

use dockward_sbom::{ImageMeta, catalog, cyclonedx, spdx};
use serde_json::Value;

fn meta() -> ImageMeta {
    ImageMeta {
        name: "dockward-test/bookworm:1".into(),
        digest: Some(
            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into(),
        ),
        tool_version: "0.1.0".into(),
    }
}

fn docs() -> (Value, Value) {
    let c = catalog(&common::image());
    (
        cyclonedx(&meta(), &c),
        spdx(&meta(), &c, "seed-1", "2026-11-28T12:00:00Z"),
    )
}

/// Whether a validator is missing: a skip outside CI, a failure in CI.
#[allow(clippy::print_stderr)]
fn missing(what: &str) -> bool {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what} is not installed; CI must install it (see .ci/run)"
    );
    eprintln!("skipped: {what} is not installed");
    true
}

const CDX_CHECK: &str = "import sys\nfrom cyclonedx.validation.json import JsonStrictValidator\nfrom cyclonedx.schema import SchemaVersion\nerr = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\nprint(err if err is not None else 'VALID')\nsys.exit(1 if err is not None else 0)\n";

fn cyclonedx_validator_present() -> bool {
    Command::new("python3")
        .args(["-c", "import cyclonedx.validation.json, jsonschema"])
        .status()
        .is_ok_and(|s| s.success())
}

fn validate_cyclonedx(path: &Path) -> (bool, String) {
    let out = Command::new("python3")
        .args(["-c", CDX_CHECK])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn validate_spdx(path: &Path) -> Option<(bool, String)> {
    let out = Command::new("pyspdxtools")
        .arg("-i")
        .arg(path)
        .output()
        .ok()?;
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

fn write(dir: &Path, name: &str, v: &Value) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

#[test]
fn cyclonedx_shape() {
    let (cdx, _) = docs();
    assert_eq!(cdx["specVersion"], "1.6");
    assert_eq!(cdx["metadata"]["component"]["type"], "container");
    let comps = cdx["components"].as_array().unwrap();
    assert_eq!(comps[0]["type"], "operating-system");
    let c = catalog(&common::image());
    assert_eq!(comps.len(), c.packages.len() + 1);
    let refs: std::collections::HashSet<&str> = comps
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), comps.len(), "bom-refs are unique");
    // Every dependsOn target is a declared component or the OS.
    for d in cdx["dependencies"].as_array().unwrap() {
        for t in d["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(t.as_str().unwrap()), "{t}");
        }
    }
    assert_eq!(cdx, docs().0, "deterministic");
}

#[test]
fn spdx_shape() {
    let (_, doc) = docs();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert!(
        doc["documentNamespace"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let pkgs = doc["packages"].as_array().unwrap();
    let login = pkgs.iter().find(|p| p["name"] == "login").unwrap();
    assert_eq!(
        login["externalRefs"][0]["referenceLocator"],
        "pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bdeb12u1?arch=amd64&distro=bookworm&upstream=shadow"
    );
    assert_eq!(
        login["sourceInfo"],
        "built package from: shadow 1:4.13+dfsg1-1+deb12u1"
    );
    let other = spdx(
        &meta(),
        &catalog(&common::image()),
        "seed-2",
        "2026-11-28T12:00:00Z",
    );
    assert_ne!(doc["documentNamespace"], other["documentNamespace"]);
}

#[test]
fn cyclonedx_validates_with_cyclonedx_python_lib() {
    if !cyclonedx_validator_present() && missing("cyclonedx-python-lib[validation]") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (cdx, _) = docs();
    let (ok, msg) = validate_cyclonedx(&write(dir.path(), "bom.cdx.json", &cdx));
    assert!(ok, "{msg}");
    // Negative control: the validator really rejects a broken document.
    let mut bad = cdx;
    bad["components"][1]["type"] = "not-a-type".into();
    let (ok, _) = validate_cyclonedx(&write(dir.path(), "bad.cdx.json", &bad));
    assert!(!ok);
}

#[test]
fn spdx_validates_with_pyspdxtools() {
    let dir = tempfile::tempdir().unwrap();
    let (_, doc) = docs();
    let Some((ok, msg)) = validate_spdx(&write(dir.path(), "bom.spdx.json", &doc)) else {
        missing("spdx-tools (pyspdxtools)");
        return;
    };
    assert!(ok, "{msg}");
    let mut bad = doc;
    bad.as_object_mut().unwrap().remove("documentNamespace");
    let (ok, _) = validate_spdx(&write(dir.path(), "bad.spdx.json", &bad)).unwrap();
    assert!(!ok);
}
