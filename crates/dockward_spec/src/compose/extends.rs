//! `extends`: a service built on another one, in the same file or another,
//! merged with compose's rules.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use dockward_diagnostics::Span;

use super::interpolate::Vars;
use super::yaml::{Node, Value};
use super::{ComposeProblem, interpolate_tree, parse_file};

/// `extends` chains longer than this are an error.
const MAX_CHAIN: usize = 32;
/// At most this many other files are read.
const MAX_FILES: usize = 64;
/// At most this many nodes are copied from base services in all, so that many
/// services extending one large service cannot multiply memory.
const MAX_COPIED_NODES: usize = 500_000;

/// The files `extends` reads, parsed and interpolated once each.
pub(crate) struct Files<'a> {
    main: &'a Node,
    loader: &'a dyn Fn(&str) -> Option<String>,
    vars: &'a Vars<'a>,
    max_bytes: usize,
    /// Other files by normalized relative path; `None` when unreadable.
    others: HashMap<String, Option<Node>>,
    /// Nodes copied from base services so far.
    copied: usize,
    warnings: Vec<ComposeProblem>,
}

/// Which file a service is in: `None` for the main file.
type FileId = Option<String>;

impl<'a> Files<'a> {
    pub fn new(
        main: &'a Node,
        loader: &'a dyn Fn(&str) -> Option<String>,
        vars: &'a Vars<'a>,
        max_bytes: usize,
    ) -> Files<'a> {
        Files {
            main,
            loader,
            vars,
            max_bytes,
            others: HashMap::new(),
            copied: 0,
            warnings: Vec::new(),
        }
    }

    pub fn take_warnings(&mut self) -> Vec<ComposeProblem> {
        std::mem::take(&mut self.warnings)
    }

    /// The service `name` of the main file with its `extends` chain merged in.
    /// On an error the problem is recorded and the service is used without the
    /// failing base.
    pub fn resolve(&mut self, name: &str, node: &Node) -> Node {
        let mut stack = vec![(None, name.to_owned())];
        self.resolve_in(&None, node, &mut stack)
    }

    fn resolve_in(
        &mut self,
        file: &FileId,
        node: &Node,
        stack: &mut Vec<(FileId, String)>,
    ) -> Node {
        let Some((extends_key, extends)) = node.entry("extends") else {
            return node.clone();
        };
        let own = without(node, "extends");
        // In the main file, problems point at the `extends` key; in another
        // file there is no span of the main file to point at but the chain's start.
        let problem_span = if file.is_none() {
            extends_key.span
        } else {
            stack_span(self.main, stack)
        };
        let (base_service, base_file) = match &extends.value {
            Value::Str(s) => (s.clone(), None),
            Value::Map(_) => {
                let Some(service) = extends.get("service").and_then(Node::key_str) else {
                    self.problem("extends needs a `service`", problem_span);
                    return own;
                };
                (
                    service.to_owned(),
                    extends.get("file").and_then(Node::scalar_text),
                )
            }
            _ => {
                self.problem(
                    &format!(
                        "extends must be a service name or a mapping, found {}",
                        extends.kind()
                    ),
                    problem_span,
                );
                return own;
            }
        };
        let target_file: FileId = match base_file {
            None => file.clone(),
            Some(path) => Some(join_relative(file.as_deref(), &path)),
        };
        if stack
            .iter()
            .any(|(f, s)| *f == target_file && *s == base_service)
        {
            let chain: Vec<&str> = stack.iter().map(|(_, s)| s.as_str()).collect();
            self.problem(
                &format!("extends cycle: {} -> {base_service}", chain.join(" -> ")),
                problem_span,
            );
            return own;
        }
        if stack.len() >= MAX_CHAIN {
            self.problem(
                &format!("extends chain longer than {MAX_CHAIN}"),
                problem_span,
            );
            return own;
        }
        let Some(base_node) = self.service_node(&target_file, &base_service, problem_span) else {
            return own;
        };
        stack.push((target_file.clone(), base_service));
        let mut base = self.resolve_in(&target_file, &base_node, stack);
        stack.pop();
        if file.is_none() && target_file.is_some() {
            base.relocate(extends_key.span);
        }
        merge_service(&base, &own)
    }

    /// The definition of `service` in `file`, cloned.
    fn service_node(&mut self, file: &FileId, service: &str, span: Span) -> Option<Node> {
        let root = match file {
            None => self.main,
            Some(path) => {
                if !self.others.contains_key(path) {
                    if self.others.len() >= MAX_FILES {
                        self.problem(&format!("extends reads more than {MAX_FILES} files"), span);
                        return None;
                    }
                    let loaded = self.load_other(path, span);
                    self.others.insert(path.clone(), loaded);
                }
                self.others.get(path)?.as_ref()?
            }
        };
        let found = root
            .get("services")
            .and_then(|services| services.get(service));
        if let Some(node) = found {
            let remaining = MAX_COPIED_NODES.saturating_sub(self.copied);
            let size = node.count(remaining);
            if size > remaining {
                self.problem(
                    &format!("extends copies more than {MAX_COPIED_NODES} YAML nodes in all; {service:?} is not merged"),
                    span,
                );
                return None;
            }
            self.copied += size;
        }
        match found.cloned() {
            Some(node) if matches!(node.value, Value::Map(_)) => Some(node),
            Some(node) if matches!(node.value, Value::Null) => {
                Some(Node::new(Value::Map(Vec::new()), node.span))
            }
            Some(node) => {
                self.problem(
                    &format!(
                        "extended service {service:?} must be a mapping, found {}",
                        node.kind()
                    ),
                    span,
                );
                None
            }
            None => {
                let place = file
                    .as_deref()
                    .map_or(String::new(), |f| format!(" in {f}"));
                self.problem(
                    &format!("extended service {service:?} not found{place}"),
                    span,
                );
                None
            }
        }
    }

    fn load_other(&mut self, path: &str, span: Span) -> Option<Node> {
        let Some(text) = (self.loader)(path) else {
            self.problem(&format!("cannot read {path} (extends)"), span);
            return None;
        };
        if text.len() > self.max_bytes {
            self.problem(
                &format!("{path} is larger than the {}-byte limit", self.max_bytes),
                span,
            );
            return None;
        }
        match parse_file(&text) {
            Ok(mut root) => {
                let mut inner = Vec::new();
                interpolate_tree(&mut root, self.vars, &mut inner, true);
                for p in inner {
                    self.problem(&format!("{path}: {}", p.message), span);
                }
                Some(root)
            }
            Err(e) => {
                self.problem(&format!("{path}: {e}"), span);
                None
            }
        }
    }

    fn problem(&mut self, message: &str, span: Span) {
        self.warnings.push(ComposeProblem {
            message: message.to_owned(),
            span,
        });
    }
}

