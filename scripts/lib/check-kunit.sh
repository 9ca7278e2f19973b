#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-kunit.sh - run the acme KUnit suite with the kernel's kunit.py
#
# usage: scripts/lib/check-kunit.sh [--kver 6.12|6.1] [--arch um|x86_64]
#
# Applies the series to the cached tree of KVER (scripts/lib/prepare-tree.sh) and
# runs, in that tree,
#
#   tools/testing/kunit/kunit.py run --kunitconfig=drivers/char/acme \
#       --arch=ARCH --build_dir=$ACME_CACHE/build/KVER-kunit-ARCH
#
# on UML (um, the default) or in QEMU (x86_64, under TCG). Compiles through
# ccache (ccache_cc). Fails unless kunit.py passes and the acme_core
# suite ran at least one test; prints kunit.py's summary line.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# kunit_run TREE BUILD ARCH LOG - kunit.py run; its output into LOG.
kunit_run() {
	local tree="$1" build="$2" arch="$3" out="$4"
	local cc
	local -a make_opts=()
	cc="$(ccache_cc gcc)"
	[[ -z "$cc" ]] || make_opts=(--make_options "CC=$cc")
	(cd "$tree" && python3 tools/testing/kunit/kunit.py run \
		--kunitconfig=drivers/char/acme --arch="$arch" \
		--build_dir="$build" --jobs="$(acme_jobs)" --timeout=600 \
		"${make_opts[@]}") >"$out" 2>&1
}

main() {
	local kver="" arch=um tree build out rc summary
	opts_parse --kver=kver --arch=arch -- "$@"
	opts_none
	kver="$(kver_normalize "$kver")"
	case "$arch" in
	um) ;;
	x86_64) need qemu-system-x86_64:qemu-system-x86 ;;
	*) die "--arch must be um or x86_64 (got '$arch')" ;;
	esac
	need python3:python3

	tree="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	build="$ACME_CACHE/build/$kver-kunit-$arch"
	mkdir -p -- "$build"
	out="$build/kunit.log"
	log "kunit.py run --arch=$arch on Linux $kver (build dir $build; a cold build takes minutes)"
	rc=0
	kunit_run "$tree" "$build" "$arch" "$out" || rc=$?
	summary="$(grep -E 'Testing complete\.' "$out" | tail -n 1 || true)"
	if ((rc != 0)); then
		tail -n 60 "$out"
		die "kunit.py failed with status $rc (full output: $out)"
	fi
	if ! grep -qE '\[PASSED\] acme_core( =+)?$' "$out"; then
		tail -n 60 "$out"
		die "the acme_core suite did not pass or did not run (full output: $out)"
	fi
	grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]' "$out" | sed 's/^\[[0-9:]*\] //'
	if [[ -n "$summary" ]]; then
		log "${summary#*] }"
	else
		log "kunit.py passed (no summary line in $out)"
	fi
}

main "$@"
