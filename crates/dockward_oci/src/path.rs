//! Path normalization of archive member names.

/// Normalizes an archive member name to an absolute path (`/etc/passwd`).
///
/// Leading `./` and `/` are stripped, `.` and empty components dropped, and `..`
/// resolved lexically. A `..` at the root is **clamped** (`../../etc/passwd`
/// becomes `/etc/passwd`): the member stays in the image, never above it, and
/// `clamped` is set so the caller can warn. Returns `None` for the root itself.
/// Bytes that are not UTF-8 are replaced (U+FFFD) and NUL bytes dropped.
pub fn normalize(raw: &[u8]) -> (Option<String>, bool) {
    let text = String::from_utf8_lossy(raw);
    let mut parts: Vec<&str> = Vec::new();
    let mut clamped = false;
    for comp in text.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    clamped = true;
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return (None, clamped);
    }
    let mut out = String::with_capacity(text.len() + 1);
    for p in parts {
        out.push('/');
        out.extend(p.chars().filter(|c| *c != '\0'));
    }
    (Some(out), clamped)
}

/// The parent of a normalized path (`/a/b` → `/a`, `/a` → `/`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => path.get(..i).unwrap_or("/"),
    }
}

/// The last component of a normalized path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Joins a normalized directory and a name.
pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_clamps() {
        assert_eq!(
            normalize(b"./etc/passwd"),
            (Some("/etc/passwd".into()), false)
        );
        assert_eq!(
            normalize(b"/usr//lib/./x/"),
            (Some("/usr/lib/x".into()), false)
        );
        assert_eq!(
            normalize(b"../../etc/shadow"),
            (Some("/etc/shadow".into()), true)
        );
        assert_eq!(normalize(b"a/../../b"), (Some("/b".into()), true));
        assert_eq!(normalize(b"./"), (None, false));
        assert_eq!(
            normalize(b"a\0b/\xff"),
            (Some("/ab/\u{fffd}".into()), false)
        );
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(file_name("/a/b"), "b");
        assert_eq!(join("/", "x"), "/x");
    }
}
