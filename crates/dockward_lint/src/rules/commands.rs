//! Shared pieces for RUN rules: the command that really runs once wrappers
//! (`sudo`, `env`, `xargs`, `nice`, `timeout`, ...) are peeled off, command
//! line parsing that knows which options take a value, package-manager
//! invocations, version-pin syntax per package manager, and the cache
//! locations a RUN cleans or mounts.
//!
//! Commands nested in `sh -c '...'` strings are already flattened by the
//! shell analyser ([`dockward_dockerfile::shell`]); this module only deals
//! with wrappers that run their arguments as a command.

use dockward_diagnostics::Span;
use dockward_dockerfile::shell::{SimpleCommand, Word};
use dockward_dockerfile::{Instruction, InstructionKind, KeyValue, StageBase};

use crate::{Context, RunInfo};

// ---------------------------------------------------------------------------
// Effective command
// ---------------------------------------------------------------------------

/// A command as it is executed once wrappers are peeled off:
/// `sudo -u app env X=1 pip install foo` is `pip install foo`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cmd<'a> {
    /// The simple command it came from.
    pub command: &'a SimpleCommand,
    /// Position of that command in [`RunInfo::script`] (source order).
    pub index: usize,
    /// The word naming the program that runs.
    pub name: &'a Word,
    /// The arguments after it.
    pub args: &'a [Word],
}

impl<'a> Cmd<'a> {
    /// The program without its directory (`/usr/bin/pip3` → `pip3`). The
    /// cross-compilation wrappers of tonistiigi/xx (`xx-apt-get`, `xx-apk`,
    /// `xx-go`) run the tool they wrap for the target platform and are taken
    /// as that tool.
    pub fn program(&self) -> &'a str {
        let base = basename(&self.name.text);
        match base.strip_prefix("xx-") {
            Some(tool @ ("apt-get" | "apt" | "apk" | "go")) => tool,
            _ => base,
        }
    }

    /// True when the program is `name`.
    pub fn is(&self, name: &str) -> bool {
        self.program() == name
    }

    /// True when the program is one of `names`.
    pub fn is_any(&self, names: &[&str]) -> bool {
        names.contains(&self.program())
    }

    /// From the program word to the end of the last argument.
    pub fn span(&self) -> Span {
        let end = self.args.last().map_or(self.name.span.end, |w| w.span.end);
        Span::new(self.name.span.start, end.max(self.name.span.start))
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// How a wrapper program reads its own options before the wrapped command.
struct Wrapper {
    name: &'static str,
    /// Short options that take a value.
    short_values: &'static str,
    /// Long options that take a value (without `--`).
    long_values: &'static [&'static str],
    /// Operands before the wrapped command (`timeout 5 cmd`, `gosu user cmd`).
    skip_operands: usize,
    /// `NAME=value` operands are skipped (`env`).
    skips_assignments: bool,
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        name: "sudo",
        short_values: "ugpCDhrtUTR",
        long_values: &[
            "user",
            "group",
            "prompt",
            "close-from",
            "chdir",
            "host",
            "role",
            "type",
            "other-user",
            "command-timeout",
            "chroot",
        ],
        skip_operands: 0,
        skips_assignments: true,
    },
    Wrapper {
        name: "doas",
        short_values: "uC",
        long_values: &[],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "env",
        short_values: "uCP",
        long_values: &["unset", "chdir"],
        skip_operands: 0,
        skips_assignments: true,
    },
    Wrapper {
        name: "xargs",
        short_values: "adEeIiLlnPs",
        long_values: &[
            "arg-file",
            "delimiter",
            "eof",
            "replace",
            "max-lines",
            "max-args",
            "max-procs",
            "max-chars",
            "process-slot-var",
        ],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "nice",
        short_values: "n",
        long_values: &["adjustment"],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "ionice",
        short_values: "cnp",
        long_values: &["class", "classdata", "pid"],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "timeout",
        short_values: "sk",
        long_values: &["signal", "kill-after"],
        skip_operands: 1,
        skips_assignments: false,
    },
    Wrapper {
        name: "nohup",
        short_values: "",
        long_values: &[],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "time",
        short_values: "fo",
        long_values: &["format", "output"],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "exec",
        short_values: "a",
        long_values: &[],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "stdbuf",
        short_values: "ioe",
        long_values: &["input", "output", "error"],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "eatmydata",
        short_values: "",
        long_values: &[],
        skip_operands: 0,
        skips_assignments: false,
    },
    Wrapper {
        name: "gosu",
        short_values: "",
        long_values: &[],
        skip_operands: 1,
        skips_assignments: false,
    },
    Wrapper {
        name: "su-exec",
        short_values: "",
        long_values: &[],
        skip_operands: 1,
        skips_assignments: false,
    },
    Wrapper {
        name: "command",
        short_values: "",
        long_values: &[],
        skip_operands: 0,
        skips_assignments: false,
    },
];

/// The command `command` really runs, wrappers peeled off. `None` when it
/// runs nothing (a bare assignment, `command -v apt-get`, `sudo -l`,
/// `xargs` with no command, which defaults to `echo`).
pub(crate) fn effective(command: &SimpleCommand, index: usize) -> Option<Cmd<'_>> {
    let mut name = command.name.as_ref()?;
    let mut args: &[Word] = &command.args;
    // A wrapper chain is short; the bound only guards against odd input.
    for _ in 0..16 {
        let program = basename(&name.text);
        let Some(wrapper) = WRAPPERS.iter().find(|w| w.name == program) else {
            break;
        };
        let (next, rest) = unwrap_one(wrapper, args)?;
        name = next;
        args = rest;
    }
    Some(Cmd {
        command,
        index,
        name,
        args,
    })
}

