//! `dockward lint`: configuration, file discovery, linting in parallel,
//! suppressions, rendering and the exit status.
//!
//! Precedence: command line > configuration file > defaults. Scalars given on
//! the command line replace the file's; lists (`--select`, `--ignore`,
//! `--trusted-registry`) add to the file's, and a rule selected on the command
//! line is run even if the file ignores it (and the other way round).
//! `--only` replaces every selection with its list (ignores still apply).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow};
use dockward_diagnostics::render::{self, HumanOptions};
use dockward_diagnostics::{
    Diagnostic, Location, Report, RuleDescriptor, Severity, SourceFile, Subject, ToolInfo,
};
use dockward_lint::LintSettings;
use dockward_rules::config::{self, ConfigError, FailOn};
use dockward_rules::selection::{Selection, SeverityOverrides, resolve_all};
use dockward_rules::suppression::InlineSuppressions;
use dockward_rules::{Family, Registry, Rule};
use rayon::prelude::*;

use crate::Status;
use crate::cli::{ColorChoice, Format, HadolintThreshold, LintArgs};
use crate::discover::{self, Source, Target};
use crate::input::{self, Content};
use crate::printer::{self, Printer};

/// The registry of every rule this binary links.
pub fn registry() -> Registry {
    Registry::new([
        dockward_lint::rule_metas().as_slice(),
        dockward_container::rule_metas().as_slice(),
        dockward_audit::rule_metas().as_slice(),
        dockward_vuln::rules::rule_metas().as_slice(),
    ])
}

/// Runs `dockward lint`.
pub fn run(args: &LintArgs) -> anyhow::Result<Status> {
    let registry = registry();
    let cli = CliRules {
        select: resolve_cli(&registry, args.select.iter().chain(&args.extend_select))?,
        ignore: resolve_cli(&registry, &args.ignore)?,
        only: (!args.only.is_empty())
            .then(|| resolve_cli(&registry, &args.only))
            .transpose()?,
    };
    let targets = discover::discover(&args.paths, &args.stdin_filename)?;
    if targets.is_empty() {
        printer::warning(&format!(
            "no Dockerfile or compose file found in {} (searched for {}, {})",
            args.paths.join(", "),
            discover::DOCKERFILE_NAMES.join(", "),
            crate::compose::COMPOSE_NAMES.join(", ")
        ));
    }
    let config = load_config(args)?;
    let options = Options::new(args, &registry, config.as_ref(), &cli)?;
    let stdin = if targets.iter().any(|t| t.source == Source::Stdin) {
        Some(
            input::read_bounded(io::stdin().lock(), args.max_file_size)
                .context("cannot read standard input")?,
        )
    } else {
        None
    };
    let (report, failed_inputs) = lint_all(&targets, stdin.as_ref(), &registry, &options, args);

    let printer = Printer::new(args.output.as_deref());
    let color = use_color(args.color, args.no_color, printer.is_terminal());
    printer.result(&render(&report, args.format, args.quiet, color))?;

    if failed_inputs {
        return Ok(Status::Error);
    }
    let failing = report
        .diagnostics
        .iter()
        .any(|d| d.suppression.is_none() && options.fail_on.fails(d.severity));
    Ok(if failing {
        Status::Failure
    } else {
        Status::Success
    })
}

/// Lints every target in parallel; the report keeps the targets' order.
/// Targets that cannot be read are reported on stderr (the flag is true).
fn lint_all(
    targets: &[Target],
    stdin: Option<&Content>,
    registry: &Registry,
    options: &Options,
    args: &LintArgs,
) -> (Report, bool) {
    let outcomes: Vec<anyhow::Result<Linted>> = targets
        .par_iter()
        .map(|target| {
            let content = match &target.source {
                Source::Stdin => stdin.cloned().unwrap_or(Content::Text(String::new())),
                Source::File(path) => read_file(path, args.max_file_size)?,
            };
            Ok(lint_target(target, content, registry, options))
        })
        .collect();
    // The rules listed (SARIF's driver.rules) are those that could fire on the
    // kinds of file linted; no compose file, no container rules.
    let any_compose = targets
        .iter()
        .any(|t| crate::compose::is_compose_path(Path::new(&t.display)));
    let any_dockerfile = targets
        .iter()
        .any(|t| !crate::compose::is_compose_path(Path::new(&t.display)));
    let mut failed_inputs = false;
    let mut report = Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        subjects: Vec::new(),
        diagnostics: Vec::new(),
        sources: Vec::new(),
        rules: options
            .selection
            .enabled(registry)
            .filter(|meta| match meta.rule.family() {
                Family::Dockerfile => any_dockerfile || !any_compose,
                Family::Container => any_compose,
                _ => false,
            })
            .map(|meta| &meta.descriptor)
            .collect(),
    };
    for (target, outcome) in targets.iter().zip(outcomes) {
        match outcome {
            Ok(linted) => {
                let compose = crate::compose::is_compose_path(Path::new(&target.display));
                report.subjects.push(Subject {
                    kind: if compose { "compose" } else { "dockerfile" }.to_owned(),
                    name: target.display.clone(),
                });
                report.diagnostics.extend(
                    linted
                        .diagnostics
                        .into_iter()
                        .filter(|d| options.shown(d.severity)),
                );
                report.sources.push(linted.source);
            }
            Err(error) => {
                failed_inputs = true;
                printer::error_chain(&error);
            }
        }
    }
    (report, failed_inputs)
}

