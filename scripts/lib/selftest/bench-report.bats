#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/bench-report.py on a sample of acme-bench's output
# (data/acme-bench-boot-1.tsv and -2.tsv: the two boots of one real run,
# `scripts/bench --boots 2 --runs 3 --ms 50` on Linux 6.12.117 under TCG,
# short runs, so its figures are noisy; every row is there): the Markdown
# page as it was (data/acme-bench.md), the same SVG chart from two runs, the
# verdicts over the boots; and the drift check of the performance guide:
# the tables in scripts/README.md are what scripts/lib/bench/ renders.

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
	local d="$BATS_TEST_DIRNAME/data"
	{ report one "$d/acme-bench-boot-1.tsv" "$d/acme-bench-boot-2.tsv" \
		>one.out 2>&1 || echo "status $?" >>one.out; } &
	{ report two "$d/acme-bench-boot-1.tsv" "$d/acme-bench-boot-2.tsv" \
		>two.out 2>&1 || echo "status $?" >>two.out; } &
	wait
	cat one.out two.out >report.out
}

setup() {
	common_setup
	has_mpl || skip "/usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)"
	DATA="$BATS_TEST_DIRNAME/data"
	cd "$BATS_FILE_TMPDIR" || return 1
}

# report NAME TSV... - NAME.md and NAME.svg from the TSVs.
report() {
	local name="$1" tsv args=()
	shift
	for tsv; do
		args+=(--tsv "$tsv")
	done
	"$BATS_TEST_DIRNAME/../bench-report.py" "${args[@]}" --kernel 6.12.117 \
		--accel TCG --date 2026-12-01 --md "$name.md" --svg "$name.svg"
}

# set_ratio FILE NAME VALUE - FILE with the median of ratio NAME set.
set_ratio() {
	awk -F '\t' -v OFS='\t' -v n="$2" -v v="$3" \
		'$1 == "ratio" && $2 == n { $3 = v } 1' "$1"
}

@test "bench-report: the Markdown page of the sample, line for line" {
	same "$(cat report.out)" ""
	same "$(cat one.md)" "$(cat "$DATA/acme-bench.md")"
}

@test "bench-report: the SVG chart is the same file from two runs, and has every ratio" {
	same "$(cat report.out)" ""
	cmp one.svg two.svg
	/usr/bin/python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' one.svg
	local name n=0
	while IFS=$'\t' read -r _ name _; do
		n=$((n + 1))
		grep -qF ">$name<" one.svg || {
			echo "no label '$name' in the chart"
			false
		}
	done < <(grep '^ratio' "$DATA/acme-bench-boot-1.tsv")
	((n >= 40))
	grep -qF 'Linux 6.12.117, TCG, 2026-12-01' one.svg
}

@test "bench-report: a target is met only when every boot meets it" {
	cd "$BATS_TEST_TMPDIR"
	local r1="$DATA/acme-bench-boot-1.tsv" r2="$DATA/acme-bench-boot-2.tsv"
	set_ratio "$r1" "fifo/pipe throughput 64 KiB" 9.000 >a1.tsv
	set_ratio "$r2" "fifo/pipe throughput 64 KiB" 0.500 >a2.tsv
	set_ratio "$r1" "fifo/pipe throughput 64 KiB" 9.000 >b2.tsv
	run report a a1.tsv a2.tsv
	[ "$status" -eq 0 ]
	grep -F '| fifo/pipe throughput 64 KiB | 4.75 | 0.50–9.00 |' a.md | grep -qF '| >=1.60 | **missed** 1/2 |'
	run report b a1.tsv b2.tsv
	[ "$status" -eq 0 ]
	grep -F '| fifo/pipe throughput 64 KiB | 9.00 | 9.00–9.00 |' b.md | grep -qF '| >=1.60 | met 2/2 |'
	set_ratio "$r1" "fifo/pipe time per op 1 B" 0.700 >c1.tsv
	run report c c1.tsv
	grep -F '| fifo/pipe time per op 1 B | 0.70 |' c.md | grep -qF '| <=0.70 | met 1/1 |'
}

@test "bench-report: output without every figure fails and names what is missing" {
	cd "$BATS_TEST_TMPDIR"
	grep -v '^result	zero-read	4096' "$DATA/acme-bench-boot-2.tsv" >less.tsv
	run report less "$DATA/acme-bench-boot-1.tsv" less.tsv
	[ "$status" -ne 0 ]
	[[ "$output" == *"bench-report: less.tsv lacks: zero-read 4 KiB"* ]]
	grep -v '^phase	pipe	wake-up' "$DATA/acme-bench-boot-2.tsv" >less.tsv
	run report less less.tsv
	[ "$status" -ne 0 ]
	[[ "$output" == *"lacks: phase pipe wake-up"* ]]
}

# guide_copy DIR - a copy of the guide and of scripts/lib/bench/ in DIR.
guide_copy() {
	mkdir -p "$1/lib"
	cp "$ACME_TOP/scripts/README.md" "$1/README.md"
	cp -r "$ACME_TOP/scripts/lib/bench" "$1/lib/bench"
}

@test "bench-report: the guide's results are what scripts/lib/bench/ renders (drift check)" {
	run "$ACME_LIB/bench-report.py" --guide "$ACME_TOP/scripts/README.md" \
		--dir "$ACME_TOP/scripts/lib/bench" --check
	[ "$status" -eq 0 ] || {
		echo "$output"
		false
	}
	[ -s "$ACME_TOP/scripts/lib/bench/acme-bench.svg" ]
	grep -qF '](lib/bench/acme-bench.svg)' "$ACME_TOP/scripts/README.md"
}

@test "bench-report: the drift check fails on a guide that differs, and --guide mends it" {
	cd "$BATS_TEST_TMPDIR"
	guide_copy g
	sed -i '/acme-bench results begin/,/acme-bench results end/s/| fifo\/pipe throughput 64 KiB | [0-9.]*/| fifo\/pipe throughput 64 KiB | 7.77/' g/README.md
	grep -qF 'fifo/pipe throughput 64 KiB | 7.77' g/README.md
	run "$ACME_LIB/bench-report.py" --guide g/README.md --dir g/lib/bench --check
	[ "$status" -ne 0 ]
	[[ "$output" == *"bench-report: the results in g/README.md are not what g/lib/bench/boot-*.tsv give"* ]]
	[[ "$output" == *"-| fifo/pipe throughput 64 KiB | 7.77"* ]]
	run "$ACME_LIB/bench-report.py" --guide g/README.md --dir g/lib/bench
	[ "$status" -eq 0 ]
	cmp g/README.md "$ACME_TOP/scripts/README.md"
}

@test "bench-report: the drift check fails when a committed TSV changes, or the markers are gone" {
	cd "$BATS_TEST_TMPDIR"
	guide_copy g
	set_ratio "$ACME_TOP/scripts/lib/bench/boot-1.tsv" "fifo/memcpy-2 4 KiB" 0.010 >g/lib/bench/boot-1.tsv
	run "$ACME_LIB/bench-report.py" --guide g/README.md --dir g/lib/bench --check
	[ "$status" -ne 0 ]
	[[ "$output" == *"are not what g/lib/bench/boot-*.tsv give"* ]]
	guide_copy h
	sed -i '/acme-bench results end/d' h/README.md
	run "$ACME_LIB/bench-report.py" --guide h/README.md --dir h/lib/bench --check
	[ "$status" -ne 0 ]
	[[ "$output" == *"h/README.md needs the lines '<!-- acme-bench results begin -->' and '<!-- acme-bench results end -->'"* ]]
}
