//! The spanned Dockerfile AST.
//!
//! Spans are byte ranges into the text given to [`parse`](crate::parse).
//! Values (`Spanned::value`) are what BuildKit would see: continuations
//! joined, quotes removed where the instruction's grammar removes them,
//! variables *not* expanded (see [`crate::expand`]).

use dockward_diagnostics::Span;

/// A value and the source range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is in the source.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value` found at `span`.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    /// The value as `&str`.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// Parser directives at the top of the file.
    pub directives: Directives,
    /// Instructions in file order (ONBUILD triggers nested in their ONBUILD).
    pub instructions: Vec<Instruction>,
    /// Comment lines outside continuations, in file order (directives excluded).
    pub comments: Vec<Comment>,
    /// Build stages, one per FROM, in file order.
    pub stages: Vec<Stage>,
    /// Problems found; the rest of the file was still parsed.
    pub errors: Vec<ParseError>,
}

/// `# syntax=`, `# escape=`, `# check=` at the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directives {
    /// `# syntax=` (the frontend image).
    pub syntax: Option<Spanned<String>>,
    /// `# escape=` as written.
    pub escape: Option<Spanned<String>>,
    /// `# check=` (BuildKit build checks configuration).
    pub check: Option<Spanned<String>>,
    /// The effective escape character: `\` unless `# escape=` says `` ` ``.
    pub escape_char: char,
}

impl Default for Directives {
    fn default() -> Self {
        Directives {
            syntax: None,
            escape: None,
            check: None,
            escape_char: '\\',
        }
    }
}

/// A comment line (`# ...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, leading and trailing whitespace trimmed.
    pub text: String,
    /// The whole comment, `#` included.
    pub span: Span,
    /// 1-based physical line.
    pub line: u32,
}

/// A problem found while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong, in BuildKit's words where BuildKit has them.
    pub message: String,
    /// Where.
    pub span: Span,
}

/// The instruction keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `ADD`
    Add,
    /// `ARG`
    Arg,
    /// `CMD`
    Cmd,
    /// `COPY`
    Copy,
    /// `ENTRYPOINT`
    Entrypoint,
    /// `ENV`
    Env,
    /// `EXPOSE`
    Expose,
    /// `FROM`
    From,
    /// `HEALTHCHECK`
    Healthcheck,
    /// `LABEL`
    Label,
    /// `MAINTAINER` (deprecated)
    Maintainer,
    /// `ONBUILD`
    Onbuild,
    /// `RUN`
    Run,
    /// `SHELL`
    Shell,
    /// `STOPSIGNAL`
    Stopsignal,
    /// `USER`
    User,
    /// `VOLUME`
    Volume,
    /// `WORKDIR`
    Workdir,
    /// Anything else (BuildKit rejects it when building).
    Unknown,
}

impl Keyword {
    /// Upper-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }

    /// The keyword spelled `word` (case-insensitive).
    pub fn from_word(word: &str) -> Keyword {
        const ALL: [Keyword; 18] = [
            Keyword::Add,
            Keyword::Arg,
            Keyword::Cmd,
            Keyword::Copy,
            Keyword::Entrypoint,
            Keyword::Env,
            Keyword::Expose,
            Keyword::From,
            Keyword::Healthcheck,
            Keyword::Label,
            Keyword::Maintainer,
            Keyword::Onbuild,
            Keyword::Run,
            Keyword::Shell,
            Keyword::Stopsignal,
            Keyword::User,
            Keyword::Volume,
            Keyword::Workdir,
        ];
        ALL.into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(word))
            .unwrap_or(Keyword::Unknown)
    }
}

/// One instruction (a logical line, continuations joined, heredoc bodies attached).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Which instruction.
    pub keyword: Keyword,
    /// The keyword as written (for `Unknown`, the unknown word).
    pub keyword_span: Span,
    /// The whole instruction: keyword to the end of its last line or heredoc.
    pub span: Span,
    /// 1-based first physical line.
    pub start_line: u32,
    /// 1-based last physical line (heredoc bodies included).
    pub end_line: u32,
    /// `--name[=value]` flags in order, as written (BuildKit's parser accepts
    /// any flag; validation is a rule's job).
    pub flags: Vec<Flag>,
    /// The argument text after the keyword and flags, continuations joined.
    pub args: ArgText,
    /// Heredocs opened on this instruction's line, in order.
    pub heredocs: Vec<Heredoc>,
    /// The instruction-specific content.
    pub kind: InstructionKind,
    /// Index into [`Dockerfile::stages`]; `None` before the first FROM.
    pub stage: Option<usize>,
}

impl Instruction {
    /// The first flag called `name` (without the dashes), if any.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// An instruction flag, `--name=value` or `--name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--`.
    pub name: String,
    /// The value after `=`, if any (quotes kept as written).
    pub value: Option<String>,
    /// The whole flag.
    pub span: Span,
}

/// The argument text of an instruction with continuations joined, and the
/// map back to the source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArgText {
    /// The joined text, as BuildKit passes it on (comment lines inside
    /// continuations removed, escape+newline removed).
    pub text: String,
    /// Pieces of `text` and where each starts in the source:
    /// `(offset in text, offset in source)`, sorted by both.
    pub pieces: Vec<(usize, usize)>,
}

