//! Which parts of a Dockerfile its pragma comments cover.
//!
//! - `# hadolint ignore=...` covers the instruction that starts on the very
//!   next line, as in hadolint: a blank line or another comment in between
//!   and it covers nothing (a pragma inside a `\` continuation is not a
//!   comment line at all, so it covers nothing either).
//! - `# dockward ignore=...` covers the next instruction even when other
//!   comment lines come first, so a pragma can sit above an explanation; a
//!   blank line still detaches it.
//! - `stage ignore=` written right above a `FROM` (with the same rules for
//!   what "right above" means) covers that stage, up to the next `FROM`.
//! - `global ignore=` anywhere covers the whole file.
//!
//! A finding is covered when its span starts inside the covered region.

use std::collections::{BTreeSet, HashMap};

use dockward_diagnostics::Span;
use dockward_dockerfile::{Dockerfile, Instruction, Keyword};
use dockward_rules::Registry;
use dockward_rules::suppression::{InlineSuppressions, PragmaScope, PragmaTool, parse_pragma};

/// The inline suppressions of `dockerfile` (parsed from `text`); codes are
/// resolved with `registry`.
pub fn inline_suppressions(
    dockerfile: &Dockerfile,
    text: &str,
    registry: &Registry,
) -> InlineSuppressions {
    let comment_lines: BTreeSet<u32> = dockerfile.comments.iter().map(|c| c.line).collect();
    let by_line: HashMap<u32, &Instruction> = dockerfile
        .instructions
        .iter()
        .map(|i| (i.start_line, i))
        .collect();
    let mut set = InlineSuppressions::default();
    for comment in &dockerfile.comments {
        let Some(pragma) = parse_pragma(&comment.text) else {
            continue;
        };
        let justification = text
            .get(comment.span.start..comment.span.end)
            .unwrap_or(&comment.text)
            .trim();
        let rules = pragma.rules(registry);
        if pragma.scope == PragmaScope::File {
            set.add(rules, None, justification);
            continue;
        }
        let mut line = comment.line.saturating_add(1);
        if pragma.tool == PragmaTool::Dockward {
            while comment_lines.contains(&line) {
                line = line.saturating_add(1);
            }
        }
        let Some(target) = by_line.get(&line) else {
            continue;
        };
        let region = match pragma.scope {
            PragmaScope::Next => target.span,
            PragmaScope::Stage if target.keyword == Keyword::From => {
                stage_region(dockerfile, target)
            }
            PragmaScope::Stage | PragmaScope::File => continue,
        };
        set.add(rules, Some(region), justification);
    }
    set
}

/// From `from` (a FROM instruction) up to the next FROM, or the end of the file.
fn stage_region(dockerfile: &Dockerfile, from: &Instruction) -> Span {
    let end = dockerfile
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::From && i.span.start > from.span.start)
        .map(|i| i.span.start)
        .next()
        .unwrap_or(usize::MAX);
    Span::new(from.span.start, end)
}

#[cfg(test)]
mod tests {
    use dockward_dockerfile::{ArgText, Comment, InstructionKind};
    use dockward_rules::Rule;

    use super::*;

    /// A Dockerfile of one physical line per entry: `#...` lines are comments,
    /// blank lines are blank, anything else is an instruction named by its
    /// first word.
    fn dockerfile(lines: &[&str]) -> (Dockerfile, String) {
        let text: String = lines.iter().flat_map(|l| [*l, "\n"]).collect();
        let mut file = Dockerfile::default();
        let mut offset = 0;
        for (i, line) in lines.iter().enumerate() {
            let span = Span::new(offset, offset + line.len());
            let number = i as u32 + 1;
            if let Some(comment) = line.strip_prefix('#') {
                file.comments.push(Comment {
                    text: comment.trim().to_owned(),
                    span,
                    line: number,
                });
            } else if !line.is_empty() {
                let word = line.split_whitespace().next().unwrap_or("");
                file.instructions.push(Instruction {
                    keyword: Keyword::from_word(word),
                    keyword_span: Span::new(offset, offset + word.len()),
                    span,
                    start_line: number,
                    end_line: number,
                    flags: Vec::new(),
                    args: ArgText::default(),
                    heredocs: Vec::new(),
                    kind: InstructionKind::Invalid,
                    stage: None,
                });
            }
            offset += line.len() + 1;
        }
        (file, text)
    }

    fn registry() -> Registry {
        Registry::new([crate::rule_metas().as_slice()])
    }

    /// The 1-based lines on which a finding of `rule` is suppressed.
    fn suppressed_lines(lines: &[&str], rule: Rule) -> Vec<usize> {
        let (file, text) = dockerfile(lines);
        let set = inline_suppressions(&file, &text, &registry());
        file.instructions
            .iter()
            .filter(|i| set.find(rule, i.span.start + 1).is_some())
            .map(|i| i.start_line as usize)
            .collect()
    }

    #[test]
    fn hadolint_ignore_covers_the_next_line_only() {
        let lines = [
            "FROM debian:latest",
            "# hadolint ignore=DL3007",
            "FROM debian:latest",
            "# hadolint ignore=DL3007",
            "",
            "FROM debian:latest",
            "# hadolint ignore=DL3007",
            "# another comment",
            "FROM debian:latest",
        ];
        assert_eq!(suppressed_lines(&lines, Rule::FromLatestTag), [3]);
    }

    #[test]
    fn dockward_ignore_skips_comment_lines_but_not_blank_lines() {
        let lines = [
            "# dockward ignore=from-latest-tag  we track upstream on purpose",
            "# (see the release notes)",
            "FROM debian:latest",
            "# dockward ignore=DF003",
            "",
            "FROM debian:latest",
        ];
        assert_eq!(suppressed_lines(&lines, Rule::FromLatestTag), [3]);
        let (file, text) = dockerfile(&lines);
        let found = inline_suppressions(&file, &text, &registry())
            .find(Rule::FromLatestTag, file.instructions[0].span.start)
            .expect("suppressed");
        assert_eq!(
            found.justification,
            "# dockward ignore=from-latest-tag  we track upstream on purpose"
        );
    }

    #[test]
    fn global_covers_everything_and_stage_covers_up_to_the_next_from() {
        let lines = [
            "FROM debian:latest",
            "# hadolint stage ignore=DL3007",
            "FROM debian:latest AS one",
            "RUN true",
            "FROM debian:latest AS two",
            "# dockward stage ignore=DF003",
            "RUN true",
        ];
        assert_eq!(suppressed_lines(&lines, Rule::FromLatestTag), [3, 4]);
        let global = [
            "FROM debian:latest",
            "RUN true",
            "#hadolint global ignore=DL3007",
        ];
        assert_eq!(suppressed_lines(&global, Rule::FromLatestTag), [1, 2]);
    }

    #[test]
    fn pragmas_only_suppress_the_rules_they_name() {
        let lines = ["# hadolint ignore=DL3008,SC2086", "FROM debian:latest"];
        assert!(suppressed_lines(&lines, Rule::FromLatestTag).is_empty());
    }
}
