use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container whose `--cap-drop` (compose `cap_drop`) does not
    /// include `ALL`, so it keeps Docker's default capabilities (`CHOWN`,
    /// `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`,
    /// `NET_RAW`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT`,
    /// `AUDIT_WRITE`) or most of them.
    ///
    /// Not reported for a privileged container: it has every capability, and
    /// `privileged-container` reports it.
    ///
    /// ## Why is this bad?
    /// Most services need none of these capabilities, or one or two. The
    /// defaults still let root in the container read and write any file of the
    /// container regardless of permissions (`DAC_OVERRIDE`), create device
    /// nodes (`MKNOD`), craft raw packets to spoof or sniff on the bridge
    /// (`NET_RAW`), and change users (`SETUID`). Each is one more step an
    /// attacker can use after getting code execution.
    ///
    /// ## Example
    /// ```console
    /// $ docker run nginx:1.27
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead: drop everything, add back what the service needs:
    /// ```console
    /// $ docker run --cap-drop ALL --cap-add CHOWN --cap-add SETUID --cap-add SETGID --cap-add NET_BIND_SERVICE nginx:1.27
    /// ```
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     cap_drop: [ALL]
    ///     cap_add: [CHOWN, SETUID, SETGID, NET_BIND_SERVICE]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.4 (Level 1), which recommends dropping all and adding back only what is needed; the number is unchanged in v1.8.0.
    /// - [Runtime privilege and Linux capabilities](https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities)
    /// - [capabilities(7)](https://man7.org/linux/man-pages/man7/capabilities.7.html)
    pub struct CapabilitiesNotDropped {
        severity: Low,
        status: Stable,
        summary: "the container does not drop ALL capabilities",
        aliases: ["CIS-5.4", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    if spec.privileged || spec.cap_drop.contains("ALL") {
        return;
    }
    let message = if spec.cap_drop.is_empty() {
        "the container keeps Docker's default capabilities; drop ALL and add back only the ones it needs".to_owned()
    } else {
        let dropped: Vec<&str> = spec.cap_drop.iter().map(String::as_str).collect();
        format!(
            "the container drops {} but keeps the rest of Docker's default capabilities; drop ALL and add back only the ones it needs",
            dropped.join(", ")
        )
    };
    out.push(finding(
        CapabilitiesNotDropped::META.rule,
        SpecField::CapDrop,
        message,
    ));
}
