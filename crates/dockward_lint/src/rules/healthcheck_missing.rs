use dockward_dockerfile::{InstructionKind, StageBase};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final image declares no `HEALTHCHECK`. A
    /// `HEALTHCHECK` in a stage the final stage is built `FROM` counts (it is
    /// inherited), and so does `HEALTHCHECK NONE`, an explicit decision.
    ///
    /// Off by default: base images and one-shot tools (compilers, CLIs) have
    /// nothing to check. Turn it on for service images.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker only knows whether the main process is
    /// running, not whether it answers: a deadlocked server stays "Up"
    /// forever, orchestrators route traffic to it, and `restart` policies never
    /// kick in. A `HEALTHCHECK` lets Docker (and Swarm, and compose's
    /// `depends_on: condition: service_healthy`) see the real state.
    ///
    /// A health check inherited from the base image cannot be seen when
    /// linting: when the base image provides one, suppress the finding.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site /usr/share/nginx/html
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3057 reports every stage without a health check, builder
    /// stages included; only the final stage becomes the image, so dockward
    /// reports only it. On the reference corpus dockward reports all 510 of
    /// hadolint's final-stage findings and none of its 105 intermediate-stage
    /// ones; its 9 extra findings are in files hadolint cannot parse.
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - [CIS Docker Benchmark 4.6: add HEALTHCHECK to the container image](https://www.cisecurity.org/benchmark/docker)
    /// - [Dockle CIS-DI-0006](https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md)
    pub struct HealthcheckMissing {
        severity: Low,
        status: Stable,
        default_enabled: false,
        summary: "the final image has no HEALTHCHECK",
        aliases: [
            "DL3057",
            "DS026",
            "DS-0026",
            "AVD-DS-0026",
            "docker-no-healthcheck",
            "CIS-DI-0006",
            "CIS-4.6",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#healthcheck",
            "https://www.cisecurity.org/benchmark/docker",
            "https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    let stages = &ctx.dockerfile.stages;
    let Some(last) = stages.last() else {
        return;
    };
    let mut current = Some(last.index);
    let mut steps = 0;
    while let Some(index) = current {
        let Some(stage) = stages.get(index) else {
            break;
        };
        let body = ctx.instructions().get(stage.from..stage.end).unwrap_or(&[]);
        if body
            .iter()
            .any(|i| matches!(i.kind, InstructionKind::Healthcheck(_)))
        {
            return;
        }
        steps += 1;
        current = match stage.base {
            StageBase::Stage(parent) if parent < index && steps <= stages.len() => Some(parent),
            _ => None,
        };
    }
    let Some(from) = ctx.instructions().get(last.from) else {
        return;
    };
    let span = match &from.kind {
        InstructionKind::From(f) => f.image.span,
        _ => from.keyword_span,
    };
    out.push(Violation::new(
        HealthcheckMissing::META.rule,
        span,
        "the final image has no HEALTHCHECK; Docker cannot tell whether the service works",
    ));
}
