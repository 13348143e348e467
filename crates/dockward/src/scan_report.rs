//! What `dockward scan` reports beyond the findings: the vulnerabilities with
//! their details, the suppressions (`.dockwardignore`, OpenVEX), and the
//! outputs that need the package inventory (`json`, `cyclonedx`, `spdx-json`,
//! `table`).
//!
//! The report's first diagnostics are the vulnerabilities, in the order of
//! [`Vuln`]s (`report.diagnostics[i]` is `vulns[i]`); the image checks follow.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::Context as _;
use dockward_diagnostics::render::json_report::{
    self, Inventory, JsonCvss, JsonPackage, JsonVulnerability,
};
use dockward_diagnostics::{
    Diagnostic, Location, Report, RuleDescriptor, Severity, Suppression, SuppressionKind,
};
use dockward_rules::config::FailOn;
use dockward_sbom::{Catalog, ImageMeta, Package, PackageKind};
use dockward_vuln::db::Store;
use dockward_vuln::matcher::Match;
use serde_json::{Value, json};

use crate::Status;
use crate::cli::{Format, ScanArgs, ScanFormat};
use crate::printer::{self, Printer};
use crate::suppress::{FindingKeys, IgnoreFile};
use crate::vex::{self, ImageIdentity, Statement};

/// One advisory affecting one installed package.
#[derive(Debug, Clone)]
pub struct Vuln {
    /// Index of the package in the catalog.
    pub package: usize,
    /// The advisory's preferred id.
    pub id: String,
    /// Every other id: the merged records' ids and aliases, and the CVEs
    /// their `upstream` names (Debian).
    pub aliases: Vec<String>,
    /// The advisory's summary.
    pub summary: Option<String>,
    /// The severity reported.
    pub severity: Severity,
    /// CVSS base score and vector, when the severity comes from one.
    pub cvss: Option<(f64, String)>,
    /// Versions that fix it.
    pub fixed: Vec<String>,
    /// Advisory URLs.
    pub references: Vec<String>,
}

impl Vuln {
    /// A vulnerability from a match, before [`enrich`].
    pub fn new(package: usize, m: &Match, severity: Severity) -> Vuln {
        Vuln {
            package,
            id: m.advisory_id.clone(),
            aliases: m
                .aliases
                .iter()
                .filter(|a| **a != m.advisory_id)
                .cloned()
                .collect(),
            summary: m.summary.clone(),
            severity,
            cvss: m.severity.score.zip(m.severity.vector.clone()),
            fixed: m.fixed_versions.clone(),
            references: Vec::new(),
        }
    }

    /// The advisory id and its aliases.
    pub fn ids(&self) -> Vec<String> {
        std::iter::once(self.id.clone())
            .chain(self.aliases.iter().cloned())
            .collect()
    }

    /// The `VL001` finding.
    pub fn diagnostic(&self, rule: &'static RuleDescriptor, package: &Package) -> Diagnostic {
        let fixed = if self.fixed.is_empty() {
            "no fixed version".to_owned()
        } else {
            format!("fixed in {}", self.fixed.join(", "))
        };
        let layer = package
            .layer
            .map(|l| format!(" (layer {l})"))
            .unwrap_or_default();
        Diagnostic {
            rule,
            severity: self.severity,
            message: format!(
                "{} {} is affected by {}{}; {fixed}{layer}",
                package.name,
                package.version,
                self.id,
                self.summary
                    .as_deref()
                    .map(|s| format!(": {s}"))
                    .unwrap_or_default(),
            ),
            location: Location::Object {
                kind: "package".to_owned(),
                name: package.purl.clone(),
            },
            suppression: None,
            aliases: self.ids(),
        }
    }

    /// The CVE among the aliases, for tables.
    pub fn cve(&self) -> Option<&str> {
        std::iter::once(&self.id)
            .chain(&self.aliases)
            .find(|a| a.starts_with("CVE-"))
            .map(String::as_str)
    }
}

