#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""scripts/lib/bench-report.py - tables and a chart from acme-bench's output

usage: scripts/lib/bench-report.py --tsv FILE --kernel REL --accel ACCEL --date DATE
                            --md OUT.md --svg OUT.svg

Reads the tab-separated output of acme-bench ("result" and "ratio" lines)
and writes a Markdown page with two tables, the figures and the ratios
against their targets, and an SVG chart of the ratios. Exits non-zero when
the output lacks a figure or a ratio that acme-bench always prints.
"""

import argparse
import sys
from xml.sax.saxutils import escape

# What every complete run prints; a missing one means acme-bench broke.
PEERS = [
    ("acme-fifo", "pipe", [1, 64, 4096, 65536, 1048576]),
    ("acme-mem-read", "tmpfs-read", [4096, 65536]),
    ("acme-mem-write", "tmpfs-write", [4096, 65536]),
    ("zero-read", "null-write", [4096, 65536]),
]
SCALE = ["acme-mem-read", "acme-mem-write", "tmpfs-read", "zero-read"]


def size(chunk):
    chunk = int(chunk)
    if chunk >= 1 << 20:
        return "%d MiB" % (chunk >> 20)
    if chunk >= 1 << 10:
        return "%d KiB" % (chunk >> 10)
    return "%d B" % chunk


def parse(path):
    results, ratios, notes = {}, [], []
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "result" and len(cols) == 7:
                results[(cols[1], int(cols[2]))] = dict(
                    median=float(cols[3]), min=float(cols[4]),
                    max=float(cols[5]), nsop=float(cols[6]))
            elif cols[0] == "ratio" and len(cols) == 4:
                ratios.append(dict(name=cols[1], value=float(cols[2]),
                                   target=cols[3]))
            elif line.startswith("# ") and "kind\tcase" not in line:
                notes.append(line[2:].strip())
    return results, ratios, notes


def check_complete(results, ratios):
    want = [(c, k) for a, b, ks in PEERS for c in (a, b) for k in ks]
    want += [("%s-x%d" % (c, n), 65536) for c in SCALE for n in (1, 2)]
    missing = ["%s %s" % (c, size(k)) for c, k in want if (c, k) not in results]
    if len(ratios) < 18:
        missing.append("ratios (%d of 18)" % len(ratios))
    if missing:
        sys.exit("bench-report: the output lacks: " + ", ".join(missing))


def verdict(r):
    t = r["target"]
    if t == "-":
        return ""
    bound = float(t[2:])
    ok = r["value"] >= bound if t.startswith(">=") else r["value"] <= bound
    return "met" if ok else "**missed**"


def figure_row(case, chunk, r):
    return "| %s | %s | %.1f | %.1f–%.1f | %s |" % (
        case, size(chunk), r["median"], r["min"], r["max"],
        "%.0f" % r["nsop"] if r["nsop"] < 1e6 else "%.2f ms" % (r["nsop"] / 1e6))


def markdown(results, ratios, notes, args):
    import re
    runs = next((m.group(0) for m in (re.search(r"\d+ runs of \d+ ms", n)
                                     for n in notes) if m), "timed runs")
    cpus = next((m.group(0) for m in (re.search(r"\d+ CPUs", n)
                                     for n in notes) if m), "? CPUs")
    out = ["Linux %s, x86_64, %s, %s, %s. Each figure is the median of %s "
           "after a warm-up; the spread is min–max. NAME-x1 and NAME-x2: one "
           "and two processes at once, one per CPU, on their own device or "
           "file; MiB/s is their sum." % (args.kernel, cpus, args.accel,
                                          args.date, runs), ""]
    out += ["| case | chunk | MiB/s | spread | ns/op |",
            "|---|---|---:|---:|---:|"]
    for a, b, ks in PEERS:
        for k in ks:
            for c in (a, b):
                out.append(figure_row(c, k, results[(c, k)]))
    for c in SCALE:
        for n in (1, 2):
            name = "%s-x%d" % (c, n)
            out.append(figure_row(name, 65536, results[(name, 65536)]))
    out += ["", "| ratio (acme to peer, same boot) | value | target | |",
            "|---|---:|---:|---|"]
    for r in ratios:
        out.append("| %s | %.2f | %s | %s |" % (
            r["name"], r["value"], "" if r["target"] == "-" else r["target"],
            verdict(r)))
    out += ["", "![acme-bench ratios](results/acme-bench.svg)", ""]
    return "\n".join(out)


def svg(ratios, args):
    """Horizontal bars, one per ratio, on a log scale around 1.0."""
    import math
    rows = len(ratios)
    left, width, bar, top = 250, 420, 18, 40
    height = top + rows * (bar + 6) + 40
    lo, hi = math.log(0.25), math.log(4.0)

    def x(v):
        v = min(max(v, 0.25), 4.0)
        return left + (math.log(v) - lo) / (hi - lo) * width

    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="12">' % (left + width + 60, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="14">acme-bench: acme / peer, same boot '
         '(Linux %s, %s, %s)</text>' % (escape(args.kernel), escape(args.accel),
                                        escape(args.date))]
    for v in (0.25, 0.5, 1.0, 2.0, 4.0):
        s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>' % (
            x(v), top - 5, x(v), height - 30, "black" if v == 1.0 else "#ccc"))
        s.append('<text x="%.1f" y="%d" text-anchor="middle">%g×</text>' % (
            x(v), height - 15, v))
    for i, r in enumerate(ratios):
        y = top + i * (bar + 6)
        v = r["value"]
        good = verdict(r) != "**missed**"
        color = "#4a8" if good else "#d54"
        if r["target"] == "-":
            color = "#8ab"
        x0, x1 = sorted((x(1.0), x(v)))
        s.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (
            left - 6, y + bar - 5, escape(r["name"])))
        s.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
            x0, y, max(x1 - x0, 1), bar, color))
        s.append('<text x="%.1f" y="%d">%.2f</text>' % (
            max(x1, x(1.0)) + 4, y + bar - 5, v))
        if r["target"] != "-":
            tx = x(float(r["target"][2:]))
            s.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" '
                     'stroke-width="2" stroke-dasharray="3,2"/>' % (
                         tx, y - 2, tx, y + bar + 2))
    s.append("</svg>")
    return "\n".join(s) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for opt in ("tsv", "kernel", "accel", "date", "md", "svg"):
        ap.add_argument("--" + opt, required=True)
    args = ap.parse_args()
    results, ratios, notes = parse(args.tsv)
    check_complete(results, ratios)
    with open(args.md, "w") as f:
        f.write(markdown(results, ratios, notes, args))
    with open(args.svg, "w") as f:
        f.write(svg(ratios, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
