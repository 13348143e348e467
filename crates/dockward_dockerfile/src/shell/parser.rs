//! The recursive-descent shell parser.
//!
//! It reads the text byte by byte (every operator and quote is ASCII, so
//! multi-byte characters only ever appear inside words) and emits
//! [`SimpleCommand`]s into [`Parser::out`] as it goes, in source order. The
//! grammar is POSIX `sh` (XCU 2.10) plus the bash forms seen in Dockerfiles.
//! Word lexing is in `word.rs`, the fallback splitter in `split.rs`.

use dockward_diagnostics::Span;

use super::nested::{self, ScriptPart};
use super::{Connector, Redirect, SimpleCommand, Word};

/// Deepest `sh -c` / `eval` nesting that is parsed.
pub(super) const MAX_NESTING: usize = 8;
/// Deepest syntactic nesting (compound commands, substitutions, `${`).
pub(super) const MAX_DEPTH: usize = 64;

/// Words that are reserved when they are the first word of a command.
const RESERVED: [&str; 20] = [
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "select", "in", "function", "{", "}", "!", "[[", "time",
];

/// A syntax error at byte `at` of the parser's text.
#[derive(Debug)]
pub(super) struct SyntaxError {
    pub message: String,
    pub at: usize,
}

pub(super) type PResult<T> = Result<T, SyntaxError>;

/// Where a parser sits: recursion depth, `-c` nesting, pipeline numbering.
#[derive(Debug, Clone, Copy)]
pub(super) struct Level {
    /// Syntactic depth already used by enclosing parsers.
    pub depth: usize,
    /// How many `sh -c` / `eval` strings enclose the text.
    pub nesting: usize,
    /// Commands are marked [`SimpleCommand::nested`].
    pub nested: bool,
    /// First pipeline id this parser may use.
    pub next_pipeline: usize,
}

impl Level {
    /// A top-level RUN body.
    pub fn top() -> Self {
        Level {
            depth: 0,
            nesting: 0,
            nested: false,
            next_pipeline: 0,
        }
    }
}

/// A here-document whose body starts after the next newline.
#[derive(Debug)]
pub(super) struct PendingHeredoc {
    pub delimiter: Vec<u8>,
    pub strip_tabs: bool,
}

/// The pieces of a simple command while it is being read.
#[derive(Debug, Default)]
pub(super) struct CommandParts {
    pub assignments: Vec<Word>,
    pub name: Option<Word>,
    pub args: Vec<Word>,
    /// Raw `start..end` of each argument in the text (for nested scripts).
    pub arg_raw: Vec<(usize, usize)>,
    pub redirects: Vec<Redirect>,
    /// Raw start of the first word and end of the last.
    pub start: usize,
    pub end: usize,
}