/// Adds what the index does not hold to each vulnerability: the CVEs of
/// `upstream` and the references, from the stored records.
pub fn enrich(vulns: &mut [Vuln], merged_ids: &[Vec<String>], store: &Store) {
    let mut cache: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for (vuln, ids) in vulns.iter_mut().zip(merged_ids) {
        for id in ids {
            let (upstream, references) = cache
                .entry(id.clone())
                .or_insert_with(|| record_details(store, id));
            for alias in upstream.iter() {
                if *alias != vuln.id && !vuln.aliases.contains(alias) {
                    vuln.aliases.push(alias.clone());
                }
            }
            for url in references.iter() {
                if !vuln.references.contains(url) {
                    vuln.references.push(url.clone());
                }
            }
        }
        vuln.aliases.sort();
    }
}

/// `upstream` ids and advisory URLs of a stored record.
fn record_details(store: &Store, id: &str) -> (Vec<String>, Vec<String>) {
    let Ok(Some(raw)) = store.raw_record(id) else {
        return (Vec::new(), Vec::new());
    };
    let Ok(record) = serde_json::from_slice::<Value>(&raw) else {
        return (Vec::new(), Vec::new());
    };
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let upstream = strings(record.get("upstream"));
    let mut references: Vec<String> = record
        .get("references")
        .and_then(Value::as_array)
        .map(|refs| {
            refs.iter()
                .filter(|r| {
                    r.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t == "ADVISORY" || t == "WEB")
                })
                .filter_map(|r| r.get("url").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    references.dedup();
    (upstream, references)
}

/// The advisory's page on osv.dev.
pub fn osv_url(id: &str) -> String {
    format!("https://osv.dev/vulnerability/{id}")
}

/// Where a package is reported: `os` for OS packages, else the directory,
/// application or file its group is named after (a Python `site-packages`
/// directory, a Node.js application, a Go or Rust binary, a Java archive).
pub fn target(package: &Package) -> String {
    if package.kind.is_os() {
        return "os".to_owned();
    }
    let location = package.locations.first().map_or("", String::as_str);
    let parent = |p: &str| p.rsplit_once('/').map_or("/", |(dir, _)| dir).to_owned();
    let or_root = |s: String| if s.is_empty() { "/".to_owned() } else { s };
    match package.kind {
        // …/site-packages/name-1.0.dist-info/METADATA → …/site-packages
        PackageKind::Python => or_root(parent(&parent(location))),
        PackageKind::Npm => match location.find("/node_modules/") {
            Some(i) => or_root(location[..i].to_owned()),
            None => or_root(parent(location)),
        },
        PackageKind::Java => {
            let lower = location.to_ascii_lowercase();
            [".jar", ".war", ".ear"]
                .iter()
                .filter_map(|ext| lower.find(ext).map(|i| i + ext.len()))
                .min()
                .map_or_else(|| location.to_owned(), |end| location[..end].to_owned())
        }
        PackageKind::Gem => match location.find("/specifications/") {
            Some(i) => location[..i].to_owned(),
            None => parent(location),
        },
        _ => location.to_owned(),
    }
}

/// The purl of the package's source package (`arch=source`), for OS packages
/// that name one: VEX documents and ignore entries often name the source.
fn source_purl(package: &Package) -> Option<String> {
    let (name, version) = package
        .source_name
        .as_ref()
        .zip(package.source_version.as_ref())?;
    let parsed = crate::suppress::Purl::parse(&package.purl)?;
    Some(dockward_sbom::purl::build(
        &parsed.kind,
        parsed.namespace.as_deref(),
        name,
        Some(version),
        &[("arch", "source")],
    ))
}

/// What suppresses findings: the ignore file and the VEX statements.
#[derive(Debug, Default)]
pub struct Suppressors {
    ignore: Option<IgnoreFile>,
    vex: Vec<Statement>,
    today: String,
}

impl Suppressors {
    /// Reads the ignore file and the VEX documents the arguments name.
    pub fn load(args: &ScanArgs) -> anyhow::Result<Suppressors> {
        let ignore = crate::suppress::load_ignore_file(args.ignorefile.as_deref())?;
        let mut statements = Vec::new();
        for path in &args.vex {
            let display = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the VEX document `{display}`"))?;
            statements.extend(vex::parse(&display, &text)?);
        }
        let today = crate::clock::rfc3339_now()[..10].to_owned();
        if let Some(file) = &ignore {
            for entry in file.expired(&today) {
                printer::warning(&format!(
                    "{}:{}: `{}` expired on {}; it no longer suppresses",
                    file.display,
                    entry.line,
                    entry.id,
                    entry.expires.as_deref().unwrap_or_default()
                ));
            }
        }
        Ok(Suppressors {
            ignore,
            vex: statements,
            today,
        })
    }

    /// Marks the suppressed diagnostics of `report`; returns, per
    /// vulnerability, the VEX statement that decided it (whatever its status).
    fn apply<'a>(
        &'a self,
        report: &mut Report,
        vulns: &[Vuln],
        catalog: &Catalog,
        image: &ImageIdentity,
    ) -> Vec<Option<&'a Statement>> {
        let mut decisions = vec![None; vulns.len()];
        for (i, diagnostic) in report.diagnostics.iter_mut().enumerate() {
            let keys = match vulns.get(i) {
                Some(vuln) => {
                    let package = &catalog.packages[vuln.package];
                    FindingKeys {
                        ids: vuln.ids(),
                        purls: std::iter::once(package.purl.clone())
                            .chain(source_purl(package))
                            .collect(),
                    }
                }
                None => FindingKeys {
                    ids: [diagnostic.rule.code, diagnostic.rule.name]
                        .into_iter()
                        .map(str::to_owned)
                        .chain(diagnostic.all_aliases())
                        .collect(),
                    purls: Vec::new(),
                },
            };
            if let Some(file) = &self.ignore
                && let Some(entry) = file.find(&keys, &self.today)
            {
                diagnostic.suppression = Some(Suppression {
                    kind: SuppressionKind::External,
                    justification: file.justification(entry),
                });
                continue;
            }
            if i < vulns.len()
                && let Some(statement) = vex::decide(&self.vex, &keys, image)
            {
                decisions[i] = Some(statement);
                if statement.status.suppresses() {
                    diagnostic.suppression = Some(Suppression {
                        kind: SuppressionKind::External,
                        justification: statement.describe(),
                    });
                }
            }
        }
        decisions
    }
}

