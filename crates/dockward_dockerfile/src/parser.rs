use crate::Dockerfile;

/// Parses a Dockerfile. Never fails; see [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let _ = text;
    Dockerfile::default()
}
