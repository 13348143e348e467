//! The Dockerfile parser: BuildKit's line layer (`parser.go`: directives,
//! continuations, comments, heredocs) and its instruction layer
//! (`instructions/parse.go`: argument checks), producing a spanned AST.
//!
//! Notes on values:
//! - For `HEALTHCHECK CMD ...` in shell form, [`Instruction::args`] starts
//!   with `CMD`.
//! - Flag values keep their quotes; [`Mount`](crate::Mount) options have them
//!   removed (one level by flag extraction, then CSV quoting).
//! - ENV, LABEL and ARG values, COPY/ADD/VOLUME paths, USER, WORKDIR and
//!   STOPSIGNAL have quotes removed and escapes resolved as BuildKit's shell
//!   lexer does, without expanding variables; an escaped `\$` therefore
//!   reads as `$`. FROM images, stage names, EXPOSE ports and MAINTAINER are
//!   kept as written.
//! - Global ARGs expand FROM references ([`Dockerfile::expanded_from_image`]);
//!   BuildKit's automatic platform ARGs (`TARGETARCH`, ...) are unknown here
//!   and expand to nothing.
//! - Errors follow BuildKit's parser and instruction layers, except for what
//!   a lint rule reports instead (instructions before FROM, forbidden ONBUILD
//!   triggers, reserved or duplicate stage names). Unknown flags are kept.

mod heredoc;
mod instruction;
mod lines;
mod mount;
mod stages;
mod words;

use dockward_diagnostics::Span;

use crate::ast::{
    ArgText, Comment, Directives, Dockerfile, Heredoc, Instruction, InstructionKind, ParseError,
    Spanned,
};
use lines::{
    Joiner, Lines, PhysLine, continuation_cut, is_comment, leading_ws_len, match_directive,
};

/// Parses a Dockerfile. Never fails; see [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let mut parser = Parser {
        text,
        lines: Lines::new(text, bom_len(text)),
        directives: Directives::default(),
        directives_done: false,
        instructions: Vec::new(),
        comments: Vec::new(),
        errors: Vec::new(),
    };
    parser.run();
    let Parser {
        directives,
        instructions,
        comments,
        mut errors,
        ..
    } = parser;
    if instructions.is_empty() {
        errors.push(ParseError {
            message: "file with no instructions".to_owned(),
            span: Span::empty(text.len()),
        });
    }
    let mut dockerfile = Dockerfile {
        directives,
        instructions,
        comments,
        stages: Vec::new(),
        errors,
    };
    stages::assign(&mut dockerfile);
    dockerfile
        .errors
        .sort_by_key(|e| (e.span.start, e.span.end));
    dockerfile
}

fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    }
}

struct Parser<'a> {
    text: &'a str,
    lines: Lines<'a>,
    directives: Directives,
    directives_done: bool,
    instructions: Vec<Instruction>,
    comments: Vec<Comment>,
    errors: Vec<ParseError>,
}

