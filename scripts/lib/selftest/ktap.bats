#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/ktap.sh: the writer's lines and counters, ktap_relay under
# bash (lastpipe) and busybox sh, ktap_end, ktap_summary, and the kernel's
# own KTAP parser (tools/testing/kunit/kunit.py parse) on its output.

# shellcheck disable=SC2016 # code for a child shell, in single quotes
load helpers

setup() {
	common_setup
	KTAP="$ACME_LIB/ktap.sh"
	# Sample KTAP: both result forms, a failure with its diagnostic, a
	# skip, CRLF line ends, a nested (indented) subtest and lines that
	# are not KTAP.
	printf '%s\r\n' 'KTAP version 1' '1..6' 'ok 1 - first' 'ok 2 second' \
		'not ok 3 - third' '# third: expected 1, got 2' >sample.ktap
	printf '%s\n' 'ok 4 - fourth # SKIP no hardware' \
		'    KTAP version 1' '    1..2' '    ok 1 - nested one' \
		'    not ok 2 - nested two' '    # nested diagnostic' \
		'  ok 9 - indented' 'noise: ok 7 - not at the start' '#nospace' \
		'ok 5 - fifth' 'not ok 6 sixth' >>sample.ktap
}

# The results the sample becomes, numbered after one result of our own.
relayed_want() {
	printf '%s\n' 'ok 1 - own' 'ok 2 - P: first' 'ok 3 - P: second' \
		'not ok 4 - P: third' '# P: third: expected 1, got 2' \
		'ok 5 - P: fourth # SKIP no hardware' 'ok 6 - P: fifth' \
		'not ok 7 - P: sixth' 'N=7 P=4 F=2 S=1'
}

counts='echo "N=$KTAP_N P=$KTAP_PASSED F=$KTAP_FAILED S=$KTAP_SKIPPED"'

@test "ktap writer: ok, not ok with reasons, skip, diag; counters" {
	run bash -c ". '$KTAP'; ktap_ok alpha; ktap_not_ok beta 'why one' \$'two\nlines'
		ktap_not_ok gamma; ktap_skip delta 'no device'; ktap_diag 'a note'; $counts"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'ok 1 - alpha' 'not ok 2 - beta' '# why one' \
		'# two' '# lines' 'not ok 3 - gamma' 'ok 4 - delta # SKIP no device' \
		'# a note' 'N=4 P=1 F=2 S=1')"
}

@test "ktap writer: the same lines under busybox sh" {
	command -v busybox >/dev/null || skip "no busybox"
	run busybox sh -c ". '$KTAP'; ktap_ok alpha; ktap_not_ok beta 'why one'
		ktap_skip delta 'no device'; $counts"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'ok 1 - alpha' 'not ok 2 - beta' '# why one' \
		'ok 3 - delta # SKIP no device' 'N=3 P=1 F=1 S=1')"
}

@test "ktap_relay under bash, at the end of a pipeline with lastpipe" {
	run bash -c "shopt -s lastpipe; . '$KTAP'; ktap_ok own
		cat sample.ktap | ktap_relay P; $counts"
	[ "$status" -eq 0 ]
	same "$output" "$(relayed_want)"
}

@test "ktap_relay under busybox sh, reading a file" {
	command -v busybox >/dev/null || skip "no busybox"
	run busybox sh -c ". '$KTAP'; ktap_ok own; ktap_relay P <sample.ktap; $counts"
	[ "$status" -eq 0 ]
	same "$output" "$(relayed_want)"
}

@test "ktap_relay: no carriage return reaches the output" {
	run bash -c ". '$KTAP'; ktap_relay P <sample.ktap"
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\r'* ]]
}

@test "ktap_relay: a last line without a newline is relayed (a truncated 'not ok' must not vanish)" {
	printf 'ok 1 - a\nnot ok 2 - b' >trunc.ktap
	run bash -c ". '$KTAP'; ktap_relay P <trunc.ktap; $counts; ktap_end"
	same "$output" "$(printf '%s\n' 'ok 1 - P: a' 'not ok 2 - P: b' \
		'N=2 P=1 F=1 S=0' '# 1 passed, 1 failed, 0 skipped')"
	[ "$status" -eq 1 ]
}

@test "ktap_relay: bats' lowercase skip directive is a skip (TAP directives are case-insensitive)" {
	# What bats --tap prints for a skipped test; scripts/test relays it.
	printf '%s\n' 'ok 1 first' 'ok 2 second # skip no tree' >bats.tap
	run bash -c ". '$KTAP'; ktap_relay B <bats.tap; $counts"
	same "$output" "$(printf '%s\n' 'ok 1 - B: first' 'ok 2 - B: second # SKIP no tree' \
		'N=2 P=1 F=0 S=1')"
}

