#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/bench-report.py on a sample of acme-bench's output
# (data/acme-bench.tsv, a run of scripts/bench on Linux 6.12.117 under
# TCG, with every row): the Markdown page as it was, and the same SVG chart
# from two runs.

load helpers

# has_mpl - Debian's python3 has matplotlib (found, not imported: fast).
has_mpl() {
	/usr/bin/python3 -c 'import importlib.util as u, sys
sys.exit(u.find_spec("matplotlib") is None)' 2>/dev/null
}

# Two runs of the report on the sample, at once, once for the file.
setup_file() {
	has_mpl || return 0
	cd "$BATS_FILE_TMPDIR" || return 1
	local tsv="$BATS_TEST_DIRNAME/data/acme-bench.tsv"
	{ report "$tsv" one >one.out 2>&1 || echo "status $?" >>one.out; } &
	{ report "$tsv" two >two.out 2>&1 || echo "status $?" >>two.out; } &
	wait
	cat one.out two.out >report.out
}

setup() {
	common_setup
	has_mpl || skip "/usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)"
	DATA="$BATS_TEST_DIRNAME/data"
	cd "$BATS_FILE_TMPDIR" || return 1
}

report() {
	"$BATS_TEST_DIRNAME/../bench-report.py" --tsv "$1" --kernel 6.12.117 \
		--accel TCG --date 2026-11-26 --md "$2.md" --svg "$2.svg"
}

@test "bench-report: the Markdown page of the sample, line for line" {
	same "$(cat report.out)" ""
	same "$(cat one.md)" "$(cat "$DATA/acme-bench.md")"
}

@test "bench-report: the SVG chart is the same file from two runs, and has every ratio" {
	same "$(cat report.out)" ""
	cmp one.svg two.svg
	/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' one.svg
	local name
	while IFS=$'\t' read -r _ name _; do
		grep -qF ">$name<" one.svg || {
			echo "no label '$name' in the chart"
			false
		}
	done < <(grep '^ratio' "$DATA/acme-bench.tsv")
	grep -qF 'Linux 6.12.117, TCG, 2026-11-26' one.svg
}

@test "bench-report: output without every figure fails and names what is missing" {
	cd "$BATS_TEST_TMPDIR"
	grep -v '^result	zero-read	4096' "$DATA/acme-bench.tsv" >less.tsv
	run report less.tsv less
	[ "$status" -ne 0 ]
	[[ "$output" == *"bench-report: the output lacks: zero-read 4 KiB"* ]]
}
