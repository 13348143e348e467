//! Range semantics, withdrawn records and alias merging, with a dotted
//! numeric test comparator.

mod common;

use common::{dotted, record};
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::matcher::{Index, Query, normalize_name};
use dockward_vuln::osv::SeverityLevel;

fn q(name: &str, version: &str) -> Query {
    Query {
        ecosystem: Ecosystem::PyPi,
        name: name.to_owned(),
        version: version.to_owned(),
    }
}

fn one(events: &str, versions: &str) -> Index {
    let mut idx = Index::new();
    idx.add(&record(&format!(
        r#"{{"id":"PYSEC-1","modified":"2024-01-01T00:00:00Z",
            "affected":[{{"package":{{"ecosystem":"PyPI","name":"demo"}},
              "ranges":[{{"type":"ECOSYSTEM","events":{events}}}],"versions":{versions}}}]}}"#
    )));
    idx
}

fn affected(idx: &Index, v: &str) -> bool {
    !idx.matches(&q("demo", v), &dotted).is_empty()
}

#[test]
fn introduced_fixed_is_half_open() {
    let idx = one(r#"[{"introduced":"1.0"},{"fixed":"1.5"}]"#, "[]");
    assert!(!affected(&idx, "0.9"));
    assert!(affected(&idx, "1.0"));
    assert!(affected(&idx, "1.4.9"));
    assert!(!affected(&idx, "1.5"));
    assert!(!affected(&idx, "2.0"));
    let m = idx.matches(&q("demo", "1.2"), &dotted);
    assert_eq!(m[0].fixed_versions, vec!["1.5".to_owned()]);
    assert_eq!(m[0].affected_range_description, ">= 1.0, < 1.5");
    assert!(m[0].is_fixed());
}

#[test]
fn introduced_zero_is_lowest_and_open_range_is_unfixed() {
    let idx = one(r#"[{"introduced":"0"}]"#, "[]");
    assert!(affected(&idx, "0.0.1"));
    let m = idx.matches(&q("demo", "99"), &dotted);
    assert!(m[0].fixed_versions.is_empty());
    assert!(!m[0].is_fixed());
    assert_eq!(m[0].affected_range_description, "all versions");
}

#[test]
fn last_affected_is_inclusive() {
    let idx = one(r#"[{"introduced":"0"},{"last_affected":"2.3"}]"#, "[]");
    assert!(affected(&idx, "2.3"));
    assert!(!affected(&idx, "2.3.1"));
    let m = idx.matches(&q("demo", "2.0"), &dotted);
    assert!(m[0].fixed_versions.is_empty());
    assert_eq!(m[0].affected_range_description, "<= 2.3");
}

#[test]
fn limit_bounds_the_range() {
    let idx = one(r#"[{"introduced":"1.0"},{"limit":"1.8"}]"#, "[]");
    assert!(affected(&idx, "1.7"));
    assert!(!affected(&idx, "1.8"));
    assert!(!affected(&idx, "3.0"));
    let star = one(r#"[{"introduced":"1.0"},{"limit":"*"}]"#, "[]");
    assert!(affected(&star, "300.0"));
}

#[test]
fn unsorted_events_and_multiple_intervals() {
    let idx = one(
        r#"[{"fixed":"2.5"},{"introduced":"2.0"},{"fixed":"1.2"},{"introduced":"0"}]"#,
        "[]",
    );
    assert!(affected(&idx, "1.1"));
    assert!(!affected(&idx, "1.2"));
    assert!(!affected(&idx, "1.9"));
    assert!(affected(&idx, "2.0"));
    assert!(affected(&idx, "2.4"));
    assert!(!affected(&idx, "2.5"));
    let m = idx.matches(&q("demo", "2.1"), &dotted);
    assert_eq!(m[0].fixed_versions, vec!["2.5".to_owned()]);
}

#[test]
fn versions_list_counts_even_outside_ranges() {
    let idx = one(
        r#"[{"introduced":"1.0"},{"fixed":"1.5"}]"#,
        r#"["0.5","3.0"]"#,
    );
    assert!(affected(&idx, "0.5"));
    assert!(affected(&idx, "3.0"));
    assert!(!affected(&idx, "0.6"));
    let m = idx.matches(&q("demo", "0.5"), &dotted);
    assert_eq!(
        m[0].fixed_versions,
        vec!["1.5".to_owned()],
        "nearest fix above 0.5"
    );
}

#[test]
fn multiple_ranges_and_git_ranges_ignored() {
    let mut idx = Index::new();
    idx.add(&record(
        r#"{"id":"PYSEC-2","modified":"2024-01-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
              "ranges":[{"type":"GIT","repo":"https://example.invalid/r","events":[{"introduced":"0"},{"fixed":"cb35df940a"}]},
                        {"type":"ECOSYSTEM","events":[{"introduced":"3.0"},{"fixed":"3.1"}]},
                        {"type":"ECOSYSTEM","events":[{"introduced":"4.0"},{"fixed":"4.2"}]}]}]}"#,
    ));
    assert!(!affected(&idx, "1.0"), "the GIT range must not match");
    assert!(affected(&idx, "3.0"));
    assert!(affected(&idx, "4.1"));
    assert!(!affected(&idx, "3.5"));
}

#[test]
fn uncomparable_versions_skip_the_range_not_panic() {
    let idx = one(
        r#"[{"introduced":"1.0"},{"fixed":"junk-version"}]"#,
        r#"["weird"]"#,
    );
    assert!(!affected(&idx, "1.2"));
    assert!(affected(&idx, "weird"), "versions[] still applies");
}

#[test]
fn semver_ranges_use_npm_semantics() {
    let mut idx = Index::new();
    idx.add(&record(
        r#"{"id":"GO-2024-1","modified":"0001-01-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"Go","name":"example.com/mod"},
              "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.4.3"}]}]}]}"#,
    ));
    let seen = std::cell::RefCell::new(Vec::new());
    let cmp = |e: &Ecosystem, a: &str, b: &str| {
        seen.borrow_mut().push(e.clone());
        dotted(e, a, b)
    };
    let query = Query {
        ecosystem: Ecosystem::Go,
        name: "example.com/mod".into(),
        version: "v1.4.2".into(),
    };
    assert_eq!(
        idx.matches(&query, &cmp).len(),
        1,
        "leading v is dropped for Go"
    );
    assert!(seen.borrow().iter().all(|e| *e == Ecosystem::Npm));
    let fixed = Query {
        version: "v1.4.3".into(),
        ..query
    };
    assert!(idx.matches(&fixed, &cmp).is_empty());
}

