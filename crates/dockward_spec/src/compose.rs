//! The compose builder: a [`ContainerSpec`] per service of a compose file.
//!
//! [`load`] reads a compose file as the [compose specification] describes it:
//!
//! - YAML anchors, aliases and merge keys (`<<: *x`, `<<: [*a, *b]`), under a
//!   budget so that a small file cannot expand to huge memory (billion laughs:
//!   an error), with the input size bounded by [`ComposeOptions::max_bytes`]
//!   and nesting bounded to 64 levels;
//! - variable interpolation in scalar values (never in keys): `$VAR`, `${VAR}`,
//!   `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
//!   `${VAR:+alt}`, `${VAR+alt}`, `$$` for a literal `$`, nested defaults;
//!   values come from [`ComposeOptions::env`], then the `.env` text;
//! - `extends` (same file, or another file through the loader callback), with
//!   compose's merge rules, guarded against cycles;
//! - `profiles`;
//! - the service fields that map to [`ContainerSpec`] fields (see `service.rs`
//!   for the list and what is left out).
//!
//! Spans in [`SpecOrigins`] and [`ComposeProblem`] are byte ranges into the
//! text given to [`load`]. A value that came from an alias or a merge key points
//! at where it was written (the anchored node); one that came from another file
//! through `extends` points at this file's `extends` key.
//!
//! Problems that only concern one field of one service (an invalid port, a
//! missing required variable) are [`ComposeProject::warnings`]: the field is
//! skipped or partly filled and every other service and field is kept.
//!
//! [compose specification]: https://github.com/compose-spec/compose-spec/blob/main/spec.md

mod extends;
mod interpolate;
mod service;
mod syntax;
mod yaml;

use std::collections::BTreeMap;
use std::path::PathBuf;

use dockward_diagnostics::Span;

use crate::{ContainerSpec, SpecOrigins};
use interpolate::Vars;
use yaml::{Node, Value};

/// The largest compose file [`load`] reads by default: 16 MiB.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// How to read a compose file.
#[derive(Debug, Clone)]
pub struct ComposeOptions {
    /// The process environment. Wins over `.env`. `COMPOSE_PROJECT_NAME` and
    /// `COMPOSE_PROFILES` are read from here too.
    pub env: BTreeMap<String, String>,
    /// The text of the `.env` file, if any.
    pub dotenv: Option<String>,
    /// The active profiles (`--profile`); when empty, `COMPOSE_PROFILES` in
    /// [`ComposeOptions::env`] (comma-separated) is used.
    pub profiles: Vec<String>,
    /// The project directory: relative bind sources are joined to it, and its
    /// last component is the project name unless the file has a `name:`.
    /// Usually the compose file's directory; give an absolute path for
    /// absolute bind sources.
    pub project_dir: PathBuf,
    /// Inputs larger than this are rejected ([`DEFAULT_MAX_BYTES`] by default).
    pub max_bytes: usize,
}

impl Default for ComposeOptions {
    fn default() -> Self {
        ComposeOptions {
            env: BTreeMap::new(),
            dotenv: None,
            profiles: Vec::new(),
            project_dir: PathBuf::from("."),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// A loaded compose file.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeProject {
    /// The project name (`name:`, `COMPOSE_PROJECT_NAME`, or the directory's name), normalized.
    pub name: String,
    /// The services, in file order (inactive ones included).
    pub services: Vec<ComposeService>,
    /// Problems that did not stop the load: invalid values (the field is
    /// skipped), unset variables, `extends` errors, fields not read.
    pub warnings: Vec<ComposeProblem>,
}

/// One service.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeService {
    /// The service's key.
    pub name: String,
    /// Its container configuration.
    pub spec: ContainerSpec,
    /// Where each field was written.
    pub origins: SpecOrigins,
    /// Its `profiles:`.
    pub profiles: Vec<String>,
    /// Whether it is enabled: no profiles, or one of them is active.
    pub active: bool,
}

/// A problem at a place in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeProblem {
    /// What is wrong.
    pub message: String,
    /// Where: a byte range into the compose file.
    pub span: Span,
}

