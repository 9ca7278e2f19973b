#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/guest/bench.sh - runs in the guest for scripts/bench: loads acme
# unless it is built in, then runs acme-bench between two marker lines.
#
# usage (in the guest): sh bench.sh [ACME-BENCH ARGS...]
# Without arguments, they come from acmeguest.bench= on the kernel command
# line, with commas for spaces (acmeguest.bench=-r,5,-t,200).
set -eu

if [ $# -gt 0 ]; then
	args="$*"
else
	args=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^acmeguest\.bench=//p' | tr ',' ' ')
fi
if [ ! -e /dev/acme0 ]; then
	modprobe acme
fi
echo "ACME-BENCH-BEGIN"
# shellcheck disable=SC2086 # the arguments are split on purpose
/acme/acme-bench $args
echo "ACME-BENCH-END"
