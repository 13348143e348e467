use dockward_dockerfile::InstructionKind;
use dockward_dockerfile::shell::{SimpleCommand, Word};
use dockward_rules::declare_rule;

use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a high numeric UID (above 65535) and without
    /// `-l` / `--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` records the new user in `/var/log/lastlog` and
    /// `/var/log/faillog`, files indexed by UID. On disk they are sparse, but
    /// image layers are tar archives, which store the holes as real zeros: a
    /// UID of 1000000000 produces a layer of hundreds of gigabytes, and the
    /// build seems to hang while exporting it (moby/moby#5419). `-l`
    /// (`--no-log-init`) skips those records, which a container does not need.
    ///
    /// A UID given as `$NAME` or `${NAME}` is resolved from the stage's `ARG`
    /// defaults and `ENV` values (a `--build-arg` can still change it); other
    /// variables are not known when linting and are not checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd --uid 1000680000 --create-home app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd --no-log-init --uid 1000680000 --create-home app
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint's DL3046 flags a UID whose text is longer than five characters,
    /// so it misses 65536 to 99999 and flags variables such as `${APP_UID}`
    /// whatever their value. dockward compares the number with 65535, the
    /// largest 16-bit UID, and resolves variables from `ARG` and `ENV`.
    ///
    /// ## References
    /// - [useradd(8): -l, --no-log-init](https://man7.org/linux/man-pages/man8/useradd.8.html)
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - [moby/moby#5419: large UID makes huge layers](https://github.com/moby/moby/issues/5419)
    pub struct UseraddWithoutNoLogInit {
        severity: Medium,
        status: Stable,
        summary: "`useradd` with a high UID and without `--no-log-init`",
        aliases: ["DL3046"],
        references: [
            "https://man7.org/linux/man-pages/man8/useradd.8.html",
            "https://docs.docker.com/build/building/best-practices/#user",
            "https://github.com/moby/moby/issues/5419",
        ],
    }
}

/// UIDs above this are "high": beyond the 16-bit range.
const HIGH_UID: u64 = 65_535;

/// Short options of `useradd` that take a value (the rest of a cluster is it).
const TAKES_VALUE: &str = "bcdefgGkKpsuZRP";

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs().iter().filter(|r| r.posix) {
        let mut variables = None;
        for command in run.script.commands_named("useradd") {
            if has_no_log_init(command) {
                continue;
            }
            let Some((text, word)) = uid_word(command) else {
                continue;
            };
            let uid = if word.literal {
                text.parse::<u64>().ok()
            } else {
                let vars = variables.get_or_insert_with(|| stage_variables(ctx, run.index));
                variable_name(text)
                    .and_then(|name| vars.iter().rev().find(|(n, _)| n == name))
                    .and_then(|(_, value)| value.parse::<u64>().ok())
            };
            let Some(uid) = uid else {
                continue;
            };
            if uid > HIGH_UID {
                out.push(Violation::new(
                    UseraddWithoutNoLogInit::META.rule,
                    word.span,
                    format!(
                        "`useradd` with UID {uid} and without `--no-log-init` writes about {} of lastlog/faillog into the layer; add `-l`",
                        log_size(uid)
                    ),
                ));
            }
        }
    }
}

/// The size of the lastlog file for `uid` (292 bytes per UID on 64-bit
/// glibc systems), rounded for a message.
fn log_size(uid: u64) -> String {
    let bytes = uid.saturating_mul(292);
    if bytes >= 1_000_000_000 {
        format!("{} GB", bytes / 1_000_000_000)
    } else {
        format!("{} MB", bytes / 1_000_000)
    }
}

/// True when `-l` (possibly in a cluster such as `-lm`) or `--no-log-init` is given.
fn has_no_log_init(command: &SimpleCommand) -> bool {
    command.args.iter().any(|w| {
        let t = w.text.as_str();
        if t == "--no-log-init" {
            return true;
        }
        let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) else {
            return false;
        };
        for c in cluster.chars() {
            if c == 'l' {
                return true;
            }
            if TAKES_VALUE.contains(c) {
                return false;
            }
        }
        false
    })
}

/// The UID word given with `-u N`, `-uN`, `-mu N`, `--uid N` or
/// `--uid=N`, and its text after the option.
fn uid_word(command: &SimpleCommand) -> Option<(&str, &Word)> {
    let args = &command.args;
    for (i, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        let value: Option<(&str, &Word)> = if t == "--uid" {
            args.get(i + 1).map(|next| (next.text.as_str(), next))
        } else if let Some(v) = t.strip_prefix("--uid=") {
            Some((v, w))
        } else if let Some(cluster) = t.strip_prefix('-').filter(|c| !c.starts_with('-')) {
            cluster_value(cluster, 'u').map(|v| {
                if v.is_empty() {
                    args.get(i + 1)
                        .map_or(("", w), |next| (next.text.as_str(), next))
                } else {
                    (v, w)
                }
            })
        } else {
            None
        };
        if value.is_some() {
            return value;
        }
    }
    None
}

/// The UID of `command` when it is a literal number.
#[cfg(test)]
fn literal_uid(command: &SimpleCommand) -> Option<(u64, &Word)> {
    let (text, word) = uid_word(command)?;
    if !word.literal {
        return None;
    }
    text.parse::<u64>().ok().map(|uid| (uid, word))
}

