//! Properties of every version type: parsing never panics, the order is
//! total (antisymmetric and transitive) on the corpus's real versions and on
//! generated ones, and a parsed version prints as the string it came from.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use dockward_vuln::version::{AnyVersion, Scheme};
use proptest::prelude::*;

const ALL: [Scheme; 8] = [
    Scheme::Deb,
    Scheme::Apk,
    Scheme::Rpm,
    Scheme::Pep440,
    Scheme::SemVer,
    Scheme::Go,
    Scheme::Maven,
    Scheme::Gem,
];

fn corpus_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let canonical = manifest.join("../../../shared/data/version-corpus");
    manifest
        .ancestors()
        .map(|a| a.join("shared/data/version-corpus"))
        .find(|p| p.is_dir())
        .unwrap_or(canonical)
}

/// The distinct versions of `<file>.versions.json` that `scheme` accepts.
fn corpus_versions(file: &str, scheme: Scheme) -> Vec<AnyVersion> {
    let path = corpus_dir().join(format!("{file}.versions.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let map: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&text).expect("versions.json");
    let strings: BTreeSet<String> = map.into_values().flatten().collect();
    let parsed: Vec<AnyVersion> = strings
        .iter()
        .filter_map(|s| scheme.parse(s).ok())
        .collect();
    assert!(
        parsed.len() * 10 >= strings.len() * 9,
        "{file}: only {} of {} versions parse",
        parsed.len(),
        strings.len()
    );
    parsed
}

fn ord(a: &AnyVersion, b: &AnyVersion) -> Ordering {
    a.partial_cmp(b).expect("same scheme")
}

fn corpora() -> &'static Vec<(Scheme, Vec<AnyVersion>)> {
    static CELL: OnceLock<Vec<(Scheme, Vec<AnyVersion>)>> = OnceLock::new();
    CELL.get_or_init(|| {
        vec![
            (Scheme::Deb, corpus_versions("deb", Scheme::Deb)),
            (Scheme::Apk, corpus_versions("apk", Scheme::Apk)),
            (Scheme::Rpm, corpus_versions("rpm", Scheme::Rpm)),
            (Scheme::Pep440, corpus_versions("pep440", Scheme::Pep440)),
            (Scheme::SemVer, corpus_versions("semver", Scheme::SemVer)),
            (Scheme::Go, corpus_versions("semver", Scheme::Go)),
        ]
    })
}

/// Sorting every corpus version and checking each sorted pair: a sort only
/// yields a consistent sequence when the order is total.
#[test]
fn corpus_versions_sort_consistently() {
    for (scheme, versions) in corpora() {
        let mut sorted = versions.clone();
        sorted.sort_by(ord);
        for w in sorted.windows(2) {
            assert_ne!(
                ord(&w[0], &w[1]),
                Ordering::Greater,
                "{scheme}: {} > {}",
                w[0],
                w[1]
            );
            assert_eq!(
                ord(&w[0], &w[1]).reverse(),
                ord(&w[1], &w[0]),
                "{scheme}: antisymmetry of {} and {}",
                w[0],
                w[1]
            );
        }
        // Pairs far apart in the sorted list must agree with their positions.
        let step = (sorted.len() / 97).max(1);
        for i in (0..sorted.len()).step_by(step) {
            for j in (i..sorted.len()).step_by(step) {
                assert_ne!(
                    ord(&sorted[i], &sorted[j]),
                    Ordering::Greater,
                    "{scheme}: transitivity broken by {} and {}",
                    sorted[i],
                    sorted[j]
                );
            }
        }
    }
}

fn check_triple(a: &AnyVersion, b: &AnyVersion, c: &AnyVersion) -> Result<(), TestCaseError> {
    prop_assert_eq!(ord(a, b), ord(b, a).reverse(), "antisymmetry {} {}", a, b);
    prop_assert_eq!(ord(a, a), Ordering::Equal, "reflexivity {}", a);
    if ord(a, b) != Ordering::Greater && ord(b, c) != Ordering::Greater {
        prop_assert_ne!(
            ord(a, c),
            Ordering::Greater,
            "transitivity {} {} {}",
            a,
            b,
            c
        );
    }
    if ord(a, b) == Ordering::Equal {
        prop_assert_eq!(ord(a, c), ord(b, c), "equal versions differ against {}", c);
    }
    Ok(())
}

/// Version-like strings built from the characters the schemes care about.
fn versionish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}",
        "[0-9]{1,2}(\\.(0|[1-9])){0,2}[a-z]?(_(alpha|beta|pre|rc|p|git)[0-9]?)?(-r[0-9])?",
        "[0-9](\\.[0-9]){0,2}(-|\\.)?(a|b|m|rc|cr|alpha|beta|sp|snapshot|ga|final|pre|x)?[0-9]?",
        "(0|[1-9])\\.(0|[1-9])\\.(0|[1-9])(-(0|[1-9]|[a-z]{1,3})(\\.(0|[1-9]|[a-z]{1,3})){0,2})?(\\+[a-z0-9]{1,3})?",
        "([0-9]:)?[0-9](\\.[0-9]){0,2}(~[a-z0-9]{1,3})?(\\+[a-z0-9]{1,3})?(-[0-9a-z.~+]{1,4})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_never_panics(s in "\\PC{0,24}", t in "[0-9a-zA-Z.~_+:^=!*-]{0,16}") {
        for scheme in ALL {
            let _ = scheme.parse(&s);
            let _ = scheme.parse(&t);
        }
    }

    #[test]
    fn parsed_versions_print_as_given(s in versionish()) {
        for scheme in ALL {
            if let Ok(v) = scheme.parse(&s) {
                prop_assert_eq!(v.to_string(), s.clone());
                let again = scheme.parse(&v.to_string()).expect("reparse");
                prop_assert_eq!(ord(&v, &again), Ordering::Equal);
            }
        }
    }

    #[test]
    fn generated_versions_are_totally_ordered(a in versionish(), b in versionish(), c in versionish()) {
        for scheme in ALL {
            if let (Ok(x), Ok(y), Ok(z)) = (scheme.parse(&a), scheme.parse(&b), scheme.parse(&c)) {
                check_triple(&x, &y, &z)?;
            }
        }
    }

    #[test]
    fn corpus_triples_are_totally_ordered(which in 0usize..6, i in any::<prop::sample::Index>(), j in any::<prop::sample::Index>(), k in any::<prop::sample::Index>()) {
        let (_, versions) = &corpora()[which];
        check_triple(i.get(versions), j.get(versions), k.get(versions))?;
    }
}
