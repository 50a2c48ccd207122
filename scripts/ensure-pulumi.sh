#!/usr/bin/env bash
# Makes the Pulumi CLI and the Node.js language host available and prints their bin directory as
# the last line of output. Uses `pulumi` from PATH when it is recent enough; otherwise builds both
# from Go modules into .tools/ (ignored by git), because release binaries cannot be downloaded here.
#
# Why two build modules: pkg/v3's go.mod carries replace directives, so `go install mod@version`
# refuses it; a throwaway module that requires it (and copies its non-local replaces) builds fine.
# The language host is built from sdk/v3 v3.68.0, the last release in which it lived inside that
# module: its own module (sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no tags, and its
# pseudo-versions are not served by the module proxy these machines use. It only starts Node.js with
# @pulumi/pulumi's own run script, so the program still runs on the pinned SDK and CLI.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.259.0}"
LANGUAGE_HOST_SDK_VERSION="3.68.0"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/pulumi-v$PULUMI_VERSION"
bin="$tools/bin"

log() { echo "ensure-pulumi: $*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

shim_source="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

if command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [ -n "$have" ] && version_ge "$have" "$PULUMI_VERSION"; then
    log "using pulumi v$have from PATH"
    dirname "$(command -v pulumi)"
    exit 0
  fi
fi

if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-pulumi-nodejs" ] &&
  [ "$("$bin/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  log "using cached build in $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi CLI (none on PATH); install Go 1.24+ or put pulumi v$PULUMI_VERSION on PATH"; exit 1; }
[ -f "$shim_source" ] || { log "run npm ci first: $shim_source is missing"; exit 1; }

mkdir -p "$bin" "$tools/cli" "$tools/language-host"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

build() { # dir "module@version ..." main out ldversion [go.mod extra]
  local dir="$1" modules="$2" main="$3" out="$4" ldversion="$5" extra="${6:-}"
  printf 'module pulumi-connections-tools/%s\n\ngo 1.24\n%s\n' "$(basename "$dir")" "$extra" >"$dir/go.mod"
  rm -f "$dir/go.sum"
  # shellcheck disable=SC2086 # the module list is split on purpose
  (cd "$dir" && go get $modules >&2 &&
    go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$ldversion" \
      -o "$out" "$main" >&2)
}

start=$(date +%s)
log "building pulumi v$PULUMI_VERSION from Go modules (first run only; several minutes)"
# The SDK is required at the same version: pkg's own go.mod points at it through a local replace.
build "$tools/cli" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$bin/pulumi" "$PULUMI_VERSION" \
  "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"
log "building pulumi-language-nodejs (from sdk/v3 v$LANGUAGE_HOST_SDK_VERSION)"
build "$tools/language-host" "github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_SDK_VERSION" \
  github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$bin/pulumi-language-nodejs" \
  "$LANGUAGE_HOST_SDK_VERSION"
install -m 0755 "$shim_source" "$bin/pulumi-resource-pulumi-nodejs"
log "built in $(($(date +%s) - start))s: $("$bin/pulumi" version)"
echo "$bin"