impl CommandParts {
    pub fn at(start: usize) -> Self {
        CommandParts {
            start,
            end: start,
            ..CommandParts::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.assignments.is_empty() && self.redirects.is_empty()
    }

    /// Files `word` (read from `start..end`) as assignment, name or argument.
    pub fn add_word(&mut self, word: Word, start: usize, end: usize, assignment: bool) {
        if self.is_empty() {
            self.start = start;
        }
        self.end = end;
        if self.name.is_some() {
            self.args.push(word);
            self.arg_raw.push((start, end));
        } else if assignment {
            self.assignments.push(word);
        } else {
            self.name = Some(word);
        }
    }

    /// Adds a redirection read from `start..end`.
    pub fn add_redirect(&mut self, redirect: Redirect, start: usize, end: usize) {
        if self.is_empty() {
            self.start = start;
        }
        self.end = end;
        self.redirects.push(redirect);
    }
}

/// The parser state over one text.
pub(super) struct Parser<'a> {
    pub text: &'a str,
    pub src: &'a [u8],
    pub pos: usize,
    pub map: &'a dyn Fn(usize) -> usize,
    /// Commands found so far, in source order.
    pub out: Vec<SimpleCommand>,
    pub next_pipeline: usize,
    pub depth: usize,
    base_depth: usize,
    pub nesting: usize,
    pub nested: bool,
    /// Fallback mode: never fail, skip substitutions instead of parsing them.
    pub tolerant: bool,
    pub heredocs: Vec<PendingHeredoc>,
    /// The first error inside a nested `-c` script (the outer text is valid).
    pub nested_error: Option<(String, Span)>,
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str, map: &'a dyn Fn(usize) -> usize, level: Level) -> Self {
        Parser {
            text,
            src: text.as_bytes(),
            pos: 0,
            map,
            out: Vec::new(),
            next_pipeline: level.next_pipeline,
            depth: level.depth,
            base_depth: level.depth,
            nesting: level.nesting,
            nested: level.nested,
            tolerant: false,
            heredocs: Vec::new(),
            nested_error: None,
        }
    }

    /// Parses the whole text; on a syntax error, falls back to the tolerant
    /// splitter and returns the error.
    pub fn run(&mut self) -> Option<(String, Span)> {
        match self.parse_program() {
            Ok(()) => None,
            Err(error) => {
                let span = self.error_span(error.at);
                self.out.clear();
                self.heredocs.clear();
                self.nested_error = None;
                self.depth = self.base_depth;
                self.pos = 0;
                self.tolerant = true;
                self.split();
                Some((error.message, span))
            }
        }
    }

    // ----- positions -------------------------------------------------------

    pub fn byte(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    pub fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    pub fn starts_with(&self, s: &[u8]) -> bool {
        self.src
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s))
    }

    /// The source offset of text offset `at`, which may be the end.
    fn offset(&self, at: usize) -> usize {
        match self.src.len() {
            0 => (self.map)(0),
            len if at >= len => (self.map)(len - 1) + 1,
            _ => (self.map)(at),
        }
    }

    /// The source span of `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end > start {
            let first = (self.map)(start);
            Span::new(first, ((self.map)(end - 1) + 1).max(first))
        } else {
            Span::empty(self.offset(start))
        }
    }

    fn error_span(&self, at: usize) -> Span {
        if at < self.src.len() {
            self.span(at, at + 1)
        } else {
            Span::empty(self.offset(at))
        }
    }

    pub fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("nesting too deep"));
        }
        self.depth += 1;
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    pub fn alloc_pipeline(&mut self) -> usize {
        self.next_pipeline += 1;
        self.next_pipeline - 1
    }

    // ----- errors ----------------------------------------------------------

    pub fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: message.to_owned(),
            at: self.pos,
        }
    }

    /// The token at the cursor, for messages.
    fn describe(&self) -> String {
        let Some(b) = self.byte() else {
            return "end of text".to_owned();
        };
        if b == b'\n' {
            return "newline".to_owned();
        }
        let rest = self.text.get(self.pos..).unwrap_or("");
        let token: String = if is_meta(b) {
            rest.chars()
                .take_while(char::is_ascii_punctuation)
                .take(2)
                .collect()
        } else {
            rest.chars()
                .take_while(|c| !c.is_ascii() || !is_meta(*c as u8))
                .take(24)
                .collect()
        };
        format!("`{token}`")
    }

    fn unexpected(&self) -> SyntaxError {
        SyntaxError {
            message: format!("unexpected {}", self.describe()),
            at: self.pos,
        }
    }

    pub fn expected(&self, what: &str) -> SyntaxError {
        SyntaxError {
            message: format!("expected {what}, found {}", self.describe()),
            at: self.pos,
        }
    }

    // ----- blanks, comments, newlines ---------------------------------------

    /// Skips spaces, tabs, carriage returns and backslash-newlines.
    pub fn skip_blanks(&mut self) {
        while let Some(b) = self.byte() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.pos += 2,
                _ => break,
            }
        }
    }

    /// Skips a `#` comment up to (not including) the newline.
    pub fn skip_comment(&mut self) {
        if self.byte() == Some(b'#') {
            self.pos = memchr_from(self.src, b'\n', self.pos).unwrap_or(self.src.len());
        }
    }

    /// Consumes a newline and the bodies of pending here-documents.
    pub fn newline(&mut self) {
        self.pos += 1;
        for heredoc in std::mem::take(&mut self.heredocs) {
            while self.pos < self.src.len() {
                let end = memchr_from(self.src, b'\n', self.pos).unwrap_or(self.src.len());
                let mut line = &self.src[self.pos..end];
                self.pos = (end + 1).min(self.src.len());
                if heredoc.strip_tabs {
                    while let [b'\t', rest @ ..] = line {
                        line = rest;
                    }
                }
                if let [rest @ .., b'\r'] = line {
                    line = rest;
                }
                if line == heredoc.delimiter.as_slice() {
                    break;
                }
            }
        }
    }

    /// Skips blanks, comments and newlines.
    pub fn skip_linebreaks(&mut self) {
        loop {
            self.skip_blanks();
            self.skip_comment();
            if self.byte() == Some(b'\n') {
                self.newline();
            } else {
                break;
            }
        }
    }

    /// The reserved word at the cursor, if the next word is exactly one.
    pub fn peek_reserved(&self) -> Option<&'static str> {
        let rest = self.src.get(self.pos..)?;
        let len = rest
            .iter()
            .position(|&b| is_meta(b) || matches!(b, b'\'' | b'"' | b'\\' | b'$' | b'`' | b'\r'))
            .unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        if let Some(&next) = rest.get(len)
            && !is_meta(next)
            && next != b'\r'
        {
            return None;
        }
        let word = &rest[..len];
        RESERVED.into_iter().find(|r| r.as_bytes() == word)
    }

    fn expect_reserved(&mut self, word: &'static str, context: &str) -> PResult<()> {
        self.skip_linebreaks();
        if self.peek_reserved() == Some(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.expected(&format!("`{word}` {context}")))
        }
    }

    /// True at the end of a compound list: end of text, `)`, `;;`, `;&` or
    /// a closing reserved word.
    fn at_list_end(&self) -> bool {
        match self.byte() {
            None | Some(b')') => true,
            Some(b';') => matches!(self.peek(1), Some(b';' | b'&')),
            Some(_) => matches!(
                self.peek_reserved(),
                Some("then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}")
            ),
        }
    }

    // ----- grammar ---------------------------------------------------------

    fn parse_program(&mut self) -> PResult<()> {
        self.parse_list(Connector::Sequence)?;
        self.skip_linebreaks();
        if self.pos < self.src.len() {
            return Err(self.unexpected());
        }
        Ok(())
    }

    /// A compound list; returns how many and-or lists it has.
    pub fn parse_list(&mut self, first: Connector) -> PResult<usize> {
        let mut connector = first;
        let mut count = 0;
        loop {
            self.skip_linebreaks();
            if self.at_list_end() {
                break;
            }
            self.parse_and_or(connector)?;
            count += 1;
            connector = Connector::Sequence;
            self.skip_blanks();
            self.skip_comment();
            match (self.byte(), self.peek(1)) {
                (Some(b';'), next) if !matches!(next, Some(b';' | b'&')) => self.pos += 1,
                (Some(b'&'), next) if !matches!(next, Some(b'&' | b'>')) => self.pos += 1,
                (Some(b'\n'), _) => {}
                _ => break,
            }
        }
        Ok(count)
    }

    fn parse_and_or(&mut self, connector: Connector) -> PResult<()> {
        self.parse_pipeline(connector)?;
        loop {
            self.skip_blanks();
            let next = if self.starts_with(b"&&") {
                Connector::And
            } else if self.starts_with(b"||") {
                Connector::Or
            } else {
                return Ok(());
            };
            self.pos += 2;
            self.skip_linebreaks();
            self.parse_pipeline(next)?;
        }
    }

    fn parse_pipeline(&mut self, connector: Connector) -> PResult<()> {
        loop {
            self.skip_blanks();
            match self.peek_reserved() {
                Some("!") => self.pos += 1,
                Some("time") => {
                    self.pos += 4;
                    self.skip_blanks();
                    if self.starts_with(b"-p") && self.peek(2).is_none_or(is_meta) {
                        self.pos += 2;
                    }
                }
                _ => break,
            }
        }
        let id = self.alloc_pipeline();
        let first = self.out.len();
        let mut len = 0;
        let mut connector = connector;
        loop {
            self.parse_command(connector, id)?;
            len += 1;
            self.skip_blanks();
            if self.starts_with(b"||") {
                break;
            } else if self.starts_with(b"|&") {
                self.pos += 2;
            } else if self.byte() == Some(b'|') {
                self.pos += 1;
            } else {
                break;
            }
            self.skip_linebreaks();
            connector = Connector::Pipe;
        }
        // Substitutions and nested scripts use other pipeline ids.
        for command in &mut self.out[first..] {
            if command.pipeline == id {
                command.pipeline_len = len;
            }
        }
        Ok(())
    }

    /// One command; returns the index in `out` of a simple command.
    fn parse_command(&mut self, connector: Connector, pipeline: usize) -> PResult<Option<usize>> {
        self.enter()?;
        let result = self.parse_command_inner(connector, pipeline);
        self.leave();
        result
    }

    fn parse_command_inner(
        &mut self,
        connector: Connector,
        pipeline: usize,
    ) -> PResult<Option<usize>> {
        self.skip_blanks();
        match self.byte() {
            None => return Err(self.expected("a command")),
            Some(b'(') => {
                if self.peek(1) == Some(b'(')
                    && let Some(end) = arith_end(self.src, self.pos + 2)
                {
                    let mut subs = Vec::new();
                    self.arithmetic(end, &mut subs)?;
                    self.out.append(&mut subs);
                    self.compound_redirects()?;
                    return Ok(None);
                }
                self.pos += 1;
                let count = self.parse_list(connector)?;
                if self.byte() != Some(b')') {
                    return Err(self.expected("`)` to close the subshell"));
                }
                if count == 0 {
                    return Err(self.error("empty subshell `()`"));
                }
                self.pos += 1;
                self.compound_redirects()?;
                return Ok(None);
            }
            Some(_) => {}
        }
        match self.peek_reserved() {
            Some("{") => {
                self.pos += 1;
                let count = self.parse_list(connector)?;
                self.require(count, "before `}`")?;
                self.expect_reserved("}", "to close `{`")?;
                self.compound_redirects()?;
                Ok(None)
            }
            Some("if") => self.parse_if(connector).map(|()| None),
            Some(keyword @ ("while" | "until")) => {
                self.parse_loop(connector, keyword).map(|()| None)
            }
            Some(keyword @ ("for" | "select")) => self.parse_for(connector, keyword).map(|()| None),
            Some("case") => self.parse_case(connector).map(|()| None),
            Some("function") => self.parse_function_keyword().map(|()| None),
            Some("[[") => self.parse_double_bracket(connector, pipeline).map(Some),
            Some("then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}") => {
                Err(self.unexpected())
            }
            _ => self.parse_simple(connector, pipeline),
        }
    }

    fn require(&self, count: usize, context: &str) -> PResult<()> {
        if count == 0 {
            Err(self.expected(&format!("a command {context}")))
        } else {
            Ok(())
        }
    }

    fn parse_if(&mut self, connector: Connector) -> PResult<()> {
        self.pos += 2;
        let count = self.parse_list(connector)?;
        self.require(count, "before `then`")?;
        self.expect_reserved("then", "after the `if` condition")?;
        let count = self.parse_list(Connector::And)?;
        self.require(count, "after `then`")?;
        loop {
            self.skip_linebreaks();
            match self.peek_reserved() {
                Some("elif") => {
                    self.pos += 4;
                    let count = self.parse_list(Connector::Or)?;
                    self.require(count, "before `then`")?;
                    self.expect_reserved("then", "after the `elif` condition")?;
                    let count = self.parse_list(Connector::And)?;
                    self.require(count, "after `then`")?;
                }
                Some("else") => {
                    self.pos += 4;
                    let count = self.parse_list(Connector::Or)?;
                    self.require(count, "after `else`")?;
                    self.expect_reserved("fi", "to close `if`")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 2;
                    break;
                }
                _ => return Err(self.expected("`fi` to close `if`")),
            }
        }
        self.compound_redirects()
    }

    fn parse_loop(&mut self, connector: Connector, keyword: &'static str) -> PResult<()> {
        self.pos += keyword.len();
        let count = self.parse_list(connector)?;
        self.require(count, "before `do`")?;
        self.expect_reserved("do", "after the loop condition")?;
        let body = if keyword == "while" {
            Connector::And
        } else {
            Connector::Or
        };
        let count = self.parse_list(body)?;
        self.require(count, "after `do`")?;
        self.expect_reserved("done", "to close `do`")?;
        self.compound_redirects()
    }

    fn parse_for(&mut self, connector: Connector, keyword: &'static str) -> PResult<()> {
        self.pos += keyword.len();
        self.skip_blanks();
        if self.starts_with(b"((") {
            let Some(end) = arith_end(self.src, self.pos + 2) else {
                return Err(self.error("unterminated `((` in `for`"));
            };
            let mut subs = Vec::new();
            self.arithmetic(end, &mut subs)?;
            self.out.append(&mut subs);
            self.skip_blanks();
            if self.byte() == Some(b';') {
                self.pos += 1;
            }
        } else {
            let mut subs = Vec::new();
            if self.read_word(&mut subs)?.is_none() {
                return Err(self.expected(&format!("a variable name after `{keyword}`")));
            }
            self.skip_linebreaks();
            if self.peek_reserved() == Some("in") {
                self.pos += 2;
                loop {
                    self.skip_blanks();
                    if self.byte().is_none_or(is_meta) {
                        break;
                    }
                    if self.read_word(&mut subs)?.is_none() {
                        break;
                    }
                }
                self.skip_comment();
                match self.byte() {
                    Some(b';') => self.pos += 1,
                    Some(b'\n') => self.newline(),
                    _ => return Err(self.expected("`;` or a newline after the word list")),
                }
            } else if self.byte() == Some(b';') {
                self.pos += 1;
            }
            self.out.append(&mut subs);
        }
        self.skip_linebreaks();
        if self.peek_reserved() == Some("{") {
            self.pos += 1;
            let count = self.parse_list(connector)?;
            self.require(count, "before `}`")?;
            self.expect_reserved("}", "to close `{`")?;
        } else {
            self.expect_reserved("do", &format!("after `{keyword}`"))?;
            let count = self.parse_list(connector)?;
            self.require(count, "after `do`")?;
            self.expect_reserved("done", "to close `do`")?;
        }
        self.compound_redirects()
    }

    fn parse_case(&mut self, connector: Connector) -> PResult<()> {
        self.pos += 4;
        self.skip_blanks();
        let mut subs = Vec::new();
        if self.read_word(&mut subs)?.is_none() {
            return Err(self.expected("a word after `case`"));
        }
        self.out.append(&mut subs);
        self.expect_reserved("in", "after the `case` word")?;
        loop {
            self.skip_linebreaks();
            if self.peek_reserved() == Some("esac") {
                self.pos += 4;
                break;
            }
            if self.byte().is_none() {
                return Err(self.expected("`esac` to close `case`"));
            }
            if self.byte() == Some(b'(') {
                self.pos += 1;
            }
            loop {
                self.skip_blanks();
                if self.read_word(&mut subs)?.is_none() {
                    return Err(self.expected("a `case` pattern"));
                }
                self.skip_blanks();
                if self.byte() == Some(b'|') && self.peek(1) != Some(b'|') {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            self.out.append(&mut subs);
            if self.byte() != Some(b')') {
                return Err(self.expected("`)` after the `case` pattern"));
            }
            self.pos += 1;
            self.parse_list(connector)?;
            if self.starts_with(b";;&") {
                self.pos += 3;
            } else if self.starts_with(b";;") || self.starts_with(b";&") {
                self.pos += 2;
            } else if self.peek_reserved() != Some("esac") {
                return Err(self.expected("`;;` or `esac`"));
            }
        }
        self.compound_redirects()
    }

    /// `function name [()] body`.
    fn parse_function_keyword(&mut self) -> PResult<()> {
        self.pos += "function".len();
        self.skip_blanks();
        let mut subs = Vec::new();
        if self.read_word(&mut subs)?.is_none() {
            return Err(self.expected("a function name"));
        }
        self.skip_blanks();
        if self.byte() == Some(b'(') {
            self.pos += 1;
            self.skip_blanks();
            if self.byte() != Some(b')') {
                return Err(self.expected("`)` after `(` in a function definition"));
            }
            self.pos += 1;
        }
        self.parse_function_body()
    }

    /// True when `()` follows (a function definition `name()`); consumes it.
    fn eat_function_parens(&mut self) -> bool {
        let mut i = self.pos;
        while matches!(self.src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.src.get(i) != Some(&b'(') {
            return false;
        }
        i += 1;
        while matches!(self.src.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if self.src.get(i) != Some(&b')') {
            return false;
        }
        self.pos = i + 1;
        true
    }

    fn parse_function_body(&mut self) -> PResult<()> {
        self.skip_linebreaks();
        let id = self.alloc_pipeline();
        self.parse_command(Connector::Sequence, id)?;
        Ok(())
    }

    /// Redirections after a compound command.
    fn compound_redirects(&mut self) -> PResult<()> {
        loop {
            self.skip_blanks();
            let mut subs = Vec::new();
            if self.read_redirect(&mut subs)?.is_none() {
                return Ok(());
            }
            self.out.append(&mut subs);
        }
    }

    /// `[[ ... ]]`, kept as a command named `[[` whose last argument is `]]`.
    fn parse_double_bracket(&mut self, connector: Connector, pipeline: usize) -> PResult<usize> {
        let mut parts = CommandParts::at(self.pos);
        let mut subs = Vec::new();
        let name = self.raw_word(self.pos, self.pos + 2);
        self.pos += 2;
        parts.add_word(name, parts.start, self.pos, false);
        loop {
            self.skip_blanks();
            let start = self.pos;
            let op_len = match (self.byte(), self.peek(1)) {
                (None | Some(b'\n'), _) => return Err(self.expected("`]]` to close `[[`")),
                (Some(b'&'), Some(b'&')) | (Some(b'|'), Some(b'|')) => 2,
                (Some(b), _) if is_meta(b) => 1,
                _ => 0,
            };
            let word = if op_len > 0 {
                self.pos += op_len;
                self.raw_word(start, self.pos)
            } else if let Some(word) = self.read_word(&mut subs)? {
                word
            } else {
                self.pos += 1;
                self.raw_word(start, self.pos)
            };
            let closing = word.literal && self.src.get(start..self.pos) == Some(b"]]");
            parts.add_word(word, start, self.pos, false);
            if closing {
                break;
            }
        }
        Ok(self.emit(parts, connector, pipeline, subs))
    }

    fn parse_simple(&mut self, connector: Connector, pipeline: usize) -> PResult<Option<usize>> {
        let mut parts = CommandParts::at(self.pos);
        let mut subs = Vec::new();
        loop {
            self.skip_blanks();
            let start = self.pos;
            match self.byte() {
                None => break,
                Some(b'#') => {
                    self.skip_comment();
                    break;
                }
                Some(_) => {}
            }
            if let Some(redirect) = self.read_redirect(&mut subs)? {
                parts.add_redirect(redirect, start, self.pos);
                continue;
            }
            let Some(word) = self.read_word(&mut subs)? else {
                break;
            };
            let assignment = parts.name.is_none() && is_assignment(&self.src[start..self.pos]);
            if parts.is_empty() && !assignment && self.eat_function_parens() {
                self.parse_function_body()?;
                self.out.append(&mut subs);
                return Ok(None);
            }
            parts.add_word(word, start, self.pos, assignment);
        }
        if parts.is_empty() {
            return Err(self.expected("a command"));
        }
        Ok(Some(self.emit(parts, connector, pipeline, subs)))
    }

    /// A word made of `start..end` as written.
    pub fn raw_word(&self, start: usize, end: usize) -> Word {
        Word {
            text: String::from_utf8_lossy(&self.src[start..end]).into_owned(),
            span: self.span(start, end),
            literal: true,
        }
    }

    // ----- output ----------------------------------------------------------

    /// Appends a simple command, then the commands of its substitutions,
    /// then those of a nested `sh -c` / `eval` script. Returns its index.
    pub fn emit(
        &mut self,
        parts: CommandParts,
        connector: Connector,
        pipeline: usize,
        mut subs: Vec<SimpleCommand>,
    ) -> usize {
        let command = SimpleCommand {
            assignments: parts.assignments,
            name: parts.name,
            args: parts.args,
            redirects: parts.redirects,
            connector,
            pipeline,
            pipeline_len: 1,
            nested: self.nested,
            substitution: false,
            span: self.span(parts.start, parts.end),
        };
        let script = if self.nesting < MAX_NESTING {
            nested::script_parts(&command)
        } else {
            Vec::new()
        };
        let index = self.out.len();
        self.out.push(command);
        self.out.append(&mut subs);
        if !script.is_empty() {
            self.parse_nested(&parts.arg_raw, &script);
        }
        index
    }

    /// Parses the script held by the arguments `parts` and appends its
    /// commands, marked nested, with spans inside those arguments.
    fn parse_nested(&mut self, arg_raw: &[(usize, usize)], parts: &[ScriptPart]) {
        let mut bytes = Vec::new();
        let mut origins = Vec::new();
        for part in parts {
            let Some(&(start, _)) = arg_raw.get(part.arg) else {
                continue;
            };
            let word = self.relex(start);
            let (Some(text), Some(from)) = (word.bytes.get(part.skip..), word.origins.as_ref())
            else {
                continue;
            };
            let Some(from) = from.get(part.skip..) else {
                continue;
            };
            if let Some(&last) = origins.last() {
                bytes.push(b' ');
                origins.push(last);
            }
            bytes.extend_from_slice(text);
            origins.extend_from_slice(from);
        }
        let Some(&last) = origins.last() else {
            return;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return;
        };
        let outer = self.map;
        let map = |i: usize| {
            origins
                .get(i)
                .map_or_else(|| outer(last) + 1, |&o| outer(o))
        };
        let level = Level {
            depth: self.depth + 1,
            nesting: self.nesting + 1,
            nested: true,
            next_pipeline: self.next_pipeline,
        };
        let mut sub = Parser::new(&text, &map, level);
        let error = sub.run();
        self.next_pipeline = sub.next_pipeline;
        if self.nested_error.is_none() {
            self.nested_error = error
                .map(|(message, span)| (format!("in nested script: {message}"), span))
                .or(sub.nested_error.take());
        }
        self.out.append(&mut sub.out);
    }
}

/// Bytes that end an unquoted word.
pub(super) fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

/// True when `raw` starts with `NAME=` or `NAME+=` (NAME a shell name).
pub(super) fn is_assignment(raw: &[u8]) -> bool {
    let Some((&first, rest)) = raw.split_first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return false;
    }
    let name_len = rest
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(rest.len());
    let tail = &rest[name_len..];
    tail.starts_with(b"=") || tail.starts_with(b"+=")
}

/// Position of the first `needle` at or after `from`.
pub(super) fn memchr_from(haystack: &[u8], needle: u8, from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|i| from + i)
}

/// For `((` arithmetic whose body starts at `from`: the offset after the
/// closing `))`, or `None` when the parentheses do not close as `))`.
pub(super) fn arith_end(src: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    while let Some(&b) = src.get(i) {
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => {
                return (src.get(i + 1) == Some(&b')')).then_some(i + 2);
            }
            b')' => depth -= 1,
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    None
}
