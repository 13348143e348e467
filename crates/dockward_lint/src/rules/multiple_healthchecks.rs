use dockward_dockerfile::Keyword;
use dockward_rules::declare_rule;

use super::multiple_cmd::repeated_in_stage;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `HEALTHCHECK` that follows another `HEALTHCHECK` in the same
    /// build stage (`HEALTHCHECK NONE` included).
    ///
    /// ## Why is this bad?
    /// An image has one health check: each `HEALTHCHECK` replaces the
    /// previous one, so only the last takes effect. The earlier one is dead
    /// code and suggests a check runs that does not.
    ///
    /// Stages are counted apart (each `FROM` starts afresh), and `ONBUILD
    /// HEALTHCHECK` triggers are not counted: they act in another build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]
    /// HEALTHCHECK --interval=10s CMD ["curl", "-fsS", "http://localhost/health"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=10s CMD ["curl", "-fsS", "http://localhost/health"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    pub struct MultipleHealthchecks {
        severity: High,
        status: Stable,
        summary: "more than one HEALTHCHECK in a stage",
        aliases: [
            "DL3012",
            "DS023",
            "DS-0023",
            "AVD-DS-0023",
            "docker-only-one-healthcheck",
        ],
        references: ["https://docs.docker.com/reference/dockerfile/#healthcheck"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for (repeat, previous) in repeated_in_stage(ctx, Keyword::Healthcheck) {
        out.push(Violation::new(
            MultipleHealthchecks::META.rule,
            repeat.keyword_span,
            format!(
                "this HEALTHCHECK replaces the one on line {} of the same stage; only the last HEALTHCHECK takes effect",
                previous.start_line
            ),
        ));
    }
}