#[test]
fn withdrawn_records_are_skipped() {
    let mut idx = Index::new();
    let added = idx.add(&record(
        r#"{"id":"PYSEC-3","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"PyPI","name":"demo"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    ));
    assert!(!added);
    assert!(!affected(&idx, "1.0"));
}

#[test]
fn aliases_merge_into_one_finding() {
    let mut idx = Index::new();
    idx.add(&record(
        r#"{"id":"PYSEC-2023-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2023-1111"],
            "summary":"from pysec",
            "affected":[{"package":{"ecosystem":"PyPI","name":"Demo_Pkg"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]}"#,
    ));
    idx.add(&record(
        r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2023-1111"],
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"PyPI","name":"demo-pkg"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.1"}]}]}]}"#,
    ));
    idx.add(&record(
        r#"{"id":"PYSEC-2023-9","modified":"2024-01-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"PyPI","name":"demo.pkg"},
              "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
    ));
    let m = idx.matches(&q("DEMO.pkg", "1.0"), &dotted);
    assert_eq!(m.len(), 2, "{m:#?}");
    let merged = &m[0];
    assert_eq!(merged.advisory_id, "PYSEC-2023-1");
    assert_eq!(
        merged.advisory_ids,
        vec!["GHSA-aaaa-bbbb-cccc", "PYSEC-2023-1"]
    );
    assert_eq!(
        merged.aliases,
        vec!["CVE-2023-1111", "GHSA-aaaa-bbbb-cccc", "PYSEC-2023-1"]
    );
    assert_eq!(merged.fixed_versions, vec!["2.0", "2.1"]);
    assert_eq!(merged.severity.level, SeverityLevel::Critical);
    assert_eq!(merged.summary.as_deref(), Some("from pysec"));
    assert_eq!(m[1].advisory_id, "PYSEC-2023-9");
    assert_eq!(m[1].severity.level, SeverityLevel::Unknown);
}

#[test]
fn name_normalisation() {
    assert_eq!(normalize_name("PyPI", "Foo__Bar.baz"), "foo-bar-baz");
    assert_eq!(normalize_name("Debian:12", "OpenSSL"), "openssl");
    assert_eq!(
        normalize_name("AlmaLinux:9", "NetworkManager"),
        "NetworkManager"
    );
    assert_eq!(
        normalize_name("Go", "github.com/BurntSushi/toml"),
        "github.com/BurntSushi/toml"
    );
    assert_eq!(normalize_name("npm", "Lodash"), "lodash");
}

/// `matches_versions` (versions parsed when indexed) gives exactly what
/// `matches` gives with `version::compare` as the comparator, on real
/// records of every shared export and every version they name, plus
/// versions that do not parse and a `v`-prefixed Go version.
#[test]
fn parsed_matching_equals_matching_with_the_real_comparator() {
    use std::io::Read;
    let compare = |e: &Ecosystem, a: &str, b: &str| dockward_vuln::version::compare(e, a, b).ok();
    let mut index = Index::new();
    let mut queries = Vec::new();
    for export in ["AlmaLinux", "Go", "PyPI", "crates.io"] {
        let path = common::osv_dir().join(export).join("all.zip");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        for i in 0..zip.len().min(400) {
            let mut raw = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut raw).unwrap();
            let Ok((v, _)) = dockward_vuln::osv::parse_record(&raw, "t") else {
                continue;
            };
            index.add(&v);
            for a in &v.affected {
                let Some(p) = &a.package else { continue };
                let Some(ecosystem) = Ecosystem::from_osv(&p.ecosystem) else {
                    continue;
                };
                let mut versions: Vec<String> = a.versions.iter().take(3).cloned().collect();
                for r in &a.ranges {
                    for ev in &r.events {
                        versions.extend(ev.kind().map(|k| k.version().to_owned()));
                    }
                }
                versions.extend(["not a version!".to_owned(), "0".to_owned()]);
                for version in versions {
                    let version = if ecosystem == Ecosystem::Go {
                        format!("v{version}")
                    } else {
                        version
                    };
                    queries.push(Query {
                        ecosystem: ecosystem.clone(),
                        name: p.name.clone(),
                        version,
                    });
                }
            }
        }
    }
    assert!(queries.len() > 5_000, "{}", queries.len());
    let mut found = 0;
    for q in queries.iter().step_by(3) {
        let fast = index.matches_versions(q);
        assert_eq!(fast, index.matches(q, &compare), "{q:?}");
        found += fast.len();
    }
    assert!(found > 1_000, "{found}");
}
