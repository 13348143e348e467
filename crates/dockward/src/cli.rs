//! The command line, as clap types. Parsing only; the commands live in their
//! own modules.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dockward_diagnostics::Severity;
use dockward_lint::LabelType;
use dockward_rules::config::FailOn;

/// Container security toolkit.
#[derive(Debug, Parser)]
#[command(name = "dockward", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
// Parsed once per run; boxing would only add noise.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Lint Dockerfiles, Containerfiles and compose files.
    ///
    /// Exit status: 0 when no unsuppressed finding is at or above `--fail-on`,
    /// 1 when one is, 2 on a usage, configuration or input error.
    #[command(after_long_help = LINT_HELP)]
    Lint(LintArgs),
    /// Audit this Docker host: the kernel and host files, the daemon and its
    /// configuration, the images and the containers (CIS Docker Benchmark
    /// v1.6.0 and more).
    ///
    /// Exit status: 0 when no finding is at or above `--fail-on`, 1 when one
    /// is, 2 on a usage, configuration or input error. A daemon that cannot be
    /// reached is a finding (DM029), not an error: the host part still runs.
    #[command(after_long_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Write the SBOM of an image (docker-save archive, OCI layout, root
    /// filesystem directory): CycloneDX 1.6 or SPDX 2.3 JSON.
    Sbom(SbomArgs),
    /// Scan an image's packages for known vulnerabilities (needs `dockward db
    /// import` first).
    ///
    /// Exit status: 0 when no unsuppressed finding is at or above
    /// `--fail-on`, 1 when one is, 2 on a usage or input error (no database,
    /// unreadable image, invalid ignore file or VEX document).
    #[command(after_long_help = SCAN_HELP)]
    Scan(ScanArgs),
    /// The vulnerability database: import OSV data, show its status.
    Db(DbArgs),
    /// List the rules, or explain one (by code, name or alias).
    Rule(RuleArgs),
    /// Print a shell completion script.
    Completion(CompletionArgs),
}

