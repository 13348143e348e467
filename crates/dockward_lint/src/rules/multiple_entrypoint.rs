use dockward_dockerfile::Keyword;
use dockward_rules::declare_rule;

use super::multiple_cmd::repeated_in_stage;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `ENTRYPOINT` that follows another `ENTRYPOINT` in the same
    /// build stage.
    ///
    /// ## Why is this bad?
    /// A stage has one entrypoint: each `ENTRYPOINT` replaces the previous
    /// one, so only the last takes effect. The earlier one is dead code, and
    /// a reader may believe the container starts with it.
    ///
    /// Stages are counted apart (each `FROM` starts afresh), and `ONBUILD
    /// ENTRYPOINT` triggers are not counted: they act in another build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// ENTRYPOINT ["/docker-entrypoint.sh"]
    /// ENTRYPOINT ["java", "-jar", "/app.jar"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM eclipse-temurin:21-jre
    /// ENTRYPOINT ["/docker-entrypoint.sh", "java", "-jar", "/app.jar"]
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    pub struct MultipleEntrypoint {
        severity: High,
        status: Stable,
        summary: "more than one ENTRYPOINT in a stage",
        aliases: [
            "DL4004",
            "DS007",
            "DS-0007",
            "AVD-DS-0007",
            "docker-only-one-entrypoint",
        ],
        references: ["https://docs.docker.com/reference/dockerfile/#entrypoint"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for (repeat, previous) in repeated_in_stage(ctx, Keyword::Entrypoint) {
        out.push(Violation::new(
            MultipleEntrypoint::META.rule,
            repeat.keyword_span,
            format!(
                "this ENTRYPOINT replaces the one on line {} of the same stage; only the last ENTRYPOINT takes effect",
                previous.start_line
            ),
        ));
    }
}
