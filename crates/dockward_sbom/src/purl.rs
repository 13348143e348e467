//! Package URLs (`package-url/purl-spec`): percent-encoding and the per-type rules.

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `s` for a purl component: unreserved characters (`A-Z a-z 0-9 . - _ ~`)
/// and `:` stay as they are, everything else (`+` → `%2B`, `@` → `%40`, `/` → `%2F`) is encoded.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out
}

/// Builds `pkg:<type>/<namespace>/<name>@<version>?<qualifiers>`. Namespace segments are
/// split on `/` and encoded one by one; qualifiers with empty values are dropped and the rest
/// sorted by key, as the spec's canonical form asks.
pub fn build(
    ty: &str,
    namespace: Option<&str>,
    name: &str,
    version: Option<&str>,
    qualifiers: &[(&str, &str)],
) -> String {
    let mut out = format!("pkg:{ty}/");
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        for seg in ns.split('/').filter(|s| !s.is_empty()) {
            out.push_str(&encode(seg));
            out.push('/');
        }
    }
    out.push_str(&encode(name));
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        out.push('@');
        out.push_str(&encode(v));
    }
    let mut qs: Vec<(&str, &str)> = qualifiers
        .iter()
        .copied()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    qs.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (k, v)) in qs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, lower-cased.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb_purl_keeps_epoch_in_version_and_encodes_plus() {
        let p = build(
            "deb",
            Some("debian"),
            "login",
            Some("1:4.13+dfsg1-1+deb12u2"),
            &[("distro", "bookworm"), ("arch", "amd64"), ("upstream", "")],
        );
        assert_eq!(
            p,
            "pkg:deb/debian/login@1:4.13%2Bdfsg1-1%2Bdeb12u2?arch=amd64&distro=bookworm"
        );
    }

    #[test]
    fn npm_scope_is_encoded_namespace() {
        assert_eq!(
            build("npm", Some("@angular"), "animation", Some("12.3.1"), &[]),
            "pkg:npm/%40angular/animation@12.3.1"
        );
    }

    #[test]
    fn pep503_normalises_runs() {
        assert_eq!(pep503("PyYAML"), "pyyaml");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("a__-.b"), "a-b");
    }
}
