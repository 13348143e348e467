use dockward_rules::declare_rule;

use super::image_runs_as_root::image_name;
use crate::context::octal;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Lists the setuid and setgid regular files in an image's layers, one
    /// finding per image. Images whose layers could not be read are not
    /// judged.
    ///
    /// ## Why is this bad?
    /// A setuid-root binary is a way back to root for a process that dropped
    /// it: a bug in `su`, `mount` or `passwd`, or a writable path it trusts,
    /// gives root inside the container. Most application images need none of
    /// them. Running with `--security-opt no-new-privileges` also neutralises
    /// them.
    ///
    /// ## Example
    /// A `debian` based image still carries `/usr/bin/su` (04755) and
    /// `/usr/bin/chage` (02755).
    ///
    /// Use instead: remove the bits in the Dockerfile,
    /// `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`,
    /// or start from a distroless base.
    ///
    /// ## Compared with docker-bench-security
    /// CIS 4.8 (Level 2) is a manual check that docker-bench only prints a
    /// note for; dockward reads the layers.
    ///
    /// ## References
    /// - [CIS Docker Benchmark v1.6.0, 4.8](https://www.cisecurity.org/benchmark/docker)
    /// - [chmod(1): setuid and setgid bits](https://man7.org/linux/man-pages/man1/chmod.1.html)
    pub struct SetuidFileInImage {
        severity: Low,
        status: Stable,
        summary: "the image contains setuid or setgid files",
        aliases: ["CIS-4.8", "CIS-L2", "CIS-DI-0008"],
        references: [
            "https://www.cisecurity.org/benchmark/docker",
            "https://man7.org/linux/man-pages/man1/chmod.1.html",
        ],
    }
}

/// How many files a finding lists by name.
const LISTED: usize = 20;

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let Some(files) = &image.setuid_files else {
            continue;
        };
        if files.is_empty() {
            continue;
        }
        let mut files: Vec<_> = files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.dedup_by(|a, b| a.path == b.path);
        let mut listed: Vec<String> = files
            .iter()
            .take(LISTED)
            .map(|f| format!("{} ({})", f.path, octal(f.mode)))
            .collect();
        if files.len() > LISTED {
            listed.push(format!("and {} more", files.len() - LISTED));
        }
        out.push(AuditFinding::new(
            SetuidFileInImage::META.rule,
            ObjectKind::Image,
            image_name(&image.inspect),
            format!(
                "{} setuid/setgid file{}: {}",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                listed.join(", ")
            ),
        ));
    }
}
