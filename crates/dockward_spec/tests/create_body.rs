//! `ContainerSpec::from_create_body`: Go's decoding rules (case-insensitive keys,
//! last duplicate wins, duplicate objects merge, `null` semantics), parsing of the
//! string-encoded fields, and bad input.

use std::collections::{BTreeMap, BTreeSet};

use dockward_spec::{
    AppArmorProfile, ContainerSpec, EnvVar, Healthcheck, MAX_CREATE_BODY, Mount, MountKind,
    NamespaceMode, PortBinding, Propagation, Protocol, SeccompProfile, SpecError,
    normalize_capability,
};
use proptest::prelude::*;

fn spec(body: &str) -> ContainerSpec {
    ContainerSpec::from_create_body(body.as_bytes(), None).expect("body decodes")
}

fn privileged(body: &str) -> bool {
    spec(body).privileged
}

#[test]
fn keys_match_struct_fields_case_insensitively() {
    assert!(privileged(r#"{"hostconfig":{"privileged":true}}"#));
    assert!(privileged(r#"{"HOSTCONFIG":{"PRIVILEGED":true}}"#));
    assert!(privileged(r#"{"hOsTcOnFiG":{"Privileged":true}}"#));
    assert_eq!(
        spec(r#"{"image":"alpine","USER":"root"}"#).image.as_deref(),
        Some("alpine")
    );
    let binds = spec(r#"{"hostconfig":{"binds":["/:/host"]}}"#).mounts;
    assert_eq!(binds.len(), 1);
    assert_eq!(binds[0].source.as_deref(), Some("/"));
}

#[test]
fn escaped_keys_match_after_unescaping() {
    assert!(privileged(
        r#"{"Host\u0043onfig":{"Privil\u0065ged":true}}"#
    ));
}

#[test]
fn go_folds_long_s_and_kelvin_sign() {
    // U+017F folds to `s` and U+212A to `k` in Go's case-insensitive key match
    // (`Hoſtconfig` verified on Engine 20.10: the container was privileged).
    assert!(privileged("{\"Ho\u{17F}tConfig\":{\"Privileged\":true}}"));
    assert!(
        spec("{\"HostConfig\":{\"Networ\u{212A}Mode\":\"host\"}}")
            .namespaces
            .network
            .is_host()
    );
    // Other look-alikes do not match.
    assert!(!privileged("{\"H\u{00F6}stConfig\":{\"Privileged\":true}}"));
    // U+0130 has no simple folding to `i`.
    assert_eq!(spec("{\"HostConfig\":{\"\u{130}nit\":true}}").init, None);
    assert_eq!(spec("{\"HostConfig\":{\"INIT\":true}}").init, Some(true));
}

#[test]
fn the_last_duplicate_scalar_wins() {
    assert!(privileged(
        r#"{"HostConfig":{"Privileged":false,"Privileged":true}}"#
    ));
    assert!(!privileged(
        r#"{"HostConfig":{"Privileged":true,"Privileged":false}}"#
    ));
    assert!(privileged(
        r#"{"HostConfig":{"Privileged":false,"privileged":true}}"#
    ));
    // Every occurrence is decoded: an earlier one of the wrong type fails the request
    // (Engine 20.10: "json: cannot unmarshal string into Go struct field ... of type bool").
    assert!(matches!(
        ContainerSpec::from_create_body(
            br#"{"HostConfig":{"Privileged":"yes","Privileged":true}}"#,
            None
        ),
        Err(SpecError::Type { .. })
    ));
    assert!(
        ContainerSpec::from_create_body(br#"{"HostConfig":{"CapAdd":[1],"CapAdd":[]}}"#, None)
            .is_err()
    );
    // `null` leaves a scalar as it was.
    assert!(privileged(
        r#"{"HostConfig":{"Privileged":true,"Privileged":null}}"#
    ));
}

#[test]
fn duplicate_objects_merge_and_null_resets_a_pointer() {
    // Both verified on Engine 20.10: Privileged=true Memory=8388608, then Privileged=false.
    let s = spec(r#"{"HostConfig":{"Privileged":true},"hostconfig":{"Memory":1048576}}"#);
    assert!(s.privileged);
    assert_eq!(s.resources.memory, Some(1_048_576));
    let s =
        spec(r#"{"HostConfig":{"Privileged":true},"HostConfig":null,"HostConfig":{"Memory":1}}"#);
    assert!(!s.privileged);
    assert_eq!(s.resources.memory, Some(1));
    // RestartPolicy is a plain struct: `null` does not reset it.
    let s = spec(r#"{"HostConfig":{"RestartPolicy":{"Name":"always"},"RestartPolicy":null}}"#);
    assert_eq!(s.restart.name, dockward_spec::RestartPolicyName::Always);
}

#[test]
fn arrays_decode_into_the_previous_backing_array() {
    // Each case was run against Engine 20.10 (POST /v1.41/containers/create, then
    // inspect); the comment gives what the daemon stored.
    let binds = |body: &str| -> Vec<String> {
        spec(body)
            .mounts
            .iter()
            .map(|m| format!("{}:{}", m.source.as_deref().unwrap_or_default(), m.target))
            .collect()
    };
    // Binds=["/tmp:/host"]: a null element keeps what element 0 held.
    assert_eq!(
        binds(r#"{"HostConfig":{"Binds":["/tmp:/host"],"Binds":[null]}}"#),
        ["/tmp:/host"]
    );
    // Binds=["/etc:/e","/var:/v"]: element 1 survives past the shorter array.
    assert_eq!(
        binds(
            r#"{"HostConfig":{"Binds":["/tmp:/host","/var:/v"],"Binds":["/etc:/e"],"Binds":[null,null]}}"#
        ),
        ["/etc:/e", "/var:/v"]
    );
    // "invalid volume specification: ''": an empty array starts afresh.
    assert!(matches!(
        ContainerSpec::from_create_body(
            br#"{"HostConfig":{"Binds":["/tmp:/host"],"Binds":[],"Binds":[null]}}"#,
            None
        ),
        Err(SpecError::Value { .. })
    ));
    // Devices=[{"PathOnHost":"/dev/null","PathInContainer":"/y","CgroupPermissions":"rwm"}]:
    // objects merge into the previous element.
    let devices = spec(
        r#"{"HostConfig":{"Devices":[{"PathOnHost":"/dev/null","PathInContainer":"/x","CgroupPermissions":"rwm"}],
            "Devices":[{"PathInContainer":"/y"}]}}"#,
    )
    .devices;
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].host_path, "/dev/null");
    assert_eq!(devices[0].container_path, "/y");
    assert_eq!(devices[0].permissions, "rwm");

    // A later array replaces the length; `null` starts afresh.
    let s = spec(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"],"capadd":["NET_ADMIN"]}}"#);
    assert_eq!(s.cap_add, BTreeSet::from(["NET_ADMIN".to_owned()]));
    let s = spec(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"],"CapAdd":null}}"#);
    assert!(s.cap_add.is_empty());
    let s = spec(r#"{"HostConfig":{"CapAdd":["SYS_ADMIN"],"CapAdd":null,"CapAdd":[null]}}"#);
    assert_eq!(
        s.cap_add,
        BTreeSet::new(),
        "a fresh element is the empty string, dropped"
    );
}

#[test]
fn map_keys_are_exact_and_the_last_duplicate_wins() {
    let s = spec(r#"{"Labels":{"a":"1","A":"2","a":"3"},"labels":{"b":"4"}}"#);
    let expected: BTreeMap<String, String> = [("a", "3"), ("A", "2"), ("b", "4")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into_iter()
        .collect();
    assert_eq!(s.labels, expected);
}

#[test]
fn capabilities_are_normalized() {
    assert_eq!(normalize_capability("cap_sys_admin"), "SYS_ADMIN");
    assert_eq!(normalize_capability("Sys_Admin"), "SYS_ADMIN");
    assert_eq!(normalize_capability("all"), "ALL");
    let s = spec(r#"{"HostConfig":{"CapAdd":["cap_net_raw","NET_RAW",""],"CapDrop":["all"]}}"#);
    assert_eq!(s.cap_add, BTreeSet::from(["NET_RAW".to_owned()]));
    assert_eq!(s.cap_drop, BTreeSet::from(["ALL".to_owned()]));
}

#[test]
fn namespace_modes() {
    let s = spec(
        r#"{"HostConfig":{"PidMode":"container:abc","IpcMode":"shareable","UTSMode":"host",
            "NetworkMode":"mynet","UsernsMode":"host","CgroupnsMode":"private"}}"#,
    );
    assert_eq!(s.namespaces.pid, NamespaceMode::Container("abc".to_owned()));
    assert_eq!(s.namespaces.ipc, NamespaceMode::Shareable);
    assert_eq!(s.namespaces.uts, NamespaceMode::Host);
    assert_eq!(
        s.namespaces.network,
        NamespaceMode::Network("mynet".to_owned())
    );
    assert_eq!(s.namespaces.userns, NamespaceMode::Host);
    assert_eq!(s.namespaces.cgroupns, NamespaceMode::Private);
    assert_eq!(
        spec(r#"{"HostConfig":{"NetworkMode":"none","IpcMode":"none"}}"#)
            .namespaces
            .network,
        NamespaceMode::None
    );
    for bad in [
        r#"{"HostConfig":{"PidMode":"private-ish"}}"#,
        r#"{"HostConfig":{"IpcMode":"container:"}}"#,
    ] {
        assert!(matches!(
            ContainerSpec::from_create_body(bad.as_bytes(), None),
            Err(SpecError::Value { .. })
        ));
    }
}

#[test]
fn security_options_are_parsed_like_the_daemon() {
    let s = spec(
        r#"{"HostConfig":{"SecurityOpt":["seccomp:unconfined","label=disable","label=user:u1",
            "apparmor=my-profile","no-new-privileges=true","systempaths=unconfined","weird"]}}"#,
    );
    assert_eq!(s.security.seccomp, SeccompProfile::Unconfined);
    assert!(s.security.selinux_disabled);
    assert_eq!(s.security.selinux_labels, vec!["user:u1".to_owned()]);
    assert_eq!(
        s.security.apparmor,
        AppArmorProfile::Named("my-profile".to_owned())
    );
    assert!(s.security.no_new_privileges);
    assert!(s.security.systempaths_unconfined);
    assert_eq!(s.security.other, vec!["weird".to_owned()]);

    // Later options override earlier ones; the CLI inlines custom seccomp profiles.
    let s = spec(
        r#"{"HostConfig":{"SecurityOpt":["no-new-privileges","no-new-privileges=false",
            "seccomp=unconfined","seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}","disable"]}}"#,
    );
    assert!(!s.security.no_new_privileges);
    assert_eq!(
        s.security.seccomp,
        SeccompProfile::Custom(r#"{"defaultAction":"SCMP_ACT_ALLOW"}"#.to_owned())
    );
    assert!(s.security.selinux_disabled);

    assert!(matches!(
        ContainerSpec::from_create_body(
            br#"{"HostConfig":{"SecurityOpt":["no-new-privileges=maybe"]}}"#,
            None
        ),
        Err(SpecError::Value { .. })
    ));
}

#[test]
fn binds_mounts_and_tmpfs() {
    let s = spec(
        r#"{"HostConfig":{
            "Binds":["data:/data:ro,rshared","/etc:/host/etc:z","/anon"],
            "Mounts":[{"Type":"bind","Source":"/run","Target":"/r","ReadOnly":true,
                       "BindOptions":{"Propagation":"rslave"}},
                      {"Type":"volume","Target":"/v"}],
            "Tmpfs":{"/t":"ro,size=1m"}}}"#,
    );
    let m = |kind, source: Option<&str>, target: &str, read_only, propagation, options: &[&str]| {
        Mount {
            kind,
            source: source.map(str::to_owned),
            target: target.to_owned(),
            read_only,
            propagation,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
        }
    };
    assert_eq!(
        s.mounts,
        vec![
            m(
                MountKind::Volume,
                Some("data"),
                "/data",
                true,
                Some(Propagation::Rshared),
                &["ro", "rshared"]
            ),
            m(
                MountKind::Bind,
                Some("/etc"),
                "/host/etc",
                false,
                None,
                &["z"]
            ),
            m(MountKind::Volume, None, "/anon", false, None, &[]),
            m(
                MountKind::Bind,
                Some("/run"),
                "/r",
                true,
                Some(Propagation::Rslave),
                &[]
            ),
            m(MountKind::Volume, None, "/v", false, None, &[]),
            m(MountKind::Tmpfs, None, "/t", true, None, &["ro", "size=1m"]),
        ]
    );
    for bad in [
        r#"{"HostConfig":{"Binds":["a:b:c:d"]}}"#,
        r#"{"HostConfig":{"Binds":[":/x"]}}"#,
        r#"{"HostConfig":{"Mounts":[{"Type":"magic","Target":"/x"}]}}"#,
        r#"{"HostConfig":{"Mounts":[{"Type":"bind","BindOptions":{"Propagation":"up"}}]}}"#,
    ] {
        assert!(
            ContainerSpec::from_create_body(bad.as_bytes(), None).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn ports_are_sorted_with_protocols() {
    let s = spec(
        r#"{"HostConfig":{"PortBindings":{"53/udp":[{"HostIp":"127.0.0.1","HostPort":"5353"},{}],
            "443":[{"HostPort":"8443"}],"9000-9001/tcp":null,"22/sctp":[]}}}"#,
    );
    let p = |port, protocol, ip: Option<&str>, host: Option<&str>| PortBinding {
        container_port: port,
        protocol,
        host_ip: ip.map(str::to_owned),
        host_port: host.map(str::to_owned),
    };
    assert_eq!(
        s.ports,
        vec![
            p(53, Protocol::Udp, None, None),
            p(53, Protocol::Udp, Some("127.0.0.1"), Some("5353")),
            p(443, Protocol::Tcp, None, Some("8443")),
        ]
    );
    assert!(
        ContainerSpec::from_create_body(br#"{"HostConfig":{"PortBindings":{"80/icmp":[]}}}"#, None)
            .is_err()
    );
}

#[test]
fn healthcheck_env_and_name() {
    let s = ContainerSpec::from_create_body(
        br#"{"Healthcheck":{"Test":["NONE"]},"Env":["A=1=2","BARE",null]}"#,
        Some("/web"),
    )
    .expect("decodes");
    assert_eq!(s.healthcheck, Healthcheck::Disabled);
    assert_eq!(
        s.env,
        vec![
            EnvVar {
                name: "A".to_owned(),
                value: Some("1=2".to_owned())
            },
            EnvVar {
                name: "BARE".to_owned(),
                value: None
            },
            EnvVar {
                name: String::new(),
                value: None
            },
        ]
    );
    assert_eq!(s.name.as_deref(), Some("web"));
    assert_eq!(
        spec(r#"{"Healthcheck":{"Test":[]}}"#).healthcheck,
        Healthcheck::None
    );
}

#[test]
fn bad_bodies_are_errors() {
    let too_big = vec![b' '; MAX_CREATE_BODY + 1];
    assert!(matches!(
        ContainerSpec::from_create_body(&too_big, None),
        Err(SpecError::TooLarge { .. })
    ));
    for bad in [
        &b""[..],
        b"not json",
        b"{\"Image\":\"a\"} trailing",
        b"[]",
        b"null",
        b"{\"Image\":\"\xff\"}",
        b"{\"Image\":1}",
        b"{\"HostConfig\":[]}",
        b"{\"HostConfig\":{\"Memory\":1e3}}",
        b"{\"HostConfig\":{\"Memory\":99999999999999999999}}",
    ] {
        assert!(
            ContainerSpec::from_create_body(bad, None).is_err(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let deep = "[".repeat(100_000);
    assert!(matches!(
        ContainerSpec::from_create_body(deep.as_bytes(), None),
        Err(SpecError::Json(_))
    ));
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        prop_oneof![
            Just("host".to_owned()),
            Just("ALL".to_owned()),
            Just("/:/h:ro".to_owned()),
            Just("seccomp=unconfined".to_owned()),
            ".{0,12}",
        ]
        .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Privileged",
            "ReadonlyRootfs",
            "CapAdd",
            "CapDrop",
            "PidMode",
            "IpcMode",
            "NetworkMode",
            "Memory",
            "PidsLimit",
            "SecurityOpt",
            "Binds",
            "Devices",
            "Ulimits",
            "RestartPolicy",
            "CgroupParent",
            "OomKillDisable",
            "Mounts",
            "Name",
            "Type",
            "Source",
            "Target",
            "PathOnHost",
            "Soft",
            "Hard",
            "MaximumRetryCount",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z]{1,8}",
    ]
}

fn lowercase_keys(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Array(items) => items.iter().map(lowercase_keys).collect(),
        serde_json::Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(k.to_ascii_lowercase(), lowercase_keys(v));
            }
            serde_json::Value::Object(out)
        }
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = ContainerSpec::from_create_body(&bytes, None);
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let _ = ContainerSpec::from_inspect(&value);
        let _ = ContainerSpec::from_inspect(&serde_json::json!({"HostConfig": value.clone(), "Config": value.clone()}));
        let body = serde_json::to_vec(&serde_json::json!({"HostConfig": value})).unwrap_or_default();
        let _ = ContainerSpec::from_create_body(&body, None);
    }

    #[test]
    fn struct_keys_are_case_insensitive(host in prop::collection::btree_map(field_name(), arbitrary_json(), 0..8)) {
        // Only struct keys here (no map-typed fields), so lowercasing every key
        // must not change the outcome, whether a spec or an error.
        let host = serde_json::Value::Object(host.into_iter().collect());
        let body = serde_json::json!({"HostConfig": host});
        let lower = lowercase_keys(&body);
        let a = ContainerSpec::from_create_body(&serde_json::to_vec(&body).unwrap_or_default(), None);
        let b = ContainerSpec::from_create_body(&serde_json::to_vec(&lower).unwrap_or_default(), None);
        prop_assert_eq!(a, b);
    }
}
