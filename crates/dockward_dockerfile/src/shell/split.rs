//! The fallback for text the parser rejects: a quote-aware splitter.
//!
//! It cuts the text at unquoted `;`, `&&`, `||`, `|`, `&`, newlines and
//! parentheses, drops reserved words at the start of a command (`if`,
//! `then`, `do`...), drops `for`/`case` headers and the patterns of `case`
//! arms, and
//! reads words with the parser's word lexer in tolerant mode (unterminated
//! quotes run to the end; substitutions are kept as text, not parsed).

use super::Connector;
use super::parser::{CommandParts, Parser, is_assignment};

/// Reserved words dropped at the start of a command.
const DROPPED: [&str; 15] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "esac", "{", "}", "!",
    "time", "in",
];

/// Reserved words whose command is a header, not a command.
const HEADERS: [&str; 4] = ["for", "select", "case", "function"];

impl Parser<'_> {
    /// Splits the whole text into commands (see the module docs).
    pub fn split(&mut self) {
        let mut connector = Connector::Sequence;
        let mut pipeline = self.alloc_pipeline();
        let mut parts: Option<CommandParts> = None;
        let mut subs = Vec::new();
        let mut header = false;
        // Open `case` statements, and whether a pattern is being skipped.
        let mut cases = 0usize;
        let mut pattern = false;
        let mut parens = 0usize;
        let mut emitted: Vec<usize> = Vec::new();
        loop {
            self.skip_blanks();
            let Some(b) = self.byte() else {
                break;
            };
            let next = self.peek(1);
            if pattern && matches!(b, b'|' | b'(' | b')') {
                pattern = b != b')';
                self.pos += 1;
                continue;
            }
            let separator = match (b, next) {
                (b'#', _) => {
                    self.skip_comment();
                    continue;
                }
                (b'\n', _) => Some((0, Connector::Sequence)),
                (b';', Some(b';' | b'&')) => {
                    pattern = cases > 0;
                    Some((2, Connector::Sequence))
                }
                (b';', _) => Some((1, Connector::Sequence)),
                (b'&', Some(b'&')) => Some((2, Connector::And)),
                (b'&', next) if next != Some(b'>') => Some((1, Connector::Sequence)),
                (b'|', Some(b'|')) => Some((2, Connector::Or)),
                (b'|', Some(b'&')) => Some((2, Connector::Pipe)),
                (b'|', _) => Some((1, Connector::Pipe)),
                (b'(', _) => {
                    parens += 1;
                    Some((1, Connector::Sequence))
                }
                (b')', _) => {
                    parens = parens.saturating_sub(1);
                    Some((1, Connector::Sequence))
                }
                _ => None,
            };
            if let Some((len, next_connector)) = separator {
                if let Some(done) = parts.take() {
                    let index = self.emit(done, connector, pipeline, std::mem::take(&mut subs));
                    emitted.push(index);
                    connector = next_connector;
                } else if next_connector != Connector::Sequence {
                    connector = next_connector;
                }
                if connector != Connector::Pipe {
                    pipeline = self.alloc_pipeline();
                }
                header = false;
                if len == 0 {
                    self.newline();
                } else {
                    self.pos += len;
                }
                continue;
            }
            let start = self.pos;
            if let Ok(Some(redirect)) = self.read_redirect(&mut subs) {
                if !header {
                    parts
                        .get_or_insert_with(|| CommandParts::at(start))
                        .add_redirect(redirect, start, self.pos);
                }
                continue;
            }
            let Ok(Some(word)) = self.read_word(&mut subs) else {
                // An operator byte the splitter does not cut at.
                self.pos = (start + 1).max(self.pos);
                continue;
            };
            let at_start = parts.as_ref().is_none_or(CommandParts::is_empty);
            let reserved = if at_start && word.literal {
                word.text.as_str()
            } else {
                ""
            };
            if reserved == "esac" {
                cases = cases.saturating_sub(1);
                pattern = false;
                continue;
            }
            if pattern {
                continue;
            }
            if header {
                if reserved == "in" && cases > 0 {
                    header = false;
                    pattern = true;
                }
                continue;
            }
            if DROPPED.contains(&reserved) {
                continue;
            }
            if HEADERS.contains(&reserved) {
                header = true;
                cases += usize::from(reserved == "case");
                parts = None;
                continue;
            }
            let current = parts.get_or_insert_with(|| CommandParts::at(start));
            let assignment = current.name.is_none() && is_assignment(&self.src[start..self.pos]);
            current.add_word(word, start, self.pos, assignment);
        }
        if let Some(done) = parts.take() {
            emitted.push(self.emit(done, connector, pipeline, subs));
        }
        self.set_pipeline_lengths(&emitted);
    }

    /// Sets `pipeline_len` of the commands at `indices` by counting them.
    fn set_pipeline_lengths(&mut self, indices: &[usize]) {
        let mut counts = std::collections::HashMap::<usize, usize>::new();
        for &i in indices {
            if let Some(command) = self.out.get(i) {
                *counts.entry(command.pipeline).or_default() += 1;
            }
        }
        for &i in indices {
            if let Some(command) = self.out.get_mut(i) {
                command.pipeline_len = counts.get(&command.pipeline).copied().unwrap_or(1);
            }
        }
    }
}
