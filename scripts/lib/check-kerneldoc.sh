#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-kerneldoc.sh - kernel-doc -Wall finds nothing in acme
#
# usage: scripts/lib/check-kerneldoc.sh
#
# Runs the pristine 6.12 tree's scripts/kernel-doc -none -Wall on every acme
# source and header of this repository and fails on any message.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

main() {
	local tree out f
	opts_parse -- "$@"
	opts_none
	need perl:perl
	tree="$(KSRC="" "$ACME_ROOT/scripts/lib/get-source.sh" --kver "${ACME_KVERS[0]}")"
	for f in "$ACME_ROOT"/drivers/char/acme/{,tests/}*.[ch] "$ACME_ROOT/include/uapi/linux/acme.h"; do
		out="$("$tree/scripts/kernel-doc" -none -Wall "$f" 2>&1)"
		if [[ -n "$out" ]]; then
			printf '%s\n' "$out"
			die "kernel-doc reports the above in ${f#"$ACME_ROOT"/}"
		fi
	done
	log "kernel-doc -Wall: no finding in the acme sources"
}

main "$@"
