//! The audit over recorded facts: a snapshot of a real host, and variants of
//! it for the host and daemon configurations the rules must tell apart. The
//! tests named `docker_bench_defect_*` pin the docker-bench-security 1.6.0
//! defects of `docs/reference/audit.md` §1.7 that dockward must not repeat.

use std::path::Path;

use dockward_audit::facts::Facts;
use dockward_audit::{AuditFinding, AuditSettings, audit, rule_metas};
use dockward_diagnostics::Severity;
use serde_json::{Value, json};

/// The recorded facts of a Debian 12 host with Debian's docker.io 20.10.
fn real_host() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/facts/debian12-docker-io.json");
    let text = std::fs::read_to_string(&path).expect("fixture");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn facts(value: Value) -> Facts {
    serde_json::from_value(value).expect("facts deserialize")
}

/// The real host, changed by `change`.
fn variant(change: impl FnOnce(&mut Value)) -> Facts {
    let mut value = real_host();
    change(&mut value);
    facts(value)
}

fn run(facts: &Facts) -> Vec<AuditFinding> {
    run_with(facts, &AuditSettings::default())
}

fn run_with(facts: &Facts, settings: &AuditSettings) -> Vec<AuditFinding> {
    audit(facts, settings, &|_| true)
}

fn severity(f: &AuditFinding) -> Severity {
    f.severity.unwrap_or_else(|| {
        rule_metas()
            .into_iter()
            .find(|m| m.rule == f.rule)
            .map(|m| m.descriptor.default_severity)
            .expect("rule is registered")
    })
}

fn render(findings: &[AuditFinding]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}: {} [{}]",
                f.rule.code(),
                severity(f),
                f.object_kind.as_str(),
                f.object,
                f.message,
                f.aliases.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn of<'a>(findings: &'a [AuditFinding], code: &str) -> Vec<&'a AuditFinding> {
    findings.iter().filter(|f| f.rule.code() == code).collect()
}

fn codes(findings: &[AuditFinding]) -> Vec<&'static str> {
    let mut codes: Vec<&str> = findings.iter().map(|f| f.rule.code()).collect();
    codes.dedup();
    codes
}

fn set_file(value: &mut Value, path: &str, entry: Value) {
    let files = value["host"]["files"].as_array_mut().expect("files");
    files.retain(|f| f["path"] != path);
    files.push(entry);
}

fn file(path: &str, kind: &str, mode: u32) -> Value {
    json!({"path": path, "kind": kind, "uid": 0, "gid": 0, "owner": "root", "group": "root", "mode": mode})
}

fn set_config(value: &mut Value, path: &str, text: &str) {
    value["daemon"]["config_file"] = json!({"path": path, "text": text});
}

fn set_argv(value: &mut Value, flags: &[&str]) {
    let mut command = vec!["/usr/sbin/dockerd".to_owned()];
    command.extend(flags.iter().map(|a| (*a).to_owned()));
    value["daemon"]["process"]["argv"] = json!(command);
}

#[test]
fn real_debian12_host_snapshot() {
    let findings = run(&facts(real_host()));
    insta::assert_snapshot!(render(&findings));
}

#[test]
fn findings_do_not_depend_on_the_order_of_facts() {
    let forward = variant(|v| {
        v["images"] = json!([
            {"inspect": {"Id": "sha256:aaaa", "RepoTags": ["b:1"], "Config": {"User": ""}}},
            {"inspect": {"Id": "sha256:bbbb", "RepoTags": ["a:1"], "Config": {"User": "0"}}},
        ]);
    });
    let mut reversed = forward.clone();
    reversed.images.reverse();
    reversed.host.as_mut().expect("host").files.reverse();
    reversed.host.as_mut().expect("host").mounts.reverse();
    assert_eq!(run(&forward), run(&reversed));
    let findings = run(&forward);
    let objects: Vec<&str> = of(&findings, "IM001")
        .iter()
        .map(|f| f.object.as_str())
        .collect();
    assert_eq!(objects, ["a:1", "b:1"]);
}

