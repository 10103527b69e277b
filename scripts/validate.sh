#!/usr/bin/env bash
# Synthesizes every configuration variant under terraform-tests/variants (JSON, and the HCL rendering for
# review), then for each stack runs the real Terraform CLI against a local provider mirror: init -backend=false,
# validate, and terraform test with mock_provider "aws" (the *.tftest.hcl files of terraform-tests/<stack>/).
#
# Provider mirror: $TF_PROVIDER_MIRROR (the directory that contains registry.terraform.io/), else discovered
# (scripts/tf-env.sh, shared with the backend contract test).
#
# Every check runs; npm test pays for this on every change, so it is arranged to take as little time as it can:
#  - Stacks run in parallel, $VALIDATE_JOBS at a time (default: one per CPU core), each in its own copy of the
#    synthesized stack with its own log. A stack prints one line when it ends; a failure also prints its whole log
#    at the end and counts exactly as before.
#  - Synthesis overlaps the Terraform runs: a stack is queued as soon as its variant's JSON (or HCL) is written.
#    Variants are synthesized one after another, never two at once: scripts/run-app.mjs bundles into one shared
#    file (.build/main.cjs), which a second synth could read half-written.
#  - `terraform init -backend=false` runs once per kind (JSON, HCL) and set of requirements (required_providers,
#    module sources). Every stack with the same ones gets a copy of that init's .terraform.lock.hcl and
#    .terraform, its providers directory linked: `validate` and `test` still check the installed provider against
#    the checksums in the lock file, and a stack whose requirements differ from it fails loudly ("Inconsistent
#    dependency lock file"). No TF_PLUGIN_CACHE_DIR: from an unpacked filesystem mirror init links the 700 MB
#    provider instead of copying it, so a cache would save nothing, and Terraform (>= 1.4) only takes a provider
#    from the cache when a lock file already lists its checksum.
#  - GOGC=400 (unless set) for terraform and the provider processes it starts: the AWS provider builds its whole
#    schema each time it starts (16 times per `terraform test` of the monitoring stack), and collecting garbage
#    less often cuts about a quarter of their CPU time, for about 0.6 GB peak per run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Test counts for CI: with VALIDATE_RESULTS_FILE set, {"passed": N, "failed": M} is written there on exit — the
# terraform test runs that passed and failed, plus one failure for each step that stopped before its tests
# (synth, init, validate, a run that did not finish) and for a run of this script that ended early.
passed=0
failed=0
collected=false
work=$(mktemp -d)

# kill_tree <pid>: that process and every process it started.
kill_tree() {
  local children child
  children=$(pgrep -P "$1" 2>/dev/null || true)
  kill -TERM "$1" 2>/dev/null || true
  for child in $children; do kill_tree "$child"; done
}

