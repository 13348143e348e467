//! Alpine (apk-tools) versions.
//!
//! This follows the current apk-tools algorithm (`src/version.c`, the
//! `token_state` implementation): grammar
//! `digit{.digit}...{letter}{_suffix{number}}...{~hash}{-rN}`.
//!
//! Strings the grammar rejects are parse errors. apk-tools itself, when asked
//! to compare such a string, compares the tokens up to the first invalid one
//! and then ranks the invalid token as greater than any valid continuation;
//! that is an artefact, not an order, so dockward refuses to guess.
//! The corpus's `apk.algorithm-disagreements.tsv` lists where the older
//! apk-tools algorithm (`get_token`/`next_token`) decided differently:
//! it accepted `6.6.4p1` (a letter followed by digits), `.r2` components and
//! `1.18.-r2`, rejected the `~<hex>` commit-hash form, compared components
//! with leading zeros numerically (`0.03 < 0.026`; now `0.03 > 0.026`, as
//! strings) and ranked `1.0_rc10` above `1.0` (now below).

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

/// The kinds of token, in the order apk-tools declares them; the order
/// matters when two versions differ in length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
}

/// Suffixes in their order; `None` is the pivot (pre-releases sort below it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Suffix {
    Alpha,
    Beta,
    Pre,
    Rc,
    None,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

impl Suffix {
    fn from_name(name: &str) -> Option<Suffix> {
        Some(match name {
            "alpha" => Suffix::Alpha,
            "beta" => Suffix::Beta,
            "pre" => Suffix::Pre,
            "rc" => Suffix::Rc,
            "cvs" => Suffix::Cvs,
            "svn" => Suffix::Svn,
            "git" => Suffix::Git,
            "hg" => Suffix::Hg,
            "p" => Suffix::P,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    /// Byte range of the token's text in the version string.
    start: usize,
    end: usize,
    suffix: Suffix,
}

/// An Alpine package version, e.g. `1.2.3_rc1-r0`.
#[derive(Debug, Clone)]
pub struct ApkVersion {
    raw: String,
    tokens: Vec<Token>,
}

version_common!(ApkVersion);

impl ApkVersion {
    /// The `-rN` revision, if any.
    pub fn revision(&self) -> Option<&str> {
        self.tokens
            .iter()
            .find(|t| t.kind == Kind::RevisionNo)
            .and_then(|t| self.raw.get(t.start..t.end))
    }

    fn text(&self, t: &Token) -> &[u8] {
        self.raw.as_bytes().get(t.start..t.end).unwrap_or_default()
    }
}

fn span(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut i = from;
    while bytes.get(i).is_some_and(|&c| pred(c)) {
        i += 1;
    }
    i
}

fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let b = s.as_bytes();
    let mut tokens = Vec::new();
    let end = span(b, 0, |c| c.is_ascii_digit());
    if end == 0 {
        return Err("must start with a digit".to_owned());
    }
    tokens.push(Token {
        kind: Kind::InitialDigit,
        start: 0,
        end,
        suffix: Suffix::None,
    });
    let mut prev = Kind::InitialDigit;
    let mut i = end;
    while let Some(&c) = b.get(i) {
        let token = match c {
            b'a'..=b'z' => {
                if prev > Kind::Digit {
                    return Err(format!("letter `{}` not allowed here", c as char));
                }
                Token {
                    kind: Kind::Letter,
                    start: i,
                    end: i + 1,
                    suffix: Suffix::None,
                }
            }
            b'.' | b'0'..=b'9' => {
                let from = if c == b'.' {
                    if prev > Kind::Digit {
                        return Err("`.` not allowed here".to_owned());
                    }
                    i + 1
                } else {
                    i
                };
                let kind = match prev {
                    Kind::InitialDigit | Kind::Digit => Kind::Digit,
                    Kind::Suffix => Kind::SuffixNo,
                    _ => return Err("digit not allowed here".to_owned()),
                };
                let end = span(b, from, |c| c.is_ascii_digit());
                if end == from {
                    return Err("`.` must be followed by digits".to_owned());
                }
                Token {
                    kind,
                    start: from,
                    end,
                    suffix: Suffix::None,
                }
            }
            b'_' => {
                if prev > Kind::SuffixNo {
                    return Err("`_` not allowed here".to_owned());
                }
                let end = span(b, i + 1, |c| c.is_ascii_lowercase());
                let name = s.get(i + 1..end).unwrap_or_default();
                let suffix =
                    Suffix::from_name(name).ok_or_else(|| format!("unknown suffix `_{name}`"))?;
                Token {
                    kind: Kind::Suffix,
                    start: i + 1,
                    end,
                    suffix,
                }
            }
            b'~' => {
                if prev >= Kind::CommitHash {
                    return Err("`~` not allowed here".to_owned());
                }
                let end = span(b, i + 1, |c| {
                    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
                });
                if end == i + 1 {
                    return Err("`~` must be followed by a hex commit hash".to_owned());
                }
                Token {
                    kind: Kind::CommitHash,
                    start: i + 1,
                    end,
                    suffix: Suffix::None,
                }
            }
            b'-' => {
                if prev >= Kind::RevisionNo || b.get(i + 1) != Some(&b'r') {
                    return Err("`-` must start the final `-rN` revision".to_owned());
                }
                let end = span(b, i + 2, |c| c.is_ascii_digit());
                if end == i + 2 {
                    return Err("`-r` must be followed by digits".to_owned());
                }
                Token {
                    kind: Kind::RevisionNo,
                    start: i + 2,
                    end,
                    suffix: Suffix::None,
                }
            }
            _ => return Err(format!("unexpected character at byte {i}")),
        };
        prev = token.kind;
        i = token.end;
        tokens.push(token);
    }
    Ok(tokens)
}

/// Compares two digit strings as numbers of any size.
fn cmp_numeric(a: &[u8], b: &[u8]) -> Ordering {
    let strip = |x: &[u8]| {
        let zeros = x.iter().take_while(|&&c| c == b'0').count();
        x.get(zeros..).unwrap_or_default().to_vec()
    };
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

impl FromStr for ApkVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tokens = tokenize(s).map_err(|r| ParseVersionError::new(Scheme::Apk, s, r))?;
        Ok(ApkVersion {
            raw: s.to_owned(),
            tokens,
        })
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let end = Token {
            kind: Kind::End,
            start: 0,
            end: 0,
            suffix: Suffix::None,
        };
        let mut i = 0;
        loop {
            let ta = self.tokens.get(i).copied().unwrap_or(end);
            let tb = other.tokens.get(i).copied().unwrap_or(end);
            if ta.kind != tb.kind {
                // Equal so far; the longer one is greater unless it goes on
                // with a pre-release suffix.
                if ta.kind == Kind::Suffix && ta.suffix < Suffix::None {
                    return Ordering::Less;
                }
                if tb.kind == Kind::Suffix && tb.suffix < Suffix::None {
                    return Ordering::Greater;
                }
                return tb.kind.cmp(&ta.kind);
            }
            let (xa, xb) = (self.text(&ta), other.text(&tb));
            let r = match ta.kind {
                Kind::End => return Ordering::Equal,
                Kind::Digit if xa.first() == Some(&b'0') || xb.first() == Some(&b'0') => {
                    // A leading zero makes the component compare as a string.
                    xa.cmp(xb)
                }
                Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
                    cmp_numeric(xa, xb)
                }
                Kind::Letter | Kind::CommitHash => xa.cmp(xb),
                Kind::Suffix => ta.suffix.cmp(&tb.suffix),
            };
            if r != Ordering::Equal {
                return r;
            }
            i += 1;
        }
    }
}
