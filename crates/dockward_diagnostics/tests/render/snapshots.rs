//! What each format looks like for the fixture report.

use dockward_diagnostics::render::{self, HumanOptions};

use crate::fixture;

#[test]
fn human() {
    let text = render::human(
        &fixture::report(),
        HumanOptions {
            color: false,
            quiet: false,
        },
    );
    insta::assert_snapshot!(text);
}

#[test]
fn human_in_colour() {
    let text = render::human(
        &fixture::report(),
        HumanOptions {
            color: true,
            quiet: false,
        },
    );
    // Escape sequences made visible, so the snapshot shows where colour goes.
    insta::assert_snapshot!(text.replace('\u{1b}', "\\e"));
}

#[test]
fn json() {
    insta::assert_snapshot!(render::json(&fixture::report()));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(render::sarif(&fixture::report()));
}

#[test]
fn checkstyle() {
    insta::assert_snapshot!(render::checkstyle(&fixture::report()));
}

#[test]
fn junit() {
    insta::assert_snapshot!(render::junit(&fixture::report()));
}

#[test]
fn github() {
    insta::assert_snapshot!(render::github(&fixture::report()));
}