pub fn render(report: &Report, format: Format, quiet: bool, color: bool) -> String {
    match format {
        Format::Human => render::human(report, HumanOptions { color, quiet }),
        Format::Json => render::json(report),
        Format::Sarif => render::sarif(report),
        Format::Checkstyle => render::checkstyle(report),
        Format::Junit => render::junit(report),
        Format::Github => render::github(report),
    }
}

/// Whether to colour the human output, from `--color`/`--no-color` and
/// whether the output is a terminal.
pub fn use_color(choice: ColorChoice, no_color: bool, terminal: bool) -> bool {
    match choice {
        _ if no_color => false,
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => auto_color(terminal),
    }
}

/// `--color auto`: off when `NO_COLOR` is set and not empty (no-color.org);
/// otherwise on when `CLICOLOR_FORCE` or `FORCE_COLOR` is set (and not `0`)
/// or when the output is a terminal.
fn auto_color(terminal: bool) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    terminal || set("CLICOLOR_FORCE") || set("FORCE_COLOR")
}

/// Rule lists given on the command line, resolved.
#[derive(Debug)]
struct CliRules {
    select: Vec<Rule>,
    ignore: Vec<Rule>,
    only: Option<Vec<Rule>>,
}

fn resolve_cli<'a>(
    registry: &Registry,
    codes: impl IntoIterator<Item = &'a String>,
) -> anyhow::Result<Vec<Rule>> {
    resolve_all(registry, codes.into_iter().map(String::as_str)).map_err(|e| {
        anyhow!("{e} (expected a code, a name or an alias; `dockward rule` lists them)")
    })
}

/// A configuration file: its name as shown to the user and its text.
#[derive(Debug)]
pub struct ConfigFile {
    pub display: String,
    pub text: String,
}

impl ConfigFile {
    /// The error as a message with a code frame of this file.
    pub fn error(&self, error: &ConfigError) -> anyhow::Error {
        anyhow!(
            "{}",
            printer::located_error(
                &self.display,
                &self.text,
                error.span,
                &format!("invalid configuration: {}", error.message)
            )
            .trim_end()
        )
    }
}

fn load_config(args: &LintArgs) -> anyhow::Result<Option<ConfigFile>> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => path.clone(),
        None => match find_config(&discover::config_search_start(
            args.paths.first().map(String::as_str),
        ))? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration `{}`", path.display()))?;
    let display = if args.config.is_some() {
        path.display().to_string()
    } else {
        relative_to_cwd(&path)
    };
    Ok(Some(ConfigFile { display, text }))
}

/// The nearest `dockward.toml` in `start` or one of its ancestors.
pub fn find_config(start: &Path) -> anyhow::Result<Option<PathBuf>> {
    let start = std::path::absolute(start)
        .with_context(|| format!("cannot resolve `{}`", start.display()))?;
    Ok(start
        .ancestors()
        .map(|dir| dir.join(config::FILE_NAME))
        .find(|candidate| candidate.is_file()))
}

/// `path` (absolute) relative to the working directory when it is below or
/// above it, with `/` separators.
fn relative_to_cwd(path: &Path) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return path.display().to_string();
    };
    if let Ok(below) = path.strip_prefix(&cwd) {
        return below.display().to_string();
    }
    for (ups, ancestor) in cwd.ancestors().enumerate().skip(1) {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            let mut shown = "../".repeat(ups);
            shown.push_str(&rest.display().to_string());
            return shown;
        }
    }
    path.display().to_string()
}

/// Everything that decides what is run and reported, merged from the
/// configuration file and the command line.
#[derive(Debug)]
struct Options {
    selection: Selection,
    overrides: SeverityOverrides,
    fail_on: FailOn,
    settings: LintSettings,
    inline_suppressions: bool,
    severities: Vec<Severity>,
    min_severity: Option<Severity>,
}

