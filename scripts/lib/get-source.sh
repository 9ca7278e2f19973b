#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/get-source.sh - print the path of a pristine kernel source tree.
#
# usage: scripts/lib/get-source.sh [--kver 6.12|6.1]
#        scripts/lib/get-source.sh --check DIR
#
# Print (on stdout, and nothing else) the path of the pristine kernel tree
# $ACME_CACHE/src/linux-source-KVER, extracting it from Debian's
# /usr/src/linux-source-KVER.tar.xz first when needed (the package
# linux-source-KVER is installed when missing). Extraction goes to a temp
# dir that is renamed into place, and a stamp file
# ($ACME_CACHE/src/linux-source-KVER.stamp) marks it complete, so an
# interrupted extraction is redone. Never build inside the printed tree:
# use O=BUILD.
#
# With KSRC set, or with --check DIR, it extracts nothing: it checks that
# the tree exists and is the top of a Linux 6.12 or 6.1 source tree, and
# prints its absolute path (or fails with "acme: error: ...").
#
# Options:
#   --kver V     6.12 or 6.1 (default: $ACME_KVER, else 6.12)
#   --check DIR  check DIR as above and print its absolute path
#   -h, --help   show this help
#
# Environment:
#   KSRC         use this kernel tree instead (checked, printed)
#   ACME_CACHE   cache dir (default ~/.cache/acme)
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KVER="" CHECK=""
# The kernel versions the series applies to.
SUPPORTED="${ACME_KVERS[*]}"

parse_args() {
	opts_parse --kver=KVER --check=CHECK -- "$@"
	opts_none
}

# check_tree DIR LABEL FIX - print DIR's absolute path after checking that
# it is the top of a kernel tree of a supported version; LABEL names DIR and
# FIX says what to do in the error messages.
check_tree() {
	local dir="$1" label="$2" fix="$3" v s
	[[ -n "$dir" ]] || die "$label is empty; $fix"
	[[ -e "$dir" ]] || die "$label does not exist; $fix"
	[[ -d "$dir" ]] || die "$label is not a directory; $fix"
	is_kernel_tree "$dir" ||
		die "$label is not the top of a kernel source tree (no Makefile with 'VERSION =', or no Kconfig); $fix"
	v="$(tree_version "$dir")"
	for s in $SUPPORTED; do
		if [[ "$v" == "$s" ]]; then
			(cd "$dir" && pwd -P)
			return 0
		fi
	done
	die "$label is Linux $v, which acme does not support (the series applies to ${SUPPORTED// / and }); $fix"
}

# tarball_id TARBALL - size and mtime, recorded in the stamp.
tarball_id() { stat -c '%s %Y %n' -- "$1"; }

# looks_complete DIR - a tree extracted by someone else, without our stamp.
looks_complete() {
	local d
	is_kernel_tree "$1" || return 1
	for d in arch drivers include init kernel scripts usr tools; do
		[[ -d "$1/$d" ]] || return 1
	done
	[[ -f "$1/scripts/kconfig/merge_config.sh" && -f "$1/usr/gen_init_cpio.c" ]]
}

# unpacked_size TARBALL - human size of the uncompressed tar (from xz's index).
unpacked_size() {
	local bytes
	bytes="$(xz --robot --list "$1" 2>/dev/null | awk '$1 == "totals" {print $5}')"
	if [[ "$bytes" =~ ^[0-9]+$ ]]; then
		echo "$((bytes / 1048576)) MiB unpacked"
	else
		echo "size unknown"
	fi
}

# extract TARBALL DEST STAMP - atomic extraction (temp dir, then rename).
extract() {
	local tarball="$1" dest="$2" stamp="$3" tmp top t0
	tmp="$(mktemp -d "$SRC_ROOT/.extract-$(basename "$dest").XXXXXX")"
	t0="$(now)"
	log "extracting $tarball ($(unpacked_size "$tarball")) into $dest (about a minute)..."
	# tar's checkpoint lines come as "tar: acme: ..."; strip the "tar: "
	{ tar -C "$tmp" -xf "$tarball" --checkpoint=15000 \
		--checkpoint-action='echo=acme: extracting... %{r}T' 2>&1 >&3 |
		sed -u 's/^tar: acme:/acme:/' >&2; } 3>&1 ||
		die "extracting $tarball failed (left in $tmp; it is removed next time)"
	top="$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)"
	if [[ -z "$top" ]] || ! is_kernel_tree "$top"; then
		die "$tarball did not contain a kernel tree"
	fi
	rm -rf -- "$dest"
	mv -- "$top" "$dest"
	rmdir -- "$tmp"
	tarball_id "$tarball" >"$stamp"
	log "extracted in $(elapsed_since "$t0") s: $dest"
}

# clean_stale NAME - remove temp dirs of interrupted extractions.
clean_stale() {
	local d
	for d in "$SRC_ROOT/.extract-$1".* "$SRC_ROOT/.stale-$1".*; do
		[[ -d "$d" ]] || continue
		log "removing leftover $d"
		rm -rf -- "$d"
	done
}

# ensure_tree - make sure the extracted tree exists; print its path.
ensure_tree() {
	local name="linux-source-$KVER"
	local dest="$SRC_ROOT/$name" stamp="$SRC_ROOT/$name.stamp"
	local tarball="/usr/src/$name.tar.xz"
	if [[ -d "$dest" && -f "$stamp" ]]; then
		if [[ -f "$tarball" && "$(tarball_id "$tarball")" != "$(cat "$stamp")" ]]; then
			warn "$tarball changed since $dest was extracted; remove $dest to re-extract"
		fi
		printf '%s\n' "$dest"
		return 0
	fi
	mkdir -p -- "$SRC_ROOT"
	exec 9>"$SRC_ROOT/.lock-$name"
	flock 9 || die "cannot lock $SRC_ROOT/.lock-$name"
	clean_stale "$name"
	if [[ -d "$dest" && ! -f "$stamp" ]]; then
		if looks_complete "$dest"; then
			log "adopting existing tree $dest"
			tarball_id "$tarball" 2>/dev/null >"$stamp" || echo "adopted" >"$stamp"
			printf '%s\n' "$dest"
			return 0
		fi
		log "$dest is incomplete (interrupted extraction?); extracting again"
		mv -- "$dest" "$(mktemp -u "$SRC_ROOT/.stale-$name.XXXXXX")"
		clean_stale "$name"
	fi
	need_file "$tarball:$name"
	need tar:tar xz:xz-utils
	extract "$tarball" "$dest" "$stamp"
	printf '%s\n' "$dest"
}

main() {
	parse_args "$@"
	if [[ -n "$CHECK" ]]; then
		check_tree "$CHECK" "kernel tree '$CHECK'" \
			"give the top of a Linux ${SUPPORTED// / or } source tree"
		return 0
	fi
	if [[ -n "${KSRC:-}" ]]; then
		check_tree "$KSRC" "KSRC=$KSRC" \
			"set KSRC to the top of a Linux ${SUPPORTED// / or } source tree, or unset it to use Debian's linux-source"
		return 0
	fi
	KVER="$(kver_normalize "$KVER")"
	SRC_ROOT="$ACME_CACHE/src"
	ensure_tree
}

main "$@"