/// Skips a wrapper's options and leading operands; returns the wrapped
/// program word and its arguments.
fn unwrap_one<'a>(wrapper: &Wrapper, args: &'a [Word]) -> Option<(&'a Word, &'a [Word])> {
    let mut i = 0;
    let mut operands_left = wrapper.skip_operands;
    let mut seen_operand = false;
    while i < args.len() {
        let text = args[i].text.as_str();
        if text == "--" {
            i += 1;
            break;
        }
        if let Some(long) = text.strip_prefix("--").filter(|_| !seen_operand) {
            if !long.contains('=') && wrapper.long_values.contains(&long) {
                i += 1;
            }
            i += 1;
            continue;
        }
        if text.len() > 1 && text.starts_with('-') && !seen_operand {
            if wrapper.name == "command" && text[1..].contains(['v', 'V']) {
                return None;
            }
            if wrapper.name == "sudo" && text[1..].contains(['l', 'v', 'k', 'K', 'e', 'V']) {
                return None;
            }
            if wrapper.name == "env" && text[1..].contains('S') {
                return None;
            }
            // The value of the last value-taking letter is the rest of the
            // word, or the next word when the letter ends the cluster.
            let letters = &text[1..];
            if letters
                .find(|c| wrapper.short_values.contains(c))
                .is_some_and(|pos| pos + 1 == letters.len())
            {
                i += 1;
            }
            i += 1;
            continue;
        }
        if wrapper.skips_assignments && is_assignment(text) {
            i += 1;
            continue;
        }
        if operands_left > 0 {
            seen_operand = true;
            operands_left -= 1;
            i += 1;
            continue;
        }
        break;
    }
    let rest = args.get(i..)?;
    let (first, tail) = rest.split_first()?;
    Some((first, tail))
}

fn is_assignment(text: &str) -> bool {
    text.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// The effective commands of a RUN, in source order. None for a RUN whose
/// shell is not POSIX (PowerShell, cmd).
pub(crate) fn commands<'a>(run: &'a RunInfo<'_>) -> impl Iterator<Item = Cmd<'a>> + 'a {
    let script: &[SimpleCommand] = if run.posix { &run.script.commands } else { &[] };
    script
        .iter()
        .enumerate()
        .filter_map(|(i, c)| effective(c, i))
}

// ---------------------------------------------------------------------------
// Option parsing
// ---------------------------------------------------------------------------

/// Which options of a program take a value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    /// Short options taking a value (`-o X`, `-oX`).
    pub short_values: &'static str,
    /// Long options taking a value (`--option X`, `--option=X`), without dashes.
    pub long_values: &'static [&'static str],
    /// Go's flag syntax: `-name` is one long option, not a cluster.
    pub single_dash_long: bool,
}

/// One option; a cluster `-qy` gives one per letter.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Opt<'a> {
    /// The name without dashes (`y`, `no-install-recommends`).
    pub name: &'a str,
    /// Its value, when it takes one (`-o Foo=1` → `Foo=1`).
    pub value: Option<&'a str>,
    /// The word it was written in.
    pub word: &'a Word,
}

/// A parsed command line: options and operands in order.
#[derive(Debug, Clone)]
pub(crate) struct Invocation<'a> {
    /// Options, in order.
    pub opts: Vec<Opt<'a>>,
    /// Operands (non-options), in order; everything after `--` is one.
    pub operands: Vec<&'a Word>,
}

impl<'a> Invocation<'a> {
    /// Parses the arguments `args` of a command with `spec`.
    pub fn parse(args: &'a [Word], spec: &Spec) -> Self {
        let mut opts = Vec::new();
        let mut operands = Vec::new();
        let mut i = 0;
        let mut only_operands = false;
        while i < args.len() {
            let word = &args[i];
            let text = word.text.as_str();
            i += 1;
            if only_operands || text == "-" || !text.starts_with('-') {
                operands.push(word);
                continue;
            }
            if text == "--" {
                only_operands = true;
                continue;
            }
            let long = text
                .strip_prefix("--")
                .or_else(|| text.strip_prefix('-').filter(|_| spec.single_dash_long));
            if let Some(long) = long {
                if let Some((name, value)) = long.split_once('=') {
                    opts.push(Opt {
                        name,
                        value: Some(value),
                        word,
                    });
                } else if spec.long_values.contains(&long) {
                    let value = args.get(i).map(|w| w.text.as_str());
                    i += 1;
                    opts.push(Opt {
                        name: long,
                        value,
                        word,
                    });
                } else {
                    opts.push(Opt {
                        name: long,
                        value: None,
                        word,
                    });
                }
                continue;
            }
            // A short cluster: `-qy`, `-oFoo=1`, `-o Foo=1`.
            let letters = &text[1..];
            for (pos, c) in letters.char_indices() {
                let name = &letters[pos..pos + c.len_utf8()];
                if spec.short_values.contains(c) {
                    let rest = &letters[pos + c.len_utf8()..];
                    let value = if rest.is_empty() {
                        let v = args.get(i).map(|w| w.text.as_str());
                        i += 1;
                        v
                    } else {
                        Some(rest.strip_prefix('=').unwrap_or(rest))
                    };
                    opts.push(Opt { name, value, word });
                    break;
                }
                opts.push(Opt {
                    name,
                    value: None,
                    word,
                });
            }
        }
        Invocation { opts, operands }
    }

    /// The first operand (`install` in `apt-get -y install foo`).
    pub fn subcommand(&self) -> Option<&'a str> {
        self.operands.first().map(|w| w.text.as_str())
    }

    /// Operands after the subcommand.
    pub fn targets(&self) -> &[&'a Word] {
        self.operands.get(1..).unwrap_or(&[])
    }

    /// True when an option called one of `names` is present.
    pub fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|o| names.contains(&o.name))
    }

    /// How many times options called one of `names` appear (`-qq` → 2).
    pub fn count(&self, names: &[&str]) -> usize {
        self.opts.iter().filter(|o| names.contains(&o.name)).count()
    }

    /// Values of the options called one of `names`.
    pub fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'a str> + 's {
        self.opts
            .iter()
            .filter(move |o| names.contains(&o.name))
            .filter_map(|o| o.value)
    }
}

