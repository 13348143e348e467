//! A small hand-built report exercising every renderer: two Dockerfiles (one
//! with a tab, one with non-ASCII text and CRLF line ends), a file without
//! findings, a multi-line span, a suppressed finding and an object location.

use dockward_diagnostics::{
    Diagnostic, Location, Report, RuleDescriptor, Severity, SourceFile, Span, Subject, Suppression,
    SuppressionKind, ToolInfo,
};

pub static FROM_LATEST_TAG: RuleDescriptor = RuleDescriptor {
    code: "DF003",
    name: "from-latest-tag",
    summary: "FROM uses the `latest` tag",
    docs: " ## What it does\n Flags `FROM image:latest` and `FROM image` without a tag.\n\n ## Why is this bad?\n The image changes under you.\n",
    default_severity: Severity::Medium,
    aliases: &["DL3007", "DS001"],
    references: &["https://docs.docker.com/reference/dockerfile/#from"],
};

pub static APT_INSTALL_RECOMMENDS: RuleDescriptor = RuleDescriptor {
    code: "DF012",
    name: "apt-install-with-recommends",
    summary: "`apt-get install` without `--no-install-recommends`",
    docs: " ## What it does\n Flags `apt-get install` without `--no-install-recommends`.\n",
    default_severity: Severity::Low,
    aliases: &["DL3015"],
    references: &[],
};

pub static SECRET_IN_ENV: RuleDescriptor = RuleDescriptor {
    code: "DF020",
    name: "secret-in-env",
    summary: "ENV or ARG holds a secret",
    docs: "",
    default_severity: Severity::Critical,
    aliases: &[],
    references: &["https://docs.docker.com/build/building/secrets/"],
};

pub static PRIVILEGED_CONTAINER: RuleDescriptor = RuleDescriptor {
    code: "CT001",
    name: "privileged-container",
    summary: "The container runs privileged",
    docs: " ## What it does\n Flags containers started with `--privileged`.\n",
    default_severity: Severity::High,
    aliases: &["CIS-5.4"],
    references: &[
        "https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities",
    ],
};

pub static MAINTAINER_DEPRECATED: RuleDescriptor = RuleDescriptor {
    code: "DF030",
    name: "maintainer-instruction",
    summary: "MAINTAINER is deprecated",
    docs: " ## What it does\n Flags MAINTAINER.\n",
    default_severity: Severity::Info,
    aliases: &["DL4000"],
    references: &[],
};

pub const ROOT_DOCKERFILE: &str = "FROM ubuntu:latest\n\
# hadolint ignore=DL3015\n\
RUN apt-get install -y curl\n\
RUN apt-get update && \\\n\
\tapt-get install -y \\\n\
\t  wget ca-certificates && \\\n\
\trm -rf /var/lib/apt/lists/*\n\
ENV\tAPI_TOKEN=s3cr3t\n";

pub const API_DOCKERFILE: &str =
    "FROM node:latest AS büild\r\nLABEL description=\"日本語 ✓\"\r\nCMD [\"node\"]\r\n";

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or(0);
    Span::new(start, start + needle.len())
}

fn diagnostic(
    rule: &'static RuleDescriptor,
    severity: Severity,
    message: &str,
    location: Location,
) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        message: message.to_owned(),
        location,
        suppression: None,
        aliases: Vec::new(),
    }
}

/// The report every snapshot renders.
pub fn report() -> Report {
    let root = SourceFile::new("Dockerfile", ROOT_DOCKERFILE);
    let api = SourceFile::new("services/api/Dockerfile", API_DOCKERFILE);
    let multi_line_run = {
        let start = ROOT_DOCKERFILE.find("RUN apt-get update").unwrap_or(0);
        let end = ROOT_DOCKERFILE.find("lists/*").unwrap_or(0) + "lists/*".len();
        Span::new(start, end)
    };
    let mut suppressed = diagnostic(
        &APT_INSTALL_RECOMMENDS,
        Severity::Low,
        "`apt-get install` installs recommended packages; add `--no-install-recommends`",
        Location::in_file(
            &root,
            span_of(ROOT_DOCKERFILE, "RUN apt-get install -y curl"),
        ),
    );
    suppressed.suppression = Some(Suppression {
        kind: SuppressionKind::InSource,
        justification: "# hadolint ignore=DL3015".to_owned(),
    });
    let diagnostics = vec![
        diagnostic(
            &FROM_LATEST_TAG,
            Severity::Medium,
            "`ubuntu:latest` is not pinned; use a version tag or a digest",
            Location::in_file(&root, span_of(ROOT_DOCKERFILE, "ubuntu:latest")),
        ),
        suppressed,
        diagnostic(
            &APT_INSTALL_RECOMMENDS,
            Severity::Low,
            "`apt-get install` installs recommended packages; add `--no-install-recommends`",
            Location::in_file(&root, multi_line_run),
        ),
        diagnostic(
            &SECRET_IN_ENV,
            Severity::Critical,
            "`API_TOKEN` looks like a secret and stays in the image history",
            Location::in_file(&root, span_of(ROOT_DOCKERFILE, "API_TOKEN=s3cr3t")),
        ),
        diagnostic(
            &FROM_LATEST_TAG,
            Severity::Medium,
            "`node:latest` is not pinned (stage «büild»)",
            Location::in_file(&api, span_of(API_DOCKERFILE, "node:latest")),
        ),
        diagnostic(
            &PRIVILEGED_CONTAINER,
            Severity::High,
            "container `web` runs with --privileged",
            Location::Object {
                kind: "container".to_owned(),
                name: "web".to_owned(),
            },
        ),
    ];
    Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: "0.1.0".to_owned(),
        },
        subjects: vec![
            subject("dockerfile", "Dockerfile"),
            subject("dockerfile", "services/api/Dockerfile"),
            subject("dockerfile", "clean/Dockerfile"),
            subject("container", "web"),
        ],
        diagnostics,
        sources: vec![root, api],
        rules: vec![
            &FROM_LATEST_TAG,
            &APT_INSTALL_RECOMMENDS,
            &SECRET_IN_ENV,
            &PRIVILEGED_CONTAINER,
            &MAINTAINER_DEPRECATED,
        ],
    }
}

fn subject(kind: &str, name: &str) -> Subject {
    Subject {
        kind: kind.to_owned(),
        name: name.to_owned(),
    }
}

/// A report with one finding on `text` at `span`, for edge cases.
pub fn single(text: &str, span: Span) -> Report {
    let file = SourceFile::new("Dockerfile", text.to_owned());
    let location = Location::in_file(&file, span);
    Report {
        tool: ToolInfo {
            name: "dockward".to_owned(),
            version: "0.1.0".to_owned(),
        },
        subjects: vec![subject("dockerfile", "Dockerfile")],
        diagnostics: vec![diagnostic(
            &FROM_LATEST_TAG,
            Severity::Medium,
            "message",
            location,
        )],
        sources: vec![file],
        rules: vec![&FROM_LATEST_TAG],
    }
}
