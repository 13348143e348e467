//! `cargo xtask tidy`: structural checks of the repository that the compiler
//! and clippy do not make.
//!
//! - [`dependency_direction`]: the crates under `crates/` depend on each other
//!   only as [`allowed_dependencies`] says.
//! - [`network_clients`]: only the crates [`NETWORK_CRATES`] names depend on
//!   an HTTP or TLS client crate, each for a stated reason.
//! - [`rule_files`]: every rule file under `crates/dockward_lint/src/rules/` and
//!   `crates/dockward_container/src/rules/` is declared in its `mod.rs`,
//!   registered in its engine's `RULES`, and has its fixtures.
//! - [`audit_rule_files`]: the same for the host, daemon and image rules
//!   under `crates/dockward_audit/src/rules/` (tested over facts, no fixtures).
//! - [`print_macros`]: no `print`, `println`, `eprint`, `eprintln` or `dbg` macro
//!   in the library crates (only the binary's printer writes to stdout/stderr).
//! - [`unfinished_code`]: no `todo` or `unimplemented` macro anywhere.
//!
//! Each check returns [`Problem`]s; `tests/tidy.rs` runs them all, so CI enforces them.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// One thing a check found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The check that found it, e.g. `dependency-direction`.
    pub check: &'static str,
    /// What is wrong and where.
    pub message: String,
}

impl Problem {
    fn new(check: &'static str, message: impl Into<String>) -> Self {
        Problem {
            check,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.check, self.message)
    }
}

/// Runs every check.
pub fn run(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let mut problems = dependency_direction(root)?;
    problems.extend(network_clients(root)?);
    problems.extend(rule_files(root)?);
    problems.extend(audit_rule_files(root)?);
    problems.extend(print_macros(root)?);
    problems.extend(unfinished_code(root)?);
    Ok(problems)
}

// ---------------------------------------------------------------------------
// Dependency direction

const DEPENDENCY_DIRECTION: &str = "dependency-direction";

/// The dockward crates `krate` may depend on, or `None` for a crate the graph
/// does not know yet (which is a problem: add it here when adding the crate).
///
/// ```text
/// dockward ─► dockward_lint ─► dockward_dockerfile ─► dockward_diagnostics
///                  └─────────► dockward_rules ──────► dockward_diagnostics
/// ```
pub fn allowed_dependencies(krate: &str) -> Option<&'static [&'static str]> {
    Some(match krate {
        "dockward" => &[
            "dockward_lint",
            "dockward_rules",
            "dockward_dockerfile",
            "dockward_diagnostics",
            "dockward_spec",
            "dockward_container",
            "dockward_audit",
            "dockward_probe",
            "dockward_oci",
            "dockward_vuln",
            "dockward_sbom",
            "dockward_secrets",
        ],
        "dockward_probe" => &["dockward_audit", "dockward_secrets"],
        "dockward_sbom" => &["dockward_oci", "dockward_vuln"],
        "dockward_audit" => &[
            "dockward_container",
            "dockward_secrets",
            "dockward_spec",
            "dockward_rules",
            "dockward_diagnostics",
        ],
        "dockward_container" => &["dockward_spec", "dockward_rules", "dockward_diagnostics"],
        "dockward_lint" => &[
            "dockward_secrets",
            "dockward_rules",
            "dockward_dockerfile",
            "dockward_diagnostics",
        ],
        "dockward_dockerfile" | "dockward_rules" | "dockward_spec" => &["dockward_diagnostics"],
        "dockward_diagnostics" | "dockward_oci" | "dockward_secrets" => &[],
        "dockward_vuln" => &["dockward_rules", "dockward_diagnostics"],
        _ => return None,
    })
}

/// The normal, dev and build dependency tables directly under `holder`.
fn dependency_tables(holder: &toml::Table) -> impl Iterator<Item = &toml::Table> {
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .into_iter()
        .filter_map(|kind| holder.get(kind).and_then(toml::Value::as_table))
}

