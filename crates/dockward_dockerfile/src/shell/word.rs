//! Words: quote removal, expansions, substitutions, redirections.

use super::parser::{
    Level, PResult, Parser, PendingHeredoc, arith_end, is_assignment, memchr_from,
};
use super::{Redirect, SimpleCommand, Word};

/// Bytes that need attention inside an unquoted word.
const fn special_table() -> [bool; 256] {
    let mut table = [false; 256];
    let special = b" \t\n;&|<>()\\'\"$`\r";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
}
static SPECIAL: [bool; 256] = special_table();

/// Bytes that need attention inside double quotes.
fn dq_special(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'$' | b'`')
}

/// A word being built: its value and, when asked for, where each byte of
/// the value came from in the text.
#[derive(Debug, Default)]
pub(super) struct WordBuf {
    pub bytes: Vec<u8>,
    pub origins: Option<Vec<usize>>,
    pub literal: bool,
}

impl WordBuf {
    fn new(track: bool) -> Self {
        WordBuf {
            bytes: Vec::new(),
            origins: track.then(Vec::new),
            literal: true,
        }
    }

    fn push(&mut self, b: u8, at: usize) {
        self.bytes.push(b);
        if let Some(origins) = &mut self.origins {
            origins.push(at);
        }
    }

    /// Pushes `src[start..end]` as is.
    fn push_raw(&mut self, src: &[u8], start: usize, end: usize) {
        self.bytes.extend_from_slice(&src[start..end]);
        if let Some(origins) = &mut self.origins {
            origins.extend(start..end);
        }
    }

    fn push_char(&mut self, c: char, at: usize) {
        let mut utf8 = [0u8; 4];
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            self.push(b, at);
        }
    }
}

/// ANSI-C escapes that stand for one character.
fn simple_escape(b: u8) -> Option<char> {
    Some(match b {
        b'a' => '\u{7}',
        b'b' => '\u{8}',
        b'e' | b'E' => '\u{1b}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'v' => '\u{b}',
        b'\\' => '\\',
        b'\'' => '\'',
        b'"' => '"',
        b'?' => '?',
        _ => return None,
    })
}