/// Why a compose file could not be loaded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// The input is larger than [`ComposeOptions::max_bytes`].
    #[error("compose file is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not valid YAML, or over a parsing budget (aliases that expand too far,
    /// too deep nesting, too many nodes).
    #[error("invalid YAML: {message}")]
    Yaml {
        /// The parser's message.
        message: String,
        /// Where, when known.
        span: Option<Span>,
    },
    /// The top level, or `services`, is not a mapping.
    #[error("{what} must be a mapping, found {found}")]
    NotAMapping {
        /// `the compose file` or `services`.
        what: &'static str,
        /// What was found.
        found: &'static str,
        /// Where.
        span: Span,
    },
}

impl ComposeError {
    /// Where the error is, when known.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        match self {
            ComposeError::TooLarge { .. } => None,
            ComposeError::Yaml { span, .. } => *span,
            ComposeError::NotAMapping { span, .. } => Some(*span),
        }
    }
}

/// Loads a compose file. `extends_loader` returns the text of another file
/// named by `extends: {file: …}`, by its path relative to the project
/// directory (`None` when it cannot be read); it is only called for `extends`.
pub fn load(
    text: &str,
    options: &ComposeOptions,
    extends_loader: &dyn Fn(&str) -> Option<String>,
) -> Result<ComposeProject, ComposeError> {
    if text.len() > options.max_bytes {
        return Err(ComposeError::TooLarge {
            size: text.len(),
            limit: options.max_bytes,
        });
    }
    let mut root = parse_file(text)?;
    let dotenv = options
        .dotenv
        .as_deref()
        .map(interpolate::parse_dotenv)
        .unwrap_or_default();
    let vars = Vars {
        env: &options.env,
        dotenv: &dotenv,
    };
    let mut warnings = Vec::new();
    interpolate_tree(&mut root, &vars, &mut warnings, true);

    let name = project_name(&root, options);
    let services_node = match root.get("services") {
        None => None,
        Some(node) if matches!(node.value, Value::Null) => None,
        Some(node) if node.as_map().is_some() => Some(node),
        Some(node) => {
            return Err(ComposeError::NotAMapping {
                what: "services",
                found: node.kind(),
                span: node.span,
            });
        }
    };
    let entries: &[(Node, Node)] = services_node.and_then(Node::as_map).unwrap_or_default();

    // Resolve `extends` first: container names (for `service:x` references) need
    // the merged definitions.
    let mut files = extends::Files::new(&root, extends_loader, &vars, options.max_bytes);
    let mut resolved = Vec::with_capacity(entries.len());
    for (key, node) in entries {
        let Some(service_name) = key.key_str() else {
            warnings.push(ComposeProblem {
                message: format!("service name must be a string, found {}", key.kind()),
                span: key.span,
            });
            continue;
        };
        let node = match &node.value {
            Value::Map(_) => files.resolve(service_name, node),
            Value::Null => Node::new(Value::Map(Vec::new()), node.span),
            _ => {
                warnings.push(ComposeProblem {
                    message: format!(
                        "service {service_name:?} must be a mapping, found {}",
                        node.kind()
                    ),
                    span: node.span,
                });
                continue;
            }
        };
        resolved.push((service_name.to_owned(), key.span, node));
    }
    warnings.append(&mut files.take_warnings());

    let container_names: BTreeMap<String, String> = resolved
        .iter()
        .map(|(service, _, node)| {
            let container = node
                .get("container_name")
                .and_then(Node::scalar_text)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("{name}-{service}-1"));
            (service.clone(), container)
        })
        .collect();
    let active_profiles = active_profiles(options);
    let ctx = service::Ctx {
        project: &name,
        project_dir: &options.project_dir,
        vars: &vars,
        volumes: root.get("volumes"),
        networks: root.get("networks"),
        container_names: &container_names,
    };
    let mut services = Vec::with_capacity(resolved.len());
    for (service_name, key_span, node) in &resolved {
        let built = service::build(service_name, *key_span, node, &ctx, &mut warnings);
        let active = built.profiles.is_empty()
            || built
                .profiles
                .iter()
                .any(|p| active_profiles.iter().any(|a| a == p || a == "*"));
        services.push(ComposeService {
            name: service_name.clone(),
            spec: built.spec,
            origins: built.origins,
            profiles: built.profiles,
            active,
        });
    }
    warnings.sort_by_key(|w| (w.span.start, w.span.end));
    Ok(ComposeProject {
        name,
        services,
        warnings,
    })
}