/// The long help of `dockward lint`: configuration and suppressions.
const LINT_HELP: &str = "\
Configuration:
  The nearest dockward.toml in the directory of the first PATH or one of its
  parents (the working directory for `-`) is read, unless --config FILE names
  one or --no-config is given:

    [lint]
    select = [\"DF055\"]            # also run these (off-by-default, preview)
    ignore = [\"DL3008\", \"DF016\"]  # codes, names or aliases, any case
    fail-on = \"medium\"            # info|low|medium|high|critical|none
    preview = false
    disable-inline-suppressions = false
    trusted-registries = [\"docker.io\", \"*.example.com\"]
    strict-labels = false
    [lint.severity]                 # per-rule severity overrides
    DF009 = \"low\"
    [lint.label-schema]
    maintainer = \"email\"

  The command line wins over the file: its scalars replace the file's, its
  lists (--select, --ignore, --trusted-registry) are added to the file's, and
  a rule selected on the command line runs even if the file ignores it (and
  the other way round).

Inline suppressions:
  # dockward ignore=CODE[,CODE] [reason]   the next instruction; other comment
                                           lines may come in between
  # dockward stage ignore=CODE,...         the stage of the FROM that follows
  # dockward global ignore=CODE,...        the whole file
  # hadolint ignore=DL3008,DL3015          the instruction on the very next
                                           line only (as in hadolint)
  # hadolint stage ignore=... / # hadolint global ignore=...
  hadolint codes are matched through dockward's aliases. Suppressed findings
  do not count for the exit status; SARIF and JSON list them as suppressed.
  --disable-inline-suppressions ignores all of these comments.";

/// The long help of `dockward audit`.
const AUDIT_HELP: &str = "\
Parts:
  Without --host, --daemon, --containers or --images every part is audited;
  with some of them, only those. --containers NAME... audits only the named
  containers (names or ID prefixes). Stopped containers need --all.

Facts:
  --save-facts FILE records what was probed as a JSON snapshot
  (dockward.facts/v1); --facts FILE audits a snapshot instead of this machine
  (for bug reports, offline review, tests).

Configuration (dockward.toml, searched from the working directory up):
    [audit]
    ignore = [\"CIS-2.9\", \"DM020\"]  # codes, names or aliases
    fail-on = \"high\"
    trusted-users = [\"alice\"]       # allowed members of the docker group
    [audit.severity]
    CT012 = \"info\"";

/// `dockward audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit the host: kernel, cgroups, LSMs, sysctls, audit rules, the docker group.
    #[arg(long)]
    pub host: bool,

    /// Audit the daemon: its command line, daemon.json, what its API reports, its files.
    #[arg(long)]
    pub daemon: bool,

    /// Audit containers; with names, only those (names or ID prefixes).
    #[arg(long, value_name = "NAME", num_args = 0..)]
    pub containers: Option<Vec<String>>,

    /// Audit the images present.
    #[arg(long)]
    pub images: bool,

    /// Include stopped containers.
    #[arg(short, long)]
    pub all: bool,

    /// Audit from inside a container: what this process can see and reach
    /// (capabilities, seccomp, LSM, namespaces, engine sockets). Read-only.
    #[arg(long, conflicts_with_all = ["host", "daemon", "containers", "images"])]
    pub inside: bool,

    /// Look for setuid/setgid files, credential files and world-writable
    /// directories in image layers (reads the daemon's storage directory:
    /// needs root).
    #[arg(long)]
    pub read_image_layers: bool,

    /// Report only findings whose CIS level is at most this (1 or 2); findings
    /// outside the benchmark are left out.
    #[arg(long, value_name = "LEVEL", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub cis_level: Option<u8>,

    /// Record the probed facts in FILE (JSON).
    #[arg(long, value_name = "FILE")]
    pub save_facts: Option<PathBuf>,

    /// Audit this facts snapshot instead of probing the machine.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,

    /// The daemon to audit [default: $DOCKER_HOST, else unix:///var/run/docker.sock].
    #[arg(long, value_name = "URL")]
    pub docker_host: Option<String>,

    /// Read host files under this directory (the host's / mounted into a
    /// container, e.g. -v /:/host:ro with --root /host).
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Seconds to wait for each daemon request.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,

    /// A user allowed in the docker group (repeatable); others are reported.
    #[arg(long = "trusted-user", value_name = "USER")]
    pub trusted_users: Vec<String>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Report only these severities (comma-separated).
    #[arg(long, value_name = "LEVELS", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,

    /// Report only findings at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,

    /// Fail (exit 1) when a finding at or above this severity remains; `none`
    /// never fails. [default: low, or the config's `fail-on`]
    #[arg(long, value_name = "SEVERITY|none", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// Never fail because of findings (errors still exit 2).
    #[arg(long)]
    pub no_fail: bool,

    /// Also run these rules (codes, names or aliases; comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Run only these rules (codes, names or aliases; comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Do not run these rules (codes, names or aliases, e.g. CIS-5.10; comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Run preview rules too.
    #[arg(long)]
    pub preview: bool,

    /// Use this configuration file instead of searching for dockward.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Do not read any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Colour the human output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Same as --color never.
    #[arg(long, conflicts_with = "color")]
    pub no_color: bool,

    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// SBOM formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    SpdxJson,
}

/// `dockward sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    /// A docker-save archive, an OCI image layout (directory or tar), a root
    /// filesystem directory, or the name or ID of an image of the local daemon
    /// (exported through the Engine API; up to 64 MiB for now).
    #[arg(value_name = "TARGET")]
    pub target: PathBuf,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = SbomFormat::Cyclonedx)]
    pub format: SbomFormat,

    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The platform to pick from a multi-platform OCI index (`linux/arm64/v8`)
    /// [default: this machine's].
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Check every layer against the digests that name it, as `docker load` does: the
    /// stored bytes against the manifest's blob digest (a plain layer: the config's
    /// diff_id), a compressed layer's tar against the config's diff_id. A mismatch is
    /// an error (exit 2). Off by default: layers are then read as the image lists them,
    /// and their digests reported as stated (one SHA-256 pass over the image saved).
    #[arg(long)]
    pub verify_layers: bool,
}

/// Output formats of `dockward scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Tables grouped by target (OS packages, each language target, the
    /// image), with totals per severity, for people.
    #[value(alias = "human", alias = "tty")]
    Table,
    /// The `dockward.report/v1` JSON report with `packages` and `vulnerabilities`.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// CycloneDX 1.6 JSON: the SBOM with its `vulnerabilities`.
    Cyclonedx,
    /// SPDX 2.3 JSON: the SBOM, with the advisories of each affected
    /// package as `SECURITY` external references.
    SpdxJson,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
}

