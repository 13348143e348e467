use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a stage whose `RUN` instructions use both `wget` and `curl`.
    /// From the `RUN` where the second tool appears on, each `RUN` that uses
    /// either of them is reported once, at its first use.
    ///
    /// ## Why is this bad?
    /// Both tools download files; installing both adds packages (and their
    /// vulnerabilities) to the image for no gain, and two tools mean two sets
    /// of flags, proxies and TLS settings to get right. Pick one.
    ///
    /// Commands inside `sh -c '...'` strings count too.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN wget -nv -O /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz \
    ///  && curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// ## Compared with hadolint
    /// Same reporting as DL4001, except that dockward also sees commands in
    /// `sh -c` / `su -c` strings, as Trivy's DS014 does (hadolint misses the
    /// `curl` in nginx's `su ... -c "..."` on the reference corpus: hadolint
    /// reports nothing there, dockward the 2 alpine-slim Dockerfiles).
    ///
    /// ## References
    /// - [Docker best practices: don't install unnecessary packages](https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages)
    pub struct WgetAndCurl {
        severity: Medium,
        status: Stable,
        summary: "a stage uses both `wget` and `curl`",
        aliases: ["DL4001", "DS014", "DS-0014", "AVD-DS-0014", "docker-standardise-remote-get"],
        references: [
            "https://docs.docker.com/build/building/best-practices/#dont-install-unnecessary-packages",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let mut stage = None;
    let mut seen_curl = false;
    let mut seen_wget = false;
    for run in ctx.runs().iter().filter(|r| r.posix) {
        let this_stage = ctx.instructions().get(run.index).and_then(|i| i.stage);
        if this_stage != stage {
            stage = this_stage;
            seen_curl = false;
            seen_wget = false;
        }
        let first = run
            .script
            .commands
            .iter()
            .find(|c| c.is("curl") || c.is("wget"));
        let Some(first) = first else {
            continue;
        };
        seen_curl |= run.script.commands.iter().any(|c| c.is("curl"));
        seen_wget |= run.script.commands.iter().any(|c| c.is("wget"));
        if seen_curl && seen_wget {
            let (tool, other) = if first.is("curl") {
                ("curl", "wget")
            } else {
                ("wget", "curl")
            };
            let span = first.name.as_ref().map_or(first.span, |n| n.span);
            out.push(Violation::new(
                WgetAndCurl::META.rule,
                span,
                format!("this stage uses both `{tool}` and `{other}`; use one download tool"),
            ));
        }
    }
}
