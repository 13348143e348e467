//! The XML formats parse back, with the expected elements and text.

use std::collections::HashMap;

use dockward_diagnostics::render;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::fixture;

/// Element name → count, and every attribute value (unescaped) in order.
/// The reader rejects mismatched end tags and bad escapes.
fn parse(xml: &str) -> (HashMap<String, usize>, Vec<(String, String)>) {
    let mut reader = Reader::from_str(xml);
    let mut counts = HashMap::new();
    let mut attributes = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(element) | Event::Empty(element) => {
                let name = String::from_utf8_lossy(element.name().as_ref()).into_owned();
                *counts.entry(name).or_insert(0) += 1;
                for attribute in element.attributes() {
                    let attribute = attribute.expect("attribute");
                    let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
                    let value = attribute
                        .unescape_value()
                        .expect("escaped attribute")
                        .into_owned();
                    attributes.push((key, value));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(!counts.is_empty(), "no element in {xml}");
    (counts, attributes)
}

#[test]
fn checkstyle_parses_back() {
    let xml = render::checkstyle(&fixture::report());
    let (counts, attributes) = parse(&xml);
    assert_eq!(counts.get("checkstyle"), Some(&1));
    // Dockerfile, services/api/Dockerfile, clean/Dockerfile, container/web.
    assert_eq!(counts.get("file"), Some(&4));
    // The suppressed finding is left out.
    assert_eq!(counts.get("error"), Some(&5));
    assert!(attributes.contains(&("source".to_owned(), "dockward.DF020".to_owned())));
    assert!(attributes.contains(&(
        "message".to_owned(),
        "`node:latest` is not pinned (stage «büild»)".to_owned()
    )));
}

#[test]
fn junit_parses_back() {
    let xml = render::junit(&fixture::report());
    let (counts, attributes) = parse(&xml);
    assert_eq!(counts.get("testsuites"), Some(&1));
    assert_eq!(counts.get("testsuite"), Some(&4));
    // Six findings plus the passing case of the clean file.
    assert_eq!(counts.get("testcase"), Some(&7));
    assert_eq!(counts.get("failure"), Some(&5));
    assert_eq!(counts.get("skipped"), Some(&1));
    let totals: Vec<&str> = attributes
        .iter()
        .filter(|(key, _)| key == "tests")
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(totals.first(), Some(&"7"));
}

#[test]
fn hostile_messages_stay_well_formed() {
    let mut report = fixture::report();
    let hostile = "a<b>&\"c'</failure>]]>\u{0}\u{1b}\r\n";
    for diagnostic in &mut report.diagnostics {
        diagnostic.message = hostile.to_owned();
    }
    for xml in [render::checkstyle(&report), render::junit(&report)] {
        let (_, attributes) = parse(&xml);
        let message = attributes
            .iter()
            .find(|(key, _)| key == "message")
            .map(|(_, value)| value.clone());
        assert_eq!(
            message.as_deref(),
            Some("a<b>&\"c'</failure>]]>\u{FFFD}\u{FFFD}\r\n")
        );
    }
}
