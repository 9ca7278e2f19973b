# SPDX-License-Identifier: GPL-2.0-only
#
# acme_lib.sh - what the acme kselftest scripts share
#
# Sourced by acme_modules.sh, acme_faults.sh and acme_kmsg.sh. KTAP output
# comes from kselftest's ktap_helpers.sh; the helpers here turn a command's
# status into one result and tell how acme is built.

. "$(dirname "$0")/../../kselftest/ktap_helpers.sh"

# check DESCRIPTION COMMAND... - one result from COMMAND's status; what it
# printed becomes diagnostic lines when it fails.
check() {
	desc="$1"
	shift
	if out=$("$@" 2>&1); then
		ktap_test_pass "$desc"
	else
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	fi
}

# check_fails DESCRIPTION COMMAND... - passes when COMMAND fails.
check_fails() {
	desc="$1"
	shift
	if out=$("$@" 2>&1); then
		printf '# succeeded but must fail: %s\n' "$*"
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$desc"
	else
		ktap_test_pass "$desc"
	fi
}

# skip N REASON - N results skipped for the same reason.
skip() {
	i=0
	while [ "$i" -lt "$1" ]; do
		ktap_test_skip "$2"
		i=$((i + 1))
	done
}

# need_root PLAN - print the header; skip the whole program unless root,
# else print the plan of PLAN results.
need_root() {
	ktap_print_header
	if [ "$(id -u)" -ne 0 ]; then
		ktap_skip_all "needs root"
		exit "$KSFT_SKIP"
	fi
	ktap_set_plan "$1"
}

# build_of MODULE - how MODULE is built on this kernel: "builtin" (its
# /sys/module directory has no refcnt), "module" (modprobe can load it)
# or "none".
build_of() {
	if [ -d "/sys/module/$1" ] && [ ! -e "/sys/module/$1/refcnt" ]; then
		echo builtin
	elif [ -e "/sys/module/$1/refcnt" ] || modinfo "$1" >/dev/null 2>&1; then
		echo module
	else
		echo none
	fi
}

# loaded MODULE - MODULE is a loaded module.
loaded() {
	grep -q "^$1 " /proc/modules
}

# count_kmsg TEXT - kernel log lines that are exactly TEXT at KERN_ALERT,
# read past the "[    2.139592] " timestamp of CONFIG_PRINTK_TIME=y kernels.
count_kmsg() {
	dmesg -r | sed 's/^\(<[0-9]*>\)\[ *[0-9]*\.[0-9]*\] /\1/' |
		grep -cxF "<1>$1" || true
}

# kmsg_has TEXT - some kernel log line contains TEXT.
kmsg_has() {
	dmesg | grep -qF "$1"
}