impl Options {
    fn new(
        args: &LintArgs,
        registry: &Registry,
        file: Option<&ConfigFile>,
        cli: &CliRules,
    ) -> anyhow::Result<Self> {
        let section = match file {
            Some(file) => config::parse_section::<LintSettings>(&file.text, "lint")
                .map_err(|e| file.error(&e))?,
            None => config::Section::default(),
        };
        let in_file = |e: ConfigError| match file {
            Some(file) => file.error(&e),
            None => anyhow!("{e}"),
        };
        let rules = &section.rules;
        let mut selection = Selection::new(args.preview || rules.preview.unwrap_or(false));
        selection.apply_layer(
            &config::resolve_rules(registry, &rules.select).map_err(in_file)?,
            &config::resolve_rules(registry, &rules.ignore).map_err(in_file)?,
        );
        selection.apply_layer(&cli.select, &cli.ignore);
        if let Some(only) = &cli.only {
            selection.restrict_to(only);
        }
        let mut overrides = SeverityOverrides::default();
        for (code, severity) in &rules.severity {
            for rule in
                config::resolve_rules(registry, std::slice::from_ref(code)).map_err(in_file)?
            {
                overrides.set(rule, *severity);
            }
        }
        let fail_on = if args.no_fail {
            FailOn::Never
        } else {
            args.fail_on
                .or(args.failure_threshold.map(HadolintThreshold::fail_on))
                .or(rules.fail_on)
                .unwrap_or_default()
        };
        let mut settings = section.settings;
        settings
            .trusted_registries
            .extend(args.trusted_registries.iter().cloned());
        settings
            .label_schema
            .extend(args.require_label.iter().cloned());
        settings.strict_labels |= args.strict_labels;
        Ok(Options {
            selection,
            overrides,
            fail_on,
            settings,
            inline_suppressions: !(args.disable_inline_suppressions
                || rules.disable_inline_suppressions.unwrap_or(false)),
            severities: args.severity.clone(),
            min_severity: args.min_severity,
        })
    }

    /// Whether findings of `severity` are reported (`--severity`, `--min-severity`).
    fn shown(&self, severity: Severity) -> bool {
        (self.severities.is_empty() || self.severities.contains(&severity))
            && self.min_severity.is_none_or(|min| severity >= min)
    }

    fn enabled(&self, registry: &Registry, rule: Rule) -> bool {
        matches!(rule.family(), Family::Dockerfile | Family::Container)
            && registry
                .get(rule)
                .is_some_and(|meta| self.selection.is_enabled(meta))
    }
}

fn read_file(path: &Path, limit: u64) -> anyhow::Result<Content> {
    let context = || format!("cannot read `{}`", path.display());
    let file = File::open(path).with_context(context)?;
    let size = file.metadata().with_context(context)?.len();
    if size > limit {
        return Ok(input::too_large(limit));
    }
    input::read_bounded(file, limit).with_context(context)
}

/// One target's source and findings.
#[derive(Debug)]
struct Linted {
    source: SourceFile,
    diagnostics: Vec<Diagnostic>,
}

fn lint_target(
    target: &Target,
    content: Content,
    registry: &Registry,
    options: &Options,
) -> Linted {
    let descriptor = |rule: Rule| -> Option<(&'static RuleDescriptor, Severity)> {
        let meta = registry.get(rule)?;
        Some((&meta.descriptor, options.overrides.severity_of(meta)))
    };
    let compose = crate::compose::is_compose_path(Path::new(&target.display));
    match content {
        Content::Text(text) if compose => {
            let path = match &target.source {
                Source::File(path) => Some(path.as_path()),
                Source::Stdin => None,
            };
            let (source, diagnostics) = crate::compose::lint(
                &target.display,
                path,
                text,
                registry,
                &descriptor,
                &|rule| options.enabled(registry, rule),
                options.inline_suppressions,
            );
            Linted {
                source,
                diagnostics,
            }
        }
        Content::Unreadable {
            text,
            span,
            message,
        } => {
            let unreadable = if compose {
                Rule::ComposeFileInvalid
            } else {
                Rule::ParseError
            };
            let source = SourceFile::new(target.display.as_str(), text);
            let diagnostics = descriptor(unreadable)
                .filter(|_| options.enabled(registry, unreadable))
                .map(|(rule, severity)| Diagnostic {
                    rule,
                    severity,
                    message,
                    location: Location::in_file(&source, span),
                    suppression: None,
                    aliases: Vec::new(),
                })
                .into_iter()
                .collect();
            Linted {
                source,
                diagnostics,
            }
        }
        Content::Text(text) => {
            let dockerfile = dockward_dockerfile::parse(&text);
            let violations = dockward_lint::lint(&dockerfile, &text, &options.settings, &|rule| {
                options.enabled(registry, rule)
            });
            let suppressions = if options.inline_suppressions {
                dockward_lint::suppress::inline_suppressions(&dockerfile, &text, registry)
            } else {
                InlineSuppressions::default()
            };
            let source = SourceFile::new(target.display.as_str(), text);
            let diagnostics = violations
                .into_iter()
                .filter_map(|v| {
                    let (rule, severity) = descriptor(v.rule)?;
                    Some(Diagnostic {
                        rule,
                        severity,
                        location: Location::in_file(&source, v.span),
                        suppression: suppressions.find(v.rule, v.span.start),
                        aliases: Vec::new(),
                        message: v.message,
                    })
                })
                .collect();
            Linted {
                source,
                diagnostics,
            }
        }
    }
}
