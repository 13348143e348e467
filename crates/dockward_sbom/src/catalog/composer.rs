//! PHP Composer: `vendor/composer/installed.json` (v1: an array; v2: `{"packages": [...]}`).

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

pub(crate) fn is_installed_json(path: &str) -> bool {
    path.ends_with("/vendor/composer/installed.json")
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Vec<Found> {
    let v: serde_json::Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(e) => {
            ctx.warn(format!("{path}: not JSON: {e}"));
            return Vec::new();
        }
    };
    let list = v
        .get("packages")
        .and_then(|p| p.as_array())
        .or_else(|| v.as_array())
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for p in list {
        let name = p.get("name").and_then(|n| n.as_str()).unwrap_or("");
        let version = p.get("version").and_then(|n| n.as_str()).unwrap_or("");
        if name.is_empty() || version.is_empty() {
            continue;
        }
        let (ns, n) = name
            .split_once('/')
            .map_or((None, name), |(a, b)| (Some(a), b));
        let licenses = p
            .get("license")
            .and_then(|l| l.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let dep_names = p
            .get("require")
            .and_then(|r| r.as_object())
            .map(|o| o.keys().filter(|k| k.contains('/')).cloned().collect())
            .unwrap_or_default();
        out.push(Found {
            pkg: Package {
                name: name.to_owned(),
                version: version.to_owned(),
                ecosystem: Ecosystem::Packagist,
                kind: PackageKind::Composer,
                source_name: None,
                source_version: None,
                purl: purl::build(
                    "composer",
                    ns.map(str::to_ascii_lowercase).as_deref(),
                    &n.to_ascii_lowercase(),
                    Some(version),
                    &[],
                ),
                licenses,
                locations: vec![path.to_owned()],
                layer: ctx.layer(path),
                dependencies: Vec::new(),
            },
            dep_names,
        });
    }
    out
}
