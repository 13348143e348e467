use dockward_rules::declare_rule;

use crate::version::Version;
use crate::{AuditFinding, Context};

declare_rule! {
    /// ## What it does
    /// Flags kernel settings (sysctls) that make a container escape or a
    /// local privilege escalation easier, one finding per setting:
    ///
    /// | sysctl | flagged when | why |
    /// |---|---|---|
    /// | `kernel.kptr_restrict` | 0 | kernel addresses leak to exploits |
    /// | `kernel.dmesg_restrict` | 0 | the kernel log leaks addresses |
    /// | `kernel.unprivileged_bpf_disabled` | 0 | unprivileged eBPF local-root bugs |
    /// | `net.core.bpf_jit_harden` | 0 while unprivileged eBPF is allowed | JIT spraying |
    /// | `kernel.yama.ptrace_scope` | 0 | ptrace of any same-user process |
    /// | `kernel.perf_event_paranoid` | below 2 | perf_event local-root bugs |
    /// | `vm.unprivileged_userfaultfd` | 1 | widens kernel race windows |
    /// | `kernel.io_uring_disabled` | 0 with an Engine before 25 (whose default seccomp profile allows io_uring) | io_uring local-root bugs |
    /// | `fs.protected_symlinks`, `fs.protected_hardlinks` | 0 | link attacks in shared directories |
    /// | `fs.protected_fifos`, `fs.protected_regular` | 0 | O_CREAT attacks in sticky directories |
    /// | `fs.suid_dumpable` | 1 | setuid programs dump memory readable by the user |
    /// | `net.ipv4.conf.all.route_localnet` | 1 | 127.0.0.1 services become reachable from containers |
    /// | `net.bridge.bridge-nf-call-iptables`, `-ip6tables` | 0 | bridged container traffic bypasses Docker's iptables rules |
    ///
    /// A sysctl the kernel does not have is not judged. `net.ipv4.ip_forward
    /// = 1` is *not* flagged: Docker's bridge networking needs it (lynis's
    /// default profile wrongly expects 0 on Docker hosts).
    ///
    /// ## Why is this bad?
    /// Containers share the host kernel; these switches decide how much of
    /// it an unprivileged process can probe and how easily a kernel bug turns
    /// into root.
    ///
    /// ## Example
    /// `kernel.kptr_restrict = 0`.
    ///
    /// Use instead: `kernel.kptr_restrict = 1` in `/etc/sysctl.d/`.
    ///
    /// ## References
    /// - [Linux kernel: /proc/sys/kernel](https://docs.kernel.org/admin-guide/sysctl/kernel.html)
    /// - [Linux kernel: /proc/sys/fs](https://docs.kernel.org/admin-guide/sysctl/fs.html)
    /// - [Linux kernel: /proc/sys/vm](https://docs.kernel.org/admin-guide/sysctl/vm.html)
    /// - [KSPP recommended settings](https://kspp.github.io/Recommended_Settings)
    pub struct WeakKernelSysctl {
        severity: Low,
        status: Stable,
        summary: "a kernel setting eases exploits",
        aliases: [],
        references: [
            "https://docs.kernel.org/admin-guide/sysctl/kernel.html",
            "https://docs.kernel.org/admin-guide/sysctl/fs.html",
            "https://docs.kernel.org/admin-guide/sysctl/vm.html",
            "https://kspp.github.io/Recommended_Settings",
        ],
    }
}

/// `(sysctl, weak when the value is, recommendation, why)`.
type Row = (&'static str, fn(i64) -> bool, &'static str, &'static str);

const TABLE: &[Row] = &[
    (
        "kernel.kptr_restrict",
        |v| v == 0,
        "1",
        "kernel pointers are shown to unprivileged users, which helps exploits",
    ),
    (
        "kernel.dmesg_restrict",
        |v| v == 0,
        "1",
        "any user can read the kernel log, which leaks addresses",
    ),
    (
        "kernel.unprivileged_bpf_disabled",
        |v| v == 0,
        "1 or 2",
        "unprivileged users can load eBPF programs, a frequent local-root path",
    ),
    (
        "kernel.yama.ptrace_scope",
        |v| v == 0,
        "1",
        "any process can ptrace every other process of the same user",
    ),
    (
        "kernel.perf_event_paranoid",
        |v| v < 2,
        "2 (3 on Debian kernels)",
        "unprivileged users can use perf events, a frequent local-root path",
    ),
    (
        "vm.unprivileged_userfaultfd",
        |v| v == 1,
        "0",
        "unprivileged users can use userfaultfd to widen kernel race windows",
    ),
    (
        "fs.protected_symlinks",
        |v| v == 0,
        "1",
        "symlinks in shared sticky directories are followed, allowing link attacks",
    ),
    (
        "fs.protected_hardlinks",
        |v| v == 0,
        "1",
        "users can hard-link files they do not own, allowing link attacks",
    ),
    (
        "fs.protected_fifos",
        |v| v == 0,
        "1 or 2",
        "O_CREAT opens of FIFOs owned by others in sticky directories are allowed",
    ),
    (
        "fs.protected_regular",
        |v| v == 0,
        "1 or 2",
        "O_CREAT opens of files owned by others in sticky directories are allowed",
    ),
    (
        "fs.suid_dumpable",
        |v| v == 1,
        "0 (or 2 with a safe core pattern)",
        "setuid programs dump core files readable by the user",
    ),
    (
        "net.ipv4.conf.all.route_localnet",
        |v| v == 1,
        "0",
        "packets to 127.0.0.0/8 are routed, so services bound to localhost can be reached from containers",
    ),
    (
        "net.bridge.bridge-nf-call-iptables",
        |v| v == 0,
        "1",
        "bridged IPv4 container traffic bypasses iptables, so Docker's isolation rules do not apply",
    ),
    (
        "net.bridge.bridge-nf-call-ip6tables",
        |v| v == 0,
        "1",
        "bridged IPv6 container traffic bypasses ip6tables",
    ),
];

pub(crate) fn check(ctx: &Context, out: &mut Vec<AuditFinding>) {
    if ctx.host().is_none() {
        return;
    }
    let value = |name: &str| ctx.sysctl(name).and_then(|v| v.parse::<i64>().ok());
    let mut report = |name: &str, v: i64, recommended: &str, why: &str| {
        out.push(ctx.host_finding(
            WeakKernelSysctl::META.rule,
            format!("`{name}` is {v}: {why}; set it to {recommended}"),
        ));
    };
    for (name, weak, recommended, why) in TABLE {
        if let Some(v) = value(name)
            && weak(v)
        {
            report(name, v, recommended, why);
        }
    }
    if value("kernel.unprivileged_bpf_disabled") == Some(0)
        && let Some(v @ 0) = value("net.core.bpf_jit_harden")
    {
        report(
            "net.core.bpf_jit_harden",
            v,
            "2",
            "the eBPF JIT is not hardened while unprivileged users may load programs",
        );
    }
    let old_engine = ctx
        .daemon()
        .engine_version
        .as_deref()
        .and_then(Version::parse)
        .is_none_or(|v| v.parts[0] < 25);
    if old_engine && let Some(v @ 0) = value("kernel.io_uring_disabled") {
        report(
            "kernel.io_uring_disabled",
            v,
            "1 or 2 unless io_uring is needed",
            "io_uring is open to every process, and the default seccomp profile of Engines before 25.0 allows it in containers",
        );
    }
}
