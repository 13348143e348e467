//! dpkg: `/var/lib/dpkg/status` and distroless `/var/lib/dpkg/status.d/*`; file ownership from
//! `info/*.list` and `status.d/*.md5sums`.

use std::collections::{HashMap, HashSet};

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};

/// One deb822 stanza: field names (as written) and values, continuation lines joined by `\n`.
pub(crate) type Stanza = Vec<(String, String)>;

/// Splits deb822 text into stanzas. Never fails: lines that are neither `Field: value` nor a
/// continuation are ignored.
pub(crate) fn parse_stanzas(s: &str) -> Vec<Stanza> {
    let mut out = Vec::new();
    let mut cur: Stanza = Vec::new();
    for line in s.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if line.starts_with(' ') || line.starts_with('\t') {
            if let Some((_, v)) = cur.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn field<'a>(st: &'a Stanza, name: &str) -> Option<&'a str> {
    st.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Splits `Source:` into name and optional version: `util-linux (2.38.1-5+deb12u3)`.
pub(crate) fn split_source(s: &str) -> (String, Option<String>) {
    match s.split_once('(') {
        Some((n, v)) => (
            n.trim().to_owned(),
            Some(v.trim_end().trim_end_matches(')').trim().to_owned()).filter(|v| !v.is_empty()),
        ),
        None => (s.trim().to_owned(), None),
    }
}

/// The entries of a `Depends:`-style field, each a list of alternatives (`a | b`), names
/// without version constraints or `:arch` qualifiers.
pub(crate) fn depends_alternatives(s: &str) -> Vec<Vec<String>> {
    s.split(',')
        .map(|entry| {
            entry
                .split('|')
                .filter_map(|alt| {
                    let name = alt.trim().split([' ', '(', '[']).next()?.trim();
                    let name = name.split(':').next()?;
                    (!name.is_empty()).then(|| name.to_owned())
                })
                .collect::<Vec<_>>()
        })
        .filter(|alts| !alts.is_empty())
        .collect()
}

/// The package that satisfies one dependency entry, as dpkg would: the first alternative
/// that is installed, else an installed package that `Provides` one (in order), else the
/// first alternative (which then resolves to nothing).
fn satisfying(
    alternatives: &[String],
    installed: &HashSet<&str>,
    provides: &HashMap<&str, &str>,
) -> Option<String> {
    if let Some(a) = alternatives.iter().find(|a| installed.contains(a.as_str())) {
        return Some(a.clone());
    }
    if let Some(p) = alternatives.iter().find_map(|a| provides.get(a.as_str())) {
        return Some((*p).to_owned());
    }
    alternatives.first().cloned()
}

/// Turns one stanza into a package, or `None` when it is not installed or lacks a name or
/// version.
fn package(ctx: &Ctx<'_>, st: &Stanza, location: &str) -> Option<Parsed> {
    let name = field(st, "Package")?.to_owned();
    let version = field(st, "Version")?.to_owned();
    if name.is_empty() || version.is_empty() {
        return None;
    }
    // A missing Status (distroless) means installed; deinstall/purge words or a
    // not-installed/config-files state drop the stanza.
    if let Some(status) = field(st, "Status") {
        let words: Vec<&str> = status.split_whitespace().collect();
        if words
            .iter()
            .any(|w| matches!(*w, "deinstall" | "purge" | "not-installed" | "config-files"))
        {
            return None;
        }
    }
    let arch = field(st, "Architecture").unwrap_or("").to_owned();
    let (src_name, src_version) = match field(st, "Source") {
        Some(s) if !s.is_empty() => {
            let (n, v) = split_source(s);
            (n, v.unwrap_or_else(|| version.clone()))
        }
        _ => (name.clone(), version.clone()),
    };
    let os = ctx.os;
    let vendor = match os.map(|o| o.id.as_str()) {
        Some("ubuntu") => "ubuntu",
        _ => "debian",
    };
    let distro = os
        .and_then(|o| o.codename.clone())
        .or_else(|| {
            os.and_then(|o| {
                o.version_id
                    .as_ref()
                    .map(|v| format!("{}-{}", o.id, v.split('.').next().unwrap_or(v)))
            })
        })
        .unwrap_or_default();
    let upstream = if src_name == name && src_version == version {
        String::new()
    } else if src_version == version {
        src_name.clone()
    } else {
        format!("{src_name}@{src_version}")
    };
    let purl = purl::build(
        "deb",
        Some(vendor),
        &name.to_ascii_lowercase(),
        Some(&version),
        &[
            ("arch", &arch),
            ("distro", &distro),
            ("upstream", &upstream),
        ],
    );
    let mut dependencies = Vec::new();
    for f in ["Pre-Depends", "Depends"] {
        if let Some(d) = field(st, f) {
            dependencies.extend(depends_alternatives(d));
        }
    }
    let provides = field(st, "Provides")
        .map(depends_alternatives)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect();
    let found = Found {
        pkg: Package {
            name,
            version,
            ecosystem: ctx.ecosystem(PackageKind::Deb),
            kind: PackageKind::Deb,
            source_name: Some(src_name),
            source_version: Some(src_version),
            purl,
            licenses: Vec::new(),
            locations: vec![location.to_owned()],
            layer: ctx.layer(location),
            dependencies: Vec::new(),
        },
        dep_names: Vec::new(),
    };
    Some(Parsed {
        found,
        dependencies,
        provides,
    })
}

/// A package with its dependency entries still unresolved, and the virtual packages it provides.
struct Parsed {
    found: Found,
    dependencies: Vec<Vec<String>>,
    provides: Vec<String>,
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>) -> Vec<Found> {
    let tree = ctx.tree;
    let mut out: Vec<Parsed> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    if tree.get("/var/lib/dpkg/status").is_some() {
        sources.push("/var/lib/dpkg/status".into());
    }
    for (p, _) in tree.under("/var/lib/dpkg/status.d") {
        sources.push(p.to_owned());
    }
    for path in sources {
        let Some(data) = super::content(tree, &path) else {
            continue;
        };
        if path.ends_with(".md5sums") {
            for line in String::from_utf8_lossy(data).lines() {
                if let Some((_, f)) = line.split_once("  ") {
                    ctx.owned
                        .insert(format!("/{}", f.trim().trim_start_matches('/')));
                }
            }
            continue;
        }
        let text = String::from_utf8_lossy(data);
        let stanzas = parse_stanzas(&text);
        if stanzas.is_empty() && !text.trim().is_empty() {
            ctx.warn(format!("{path}: no dpkg stanza could be read"));
        }
        for st in &stanzas {
            match package(ctx, st, &path) {
                Some(f) => out.push(f),
                None if field(st, "Package").is_some() && field(st, "Version").is_none() => {
                    ctx.warn(format!(
                        "{path}: package {} has no Version",
                        field(st, "Package").unwrap_or_default()
                    ));
                }
                None => {}
            }
        }
    }
    // Each dependency entry resolves to the alternative that is installed (or provided).
    let installed: HashSet<&str> = out.iter().map(|s| s.found.pkg.name.as_str()).collect();
    let mut provides: HashMap<&str, &str> = HashMap::new();
    for s in &out {
        for v in &s.provides {
            provides
                .entry(v.as_str())
                .or_insert(s.found.pkg.name.as_str());
        }
    }
    let names: Vec<Vec<String>> = out
        .iter()
        .map(|s| {
            s.dependencies
                .iter()
                .filter_map(|alts| satisfying(alts, &installed, &provides))
                .collect()
        })
        .collect();
    let out: Vec<Found> = out
        .into_iter()
        .zip(names)
        .map(|(s, dep_names)| Found {
            dep_names,
            ..s.found
        })
        .collect();
    for (p, e) in tree.under("/var/lib/dpkg/info") {
        if !super::has_ext(p, "list") {
            continue;
        }
        if let Some(data) = e.content.as_deref() {
            for line in String::from_utf8_lossy(data).lines() {
                let line = line.trim();
                if line.starts_with('/') && line.len() > 1 {
                    ctx.owned.insert(line.to_owned());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_with_and_without_version() {
        assert_eq!(
            split_source("util-linux (2.38.1-5+deb12u3)"),
            ("util-linux".into(), Some("2.38.1-5+deb12u3".into()))
        );
        assert_eq!(split_source("glibc"), ("glibc".into(), None));
        assert_eq!(split_source("x ("), ("x".into(), None));
    }

    #[test]
    fn depends_keep_alternatives_without_constraints() {
        assert_eq!(
            depends_alternatives("libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, perl:any"),
            vec![
                vec!["libc6".to_owned()],
                vec!["debconf".to_owned(), "debconf-2.0".to_owned()],
                vec!["perl".to_owned()]
            ]
        );
        assert!(depends_alternatives("").is_empty());
    }

    #[test]
    fn a_dependency_resolves_to_the_installed_alternative() {
        // bookworm's init-system-helpers: `Depends: usrmerge | usr-is-merged`, with only
        // usr-is-merged installed (Trivy links it too).
        let installed: HashSet<&str> = ["usr-is-merged", "debconf", "mawk"].into_iter().collect();
        let provides: HashMap<&str, &str> = [("awk", "mawk")].into_iter().collect();
        let alts = |s: &str| depends_alternatives(s).remove(0);
        assert_eq!(
            satisfying(&alts("usrmerge | usr-is-merged"), &installed, &provides),
            Some("usr-is-merged".to_owned())
        );
        assert_eq!(
            satisfying(
                &alts("debconf (>= 0.5) | debconf-2.0"),
                &installed,
                &provides
            ),
            Some("debconf".to_owned())
        );
        assert_eq!(
            satisfying(&alts("gawk | awk"), &installed, &provides),
            Some("mawk".to_owned())
        );
        assert_eq!(
            satisfying(&alts("nothing | none"), &installed, &provides),
            Some("nothing".to_owned())
        );
    }

    #[test]
    fn truncated_and_binary_input_does_not_panic() {
        let s = parse_stanzas(
            "Package: a\nVersion: 1\n Description cont\n\u{fffd}\u{0}:\n\n\n :x\nPackage",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(field(&s[0], "Version"), Some("1\nDescription cont"));
    }
}
