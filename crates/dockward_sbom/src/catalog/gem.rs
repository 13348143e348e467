//! Ruby gems: `specifications/*.gemspec` (Ruby code; read by pattern, never evaluated).

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

pub(crate) fn is_gemspec(path: &str) -> bool {
    path.ends_with(".gemspec") && path.contains("/specifications/")
}

/// The first quoted string of `s`.
fn quoted(s: &str) -> Option<String> {
    let start = s.find(['"', '\''])?;
    let q = s[start..].chars().next()?;
    let rest = &s[start + 1..];
    let end = rest.find(q)?;
    Some(rest[..end].to_owned())
}

pub(crate) fn parse(text: &str) -> (String, String, Vec<String>) {
    let (mut name, mut version, mut licenses) = (String::new(), String::new(), Vec::new());
    for line in text.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        let attr = lhs.trim().rsplit('.').next().unwrap_or("");
        match attr {
            "name" if name.is_empty() => name = quoted(rhs).unwrap_or_default(),
            "version" if version.is_empty() => version = quoted(rhs).unwrap_or_default(),
            "license" | "licenses" if licenses.is_empty() => {
                licenses = rhs
                    .split(',')
                    .filter_map(quoted)
                    .filter(|l| !l.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    (name, version, licenses)
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Option<Found> {
    let (name, version, licenses) = parse(&String::from_utf8_lossy(data));
    if name.is_empty() || version.is_empty() {
        ctx.warn(format!(
            "{path}: gemspec without a readable name and version"
        ));
        return None;
    }
    Some(Found {
        pkg: Package {
            purl: purl::build("gem", None, &name, Some(&version), &[]),
            name,
            version,
            ecosystem: Ecosystem::RubyGems,
            kind: PackageKind::Gem,
            source_name: None,
            source_version: None,
            licenses,
            locations: vec![path.to_owned()],
            layer: ctx.layer(path),
            dependencies: Vec::new(),
        },
        dep_names: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installed_gemspec() {
        let spec = "# stub: rack 2.2.3 ruby lib\nGem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\n  s.licenses = [\"MIT\".freeze]\nend\n";
        assert_eq!(
            parse(spec),
            ("rack".into(), "2.2.3".into(), vec!["MIT".into()])
        );
        assert_eq!(
            parse("s.name = \"unterminated"),
            (String::new(), String::new(), vec![])
        );
    }
}
