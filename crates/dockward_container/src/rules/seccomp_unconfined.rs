use dockward_rules::declare_rule;
use dockward_spec::{ContainerSpec, SeccompProfile, SpecField};

use super::common::finding;
use crate::{ContainerContext, ContainerFinding};

declare_rule! {
    /// ## What it does
    /// Flags a container that runs without a seccomp filter:
    ///
    /// - `--security-opt seccomp=unconfined` (compose `security_opt:
    ///   [seccomp:unconfined]`);
    /// - a privileged container: the daemon applies no seccomp profile to it,
    ///   whatever `seccomp=` says (moby `daemon/seccomp_linux.go`, Engine 20.10
    ///   to 24). docker-bench's 5.22 passes privileged containers.
    ///
    /// A custom profile (`seccomp=profile.json`) is not judged here.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 50 system calls a
    /// container does not need and many kernel exploits rely on: `keyctl`,
    /// `add_key`, `bpf`, `userfaultfd`, `unshare` and `clone` of new user
    /// namespaces, `open_by_handle_at`, `kexec_load`, `mount`. Without it,
    /// every kernel bug reachable from those calls is reachable from the
    /// container (CVE-2022-0185 needed `unshare`, blocked by the profile).
    ///
    /// ## Example
    /// ```console
    /// $ docker run --security-opt seccomp=unconfined my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     security_opt:
    ///       - seccomp:unconfined
    /// ```
    ///
    /// Use instead: the default profile, or a custom one that allows just the
    /// extra calls needed:
    /// ```console
    /// $ docker run --security-opt seccomp=./app-seccomp.json my/app:1.0
    /// ```
    /// ```yaml
    /// services:
    ///   app:
    ///     image: my/app:1.0
    ///     security_opt:
    ///       - seccomp=./app-seccomp.json
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.22 (Level 1); the number is unchanged in v1.8.0.
    /// - [Seccomp security profiles for Docker](https://docs.docker.com/engine/security/seccomp/)
    /// - [Kernel docs: seccomp filter](https://docs.kernel.org/userspace-api/seccomp_filter.html)
    /// - [CVE-2022-0185](https://nvd.nist.gov/vuln/detail/CVE-2022-0185)
    pub struct SeccompUnconfined {
        severity: High,
        status: Stable,
        summary: "the container runs without a seccomp filter",
        aliases: ["CIS-5.22", "CIS-L1"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://docs.docker.com/engine/security/seccomp/",
            "https://docs.kernel.org/userspace-api/seccomp_filter.html",
            "https://nvd.nist.gov/vuln/detail/CVE-2022-0185",
        ],
    }
}

pub(crate) fn check(
    spec: &ContainerSpec,
    _ctx: &ContainerContext,
    out: &mut Vec<ContainerFinding>,
) {
    let rule = SeccompUnconfined::META.rule;
    if spec.security.seccomp == SeccompProfile::Unconfined {
        out.push(finding(
            rule,
            SpecField::Seccomp,
            "`seccomp=unconfined` turns off the seccomp filter for this container",
        ));
    } else if spec.privileged {
        out.push(finding(
            rule,
            SpecField::Privileged,
            "a privileged container runs without a seccomp filter",
        ));
    }
}
