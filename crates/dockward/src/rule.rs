//! `dockward rule`: the rule table, or one rule's documentation.

use std::fmt::Write as _;

use anyhow::anyhow;
use dockward_rules::{Registry, RuleMeta, Status};
use serde_json::json;

use crate::Status as ExitStatus;
use crate::cli::{RuleArgs, RuleFormat};
use crate::lint::registry;
use crate::printer::Printer;

/// Runs `dockward rule [RULE]`.
pub fn run(args: &RuleArgs) -> anyhow::Result<ExitStatus> {
    let registry = registry();
    let text = match &args.rule {
        None => match args.format {
            RuleFormat::Human => table(registry.all()),
            RuleFormat::Json => to_json(registry.all(), false),
        },
        Some(key) => {
            let found = lookup(&registry, key)?;
            match args.format {
                RuleFormat::Human => explain(key, &found),
                RuleFormat::Json => to_json(&found, true),
            }
        }
    };
    Printer::new(args.output.as_deref()).result(&text)?;
    Ok(ExitStatus::Success)
}

fn lookup(registry: &Registry, key: &str) -> anyhow::Result<Vec<&'static RuleMeta>> {
    registry.resolve(key).map_err(|_| {
        anyhow!(
            "unknown rule `{key}` (expected a code, a name or an alias; `dockward rule` lists them)"
        )
    })
}

/// `stable`, `stable, off by default`, `preview`, `deprecated`.
fn status(meta: &RuleMeta) -> String {
    let mut status = meta.status.as_str().to_owned();
    if !meta.default_enabled && meta.status != Status::Deprecated {
        status.push_str(", off by default");
    }
    status
}

fn table(rules: &[&'static RuleMeta]) -> String {
    let header = ["CODE", "NAME", "SEVERITY", "STATUS", "ALIASES"];
    let rows: Vec<[String; 5]> = rules
        .iter()
        .map(|meta| {
            let d = &meta.descriptor;
            [
                d.code.to_owned(),
                d.name.to_owned(),
                d.default_severity.to_string(),
                status(meta),
                d.aliases.join(", "),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    out
}

/// The rule's doc comment as Markdown: the one leading space every `///`
/// line carries is removed.
fn docs(meta: &RuleMeta) -> String {
    let mut out = String::new();
    for line in meta.descriptor.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_owned()
}

fn explain(key: &str, found: &[&'static RuleMeta]) -> String {
    let mut out = String::new();
    if found.len() > 1 {
        let codes: Vec<&str> = found.iter().map(|m| m.descriptor.code).collect();
        let _ = writeln!(
            out,
            "`{key}` is covered by {} rules: {}\n",
            found.len(),
            codes.join(", ")
        );
    }
    for (i, meta) in found.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        let d = &meta.descriptor;
        let _ = writeln!(out, "# {} {}\n", d.code, d.name);
        if !d.summary.is_empty() {
            let _ = writeln!(out, "{}\n", d.summary);
        }
        let _ = writeln!(out, "- Severity: {}", d.default_severity);
        let _ = writeln!(out, "- Status: {}", status(meta));
        if !d.aliases.is_empty() {
            let _ = writeln!(out, "- Aliases: {}", d.aliases.join(", "));
        }
        if !d.references.is_empty() {
            let _ = writeln!(out, "- References:");
            for reference in d.references {
                let _ = writeln!(out, "  - {reference}");
            }
        }
        let body = docs(meta);
        if !body.is_empty() {
            let _ = writeln!(out, "\n{body}");
        }
    }
    out
}

fn to_json(rules: &[&'static RuleMeta], with_docs: bool) -> String {
    let items: Vec<serde_json::Value> = rules
        .iter()
        .map(|meta| {
            let d = &meta.descriptor;
            let mut item = json!({
                "code": d.code,
                "name": d.name,
                "summary": d.summary,
                "severity": d.default_severity.as_str(),
                "status": meta.status.as_str(),
                "default_enabled": meta.default_enabled,
                "aliases": d.aliases,
                "references": d.references,
                "help_uri": d.help_uri(),
            });
            if with_docs {
                item["docs"] = json!(docs(meta));
            }
            item
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use dockward_diagnostics::{RuleDescriptor, Severity};
    use dockward_rules::Rule;

    use super::*;

    const fn meta(rule: Rule, status: Status, default_enabled: bool) -> RuleMeta {
        RuleMeta {
            rule,
            status,
            default_enabled,
            descriptor: RuleDescriptor {
                code: rule.code(),
                name: rule.name(),
                summary: "a summary",
                docs: " ## What it does\n Flags things.\n",
                default_severity: Severity::Low,
                aliases: &["DS031"],
                references: &["https://example.com/ref"],
            },
        }
    }

    static NAMES: RuleMeta = meta(Rule::SecretNameInArgEnv, Status::Stable, true);
    static VALUES: RuleMeta = meta(Rule::SecretValueInInstruction, Status::Preview, false);

    #[test]
    fn an_alias_of_several_rules_explains_each() {
        let list: &[&'static RuleMeta] = &[&NAMES, &VALUES];
        let registry = Registry::new([list]);
        let found = lookup(&registry, "ds031").expect("known");
        let text = explain("ds031", &found);
        assert_eq!(
            text,
            "`ds031` is covered by 2 rules: DF062, DF078\n\n\
             # DF062 secret-name-in-arg-env\n\na summary\n\n\
             - Severity: low\n- Status: stable\n- Aliases: DS031\n\
             - References:\n  - https://example.com/ref\n\n\
             ## What it does\nFlags things.\n\
             \n---\n\n\
             # DF078 secret-value-in-instruction\n\na summary\n\n\
             - Severity: low\n- Status: preview, off by default\n- Aliases: DS031\n\
             - References:\n  - https://example.com/ref\n\n\
             ## What it does\nFlags things.\n"
        );
        assert!(lookup(&registry, "DS999").is_err());
    }

    #[test]
    fn the_table_aligns_columns() {
        let text = table(&[&NAMES, &VALUES]);
        assert_eq!(
            text,
            "CODE   NAME                         SEVERITY  STATUS                   ALIASES\n\
             DF062  secret-name-in-arg-env       low       stable                   DS031\n\
             DF078  secret-value-in-instruction  low       preview, off by default  DS031\n"
        );
    }
}
