//! Shared by the fixture tests: the captured cases and the exact spec each must give.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use dockward_spec::{
    AppArmorProfile, ContainerSpec, Device, EnvVar, ExposedPort, Healthcheck, Mount, MountKind,
    NamespaceMode, PortBinding, Propagation, Protocol, RestartPolicy, RestartPolicyName,
    SeccompProfile, Ulimit,
};

pub fn inspect(case: &str) -> ContainerSpec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/inspect")
        .join(format!("{case}.json"));
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let value: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let mut spec = ContainerSpec::from_inspect(&value).expect("fixture decodes");
    assert_eq!(
        spec.name.as_deref(),
        Some(format!("dockward-spec-{case}").as_str())
    );
    let id = spec.id.take().expect("inspect has an Id");
    assert_eq!(id.len(), 64, "{id}");
    spec.name = None;
    spec
}

/// The plain container as the daemon reports it.
fn plain() -> ContainerSpec {
    let mut spec = ContainerSpec {
        image: Some("dockward-test/busybox:1".to_owned()),
        runtime: Some("runc".to_owned()),
        log_driver: Some("json-file".to_owned()),
        ..ContainerSpec::default()
    };
    spec.namespaces.ipc = NamespaceMode::Private;
    spec.namespaces.cgroupns = NamespaceMode::Host;
    spec
}