#[test]
fn cgroup_v1_reports_release_agent_and_cve_2022_0492_only_there() {
    let old_kernel = |cgroup: u8| {
        variant(move |v| {
            v["host"]["kernel"] = json!({"release": "5.10.90", "version": "#1 SMP"});
            v["host"]["cgroup"]["version"] = json!(cgroup);
        })
    };
    let v1 = run(&old_kernel(1));
    assert!(of(&v1, "HS002")[0].message.contains("release_agent"));
    let ids: Vec<&str> = of(&v1, "HS001")
        .iter()
        .filter_map(|f| f.message.split_whitespace().find(|w| w.starts_with("CVE-")))
        .collect();
    assert_eq!(
        ids,
        [
            "CVE-2022-0185:",
            "CVE-2022-0492:",
            "CVE-2022-0847:",
            "CVE-2024-1086:"
        ]
    );
    let v2 = run(&old_kernel(2));
    assert!(of(&v2, "HS002").is_empty());
    assert!(
        of(&v2, "HS001")
            .iter()
            .all(|f| !f.message.contains("CVE-2022-0492"))
    );
    assert_eq!(of(&v2, "HS001").len(), 3);
}

#[test]
fn debian_kernel_package_version_is_compared_not_the_abi_release() {
    let debian = |package: &str| {
        let package = package.to_owned();
        run(&variant(move |v| {
            v["host"]["kernel"] = json!({
                "release": "6.1.0-18-amd64",
                "version": format!("#1 SMP PREEMPT_DYNAMIC Debian {package} (2024-02-01)")
            });
        }))
    };
    let fixed = debian("6.1.76-1");
    assert!(of(&fixed, "HS001").is_empty(), "{}", render(&fixed));
    let old = debian("6.1.69-1");
    let hs001 = of(&old, "HS001");
    assert_eq!(hs001.len(), 1, "{}", render(&old));
    assert!(
        hs001[0]
            .message
            .starts_with("Debian kernel package 6.1.69-1 is upstream 6.1.69")
    );
    assert!(hs001[0].message.contains("CVE-2024-1086"));
    assert_eq!(severity(hs001[0]), Severity::High);
}

#[test]
fn distribution_abi_kernels_are_judged_by_release_line_at_info() {
    let ubuntu = |release: &str| {
        let release = release.to_owned();
        run(&variant(move |v| {
            v["host"]["kernel"] = json!({"release": release, "version": "#101-Ubuntu SMP"});
            v["host"]["cgroup"]["version"] = json!(2);
        }))
    };
    assert!(of(&ubuntu("5.15.0-91-generic"), "HS001").is_empty());
    let unfixed_line = ubuntu("5.13.0-52-generic");
    let hs001 = of(&unfixed_line, "HS001");
    assert!(!hs001.is_empty());
    assert!(hs001.iter().all(|f| severity(f) == Severity::Info));
    assert!(hs001.iter().any(|f| f.message.contains("CVE-2022-0847")));
}

#[test]
fn rootless_daemon() {
    let rootless = |max_userns: &str| {
        let max_userns = max_userns.to_owned();
        run(&variant(move |v| {
            v["daemon"]["info"]["SecurityOptions"] = json!([
                "name=seccomp,profile=builtin",
                "name=rootless",
                "name=cgroupns"
            ]);
            v["daemon"]["process"]["uid"] = json!(1000);
            v["host"]["sysctls"]["user.max_user_namespaces"] = json!(max_userns);
            v["host"]["sysctls"]["kernel.unprivileged_userns_clone"] = json!("1");
        }))
    };
    let ok = rootless("63000");
    for code in ["DM020", "DM008", "HS003", "HS004", "DM018"] {
        assert!(of(&ok, code).is_empty(), "{code}: {}", render(&ok));
    }
    let broken = rootless("0");
    assert!(of(&broken, "HS004")[0].message.contains("runs rootless"));
}

#[test]
fn rootful_daemon_with_unprivileged_userns_allowed() {
    let findings = run(&variant(|v| {
        v["host"]["sysctls"]["kernel.unprivileged_userns_clone"] = json!("1");
    }));
    assert_eq!(of(&findings, "HS003").len(), 1);
    assert_eq!(of(&findings, "DM020").len(), 1);
    assert_eq!(severity(of(&findings, "DM020")[0]), Severity::Info);
    let restricted = run(&variant(|v| {
        v["host"]["sysctls"]["kernel.unprivileged_userns_clone"] = json!("0");
    }));
    assert!(of(&restricted, "HS003").is_empty());
}

#[test]
fn userns_remap_daemon() {
    let remap = |max_userns: &str| {
        let max_userns = max_userns.to_owned();
        run(&variant(move |v| {
            set_config(
                v,
                "/etc/docker/daemon.json",
                r#"{"userns-remap": "default"}"#,
            );
            v["daemon"]["info"]["SecurityOptions"] =
                json!(["name=seccomp,profile=default", "name=userns"]);
            v["daemon"]["info"]["DockerRootDir"] = json!("/var/lib/docker/100000.100000");
            v["host"]["sysctls"]["user.max_user_namespaces"] = json!(max_userns);
        }))
    };
    let ok = remap("63000");
    assert!(of(&ok, "DM008").is_empty());
    assert!(of(&ok, "DM025").is_empty(), "{}", render(&ok));
    let hs008 = of(&ok, "HS008");
    assert_eq!(hs008[0].object, "/var/lib/docker");
    let broken = remap("0");
    assert!(of(&broken, "HS004")[0].message.contains("userns-remap"));
}

