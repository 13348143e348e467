//! Reading a target into text, bounded, and turning bytes that are not a
//! Dockerfile (binary, not UTF-8, too large) into a problem to report
//! rather than a crash.

use std::io::{self, Read};

use dockward_diagnostics::Span;

/// How many leading bytes are checked for NUL to detect binary files.
const BINARY_PROBE: usize = 8 * 1024;

/// What a target contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Text to parse and lint.
    Text(String),
    /// Not lintable; reported as a parse error (`DF001`) at `span` of `text`.
    Unreadable {
        /// What the report shows as the file's text.
        text: String,
        /// Where the problem is.
        span: Span,
        /// What is wrong.
        message: String,
    },
}

/// Reads at most `limit` bytes from `reader`; a longer input is reported
/// as too large.
pub fn read_bounded(reader: impl Read, limit: u64) -> io::Result<Content> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(too_large(limit));
    }
    Ok(decode(bytes))
}

/// The problem reported for an input over the size limit.
pub fn too_large(limit: u64) -> Content {
    Content::Unreadable {
        text: String::new(),
        span: Span::empty(0),
        message: format!(
            "file is larger than {limit} bytes and was not read (raise the limit with --max-file-size)"
        ),
    }
}

/// Text, or the reason it is not text.
pub fn decode(bytes: Vec<u8>) -> Content {
    let probe = &bytes[..bytes.len().min(BINARY_PROBE)];
    if let Some(at) = probe.iter().position(|&b| b == 0) {
        return Content::Unreadable {
            text: String::new(),
            span: Span::empty(0),
            message: format!("binary file (a NUL byte at byte {at}), not a Dockerfile"),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Content::Text(text),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            // The lossy text is identical up to `at`, where the replacement
            // character (3 bytes) stands for the invalid sequence.
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            Content::Unreadable {
                text,
                span: Span::new(at, at + '\u{FFFD}'.len_utf8()),
                message: format!("not UTF-8 text at byte {at}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_text() {
        assert_eq!(
            decode(b"FROM scratch\n".to_vec()),
            Content::Text("FROM scratch\n".to_owned())
        );
    }

    #[test]
    fn invalid_utf8_points_at_the_first_bad_byte() {
        let Content::Unreadable {
            text,
            span,
            message,
        } = decode(b"FROM a\nRUN \xff\xfe x\n".to_vec())
        else {
            panic!("not text");
        };
        assert_eq!(message, "not UTF-8 text at byte 11");
        assert_eq!(&text[span.start..span.end], "\u{FFFD}");
        assert!(text.starts_with("FROM a\nRUN "));
    }

    #[test]
    fn nul_bytes_early_mean_binary() {
        let Content::Unreadable { message, .. } = decode(b"\x7fELF\x02\x01\x01\0\0".to_vec())
        else {
            panic!("not binary");
        };
        assert_eq!(
            message,
            "binary file (a NUL byte at byte 7), not a Dockerfile"
        );
        // A NUL after the probe window is left to the UTF-8 check (it is valid UTF-8).
        let mut late = vec![b'#'; BINARY_PROBE];
        late.push(0);
        assert!(matches!(decode(late), Content::Text(_)));
    }

    #[test]
    fn reading_stops_past_the_limit() {
        assert!(matches!(
            read_bounded(&b"FROM scratch\n"[..], 5),
            Ok(Content::Unreadable { .. })
        ));
        assert!(matches!(
            read_bounded(&b"FROM scratch\n"[..], 13),
            Ok(Content::Text(_))
        ));
    }
}
