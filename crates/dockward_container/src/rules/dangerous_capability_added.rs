use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags each dangerous capability added with `--cap-add` (compose
    /// `cap_add`), one finding per capability:
    ///
    /// | Capability | What it allows |
    /// |---|---|
    /// | `ALL` | every capability (minus those in `--cap-drop`) |
    /// | `SYS_ADMIN` | `mount`, namespaces, BPF and much more: most known escapes |
    /// | `SYS_MODULE` | loading kernel modules into the host kernel |
    /// | `SYS_PTRACE` | tracing and injecting code into processes it can see |
    /// | `DAC_READ_SEARCH` | `open_by_handle_at`: reading any host file ("shocker") |
    /// | `SYS_RAWIO` | raw I/O ports and `/dev/mem` |
    /// | `SYS_BOOT` | rebooting the host, loading a new kernel (`kexec_load`) |
    /// | `SYS_TIME` | setting the host clock (time is not namespaced) |
    /// | `NET_ADMIN` | interfaces, routes, firewall rules of its network namespace |
    /// | `BPF`, `PERFMON` | loading BPF programs, kernel performance monitoring |
    /// | `SYSLOG` | reading the kernel log and kernel addresses |
    /// | `MAC_ADMIN`, `MAC_OVERRIDE` | changing or bypassing AppArmor/SELinux policy |
    ///
    /// `NET_RAW` is in Docker's default set, so it is never "added"; the other
    /// additions are `capability-added`'s.
    ///
    /// ## Why is this bad?
    /// These capabilities act on kernel state that is not namespaced, or open
    /// a direct path out of the container: with `SYS_ADMIN` a root process can
    /// mount a cgroup v1 hierarchy and abuse `release_agent` (CVE-2022-0492),
    /// with `SYS_MODULE` it loads a rootkit, with `DAC_READ_SEARCH` it reads
    /// `/etc/shadow` of the host through a file handle. The CIS benchmark
    /// (5.4) and docker-bench's community checks C.5.3.1-4 single out
    /// `DAC_READ_SEARCH`, `SYS_MODULE`, `SYS_ADMIN` and `SYS_PTRACE`.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --cap-add SYS_ADMIN alpine:3.20 mount -t tmpfs none /mnt
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     cap_add:
    ///       - SYS_ADMIN
    /// ```
    ///
    /// Use instead: give the container what it needs from outside (a tmpfs, a
    /// volume, a device) and keep the capability set minimal:
    /// ```console
    /// $ docker run --cap-drop ALL --tmpfs /mnt alpine:3.20
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: alpine:3.20
    ///     cap_drop: [ALL]
    ///     tmpfs: [/mnt]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.4 (Level 1); the number is unchanged in v1.8.0.
    /// - docker-bench-security community checks C.5.3.1 (DAC_READ_SEARCH), C.5.3.2 (SYS_MODULE), C.5.3.3 (SYS_ADMIN), C.5.3.4 (SYS_PTRACE).
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - [CVE-2022-0492](https://nvd.nist.gov/vuln/detail/CVE-2022-0492)
    pub struct DangerousCapabilityAdded {
        severity: High,
        status: Stable,
        summary: "a dangerous capability (SYS_ADMIN, SYS_MODULE, ALL, ...) is added",
        aliases: ["CIS-5.4", "CIS-L1", "C.5.3.1", "C.5.3.2", "C.5.3.3", "C.5.3.4"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://github.com/docker/docker-bench-security",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
            "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0492",
        ],
    }
}

/// The dangerous capabilities and what each allows.
const DANGEROUS: &[(&str, &str)] = &[
    ("ALL", "every capability"),
    (
        "SYS_ADMIN",
        "mounts, namespaces and most known container escapes",
    ),
    ("SYS_MODULE", "loading modules into the host kernel"),
    (
        "SYS_PTRACE",
        "tracing and injecting code into every process the container can see",
    ),
    (
        "DAC_READ_SEARCH",
        "reading any host file through `open_by_handle_at`",
    ),
    ("SYS_RAWIO", "raw I/O ports and `/dev/mem`"),
    ("SYS_BOOT", "rebooting the host and loading a new kernel"),
    ("SYS_TIME", "setting the host's clock"),
    (
        "NET_ADMIN",
        "changing interfaces, routes and firewall rules",
    ),
    ("BPF", "loading BPF programs into the kernel"),
    ("PERFMON", "kernel performance monitoring"),
    ("SYSLOG", "reading the kernel log and kernel addresses"),
    ("MAC_ADMIN", "changing the AppArmor or SELinux policy"),
    ("MAC_OVERRIDE", "bypassing the AppArmor or SELinux policy"),
];

/// Whether `cap` (normalized) is one of the dangerous capabilities.
pub(crate) fn is_dangerous(cap: &str) -> bool {
    DANGEROUS.iter().any(|(name, _)| *name == cap)
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    for cap in &spec.cap_add {
        let Some((_, allows)) = DANGEROUS.iter().find(|(name, _)| name == cap) else {
            continue;
        };
        let message = if cap == "ALL" {
            if spec.cap_drop.is_empty() {
                "`--cap-add ALL` grants every capability".to_owned()
            } else {
                "`--cap-add ALL` grants every capability not in `--cap-drop`".to_owned()
            }
        } else {
            format!("capability `{cap}` is added: it allows {allows}")
        };
        out.push(finding(
            DangerousCapabilityAdded::META.rule,
            SpecField::CapAdd(cap.clone()),
            message,
        ));
    }
}