// ---------------------------------------------------------------------------
// Package managers
// ---------------------------------------------------------------------------

/// `apt-get` / `apt` / `aptitude` options that take a value.
pub(crate) const APT: Spec = Spec {
    short_values: "ocatP",
    long_values: &[
        "option",
        "config-file",
        "target-release",
        "default-release",
        "host-architecture",
        "build-profiles",
        "solver",
    ],
    single_dash_long: false,
};

/// `apt-get` options that only simulate: nothing is installed or asked.
pub(crate) const APT_SIMULATE: &[&str] =
    &["s", "simulate", "just-print", "dry-run", "recon", "no-act"];

/// `apk` options that take a value.
pub(crate) const APK: Spec = Spec {
    short_values: "Xpt",
    long_values: &[
        "repository",
        "root",
        "virtual",
        "arch",
        "repositories-file",
        "keys-dir",
        "cache-dir",
        "cache-max-age",
        "timeout",
        "progress-fd",
        "wait",
    ],
    single_dash_long: false,
};

/// `pip` options that take a value (global and `install` options).
pub(crate) const PIP: Spec = Spec {
    short_values: "rceitfCb",
    long_values: &[
        "requirement",
        "constraint",
        "editable",
        "target",
        "index-url",
        "extra-index-url",
        "find-links",
        "prefix",
        "root",
        "src",
        "platform",
        "python-version",
        "implementation",
        "abi",
        "upgrade-strategy",
        "progress-bar",
        "global-option",
        "install-option",
        "config-settings",
        "trusted-host",
        "cache-dir",
        "log",
        "log-file",
        "proxy",
        "retries",
        "timeout",
        "exists-action",
        "cert",
        "client-cert",
        "report",
        "root-user-action",
        "no-binary",
        "only-binary",
        "use-feature",
        "use-deprecated",
        "python",
        "keyring-provider",
        "build",
        "group",
    ],
    single_dash_long: false,
};

/// `npm` options that take a value.
pub(crate) const NPM: Spec = Spec {
    short_values: "w",
    long_values: &[
        "prefix",
        "registry",
        "cache",
        "userconfig",
        "globalconfig",
        "loglevel",
        "workspace",
        "omit",
        "include",
        "install-strategy",
        "save-prefix",
        "tag",
        "fetch-retries",
        "fetch-timeout",
        "location",
        "script-shell",
    ],
    single_dash_long: false,
};

/// `gem` options that take a value.
pub(crate) const GEM: Spec = Spec {
    short_values: "vinsPg",
    long_values: &[
        "version",
        "install-dir",
        "bindir",
        "source",
        "platform",
        "trust-policy",
        "document",
        "file",
        "build-root",
        "target-rbconfig",
        "config-file",
    ],
    single_dash_long: false,
};

/// `yum` / `dnf` / `microdnf` options that take a value.
pub(crate) const RPM_MANAGERS: Spec = Spec {
    short_values: "cxdeR",
    long_values: &[
        "config",
        "installroot",
        "releasever",
        "enablerepo",
        "disablerepo",
        "repo",
        "repoid",
        "setopt",
        "exclude",
        "excludepkgs",
        "debuglevel",
        "errorlevel",
        "forcearch",
        "downloaddir",
        "destdir",
        "color",
        "rpmverbosity",
        "disableplugin",
        "enableplugin",
        "repofrompath",
        "setvar",
        "comment",
        "advisory",
        "advisories",
        "bz",
        "cve",
        "sec-severity",
        "secseverity",
        "use-host-config",
        "from-repo",
    ],
    single_dash_long: false,
};

/// `zypper` options that take a value (global and command options).
pub(crate) const ZYPPER: Spec = Spec {
    short_values: "RcDCtr",
    long_values: &[
        "root",
        "config",
        "reposd-dir",
        "cache-dir",
        "raw-cache-dir",
        "solv-cache-dir",
        "pkg-cache-dir",
        "userdata",
        "type",
        "repo",
        "from",
        "releasever",
        "installroot",
    ],
    single_dash_long: false,
};

/// zypper commands that download packages or metadata.
pub(crate) const ZYPPER_DOWNLOADING: &[&str] = &[
    "install",
    "in",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
    "download",
];

/// `go` build flags that take a value.
pub(crate) const GO: Spec = Spec {
    short_values: "",
    long_values: &[
        "C",
        "p",
        "o",
        "tags",
        "ldflags",
        "gcflags",
        "asmflags",
        "gccgoflags",
        "mod",
        "modfile",
        "pkgdir",
        "toolexec",
        "buildmode",
        "overlay",
        "compiler",
        "installsuffix",
        "pgo",
        "covermode",
        "coverpkg",
        "exec",
    ],
    single_dash_long: true,
};

/// `yarn` options that take a value.
pub(crate) const YARN: Spec = Spec {
    short_values: "",
    long_values: &[
        "cache-folder",
        "modules-folder",
        "registry",
        "network-timeout",
        "mutex",
        "cwd",
        "global-folder",
    ],
    single_dash_long: false,
};

/// The parsed command when `cmd` is one of `programs`.
pub(crate) fn invocation<'a>(
    cmd: Cmd<'a>,
    programs: &[&str],
    spec: &Spec,
) -> Option<Invocation<'a>> {
    cmd.is_any(programs)
        .then(|| Invocation::parse(cmd.args, spec))
}