/// The package name and the dockward crates a manifest depends on, in any
/// dependency table (normal, dev, build, and their `[target.*]` forms).
/// A renamed dependency counts under its `package` name.
pub fn dockward_dependencies(manifest: &toml::Table) -> (Option<String>, BTreeSet<String>) {
    let name = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        .map(str::to_owned);
    let deps = all_dependencies(manifest)
        .into_iter()
        .filter(|dep| dep == "dockward" || dep.starts_with("dockward_"))
        .collect();
    (name, deps)
}

/// The problems with `krate` depending on `deps`.
pub fn check_dependencies(manifest: &Path, krate: &str, deps: &BTreeSet<String>) -> Vec<Problem> {
    let Some(allowed) = allowed_dependencies(krate) else {
        return vec![Problem::new(
            DEPENDENCY_DIRECTION,
            format!(
                "{}: crate `{krate}` is not in the dependency graph; add it to \
                 `allowed_dependencies` in xtask/src/tidy.rs (and to ARCHITECTURE.md)",
                manifest.display()
            ),
        )];
    };
    deps.iter()
        .filter(|dep| !allowed.contains(&dep.as_str()))
        .map(|dep| {
            Problem::new(
                DEPENDENCY_DIRECTION,
                format!(
                    "{}: `{krate}` must not depend on `{dep}` (allowed: {})",
                    manifest.display(),
                    if allowed.is_empty() {
                        "no dockward crate".to_owned()
                    } else {
                        allowed.join(", ")
                    }
                ),
            )
        })
        .collect()
}

/// The `Cargo.toml` of every crate under `crates/`, relative to `root`.
fn crate_manifests(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = root.join("crates");
    let mut manifests = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let manifest = Path::new("crates")
            .join(entry.file_name())
            .join("Cargo.toml");
        if root.join(&manifest).is_file() {
            manifests.push(manifest);
        }
    }
    manifests.sort();
    Ok(manifests)
}

/// Checks every crate's dockward dependencies against [`allowed_dependencies`].
pub fn dependency_direction(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for manifest in crate_manifests(root)? {
        let path = root.join(&manifest);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let table: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let (name, deps) = dockward_dependencies(&table);
        match name {
            Some(name) => problems.extend(check_dependencies(&manifest, &name, &deps)),
            None => problems.push(Problem::new(
                DEPENDENCY_DIRECTION,
                format!("{}: no [package] name", manifest.display()),
            )),
        }
    }
    Ok(problems)
}

// ---------------------------------------------------------------------------
// Network clients

const NETWORK_CLIENTS: &str = "network-clients";

/// Third-party crates that open network connections or speak TLS.
pub const WATCHED_NETWORK_CRATES: &[&str] = &[
    "ureq",
    "reqwest",
    "hyper",
    "hyper-util",
    "rustls",
    "native-tls",
    "openssl",
    "curl",
    "isahc",
    "attohttpc",
];

/// The dockward crates allowed to depend on one of [`WATCHED_NETWORK_CRATES`]
/// directly, and why. Everything else stays offline by construction (the
/// Engine API client in `dockward_probe` speaks HTTP/1.1 over the daemon's
/// socket itself).
pub const NETWORK_CRATES: &[(&str, &str, &str)] = &[
    (
        "dockward",
        "ureq",
        "`dockward db update` downloads the OSV ecosystem exports over HTTPS \
         (blocking; rustls with ring and the webpki roots: no OpenSSL, no aws-lc C build)",
    ),
    (
        "dockward",
        "rustls",
        "dev-dependency only: tests serve a TLS mirror on 127.0.0.1 to check `db update`'s \
         certificate handling (`--ca-file`, unknown issuers refused)",
    ),
];

/// Every dependency name (under its `package` name) of a manifest, in any
/// dependency table.
pub fn all_dependencies(manifest: &toml::Table) -> BTreeSet<String> {
    let mut tables: Vec<&toml::Table> = dependency_tables(manifest).collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values().filter_map(toml::Value::as_table) {
            tables.extend(dependency_tables(target));
        }
    }
    tables
        .into_iter()
        .flat_map(|table| table.iter())
        .map(|(key, value)| {
            value
                .get("package")
                .and_then(toml::Value::as_str)
                .unwrap_or(key)
                .to_owned()
        })
        .collect()
}

