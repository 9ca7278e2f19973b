#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""scripts/lib/bench-report.py - tables and a chart from acme-bench's output

usage: scripts/lib/bench-report.py --tsv FILE [--tsv FILE]... --meta FILE
                                   --md OUT.md --svg OUT.svg

What scripts/bench runs on its boots' output. Reads the tab-separated output
of acme-bench, one --tsv per boot ("result", "ratio" and "phase" lines, see
acme-bench.c), and writes a Markdown page (the figures; the ratios with
their median and range over the boots, their target and a verdict; where
the time of a 64 KiB FIFO transfer goes; a link to the chart, results.svg
beside it) and an SVG chart of the ratios (matplotlib, Agg; the same input
gives the same file). A target is met only when the boot's median ratio
meets it in every boot: "met 3/3", or "missed 1/3" when one boot missed it.
--meta is a file of "KEY<TAB>VALUE" lines (kernel, accel, date, and "host
load" if known), as scripts/bench writes it.

Exits non-zero when an output lacks a figure, a ratio or a phase that
acme-bench always prints. Runs with Debian's /usr/bin/python3, whatever
python3 comes first in PATH: the chart needs python3-matplotlib.
"""

import argparse
import re
import statistics
import sys

FIFO_CHUNKS = [1, 64, 4096, 65536, 1048576]
KS = [4096, 65536]

# What every complete run prints; a missing one means acme-bench broke, or
# could not measure it (its "not measured" line says why).
SETS = [
    (["acme-fifo", "pipe", "memcpy-2"], FIFO_CHUNKS),
    (["acme-fifo-splice", "pipe-splice"], KS),
    (["acme-mem-read", "tmpfs-read", "memcpy-1-mem-read"], KS),
    (["acme-mem-write", "tmpfs-write", "memcpy-1-mem-write"], KS),
    (["acme-mem-sendfile", "tmpfs-sendfile"], KS),
    (["acme-mem-mmap-read", "tmpfs-mmap-read", "memcpy-1-mmap-read"], KS),
    (["acme-mem-mmap-write", "tmpfs-mmap-write", "memcpy-1-mmap-write"], KS),
    (["zero-read", "null-write"], KS),
]
SCALE = [("acme-mem-read", "devices"), ("acme-mem-write", "devices"),
         ("acme-fifo", "FIFOs"), ("tmpfs-read", "files"),
         ("zero-read", "readers")]
PHASES = [("copy-in", "copy-in: write(2) of 64 KiB, empty, no waiter"),
          ("copy-out", "copy-out: read(2) of 64 KiB it holds"),
          ("wake-up", "wake-up: 1-byte write(2) on CPU 1 to read(2) "
           "return on CPU 0"),
          ("stream", "stream: time per 64 KiB op, writer and reader")]


def size(chunk):
    chunk = int(chunk)
    if chunk >= 1 << 20:
        return "%d MiB" % (chunk >> 20)
    if chunk >= 1 << 10:
        return "%d KiB" % (chunk >> 10)
    return "%d B" % chunk


def want_ratios():
    names = []
    for k in FIFO_CHUNKS:
        names += ["fifo/pipe throughput %s" % size(k),
                  "fifo/pipe time per op %s" % size(k),
                  "fifo/memcpy-2 %s" % size(k)]
    names += ["fifo/pipe splice %s" % size(k) for k in KS]
    for kind in ("read", "write"):
        for k in KS:
            names += ["mem/tmpfs %s %s" % (kind, size(k)),
                      "mem/memcpy-1 %s %s" % (kind, size(k))]
    names += ["mem/tmpfs sendfile %s" % size(k) for k in KS]
    for kind in ("read", "write"):
        for k in KS:
            names += ["mem/tmpfs mmap %s %s" % (kind, size(k)),
                      "mmap/memcpy-1 %s %s" % (kind, size(k))]
    names += ["%s 2/1 %s 64 KiB" % s for s in SCALE]
    return names


def wanted():
    """What every complete run prints: the (case, chunk) of each figure,
    the name of each ratio and the (subject, phase) of each phase."""
    results = [(c, k) for cases, ks in SETS for k in ks for c in cases]
    results += [("%s-x%d" % (c, n), 65536) for c, _ in SCALE for n in (1, 2)]
    phases = [(s, p) for s in ("acme-fifo", "pipe") for p, _ in PHASES]
    phases.append(("memcpy", "copy"))
    return results, want_ratios(), phases


def parse(path):
    """One boot: results, ratios (in order), phases and comment lines."""
    run = dict(path=path, results={}, ratios={}, order=[], phases={},
               notes=[])
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "result" and len(cols) == 7:
                run["results"][(cols[1], int(cols[2]))] = dict(
                    median=float(cols[3]), min=float(cols[4]),
                    max=float(cols[5]), nsop=float(cols[6]))
            elif cols[0] == "ratio" and len(cols) == 6:
                run["order"].append(cols[1])
                run["ratios"][cols[1]] = dict(
                    median=float(cols[2]), min=float(cols[3]),
                    max=float(cols[4]), target=cols[5])
            elif cols[0] == "phase" and len(cols) == 6:
                run["phases"][(cols[1], cols[2])] = dict(
                    median=float(cols[3]), min=float(cols[4]),
                    max=float(cols[5]))
            elif line.startswith("# ") and "kind\tcase" not in line:
                run["notes"].append(line[2:].strip())
    return run


def check_complete(run):
    results, names, phases = wanted()
    missing = ["%s %s" % (c, size(k))
               for c, k in results if (c, k) not in run["results"]]
    missing += ["ratio '%s'" % n for n in names if n not in run["ratios"]]
    missing += ["phase %s %s" % sp for sp in phases
                if sp not in run["phases"]]
    if missing:
        why = ["\nbench-report: acme-bench says: " + n
               for n in run["notes"] if ": not measured: " in n]
        sys.exit("bench-report: %s lacks: %s%s" % (
            run["path"], ", ".join(missing), "".join(why)))


def holds(value, target):
    bound = float(target[2:])
    return value >= bound if target.startswith(">=") else value <= bound


def verdict(values, target, name=""):
    """'' without a target, else 'met N/N' or '**missed** K/N'; a scaling
    ratio (NAME has "2/1") above 2 in some boot is flagged: two of a kind
    on 2 CPUs cannot do more than twice one, so that boot's one was
    disturbed."""
    if target == "-":
        return ""
    missed = sum(not holds(v, target) for v in values)
    text = "met %d/%d" % (len(values), len(values))
    if missed:
        text = "**missed** %d/%d" % (missed, len(values))
    over = sum(v > 2.0 for v in values) if "2/1" in name else 0
    if over:
        text += "; above 2 in %d/%d: not physical" % (over, len(values))
    return text


def first(runs, pattern, default):
    for n in runs[0]["notes"]:
        m = re.search(pattern, n)
        if m:
            return m.group(1) if m.groups() else m.group(0)
    return default


def loads(runs, when):
    out = []
    for r in runs:
        for n in r["notes"]:
            if n.startswith("load %s: " % when):
                out.append(" ".join(n.split()[2:5]))
    return "; ".join(out) or "?"


def header(runs, meta):
    nboots = len(runs)
    return [
        "Linux %s, x86_64, %s CPUs online, %s, %s; %d boot%s of the same "
        "build, each %s after a warm-up per case. Load average (1, 5, 15 "
        "min) in the guest before each boot's run: %s; after: %s." % (
            meta["kernel"], first(runs, r"cpus: (\d+) online", "?"),
            meta["accel"], meta["date"], nboots, "" if nboots == 1 else "s",
            first(runs, r"\d+ runs of \d+ ms", "timed runs"),
            loads(runs, "before"), loads(runs, "after"))
        + (" The host's, from boot to power-off: %s." % meta["host load"]
           if meta.get("host load") else ""),
        ""]


def fnum(v):
    return "%.0f" % v if v < 1e6 else "%.2f ms" % (v / 1e6)


def figures(runs):
    out = ["Each figure: the median over the boots of each boot's median "
           "MiB/s; the spread is the lowest and highest run of any boot. "
           "NAME-x1 and NAME-x2: one and two processes (for a FIFO, writer "
           "and reader pairs) at once, one per CPU, on their own device or "
           "file; MiB/s is their sum.", "",
           "| case | chunk | MiB/s | spread | ns/op |",
           "|---|---|---:|---:|---:|"]
    for c, k in wanted()[0]:
        rs = [r["results"][(c, k)] for r in runs]
        out.append("| %s | %s | %.1f | %.1f–%.1f | %s |" % (
            c, size(k), statistics.median(x["median"] for x in rs),
            min(x["min"] for x in rs), max(x["max"] for x in rs),
            fnum(statistics.median(x["nsop"] for x in rs))))
    return out + [""]


def ratio_rows(runs):
    """Per ratio: name, median over boots, boots' min and max, runs' min
    and max, target, verdict."""
    rows = []
    for name in runs[0]["order"]:
        rs = [r["ratios"][name] for r in runs]
        meds = [x["median"] for x in rs]
        target = rs[0]["target"]
        rows.append(dict(name=name, median=statistics.median(meds),
                         lo=min(meds), hi=max(meds),
                         rlo=min(x["min"] for x in rs),
                         rhi=max(x["max"] for x in rs), target=target,
                         verdict=verdict(meds, target, name)))
    return rows


def ratios(runs):
    out = ["Each ratio is taken per interleaved pair of runs (run r of one "
           "case over run r of the other), in one boot; a boot's figure is "
           "the median of those. Median and range: over the boots' "
           "figures; runs: the lowest and highest pair of any boot. A "
           "target is met when every boot's figure meets it. NAME/memcpy-1 "
           "and fifo/memcpy-2: the fraction of the copy limit (one copy, "
           "or a FIFO's two).", "",
           "| ratio | median | range over boots | runs | target | verdict |",
           "|---|---:|---:|---:|---:|---|"]
    for r in ratio_rows(runs):
        out.append("| %s | %.2f | %.2f–%.2f | %.2f–%.2f | %s | %s |" % (
            r["name"], r["median"], r["lo"], r["hi"], r["rlo"], r["rhi"],
            "" if r["target"] == "-" else r["target"], r["verdict"]))
    return out + [""]


def phases(runs):
    def ns(subject, phase):
        return statistics.median(r["phases"][(subject, phase)]["median"]
                                 for r in runs)

    out = ["Where the time of a 64 KiB FIFO transfer goes, in ns (median "
           "over the boots of each boot's median), timed in acme-bench:", "",
           "| phase | acme-fifo | pipe | fifo/pipe |",
           "|---|---:|---:|---:|"]
    for phase, label in PHASES:
        a, b = ns("acme-fifo", phase), ns("pipe", phase)
        out.append("| %s | %.0f | %.0f | %.2f |" % (label, a, b, a / b))
    out.append("| one copy of 64 KiB in user space (memcpy-1) | %.0f | | |" %
               ns("memcpy", "copy"))
    return out + [""]


def markdown(runs, meta):
    out = header(runs, meta) + figures(runs) + ratios(runs) + phases(runs)
    out += ["![acme-bench ratios](results.svg)", ""]
    return "\n".join(out)


def svg(runs, meta, path):
    """Horizontal bars, one per ratio (median over the boots, a whisker
    for their range), on a log scale around 1.0, drawn with matplotlib's
    Agg backend into the SVG file PATH. The same input gives the same
    file: a fixed hash salt for the element ids, no date."""
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
    rows = ratio_rows(runs)
    lo, hi = 1 / 32, 4.0
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.22 * len(rows) + 0.6))
    ax.set_xscale("log", base=2)
    ax.set_xlim(lo, hi)
    ax.set_ylim(len(rows) - 0.4, -0.6)  # first ratio on top
    ticks = [1 / 32, 1 / 8, 0.25, 0.5, 1.0, 2.0, 4.0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticklabels(["%g\u00d7" % v if v >= 0.5 else "1/%d\u00d7" % (1 / v)
                        for v in ticks])
    for v in ticks:
        ax.axvline(v, color="black" if v == 1.0 else "#cccccc",
                   linewidth=1.0 if v == 1.0 else 0.8, zorder=0)
    for i, r in enumerate(rows):
        v = min(max(r["median"], lo), hi)
        if r["target"] == "-":
            color = "#88aabb"
        elif r["verdict"].startswith("**missed"):
            color = "#dd5544"
        else:
            color = "#44aa88"
        x0, x1 = sorted((1.0, v))
        ax.barh(i, x1 - x0, left=x0, height=0.75, color=color, zorder=2)
        ax.plot([min(max(r["lo"], lo), hi), min(max(r["hi"], lo), hi)],
                [i, i], color="black", linewidth=1.0, zorder=3)
        ax.text(max(x1, 1.0, r["hi"]) * 1.03, i, "%.2f" % r["median"],
                va="center", ha="left", zorder=3)
        if r["target"] != "-":
            ax.plot([float(r["target"][2:])] * 2, [i - 0.48, i + 0.48],
                    color="black", linewidth=1.5, linestyle=(0, (3, 2)),
                    zorder=4)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r["name"] for r in rows])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.suptitle("acme-bench: ratios, median and range over %d boot%s "
                 "(Linux %s, %s, %s)" % (
                     len(runs), "" if len(runs) == 1 else "s",
                     meta["kernel"], meta["accel"], meta["date"]),
                 x=0.01, ha="left", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    missing = [k for k in ("kernel", "accel", "date") if not meta.get(k)]
    if missing:
        sys.exit("bench-report: %s lacks: %s" % (path, ", ".join(missing)))
    return meta


def load_runs(paths):
    if not paths:
        sys.exit("bench-report: no acme-bench output (--tsv FILE)")
    runs = [parse(p) for p in paths]
    for r in runs:
        check_complete(r)
    for r in runs[1:]:
        if r["order"] != runs[0]["order"]:
            sys.exit("bench-report: %s and %s have different ratios" % (
                runs[0]["path"], r["path"]))
    return runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", action="append", default=[])
    for opt in ("meta", "md", "svg"):
        ap.add_argument("--" + opt, required=True)
    args = ap.parse_args()
    meta = read_meta(args.meta)
    runs = load_runs(args.tsv)
    with open(args.md, "w") as f:
        f.write(markdown(runs, meta))
    svg(runs, meta, args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
