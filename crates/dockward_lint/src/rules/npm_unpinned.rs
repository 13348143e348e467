use dockward_rules::declare_rule;

use super::commands::{NPM, Pin, commands, invocation, npm_pin};
use crate::{Context, Violation};

/// `npm install` and its aliases.
const INSTALL: [&str; 12] = [
    "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
    "isntall",
];

declare_rule! {
    /// ## What it does
    /// Flags packages given to `npm install` (or `npm i`, `npm add`) without a
    /// version.
    ///
    /// ## Why is this bad?
    /// `npm install -g typescript` installs whatever version is tagged
    /// `latest` on the registry when the image is built: builds differ from
    /// day to day and a malicious or broken release is picked up at once.
    ///
    /// Accepted as pinned: `name@version` and `@scope/name@version` (also with a
    /// variable), a git URL with a `#commit` or `#semver:` suffix, a tarball
    /// (`.tgz`, `.tar.gz`, `.tar`) and a local folder (`./pkg`, `/opt/pkg`,
    /// `file:`). `npm install` and `npm ci` without package arguments install
    /// what `package.json` and the lockfile say and are not reported; neither is
    /// a variable standing for a list of packages. `name@latest` is *not* a pin:
    /// `latest` moves with every release.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN npm install -g typescript@5.4.5
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3016) accepts any `@tag`, `@latest` included; dockward reports
    /// `@latest`. hadolint only looks at `npm install`; dockward also at its
    /// aliases (`npm i`, `npm add`, ...). hadolint reports once per RUN; dockward
    /// reports each package.
    ///
    /// ## References
    /// - [npm install: package specifiers](https://docs.npmjs.com/cli/commands/npm-install)
    /// - [npm ci](https://docs.npmjs.com/cli/commands/npm-ci)
    pub struct NpmUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`npm install` of a package without a version",
        aliases: ["DL3016"],
        references: [
            "https://docs.npmjs.com/cli/commands/npm-install",
            "https://docs.npmjs.com/cli/commands/npm-ci",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["npm"], &NPM) else {
                continue;
            };
            if !inv.subcommand().is_some_and(|s| INSTALL.contains(&s)) {
                continue;
            }
            for package in inv.targets() {
                if npm_pin(package) != Pin::Unpinned {
                    continue;
                }
                let fix = if package.text.starts_with("git") || package.text.contains("github:") {
                    format!("{}#<commit>", package.text)
                } else {
                    let name = package
                        .text
                        .strip_suffix("@latest")
                        .unwrap_or(&package.text);
                    format!("{name}@<version>")
                };
                out.push(Violation::new(
                    NpmUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a fixed version, so each build may get a different one; use `{fix}`",
                        package.text
                    ),
                ));
            }
        }
    }
}
