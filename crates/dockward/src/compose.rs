//! `dockward lint` on compose files: load the project (interpolation with the
//! process environment and the `.env` file next to the compose file, `extends`
//! from sibling files), run the container rules on every service, and point
//! each finding into the YAML.

use std::path::{Path, PathBuf};

use dockward_container::ContainerContext;
use dockward_diagnostics::{Diagnostic, Location, RuleDescriptor, Severity, SourceFile, Span};
use dockward_rules::suppression::{InlineSuppressions, PragmaScope, parse_pragma};
use dockward_rules::{Registry, Rule};
use dockward_spec::compose::{self, ComposeOptions};

/// Compose file names searched for in directories (the compose specification's
/// default names, and `docker-compose.*.yml` overrides).
pub const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "compose.*.yaml",
    "compose.*.yml",
    "docker-compose.*.yaml",
    "docker-compose.*.yml",
];

/// Whether a file given by name is linted as a compose file: a YAML extension.
pub fn is_compose_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

/// The largest file `extends: {file: ...}` reads.
const MAX_EXTENDED_FILE: u64 = 16 * 1024 * 1024;

/// What the compose loader needs from outside: the environment, `.env`,
/// active profiles, and a reader for the files `extends` names.
fn options(path: Option<&Path>) -> (ComposeOptions, PathBuf) {
    let dir = path
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let dotenv = std::fs::read_to_string(dir.join(".env")).ok();
    let profiles = std::env::var("COMPOSE_PROFILES")
        .map(|p| {
            p.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let project_dir = std::path::absolute(&dir).unwrap_or_else(|_| dir.clone());
    let options = ComposeOptions {
        env: std::env::vars().collect(),
        dotenv,
        profiles,
        project_dir,
        ..ComposeOptions::default()
    };
    (options, dir)
}

/// Lints one compose file: every service through the container rules.
pub fn lint(
    display: &str,
    path: Option<&Path>,
    text: String,
    registry: &Registry,
    descriptor: &dyn Fn(Rule) -> Option<(&'static RuleDescriptor, Severity)>,
    enabled: &dyn Fn(Rule) -> bool,
    inline_suppressions: bool,
) -> (SourceFile, Vec<Diagnostic>) {
    let (options, dir) = options(path);
    let read = |relative: &str| -> Option<String> {
        let file = dir.join(relative);
        let size = std::fs::metadata(&file).ok()?.len();
        (size <= MAX_EXTENDED_FILE)
            .then(|| std::fs::read_to_string(&file).ok())
            .flatten()
    };
    let suppressions = if inline_suppressions {
        yaml_suppressions(&text, registry)
    } else {
        InlineSuppressions::default()
    };
    let source = SourceFile::new(display, text);
    let text = source.text();
    let mut diagnostics = Vec::new();
    let mut push = |rule: Rule, span: Span, message: String| {
        if !enabled(rule) {
            return;
        }
        if let Some((descriptor, severity)) = descriptor(rule) {
            diagnostics.push(Diagnostic {
                rule: descriptor,
                severity,
                message,
                location: Location::in_file(&source, span),
                suppression: suppressions.find(rule, span.start),
                aliases: Vec::new(),
            });
        }
    };
    match compose::load(text, &options, &read) {
        Err(error) => {
            push(
                Rule::ComposeFileInvalid,
                error.span().unwrap_or_default(),
                error.to_string(),
            );
        }
        Ok(project) => {
            for problem in &project.warnings {
                push(
                    Rule::ComposeFileInvalid,
                    problem.span,
                    problem.message.clone(),
                );
            }
            let context = ContainerContext::default();
            for service in &project.services {
                for finding in dockward_container::check(&service.spec, &context, enabled) {
                    let span = service.origins.span(&finding.field);
                    push(
                        finding.rule,
                        span,
                        format!("service `{}`: {}", service.name, finding.message),
                    );
                }
            }
        }
    }
    diagnostics.sort_by_key(|d| match &d.location {
        Location::File { span, .. } => (span.start, d.rule.code),
        Location::Object { .. } => (usize::MAX, d.rule.code),
    });
    (source, diagnostics)
}

/// `# dockward ignore=CODE` comments in YAML. A comment on a line of its own
/// covers the node that starts on the next line with content, including
/// everything indented below it (a whole service when put above the service's
/// key); a comment after a value covers that line. `# dockward global
/// ignore=` covers the file.
pub fn yaml_suppressions(text: &str, registry: &Registry) -> InlineSuppressions {
    let mut suppressions = InlineSuppressions::default();
    let lines: Vec<(usize, &str)> = line_starts(text);
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = &line[hash..];
        let Some(pragma) = parse_pragma(comment) else {
            continue;
        };
        let rules = pragma.rules(registry);
        let justification = comment.trim().to_owned();
        if pragma.scope == PragmaScope::File {
            suppressions.add(rules, None, justification);
            continue;
        }
        let own_line = line[..hash].trim().is_empty();
        if !own_line {
            suppressions.add(
                rules,
                Some(Span::new(start, start + line.len())),
                justification,
            );
            continue;
        }
        // The next line with content, and the lines indented deeper than it.
        let Some(next) = lines[index + 1..]
            .iter()
            .position(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|p| index + 1 + p)
        else {
            continue;
        };
        let (node_start, node_line) = lines[next];
        let indent = indentation(node_line);
        let mut end = node_start + node_line.len();
        // `key:` followed by `- item` lines at the same indentation owns them.
        let owns_same_indent_items = node_line.trim_end().ends_with(':');
        for &(s, l) in &lines[next + 1..] {
            if l.trim().is_empty() || l.trim_start().starts_with('#') {
                continue;
            }
            let deeper = indentation(l) > indent;
            let item = owns_same_indent_items
                && indentation(l) == indent
                && l.trim_start().starts_with('-');
            if !(deeper || item) {
                break;
            }
            end = s + l.len();
        }
        suppressions.add(rules, Some(Span::new(node_start, end)), justification);
    }
    suppressions
}

/// Lines with their start offsets (without the line break).
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Where a YAML comment starts on `line`: a `#` at the start or after a blank,
/// outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && (previous == ' ' || previous == '\t' || i == 0) => {
                return Some(i);
            }
            Some(_) | None => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes_only() {
        assert_eq!(
            comment_start("  privileged: true # dockward ignore=CT006"),
            Some(19)
        );
        assert_eq!(comment_start("  image: \"a # b\""), None);
        assert_eq!(comment_start("  image: a#b"), None);
        assert_eq!(comment_start("# top"), Some(0));
    }

    #[test]
    fn a_comment_above_a_key_covers_its_block() {
        let text = "services:\n  # dockward ignore=CT006\n  web:\n    privileged: true\n  db:\n    privileged: true\n";
        let registry = crate::lint::registry();
        let suppressions = yaml_suppressions(text, &registry);
        let web = text.find("true").expect("web");
        let db = text.rfind("true").expect("db");
        assert!(suppressions.find(Rule::PrivilegedContainer, web).is_some());
        assert!(suppressions.find(Rule::PrivilegedContainer, db).is_none());
        assert!(suppressions.find(Rule::HostNetwork, web).is_none());
    }

    #[test]
    fn a_trailing_comment_covers_its_line() {
        let text = "services:\n  web:\n    privileged: true # dockward ignore=privileged-container\n    pid: host\n";
        let registry = crate::lint::registry();
        let suppressions = yaml_suppressions(text, &registry);
        assert!(
            suppressions
                .find(Rule::PrivilegedContainer, text.find("true").expect("t"))
                .is_some()
        );
        assert!(
            suppressions
                .find(Rule::PrivilegedContainer, text.find("host").expect("h"))
                .is_none()
        );
    }
}