/// True for `pip`, `pip3`, `pip3.12`.
fn is_pip_program(program: &str) -> bool {
    program
        .strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// True for `python`, `python3`, `python3.12`.
fn is_python_program(program: &str) -> bool {
    program
        .strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A `pip ...` command, also as `python -m pip ...`. The invocation holds
/// pip's own arguments.
pub(crate) fn pip(cmd: Cmd<'_>) -> Option<Invocation<'_>> {
    if is_pip_program(cmd.program()) {
        return Some(Invocation::parse(cmd.args, &PIP));
    }
    if !is_python_program(cmd.program()) {
        return None;
    }
    let mut i = 0;
    while i < cmd.args.len() {
        let text = cmd.args[i].text.as_str();
        match text {
            "-m" => {
                let module = cmd.args.get(i + 1)?;
                return (module.text == "pip")
                    .then(|| Invocation::parse(cmd.args.get(i + 2..).unwrap_or(&[]), &PIP));
            }
            "-mpip" => {
                return Some(Invocation::parse(
                    cmd.args.get(i + 1..).unwrap_or(&[]),
                    &PIP,
                ));
            }
            "-W" | "-X" => i += 2,
            t if t.starts_with('-') && t.len() > 1 => i += 1,
            // A script or `-c`: not pip.
            _ => return None,
        }
    }
    None
}

/// A `pip install` command.
pub(crate) fn pip_install(cmd: Cmd<'_>) -> Option<Invocation<'_>> {
    pip(cmd).filter(|inv| inv.subcommand() == Some("install"))
}

/// `yum`/`dnf`/`microdnf` commands that change packages and so ask
/// "Is this ok [y/N]".
const RPM_PROMPTING: [&str; 17] = [
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "up",
    "update-minimal",
    "upgrade-minimal",
    "remove",
    "erase",
    "rm",
    "downgrade",
    "autoremove",
    "distro-sync",
    "swap",
];

/// True when a `yum`/`dnf`/`microdnf` command changes installed packages
/// (and would ask for confirmation without `-y`).
pub(crate) fn rpm_changes_packages(inv: &Invocation<'_>) -> bool {
    match inv.subcommand() {
        Some("group" | "groups" | "module") => inv.targets().first().is_some_and(|w| {
            matches!(
                w.text.as_str(),
                "install" | "remove" | "upgrade" | "update" | "erase" | "reinstall"
            )
        }),
        Some(sub) => RPM_PROMPTING.contains(&sub),
        None => false,
    }
}

/// The action for messages: `install`, or `module install` / `group install`.
pub(crate) fn rpm_action(inv: &Invocation<'_>) -> String {
    match (inv.subcommand(), inv.targets().first()) {
        (Some(sub @ ("group" | "groups" | "module")), Some(next)) => format!("{sub} {}", next.text),
        (Some(sub), _) => sub.to_owned(),
        (None, _) => String::new(),
    }
}

/// True when a `yum`/`dnf`/`microdnf` command answers its prompt itself:
/// `-y`, `--assumeyes`, `--setopt=assumeyes=1`, or `--assumeno`.
pub(crate) fn rpm_assumes_answer(inv: &Invocation<'_>) -> bool {
    inv.has(&["y", "assumeyes", "assumeno"])
        || inv.values(&["setopt"]).any(|v| {
            let (key, value) = v.split_once('=').unwrap_or((v, ""));
            key == "assumeyes"
                && matches!(value.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
        })
}

/// True when a `yum`/`dnf`/`microdnf` command downloads packages or
/// metadata into its cache (it installs or upgrades something).
pub(crate) fn rpm_downloads(inv: &Invocation<'_>) -> bool {
    rpm_changes_packages(inv)
        && !matches!(
            inv.subcommand(),
            Some("remove" | "erase" | "rm" | "autoremove")
        )
        && !inv
            .targets()
            .first()
            .is_some_and(|w| matches!(w.text.as_str(), "remove" | "erase"))
}

/// True when `cmd` is `<one of programs> clean all` (`zypper clean` needs no
/// `all`: pass `needs_all = false`).
pub(crate) fn cleans(cmd: &Cmd<'_>, programs: &[&str], spec: &Spec, needs_all: bool) -> bool {
    invocation(*cmd, programs, spec).is_some_and(|inv| {
        matches!(inv.subcommand(), Some("clean" | "cc"))
            && (!needs_all
                || inv.targets().iter().any(|w| w.text == "all")
                || inv.has(&["a", "all"]))
    })
}

/// Where a download of `cmd` is cleaned up in the same RUN after it: a
/// clean command, an `rm` of one of `dirs`, or a cache/tmpfs mount on one.
pub(crate) fn cache_cleaned<'a>(
    run: &RunInfo<'_>,
    cmds: &[Cmd<'a>],
    cmd: &Cmd<'a>,
    dirs: &[&str],
    is_clean: &dyn Fn(&Cmd<'a>) -> bool,
) -> bool {
    dirs.iter().any(|d| cache_mounted(run, d))
        || cmds
            .iter()
            .filter(|c| c.index > cmd.index)
            .any(|c| is_clean(c) || dirs.iter().any(|d| removes(c, d)))
}

/// The packages of a `yum`/`dnf`/`microdnf` `install` (also `localinstall`,
/// `reinstall`, `downgrade`), and whether they are modules
/// (`module install name:stream`). Groups (`@group`, `group install`) and
/// provides (`/usr/bin/x`, `pkgconfig(x)`) cannot be pinned by version and
/// are left out.
pub(crate) fn rpm_install_targets<'a>(inv: &Invocation<'a>) -> (Vec<&'a Word>, bool) {
    let (targets, module): (&[&'a Word], bool) = match inv.subcommand() {
        Some("install" | "in" | "localinstall" | "reinstall" | "downgrade") => {
            (inv.targets(), false)
        }
        Some("module") if inv.targets().first().is_some_and(|w| w.text == "install") => {
            (inv.targets().get(1..).unwrap_or(&[]), true)
        }
        _ => (&[], false),
    };
    let packages = targets
        .iter()
        .copied()
        .filter(|w| {
            let t = w.text.as_str();
            module || !(t.starts_with('@') || t.starts_with('/') || t.contains('('))
        })
        .collect();
    (packages, module)
}

// ---------------------------------------------------------------------------
// Version pins
// ---------------------------------------------------------------------------

/// What a package argument says about its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pin {
    /// A version (or a fixed artifact: local file, URL, VCS revision) is given.
    Pinned,
    /// A bare name: the newest version is installed, whatever it is.
    Unpinned,
    /// Cannot be told statically (a variable standing for packages).
    Unknown,
}

/// `text` ends with `suffix`, ignoring ASCII case (`.DEB` is a `.deb`).
fn ends_with_ci(text: &str, suffix: &str) -> bool {
    text.len()
        .checked_sub(suffix.len())
        .and_then(|start| text.get(start..))
        .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
}

fn pin_of(word: &Word, pinned: impl Fn(&str) -> bool) -> Pin {
    if pinned(&word.text) {
        Pin::Pinned
    } else if !word.literal || word.text.is_empty() {
        Pin::Unknown
    } else {
        Pin::Unpinned
    }
}

/// apt: `pkg=1.2`, a release `pkg/bookworm-backports`, a local `.deb`.
pub(crate) fn apt_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        t.contains('=') || t.contains('/') || ends_with_ci(t, ".deb")
    })
}

/// apk: `pkg=1.2`, `pkg~1.2`, `pkg>1`, `pkg<2`, a local `.apk`.
pub(crate) fn apk_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        t.contains(['=', '~', '<', '>']) || ends_with_ci(t, ".apk")
    })
}