/// The span of the first `extends` key of the chain (in the main file).
fn stack_span(main: &Node, stack: &[(FileId, String)]) -> Span {
    stack
        .first()
        .and_then(|(_, name)| main.get("services")?.get(name)?.entry("extends"))
        .map_or_else(Span::default, |(key, _)| key.span)
}

/// `path` relative to the directory of `from` (a path relative to the project
/// directory; `None` for the main file), normalized lexically.
fn join_relative(from: Option<&str>, path: &str) -> String {
    let base = from
        .and_then(|f| Path::new(f).parent())
        .map_or_else(PathBuf::new, Path::to_path_buf);
    normalize(&base.join(path))
}

/// Removes `.` and resolves `..` lexically.
pub(crate) fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => {
                out.pop();
                depth -= 1;
            }
            Component::ParentDir => {
                if !out.has_root() {
                    out.push("..");
                }
            }
            Component::Normal(part) => {
                out.push(part);
                depth += 1;
            }
            Component::RootDir | Component::Prefix(_) => out.push(component.as_os_str()),
        }
    }
    let text = out.to_string_lossy().into_owned();
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}

/// A mapping without `key`.
fn without(node: &Node, key: &str) -> Node {
    let entries = node
        .as_map()
        .unwrap_or_default()
        .iter()
        .filter(|(k, _)| k.key_str() != Some(key))
        .cloned()
        .collect();
    Node::new(Value::Map(entries), node.span)
}

