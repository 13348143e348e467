use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `cd` used as a command in `RUN`.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`: the next instruction starts
    /// again in the stage's working directory. Long `cd a && ... && cd b && ...`
    /// chains are hard to follow and easy to break, and a later instruction
    /// that assumes the directory changed silently runs somewhere else.
    /// `WORKDIR` sets the directory for every following instruction, creates it
    /// if needed, and is visible in the image configuration.
    ///
    /// One finding per `RUN`, at its first `cd`. A `cd` inside an `sh -c '...'`
    /// string is not flagged: it runs in another shell, where `WORKDIR` is no
    /// alternative.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && make install
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN make install
    /// ```
    ///
    /// ## Compared with hadolint
    /// Like hadolint's DL3003, any `cd` command is flagged, wherever it is in
    /// the script (after `;`, in `if` bodies, in subshells). Trivy's DS013 only
    /// looks at `cd` at the start of a `&&`-separated part, so it misses the
    /// common `set -eux; cd /tmp; ...` form (26 Trivy hits against 282 for
    /// hadolint on the reference corpus). dockward reports all 282 of
    /// hadolint's findings there, plus 4 in moby's Dockerfile, which hadolint
    /// cannot parse.
    ///
    /// ## References
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    /// - [Docker best practices: WORKDIR](https://docs.docker.com/build/building/best-practices/#workdir)
    pub struct CdInRun {
        severity: Medium,
        status: Stable,
        summary: "RUN changes directory with `cd` instead of WORKDIR",
        aliases: ["DL3003", "DS013", "DS-0013", "AVD-DS-0013", "docker-use-workdir-over-cd"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#workdir",
            "https://docs.docker.com/build/building/best-practices/#workdir",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        let first = run.script.commands.iter().find(|c| !c.nested && c.is("cd"));
        if let Some(cd) = first {
            let target = cd.positional().next().map_or("", |w| w.text.as_str());
            let what = if target.is_empty() {
                "`cd`".to_owned()
            } else {
                format!("`cd {target}`")
            };
            out.push(Violation::new(
                CdInRun::META.rule,
                cd.span,
                format!(
                    "{what} only lasts until the end of this RUN; use WORKDIR to change directory"
                ),
            ));
        }
    }
}