const PIP_VCS: [&str; 5] = ["git+", "hg+", "svn+", "bzr+", "git:"];

/// pip: a version specifier (`==`, `>=`, `~=`, `<`, `!=`, `===`), a direct
/// reference (`name @ URL`), a VCS URL with a revision (`git+https://...@v1`),
/// a local path or archive.
pub(crate) fn pip_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        if t.contains(['=', '<', '>', '~']) {
            return true;
        }
        if PIP_VCS.iter().any(|p| t.starts_with(p)) {
            // The revision is after the last `@` of the path part.
            let after_scheme = t.split_once("://").map_or(t, |(_, rest)| rest);
            return after_scheme.contains('@');
        }
        t == "."
            || t.starts_with("./")
            || t.starts_with("../")
            || t.starts_with('/')
            || t.starts_with("file:")
            || t.contains(" @ ")
            || ends_with_ci(t, ".whl")
            || ends_with_ci(t, ".tar.gz")
            || ends_with_ci(t, ".zip")
            || ends_with_ci(t, ".tgz")
            || (t.contains('/') && !t.contains("://"))
            || ((t.starts_with("https://") || t.starts_with("http://"))
                && (ends_with_ci(t, ".whl")
                    || ends_with_ci(t, ".tar.gz")
                    || ends_with_ci(t, ".zip")
                    || t.contains("#sha256=")))
    })
}

/// npm: `pkg@1.2`, `@scope/pkg@1`, a git URL with `#commit`, a tarball, a
/// path. `pkg@latest` is a moving tag, not a pin.
pub(crate) fn npm_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        if t.starts_with("git") || t.contains("github:") {
            return t.contains('#');
        }
        if ends_with_ci(t, ".tgz") || ends_with_ci(t, ".tar.gz") || ends_with_ci(t, ".tar") {
            return true;
        }
        if ["/", "./", "../", "~/", "file:"]
            .iter()
            .any(|p| t.starts_with(p))
        {
            return true;
        }
        let unscoped = match t.strip_prefix('@') {
            Some(rest) => rest.split_once('/').map_or("", |(_, name)| name),
            None => t,
        };
        match unscoped.split_once('@') {
            Some((_, version)) => !version.is_empty() && version != "latest" && version != "*",
            None => false,
        }
    })
}

/// gem: `name:1.2` (the command-level `-v` is checked by the caller), a
/// local `.gem`.
pub(crate) fn gem_pin(word: &Word) -> Pin {
    pin_of(word, |t| t.contains(':') || ends_with_ci(t, ".gem"))
}

/// yum/dnf: `name-version[-release]` (the part after the last `-` that
/// starts a version begins with a digit), a comparison (`'name >= 1'`), an
/// `.rpm` file or URL.
pub(crate) fn rpm_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        if ends_with_ci(t, ".rpm") || t.contains(['=', '<', '>']) {
            return true;
        }
        let mut parts = t.split('-');
        let _name = parts.next();
        let rest: Vec<&str> = parts.collect();
        // name-version or name-version-release: the last one or two parts
        // look like versions.
        let version_like = |p: &str| {
            let p = p.split_once(':').map_or(p, |(epoch, v)| {
                if epoch.chars().all(|c| c.is_ascii_digit()) {
                    v
                } else {
                    p
                }
            });
            p.starts_with(|c: char| c.is_ascii_digit() || c == '$')
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".~^_+*${}".contains(c))
        };
        match rest.as_slice() {
            [] => false,
            [.., last] => version_like(last),
        }
    })
}

/// zypper: `name=1.2`, `name>=1`, `name<2`, an `.rpm`.
pub(crate) fn zypper_pin(word: &Word) -> Pin {
    pin_of(word, |t| {
        t.contains(['=', '<', '>']) || ends_with_ci(t, ".rpm")
    })
}

/// go: `path@version`, where the version is not a moving query (`latest`,
/// `upgrade`, `patch`, or the branch names `master`, `main`, `HEAD`). A path
/// without `@` is resolved from the current module's `go.mod` (or refused
/// outside a module), so it is pinned there.
pub(crate) fn go_pin(word: &Word) -> Pin {
    pin_of(word, |t| match t.rsplit_once('@') {
        Some((_, version)) => {
            !version.is_empty()
                && !matches!(
                    version,
                    "latest" | "upgrade" | "patch" | "master" | "main" | "HEAD"
                )
        }
        None => true,
    })
}

