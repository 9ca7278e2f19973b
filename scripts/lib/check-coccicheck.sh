#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-coccicheck.sh - the kernel's Coccinelle scripts find nothing in acme
#
# usage: scripts/lib/check-coccicheck.sh [--kver 6.12|6.1]
#
# Applies the series to the cached tree of KVER (scripts/lib/prepare-tree.sh) and
# runs every semantic patch of scripts/coccinelle/ on drivers/char/acme:
#
#   make coccicheck MODE=report M=drivers/char/acme
#
# Fails when a script reports a finding in an acme file, when spatch fails,
# or when no script ran. Needs spatch and, for the scripts written in
# OCaml, ocamlopt (Debian packages coccinelle and ocaml-nox).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

main() {
	local kver="" tree out nscripts findings
	opts_kver kver "$@"
	need spatch:coccinelle ocamlopt:ocaml-nox

	tree="$("$ACME_ROOT/scripts/lib/prepare-tree.sh" --kver "$kver")"
	log "make coccicheck MODE=report M=drivers/char/acme on Linux $kver"
	out="$(make -C "$tree" coccicheck MODE=report M=drivers/char/acme J=1 2>&1)" || {
		printf '%s\n' "$out"
		die "make coccicheck failed"
	}
	nscripts="$(grep -cE '(^|/)spatch .*--cocci-file' <<<"$out" || true)"
	((nscripts > 0)) || {
		printf '%s\n' "$out"
		die "coccicheck ran no semantic patch"
	}
	findings="$(grep -E 'drivers/char/acme/[^:]+:[0-9]+' <<<"$out" | grep -v -- '--cocci-file' || true)"
	if [[ -n "$findings" ]]; then
		printf '%s\n' "$findings"
		die "coccicheck reports the findings above"
	fi
	log "$nscripts Coccinelle scripts, no finding in drivers/char/acme (Linux $kver)"
}

main "$@"