impl Parser<'_> {
    /// Reads the word at the cursor (blanks already skipped); `None` when
    /// the cursor is at an operator or the end. Commands of its
    /// substitutions go to `subs`.
    pub fn read_word(&mut self, subs: &mut Vec<SimpleCommand>) -> PResult<Option<Word>> {
        let start = self.pos;
        let mut buf = WordBuf::new(false);
        self.read_word_into(&mut buf, subs)?;
        if self.pos == start {
            return Ok(None);
        }
        let text = match String::from_utf8(buf.bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        Ok(Some(Word {
            text,
            span: self.span(start, self.pos),
            literal: buf.literal,
        }))
    }

    /// The word starting at `start` again, with the origin of every byte.
    /// Read tolerantly (substitutions skipped, not parsed).
    pub fn relex(&self, start: usize) -> WordBuf {
        let level = Level {
            depth: self.depth,
            nesting: self.nesting,
            nested: self.nested,
            next_pipeline: 0,
        };
        let mut again = Parser::new(self.text, self.map, level);
        again.tolerant = true;
        again.pos = start;
        let mut buf = WordBuf::new(true);
        let mut subs = Vec::new();
        // Tolerant reading does not fail.
        let _ = again.read_word_into(&mut buf, &mut subs);
        buf
    }

    /// The words of the whole text, operators skipped (tolerant).
    pub fn words(&mut self) -> Vec<String> {
        self.tolerant = true;
        let mut words = Vec::new();
        let mut subs = Vec::new();
        while self.pos < self.src.len() {
            self.skip_blanks();
            match self.read_word(&mut subs) {
                Ok(Some(word)) => words.push(word.text),
                _ => self.pos += 1,
            }
        }
        words
    }

    fn read_word_into(&mut self, buf: &mut WordBuf, subs: &mut Vec<SimpleCommand>) -> PResult<()> {
        let start = self.pos;
        while let Some(b) = self.byte() {
            if !SPECIAL[b as usize] {
                let end = self.src[self.pos..]
                    .iter()
                    .position(|&b| SPECIAL[b as usize])
                    .map_or(self.src.len(), |i| self.pos + i);
                buf.push_raw(self.src, self.pos, end);
                self.pos = end;
                continue;
            }
            match b {
                b'\\' => self.backslash(buf),
                b'\'' => self.single_quoted(buf)?,
                b'"' => self.double_quoted(buf, subs)?,
                b'$' => self.dollar(buf, subs, false)?,
                b'`' => self.backquoted(buf, subs)?,
                b'<' | b'>' if self.pos == start && self.peek(1) == Some(b'(') => {
                    self.pos += 1;
                    self.command_substitution(buf, subs, start)?;
                }
                b'(' if self.pos > start && is_assignment(&self.src[start..self.pos]) => {
                    // Array assignment `name=(a b c)`.
                    let open = self.pos;
                    self.skip_balanced(open)?;
                    buf.push_raw(self.src, open, self.pos);
                }
                _ => break,
            }
        }
        Ok(())
    }

    /// `\c` outside quotes: `c`; backslash-newline: nothing.
    fn backslash(&mut self, buf: &mut WordBuf) {
        match self.peek(1) {
            Some(b'\n') => self.pos += 2,
            Some(next) => {
                buf.push(next, self.pos + 1);
                self.pos += 2;
            }
            None => {
                buf.push(b'\\', self.pos);
                self.pos += 1;
            }
        }
    }

    fn single_quoted(&mut self, buf: &mut WordBuf) -> PResult<()> {
        let open = self.pos;
        match memchr_from(self.src, b'\'', open + 1) {
            Some(close) => {
                buf.push_raw(self.src, open + 1, close);
                self.pos = close + 1;
                Ok(())
            }
            None if self.tolerant => {
                buf.push_raw(self.src, open + 1, self.src.len());
                self.pos = self.src.len();
                Ok(())
            }
            None => Err(self.error("unterminated single-quoted string")),
        }
    }

    fn double_quoted(&mut self, buf: &mut WordBuf, subs: &mut Vec<SimpleCommand>) -> PResult<()> {
        let open = self.pos;
        self.pos += 1;
        loop {
            let Some(b) = self.byte() else {
                if self.tolerant {
                    return Ok(());
                }
                self.pos = open;
                return Err(self.error("unterminated double-quoted string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => match self.peek(1) {
                    Some(b'\n') => self.pos += 2,
                    Some(next @ (b'$' | b'`' | b'"' | b'\\')) => {
                        buf.push(next, self.pos + 1);
                        self.pos += 2;
                    }
                    _ => {
                        buf.push(b'\\', self.pos);
                        self.pos += 1;
                    }
                },
                b'$' => self.dollar(buf, subs, true)?,
                b'`' => self.backquoted(buf, subs)?,
                _ => {
                    let end = self.src[self.pos..]
                        .iter()
                        .position(|&b| dq_special(b))
                        .map_or(self.src.len(), |i| self.pos + i);
                    buf.push_raw(self.src, self.pos, end);
                    self.pos = end;
                }
            }
        }
    }

    /// `$'...'`: ANSI-C quoting.
    fn ansi_c(&mut self, buf: &mut WordBuf) -> PResult<()> {
        let open = self.pos;
        self.pos += 2;
        loop {
            let Some(b) = self.byte() else {
                if self.tolerant {
                    return Ok(());
                }
                self.pos = open;
                return Err(self.error("unterminated $'...' string"));
            };
            let at = self.pos;
            match b {
                b'\'' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    let Some(next) = self.peek(1) else {
                        buf.push(b'\\', at);
                        self.pos += 1;
                        continue;
                    };
                    self.pos += 2;
                    if let Some(c) = simple_escape(next) {
                        buf.push_char(c, at);
                    } else if let Some((radix, max)) = match next {
                        b'x' => Some((16, 2)),
                        b'u' => Some((16, 4)),
                        b'U' => Some((16, 8)),
                        _ => None,
                    } {
                        let value = self.number(radix, max);
                        match value.and_then(char::from_u32) {
                            Some(c) if next == b'x' => buf.push_char(char::from(c as u8), at),
                            Some(c) => buf.push_char(c, at),
                            None => {
                                buf.push(b'\\', at);
                                buf.push(next, at + 1);
                            }
                        }
                    } else if next.is_ascii_digit() && next < b'8' {
                        self.pos -= 1;
                        let value = self.number(8, 3).unwrap_or(0);
                        buf.push_char(char::from((value & 0xff) as u8), at);
                    } else if next == b'c' {
                        if let Some(control) = self.byte() {
                            buf.push_char(char::from(control & 0x1f), at);
                            self.pos += 1;
                        }
                    } else {
                        buf.push(b'\\', at);
                        buf.push(next, at + 1);
                    }
                }
                _ => {
                    buf.push(b, at);
                    self.pos += 1;
                }
            }
        }
    }

    /// Up to `max` digits in `radix` at the cursor.
    fn number(&mut self, radix: u32, max: usize) -> Option<u32> {
        let mut value: Option<u32> = None;
        for _ in 0..max {
            let Some(digit) = self.byte().and_then(|b| char::from(b).to_digit(radix)) else {
                break;
            };
            value = Some(
                value
                    .unwrap_or(0)
                    .saturating_mul(radix)
                    .saturating_add(digit),
            );
            self.pos += 1;
        }
        value
    }

    /// `$...` at the cursor.
    fn dollar(
        &mut self,
        buf: &mut WordBuf,
        subs: &mut Vec<SimpleCommand>,
        in_dq: bool,
    ) -> PResult<()> {
        let start = self.pos;
        match self.peek(1) {
            Some(b'\'') if !in_dq => return self.ansi_c(buf),
            Some(b'"') if !in_dq => {
                self.pos += 1;
                return self.double_quoted(buf, subs);
            }
            Some(b'(') => {
                if self.peek(2) == Some(b'(')
                    && let Some(end) = arith_end(self.src, start + 3)
                {
                    self.arithmetic(end, subs)?;
                    buf.push_raw(self.src, start, end);
                    buf.literal = false;
                    return Ok(());
                }
                self.pos += 1;
                return self.command_substitution(buf, subs, start);
            }
            Some(b'{') => return self.parameter_expansion(buf, subs, in_dq),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let end = self.src[start + 1..]
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
                    .map_or(self.src.len(), |i| start + 1 + i);
                self.pos = end;
            }
            Some(b'0'..=b'9' | b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!') => self.pos += 2,
            _ => {
                buf.push(b'$', start);
                self.pos += 1;
                return Ok(());
            }
        }
        buf.push_raw(self.src, start, self.pos);
        buf.literal = false;
        Ok(())
    }

    /// Arithmetic from the cursor to `end` (after its `))`): only the
    /// command substitutions inside are parsed.
    pub fn arithmetic(&mut self, end: usize, subs: &mut Vec<SimpleCommand>) -> PResult<()> {
        while self.pos < end {
            let at = self.pos;
            if self.src[at] == b'$' && self.peek(1) == Some(b'(') && self.peek(2) != Some(b'(') {
                self.pos += 1;
                let mut scratch = WordBuf::new(false);
                self.command_substitution(&mut scratch, subs, at)?;
            } else {
                self.pos += 1;
            }
        }
        self.pos = end;
        Ok(())
    }

    /// `$(` (or `<(` / `>(`) whose `(` is at the cursor; `start` is where the
    /// word part began. The commands inside go to `subs`.
    fn command_substitution(
        &mut self,
        buf: &mut WordBuf,
        subs: &mut Vec<SimpleCommand>,
        start: usize,
    ) -> PResult<()> {
        buf.literal = false;
        if self.tolerant {
            self.skip_balanced(self.pos)?;
            buf.push_raw(self.src, start, self.pos);
            return Ok(());
        }
        self.enter()?;
        self.pos += 1;
        let saved = std::mem::take(&mut self.out);
        let result = self.parse_list(super::Connector::Sequence);
        let inner = std::mem::replace(&mut self.out, saved);
        self.leave();
        result?;
        if self.byte() != Some(b')') {
            let mut error = self.error("unterminated command substitution `$(`");
            error.at = start;
            return Err(error);
        }
        self.pos += 1;
        subs.extend(inner.into_iter().map(|mut command| {
            command.substitution = true;
            command
        }));
        buf.push_raw(self.src, start, self.pos);
        Ok(())
    }

    /// `${...}`, kept as written.
    fn parameter_expansion(
        &mut self,
        buf: &mut WordBuf,
        subs: &mut Vec<SimpleCommand>,
        in_dq: bool,
    ) -> PResult<()> {
        let start = self.pos;
        self.enter()?;
        self.pos += 2;
        let mut scratch = WordBuf::new(false);
        let result = loop {
            let Some(b) = self.byte() else {
                if self.tolerant {
                    break Ok(());
                }
                let mut error = self.error("unterminated `${`");
                error.at = start;
                break Err(error);
            };
            let step = match b {
                b'}' => {
                    self.pos += 1;
                    break Ok(());
                }
                b'\\' => {
                    self.pos = (self.pos + 2).min(self.src.len());
                    Ok(())
                }
                b'\'' if !in_dq => self.single_quoted(&mut scratch),
                b'"' => self.double_quoted(&mut scratch, subs),
                b'$' => self.dollar(&mut scratch, subs, in_dq),
                b'`' => self.backquoted(&mut scratch, subs),
                _ => {
                    self.pos += 1;
                    Ok(())
                }
            };
            if let Err(error) = step {
                break Err(error);
            }
        };
        self.leave();
        result?;
        buf.push_raw(self.src, start, self.pos);
        buf.literal = false;
        Ok(())
    }

    /// `` `...` ``: the text between the backquotes, with `` \` ``, `\\` and
    /// `\$` unescaped, is parsed as a script.
    fn backquoted(&mut self, buf: &mut WordBuf, subs: &mut Vec<SimpleCommand>) -> PResult<()> {
        let open = self.pos;
        self.pos += 1;
        let mut inner = Vec::new();
        let mut origins = Vec::new();
        let mut closed = false;
        while let Some(b) = self.byte() {
            match b {
                b'`' => {
                    self.pos += 1;
                    closed = true;
                    break;
                }
                b'\\' if matches!(self.peek(1), Some(b'`' | b'\\' | b'$')) => {
                    inner.push(self.src[self.pos + 1]);
                    origins.push(self.pos + 1);
                    self.pos += 2;
                }
                _ => {
                    inner.push(b);
                    origins.push(self.pos);
                    self.pos += 1;
                }
            }
        }
        buf.literal = false;
        buf.push_raw(self.src, open, self.pos);
        if !closed {
            if self.tolerant {
                return Ok(());
            }
            self.pos = open;
            return Err(self.error("unterminated backquoted command"));
        }
        if self.tolerant || inner.is_empty() {
            return Ok(());
        }
        let Ok(text) = String::from_utf8(inner) else {
            return Ok(());
        };
        let outer = self.map;
        let last = origins.last().copied().unwrap_or(open);
        let map = |i: usize| {
            origins
                .get(i)
                .map_or_else(|| outer(last) + 1, |&o| outer(o))
        };
        let level = Level {
            depth: self.depth + 1,
            nesting: self.nesting,
            nested: self.nested,
            next_pipeline: self.next_pipeline,
        };
        let mut sub = Parser::new(&text, &map, level);
        if sub.depth > super::parser::MAX_DEPTH {
            self.pos = open;
            return Err(self.error("nesting too deep"));
        }
        let result = sub.parse_list(super::Connector::Sequence).and_then(|_| {
            sub.skip_linebreaks();
            if sub.pos < sub.src.len() {
                Err(sub.error("unexpected text in backquoted command"))
            } else {
                Ok(())
            }
        });
        if let Err(error) = result {
            let mut error = self.error(&format!("in backquoted command: {}", error.message));
            error.at = open;
            return Err(error);
        }
        self.next_pipeline = sub.next_pipeline;
        if self.nested_error.is_none() {
            self.nested_error = sub.nested_error.take();
        }
        subs.extend(sub.out.into_iter().map(|mut command| {
            command.substitution = true;
            command
        }));
        Ok(())
    }

    /// Skips from the `(` at `open` to after its matching `)`, quote-aware.
    fn skip_balanced(&mut self, open: usize) -> PResult<()> {
        let mut depth = 0usize;
        self.pos = open;
        while let Some(b) = self.byte() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos += 1;
                        return Ok(());
                    }
                }
                b'\\' => self.pos += 1,
                b'\'' => {
                    self.pos = memchr_from(self.src, b'\'', self.pos + 1).unwrap_or(self.src.len());
                }
                b'"' => {
                    let mut scratch = WordBuf::new(false);
                    let mut subs = Vec::new();
                    let tolerant = std::mem::replace(&mut self.tolerant, true);
                    let result = self.double_quoted(&mut scratch, &mut subs);
                    self.tolerant = tolerant;
                    result?;
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        self.pos = self.src.len();
        if self.tolerant {
            Ok(())
        } else {
            let mut error = self.error("unterminated `(`");
            error.at = open;
            Err(error)
        }
    }

    /// A redirection at the cursor (`2>&1`, `> f`, `<<EOF`), if there is one.
    pub fn read_redirect(&mut self, subs: &mut Vec<SimpleCommand>) -> PResult<Option<Redirect>> {
        let start = self.pos;
        let digits = self.src[start..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.src.len() - start);
        let at = start + digits;
        let rest = &self.src[at..];
        let op: &'static str = match rest {
            [b'<', b'<', b'-', ..] => "<<-",
            [b'<', b'<', b'<', ..] => "<<<",
            [b'<', b'<', ..] => "<<",
            [b'<', b'&', ..] => "<&",
            [b'<', b'>', ..] => "<>",
            [b'<' | b'>', b'(', ..] if digits == 0 => return Ok(None),
            [b'<', ..] => "<",
            [b'>', b'>', ..] => ">>",
            [b'>', b'&', ..] => ">&",
            [b'>', b'|', ..] => ">|",
            [b'>', ..] => ">",
            [b'&', b'>', b'>', ..] if digits == 0 => "&>>",
            [b'&', b'>', ..] if digits == 0 => "&>",
            _ => return Ok(None),
        };
        let fd = if digits > 0 {
            match std::str::from_utf8(&self.src[start..at])
                .ok()
                .and_then(|d| d.parse().ok())
            {
                Some(fd) => Some(fd),
                None => return Ok(None),
            }
        } else {
            None
        };
        self.pos = at + op.len();
        self.skip_blanks();
        let target = match self.read_word(subs)? {
            Some(word) => word,
            None if self.tolerant => self.raw_word(self.pos, self.pos),
            None => return Err(self.expected(&format!("a word after `{op}`"))),
        };
        if op == "<<" || op == "<<-" {
            self.heredocs.push(PendingHeredoc {
                delimiter: target.text.as_bytes().to_vec(),
                strip_tabs: op == "<<-",
            });
        }
        Ok(Some(Redirect { fd, op, target }))
    }
}
