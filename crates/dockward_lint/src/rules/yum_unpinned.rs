use dockward_rules::declare_rule;

use super::commands::{Pin, RPM_MANAGERS, commands, invocation, rpm_install_targets, rpm_pin};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `yum install` without a version
    /// (`httpd` instead of `httpd-2.4.57`).
    ///
    /// ## Why is this bad?
    /// Without a version yum installs the newest package in the enabled
    /// repositories on the day of the build: builds are not reproducible and
    /// an update can break the image without any change to the Dockerfile.
    ///
    /// Accepted as pinned: `name-version` and `name-version-release` (the part
    /// after the last `-` starts with a digit, an epoch `1:` is allowed, or is
    /// a variable), a comparison (`'name >= 1.2'`), an `.rpm` file or URL.
    /// Groups (`@group`) and provides (`/usr/bin/x`, `pkgconfig(x)`) cannot be
    /// pinned this way and are not reported; neither is a variable standing
    /// for a list of packages.
    ///
    /// A name whose last part is a number (`gcc-toolset-12`) reads as
    /// `name-version` and is taken as pinned: the syntax cannot tell them apart.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.57 && yum clean all
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3033) reports once per RUN; dockward reports each package.
    /// hadolint takes any name with a digit-led part after a `-` as pinned
    /// (`java-17-openjdk` passes); dockward looks at the last part only.
    ///
    /// ## References
    /// - [yum(8): specifying package names](https://man7.org/linux/man-pages/man8/yum.8.html)
    pub struct YumUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`yum install` of a package without a version",
        aliases: ["DL3033"],
        references: ["https://man7.org/linux/man-pages/man8/yum.8.html"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["yum"], &RPM_MANAGERS) else {
                continue;
            };
            let (packages, _) = rpm_install_targets(&inv);
            for package in packages {
                if rpm_pin(package) != Pin::Unpinned {
                    continue;
                }
                out.push(Violation::new(
                    YumUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use `{}-<version>`",
                        package.text, package.text
                    ),
                ));
            }
        }
    }
}
