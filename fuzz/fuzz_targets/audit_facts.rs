//! Audits arbitrary facts snapshots (what `--facts FILE` reads), and feeds the
//! same bytes to the dockerd command-line and daemon.json parsers. Every rule
//! runs; none may panic (the engine would turn a panic into a finding, which
//! this target treats as a failure).

#![no_main]

use dockward_audit::facts::Facts;
use dockward_audit::{AuditSettings, Scope};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let argv: Vec<String> = text.split('\0').map(str::to_owned).collect();
    let _ = dockward_audit::daemon_config::parse_flags(&argv);
    let _ = dockward_audit::daemon_config::parse_config_file("/etc/docker/daemon.json", &text);
    if let Ok(facts) = serde_json::from_slice::<Facts>(data) {
        let scope = Scope {
            host: true,
            daemon: true,
            containers: true,
            images: true,
            container_names: Vec::new(),
        };
        let outcome = dockward_audit::audit_scoped(&facts, &AuditSettings::default(), &scope, &|_| true);
        for finding in &outcome.findings {
            assert!(!finding.message.starts_with("internal error"), "{}", finding.message);
        }
    }
});
