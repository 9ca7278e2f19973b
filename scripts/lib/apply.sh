#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/apply.sh - the apply stage: the acme series on a kernel tree, with quilt
#
# usage: scripts/lib/apply.sh --tree DIR
#
# What scripts/apply-series does (its --help tells how): `quilt push -a`
# of the tree's series file, re-applied only when patches/ or the series
# changed, the timestamps of unchanged files kept; a dirty or foreign tree
# is refused. The stages of scripts/lib/ (prepare-tree.sh, the checks) run
# this file; scripts/apply-series sources it and calls apply_main.
#
# Exit status: 0; 2 (ACME_EXIT_USAGE) for a bad option or argument; 3
# (ACME_EXIT_CONFIG) when the tree is refused or the series does not apply.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# series_stamp SERIES - a hash of SERIES and every patch it names.
series_stamp() {
	(cat "$1" && series_patches "$1" | xargs cat) | sha256sum | cut -d' ' -f1
}

# applied_files TREE - the files the applied stack touched: quilt keeps a
# backup (empty for a new file) of each in .pc/PATCH/.
applied_files() {
	(cd "$1/.pc" && find . -mindepth 2 -type f ! -name .timestamp -printf '%P\n') |
		cut -d/ -f2- | sort -u
}

# snapshot_files TREE - "HASH MTIME PATH" of every file the stack touched.
snapshot_files() {
	local tree="$1" f
	applied_files "$tree" | while IFS= read -r f; do
		[[ -f "$tree/$f" ]] || continue
		printf '%s %s %s\n' "$(sha256sum <"$tree/$f" | cut -d' ' -f1)" \
			"$(stat -c %.9Y -- "$tree/$f")" "$f"
	done
}

# restore_mtimes TREE SNAPSHOT - give each file whose content the new series
# left as it was its old modification time back, so that make rebuilds only
# what a changed patch really changed.
restore_mtimes() {
	local tree="$1" hash mtime f kept=0
	while read -r hash mtime f; do
		[[ -f "$tree/$f" ]] || continue
		[[ "$(sha256sum <"$tree/$f" | cut -d' ' -f1)" == "$hash" ]] || continue
		touch -m -d "@$mtime" -- "$tree/$f"
		kept=$((kept + 1))
	done <<<"$2"
	log "kept the timestamps of $kept unchanged files"
}

# stack_applied TREE - the tree's quilt stack holds applied patches (quilt
# keeps .pc/ after `quilt pop -a`, without an applied-patches file).
stack_applied() {
	[[ -s "$1/.pc/applied-patches" ]]
}

# owned TREE - the tree's applied quilt stack was made by this script.
owned() {
	[[ -f "$1/.pc/.acme-stamp" ]] && stack_applied "$1"
}

# check_pristine TREE - refuse a dirty or already patched tree.
check_pristine() {
	local tree="$1" series
	series="$(tree_series "$tree")"

	if [[ -d "$tree/.git/rebase-apply" ]]; then
		die "$tree has a git am in progress; finish it or run 'git -C $tree am --abort' first"
	fi
	if [[ -d "$tree/.git" ]] && [[ -n "$(git -C "$tree" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
		die "$tree has uncommitted changes; commit or stash them first (git -C $tree status)"
	fi
	if stack_applied "$tree"; then
		die "$tree has quilt patches applied ($(wc -l <"$tree/.pc/applied-patches") in .pc/applied-patches); pop them first: cd $tree && quilt pop -a"
	fi
	if [[ -e "$tree/drivers/char/acme/Kconfig" ]]; then
		if [[ -d "$tree/.git" ]]; then
			die "$tree already contains drivers/char/acme (committed, e.g. by git am); check out a commit without it, e.g. git -C $tree reset --hard HEAD~$(grep -c . "$series") after a git am of $series"
		fi
		die "$tree already contains drivers/char/acme (applied with patch?); take it out first: cd $tree && tac $series | while read -r p; do patch -R -p1 <$ACME_ROOT/patches/\$p; done"
	fi
	# A popped stack: drop acme's stamp; quilt_series points .pc/ at this
	# repository's patches before the push.
	rm -f -- "$tree/.pc/.acme-stamp"
}

# unpush TREE HAD_PC - take back a push that failed half way: pop what was
# applied and remove the .pc/ the push made (when there was none before)
# and the directories the series created.
unpush() {
	local tree="$1" had_pc="$2"
	if stack_applied "$tree"; then
		quilt_series "$tree" pop -a -f -q >/dev/null 2>&1 || true
	fi
	((had_pc)) || rm -rf -- "$tree/.pc"
	find "$tree/drivers/char/acme" "$tree/tools/testing/selftests/drivers/acme" \
		-depth -type d -empty -delete 2>/dev/null || true
}

apply() {
	local tree="$1" stamp snapshot="" series
	series="$(tree_series "$tree")"
	stamp="$(series_stamp "$series")"

	if owned "$tree"; then
		if [[ "$(cat "$tree/.pc/.acme-stamp")" == "$stamp" ]]; then
			log "series already applied to $tree"
			return 0
		fi
		log "series changed; re-applying to $tree"
		snapshot="$(snapshot_files "$tree")"
		quilt_unapply "$tree" || die "quilt pop -a failed in $tree"
	fi

	check_pristine "$tree"
	log "applying $(grep -c . "$series") patches of $(basename "$series") to $tree with quilt"
	local out had_pc=0
	[[ ! -d "$tree/.pc" ]] || had_pc=1
	if ! out="$(quilt_series "$tree" push -a --fuzz=0 2>&1)"; then
		printf '%s\n' "$out" >&2
		unpush "$tree" "$had_pc"
		die "the series does not apply to $tree (quilt output above; the tree is left as it was)"
	fi
	printf '%s\n' "$stamp" >"$tree/.pc/.acme-stamp"
	[[ -z "$snapshot" ]] || restore_mtimes "$tree" "$snapshot"
}

# apply_main ARGS... - the stage, on the command line ARGS.
apply_main() {
	local tree=""

	opts_parse --tree=tree -- "$@"
	opts_none
	[[ -n "$tree" ]] || usage_error "missing --tree DIR (the top of a Linux 6.12 or 6.1 tree)"
	# from here on, a failure is one of the configuration
	ACME_DIE_STATUS="$ACME_EXIT_CONFIG"
	need quilt
	tree="$("$ACME_ROOT/scripts/lib/get-source.sh" --check "$tree")" || fail_step "$?"
	apply "$tree"
}

# run alone, not sourced by scripts/apply-series
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	apply_main "$@"
fi
