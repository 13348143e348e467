use std::collections::HashMap;

use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM ... AS <name>` whose name was already given to an
    /// earlier stage. Names are compared case-insensitively, as BuildKit
    /// does.
    ///
    /// ## Why is this bad?
    /// A stage name must identify one stage: BuildKit refuses to build a
    /// Dockerfile with two stages of the same name, and `COPY --from`,
    /// `FROM <stage>` and `--target` could not say which one they mean.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM node:22.12-bookworm-slim AS Build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build-api
    /// FROM node:22.12-bookworm-slim AS build-web
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3024) compares names case-sensitively and misses `build`
    /// and `Build`; BuildKit lowercases stage names, so dockward flags them.
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Build checks: DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)
    pub struct DuplicateStageName {
        severity: High,
        status: Stable,
        summary: "two stages have the same name",
        aliases: [
            "DL3024",
            "DS012",
            "DS-0012",
            "AVD-DS-0012",
            "docker-no-duplicate-alias",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#from",
            "https://docs.docker.com/reference/build-checks/duplicate-stage-name/",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    // Lowercased name -> line of its first use.
    let mut seen: HashMap<String, u32> = HashMap::new();
    for instruction in ctx.instructions() {
        let InstructionKind::From(from) = &instruction.kind else {
            continue;
        };
        let Some(alias) = &from.alias else {
            continue;
        };
        let name = alias.as_str().to_ascii_lowercase();
        if let Some(line) = seen.get(&name) {
            out.push(Violation::new(
                DuplicateStageName::META.rule,
                alias.span,
                format!(
                    "the stage name `{}` is already used on line {line}; stage names must be unique",
                    alias.as_str()
                ),
            ));
        } else {
            seen.insert(name, instruction.start_line);
        }
    }
}
