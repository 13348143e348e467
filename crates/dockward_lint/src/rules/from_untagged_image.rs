use std::cell::Cell;
use std::collections::HashMap;

use dockward_dockerfile::{From, Instruction, InstructionKind, StageBase};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image reference has neither a tag nor a digest,
    /// such as `FROM debian`.
    ///
    /// ## Why is this bad?
    /// An image without a tag means `:latest`, a moving target: the same
    /// Dockerfile builds on a different base from one day to the next, a scan
    /// of yesterday's build says nothing about today's, and an upstream major
    /// release can break the build without any change on your side.
    ///
    /// A variable reference (`FROM $BASE`) is checked through the default of
    /// the global `ARG` that defines it: `ARG BASE=debian` then `FROM $BASE`
    /// is flagged, `ARG BASE=debian:12` is not, and a variable without a
    /// default (its value only comes from `--build-arg`) is not judged.
    /// Earlier stages (`FROM builder`, matched case-insensitively as BuildKit
    /// does) and `scratch` are not image references.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ARG NODE_IMAGE=node
    /// FROM ${NODE_IMAGE} AS web
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.8-slim
    /// ARG NODE_IMAGE=node:22.12-bookworm-slim
    /// FROM ${NODE_IMAGE} AS web
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3006) never looks into variables, so `ARG BASE=debian` +
    /// `FROM $BASE` passes there; dockward resolves the `ARG` default. hadolint
    /// compares stage names case-sensitively and flags `FROM Builder` after
    /// `FROM x AS builder`; BuildKit lowercases stage names, so dockward does
    /// not. hadolint passes `registry:5000/team/app`, taking the registry
    /// port for a tag; dockward sees a port and no tag. On the reference
    /// corpus both report the same 27 findings; dockward's one extra is in
    /// a file hadolint cannot parse (a `RUN --mount` without a target).
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Dockerfile reference: how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - [Docker best practices: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub struct FromUntaggedImage {
        severity: Medium,
        status: Stable,
        summary: "FROM names an image without a tag or digest",
        aliases: ["DL3006", "DS001", "DS-0001", "AVD-DS-0001", "docker-use-specific-tags"],
        references: [
            "https://docs.docker.com/reference/dockerfile/#from",
            "https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact",
            "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for BaseImage {
        from,
        written,
        image,
    } in base_images(ctx)
    {
        let parsed = ImageRef::parse(&image);
        if parsed.tag.is_some() || parsed.digest.is_some() || parsed.path.is_empty() {
            continue;
        }
        let message = if written == image {
            format!(
                "`{image}` has no tag, so it means `{image}:latest`; pin a version tag or a digest"
            )
        } else {
            format!(
                "`{written}` resolves to `{image}` through its ARG default, which has no tag and means `{image}:latest`; pin a version tag or a digest"
            )
        };
        out.push(Violation::new(
            FromUntaggedImage::META.rule,
            from.image.span,
            message,
        ));
    }
}

/// The image a FROM builds on.
pub(super) struct BaseImage<'a> {
    /// The FROM.
    pub(super) from: &'a From,
    /// The reference as written.
    pub(super) written: &'a str,
    /// The reference with the global ARG defaults substituted.
    pub(super) image: String,
}

/// The image of every FROM that builds on an image: not `scratch`, not an
/// earlier stage (also after ARG expansion), and resolvable from the global
/// ARG defaults.
pub(super) fn base_images<'a>(ctx: &Context<'a>) -> Vec<BaseImage<'a>> {
    let globals = global_args(ctx);
    let mut images = Vec::new();
    for instruction in ctx.instructions() {
        let InstructionKind::From(from) = &instruction.kind else {
            continue;
        };
        if !builds_on_image(ctx, instruction) {
            continue;
        }
        let written = from.image.as_str();
        let Some(image) = resolve_global(&globals, written) else {
            continue;
        };
        let current = instruction.stage.unwrap_or(usize::MAX);
        if image.eq_ignore_ascii_case("scratch") || stage_named(ctx, &image, current).is_some() {
            continue;
        }
        images.push(BaseImage {
            from,
            written,
            image,
        });
    }
    images
}

/// True when the FROM `instruction` starts a stage built on an image (not on
/// `scratch` or an earlier stage).
fn builds_on_image(ctx: &Context, instruction: &Instruction) -> bool {
    instruction
        .stage
        .and_then(|s| ctx.dockerfile.stages.get(s))
        .is_none_or(|stage| matches!(stage.base, StageBase::Image(_)))
}

