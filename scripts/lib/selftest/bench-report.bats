#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/lib/bench-report.py, as scripts/bench runs it on its boots'
# output, on data/acme-bench.tsv: a few lines of acme-bench's output (Linux
# 6.12.117 under TCG), which `complete` fills up with a neutral line for
# every figure, ratio and phase it lacks. The parsing, the verdicts over
# the boots ("met N/N"), the failure on a missing figure, and the page and
# the chart of two boots.

load helpers

# has_mpl - Debian's python3 has matplotlib (found, not imported: fast).
has_mpl() {
	/usr/bin/python3 -c 'import importlib.util as u, sys
sys.exit(u.find_spec("matplotlib") is None)' 2>/dev/null
}

# pyreport CODE [ARG...] - run the Python CODE with bench-report.py loaded
# as m, and the ARGs in sys.argv[1:].
pyreport() {
	/usr/bin/python3 -c 'import importlib.util as u, sys
s = u.spec_from_file_location("report", sys.argv.pop(1))
m = u.module_from_spec(s)
s.loader.exec_module(m)
exec(sys.argv.pop(1))' "$ACME_LIB/bench-report.py" "$@"
}

# complete TSV - TSV, then a line for each figure, ratio and phase that
# acme-bench always prints and TSV lacks (1.0, no target): a whole run.
complete() {
	pyreport '
run = m.parse(sys.argv[1])
results, names, phases = m.wanted()
sys.stdout.write(open(sys.argv[1]).read())
for c, k in results:
    if (c, k) not in run["results"]:
        print("result\t%s\t%d\t100.0\t90.0\t110.0\t1000" % (c, k))
for n in names:
    if n not in run["ratios"]:
        print("ratio\t%s\t1.000\t0.900\t1.100\t-" % n)
for s, p in phases:
    if (s, p) not in run["phases"]:
        print("phase\t%s\t%s\t1000\t900\t1100" % (s, p))' "$1"
}

# set_ratio FILE NAME VALUE - FILE with the median of ratio NAME set.
set_ratio() {
	awk -F '\t' -v OFS='\t' -v n="$2" -v v="$3" \
		'$1 == "ratio" && $2 == n { $3 = v } 1' "$1"
}

# report NAME TSV... - NAME.md and NAME.svg from the TSVs and meta.tsv, as
# scripts/bench makes results.md and results.svg.
report() {
	local name="$1" tsv args=()
	shift
	for tsv; do
		args+=(--tsv "$tsv")
	done
	"$ACME_LIB/bench-report.py" "${args[@]}" --meta meta.tsv \
		--md "$name.md" --svg "$name.svg"
}

# Two boots (the sample, and the sample with another ratio), and the report
# on them twice, at once, once for the file.
setup_file() {
	cd "$BATS_FILE_TMPDIR" || return 1
	local d="$BATS_TEST_DIRNAME/data"
	printf '%s\t%s\n' kernel 6.12.117 accel TCG date 2026-12-01 \
		'host load' 'boot 1: 1.35 1.17 1.31 to 1.40 1.25 1.32; boot 2: 1.40 1.25 1.32 to 1.28 1.25 1.30' >meta.tsv
	complete "$d/acme-bench.tsv" >boot-1.tsv
	set_ratio boot-1.tsv "fifo/pipe throughput 64 KiB" 1.700 >boot-2.tsv
	has_mpl || return 0
	{ report one boot-1.tsv boot-2.tsv >one.out 2>&1 || echo "status $?" >>one.out; } &
	{ report two boot-1.tsv boot-2.tsv >two.out 2>&1 || echo "status $?" >>two.out; } &
	wait
	cat one.out two.out >report.out
}

setup() {
	common_setup
	DATA="$BATS_TEST_DIRNAME/data"
}

@test "bench-report: parses results, ratios in order, phases and notes, and skips other lines" {
	{
		cat "$DATA/acme-bench.tsv"
		printf 'ratio\ttoo few columns\t1.0\n'
	} >sample.tsv
	run pyreport '
r = m.parse(sys.argv[1])
print(r["results"][("acme-fifo", 1)])
print(sorted(r["results"]))
for n in r["order"]:
    print(n, r["ratios"][n])
print(r["phases"][("pipe", "stream")])
for n in r["notes"]:
    print(n)' sample.tsv
	[ "$status" -eq 0 ]
	same "$output" "{'median': 0.4, 'min': 0.4, 'max': 0.4, 'nsop': 2476.0}
[('acme-fifo', 1), ('pipe', 1)]
fifo/pipe time per op 1 B {'median': 0.712, 'min': 0.582, 'max': 0.729, 'target': '<=0.70'}
fifo/pipe throughput 64 KiB {'median': 1.157, 'min': 1.14, 'max': 1.561, 'target': '>=1.60'}
acme-fifo 2/1 FIFOs 64 KiB {'median': 1.96, 'min': 1.94, 'max': 2.421, 'target': '>=1.60'}
{'median': 166079.0, 'min': 160503.0, 'max': 212911.0}
acme-bench: Linux 6.12.117 x86_64, 2 CPUs, 3 runs of 50 ms after a warm-up
cpus: 2 online
load before: 0.00 0.00 0.00 1/35 48
section: fifo (at 0 s)
load after: 0.29 0.07 0.02 1/36 179"
}

