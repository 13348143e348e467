//! OpenVEX v0.2.0 documents (<https://github.com/openvex/spec>, `OPENVEX-SPEC.md`)
//! as suppressions of `dockward scan` vulnerabilities.
//!
//! A statement applies to a finding when its vulnerability (`name`, `@id` or
//! one of its `aliases`) is the advisory id or one of the advisory's aliases,
//! and one of its products is the affected package (by purl, in `@id` or
//! `identifiers.purl`) or is the image with the package among its
//! `subcomponents` (or with no subcomponents: the whole image). Among the
//! statements that apply, the latest wins (by `timestamp`, the statement's or
//! else the document's; equal times keep document order). `not_affected` and
//! `fixed` suppress; `affected` and `under_investigation` keep the finding.
//!
//! Parsing is strict where the spec says MUST: an unknown status, a
//! `not_affected` statement with neither a justification nor an impact
//! statement, an unknown justification, or a statement without a vulnerability
//! name is an error. Pure: the caller reads the files.

use anyhow::{Context as _, anyhow, bail};
use serde_json::Value;

use crate::suppress::{FindingKeys, Purl};

/// A VEX status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// `not_affected`: suppresses.
    NotAffected,
    /// `affected`: keeps the finding.
    Affected,
    /// `fixed`: suppresses.
    Fixed,
    /// `under_investigation`: keeps the finding.
    UnderInvestigation,
}

impl Status {
    fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "not_affected" => Status::NotAffected,
            "affected" => Status::Affected,
            "fixed" => Status::Fixed,
            "under_investigation" => Status::UnderInvestigation,
            _ => return None,
        })
    }

    /// The status as written in a document.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotAffected => "not_affected",
            Status::Affected => "affected",
            Status::Fixed => "fixed",
            Status::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether findings under this status are suppressed.
    pub fn suppresses(self) -> bool {
        matches!(self, Status::NotAffected | Status::Fixed)
    }
}

/// The justifications OpenVEX v0.2.0 defines for `not_affected`.
pub const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

/// A product of a statement.
#[derive(Debug, Clone)]
pub struct Product {
    /// Its purl, from `@id` or `identifiers.purl`.
    pub purl: Option<Purl>,
    /// Purls of its `subcomponents`.
    pub subcomponents: Vec<Purl>,
}

/// One statement.
#[derive(Debug, Clone)]
pub struct Statement {
    /// The vulnerability's `name`, `@id` and `aliases`.
    pub vulnerability: Vec<String>,
    /// The products it is about.
    pub products: Vec<Product>,
    /// Its status.
    pub status: Status,
    /// `justification` (for `not_affected`).
    pub justification: Option<String>,
    /// `impact_statement`.
    pub impact: Option<String>,
    /// `timestamp` of the statement, else of the document.
    pub timestamp: Option<String>,
    /// The document it comes from, as shown to the user.
    pub document: String,
    /// 1-based position in its document.
    pub number: usize,
}

impl Statement {
    /// The text shown as a suppression's justification.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{} statement {}: {}",
            self.document,
            self.number,
            self.status.as_str()
        );
        if let Some(j) = &self.justification {
            text.push_str(" (");
            text.push_str(j);
            text.push(')');
        }
        if let Some(i) = &self.impact {
            text.push_str(": ");
            text.push_str(i);
        }
        text
    }
}

/// How the scanned image is identified, for products naming the image.
#[derive(Debug, Clone, Default)]
pub struct ImageIdentity {
    /// Repository names without tag or registry defaults (`debian`,
    /// `example.com/team/app`).
    pub names: Vec<String>,
    /// Tags (`12`, `latest`).
    pub tags: Vec<String>,
    /// Digests (`sha256:…`): the config's id and any repository digest.
    pub digests: Vec<String>,
}

