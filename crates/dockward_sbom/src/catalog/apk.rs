//! apk: `lib/apk/db/installed` (and apk-tools v3's `usr/lib/apk/db/installed`).

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};

#[derive(Default)]
struct Record {
    name: String,
    version: String,
    arch: String,
    origin: String,
    license: String,
    depends: Vec<String>,
    files: Vec<String>,
}

fn parse(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut cur = Record::default();
    let mut dir = String::new();
    for line in text.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !cur.name.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur = Record::default();
            dir.clear();
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        match k {
            "P" => v.clone_into(&mut cur.name),
            "V" => v.clone_into(&mut cur.version),
            "A" => v.clone_into(&mut cur.arch),
            "o" => v.clone_into(&mut cur.origin),
            "L" => v.clone_into(&mut cur.license),
            "D" => cur.depends = v.split_whitespace().filter_map(dep_name).collect(),
            "F" => v.clone_into(&mut dir),
            "R" => cur.files.push(if dir.is_empty() {
                format!("/{v}")
            } else {
                format!("/{dir}/{v}")
            }),
            _ => {}
        }
    }
    out
}

/// `so:libc.musl-x86_64.so.1` and `cmd:` provides are not package names; `pkg>=1` is.
fn dep_name(d: &str) -> Option<String> {
    if d.starts_with('!') || d.contains(':') {
        return None;
    }
    let n = d.split(['<', '>', '=', '~']).next()?;
    (!n.is_empty()).then(|| n.to_owned())
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>) -> Vec<Found> {
    let mut out = Vec::new();
    for path in ["/lib/apk/db/installed", "/usr/lib/apk/db/installed"] {
        let Some(text) = super::text(ctx.tree, path) else {
            continue;
        };
        let distro = ctx
            .os
            .and_then(|o| o.version_id.clone())
            .unwrap_or_default();
        for r in parse(&text) {
            ctx.owned.extend(r.files.iter().cloned());
            if r.version.is_empty() {
                ctx.warn(format!("{path}: package {} has no version", r.name));
                continue;
            }
            let origin = if r.origin.is_empty() {
                r.name.clone()
            } else {
                r.origin.clone()
            };
            let upstream = if origin == r.name {
                ""
            } else {
                origin.as_str()
            };
            let purl = purl::build(
                "apk",
                Some("alpine"),
                &r.name.to_ascii_lowercase(),
                Some(&r.version),
                &[
                    ("arch", &r.arch),
                    ("distro", &distro),
                    ("upstream", upstream),
                ],
            );
            out.push(Found {
                pkg: Package {
                    name: r.name,
                    version: r.version.clone(),
                    ecosystem: ctx.ecosystem(PackageKind::Apk),
                    kind: PackageKind::Apk,
                    source_name: Some(origin),
                    source_version: Some(r.version),
                    purl,
                    licenses: r.license.split_whitespace().map(str::to_owned).collect(),
                    locations: vec![path.to_owned()],
                    layer: ctx.layer(path),
                    dependencies: Vec::new(),
                },
                dep_names: r.depends,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_records_with_origin_and_files() {
        let db = "C:Q1abc=\nP:libcrypto3\nV:3.3.2-r0\nA:x86_64\nL:Apache-2.0\no:openssl\nD:so:libc.musl-x86_64.so.1 musl>=1.2\nF:lib\nR:libcrypto.so.3\n\nP:musl\nV:1.2.5-r0\n";
        let r = parse(db);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].origin, "openssl");
        assert_eq!(r[0].files, vec!["/lib/libcrypto.so.3"]);
        assert_eq!(r[0].depends, vec!["musl"]);
        assert_eq!(r[1].version, "1.2.5-r0");
    }
}
