"""Tables, charts and Markdown from benchmark results.

A *result* is a dict: ``group``, ``impl``, ``size``, ``seconds`` (the best
time of one call over the rounds), ``median``, ``rounds``, and the case's
info (``flops`` or ``samples``, ``device``, ``dtype``, ``peak_gflops``,
``reference``).  ``python -m tinynet bench`` makes them by timing the cases
itself; ``results_from_pytest_json`` reads the same fields from a
``pytest --benchmark-json`` file (``extra_info`` holds the case's info).

>>> rows = [{"group": "dense_step", "impl": "python", "size": s, "seconds": t}
...         for s, t in ((16, 1e-3), (32, 2e-3), (64, 8e-3))]
>>> rows += [{"group": "dense_step", "impl": "opencl", "size": s, "seconds": t}
...          for s, t in ((16, 2e-3), (32, 1e-3), (64, 1e-3))]
>>> crossover(rows, "opencl")
32
"""

import datetime
import json
import os
import platform
import sys

from . import machine
from .cases import GROUPS, SWEEPS

__all__ = ["results_from_pytest_json", "text_report", "markdown_report", "write_svgs", "crossover",
           "speed_target", "launch_lines"]

#: The pure-Python speed target of the core issue (CPython 3.11, digits MLP): samples/s,
#: and the ratio to a naive per-neuron implementation timed in the same run.
TARGET_SAMPLES_PER_S = 800
TARGET_VS_NAIVE = 2.0


def results_from_pytest_json(path):
    """Results from a ``--benchmark-json`` file written by tests/benchmarks."""
    with open(path) as handle:
        data = json.load(handle)
    results = []
    for bench in data.get("benchmarks", []):
        info = dict(bench.get("extra_info") or {})
        if "group" not in info or "impl" not in info:
            continue                       # not one of ours
        stats = bench["stats"]
        info.update(seconds=stats["min"], median=stats["median"], rounds=stats["rounds"])
        results.append(info)
    return results


# === Numbers ================================================================

def _order(impl):
    if impl == "python":
        return (0, impl)
    if impl.startswith("ref-"):
        return (2, impl)
    return (1, impl)


def _title(group, rows):
    return rows[0].get("title") or GROUPS[group][0]


def _by_group(results):
    groups = {}
    for r in results:
        groups.setdefault(r["group"], []).append(r)
    return [(g, groups[g]) for g in GROUPS if g in groups]


def _python_time(rows, size):
    for r in rows:
        if r["impl"] == "python" and r.get("size") == size:
            return r["seconds"]
    return None


def crossover(results, impl="opencl", group="dense_step", against="python"):
    """The smallest width from which ``impl`` beats ``against`` at every
    width both ran; None when it never does (or nothing to compare)."""
    rows = [r for r in results if r["group"] == group]
    base = {r["size"]: r["seconds"] for r in rows if r["impl"] == against}
    other = {r["size"]: r["seconds"] for r in rows if r["impl"] == impl}
    common = sorted(set(base) & set(other))
    if not common:
        return None
    answer = None
    for size in reversed(common):
        if other[size] < base[size]:
            answer = size
        else:
            break
    return answer


#: The per-neuron references of the speed target, in report order: (impl, label, what
#: the 2× means).  The tutorial-style network is the issue's target: it is the code the
#: issue calibrated "≥ 2× a naive implementation" on (typical tutorial code, ~23.3 M
#: instructions per sample on CPython 3.11); the careful one is a stricter comparison.
PER_NEURON_REFS = (
    ("ref-tutorial", "the tutorial-style per-neuron network", "target ≥ {:g}×", "  [the issue's target]"),
    ("ref-naive", "the careful per-neuron network", "≥ {:g}×, stricter than the issue's target", ""),
)


def speed_target(results):
    """Lines about the pure-Python target: ≥ 800 samples/s, and the ratio to each
    per-neuron reference that ran (target ≥ 2× the tutorial-style one)."""
    rows = {r["impl"]: r for r in results if r["group"] == "epoch_digits"}
    if "python" not in rows:
        return []
    py = rows["python"]
    rate = py["samples"] / py["seconds"]
    lines = ["speed target (digits MLP epoch, {} {} here, {}; target on 3.11): tinynet python "
             "{:,.0f} samples/s (target ≥ {}): {}".format(
                 platform.python_implementation(), platform.python_version(), sys.executable or "?",
                 rate, TARGET_SAMPLES_PER_S,
                 "met" if rate >= TARGET_SAMPLES_PER_S else "NOT met")]
    for impl, label, goal, note in PER_NEURON_REFS:
        if impl not in rows:
            continue
        ref = rows[impl]
        ratio = ref["seconds"] / py["seconds"]
        lines.append("  tinynet python is {:.2f}× {} ({:,.0f} samples/s) ({}): {}{}".format(
            ratio, label, ref["samples"] / ref["seconds"], goal.format(TARGET_VS_NAIVE),
            "met" if ratio >= TARGET_VS_NAIVE else "NOT met", note))
    return lines


