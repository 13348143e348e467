//! One logical line → one [`Instruction`]: keyword, flags, arguments and the
//! instruction-specific content (BuildKit's `splitCommand`, the line parsers
//! of `line_parsers.go` and the argument checks of `instructions/parse.go`).

use dockward_diagnostics::Span;

use super::lines::slice;
use super::mount::parse_mount;
use super::words::{JsonArgs, is_line_ws, json_args, parse_words, split_whitespace, unquote};
use crate::ast::{
    ArgDecl, ArgText, CommandLine, CopyArgs, Flag, From, Healthcheck, Instruction, InstructionKind,
    KeyValue, Keyword, ParseError, Run, Spanned,
};

/// ONBUILD triggers are parsed this deep at most (BuildKit forbids
/// `ONBUILD ONBUILD` anyway; the bound keeps recursion finite).
const MAX_ONBUILD_DEPTH: usize = 8;

/// An instruction built from a logical line, before the driver attaches
/// heredocs, lines and the stage.
pub(crate) struct Built {
    /// The instruction (span covers the logical line; lines are 0).
    pub instruction: Instruction,
    /// The instruction (or its ONBUILD trigger) may open heredocs: RUN, COPY
    /// or ADD not written as a JSON array.
    pub heredoc_capable: bool,
}

/// Builds the instruction written on `line` (the joined logical line).
pub(crate) fn build(line: &ArgText, escape: char, errors: &mut Vec<ParseError>) -> Built {
    build_at_depth(line, escape, errors, 0)
}

fn build_at_depth(
    line: &ArgText,
    escape: char,
    errors: &mut Vec<ParseError>,
    depth: usize,
) -> Built {
    let text = line.text.as_str();
    let kw_start = text.len() - text.trim_start().len();
    let kw_end = text[kw_start..]
        .char_indices()
        .find(|&(_, c)| is_line_ws(c))
        .map_or(text.len(), |(i, _)| kw_start + i);
    let word = &text[kw_start..kw_end];
    let keyword = Keyword::from_word(word);
    let keyword_span = line.source_span(kw_start, kw_end);
    let content_end = text.trim_end().len().max(kw_end);
    let span = line.source_span(kw_start, content_end);

    let (flags, args_start) = extract_flags(line, kw_end);
    let args_end = text.trim_end().len().max(args_start);
    let args = slice(line, args_start, args_end);

    let mut cx = Cx {
        args: &args,
        escape,
        errors,
        span,
        keyword,
    };
    let mut heredoc_capable = false;
    let kind = match keyword {
        Keyword::From => cx.from(),
        Keyword::Run => {
            let (kind, json) = cx.run(&flags);
            heredoc_capable = !json;
            kind
        }
        Keyword::Cmd => cx
            .command_line(false)
            .0
            .map_or(InstructionKind::Invalid, InstructionKind::Cmd),
        Keyword::Entrypoint => cx
            .command_line(false)
            .0
            .map_or(InstructionKind::Invalid, InstructionKind::Entrypoint),
        Keyword::Shell => cx.shell(),
        Keyword::Copy | Keyword::Add => {
            let (kind, json) = cx.copy();
            heredoc_capable = !json;
            kind
        }
        Keyword::Env => cx.key_values(true),
        Keyword::Label => cx.key_values(false),
        Keyword::Arg => cx.arg(),
        Keyword::Expose => cx.expose(),
        Keyword::User => cx.single(InstructionKind::User, true),
        Keyword::Workdir => cx.single(InstructionKind::Workdir, true),
        Keyword::Stopsignal => cx.single(InstructionKind::Stopsignal, true),
        Keyword::Maintainer => cx.single(InstructionKind::Maintainer, false),
        Keyword::Volume => cx.volume(),
        Keyword::Healthcheck => cx.healthcheck(),
        Keyword::Onbuild => {
            if args.text.is_empty() {
                cx.error("ONBUILD requires at least one argument");
                InstructionKind::Invalid
            } else if depth >= MAX_ONBUILD_DEPTH {
                cx.error("ONBUILD triggers are nested too deeply");
                InstructionKind::Invalid
            } else {
                let inner = build_at_depth(&args, escape, cx.errors, depth + 1);
                heredoc_capable = inner.heredoc_capable;
                let mut trigger = inner.instruction;
                trigger.span = Span::new(trigger.keyword_span.start, span.end);
                InstructionKind::Onbuild(Box::new(trigger))
            }
        }
        Keyword::Unknown => {
            errors.push(ParseError {
                message: format!("unknown instruction: {word}"),
                span: keyword_span,
            });
            InstructionKind::Invalid
        }
    };

    Built {
        instruction: Instruction {
            keyword,
            keyword_span,
            span,
            start_line: 0,
            end_line: 0,
            flags,
            args,
            heredocs: Vec::new(),
            kind,
            stage: None,
        },
        heredoc_capable,
    }
}

