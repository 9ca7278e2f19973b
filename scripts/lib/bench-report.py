#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""scripts/lib/bench-report.py - tables and a chart from acme-bench's output

usage: scripts/lib/bench-report.py --tsv FILE --kernel REL --accel ACCEL
                            --date DATE --md OUT.md --svg OUT.svg

Reads the tab-separated output of acme-bench ("result" and "ratio" lines)
and writes a Markdown page with two tables, the figures and the ratios
against their targets, and an SVG chart of the ratios (matplotlib, Agg;
the same input gives the same file). Exits non-zero when the output lacks a
figure or a ratio that acme-bench always prints.

Runs with Debian's /usr/bin/python3, whatever python3 comes first in PATH:
the chart needs python3-matplotlib.
"""

import argparse
import re
import sys

# What every complete run prints, in its order; a missing one means
# acme-bench broke, or could not measure it (its "not measured" line says
# why).
PEERS = [
    ("acme-fifo", "pipe", [1, 64, 4096, 65536, 1048576]),
    ("acme-fifo-splice", "pipe-splice", [4096, 65536]),
    ("acme-mem-read", "tmpfs-read", [4096, 65536]),
    ("acme-mem-write", "tmpfs-write", [4096, 65536]),
    ("acme-mem-sendfile", "tmpfs-sendfile", [4096, 65536]),
    ("acme-mem-mmap-read", "tmpfs-mmap-read", [4096, 65536]),
    ("acme-mem-mmap-write", "tmpfs-mmap-write", [4096, 65536]),
    ("zero-read", "null-write", [4096, 65536]),
]
SCALE = ["acme-mem-read", "acme-mem-write", "tmpfs-read", "zero-read"]
# fifo/pipe: 2 per chunk; splice, read, write, sendfile, mmap read and mmap
# write: 1 per chunk; one per SCALE case.
RATIOS = 2 * 5 + 6 * 2 + len(SCALE)


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


def check_complete(results, ratios, notes):
    want = [(c, k) for a, b, ks in PEERS for c in (a, b) for k in ks]
    want += [("%s-x%d" % (c, n), 65536) for c in SCALE for n in (1, 2)]
    missing = ["%s %s" % (c, size(k))
               for c, k in want if (c, k) not in results]
    if len(ratios) < RATIOS:
        missing.append("ratios (%d of %d)" % (len(ratios), RATIOS))
    if missing:
        why = ["\nbench-report: acme-bench says: " + n
               for n in notes if ": not measured: " in n]
        sys.exit("bench-report: the output lacks: " + ", ".join(missing) +
                 "".join(why))


def verdict(r):
    t = r["target"]
    if t == "-":
        return ""
    bound = float(t[2:])
    ok = r["value"] >= bound if t.startswith(">=") else r["value"] <= bound
    return "met" if ok else "**missed**"


def figure_row(case, chunk, r):
    nsop = r["nsop"]
    return "| %s | %s | %.1f | %.1f–%.1f | %s |" % (
        case, size(chunk), r["median"], r["min"], r["max"],
        "%.0f" % nsop if nsop < 1e6 else "%.2f ms" % (nsop / 1e6))


def markdown(results, ratios, notes, args):
    def first(pattern, default):
        for n in notes:
            m = re.search(pattern, n)
            if m:
                return m.group(0)
        return default

    runs = first(r"\d+ runs of \d+ ms", "timed runs")
    cpus = first(r"\d+ CPUs", "? CPUs")
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


def svg(ratios, args, path):
    """Horizontal bars, one per ratio, on a log scale around 1.0, drawn
    with matplotlib's Agg backend into the SVG file PATH. The same input
    gives the same file: a fixed hash salt for the element ids, no date."""
    try:
        import matplotlib
    except ImportError:
        sys.exit("bench-report: %s has no matplotlib: as root, run "
                 "apt-get install python3-matplotlib" % sys.executable)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullLocator

    matplotlib.rcParams.update({
        "svg.hashsalt": "acme-bench",
        "svg.fonttype": "none",  # text stays text, not glyph paths
        "font.family": "sans-serif",
        "font.size": 9,
    })
    lo, hi = 0.25, 4.0
    rows = len(ratios)
    fig, ax = plt.subplots(figsize=(7.5, 0.6 + 0.25 * rows + 0.6))
    ax.set_xscale("log", base=2)
    ax.set_xlim(lo, hi)
    ax.set_ylim(rows - 0.4, -0.6)  # first ratio on top
    ticks = [0.25, 0.5, 1.0, 2.0, 4.0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels(["%g\u00d7" % v for v in ticks])
    for v in ticks:
        ax.axvline(v, color="black" if v == 1.0 else "#cccccc",
                   linewidth=1.0 if v == 1.0 else 0.8, zorder=0)
    for i, r in enumerate(ratios):
        v = min(max(r["value"], lo), hi)
        if r["target"] == "-":
            color = "#88aabb"
        elif verdict(r) == "**missed**":
            color = "#dd5544"
        else:
            color = "#44aa88"
        x0, x1 = sorted((1.0, v))
        ax.barh(i, x1 - x0, left=x0, height=0.75, color=color, zorder=2)
        ax.text(max(x1, 1.0) * 1.03, i, "%.2f" % r["value"],
                va="center", ha="left", zorder=3)
        if r["target"] != "-":
            ax.plot([float(r["target"][2:])] * 2, [i - 0.48, i + 0.48],
                    color="black", linewidth=1.5, linestyle=(0, (3, 2)),
                    zorder=4)
    ax.set_yticks(range(rows))
    ax.set_yticklabels([r["name"] for r in ratios])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.suptitle("acme-bench: acme / peer, same boot (Linux %s, %s, %s)" % (
        args.kernel, args.accel, args.date), x=0.01, ha="left", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for opt in ("tsv", "kernel", "accel", "date", "md", "svg"):
        ap.add_argument("--" + opt, required=True)
    args = ap.parse_args()
    results, ratios, notes = parse(args.tsv)
    check_complete(results, ratios, notes)
    with open(args.md, "w") as f:
        f.write(markdown(results, ratios, notes, args))
    svg(ratios, args, args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
