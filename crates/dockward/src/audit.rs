//! `dockward audit`: probe (or replay) the facts, run the host, daemon, image
//! and container checks, render, and decide the exit status.
//!
//! The probe is the only part that reads the system; `--facts FILE` replaces
//! it with a recorded snapshot, and `--save-facts FILE` records one.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use dockward_audit::facts::{FACTS_SCHEMA, Facts};
use dockward_audit::{AuditFinding, AuditSettings, ObjectKind};
use dockward_diagnostics::{Diagnostic, Location, Report, Severity, Subject, ToolInfo};
use dockward_probe::ProbeOptions;
use dockward_rules::config::{self, FailOn};
use dockward_rules::selection::{Selection, SeverityOverrides, resolve_all};
use dockward_rules::{Family, Registry, Rule};
use serde::Deserialize;

use crate::Status;
use crate::cli::{AuditArgs, Format};
use crate::lint::ConfigFile;
use crate::printer::{self, Printer};

/// The `[audit]` section of `dockward.toml`, beyond the rule options.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AuditConfig {
    /// Users allowed in the `docker` group (CIS 1.1.2); others are reported.
    #[serde(default)]
    trusted_users: Option<Vec<String>>,
}

/// Runs `dockward audit`.
pub fn run(args: &AuditArgs) -> anyhow::Result<Status> {
    let registry = crate::lint::registry();
    let config = load_config(args)?;
    let options = Options::new(args, &registry, config.as_ref())?;

    let facts = match &args.facts {
        Some(path) => read_facts(path)?,
        None => probe(args),
    };
    if let Some(path) = &args.save_facts {
        let json = serde_json::to_string_pretty(&facts).context("cannot serialize the facts")?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write facts to `{}`", path.display()))?;
    }

    let sections = Sections::from_args(args);
    let report = build_report(&facts, &registry, &options, &sections);
    let printer = Printer::new(args.output.as_deref());
    let color = crate::lint::use_color(args.color, args.no_color, printer.is_terminal());
    let mut text = crate::lint::render(&report, args.format, args.quiet, color);
    if args.format == Format::Human && !args.quiet {
        text.push_str(&section_summary(&report));
    }
    printer.result(&text)?;

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

/// Which parts are audited: all unless some are named.
#[derive(Debug, Clone)]
struct Sections {
    container_names: Vec<String>,
    host: bool,
    daemon: bool,
    containers: bool,
    images: bool,
    inside: bool,
}

impl Sections {
    fn from_args(args: &AuditArgs) -> Self {
        if args.inside {
            return Sections {
                container_names: Vec::new(),
                host: false,
                daemon: false,
                containers: false,
                images: false,
                inside: true,
            };
        }
        let containers = args.containers.is_some();
        let any = args.host || args.daemon || containers || args.images;
        Sections {
            container_names: args.containers.clone().unwrap_or_default(),
            host: args.host || !any,
            daemon: args.daemon || !any,
            containers: containers || !any,
            images: args.images || !any,
            inside: false,
        }
    }
}

fn probe(args: &AuditArgs) -> Facts {
    let sections = Sections::from_args(args);
    let options = ProbeOptions {
        root: args.root.clone(),
        docker_host: args
            .docker_host
            .clone()
            .or_else(|| std::env::var("DOCKER_HOST").ok().filter(|h| !h.is_empty())),
        host: sections.host,
        // Container and image checks need the daemon's defaults (no-new-privileges, userns).
        daemon: sections.daemon || sections.containers || sections.images,
        containers: sections.containers,
        images: sections.images,
        all_containers: args.all,
        container_names: args.containers.clone().unwrap_or_default(),
        read_image_layers: args.read_image_layers,
        timeout: Duration::from_secs(args.timeout),
    };
    if sections.inside {
        dockward_probe::collect_inside(&options)
    } else {
        dockward_probe::collect(&options)
    }
}

fn read_facts(path: &Path) -> anyhow::Result<Facts> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read facts `{}`", path.display()))?;
    let facts: Facts = serde_json::from_str(&text)
        .with_context(|| format!("`{}` is not a dockward facts snapshot", path.display()))?;
    if facts.schema != FACTS_SCHEMA {
        bail!(
            "`{}` has schema `{}`; this dockward reads `{FACTS_SCHEMA}`",
            path.display(),
            facts.schema
        );
    }
    Ok(facts)
}