/// The long help of `dockward scan`: suppressions.
const SCAN_HELP: &str = "\
Suppressions:
  .dockwardignore (in the working directory, or --ignorefile FILE), one entry
  per line, `#` starts a comment:

    CVE-2023-4911                        # an advisory id or any of its aliases
    GHSA-2m57-hf25-phgg exp:2026-06-30   # no longer suppresses after that day
    CVE-2023-38545 pkg:deb/debian/curl   # only for packages the purl covers
    IM002                                # an image check (code, name or alias)

  --vex FILE reads an OpenVEX v0.2.0 document: a statement whose
  vulnerability (name, @id or aliases) and product (the package's purl, or the
  image's pkg:oci/pkg:docker purl with the package among its subcomponents)
  match a finding suppresses it when its status is `not_affected` or `fixed`.
  The latest statement about a vulnerability and product wins.

  Suppressed findings do not count for the exit status; json and sarif list
  them as suppressed, the table counts them.";

/// `dockward scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// A docker-save archive, an OCI image layout (directory or tar), a root
    /// filesystem directory, or the name or ID of an image of the local daemon
    /// (exported through the Engine API; up to 64 MiB for now).
    #[arg(value_name = "TARGET")]
    pub target: PathBuf,

    /// The vulnerability database [default: $XDG_CACHE_HOME/dockward/vuln.db].
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Report only these severities (comma-separated).
    #[arg(long, value_name = "LEVELS", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,

    /// The ignore file [default: `.dockwardignore` in the working directory,
    /// when there is one].
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Option<PathBuf>,

    /// An OpenVEX document (v0.2.0) whose `not_affected` and `fixed`
    /// statements suppress the matching vulnerabilities (repeatable).
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,

    /// Fail (exit 1) when an unsuppressed finding at or above this severity
    /// remains; `none` never fails. [default: low]
    #[arg(long, value_name = "SEVERITY|none", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// Never fail because of findings (errors still exit 2).
    #[arg(long)]
    pub no_fail: bool,

    /// Leave out vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// The platform to pick from a multi-platform OCI index.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Check every layer against the digests that name it, as `docker load` does: the
    /// stored bytes against the manifest's blob digest (a plain layer: the config's
    /// diff_id), a compressed layer's tar against the config's diff_id. A mismatch is
    /// an error (exit 2). Off by default: layers are then read as the image lists them,
    /// and their digests reported as stated (one SHA-256 pass over the image saved).
    #[arg(long)]
    pub verify_layers: bool,

    /// Colour the human output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Same as --color never.
    #[arg(long, conflicts_with = "color")]
    pub no_color: bool,

    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `dockward db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: DbCommand,
}

/// `dockward db` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import OSV records: JSON files, zips of them, directories, osv-scanner's
    /// offline layout (`{Ecosystem}/all.zip`). Idempotent.
    Import {
        /// Files or directories.
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
        /// The database [default: $XDG_CACHE_HOME/dockward/vuln.db].
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
    },
    /// Download the OSV ecosystem exports (`{Ecosystem}/all.zip`) and replace
    /// each ecosystem's records with them, one transaction per ecosystem
    /// (records removed upstream disappear). Exits 2 if any ecosystem failed;
    /// the others are updated all the same.
    Update {
        /// The database [default: $XDG_CACHE_HOME/dockward/vuln.db].
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// An OSV export name (repeatable) [default: Debian, Alpine, Ubuntu,
        /// AlmaLinux, Rocky Linux, PyPI, npm, Go, crates.io, Maven, RubyGems,
        /// Packagist; also: Red Hat].
        #[arg(long = "ecosystem", value_name = "NAME")]
        ecosystems: Vec<String>,
        /// Base URL instead of OSV's bucket (https://, or http:// on
        /// 127.0.0.1/localhost): `{URL}/{Ecosystem}/all.zip`.
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
        /// Trust the CA certificates of this PEM file instead of the bundled
        /// Mozilla roots (a TLS-intercepting proxy, an internal mirror).
        #[arg(long, value_name = "FILE", env = "DOCKWARD_CA_FILE")]
        ca_file: Option<PathBuf>,
    },
    /// Ecosystems, record counts, last update times and the database's location.
    Status {
        /// The database [default: $XDG_CACHE_HOME/dockward/vuln.db].
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Output formats of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with code frames and a summary, for people.
    #[value(alias = "table", alias = "tty")]
    Human,
    /// The `dockward.report/v1` JSON report.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
}

/// When to colour the human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// hadolint's failure thresholds, mapped onto dockward's severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HadolintThreshold {
    /// = high
    Error,
    /// = medium
    Warning,
    /// = low
    Info,
    /// = info
    Style,
    /// Never fail.
    #[value(alias = "ignore")]
    None,
}

impl HadolintThreshold {
    /// The equivalent dockward threshold.
    pub fn fail_on(self) -> FailOn {
        match self {
            HadolintThreshold::Error => FailOn::AtLeast(Severity::High),
            HadolintThreshold::Warning => FailOn::AtLeast(Severity::Medium),
            HadolintThreshold::Info => FailOn::AtLeast(Severity::Low),
            HadolintThreshold::Style => FailOn::AtLeast(Severity::Info),
            HadolintThreshold::None => FailOn::Never,
        }
    }
}

/// `dockward lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files, directories (searched for Dockerfile, Containerfile,
    /// *.Dockerfile, *.dockerfile, Dockerfile.*, Containerfile.*, and the
    /// compose files compose.yaml, compose.yml, docker-compose.yaml,
    /// docker-compose.yml and their *.override variants) or glob patterns;
    /// `-` reads standard input. Files ending in .yml or .yaml are linted as
    /// compose files, all others as Dockerfiles.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Report only these severities (comma-separated: info, low, medium,
    /// high, critical; hadolint's style, info, warning, error also work).
    #[arg(long, value_name = "LEVELS", value_delimiter = ',', value_parser = parse_severity)]
    pub severity: Vec<Severity>,

    /// Report only findings at or above this severity.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub min_severity: Option<Severity>,

    /// Fail (exit 1) when an unsuppressed finding at or above this severity
    /// remains; `none` never fails. [default: low, or the config's `fail-on`]
    #[arg(long, value_name = "SEVERITY|none", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,

    /// hadolint's threshold: error = high, warning = medium, info = low,
    /// style = info, none = never fail.
    #[arg(
        short = 't',
        long,
        value_enum,
        value_name = "LEVEL",
        conflicts_with = "fail_on"
    )]
    pub failure_threshold: Option<HadolintThreshold>,

    /// Never fail because of findings (errors still exit 2).
    #[arg(long)]
    pub no_fail: bool,

    /// Also run these rules (codes, names or aliases; comma-separated).
    /// Enables off-by-default and preview rules.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Run only these rules (codes, names or aliases; comma-separated),
    /// whatever their status and the configuration's selection; --ignore
    /// still applies. For trying a rule on many files.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Same as --select (for ruff users).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules (codes, names or aliases; comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Run preview rules too.
    #[arg(long)]
    pub preview: bool,

    /// Use this configuration file instead of searching for dockward.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Do not read any configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Colour the human output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Same as --color never (hadolint's flag).
    #[arg(long, conflicts_with = "color")]
    pub no_color: bool,

    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// A registry images may come from (repeatable; globs like
    /// `*.example.com`). Adds to the configuration's `trusted-registries`.
    #[arg(long = "trusted-registry", value_name = "REGISTRY")]
    pub trusted_registries: Vec<String>,

    /// Ignore `# dockward ignore=` and `# hadolint ignore=` comments.
    #[arg(long, alias = "disable-ignore-pragma")]
    pub disable_inline_suppressions: bool,

    /// A label every image must carry, with the format of its value
    /// (repeatable): `LABEL:FORMAT`, FORMAT one of text, url, semver, hash,
    /// rfc3339, spdx, email. Adds to the configuration's `label-schema`.
    #[arg(long, value_name = "LABEL:FORMAT", value_parser = parse_required_label)]
    pub require_label: Vec<(String, LabelType)>,

    /// Report labels not in the label schema.
    #[arg(long)]
    pub strict_labels: bool,

    /// The name under which standard input is reported.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Larger files are reported (DF001) instead of read. Accepts a byte
    /// count or a K/M/G (KiB/MiB/GiB) suffix.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    pub max_file_size: u64,
}