/// Everything a scan found, ready to be written.
#[derive(Debug)]
pub struct Scan<'a> {
    /// The findings: vulnerabilities first (see the module docs).
    pub report: Report,
    /// The vulnerabilities.
    pub vulns: Vec<Vuln>,
    /// The packages.
    pub catalog: &'a Catalog,
    /// The image as the SBOM writers name it.
    pub meta: ImageMeta,
    /// The image's references (repository tags), for VEX products.
    pub references: Vec<String>,
}

/// Applies the suppressions, writes the report in the requested format and
/// returns the exit status.
pub fn finish(
    args: &ScanArgs,
    suppressors: &Suppressors,
    mut scan: Scan<'_>,
) -> anyhow::Result<Status> {
    let identity = ImageIdentity::new(
        scan.references
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(scan.meta.name.as_str())),
        scan.meta.digest.as_deref(),
    );
    let decisions = suppressors.apply(&mut scan.report, &scan.vulns, scan.catalog, &identity);
    let printer = Printer::new(args.output.as_deref());
    let lint_format = |format| {
        let color = crate::lint::use_color(args.color, args.no_color, printer.is_terminal());
        crate::lint::render(&scan.report, format, args.quiet, color)
    };
    let text = match args.format {
        ScanFormat::Table => {
            let color = crate::lint::use_color(args.color, args.no_color, printer.is_terminal());
            crate::scan_table::render(&scan, color, args.quiet)
        }
        ScanFormat::Json => {
            dockward_diagnostics::render::json_with_inventory(&scan.report, inventory(&scan))
        }
        ScanFormat::Sarif => lint_format(Format::Sarif),
        ScanFormat::Checkstyle => lint_format(Format::Checkstyle),
        ScanFormat::Junit => lint_format(Format::Junit),
        ScanFormat::Github => lint_format(Format::Github),
        ScanFormat::Cyclonedx => {
            let mut bom = dockward_sbom::cyclonedx(&scan.meta, scan.catalog);
            bom["vulnerabilities"] =
                Value::Array(cyclonedx_vulnerabilities(&scan, &bom, &decisions));
            serde_json::to_string_pretty(&bom).context("cannot serialize the SBOM")? + "\n"
        }
        ScanFormat::SpdxJson => {
            let created = crate::clock::rfc3339_now();
            let mut doc = dockward_sbom::spdx(&scan.meta, scan.catalog, &scan.meta.name, &created);
            spdx_advisories(&scan, &mut doc);
            serde_json::to_string_pretty(&doc).context("cannot serialize the SBOM")? + "\n"
        }
    };
    printer.result(&text)?;
    let fail_on = if args.no_fail {
        FailOn::Never
    } else {
        args.fail_on.unwrap_or_default()
    };
    let failing = scan
        .report
        .diagnostics
        .iter()
        .any(|d| d.suppression.is_none() && fail_on.fails(d.severity));
    Ok(if failing {
        Status::Failure
    } else {
        Status::Success
    })
}

