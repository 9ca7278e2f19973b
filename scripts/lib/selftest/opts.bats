#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# opts_parse and opts_none of scripts/lib/common.sh, in a script like the
# user commands (set -euo pipefail, common.sh sourced).

# shellcheck disable=SC2016 # code for a child shell, in single quotes
load helpers

setup() {
	common_setup
	mkprog '
X="" F=0
Y=()
opts_parse --x=X --y+Y --flag!F -- "$@"
printf "X=%s\n" "$X"
printf "F=%s\n" "$F"
printf "Y=%s\n" "${#Y[@]}"
for v in "${Y[@]}"; do printf "Y:%s\n" "$v"; done
printf "REST=%s\n" "${#OPTS_REST[@]}"
for v in "${OPTS_REST[@]}"; do printf "R:%s\n" "$v"; done
[[ "${NONE:-}" != 1 ]] || opts_none
echo done'
}

@test "opts_parse: no option leaves the defaults" {
	run bash "$PROG"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' X= F=0 Y=0 REST=0 'done')"
}

@test "opts_parse: a value option as --x V and as --x=V (the last one wins)" {
	run bash "$PROG" --x one
	[ "$status" -eq 0 ]
	has_line "X=one"
	run bash "$PROG" --x=two
	has_line "X=two"
	run bash "$PROG" --x=a=b
	has_line "X=a=b"
	run bash "$PROG" --x 'with space' --x=last
	[ "$status" -eq 0 ]
	has_line "X=last"
	has_line "REST=0"
}

@test "opts_parse: a flag sets its variable to 1" {
	run bash "$PROG" --flag
	[ "$status" -eq 0 ]
	has_line "F=1"
	has_line "X="
}

@test "opts_parse: a +array option is repeatable and keeps each value whole" {
	run bash "$PROG" --y a --y 'b c' --y='$(echo run)' --y="d'e\"f"
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' X= F=0 Y=4 'Y:a' 'Y:b c' 'Y:$(echo run)' \
		"Y:d'e\"f" REST=0 'done')"
}

@test "opts_parse: '--' ends the options; the rest is left in OPTS_REST" {
	run bash "$PROG" --x 1 -- --flag 'two words'
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' X=1 F=0 Y=0 REST=2 R:--flag 'R:two words' 'done')"
}

@test "opts_parse: the first word that is not an option starts the rest" {
	run bash "$PROG" --flag word --x 2
	[ "$status" -eq 0 ]
	same "$output" "$(printf '%s\n' X= F=1 Y=0 REST=3 R:word R:--x R:2 'done')"
}

@test "opts_parse: an unknown option dies with status 2 (usage) and 'acme: error:'" {
	run bash "$PROG" --nope
	[ "$status" -eq 2 ]
	same "$output" "acme: error: unknown option '--nope' (see prog --help)"
	run bash "$PROG" --x 1 --nope=3
	[ "$status" -eq 2 ]
	same "$output" "acme: error: unknown option '--nope=3' (see prog --help)"
	# A prefix of a known option is not that option.
	run bash "$PROG" --fla
	[ "$status" -eq 2 ]
	[[ "$output" == "acme: error: unknown option '--fla'"* ]]
}

@test "opts_parse: a value option without its value dies" {
	local args
	for args in "--x" "--x=" "--x --flag" "--y" "--flag --y="; do
		# shellcheck disable=SC2086 # split on purpose
		run bash "$PROG" $args
		echo "args: $args"
		[ "$status" -eq 2 ]
		[[ "$output" == "acme: error: option --"[xy]" needs a value"* ]]
		[[ "$output" != *done* ]]
	done
}

@test "opts_parse: a flag given a value dies" {
	run bash "$PROG" --flag=1
	[ "$status" -eq 2 ]
	same "$output" "acme: error: option --flag takes no value"
}

@test "opts_parse: --help and -h print the script's header and exit 0" {
	run bash "$PROG" --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "prog - a test program of the selftest" ]]
	has_line "usage: prog [--x V] [--y V]... [--flag]"
	has_line "Environment:"
	[[ "$output" != *done* ]]
	run bash "$PROG" --x 1 -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "prog - a test program of the selftest" ]]
}

@test "opts_none: passes with no argument left, dies on the first one left" {
	NONE=1 run bash "$PROG" --x 1
	[ "$status" -eq 0 ]
	has_line 'done'
	NONE=1 run bash "$PROG" --x 1 extra more
	[ "$status" -eq 2 ]
	has_line "acme: error: unexpected argument 'extra' (see prog --help)"
	[[ "$output" != *done* ]]
}