#[test]
fn userns_remap_configured_but_not_running_is_pending_restart() {
    let findings = run(&variant(|v| {
        set_config(
            v,
            "/etc/docker/daemon.json",
            r#"{"userns-remap": "default", "log-driver": "journald"}"#,
        );
    }));
    let pending: Vec<&str> = of(&findings, "DM025")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert!(
        pending
            .iter()
            .any(|m| m.contains("`log-driver` to journald"))
    );
    assert!(pending.iter().any(|m| m.contains("`userns-remap` to true")));
    assert_eq!(
        of(&findings, "DM008").len(),
        1,
        "the running daemon does not remap"
    );
}

#[test]
fn tls_verified_tcp_socket_passes_and_its_key_is_checked() {
    let findings = run(&variant(|v| {
        set_argv(
            v,
            &[
                "-H",
                "fd://",
                "-H",
                "tcp://0.0.0.0:2376",
                "--tlsverify",
                "--tlscacert=/etc/docker/tls/ca.pem",
                "--tlscert",
                "/etc/docker/tls/server.pem",
                "--tlskey",
                "/etc/docker/tls/server-key.pem",
            ],
        );
        set_file(
            v,
            "/etc/docker/tls/ca.pem",
            file("/etc/docker/tls/ca.pem", "file", 0o444),
        );
        set_file(
            v,
            "/etc/docker/tls/server.pem",
            file("/etc/docker/tls/server.pem", "file", 0o644),
        );
        set_file(
            v,
            "/etc/docker/tls/server-key.pem",
            file("/etc/docker/tls/server-key.pem", "file", 0o640),
        );
    }));
    assert!(of(&findings, "DM001").is_empty(), "{}", render(&findings));
    let perms = of(&findings, "DM028");
    let described: Vec<(&str, Severity, &[String])> = perms
        .iter()
        .map(|f| (f.object.as_str(), severity(f), f.aliases.as_slice()))
        .collect();
    assert_eq!(
        described,
        [
            (
                "/etc/docker/tls/server-key.pem",
                Severity::High,
                &["CIS-3.14".to_owned(), "CIS-L1".to_owned()][..]
            ),
            (
                "/etc/docker/tls/server.pem",
                Severity::Medium,
                &["CIS-3.12".to_owned(), "CIS-L1".to_owned()][..]
            ),
        ]
    );
}

#[test]
fn tcp_socket_with_tls_but_no_verification_is_reported() {
    let findings = run(&variant(|v| {
        set_argv(v, &["-H", "tcp://127.0.0.1:2376", "--tls"]);
    }));
    let dm001 = of(&findings, "DM001");
    assert_eq!(dm001.len(), 1);
    assert!(dm001[0].message.contains("without `tlsverify`"));
    assert_eq!(
        severity(dm001[0]),
        Severity::High,
        "loopback is high, not critical"
    );
}

#[test]
fn selinux_host() {
    let selinux = |options: Value| {
        run(&variant(move |v| {
            v["host"]["lsm"] = json!({"active": ["capability", "selinux"], "apparmor_enabled": null, "selinux_mode": "enforcing"});
            v["daemon"]["info"]["SecurityOptions"] = options;
        }))
    };
    let labelled = selinux(json!(["name=seccomp,profile=builtin", "name=selinux"]));
    assert!(of(&labelled, "HS005").is_empty());
    let unlabelled = selinux(json!(["name=seccomp,profile=builtin"]));
    assert!(
        of(&unlabelled, "HS005")[0]
            .message
            .contains("selinux-enabled")
    );
}

#[test]
fn apparmor_host_passes_and_a_host_without_lsm_is_reported() {
    let apparmor = run(&variant(|v| {
        v["host"]["lsm"] =
            json!({"active": ["capability", "yama", "apparmor"], "apparmor_enabled": true});
        v["daemon"]["info"]["SecurityOptions"] =
            json!(["name=apparmor", "name=seccomp,profile=builtin"]);
    }));
    assert!(of(&apparmor, "HS005").is_empty());
    let none = run(&facts(real_host()));
    assert_eq!(of(&none, "HS005").len(), 1);
}

