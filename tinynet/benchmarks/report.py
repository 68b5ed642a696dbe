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
import os
import platform
import sys

from .. import jsontext
from . import machine
from .cases import GROUPS, SWEEPS

__all__ = ["results_from_pytest_json", "text_report", "markdown_report", "write_svgs", "crossover",
           "pure_python_lines", "launch_lines"]

#: What the pure-Python digits epoch measured on this project's machine, printed
#: next to a new run so a reader can place their own machine: (samples/s, machine, date).
REFERENCE_PYTHON_EPOCH = (943, "2-core Intel Xeon VM, CPython 3.11.7", "2026-11-23")


def results_from_pytest_json(path):
    """Results from a ``--benchmark-json`` file written by tests/benchmarks."""
    with open(path, "rb") as handle:
        data = jsontext.parse(handle.read(), path, "a pytest-benchmark JSON file")
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks", []), list):
        raise ValueError("it is not a pytest-benchmark JSON file (expected an object with a "
                         "\"benchmarks\" list)")
    results = []
    for bench in data.get("benchmarks", []):
        info = bench.get("extra_info") if isinstance(bench, dict) else None
        if not isinstance(info, dict) or "group" not in info or "impl" not in info:
            continue                       # not one of ours
        info = dict(info)
        stats = bench.get("stats")
        numbers = [stats.get(key) for key in ("min", "median", "rounds")] if isinstance(stats, dict) else []
        if len(numbers) != 3 or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                        and x >= 0 for x in numbers):
            raise ValueError("benchmark {} has no usable \"stats\" (min, median, rounds)".format(
                str(bench.get("name"))[:80]))
        if not isinstance(info.get("group"), str) or info["group"] not in GROUPS:
            continue                       # a group this version does not know
        info.update(seconds=numbers[0], median=numbers[1], rounds=numbers[2])
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


#: The per-neuron pure-Python networks the python backend is compared with, in report
#: order: (impl, label).  Both train the same network the same way as tinynet.
PER_NEURON_REFS = (
    ("ref-tutorial", "the tutorial-style per-neuron network"),
    ("ref-naive", "the careful per-neuron network"),
)


def pure_python_lines(results):
    """What the pure-Python digits epoch measured on this machine, the reference figure
    to compare it with, and how it compares with each per-neuron network that ran.

    >>> rows = [{"group": "epoch_digits", "impl": impl, "seconds": s, "samples": 1600}
    ...         for impl, s in (("python", 2.0), ("ref-tutorial", 4.0))]
    >>> print(pure_python_lines(rows)[1])
      tinynet python ran 2.00× as fast as the tutorial-style per-neuron network (400 samples/s)
    """
    rows = {r["impl"]: r for r in results if r["group"] == "epoch_digits"}
    if "python" not in rows:
        return []
    py = rows["python"]
    rate = py["samples"] / py["seconds"]
    reference, where, when = REFERENCE_PYTHON_EPOCH
    lines = ["pure Python, digits MLP epoch: {:,.0f} samples/s on this machine ({} {}, {}); "
             "for comparison {:,} samples/s on a {} ({})".format(
                 rate, platform.python_implementation(), platform.python_version(),
                 sys.executable or "?", reference, where, when)]
    for impl, label in PER_NEURON_REFS:
        if impl not in rows:
            continue
        ref = rows[impl]
        lines.append("  tinynet python ran {:.2f}× as fast as {} ({:,.0f} samples/s)".format(
            ref["seconds"] / py["seconds"], label, ref["samples"] / ref["seconds"]))
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
    pure-Python lines."""
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
    out.extend(pure_python_lines(results))
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
    """The report as Markdown, with the date and the machine (as in docs/benchmarks.md)."""
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
    for line in launch_lines(results) + _crossover_lines(results) + pure_python_lines(results) + list(notes):
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
