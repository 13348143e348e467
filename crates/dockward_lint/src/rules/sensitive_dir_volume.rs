use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::{unquote, with_triggers};
use super::system_dir_workdir::under_any;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `VOLUME` on `/proc`, `/sys` or `/dev`, or a path under them.
    ///
    /// ## Why is this bad?
    /// These directories are the kernel's interfaces inside the container.
    /// Declaring a volume there asks every runtime to mount storage over
    /// them, hiding the runtime's own restricted mounts, and invites a
    /// deployment to bind the host's `/proc`, `/sys` or `/dev` into the
    /// container, which hands it control of the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// VOLUME /dev /srv/data
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// VOLUME /srv/data
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: VOLUME](https://docs.docker.com/reference/dockerfile/#volume)
    /// - [Dockle DKL-DI-0002: avoid sensitive directory mounting](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0002)
    /// - [CIS Docker Benchmark v1.6.0, 5.5: ensure sensitive host system directories are not mounted](https://www.cisecurity.org/benchmark/docker)
    pub struct SensitiveDirVolume {
        severity: High,
        status: Stable,
        summary: "VOLUME on /proc, /sys or /dev",
        aliases: ["DKL-DI-0002"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#volume",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#dkl-di-0002",
            "https://www.cisecurity.org/benchmark/docker",
        ],
    }
}

const SENSITIVE_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Volume(paths) = &instruction.kind else {
            continue;
        };
        for path in paths {
            let value = unquote(path.as_str());
            let Some(dir) = under_any(value, &SENSITIVE_DIRS) else {
                continue;
            };
            out.push(Violation::new(
                SensitiveDirVolume::META.rule,
                path.span,
                format!(
                    "VOLUME `{value}` is in `{dir}`, a kernel interface; a volume there hides the runtime's mounts and invites binding the host's `{dir}`"
                ),
            ));
        }
    }
}
