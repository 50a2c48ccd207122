#!/usr/bin/env bash
# Every command the GitOps workflow (.github/workflows/connections.yml) runs, one subcommand per job:
#
#   pipeline.sh preview   pull requests: the plan, posted as the job summary
#   pipeline.sh up        the main branch: apply the program, refreshing first
#   pipeline.sh drift     nightly: the drift report, posted as the job summary
#
# The workflow only installs tools and calls this script, so test/e2e/gitops.test.ts in the
# pulumi-connections repository runs exactly these commands against the API emulator.
#
# Environment (the workflow sets it from CI secrets):
#   PULUMI_STACK              stack name, e.g. prod
#   PULUMI_BACKEND_URL        self-managed backend: s3://bucket/prefix, azblob://..., gs://..., file://...,
#                             or postgres://user@host:5432/db?sslmode=verify-full (the password in
#                             PGPASSWORD, not in the URL: the CLI prints the URL when it cannot connect)
#   PGPASSWORD                the database password, for a postgres:// backend
#   PULUMI_CONFIG_PASSPHRASE  passphrase of the stack's secrets, unless PULUMI_SECRETS_PROVIDER is a KMS
#   PULUMI_SECRETS_PROVIDER   optional, used when the stack is first created: passphrase (default) or
#                             a KMS URL such as awskms://alias/pulumi, gcpkms://..., azurekeyvault://...
#   PICTORY_API_KEY, APINIZER_TOKEN, APINIZER_BASE_URL (and optionally PICTORY_BASE_URL): API access
#   GITHUB_STEP_SUMMARY       set by GitHub Actions; the Markdown summary of the step
#
# Exit codes: pulumi's for preview and up; for drift 0 no drift, 2 drift found, 1 the check
# failed (never "no drift"), 64 usage error.
set -euo pipefail

usage() {
  echo "usage: pipeline.sh {preview|up|drift}" >&2
  exit 64
}
[[ $# -eq 1 ]] || usage

: "${PULUMI_STACK:?set PULUMI_STACK to the stack to deploy, e.g. prod}"
: "${PULUMI_BACKEND_URL:?set PULUMI_BACKEND_URL to the self-managed backend, e.g. s3://my-bucket/pulumi}"
SECRETS_PROVIDER="${PULUMI_SECRETS_PROVIDER:-passphrase}"
if [[ "$SECRETS_PROVIDER" == "passphrase" && -z "${PULUMI_CONFIG_PASSPHRASE:-}" ]]; then
  echo "pipeline.sh: set PULUMI_CONFIG_PASSPHRASE (a CI secret), or PULUMI_SECRETS_PROVIDER to a KMS URL" >&2
  exit 64
fi

cd "$(dirname "${BASH_SOURCE[0]}")"
SUMMARY="${GITHUB_STEP_SUMMARY:-/dev/null}"
export PULUMI_SKIP_UPDATE_CHECK=true
if [[ "$PULUMI_BACKEND_URL" == postgres://* ]]; then
  # The PostgreSQL backend opens at most 2 x GOMAXPROCS connections, and listing stacks runs up to
  # 10 lookups at once, each needing two: with fewer than 6 cores, listing 2 x cores or more stacks
  # of a project (`pulumi stack ls`) waits forever. GOMAXPROCS=8 leaves room.
  export GOMAXPROCS="${GOMAXPROCS:-8}"
fi

select_stack() {
  # Creates the stack on the first run, with the secrets provider above; selects it afterwards.
  pulumi stack select --create --non-interactive --secrets-provider "$SECRETS_PROVIDER" "$PULUMI_STACK"
}

# Runs a pulumi command, echoes its output to the log, and posts it to the job summary as a code block.
run_and_summarize() {
  local title="$1"
  shift
  local out code
  out="$(mktemp)"
  set +e
  "$@" 2>&1 | tee "$out"
  code=${PIPESTATUS[0]}
  set -e
  {
    echo "### $title: stack \`$PULUMI_STACK\`"
    echo
    if [[ $code -ne 0 ]]; then echo "**Failed** (exit $code)."; echo; fi
    echo '```'
    cat "$out"
    echo '```'
  } >>"$SUMMARY"
  rm -f "$out"
  return "$code"
}

case "$1" in
  preview)
    select_stack
    # --refresh: the plan starts from what the APIs hold now, so it shows drift as well.
    run_and_summarize "pulumi preview" \
      pulumi preview --refresh --diff --non-interactive --color never --stack "$PULUMI_STACK"
    ;;
  up)
    select_stack
    # --refresh: read the connections first, so out-of-band changes are converged, not conflicts.
    run_and_summarize "pulumi up" \
      pulumi up --refresh --yes --skip-preview --diff --non-interactive --color never --stack "$PULUMI_STACK"
    ;;
  drift)
    # A refresh preview: never changes state. The Markdown report goes to the summary and the log.
    set +e
    npx --no pulumi-connections drift --stack "$PULUMI_STACK" --markdown | tee -a "$SUMMARY"
    code=${PIPESTATUS[0]}
    set -e
    exit "$code"
    ;;
  *)
    usage
    ;;
esac