/// The `packages` and `vulnerabilities` of the JSON report.
fn inventory(scan: &Scan<'_>) -> Inventory {
    let packages = scan
        .catalog
        .packages
        .iter()
        .map(|p| JsonPackage {
            name: p.name.clone(),
            version: p.version.clone(),
            kind: p.kind.as_str().to_owned(),
            ecosystem: p.ecosystem.osv_name(),
            purl: p.purl.clone(),
            target: target(p),
            layer: p.layer,
            source_name: p.source_name.clone(),
            source_version: p.source_version.clone(),
            licenses: p.licenses.clone(),
            locations: p.locations.clone(),
        })
        .collect();
    let vulnerabilities = scan
        .vulns
        .iter()
        .zip(&scan.report.diagnostics)
        .map(|(v, d)| {
            let package = &scan.catalog.packages[v.package];
            JsonVulnerability {
                id: v.id.clone(),
                aliases: v.aliases.clone(),
                summary: v.summary.clone(),
                package: package.purl.clone(),
                package_name: package.name.clone(),
                installed_version: package.version.clone(),
                fixed_versions: v.fixed.clone(),
                severity: v.severity.into(),
                cvss: v.cvss.as_ref().map(|(score, vector)| JsonCvss {
                    score: *score,
                    vector: vector.clone(),
                }),
                layer: package.layer,
                references: v.references.clone(),
                suppressed: d.suppression.as_ref().map(json_report::suppression),
            }
        })
        .collect();
    Inventory {
        packages,
        vulnerabilities,
    }
}

/// The CycloneDX rating method of a CVSS vector.
fn cvss_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:3.1/") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.0/") {
        "CVSSv3"
    } else if vector.starts_with("CVSS:4") {
        "CVSSv4"
    } else {
        "CVSSv2"
    }
}

/// OpenVEX justifications as CycloneDX `analysis.justification` values.
fn cyclonedx_justification(openvex: &str) -> Option<&'static str> {
    Some(match openvex {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    })
}

