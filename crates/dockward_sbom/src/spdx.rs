//! SPDX 2.3 JSON (`spdx/spdx-spec@v2.3: schemas/spdx-schema.json` and the spec chapters).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::cyclonedx::{fingerprint, uuid_from};
use crate::{Catalog, ImageMeta};

/// `SPDXRef-` ids allow only `[A-Za-z0-9.-]`.
fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The catalog as an SPDX 2.3 JSON document. `document_namespace_seed` makes the namespace
/// unique per run (the binary passes e.g. the time and image digest); `created` is the
/// ISO 8601 UTC creation time (`2026-11-28T12:00:00Z`). The output depends only on the inputs.
pub fn spdx(
    image: &ImageMeta,
    catalog: &Catalog,
    document_namespace_seed: &str,
    created: &str,
) -> Value {
    let mut packages = Vec::new();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Image",
    })];
    let mut image_pkg = json!({
        "SPDXID": "SPDXRef-Image",
        "name": image.name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "primaryPackagePurpose": "CONTAINER",
    });
    if let Some(d) = &image.digest {
        image_pkg["versionInfo"] = json!(d);
    }
    packages.push(image_pkg);
    let os_id = catalog.os.as_ref().map(|os| {
        let mut p = json!({
            "SPDXID": "SPDXRef-OperatingSystem",
            "name": os.id,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "primaryPackagePurpose": "OPERATING-SYSTEM",
        });
        if let Some(v) = &os.version_id {
            p["versionInfo"] = json!(v);
        }
        if let Some(d) = &os.pretty_name {
            p["description"] = json!(d);
        }
        packages.push(p);
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Image",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-OperatingSystem",
        }));
        "SPDXRef-OperatingSystem".to_owned()
    });

    let mut licence_refs: BTreeMap<String, String> = BTreeMap::new();
    let mut by_purl: BTreeMap<&str, String> = BTreeMap::new();
    let ids: Vec<String> = catalog
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let id = format!(
                "SPDXRef-Package-{}-{}-{}",
                p.kind.as_str(),
                i,
                id_part(&p.name)
            );
            by_purl.entry(p.purl.as_str()).or_insert_with(|| id.clone());
            id
        })
        .collect();
    for (p, id) in catalog.packages.iter().zip(&ids) {
        let mut declared = Vec::new();
        for l in &p.licenses {
            let n = licence_refs.len();
            let r = licence_refs
                .entry(l.clone())
                .or_insert_with(|| format!("LicenseRef-{n}"))
                .clone();
            if !declared.contains(&r) {
                declared.push(r);
            }
        }
        let mut pkg = json!({
            "SPDXID": id,
            "name": p.name,
            "versionInfo": p.version,
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": false,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": if declared.is_empty() { "NOASSERTION".to_owned() } else { declared.join(" AND ") },
            "copyrightText": "NOASSERTION",
            "primaryPackagePurpose": "LIBRARY",
            "externalRefs": [ {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": p.purl,
            } ],
        });
        if let (Some(n), Some(v)) = (&p.source_name, &p.source_version) {
            pkg["sourceInfo"] = json!(format!("built package from: {n} {v}"));
        }
        if !p.locations.is_empty() {
            pkg["comment"] = json!(format!("found in: {}", p.locations.join(", ")));
        }
        packages.push(pkg);
        let parent = match (&os_id, p.kind.is_os()) {
            (Some(os), true) => os.clone(),
            _ => "SPDXRef-Image".to_owned(),
        };
        relationships.push(json!({
            "spdxElementId": parent,
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": id,
        }));
        let mut seen = std::collections::BTreeSet::new();
        for d in &p.dependencies {
            if let Some(did) = by_purl.get(d.as_str())
                && did != id
                && seen.insert(did.clone())
            {
                relationships.push(json!({
                    "spdxElementId": id,
                    "relationshipType": "DEPENDS_ON",
                    "relatedSpdxElement": did,
                }));
            }
        }
    }
    let extracted: Vec<Value> = licence_refs
        .iter()
        .map(|(text, id)| json!({ "licenseId": id, "name": text, "extractedText": text }))
        .collect();
    let name_part: String = image
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let uuid = uuid_from(&format!(
        "{document_namespace_seed}|{}",
        fingerprint(image, catalog)
    ));
    let mut doc = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": image.name,
        "documentNamespace": format!("https://github.com/dockward/dockward/spdx/{name_part}-{uuid}"),
        "creationInfo": {
            "created": created,
            "creators": [ format!("Tool: dockward-{}", image.tool_version) ],
        },
        "packages": packages,
        "relationships": relationships,
    });
    if !extracted.is_empty() {
        doc["hasExtractedLicensingInfos"] = Value::Array(extracted);
    }
    doc
}
