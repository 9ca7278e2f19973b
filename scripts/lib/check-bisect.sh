#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-bisect.sh - every prefix of the series builds
#
# usage: scripts/lib/check-bisect.sh [--kver 6.12|6.1]
#
# In the harness's tree (scripts/lib/prepare-tree.sh), pops the series, then
# pushes it back one patch at a time and builds the kernel with acme =m
# after each patch, in its own build directory ($ACME_CACHE/build/KVER-bisect).
# Ends with the whole series applied, as scripts/lib/apply.sh leaves it.
# The series is the one for KVER: series-6.1 for Linux 6.1, in which the
# patches that need a backport are swapped for it.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# reapply TREE - back to the whole series, applied the usual way.
reapply() {
	quilt_unapply "$1" 2>/dev/null || true
	"$ACME_ROOT/scripts/lib/apply.sh" --tree "$1"
}

main() {
	local kver="" tree build k=0 n p series
	opts_kver kver "$@"
	[[ -z "${KSRC:-}" ]] || die "check-bisect works on the harness's own tree; unset KSRC"
	# it pops and pushes the shared tree: no other run may use it meanwhile
	lock_tree "$kver"

	tree="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	build="$ACME_CACHE/build/$kver-bisect"
	series="$(series_file "$kver")"
	n="$(grep -c . "$series")"
	quilt_series "$tree" pop -a -q >/dev/null || die "quilt pop -a failed in $tree"
	rm -f "$tree/.pc/.acme-stamp"

	while read -r p; do
		[[ -n "$p" ]] || continue
		k=$((k + 1))
		if ! quilt_series "$tree" push -q --fuzz=0 >/dev/null; then
			reapply "$tree"
			die "patch $k/$n ($p) does not apply"
		fi
		log "patch $k/$n: $p"
		if ! "$ACME_ROOT/scripts/lib/configure.sh" --tree "$tree" --build "$build" --acme m ||
			! "$ACME_ROOT/scripts/lib/build.sh" --tree "$tree" --build "$build" --quiet >/dev/null; then
			reapply "$tree"
			die "the series does not build after patch $k/$n ($p)"
		fi
		log "patch $k/$n builds"
	done <"$series"
	reapply "$tree"
	log "every prefix of $(basename "$series") builds (Linux $kver, acme=m)"
}

main "$@"