def _time_text(seconds):
    if seconds >= 1.0:
        return "{:.2f} s".format(seconds)
    if seconds >= 1e-3:
        return "{:.2f} ms".format(seconds * 1e3)
    return "{:.1f} µs".format(seconds * 1e6)


def _ratio_text(ratio):
    return "{:,.0f}×".format(ratio) if ratio >= 100 else "{:.3g}×".format(ratio)


def _row_cells(r, rows):
    kind = GROUPS[r["group"]][3]
    if kind == "flops":
        rate = _gflops(r["flops"] / r["seconds"] / 1e9)
    else:
        rate = "{:,.0f} samples/s".format(r["samples"] / r["seconds"])
    python = _python_time(rows, r.get("size"))
    ratio = "—" if python is None or r["impl"] == "python" else _ratio_text(python / r["seconds"])
    if r["impl"] == "python" and python is not None:
        ratio = "1×"
    peak = r.get("peak_gflops")
    fraction = "—"
    if kind == "flops" and peak:
        fraction = _percent(100.0 * r["flops"] / r["seconds"] / 1e9 / peak)
    name = r["impl"]
    size = "" if r.get("size") is None else str(r["size"])
    return [name, size, _time_text(r["seconds"]), rate, ratio, fraction]


def _gflops(value):
    """Three significant digits, whole numbers from 1000 on (a GPU's rate).

    >>> [_gflops(x) for x in (0.0333, 59.46, 127.4, 8857.2)]
    ['0.0333 GFLOP/s', '59.5 GFLOP/s', '127 GFLOP/s', '8,857 GFLOP/s']
    """
    return "{:,.0f} GFLOP/s".format(value) if value >= 1000 else "{:.3g} GFLOP/s".format(value)


def _percent(value):
    """Two significant digits, without an exponent ('0.027%', '4.4%', '43%', '106%':
    above 100% the estimated peak's clock is lower than the one the CPU ran at).

    >>> [_percent(x) for x in (0.0271, 4.44, 43.2, 105.6)]
    ['0.027%', '4.4%', '43%', '106%']
    """
    return "{:.0f}%".format(value) if value >= 10 else "{:.2g}%".format(value)


HEADER = ["backend", "size", "time/call", "rate", "speed-up vs python", "of peak"]


def _peaks(rows):
    seen = {}
    for r in rows:
        if r.get("peak_gflops"):
            key = "{} {}".format(r.get("device", "?"), r.get("dtype", ""))
            seen[key] = (r["peak_gflops"], r.get("peak_formula", ""))
    return seen


def _group_tables(results):
    for group, rows in _by_group(results):
        rows = sorted(rows, key=lambda r: (r.get("size") or 0, _order(r["impl"])))
        yield group, rows, [_row_cells(r, rows) for r in rows]


def text_report(results, notes=()):
    """The plain-text report: the machine, one table per group, then peaks, crossover and the
    speed target."""
    out = ["machine: " + machine.machine_summary()]
    peaks = {}
    for group, rows, cells in _group_tables(results):
        out.append("")
        out.append(_title(group, rows))
        widths = [max(len(str(c[i])) for c in cells + [HEADER]) for i in range(len(HEADER))]
        line = "  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(HEADER, widths)))
        out.append(line)
        out.append("-" * len(line))
        for c in cells:
            out.append("  ".join(str(x).ljust(w) if i < 2 else str(x).rjust(w)
                                 for i, (x, w) in enumerate(zip(c, widths))))
        if GROUPS[group][3] == "flops":
            peaks.update(_peaks(rows))
    out.append("")
    for key, (gflops, formula) in sorted(peaks.items()):
        out.append("ref-peak {}: {:,.0f} GFLOP/s = {}".format(key, gflops, formula))
    out.extend(launch_lines(results))
    out.extend(_crossover_lines(results))
    out.extend(speed_target(results))
    out.extend(notes)
    return "\n".join(out).lstrip("\n")


def launch_lines(results):
    """Kernel launches per training batch, for the backends that count them (OpenCL)."""
    lines = []
    for r in sorted(results, key=lambda r: (r["group"], _order(r["impl"]))):
        if r.get("launches_per_batch") is not None:
            lines.append("launches per training batch: {} {:g} ({}; the loss is read once an "
                         "epoch)".format(r["impl"], r["launches_per_batch"],
                                         GROUPS[r["group"]][0].split(",")[0]))
    return lines


