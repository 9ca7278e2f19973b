#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-submission.sh - the series is ready to mail to a maintainer
#
# usage: scripts/lib/check-submission.sh [--kver 6.12|6.1]
#
# Applies the series to the cached tree of KVER (scripts/lib/prepare-tree.sh) and
# checks, offline:
#   - MAINTAINERS: the acme entry sits in alphabetical order, and the
#     tree's scripts/get_maintainer.pl names its maintainer for every acme
#     file and for every patch;
#   - the cover letter, patches/[vV-]0000-cover-letter.patch, is
#     [PATCH vV 0/N] with the N subjects of the series in order, a diffstat
#     and, from v2 on, a "Changes in vV:" section; every patch is
#     [PATCH vV k/N] (plain [PATCH ...] for a first version);
#   - git send-email --dry-run, with get_maintainer.pl as --cc-cmd, passes
#     every message (the cover letter and N patches, threaded);
#   - the same messages, handed to a local sendmail that writes an mbox,
#     go through `b4 am`: one complete series of N patches plus the cover
#     letter, with no warning.
# Needs git send-email (git-email, libmailtools-perl) and b4.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

IDENT="The acme developers <acme-devel@example.org>"
ENTRY="ACME REFERENCE CHARACTER DRIVER"
TREE=""
WORK=""
PATCHES=()
SUBJECTS=()
COVER=""
VERSION=""
PREFIX=""
# git_isolated ARGS... - git without the user's or the system's config.
git_isolated() {
	HOME="$WORK" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
		GIT_AUTHOR_NAME="The acme developers" GIT_AUTHOR_EMAIL="acme-devel@example.org" \
		GIT_COMMITTER_NAME="The acme developers" \
		GIT_COMMITTER_EMAIL="acme-devel@example.org" git "$@"
}

# subject_of PATCH - its Subject: without the [PATCH vV n/N] prefix,
# unfolded.
subject_of() {
	awk '/^Subject: / { s = $0; on = 1; next }
	     on && /^[ \t]/ { s = s $0; next }
	     { on = 0 }
	     /^$/ { exit }
	     END { sub(/^Subject: \[PATCH (v[0-9]+ )?[0-9]+\/[0-9]+\] /, "", s); print s }' "$1"
}

