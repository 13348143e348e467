//! Java archives: `META-INF/maven/**/pom.properties`, else `META-INF/MANIFEST.MF`, else the
//! file name; nested archives one level deep (`WEB-INF/lib/*.jar`, fat jars).

use std::io::{Cursor, Read};

use super::{Ctx, Found, MAX_ARCHIVE};
use crate::{Package, PackageKind, purl};
use dockward_vuln::ecosystem::Ecosystem;

/// Largest metadata entry read from an archive.
const MAX_ENTRY: u64 = 1 << 20;
/// Most entries looked at in one archive.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Coord {
    group: String,
    artifact: String,
    version: String,
}

fn properties(text: &str) -> Option<Coord> {
    let mut c = Coord {
        group: String::new(),
        artifact: String::new(),
        version: String::new(),
    };
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        match k.trim() {
            "groupId" => v.trim().clone_into(&mut c.group),
            "artifactId" => v.trim().clone_into(&mut c.artifact),
            "version" => v.trim().clone_into(&mut c.version),
            _ => {}
        }
    }
    (!c.artifact.is_empty() && !c.version.is_empty()).then_some(c)
}

fn manifest(text: &str, file_name: &str) -> Option<Coord> {
    let mut title = None;
    let mut version = None;
    let mut vendor = None;
    for line in text.lines() {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim().to_owned();
        match k.trim() {
            "Implementation-Title" | "Bundle-SymbolicName" if title.is_none() => {
                title = Some(v.split(';').next().unwrap_or("").to_owned());
            }
            "Implementation-Version" | "Bundle-Version" if version.is_none() => version = Some(v),
            "Implementation-Vendor-Id" if vendor.is_none() => vendor = Some(v),
            _ => {}
        }
    }
    let version = version.filter(|v| !v.is_empty())?;
    let artifact = file_stem_name(file_name).or(title)?;
    Some(Coord {
        group: vendor.unwrap_or_default(),
        artifact,
        version,
    })
}

/// `log4j-core-2.14.1.jar` → `log4j-core`.
fn file_stem_name(file_name: &str) -> Option<String> {
    let stem = file_name.rsplit('/').next()?.rsplit_once('.')?.0;
    let idx = stem
        .char_indices()
        .find(|(i, c)| *c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i)?;
    Some(stem[..idx].to_owned())
}

fn file_name_version(file_name: &str) -> Option<(String, String)> {
    let stem = file_name.rsplit('/').next()?.rsplit_once('.')?.0;
    let name = file_stem_name(file_name)?;
    let version = stem.get(name.len() + 1..)?.to_owned();
    Some((name, version))
}

fn scan(
    bytes: &[u8],
    file_name: &str,
    nested: bool,
    warnings: &mut Vec<String>,
) -> (Vec<Coord>, Vec<(String, Vec<u8>)>) {
    let mut coords = Vec::new();
    let mut inner = Vec::new();
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            warnings.push(format!("{file_name}: not a readable zip archive: {e}"));
            return (coords, inner);
        }
    };
    let mut manifest_text = None;
    for i in 0..archive.len().min(MAX_ENTRIES) {
        let Ok(mut entry) = archive.by_index(i) else {
            continue;
        };
        let Ok(name) = entry.name().map(std::borrow::Cow::into_owned) else {
            continue;
        };
        let is_pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
        let is_manifest = name == "META-INF/MANIFEST.MF";
        let is_nested = !nested && super::is_archive(&name) && entry.size() <= MAX_ARCHIVE;
        if !(is_pom || is_manifest || is_nested) {
            continue;
        }
        let limit = if is_nested { MAX_ARCHIVE } else { MAX_ENTRY };
        let mut buf = Vec::new();
        if (&mut entry).take(limit).read_to_end(&mut buf).is_err() {
            warnings.push(format!("{file_name}!{name}: could not be decompressed"));
            continue;
        }
        if is_pom {
            coords.extend(properties(&String::from_utf8_lossy(&buf)));
        } else if is_manifest {
            manifest_text = Some(String::from_utf8_lossy(&buf).into_owned());
        } else {
            inner.push((name, buf));
        }
    }
    if coords.is_empty() {
        if let Some(c) = manifest_text.and_then(|m| manifest(&m, file_name)) {
            coords.push(c);
        } else if let Some((artifact, version)) = file_name_version(file_name) {
            coords.push(Coord {
                group: String::new(),
                artifact,
                version,
            });
        }
    }
    (coords, inner)
}

fn package(ctx: &Ctx<'_>, path: &str, location: &str, c: &Coord) -> Package {
    let group = (!c.group.is_empty()).then_some(c.group.as_str());
    Package {
        name: match group {
            Some(g) => format!("{g}:{}", c.artifact),
            None => c.artifact.clone(),
        },
        version: c.version.clone(),
        ecosystem: Ecosystem::Maven,
        kind: PackageKind::Java,
        source_name: None,
        source_version: None,
        purl: purl::build("maven", group, &c.artifact, Some(&c.version), &[]),
        licenses: Vec::new(),
        locations: vec![location.to_owned()],
        layer: ctx.layer(path),
        dependencies: Vec::new(),
    }
}

pub(crate) fn catalog(ctx: &mut Ctx<'_>, path: &str, data: &[u8]) -> Vec<Found> {
    let mut warnings = Vec::new();
    let (coords, inner) = scan(data, path, false, &mut warnings);
    let mut out: Vec<Package> = coords.iter().map(|c| package(ctx, path, path, c)).collect();
    for (name, bytes) in inner {
        let loc = format!("{path}!/{name}");
        let (coords, _) = scan(&bytes, &loc, true, &mut warnings);
        out.extend(coords.iter().map(|c| package(ctx, path, &loc, c)));
    }
    ctx.warnings.extend(warnings);
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.purl.clone()));
    out.into_iter()
        .map(|pkg| Found {
            pkg,
            dep_names: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn jar(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (n, d) in entries {
            w.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(d).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn pom_properties_and_nested_jars() {
        let inner = jar(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nImplementation-Title: commons\nImplementation-Version: 1.2\n",
        )]);
        let outer = jar(&[
            (
                "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
                b"#x\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
            ),
            ("BOOT-INF/lib/commons-lang-1.2.jar", &inner),
        ]);
        let mut w = Vec::new();
        let (coords, nested) = scan(&outer, "/opt/app/log4j-core-2.14.1.jar", false, &mut w);
        assert_eq!(coords[0].group, "org.apache.logging.log4j");
        assert_eq!(coords[0].version, "2.14.1");
        assert_eq!(nested.len(), 1);
        let (c2, _) = scan(
            &nested[0].1,
            "x!/BOOT-INF/lib/commons-lang-1.2.jar",
            true,
            &mut w,
        );
        assert_eq!(c2[0].artifact, "commons-lang");
        assert_eq!(c2[0].version, "1.2");
        assert!(w.is_empty());
    }

    #[test]
    fn garbage_is_a_warning() {
        let mut w = Vec::new();
        let (c, _) = scan(b"PK\x03\x04garbage", "/a.jar", false, &mut w);
        assert!(c.is_empty());
        assert_eq!(w.len(), 1);
        assert_eq!(
            file_name_version("/x/guava-31.1-jre.jar"),
            Some(("guava".into(), "31.1-jre".into()))
        );
    }
}
