//! Rust: cargo-auditable's `.dep-v0` section (zlib-compressed JSON) in binaries, and
//! `Cargo.lock` files.

use std::io::Read;

use super::{Ctx, Found, elf};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

/// Largest decompressed `.dep-v0` payload accepted.
const MAX_AUDIT_JSON: u64 = 16 << 20;

#[derive(serde::Deserialize)]
struct Audit {
    packages: Vec<AuditPackage>,
}

#[derive(serde::Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    #[serde(default)]
    dependencies: Vec<usize>,
}

fn crate_purl(name: &str, version: &str) -> String {
    purl::build("cargo", None, name, Some(version), &[])
}

fn package(ctx: &Ctx<'_>, path: &str, name: &str, version: &str) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem: Ecosystem::CratesIo,
        kind: PackageKind::Rust,
        source_name: None,
        source_version: None,
        purl: crate_purl(name, version),
        licenses: Vec::new(),
        locations: vec![path.to_owned()],
        layer: ctx.layer(path),
        dependencies: Vec::new(),
    }
}

/// Decompresses and parses the `.dep-v0` section, `Ok(None)` when there is none.
fn read_audit(data: &[u8]) -> Result<Option<Audit>, String> {
    let Ok((secs, _, _)) = elf::sections(data) else {
        return Ok(None);
    };
    let Some(sec) = secs.iter().find(|s| s.name == ".dep-v0") else {
        return Ok(None);
    };
    let raw = elf::section_data(data, sec).ok_or("the .dep-v0 section lies outside the file")?;
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(raw)
        .take(MAX_AUDIT_JSON)
        .read_to_end(&mut json)
        .map_err(|e| format!("the .dep-v0 section does not inflate: {e}"))?;
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(|e| format!("the .dep-v0 JSON is not cargo-auditable data: {e}"))
}

pub(crate) fn auditable(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Vec<Found> {
    let audit = match read_audit(data) {
        Ok(Some(a)) => a,
        Ok(None) => return Vec::new(),
        Err(e) => {
            ctx.warn(format!("{path}: {e}"));
            return Vec::new();
        }
    };
    let purls: Vec<String> = audit
        .packages
        .iter()
        .map(|p| crate_purl(&p.name, &p.version))
        .collect();
    audit
        .packages
        .iter()
        .map(|p| {
            let mut pkg = package(ctx, path, &p.name, &p.version);
            pkg.dependencies = p
                .dependencies
                .iter()
                .filter_map(|&i| purls.get(i).cloned())
                .collect();
            Found {
                pkg,
                dep_names: Vec::new(),
            }
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(serde::Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub(crate) fn cargo_lock(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Vec<Found> {
    let lock: Lock = match std::str::from_utf8(data)
        .map_err(|e| e.to_string())
        .and_then(|s| toml::from_str(s).map_err(|e| e.to_string()))
    {
        Ok(l) => l,
        Err(e) => {
            ctx.warn(format!("{path}: not a Cargo.lock: {e}"));
            return Vec::new();
        }
    };
    let all: Vec<(String, String)> = lock
        .package
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    lock.package
        .iter()
        .map(|p| {
            let mut pkg = package(ctx, path, &p.name, &p.version);
            // `name`, `name version` or `name version (source)`.
            pkg.dependencies = p
                .dependencies
                .iter()
                .filter_map(|d| {
                    let mut it = d.split_whitespace();
                    let n = it.next()?;
                    let v = it.next();
                    all.iter()
                        .find(|(an, av)| an == n && v.is_none_or(|v| v == av))
                        .map(|(an, av)| crate_purl(an, av))
                })
                .collect();
            Found {
                pkg,
                dep_names: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// The payload shape of the test image's `rustdemo` (reference doc §1.1).
    const PAYLOAD: &str = r#"{"packages":[{"name":"aho-corasick","version":"0.7.20","source":"<registry>","dependencies":[1]},{"name":"memchr","version":"2.5.0","source":"<registry>"},{"name":"regex","version":"1.5.4","source":"<registry>","dependencies":[0,1,3]},{"name":"regex-syntax","version":"0.6.29","source":"<registry>"},{"name":"rustdemo","version":"0.1.0","source":"local","dependencies":[2,5],"root":true},{"name":"smallvec","version":"1.6.0","source":"<registry>"}],"format":1}"#;

    #[test]
    fn reads_dep_v0_from_a_constructed_elf() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(PAYLOAD.as_bytes()).unwrap();
        let compressed = z.finish().unwrap();
        let f = elf::build::elf64(&[(".text", 0x1000, b"\x90\x90"), (".dep-v0", 0, &compressed)]);
        let a = read_audit(&f).unwrap().unwrap();
        assert_eq!(a.packages.len(), 6);
        assert_eq!(a.packages[4].name, "rustdemo");
        assert_eq!(a.packages[4].dependencies, vec![2, 5]);
    }

    #[test]
    fn corrupt_dep_v0_is_an_error_not_a_panic() {
        let f = elf::build::elf64(&[(".dep-v0", 0, b"\x78\x9cnot zlib at all")]);
        assert!(read_audit(&f).is_err());
        let f = elf::build::elf64(&[(".text", 0, b"x")]);
        assert!(read_audit(&f).unwrap().is_none());
    }
}
