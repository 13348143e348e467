use dockward_rules::declare_rule;

use super::commands::{APK, Pin, apk_pin, commands, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `apk add` without a version constraint.
    ///
    /// ## Why is this bad?
    /// `apk add curl` installs the newest `curl` in the configured
    /// repositories on the day of the build, so two builds of one Dockerfile
    /// can differ, and an upgrade can break the image without any change to
    /// it.
    ///
    /// Accepted as pinned: `pkg=1.2.3-r0`, `pkg~1.2` (fuzzy, same minor),
    /// `pkg>1.2` / `pkg<2` / `pkg>=1.2`, a local `.apk` file, and any of these
    /// with a variable. The name given to `--virtual` / `-t` (`.build-deps`) is
    /// the name of a virtual package apk creates, not a package to pin, and is
    /// skipped with the other options that take a value (`-X`/`--repository`,
    /// `-p`/`--root`, ...). A variable standing for a list of packages
    /// (`apk add $PACKAGES`) is not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3018) reports once per RUN, and also reports a package list in
    /// a variable; dockward reports each unpinned package and leaves variables
    /// alone.
    ///
    /// On the 519-file corpus: 263 findings in common, 1 reported by hadolint
    /// alone (`apk add --no-cache $PACKAGES`, a variable), 9 by dockward alone,
    /// all in files hadolint cannot parse (DL1000).
    ///
    /// ## References
    /// - [apk add: world constraints](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Advanced_APK_Usage)
    /// - [apk-world(5)](https://man.archlinux.org/man/apk-world.5.en)
    pub struct ApkUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`apk add` of a package without a version",
        aliases: ["DL3018"],
        references: [
            "https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Advanced_APK_Usage",
            "https://man.archlinux.org/man/apk-world.5.en",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["apk"], &APK) else {
                continue;
            };
            if inv.subcommand() != Some("add") {
                continue;
            }
            for package in inv.targets() {
                if apk_pin(package) != Pin::Unpinned {
                    continue;
                }
                out.push(Violation::new(
                    ApkUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use `{}=<version>` or `{}~<version>`",
                        package.text, package.text, package.text
                    ),
                ));
            }
        }
    }
}