def _crossover_lines(results):
    lines = []
    impls = sorted({r["impl"] for r in results if r["group"] == "dense_step"
                    and r["impl"] != "python"}, key=_order)
    widths = sorted({r["size"] for r in results if r["group"] == "dense_step" and r["impl"] == "python"})
    for impl in impls:
        if not widths:
            break
        at = crossover(results, impl)
        what = "ref-numpy (float32)" if impl == "ref-numpy" else impl
        if at is None:
            lines.append("crossover: {} is not faster than pure Python at any Dense width up to {} "
                         "(batch 32) on this machine".format(what, widths[-1]))
        else:
            lines.append("crossover: {} is faster than pure Python from Dense width {} on "
                         "(batch 32, widths compared: {}–{})".format(what, at, widths[0], widths[-1]))
    return lines + _numpy_crossover_lines(results)


def _numpy_crossover_lines(results):
    """Where each device backend overtakes NumPy float32 (the "is the GPU worth it?" line)."""
    rows = [r for r in results if r["group"] == "dense_step"]
    numpy = {r["size"]: r["seconds"] for r in rows if r["impl"] == "ref-numpy"}
    lines = []
    for impl in sorted({r["impl"] for r in rows if not r["impl"].startswith("ref-")
                        and r["impl"] != "python"}, key=_order):
        mine = {r["size"]: r["seconds"] for r in rows if r["impl"] == impl}
        widths = sorted(set(mine) & set(numpy))
        if not widths:
            continue
        at = crossover(results, impl, against="ref-numpy")
        if at is not None:
            lines.append("crossover: {} is faster than NumPy float32 from Dense width {} on "
                         "(batch 32, widths compared: {}–{})".format(impl, at, widths[0], widths[-1]))
        else:
            ahead = [str(n) for n in widths if mine[n] < numpy[n]]
            lines.append("crossover: {} does not stay faster than NumPy float32 up to Dense width "
                         "{} (batch 32); faster at: {}".format(impl, widths[-1],
                                                               ", ".join(ahead) or "no width"))
    return lines


# === Markdown ===============================================================

def _opencl_devices(results):
    names = sorted({"{} ({})".format(r["device"], r.get("dtype", "")) for r in results
                    if r.get("device") and not r["device"].startswith("CPU")})  # NumPy's rows
    return ", ".join(names) or "none used"


def markdown_report(results, notes=()):
    """The report as Markdown, with the date and the machine, for the README."""
    info = machine.cpu_info()
    out = ["### tinynet benchmarks", "",
           "- date: {}".format(datetime.date.today().isoformat()),
           "- machine: {}, {} cores ({}), {}".format(info["model"], info["cores"],
                                                     platform.machine(), platform.system()),
           "- Python: {} {} ({})".format(platform.python_implementation(), platform.python_version(),
                                         sys.executable or "?"),
           "- OpenCL device: {}".format(_opencl_devices(results)),
           "- made by `python -m tinynet bench --markdown`; times are the best of a few calls", ""]
    peaks = {}
    for group, rows, cells in _group_tables(results):
        out.append("#### " + _title(group, rows).replace("|", "\\|"))
        out.append("")
        out.append("| " + " | ".join(HEADER) + " |")
        out.append("|" + "|".join([":--", "--:"] + ["--:"] * (len(HEADER) - 2)) + "|")
        for c in cells:
            out.append("| " + " | ".join(str(x) for x in c) + " |")
        out.append("")
        if GROUPS[group][3] == "flops":
            peaks.update(_peaks(rows))
    for key, (gflops, formula) in sorted(peaks.items()):
        out.append("- ref-peak {}: {:,.0f} GFLOP/s = {}".format(key, gflops, formula))
    for line in launch_lines(results) + _crossover_lines(results) + speed_target(results) + list(notes):
        out.append("- " + line.strip())
    return "\n".join(out)


# === Pictures ===============================================================

def write_svgs(results, folder):
    """One chart per group in ``folder``: time vs size (log-log) for sweeps,
    samples/s bars for whole-network workloads.  Returns the paths written."""
    from ..pictures import bar_chart, line_chart
    os.makedirs(folder, exist_ok=True)
    written = []
    for group, rows in _by_group(results):
        title, xlabel = _title(group, rows), GROUPS[group][1]
        if group in SWEEPS:
            series = {}
            for r in sorted(rows, key=lambda r: (_order(r["impl"]), r["size"])):
                series.setdefault(r["impl"], []).append((r["size"], r["seconds"]))
            picture = line_chart(series, title, xlabel, "seconds per call", logx=True, logy=True)
        else:
            values = {r["impl"]: r["samples"] / r["seconds"] for r in sorted(rows, key=lambda r: _order(r["impl"]))}
            picture = bar_chart(values, title, "", "samples per second", logy=True)
        path = os.path.join(folder, "bench_{}.svg".format(group))
        picture.save(path)
        written.append(path)
    return written