/// `NAME` for a word that is exactly `$NAME` or `${NAME}`.
fn variable_name(text: &str) -> Option<&str> {
    let name = text
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| text.strip_prefix('$'))?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

/// ARG defaults and ENV values with a literal value, in the order they are
/// set in the stage of the instruction at `index` before it (a stage `ARG`
/// without default takes the global ARG's default).
fn stage_variables(ctx: &Context, index: usize) -> Vec<(String, String)> {
    let instructions = ctx.instructions();
    let Some(stage) = instructions
        .get(index)
        .and_then(|i| i.stage)
        .and_then(|s| ctx.dockerfile.stages.get(s))
    else {
        return Vec::new();
    };
    let mut global: Vec<(String, String)> = Vec::new();
    for instruction in instructions.iter().take_while(|i| i.stage.is_none()) {
        if let InstructionKind::Arg(decls) = &instruction.kind {
            for decl in decls {
                if let Some(default) = decl.default.as_ref().filter(|d| !d.value.contains('$')) {
                    global.push((decl.name.value.clone(), default.value.clone()));
                }
            }
        }
    }
    let mut vars: Vec<(String, String)> = Vec::new();
    for instruction in instructions.get(stage.from + 1..index).unwrap_or(&[]) {
        match &instruction.kind {
            InstructionKind::Arg(decls) => {
                for decl in decls {
                    let value = match &decl.default {
                        Some(d) => Some(d.value.clone()),
                        None => global
                            .iter()
                            .rev()
                            .find(|(n, _)| *n == decl.name.value)
                            .map(|(_, v)| v.clone()),
                    };
                    if let Some(value) = value.filter(|v| !v.contains('$')) {
                        vars.push((decl.name.value.clone(), value));
                    }
                }
            }
            InstructionKind::Env(pairs) => {
                for kv in pairs.iter().filter(|kv| !kv.value.value.contains('$')) {
                    vars.push((kv.key.value.clone(), kv.value.value.clone()));
                }
            }
            _ => {}
        }
    }
    vars
}

/// In a short-option cluster (without its `-`), the value of option `opt`:
/// the rest of the cluster, empty when it is the next argument.
fn cluster_value(cluster: &str, opt: char) -> Option<&str> {
    for (pos, c) in cluster.char_indices() {
        if c == opt {
            return Some(&cluster[pos + c.len_utf8()..]);
        }
        if TAKES_VALUE.contains(c) {
            return None;
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use dockward_dockerfile::shell::{self, SimpleCommand};

    use super::{has_no_log_init, literal_uid, variable_name};

    /// A command from its words (for unit tests of argument handling),
    /// through the shell parser.
    pub(crate) fn command(words: &[&str]) -> SimpleCommand {
        let text = words
            .iter()
            .map(|w| {
                if w.contains('$') {
                    format!("\"{w}\"")
                } else if w.contains(|c: char| c.is_whitespace() || "()<>|&;'\"".contains(c)) {
                    format!("'{w}'")
                } else {
                    (*w).to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut script = shell::parse(&text, &|i| i);
        assert!(!script.commands.is_empty(), "`{text}` parses to no command");
        script.commands.swap_remove(0)
    }

    fn uid(words: &[&str]) -> Option<u64> {
        literal_uid(&command(words)).map(|(u, _)| u)
    }

    #[test]
    fn uids() {
        assert_eq!(uid(&["useradd", "-u", "1000", "a"]), Some(1000));
        assert_eq!(uid(&["useradd", "-u1000", "a"]), Some(1000));
        assert_eq!(uid(&["useradd", "-mu", "70000", "a"]), Some(70000));
        assert_eq!(uid(&["useradd", "-mu70000", "a"]), Some(70000));
        assert_eq!(uid(&["useradd", "--uid", "5", "a"]), Some(5));
        assert_eq!(uid(&["useradd", "--uid=6", "a"]), Some(6));
        assert_eq!(uid(&["useradd", "-u", "$UID", "a"]), None);
        assert_eq!(uid(&["useradd", "-s", "/bin/u", "a"]), None);
        assert_eq!(uid(&["useradd", "-su", "a"]), None);
    }

    #[test]
    fn variable_names() {
        assert_eq!(variable_name("$UID_X"), Some("UID_X"));
        assert_eq!(variable_name("${APP_UID}"), Some("APP_UID"));
        assert_eq!(variable_name("${APP_UID:-1000}"), None);
        assert_eq!(variable_name("1${X}"), None);
        assert_eq!(variable_name("$"), None);
    }

    #[test]
    fn no_log_init() {
        assert!(has_no_log_init(&command(&["useradd", "-l", "a"])));
        assert!(has_no_log_init(&command(&["useradd", "-lm", "a"])));
        assert!(has_no_log_init(&command(&[
            "useradd",
            "--no-log-init",
            "a"
        ])));
        assert!(!has_no_log_init(&command(&[
            "useradd",
            "-s",
            "/bin/false",
            "a"
        ])));
        assert!(!has_no_log_init(&command(&["useradd", "-sl", "a"])));
        assert!(!has_no_log_init(&command(&["useradd", "-m", "a"])));
    }
}
