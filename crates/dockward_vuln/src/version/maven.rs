//! Maven versions.
//!
//! The order of Maven's `ComparableVersion` (as in Maven 3.6 to 3.8, with
//! MNG-6964): the lowercased string is split at `.` and `-` and at every
//! switch between digits and letters; a `-` or a switch starts a nested list.
//! Numbers compare numerically and above any qualifier; known qualifiers
//! order `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final =
//! release < sp`, and unknown ones sort after `sp`, alphabetically. `a1`,
//! `b1`, `m1` abbreviate `alpha-1`, `beta-1`, `milestone-1`. Trailing zeros
//! and release qualifiers are dropped, so `1` = `1.0` = `1-0` = `1.ga`.
//!
//! There is no labelled Maven corpus: the unit tests hold orders that Maven's
//! own documentation and tests state.

use std::cmp::Ordering;
use std::str::FromStr;

use super::{ParseVersionError, Scheme};

#[derive(Debug, Clone)]
enum Item {
    /// A number, as its digits without leading zeros.
    Int(String),
    /// A qualifier, as its comparable form.
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// The comparable form of the release qualifier `""`.
const RELEASE: &str = "5";

fn qualifier(value: &str, followed_by_digit: bool) -> Item {
    let value = match (value, followed_by_digit) {
        ("a", true) => "alpha",
        ("b", true) => "beta",
        ("m", true) => "milestone",
        ("ga" | "final" | "release", _) => "",
        ("cr", _) => "rc",
        (v, _) => v,
    };
    let comparable = match QUALIFIERS.iter().position(|q| *q == value) {
        Some(i) => i.to_string(),
        None => format!("{}-{value}", QUALIFIERS.len()),
    };
    Item::Str(comparable)
}

fn int(digits: &str) -> Item {
    Item::Int(digits.trim_start_matches('0').to_owned())
}

fn item(is_digit: bool, text: &str) -> Item {
    if is_digit {
        int(text)
    } else {
        qualifier(text, false)
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(d) => d.is_empty(),
            Item::Str(q) => q == RELEASE,
            Item::List(l) => l.is_empty(),
        }
    }

    /// Compares with a missing item (the shorter side of a list).
    fn cmp_none(&self) -> Ordering {
        match self {
            Item::Int(d) => {
                if d.is_empty() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Str(q) => q.as_str().cmp(RELEASE),
            Item::List(l) => l
                .iter()
                .map(Item::cmp_none)
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Int(a), Item::Int(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Item::Str(a), Item::Str(b)) => a.cmp(b),
            (Item::Int(_), _) | (Item::List(_), Item::Str(_)) => Ordering::Greater,
            (Item::Str(_), _) | (Item::List(_), Item::Int(_)) => Ordering::Less,
            (Item::List(a), Item::List(b)) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let r = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp_item(y),
            (Some(x), None) => x.cmp_none(),
            (None, Some(y)) => y.cmp_none().reverse(),
            (None, None) => Ordering::Equal,
        };
        if r.is_ne() {
            return r;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking past non-null nested lists.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        let Some(item) = list.get(i) else { break };
        if item.is_null() {
            list.remove(i);
        } else if !matches!(item, Item::List(_)) {
            break;
        }
    }
}

fn parse(version: &str) -> Vec<Item> {
    let v = version.to_lowercase();
    // The innermost list is last; each list is the last item of its parent.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut start = 0;
    for (i, c) in v.char_indices() {
        let text = v.get(start..i).unwrap_or_default();
        let push = |stack: &mut Vec<Vec<Item>>, it: Item| {
            if let Some(top) = stack.last_mut() {
                top.push(it);
            }
        };
        if c == '.' || c == '-' {
            let it = if text.is_empty() {
                Item::Int(String::new())
            } else {
                item(is_digit, text)
            };
            push(&mut stack, it);
            start = i + 1;
            if c == '-' {
                stack.push(Vec::new());
            }
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                push(&mut stack, qualifier(text, true));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(&mut stack, int(text));
                start = i;
                stack.push(Vec::new());
            }
            is_digit = false;
        }
    }
    let rest = v.get(start..).unwrap_or_default();
    if let (false, Some(top)) = (rest.is_empty(), stack.last_mut()) {
        top.push(item(is_digit, rest));
    }
    let mut done = Vec::new();
    while let Some(mut list) = stack.pop() {
        if let Some(child) = done.pop() {
            list.push(Item::List(child));
        }
        normalize(&mut list);
        done.push(list);
    }
    done.pop().unwrap_or_default()
}

/// A Maven artifact version, e.g. `2.17.1`, `1.0-beta-2`, `5.3.0.RELEASE`.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    raw: String,
    items: Vec<Item>,
}

version_common!(MavenVersion);

impl FromStr for MavenVersion {
    type Err = ParseVersionError;

    /// Maven accepts any string; only empty or blank ones are rejected here.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            return Err(ParseVersionError::new(Scheme::Maven, s, "empty version"));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(ParseVersionError::new(
                Scheme::Maven,
                s,
                "contains whitespace",
            ));
        }
        Ok(MavenVersion {
            raw: s.to_owned(),
            items: parse(s),
        })
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}
