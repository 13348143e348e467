//! RubyGems versions.
//!
//! `Gem::Version` rules: a version is digits, then `.`-separated
//! alphanumeric parts, then optionally `-` and `.`-separated parts of
//! alphanumerics and `-` (surrounding whitespace is ignored; a blank string
//! is `0`). `-` means `.pre.`. The string splits into runs of digits
//! (numbers) and runs of letters (strings); any letter makes it a
//! pre-release. Trailing zeros of the release part and of the pre-release
//! part are dropped (`1.0` = `1`), then parts compare pairwise (missing ones
//! are 0): numbers numerically, strings bytewise, and a string is lower than
//! a number (`1.0.a` < `1.0` < `1.0.1`).
//!
//! There is no labelled RubyGems corpus: the unit tests hold orders stated by
//! RubyGems' documentation and tests.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Digits without leading zeros.
    Num(String),
    Str(String),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Num(d) if d.is_empty())
    }

    fn cmp_seg(&self, other: &Segment) -> Ordering {
        match (self, other) {
            (Segment::Num(a), Segment::Num(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Segment::Str(a), Segment::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
            (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
        }
    }
}

/// A RubyGems version, e.g. `7.0.4`, `1.0.0.rc1`, `2.0.0-beta.2`.
#[derive(Debug, Clone)]
pub struct GemVersion {
    raw: String,
    /// Canonical segments: trailing zeros of both parts dropped.
    segments: Vec<Segment>,
}

version_common!(GemVersion);

impl GemVersion {
    /// Whether the version contains a letter (a pre-release).
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().any(|s| matches!(s, Segment::Str(_)))
    }
}

fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\0')
}

fn valid(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    let (main, pre) = match v.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (v, None),
    };
    let mut parts = main.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|q| !q.is_empty() && q.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let run = |i: &mut usize, pred: fn(&u8) -> bool| {
            while bytes.get(*i).is_some_and(pred) {
                *i += 1;
            }
        };
        match bytes.get(i) {
            Some(c) if c.is_ascii_digit() => {
                run(&mut i, u8::is_ascii_digit);
                let d = text.get(start..i).unwrap_or_default();
                out.push(Segment::Num(d.trim_start_matches('0').to_owned()));
            }
            Some(c) if c.is_ascii_alphabetic() => {
                run(&mut i, u8::is_ascii_alphabetic);
                out.push(Segment::Str(
                    text.get(start..i).unwrap_or_default().to_owned(),
                ));
            }
            _ => i += 1,
        }
    }
    out
}

fn trim_zeros(mut part: Vec<Segment>) -> Vec<Segment> {
    while part.last().is_some_and(Segment::is_zero) {
        part.pop();
    }
    part
}

impl FromStr for GemVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let v = s.trim_matches(is_ruby_space);
        if !valid(v) {
            return Err(ParseVersionError::new(
                Scheme::Gem,
                s,
                "not digits followed by `.`-separated alphanumerics and an optional `-` pre-release",
            ));
        }
        let v = if v.is_empty() {
            "0".to_owned()
        } else {
            v.replace('-', ".pre.")
        };
        let all = segments(&v);
        let split = all
            .iter()
            .position(|s| matches!(s, Segment::Str(_)))
            .unwrap_or(all.len());
        let mut release = all;
        let pre = release.split_off(split);
        let mut canonical = trim_zeros(release);
        canonical.extend(trim_zeros(pre));
        Ok(GemVersion {
            raw: s.to_owned(),
            segments: canonical,
        })
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(String::new());
        let n = self.segments.len().max(other.segments.len());
        for i in 0..n {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            let r = a.cmp_seg(b);
            if r.is_ne() {
                return r;
            }
        }
        Ordering::Equal
    }
}
