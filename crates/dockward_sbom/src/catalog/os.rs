//! OS detection: os-release, then release files.

use dockward_oci::tree::FileTree;

use super::text;
use crate::Os;

/// Parses os-release text (`KEY=value`, values optionally quoted).
pub(crate) fn parse_os_release(s: &str) -> Option<Os> {
    let mut os = Os::default();
    for line in s.lines() {
        let line = line.trim();
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(v)
            .to_owned();
        match k.trim() {
            "ID" => os.id = v.to_ascii_lowercase(),
            "VERSION_ID" => os.version_id = Some(v),
            "PRETTY_NAME" => os.pretty_name = Some(v),
            "VERSION_CODENAME" => os.codename = Some(v),
            _ => {}
        }
    }
    (!os.id.is_empty()).then_some(os)
}

/// Detects the OS of an image.
pub(crate) fn detect(tree: &FileTree) -> Option<Os> {
    for p in ["/etc/os-release", "/usr/lib/os-release"] {
        if let Some(os) = text(tree, p).and_then(|t| parse_os_release(&t)) {
            return Some(os);
        }
    }
    if let Some(t) = text(tree, "/etc/alpine-release") {
        return Some(Os {
            id: "alpine".into(),
            version_id: Some(t.trim().to_owned()),
            pretty_name: None,
            codename: None,
        });
    }
    if let Some(t) = text(tree, "/etc/debian_version") {
        return Some(Os {
            id: "debian".into(),
            version_id: Some(t.trim().to_owned()),
            pretty_name: None,
            codename: None,
        });
    }
    if let Some(t) = text(tree, "/etc/lsb-release") {
        let mut os = Os::default();
        for line in t.lines() {
            match line.split_once('=') {
                Some(("DISTRIB_ID", v)) => os.id = v.trim_matches('"').to_ascii_lowercase(),
                Some(("DISTRIB_RELEASE", v)) => os.version_id = Some(v.trim_matches('"').into()),
                Some(("DISTRIB_CODENAME", v)) => os.codename = Some(v.trim_matches('"').into()),
                Some(("DISTRIB_DESCRIPTION", v)) => {
                    os.pretty_name = Some(v.trim_matches('"').into());
                }
                _ => {}
            }
        }
        if !os.id.is_empty() {
            return Some(os);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_this_machines_bookworm_os_release() {
        let os = parse_os_release(include_str!("../../tests/fixtures/os-release")).unwrap();
        assert_eq!(os.id, "debian");
        assert_eq!(os.version_id.as_deref(), Some("12"));
        assert_eq!(os.codename.as_deref(), Some("bookworm"));
        assert_eq!(
            os.pretty_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
    }

    #[test]
    fn garbage_is_none() {
        assert!(parse_os_release("\u{0}\u{1}=\n===\nNAME").is_none());
    }
}