/// The problems with `krate` depending on `deps`, as to network clients.
pub fn check_network_clients(
    manifest: &Path,
    krate: &str,
    deps: &BTreeSet<String>,
) -> Vec<Problem> {
    deps.iter()
        .filter(|dep| WATCHED_NETWORK_CRATES.contains(&dep.as_str()))
        .filter(|dep| {
            !NETWORK_CRATES
                .iter()
                .any(|(k, d, _)| *k == krate && *d == dep.as_str())
        })
        .map(|dep| {
            Problem::new(
                NETWORK_CLIENTS,
                format!(
                    "{}: `{krate}` depends on the network client `{dep}`; only the crates \
                     `NETWORK_CRATES` in xtask/src/tidy.rs lists may, each with its reason",
                    manifest.display()
                ),
            )
        })
        .collect()
}

/// Checks every crate's dependencies against [`NETWORK_CRATES`].
pub fn network_clients(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for manifest in crate_manifests(root)? {
        let path = root.join(&manifest);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let table: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let (name, _) = dockward_dependencies(&table);
        let name = name.unwrap_or_default();
        problems.extend(check_network_clients(
            &manifest,
            &name,
            &all_dependencies(&table),
        ));
    }
    Ok(problems)
}

// ---------------------------------------------------------------------------
// Rule files

const RULE_FILES: &str = "rule-files";

/// Where one engine keeps its rules, and how it registers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleLayout {
    /// The rules' directory, relative to the repository root.
    pub rules_dir: &'static str,
    /// The fixtures' directory, relative to the repository root.
    pub fixtures_dir: &'static str,
    /// Files in `rules_dir` that are not rules.
    pub not_rules: &'static [&'static str],
    /// The macro in `rules_dir/mod.rs` that lists the rules, e.g. `lint_rules!`.
    pub registry: &'static str,
    /// The fixture files every rule needs in `fixtures_dir/<CODE>/`.
    pub fixtures: &'static [&'static str],
    /// Rules reported by a loader rather than by their check (a file that
    /// cannot be parsed), whose fixtures are input files tested elsewhere.
    pub loader_rules: &'static [&'static str],
}

/// The Dockerfile rules (`DF`).
pub const LINT: RuleLayout = RuleLayout {
    rules_dir: LINT_RULES_DIR,
    fixtures_dir: LINT_FIXTURES_DIR,
    not_rules: NOT_RULES,
    registry: "lint_rules!",
    fixtures: &["fail.Dockerfile", "pass.Dockerfile"],
    loader_rules: &[],
};

/// The container rules (`CT`).
pub const CONTAINER: RuleLayout = RuleLayout {
    rules_dir: "crates/dockward_container/src/rules",
    fixtures_dir: "crates/dockward_container/tests/fixtures",
    not_rules: &["mod.rs", "common.rs"],
    registry: "container_rules!",
    fixtures: &["fail.json", "pass.json"],
    // compose-file-invalid: the compose loader reports it; its fixtures are the
    // compose files of crates/dockward/tests/fixtures/compose/.
    loader_rules: &["CT039"],
};

/// The Dockerfile rules' directory, relative to the repository root.
pub const LINT_RULES_DIR: &str = "crates/dockward_lint/src/rules";
/// The Dockerfile rules' fixtures, relative to the repository root.
pub const LINT_FIXTURES_DIR: &str = "crates/dockward_lint/tests/fixtures";
/// Files in [`LINT_RULES_DIR`] that are not rules.
pub const NOT_RULES: &[&str] = &["mod.rs", "commands.rs"];

/// A rule as its engine registers it: code and kebab-case name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// `DF003`.
    pub code: &'static str,
    /// `from-latest-tag`.
    pub name: &'static str,
}

/// Whether `mod_rs` declares `mod <module>;` (with any visibility).
fn declares_module(mod_rs: &str, module: &str) -> bool {
    mod_rs.lines().any(|line| {
        let line = line.trim();
        let rest = line
            .strip_prefix("pub(crate) ")
            .or_else(|| line.strip_prefix("pub "))
            .unwrap_or(line);
        rest.strip_prefix("mod ")
            .and_then(|r| r.strip_suffix(';'))
            .is_some_and(|name| name.trim() == module)
    })
}

