use dockward_dockerfile::{InstructionKind, StageBase};
use dockward_rules::declare_rule;

use super::relative_workdir::{is_absolute_path, unquote};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` to a relative destination (`.`, `app/`,
    /// `config.yml`) in a stage where no `WORKDIR` has been set yet.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory,
    /// which, without a `WORKDIR` of your own, is whatever the base image
    /// chose (often `/`). The files land somewhere nobody wrote down, and
    /// move when the base image changes.
    ///
    /// A stage built on an earlier stage (`FROM build`) inherits that
    /// stage's `WORKDIR`. Absolute destinations (`/srv/app/`, `C:\app\`,
    /// `c:/app`) and destinations starting with a variable are not flagged.
    /// `ONBUILD` triggers are not checked: they run in another build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// COPY requirements.txt .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.13-slim
    /// WORKDIR /srv/app
    /// COPY requirements.txt .
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3045) only checks `COPY`; `ADD` resolves its destination
    /// the same way, so dockward checks both.
    ///
    /// ## References
    /// - [Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)
    /// - [Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)
    pub struct CopyRelativeDestWithoutWorkdir {
        severity: Medium,
        status: Stable,
        summary: "COPY to a relative destination before any WORKDIR",
        aliases: ["DL3045"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#copy",
            "https://docs.docker.com/reference/dockerfile/#workdir",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    // Whether each stage has set a WORKDIR by its end (or by now, for the
    // current stage).
    let mut workdir_set: Vec<bool> = vec![false; ctx.dockerfile.stages.len()];
    for instruction in ctx.instructions() {
        let Some(stage) = instruction.stage else {
            continue;
        };
        match &instruction.kind {
            InstructionKind::From(_) => {
                let inherited = match ctx.dockerfile.stages.get(stage).map(|s| &s.base) {
                    Some(StageBase::Stage(parent)) if *parent < stage => {
                        workdir_set.get(*parent).copied().unwrap_or(false)
                    }
                    _ => false,
                };
                if let Some(slot) = workdir_set.get_mut(stage) {
                    *slot = inherited;
                }
            }
            InstructionKind::Workdir(_) => {
                if let Some(slot) = workdir_set.get_mut(stage) {
                    *slot = true;
                }
            }
            InstructionKind::Copy(copy) | InstructionKind::Add(copy) => {
                if workdir_set.get(stage).copied().unwrap_or(true) {
                    continue;
                }
                let Some(dest) = &copy.dest else {
                    continue;
                };
                let path = unquote(dest.as_str());
                if path.is_empty() || is_absolute_path(path) {
                    continue;
                }
                out.push(Violation::new(
                    CopyRelativeDestWithoutWorkdir::META.rule,
                    dest.span,
                    format!(
                        "{} to the relative destination `{path}` before any WORKDIR in this stage; its location depends on the base image, so set a WORKDIR or use an absolute path",
                        instruction.keyword.as_str()
                    ),
                ));
            }
            _ => {}
        }
    }
}
