use dockward_rules::declare_rule;

use super::commands::{Pin, RPM_MANAGERS, commands, invocation, rpm_install_targets, rpm_pin};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `dnf install` / `microdnf install` without a
    /// version, and modules given to `dnf module install` without a stream.
    ///
    /// ## Why is this bad?
    /// Without a version dnf installs the newest package in the enabled
    /// repositories on the day of the build: builds are not reproducible and
    /// an update can break the image without any change to the Dockerfile. A
    /// module without `:stream` follows the default stream, which changes
    /// between distribution releases.
    ///
    /// Accepted as pinned: `name-version` and `name-version-release` (the part
    /// after the last `-` starts with a digit, an epoch `1:` is allowed, or is
    /// a variable), a comparison (`'name >= 1.2'`), an `.rpm` file or URL;
    /// for modules, `name:stream`. Groups (`@group`) and provides
    /// (`/usr/bin/x`, `pkgconfig(x)`) cannot be pinned this way and are not
    /// reported; neither is a variable standing for a list of packages.
    ///
    /// A name whose last part is a number (`gcc-toolset-12`) reads as
    /// `name-version` and is taken as pinned: the syntax cannot tell them apart.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN microdnf install -y tar gzip && microdnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN microdnf install -y tar-1.34 gzip-1.12 && microdnf clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3041) reports once per RUN; dockward reports each package.
    /// hadolint takes any name with a digit-led part after a `-` as pinned
    /// (`java-17-openjdk` passes); dockward looks at the last part only.
    ///
    /// ## References
    /// - [dnf: specifying packages](https://dnf.readthedocs.io/en/latest/command_ref.html#specifying-packages-label)
    /// - [dnf: module command](https://dnf.readthedocs.io/en/latest/command_ref.html#module-command)
    pub struct DnfUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`dnf install` / `microdnf install` of a package without a version",
        aliases: ["DL3041"],
        references: [
            "https://dnf.readthedocs.io/en/latest/command_ref.html#specifying-packages-label",
            "https://dnf.readthedocs.io/en/latest/command_ref.html#module-command",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["dnf", "dnf5", "microdnf"], &RPM_MANAGERS) else {
                continue;
            };
            let (packages, module) = rpm_install_targets(&inv);
            for package in packages {
                let message = if module {
                    if package.text.contains(':') || !package.literal {
                        continue;
                    }
                    format!(
                        "module `{}` is installed without a stream, so it follows whatever default the distribution sets; use `{}:<stream>`",
                        package.text, package.text
                    )
                } else {
                    if rpm_pin(package) != Pin::Unpinned {
                        continue;
                    }
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use `{}-<version>`",
                        package.text, package.text
                    )
                };
                out.push(Violation::new(
                    DnfUnpinned::META.rule,
                    package.span,
                    message,
                ));
            }
        }
    }
}