#[test]
fn malformed_daemon_json_is_reported_with_line_and_column() {
    let findings = run(&variant(|v| {
        set_config(
            v,
            "/etc/docker/daemon.json",
            "{\n  \"icc\": false,\n  \"log-level\": \"info\",\n}\n",
        );
    }));
    let dm024 = of(&findings, "DM024");
    assert_eq!(dm024.len(), 1);
    assert_eq!(dm024[0].object, "/etc/docker/daemon.json");
    assert!(
        dm024[0].message.contains("line 4, column 1"),
        "{}",
        dm024[0].message
    );
}

#[test]
fn an_option_set_as_flag_and_in_the_file_is_invalid() {
    let findings = run(&variant(|v| {
        set_argv(v, &["--live-restore"]);
        set_config(
            v,
            "/etc/docker/daemon.json",
            r#"{"live-restore": true, "mtu": "1400"}"#,
        );
    }));
    let messages: Vec<&str> = of(&findings, "DM024")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`live-restore` is set both"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`\"mtu\"`") && m.contains("a number"))
    );
}

#[test]
fn an_unreachable_daemon_yields_only_the_problem() {
    let findings = run(&variant(|v| {
        v["daemon"] = json!({"endpoint": "unix:///var/run/docker.sock"});
        v["problems"] = json!([{"area": "daemon", "subject": "unix:///var/run/docker.sock", "message": "permission denied"}]);
    }));
    let daemon_codes: Vec<&str> = codes(&findings)
        .into_iter()
        .filter(|c| c.starts_with("DM"))
        .collect();
    // DM027/DM028 judge host files, which the probe still read.
    assert_eq!(daemon_codes, ["DM029"], "{}", render(&findings));
    assert!(
        of(&findings, "DM029")[0]
            .message
            .contains("permission denied")
    );
    let no_daemon = run(&variant(|v| {
        v["daemon"] = Value::Null;
        v["problems"] = json!([{"area": "daemon", "subject": "/var/run/docker.sock", "message": "no such file"}]);
    }));
    assert_eq!(
        codes(&no_daemon)
            .into_iter()
            .filter(|c| c.starts_with("DM"))
            .collect::<Vec<_>>(),
        ["DM029"]
    );
}

#[test]
fn audit_rules_are_matched_by_target_path() {
    let findings = run(&variant(|v| {
        v["host"]["audit_rules"] = json!({
            "sources": ["/etc/audit/rules.d/docker.rules"],
            "rules": [
                "-w /etc/docker/daemon.json -k docker",
                "-a never,exit -F dir=/var/lib/docker/volumes",
                "-a always,exit -F path=/usr/sbin/runc -F perm=x -k docker",
                "-w /var/run/containerd -k docker"
            ]
        });
    }));
    let flagged: Vec<(&str, &str)> = of(&findings, "HS009")
        .iter()
        .map(|f| (f.object.as_str(), f.aliases[0].as_str()))
        .collect();
    assert_eq!(
        flagged,
        [
            ("/etc/docker", "CIS-1.1.6"),
            ("/lib/systemd/system/docker.service", "CIS-1.1.7"),
            ("/lib/systemd/system/docker.socket", "CIS-1.1.9"),
            ("/usr/bin/containerd", "CIS-1.1.14"),
            ("/usr/bin/containerd-shim-runc-v2", "CIS-1.1.17"),
            ("/usr/sbin/dockerd", "CIS-1.1.3"),
            ("/var/lib/docker", "CIS-1.1.5"),
        ]
    );
    let level: Vec<&str> = of(&findings, "HS009")
        .iter()
        .map(|f| f.aliases[1].as_str())
        .collect();
    assert_eq!(
        level,
        [
            "CIS-L1", "CIS-L2", "CIS-L2", "CIS-L2", "CIS-L2", "CIS-L1", "CIS-L1"
        ]
    );
}

#[test]
fn docker_group_members_against_trusted_users() {
    let host = variant(|v| {
        v["host"]["docker_group"] = json!({"gid": 105, "members": ["bob", "alice", "alice2"]});
    });
    let listed = run(&host);
    let hs010 = of(&listed, "HS010");
    assert_eq!(hs010.len(), 1);
    assert_eq!(severity(hs010[0]), Severity::Info);
    assert!(hs010[0].message.contains("alice, alice2, bob"));
    let settings = AuditSettings {
        trusted_docker_users: Some(vec!["alice2".to_owned()]),
    };
    let judged = run_with(&host, &settings);
    let untrusted: Vec<&str> = of(&judged, "HS010")
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        untrusted.len(),
        2,
        "exact names: a trusted alice2 does not admit alice"
    );
    assert!(untrusted[0].starts_with("`alice`"));
    assert!(untrusted[1].starts_with("`bob`"));
}

