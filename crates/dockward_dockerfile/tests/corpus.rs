//! Every file of the shared corpus (all accepted by BuildKit) parses without
//! error; the instruction and stage counts are snapshotted.

mod corpus_files;

use corpus_files::corpus_files;

use std::fmt::Write as _;

#[test]
fn corpus_parses_without_errors() {
    let files = corpus_files();
    assert_eq!(files.len(), 519, "the corpus should hold 519 Dockerfiles");
    let mut table = String::new();
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("corpus file is UTF-8");
        let df = dockward_dockerfile::parse(&text);
        let name = path.file_name().expect("file name").to_string_lossy();
        for e in &df.errors {
            failures.push(format!("{name}: {} at {:?}", e.message, e.span));
        }
        writeln!(
            table,
            "{name}: {} instructions, {} stages",
            df.instructions.len(),
            df.stages.len()
        )
        .expect("write to string");
    }
    assert!(
        failures.is_empty(),
        "parse errors:\n{}",
        failures.join("\n")
    );
    insta::assert_snapshot!("corpus_counts", table);
}
