//! Parity: for each case, the hand-written create body (`fixtures/create`) and the
//! real `docker inspect` output (`fixtures/inspect`) give the same spec once the
//! daemon's defaults are applied to the create body's spec.

mod common;

use std::path::Path;

use dockward_spec::{ContainerSpec, DaemonDefaults};

fn read(kind: &str, case: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
        .join(format!("{case}.json"));
    std::fs::read(path).expect("fixture is readable")
}

#[test]
fn create_body_and_inspect_give_equal_specs() {
    for case in common::CASES {
        let name = format!("dockward-spec-{case}");
        let mut created = ContainerSpec::from_create_body(&read("create", case), Some(&name))
            .expect("body decodes");
        // The daemon has not filled anything in yet.
        assert_eq!(created.runtime, None, "case {case}");
        created.resolve_defaults(&DaemonDefaults::default());

        let value: serde_json::Value =
            serde_json::from_slice(&read("inspect", case)).expect("inspect is JSON");
        let mut inspected = ContainerSpec::from_inspect(&value).expect("inspect decodes");
        assert!(inspected.id.take().is_some());

        assert_eq!(created, inspected, "case {case}");
        created.name = None;
        assert_eq!(created, common::expected(case), "case {case}");
    }
}

#[test]
fn resolve_defaults_is_idempotent_and_keeps_explicit_values() {
    let body = br#"{"HostConfig":{"IpcMode":"host","Memory":100,"MemorySwap":-1,"LogConfig":{"Type":"none"}}}"#;
    let mut spec = ContainerSpec::from_create_body(body, None).expect("decodes");
    spec.resolve_defaults(&DaemonDefaults::default());
    let once = spec.clone();
    spec.resolve_defaults(&DaemonDefaults::default());
    assert_eq!(spec, once);
    assert!(spec.namespaces.ipc.is_host());
    assert_eq!(spec.resources.memory_swap, Some(-1));
    assert_eq!(spec.log_driver.as_deref(), Some("none"));
}
