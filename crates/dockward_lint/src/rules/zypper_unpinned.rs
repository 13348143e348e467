use dockward_rules::declare_rule;

use super::commands::{Pin, ZYPPER, commands, invocation, zypper_pin};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `zypper install` (or `zypper in`) without a
    /// version.
    ///
    /// ## Why is this bad?
    /// Without a version zypper installs the newest package in the enabled
    /// repositories on the day of the build: builds are not reproducible and
    /// an update can break the image without any change to the Dockerfile.
    ///
    /// Accepted as pinned: `name=version`, `name>=version`, `name<version` (and
    /// the other comparisons), an `.rpm` file or URL, any of these with a
    /// variable. Patterns, patches and products (`-t pattern`,
    /// `pattern:devel_basis`), capabilities (`/usr/bin/x`, `perl(Foo)`) and
    /// variables standing for a list of packages are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper -n install curl && zypper clean
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN zypper -n install 'curl=8.6.0' && zypper clean
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3037) reports once per RUN; dockward reports each package.
    ///
    /// ## References
    /// - [zypper(8): install, package selection with versions](https://en.opensuse.org/SDB:Zypper_manual)
    /// - [SUSE: zypper usage](https://documentation.suse.com/sles/15-SP6/html/SLES-all/cha-sw-cl.html)
    pub struct ZypperUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`zypper install` of a package without a version",
        aliases: ["DL3037"],
        references: [
            "https://en.opensuse.org/SDB:Zypper_manual",
            "https://documentation.suse.com/sles/15-SP6/html/SLES-all/cha-sw-cl.html",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["zypper"], &ZYPPER) else {
                continue;
            };
            if !matches!(inv.subcommand(), Some("install" | "in")) {
                continue;
            }
            if inv.values(&["t", "type"]).any(|t| t != "package") {
                continue;
            }
            for package in inv.targets() {
                let t = package.text.as_str();
                if t.starts_with('/') || t.contains('(') || t.contains(':') {
                    continue;
                }
                if zypper_pin(package) != Pin::Unpinned {
                    continue;
                }
                out.push(Violation::new(
                    ZypperUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{t}` is installed without a version, so each build may get a different one; use `{t}=<version>`"
                    ),
                ));
            }
        }
    }
}
