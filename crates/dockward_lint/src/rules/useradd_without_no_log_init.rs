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
    /// Only literal UIDs are checked: a UID given as a variable is not known
    /// when linting.
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
    /// largest 16-bit UID, and leaves variables alone.
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
        for command in run.script.commands_named("useradd") {
            if has_no_log_init(command) {
                continue;
            }
            let Some((uid, word)) = literal_uid(command) else {
                continue;
            };
            if uid > HIGH_UID {
                out.push(Violation::new(
                    UseraddWithoutNoLogInit::META.rule,
                    word.span,
                    format!(
                        "`useradd` with UID {uid} and without `--no-log-init` writes a lastlog/faillog of about {} MB into the layer; add `-l`",
                        uid.saturating_mul(292) / 1_000_000
                    ),
                ));
            }
        }
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

/// The UID given with `-u N`, `-uN`, `--uid N` or `--uid=N`, when it is a literal number.
fn literal_uid(command: &SimpleCommand) -> Option<(u64, &Word)> {
    let args = &command.args;
    for (i, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        let value: Option<(&str, &Word)> = if t == "-u" || t == "--uid" {
            args.get(i + 1).map(|next| (next.text.as_str(), next))
        } else if let Some(v) = t.strip_prefix("--uid=") {
            Some((v, w))
        } else if let Some(v) = t
            .strip_prefix("-u")
            .filter(|v| !v.is_empty() && !t.starts_with("--"))
        {
            Some((v, w))
        } else {
            None
        };
        if let Some((text, word)) = value {
            if word.literal {
                return text.parse::<u64>().ok().map(|uid| (uid, word));
            }
            return None;
        }
    }
    None
}
