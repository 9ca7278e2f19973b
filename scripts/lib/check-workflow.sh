#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-workflow.sh - the GitHub workflows are valid and hold no logic
#
# usage: scripts/lib/check-workflow.sh [--dir DIR]
#
# Checks every .github/workflows/*.yml (or DIR/*.yml):
#   - action-validator (npm's @action-validator/cli, installed into
#     $ACME_CACHE/npm when missing; the npm registry must be reachable
#     then) validates it against GitHub's workflow schema;
#   - every `run:` is one line, a command a user runs the same way: a
#     program under scripts/ (which exists and is executable) or
#     `bash .ci/run`, with plain words as arguments (${{ context.value }}
#     allowed) and at most a final `| tee FILE`; no block scalar, no ';',
#     '&&', '||', quotes, redirection or $(...): the logic belongs in
#     scripts/. The workflow runs its steps with `defaults: run: shell:
#     bash` (bash -eo pipefail, so that a failed command fails its tee),
#     and no job or step sets another shell;
#   - a job runs `scripts/matrix --shard ${{ matrix.shard }}/N` over
#     `strategy: matrix: shard: [1, ..., N]`, where N is the number of
#     shards that `scripts/matrix --list` balances the cells into;
#   - nothing is left out: a job runs the CI tier, and every group of
#     `scripts/test --list` outside the --ci tier, or bounded there, is
#     named by a `scripts/test -t` of some job (each name one it knows).
# Prints what it checked; fails with every finding.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# action-validator, pinned: the CLI and its core (the schema) go together.
AV_VERSION=0.6.0
AV_PREFIX="$ACME_CACHE/npm"
AV="$AV_PREFIX/node_modules/.bin/action-validator"

# need_action_validator - install action-validator $AV_VERSION into
# $AV_PREFIX unless it is there.
need_action_validator() {
	local have=""
	need node:nodejs npm:npm
	if [[ -f "$AV_PREFIX/node_modules/@action-validator/cli/package.json" ]]; then
		have="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
			"$AV_PREFIX/node_modules/@action-validator/cli/package.json" | head -n1)"
	fi
	[[ -x "$AV" && "$have" == "$AV_VERSION" ]] && return 0
	log "installing @action-validator/cli@$AV_VERSION into $AV_PREFIX"
	mkdir -p -- "$AV_PREFIX"
	npm install --prefix "$AV_PREFIX" --no-audit --no-fund --loglevel=error \
		"@action-validator/cli@$AV_VERSION" "@action-validator/core@$AV_VERSION" >&2 ||
		die "npm install @action-validator/cli@$AV_VERSION failed: the npm registry must be reachable once (npm config get registry), or install it by hand with npm install --prefix $AV_PREFIX"
	[[ -x "$AV" ]] || die "npm installed no $AV: remove $AV_PREFIX and run again"
}

# workflow_facts FILE - what the checks need of FILE, one record a line,
# fields separated by tabs (newlines in values as \n):
#   shell  WHERE      SHELL    the shell of the workflow's defaults (WHERE
#                              "-"), of a job's defaults or of a step
#   run    JOB WHERE  COMMAND  a step's run
#   shards JOB        LIST     a job's strategy.matrix.shard, comma-separated
workflow_facts() {
	python3 - "$1" <<'PY'
import sys, yaml

def esc(v):
    return str(v).replace("\\", "\\\\").replace("\n", "\\n").replace("\t", " ")

def out(*f):
    print("\t".join(esc(x) for x in f))

with open(sys.argv[1]) as f:
    wf = yaml.safe_load(f)
if not isinstance(wf, dict):
    sys.exit("not a YAML mapping")
out("shell", "-", ((wf.get("defaults") or {}).get("run") or {}).get("shell", ""))
for job, j in (wf.get("jobs") or {}).items():
    if not isinstance(j, dict):
        continue
    sh = ((j.get("defaults") or {}).get("run") or {}).get("shell")
    if sh is not None:
        out("shell", "job " + job, sh)
    m = (j.get("strategy") or {}).get("matrix")
    if isinstance(m, dict) and "shard" in m:
        s = m["shard"]
        out("shards", job, ",".join(str(x) for x in s) if isinstance(s, list) else s)
    for i, st in enumerate(j.get("steps") or [], 1):
        if not isinstance(st, dict):
            continue
        where = "job %s, step %d (%s)" % (job, i, st.get("name") or st.get("uses") or "run")
        if "shell" in st:
            out("shell", where, st["shell"])
        if "run" in st:
            out("run", job, where, st["run"])
PY
}