@test "ktap_end: the counts, no plan at the end; status 0 without failures (skips too)" {
	run bash -c ". '$KTAP'; ktap_ok a; ktap_skip b why; ktap_end"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'ok 1 - a' 'ok 2 - b # SKIP why' \
		'# 1 passed, 0 failed, 1 skipped')"
	run bash -c ". '$KTAP'; ktap_end"
	[ "$status" -eq 0 ]
	same "$output" '# 0 passed, 0 failed, 0 skipped'
}

@test "ktap_end: status 1 when a test failed, under bash and busybox sh" {
	run bash -c ". '$KTAP'; ktap_ok a; ktap_not_ok b; ktap_end"
	[ "$status" -eq 1 ]
	has_line '# 1 passed, 1 failed, 0 skipped'
	command -v busybox >/dev/null || skip "no busybox"
	run busybox sh -c ". '$KTAP'; ktap_ok a; ktap_not_ok b; ktap_end"
	[ "$status" -eq 1 ]
	has_line '# 1 passed, 1 failed, 0 skipped'
}

@test "ktap_begin and ktap_plan: the version line, then the plan" {
	run bash -c ". '$KTAP'; ktap_begin; ktap_plan 3"
	same "$output" "$(printf '%s\n' 'KTAP version 1' '1..3')"
}

@test "ktap_summary: the last line is 'N passed, N failed', after the skips" {
	run bash -c ". '$KTAP'; ktap_ok a; ktap_ok b; ktap_not_ok c; ktap_summary"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' 'ok 1 - a' 'ok 2 - b' 'not ok 3 - c' \
		'2 passed, 1 failed')"
	run bash -c ". '$KTAP'; ktap_ok a; ktap_skip b why; ktap_summary >out; cat out"
	same "$output" "$(printf '%s\n' 'ok 1 - a' 'ok 2 - b # SKIP why' \
		'1 skipped (each with its reason above)' '1 passed, 0 failed')"
	# The plain closing line that CI reads.
	[[ "$(tail -n 1 out)" =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]
}

# kunit_py - print the path of kunit.py of an extracted 6.12 tree, or the
# reason there is none (status 1). Only a tree already extracted (or KSRC):
# get-source.sh would otherwise install and extract linux-source.
kunit_py() {
	local tree
	if [[ -z "${KSRC:-}" && ! -f "${ACME_CACHE:-$HOME/.cache/acme}/src/linux-source-6.12.stamp" ]]; then
		echo "no extracted 6.12 tree (scripts/lib/get-source.sh --kver 6.12 makes one)"
		return 1
	fi
	tree="$("$ACME_LIB/get-source.sh" --kver 6.12 2>/dev/null)" || {
		echo "scripts/lib/get-source.sh --kver 6.12 failed"
		return 1
	}
	[[ -f "$tree/tools/testing/kunit/kunit.py" ]] || {
		echo "no tools/testing/kunit/kunit.py in $tree"
		return 1
	}
	echo "$tree/tools/testing/kunit/kunit.py"
}

# A small run: results of its own and relayed ones, then ktap_end.
small_run() {
	bash -c "shopt -s lastpipe; . '$KTAP'; ktap_begin; ktap_ok alpha; ktap_not_ok beta 'because'
		ktap_skip gamma 'no device'; ktap_relay sub <sample.ktap; ktap_end" >"$1" || true
}

# kunit_counts FILE - kunit.py's "Ran N tests: ..." line for FILE.
kunit_counts() {
	local py
	py="$(command -v /usr/bin/python3 python3 | head -n 1)"
	timeout 60 "$py" "$KUNIT" parse "$PWD/$1" 2>&1 | sed -n 's/.*Testing complete\. //p'
}

@test "kunit.py parse: the result lines of a small run give ktap_end's counts" {
	KUNIT="$(kunit_py)" || skip "$KUNIT"
	small_run run.ktap
	local p f s
	read -r p f s < <(sed -n 's/^# \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' run.ktap)
	same "$p $f $s" "4 3 2"
	# Framed as the kernel writes it: version line, plan, then the rest.
	{
		echo 'KTAP version 1'
		echo "1..$((p + f + s))"
		grep -v -e '^1\.\.' -e '^KTAP version' run.ktap
	} >framed.ktap
	run kunit_counts framed.ktap
	same "$output" "Ran $((p + f + s)) tests: passed: $p, failed: $f, skipped: $s"
}

@test "kunit.py parse: the output of a small run, as written, is KTAP it reads" {
	KUNIT="$(kunit_py)" || skip "$KUNIT"
	small_run run.ktap
	run kunit_counts run.ktap
	same "$output" "Ran 9 tests: passed: 4, failed: 3, skipped: 2"
}
