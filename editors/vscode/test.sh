#!/usr/bin/env bash
# Build, test and package the VS Code extension, then run it in a real VS Code (code-server).
#
#   editors/vscode/test.sh            every step below, in order
#   editors/vscode/test.sh build e2e  only the named steps (deps check build unit grammar bundle package code_server e2e)
#
# Needs node 20 + npm, the repository venv (.venv with iml-ls and pip) and the Debian packages chromium,
# ripgrep, libkrb5-dev, libx11-dev, libxkbfile-dev, libsecret-1-dev, pkg-config (see .ci/run).
# code-server and its caches live in editors/vscode/.e2e/ (ignored), so a second run skips the install.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
E2E="$HERE/.e2e"
CODE_SERVER_VERSION=4.99.4
RIPGREP_VERSION=1.15.11          # @vscode/ripgrep used by that code-server
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

step() { printf '\n== %s\n' "$*"; }

deps() {
    step "npm ci (extension)"
    if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
        npm ci --no-audit --no-fund
        touch node_modules/.installed
    fi
}

build() {
    step "bundle with esbuild"
    npm run --silent build
}

check() {
    step "type-check"
    npm run --silent typecheck
}

grammar() {
    step "TextMate grammar tests"
    npm run --silent test:grammar
}

unit() {
    step "unit tests"
    npm run --silent test:unit
}

# The server inside the .vsix: the iml-ls wheel, its dependencies' wheels for CPython 3.10-3.13 on
# Linux x86-64 (other systems fetch those from PyPI on first start), and pip to install them with.
BUNDLE_PYTHONS=(3.10 3.11 3.12 3.13)
BUNDLE_PLATFORMS=(manylinux2014_x86_64 manylinux_2_17_x86_64 manylinux_2_28_x86_64 manylinux_2_34_x86_64)
bundle() {
    step "bundle the server's wheels into bundled/"
    local python="${PYTHON_FOR_BUNDLE:-$HERE/../../.venv/bin/python}" wheels="$HERE/bundled/wheels" wheel
    rm -rf "$HERE/bundled"
    mkdir -p "$wheels"
    if [ -n "${IML_LS_WHEEL:-}" ]; then
        cp "$IML_LS_WHEEL" "$wheels/"   # make dist: the wheel it built
    else
        "$python" -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$HERE/../.."
    fi
    wheel=$(ls "$wheels"/iml_ls-*.whl)
    local platforms=() version
    for platform in "${BUNDLE_PLATFORMS[@]}"; do platforms+=(--platform "$platform"); done
    for version in "${BUNDLE_PYTHONS[@]}"; do
        "$python" -m pip download --quiet --disable-pip-version-check --only-binary=:all: --implementation cp \
            --python-version "$version" "${platforms[@]}" --dest "$wheels" "$wheel" pip
    done
    "$python" - "$wheels" "$HERE/bundled/manifest.json" <<'PY'
import json, pathlib, sys
wheels = sorted(pathlib.Path(sys.argv[1]).glob("*.whl"))
iml = next(w for w in wheels if w.name.startswith("iml_ls-"))
pip = next(w for w in wheels if w.name.startswith("pip-"))
manifest = {"imlLs": iml.name.split("-")[1], "pip": pip.name}
pathlib.Path(sys.argv[2]).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
print(f"{len(wheels)} wheels, {sum(w.stat().st_size for w in wheels) // 1_000_000} MB, manifest {manifest}")
PY
}

package() {
    step "package the .vsix"
    npm run --silent package
}

code_server() {
    step "install code-server $CODE_SERVER_VERSION into .e2e/code-server"
    local target="$E2E/code-server"
    if [ -x "$target/node_modules/.bin/code-server" ] && cmp -s test/code-server/package-lock.json "$target/package-lock.json"; then
        echo "already installed"
        return
    fi
    # @vscode/ripgrep's postinstall downloads rg from GitHub: offer Debian's rg as its cached download.
    local cache="$E2E/tmp/vscode-ripgrep-cache-$RIPGREP_VERSION" rgdir
    mkdir -p "$target" "$cache"
    rgdir=$(mktemp -d)
    cp "$(command -v rg)" "$rgdir/rg"
    tar czf "$cache/$RIPGREP_ASSET" -C "$rgdir" rg
    rm -rf "$rgdir"
    cp test/code-server/package.json test/code-server/package-lock.json "$target/"
    # unsafe_perm: code-server's postinstall refuses to run as root without it;
    # yes: node-pty's postinstall runs `npx node-gyp`, which asks for confirmation otherwise.
    (cd "$target" && TMPDIR="$E2E/tmp" npm_config_cache="$E2E/npm-cache" npm_config_unsafe_perm=true npm_config_yes=true \
        npm ci --no-audit --no-fund --foreground-scripts --loglevel=error >"$E2E/code-server-install.log" 2>&1) || {
        tail -40 "$E2E/code-server-install.log"
        echo "installing code-server failed; the whole log is $E2E/code-server-install.log" >&2
        return 1
    }
    "$target/node_modules/.bin/code-server" --version >/dev/null
}

e2e() {
    step "end-to-end test in code-server"
    npm run --silent test:e2e
}

all() {
    deps
    check
    build
    unit
    grammar
    bundle
    package
    code_server
    e2e
}

for name in "${@:-all}"; do
    "$name"
done
