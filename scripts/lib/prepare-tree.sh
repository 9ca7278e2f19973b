#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/prepare-tree.sh - a kernel tree with the acme series applied
#
# usage: scripts/lib/prepare-tree.sh [--kver 6.12|6.1]
#
# Prints the path of the patched tree on stdout. With KSRC=/path the series
# is applied to that tree in place (it must be Linux 6.12 or 6.1; a dirty
# or already patched tree is refused). Otherwise the tree is $ACME_CACHE/tree/linux-KVER, a hard-linked
# copy of the pristine Debian source (scripts/lib/get-source.sh) that keeps a quilt
# stack, so the series is re-applied only when patches/ or series changed.
# Do not edit its files in place: edit the sources and run scripts/loop.
# Exit status: 0; 2 for a bad option; 3 (ACME_EXIT_CONFIG) when the tree
# cannot be had or the series does not apply to it (scripts/lib/apply.sh).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# cached_tree KVER - the cache copy of the pristine tree, made once.
cached_tree() {
	local kver="$1" pristine tree tmp
	tree="$(cache_tree "$kver")"
	if [[ ! -f "$tree/Makefile" ]]; then
		pristine="$("$ACME_ROOT/scripts/lib/get-source.sh" --kver "$kver")"
		tmp="$tree.tmp.$$"
		mkdir -p "$ACME_CACHE/tree"
		rm -rf "$tmp"
		# Hard links: a copy in a second, not eight. Nothing writes a file
		# of the tree in place: quilt and patch replace the files they
		# change, and builds write to O= directories only.
		log "linking $pristine to $tree"
		cp -al "$pristine" "$tmp"
		mv "$tmp" "$tree"
	fi
	printf '%s\n' "$tree"
}

main() {
	local kver="" tree

	opts_kver kver "$@"
	# from here on, a failure is one of the configuration
	ACME_DIE_STATUS="$ACME_EXIT_CONFIG"
	lock_tree "$kver"

	if [[ -n "${KSRC:-}" ]]; then
		# checks that KSRC exists and is a Linux 6.12 or 6.1 tree
		tree="$("$ACME_ROOT/scripts/lib/get-source.sh")" || fail_step "$?"
	else
		tree="$(cached_tree "$kver")" || fail_step "$?"
	fi
	"$ACME_ROOT/scripts/lib/apply.sh" --tree "$tree" || fail_step "$?"
	printf '%s\n' "$tree"
}

main "$@"
