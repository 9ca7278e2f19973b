# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/status.sh - the exit statuses of the harness, sourced by
# scripts/lib/common.sh.
#
# The front door (scripts/guest) and the stages it runs exit with one of
# these, so that a caller tells a failed check from a kernel that did not
# build without running them twice (as kunit.py's KunitStatus, ConfigError
# and BuildError do):
#
#   ACME_EXIT_PASS      0    the guest program passed
#   ACME_EXIT_CHECK     1    a check failed: the guest program's status was
#                            not 0 (scripts/lib/boot.sh logs which it was)
#   ACME_EXIT_USAGE     2    a bad option or argument; nothing was built
#   ACME_EXIT_CONFIG    3    configuration failure: the tree (the series
#                            does not apply), a fragment, olddefconfig
#   ACME_EXIT_BUILD     4    build failure: the kernel, the modules, the
#                            kselftest or the initramfs
#   ACME_EXIT_TIMEOUT   124  the guest ran past --timeout (timeout(1)'s)
#   ACME_EXIT_NOREPORT  125  the guest never reported its status: a panic,
#                            or QEMU did not run (git bisect run's "skip")
#
# A script that is not typed exits 1 on any error, as die does by default.
#
#   die_with STATUS MSG...  "acme: error: MSG" on stderr, exit STATUS
#   usage_error MSG...      the same, with ACME_EXIT_USAGE
#   ACME_DIE_STATUS         the status die exits with (default 1): a stage
#                           sets it to the kind of failure of the phase it
#                           is in
#   fail_step RC            exit after a step of a stage that failed with RC:
#                           with RC when it is ACME_EXIT_CONFIG or
#                           ACME_EXIT_BUILD (the step knew), else with
#                           ACME_DIE_STATUS
#   status_text RC          what the status RC of scripts/guest means, in
#                           words ("build failed", "timed out", ...)
#   status_booted RC        true when RC says the guest was booted (not
#                           usage, configuration or build)
#   guest_relay NAME T0     ktap_relay NAME of scripts/guest's stdout, after
#                           "ok - NAME: build (N s)" at its first line

# shellcheck disable=SC2034 # read by the sourcing scripts
ACME_EXIT_PASS=0
ACME_EXIT_CHECK=1
ACME_EXIT_USAGE=2
ACME_EXIT_CONFIG=3
ACME_EXIT_BUILD=4
ACME_EXIT_TIMEOUT=124
ACME_EXIT_NOREPORT=125

ACME_DIE_STATUS=1

die_with() {
	local status="$1"
	shift
	printf 'acme: error: %s\n' "$*" >&2
	exit "$status"
}

usage_error() {
	die_with "$ACME_EXIT_USAGE" "$@"
}

fail_step() {
	case "$1" in
	"$ACME_EXIT_CONFIG" | "$ACME_EXIT_BUILD") exit "$1" ;;
	*) exit "$ACME_DIE_STATUS" ;;
	esac
}

status_text() {
	case "$1" in
	"$ACME_EXIT_PASS") echo "passed" ;;
	"$ACME_EXIT_CHECK") echo "checks failed" ;;
	"$ACME_EXIT_USAGE") echo "usage error" ;;
	"$ACME_EXIT_CONFIG") echo "configuration failed" ;;
	"$ACME_EXIT_BUILD") echo "build failed" ;;
	"$ACME_EXIT_TIMEOUT") echo "timed out" ;;
	"$ACME_EXIT_NOREPORT") echo "no report (a panic, or QEMU did not run)" ;;
	*) echo "failed (exit status $1)" ;;
	esac
}

status_booted() {
	case "$1" in
	"$ACME_EXIT_USAGE" | "$ACME_EXIT_CONFIG" | "$ACME_EXIT_BUILD") return 1 ;;
	*) return 0 ;;
	esac
}

# guest_relay NAME T0 - for a caller that sourced scripts/lib/ktap.sh and
# runs `scripts/guest ... | guest_relay NAME T0` (with shopt -s lastpipe):
# scripts/guest prints nothing on stdout before it boots, so its first line
# ends the build. Then "ok - NAME: build (N s)", with N since T0, and
# GUEST_BUILT=1, GUEST_BUILD_SECS=N; the rest goes through ktap_relay.
guest_relay() {
	local name="$1" t0="$2" line
	GUEST_BUILT=0 GUEST_BUILD_SECS=0
	IFS= read -r line || [[ -n "$line" ]] || return 0
	GUEST_BUILT=1 GUEST_BUILD_SECS="$(elapsed_since "$t0")"
	ktap_ok "$name: build ($GUEST_BUILD_SECS s)"
	{
		printf '%s\n' "$line"
		cat
	} | ktap_relay "$name"
}