@test "bench-report: a target is met only when every boot meets it; a bound is met when reached" {
	run pyreport '
for values, target, name in (
        ([1.7, 1.9, 2.0], ">=1.60", ""),
        ([1.7, 1.5, 2.0], ">=1.60", ""),
        ([0.5, 0.4], ">=1.60", ""),
        ([0.7], "<=0.70", ""),
        ([0.71, 0.69], "<=0.70", ""),
        ([1.5, 9.0], "-", ""),
        ([1.9, 2.1, 2.3], ">=1.60", "acme-fifo 2/1 FIFOs 64 KiB"),
        ([1.5, 2.1], ">=1.60", "acme-fifo 2/1 FIFOs 64 KiB")):
    print("[%s]" % m.verdict(values, target, name))'
	[ "$status" -eq 0 ]
	same "$output" "[met 3/3]
[**missed** 1/3]
[**missed** 2/2]
[met 1/1]
[**missed** 1/2]
[]
[met 3/3; above 2 in 2/3: not physical]
[**missed** 1/2; above 2 in 1/2: not physical]"
}

@test "bench-report: output without every figure fails and names what is missing" {
	run "$ACME_LIB/bench-report.py" --tsv "$DATA/acme-bench.tsv" \
		--meta "$BATS_FILE_TMPDIR/meta.tsv" --md x.md --svg x.svg
	[ "$status" -ne 0 ]
	[[ "$output" == *"/acme-bench.tsv lacks: memcpy-2 1 B, acme-fifo 64 B, "* ]]
	[[ "$output" == *", ratio 'fifo/pipe throughput 1 B', "* ]]
	[[ "$output" == *", phase acme-fifo copy-in, "* ]]
	grep -v '^result	zero-read	4096' "$BATS_FILE_TMPDIR/boot-1.tsv" >less.tsv
	run "$ACME_LIB/bench-report.py" --tsv "$BATS_FILE_TMPDIR/boot-1.tsv" \
		--tsv less.tsv --meta "$BATS_FILE_TMPDIR/meta.tsv" --md x.md --svg x.svg
	[ "$status" -ne 0 ]
	same "$output" "bench-report: less.tsv lacks: zero-read 4 KiB"
	{
		grep -v '^phase	pipe	wake-up' "$BATS_FILE_TMPDIR/boot-1.tsv"
		echo '# phases: not measured: no second CPU'
	} >less.tsv
	run "$ACME_LIB/bench-report.py" --tsv less.tsv \
		--meta "$BATS_FILE_TMPDIR/meta.tsv" --md x.md --svg x.svg
	[ "$status" -ne 0 ]
	same "$output" "bench-report: less.tsv lacks: phase pipe wake-up
bench-report: acme-bench says: phases: not measured: no second CPU"
	[ ! -e x.md ]
}

@test "bench-report: the page of two boots: header, figures, ratios with their verdict, phases, chart link" {
	has_mpl || skip "/usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)"
	cd "$BATS_FILE_TMPDIR"
	same "$(cat report.out)" ""
	run cat one.md
	has_line "Linux 6.12.117, x86_64, 2 CPUs online, TCG, 2026-12-01; 2 boots of the same build, each 3 runs of 50 ms after a warm-up per case. Load average (1, 5, 15 min) in the guest before each boot's run: 0.00 0.00 0.00; 0.00 0.00 0.00; after: 0.29 0.07 0.02; 0.29 0.07 0.02. The host's, from boot to power-off: boot 1: 1.35 1.17 1.31 to 1.40 1.25 1.32; boot 2: 1.40 1.25 1.32 to 1.28 1.25 1.30."
	has_line "| acme-fifo | 1 B | 0.4 | 0.4–0.4 | 2476 |"
	has_line "| fifo/pipe time per op 1 B | 0.71 | 0.71–0.71 | 0.58–0.73 | <=0.70 | **missed** 2/2 |"
	has_line "| fifo/pipe throughput 64 KiB | 1.43 | 1.16–1.70 | 1.14–1.56 | >=1.60 | **missed** 1/2 |"
	has_line "| acme-fifo 2/1 FIFOs 64 KiB | 1.96 | 1.96–1.96 | 1.94–2.42 | >=1.60 | met 2/2 |"
	has_line "| fifo/pipe throughput 1 B | 1.00 | 1.00–1.00 | 0.90–1.10 |  |  |"
	has_line "| stream: time per 64 KiB op, writer and reader | 138782 | 166079 | 0.84 |"
	has_line "![acme-bench ratios](results.svg)"
	(($(grep -c '^| ' one.md) > 100))
}

@test "bench-report: the SVG chart is the same file from two runs, and has every ratio" {
	has_mpl || skip "/usr/bin/python3 has no matplotlib (apt-get install python3-matplotlib)"
	cd "$BATS_FILE_TMPDIR"
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
	done < <(grep '^ratio' boot-1.tsv)
	((n >= 40))
	grep -qF 'Linux 6.12.117, TCG, 2026-12-01' one.svg
}