# check_run FILE JOB WHERE COMMAND - COMMAND is one plain command of
# scripts/ or bash .ci/run, optionally piped into tee FILE. When it runs
# scripts/matrix --shard ${{ matrix.shard }}/N, JOB=N goes into MATRIX_RUNS.
check_run() {
	local file="$1" job="$2" where="$3" cmd="$4" plain prog word='[A-Za-z0-9_./=,:+@%-]+'
	local fix="make it one command of scripts/ (put the logic in a script there)"
	if [[ "$cmd" == *\\n* ]]; then
		check_error "$file: $where: run: has several lines: $fix"
		return 0
	fi
	# ${{ context.value }} is a plain word; any other expression is logic.
	plain="$(sed -E 's/\$\{\{ *[A-Za-z_][A-Za-z0-9_.-]* *\}\}/EXPR/g' <<<"$cmd")"
	if [[ ! "$plain" =~ ^(scripts/$word|bash\ \.ci/run)(\ $word)*(\ \|\ tee\ $word)?$ ]]; then
		check_error "$file: $where: run: '$cmd' is not a plain command of scripts/ or bash .ci/run (plain words, at most a final '| tee FILE'): $fix"
		return 0
	fi
	prog="${plain%% *}"
	if [[ "$prog" == scripts/test && "$plain" =~ \ -t\ ([A-Za-z0-9_.,-]+) ]]; then
		TEST_T+=("${BASH_REMATCH[1]//,/ }")
	fi
	[[ ! "$plain" =~ ^(scripts/test\ --ci|bash\ \.ci/run)(\ |$) ]] || CI_TIER=1
	if [[ "$prog" == scripts/* ]]; then
		[[ "$prog" != *..* && -f "$ACME_ROOT/$prog" && -x "$ACME_ROOT/$prog" ]] ||
			check_error "$file: $where: run: $prog is no executable file of the repository: fix the path (or chmod +x it)"
	fi
	[[ "$prog" == scripts/matrix ]] || return 0
	if [[ "$cmd" =~ \ --shard\ \$\{\{\ *matrix\.shard\ *\}\}/([0-9]+)(\ |$) ]]; then
		MATRIX_RUNS+=("$job=${BASH_REMATCH[1]}")
	else
		check_error "$file: $where: run: scripts/matrix without --shard \${{ matrix.shard }}/N: run one shard per job of a matrix"
	fi
}

# check_file FILE N - every check of one workflow; N is matrix --list's.
check_file() {
	local file="$1" n="$2" kind job where value out rc=0 runs=0 jn want i
	local -a facts=()
	local -A shards=()
	if out="$(cd "$ACME_ROOT" && "$AV" "$file" 2>&1)"; then
		log "$file: action-validator: valid"
	else
		check_error "$file: action-validator finds it invalid (the start of its report below): fix what it names, then run $AV $file"
		head -n 40 <<<"$out" >&2
	fi
	out="$(workflow_facts "$file" 2>&1)" || rc=$?
	if ((rc)); then
		check_error "$file: not readable as YAML: $out"
		return 0
	fi
	MATRIX_RUNS=()
	mapfile -t facts <<<"$out"
	for value in "${facts[@]}"; do
		IFS=$'\t' read -r kind value <<<"$value"
		case "$kind" in
		shell)
			IFS=$'\t' read -r where value <<<"$value"
			if [[ "$where" == - ]]; then
				[[ "$value" == bash ]] ||
					check_error "$file: no 'defaults: run: shell: bash' (got '${value:-none}'): add it, so that runs are bash -eo pipefail and a failed command fails its tee"
			else
				[[ "$value" == bash ]] ||
					check_error "$file: $where sets shell '$value': remove it (the workflow's default is bash)"
			fi
			;;
		run)
			IFS=$'\t' read -r job where value <<<"$value"
			runs=$((runs + 1))
			check_run "$file" "$job" "$where" "$value"
			;;
		shards)
			IFS=$'\t' read -r job value <<<"$value"
			shards[$job]="$value"
			;;
		esac
	done
	((runs > 0)) || check_error "$file: no step has a run: a workflow of this repository runs scripts/"
	want=1
	for ((i = 2; i <= n; i++)); do want+=",$i"; done
	for jn in "${MATRIX_RUNS[@]}"; do
		job="${jn%=*}"
		[[ "${jn#*=}" == "$n" ]] ||
			check_error "$file: job $job runs scripts/matrix --shard \${{ matrix.shard }}/${jn#*=}, but scripts/matrix --list balances $n shards: write /$n (or change DEFAULT_SHARDS in scripts/matrix)"
		[[ "${shards[$job]:-}" == "$want" ]] ||
			check_error "$file: job $job has strategy.matrix.shard [${shards[$job]//,/, }], not [${want//,/, }]: list the $n shards of scripts/matrix --list"
	done
	MATRIX_JOBS+=("${MATRIX_RUNS[@]}")
	log "$file: $runs runs checked; scripts/matrix shard jobs: ${MATRIX_RUNS[*]:-none}"
}

# check_groups - every group that the --ci tier leaves out or bounds is
# run by a job (TEST_T: the groups of the workflows' scripts/test -t).
check_groups() {
	local name tiers what g ran
	local -a names=()
	((CI_TIER)) || check_error "no workflow job runs the CI tier (scripts/test --ci or bash .ci/run): add one"
	while read -r name tiers what; do
		[[ "$name" != GROUP && "$name" != *:* && -n "$name" ]] && names+=("$name")
	done < <("$ACME_ROOT/scripts/test" --list)
	for g in ${TEST_T[@]+${TEST_T[@]}}; do
		[[ " ${names[*]} " == *" $g "* ]] ||
			check_error "a job runs scripts/test -t $g, a group scripts/test --list does not know: fix the name"
	done
	while read -r name tiers what; do
		[[ "$name" != GROUP && "$name" != *:* && -n "$name" && "$tiers" =~ ^[fcq]+$ ]] || continue
		[[ "$tiers" != *c* || "$what" == *"bounded in --ci"* ]] || continue
		ran=0
		for g in ${TEST_T[@]+"${TEST_T[@]}"}; do
			[[ " $g " != *" $name "* ]] || ran=1
		done
		((ran)) || check_error "the test group '$name' is not in the --ci tier (or bounded there) and no workflow job runs scripts/test -t $name: add it to a job, so that nothing is left out"
	done < <("$ACME_ROOT/scripts/test" --list)
}

main() {
	local dir="" n file
	local -a files=() lines=()
	opts_parse --dir=dir -- "$@"
	opts_none
	dir="${dir:-$ACME_ROOT/.github/workflows}"
	[[ -d "$dir" ]] || die "no $dir: the workflows live in .github/workflows/ (restore it from git)"
	mapfile -t files < <(find "$dir" -maxdepth 1 -name '*.yml' | LC_ALL=C sort)
	((${#files[@]})) || die "no *.yml in $dir: restore .github/workflows/ci.yml from git"
	need_action_validator
	need_py python3 yaml:python3-yaml
	mapfile -t lines < <("$ACME_ROOT/scripts/matrix" --list | sed -n 's|^shard [0-9]*/\([0-9]*\):.*|\1|p' | sort -u)
	((${#lines[@]} == 1)) ||
		die "scripts/matrix --list prints no single shard count N ('shard I/N: ...' lines): fix scripts/matrix"
	n="${lines[0]}"
	MATRIX_JOBS=() TEST_T=() CI_TIER=0
	for file in "${files[@]}"; do
		check_file "$file" "$n"
	done
	check_groups
	((${#MATRIX_JOBS[@]})) ||
		check_error "no workflow runs scripts/matrix --shard \${{ matrix.shard }}/$n: add a job over strategy.matrix.shard [1..$n] (see .github/workflows/ci.yml in git)"
	((CHECK_ERRORS == 0)) || die "$CHECK_ERRORS findings in the workflows (above)"
	log "${#files[@]} workflows valid; every run is a command of scripts/; the matrix runs in $n shards"
}

main "$@"