/// Output formats of `dockward rule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// A table (or the documentation of one rule).
    #[value(alias = "table", alias = "tty")]
    Human,
    /// JSON.
    Json,
}

/// `dockward rule`.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (DF003), name (from-latest-tag) or alias (DL3007,
    /// AVD-DS-0001, ...). Without it, all rules are listed.
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,

    /// Output format.
    #[arg(short = 'f', long, value_enum, default_value_t = RuleFormat::Human)]
    pub format: RuleFormat,

    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `dockward completion`.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.trim()
        .parse()
        .map_err(|e: dockward_diagnostics::SeverityParseError| e.to_string())
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.trim()
        .parse()
        .map_err(|e: dockward_rules::config::FailOnParseError| e.to_string())
}

fn parse_required_label(s: &str) -> Result<(String, LabelType), String> {
    use serde::Deserialize as _;
    use serde::de::IntoDeserializer as _;
    let (label, format) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("`{s}` is not LABEL:FORMAT"))?;
    if label.is_empty() {
        return Err(format!("`{s}` names no label"));
    }
    let deserializer: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        format.trim().into_deserializer();
    let format = LabelType::deserialize(deserializer).map_err(|_| {
        format!("unknown label format `{format}` (expected text, url, semver, hash, rfc3339, spdx or email)")
    })?;
    Ok((label.to_owned(), format))
}