/// The bom-ref of each catalog package in a CycloneDX document written by
/// `dockward_sbom::cyclonedx` (components with a purl, in catalog order).
fn component_refs(bom: &Value) -> Vec<String> {
    bom["components"]
        .as_array()
        .map(|components| {
            components
                .iter()
                .filter(|c| c.get("purl").is_some())
                .filter_map(|c| c["bom-ref"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// An advisory id and the VEX statement (document, number) that decided it.
type GroupKey = (String, Option<(String, usize)>);

/// The `vulnerabilities` array: one entry per advisory (and VEX decision),
/// affecting every package it was found in. Findings suppressed by the
/// ignore file are left out; those a VEX statement decided carry its
/// `analysis`.
fn cyclonedx_vulnerabilities(
    scan: &Scan<'_>,
    bom: &Value,
    decisions: &[Option<&Statement>],
) -> Vec<Value> {
    let refs = component_refs(bom);
    // (advisory id, VEX statement) → indexes into vulns, in first-seen order.
    let mut groups: Vec<(GroupKey, Vec<usize>)> = Vec::new();
    for (i, vuln) in scan.vulns.iter().enumerate() {
        let by_ignore_file =
            scan.report.diagnostics[i].suppression.is_some() && decisions[i].is_none();
        if by_ignore_file {
            continue;
        }
        let key = (
            vuln.id.clone(),
            decisions[i].map(|s| (s.document.clone(), s.number)),
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(_, members)| {
            let first = &scan.vulns[members[0]];
            let mut rating = json!({ "severity": first.severity.to_string() });
            if let Some((score, vector)) = &first.cvss {
                rating["score"] = json!(score);
                rating["method"] = json!(cvss_method(vector));
                rating["vector"] = json!(vector);
            }
            let mut affects: Vec<Value> = Vec::new();
            let mut advice: BTreeSet<String> = BTreeSet::new();
            for &i in &members {
                let vuln = &scan.vulns[i];
                let package = &scan.catalog.packages[vuln.package];
                let Some(r) = refs.get(vuln.package) else {
                    continue;
                };
                affects.push(json!({
                    "ref": r,
                    "versions": [ { "version": package.version, "status": "affected" } ],
                }));
                if let Some(fix) = vuln.fixed.first() {
                    advice.insert(format!("Upgrade {} to {fix}", package.name));
                }
            }
            let mut entry = json!({
                "bom-ref": format!("vulnerability:{}:{}", first.id, members[0]),
                "id": first.id,
                "source": { "name": "OSV", "url": osv_url(&first.id) },
                "ratings": [ rating ],
                "affects": affects,
            });
            if !first.aliases.is_empty() {
                entry["references"] = Value::Array(
                    first
                        .aliases
                        .iter()
                        .map(|a| json!({ "id": a, "source": { "name": "OSV", "url": osv_url(a) } }))
                        .collect(),
                );
            }
            if let Some(summary) = &first.summary {
                entry["description"] = json!(summary);
            }
            if !advice.is_empty() {
                entry["recommendation"] = json!(advice.into_iter().collect::<Vec<_>>().join("; "));
            }
            if !first.references.is_empty() {
                entry["advisories"] = Value::Array(
                    first
                        .references
                        .iter()
                        .map(|u| json!({ "url": u }))
                        .collect(),
                );
            }
            if let Some(statement) = decisions[members[0]] {
                let state = match statement.status {
                    vex::Status::NotAffected => "not_affected",
                    vex::Status::Fixed => "resolved",
                    vex::Status::Affected => "exploitable",
                    vex::Status::UnderInvestigation => "in_triage",
                };
                let mut analysis = json!({ "state": state, "detail": statement.describe() });
                if let Some(j) = statement
                    .justification
                    .as_deref()
                    .and_then(cyclonedx_justification)
                {
                    analysis["justification"] = json!(j);
                }
                entry["analysis"] = analysis;
            }
            entry
        })
        .collect()
}

/// Adds an SPDX `SECURITY`/`advisory` external reference per unsuppressed
/// advisory to each affected package (SPDX 2.3 has no vulnerability section).
fn spdx_advisories(scan: &Scan<'_>, doc: &mut Value) {
    let mut per_package: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (vuln, diagnostic) in scan.vulns.iter().zip(&scan.report.diagnostics) {
        if diagnostic.suppression.is_none() {
            let ids = per_package.entry(vuln.package).or_default();
            if !ids.contains(&vuln.id.as_str()) {
                ids.push(&vuln.id);
            }
        }
    }
    let Some(packages) = doc["packages"].as_array_mut() else {
        return;
    };
    let catalog_packages = packages.iter_mut().filter(|p| {
        p["SPDXID"]
            .as_str()
            .is_some_and(|id| id.starts_with("SPDXRef-Package-"))
    });
    for (index, package) in catalog_packages.enumerate() {
        let Some(ids) = per_package.get(&index) else {
            continue;
        };
        if let Some(refs) = package["externalRefs"].as_array_mut() {
            for id in ids {
                refs.push(json!({
                    "referenceCategory": "SECURITY",
                    "referenceType": "advisory",
                    "referenceLocator": osv_url(id),
                    "comment": format!("{id} affects this version"),
                }));
            }
        }
    }
}

/// The image references of an image for VEX products: its repository tags,
/// or the target as given.
pub fn references(target: &Path, repo_tags: &[String]) -> Vec<String> {
    if repo_tags.is_empty() {
        vec![target.display().to_string()]
    } else {
        repo_tags.to_vec()
    }
}