/// The index of the stage called `name` (case-insensitive) among the stages
/// before `before`.
pub(super) fn stage_named(ctx: &Context, name: &str, before: usize) -> Option<usize> {
    ctx.dockerfile.stages.iter().take(before).position(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

/// The global ARGs (declared before the first FROM) with their defaults,
/// each default expanded with the ARGs declared before it. `None` for an ARG
/// without a default or whose default uses an unknown variable.
pub(super) fn global_args(ctx: &Context) -> HashMap<String, Option<String>> {
    let mut args: HashMap<String, Option<String>> = HashMap::new();
    for instruction in ctx.instructions() {
        if instruction.stage.is_some() {
            break;
        }
        let InstructionKind::Arg(decls) = &instruction.kind else {
            continue;
        };
        for decl in decls {
            let value = decl
                .default
                .as_ref()
                .and_then(|d| expand_known(d.as_str(), &args));
            args.insert(decl.name.value.clone(), value);
        }
    }
    args
}

/// `word` with its variables expanded from `known`; `None` when a variable is
/// unknown or has no value, or when expansion leaves a `$` behind.
fn expand_known(word: &str, known: &HashMap<String, Option<String>>) -> Option<String> {
    expand_with(word, &|name| known.get(name).cloned().flatten())
}

/// `word` with its variables expanded by `lookup`; `None` when `lookup`
/// knows no value for one of them, or when expansion leaves a `$` behind.
fn expand_with(word: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if !word.contains('$') {
        return Some(word.to_owned());
    }
    let unknown = Cell::new(false);
    let tracked = |name: &str| {
        let value = lookup(name);
        if value.is_none() {
            unknown.set(true);
        }
        value
    };
    let expanded = dockward_dockerfile::expand::expand(word, &tracked);
    (!unknown.get() && !expanded.contains('$')).then_some(expanded)
}

/// A FROM image reference with its variables replaced by the defaults of the
/// global ARGs (`globals`, from [`global_args`]); `None` when that is not
/// possible.
fn resolve_global(globals: &HashMap<String, Option<String>>, word: &str) -> Option<String> {
    expand_known(word, globals)
}

/// The variables known at each top-level instruction, maintained while
/// walking the instructions in file order (one pass, so checking every
/// instruction stays linear): the global ARGs before the first FROM; in a
/// stage, its ARGs (a bare `ARG NAME` takes the global default) and its
/// ENVs, plus the ENVs of the stage it is built on. ENV wins over ARG.
pub(super) struct ScopeWalker {
    globals: HashMap<String, Option<String>>,
    /// ENV at the end of each stage seen so far.
    stage_env: Vec<HashMap<String, Option<String>>>,
    env: HashMap<String, Option<String>>,
    args: HashMap<String, Option<String>>,
    stage: Option<usize>,
}

impl ScopeWalker {
    /// A walker positioned before the first instruction.
    pub(super) fn new(ctx: &Context) -> Self {
        ScopeWalker {
            globals: global_args(ctx),
            stage_env: Vec::new(),
            env: HashMap::new(),
            args: HashMap::new(),
            stage: None,
        }
    }

    /// `word` with its variables replaced by their values at the current
    /// instruction; `None` when one has no value known from the Dockerfile.
    pub(super) fn resolve(&self, word: &str) -> Option<String> {
        match self.stage {
            None => expand_known(word, &self.globals),
            Some(_) => expand_with(word, &|name| self.value(name)),
        }
    }

    fn value(&self, name: &str) -> Option<String> {
        match self.env.get(name) {
            Some(value) => value.clone(),
            None => self.args.get(name).cloned().flatten(),
        }
    }

    /// Moves past `instruction` (call after looking at it).
    pub(super) fn step(&mut self, ctx: &Context, instruction: &Instruction) {
        match &instruction.kind {
            InstructionKind::From(_) => {
                if let Some(previous) = self.stage {
                    while self.stage_env.len() <= previous {
                        self.stage_env.push(HashMap::new());
                    }
                    self.stage_env[previous] = std::mem::take(&mut self.env);
                }
                self.stage = instruction.stage;
                self.args.clear();
                self.env = match instruction
                    .stage
                    .and_then(|s| ctx.dockerfile.stages.get(s))
                    .map(|s| &s.base)
                {
                    Some(StageBase::Stage(parent)) => {
                        self.stage_env.get(*parent).cloned().unwrap_or_default()
                    }
                    _ => HashMap::new(),
                };
            }
            InstructionKind::Arg(decls) if self.stage.is_some() => {
                for decl in decls {
                    let value = match &decl.default {
                        Some(default) => self.resolve(default.as_str()),
                        None => self.globals.get(decl.name.as_str()).cloned().flatten(),
                    };
                    self.args.insert(decl.name.value.clone(), value);
                }
            }
            InstructionKind::Env(pairs) if self.stage.is_some() => {
                let values: Vec<(String, Option<String>)> = pairs
                    .iter()
                    .map(|p| (p.key.value.clone(), self.resolve(p.value.as_str())))
                    .collect();
                self.env.extend(values);
            }
            _ => {}
        }
    }
}

/// An image reference split as the Docker reference grammar splits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ImageRef<'a> {
    /// The registry host (with port), when the first component is one.
    pub registry: Option<&'a str>,
    /// The repository path (`library/debian`, `team/app`, `debian`).
    pub path: &'a str,
    /// The tag after `:`.
    pub tag: Option<&'a str>,
    /// The digest after `@`.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    /// Splits `image`. A first component is a registry when it contains a
    /// `.` or a `:`, or is `localhost`, and is followed by a `/`.
    pub fn parse(image: &'a str) -> Self {
        let (name, digest) = match image.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (image, None),
        };
        let last_slash = name.rfind('/');
        let name_start = last_slash.map_or(0, |i| i + 1);
        let (name, tag) = match name[name_start..].rfind(':') {
            Some(colon) => (
                &name[..name_start + colon],
                Some(&name[name_start + colon + 1..]),
            ),
            None => (name, None),
        };
        let (registry, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first), rest)
            }
            _ => (None, name),
        };
        ImageRef {
            registry,
            path,
            tag,
            digest,
        }
    }

    /// The registry the image is pulled from: `docker.io` when none is written.
    pub fn registry_or_default(&self) -> &'a str {
        match self.registry {
            Some("index.docker.io" | "registry-1.docker.io") | None => "docker.io",
            Some(registry) => registry,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ImageRef, ScopeWalker};
    use crate::{Context, LintSettings};

    /// `word` resolved at the last instruction of `text`.
    fn resolve_at_end(text: &str, word: &str) -> Option<String> {
        let dockerfile = dockward_dockerfile::parse(text);
        let settings = LintSettings::default();
        let ctx = Context::new(&dockerfile, text, &settings);
        let mut scope = ScopeWalker::new(&ctx);
        let (_, before) = ctx.instructions().split_last()?;
        for instruction in before {
            scope.step(&ctx, instruction);
        }
        scope.resolve(word)
    }

    #[test]
    fn scopes_follow_stages() {
        let text = "ARG V=1\nFROM a:1 AS base\nARG V\nENV E=$V-e\nFROM base\nARG L=local\nRUN x\n";
        assert_eq!(resolve_at_end(text, "$E/$L").as_deref(), Some("1-e/local"));
        // ARGs do not cross stages; ENVs do.
        let text = "FROM a:1 AS base\nARG A=x\nFROM base\nRUN x\n";
        assert_eq!(resolve_at_end(text, "$A"), None);
        // ENV wins over ARG; a bare global ARG is unknown until redeclared.
        let text = "ARG G=g\nFROM a:1\nARG X=arg\nENV X=env\nRUN x\n";
        assert_eq!(resolve_at_end(text, "$X").as_deref(), Some("env"));
        assert_eq!(resolve_at_end(text, "$G"), None);
    }

    #[test]
    fn splits_registry_path_tag_and_digest() {
        let r = ImageRef::parse("registry.example.com:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry, Some("registry.example.com:5000"));
        assert_eq!(r.path, "team/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
    }

    #[test]
    fn a_port_is_not_a_tag() {
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(r.registry, Some("localhost:5000"));
        assert_eq!(r.path, "app");
        assert_eq!(r.tag, None);
    }

    #[test]
    fn docker_hub_names_have_no_registry() {
        let r = ImageRef::parse("library/debian:12");
        assert_eq!(r.registry, None);
        assert_eq!(r.registry_or_default(), "docker.io");
        assert_eq!(r.path, "library/debian");
        assert_eq!(ImageRef::parse("debian").tag, None);
        assert_eq!(
            ImageRef::parse("index.docker.io/library/debian").registry_or_default(),
            "docker.io"
        );
    }
}