/// BuildKit's `extractBuilderFlags`: `--name[=value]` words at the start of
/// the arguments. A bare `--` ends the flags. Returns the flags and the
/// offset (in `line.text`) where the arguments start.
fn extract_flags(line: &ArgText, from: usize) -> (Vec<Flag>, usize) {
    let text = line.text.as_str();
    let mut flags = Vec::new();
    let mut pos = from;
    loop {
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start().len();
        let start = pos + skipped;
        if !text[start..].starts_with("--") {
            return (flags, start);
        }
        let end = flag_word_end(text, start);
        let word = &text[start..end];
        if word == "--" {
            let after = &text[end..];
            return (flags, end + (after.len() - after.trim_start().len()));
        }
        let body = &word[2..];
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => (body.to_owned(), None),
        };
        flags.push(Flag {
            name,
            value,
            span: line.source_span(start, end),
        });
        pos = end;
    }
}

/// End of a flag word: whitespace outside quotes ends it; `\` protects the
/// next character.
fn flag_word_end(text: &str, start: usize) -> usize {
    let mut quote: Option<char> = None;
    let mut chars = text[start..].char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            None if c.is_whitespace() => return start + i,
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            _ if c == '\\' => {
                chars.next();
            }
            _ => {}
        }
    }
    text.len()
}

struct Cx<'a> {
    args: &'a ArgText,
    escape: char,
    errors: &'a mut Vec<ParseError>,
    span: Span,
    keyword: Keyword,
}

