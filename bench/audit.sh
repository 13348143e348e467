#!/usr/bin/env bash
# Times `dockward audit` (host, daemon, images, containers) on this machine's Docker daemon with 0 and
# with N running containers. Reports median wall and CPU (user+sys) time and peak RSS per count.
#
#   bench/audit.sh [RUNS=10] [CONTAINERS=50]
#
# The containers come from a one-binary busybox image made with `docker import` (needs busybox-static);
# half are hardened, half have a misconfiguration, so every rule path runs. Everything created is removed
# on exit. docker-bench-security cannot run offline here; its figures from reference/audit.md §2.5
# (16.5 s with 0 containers, 92.2 s with 50, against an instant fake docker CLI) are printed for
# comparison. Machines are shared and noisy: compare ratios, not single wall times.
#
# Needs: docker, /bin/busybox, GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
count=${2:-50}
out=bench/out
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "GNU time not found: apt-get install time" >&2; exit 2; }
[ -x /bin/busybox ] || { echo "/bin/busybox not found: apt-get install busybox-static" >&2; exit 2; }
docker version >/dev/null

prefix="dockward-bench-$$-"
image="dockward-bench/busybox:$$"
work=$(mktemp -d)
cleanup() {
    ids=$(docker ps -aq --filter "name=^/${prefix}")
    # One at a time: Engine 20.10 can deadlock in libnetwork when many containers
    # exit at once (a parallel `docker rm -f` of 50 did, on this machine).
    for id in $ids; do docker rm -f "$id" >/dev/null; done
    docker rmi -f "$image" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/root/bin"
cp /bin/busybox "$work/root/bin/busybox"
ln -s busybox "$work/root/bin/sh"
ln -s busybox "$work/root/bin/sleep"
tar -C "$work/root" -cf - . | docker import - "$image" >/dev/null

cargo build --release --quiet -p dockward
dw=target/release/dockward
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc); docker: $(docker version --format '{{.Server.Version}}')"

measure() { # count
    : > "$out/audit.times"
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -o "$out/time.tmp" "$dw" audit -f json --fail-on none > "$out/audit-$1.json" 2> "$out/audit-$1.err" || true
        cat "$out/time.tmp" >> "$out/audit.times"
    done
    local containers findings
    containers=$(docker ps -q | wc -l)
    findings=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$out/audit-$1.json")
    python3 - "$out/audit.times" "$1" "$containers" "$findings" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = max(r[3] for r in rows) / 1024
print(f"{int(sys.argv[2]):3d} containers requested ({sys.argv[3]} running on the daemon): "
      f"median {wall:.3f} s wall, {cpu:.3f} CPU-s, peak {rss:.0f} MiB over {len(rows)} runs; {sys.argv[4]} findings")
PY
}

measure 0
for i in $(seq "$count"); do
    case $((i % 5)) in
        0) flags=(--user 1000:1000 --read-only --cap-drop ALL --security-opt no-new-privileges --memory 32m --pids-limit 50 --cpus 0.1) ;;
        1) flags=(--pid host) ;;
        2) flags=(--cap-add SYS_ADMIN -p 8$i:80) ;;
        3) flags=(-v /var/run/docker.sock:/var/run/docker.sock:ro) ;;
        *) flags=(--security-opt seccomp=unconfined --restart always) ;;
    esac
    docker run -d --name "${prefix}$i" "${flags[@]}" "$image" sleep 3600 >/dev/null
done
measure "$count"
echo "docker-bench-security 1.6.0 (reference/audit.md §2.5, instant fake CLI): 16.5 s with 0, 92.2 s with 50 containers"