load_series() {
	local p
	local -a covers
	while read -r p; do
		[[ -n "$p" ]] || continue
		PATCHES+=("$ACME_ROOT/patches/$p")
		SUBJECTS+=("$(subject_of "$ACME_ROOT/patches/$p")")
	done <"$ACME_ROOT/series"
	((${#PATCHES[@]} > 0)) || die "series is empty"
	covers=("$ACME_ROOT"/patches/*0000-cover-letter.patch)
	[[ -f "${covers[0]}" ]] || die "no patches/*0000-cover-letter.patch (run scripts/mkpatches)"
	((${#covers[@]} == 1)) || die "more than one cover letter in patches/: ${covers[*]}"
	COVER="${covers[0]}"
	VERSION=""
	[[ "$(basename "$COVER")" =~ ^(v[0-9]+)-0000 ]] && VERSION="${BASH_REMATCH[1]}"
	PREFIX="PATCH${VERSION:+ $VERSION}"
}

# entry_titles - the MAINTAINERS entry titles, in file order.
entry_titles() {
	awk 'prev == "" && /^[A-Z0-9][^\t]*$/ { t = $0; next }
	     t != "" && /^[A-Z]:\t/ { print t }
	     { t = ""; prev = $0 }' "$TREE/MAINTAINERS"
}

maintainers_order() {
	local prev="" next="" found=0 t
	while IFS= read -r t; do
		if ((found)); then
			next="$t"
			break
		fi
		if [[ "$t" == "$ENTRY" ]]; then
			found=1
		else
			prev="$t"
		fi
	done < <(entry_titles)
	((found)) || {
		check_error "no '$ENTRY' entry in MAINTAINERS"
		return 0
	}
	if [[ ! "$prev" < "$ENTRY" || ! "$ENTRY" < "$next" ]]; then
		check_error "MAINTAINERS: '$ENTRY' is not between '$prev' and '$next' in order"
		return 0
	fi
	log "MAINTAINERS: '$ENTRY' sits between '$prev' and '$next'"
}

get_maintainer() {
	(cd "$TREE" && ./scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats "$@" 2>&1)
}

# acme_files - the files the series adds, relative to the tree.
acme_files() {
	sed -n 's/^ create mode [0-7]* //p' "$COVER"
}

get_maintainer_names_acme() {
	local f p nf=0
	for f in $(acme_files); do
		nf=$((nf + 1))
		[[ -f "$TREE/$f" ]] || {
			check_error "$f is not in the patched tree"
			continue
		}
		get_maintainer -f "$f" | grep -qxF "$IDENT" ||
			check_error "get_maintainer.pl -f $f does not name $IDENT"
	done
	((nf > 0)) || check_error "the cover letter lists no new file"
	for p in "${PATCHES[@]}"; do
		get_maintainer "$p" | grep -qxF "$IDENT" ||
			check_error "get_maintainer.pl $(basename "$p") does not name $IDENT"
	done
	log "get_maintainer.pl names the acme maintainer for $nf files and ${#PATCHES[@]} patches"
}

# number I N - I/N as git format-patch writes it, I padded to N's width.
number() {
	printf '%0*d/%d' "${#2}" "$1" "$2"
}

cover_letter() {
	local n="${#PATCHES[@]}" s i=0 line=0 at
	grep -q "^Subject: \[$PREFIX $(number 0 "$n")\] char: acme: " "$COVER" ||
		check_error "the cover letter's subject is not [$PREFIX $(number 0 "$n")] char: acme: ..."
	if [[ -n "$VERSION" && "$VERSION" != v1 ]]; then
		grep -qx "Changes in $VERSION:" "$COVER" ||
			check_error "the $VERSION cover letter has no 'Changes in $VERSION:' section"
	fi
	for s in "${PATCHES[@]}"; do
		i=$((i + 1))
		grep -q "^Subject: \[$PREFIX $(number "$i" "$n")\] " "$s" ||
			check_error "$(basename "$s") is not [$PREFIX $(number "$i" "$n")]"
	done
	i=0
	for s in "${SUBJECTS[@]}"; do
		i=$((i + 1))
		at="$(grep -nxF "  $s" "$COVER" | head -n1 | cut -d: -f1 || true)"
		if [[ -z "$at" ]] || ((at <= line)); then
			check_error "the cover letter's shortlog lacks patch $i ('$s') in its place"
		else
			line="$at"
		fi
	done
	grep -qE '^ [0-9]+ files changed, [0-9]+ insertions' "$COVER" ||
		check_error "the cover letter has no diffstat"
	log "cover letter: [$PREFIX $(number 0 "$n")], $i subjects in order, diffstat"
}

# send_email ARGS... - git send-email on the cover letter and the series,
# from the tree (for get_maintainer.pl), with a fixed identity.
send_email() {
	(cd "$TREE" && git_isolated send-email --confirm=never \
		--from="$IDENT" --to="$IDENT" \
		--cc-cmd="./scripts/get_maintainer.pl --nogit --nogit-fallback --norolestats" \
		"$@" "$COVER" "${PATCHES[@]}" </dev/null 2>&1)
}

send_email_dry_run() {
	local out n=$((${#PATCHES[@]} + 1)) ok replies
	out="$(send_email --dry-run)" || {
		printf '%s\n' "$out" >&2
		check_error "git send-email --dry-run failed"
		return 0
	}
	ok="$(grep -c '^Dry-OK' <<<"$out" || true)"
	((ok == n)) || check_error "git send-email --dry-run passed $ok of $n messages"
	replies="$(grep -c '^In-Reply-To: ' <<<"$out" || true)"
	((replies == n - 1)) ||
		check_error "$replies of $((n - 1)) patches reply to the cover letter"
	log "git send-email --dry-run: $ok of $n messages OK, $replies threaded"
}

# local_sendmail - a sendmail(8) stand-in that appends to $WORK/sent.mbox.
local_sendmail() {
	local sm="$WORK/sendmail"
	cat >"$sm" <<EOF
#!/bin/sh
{ echo "From acme@localhost Thu Jan  1 00:00:00 1970"
  sed 's/^>*From />&/'
  echo; } >>"$WORK/sent.mbox"
EOF
	chmod +x "$sm"
	printf '%s\n' "$sm"
}

b4_am() {
	local n="${#PATCHES[@]}" out mbx got
	send_email --smtp-server="$(local_sendmail)" >"$WORK/send.log" || {
		cat "$WORK/send.log" >&2
		check_error "git send-email to the local mbox failed"
		return 0
	}
	# b4 reads the user's identity from git; give it one of its own.
	printf '[user]\n\tname = The acme developers\n\temail = acme-devel@example.org\n' \
		>"$WORK/.gitconfig"
	mkdir -p "$WORK/am"
	out="$(cd "$WORK" && HOME="$WORK" XDG_CACHE_HOME="$WORK/cache" GIT_CONFIG_NOSYSTEM=1 \
		b4 --offline-mode am --no-cache -m sent.mbox -o am 2>&1)" || {
		printf '%s\n' "$out" >&2
		check_error "b4 am failed"
		return 0
	}
	if grep -E 'WARNING|ERROR|[Mm]issing|not found' <<<"$out" >&2; then
		check_error "b4 am warns (above)"
	fi
	grep -qF "Total patches: $n" <<<"$out" ||
		check_error "b4 am did not find $n patches: $(grep -F 'Total patches' <<<"$out")"
	grep -q '^Cover: ' <<<"$out" || check_error "b4 am found no cover letter"
	mbx="$(find "$WORK/am" -name '*.mbx' | head -n1)"
	if [[ -z "$mbx" ]]; then
		check_error "b4 am wrote no .mbx"
		return 0
	fi
	got="$(grep -c '^Subject: \[PATCH ' "$mbx" || true)"
	((got == n)) || check_error "b4's am-ready mbox holds $got of $n patches"
	log "b4 am: one series of $n patches and a cover letter, no warning"
}

main() {
	local kver=""
	opts_kver kver "$@"
	need perl:perl b4:b4
	need_file /usr/lib/git-core/git-send-email:git-email \
		/usr/share/perl5/Mail/Address.pm:libmailtools-perl

	load_series
	TREE="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	acme_tmpdir WORK
	maintainers_order
	get_maintainer_names_acme
	cover_letter
	send_email_dry_run
	b4_am
	((CHECK_ERRORS == 0)) || die "$CHECK_ERRORS submission check(s) failed (Linux $kver)"
	log "the series is ready to mail (Linux $kver)"
}

main "$@"
