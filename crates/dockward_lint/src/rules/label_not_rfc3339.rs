use dockward_rules::declare_rule;

use super::invalid_label_key::typed_labels;
use crate::{Context, LabelType, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a label that the label schema declares as `rfc3339` and whose
    /// value is not an RFC 3339 timestamp such as `2024-05-01T12:30:00Z` or
    /// `2024-05-01T14:30:00.5+02:00`.
    ///
    /// ## Why is this bad?
    /// Creation-date labels (`org.opencontainers.image.created`) are parsed
    /// by tools to sort and expire images. A date without time zone, a local
    /// format (`05/01/2024`) or an impossible date (`2023-02-29`) is either
    /// rejected or silently misread.
    ///
    /// The separator may be `T`, `t` or a space (RFC 3339 section 5.6 allows
    /// the space, and `date --rfc-3339=seconds` prints it). Values with
    /// variables (`$BUILD_DATE`) and empty values (see `empty-label`) are not
    /// checked.
    ///
    /// ## Example
    /// With `org.opencontainers.image.created = "rfc3339"` in the schema:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01 12:30"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## References
    /// - [RFC 3339, section 5.6](https://www.rfc-editor.org/rfc/rfc3339#section-5.6)
    /// - [OCI image annotations: created](https://github.com/opencontainers/image-spec/blob/main/annotations.md)
    pub struct LabelNotRfc3339 {
        severity: Medium,
        status: Stable,
        summary: "an `rfc3339` schema label is not an RFC 3339 timestamp",
        aliases: ["DL3053"],
        references: [
            "https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
            "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for label in typed_labels(ctx, LabelType::Rfc3339) {
        if !is_rfc3339(label.value.as_str()) {
            out.push(Violation::new(
                LabelNotRfc3339::META.rule,
                label.value.span,
                format!(
                    "label `{}` is `{}`, which is not an RFC 3339 timestamp (e.g. 2024-05-01T12:30:00Z)",
                    label.key.as_str(),
                    label.value.as_str()
                ),
            ));
        }
    }
}

/// `n` ASCII digits at the start of `s` as a number, and the rest.
fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
    let head = s.get(..n)?;
    if !head.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &s[n..]))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `full-date ("T" / "t" / " ") full-time` of RFC 3339 section 5.6.
fn is_rfc3339(value: &str) -> bool {
    parse(value).is_some()
}

fn parse(s: &str) -> Option<()> {
    let (year, s) = digits(s, 4)?;
    let s = s.strip_prefix('-')?;
    let (month, s) = digits(s, 2)?;
    let s = s.strip_prefix('-')?;
    let (day, s) = digits(s, 2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let s = s.strip_prefix(['T', 't', ' '])?;
    let (hour, s) = digits(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (minute, s) = digits(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (second, mut s) = digits(s, 2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if let Some(frac) = s.strip_prefix('.') {
        let n = frac.chars().take_while(char::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        s = &frac[n..];
    }
    if s == "Z" || s == "z" {
        return Some(());
    }
    let s = s.strip_prefix(['+', '-'])?;
    let (oh, s) = digits(s, 2)?;
    let s = s.strip_prefix(':')?;
    let (om, s) = digits(s, 2)?;
    (s.is_empty() && oh <= 23 && om <= 59).then_some(())
}

#[cfg(test)]
mod tests {
    use super::is_rfc3339;

    #[test]
    fn timestamps() {
        for good in [
            "2024-05-01T12:30:00Z",
            "2024-05-01t12:30:00z",
            "2024-05-01 12:30:00+02:00",
            "2024-02-29T00:00:00.123456-05:30",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(is_rfc3339(good), "{good}");
        }
        for bad in [
            "2024-05-01",
            "2024-05-01T12:30:00",
            "2024-05-01T12:30Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30:00.Z",
            "2024-05-01T12:30:00+0200",
            "05/01/2024",
            "2024-05-01T12:30:00Zjunk",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