impl ImageIdentity {
    /// The identity of an image known by these references (`debian:12`,
    /// `docker.io/library/debian:12`, `name@sha256:…`) and config digest.
    pub fn new<'a>(references: impl IntoIterator<Item = &'a str>, digest: Option<&str>) -> Self {
        let mut identity = ImageIdentity::default();
        identity.digests.extend(digest.map(str::to_owned));
        for reference in references {
            let (rest, digest) = match reference.split_once('@') {
                Some((r, d)) => (r, Some(d)),
                None => (reference, None),
            };
            identity.digests.extend(digest.map(str::to_owned));
            let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
            let (name, tag) = match rest[last_slash..].rfind(':') {
                Some(colon) => (
                    &rest[..last_slash + colon],
                    Some(&rest[last_slash + colon + 1..]),
                ),
                None => (rest, None),
            };
            identity.tags.extend(tag.map(str::to_owned));
            identity.names.push(name.to_owned());
        }
        identity
    }

    /// Whether a `pkg:oci` or `pkg:docker` purl names this image: by digest
    /// (the version), or by the name's last segment and the tag (a version
    /// that is not a digest, or the `tag` qualifier) when it gives one.
    pub fn is(&self, purl: &Purl) -> bool {
        if purl.kind != "oci" && purl.kind != "docker" {
            return false;
        }
        if let Some(version) = &purl.version
            && version.contains(':')
        {
            return self.digests.iter().any(|d| d.eq_ignore_ascii_case(version));
        }
        let last = |n: &str| n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
        let named = self
            .names
            .iter()
            .any(|n| last(n) == purl.name.to_ascii_lowercase());
        let tag = purl.version.as_ref().or(purl.qualifiers.get("tag"));
        named && tag.is_none_or(|t| self.tags.iter().any(|known| known == t))
    }
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn product_purl(value: &Value) -> Option<Purl> {
    value
        .get("identifiers")
        .and_then(|i| i.get("purl"))
        .and_then(Value::as_str)
        .and_then(Purl::parse)
        .or_else(|| {
            value
                .get("@id")
                .and_then(Value::as_str)
                .and_then(Purl::parse)
        })
}

fn products(statement: &Value, at: &str) -> anyhow::Result<Vec<Product>> {
    let Some(products) = statement.get("products") else {
        return Ok(Vec::new());
    };
    let products = products
        .as_array()
        .ok_or_else(|| anyhow!("{at}: `products` is not an array"))?;
    products
        .iter()
        .enumerate()
        .map(|(i, product)| {
            if !product.is_object() {
                bail!("{at}: product {} is not an object", i + 1);
            }
            let subcomponents = match product.get("subcomponents") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(list)) => list.iter().filter_map(product_purl).collect(),
                Some(_) => bail!("{at}: product {}: `subcomponents` is not an array", i + 1),
            };
            Ok(Product {
                purl: product_purl(product),
                subcomponents,
            })
        })
        .collect()
}

fn vulnerability(statement: &Value, at: &str) -> anyhow::Result<Vec<String>> {
    match statement.get("vulnerability") {
        // OpenVEX before v0.2.0 wrote the vulnerability as a string.
        Some(Value::String(name)) if !name.is_empty() => Ok(vec![name.clone()]),
        Some(v @ Value::Object(_)) => {
            let mut ids: Vec<String> = Vec::new();
            let name = string(v, "name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| anyhow!("{at}: the vulnerability has no `name`"))?;
            ids.push(name);
            ids.extend(string(v, "@id"));
            match v.get("aliases") {
                None | Some(Value::Null) => {}
                Some(Value::Array(aliases)) => {
                    ids.extend(aliases.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                Some(_) => bail!("{at}: the vulnerability's `aliases` is not an array"),
            }
            Ok(ids)
        }
        _ => bail!("{at}: no `vulnerability`"),
    }
}

/// Parses one OpenVEX document; `display` names it in errors and justifications.
pub fn parse(display: &str, text: &str) -> anyhow::Result<Vec<Statement>> {
    let doc: Value = serde_json::from_str(text)
        .with_context(|| format!("`{display}` is not a JSON document"))?;
    let context = doc.get("@context").and_then(Value::as_str).unwrap_or("");
    if !context.starts_with("https://openvex.dev/ns") {
        bail!(
            "`{display}` is not an OpenVEX document (its `@context` is not https://openvex.dev/ns/v0.2.0)"
        );
    }
    let doc_time = string(&doc, "timestamp");
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("`{display}`: no `statements` array"))?;
    statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let number = i + 1;
            let at = format!("`{display}` statement {number}");
            if !s.is_object() {
                bail!("{at}: not an object");
            }
            let status = string(s, "status").unwrap_or_default();
            let status = Status::parse(&status).ok_or_else(|| {
                anyhow!("{at}: unknown status `{status}` (expected not_affected, affected, fixed or under_investigation)")
            })?;
            let justification = string(s, "justification");
            if let Some(j) = &justification
                && !JUSTIFICATIONS.contains(&j.as_str())
            {
                bail!("{at}: unknown justification `{j}` (expected one of {})", JUSTIFICATIONS.join(", "));
            }
            let impact_statement = string(s, "impact_statement");
            if status == Status::NotAffected && justification.is_none() && impact_statement.is_none()
            {
                bail!("{at}: a not_affected statement needs a `justification` or an `impact_statement`");
            }
            Ok(Statement {
                vulnerability: vulnerability(s, &at)?,
                products: products(s, &at)?,
                status,
                justification,
                impact: impact_statement,
                timestamp: string(s, "timestamp").or_else(|| doc_time.clone()),
                document: display.to_owned(),
                number,
            })
        })
        .collect()
}

