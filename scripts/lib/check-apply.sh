#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-apply.sh - apply the series to a pristine tree and compare
#
# usage: scripts/lib/check-apply.sh [--kver 6.12|6.1] --method quilt|git-am|patch
#
# Applies patches/ in the order of series to a pristine Debian Linux tree
# with `quilt push -a`, `git am` or `patch -p1` (no fuzz), then checks that
# every file under drivers/, include/, Documentation/ and tools/ of this
# repository is identical in the patched tree (the sources and the patches
# have not drifted apart); for a series with backports (series-6.1), the
# files they edit are compared with the edits applied
# (scripts/mkpatches --sources-for). With quilt it also checks that the
# undo of README.md (its steps are quilt_unapply's: quilt pop -a, then .pc/
# and the empty directories removed) gives the pristine tree back, with no
# directory left behind.
#
# The pristine tree is kept as a git repository in
# $ACME_CACHE/git/linux-KVER (made once, about a minute) and reset after
# every check.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

export GIT_AUTHOR_NAME="acme check" GIT_AUTHOR_EMAIL="acme-check@localhost"
export GIT_COMMITTER_NAME="acme check" GIT_COMMITTER_EMAIL="acme-check@localhost"

# git_tree KVER - the pristine tree as a git repository, tagged "pristine".
git_tree() {
	local kver="$1" repo pristine tmp
	repo="$ACME_CACHE/git/linux-$kver"
	if ! git -C "$repo" rev-parse -q --verify pristine >/dev/null 2>&1; then
		pristine="$(KSRC="" "$ACME_ROOT/scripts/lib/get-source.sh" --kver "$kver")"
		tmp="$repo.tmp.$$"
		rm -rf "$tmp" "$repo"
		mkdir -p "$ACME_CACHE/git"
		log "making a git repository of $pristine (once)"
		cp -a "$pristine" "$tmp"
		# Debian's tree ignores everything (/* in .gitignore): add with -f.
		git -C "$tmp" init -q
		# No automatic gc: repacking a kernel tree takes minutes of CPU.
		git -C "$tmp" config gc.auto 0
		git -C "$tmp" config maintenance.auto false
		git -C "$tmp" add -A -f
		git -C "$tmp" commit -q -m "Linux $kver, pristine Debian source"
		git -C "$tmp" tag pristine
		mv "$tmp" "$repo"
	fi
	printf '%s\n' "$repo"
}

reset_tree() {
	git -C "$1" am --abort >/dev/null 2>&1 || true
	git -C "$1" reset -q --hard pristine
	git -C "$1" clean -q -f -d -x
}

apply() {
	local tree="$1" method="$2" p series
	series="$(tree_series "$tree")"
	case "$method" in
	quilt) quilt_series "$tree" push -a -q --fuzz=0 >/dev/null ;;
	git-am)
		mapfile -t files < <(series_patches "$series")
		git -C "$tree" am -q "${files[@]}"
		;;
	patch)
		while read -r p; do
			patch -d "$tree" -p1 -s -N --fuzz=0 --no-backup-if-mismatch <"$p" ||
				return 1
		done < <(series_patches "$series")
		;;
	*) die "unknown method '$method' (quilt, git-am or patch)" ;;
	esac
}

# expected KVER DIR - write into DIR the files that the series of KVER
# gives differently from the sources (the edits of its backports).
expected() {
	local kver="$1" dir="$2"
	! series_is_sources "$kver" || return 0
	"$ACME_ROOT/scripts/mkpatches" --sources-for "$kver" --out "$dir"
}

# compare TREE KVER - the repository's sources, with the backport edits of
# KVER's series, equal the patched tree's files.
compare() {
	local tree="$1" kver="$2" f want bad=0 over
	over="$(mktemp -d)"
	expected "$kver" "$over" || { rm -rf "$over"; return 1; }
	while read -r f; do
		want="$ACME_ROOT/$f"
		[[ ! -e "$over/$f" ]] || want="$over/$f"
		if ! cmp -s "$want" "$tree/$f"; then
			log "drift: $f differs between the sources and the patched tree"
			bad=1
		fi
	done < <(cd "$ACME_ROOT" && find drivers include Documentation tools -type f | sort)
	rm -rf "$over"
	return "$bad"
}

main() {
	local kver="" method="" tree empty
	opts_parse --kver=kver --method=method -- "$@"
	opts_none
	kver="$(kver_normalize "$kver")"
	[[ -n "$method" ]] || die "missing --method quilt|git-am|patch"
	need git:git quilt:quilt patch:patch

	tree="$(git_tree "$kver")"
	reset_tree "$tree"
	if ! apply "$tree" "$method"; then
		reset_tree "$tree"
		die "the series does not apply to Linux $kver with $method"
	fi
	if ! compare "$tree" "$kver"; then
		reset_tree "$tree"
		die "the patched tree differs from the sources: run scripts/mkpatches"
	fi
	if [[ "$method" == quilt ]]; then
		# README.md's undo: quilt pop -a, .pc/ and the empty directories
		quilt_unapply "$tree" || die "quilt pop -a failed"
		[[ -z "$(git -C "$tree" status --porcelain)" ]] ||
			die "quilt pop -a did not restore the pristine tree"
		empty="$(find "$tree" -name .git -prune -o -type d -empty -print | tr '\n' ' ')"
		[[ -z "$empty" ]] || die "the undo leaves empty directories: $empty"
	fi
	reset_tree "$tree"
	log "$(basename "$(series_file "$kver")") applies to Linux $kver with $method and matches the sources"
}

main "$@"