#[test]
fn upstream_component_versions_are_judged_with_authz_context() {
    let upstream = |authz: Value| {
        run(&variant(move |v| {
            v["host"]["packages"] = json!([]);
            v["daemon"]["version"] = json!({
                "Version": "27.1.0",
                "Components": [
                    {"Name": "Engine", "Version": "27.1.0"},
                    {"Name": "containerd", "Version": "v1.4.1"},
                    {"Name": "runc", "Version": "1.1.11"}
                ]
            });
            v["daemon"]["info"]["Plugins"]["Authorization"] = authz;
        }))
    };
    let without = upstream(Value::Null);
    let engine: Vec<(Severity, bool)> = of(&without, "DM021")
        .iter()
        .map(|f| (severity(f), f.message.contains("CVE-2024-41110")))
        .collect();
    assert!(
        engine.contains(&(Severity::Low, true)),
        "{}",
        render(&without)
    );
    let runc = of(&without, "DM022");
    assert!(
        runc.iter()
            .any(|f| f.message.contains("CVE-2024-21626") && severity(f) == Severity::High)
    );
    assert!(runc.iter().any(|f| f.message.contains("upgrade to 1.1.12")));
    assert_eq!(of(&without, "DM023").len(), 1);
    let with = upstream(json!(["authz"]));
    assert!(
        of(&with, "DM021")
            .iter()
            .any(|f| f.message.contains("CVE-2024-41110") && severity(f) == Severity::Critical)
    );
}

#[test]
fn debian_packaged_components_are_info_and_name_the_package() {
    let findings = run(&facts(real_host()));
    for code in ["DM021", "DM022"] {
        let found = of(&findings, code);
        assert!(!found.is_empty(), "{code}");
        for f in found {
            assert_eq!(severity(f), Severity::Info, "{}", f.message);
            assert!(
                f.message.contains("Debian GNU/Linux 12 (bookworm) package"),
                "{}",
                f.message
            );
            assert!(
                f.message
                    .contains("unless the distribution back-ported the fix")
            );
        }
    }
}

