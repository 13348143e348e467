use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that BuildKit would refuse to build: an unknown
    /// instruction, an instruction missing its required arguments (`FROM`
    /// alone, `COPY` with a single path), a JSON array that holds something
    /// other than strings, a heredoc that is never closed, a repeated or
    /// invalid parser directive, or a file with no instruction at all.
    ///
    /// dockward parses like BuildKit does, so it accepts what BuildKit accepts
    /// even where other linters do not: `\\` at the end of a line (a Windows
    /// path, not a continuation), heredocs in `ADD`, `RUN --mount` without
    /// `target`, `ENTRYPOINT []`, and a shell-form `RUN [ -f x ]`.
    ///
    /// ## Why is this bad?
    /// The build fails at this line. Every other finding on the file is
    /// computed from a partial parse (the rest of the file is still checked),
    /// so it may be incomplete. A file that is a template (a jq or Go
    /// template rendering to a Dockerfile, `{{ .foo }}`) lands here too:
    /// lint the rendered output instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY app.tar.gz
    /// RUN <<EOF
    /// apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY app.tar.gz /opt/
    /// RUN <<EOF
    /// apt-get update
    /// EOF
    /// ```
    ///
    /// ## Compared with hadolint
    /// dockward follows BuildKit's parser, so it accepts what `docker build`
    /// accepts. hadolint 2.15.1 (DL1000) rejects 9 of the 519 reference
    /// Dockerfiles that BuildKit builds: `RUN --mount` bind mounts without a
    /// `target` (4 files), an `ADD` heredoc (1), and a Windows `COPY` whose
    /// path ends in an escaped backslash, which is not a line continuation (4).
    /// dockward parses all of them and lints them fully. A file that is binary,
    /// not UTF-8, or larger than `--max-file-size` is reported under this code
    /// too, instead of being skipped.
    ///
    /// ## References
    /// - [Dockerfile reference](https://docs.docker.com/reference/dockerfile/)
    /// - [Dockerfile reference: parser directives](https://docs.docker.com/reference/dockerfile/#parser-directives)
    /// - [Dockerfile reference: here-documents](https://docs.docker.com/reference/dockerfile/#here-documents)
    pub struct ParseError {
        severity: High,
        status: Stable,
        summary: "the Dockerfile does not parse",
        aliases: ["DL1000"],
        references: [
            "https://docs.docker.com/reference/dockerfile/",
            "https://docs.docker.com/reference/dockerfile/#parser-directives",
            "https://docs.docker.com/reference/dockerfile/#here-documents",
        ],
    }
}

/// Does nothing: parse errors are not found by looking at the AST but by
/// the parser, and [`crate::lint`] turns each `Dockerfile::errors` entry into
/// a DF001 violation itself.
pub(crate) fn check(_ctx: &Context, _out: &mut Vec<Violation>) {}
