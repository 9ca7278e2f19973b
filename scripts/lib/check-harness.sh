#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/check-harness.sh - the self-test of the harness itself
#
# usage: scripts/lib/check-harness.sh
#
# Runs the bats tests in scripts/lib/selftest/ (bats --tap): the KTAP writer
# and reader of scripts/lib/ktap.sh (under bash and busybox sh, and against
# the kernel's own parser, kunit.py, of the 6.12 tree it extracts when
# needed), opts_parse and opts_none, kver_normalize, the arch tables and
# arch_load, toolchain_vars, scripts/lib/bench-report.py on a sample of
# acme-bench's output, and the exit statuses of scripts/guest and
# scripts/lib/boot.sh (a stand-in tree and QEMU).
# Builds and boots nothing: a few seconds, once the packages and the tree
# are there. Exits with bats' status.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

opts_parse -- "$@"
opts_none

# What the tests run, so that none skips for want of it: busybox sh,
# gcc, Debian's python3 with matplotlib (bench-report.py), a 6.12 tree
# with kunit.py (KSRC, or Debian's, extracted once), and what
# scripts/guest's make-guest.sh wants before it builds (guest.bats).
need bats:bats busybox:busybox-static gcc:gcc make:make quilt:quilt cpio:cpio
need_file /usr/include/libelf.h:libelf-dev /usr/include/openssl/ssl.h:libssl-dev
need_py /usr/bin/python3 matplotlib:python3-matplotlib
if [[ -z "${KSRC:-}" ]]; then
	"$ACME_ROOT/scripts/lib/get-source.sh" --kver 6.12 >/dev/null
fi
exec bats --tap "$ACME_ROOT/scripts/lib/selftest"
