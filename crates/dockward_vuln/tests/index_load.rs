//! `Store::load_index_for` (only the rows the queried packages can match)
//! gives the same findings as `Store::load_index` (whole ecosystems), on the
//! real PyPI and Go exports, with names spelt as installers spell them.

mod common;

use std::io::Read;

use dockward_vuln::db::Store;
use dockward_vuln::ecosystem::Ecosystem;
use dockward_vuln::import::{Limits, import_path};
use dockward_vuln::matcher::Query;

#[test]
fn selective_loading_matches_like_loading_whole_ecosystems() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("vuln.db")).unwrap();
    let mut queries = Vec::new();
    for export in ["PyPI", "Go"] {
        let path = common::osv_dir().join(export).join("all.zip");
        import_path(
            &mut store,
            &path,
            Limits::default(),
            1_700_000_000,
            &mut |_| {},
        )
        .unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        for i in (0..zip.len()).step_by(25) {
            let mut raw = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut raw).unwrap();
            let Ok((v, _)) = dockward_vuln::osv::parse_record(&raw, "t") else {
                continue;
            };
            for a in &v.affected {
                let Some(p) = &a.package else { continue };
                let Some(ecosystem) = Ecosystem::from_osv(&p.ecosystem) else {
                    continue;
                };
                // PyPI names as a dist-info spells them: other case, `_` for `-`.
                let name = if ecosystem == Ecosystem::PyPi {
                    p.name.to_uppercase().replace('-', "_")
                } else {
                    p.name.clone()
                };
                for r in &a.ranges {
                    for ev in &r.events {
                        if let Some(k) = ev.kind() {
                            let version = if ecosystem == Ecosystem::Go {
                                format!("v{}", k.version())
                            } else {
                                k.version().to_owned()
                            };
                            queries.push(Query {
                                ecosystem: ecosystem.clone(),
                                name: name.clone(),
                                version,
                            });
                        }
                    }
                }
            }
        }
    }
    // A package no advisory names.
    queries.push(Query {
        ecosystem: Ecosystem::PyPi,
        name: "no-such-package-anywhere".to_owned(),
        version: "1.0".to_owned(),
    });
    assert!(queries.len() > 300, "{}", queries.len());
    let (whole, bad_whole) = store.load_index(&[Ecosystem::PyPi, Ecosystem::Go]).unwrap();
    let (selected, bad_selected) = store.load_index_for(&queries).unwrap();
    assert_eq!(bad_whole, 0);
    assert_eq!(bad_selected, 0);
    let mut found = 0;
    for q in &queries {
        let expected = whole.matches_versions(q);
        assert_eq!(selected.matches_versions(q), expected, "{q:?}");
        found += expected.len();
    }
    assert!(found > 300, "{found}");
}
