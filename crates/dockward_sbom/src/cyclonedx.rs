//! CycloneDX 1.6 JSON (`CycloneDX/specification: schema/bom-1.6.schema.json`).

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::{Catalog, ImageMeta, Package, PackageKind};

/// A deterministic UUID-shaped string (version 4 / RFC 4122 variant bits) from a seed; not
/// random, so the same input gives the same document.
pub(crate) fn uuid_from(seed: &str) -> String {
    let fnv = |basis: u64| {
        seed.bytes().fold(basis, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let a = fnv(0xcbf2_9ce4_8422_2325);
    let b = fnv(0x8422_2325_cbf2_9ce4 ^ a);
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// A stable text of the catalog, the seed of document identifiers.
pub(crate) fn fingerprint(image: &ImageMeta, catalog: &Catalog) -> String {
    let mut s = format!("{}|{}", image.name, image.digest.as_deref().unwrap_or(""));
    for p in &catalog.packages {
        s.push('|');
        s.push_str(&p.purl);
        s.push_str(p.locations.first().map_or("", String::as_str));
    }
    s
}

/// Unique references per package: the purl, with `#<n>` appended for repeated purls.
pub(crate) fn refs(packages: &[Package]) -> (Vec<String>, HashMap<&str, String>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut first: HashMap<&str, String> = HashMap::new();
    let out = packages
        .iter()
        .map(|p| {
            let n = seen.entry(p.purl.as_str()).or_insert(0);
            *n += 1;
            let r = if *n == 1 {
                p.purl.clone()
            } else {
                format!("{}#{}", p.purl, n)
            };
            first.entry(p.purl.as_str()).or_insert_with(|| r.clone());
            r
        })
        .collect();
    (out, first)
}

fn property(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
}

/// The catalog as a CycloneDX 1.6 JSON document, with the image as `metadata.component`.
pub fn cyclonedx(image: &ImageMeta, catalog: &Catalog) -> Value {
    let image_ref = format!("image:{}", image.name);
    let os_ref = catalog.os.as_ref().map(|o| format!("os:{}", o.id));
    let (refs, by_purl) = refs(&catalog.packages);
    let mut components = Vec::new();
    if let Some(os) = &catalog.os {
        let mut c = json!({
            "type": "operating-system",
            "bom-ref": os_ref.clone().unwrap_or_default(),
            "name": os.id,
        });
        if let Some(v) = &os.version_id {
            c["version"] = json!(v);
        }
        if let Some(d) = &os.pretty_name {
            c["description"] = json!(d);
        }
        components.push(c);
    }
    let mut dependencies = Vec::new();
    let mut top: Vec<String> = os_ref.iter().cloned().collect();
    let mut os_children = Vec::new();
    for (p, r) in catalog.packages.iter().zip(&refs) {
        let mut props = vec![property("dockward:package:type", p.kind.as_str())];
        props.push(property(
            "dockward:package:ecosystem",
            &p.ecosystem.osv_name(),
        ));
        if let Some(s) = &p.source_name {
            props.push(property("dockward:package:source-name", s));
        }
        if let Some(s) = &p.source_version {
            props.push(property("dockward:package:source-version", s));
        }
        for l in &p.locations {
            props.push(property("dockward:package:location", l));
        }
        if let Some(l) = p.layer {
            props.push(property("dockward:package:layer", &l.to_string()));
        }
        let mut c = json!({
            "type": if p.kind == PackageKind::GoStdlib { "framework" } else { "library" },
            "bom-ref": r,
            "name": p.name,
            "version": p.version,
            "purl": p.purl,
            "properties": props,
        });
        if !p.licenses.is_empty() {
            c["licenses"] = Value::Array(
                p.licenses
                    .iter()
                    .map(|l| json!({ "license": { "name": l } }))
                    .collect(),
            );
        }
        components.push(c);
        if p.kind.is_os() && os_ref.is_some() {
            os_children.push(r.clone());
        } else {
            top.push(r.clone());
        }
        let deps: BTreeSet<String> = p
            .dependencies
            .iter()
            .filter_map(|d| by_purl.get(d.as_str()).cloned())
            .filter(|d| d != r)
            .collect();
        dependencies.push(json!({ "ref": r, "dependsOn": deps.into_iter().collect::<Vec<_>>() }));
    }
    if let Some(os) = &os_ref {
        dependencies.insert(0, json!({ "ref": os, "dependsOn": os_children }));
    }
    dependencies.insert(0, json!({ "ref": image_ref, "dependsOn": top }));

    let mut root = json!({
        "type": "container",
        "bom-ref": image_ref,
        "name": image.name,
    });
    if let Some(d) = &image.digest {
        root["version"] = json!(d);
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid_from(&fingerprint(image, catalog))),
        "version": 1,
        "metadata": {
            "tools": { "components": [ {
                "type": "application",
                "name": "dockward",
                "version": image.tool_version,
            } ] },
            "component": root,
        },
        "components": components,
        "dependencies": dependencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape_is_stable() {
        let u = uuid_from("x");
        assert_eq!(u, uuid_from("x"));
        assert_ne!(u, uuid_from("y"));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
