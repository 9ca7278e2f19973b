# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/selftest/helpers.bash - loaded by every *.bats file here
# (`load helpers`). The files under test are found from this directory, so
# a copy of scripts/ tests itself.

ACME_LIB="$(cd "$BATS_TEST_DIRNAME/.." && pwd -P)"
ACME_TOP="$(cd "$ACME_LIB/../.." && pwd -P)"
export ACME_LIB ACME_TOP

# Each test starts from a known environment, in its own temp dir.
common_setup() {
	unset ACME_KVER KSRC
	cd "$BATS_TEST_TMPDIR" || return 1
}

# mkprog CODE [NAME] - write $BATS_TEST_TMPDIR/NAME (default prog) and set
# PROG to its path: a script like the user commands, a header comment (its
# help), set -euo pipefail, common.sh sourced, then CODE. Run it with
# `run bash "$PROG" ARGS...`.
mkprog() {
	PROG="$BATS_TEST_TMPDIR/${2:-prog}"
	{
		printf '%s\n' '#!/usr/bin/env bash' \
			'# SPDX-License-Identifier: GPL-2.0-only' \
			'#' \
			'# prog - a test program of the selftest' \
			'#' \
			'# usage: prog [--x V] [--y V]... [--flag]' \
			'set -euo pipefail' \
			". \"$ACME_LIB/common.sh\""
		printf '%s\n' "$1"
	} >"$PROG"
}

# in_common CODE [ARG...] - run CODE in a new bash that sourced common.sh,
# with ARGs as its "$@".
in_common() {
	local PROG
	mkprog "$1" in-common
	shift
	bash "$PROG" "$@"
}

# has_line TEXT - $output (of bats' run) has the line TEXT.
# shellcheck disable=SC2154 # output is set by bats' run
has_line() {
	local l
	while IFS= read -r l; do
		[[ "$l" == "$1" ]] && return 0
	done <<<"$output"
	printf 'no line "%s" in:\n%s\n' "$1" "$output" >&2
	return 1
}

# same GOT WANT - GOT is WANT, else show both.
same() {
	[[ "$1" == "$2" ]] && return 0
	printf -- '--- got:\n%s\n--- want:\n%s\n' "$1" "$2" >&2
	return 1
}

# stub_qemu - a qemu-system-x86_64 first in PATH that does what $STUB says:
# report STATUS (exit:STATUS), panic, or hang; KVM is not probed.
stub_qemu() {
	mkdir -p bin
	cat >bin/qemu-system-x86_64 <<'EOF'
#!/bin/sh
case "$STUB" in
exit:*) echo "ACME-GUEST-EXIT: ${STUB#exit:}" ;;
panic) echo "Kernel panic - not syncing: Attempted to kill init!" ;;
hang) exec sleep 30 ;;
esac
EOF
	chmod +x bin/qemu-system-x86_64
	export PATH="$PWD/bin:$PATH" ACME_ACCEL=tcg ACME_CACHE="$PWD/cache"
}