// ---------------------------------------------------------------------------
// Caches: removal by `rm`, cache mounts, environment
// ---------------------------------------------------------------------------

/// True when `path` as written (`/var/lib/apt/lists/*`, `/var/cache/apk/`,
/// `/var/cache/libdnf5*`) removes `dir` or everything inside it.
pub(crate) fn path_covers(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    let glob = path.ends_with('*');
    let base = path.trim_end_matches('*');
    let trimmed = base.trim_end_matches('/');
    if trimmed.is_empty() {
        return false;
    }
    if dir == trimmed || dir.starts_with(&format!("{trimmed}/")) {
        return true;
    }
    // `/var/cache/libdnf5*` covers `/var/cache/libdnf5`.
    glob && !base.ends_with('/') && dir.starts_with(base)
}

/// True when `cmd` is an `rm` that removes `dir` (or its content).
pub(crate) fn removes(cmd: &Cmd<'_>, dir: &str) -> bool {
    cmd.is("rm")
        && cmd
            .args
            .iter()
            .filter(|w| !w.text.starts_with('-'))
            .any(|w| path_covers(&w.text, dir))
}

/// True when the RUN has a `cache` or `tmpfs` mount whose target is `dir`
/// or one of its parents, so nothing written there stays in the image.
pub(crate) fn cache_mounted(run: &RunInfo<'_>, dir: &str) -> bool {
    let InstructionKind::Run(r) = &run.instruction.kind else {
        return false;
    };
    r.mounts.iter().any(|m| {
        let kind = m.kind.to_ascii_lowercase();
        (kind == "cache" || kind == "tmpfs")
            && m.target().is_some_and(|t| {
                let t = t.trim_end_matches('/');
                !t.is_empty() && (dir == t || dir.starts_with(&format!("{t}/")))
            })
    })
}

/// The stage a RUN belongs to (for `ONBUILD RUN`, the stage of the ONBUILD).
pub(crate) fn run_stage(ctx: &Context<'_>, run: &RunInfo<'_>) -> Option<usize> {
    ctx.instructions().get(run.index).and_then(|i| i.stage)
}

/// True when stage `stage` ends up in the final image: it is the last stage
/// or one the last stage is built on (`FROM <stage>`, transitively).
pub(crate) fn stage_in_final_image(ctx: &Context<'_>, stage: Option<usize>) -> bool {
    let stages = &ctx.dockerfile.stages;
    let Some(stage) = stage else {
        return true;
    };
    let Some(mut current) = stages.len().checked_sub(1) else {
        return true;
    };
    for _ in 0..=stages.len() {
        if current == stage {
            return true;
        }
        match stages.get(current).map(|s| &s.base) {
            Some(StageBase::Stage(parent)) if *parent < current => current = *parent,
            _ => return false,
        }
    }
    false
}

/// The stage chain of `stage`: itself, then the stages it is built on.
fn stage_chain(ctx: &Context<'_>, stage: usize) -> Vec<usize> {
    let stages = &ctx.dockerfile.stages;
    let mut chain = vec![stage];
    let mut current = stage;
    while let Some(StageBase::Stage(parent)) = stages.get(current).map(|s| &s.base) {
        if *parent >= current || chain.len() > stages.len() {
            break;
        }
        chain.push(*parent);
        current = *parent;
    }
    chain
}

/// True when `ENV name=...` (or `ARG name=...` with a default) appears
/// before instruction `index` in its stage or in a stage it is built on.
pub(crate) fn env_set_before(ctx: &Context<'_>, index: usize, name: &str) -> bool {
    let instructions = ctx.instructions();
    let Some(stage) = instructions.get(index).and_then(|i| i.stage) else {
        return instructions.iter().take(index).any(|i| sets_env(i, name));
    };
    stage_chain(ctx, stage).into_iter().any(|s| {
        ctx.dockerfile.stages.get(s).is_some_and(|st| {
            let end = if s == stage { index } else { st.end };
            instructions
                .get(st.from..end.min(instructions.len()))
                .is_some_and(|range| range.iter().any(|i| sets_env(i, name)))
        })
    })
}

fn sets_env(instruction: &Instruction, name: &str) -> bool {
    let named = |kv: &KeyValue| kv.key.value == name && !kv.value.value.is_empty();
    match &instruction.kind {
        InstructionKind::Env(pairs) => pairs.iter().any(named),
        InstructionKind::Arg(decls) => decls.iter().any(|d| {
            d.name.value == name && d.default.as_ref().is_some_and(|v| !v.value.is_empty())
        }),
        _ => false,
    }
}

/// True when the RUN sets `name` for `cmd`: a `NAME=value` prefix on the
/// command (or on a wrapper), `env NAME=value`, or an earlier
/// `export NAME=value` in the same RUN.
pub(crate) fn env_set_in_run(run: &RunInfo<'_>, cmd: &Cmd<'_>, name: &str) -> bool {
    let prefix = format!("{name}=");
    let assigns = |w: &Word| w.text.starts_with(&prefix) && w.text.len() > prefix.len();
    if cmd.command.assignments.iter().any(assigns) {
        return true;
    }
    // `env NAME=1 pip ...` / `sudo NAME=1 pip ...`: wrapper words before the program.
    let wrapped = cmd
        .command
        .name
        .as_ref()
        .is_some_and(|n| !std::ptr::eq(n, cmd.name));
    if wrapped
        && cmd
            .command
            .args
            .iter()
            .take_while(|w| !std::ptr::eq(*w, cmd.name))
            .any(assigns)
    {
        return true;
    }
    run.script.commands.iter().take(cmd.index).any(|c| {
        c.is("export") && c.args.iter().any(assigns)
            || (c.name.is_none() && c.assignments.iter().any(assigns))
    })
}

