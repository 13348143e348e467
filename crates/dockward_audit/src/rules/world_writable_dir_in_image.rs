use dockward_rules::declare_rule;

use super::image_runs_as_root::image_name;
use crate::context::octal;
use crate::facts::WorldWritableDir;
use crate::{AuditFinding, Context, ObjectKind};

declare_rule! {
    /// ## What it does
    /// Lists the directories of an image's merged layers that every user may
    /// write to without the sticky bit (`mode & 0o002` set, `mode & 0o1000`
    /// clear: `0777`, `0757`, `0773`...), one finding per image. No directory
    /// is left out: `/tmp` and `/var/tmp` are fine only with their sticky bit
    /// (`1777`). Images whose layers could not be read are not judged.
    ///
    /// ## Why is this bad?
    /// In a world-writable directory without the sticky bit any user may
    /// delete or rename any entry, not only their own: a process of another
    /// user can replace a script, a configuration file or a socket that a
    /// more privileged process (often root) later uses, or plant a file
    /// where one is expected. The sticky bit restricts deletion and renaming
    /// to the entry's owner. In a container this matters as soon as two
    /// users share the filesystem (an entrypoint that starts as root and
    /// drops to a user, a `docker exec` as another user, a shared volume).
    ///
    /// ## Example
    /// `RUN mkdir /app/cache && chmod 777 /app/cache`.
    ///
    /// Use instead: give the directory to the user that writes it,
    /// `RUN install -d -o app -g app -m 0750 /app/cache`, or set the sticky
    /// bit for a real shared scratch directory, `chmod 1777`.
    ///
    /// ## Compared with other benchmarks
    /// The CIS Linux benchmarks check the same condition on hosts ("Ensure
    /// sticky bit is set on all world-writable directories",
    /// `find / -xdev -type d \( -perm -0002 -a ! -perm -1000 \)`); Dockle and
    /// Trivy do not check it in images.
    ///
    /// ## References
    /// - [chmod(1): the restricted deletion flag or sticky bit](https://man7.org/linux/man-pages/man1/chmod.1.html)
    /// - [inode(7): S_ISVTX on directories](https://man7.org/linux/man-pages/man7/inode.7.html)
    /// - [CIS Benchmarks (Linux): sticky bit on world-writable directories](https://www.cisecurity.org/cis-benchmarks)
    /// - [CWE-732: incorrect permission assignment for critical resource](https://cwe.mitre.org/data/definitions/732.html)
    pub struct WorldWritableDirInImage {
        severity: Medium,
        status: Stable,
        summary: "the image has world-writable directories without the sticky bit",
        aliases: [],
        references: [
            "https://man7.org/linux/man-pages/man1/chmod.1.html",
            "https://man7.org/linux/man-pages/man7/inode.7.html",
            "https://www.cisecurity.org/cis-benchmarks",
            "https://cwe.mitre.org/data/definitions/732.html",
        ],
    }
}

/// How many directories a finding lists by name.
const LISTED: usize = 20;

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    for image in &ctx.facts().images {
        let Some(dirs) = &image.world_writable_dirs else {
            continue;
        };
        let mut dirs: Vec<_> = dirs
            .iter()
            .filter(|d| WorldWritableDir::qualifies(d.mode))
            .collect();
        if dirs.is_empty() {
            continue;
        }
        dirs.sort_by(|a, b| a.path.cmp(&b.path));
        dirs.dedup_by(|a, b| a.path == b.path);
        let mut listed: Vec<String> = dirs
            .iter()
            .take(LISTED)
            .map(|d| format!("{} ({})", d.path, octal(d.mode)))
            .collect();
        if dirs.len() > LISTED {
            listed.push(format!("and {} more", dirs.len() - LISTED));
        }
        out.push(AuditFinding::new(
            WorldWritableDirInImage::META.rule,
            ObjectKind::Image,
            image_name(&image.inspect),
            format!(
                "{} world-writable director{} without the sticky bit: {}",
                dirs.len(),
                if dirs.len() == 1 { "y" } else { "ies" },
                listed.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::WorldWritableDir;

    fn is_unsafe_world_writable(mode: u32) -> bool {
        WorldWritableDir::qualifies(mode)
    }

    #[test]
    fn modes() {
        for mode in [0o777, 0o757, 0o773, 0o2777, 0o4777, 0o002] {
            assert!(is_unsafe_world_writable(mode), "{mode:o}");
        }
        for mode in [0o1777, 0o755, 0o775, 0o3777, 0o1002] {
            assert!(!is_unsafe_world_writable(mode), "{mode:o}");
        }
    }
}
