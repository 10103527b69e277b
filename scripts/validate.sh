#!/usr/bin/env bash
# Synthesizes every configuration variant under terraform-tests/variants (JSON, and the HCL rendering for
# review), then for each stack runs the real
# Terraform CLI against a local provider mirror: init -backend=false, validate, and terraform test with
# mock_provider "aws" (the *.tftest.hcl files of terraform-tests/<stack>/).
#
# Provider mirror: $TF_PROVIDER_MIRROR (the directory that contains registry.terraform.io/), else discovered.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

command -v terraform >/dev/null || { echo "validate: terraform CLI not found on PATH (need >= 1.10 for use_lockfile, >= 1.7 for mock providers)" >&2; exit 1; }

find_mirror() {
  if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
    [ -d "$TF_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws" ] || {
      echo "validate: TF_PROVIDER_MIRROR=$TF_PROVIDER_MIRROR has no registry.terraform.io/hashicorp/aws inside" >&2; return 1; }
    echo "$TF_PROVIDER_MIRROR"; return 0
  fi
  # Terraform's own implied mirror directories first, then a search of the machine.
  local candidates=("$HOME/.terraform.d/plugins" "${XDG_DATA_HOME:-$HOME/.local/share}/terraform/plugins" "/usr/local/share/terraform/plugins" "/usr/share/terraform/plugins")
  for c in "${candidates[@]}"; do
    [ -d "$c/registry.terraform.io/hashicorp/aws" ] && { echo "$c"; return 0; }
  done
  local found
  found=$(find / -maxdepth 6 -type d -path '*registry.terraform.io/hashicorp/aws' -not -path '/proc/*' 2>/dev/null | head -n 1 || true)
  [ -n "$found" ] && { dirname "$(dirname "$(dirname "$found")")"; return 0; }
  echo "validate: no hashicorp/aws provider mirror found; set TF_PROVIDER_MIRROR to the directory containing registry.terraform.io/" >&2
  return 1
}

mirror=$(find_mirror)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
echo "validate: provider mirror $mirror, $(terraform version | head -n 1)"

failures=0
for variant in terraform-tests/variants/*.json; do
  name=$(basename "$variant" .json)
  out="$work/$name"
  # Every variant sets an explicit suffix: hashicorp/random is not in the mirror.
  if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node scripts/run-app.mjs; then
    echo "FAIL $name: synth"; failures=$((failures + 1)); continue
  fi
  # The HCL rendering for review (npm run synth:hcl) must be valid Terraform too.
  if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node --import tsx scripts/synth-hcl.ts >/dev/null; then
    echo "FAIL $name: synth:hcl"; failures=$((failures + 1)); continue
  fi
  for stackdir in "$out"/stacks/*/ "$out"/hcl/*/; do
    stack=$(basename "$stackdir")
    kind=$([ -f "$stackdir/cdk.tf" ] && echo "hcl" || echo "json")
    cp terraform-tests/"$stack"/*.tftest.hcl "$stackdir" 2>/dev/null || true
    log="$work/$name-$stack-$kind.log"
    if terraform -chdir="$stackdir" init -backend=false -input=false -no-color >"$log" 2>&1 \
      && terraform -chdir="$stackdir" validate -no-color >>"$log" 2>&1 \
      && terraform -chdir="$stackdir" test -no-color >>"$log" 2>&1; then
      echo "ok   $name/$stack ($kind): $(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || echo validated)"
    else
      echo "FAIL $name/$stack ($kind)"; sed 's/^/     /' "$log"; failures=$((failures + 1))
    fi
  done
done
[ "$failures" -eq 0 ] || { echo "validate: $failures failure(s)"; exit 1; }
echo "validate: every variant and stack passed"
