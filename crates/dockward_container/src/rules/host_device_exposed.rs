use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::{finding, normalize_path};
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags host devices given to a container:
    ///
    /// - each `--device` (compose `devices`, `HostConfig.Devices`), except the
    ///   pseudo-devices every container has anyway (`/dev/null`, `/dev/zero`,
    ///   `/dev/full`, `/dev/random`, `/dev/urandom`, `/dev/tty`) and a device
    ///   granted only `m` (create the node, but neither read nor write it).
    ///   The message says why a device is dangerous: raw memory and I/O ports
    ///   (`/dev/mem`, `/dev/kmem`, `/dev/port`), the kernel log
    ///   (`/dev/kmsg`), CPU registers (`/dev/cpu/*`), a disk (`/dev/sd*`,
    ///   `/dev/hd*`, `/dev/vd*`, `/dev/xvd*`, `/dev/nvme*`, `/dev/mmcblk*`,
    ///   `/dev/md*`, `/dev/dm-*`, `/dev/loop*`, `/dev/mapper/*`,
    ///   `/dev/disk/*`), or the whole of `/dev`;
    /// - each `--device-cgroup-rule` (compose `device_cgroup_rules`) that
    ///   allows reading or writing every device (`a *:* rwm`), every device of
    ///   a type (`c *:* rw`), any block device (`b 8:* rw`), or the memory
    ///   devices (`c 1:1`, `1:2`, `1:4`, `1:11`, `1:*`). With the default
    ///   `MKNOD` capability the container can create the node itself.
    ///
    /// `--gpus` (`DeviceRequests`) is not reported. docker-bench's 5.18 only
    /// notes that `Devices` is non-empty.
    ///
    /// ## Why is this bad?
    /// A device node bypasses every other isolation: `/dev/sda` gives the
    /// host's disk, filesystem permissions and all; `/dev/mem` the host's
    /// memory; a cgroup rule like `a *:* rwm` lets root in the container
    /// `mknod` any of them.
    ///
    /// ## Example
    /// ```console
    /// $ docker run --device /dev/sda:/dev/xvda my/backup:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: my/backup:1.0
    ///     devices:
    ///       - /dev/sda:/dev/xvda
    ///     device_cgroup_rules:
    ///       - "a *:* rwm"
    /// ```
    ///
    /// Use instead: a bind mount of the data the service needs, or only the
    /// device it needs with the least permissions:
    /// ```console
    /// $ docker run -v /srv/data:/data:ro my/backup:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: my/backup:1.0
    ///     volumes:
    ///       - /srv/data:/data:ro
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.18 (Level 1); the number is unchanged in v1.8.0.
    /// - [docker run: --device](https://docs.docker.com/reference/cli/docker/container/run/#device)
    /// - [docker run: --device-cgroup-rule](https://docs.docker.com/reference/cli/docker/container/run/#device-cgroup-rule)
    /// - [Kernel docs: Linux allocated devices](https://docs.kernel.org/admin-guide/devices.html)
    /// - [Kernel docs: device controller (cgroup v1)](https://docs.kernel.org/admin-guide/cgroup-v1/devices.html)
    pub struct HostDeviceExposed {
        severity: High,
        status: Stable,
        summary: "a host device is exposed to the container",
        aliases: ["CIS-5.18", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/reference/cli/docker/container/run/#device",
            "https://docs.docker.com/reference/cli/docker/container/run/#device-cgroup-rule",
            "https://docs.kernel.org/admin-guide/devices.html",
            "https://docs.kernel.org/admin-guide/cgroup-v1/devices.html",
        ],
    }
}

/// Devices every container has anyway.
const HARMLESS: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
];

/// Name prefixes of disk devices under `/dev/`.
const DISKS: &[&str] = &[
    "sd", "hd", "vd", "xvd", "nvme", "mmcblk", "md", "dm-", "loop", "mapper/", "disk/",
];

/// Why a host device is dangerous, when it is.
fn danger(path: &str) -> Option<&'static str> {
    if path == "/dev" {
        return Some("every host device");
    }
    let name = path.strip_prefix("/dev/")?;
    match name {
        "mem" | "kmem" => Some("raw access to the host's memory"),
        "port" => Some("raw access to the host's I/O ports"),
        "kmsg" => Some("reading and writing the host's kernel log"),
        _ if name.starts_with("cpu/") || name == "cpu" => {
            Some("the host CPUs' model-specific registers")
        }
        _ if DISKS.iter().any(|prefix| name.starts_with(prefix)) => {
            Some("raw access to a host disk, bypassing file permissions")
        }
        _ => None,
    }
}

/// Whether a permission string allows reading or writing (empty means `rwm`).
fn opens(permissions: &str) -> bool {
    permissions.is_empty() || permissions.contains('r') || permissions.contains('w')
}

/// Why a device cgroup rule (`c 1:3 mr`) is too broad, when it is.
fn broad_rule(rule: &str) -> Option<String> {
    let mut words = rule.split_whitespace();
    let (kind, numbers, permissions) = (words.next()?, words.next()?, words.next().unwrap_or(""));
    if !opens(permissions) {
        return None;
    }
    let (major, minor) = numbers.split_once(':')?;
    match (kind, major, minor) {
        ("a", _, _) => Some("every host device".to_owned()),
        ("c", "*", _) => Some("every character device".to_owned()),
        ("b", "*", _) => Some("every block device (the host's disks)".to_owned()),
        ("b", _, _) => Some(format!("block devices of major {major} (host disks)")),
        ("c", "1", "1" | "2" | "4" | "11" | "*") => Some(
            "the host's memory devices (`/dev/mem`, `/dev/kmem`, `/dev/port`, `/dev/kmsg`)"
                .to_owned(),
        ),
        _ => None,
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let rule = HostDeviceExposed::META.rule;
    for (i, device) in spec.devices.iter().enumerate() {
        let path = normalize_path(&device.host_path).unwrap_or_else(|| device.host_path.clone());
        if HARMLESS.contains(&path.as_str()) || !opens(&device.permissions) {
            continue;
        }
        let message = match danger(&path) {
            Some(why) => format!(
                "host device `{path}` is exposed at `{}`: {why}",
                device.container_path
            ),
            None => format!(
                "host device `{path}` is exposed at `{}`",
                device.container_path
            ),
        };
        out.push(finding(rule, SpecField::Device(i), message));
    }
    for (i, cgroup_rule) in spec.device_cgroup_rules.iter().enumerate() {
        if let Some(why) = broad_rule(cgroup_rule) {
            out.push(finding(
                rule,
                SpecField::DeviceCgroupRule(i),
                format!("device cgroup rule `{cgroup_rule}` allows {why}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{broad_rule, danger};

    #[test]
    fn disks_memory_and_wildcards_are_dangerous() {
        assert!(danger("/dev/nvme0n1").is_some());
        assert!(danger("/dev/mem").is_some());
        assert!(danger("/dev/dri/renderD128").is_none());
        assert!(danger("/dev/fuse").is_none());
        assert!(broad_rule("a *:* rwm").is_some());
        assert!(broad_rule("c *:* rw").is_some());
        assert!(broad_rule("c *:* m").is_none());
        assert!(broad_rule("c 1:3 mr").is_none());
        assert!(broad_rule("c 1:1 r").is_some());
        assert!(broad_rule("c 189:* rwm").is_none());
        assert!(broad_rule("garbage").is_none());
    }
}
