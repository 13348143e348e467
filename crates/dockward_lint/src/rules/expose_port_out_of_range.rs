use dockward_dockerfile::InstructionKind;
use dockward_rules::declare_rule;

use super::relative_workdir::with_triggers;
use crate::{Context, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `EXPOSE` port, or a bound of a port range, above 65535.
    ///
    /// ## Why is this bad?
    /// TCP, UDP and SCTP ports are 16-bit numbers, 0 to 65535. A larger number
    /// is a typo (`80800` for `8080`) and the build or the container start
    /// fails on it.
    ///
    /// Accepted forms are `80`, `80/tcp`, `53/udp`, `9/sctp` and ranges such as
    /// `8000-8010/tcp`. Ports given by variables (`$PORT`, `${PORT}/udp`) are
    /// not judged.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080
    /// ```
    ///
    /// ## Compared with hadolint
    /// hadolint (DL3011) reports the line once; dockward reports each port
    /// out of range, at the port, and also checks `ONBUILD EXPOSE`. hadolint
    /// cannot parse the `sctp` protocol.
    ///
    /// ## References
    /// - [Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)
    /// - [RFC 6335: port numbers are 16 bits](https://www.rfc-editor.org/rfc/rfc6335#section-6)
    pub struct ExposePortOutOfRange {
        severity: High,
        status: Stable,
        summary: "EXPOSE port is outside 0-65535",
        aliases: [
            "DL3011",
            "DS008",
            "DS-0008",
            "AVD-DS-0008",
            "docker-port-out-of-range",
        ],
        references: [
            "https://docs.docker.com/reference/dockerfile/#expose",
            "https://www.rfc-editor.org/rfc/rfc6335#section-6",
        ],
    }
}

pub(crate) fn check(ctx: &Context, out: &mut Vec<Violation>) {
    for instruction in with_triggers(ctx.instructions()) {
        let InstructionKind::Expose(ports) = &instruction.kind else {
            continue;
        };
        for port in ports {
            let Some(spec) = PortSpec::parse(port.as_str()) else {
                continue;
            };
            let Some(bad) = [Some(spec.start), spec.end]
                .into_iter()
                .flatten()
                .find(|&p| p > u64::from(u16::MAX))
            else {
                continue;
            };
            out.push(Violation::new(
                ExposePortOutOfRange::META.rule,
                port.span,
                if spec.end.is_some() {
                    format!(
                        "port {bad} of the range `{}` is outside the valid range 0-65535",
                        port.as_str()
                    )
                } else {
                    format!("port {bad} is outside the valid range 0-65535")
                },
            ));
        }
    }
}

/// An `EXPOSE` port specification: `port[-end][/protocol]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PortSpec {
    /// The port, or the start of the range.
    pub start: u64,
    /// The end of the range.
    pub end: Option<u64>,
    /// The protocol, lowercased (`tcp` when not written).
    pub protocol: String,
}

impl PortSpec {
    /// Parses `spec`; `None` for variables and anything that is not numbers.
    /// Numbers too large for `u64` are saturated, so they still count as out
    /// of range.
    pub fn parse(spec: &str) -> Option<Self> {
        if spec.contains('$') {
            return None;
        }
        let spec = spec.trim_matches(|c| c == '"' || c == '\'');
        let (ports, protocol) = match spec.split_once('/') {
            Some((ports, protocol)) => (ports, protocol.to_ascii_lowercase()),
            None => (spec, "tcp".to_owned()),
        };
        let (start, end) = match ports.split_once('-') {
            Some((start, end)) => (number(start)?, Some(number(end)?)),
            None => (number(ports)?, None),
        };
        Some(PortSpec {
            start,
            end,
            protocol,
        })
    }

    /// True when the spec covers `port`.
    pub fn covers(&self, port: u64) -> bool {
        match self.end {
            Some(end) => self.start <= port && port <= end,
            None => self.start == port,
        }
    }
}

fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::PortSpec;

    #[test]
    fn parses_port_forms() {
        let p = PortSpec::parse("8000-8010/UDP").expect("valid");
        assert_eq!(
            (p.start, p.end, p.protocol.as_str()),
            (8000, Some(8010), "udp")
        );
        assert!(p.covers(8005) && !p.covers(7999));
        assert_eq!(
            PortSpec::parse("22").map(|p| p.protocol),
            Some("tcp".to_owned())
        );
        assert_eq!(PortSpec::parse("$PORT"), None);
        assert_eq!(PortSpec::parse("80:90"), None);
        assert_eq!(
            PortSpec::parse("99999999999999999999999").map(|p| p.start),
            Some(u64::MAX)
        );
    }
}