/// The problems with the rule files `modules` of `layout` (file stems, e.g.
/// `from_latest_tag`), given the text of its `mod.rs`, the registered rules,
/// and the fixture files (relative to the fixtures directory, e.g.
/// `DF003/fail.Dockerfile`).
pub fn check_rule_files(
    layout: &RuleLayout,
    modules: &BTreeSet<String>,
    mod_rs: &str,
    registered: &[Registered],
    fixtures: &BTreeSet<String>,
) -> Vec<Problem> {
    let RuleLayout {
        rules_dir,
        fixtures_dir,
        registry,
        ..
    } = *layout;
    let helpers = layout
        .not_rules
        .iter()
        .filter(|f| **f != "mod.rs")
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let mut problems = Vec::new();
    let mut report = |message: String| problems.push(Problem::new(RULE_FILES, message));
    for module in modules {
        let file = format!("{rules_dir}/{module}.rs");
        if !declares_module(mod_rs, module) {
            report(format!(
                "{file}: not declared in {rules_dir}/mod.rs (add `mod {module};`)"
            ));
        }
        let name = module.replace('_', "-");
        let Some(rule) = registered.iter().find(|r| r.name == name) else {
            report(format!(
                "{file}: no rule named `{name}` is registered in `{registry}` in \
                 {rules_dir}/mod.rs (a rule file is named after its rule; shared code belongs in {helpers})"
            ));
            continue;
        };
        for fixture in layout.fixtures {
            if layout.loader_rules.contains(&rule.code) {
                break;
            }
            let relative = format!("{}/{fixture}", rule.code);
            if !fixtures.contains(&relative) {
                report(format!(
                    "{file}: {} has no fixture {fixtures_dir}/{relative}",
                    rule.code
                ));
            }
        }
    }
    for rule in registered {
        let module = rule.name.replace('-', "_");
        if !modules.contains(&module) {
            report(format!(
                "{} `{}` is registered but has no file {rules_dir}/{module}.rs",
                rule.code, rule.name
            ));
        }
    }
    let fixture_dirs: BTreeSet<&str> = fixtures
        .iter()
        .filter_map(|f| f.split_once('/').map(|(dir, _)| dir))
        .collect();
    for dir in fixture_dirs {
        if !registered.iter().any(|r| r.code == dir) {
            report(format!(
                "{fixtures_dir}/{dir}: no registered rule has the code `{dir}`"
            ));
        }
    }
    problems
}

/// Files one directory down in `dir` (`DF003/fail.Dockerfile`), or none if `dir` is absent.
fn files_in_subdirectories(dir: &Path) -> anyhow::Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    let walker = walkdir::WalkDir::new(dir).min_depth(2).max_depth(2);
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e)
                if e.io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
            {
                break;
            }
            Err(e) => return Err(e).with_context(|| format!("walking {}", dir.display())),
        };
        if !entry.file_type().is_file() {
            continue;
        }
        if let Ok(relative) = entry.path().strip_prefix(dir) {
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.insert(parts.join("/"));
        }
    }
    Ok(files)
}

/// Checks the rule files of one engine against its `mod.rs`, its registered
/// rules and its fixtures.
pub fn layout_rule_files(
    root: &Path,
    layout: &RuleLayout,
    registered: &[Registered],
) -> anyhow::Result<Vec<Problem>> {
    let dir = root.join(layout.rules_dir);
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if layout.not_rules.contains(&file_name.as_str()) || !entry.file_type()?.is_file() {
            continue;
        }
        if let Some(stem) = file_name.strip_suffix(".rs") {
            modules.insert(stem.to_owned());
        }
    }
    let mod_path = dir.join("mod.rs");
    let mod_rs = std::fs::read_to_string(&mod_path)
        .with_context(|| format!("reading {}", mod_path.display()))?;
    let fixtures = files_in_subdirectories(&root.join(layout.fixtures_dir))?;
    Ok(check_rule_files(
        layout, &modules, &mod_rs, registered, &fixtures,
    ))
}

