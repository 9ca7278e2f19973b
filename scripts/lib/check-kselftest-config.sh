#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-kselftest-config.sh - make kselftest-merge keeps acme
#
# usage: scripts/lib/check-kselftest-config.sh [--kver 6.12|6.1]
#
# Configures the patched tree of KVER (scripts/lib/prepare-tree.sh) the way the
# kselftest documentation does: x86_64_defconfig, then `make
# kselftest-merge`, which merges every selftest's config fragment, ours
# among them, and runs olddefconfig. Fails unless the result has what the
# acme kselftest needs: CONFIG_ACME_DRIVERS=y, CONFIG_ACME=m (with
# CONFIG_ACME_CORE=m, which it selects) and CONFIG_ACME_HELLO=m. Only
# configures; builds nothing.
# The build directory is $ACME_CACHE/build/KVER-kselftest-merge.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# want BUILD SYMBOL VALUE - .config of BUILD sets CONFIG_SYMBOL=VALUE.
want() {
	local got
	got="$(kconfig_get "$1" "$2")"
	[[ "$got" == "$3" ]] && return 0
	check_error "CONFIG_$2=${got:-<unset>} after make kselftest-merge, the acme kselftest needs =$3"
}

main() {
	local kver="" tree build
	opts_kver kver "$@"
	need make:make gcc:gcc flex:flex bison:bison
	tree="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	build="$ACME_CACHE/build/$kver-kselftest-merge"
	mkdir -p "$build"
	log "make x86_64_defconfig kselftest-merge in $build"
	make -s -C "$tree" O="$build" x86_64_defconfig >&2
	make -s -C "$tree" O="$build" kselftest-merge >"$build/merge.log" 2>&1 || {
		tail -n 20 "$build/merge.log" >&2
		die "make kselftest-merge failed (log: $build/merge.log)"
	}
	want "$build" ACME_DRIVERS y
	want "$build" ACME m
	want "$build" ACME_CORE m
	want "$build" ACME_HELLO m
	((CHECK_ERRORS == 0)) || die "the acme kselftest config fragment is not honoured ($kver)"
	log "make kselftest-merge ($kver): CONFIG_ACME_DRIVERS=y CONFIG_ACME=m CONFIG_ACME_CORE=m CONFIG_ACME_HELLO=m"
}

main "$@"
