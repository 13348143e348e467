//! CVSS v4.0 scoring over the whole Base vector space, on generated input,
//! and on the shared RustSec records that carry only a v4.0 vector.

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use common::{dotted, osv_dir};
use dockward_vuln::cvss4;
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::matcher::{Index, Query};
use dockward_vuln::osv::{SeverityLevel, Vulnerability, parse_record, record_severity};
use proptest::prelude::*;

/// Base metrics and their values, in vector order.
const BASE: [(&str, &[&str]); 11] = [
    ("AV", &["N", "A", "L", "P"]),
    ("AC", &["L", "H"]),
    ("AT", &["N", "P"]),
    ("PR", &["N", "L", "H"]),
    ("UI", &["N", "P", "A"]),
    ("VC", &["H", "L", "N"]),
    ("VI", &["H", "L", "N"]),
    ("VA", &["H", "L", "N"]),
    ("SC", &["H", "L", "N"]),
    ("SI", &["H", "L", "N"]),
    ("SA", &["H", "L", "N"]),
];

/// Threat, Environmental and Supplemental metrics and their values.
const OPTIONAL: [(&str, &[&str]); 21] = [
    ("E", &["X", "A", "P", "U"]),
    ("CR", &["X", "H", "M", "L"]),
    ("IR", &["X", "H", "M", "L"]),
    ("AR", &["X", "H", "M", "L"]),
    ("MAV", &["X", "N", "A", "L", "P"]),
    ("MAC", &["X", "L", "H"]),
    ("MAT", &["X", "N", "P"]),
    ("MPR", &["X", "N", "L", "H"]),
    ("MUI", &["X", "N", "P", "A"]),
    ("MVC", &["X", "H", "L", "N"]),
    ("MVI", &["X", "H", "L", "N"]),
    ("MVA", &["X", "H", "L", "N"]),
    ("MSC", &["X", "H", "L", "N"]),
    ("MSI", &["X", "S", "H", "L", "N"]),
    ("MSA", &["X", "S", "H", "L", "N"]),
    ("S", &["X", "N", "P"]),
    ("AU", &["X", "N", "Y"]),
    ("R", &["X", "A", "U", "I"]),
    ("V", &["X", "D", "C"]),
    ("RE", &["X", "L", "M", "H"]),
    ("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

fn base_vector(choice: &[usize; 11]) -> String {
    let mut v = String::from("CVSS:4.0");
    for ((key, values), c) in BASE.iter().zip(choice) {
        v.push('/');
        v.push_str(key);
        v.push(':');
        v.push_str(values[*c % values.len()]);
    }
    v
}

/// Every one of the 104,976 Base vectors, scored and folded into an FNV-1a
/// digest of the scores in tenths (last metric varying fastest). The digest,
/// the sum and the per-rating counts were computed with Red Hat's `cvss`
/// library 3.6, the reference FIRST's calculator follows, over the same
/// enumeration; they pin every Base score, not only a sample.
#[test]
fn every_base_vector_matches_the_reference() {
    let sizes = BASE.map(|(_, v)| v.len());
    let total: usize = sizes.iter().product();
    assert_eq!(total, 104_976);
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    let mut sum: u64 = 0;
    let mut by_level: BTreeMap<SeverityLevel, usize> = BTreeMap::new();
    for n in 0..total {
        let mut choice = [0usize; 11];
        let mut rest = n;
        for (c, size) in choice.iter_mut().zip(sizes).rev() {
            *c = rest % size;
            rest /= size;
        }
        let vector = base_vector(&choice);
        let s = cvss4::score(&vector).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert!((0.0..=10.0).contains(&s.score), "{vector}: {}", s.score);
        assert_eq!(s.nomenclature, cvss4::Nomenclature::B);
        let tenths = (0..=100u8)
            .find(|t| (f64::from(*t) - s.score * 10.0).abs() < 1e-9)
            .map_or_else(
                || panic!("{vector}: {} has more than one decimal", s.score),
                u64::from,
            );
        digest ^= tenths;
        digest = digest.wrapping_mul(0x0100_0000_01b3);
        sum += tenths;
        *by_level
            .entry(SeverityLevel::from_cvss3_score(s.score))
            .or_default() += 1;
    }
    assert_eq!(sum, 5_964_883);
    assert_eq!(
        by_level.into_iter().collect::<Vec<_>>(),
        vec![
            (SeverityLevel::None, 144),
            (SeverityLevel::Low, 15_438),
            (SeverityLevel::Medium, 57_559),
            (SeverityLevel::High, 29_278),
            (SeverityLevel::Critical, 2_557),
        ]
    );
    assert_eq!(digest, 0x5dde_febf_6dbb_e1da);
}

fn optional_metrics() -> impl Strategy<Value = Vec<Option<usize>>> {
    proptest::collection::vec(proptest::option::of(0usize..5), OPTIONAL.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scoring_never_panics(s in "\\PC{0,80}", t in "CVSS:4\\.0/[A-Z:/XSHLN]{0,60}") {
        let _ = cvss4::score(&s);
        let _ = cvss4::score(&t);
    }

    /// Any valid vector scores within 0–10 with one decimal; Supplemental
    /// metrics and the order of metrics never change the score.
    #[test]
    fn valid_vectors_score_in_range(base in proptest::array::uniform11(0usize..5), opt in optional_metrics()) {
        let mut parts: Vec<String> = base_vector(&base)
            .trim_start_matches("CVSS:4.0/")
            .split('/')
            .map(str::to_owned)
            .collect();
        let mut scored = parts.clone();
        for ((key, values), c) in OPTIONAL.iter().zip(&opt) {
            if let Some(c) = c {
                let m = format!("{key}:{}", values[c % values.len()]);
                if !matches!(*key, "S" | "AU" | "R" | "V" | "RE" | "U") {
                    scored.push(m.clone());
                }
                parts.push(m);
            }
        }
        let full = cvss4::score(&format!("CVSS:4.0/{}", parts.join("/"))).unwrap();
        prop_assert!((0.0..=10.0).contains(&full.score));
        prop_assert!(((full.score * 10.0).round() - full.score * 10.0).abs() < 1e-9);
        let without_supplemental = cvss4::score(&format!("CVSS:4.0/{}", scored.join("/"))).unwrap();
        prop_assert_eq!(full, without_supplemental);
        parts.reverse();
        let reversed = cvss4::score(&format!("CVSS:4.0/{}", parts.join("/"))).unwrap();
        prop_assert_eq!(full, reversed);
    }
}

/// The crates.io records of the shared OSV data whose only CVSS vectors
/// (top level, per package, and RustSec's `database_specific.cvss`) are v4.0.
fn v4_only_records() -> Vec<Vulnerability> {
    let path = osv_dir().join("crates.io/all.zip");
    let file = std::fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut found = Vec::new();
    for i in 0..zip.len() {
        let mut member = zip.by_index(i).unwrap();
        let name = member.name().unwrap().into_owned();
        if !std::path::Path::new(&name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            continue;
        }
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        let (v, _) = parse_record(&bytes, &name).unwrap();
        let mut vectors: Vec<&str> = v.severity.iter().map(|e| e.score.as_str()).collect();
        for a in &v.affected {
            vectors.extend(a.severity.iter().map(|e| e.score.as_str()));
            if let Some(c) = a
                .database_specific
                .as_ref()
                .and_then(|d| d.get("cvss"))
                .and_then(|c| c.as_str())
            {
                vectors.push(c);
            }
        }
        if !vectors.is_empty() && vectors.iter().all(|s| s.starts_with("CVSS:4.0/")) {
            found.push(v);
        }
    }
    found
}

#[test]
fn shared_v4_only_records_get_a_severity() {
    let records = v4_only_records();
    assert_eq!(records.len(), 51);
    let mut by_level: BTreeMap<SeverityLevel, usize> = BTreeMap::new();
    for v in &records {
        let s = record_severity(v);
        let vector = s
            .vector
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no vector", v.id));
        assert!(vector.starts_with("CVSS:4.0/"), "{}: {vector}", v.id);
        let want = cvss4::score(vector).unwrap().score;
        assert_eq!(s.score, Some(want), "{}", v.id);
        assert_eq!(s.level, SeverityLevel::from_cvss3_score(want), "{}", v.id);
        *by_level.entry(s.level).or_default() += 1;
    }
    // The three None are vectors with no impact at all (score 0.0), as the
    // specification rates them.
    assert_eq!(
        by_level.into_iter().collect::<Vec<_>>(),
        vec![
            (SeverityLevel::None, 3),
            (SeverityLevel::Low, 7),
            (SeverityLevel::Medium, 19),
            (SeverityLevel::High, 16),
            (SeverityLevel::Critical, 6),
        ]
    );
    let by_id = |id: &str| record_severity(records.iter().find(|v| v.id == id).expect(id)).score;
    // CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N
    assert_eq!(by_id("RUSTSEC-2025-0149"), Some(7.3));
}

#[test]
fn v4_only_finding_carries_the_v4_score() {
    let mut index = Index::new();
    for v in v4_only_records() {
        index.add(&v);
    }
    // RUSTSEC-2026-0009: `time` >= 0.3.6, < 0.3.47,
    // CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H.
    let q = Query {
        ecosystem: Ecosystem::CratesIo,
        name: "time".into(),
        version: "0.3.46".into(),
    };
    let m = index.matches(&q, &dotted);
    let hit = m
        .iter()
        .find(|m| m.advisory_id == "RUSTSEC-2026-0009")
        .expect("time 0.3.46 is affected");
    assert_eq!(hit.severity.level, SeverityLevel::Medium);
    assert_eq!(hit.severity.score, Some(6.8));
}