/// Checks the Dockerfile rule files (against `dockward_lint::RULES`) and the
/// container rule files (against `dockward_container::RULES`).
pub fn rule_files(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let lint: Vec<Registered> = dockward_lint::RULES
        .iter()
        .map(|r| Registered {
            code: r.meta.code(),
            name: r.meta.descriptor.name,
        })
        .collect();
    let container: Vec<Registered> = dockward_container::RULES
        .iter()
        .map(|r| Registered {
            code: r.meta.code(),
            name: r.meta.descriptor.name,
        })
        .collect();
    let mut problems = layout_rule_files(root, &LINT, &lint)?;
    problems.extend(layout_rule_files(root, &CONTAINER, &container)?);
    Ok(problems)
}

/// The host, daemon and image rules' directory, relative to the repository root.
pub const AUDIT_RULES_DIR: &str = "crates/dockward_audit/src/rules";

/// The problems with rule files that need no fixtures: each file in `dir`
/// is declared in `mod.rs` and named after a registered rule, and each
/// registered rule has its file.
pub fn check_registered_rule_files(
    dir: &str,
    modules: &BTreeSet<String>,
    mod_rs: &str,
    registered: &[Registered],
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |message: String| problems.push(Problem::new(RULE_FILES, message));
    for module in modules {
        let file = format!("{dir}/{module}.rs");
        if !declares_module(mod_rs, module) {
            report(format!(
                "{file}: not declared in {dir}/mod.rs (add `mod {module};`)"
            ));
        }
        let name = module.replace('_', "-");
        if !registered.iter().any(|r| r.name == name) {
            report(format!(
                "{file}: no rule named `{name}` is registered in {dir}/mod.rs (a rule file is named after its rule)"
            ));
        }
    }
    for rule in registered {
        let module = rule.name.replace('-', "_");
        if !modules.contains(&module) {
            report(format!(
                "{} `{}` is registered but has no file {dir}/{module}.rs",
                rule.code, rule.name
            ));
        }
    }
    problems
}

/// Checks the audit rule files against `mod.rs` and `dockward_audit::rules()`.
pub fn audit_rule_files(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let dir = root.join(AUDIT_RULES_DIR);
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name == "mod.rs" || !entry.file_type()?.is_file() {
            continue;
        }
        if let Some(stem) = file_name.strip_suffix(".rs") {
            modules.insert(stem.to_owned());
        }
    }
    let mod_path = dir.join("mod.rs");
    let mod_rs = std::fs::read_to_string(&mod_path)
        .with_context(|| format!("reading {}", mod_path.display()))?;
    let registered: Vec<Registered> = dockward_audit::rules()
        .iter()
        .map(|r| Registered {
            code: r.meta.code(),
            name: r.meta.descriptor.name,
        })
        .collect();
    Ok(check_registered_rule_files(
        AUDIT_RULES_DIR,
        &modules,
        &mod_rs,
        &registered,
    ))
}

// ---------------------------------------------------------------------------
// Forbidden macros

const PRINT_MACROS: &str = "print-macros";
const UNFINISHED_CODE: &str = "unfinished-code";

/// Macros only the binary may call: its printer owns stdout and stderr.
pub const PRINTING: &[&str] = &["print", "println", "eprint", "eprintln", "dbg"];
/// Macros no committed code may call.
pub const UNFINISHED: &[&str] = &["todo", "unimplemented"];

/// The 1-based lines of `text` that invoke one of `macros` (`name!(`,
/// `name![`, `name!{`), with the macro. Comment lines are skipped.
pub fn macro_calls(text: &str, macros: &[&'static str]) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for &name in macros {
            if invokes(line, name) {
                found.push((number + 1, name));
            }
        }
    }
    found
}

/// Whether `line` contains `name!` followed by a delimiter, with no identifier
/// character right before `name` (so `eprintln!` is not `println!`).
fn invokes(line: &str, name: &str) -> bool {
    let bang = format!("{name}!");
    line.match_indices(&bang).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + bang.len()..].trim_start().chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && matches!(after, Some('(' | '[' | '{'))
    })
}

