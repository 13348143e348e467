//! RUN bodies analysed as POSIX shell.
//!
//! [`Script`] flattens a shell program into the simple commands it may run,
//! in source order, with enough structure for rules: the `&&`/`||`/`;` chain
//! and pipeline each command is in, its words with quotes removed, and its
//! span in the Dockerfile. Commands nested in `sh -c '...'` / `bash -c` strings,
//! subshells, `$(...)`, `if`/`for`/`while`/`case` bodies and functions are
//! included (with [`SimpleCommand::nested`] set for `-c` strings and
//! [`SimpleCommand::substitution`] for `$(...)` and backquotes).
//!
//! The parser is our own: a recursive-descent POSIX `sh` parser (with the
//! bash forms that appear in Dockerfiles: `[[ ]]`, `(( ))`, `function`,
//! `$'...'`, `<(...)`, `&>`, `|&`, arrays) that works on bytes and keeps exact
//! byte offsets. Text it rejects gets [`Script::error`] and the commands a
//! quote-aware splitter finds.

mod nested;
mod parser;
mod split;
mod word;

use dockward_diagnostics::Span;

/// A word of a command after quote removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value with quotes removed. Parameter expansions are kept as
    /// written (`$VERSION`, `${X:-y}`).
    pub text: String,
    /// Where it is in the Dockerfile.
    pub span: Span,
    /// True when the word contains no expansion (`$`, backticks, globs are
    /// not expansions here), so `text` is its real value.
    pub literal: bool,
}

/// How a command is joined to the one before it.
///
/// The first command inside a compound command takes the compound's own
/// connector (`a && { b; c; }`: `b` is [`Connector::And`]). In `if`/`while`
/// the body reads as a chain of its condition: the first command of a
/// `then`/`do` body of `if`/`while` is [`Connector::And`], of an `else`/`elif`
/// branch or an `until` body [`Connector::Or`]. Commands of a `$(...)` or a
/// nested `sh -c` script start their own chain ([`Connector::Sequence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connector {
    /// First command of the script, or after `;`, `&` or a newline.
    #[default]
    Sequence,
    /// After `&&`.
    And,
    /// After `||`.
    Or,
    /// After `|` (this command reads the previous one's output).
    Pipe,
}

/// A redirection (`> file`, `2>&1`, `<<EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The descriptor written before the operator (`2` in `2>&1`).
    pub fd: Option<u32>,
    /// The operator: `<`, `>`, `>>`, `>|`, `<>`, `<&`, `>&`, `&>`, `&>>`,
    /// `<<`, `<<-` or `<<<`.
    pub op: &'static str,
    /// The file, the descriptor (`1`, `-`) or the here-document delimiter.
    pub target: Word,
}

/// One simple command: `[assignments] name [args] [redirections]`.
///
/// Built by [`parse`]; tests that need one by hand can start from
/// `SimpleCommand { name: ..., args: ..., ..SimpleCommand::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// `NAME=value` prefixes.
    pub assignments: Vec<Word>,
    /// The command word (`apt-get`, `/usr/bin/pip3`); `None` for a bare
    /// assignment or redirection.
    pub name: Option<Word>,
    /// The arguments after the name.
    pub args: Vec<Word>,
    /// Redirections, in order, wherever they were written.
    pub redirects: Vec<Redirect>,
    /// How it is joined to the previous command.
    pub connector: Connector,
    /// Index of the pipeline it is in (commands joined by `|` share it).
    /// Numbered from 0 in order of first appearance in [`Script::commands`];
    /// commands of one pipeline may be interleaved with the commands of
    /// their `$(...)` substitutions and nested scripts.
    pub pipeline: usize,
    /// Number of commands in that pipeline (a compound member such as
    /// `while ...; done` in `a | while ...; done` counts as one).
    pub pipeline_len: usize,
    /// Came from a nested script (`sh -c '...'`, `su -c '...'`, `eval`).
    pub nested: bool,
    /// Runs inside a command substitution (`$(...)`, backquotes, `<(...)`).
    pub substitution: bool,
    /// The whole command in the Dockerfile: first word to last word
    /// (redirections included).
    pub span: Span,
}

impl Default for SimpleCommand {
    /// An empty command, alone in its pipeline.
    fn default() -> Self {
        SimpleCommand {
            assignments: Vec::new(),
            name: None,
            args: Vec::new(),
            redirects: Vec::new(),
            connector: Connector::Sequence,
            pipeline: 0,
            pipeline_len: 1,
            nested: false,
            substitution: false,
            span: Span::default(),
        }
    }
}

