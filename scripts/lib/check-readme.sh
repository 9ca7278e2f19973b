#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-readme.sh - run the runnable blocks of the READMEs
#
# usage: scripts/lib/check-readme.sh [--kver 6.12|6.1] [--kdir DIR] [FILE.md...]
#
# Runs every code block of README.md and scripts/README.md (or of the FILEs
# given) that is marked runnable, in the order of the file, and fails when
# one fails. A runnable block is a ```sh fence on the line right after
# the HTML comment line (GitHub does not show it):
#
#     <!-- runnable -->
#
# Each block runs in its own `bash -eu -o pipefail`, from the top of a
# scratch copy of this repository, with these variables set:
#   ACME   that scratch copy (the repository's files, as in the working tree)
#   KSRC   a scratch copy (cp -al) of the pristine tree of --kver
#          (scripts/lib/get-source.sh); not a git repository
#   BUILD  an empty scratch build directory
#   KDIR   a configured and prepared kernel build directory for the
#          out-of-tree build: --kdir DIR, else Debian's linux-headers of
#          its stock kernel (stock_headers; installed when missing)
# The blocks share KSRC, BUILD and ACME, so a block sees what the blocks
# before it did (the series applied, a .config).
#
# One substitution: `make ... menuconfig` runs as `make ... olddefconfig`,
# the same step without the interactive menus.
#
# Everything is made in a temp dir and removed at exit; the cached
# pristine tree is never written to (the files the series changes are
# compared before and after, to be sure). Prints one line per block and
# "acme: error: ..." with the block's output on failure.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MARKER='<!-- runnable -->'