/// Every `.rs` file under `dir`, skipping build output and hidden directories.
fn rust_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "target")
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "rs") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn scan(
    root: &Path,
    dirs: &[PathBuf],
    macros: &[&'static str],
    check: &'static str,
    why: &str,
) -> anyhow::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for dir in dirs {
        for path in rust_files(dir)? {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let shown = path.strip_prefix(root).unwrap_or(&path);
            for (line, name) in macro_calls(&text, macros) {
                problems.push(Problem::new(
                    check,
                    format!("{}:{line}: `{name}!` {why}", shown.display()),
                ));
            }
        }
    }
    Ok(problems)
}

/// The crate that owns stdout and stderr.
pub const BINARY_CRATE: &str = "dockward";

/// No printing or `dbg` macro in the `src/` of any crate but the binary.
pub fn print_macros(root: &Path) -> anyhow::Result<Vec<Problem>> {
    let dirs: Vec<PathBuf> = crate_manifests(root)?
        .iter()
        .filter_map(|manifest| manifest.parent())
        .filter(|dir| dir.file_name().is_none_or(|name| name != BINARY_CRATE))
        .map(|dir| root.join(dir).join("src"))
        .filter(|src| src.is_dir())
        .collect();
    scan(
        root,
        &dirs,
        PRINTING,
        PRINT_MACROS,
        "in a library crate: return data and let the binary's printer write it",
    )
}