finish() {
  local rc=$?
  trap - INT TERM
  # Interrupted or stopped early: stop the runs still going, and count what ended and what did not.
  local pid
  for pid in $(pgrep -P $$ || true); do kill_tree "$pid"; done
  wait 2>/dev/null || true
  if ! $collected && [ -d "$work/jobs" ]; then collect || true; fi
  rm -rf "$work"
  if [ -n "${VALIDATE_RESULTS_FILE:-}" ]; then
    [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
    printf '{"passed": %d, "failed": %d}\n' "$passed" "$failed" > "$VALIDATE_RESULTS_FILE"
  fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=scripts/tf-env.sh
source scripts/tf-env.sh
tf_require_cli || exit 1
mirror=$(tf_find_mirror) || exit 1
tf_write_cli_config "$work/terraformrc" "$mirror"
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export GOGC="${GOGC:-400}"
parallel=${VALIDATE_JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "validate: provider mirror $mirror, $(terraform version | head -n 1), $parallel stacks at a time"
mkdir -p "$work/synth" "$work/jobs" "$work/init"

# now: microseconds since the epoch (whole seconds where bash is older than 5). seconds_since <now>: seconds
# elapsed since then, one decimal.
now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/[.,]/}"; else echo "$(($(date +%s) * 1000000))"; fi; }
seconds_since() {
  local tenths=$(( ($(now) - $1) / 100000 ))
  echo "$((tenths / 10)).$((tenths % 10))"
}
start=$(now)

# record <job dir> <ok|fail> <passed> <failed> <line>: a job's result, read back by collect.
record() { printf '%s\n%s\n%s\n%s\n' "$2" "$3" "$4" "$5" > "$1/result"; rm -f "$1/pending"; }

# run_stack <job id>: validate and terraform test in the job's own copy of the stack (xargs starts it).
run_stack() {
  local job="$work/jobs/$1"
  local dir="$job/dir" log="$job/log" label template
  local ok=false summary="" run_passed=0 run_failed=0 times="" t step=init
  label=$(<"$job/label")
  template=$(<"$job/template")
  {
    echo "== terraform init -backend=false ($(<"$template/seconds") s), shared by every stack with the requirements of $(<"$template/first"):"
    cat "$template/init.log"
  } >"$log"
  if [ -f "$template/init.ok" ] && mkdir -p "$dir/.terraform" \
    && { [ ! -d "$template/config/.terraform/providers" ] || ln -s "$template/config/.terraform/providers" "$dir/.terraform/providers"; } \
    && find "$template/config/.terraform" -mindepth 1 -maxdepth 1 ! -name providers -exec cp -R {} "$dir/.terraform/" \; \
    && { [ ! -f "$template/config/.terraform.lock.hcl" ] || cp "$template/config/.terraform.lock.hcl" "$dir/"; }; then
    step=validate
    t=$(now)
    echo "== terraform validate" >>"$log"
    if terraform -chdir="$dir" validate -no-color >>"$log" 2>&1; then
      times="validate $(seconds_since "$t") s"
      step=test
      t=$(now)
      echo "== terraform test" >>"$log"
      terraform -chdir="$dir" test -no-color >>"$log" 2>&1 && ok=true
      times="$times, test $(seconds_since "$t") s"
    fi
  fi
  # terraform test ends with "Success! N passed, M failed." or "Failure! N passed, M failed.".
  summary=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
  if [ -n "$summary" ]; then read -r run_passed _ run_failed _ <<<"${summary//,/}"; fi
  if $ok; then
    record "$job" ok "$run_passed" "$run_failed" "ok   $label: ${summary:-validated} ($times)"
  else
    # A step that stopped without a failed test to show for it (init, validate) still counts as one failure.
    if [ -z "$summary" ] || [ "$run_failed" -eq 0 ]; then run_failed=$((run_failed + 1)); fi
    record "$job" fail "$run_passed" "$run_failed" "FAIL $label: $step${summary:+, $summary}"
  fi
  sed -n 4p "$job/result"
}
export -f run_stack record seconds_since now
export work

# provider_key <dir> <kind>: what `terraform init -backend=false` installs for the configuration in <dir> (its
# required_providers and module sources, and the module sources of its test files), as one line.
provider_key() {
  local dir=$1 kind=$2 config tests
  if [ "$kind" = json ]; then
    config=$(node -e '
      const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const sorted = (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);
      const modules = Object.values(c.module ?? {}).map((m) => `${m.source}@${m.version ?? ""}`).sort();
      console.log(JSON.stringify(sorted({ providers: c.terraform?.required_providers ?? {}, modules })));
    ' "$dir/cdk.tf.json" 3>&-)
  else
    # The required_providers block, and the source and version of every module block, without whitespace.
    config=$(awk '
      /required_providers[ \t]*\{/ { inblock = 1; depth = 0 }
      inblock { line = $0; depth += gsub(/\{/, "{", line) - gsub(/\}/, "}", line); gsub(/[ \t]/, ""); printf "%s", $0; if (depth <= 0) inblock = 0; next }
      /^[ \t]*module[ \t]/ { inmodule = 1 }
      inmodule && /^[ \t]*(source|version)[ \t]*=/ { gsub(/[ \t]/, ""); printf "|%s", $0 }
      inmodule && /^\}/ { inmodule = 0 }
    ' "$dir"/*.tf)
  fi
  tests=$(cat "$dir"/*.tftest.hcl 2>/dev/null | grep -E '^[[:space:]]*source[[:space:]]*=' | tr -d ' \t' | sort | tr '\n' '|' || true)
  echo "$kind $config $tests"
}

# shared_init <job dir> <label> <kind>: prints the directory holding the `terraform init -backend=false` this
# stack reuses, running it the first time its requirements are seen (init.ok on success, init.log its output).
shared_init() {
  local key template t
  key=$(provider_key "$1" "$3")
  template="$work/init/$(printf '%s' "$key" | cksum | tr -c '0-9\n' '-')"
  if [ ! -d "$template" ]; then
    mkdir -p "$template"
    cp -R "$1/." "$template/config"
    echo "$2" > "$template/first"
    t=$(now)
    if terraform -chdir="$template/config" init -backend=false -input=false -no-color >"$template/init.log" 2>&1 3>&-; then
      touch "$template/init.ok"
    fi
    seconds_since "$t" > "$template/seconds"
  fi
  echo "$template"
}

# queue <variant> <kind> <stack dirs…>: a copy of each stack with its tests, its init, and its job id on fd 3.
seq=0
queue() {
  local name=$1 kind=$2 stackdir stack id job
  shift 2
  for stackdir in "$@"; do
    [ -d "$stackdir" ] || continue
    stack=$(basename "$stackdir")
    seq=$((seq + 1))
    id=$(printf '%03d-%s-%s-%s' "$seq" "$name" "$stack" "$kind")
    job="$work/jobs/$id"
    mkdir -p "$job"
    cp -R "${stackdir%/}" "$job/dir"
    cp terraform-tests/"$stack"/*.tftest.hcl "$job/dir" 2>/dev/null || true
    # Tests of what only one variant configures: terraform-tests/<stack>/<variant>/*.tftest.hcl.
    cp terraform-tests/"$stack"/"$name"/*.tftest.hcl "$job/dir" 2>/dev/null || true
    echo "$name/$stack ($kind)" > "$job/label"
    touch "$job/pending"
    shared_init "$job/dir" "$name/$stack ($kind)" "$kind" > "$job/template"
    echo "$id" >&3
  done
}

# synth_failure <variant> <step> <log>: a synthesis that failed, recorded as a failed job of its own.
synth_failure() {
  local job
  seq=$((seq + 1))
  job="$work/jobs/$(printf '%03d-%s-%s' "$seq" "$1" "$2")"
  mkdir -p "$job"
  cp "$3" "$job/log"
  record "$job" fail 0 1 "FAIL $1: $2"
  sed -n 4p "$job/result"
}

synthesize_all() {
  local variant name out log t
  for variant in terraform-tests/variants/*.json; do
    name=$(basename "$variant" .json)
    out="$work/synth/$name"
    log="$work/synth/$name.log"
    t=$(now)
    # Every variant sets an explicit suffix: hashicorp/random is not in the mirror.
    if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node scripts/run-app.mjs >"$log" 2>&1 3>&-; then
      synth_failure "$name" synth "$log"; continue
    fi
    queue "$name" json "$out"/stacks/*/
    # The HCL rendering for review (npm run synth:hcl) must be valid Terraform too.
    if ! MONITOR_CONFIG="$variant" CDKTF_OUTDIR="$out" node --import tsx scripts/synth-hcl.ts >>"$log" 2>&1 3>&-; then
      synth_failure "$name" synth:hcl "$log"; continue
    fi
    queue "$name" hcl "$out"/hcl/*/
    echo "synth $name: JSON and HCL in $(seconds_since "$t") s"
  done
}

# collect: every job's result in order, failures with their whole log; sets passed, failed and failures.
failures=0
collect() {
  collected=true
  local job status run_passed run_failed line
  for job in "$work"/jobs/*/; do
    job=${job%/}
    [ -d "$job" ] || continue
    if [ -f "$job/pending" ] || [ ! -f "$job/result" ]; then
      record "$job" fail 0 1 "FAIL $(cat "$job/label" 2>/dev/null || basename "$job"): did not finish"
    fi
    { read -r status; read -r run_passed; read -r run_failed; read -r line; } <"$job/result"
    passed=$((passed + run_passed))
    failed=$((failed + run_failed))
    if [ "$status" != ok ]; then
      failures=$((failures + 1))
      echo "$line"
      if [ -f "$job/log" ]; then sed 's/^/     /' "$job/log"; fi
    fi
  done
}

# The synthesis feeds job ids (fd 3, closed for every program it starts) to xargs, which runs up to $parallel of
# them at a time as they arrive; its own messages go to stdout (fd 4). "done" says it was not stopped half-way.
# In the background, so that a signal reaches the trap at once.
exec 4>&1
{ synthesize_all 3>&1 1>&4 4>&- && touch "$work/synth/done"; } \
  | xargs -r -n 1 -P "$parallel" bash -c 'run_stack "$1"' run_stack 4>&- &
pipeline=$!
wait "$pipeline" || true
if [ ! -f "$work/synth/done" ]; then
  echo "FAIL synthesis stopped before every variant was queued (see above)"
  failed=$((failed + 1))
fi
collect
if [ "$failures" -gt 0 ] || [ ! -f "$work/synth/done" ]; then
  echo "validate: $failures failure(s); terraform test: $passed passed, $failed failed ($(seconds_since "$start") s)"
  exit 1
fi
echo "validate: every variant and stack passed; terraform test: $passed passed, $failed failed ($(seconds_since "$start") s)"