/// Parses one file's text into a tree whose top level is a mapping.
fn parse_file(text: &str) -> Result<Node, ComposeError> {
    let root = yaml::parse(text).map_err(|e| ComposeError::Yaml {
        message: e.message,
        span: e.span,
    })?;
    match root.value {
        Value::Map(_) => Ok(root),
        Value::Null => Ok(Node::new(Value::Map(Vec::new()), root.span)),
        _ => Err(ComposeError::NotAMapping {
            what: "the compose file",
            found: root.kind(),
            span: root.span,
        }),
    }
}

fn active_profiles(options: &ComposeOptions) -> Vec<String> {
    if !options.profiles.is_empty() {
        return options.profiles.clone();
    }
    options
        .env
        .get("COMPOSE_PROFILES")
        .map(|p| {
            p.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The project name: `COMPOSE_PROJECT_NAME`, then `name:`, then the project
/// directory's name; lowercased, keeping `a-z0-9_-` (compose's rule).
fn project_name(root: &Node, options: &ComposeOptions) -> String {
    let raw = options
        .env
        .get("COMPOSE_PROJECT_NAME")
        .cloned()
        .filter(|n| !n.is_empty())
        .or_else(|| root.get("name").and_then(Node::scalar_text))
        .filter(|n| !n.is_empty())
        .or_else(|| {
            let dir = if options.project_dir.as_os_str().is_empty()
                || options.project_dir == std::path::Path::new(".")
            {
                None
            } else {
                options.project_dir.file_name()
            };
            dir.map(|d| d.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    let normalized: String = raw
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    let trimmed = normalized.trim_start_matches(['_', '-']);
    if trimmed.is_empty() {
        "default".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// Interpolates every string scalar value of `node` (not keys; not `x-`
/// extension fields at the top level or of a service). A value with a missing
/// required variable or a malformed template becomes null, with a problem.
pub(crate) fn interpolate_tree(
    node: &mut Node,
    vars: &Vars<'_>,
    warnings: &mut Vec<ComposeProblem>,
    top: bool,
) {
    interpolate_node(node, vars, warnings, if top { 0 } else { 2 });
}

/// `level` 0 is the file, 1 a top-level value, 2 a service; `x-` keys are
/// skipped at levels 0 and 2 (under `services`).
fn interpolate_node(
    node: &mut Node,
    vars: &Vars<'_>,
    warnings: &mut Vec<ComposeProblem>,
    level: u8,
) {
    let span = node.span;
    match &mut node.value {
        Value::Str(s) => {
            if !s.contains('$') {
                return;
            }
            let out = interpolate::interpolate(s, vars);
            for name in out.unset {
                warnings.push(ComposeProblem {
                    message: format!("variable {name} is not set; using an empty string"),
                    span,
                });
            }
            if let Some(value) = out.value {
                *s = value;
            } else {
                warnings.push(ComposeProblem {
                    message: out.error.unwrap_or_default(),
                    span,
                });
                node.value = Value::Null;
            }
        }
        Value::Seq(items) => {
            for item in items {
                interpolate_node(item, vars, warnings, 3);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                let key_text = key.key_str().unwrap_or_default();
                if (level == 0 || level == 2) && key_text.starts_with("x-") {
                    continue;
                }
                let next = match (level, key_text) {
                    (0, "services") => 1,
                    (1, _) => 2,
                    _ => 3,
                };
                interpolate_node(value, vars, warnings, next);
            }
        }
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
    }
}
