//! Parsers for compose's short syntaxes: ports, volumes, devices, byte sizes,
//! durations and restart policies.

use crate::decode::parse_propagation;
use crate::{
    Device, ExposedPort, Mount, MountKind, PortBinding, Protocol, RestartPolicy, RestartPolicyName,
};

/// At most this many bindings come from one port entry (ranges expand per port).
pub(crate) const MAX_PORTS_PER_ENTRY: usize = 1024;

pub(crate) fn parse_protocol(raw: &str) -> Option<Protocol> {
    match raw.to_ascii_lowercase().as_str() {
        "" | "tcp" => Some(Protocol::Tcp),
        "udp" => Some(Protocol::Udp),
        "sctp" => Some(Protocol::Sctp),
        _ => None,
    }
}

/// `port` or `start-end`.
pub(crate) fn parse_range(raw: &str) -> Option<(u16, u16)> {
    let (start, end) = raw.split_once('-').unwrap_or((raw, raw));
    let start: u16 = start.trim().parse().ok()?;
    let end: u16 = end.trim().parse().ok()?;
    (start <= end).then_some((start, end))
}

/// A short port: `[[host_ip:]host_port[-end]:]container_port[-end][/protocol]`;
/// an IPv6 host IP is written in brackets (`[::1]:80:80`). Ranges expand to
/// one binding per container port, as the docker CLI does; a single container
/// port with a host range keeps the range as the host port.
pub(crate) fn parse_port(raw: &str) -> Result<Vec<PortBinding>, String> {
    let bad = || format!("invalid port {raw:?}");
    let (addr, proto) = match raw.rsplit_once('/') {
        Some((addr, proto)) => (addr, parse_protocol(proto).ok_or_else(bad)?),
        None => (raw, Protocol::Tcp),
    };
    let (host_ip, rest) = if let Some(after) = addr.strip_prefix('[') {
        let (ip, rest) = after.split_once(']').ok_or_else(bad)?;
        let rest = rest.strip_prefix(':').ok_or_else(bad)?;
        (Some(ip.to_owned()), rest)
    } else {
        let parts: Vec<&str> = addr.split(':').collect();
        match parts.as_slice() {
            [_] | [_, _] => (None, addr),
            [ip, _, _] => (Some((*ip).to_owned()), &addr[ip.len() + 1..]),
            _ => {
                // An unbracketed IPv6 address: the last two fields are the ports.
                let container_at = addr.rfind(':').ok_or_else(bad)?;
                let host_at = addr[..container_at].rfind(':').ok_or_else(bad)?;
                (Some(addr[..host_at].to_owned()), &addr[host_at + 1..])
            }
        }
    };
    let (host, container) = match rest.split_once(':') {
        Some((host, container)) => (Some(host), container),
        None => (None, rest),
    };
    let (c_start, c_end) = parse_range(container).ok_or_else(bad)?;
    let host_ip = host_ip.filter(|ip| !ip.is_empty());
    let host = host.filter(|h| !h.is_empty());
    let host_range = match host {
        Some(h) => Some(parse_range(h).ok_or_else(bad)?),
        None => None,
    };
    let count = usize::from(c_end - c_start) + 1;
    if count > MAX_PORTS_PER_ENTRY {
        return Err(format!(
            "port range {raw:?} has more than {MAX_PORTS_PER_ENTRY} ports"
        ));
    }
    let mut out = Vec::with_capacity(count);
    for (i, port) in (c_start..=c_end).enumerate() {
        let host_port = match (host, host_range) {
            (Some(h), Some(_)) if count == 1 => Some(h.trim().to_owned()),
            (Some(_), Some((hs, he))) => {
                if usize::from(he - hs) + 1 != count {
                    return Err(format!("port ranges of {raw:?} differ in length"));
                }
                Some((usize::from(hs) + i).to_string())
            }
            _ => None,
        };
        out.push(PortBinding {
            container_port: port,
            protocol: proto,
            host_ip: host_ip.clone(),
            host_port,
        });
    }
    Ok(out)
}

/// An `expose` entry: `port[-end][/protocol]`, one entry per port.
pub(crate) fn parse_expose(raw: &str) -> Result<Vec<ExposedPort>, String> {
    let bad = || format!("invalid exposed port {raw:?}");
    let (ports, proto) = match raw.rsplit_once('/') {
        Some((ports, proto)) => (ports, parse_protocol(proto).ok_or_else(bad)?),
        None => (raw, Protocol::Tcp),
    };
    let (start, end) = parse_range(ports).ok_or_else(bad)?;
    if usize::from(end - start) + 1 > MAX_PORTS_PER_ENTRY {
        return Err(format!(
            "port range {raw:?} has more than {MAX_PORTS_PER_ENTRY} ports"
        ));
    }
    Ok((start..=end)
        .map(|port| ExposedPort {
            port,
            protocol: proto,
        })
        .collect())
}

