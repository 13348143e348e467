use dockward_rules::declare_rule;

use super::commands::{GEM, Pin, commands, gem_pin, invocation};
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags gems given to `gem install` (or `gem i`) without a version.
    ///
    /// ## Why is this bad?
    /// `gem install rails` installs the newest release on RubyGems when the
    /// image is built: builds are not reproducible and a broken or malicious
    /// release goes straight into the image.
    ///
    /// Accepted as pinned: `name:version` (also with a variable), a local
    /// `.gem` file, and any gem of a command that has `-v` / `--version`.
    /// Options that take a value (`-i DIR`, `-n DIR`, `--source URL`, ...) are
    /// skipped with their value; words after `--` are build arguments, not gems.
    /// A variable standing for a list of gems is not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN gem install bundler:2.5.11
    /// ```
    /// or `gem install bundler -v 2.5.11`.
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3028) reports once per RUN; dockward reports each gem at its
    /// word. hadolint also reports a local `.gem` file, whose name carries its
    /// version; dockward does not.
    ///
    /// ## References
    /// - [gem install](https://guides.rubygems.org/command-reference/#gem-install)
    pub struct GemUnpinned {
        severity: Medium,
        status: Stable,
        summary: "`gem install` of a gem without a version",
        aliases: ["DL3028"],
        references: ["https://guides.rubygems.org/command-reference/#gem-install"],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for run in ctx.runs() {
        for cmd in commands(run) {
            let Some(inv) = invocation(cmd, &["gem"], &GEM) else {
                continue;
            };
            if !matches!(inv.subcommand(), Some("install" | "i")) || inv.has(&["v", "version"]) {
                continue;
            }
            // Words after `--` are passed to the gem's build.
            let dashdash = cmd.args.iter().position(|w| w.text == "--");
            for gem in inv.targets() {
                let after_dashdash = dashdash
                    .and_then(|i| cmd.args.get(i))
                    .is_some_and(|dd| gem.span.start > dd.span.start);
                if after_dashdash || gem_pin(gem) != Pin::Unpinned {
                    continue;
                }
                out.push(Violation::new(
                    GemUnpinned::META.rule,
                    gem.span,
                    format!(
                        "`{}` is installed without a version, so each build may get a different one; use `{}:<version>`",
                        gem.text, gem.text
                    ),
                ));
            }
        }
    }
}