fn caps(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn with_limits(mut spec: ContainerSpec) -> ContainerSpec {
    spec.user = Some("1000:1000".to_owned());
    spec.read_only_rootfs = true;
    spec.resources.memory = Some(64 * 1024 * 1024);
    spec.resources.memory_swap = Some(128 * 1024 * 1024);
    spec.resources.pids_limit = Some(100);
    spec.resources.nano_cpus = Some(500_000_000);
    spec
}

/// The expected spec of each captured case.
pub fn expected(case: &str) -> ContainerSpec {
    let mut s = plain();
    match case {
        "plain" => {}
        "privileged" => {
            // The daemon adds `label=disable` to a privileged container's SecurityOpt.
            s.privileged = true;
            s.security.selinux_disabled = true;
        }
        "pid_host" => {
            // Likewise for a container in the host's PID namespace.
            s.namespaces.pid = NamespaceMode::Host;
            s.security.selinux_disabled = true;
        }
        "net_host" => s.namespaces.network = NamespaceMode::Host,
        "docker_sock" => s.mounts.push(Mount {
            kind: MountKind::Bind,
            source: Some("/var/run/docker.sock".to_owned()),
            target: "/var/run/docker.sock".to_owned(),
            read_only: false,
            propagation: None,
            options: Vec::new(),
        }),
        "caps" => {
            s.cap_add = caps(&["SYS_ADMIN"]);
            s.cap_drop = caps(&["ALL"]);
        }
        "secopts" => {
            s.security.seccomp = SeccompProfile::Unconfined;
            s.security.apparmor = AppArmorProfile::Unconfined;
            s.security.no_new_privileges = true;
        }
        "limits" => s = with_limits(s),
        "ports_restart" => {
            s.ports.push(PortBinding {
                container_port: 8080,
                protocol: Protocol::Tcp,
                host_ip: Some("0.0.0.0".to_owned()),
                host_port: Some("80".to_owned()),
            });
            s.restart.name = RestartPolicyName::Always;
            s.exposed_ports.insert(ExposedPort {
                port: 8080,
                protocol: Protocol::Tcp,
            });
        }
        "device" => s.devices.push(Device {
            host_path: "/dev/null".to_owned(),
            container_path: "/dev/xnull".to_owned(),
            permissions: "rwm".to_owned(),
        }),
        "sysctl" => {
            s.sysctls = BTreeMap::from([("net.ipv4.ip_forward".to_owned(), "1".to_owned())]);
        }
        "ulimit" => s.ulimits.push(Ulimit {
            name: "nofile".to_owned(),
            soft: 1024,
            hard: 2048,
        }),
        "systempaths" => s.security.systempaths_unconfined = true,
        "volumes" => {
            let mount = |kind,
                         source: Option<&str>,
                         target: &str,
                         read_only,
                         propagation,
                         options: &[&str]| Mount {
                kind,
                source: source.map(str::to_owned),
                target: target.to_owned(),
                read_only,
                propagation,
                options: options.iter().map(|o| (*o).to_owned()).collect(),
            };
            s.mounts = vec![
                mount(
                    MountKind::Volume,
                    Some("dockward-spec-named"),
                    "/named",
                    true,
                    None,
                    &["ro"],
                ),
                mount(
                    MountKind::Bind,
                    Some("/run"),
                    "/hostrun",
                    true,
                    Some(Propagation::Rslave),
                    &[],
                ),
                mount(MountKind::Volume, None, "/data", false, None, &[]),
            ];
        }
        "seccomp_custom" => {
            s.security.seccomp = SeccompProfile::Custom(
                r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["reboot"],"action":"SCMP_ACT_ERRNO"}]}"#
                    .to_owned(),
            );
        }
        "misc" => {
            // A `label=` option of its own: the daemon adds no `label=disable` for --ipc=host.
            s.namespaces.ipc = NamespaceMode::Host;
            s.namespaces.uts = NamespaceMode::Host;
            s.namespaces.userns = NamespaceMode::Host;
            s.namespaces.cgroupns = NamespaceMode::Private;
            s.namespaces.network = NamespaceMode::None;
            s.security.selinux_labels = vec!["user:u1".to_owned()];
            s.cgroup_parent = Some("/dockward".to_owned());
            s.oom_kill_disable = true;
            s.resources.memory = Some(32 * 1024 * 1024);
            s.resources.memory_swap = Some(64 * 1024 * 1024);
            s.resources.memory_reservation = Some(16 * 1024 * 1024);
            s.resources.cpu_shares = Some(512);
            s.resources.cpu_quota = Some(50_000);
            s.resources.cpu_period = Some(100_000);
            s.resources.cpuset_cpus = Some("0".to_owned());
            s.healthcheck = Healthcheck::Disabled;
            s.log_driver = Some("none".to_owned());
            s.init = Some(true);
            s.device_cgroup_rules = vec!["c 1:3 mr".to_owned()];
            s.cap_add = caps(&["NET_RAW"]);
            s.publish_all_ports = true;
            s.exposed_ports.insert(ExposedPort {
                port: 9000,
                protocol: Protocol::Tcp,
            });
            s.env.push(EnvVar {
                name: "BARE_FROM_CLIENT".to_owned(),
                value: Some("1".to_owned()),
            });
        }
        "hardened" => {
            s = with_limits(s);
            s.cap_drop = caps(&["ALL"]);
            s.security.no_new_privileges = true;
            s.healthcheck =
                Healthcheck::Configured(vec!["CMD-SHELL".to_owned(), "true".to_owned()]);
            s.restart = RestartPolicy {
                name: RestartPolicyName::OnFailure,
                max_retries: 5,
            };
            s.mounts.push(Mount {
                kind: MountKind::Tmpfs,
                source: None,
                target: "/tmp".to_owned(),
                read_only: false,
                propagation: None,
                options: ["rw", "noexec", "nosuid", "size=16m"]
                    .map(str::to_owned)
                    .to_vec(),
            });
            s.env.push(EnvVar {
                name: "APP_MODE".to_owned(),
                value: Some("prod".to_owned()),
            });
            s.labels.insert("tier".to_owned(), "web".to_owned());
        }
        other => panic!("unknown case {other}"),
    }
    s
}

pub const CASES: [&str; 17] = [
    "plain",
    "privileged",
    "pid_host",
    "net_host",
    "docker_sock",
    "caps",
    "secopts",
    "limits",
    "ports_restart",
    "device",
    "sysctl",
    "ulimit",
    "systempaths",
    "volumes",
    "seccomp_custom",
    "misc",
    "hardened",
];