#[test]
fn icc_from_the_bridge_network_wins_and_a_pending_change_is_reported() {
    let findings = run(&variant(|v| {
        set_config(v, "/etc/docker/daemon.json", r#"{"icc": false}"#);
    }));
    assert!(of(&findings, "DM002")[0].message.contains("enable_icc"));
    assert!(of(&findings, "DM025")[0].message.contains("`icc` to false"));
    let applied = run(&variant(|v| {
        set_config(v, "/etc/docker/daemon.json", r#"{"icc": false}"#);
        for network in v["daemon"]["networks"].as_array_mut().expect("networks") {
            if network["Name"] == "bridge" {
                network["Options"]["com.docker.network.bridge.enable_icc"] = json!("false");
            }
        }
    }));
    assert!(of(&applied, "DM002").is_empty());
    assert!(of(&applied, "DM025").is_empty());
}

#[test]
fn authorization_plugin_flag_only_and_disabled() {
    let findings = run(&variant(|v| {
        set_argv(v, &["--authorization-plugin=authz"]);
        v["daemon"]["info"]["Plugins"]["Authorization"] = json!(["authz"]);
        v["daemon"]["plugins"] = json!([{"Name": "authz:latest", "Enabled": false}]);
    }));
    assert_eq!(of(&findings, "DM012").len(), 1);
    assert_eq!(of(&findings, "DM013").len(), 1);
    assert!(of(&findings, "DM011").is_empty());
    let from_file = run(&variant(|v| {
        set_config(
            v,
            "/etc/docker/daemon.json",
            r#"{"authorization-plugins": ["authz"]}"#,
        );
        v["daemon"]["info"]["Plugins"]["Authorization"] = json!(["authz"]);
        v["daemon"]["plugins"] = json!([{"Name": "authz:latest", "Enabled": true}]);
    }));
    for code in ["DM011", "DM012", "DM013"] {
        assert!(of(&from_file, code).is_empty(), "{code}");
    }
}

#[test]
fn seccomp_profiles() {
    let with = |option: &str| {
        let option = option.to_owned();
        run(&variant(move |v| {
            v["daemon"]["info"]["SecurityOptions"] = json!([option]);
        }))
    };
    assert!(of(&with("name=seccomp,profile=builtin"), "DM018").is_empty());
    assert!(of(&with("name=seccomp,profile=default"), "DM018").is_empty());
    let unconfined = with("name=seccomp,profile=unconfined");
    assert_eq!(severity(of(&unconfined, "DM018")[0]), Severity::High);
    let custom = with("name=seccomp,profile=/etc/docker/seccomp.json");
    assert_eq!(severity(of(&custom, "DM018")[0]), Severity::Info);
    assert_eq!(of(&with("name=apparmor"), "DM018").len(), 1);
}

#[test]
fn swarm_mode_and_live_restore() {
    let swarm = run(&variant(|v| {
        v["daemon"]["info"]["Swarm"]["LocalNodeState"] = json!("active");
    }));
    assert_eq!(of(&swarm, "DM026")[0].aliases, ["CIS-5.1", "CIS-L1"]);
    assert!(
        of(&swarm, "DM016").is_empty(),
        "live restore is not possible in swarm mode"
    );
    assert_eq!(of(&run(&facts(real_host())), "DM016").len(), 1);
}

#[test]
fn image_rules() {
    let findings = run(&variant(|v| {
        v["images"] = json!([
            {"inspect": {"Id": "sha256:1111111111111111", "RepoTags": ["app:1"], "Config": {"User": "10001", "Healthcheck": {"Test": ["CMD", "true"]}}}, "setuid_files": []},
            {"inspect": {"Id": "sha256:2222222222222222", "RepoTags": [], "Config": {"User": "root:root", "Healthcheck": {"Test": ["NONE"]}}},
             "setuid_files": [{"path": "/usr/bin/su", "mode": 2541}, {"path": "/usr/bin/chage", "mode": 1517}]},
            {"inspect": {"Id": "sha256:3333333333333333", "RepoTags": ["unknown-layers:1"], "Config": {"User": "app"}}, "setuid_files": null}
        ]);
    }));
    let summary: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.rule.code().starts_with("IM"))
        .map(|f| (f.rule.code(), f.object.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("IM001", "222222222222"),
            ("IM002", "222222222222"),
            ("IM002", "unknown-layers:1"),
            ("IM003", "222222222222"),
        ]
    );
    let im003 = of(&findings, "IM003");
    assert_eq!(
        im003[0].message,
        "2 setuid/setgid files: /usr/bin/chage (2755), /usr/bin/su (4755)"
    );
}

#[test]
fn image_secret_port_and_layer_rules() {
    let gh = format!("ghp_{}", "aB3".repeat(12));
    let findings = run(&variant(|v| {
        v["images"] = json!([
            {"inspect": {"Id": "sha256:4444444444444444", "RepoTags": ["leaky:1"],
                         "Config": {"User": "10001", "Healthcheck": {"Test": ["CMD", "true"]},
                                    "Env": ["PATH=/usr/bin", format!("GITHUB_TOKEN={gh}"), "DB_PASSWORD_FILE=/run/secrets/db"],
                                    "Labels": {"db.password": "hunter22"},
                                    "ExposedPorts": {"22/tcp": {}, "8080/tcp": {}, "2375/tcp": {}}}},
             "setuid_files": [],
             "secret_files": [
                 {"path": "/root/.ssh/id_rsa", "what": "an SSH private key", "layer": 1, "diff_id": "sha256:aaaaaaaaaaaaaaaaaaaa"},
                 {"path": "/root/.aws/credentials", "what": "AWS credentials", "layer": 1, "removed_in_layer": 2}
             ],
             "world_writable_dirs": [{"path": "/app/cache", "mode": 511}, {"path": "/tmp", "mode": 1023}],
             "history": [
                 {"created_by": "/bin/sh -c #(nop) ADD file:0 in / "},
                 {"created_by": "|1 NPM_TOKEN=tok3n-value-123 /bin/sh -c npm ci"},
                 {"created_by": "/bin/sh -c #(nop)  CMD [\"app\"]", "empty_layer": true}
             ]},
            {"inspect": {"Id": "sha256:5555555555555555", "RepoTags": ["clean:1"],
                         "Config": {"User": "10001", "Healthcheck": {"Test": ["CMD", "true"]}, "ExposedPorts": {"8080/tcp": {}}}},
             "setuid_files": [], "secret_files": [], "world_writable_dirs": [], "history": []}
        ]);
    }));
    let im: Vec<String> = findings
        .iter()
        .filter(|f| f.rule.code().starts_with("IM"))
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.rule.code(),
                severity(f),
                f.object,
                f.message
            )
        })
        .collect();
    insta::assert_snapshot!(im.join("\n"));
    for code in ["IM004", "IM006"] {
        assert!(
            of(&findings, code)
                .iter()
                .all(|f| f.aliases == ["CIS-4.10", "CIS-L1"])
        );
    }
    assert!(
        !im.iter()
            .any(|m| m.contains(&gh) || m.contains("hunter22") || m.contains("tok3n-value")),
        "secrets are masked"
    );
}

