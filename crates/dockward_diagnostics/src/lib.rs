//! Diagnostics, source spans and the renderers that turn a [`Report`] into
//! what a user or a machine reads.
//!
//! This crate knows nothing of Docker: a diagnostic refers to its rule through
//! a static [`RuleDescriptor`] and points into a [`SourceFile`] or at a named
//! object (a container, an image, the host).

pub mod render;
mod severity;
mod source;

pub use severity::{Severity, SeverityParseError};
pub use source::{LineCol, LineIndex, SourceFile, Span};

/// What a renderer needs to know of the rule behind a diagnostic.
///
/// Engines declare one per rule as a `static`; the typed rule identity lives in
/// `dockward_rules`, this is its rendering face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleDescriptor {
    /// dockward's own code, e.g. `DF003`.
    pub code: &'static str,
    /// kebab-case name, e.g. `from-latest-tag`.
    pub name: &'static str,
    /// One line saying what the rule flags.
    pub summary: &'static str,
    /// The full user documentation (Markdown), from the rule's doc comment.
    pub docs: &'static str,
    /// The severity used unless the configuration overrides it.
    pub default_severity: Severity,
    /// Equivalent identifiers in other tools and benchmarks (`DL3007`,
    /// `AVD-DS-0001`, `DS001`, `CIS-DI-0006`, `CIS-4.6`, ...).
    pub aliases: &'static [&'static str],
    /// Public sources the rule is derived from.
    pub references: &'static [&'static str],
}

impl RuleDescriptor {
    /// The URL under which the rule's documentation is published.
    pub fn help_uri(&self) -> String {
        format!("https://dockward.dev/rules/{}", self.code)
    }
}

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A range of a source file (Dockerfile, compose file, config file).
    File {
        /// Path as given by the user (or relative to the working directory).
        path: String,
        /// Byte range in the file.
        span: Span,
        /// 1-based line and column of `span.start`.
        start: LineCol,
        /// 1-based line and column of `span.end`.
        end: LineCol,
    },
    /// A named object with no source text: a container, an image, the host.
    Object {
        /// What it is: `container`, `image`, `host`, `daemon`.
        kind: String,
        /// Its name or identifier.
        name: String,
    },
}

impl Location {
    /// A location in `file` covering `span`.
    pub fn in_file(file: &SourceFile, span: Span) -> Self {
        let index = file.line_index();
        Location::File {
            path: file.path().to_owned(),
            span,
            start: index.line_col(span.start),
            end: index.line_col(span.end),
        }
    }
}

/// Why a diagnostic is not counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// `inline` (a comment in the source) or `config`.
    pub kind: SuppressionKind,
    /// The text that suppressed it, e.g. `# hadolint ignore=DL3008`.
    pub justification: String,
}

/// How a diagnostic was suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// By a comment in the linted file.
    InSource,
    /// By configuration (`dockward.toml`, command line).
    External,
}

/// One finding: a rule, a severity, a message and a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that produced it.
    pub rule: &'static RuleDescriptor,
    /// Effective severity, after configuration overrides.
    pub severity: Severity,
    /// What is wrong here, in one sentence.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Set when the diagnostic was suppressed; renderers that support it
    /// (SARIF) show it as suppressed, the others leave it out.
    pub suppression: Option<Suppression>,
    /// Identifiers of this finding in other tools and benchmarks, beyond the
    /// rule's own aliases: the CIS ID of the one file or path a check looked at
    /// (`CIS-3.14`), its CIS level (`CIS-L2`).
    pub aliases: Vec<String>,
}

impl Diagnostic {
    /// The rule's aliases, then this finding's own, without repeats.
    pub fn all_aliases(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        let rule = self.rule.aliases.iter().copied();
        for alias in rule.chain(self.aliases.iter().map(String::as_str)) {
            if !all.iter().any(|known| known == alias) {
                all.push(alias.to_owned());
            }
        }
        all
    }
}

/// The tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    /// `dockward`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

/// One thing that was examined: a file, an image, a container, the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `dockerfile`, `compose`, `image`, `container`, `host`, `daemon`.
    pub kind: String,
    /// Path or name.
    pub name: String,
}

/// Everything a renderer needs: the findings, the rules they cite, the
/// sources they point into.
#[derive(Debug, Clone)]
pub struct Report {
    /// Who produced it.
    pub tool: ToolInfo,
    /// What was examined, in order.
    pub subjects: Vec<Subject>,
    /// Findings, suppressed ones included (see [`Diagnostic::suppression`]).
    pub diagnostics: Vec<Diagnostic>,
    /// Source files, for code frames, keyed by their path.
    pub sources: Vec<SourceFile>,
    /// Every rule that was enabled for this run (SARIF lists them).
    pub rules: Vec<&'static RuleDescriptor>,
}