impl Cx<'_> {
    fn error(&mut self, message: impl Into<String>) {
        self.errors.push(ParseError {
            message: message.into(),
            span: self.span,
        });
    }

    fn text(&self) -> &str {
        &self.args.text
    }

    fn spanned(&self, value: String, start: usize, end: usize) -> Spanned<String> {
        Spanned::new(value, self.args.source_span(start, end))
    }

    fn raw_word(&self, (start, end): (usize, usize)) -> Spanned<String> {
        self.spanned(self.text()[start..end].to_owned(), start, end)
    }

    fn unquoted_word(&self, (start, end): (usize, usize)) -> Spanned<String> {
        self.spanned(unquote(&self.text()[start..end], self.escape), start, end)
    }

    fn need_args(&mut self) -> bool {
        if self.text().is_empty() {
            let message = format!("{} requires at least one argument", self.keyword.as_str());
            self.error(message);
            return false;
        }
        true
    }

    fn from(&mut self) -> InstructionKind {
        let words = split_whitespace(self.text());
        let alias = match words.as_slice() {
            [_] => None,
            [_, as_word, name] if self.text()[as_word.0..as_word.1].eq_ignore_ascii_case("as") => {
                Some(self.raw_word(*name))
            }
            _ => {
                self.error("FROM requires either one or three arguments");
                return InstructionKind::Invalid;
            }
        };
        if let Some(alias) = alias
            .as_ref()
            .filter(|a| !valid_stage_name(&a.value.to_ascii_lowercase()))
        {
            self.errors.push(ParseError {
                message: format!(
                    "invalid name for build stage: \"{}\", name can't start with a number or contain symbols",
                    alias.value
                ),
                span: alias.span,
            });
        }
        InstructionKind::From(From {
            image: self.raw_word(words[0]),
            alias,
        })
    }

    /// Exec or shell form. Returns `None` (error reported) for a JSON array
    /// with non-string elements; the flag says whether it was JSON.
    fn command_line(&mut self, required: bool) -> (Option<CommandLine>, bool) {
        if self.text().is_empty() {
            if required {
                self.need_args();
                return (None, false);
            }
            return (Some(CommandLine::Shell), false);
        }
        match json_args(self.text()) {
            JsonArgs::Strings(items) => (
                Some(CommandLine::Exec(
                    items
                        .into_iter()
                        .map(|(v, s, e)| self.spanned(v, s, e))
                        .collect(),
                )),
                true,
            ),
            JsonArgs::NotStrings => {
                self.error(NOT_STRING_ARRAY);
                (None, true)
            }
            JsonArgs::NotJson => (Some(CommandLine::Shell), false),
        }
    }

    fn run(&mut self, flags: &[Flag]) -> (InstructionKind, bool) {
        let (command, json) = self.command_line(true);
        let Some(command) = command else {
            return (InstructionKind::Invalid, json);
        };
        let mounts = flags
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case("mount"))
            .map(|f| parse_mount(f.value.as_deref().unwrap_or(""), f.span))
            .collect();
        (InstructionKind::Run(Run { command, mounts }), json)
    }

    fn shell(&mut self) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        match json_args(self.text()) {
            JsonArgs::Strings(items) => InstructionKind::Shell(
                items
                    .into_iter()
                    .map(|(v, s, e)| self.spanned(v, s, e))
                    .collect(),
            ),
            JsonArgs::NotStrings => {
                self.error(NOT_STRING_ARRAY);
                InstructionKind::Invalid
            }
            JsonArgs::NotJson => {
                self.error("SHELL requires the arguments to be in JSON form");
                InstructionKind::Invalid
            }
        }
    }

    /// Words of a "maybe JSON to list" instruction (COPY, ADD, VOLUME):
    /// `None` after reporting a non-string JSON array.
    fn list(&mut self) -> Option<(Vec<Spanned<String>>, bool)> {
        match json_args(self.text()) {
            JsonArgs::Strings(items) => Some((
                items
                    .into_iter()
                    .map(|(v, s, e)| self.spanned(v, s, e))
                    .collect(),
                true,
            )),
            JsonArgs::NotStrings => {
                self.error(NOT_STRING_ARRAY);
                None
            }
            JsonArgs::NotJson => Some((
                split_whitespace(self.text())
                    .into_iter()
                    .map(|w| self.unquoted_word(w))
                    .collect(),
                false,
            )),
        }
    }

    fn copy(&mut self) -> (InstructionKind, bool) {
        let Some((mut words, exec_form)) = self.list() else {
            return (InstructionKind::Invalid, true);
        };
        if words.len() < 2 {
            let message = format!(
                "{} requires at least two arguments, but only {} provided. Destination could not be determined",
                self.keyword.as_str(),
                if words.is_empty() {
                    "none was"
                } else {
                    "one was"
                }
            );
            self.error(message);
            return (InstructionKind::Invalid, exec_form);
        }
        let dest = words.pop();
        let args = CopyArgs {
            sources: words,
            dest,
            exec_form,
        };
        let kind = if self.keyword == Keyword::Add {
            InstructionKind::Add(args)
        } else {
            InstructionKind::Copy(args)
        };
        (kind, exec_form)
    }

    fn volume(&mut self) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        match self.list() {
            Some((words, _)) if !words.is_empty() => InstructionKind::Volume(words),
            Some(_) => {
                self.error("VOLUME specified can not be an empty string");
                InstructionKind::Invalid
            }
            None => InstructionKind::Invalid,
        }
    }

    fn expose(&mut self) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        let words = split_whitespace(self.text())
            .into_iter()
            .map(|w| self.raw_word(w))
            .collect();
        InstructionKind::Expose(words)
    }

    fn single(
        &mut self,
        make: fn(Spanned<String>) -> InstructionKind,
        unquoted: bool,
    ) -> InstructionKind {
        if self.text().is_empty() {
            let message = format!("{} requires exactly one argument", self.keyword.as_str());
            self.error(message);
            return InstructionKind::Invalid;
        }
        let whole = (0, self.text().len());
        make(if unquoted {
            self.unquoted_word(whole)
        } else {
            self.raw_word(whole)
        })
    }

    /// ENV and LABEL (`parseNameVal`): `k=v ...` or the legacy `k v`.
    fn key_values(&mut self, env: bool) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        let text = self.text();
        let words = parse_words(text, self.escape);
        let Some(&first) = words.first() else {
            self.need_args();
            return InstructionKind::Invalid;
        };
        let legacy = !text[first.0..first.1].contains('=');
        let pairs = if legacy {
            self.legacy_pair().map(|p| vec![p])
        } else {
            self.pairs(&words)
        };
        let Some(pairs) = pairs else {
            return InstructionKind::Invalid;
        };
        if env {
            InstructionKind::Env(pairs)
        } else {
            InstructionKind::Label(pairs)
        }
    }

    /// Legacy `KEY key value`: the key is the first whitespace-delimited
    /// part, the value everything after the whitespace that follows it.
    fn legacy_pair(&mut self) -> Option<KeyValue> {
        let text = self.text();
        let key_end = text.find(is_line_ws).unwrap_or(text.len());
        let rest = &text[key_end..];
        let value_start = key_end + (rest.len() - rest.trim_start_matches(is_line_ws).len());
        if value_start >= text.len() {
            let message = format!("{} must have two arguments", self.keyword.as_str());
            self.error(message);
            return None;
        }
        Some(KeyValue {
            key: self.unquoted_word((0, key_end)),
            value: self.unquoted_word((value_start, text.len())),
            legacy: true,
        })
    }

    /// `k=v` words.
    fn pairs(&mut self, words: &[(usize, usize)]) -> Option<Vec<KeyValue>> {
        let mut pairs = Vec::new();
        for &(start, end) in words {
            let word = &self.text()[start..end];
            let Some(eq) = word.find('=') else {
                let message = format!(
                    "Syntax error - can't find = in \"{word}\". Must be of the form: name=value"
                );
                self.error(message);
                return None;
            };
            let key = self.unquoted_word((start, start + eq));
            if key.value.is_empty() {
                let message = format!("{} names can not be blank", self.keyword.as_str());
                self.error(message);
                return None;
            }
            pairs.push(KeyValue {
                key,
                value: self.unquoted_word((start + eq + 1, end)),
                legacy: false,
            });
        }
        Some(pairs)
    }

    /// ARG (`parseNameOrNameVal`): `name`, `name=default`, several allowed.
    fn arg(&mut self) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        let text = self.text();
        let mut decls = Vec::new();
        for (start, end) in parse_words(text, self.escape) {
            let word = &text[start..end];
            let decl = match word.find('=') {
                Some(eq) => ArgDecl {
                    name: self.unquoted_word((start, start + eq)),
                    default: Some(self.unquoted_word((start + eq + 1, end))),
                },
                None => ArgDecl {
                    name: self.unquoted_word((start, end)),
                    default: None,
                },
            };
            if decl.name.value.is_empty() {
                self.error("ARG names can not be blank");
                return InstructionKind::Invalid;
            }
            decls.push(decl);
        }
        InstructionKind::Arg(decls)
    }

    /// HEALTHCHECK (`parseHealthConfig`): `NONE` or `CMD command`.
    fn healthcheck(&mut self) -> InstructionKind {
        if !self.need_args() {
            return InstructionKind::Invalid;
        }
        let text = self.text();
        let sep = text.find(char::is_whitespace).unwrap_or(text.len());
        let typ = text[..sep].to_owned();
        let rest = &text[sep..];
        let next = sep + (rest.len() - rest.trim_start().len());
        if typ.eq_ignore_ascii_case("none") {
            if next < text.len() {
                self.error("HEALTHCHECK NONE takes no arguments");
                return InstructionKind::Invalid;
            }
            return InstructionKind::Healthcheck(Healthcheck::None);
        }
        if !typ.eq_ignore_ascii_case("cmd") {
            self.error(format!("Unknown type \"{typ}\" in HEALTHCHECK (try CMD)"));
            return InstructionKind::Invalid;
        }
        if next >= text.len() {
            self.error("Missing command after HEALTHCHECK CMD");
            return InstructionKind::Invalid;
        }
        let command = slice(self.args, next, text.len());
        match json_args(&command.text) {
            JsonArgs::Strings(items) => {
                InstructionKind::Healthcheck(Healthcheck::Cmd(CommandLine::Exec(
                    items
                        .into_iter()
                        .map(|(v, s, e)| Spanned::new(v, command.source_span(s, e)))
                        .collect(),
                )))
            }
            JsonArgs::NotStrings => {
                self.error(NOT_STRING_ARRAY);
                InstructionKind::Invalid
            }
            JsonArgs::NotJson => InstructionKind::Healthcheck(Healthcheck::Cmd(CommandLine::Shell)),
        }
    }
}

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's stage name rule: `^[a-z][a-z0-9-_.]*$` (after lowercasing).
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}
