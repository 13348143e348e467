//! Feeds arbitrary bytes to the OSV record parser and, as text, to the CVSS
//! v4.0, v3.x and v2 scorers: nothing panics, every score a scorer returns
//! lies in 0–10, and a parsed record's severity comes out of the same range.

#![no_main]

use dockward_vuln::{cvss4, osv};
use libfuzzer_sys::fuzz_target;

fn in_range(score: f64) -> bool {
    (0.0..=10.0).contains(&score)
}

fuzz_target!(|data: &[u8]| {
    if let Ok((v, _)) = osv::parse_record(data, "fuzz") {
        let s = osv::record_severity(&v);
        assert!(s.score.is_none_or(in_range), "record severity out of range");
        for a in &v.affected {
            let s = osv::severity_from_entries(&a.severity);
            assert!(
                s.and_then(|s| s.score).is_none_or(in_range),
                "entry severity out of range"
            );
        }
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = cvss4::score(&text) {
        assert!(in_range(s.score), "v4.0 score out of range");
    }
    if let Ok(s) = osv::cvss3_base_score(&text) {
        assert!(in_range(s), "v3 score out of range");
    }
    if let Ok(s) = osv::cvss2_base_score(&text) {
        assert!(in_range(s), "v2 score out of range");
    }
});
