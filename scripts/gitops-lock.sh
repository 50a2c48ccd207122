#!/usr/bin/env bash
# Writes examples/gitops/package-lock.json, so that a copy of the example runs `npm ci` (and the
# workflow's npm cache has its key). Run after `npm run build` whenever the example's package.json
# or this package's version or dependencies change; test/e2e/gitops.test.ts fails until then.
#
# The example installs this package from the tarball `npm pack` makes (it is not on the registry),
# at the path its package.json names. The lock is made against a freshly packed tarball, then the
# tarball's checksum is dropped from it: the user's own build or release asset of the same version
# is not byte-identical, and `npm ci` would refuse it with EINTEGRITY.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
example="$root/examples/gitops"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

spec="$(node -p 'require(process.argv[1]).dependencies["pulumi-connections"]' "$example/package.json")"
case "$spec" in
  file:*.tgz) tarball="${spec#file:}" ;;
  *)
    echo "gitops-lock: expected a file:….tgz dependency on pulumi-connections, found \"$spec\"" >&2
    exit 1
    ;;
esac

mkdir -p "$work/$(dirname "$tarball")"
packed="$(cd "$root" && npm pack --silent --pack-destination "$work/$(dirname "$tarball")")"
[ "$work/$(dirname "$tarball")/$packed" -ef "$work/$tarball" ] ||
  mv "$work/$(dirname "$tarball")/$packed" "$work/$tarball"
cp "$example/package.json" "$work/package.json"
(cd "$work" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >&2)

node -e '
  const fs = require("fs");
  const [from, to] = process.argv.slice(1);
  const lock = JSON.parse(fs.readFileSync(from, "utf8"));
  delete lock.packages["node_modules/pulumi-connections"].integrity;
  fs.writeFileSync(to, JSON.stringify(lock, null, 2) + "\n");
' "$work/package-lock.json" "$example/package-lock.json"
echo "gitops-lock: wrote examples/gitops/package-lock.json" >&2
