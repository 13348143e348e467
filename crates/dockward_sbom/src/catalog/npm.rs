//! npm: `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`.

use super::{Ctx, Found};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

/// Whether `path` is the manifest of a package installed in a `node_modules` directory.
pub(crate) fn is_package_json(path: &str) -> bool {
    let Some(rest) = path.strip_suffix("/package.json") else {
        return false;
    };
    let Some((parent, _)) = rest.rsplit_once('/') else {
        return false;
    };
    parent.ends_with("/node_modules")
        || parent
            .rsplit_once('/')
            .is_some_and(|(pp, scope)| scope.starts_with('@') && pp.ends_with("/node_modules"))
}

/// An application's own `package.json` outside `node_modules` (Trivy and Syft report the app
/// itself as a package). It is cataloged only when a `node_modules` directory sits beside it.
pub(crate) fn is_app_manifest(path: &str) -> bool {
    path.ends_with("/package.json")
        && !path.contains("/node_modules/")
        && !path.starts_with("/usr/share/")
        && !path.starts_with("/proc/")
}

fn license(v: &serde_json::Value) -> Vec<String> {
    match v.get("license") {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Object(o)) => o
            .get("type")
            .and_then(|t| t.as_str())
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
        _ => v
            .get("licenses")
            .and_then(|l| l.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.get("type").and_then(|t| t.as_str()).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The npm purl: the scope is the namespace (`@` percent-encoded by the builder).
pub(crate) fn npm_purl(name: &str, version: &str) -> String {
    match name.split_once('/') {
        Some((scope, n)) if scope.starts_with('@') => {
            purl::build("npm", Some(scope), n, Some(version), &[])
        }
        _ => purl::build("npm", None, name, Some(version), &[]),
    }
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Option<Found> {
    let v: serde_json::Value = match serde_json::from_slice(data) {
        Ok(v) => v,
        Err(e) => {
            ctx.warn(format!("{path}: not JSON: {e}"));
            return None;
        }
    };
    let name = v
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_owned();
    let version = v
        .get("version")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_owned();
    if name.is_empty() || version.is_empty() {
        // Nested package.json files without both are not packages (e.g. `lib/package.json`).
        return None;
    }
    let dep_names = v
        .get("dependencies")
        .and_then(|d| d.as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    Some(Found {
        pkg: Package {
            purl: npm_purl(&name, &version),
            name,
            version,
            ecosystem: Ecosystem::Npm,
            kind: PackageKind::Npm,
            source_name: None,
            source_version: None,
            licenses: license(&v),
            locations: vec![path.to_owned()],
            layer: ctx.layer(path),
            dependencies: Vec::new(),
        },
        dep_names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_paths() {
        assert!(is_package_json("/srv/app/node_modules/lodash/package.json"));
        assert!(is_package_json(
            "/srv/app/node_modules/@types/node/package.json"
        ));
        assert!(is_package_json(
            "/a/node_modules/x/node_modules/y/package.json"
        ));
        assert!(!is_package_json(
            "/srv/app/node_modules/lodash/fp/package.json"
        ));
        assert!(!is_package_json("/srv/app/package.json"));
    }
}
