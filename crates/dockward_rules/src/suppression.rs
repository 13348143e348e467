//! Inline suppressions: pragma comments and the regions they cover.
//!
//! Two spellings are understood:
//! - dockward's own: `# dockward ignore=CODE[,CODE] [reason]`,
//!   `# dockward stage ignore=...`, `# dockward global ignore=...`. Codes may
//!   be dockward codes, names or any alias, in any case.
//! - hadolint's, so a project keeps its comments when it migrates:
//!   `# hadolint ignore=DL3008,DL3015`, `# hadolint stage ignore=...`,
//!   `# hadolint global ignore=...`. As in hadolint, codes are case-sensitive
//!   and made of the characters `DLSC0-9`; an alias shared by several rules
//!   suppresses all of them, and codes dockward has no rule for (`SC2086`) are
//!   ignored.
//!
//! Which source region a pragma covers depends on the file's structure and
//! is decided by the engine (see `dockward_lint::suppress`); this module
//! parses the comments and answers "is this finding suppressed?".

use dockward_diagnostics::{Span, Suppression, SuppressionKind};

use crate::{Registry, Rule};

/// Which tool's pragma syntax a comment uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PragmaTool {
    /// `# dockward ...`
    Dockward,
    /// `# hadolint ...`
    Hadolint,
}

/// What a pragma covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PragmaScope {
    /// `ignore=`: the next instruction.
    Next,
    /// `stage ignore=`: the stage whose `FROM` follows.
    Stage,
    /// `global ignore=`: the whole file.
    File,
}

/// A parsed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pragma {
    /// Whose syntax.
    pub tool: PragmaTool,
    /// What it covers.
    pub scope: PragmaScope,
    /// The codes as written.
    pub codes: Vec<String>,
    /// Free text after the codes, if any.
    pub reason: Option<String>,
}

impl Pragma {
    /// The rules the pragma names; unknown codes are skipped.
    pub fn rules(&self, registry: &Registry) -> Vec<Rule> {
        let mut rules = Vec::new();
        for code in &self.codes {
            for meta in registry.resolve(code).unwrap_or_default() {
                if !rules.contains(&meta.rule) {
                    rules.push(meta.rule);
                }
            }
        }
        rules
    }
}

/// Parses a comment (with or without its leading `#`) as a suppression
/// pragma. Returns `None` for any other comment.
pub fn parse_pragma(comment: &str) -> Option<Pragma> {
    let rest = comment.trim_start();
    let rest = rest.strip_prefix('#').unwrap_or(rest).trim_start();
    let (tool, rest) = if let Some(rest) = rest.strip_prefix("hadolint") {
        (PragmaTool::Hadolint, rest)
    } else {
        let head = rest.get(..8)?;
        if !head.eq_ignore_ascii_case("dockward") {
            return None;
        }
        (PragmaTool::Dockward, &rest[8..])
    };
    let rest = after_space(rest)?;
    let (scope, rest) = if let Some(rest) = rest.strip_prefix("global") {
        (PragmaScope::File, after_space(rest)?)
    } else if let Some(rest) = rest.strip_prefix("stage") {
        (PragmaScope::Stage, after_space(rest)?)
    } else {
        (PragmaScope::Next, rest)
    };
    let rest = rest.strip_prefix("ignore")?.trim_start();
    let mut rest = rest.strip_prefix('=')?;
    let mut codes = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(rest.len());
        let code = &rest[..end];
        if code.is_empty() {
            break;
        }
        if tool == PragmaTool::Hadolint && !code.bytes().all(|b| b"DLSC0123456789".contains(&b)) {
            return None;
        }
        codes.push(code.to_owned());
        rest = rest[end..].trim_start_matches([' ', '\t']);
        match rest.strip_prefix(',') {
            Some(after) => rest = after,
            None => break,
        }
    }
    if codes.is_empty() {
        return None;
    }
    let reason = rest.trim_start_matches('#').trim();
    Some(Pragma {
        tool,
        scope,
        codes,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    })
}

/// At least one blank, then the rest.
fn after_space(s: &str) -> Option<&str> {
    let trimmed = s.trim_start_matches([' ', '\t']);
    (trimmed.len() < s.len()).then_some(trimmed)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    rules: Vec<Rule>,
    region: Option<Span>,
    justification: String,
}

/// The inline suppressions of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineSuppressions {
    entries: Vec<Entry>,
}

impl InlineSuppressions {
    /// Suppresses `rules` for findings starting in `region` (the whole file
    /// when `None`); `justification` is the pragma as written.
    pub fn add(
        &mut self,
        rules: Vec<Rule>,
        region: Option<Span>,
        justification: impl Into<String>,
    ) {
        if !rules.is_empty() {
            self.entries.push(Entry {
                rules,
                region,
                justification: justification.into(),
            });
        }
    }

