#!/usr/bin/env bash
# Synthesizes every configuration variant under terraform-tests/variants (JSON, and the HCL rendering for
# review), then for each stack runs the real
# Terraform CLI against a local provider mirror: init -backend=false, validate, and terraform test with
# mock_provider "aws" (the *.tftest.hcl files of terraform-tests/<stack>/).
#
# Provider mirror: $TF_PROVIDER_MIRROR (the directory that contains registry.terraform.io/), else discovered
# (scripts/tf-env.sh, shared with the backend contract test).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Test counts for CI: with VALIDATE_RESULTS_FILE set, {"passed": N, "failed": M} is written there on exit — the
# terraform test runs that passed and failed, plus one failure for each step that stopped before its tests
# (synth, init, validate) and for a run that ended early.
passed=0
failed=0
work=$(mktemp -d)
finish() {
  local rc=$?
  rm -rf "$work"
  if [ -n "${VALIDATE_RESULTS_FILE:-}" ]; then
    [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
    printf '{"passed": %d, "failed": %d}\n' "$passed" "$failed" > "$VALIDATE_RESULTS_FILE"
  fi
}
trap finish EXIT

# shellcheck source=scripts/tf-env.sh
source scripts/tf-env.sh
tf_require_cli || exit 1
mirror=$(tf_find_mirror) || exit 1
tf_write_cli_config "$work/terraformrc" "$mirror"
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
echo "validate: provider mirror $mirror, $(terraform version | head -n 1)"

failures=0
for variant in terraform-tests/variants/*.json; do
  name=$(basename "$variant" .json)
  out="$work/$name"
  # Every variant sets an explicit suffix: hashicorp/random is not in the mirror.
  if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node scripts/run-app.mjs; then
    echo "FAIL $name: synth"; failures=$((failures + 1)); failed=$((failed + 1)); continue
  fi
  # The HCL rendering for review (npm run synth:hcl) must be valid Terraform too.
  if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node --import tsx scripts/synth-hcl.ts >/dev/null; then
    echo "FAIL $name: synth:hcl"; failures=$((failures + 1)); failed=$((failed + 1)); continue
  fi
  for stackdir in "$out"/stacks/*/ "$out"/hcl/*/; do
    stack=$(basename "$stackdir")
    kind=$([ -f "$stackdir/cdk.tf" ] && echo "hcl" || echo "json")
    cp terraform-tests/"$stack"/*.tftest.hcl "$stackdir" 2>/dev/null || true
    log="$work/$name-$stack-$kind.log"
    ok=false
    terraform -chdir="$stackdir" init -backend=false -input=false -no-color >"$log" 2>&1 \
      && terraform -chdir="$stackdir" validate -no-color >>"$log" 2>&1 \
      && terraform -chdir="$stackdir" test -no-color >>"$log" 2>&1 \
      && ok=true
    # terraform test ends with "Success! N passed, M failed." or "Failure! N passed, M failed.".
    summary=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
    if [ -n "$summary" ]; then
      read -r run_passed _ run_failed _ <<<"${summary//,/}"
      passed=$((passed + run_passed)); failed=$((failed + run_failed))
    fi
    if $ok; then
      echo "ok   $name/$stack ($kind): ${summary:-validated}"
    else
      # A step that stopped without a failed test to show for it (init, validate) still counts as one failure.
      if [ -z "$summary" ] || [ "$run_failed" -eq 0 ]; then failed=$((failed + 1)); fi
      echo "FAIL $name/$stack ($kind)"; sed 's/^/     /' "$log"; failures=$((failures + 1))
    fi
  done
done
[ "$failures" -eq 0 ] || { echo "validate: $failures failure(s); terraform test: $passed passed, $failed failed"; exit 1; }
echo "validate: every variant and stack passed; terraform test: $passed passed, $failed failed"
