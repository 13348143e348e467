use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` in a kernel or boot directory: `/proc`, `/sys`,
    /// `/dev`, `/boot`, `/initrd`, `/lost+found`, or anything under them.
    ///
    /// ## Why is this bad?
    /// `/proc`, `/sys` and `/dev` are filled by the kernel and the runtime
    /// when the container starts (procfs, sysfs, devtmpfs); files written
    /// there at build time are hidden or refused, and programs working in
    /// them act on live kernel interfaces. `/boot`, `/initrd` and
    /// `/lost+found` belong to the host's boot and filesystem tools. A
    /// working directory there is a mistake at best and an attempt to reach
    /// the host at worst.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// WORKDIR /proc/self
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// WORKDIR /srv/app
    /// ```
    ///
    /// ## Compared with Trivy
    /// Trivy (DS030) checks `/proc/`, `/boot/`, `/dev/`, `/initrd/` and
    /// `/lost+found/` as prefixes, so it misses the directories themselves
    /// (`WORKDIR /proc`) and `/sys`; dockward checks both.
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [Filesystem Hierarchy Standard 3.0](https://refspecs.linuxfoundation.org/FHS_3.0/fhs/index.html)
    /// - [Trivy DS030](https://avd.aquasec.com/misconfig/dockerfile/general/avd-ds-0030/)
    pub struct SystemDirWorkdir {
        severity: High,
        status: Stable,
        summary: "WORKDIR in a system directory such as /proc or /dev",
        aliases: ["DS030", "DS-0030", "AVD-DS-0030", "docker-avoid-sys-workdir-mounts"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#workdir",
            "https://refspecs.linuxfoundation.org/FHS_3.0/fhs/index.html",
            "https://avd.aquasec.com/misconfig/dockerfile/general/avd-ds-0030/",
        ],
    }
}

const SYSTEM_DIRS: [&str; 6] = ["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Workdir(path) = &instruction.kind else {
            continue;
        };
        let value = unquote(path.as_str());
        let Some(dir) = under_any(value, &SYSTEM_DIRS) else {
            continue;
        };
        out.push(Violation::new(
            SystemDirWorkdir::META.rule,
            path.span,
            format!(
                "WORKDIR `{value}` is in the system directory `{dir}`, which the kernel or the host owns; work in a directory of your own"
            ),
        ));
    }
}

/// The first of `dirs` that `path` is or is under, after collapsing
/// repeated slashes and `.` components.
pub(super) fn under_any<'d>(path: &str, dirs: &[&'d str]) -> Option<&'d str> {
    if !path.starts_with('/') {
        return None;
    }
    let components: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let first = components.first()?;
    dirs.iter()
        .copied()
        .find(|d| d.trim_start_matches('/') == *first)
}

#[cfg(test)]
mod tests {
    use super::{SYSTEM_DIRS, under_any};

    #[test]
    fn system_dirs() {
        assert_eq!(under_any("/proc", &SYSTEM_DIRS), Some("/proc"));
        assert_eq!(under_any("//dev/./shm/", &SYSTEM_DIRS), Some("/dev"));
        assert_eq!(under_any("/sys/fs/cgroup", &SYSTEM_DIRS), Some("/sys"));
        assert_eq!(under_any("/process", &SYSTEM_DIRS), None);
        assert_eq!(under_any("/srv/proc", &SYSTEM_DIRS), None);
        assert_eq!(under_any("proc", &SYSTEM_DIRS), None);
    }
}
