//! `dockward scan` outputs and suppressions end to end: a Debian root
//! filesystem (the dpkg status of `fixtures/scan/rootfs`) with a Python
//! package added, matched against the hand-written Debian records of
//! `dockward_vuln` and the real PyPI records of `../shared/data/osv`.
//! Validators (jsonschema, cyclonedx-python-lib, pyspdxtools) run when
//! installed; under `CI=true` a missing one fails the test.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use assert_cmd::Command;
use serde_json::Value;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    manifest().join("../../../shared")
}

/// Output of one run: exit code, stdout, stderr.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }
}

/// A scan setup: a database, a root filesystem and a working directory.
struct Setup {
    dir: tempfile::TempDir,
    db: String,
    rootfs: String,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir
            .path()
            .join("vuln.db")
            .to_str()
            .expect("path")
            .to_owned();
        let debian = manifest().join("../dockward_vuln/tests/fixtures/debian");
        let pypi = shared().join("data/osv/PyPI/all.zip");
        let setup = Setup {
            rootfs: dir.path().join("rootfs").to_str().expect("path").to_owned(),
            db,
            dir,
        };
        let run = setup.run(&[
            "db",
            "import",
            "--db",
            &setup.db,
            debian.to_str().expect("path"),
            pypi.to_str().expect("path"),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let root = Path::new(&setup.rootfs);
        for file in ["etc/os-release", "var/lib/dpkg/status"] {
            let to = root.join(file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(manifest().join("tests/fixtures/scan/rootfs").join(file), to)
                .expect("copy");
        }
        let info = root.join("usr/lib/python3/dist-packages/urllib3-1.26.5.dist-info");
        std::fs::create_dir_all(&info).expect("mkdir");
        std::fs::write(
            info.join("METADATA"),
            "Metadata-Version: 2.1\nName: urllib3\nVersion: 1.26.5\n",
        )
        .expect("write");
        setup
    }

    fn cwd(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.cwd().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("path").to_owned()
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dockward"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_COLOR");
        for (k, v) in env {
            command.env(k, v);
        }
        let output = command.output().expect("runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `dockward scan --db DB [args] ROOTFS`.
    fn scan(&self, args: &[&str]) -> Run {
        let mut all = vec!["scan", "--db", &self.db];
        all.extend_from_slice(args);
        all.push(&self.rootfs);
        self.run(&all)
    }
}

/// Whether python3 has `module`; `false` (skip) outside CI.
#[allow(clippy::print_stderr)] // a skipped check says why
fn python_with(module: &str) -> bool {
    let found = Process::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "python3 module `{module}` is missing"
        );
        eprintln!("skipping a validation: python3 module `{module}` is missing");
    }
    found
}

/// Runs a Python script with `document` on stdin; `Err` carries its output.
fn python(script: &str, args: &[&str], document: &str) -> Result<(), String> {
    let mut child = Process::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(document.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

const JSONSCHEMA: &str = r#"
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = validator_for(schema)
errors = list(cls(schema).iter_errors(json.load(sys.stdin)))
for e in errors[:10]:
    print("/".join(map(str, e.absolute_path)) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;

const CYCLONEDX: &str = r"
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(sys.stdin.read())
if error is not None:
    print(error)
    sys.exit(1)
";

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings")
}

fn vulnerability<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {report:#}"))
}

#[test]
fn json_lists_packages_and_vulnerabilities_and_matches_the_schema() {
    let setup = Setup::new();
    let run = setup.scan(&["-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["schema"], "dockward.report/v1");
    let packages = report["packages"].as_array().expect("packages");
    let names: Vec<(&str, &str, &str)> = packages
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default(),
                p["type"].as_str().unwrap_or_default(),
                p["target"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("libc6", "deb", "os"),
            ("curl", "deb", "os"),
            ("tar", "deb", "os"),
            ("urllib3", "python", "/usr/lib/python3/dist-packages"),
        ]
    );
    assert_eq!(packages[0]["source_name"], "glibc");
    assert_eq!(packages[3]["ecosystem"], "PyPI");

    // Severity from the CVSS vector: PYSEC-2023-192 is 8.1, high.
    let urllib3 = vulnerability(&report, "PYSEC-2023-192");
    assert_eq!(urllib3["severity"], "high");
    assert_eq!(urllib3["cvss"]["score"], 8.1);
    assert_eq!(
        urllib3["cvss"]["vector"],
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N"
    );
    assert_eq!(urllib3["fixed_versions"][0], "1.26.17");
    assert_eq!(urllib3["installed_version"], "1.26.5");
    assert_eq!(urllib3["package"], "pkg:pypi/urllib3@1.26.5");
    assert!(
        urllib3["aliases"]
            .as_array()
            .is_some_and(|a| a.contains(&Value::from("CVE-2023-43804"))
                && a.contains(&Value::from("GHSA-v845-jxx5-vc9f"))),
        "{urllib3:#}"
    );
    // Debian records name their CVE in `upstream`: it becomes an alias.
    let glibc = vulnerability(&report, "DEBIAN-CVE-2023-4911");
    assert_eq!(glibc["aliases"], serde_json::json!(["CVE-2023-4911"]));
    assert_eq!(glibc["layer"], 0);
    assert_eq!(glibc["cvss"], Value::Null);
    assert_eq!(glibc["severity"], "medium", "no vector: the rule's default");
    assert!(
        glibc["references"]
            .as_array()
            .is_some_and(|r| r.contains(&Value::from(
                "https://www.debian.org/security/2023/dsa-5514"
            ))),
        "{glibc:#}"
    );
    // Every vulnerability is also a finding.
    let vl = findings(&report)
        .iter()
        .filter(|f| f["code"] == "VL001")
        .count();
    assert_eq!(vl, report["vulnerabilities"].as_array().map_or(0, Vec::len));

    if python_with("jsonschema") {
        let schema = manifest().join("../../schemas/report.v1.schema.json");
        python(JSONSCHEMA, &[schema.to_str().expect("path")], &run.stdout)
            .expect("the scan report matches the report schema");
        let mut broken = report.clone();
        broken["vulnerabilities"][0]["cvss"] = serde_json::json!({"score": 11.0, "vector": "x"});
        assert!(
            python(
                JSONSCHEMA,
                &[schema.to_str().expect("path")],
                &broken.to_string()
            )
            .is_err(),
            "the validator checks the new fields"
        );
    }
}

#[test]
fn the_ignore_file_suppresses_by_id_or_alias_until_it_expires() {
    let setup = Setup::new();
    setup.write(
        ".dockwardignore",
        "# reviewed\n\
         CVE-2023-4911            # glibc: not exploitable here\n\
         DEBIAN-CVE-2005-2541 exp:2000-01-01\n\
         CVE-2023-43804 pkg:pypi/urllib3\n\
         CVE-2023-45803 pkg:pypi/requests\n",
    );
    let run = setup.scan(&["-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            ".dockwardignore:3: `DEBIAN-CVE-2005-2541` expired on 2000-01-01; it no longer suppresses"
        ),
        "{}",
        run.stderr
    );
    let report = run.json();
    let suppressed = |id: &str| vulnerability(&report, id)["suppressed"].clone();
    assert_eq!(
        suppressed("DEBIAN-CVE-2023-4911"),
        serde_json::json!({"kind": "external", "justification": ".dockwardignore:2: CVE-2023-4911"})
    );
    assert_eq!(suppressed("DEBIAN-CVE-2005-2541"), Value::Null, "expired");
    assert_eq!(
        suppressed("PYSEC-2023-192")["justification"],
        ".dockwardignore:4: CVE-2023-43804 pkg:pypi/urllib3"
    );
    assert_eq!(
        suppressed("PYSEC-2023-212"),
        Value::Null,
        "scoped to another package"
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["total"], 2);
    let finding = findings(&report)
        .iter()
        .find(|f| {
            f["aliases"]
                .as_array()
                .is_some_and(|a| a.contains(&Value::from("CVE-2023-4911")))
        })
        .expect("glibc finding");
    assert_eq!(finding["suppressed"]["kind"], "external");

    // SARIF lists the suppressed results with an external suppression.
    let sarif = setup.scan(&["-f", "sarif"]).json();
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let suppressed: Vec<&Value> = results
        .iter()
        .filter_map(|r| r["suppressions"].as_array())
        .flatten()
        .collect();
    assert_eq!(suppressed.len(), 2, "{sarif:#}");
    assert!(suppressed.iter().all(|s| s["kind"] == "external"));

    // What remains decides the exit status: only the medium tar finding.
    assert_eq!(setup.scan(&["-f", "json", "--fail-on", "high"]).code, 0);
    assert_eq!(setup.scan(&["-f", "json", "--fail-on", "medium"]).code, 1);

    // --ignorefile names another file; the working directory's is not read.
    let other = setup.write("accepted.txt", "DEBIAN-CVE-2005-2541\nCVE-2023-45803\n");
    let report = setup.scan(&["-f", "json", "--ignorefile", &other]).json();
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(
        vulnerability(&report, "DEBIAN-CVE-2023-4911")["suppressed"],
        Value::Null
    );
}

#[test]
fn the_ignore_file_takes_rule_codes_and_rejects_malformed_lines() {
    let setup = Setup::new();
    let tool = Path::new(&setup.rootfs).join("usr/bin/tool");
    std::fs::create_dir_all(tool.parent().expect("parent")).expect("mkdir");
    std::fs::write(&tool, vec![0u8; 2048]).expect("write");
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o4755)).expect("chmod");
    }
    let report = setup.scan(&["-f", "json"]).json();
    let im = findings(&report)
        .iter()
        .find(|f| f["code"] == "IM003")
        .expect("the setuid file is reported");
    assert_eq!(im["suppressed"], Value::Null);
    setup.write(".dockwardignore", "IM003\n");
    let report = setup.scan(&["-f", "json"]).json();
    let im = findings(&report)
        .iter()
        .find(|f| f["code"] == "IM003")
        .expect("still listed");
    assert_eq!(
        im["suppressed"]["justification"],
        ".dockwardignore:1: IM003"
    );

    setup.write(
        ".dockwardignore",
        "CVE-2023-4911\nCVE-2023-43804 exp:2024-02-30x\n",
    );
    let run = setup.scan(&["-f", "json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(".dockwardignore:2: `exp:2024-02-30x` is not an expiry date"),
        "{}",
        run.stderr
    );
    let missing = setup.scan(&["--ignorefile", "no-such-file"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("cannot read the ignore file `no-such-file`")
    );
}

/// An OpenVEX v0.2.0 document with the given statements.
fn vex(statements: &str) -> String {
    format!(
        r#"{{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/scan-test",
  "author": "dockward tests",
  "timestamp": "2024-05-01T10:00:00Z",
  "version": 1,
  "statements": [{statements}]
}}"#
    )
}

#[test]
fn vex_statements_suppress_not_affected_and_fixed_findings() {
    let setup = Setup::new();
    let document = setup.write(
        "vex.json",
        &vex(r#"
    {
      "vulnerability": {"name": "CVE-2023-43804", "aliases": ["GHSA-v845-jxx5-vc9f"]},
      "products": [{"@id": "pkg:pypi/urllib3@1.26.5"}],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "impact_statement": "cookies are never forwarded on redirects"
    },
    {
      "vulnerability": {"name": "CVE-2023-45803"},
      "products": [{"@id": "pkg:pypi/urllib3"}],
      "status": "under_investigation"
    },
    {
      "vulnerability": {"@id": "https://security-tracker.debian.org/tracker/CVE-2023-4911", "name": "CVE-2023-4911"},
      "products": [{"identifiers": {"purl": "pkg:deb/debian/glibc@2.36-9%2Bdeb12u1?arch=source"}}],
      "status": "fixed"
    },
    {
      "vulnerability": {"name": "DEBIAN-CVE-2005-2541"},
      "products": [{
        "@id": "pkg:oci/rootfs",
        "subcomponents": [{"@id": "pkg:deb/debian/tar?distro=bookworm&arch=amd64"}]
      }],
      "status": "not_affected",
      "justification": "vulnerable_code_cannot_be_controlled_by_adversary"
    }"#),
    );
    let run = setup.scan(&["-f", "json", "--vex", &document]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.json();
    let suppressed = |id: &str| vulnerability(&report, id)["suppressed"].clone();
    assert_eq!(
        suppressed("PYSEC-2023-192")["justification"],
        format!(
            "{document} statement 1: not_affected (vulnerable_code_not_in_execute_path): cookies are never forwarded on redirects"
        )
    );
    assert_eq!(
        suppressed("PYSEC-2023-212"),
        Value::Null,
        "under investigation"
    );
    assert_eq!(
        suppressed("DEBIAN-CVE-2023-4911")["justification"],
        format!("{document} statement 3: fixed"),
        "the source package's purl matches"
    );
    assert_eq!(
        suppressed("DEBIAN-CVE-2005-2541")["kind"],
        "external",
        "the image (named after the rootfs directory) with tar as a subcomponent"
    );
    assert_eq!(report["summary"]["total"], 1);

    // CycloneDX carries the decisions as `analysis`.
    let bom = setup.scan(&["-f", "cyclonedx", "--vex", &document]).json();
    let entries = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    let entry = |id: &str| {
        entries
            .iter()
            .find(|v| v["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    assert_eq!(entry("PYSEC-2023-192")["analysis"]["state"], "not_affected");
    assert_eq!(
        entry("PYSEC-2023-192")["analysis"]["justification"],
        "code_not_reachable"
    );
    assert_eq!(entry("PYSEC-2023-212")["analysis"]["state"], "in_triage");
    assert_eq!(
        entry("DEBIAN-CVE-2023-4911")["analysis"]["state"],
        "resolved"
    );

    // A later `affected` statement overrides an earlier `not_affected`.
    let later = setup.write(
        "later.json",
        &vex(r#"
    {
      "vulnerability": {"name": "CVE-2023-43804"},
      "timestamp": "2024-06-01T00:00:00Z",
      "products": [{"@id": "pkg:pypi/urllib3"}],
      "status": "affected",
      "action_statement": "upgrade to 1.26.17"
    }"#),
    );
    let report = setup
        .scan(&["-f", "json", "--vex", &document, "--vex", &later])
        .json();
    assert_eq!(
        vulnerability(&report, "PYSEC-2023-192")["suppressed"],
        Value::Null
    );
}

#[test]
fn malformed_vex_documents_are_errors() {
    let setup = Setup::new();
    let cases = [
        ("not-json.json", "{".to_owned(), "is not a JSON document"),
        (
            "csaf.json",
            r#"{"document": {"category": "csaf_vex"}}"#.to_owned(),
            "is not an OpenVEX document",
        ),
        (
            "status.json",
            vex(
                r#"{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/x"}], "status": "wontfix"}"#,
            ),
            "statement 1: unknown status `wontfix`",
        ),
        (
            "unjustified.json",
            vex(
                r#"{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:pypi/x"}], "status": "not_affected"}"#,
            ),
            "statement 1: a not_affected statement needs a `justification` or an `impact_statement`",
        ),
    ];
    for (name, text, message) in cases {
        let path = setup.write(name, &text);
        let run = setup.scan(&["--vex", &path]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
    }
    let run = setup.scan(&["--vex", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read the VEX document `missing.json`")
    );
}

#[test]
fn cyclonedx_output_has_valid_vulnerabilities() {
    let setup = Setup::new();
    setup.write(".dockwardignore", "DEBIAN-CVE-2005-2541\n");
    let run = setup.scan(&["-f", "cyclonedx"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let bom = run.json();
    assert_eq!(bom["specVersion"], "1.6");
    let entries = bom["vulnerabilities"].as_array().expect("vulnerabilities");
    let ids: Vec<&str> = entries.iter().filter_map(|v| v["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["DEBIAN-CVE-2023-4911", "PYSEC-2023-192", "PYSEC-2023-212"],
        "the ignored tar finding is left out"
    );
    let urllib3 = &entries[1];
    let component = bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "urllib3")
        .expect("component");
    assert_eq!(urllib3["affects"][0]["ref"], component["bom-ref"]);
    assert_eq!(urllib3["affects"][0]["versions"][0]["version"], "1.26.5");
    assert_eq!(
        urllib3["ratings"][0],
        serde_json::json!({
            "severity": "high",
            "score": 8.1,
            "method": "CVSSv31",
            "vector": "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N"
        })
    );
    assert_eq!(urllib3["recommendation"], "Upgrade urllib3 to 1.26.17");
    assert_eq!(
        urllib3["source"]["url"],
        "https://osv.dev/vulnerability/PYSEC-2023-192"
    );
    let references: Vec<&str> = urllib3["references"]
        .as_array()
        .expect("references")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(references.contains(&"CVE-2023-43804"), "{references:?}");
    assert_eq!(
        entries[0]["ratings"][0],
        serde_json::json!({"severity": "medium"})
    );
    assert_eq!(
        entries[0]["recommendation"],
        "Upgrade libc6 to 2.36-9+deb12u3"
    );

    if python_with("cyclonedx.validation.json") {
        python(CYCLONEDX, &[], &run.stdout).expect("valid CycloneDX 1.6");
    }
}

#[test]
fn spdx_output_names_advisories_as_security_references() {
    let setup = Setup::new();
    let run = setup.scan(&["-f", "spdx-json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = run.json();
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    let package = doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "urllib3")
        .expect("urllib3");
    let security: Vec<&str> = package["externalRefs"]
        .as_array()
        .expect("refs")
        .iter()
        .filter(|r| r["referenceCategory"] == "SECURITY")
        .filter_map(|r| r["referenceLocator"].as_str())
        .collect();
    assert_eq!(
        security,
        [
            "https://osv.dev/vulnerability/PYSEC-2023-192",
            "https://osv.dev/vulnerability/PYSEC-2023-212"
        ]
    );
    let which = Process::new("pyspdxtools").arg("--help").output();
    if which.is_ok_and(|o| o.status.success()) {
        let path = setup.write("scan.spdx.json", &run.stdout);
        let check = Process::new("pyspdxtools")
            .args(["-i", &path])
            .output()
            .expect("pyspdxtools");
        assert!(
            check.status.success(),
            "{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pyspdxtools is missing"
        );
    }
}

#[test]
fn the_table_groups_by_target_and_colours_only_when_asked() {
    let setup = Setup::new();
    setup.write(".dockwardignore", "CVE-2023-45803\n");
    let run = setup.scan(&[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let name = &setup.rootfs;
    let expected = format!(
        "{name} (Debian GNU/Linux 12 (bookworm))
{rule}
Total: 3 (CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 0, INFO: 0), 1 suppressed

OS packages (Debian GNU/Linux 12 (bookworm)) - vulnerabilities
Total: 2 (CRITICAL: 0, HIGH: 0, MEDIUM: 2, LOW: 0, INFO: 0)
 PACKAGE  INSTALLED              FIXED           SEVERITY  ADVISORY
 libc6    2.36-9+deb12u1         2.36-9+deb12u3  MEDIUM    DEBIAN-CVE-2023-4911 (CVE-2023-4911)
 tar      1.34+dfsg-1.2+deb12u1  -               MEDIUM    DEBIAN-CVE-2005-2541 (CVE-2005-2541)

/usr/lib/python3/dist-packages (python) - vulnerabilities
Total: 1 (CRITICAL: 0, HIGH: 1, MEDIUM: 0, LOW: 0, INFO: 0)
 PACKAGE  INSTALLED  FIXED    SEVERITY  ADVISORY
 urllib3  1.26.5     1.26.17  HIGH      PYSEC-2023-192 (CVE-2023-43804)

4 packages in {name} (Debian GNU/Linux 12 (bookworm)), 2 targets
",
        rule = "=".repeat(name.chars().count() + " (Debian GNU/Linux 12 (bookworm))".len())
    );
    assert_eq!(run.stdout, expected);
    assert!(!run.stdout.contains('\u{1b}'));

    let forced = setup.run_env(
        &[
            "scan",
            "--db",
            &setup.db,
            "--color",
            "always",
            &setup.rootfs,
        ],
        &[],
    );
    assert!(
        forced.stdout.contains("\u{1b}[31mHIGH\u{1b}[0m"),
        "{}",
        forced.stdout
    );
    let no_color = setup.run_env(
        &["scan", "--db", &setup.db, &setup.rootfs],
        &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")],
    );
    assert!(
        !no_color.stdout.contains('\u{1b}'),
        "NO_COLOR wins over FORCE_COLOR"
    );
    let forced_env = setup.run_env(
        &["scan", "--db", &setup.db, &setup.rootfs],
        &[("FORCE_COLOR", "1")],
    );
    assert!(forced_env.stdout.contains('\u{1b}'));

    let quiet = setup.scan(&["--quiet"]);
    assert!(quiet.stdout.starts_with("OS packages"), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("packages in"));
    // No progress bar when standard error is not a terminal.
    assert_eq!(run.stderr, "");
}

/// A docker-save archive of the setup's root filesystem (one layer), named
/// `demo/app:1.0`.
fn archive(setup: &Setup) -> String {
    let dir = setup.cwd().join("save");
    std::fs::create_dir_all(dir.join("l1")).expect("mkdir");
    let status = Process::new("tar")
        .arg("-C")
        .arg(&setup.rootfs)
        .arg("-cf")
        .arg(dir.join("l1/layer.tar"))
        .arg(".")
        .status()
        .expect("tar");
    assert!(status.success());
    std::fs::write(
        dir.join("config.json"),
        r#"{"architecture":"amd64","os":"linux","config":{"User":"app"},"rootfs":{"type":"layers","diff_ids":[]}}"#,
    )
    .expect("write");
    std::fs::write(
        dir.join("manifest.json"),
        r#"[{"Config":"config.json","RepoTags":["demo/app:1.0"],"Layers":["l1/layer.tar"]}]"#,
    )
    .expect("write");
    let path = setup.cwd().join("demo.tar");
    let status = Process::new("tar")
        .arg("-C")
        .arg(&dir)
        .arg("-cf")
        .arg(&path)
        .args(["manifest.json", "config.json", "l1/layer.tar"])
        .status()
        .expect("tar");
    assert!(status.success());
    path.to_str().expect("path").to_owned()
}

#[test]
#[allow(clippy::print_stderr)] // a skipped test says why
fn a_progress_bar_is_drawn_only_on_a_terminal() {
    let setup = Setup::new();
    let image = archive(&setup);
    // Piped: no bar, only the report.
    let piped = setup.run(&["scan", "--db", &setup.db, &image]);
    assert_eq!(piped.code, 1, "{}", piped.stderr);
    assert!(
        piped.stdout.starts_with("demo/app:1.0 (Debian"),
        "{}",
        piped.stdout
    );
    assert!(!piped.stderr.contains("reading layers"), "{}", piped.stderr);
    // The image checks get their own table after the vulnerabilities.
    assert!(
        piped.stdout.contains(
            "demo/app:1.0 - image checks\nTotal: 1 (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 1, INFO: 0)\n CODE   SEVERITY  FINDING\n IM002  LOW       the image has no HEALTHCHECK"
        ),
        "{}",
        piped.stdout
    );

    // On a terminal (util-linux `script` gives the command a pty): the first
    // frame and the last are always drawn, then the line is cleared.
    let has_script = Process::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        eprintln!("skipping the terminal half: no `script` command");
        return;
    }
    let on_tty = |extra: &str| {
        let command = format!(
            "{} scan --db {} {extra} {image} >/dev/null",
            env!("CARGO_BIN_EXE_dockward"),
            setup.db
        );
        let output = Process::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .expect("script");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let terminal = on_tty("");
    assert!(
        terminal.contains("reading layers [------------------------------]   0% 0/1 layers"),
        "{terminal:?}"
    );
    assert!(
        terminal.contains("reading layers [##############################] 100% 1/1 layers"),
        "{terminal:?}"
    );
    assert!(terminal.contains("\r\u{1b}[2K"), "cleared: {terminal:?}");
    assert!(!on_tty("--quiet").contains("reading layers"));
}