#[cfg(test)]
mod tests {
    use dockward_dockerfile::shell::Connector;

    use super::*;

    fn word(text: &str, at: usize) -> Word {
        Word {
            text: text.to_owned(),
            span: Span::new(at, at + text.len()),
            literal: !text.contains('$'),
        }
    }

    /// A command from whitespace-separated words (no quoting).
    fn command(line: &str) -> SimpleCommand {
        let mut words = Vec::new();
        let mut at = 0;
        for w in line.split(' ') {
            if !w.is_empty() {
                words.push(word(w, at));
            }
            at += w.len() + 1;
        }
        let mut assignments = Vec::new();
        while words.first().is_some_and(|w| is_assignment(&w.text)) {
            assignments.push(words.remove(0));
        }
        let name = (!words.is_empty()).then(|| words.remove(0));
        SimpleCommand {
            assignments,
            name,
            args: words,
            connector: Connector::Sequence,
            pipeline: 0,
            pipeline_len: 1,
            nested: false,
            span: Span::new(0, line.len()),
            redirects: Vec::new(),
            substitution: false,
        }
    }

    fn program_of(line: &str) -> Option<String> {
        let c = command(line);
        effective(&c, 0).map(|e| {
            let mut s = e.program().to_owned();
            for a in e.args {
                s.push(' ');
                s.push_str(&a.text);
            }
            s
        })
    }

    #[test]
    fn wrappers_are_peeled() {
        let cases = [
            ("apt-get install foo", Some("apt-get install foo")),
            ("sudo apt-get install foo", Some("apt-get install foo")),
            ("sudo -u app -E pip install x", Some("pip install x")),
            ("sudo --user=app pip install x", Some("pip install x")),
            (
                "sudo DEBIAN_FRONTEND=noninteractive apt-get -y install x",
                Some("apt-get -y install x"),
            ),
            ("env -u FOO X=1 Y=2 apt-get update", Some("apt-get update")),
            (
                "xargs -r -n1 apt-get install -y",
                Some("apt-get install -y"),
            ),
            ("xargs", None),
            (
                "nice -n 10 ionice -c3 gem install rails",
                Some("gem install rails"),
            ),
            ("timeout 300 pip install x", Some("pip install x")),
            (
                "timeout -k 5 -s KILL 300 pip install x",
                Some("pip install x"),
            ),
            (
                "timeout --signal KILL 300 pip install x",
                Some("pip install x"),
            ),
            ("command -v apt-get", None),
            ("command apt-get update", Some("apt-get update")),
            ("gosu app npm install", Some("npm install")),
            (
                "/usr/bin/sudo /usr/bin/apt-get update",
                Some("apt-get update"),
            ),
            ("DEBIAN_FRONTEND=noninteractive", None),
        ];
        for (line, want) in cases {
            assert_eq!(program_of(line).as_deref(), want, "{line}");
        }
    }

    #[test]
    fn odd_command_lines_are_read_without_panic() {
        // Wrappers with nothing to run, dangling option values, multibyte text.
        for line in [
            "sudo",
            "sudo -u",
            "timeout",
            "timeout 5",
            "env -u",
            "xargs -I",
            "nice -n",
            "gosu",
        ] {
            assert_eq!(program_of(line), None, "{line}");
        }
        assert_eq!(
            program_of("sudo -é apt-get update").as_deref(),
            Some("apt-get update")
        );
        let (opts, operands) = parsed("apt-get -éo", &APT);
        assert_eq!(opts, ["é", "o"]);
        assert!(operands.is_empty());
        let (opts, operands) = parsed("apt-get - -- -y install", &APT);
        assert!(opts.is_empty());
        assert_eq!(operands, ["-", "-y", "install"]);
        let c = command("python3 -m");
        let e = effective(&c, 0).expect("a command");
        assert!(pip(e).is_none());
        assert_eq!(pin(rpm_pin, "-"), Pin::Unpinned);
        assert_eq!(pin(npm_pin, "@scope"), Pin::Unpinned);
        assert_eq!(pin(go_pin, "@"), Pin::Unpinned);
        assert!(!path_covers("", "/var/lib/apt/lists"));
    }

    fn parsed(line: &str, spec: &Spec) -> (Vec<String>, Vec<String>) {
        let c = command(line);
        let e = effective(&c, 0).expect("a command");
        let inv = Invocation::parse(e.args, spec);
        (
            inv.opts
                .iter()
                .map(|o| match o.value {
                    Some(v) => format!("{}={v}", o.name),
                    None => o.name.to_owned(),
                })
                .collect(),
            inv.operands.iter().map(|w| w.text.clone()).collect(),
        )
    }

    #[test]
    fn options_with_values_are_not_operands() {
        let (opts, operands) = parsed(
            "apt-get -o Dpkg::Options::=--force-confnew -qy install -t bookworm-backports --no-install-recommends foo",
            &APT,
        );
        assert_eq!(
            opts,
            [
                "o=Dpkg::Options::=--force-confnew",
                "q",
                "y",
                "t=bookworm-backports",
                "no-install-recommends"
            ]
        );
        assert_eq!(operands, ["install", "foo"]);

        let (opts, operands) = parsed("apk add --no-cache --virtual .build-deps gcc", &APK);
        assert_eq!(opts, ["no-cache", "virtual=.build-deps"]);
        assert_eq!(operands, ["add", "gcc"]);

        let (opts, operands) = parsed("apt-get -oAPT::Get::Assume-Yes=1 install foo", &APT);
        assert_eq!(opts, ["o=APT::Get::Assume-Yes=1"]);
        assert_eq!(operands, ["install", "foo"]);

        let (opts, operands) = parsed(
            "pip install -r req.txt -c c.txt --index-url https://x -e ./src --target /opt foo",
            &PIP,
        );
        assert_eq!(
            opts,
            [
                "r=req.txt",
                "c=c.txt",
                "index-url=https://x",
                "e=./src",
                "target=/opt"
            ]
        );
        assert_eq!(operands, ["install", "foo"]);

        let (opts, operands) = parsed("go install -ldflags -s -trimpath -tags=netgo x@v1", &GO);
        assert_eq!(opts, ["ldflags=-s", "trimpath", "tags=netgo"]);
        assert_eq!(operands, ["install", "x@v1"]);

        let (_, operands) = parsed("gem install rails -- --with-foo", &GEM);
        assert_eq!(operands, ["install", "rails", "--with-foo"]);
    }