/// No `todo` or `unimplemented` macro in any Rust file of the repository.
pub fn unfinished_code(root: &Path) -> anyhow::Result<Vec<Problem>> {
    scan(
        root,
        &[root.to_path_buf()],
        UNFINISHED,
        UNFINISHED_CODE,
        "left in the code: finish it or remove it",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_allowed_graph_accepts_the_layering_and_rejects_upward_edges() {
        let manifest = Path::new("crates/x/Cargo.toml");
        let lint = set(&[
            "dockward_rules",
            "dockward_dockerfile",
            "dockward_diagnostics",
        ]);
        assert!(check_dependencies(manifest, "dockward_lint", &lint).is_empty());
        assert!(check_dependencies(manifest, "dockward_diagnostics", &set(&[])).is_empty());

        let problems = check_dependencies(
            manifest,
            "dockward_dockerfile",
            &set(&["dockward_diagnostics", "dockward_rules"]),
        );
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("must not depend on `dockward_rules`")
        );

        let problems =
            check_dependencies(manifest, "dockward_diagnostics", &set(&["dockward_lint"]));
        assert!(problems[0].message.contains("(allowed: no dockward crate)"));

        let problems = check_dependencies(manifest, "dockward_new", &set(&[]));
        assert!(problems[0].message.contains("not in the dependency graph"));
    }

    #[test]
    fn only_listed_crates_may_use_a_network_client() {
        let manifest: toml::Table = toml::from_str(
            r#"
            [package]
            name = "dockward_vuln"
            [dependencies]
            serde.workspace = true
            http = { package = "reqwest", version = "0.13" }
            [dev-dependencies]
            ureq.workspace = true
            "#,
        )
        .expect("valid TOML");
        let deps = all_dependencies(&manifest);
        assert!(deps.contains("reqwest") && deps.contains("serde"));
        let problems = check_network_clients(Path::new("m"), "dockward_vuln", &deps);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("network client `reqwest`"));
        assert!(check_network_clients(Path::new("m"), "dockward", &set(&["ureq"])).is_empty());
        assert_eq!(
            check_network_clients(Path::new("m"), "dockward", &set(&["openssl"])).len(),
            1
        );
    }

    #[test]
    fn dependencies_are_read_from_every_table_under_their_package_name() {
        let manifest: toml::Table = toml::from_str(
            r#"
            [package]
            name = "dockward_rules"
            [dependencies]
            dockward_diagnostics.workspace = true
            serde.workspace = true
            [dev-dependencies]
            lint = { package = "dockward_lint", path = "../dockward_lint" }
            [target.'cfg(unix)'.build-dependencies]
            dockward = { path = "../dockward" }
            "#,
        )
        .expect("valid TOML");
        let (name, deps) = dockward_dependencies(&manifest);
        assert_eq!(name.as_deref(), Some("dockward_rules"));
        assert_eq!(
            deps,
            set(&["dockward", "dockward_diagnostics", "dockward_lint"])
        );
        assert_eq!(
            check_dependencies(Path::new("m"), "dockward_rules", &deps).len(),
            2
        );
    }

    #[test]
    fn rule_files_must_be_declared_registered_and_have_fixtures() {
        let mod_rs = "mod commands;\nmod from_latest_tag;\npub(crate) mod cd_in_run;\n";
        let registered = [
            Registered {
                code: "DF003",
                name: "from-latest-tag",
            },
            Registered {
                code: "DF007",
                name: "cd-in-run",
            },
            Registered {
                code: "DF008",
                name: "sudo-in-run",
            },
        ];
        let modules = set(&["from_latest_tag", "cd_in_run", "stray"]);
        let fixtures = set(&[
            "DF003/fail.Dockerfile",
            "DF003/pass.Dockerfile",
            "DF007/fail.Dockerfile",
            "DF007/settings.toml",
            "DF008/fail.Dockerfile",
            "DF008/pass.Dockerfile",
            "DF999/fail.Dockerfile",
        ]);
        let problems: Vec<String> =
            check_rule_files(&LINT, &modules, mod_rs, &registered, &fixtures)
                .into_iter()
                .map(|p| p.message)
                .collect();
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].contains("cd_in_run.rs: DF007 has no fixture"));
        assert!(problems[0].ends_with("fixtures/DF007/pass.Dockerfile"));
        assert!(problems[1].contains("stray.rs: not declared"));
        assert!(problems[2].contains("stray.rs: no rule named `stray`"));
        assert!(problems[3].contains("DF008 `sudo-in-run` is registered but has no file"));
        assert!(problems[4].ends_with("fixtures/DF999: no registered rule has the code `DF999`"));
    }

    #[test]
    fn container_rules_need_json_fixtures_and_may_share_common_rs() {
        let mod_rs = "mod common;\nmod privileged_container;\n";
        let registered = [Registered {
            code: "CT006",
            name: "privileged-container",
        }];
        let modules = set(&["privileged_container", "helpers"]);
        let fixtures = set(&[
            "CT006/fail.json",
            "CT006/context.json",
            "CT006/pass.Dockerfile",
        ]);
        let problems: Vec<String> =
            check_rule_files(&CONTAINER, &modules, mod_rs, &registered, &fixtures)
                .into_iter()
                .map(|p| p.message)
                .collect();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].starts_with("crates/dockward_container/src/rules/helpers.rs: not declared")
        );
        assert!(problems[1].contains("`container_rules!`"));
        assert!(problems[1].ends_with("shared code belongs in common.rs)"));
        assert!(problems[2].ends_with(
            "CT006 has no fixture crates/dockward_container/tests/fixtures/CT006/pass.json"
        ));
    }

    #[test]
    fn macro_calls_are_found_by_name_not_by_substring() {
        let (println, eprintln, dbg, todo) = ("println", "eprintln", "dbg", "todo");
        let text = format!(
            "// {println}!(\"in a comment\")\n\
             fn f() {{\n    {eprintln}!(\"x\");\n    let _ = {dbg}![1];\n\
             \x20   my_{dbg}!(1);\n    let s = \"{println}! is banned\";\n    {todo}!()\n\
             \x20   print! {{ \"x\" }}\n}}\n"
        );
        assert_eq!(
            macro_calls(&text, PRINTING),
            [(3, "eprintln"), (4, "dbg"), (8, "print")]
        );
        assert_eq!(macro_calls(&text, UNFINISHED), [(7, "todo")]);
    }

    #[test]
    fn scanning_a_tree_reports_paths_relative_to_the_root() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("crates/dockward_x/src");
        std::fs::create_dir_all(&src).expect("mkdir");
        std::fs::create_dir_all(dir.path().join("target/debug")).expect("mkdir");
        let call = format!("fn f() {{ {}!() }}\n", "unimplemented");
        std::fs::write(src.join("lib.rs"), format!("\n{call}")).expect("write");
        std::fs::write(dir.path().join("target/debug/gen.rs"), &call).expect("write");
        let problems = unfinished_code(dir.path()).expect("scan");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "[unfinished-code] crates/dockward_x/src/lib.rs:2: `unimplemented!` left in the code: \
             finish it or remove it"
        );
    }
}