/// What a short volume's source is.
pub(crate) enum VolumeSource<'a> {
    /// No source: an anonymous volume.
    None,
    /// A host path as written (`.`, `/` or `~` first).
    Path(&'a str),
    /// A named volume (the key in the top-level `volumes`).
    Named(&'a str),
}

/// A short volume: `[source:]target[:mode]`, mode a comma list (`ro`, `rw`,
/// `z`, `Z`, `nocopy`, a propagation). The source is filled in by the caller.
pub(crate) fn parse_short_volume(raw: &str) -> Result<(VolumeSource<'_>, Mount), String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, mode] => (Some(*source), *target, *mode),
        _ => return Err(format!("invalid volume {raw:?}")),
    };
    if target.is_empty() || source.is_some_and(str::is_empty) {
        return Err(format!("invalid volume {raw:?}"));
    }
    let options: Vec<String> = mode
        .split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    let source = match source {
        None => VolumeSource::None,
        Some(s) if s.starts_with(['.', '/', '~']) => VolumeSource::Path(s),
        Some(s) => VolumeSource::Named(s),
    };
    let kind = match source {
        VolumeSource::Path(_) => MountKind::Bind,
        _ => MountKind::Volume,
    };
    Ok((
        source,
        Mount {
            kind,
            source: None,
            target: target.to_owned(),
            read_only: options.iter().any(|o| o == "ro"),
            propagation: options.iter().rev().find_map(|o| parse_propagation(o)),
            options,
        },
    ))
}

/// A short device: `host[:container[:permissions]]`; permissions default to `rwm`.
pub(crate) fn parse_device(raw: &str) -> Result<Device, String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (host, container, permissions) = match parts.as_slice() {
        [host] => (*host, *host, "rwm"),
        [host, second] if is_permissions(second) => (*host, *host, *second),
        [host, container] => (*host, *container, "rwm"),
        [host, container, permissions] if is_permissions(permissions) => {
            (*host, *container, *permissions)
        }
        _ => return Err(format!("invalid device {raw:?}")),
    };
    if host.is_empty() || container.is_empty() {
        return Err(format!("invalid device {raw:?}"));
    }
    Ok(Device {
        host_path: host.to_owned(),
        container_path: container.to_owned(),
        permissions: permissions.to_owned(),
    })
}

fn is_permissions(raw: &str) -> bool {
    !raw.is_empty() && raw.len() <= 3 && raw.chars().all(|c| matches!(c, 'r' | 'w' | 'm'))
}

/// A byte size as compose reads it (docker's `RAMInBytes`): a number with an
/// optional binary unit `b`, `k`, `m`, `g`, `t`, `p` (case-insensitive,
/// optionally followed by `b` or `ib`): `512m`, `1.5g`, `1024`.
pub(crate) fn parse_bytes(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let lower = raw.to_ascii_lowercase();
    let number_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(number_end);
    if number.is_empty() {
        return None;
    }
    let unit = unit.trim_start();
    let unit = unit
        .strip_suffix("ib")
        .or_else(|| unit.strip_suffix('b'))
        .unwrap_or(unit);
    let shift = match unit {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        "p" => 50,
        _ => return None,
    };
    if number.contains('.') {
        let value: f64 = number.parse().ok()?;
        let bytes =
            value * f64::from(1u32 << (shift % 30)) * f64::from(1u32 << (shift - shift % 30));
        if !bytes.is_finite() || bytes >= 9.2e18 {
            return None;
        }
        #[allow(clippy::cast_possible_truncation)]
        return Some(bytes as i64);
    }
    let value: i64 = number.parse().ok()?;
    value.checked_mul(1i64.checked_shl(shift)?)
}

/// A duration in microseconds: a Go duration (`100ms`, `1s`, `1m30s`, `500us`)
/// or a bare integer (microseconds, as `cpu_period` takes).
pub(crate) fn parse_micros(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if let Ok(n) = raw.parse::<i64>() {
        return Some(n);
    }
    let mut total: f64 = 0.0;
    let mut rest = raw;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let number: f64 = number.parse().ok()?;
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let micros = match unit {
            "ns" => 0.001,
            "us" | "µs" => 1.0,
            "ms" => 1_000.0,
            "s" => 1_000_000.0,
            "m" => 60_000_000.0,
            "h" => 3_600_000_000.0,
            _ => return None,
        };
        total += number * micros;
        rest = next;
    }
    if !total.is_finite() || total >= 9.2e18 {
        return None;
    }
    #[allow(clippy::cast_possible_truncation)]
    Some(total.round() as i64)
}

