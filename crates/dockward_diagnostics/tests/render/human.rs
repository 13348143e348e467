//! Code-frame edge cases of the human renderer.

use dockward_diagnostics::render::{self, HumanOptions};
use dockward_diagnostics::{Report, Span};

use crate::fixture;

const PLAIN: HumanOptions = HumanOptions {
    color: false,
    quiet: false,
};

fn frame_lines(report: &Report) -> Vec<String> {
    render::human(report, PLAIN)
        .lines()
        .skip(1)
        .take_while(|line| !line.starts_with("  = "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn plain_output_has_no_escape_sequences_and_colour_output_has_them() {
    let report = fixture::report();
    assert!(!render::human(&report, PLAIN).contains('\u{1b}'));
    assert!(
        render::human(
            &report,
            HumanOptions {
                color: true,
                quiet: false
            }
        )
        .contains("\u{1b}[")
    );
}

#[test]
fn suppressed_findings_are_left_out_but_counted() {
    let text = render::human(&fixture::report(), PLAIN);
    assert!(!text.contains("Dockerfile:3:1:"), "{text}");
    assert!(
        text.ends_with(
            "5 findings (1 critical, 1 high, 2 medium, 1 low) in 3 files and 1 other subject, 1 suppressed\n"
        ),
        "{text}"
    );
}

#[test]
fn no_findings_summary() {
    let mut report = fixture::single("FROM x\n", Span::new(0, 4));
    report.diagnostics.clear();
    assert_eq!(render::human(&report, PLAIN), "No findings in 1 file\n");
}

#[test]
fn long_spans_are_elided() {
    let text = (1..=12).fold(String::new(), |text, n| text + &format!("line {n}\n"));
    let report = fixture::single(&text, Span::new(0, text.len() - 1));
    assert_eq!(
        frame_lines(&report),
        [
            " 1 | line 1",
            " 2 | line 2",
            " 3 | line 3",
            "...",
            "11 | line 11",
            "12 | line 12",
        ]
    );
}

#[test]
fn a_span_ending_after_a_line_break_ends_on_that_line() {
    let report = fixture::single("FROM a\nFROM b\n", Span::new(0, 7));
    assert_eq!(frame_lines(&report), ["1 | FROM a", "  | ^^^^^^"]);
}

#[test]
fn crlf_line_ends_are_not_shown() {
    let report = fixture::single("FROM a\r\nFROM b:latest\r\n", Span::new(15, 21));
    assert_eq!(
        frame_lines(&report),
        ["2 | FROM b:latest", "  |        ^^^^^^"]
    );
}

#[test]
fn tabs_expand_and_the_underline_follows() {
    let report = fixture::single("ENV\tA=1\n", Span::new(4, 7));
    assert_eq!(frame_lines(&report), ["1 | ENV    A=1", "  |        ^^^"]);
}

#[test]
fn an_empty_span_gets_one_caret() {
    let report = fixture::single("FROM a\n", Span::empty(6));
    assert_eq!(frame_lines(&report), ["1 | FROM a", "  |       ^"]);
}

#[test]
fn very_long_lines_are_cut_around_the_span() {
    let line = format!("RUN {} TARGET {}", "x".repeat(500), "y".repeat(500));
    let start = line.find("TARGET").unwrap_or(0);
    let report = fixture::single(&line, Span::new(start, start + 6));
    let frame = frame_lines(&report);
    assert_eq!(frame.len(), 2, "{frame:?}");
    assert!(frame[0].contains("… ") || frame[0].contains('…'));
    assert!(frame[0].chars().count() <= 110, "{}", frame[0]);
    let caret = frame[1].find('^').unwrap_or(0);
    let marked: String = frame[0]
        .chars()
        .skip(frame[1][..caret].chars().count())
        .take(6)
        .collect();
    assert_eq!(marked, "TARGET");
}

#[test]
fn control_characters_in_source_and_message_are_neutralised() {
    let mut report = fixture::single("RUN echo \u{1b}[2J\n", Span::new(0, 3));
    report.diagnostics[0].message = "bad\u{1b}]0;title\u{7}\nsecond".to_owned();
    let text = render::human(&report, PLAIN);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(
        text.contains("bad\u{FFFD}]0;title\u{FFFD} second"),
        "{text}"
    );
}

/// Every span over a short text with multi-byte characters, valid or not,
/// renders in every format without a panic, and the human frame always shows
/// at least one line of the file.
#[test]
fn any_span_renders_in_every_format() {
    let text = "FROM é\r\n\tRUN 中文 ✓\rCMD x\n";
    for start in 0..text.len() + 3 {
        for end in 0..text.len() + 3 {
            let report = fixture::single(text, Span::new(start, end));
            let human = render::human(&report, PLAIN);
            assert!(
                human.lines().nth(1).is_some_and(|line| line.contains(" |")),
                "{human}"
            );
            for output in [
                render::json(&report),
                render::sarif(&report),
                render::checkstyle(&report),
                render::junit(&report),
                render::github(&report),
            ] {
                assert!(!output.is_empty());
            }
        }
    }
}

#[test]
fn quiet_leaves_out_the_summary_line_only() {
    let report = fixture::report();
    let full = render::human(&report, PLAIN);
    let quiet = render::human(
        &report,
        HumanOptions {
            color: false,
            quiet: true,
        },
    );
    assert!(
        full.starts_with(quiet.trim_end()),
        "quiet output is a prefix of the full output"
    );
    assert!(!quiet.contains(full.lines().last().unwrap_or_default()));
    assert!(quiet.ends_with('\n') && !quiet.ends_with("\n\n"));
}