impl Parser<'_> {
    fn run(&mut self) {
        while let Some(line) = self.lines.next() {
            let raw = &self.text[line.start..line.end];
            let content_start = line.start + leading_ws_len(raw);
            let content = &self.text[content_start..line.end];
            if !self.directives_done && self.directive(content, content_start) {
                continue;
            }
            self.directives_done = true;
            if let Some(comment) = content.strip_prefix('#') {
                self.comments.push(Comment {
                    text: comment.trim().to_owned(),
                    span: Span::new(content_start, line.end),
                    line: line.number,
                });
                continue;
            }
            self.logical_line(line, content_start);
        }
    }

    /// Handles `content` as a parser directive if it is one. Returns true
    /// when the line was a directive (valid or not).
    fn directive(&mut self, content: &str, content_start: usize) -> bool {
        let Some(found) = match_directive(content) else {
            return false;
        };
        let slot = match found.key.as_str() {
            "syntax" => &mut self.directives.syntax,
            "escape" => &mut self.directives.escape,
            "check" => &mut self.directives.check,
            _ => return false,
        };
        let value_span = Span::new(
            content_start + found.value_start,
            content_start + found.value_start + found.value.len(),
        );
        if slot.is_some() {
            self.errors.push(ParseError {
                message: format!("only one {} parser directive can be used", found.key),
                span: Span::new(content_start, content_start + content.len()),
            });
            return true;
        }
        *slot = Some(Spanned::new(found.value.clone(), value_span));
        if found.key == "escape" {
            match found.value.as_str() {
                "\\" => self.directives.escape_char = '\\',
                "`" => self.directives.escape_char = '`',
                other => self.errors.push(ParseError {
                    message: format!("invalid escape token '{other}' does not match ` or \\"),
                    span: value_span,
                }),
            }
        }
        true
    }

    /// Reads the logical line starting at `first` (continuations, comment
    /// and empty lines inside them, heredoc bodies) and records its
    /// instruction.
    fn logical_line(&mut self, first: PhysLine, content_start: usize) {
        let escape = self.directives.escape_char;
        let text = self.text;
        let content = &text[content_start..first.end];
        let mut joiner = Joiner::default();
        let mut last = first;
        let mut continued = if let Some(cut) = continuation_cut(content, escape) {
            joiner.push(text, content_start, content_start + cut);
            true
        } else {
            if content.is_empty() {
                return;
            }
            joiner.push(text, content_start, first.end);
            false
        };
        while continued {
            let Some(next) = self.lines.next() else {
                break;
            };
            last = next;
            let raw = &text[next.start..next.end];
            if is_comment(raw) || raw.trim_start().is_empty() {
                continue;
            }
            if let Some(cut) = continuation_cut(raw, escape) {
                joiner.push(text, next.start, next.start + cut);
            } else {
                joiner.push(text, next.start, next.end);
                continued = false;
            }
        }
        if joiner.text().trim().is_empty() {
            return;
        }
        let line = joiner.finish();
        let built = instruction::build(&line, escape, &mut self.errors);
        let mut instruction = built.instruction;
        // The span ends with the last character of the instruction's text,
        // or with the line closing its last heredoc.
        let mut end = instruction.span.end;
        if built.heredoc_capable {
            let (heredocs, heredoc_end) = self.heredocs(&line, &mut last);
            if let Some(heredoc_end) = heredoc_end {
                end = end.max(heredoc_end);
            }
            attach_heredocs(&mut instruction, heredocs);
        }
        let span = Span::new(instruction.keyword_span.start, end);
        let mut current = &mut instruction;
        loop {
            current.span = Span::new(current.keyword_span.start, span.end);
            current.start_line = first.number;
            current.end_line = last.number;
            match &mut current.kind {
                InstructionKind::Onbuild(trigger) => current = trigger,
                _ => break,
            }
        }
        self.instructions.push(instruction);
    }

    /// Reads the bodies of the heredocs opened on `line`. Returns them and
    /// the end of the last line read (if any).
    fn heredocs(&mut self, line: &ArgText, last: &mut PhysLine) -> (Vec<Heredoc>, Option<usize>) {
        let text = self.text;
        let mut out = Vec::new();
        let mut end = None;
        for marker in heredoc::markers(line, &mut self.errors) {
            let mut body_start = None;
            let mut body_end = last.next;
            let mut terminated = false;
            for next in self.lines.by_ref() {
                *last = next;
                end = Some(next.end);
                let content = &text[next.start..next.end];
                let candidate = if marker.strip_tabs {
                    content.trim_start_matches('\t')
                } else {
                    content
                };
                if candidate == marker.delimiter {
                    terminated = true;
                    break;
                }
                body_start.get_or_insert(next.start);
                body_end = next.next;
            }
            let body_span = match body_start {
                Some(start) => Span::new(start, body_end),
                None => Span::empty(body_end.min(text.len())),
            };
            if !terminated {
                self.errors.push(ParseError {
                    message: format!(
                        "unterminated heredoc: no line \"{}\" closes the here-document opened here",
                        marker.delimiter
                    ),
                    span: marker.span,
                });
                end = Some(text.len());
            }
            let raw_body = &text[body_span.start..body_span.end];
            let body = if marker.strip_tabs {
                heredoc::strip_leading_tabs(raw_body)
            } else {
                raw_body.to_owned()
            };
            out.push(Heredoc {
                delimiter: marker.delimiter,
                strip_tabs: marker.strip_tabs,
                quoted: marker.quoted,
                fd: marker.fd,
                body,
                body_span,
                marker_span: marker.span,
            });
        }
        (out, end)
    }
}

/// Heredocs belong to the instruction and, for ONBUILD, to its trigger too.
fn attach_heredocs(instruction: &mut Instruction, heredocs: Vec<Heredoc>) {
    if let InstructionKind::Onbuild(trigger) = &mut instruction.kind {
        attach_heredocs(trigger, heredocs.clone());
    }
    instruction.heredocs = heredocs;
}