/// A `restart:` value: `no`, `always`, `unless-stopped`, `on-failure[:N]`.
pub(crate) fn parse_restart(raw: &str) -> Option<RestartPolicy> {
    let (name, count) = match raw.split_once(':') {
        Some((name, count)) => (name, Some(count)),
        None => (raw, None),
    };
    let name = match name {
        "no" | "" => RestartPolicyName::No,
        "always" => RestartPolicyName::Always,
        "unless-stopped" => RestartPolicyName::UnlessStopped,
        "on-failure" => RestartPolicyName::OnFailure,
        _ => return None,
    };
    let max_retries = match count {
        None => 0,
        Some(n) if name == RestartPolicyName::OnFailure => n.parse().ok()?,
        Some(_) => return None,
    };
    Some(RestartPolicy { name, max_retries })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(port: u16, ip: Option<&str>, host: Option<&str>) -> PortBinding {
        PortBinding {
            container_port: port,
            protocol: Protocol::Tcp,
            host_ip: ip.map(str::to_owned),
            host_port: host.map(str::to_owned),
        }
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("80").unwrap(), [binding(80, None, None)]);
        assert_eq!(
            parse_port("8080:80").unwrap(),
            [binding(80, None, Some("8080"))]
        );
        assert_eq!(
            parse_port("127.0.0.1:8080:80").unwrap(),
            [binding(80, Some("127.0.0.1"), Some("8080"))]
        );
        assert_eq!(
            parse_port("127.0.0.1::80").unwrap(),
            [binding(80, Some("127.0.0.1"), None)]
        );
        assert_eq!(
            parse_port("[::1]:80:80").unwrap(),
            [binding(80, Some("::1"), Some("80"))]
        );
        assert_eq!(
            parse_port("::1:80:80").unwrap(),
            [binding(80, Some("::1"), Some("80"))]
        );
        let udp = parse_port("53:53/udp").unwrap();
        assert_eq!(udp[0].protocol, Protocol::Udp);
        assert_eq!(
            parse_port("8000-8001:80-81").unwrap(),
            [
                binding(80, None, Some("8000")),
                binding(81, None, Some("8001"))
            ]
        );
        assert_eq!(
            parse_port("9000-9010:80").unwrap(),
            [binding(80, None, Some("9000-9010"))]
        );
        assert_eq!(parse_port("3000-3001").unwrap().len(), 2);
        for bad in [
            "",
            "x",
            "80:y",
            "1:2:3:4/tcp/",
            "80/icmp",
            "8000-8002:80-81",
            "[::1:80:80",
            "70000",
            "1-65535",
        ] {
            assert!(parse_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes() {
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1g"), Some(1 << 30));
        assert_eq!(parse_bytes("1GB"), Some(1 << 30));
        assert_eq!(parse_bytes("64MiB"), Some(64 << 20));
        assert_eq!(parse_bytes("1.5g"), Some(3 << 29));
        assert_eq!(parse_bytes("100"), Some(100));
        assert_eq!(parse_bytes("100 k"), Some(102_400));
        assert_eq!(parse_bytes("99999999999p"), None);
        assert_eq!(parse_bytes("m"), None);
        assert_eq!(parse_bytes("12x"), None);
    }

    #[test]
    fn durations_and_restart() {
        assert_eq!(parse_micros("100000"), Some(100_000));
        assert_eq!(parse_micros("100ms"), Some(100_000));
        assert_eq!(parse_micros("1m30s"), Some(90_000_000));
        assert_eq!(parse_micros("1x"), None);
        assert_eq!(
            parse_restart("on-failure:5"),
            Some(RestartPolicy {
                name: RestartPolicyName::OnFailure,
                max_retries: 5
            })
        );
        assert_eq!(parse_restart("always:3"), None);
        assert_eq!(parse_restart("sometimes"), None);
    }

    #[test]
    fn devices_and_volumes() {
        let d = parse_device("/dev/sda:/dev/xvda:r").unwrap();
        assert_eq!(
            (
                d.host_path.as_str(),
                d.container_path.as_str(),
                d.permissions.as_str()
            ),
            ("/dev/sda", "/dev/xvda", "r")
        );
        let d = parse_device("/dev/fuse").unwrap();
        assert_eq!(
            (d.container_path.as_str(), d.permissions.as_str()),
            ("/dev/fuse", "rwm")
        );
        let d = parse_device("/dev/fuse:rw").unwrap();
        assert_eq!(d.permissions, "rw");
        assert!(parse_device("a:b:c:d").is_err());
        let (source, m) = parse_short_volume("./data:/data:ro,rshared").unwrap();
        assert!(matches!(source, VolumeSource::Path("./data")));
        assert_eq!(m.kind, MountKind::Bind);
        assert!(m.read_only);
        assert_eq!(m.propagation, Some(crate::Propagation::Rshared));
        let (source, m) = parse_short_volume("db:/var/lib/db").unwrap();
        assert!(matches!(source, VolumeSource::Named("db")));
        assert_eq!(m.kind, MountKind::Volume);
        assert!(matches!(
            parse_short_volume("/cache").unwrap().0,
            VolumeSource::None
        ));
        assert!(parse_short_volume("a:b:c:d").is_err());
        assert!(parse_short_volume(":/x").is_err());
    }
}