/// Everything that decides what is run and reported.
#[derive(Debug)]
struct Options {
    selection: Selection,
    overrides: SeverityOverrides,
    fail_on: FailOn,
    settings: AuditSettings,
    severities: Vec<Severity>,
    min_severity: Option<Severity>,
    cis_level: Option<u8>,
}

fn load_config(args: &AuditArgs) -> anyhow::Result<Option<ConfigFile>> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => path.clone(),
        None => match crate::lint::find_config(Path::new("."))? {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration `{}`", path.display()))?;
    Ok(Some(ConfigFile {
        display: path.display().to_string(),
        text,
    }))
}

impl Options {
    fn new(
        args: &AuditArgs,
        registry: &Registry,
        file: Option<&ConfigFile>,
    ) -> anyhow::Result<Self> {
        let section = match file {
            Some(file) => config::parse_section::<AuditConfig>(&file.text, "audit")
                .map_err(|e| file.error(&e))?,
            None => config::Section::default(),
        };
        let in_file = |e: config::ConfigError| match file {
            Some(file) => file.error(&e),
            None => anyhow!("{e}"),
        };
        let rules = &section.rules;
        let mut selection = Selection::new(args.preview || rules.preview.unwrap_or(false));
        selection.apply_layer(
            &config::resolve_rules(registry, &rules.select).map_err(in_file)?,
            &config::resolve_rules(registry, &rules.ignore).map_err(in_file)?,
        );
        let cli = |codes: &[String]| {
            resolve_all(registry, codes.iter().map(String::as_str)).map_err(|e| {
                anyhow!("{e} (expected a code, a name or an alias; `dockward rule` lists them)")
            })
        };
        selection.apply_layer(&cli(&args.select)?, &cli(&args.ignore)?);
        if !args.only.is_empty() {
            selection.restrict_to(&cli(&args.only)?);
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
            args.fail_on.or(rules.fail_on).unwrap_or_default()
        };
        let mut trusted = section.settings.trusted_users;
        if !args.trusted_users.is_empty() {
            trusted
                .get_or_insert_with(Vec::new)
                .extend(args.trusted_users.iter().cloned());
        }
        Ok(Options {
            selection,
            overrides,
            fail_on,
            settings: AuditSettings {
                trusted_docker_users: trusted,
            },
            severities: args.severity.clone(),
            min_severity: args.min_severity,
            cis_level: args.cis_level,
        })
    }

    fn enabled(&self, registry: &Registry, rule: Rule) -> bool {
        matches!(
            rule.family(),
            Family::Container | Family::Image | Family::Host | Family::Daemon
        ) && registry
            .get(rule)
            .is_some_and(|meta| self.selection.is_enabled(meta))
    }

    /// `--severity`, `--min-severity` and `--cis-level`.
    fn shown(&self, diagnostic: &Diagnostic) -> bool {
        let severity = diagnostic.severity;
        (self.severities.is_empty() || self.severities.contains(&severity))
            && self.min_severity.is_none_or(|min| severity >= min)
            && self
                .cis_level
                .is_none_or(|level| cis_level(diagnostic).is_some_and(|found| found <= level))
    }
}

/// The CIS level among a finding's aliases (`CIS-L1`, `CIS-L2`).
fn cis_level(diagnostic: &Diagnostic) -> Option<u8> {
    diagnostic
        .all_aliases()
        .iter()
        .filter_map(|alias| alias.strip_prefix("CIS-L"))
        .filter_map(|level| level.parse().ok())
        .min()
}

/// The CIS section (`1` to `7`) among a finding's aliases (`CIS-5.32`).
fn cis_section(diagnostic: &Diagnostic) -> Option<u8> {
    diagnostic.all_aliases().iter().find_map(|alias| {
        let id = alias.strip_prefix("CIS-")?;
        let (section, _) = id.split_once('.')?;
        section.parse().ok()
    })
}