#[test]
fn disabled_rules_do_not_run() {
    let facts = facts(real_host());
    let only_dm002 = audit(&facts, &AuditSettings::default(), &|rule| {
        rule.code() == "DM002"
    });
    assert_eq!(codes(&only_dm002), ["DM002"]);
}

// --- docker-bench-security 1.6.0 defects (reference §1.7) -------------------

#[test]
fn docker_bench_defect_2_config_file_with_a_space_is_read() {
    let flags = dockward_audit::daemon_config::parse_flags(&[
        "/usr/sbin/dockerd".to_owned(),
        "--config-file".to_owned(),
        "/etc/docker/custom.json".to_owned(),
    ]);
    assert_eq!(flags["config-file"], "/etc/docker/custom.json");
    let findings = run(&variant(|v| {
        set_argv(v, &["--config-file", "/etc/docker/custom.json"]);
        set_config(v, "/etc/docker/custom.json", r#"{"log-level": "debug"}"#);
        set_file(
            v,
            "/etc/docker/custom.json",
            file("/etc/docker/custom.json", "file", 0o664),
        );
        for network in v["daemon"]["networks"].as_array_mut().expect("networks") {
            network["Options"]["com.docker.network.bridge.enable_icc"] = json!("false");
        }
    }));
    assert_eq!(
        of(&findings, "DM003").len(),
        1,
        "the file's log-level is read"
    );
    assert!(of(&findings, "DM002").is_empty());
    let perms = of(&findings, "DM028");
    assert_eq!(perms.len(), 1);
    assert_eq!(perms[0].object, "/etc/docker/custom.json");
    assert_eq!(perms[0].aliases, ["CIS-3.18", "CIS-L2"]);
}

#[test]
fn docker_bench_defect_3_log_level_flag_is_caught() {
    for args in [
        &["--log-level=debug"][..],
        &["--log-level", "debug"],
        &["-l", "debug"],
        &["-D"],
    ] {
        let findings = run(&variant(|v| set_argv(v, args)));
        let dm003 = of(&findings, "DM003");
        assert_eq!(dm003.len(), 1, "{args:?}");
        assert_eq!(dm003[0].aliases, ["CIS-2.3", "CIS-L1"]);
    }
    assert!(
        of(
            &run(&variant(|v| set_argv(v, &["--log-level=info"]))),
            "DM003"
        )
        .is_empty()
    );
}

#[test]
fn docker_bench_defect_4_cgroup_parent_in_daemon_json_is_caught() {
    let findings = run(&variant(|v| {
        set_config(
            v,
            "/etc/docker/daemon.json",
            r#"{"cgroup-parent": "/docker-parent"}"#,
        );
    }));
    let dm009 = of(&findings, "DM009");
    assert_eq!(dm009.len(), 1);
    assert!(dm009[0].message.contains("/docker-parent"));
    assert!(dm009[0].message.contains("in /etc/docker/daemon.json"));
}

#[test]
fn docker_bench_defect_5_tlsverify_key_in_daemon_json_is_honoured() {
    let findings = run(&variant(|v| {
        set_config(
            v,
            "/etc/docker/daemon.json",
            r#"{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true, "tlscacert": "/etc/docker/ca.pem"}"#,
        );
    }));
    assert!(of(&findings, "DM001").is_empty(), "{}", render(&findings));
}

#[test]
fn docker_bench_defect_6_multi_line_hosts_array_is_parsed() {
    let text = "{\n  \"hosts\": [\n    \"unix:///var/run/docker.sock\",\n    \"tcp://0.0.0.0:2375\"\n  ]\n}\n";
    let findings = run(&variant(|v| set_config(v, "/etc/docker/daemon.json", text)));
    let dm001 = of(&findings, "DM001");
    assert_eq!(dm001.len(), 1);
    assert_eq!(severity(dm001[0]), Severity::Critical);
    assert!(dm001[0].message.contains("tcp://0.0.0.0:2375 without TLS"));
    assert_eq!(dm001[0].aliases, ["CIS-2.7", "CIS-L1"]);
}

#[test]
fn docker_bench_defect_7_octal_modes_are_compared_as_bits() {
    let findings = run(&variant(|v| {
        set_file(
            v,
            "/etc/docker/daemon.json",
            file("/etc/docker/daemon.json", "file", 0o606),
        );
        set_file(
            v,
            "/lib/systemd/system/docker.service",
            file("/lib/systemd/system/docker.service", "file", 0o622),
        );
        set_file(
            v,
            "/lib/systemd/system/docker.socket",
            file("/lib/systemd/system/docker.socket", "file", 0o477),
        );
        set_file(v, "/etc/docker", file("/etc/docker", "directory", 0o750));
    }));
    let flagged: Vec<(&str, &str, Severity)> = of(&findings, "DM028")
        .iter()
        .map(|f| (f.object.as_str(), f.aliases[0].as_str(), severity(f)))
        .collect();
    assert_eq!(
        flagged,
        [
            ("/etc/docker/daemon.json", "CIS-3.18", Severity::High),
            (
                "/lib/systemd/system/docker.service",
                "CIS-3.2",
                Severity::High
            ),
            (
                "/lib/systemd/system/docker.socket",
                "CIS-3.4",
                Severity::High
            ),
        ]
    );
    let socket_unit = of(&findings, "DM028")[2];
    assert!(
        socket_unit.message.contains("mode 0477"),
        "{}",
        socket_unit.message
    );
    assert!(
        socket_unit
            .message
            .contains("group write, group execute, others write, others execute")
    );
}

#[test]
fn docker_bench_defect_8_an_image_named_vanilla_app_is_audited() {
    let findings = run(&variant(|v| {
        v["images"] = json!([{"inspect": {"Id": "sha256:abcdef0123456789", "RepoTags": ["vanilla-app:1.0"], "Config": {"User": "0:0"}}}]);
    }));
    let objects: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule.code().starts_with("IM"))
        .map(|f| f.object.as_str())
        .collect();
    assert_eq!(objects, ["vanilla-app:1.0", "vanilla-app:1.0"]);
    assert!(of(&findings, "IM001")[0].message.contains("`0:0`"));
}

