#!/usr/bin/env bash
# The Terraform CLI and the offline hashicorp/aws provider mirror, for every check that runs real Terraform.
#
# Sourced (scripts/validate.sh): defines tf_require_cli, tf_find_mirror and tf_write_cli_config.
# Run (the Jest contract tests): `bash scripts/tf-env.sh [cli-config-file]` checks the CLI, finds the mirror,
# writes a CLI configuration that installs hashicorp/* from it (when a file is named) and prints the mirror
# directory. Exit code 1 with one line on stderr when the CLI or the mirror is missing.
#
# Provider mirror: $TF_PROVIDER_MIRROR (the directory that contains registry.terraform.io/), else discovered.

tf_require_cli() {
  command -v terraform >/dev/null && return 0
  echo "terraform CLI not found on PATH (need >= 1.10 for use_lockfile, >= 1.7 for mock providers)" >&2
  return 1
}

tf_find_mirror() {
  if [ -n "${TF_PROVIDER_MIRROR:-}" ]; then
    [ -d "$TF_PROVIDER_MIRROR/registry.terraform.io/hashicorp/aws" ] || {
      echo "TF_PROVIDER_MIRROR=$TF_PROVIDER_MIRROR has no registry.terraform.io/hashicorp/aws inside" >&2; return 1; }
    echo "$TF_PROVIDER_MIRROR"; return 0
  fi
  # Terraform's own implied mirror directories first, then a search of the machine.
  local candidates=("$HOME/.terraform.d/plugins" "${XDG_DATA_HOME:-$HOME/.local/share}/terraform/plugins" "/usr/local/share/terraform/plugins" "/usr/share/terraform/plugins")
  local c
  for c in "${candidates[@]}"; do
    [ -d "$c/registry.terraform.io/hashicorp/aws" ] && { echo "$c"; return 0; }
  done
  local found
  # The first match ends the search; pseudo-filesystems, node_modules and .git are not searched.
  found=$(find / -maxdepth 6 \( -path /proc -o -path /sys -o -path /dev -o -name node_modules -o -name .git \) -prune \
    -o -type d -path '*registry.terraform.io/hashicorp/aws' -print -quit 2>/dev/null || true)
  [ -n "$found" ] && { dirname "$(dirname "$(dirname "$found")")"; return 0; }
  echo "no hashicorp/aws provider mirror found; set TF_PROVIDER_MIRROR to the directory containing registry.terraform.io/" >&2
  return 1
}

# tf_write_cli_config <file> <mirror>: hashicorp/* from the mirror only, everything else as usual.
tf_write_cli_config() {
  cat > "$1" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$2"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
RC
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  tf_require_cli
  mirror=$(tf_find_mirror)
  if [ $# -gt 0 ]; then tf_write_cli_config "$1" "$mirror"; fi
  echo "$mirror"
fi