impl SimpleCommand {
    /// The command name without its directory (`/usr/bin/pip3` → `pip3`).
    pub fn program(&self) -> Option<&str> {
        let name = self.name.as_ref()?;
        Some(name.text.rsplit('/').next().unwrap_or(&name.text))
    }

    /// True when the program is `name`.
    pub fn is(&self, name: &str) -> bool {
        self.program() == Some(name)
    }

    /// Argument texts in order.
    pub fn arg_texts(&self) -> impl Iterator<Item = &str> {
        self.args.iter().map(|w| w.text.as_str())
    }

    /// True when any argument is the long flag `--long` (also `--long=...`)
    /// or contains the short flag `-s` (in a cluster such as `-qy`).
    pub fn has_flag(&self, short: Option<char>, long: Option<&str>) -> bool {
        self.args.iter().any(|w| {
            let t = w.text.as_str();
            if let Some(long) = long
                && let Some(rest) = t.strip_prefix("--")
                && (rest == long || rest.strip_prefix(long).is_some_and(|r| r.starts_with('=')))
            {
                return true;
            }
            if let Some(short) = short
                && t.len() > 1
                && t.starts_with('-')
                && !t.starts_with("--")
            {
                return t[1..].contains(short);
            }
            false
        })
    }

    /// Arguments that are not options (do not start with `-`).
    pub fn positional(&self) -> impl Iterator<Item = &Word> {
        self.args.iter().filter(|w| !w.text.starts_with('-'))
    }
}

/// A shell program, flattened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    /// Simple commands in source order.
    pub commands: Vec<SimpleCommand>,
    /// Set when the text is not valid shell; `commands` then holds what a
    /// tolerant word splitter found. Also set (prefixed `in nested script:`)
    /// when only a nested `sh -c` string is invalid; the outer commands are
    /// then exact.
    pub error: Option<String>,
    /// Where the first syntax error is, in the Dockerfile.
    pub error_span: Option<Span>,
}

impl Script {
    /// Commands whose program is `name`.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a SimpleCommand> {
        self.commands.iter().filter(move |c| c.is(name))
    }

    /// True when some pipeline has two or more commands.
    pub fn has_pipe(&self) -> bool {
        self.commands.iter().any(|c| c.pipeline_len > 1)
    }

    /// The simple commands of pipeline `id`, in order.
    pub fn pipeline(&self, id: usize) -> impl Iterator<Item = &SimpleCommand> {
        self.commands.iter().filter(move |c| c.pipeline == id)
    }
}

/// Parses `text`, whose byte `i` is at source offset `map(i)`.
///
/// Never fails: invalid shell yields [`Script::error`] and a best-effort
/// command list. `map` must accept every offset in `0..=text.len()` and be
/// non-decreasing; spans end at `map(last byte) + 1`.
pub fn parse(text: &str, map: &dyn Fn(usize) -> usize) -> Script {
    let mut parser = parser::Parser::new(text, map, parser::Level::top());
    let error = parser.run();
    let error = error.or_else(|| parser.nested_error.take());
    let mut commands = std::mem::take(&mut parser.out);
    renumber_pipelines(&mut commands);
    let (error, error_span) = match error {
        Some((message, span)) => (Some(message), Some(span)),
        None => (None, None),
    };
    Script {
        commands,
        error,
        error_span,
    }
}

/// The words of `text` split and unquoted as the shell would (without
/// expanding anything), ignoring operators such as `;` and `|`. For values
/// that hold a command line written as one string, e.g. an `ENV` value
/// holding compiler flags or options passed through a variable.
pub fn split_words(text: &str) -> Vec<String> {
    let identity = |i: usize| i;
    parser::Parser::new(text, &identity, parser::Level::top()).words()
}

/// Numbers pipelines 0, 1, 2... in order of first appearance.
fn renumber_pipelines(commands: &mut [SimpleCommand]) {
    let Some(max) = commands.iter().map(|c| c.pipeline).max() else {
        return;
    };
    let mut new_id = vec![usize::MAX; max + 1];
    let mut next = 0;
    for command in commands {
        let slot = &mut new_id[command.pipeline];
        if *slot == usize::MAX {
            *slot = next;
            next += 1;
        }
        command.pipeline = *slot;
    }
}
