//! Orders of the schemes without a labelled corpus (Maven, RubyGems, Go
//! specifics), the dispatcher, and the parse errors.

use std::cmp::Ordering;

use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::version::{
    AnyVersion, ApkVersion, DebVersion, GemVersion, GoVersion, MavenVersion, Scheme, SemVersion,
    VersionError, compare, parse_for,
};

/// Asserts that `list` is strictly increasing under `T`'s order, for every
/// pair (not only neighbours).
fn assert_increasing<T: std::str::FromStr + Ord + std::fmt::Debug>(list: &[&str])
where
    T::Err: std::fmt::Debug,
{
    let parsed: Vec<T> = list.iter().map(|s| s.parse().expect(s)).collect();
    for (i, a) in parsed.iter().enumerate() {
        for (j, b) in parsed.iter().enumerate() {
            assert_eq!(a.cmp(b), i.cmp(&j), "{} vs {}", list[i], list[j]);
        }
    }
}

fn assert_all_equal<T: std::str::FromStr + Ord + std::fmt::Debug>(list: &[&str])
where
    T::Err: std::fmt::Debug,
{
    let first: T = list[0].parse().expect(list[0]);
    for s in &list[1..] {
        let v: T = s.parse().expect(s);
        assert_eq!(first.cmp(&v), Ordering::Equal, "{} vs {s}", list[0]);
    }
}

#[test]
fn maven_qualifier_order() {
    // Maven's ComparableVersion documentation and tests.
    assert_increasing::<MavenVersion>(&[
        "1-alpha2snapshot",
        "1-alpha2",
        "1-alpha-123",
        "1-beta-2",
        "1-beta123",
        "1-m2",
        "1-m11",
        "1-rc",
        "1-cr2",
        "1-rc123",
        "1-SNAPSHOT",
        "1",
        "1-sp",
        "1-sp2",
        "1-sp123",
        "1-abc",
        "1-def",
        "1-pom-1",
        "1-1-snapshot",
        "1-1",
        "1-2",
        "1-123",
    ]);
}

#[test]
fn maven_number_order() {
    assert_increasing::<MavenVersion>(&[
        "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c",
        "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2",
        "11.m11", "11", "11.a", "11b", "11c", "11m",
    ]);
}

#[test]
fn maven_equalities() {
    assert_all_equal::<MavenVersion>(&[
        "1", "1.0", "1.0.0", "1-0", "1.0-0", "1ga", "1.ga", "1-ga", "1final", "1.FINAL", "1release",
    ]);
    assert_all_equal::<MavenVersion>(&["1a1", "1-a1", "1-alpha-1", "1-ALPHA-1", "1alpha1"]);
    assert_all_equal::<MavenVersion>(&["1cr", "1rc", "1-RC"]);
    // A big number does not overflow.
    assert_increasing::<MavenVersion>(&["1.99999999999999999999998", "1.99999999999999999999999"]);
}

#[test]
fn gem_order() {
    // RubyGems' Gem::Version documentation and tests.
    assert_increasing::<GemVersion>(&[
        "1.0.a",
        "1.0.a.1",
        "1.0.b1",
        "1.0.rc1",
        "1.0",
        "1.0.1",
        "1.1",
        "1.9",
        "1.10",
        "2.0.0-beta.2",
        "2.0.0.rc1",
        "2.0.0",
    ]);
    assert_all_equal::<GemVersion>(&["1", "1.0", "1.0.0", " 1.0 "]);
    assert_all_equal::<GemVersion>(&["1.0.0-rc1", "1.0.0.pre.rc1", "1.0.0.pre.rc.1"]);
    assert_all_equal::<GemVersion>(&["", "0"]);
    assert!(GemVersion::from_str_checked("1.0.0-rc1").is_prerelease());
    for bad in ["junk", "1..2", "1.0-", "-1", "1.0 2", "1.\u{e9}"] {
        assert!(
            bad.parse::<GemVersion>().is_err(),
            "{bad:?} should be rejected"
        );
    }
}

trait Checked: Sized {
    fn from_str_checked(s: &str) -> Self;
}
impl Checked for GemVersion {
    fn from_str_checked(s: &str) -> Self {
        s.parse().expect(s)
    }
}

