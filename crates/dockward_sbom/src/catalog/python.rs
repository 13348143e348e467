//! Python: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and `*.egg-info` files.

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

pub(crate) fn is_metadata(path: &str) -> bool {
    let Some((dir, name)) = path.rsplit_once('/') else {
        return false;
    };
    let dir_name = dir.rsplit('/').next().unwrap_or("");
    (name == "METADATA" && dir_name.ends_with(".dist-info"))
        || (name == "PKG-INFO" && (dir_name.ends_with(".egg-info") || dir_name == "EGG-INFO"))
        || (name.ends_with(".egg-info") && path.contains("-packages/"))
}

/// RFC 822 headers up to the first blank line: name, version, licences, requirements.
pub(crate) struct Metadata {
    pub name: String,
    pub version: String,
    pub licenses: Vec<String>,
    pub requires: Vec<String>,
}

pub(crate) fn parse(text: &str) -> Metadata {
    let mut m = Metadata {
        name: String::new(),
        version: String::new(),
        licenses: Vec::new(),
        requires: Vec::new(),
    };
    let mut expression = None;
    let mut license = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k {
            "Name" => v.clone_into(&mut m.name),
            "Version" => v.clone_into(&mut m.version),
            "License-Expression" => expression = Some(v.to_owned()),
            "License" if !v.is_empty() && v != "UNKNOWN" && v.len() < 200 => {
                license = Some(v.to_owned());
            }
            // Extras-only requirements are not installed dependencies.
            "Requires-Dist" if !v.contains("extra ==") && !v.contains("extra==") => {
                let name: String = v
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    m.requires.push(name);
                }
            }
            _ => {}
        }
    }
    m.licenses.extend(expression.or(license));
    m
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Option<Found> {
    let m = parse(&String::from_utf8_lossy(data));
    if m.name.is_empty() || m.version.is_empty() {
        ctx.warn(format!("{path}: Python metadata without Name or Version"));
        return None;
    }
    let purl = purl::build("pypi", None, &purl::pep503(&m.name), Some(&m.version), &[]);
    Some(Found {
        pkg: Package {
            name: m.name,
            version: m.version,
            ecosystem: Ecosystem::PyPi,
            kind: PackageKind::Python,
            source_name: None,
            source_version: None,
            purl,
            licenses: m.licenses,
            locations: vec![path.to_owned()],
            layer: ctx.layer(path),
            dependencies: Vec::new(),
        },
        dep_names: m.requires,
    })
}