    #[test]
    fn python_dash_m_pip() {
        for (line, install) in [
            ("python -m pip install foo", true),
            ("python3.12 -u -m pip install foo", true),
            ("python3 -mpip install foo", true),
            ("python3 -m venv /opt/venv", false),
            ("python3 setup.py install", false),
            ("pip3 --no-cache-dir install foo", true),
            ("pip3.11 install foo", true),
            ("pipx install foo", false),
            ("pip download foo", false),
        ] {
            let c = command(line);
            let e = effective(&c, 0).expect("a command");
            assert_eq!(pip_install(e).is_some(), install, "{line}");
        }
    }

    fn pin(f: fn(&Word) -> Pin, text: &str) -> Pin {
        f(&word(text, 0))
    }

    #[test]
    fn version_pins_per_manager() {
        use Pin::{Pinned, Unknown, Unpinned};
        type Case = (fn(&Word) -> Pin, &'static str, Pin);
        let cases: &[Case] = &[
            (apt_pin, "curl", Unpinned),
            (apt_pin, "curl=7.88.1-10", Pinned),
            (apt_pin, "curl=$CURL_VERSION", Pinned),
            (apt_pin, "curl/bookworm-backports", Pinned),
            (apt_pin, "./pkg.deb", Pinned),
            (apt_pin, "$fetchDeps", Unknown),
            (apk_pin, "curl", Unpinned),
            (apk_pin, "curl=8.5.0-r0", Pinned),
            (apk_pin, "curl~8.5", Pinned),
            (apk_pin, "curl>8", Pinned),
            (apk_pin, "/tmp/x.apk", Pinned),
            (pip_pin, "requests", Unpinned),
            (pip_pin, "requests==2.31.0", Pinned),
            (pip_pin, "requests>=2", Pinned),
            (pip_pin, "requests~=2.31", Pinned),
            (pip_pin, "requests!=2.0", Pinned),
            (pip_pin, "requests[socks]==2.31.0", Pinned),
            (pip_pin, "requests[socks]", Unpinned),
            (pip_pin, "pip==$PYTHON_PIP_VERSION", Pinned),
            (pip_pin, "git+https://github.com/a/b.git", Unpinned),
            (pip_pin, "git+https://github.com/a/b.git@v1.0", Pinned),
            (
                pip_pin,
                "git+git://github.com/docker/docker-py.git",
                Unpinned,
            ),
            (pip_pin, ".", Pinned),
            (pip_pin, "./dist/pkg-1.0-py3-none-any.whl", Pinned),
            (pip_pin, "pkg-1.0.tar.gz", Pinned),
            (pip_pin, "$PKGS", Unknown),
            (npm_pin, "express", Unpinned),
            (npm_pin, "express@4.18.2", Pinned),
            (npm_pin, "express@latest", Unpinned),
            (npm_pin, "@angular/cli", Unpinned),
            (npm_pin, "@angular/cli@17.0.0", Pinned),
            (npm_pin, "azurite@${AZURITE_VERSION}", Pinned),
            (npm_pin, "git+https://github.com/a/b.git#abc123", Pinned),
            (npm_pin, "git+https://github.com/a/b.git", Unpinned),
            (npm_pin, "./local-pkg", Pinned),
            (npm_pin, "pkg.tgz", Pinned),
            (gem_pin, "rails", Unpinned),
            (gem_pin, "rails:7.1.0", Pinned),
            (gem_pin, "bundler:$BUNDLER_VERSION", Pinned),
            (rpm_pin, "httpd", Unpinned),
            (rpm_pin, "httpd-2.4.57", Pinned),
            (rpm_pin, "httpd-2.4.57-5.el9", Pinned),
            (rpm_pin, "java-17-openjdk-devel", Unpinned),
            (rpm_pin, "python3-pip", Unpinned),
            (rpm_pin, "nodejs-1:18.19.0", Pinned),
            (rpm_pin, "/tmp/x.rpm", Pinned),
            (zypper_pin, "vim", Unpinned),
            (zypper_pin, "vim=9.0", Pinned),
            (zypper_pin, "vim>=9", Pinned),
            (go_pin, "golang.org/x/tools/gopls", Pinned),
            (go_pin, "golang.org/x/tools/gopls@master", Unpinned),
            (go_pin, "golang.org/x/tools/gopls@latest", Unpinned),
            (go_pin, "golang.org/x/tools/gopls@v0.15.0", Pinned),
            (go_pin, "github.com/x/y@${VERSION}", Pinned),
            (go_pin, "./cmd/foo", Pinned),
            (go_pin, ".", Pinned),
        ];
        for (f, text, want) in cases {
            assert_eq!(pin(*f, text), *want, "{text}");
        }
    }

    #[test]
    fn paths_cover_cache_dirs() {
        assert!(path_covers("/var/lib/apt/lists/*", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt/lists", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt/lists/", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(path_covers("/var/cache/libdnf5*", "/var/cache/libdnf5"));
        assert!(!path_covers(
            "/var/lib/apt/lists/partial",
            "/var/lib/apt/lists"
        ));
        assert!(!path_covers("/tmp/*", "/var/lib/apt/lists"));
        assert!(!path_covers("/var/lib/ap*", "/var/cache/apk"));
        assert!(!path_covers("*", "/var/lib/apt/lists"));
    }
}
