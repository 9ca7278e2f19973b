# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/ktap.sh - the one KTAP writer and reader of the acme harness
#
# POSIX sh, so that both the host's bash scripts and the guest's busybox sh
# source it (in the guest it is /acme/ktap.sh). The format is the kernel's
# (Documentation/dev-tools/ktap.rst): a "KTAP version 1" line, the plan
# "1..N" next to it when N is known beforehand (never at the end: the
# kernel's parser, tools/testing/kunit/kunit.py parse, reads the output),
# results "ok N - name", "not ok N - name" and "ok N - name # SKIP
# reason", and "# ..." diagnostics.
#
#   ktap_begin                  the version line
#   ktap_plan N                 the plan, right after it, when N is known
#   ktap_ok NAME                one passed test
#   ktap_not_ok NAME [WHY...]   one failed test, each WHY as "# " lines
#   ktap_skip NAME REASON       one skipped test and why
#   ktap_diag TEXT              TEXT as "# " lines
#   ktap_relay PREFIX           read KTAP on stdin: each result becomes one
#                               result here, named "PREFIX: name"; its
#                               diagnostics follow, prefixed too
#   ktap_end                    "# N passed, N failed, N skipped"; fails
#                               when a test failed
#   ktap_summary                the last line "N passed, N failed" (after
#                               "N skipped (...)" when some were)
#
# KTAP_N, KTAP_PASSED, KTAP_FAILED and KTAP_SKIPPED count the results.
# ktap_relay at the end of a pipeline runs in a subshell, and its counts
# are lost, unless bash has `shopt -s lastpipe`; busybox sh has no such
# option: give it a file (ktap_relay P <FILE).

KTAP_N=0
KTAP_PASSED=0
KTAP_FAILED=0
KTAP_SKIPPED=0

ktap_begin() {
	echo "KTAP version 1"
}

ktap_plan() {
	printf '1..%d\n' "$1"
}

ktap_diag() {
	printf '%s\n' "$1" | sed 's/^/# /'
}

ktap_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_PASSED=$((KTAP_PASSED + 1))
	printf 'ok %d - %s\n' "$KTAP_N" "$1"
}

# ktap_check NAME CMD... - one test line from CMD's status; the command
# and its output are the diagnosis of a failure.
ktap_check() {
	_ktap_name="$1"
	shift
	if _ktap_out=$("$@" 2>&1); then
		ktap_ok "$_ktap_name"
	else
		ktap_not_ok "$_ktap_name" "command: $*" "$_ktap_out"
	fi
}

ktap_not_ok() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$KTAP_N" "$1"
	shift
	for _ktap_why in "$@"; do
		ktap_diag "$_ktap_why"
	done
}

ktap_skip() {
	KTAP_N=$((KTAP_N + 1))
	KTAP_SKIPPED=$((KTAP_SKIPPED + 1))
	printf 'ok %d - %s # SKIP %s\n' "$KTAP_N" "$1" "$2"
}

# _ktap_name REST - a result's description: REST is what follows "ok N" or
# "not ok N", with or without the " - " separator.
_ktap_name() {
	_ktap_r="${1# }"
	_ktap_r="${_ktap_r#- }"
	printf '%s\n' "$_ktap_r"
}

ktap_relay() {
	_ktap_p="$1"
	_ktap_cr="$(printf '\r')"
	while IFS= read -r _ktap_l || [ -n "$_ktap_l" ]; do
		_ktap_l="${_ktap_l%"$_ktap_cr"}"
		case "$_ktap_l" in
		"not ok "[0-9]*)
			_ktap_l="${_ktap_l#not ok }"
			ktap_not_ok "$_ktap_p: $(_ktap_name "${_ktap_l#"${_ktap_l%%[!0-9]*}"}")"
			;;
		"ok "[0-9]*"# "[Ss][Kk][Ii][Pp] | "ok "[0-9]*"# "[Ss][Kk][Ii][Pp]" "*)
			# the SKIP directive, in any case (bats writes "# skip")
			_ktap_l="${_ktap_l#ok }"
			_ktap_l="$(_ktap_name "${_ktap_l#"${_ktap_l%%[!0-9]*}"}")"
			_ktap_why="${_ktap_l##*# [Ss][Kk][Ii][Pp]}"
			_ktap_l="${_ktap_l%"$_ktap_why"}"
			ktap_skip "$_ktap_p: ${_ktap_l%% # [Ss][Kk][Ii][Pp]}" "${_ktap_why# }"
			;;
		"ok "[0-9]*)
			_ktap_l="${_ktap_l#ok }"
			ktap_ok "$_ktap_p: $(_ktap_name "${_ktap_l#"${_ktap_l%%[!0-9]*}"}")"
			;;
		"# "*) printf '# %s: %s\n' "$_ktap_p" "${_ktap_l#\# }" ;;
		esac
	done
	return 0
}

ktap_end() {
	printf '# %d passed, %d failed, %d skipped\n' "$KTAP_PASSED" "$KTAP_FAILED" \
		"$KTAP_SKIPPED"
	[ "$KTAP_FAILED" -eq 0 ]
}

ktap_summary() {
	[ "$KTAP_SKIPPED" -eq 0 ] ||
		printf '%d skipped (each with its reason above)\n' "$KTAP_SKIPPED"
	printf '%d passed, %d failed\n' "$KTAP_PASSED" "$KTAP_FAILED"
}