# extract_blocks FILE DIR - write each runnable block of FILE to
# DIR/NNN.sh and its "FILE:LINE" to DIR/NNN.where; print how many.
extract_blocks() {
	local file="$1" dir="$2" base
	base="$(basename "$dir")"
	awk -v dir="$dir" -v name="${file#"$ACME_ROOT"/}" -v marker="$MARKER" -v base="$base" '
		function fail(msg) { printf "%s:%d: %s\n", name, FNR, msg > "/dev/stderr"; bad = 1; exit 1 }
		state == 0 && $0 == marker { state = 1; next }
		state == 1 {
			if ($0 != "```sh") fail("\"" marker "\" is not followed by a ```sh fence")
			n++; out = sprintf("%s/%03d.sh", dir, n)
			printf "%s:%d\n", name, FNR + 1 > sprintf("%s/%03d.where", dir, n)
			state = 2; next
		}
		state == 2 && /^```[[:space:]]*$/ { close(out); state = 0; next }
		state == 2 { print > out; next }
		END {
			if (bad) exit 1
			if (state == 2) { printf "%s: a runnable block is not closed\n", name > "/dev/stderr"; exit 1 }
			print n + 0
		}' "$file"
}

# scratch_repo DEST - the repository's files (tracked, and untracked but
# not ignored), as they are in the working tree, copied to DEST.
scratch_repo() {
	local f
	mkdir -p -- "$1"
	(cd "$ACME_ROOT" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
		[[ ! -e "$f" ]] || printf '%s\0' "$f" # not a file deleted in the working tree
	done | tar --null -T - -cf -) | tar -C "$1" -xf - ||
		die "cannot copy the repository to $1"
}

# series_files - the files of the kernel tree the series changes or adds.
series_files() {
	sed -n 's|^+++ b/||p' "$ACME_ROOT"/patches/v*-000[1-9]*.patch | sort -u
}

# fingerprint TREE - inode, size and mtime of the files the series changes.
fingerprint() {
	local f
	while read -r f; do
		[[ ! -e "$1/$f" ]] || stat -c '%i %s %Y %n' -- "$1/$f"
	done < <(series_files)
}

run_block() {
	local script="$1" where="$2" log t0 rc=0
	log="${script%.sh}.log"
	t0="$(now_ms)"
	# the one substitution: menuconfig is interactive
	sed -i -E 's/^([[:space:]]*make[[:space:]].*)[[:space:]]menuconfig([[:space:]]|$)/\1 olddefconfig\2/' "$script"
	# One shell session per file, as a user pastes the blocks in order: a
	# block starts where the one before it left off (CWD). No automatic
	# git gc in the background: it would still write when the scratch
	# tree is removed.
	(cd "$CWD" && GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0 \
		bash -eu -o pipefail -c '. "$1"; pwd >"$2"' block "$script" \
		"$script.cwd") </dev/null >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		sed 's/^/  | /' "$script" >&2
		log "output of $where:"
		tail -n 40 "$log" | sed 's/^/  > /' >&2
		die "the runnable block at $where failed (exit status $rc)"
	fi
	log "ok: $where ($(secs_since "$t0") s)"
}

main() {
	local kver="" kdir="" pristine before tmp f n i total=0
	local -a files=()

	opts_parse --kver=kver --kdir=kdir -- "$@"
	for f in "${OPTS_REST[@]}"; do
		[[ -f "$f" ]] || die "no file '$f': name Markdown files of the repository"
		files+=("$(cd "$(dirname "$f")" && pwd -P)/$(basename "$f")")
	done
	kver="$(kver_normalize "$kver")"
	((${#files[@]})) || files=("$ACME_ROOT/README.md" "$ACME_ROOT/scripts/README.md")
	need git:git quilt:quilt patch:patch make:make gcc:gcc flex:flex bison:bison bc:bc

	acme_tmpdir tmp
	for f in "${files[@]}"; do
		[[ -f "$f" ]] || die "no ${f#"$ACME_ROOT"/}"
		mkdir -p -- "$tmp/blocks/$total"
		n="$(extract_blocks "$f" "$tmp/blocks/$total")" ||
			die "cannot read the runnable blocks of ${f#"$ACME_ROOT"/}"
		log "${f#"$ACME_ROOT"/}: $n runnable blocks"
		total=$((total + 1))
	done
	compgen -G "$tmp/blocks/*/*.sh" >/dev/null ||
		die "no runnable block (a \"$MARKER\" line before a \`\`\`sh fence) in ${files[*]#"$ACME_ROOT"/}"

	if [[ -z "$kdir" ]]; then
		kdir="$(stock_headers "$(stock_release)")"
	fi
	[[ -f "$kdir/Makefile" && -f "$kdir/.config" ]] ||
		die "--kdir $kdir is not a configured kernel build directory (no Makefile or .config)"

	pristine="$(KSRC="" "$ACME_ROOT/scripts/lib/get-source.sh" --kver "$kver")"
	before="$(fingerprint "$pristine")"
	log "scratch copies: the repository and $pristine (hard links)"
	scratch_repo "$tmp/acme"
	cp -al -- "$pristine" "$tmp/linux"
	mkdir -p -- "$tmp/build"

	export ACME="$tmp/acme" KSRC="$tmp/linux" BUILD="$tmp/build" KDIR="$kdir"
	SERIES="$ACME/$(basename "$(series_file "$kver")")"
	export SERIES
	export GIT_AUTHOR_NAME="acme check" GIT_AUTHOR_EMAIL="acme-check@localhost"
	export GIT_COMMITTER_NAME="acme check" GIT_COMMITTER_EMAIL="acme-check@localhost"
	export GIT_CONFIG_GLOBAL=/dev/null QUILT_PC=.pc
	log "KSRC=$KSRC BUILD=$BUILD KDIR=$KDIR SERIES=$SERIES"
	for ((i = 0; i < total; i++)); do
		CWD="$ACME" # each file starts at the top of the repository
		for f in "$tmp/blocks/$i"/*.sh; do
			[[ -e "$f" ]] || continue
			run_block "$f" "$(cat "${f%.sh}.where")"
			CWD="$(cat "$f.cwd")"
		done
	done

	[[ "$(fingerprint "$pristine")" == "$before" ]] ||
		die "the cached pristine tree $pristine was written to: remove it (and its .stamp) to extract it again"
	log "every runnable block of ${files[*]#"$ACME_ROOT"/} works"
}

main "$@"
