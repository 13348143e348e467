use dockward_rules::declare_rule;

use super::commands::{Pin, commands, pip_install, pip_pin};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags packages given to `pip install` (also `pip3`, `python -m pip`)
    /// without a version specifier.
    ///
    /// ## Why is this bad?
    /// `pip install requests` installs the newest release on the day of the
    /// build, together with the newest releases of its dependencies. Builds
    /// stop being reproducible, and a compromised or broken release on PyPI
    /// goes straight into the image.
    ///
    /// Accepted as pinned: any version specifier (`==`, `>=`, `<=`, `<`, `>`,
    /// `!=`, `~=`, `===`, also with a variable: `"pip==$PYTHON_PIP_VERSION"`),
    /// extras with a specifier (`requests[socks]==2.31.0`), a direct reference
    /// (`name @ https://...`), a VCS URL with a revision
    /// (`git+https://host/repo.git@v1.2`), local paths, wheels and sdists
    /// (`.`, `./pkg`, `*.whl`, `*.tar.gz`). Options that take a value
    /// (`-r file`, `-e path`, `--index-url URL`, `--target DIR`, ...) are
    /// skipped with their value, so packages read from a requirements file
    /// are not judged here. A command with `-c`/`--constraint` is not reported:
    /// the constraints file pins the versions. A variable standing for a list
    /// of packages (`pip install $PKGS`) is not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
    /// ```
    /// or `pip install --no-cache-dir -r requirements.txt` with pinned requirements.
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3013) skips the whole command as soon as `-r` or `.` is among
    /// its arguments and reports once per RUN; dockward still checks the other
    /// packages on the command line and reports each one.
    ///
    /// ## References
    /// - [pip install: requirement specifiers](https://pip.pypa.io/en/stable/reference/requirement-specifiers/)
    /// - [pip: VCS support](https://pip.pypa.io/en/stable/topics/vcs-support/)
    /// - [pip: repeatable installs](https://pip.pypa.io/en/stable/topics/repeatable-installs/)
    pub struct PipUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`pip install` of a package without a version",
        aliases: ["DL3013"],
        references: [
            "https://pip.pypa.io/en/stable/reference/requirement-specifiers/",
            "https://pip.pypa.io/en/stable/topics/vcs-support/",
            "https://pip.pypa.io/en/stable/topics/repeatable-installs/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = pip_install(cmd) else {
                continue;
            };
            if inv.has(&["c", "constraint"]) {
                continue;
            }
            for package in inv.targets() {
                if pip_pin(package) != Pin::Unpinned {
                    continue;
                }
                let fix = if package.text.contains("://") {
                    format!("`{}@<revision>`", package.text)
                } else {
                    format!(
                        "`{}==<version>` or a pinned requirements file",
                        package.text
                    )
                };
                out.push(Violation::new(
                    PipUnpinned::META.rule,
                    package.span,
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use {fix}",
                        package.text
                    ),
                ));
            }
        }
    }
}