    /// True when nothing is suppressed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The suppression of a finding of `rule` starting at byte `offset`, if any.
    pub fn find(&self, rule: Rule, offset: usize) -> Option<Suppression> {
        self.entries
            .iter()
            .find(|entry| {
                entry.rules.contains(&rule)
                    && entry.region.is_none_or(|region| {
                        region.start <= offset && (offset < region.end || offset == region.start)
                    })
            })
            .map(|entry| Suppression {
                kind: SuppressionKind::InSource,
                justification: entry.justification.clone(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(comment: &str) -> Option<(PragmaTool, PragmaScope, Vec<String>, Option<String>)> {
        parse_pragma(comment).map(|p| (p.tool, p.scope, p.codes, p.reason))
    }

    #[test]
    fn hadolint_forms() {
        let (tool, scope, list, reason) = codes("# hadolint ignore=DL3008,DL3015").expect("pragma");
        assert_eq!(
            (tool, scope, list, reason),
            (
                PragmaTool::Hadolint,
                PragmaScope::Next,
                vec!["DL3008".to_owned(), "DL3015".to_owned()],
                None
            )
        );
        assert_eq!(
            codes("#hadolint ignore=DL3008").map(|c| c.2),
            Some(vec!["DL3008".to_owned()])
        );
        assert_eq!(
            codes("hadolint global ignore=DL3008").map(|c| c.1),
            Some(PragmaScope::File)
        );
        assert_eq!(
            codes("hadolint stage ignore=DL3008").map(|c| c.1),
            Some(PragmaScope::Stage)
        );
        assert_eq!(
            codes("# hadolint ignore=DL3008, SC2086 # pinned upstream").map(|c| (c.2, c.3)),
            Some((
                vec!["DL3008".to_owned(), "SC2086".to_owned()],
                Some("pinned upstream".to_owned())
            ))
        );
    }

    #[test]
    fn hadolint_codes_are_case_sensitive() {
        assert_eq!(codes("# hadolint ignore=dl3008"), None);
        assert_eq!(codes("# hadolint ignore=from-latest-tag"), None);
        assert_eq!(codes("# Hadolint ignore=DL3008"), None);
    }

    #[test]
    fn dockward_forms_accept_codes_names_and_reasons() {
        let (tool, scope, list, reason) =
            codes("# dockward ignore=df003,apt-get-unpinned  base image is pinned by digest")
                .expect("pragma");
        assert_eq!(tool, PragmaTool::Dockward);
        assert_eq!(scope, PragmaScope::Next);
        assert_eq!(list, ["df003", "apt-get-unpinned"]);
        assert_eq!(reason.as_deref(), Some("base image is pinned by digest"));
        assert_eq!(
            codes("#Dockward global ignore = DL3008").map(|c| c.1),
            Some(PragmaScope::File)
        );
    }

    #[test]
    fn non_ascii_text_ends_the_codes() {
        assert_eq!(
            codes("# dockward ignore=DF003é").map(|c| (c.2, c.3)),
            Some((vec!["DF003".to_owned()], Some("é".to_owned())))
        );
        assert_eq!(codes("# dockwardé ignore=DF003"), None);
        assert_eq!(codes("# dockwärd ignore=DF003"), None);
        assert_eq!(
            codes("# hadolint ignore=DL3008é"),
            Some((
                PragmaTool::Hadolint,
                PragmaScope::Next,
                vec!["DL3008".to_owned()],
                Some("é".to_owned())
            ))
        );
        assert_eq!(codes("# dockward ignore=,DF003"), None);
    }

    #[test]
    fn other_comments_are_not_pragmas() {
        for comment in [
            "# install packages",
            "# hadolint shell=powershell",
            "# hadolint ignore=",
            "# dockwardignore=DF003",
            "# hadolintignore=DL3008",
            "# dockward global",
            "# dockward ignore DF003",
            "# d",
            "",
        ] {
            assert_eq!(codes(comment), None, "{comment}");
        }
    }

    #[test]
    fn regions_limit_what_is_suppressed() {
        let mut set = InlineSuppressions::default();
        assert!(set.is_empty());
        set.add(
            vec![Rule::FromLatestTag],
            Some(Span::new(10, 20)),
            "# hadolint ignore=DL3007",
        );
        set.add(
            vec![Rule::SudoInRun],
            None,
            "# dockward global ignore=DF008",
        );
        set.add(vec![], None, "# hadolint ignore=SC2086");
        assert!(set.find(Rule::FromLatestTag, 10).is_some());
        assert!(set.find(Rule::FromLatestTag, 19).is_some());
        assert!(set.find(Rule::FromLatestTag, 20).is_none());
        assert!(set.find(Rule::FromLatestTag, 9).is_none());
        assert!(set.find(Rule::CdInRun, 12).is_none());
        let global = set.find(Rule::SudoInRun, 999).expect("global");
        assert_eq!(global.kind, SuppressionKind::InSource);
        assert_eq!(global.justification, "# dockward global ignore=DF008");
    }
}
