#!/usr/bin/env bash
# Makes the Pulumi CLI and the Node.js, YAML and Go language hosts available and prints their bin
# directory as the last line of output. Uses `pulumi` from PATH when it is recent enough and the
# hosts are beside it; otherwise builds them from Go modules into .tools/ (ignored by git), because
# release binaries cannot be downloaded here.
#
# Why two build modules: pkg/v3's go.mod carries replace directives, so `go install mod@version`
# refuses it; a throwaway module that requires it (and copies its non-local replaces) builds fine.
# The language host is built from sdk/v3 v3.68.0, the last release in which it lived inside that
# module: its own module (sdk/nodejs/cmd/pulumi-language-nodejs/v3) has no tags, and its
# pseudo-versions are not served by the module proxy these machines use. It only starts Node.js with
# @pulumi/pulumi's own run script, so the program still runs on the pinned SDK and CLI.
# The Go language host is built the same way from sdk/v3 v3.66.0, the last release in which it lived
# in that module (go/pulumi-language-go); it builds the program with the Go SDK its go.mod asks for.
# The YAML language host is pulumi-yaml v1.38.3, the newest release that builds against the CLI's
# pkg/sdk v3.$PULUMI_VERSION (its go.mod names v3.257.0; v1.25.0, built for v3.206.0, does not
# compile against them), so one set of Pulumi packages serves the CLI and the host. The module
# proxy serves versions that `go list -m -versions` does not list; these were fetched by number.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-3.259.0}"
LANGUAGE_HOST_SDK_VERSION="3.68.0"
GO_LANGUAGE_HOST_SDK_VERSION="3.66.0"
YAML_VERSION="1.38.3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/pulumi-v$PULUMI_VERSION"
bin="$tools/bin"

log() { echo "ensure-pulumi: $*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

shim_source="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

hosts=(pulumi-language-nodejs pulumi-language-yaml pulumi-language-go)

have_hosts() { # dir
  local h
  for h in "${hosts[@]}"; do [ -x "$1/$h" ] || return 1; done
}

# The Go and YAML hosts' versions are recorded in .tools (not in bin, which goes on PATH), so
# changing a version here rebuilds them.
host_current() { # name version
  [ -x "$bin/$1" ] && [ "$(cat "$tools/$1.version" 2>/dev/null)" = "$2" ]
}

if command -v pulumi >/dev/null 2>&1 && have_hosts "$(dirname "$(command -v pulumi)")"; then
  have="$(pulumi version 2>/dev/null | sed 's/^v//')"
  if [ -n "$have" ] && version_ge "$have" "$PULUMI_VERSION"; then
    log "using pulumi v$have from PATH"
    dirname "$(command -v pulumi)"
    exit 0
  fi
fi

if [ -x "$bin/pulumi" ] && have_hosts "$bin" && [ -x "$bin/pulumi-resource-pulumi-nodejs" ] &&
  host_current pulumi-language-go "$GO_LANGUAGE_HOST_SDK_VERSION" && host_current pulumi-language-yaml "$YAML_VERSION" &&
  [ "$("$bin/pulumi" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; then
  log "using cached build in $bin"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi CLI (none on PATH); install Go 1.24+ or put pulumi v$PULUMI_VERSION on PATH"; exit 1; }
[ -f "$shim_source" ] || { log "run npm ci first: $shim_source is missing"; exit 1; }

mkdir -p "$bin" "$tools/cli" "$tools/language-host" "$tools/language-host-go" "$tools/language-host-yaml"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local

sdk_version_var=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
# pkg/v3's go.mod carries this replace (besides its local one for the SDK); a module requiring pkg
# must repeat it.
pkg_replaces="replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

build() { # dir "module@version ..." main out "version variable=version" [go.mod extra]
  local dir="$1" modules="$2" main="$3" out="$4" ldversion="$5" extra="${6:-}"
  printf 'module pulumi-connections-tools/%s\n\ngo 1.24\n%s\n' "$(basename "$dir")" "$extra" >"$dir/go.mod"
  rm -f "$dir/go.sum"
  # shellcheck disable=SC2086 # the module list is split on purpose
  (cd "$dir" && go get $modules >&2 &&
    go build -trimpath -ldflags "-s -w -X $ldversion" -o "$out" "$main" >&2)
}

# Builds only what is missing, so a cache from before a host was added gains just that host.
start=$(date +%s)
if [ ! -x "$bin/pulumi" ] || [ "$("$bin/pulumi" version 2>/dev/null)" != "v$PULUMI_VERSION" ]; then
  log "building pulumi v$PULUMI_VERSION from Go modules (first run only; several minutes)"
  # The SDK is required at the same version: pkg's own go.mod points at it through a local replace.
  build "$tools/cli" "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$bin/pulumi" "$sdk_version_var=v$PULUMI_VERSION" "$pkg_replaces"
fi
if [ ! -x "$bin/pulumi-language-nodejs" ]; then
  log "building pulumi-language-nodejs (from sdk/v3 v$LANGUAGE_HOST_SDK_VERSION)"
  build "$tools/language-host" "github.com/pulumi/pulumi/sdk/v3@v$LANGUAGE_HOST_SDK_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "$bin/pulumi-language-nodejs" \
    "$sdk_version_var=v$LANGUAGE_HOST_SDK_VERSION"
fi
if ! host_current pulumi-language-go "$GO_LANGUAGE_HOST_SDK_VERSION"; then
  log "building pulumi-language-go (from sdk/v3 v$GO_LANGUAGE_HOST_SDK_VERSION)"
  build "$tools/language-host-go" "github.com/pulumi/pulumi/sdk/v3@v$GO_LANGUAGE_HOST_SDK_VERSION" \
    github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go "$bin/pulumi-language-go" \
    "$sdk_version_var=v$GO_LANGUAGE_HOST_SDK_VERSION"
  echo "$GO_LANGUAGE_HOST_SDK_VERSION" >"$tools/pulumi-language-go.version"
fi
if ! host_current pulumi-language-yaml "$YAML_VERSION"; then
  log "building pulumi-language-yaml v$YAML_VERSION (against pkg/sdk v$PULUMI_VERSION)"
  build "$tools/language-host-yaml" \
    "github.com/pulumi/pulumi-yaml@v$YAML_VERSION github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "$bin/pulumi-language-yaml" \
    "github.com/pulumi/pulumi-yaml/pkg/version.Version=v$YAML_VERSION" "$pkg_replaces"
  echo "$YAML_VERSION" >"$tools/pulumi-language-yaml.version"
fi
install -m 0755 "$shim_source" "$bin/pulumi-resource-pulumi-nodejs"
log "built in $(($(date +%s) - start))s: $("$bin/pulumi" version)"
echo "$bin"