/// A byte count with an optional K/M/G (or KiB/MiB/GiB, KB/MB/GB, all
/// binary) suffix.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, suffix) = s.split_at(digits_end);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size (examples: 1000000, 512K, 64MiB, 1G)"))?;
    let shift = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{s}` has an unknown unit (use K, M or G)")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_configuration_example_in_the_help_is_valid() {
        let example: String = LINT_HELP
            .lines()
            .skip_while(|l| l.trim() != "[lint]")
            .take_while(|l| !l.trim().is_empty())
            .flat_map(|l| [l.trim(), "\n"])
            .collect();
        assert!(example.contains("label-schema"), "{example}");
        let section =
            dockward_rules::config::parse_section::<dockward_lint::LintSettings>(&example, "lint")
                .unwrap_or_else(|e| panic!("{e}:\n{example}"));
        assert_eq!(section.rules.select.len(), 1);
        assert_eq!(section.settings.trusted_registries.len(), 2);
    }

    #[test]
    fn the_ignore_file_example_in_the_help_is_valid() {
        let example: String = SCAN_HELP
            .lines()
            .skip_while(|l| !l.starts_with("    CVE-"))
            .take_while(|l| !l.trim().is_empty())
            .flat_map(|l| [l.trim(), "\n"])
            .collect();
        let file = crate::suppress::IgnoreFile::parse("help", &example)
            .unwrap_or_else(|e| panic!("{e}:\n{example}"));
        assert_eq!(file.entries.len(), 4);
        assert!(file.entries[2].purl.is_some());
    }

    #[test]
    fn required_labels_name_a_format() {
        assert_eq!(
            parse_required_label("org.opencontainers.image.source:url"),
            Ok(("org.opencontainers.image.source".to_owned(), LabelType::Url))
        );
        assert_eq!(
            parse_required_label("maintainer:email"),
            Ok(("maintainer".to_owned(), LabelType::Email))
        );
        assert!(parse_required_label("maintainer").is_err());
        assert!(parse_required_label(":url").is_err());
        assert!(parse_required_label("a:phone").is_err());
    }

    #[test]
    fn sizes_take_binary_suffixes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1 g"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5T").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn hadolint_thresholds_map_onto_the_scale() {
        assert_eq!(
            HadolintThreshold::Style.fail_on(),
            FailOn::AtLeast(Severity::Info)
        );
        assert_eq!(
            HadolintThreshold::Info.fail_on(),
            FailOn::AtLeast(Severity::Low)
        );
        assert_eq!(
            HadolintThreshold::Warning.fail_on(),
            FailOn::AtLeast(Severity::Medium)
        );
        assert_eq!(
            HadolintThreshold::Error.fail_on(),
            FailOn::AtLeast(Severity::High)
        );
        assert_eq!(HadolintThreshold::None.fail_on(), FailOn::Never);
    }
}