/// Merges a service over its base (compose's `extends` merge): mappings merge
/// key by key, the service winning; `environment`, `labels`, `sysctls` and
/// similar merge as mappings whichever syntax each side uses; `volumes`,
/// `devices` and `tmpfs` merge by container path; other sequences (`ports`,
/// `cap_add`, `security_opt`, …) are concatenated without duplicates; any
/// other value of the service replaces the base's.
pub(crate) fn merge_service(base: &Node, own: &Node) -> Node {
    merge_map(base, own, 0)
}

fn merge_map(base: &Node, own: &Node, depth: usize) -> Node {
    let (Some(base_entries), Some(own_entries)) = (base.as_map(), own.as_map()) else {
        return own.clone();
    };
    let own_keys: HashSet<&str> = own_entries
        .iter()
        .filter_map(|(k, _)| k.key_str())
        .collect();
    // The last entry of a key wins, as in `Node::get`.
    let base_by_key: HashMap<&str, &Node> = base_entries
        .iter()
        .filter_map(|(k, v)| Some((k.key_str()?, v)))
        .collect();
    let mut out: Vec<(Node, Node)> = Vec::with_capacity(base_entries.len() + own_entries.len());
    for (key, value) in base_entries {
        if key.key_str().is_none_or(|k| !own_keys.contains(k)) {
            out.push((key.clone(), value.clone()));
        }
    }
    for (key, value) in own_entries {
        let merged = match key
            .key_str()
            .and_then(|k| base_by_key.get(k).map(|b| (k, *b)))
        {
            Some((name, base_value)) => merge_field(name, base_value, value, depth),
            None => value.clone(),
        };
        out.push((key.clone(), merged));
    }
    Node::new(Value::Map(out), own.span)
}

fn merge_field(name: &str, base: &Node, own: &Node, depth: usize) -> Node {
    if depth > 16 {
        return own.clone();
    }
    match name {
        "environment" | "labels" | "sysctls" | "extra_hosts" | "annotations" if depth == 0 => {
            merge_map(&as_map(base), &as_map(own), depth + 1)
        }
        "volumes" | "devices" | "tmpfs" if depth == 0 => merge_by(base, own, mount_target),
        _ => match (&base.value, &own.value) {
            (Value::Map(_), Value::Map(_)) => merge_map(base, own, depth + 1),
            (Value::Seq(_), Value::Seq(_)) => {
                merge_by(base, own, |n| Some(format!("{:?}", n.value)))
            }
            _ => own.clone(),
        },
    }
}

/// Items of `base` whose key no item of `own` has, then `own`'s items.
fn merge_by(base: &Node, own: &Node, key: fn(&Node) -> Option<String>) -> Node {
    let (Value::Seq(base_items), Value::Seq(own_items)) = (&base.value, &own.value) else {
        return own.clone();
    };
    let own_keys: HashSet<String> = own_items.iter().filter_map(key).collect();
    let mut items: Vec<Node> = base_items
        .iter()
        .filter(|item| key(item).is_none_or(|k| !own_keys.contains(&k)))
        .cloned()
        .collect();
    items.extend(own_items.iter().cloned());
    Node::new(Value::Seq(items), own.span)
}

/// The container path of a volume, device or tmpfs entry (short or long syntax).
fn mount_target(item: &Node) -> Option<String> {
    if let Value::Map(_) = &item.value {
        item.get("target").and_then(Node::scalar_text)
    } else {
        let text = item.scalar_text()?;
        let parts: Vec<&str> = text.split(':').collect();
        match parts.as_slice() {
            [only] => Some((*only).to_owned()),
            [_, target, ..] => Some((*target).to_owned()),
            [] => None,
        }
    }
}

/// A `KEY=value` list as a mapping (a mapping stays as it is).
fn as_map(node: &Node) -> Node {
    let Value::Seq(items) = &node.value else {
        return node.clone();
    };
    let entries = items
        .iter()
        .filter_map(|item| {
            let text = item.scalar_text()?;
            let (key, value) = match text.split_once('=') {
                Some((k, v)) => (k.to_owned(), Value::Str(v.to_owned())),
                None => (text.clone(), Value::Null),
            };
            Some((
                Node::new(Value::Str(key), item.span),
                Node::new(value, item.span),
            ))
        })
        .collect();
    Node::new(Value::Map(entries), node.span)
}