#[test]
fn docker_bench_defect_11_world_writable_docker_sock_is_reported() {
    let findings = run(&variant(|v| {
        let mut sock = file("/var/run/docker.sock", "socket", 0o666);
        sock["gid"] = json!(105);
        sock["group"] = json!("docker");
        set_file(v, "/var/run/docker.sock", sock);
    }));
    let dm028 = of(&findings, "DM028");
    assert_eq!(dm028.len(), 1);
    assert_eq!(dm028[0].object, "/var/run/docker.sock");
    assert_eq!(severity(dm028[0]), Severity::High);
    assert_eq!(dm028[0].aliases, ["CIS-3.16", "CIS-L1"]);
    assert!(
        of(&findings, "DM027").is_empty(),
        "root:docker is the expected owner"
    );
}

#[test]
fn socket_owned_by_another_group_is_reported() {
    let findings = run(&variant(|v| {
        let mut sock = file("/var/run/docker.sock", "socket", 0o660);
        sock["gid"] = json!(1000);
        sock["group"] = json!("users");
        set_file(v, "/var/run/docker.sock", sock);
    }));
    let dm027 = of(&findings, "DM027");
    assert_eq!(dm027.len(), 1);
    assert_eq!(dm027[0].aliases, ["CIS-3.15", "CIS-L1"]);
}

#[test]
fn every_rule_documents_itself() {
    let metas = rule_metas();
    assert_eq!(metas.len(), 46);
    for meta in metas {
        let docs = meta.descriptor.docs;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(docs.contains(heading), "{} lacks {heading}", meta.code());
        }
        assert!(!meta.descriptor.summary.is_empty());
    }
}

#[test]
fn unexpected_api_shapes_do_not_crash_any_rule() {
    let findings = run(&variant(|v| {
        v["daemon"]["info"] = json!({"SecurityOptions": "name=seccomp", "Plugins": [], "Swarm": 3, "DockerRootDir": 7});
        v["daemon"]["version"] = json!({"Components": {"Name": "runc"}, "Version": 28});
        v["daemon"]["networks"] = json!({"bridge": true});
        v["daemon"]["plugins"] = json!("none");
        v["daemon"]["process"]["argv"] = json!(["dockerd", "-", "--", "-H"]);
        v["images"] = json!([{"inspect": []}, {"inspect": {"Id": "sha256:99", "Config": {"User": 0, "Healthcheck": {"Test": "NONE"}}}}]);
        v["host"]["kernel"] = json!({"release": "", "version": "Debian"});
    }));
    assert!(
        findings
            .iter()
            .all(|f| !f.message.starts_with("internal error")),
        "{}",
        render(&findings)
    );
    assert_eq!(
        of(&findings, "IM001").len(),
        2,
        "a non-string user is no user"
    );
}