#[test]
fn go_versions() {
    assert_increasing::<GoVersion>(&[
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0-20200101000000-aaaaaaaaaaaa",
        "v0.1.0",
        "v1.2.3-pre",
        "v1.2.3",
        "v1.2.4-0.20191109021931-daa7c04131f5",
        "v1.2.4",
        "v2.0.0",
        "v2.1.0+incompatible",
    ]);
    assert_all_equal::<GoVersion>(&["v2.0.0+incompatible", "2.0.0", "v2.0.0", "v2", "v2.0"]);
    let pseudo: GoVersion = "v1.2.4-0.20191109021931-daa7c04131f5".parse().unwrap();
    assert!(pseudo.is_pseudo());
    let plain: GoVersion = "v1.2.4-rc.1".parse().unwrap();
    assert!(!plain.is_pseudo());
    let inc: GoVersion = "v2.0.0+incompatible".parse().unwrap();
    assert!(inc.is_incompatible());
    for bad in ["v1.2.3.4", "v01.2.3", "vx", "", "v1.2-pre"] {
        assert!(
            bad.parse::<GoVersion>().is_err(),
            "{bad:?} should be rejected"
        );
    }
}

#[test]
fn semver_build_metadata_is_ignored_and_prereleases_sort_first() {
    assert_all_equal::<SemVersion>(&["1.0.0+a", "1.0.0+b", "1.0.0", "v1.0.0"]);
    assert_increasing::<SemVersion>(&[
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]);
    assert!("1.0".parse::<SemVersion>().is_err());
}

#[test]
fn deb_and_apk_basics() {
    assert_increasing::<DebVersion>(&["1.0~rc1", "1.0", "1.0-1", "1.0-1+deb12u1", "1:0.1"]);
    assert!("".parse::<DebVersion>().is_err());
    assert!("a1.0".parse::<DebVersion>().is_err());
    assert_increasing::<ApkVersion>(&["1.0_rc1", "1.0", "1.0-r0", "1.0-r1", "1.0_p1", "1.0a"]);
    let v: ApkVersion = "1.2.3-r10".parse().unwrap();
    assert_eq!(v.revision(), Some("10"));
    let err = "1.0_foo".parse::<ApkVersion>().unwrap_err();
    assert_eq!(err.scheme, Scheme::Apk);
    assert!(err.reason.contains("_foo"), "{err}");
}

#[test]
fn dispatcher_uses_the_ecosystem_scheme_and_the_zero_sentinel() {
    let debian = Ecosystem::from_osv("Debian:12").unwrap();
    assert_eq!(compare(&debian, "1.0~rc1", "1.0"), Ok(Ordering::Less));
    // "0" is below everything, even below dpkg's `0~`.
    assert_eq!(compare(&debian, "0", "0~"), Ok(Ordering::Less));
    assert_eq!(compare(&debian, "0", "0"), Ok(Ordering::Equal));
    let alpine = Ecosystem::from_osv("Alpine:v3.20").unwrap();
    assert_eq!(
        compare(&alpine, "1.2.3-r1", "1.2.3-r10"),
        Ok(Ordering::Less)
    );
    assert!(
        matches!(compare(&alpine, "1.0_foo", "1.0"), Err(VersionError::Parse(e)) if e.scheme == Scheme::Apk)
    );
    let pypi = Ecosystem::PyPi;
    assert_eq!(compare(&pypi, "1.0a1", "1.0.A1"), Ok(Ordering::Equal));
    assert_eq!(
        compare(&Ecosystem::Go, "1.2.3", "v1.2.4"),
        Ok(Ordering::Less)
    );
    assert_eq!(
        compare(&Ecosystem::RubyGems, "1.0.a", "1.0"),
        Ok(Ordering::Less)
    );
    assert_eq!(
        compare(&Ecosystem::Maven, "1.0-SNAPSHOT", "1.0"),
        Ok(Ordering::Less)
    );
    assert_eq!(
        compare(
            &Ecosystem::RockyLinux("9".into()),
            "1:1.0-1.el9",
            "2.0-1.el9"
        ),
        Ok(Ordering::Greater)
    );
    assert_eq!(
        compare(&Ecosystem::Packagist, "1.0", "2.0"),
        Err(VersionError::Unsupported("Packagist".to_owned()))
    );
    // Versions of different schemes are unordered.
    let d = parse_for(&debian, "1.0").unwrap();
    let a = parse_for(&alpine, "1.0").unwrap();
    assert_eq!(d.partial_cmp(&a), None);
    assert_eq!(parse_for(&alpine, "0").unwrap(), AnyVersion::Zero);
    assert_eq!(d.to_string(), "1.0");
}