/// Seconds since 1970 of an RFC 3339 time (`2024-05-01T10:00:00.5+02:00`),
/// fractions dropped; `None` when it is not one.
fn seconds(time: &str) -> Option<i64> {
    let b = time.as_bytes();
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| time.get(r)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &time[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let h = rest.get(1..3)?.parse::<i64>().ok()?;
            let m = rest.get(4..6)?.parse::<i64>().ok()?;
            sign * (h * 3600 + m * 60)
        }
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Whether `statement` is about the finding `keys` in the image `image`.
fn applies(statement: &Statement, keys: &FindingKeys, image: &ImageIdentity) -> bool {
    if !statement.vulnerability.iter().any(|v| keys.has_id(v)) {
        return false;
    }
    let packages: Vec<Purl> = keys.purls.iter().filter_map(|p| Purl::parse(p)).collect();
    statement.products.iter().any(|product| {
        let Some(purl) = &product.purl else {
            return false;
        };
        if image.is(purl) {
            product.subcomponents.is_empty()
                || product
                    .subcomponents
                    .iter()
                    .any(|sub| packages.iter().any(|p| sub.covers(p)))
        } else {
            packages.iter().any(|p| purl.covers(p))
        }
    })
}

/// The statement that decides the finding: the latest of those that apply.
pub fn decide<'a>(
    statements: &'a [Statement],
    keys: &FindingKeys,
    image: &ImageIdentity,
) -> Option<&'a Statement> {
    let mut best: Option<&Statement> = None;
    for statement in statements.iter().filter(|s| applies(s, keys, image)) {
        let later = match (
            best.and_then(|b| b.timestamp.as_deref()),
            statement.timestamp.as_deref(),
        ) {
            (Some(old), Some(new)) => match (seconds(new), seconds(old)) {
                (Some(new), Some(old)) => new >= old,
                _ => new >= old,
            },
            _ => true,
        };
        if best.is_none() || later {
            best = Some(statement);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(ids: &[&str], purls: &[&str]) -> FindingKeys {
        FindingKeys {
            ids: ids.iter().map(|s| (*s).to_owned()).collect(),
            purls: purls.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    const DOC: &str = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://example.com/vex/1",
      "author": "Example Security",
      "timestamp": "2024-01-01T00:00:00Z",
      "version": 1,
      "statements": [
        {
          "vulnerability": {"name": "CVE-2023-4911"},
          "products": [{"@id": "pkg:deb/debian/libc6"}],
          "status": "not_affected",
          "justification": "vulnerable_code_not_in_execute_path"
        },
        {
          "vulnerability": {"name": "CVE-2023-4911"},
          "timestamp": "2024-02-01T00:00:00+01:00",
          "products": [{"@id": "pkg:deb/debian/libc6?arch=amd64"}],
          "status": "affected",
          "action_statement": "upgrade"
        },
        {
          "vulnerability": {"@id": "https://osv.dev/DEBIAN-CVE-2005-2541", "name": "DEBIAN-CVE-2005-2541", "aliases": ["CVE-2005-2541"]},
          "products": [{
            "@id": "pkg:oci/app@sha256:abc",
            "subcomponents": [{"identifiers": {"purl": "pkg:deb/debian/tar"}}]
          }],
          "status": "fixed"
        }
      ]
    }"#;

    #[test]
    fn the_latest_applicable_statement_decides() {
        let statements = parse("vex.json", DOC).expect("parses");
        assert_eq!(statements.len(), 3);
        let image = ImageIdentity::new(["app:1"], Some("sha256:abc"));
        let glibc = keys(
            &["DEBIAN-CVE-2023-4911", "CVE-2023-4911"],
            &["pkg:deb/debian/libc6@2.36?arch=amd64"],
        );
        let decided = decide(&statements, &glibc, &image).expect("applies");
        assert_eq!(decided.status, Status::Affected, "the later statement wins");
        let arm = keys(
            &["CVE-2023-4911"],
            &["pkg:deb/debian/libc6@2.36?arch=arm64"],
        );
        assert_eq!(
            decide(&statements, &arm, &image).map(|s| s.status),
            Some(Status::NotAffected)
        );
        let tar = keys(&["CVE-2005-2541"], &["pkg:deb/debian/tar@1.34"]);
        let decided = decide(&statements, &tar, &image).expect("through the image");
        assert_eq!(decided.status, Status::Fixed);
        assert_eq!(decided.describe(), "vex.json statement 3: fixed");
        let other_image = ImageIdentity::new(["app:1"], Some("sha256:def"));
        assert!(decide(&statements, &tar, &other_image).is_none());
        let curl = keys(&["CVE-2005-2541"], &["pkg:deb/debian/curl@7"]);
        assert!(
            decide(&statements, &curl, &image).is_none(),
            "not a subcomponent"
        );
    }

    /// A statement written against Trivy's purls (epoch qualifier, `distro=debian-12.N`)
    /// applies to the same package as dockward names it.
    #[test]
    fn a_statement_with_trivy_purls_applies_to_dockward_packages() {
        let doc = r#"{
          "@context": "https://openvex.dev/ns/v0.2.0",
          "@id": "https://example.com/vex/2",
          "author": "Example Security",
          "timestamp": "2024-01-01T00:00:00Z",
          "statements": [{
            "vulnerability": {"name": "CVE-2024-28085"},
            "products": [{"@id": "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12.15&epoch=1"}],
            "status": "not_affected",
            "justification": "vulnerable_code_not_present"
          }]
        }"#;
        let statements = parse("trivy.vex.json", doc).expect("parses");
        let image = ImageIdentity::new(["app:1"], None);
        let ours = keys(
            &["CVE-2024-28085"],
            &[
                "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=bookworm&upstream=util-linux",
            ],
        );
        assert_eq!(
            decide(&statements, &ours, &image).map(|s| s.status),
            Some(Status::NotAffected)
        );
        let bullseye = keys(
            &["CVE-2024-28085"],
            &["pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=bullseye"],
        );
        assert!(decide(&statements, &bullseye, &image).is_none());
    }

    #[test]
    fn images_are_named_by_digest_or_name_and_tag() {
        let image = ImageIdentity::new(["registry.example.com/team/app:1.2"], Some("sha256:abc"));
        let is = |p: &str| image.is(&Purl::parse(p).expect("purl"));
        assert!(is(
            "pkg:oci/app@sha256%3Aabc?repository_url=registry.example.com/team/app"
        ));
        assert!(is("pkg:oci/app"));
        assert!(is("pkg:docker/team/app@1.2"));
        assert!(is("pkg:oci/app?tag=1.2"));
        assert!(!is("pkg:oci/app?tag=2"));
        assert!(!is("pkg:oci/other"));
        assert!(!is("pkg:deb/debian/app"));
    }

    #[test]
    fn malformed_documents_are_errors() {
        let error = |text: &str| parse("v.json", text).expect_err("invalid").to_string();
        assert!(error("{").contains("not a JSON document"));
        assert!(error(r#"{"statements": []}"#).contains("not an OpenVEX document"));
        let ctx = r#""@context": "https://openvex.dev/ns/v0.2.0""#;
        assert!(error(&format!("{{{ctx}}}")).contains("no `statements`"));
        let one = |s: &str| error(&format!(r#"{{{ctx}, "statements": [{s}]}}"#));
        assert!(
            one(r#"{"vulnerability": {"name": "CVE-1"}, "status": "maybe"}"#)
                .contains("unknown status `maybe`")
        );
        assert!(
            one(r#"{"vulnerability": {"name": "CVE-1"}, "status": "not_affected"}"#)
                .contains("needs a `justification`")
        );
        assert!(
            one(r#"{"vulnerability": {"name": "CVE-1"}, "status": "not_affected", "justification": "trust_me"}"#)
                .contains("unknown justification `trust_me`")
        );
        assert!(one(r#"{"status": "fixed"}"#).contains("statement 1: no `vulnerability`"));
        assert!(
            one(r#"{"vulnerability": {"name": "CVE-1"}, "status": "fixed", "products": {}}"#)
                .contains("not an array")
        );
    }

    #[test]
    fn times_compare_across_offsets() {
        assert_eq!(seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(seconds("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(seconds("2024-02-29T12:00:00.123Z"), Some(1_709_208_000));
        assert_eq!(seconds("yesterday"), None);
    }
}