fn section_title(section: Option<u8>) -> &'static str {
    match section {
        Some(1) => "1 Host configuration",
        Some(2) => "2 Docker daemon configuration",
        Some(3) => "3 Docker daemon configuration files",
        Some(4) => "4 Container images and build file",
        Some(5) => "5 Container runtime",
        Some(6) => "6 Docker security operations",
        Some(7) => "7 Docker swarm configuration",
        _ => "Beyond the CIS benchmark",
    }
}

/// Counts per CIS section and severity, for the human output.
fn section_summary(report: &Report) -> String {
    let mut counts: BTreeMap<Option<u8>, [usize; 5]> = BTreeMap::new();
    for diagnostic in report
        .diagnostics
        .iter()
        .filter(|d| d.suppression.is_none())
    {
        let row = counts.entry(cis_section(diagnostic)).or_default();
        row[severity_index(diagnostic.severity)] += 1;
    }
    if counts.is_empty() {
        return String::new();
    }
    // Sections first in CIS order, the rest last.
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by_key(|(section, _)| section.unwrap_or(u8::MAX));
    let mut out = String::from("\nBy CIS Docker Benchmark v1.6.0 section:\n");
    let _ = writeln!(
        out,
        "  {:<38} {:>8} {:>5} {:>6} {:>4} {:>4}",
        "section", "critical", "high", "medium", "low", "info"
    );
    for (section, row) in rows {
        let _ = writeln!(
            out,
            "  {:<38} {:>8} {:>5} {:>6} {:>4} {:>4}",
            section_title(section),
            row[4],
            row[3],
            row[2],
            row[1],
            row[0]
        );
    }
    out
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

fn object_kind(kind: ObjectKind) -> &'static str {
    kind.as_str()
}

fn build_report(
    facts: &Facts,
    registry: &Registry,
    options: &Options,
    sections: &Sections,
) -> Report {
    let enabled = |rule: Rule| options.enabled(registry, rule);
    let mut findings: Vec<AuditFinding> = Vec::new();
    let mut subjects = Vec::new();
    if sections.inside {
        if let Some(inside) = &facts.inside {
            let name = inside
                .container_id
                .as_deref()
                .map_or_else(|| "self".to_owned(), |id| id.chars().take(12).collect());
            subjects.push(Subject {
                kind: "container".to_owned(),
                name: name.clone(),
            });
            for finding in dockward_audit::inside::inside_findings(inside) {
                if enabled(finding.rule) {
                    findings.push(AuditFinding {
                        rule: finding.rule,
                        severity: None,
                        message: finding.message,
                        object_kind: ObjectKind::Container,
                        object: name.clone(),
                        aliases: Vec::new(),
                    });
                }
            }
        }
    } else {
        let scope = dockward_audit::Scope {
            host: sections.host,
            daemon: sections.daemon,
            containers: sections.containers,
            images: sections.images,
            container_names: sections.container_names.clone(),
        };
        subjects.extend(
            dockward_audit::subjects(facts, &scope)
                .into_iter()
                .map(|(kind, name)| Subject {
                    kind: object_kind(kind).to_owned(),
                    name,
                }),
        );
        let outcome = dockward_audit::audit_scoped(facts, &options.settings, &scope, &enabled);
        for problem in &outcome.problems {
            printer::warning(problem);
        }
        findings = outcome.findings;
    }
    let diagnostics = findings
        .into_iter()
        .filter_map(|finding| {
            let meta = registry.get(finding.rule)?;
            let severity = options
                .overrides
                .get(finding.rule)
                .or(finding.severity)
                .unwrap_or(meta.descriptor.default_severity);
            Some(Diagnostic {
                rule: &meta.descriptor,
                severity,
                message: finding.message,
                location: Location::Object {
                    kind: object_kind(finding.object_kind).to_owned(),
                    name: finding.object,
                },
                suppression: None,
                aliases: finding.aliases,
            })
        })
        .filter(|d| options.shown(d))
        .collect();
    Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        subjects,
        diagnostics,
        sources: Vec::new(),
        rules: registry
            .all()
            .iter()
            .filter(|meta| enabled(meta.rule))
            .map(|meta| &meta.descriptor)
            .collect(),
    }
}