impl ArgText {
    /// Source offset of byte `offset` of [`ArgText::text`].
    pub fn source_offset(&self, offset: usize) -> usize {
        let i = match self.pieces.binary_search_by_key(&offset, |&(t, _)| t) {
            Ok(i) => i,
            Err(0) => return self.pieces.first().map_or(offset, |&(_, s)| s),
            Err(i) => i - 1,
        };
        let (t, s) = self.pieces[i];
        s + (offset - t)
    }

    /// Source span of `start..end` of [`ArgText::text`].
    pub fn source_span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = self.source_offset(start);
            return Span::new(at, at);
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }
}

/// A here-document (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word, quotes removed.
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// The delimiter was quoted: no expansion in the body.
    pub quoted: bool,
    /// A file-descriptor prefix (`3<<EOF`).
    pub fd: Option<u32>,
    /// The body (tabs stripped for `<<-`), ending with a newline unless empty.
    pub body: String,
    /// The body in the source (without the closing delimiter line).
    pub body_span: Span,
    /// The `<<EOF` marker on the instruction line.
    pub marker_span: Span,
}

/// A command given as JSON array (exec form) or as text (shell form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandLine {
    /// `["executable", "arg"]`.
    Exec(Vec<Spanned<String>>),
    /// `command arg`: run with the stage's SHELL. The text is [`Instruction::args`].
    Shell,
}

/// `FROM [--platform=..] image [AS name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct From {
    /// The image reference as written (variables not expanded).
    pub image: Spanned<String>,
    /// `AS name`, as written.
    pub alias: Option<Spanned<String>>,
}

/// A `RUN --mount=...` specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// `type=` (default `bind`).
    pub kind: String,
    /// Every `key[=value]` pair in order (bare keys like `ro` have no value).
    pub options: Vec<(String, Option<String>)>,
    /// The whole `--mount=...` flag.
    pub span: Span,
}

impl Mount {
    /// The value of the first option called `key` (aliases are the caller's job).
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_deref())
    }

    /// The mount target (`target`, `dst` or `destination`).
    pub fn target(&self) -> Option<&str> {
        self.option("target")
            .or_else(|| self.option("dst"))
            .or_else(|| self.option("destination"))
    }
}

/// `RUN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Exec or shell form.
    pub command: CommandLine,
    /// `--mount` flags, parsed.
    pub mounts: Vec<Mount>,
}

/// `COPY` / `ADD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyArgs {
    /// Sources (heredoc markers appear as `<<EOF`).
    pub sources: Vec<Spanned<String>>,
    /// Destination (the last argument), if there are at least two arguments.
    pub dest: Option<Spanned<String>>,
    /// Written as a JSON array.
    pub exec_form: bool,
}

/// A `key=value` pair of ENV or LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key, quotes removed.
    pub key: Spanned<String>,
    /// The value, quotes removed, escapes resolved; spans the value as written.
    pub value: Spanned<String>,
    /// Written in the legacy `ENV key value` form.
    pub legacy: bool,
}

/// One name of an ARG instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgDecl {
    /// The name.
    pub name: Spanned<String>,
    /// The default after `=`, quotes removed.
    pub default: Option<Spanned<String>>,
}

/// `HEALTHCHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`: disables the inherited check.
    None,
    /// `HEALTHCHECK [flags] CMD ...`.
    Cmd(CommandLine),
}

/// The instruction-specific content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstructionKind {
    /// `FROM`
    From(From),
    /// `RUN`
    Run(Run),
    /// `CMD`
    Cmd(CommandLine),
    /// `ENTRYPOINT`
    Entrypoint(CommandLine),
    /// `SHELL ["executable", "param"]`
    Shell(Vec<Spanned<String>>),
    /// `COPY`
    Copy(CopyArgs),
    /// `ADD`
    Add(CopyArgs),
    /// `ENV`
    Env(Vec<KeyValue>),
    /// `ARG`
    Arg(Vec<ArgDecl>),
    /// `LABEL`
    Label(Vec<KeyValue>),
    /// `EXPOSE` ports as written (`80`, `80/tcp`, `8000-8010/udp`, `$PORT`)
    Expose(Vec<Spanned<String>>),
    /// `USER user[:group]`
    User(Spanned<String>),
    /// `WORKDIR`
    Workdir(Spanned<String>),
    /// `VOLUME` paths
    Volume(Vec<Spanned<String>>),
    /// `HEALTHCHECK`
    Healthcheck(Healthcheck),
    /// `ONBUILD` and its trigger.
    Onbuild(Box<Instruction>),
    /// `MAINTAINER`
    Maintainer(Spanned<String>),
    /// `STOPSIGNAL`
    Stopsignal(Spanned<String>),
    /// An instruction whose arguments could not be understood, or an unknown
    /// keyword; the reason is in [`Dockerfile::errors`].
    Invalid,
}

/// What a stage is built on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageBase {
    /// `FROM scratch`.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference as written.
    Image(String),
}

/// A build stage: one FROM and the instructions up to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// Position among the stages.
    pub index: usize,
    /// Index of its FROM in [`Dockerfile::instructions`].
    pub from: usize,
    /// Index one past its last instruction.
    pub end: usize,
    /// `AS name`, lowercased (stage names are case-insensitive).
    pub name: Option<String>,
    /// What it is built on.
    pub base: StageBase,
}
