//! `ContainerSpec::from_inspect` on real `docker inspect` output (Docker 20.10,
//! API 1.41), captured by `tests/fixtures/capture.sh`. Each case is compared in
//! full with the spec of the plain container plus exactly the case's changes.

mod common;

use std::path::Path;

use common::{CASES, expected, inspect};
use dockward_spec::ContainerSpec;

#[test]
fn every_fixture_is_a_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inspect");
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_owned)
        })
        .collect();
    found.sort_unstable();
    let mut cases: Vec<String> = CASES.iter().map(|c| (*c).to_owned()).collect();
    cases.sort_unstable();
    assert_eq!(found, cases);
}

#[test]
fn each_inspect_fixture_gives_exactly_its_spec() {
    for case in CASES {
        assert_eq!(inspect(case), expected(case), "case {case}");
    }
}

#[test]
fn hardened_runs_as_non_root_and_plain_as_root() {
    assert!(!inspect("hardened").runs_as_root());
    assert!(inspect("plain").runs_as_root());
}

#[test]
fn missing_and_null_fields_are_unset() {
    let empty = ContainerSpec::from_inspect(&serde_json::json!({})).expect("empty object");
    assert_eq!(empty, ContainerSpec::default());
    let nulls = serde_json::json!({"Name": null, "Config": null, "HostConfig": null});
    assert_eq!(
        ContainerSpec::from_inspect(&nulls).expect("nulls"),
        ContainerSpec::default()
    );
}

#[test]
fn wrong_types_are_errors_not_panics() {
    for bad in [
        serde_json::json!([]),
        serde_json::json!("x"),
        serde_json::json!({"HostConfig": 1}),
        serde_json::json!({"HostConfig": {"Privileged": "yes"}}),
        serde_json::json!({"HostConfig": {"Memory": 1.5}}),
        serde_json::json!({"HostConfig": {"CapAdd": "SYS_ADMIN"}}),
        serde_json::json!({"HostConfig": {"PidMode": "sideways"}}),
        serde_json::json!({"HostConfig": {"PortBindings": {"http/tcp": []}}}),
        serde_json::json!({"HostConfig": {"RestartPolicy": {"Name": "sometimes"}}}),
    ] {
        assert!(ContainerSpec::from_inspect(&bad).is_err(), "{bad}");
    }
}
