"""``python -m tinynet bench``: time the benchmark cases and print the report.

This runner needs only the standard library: it times each case with
``time.perf_counter`` (one warm-up call, which is also checked, then a few
timed rounds; the best time is reported).  The pytest-benchmark suite in
tests/benchmarks times the same cases with more rounds; ``--from-json``
turns its ``--benchmark-json`` file into the same tables.

By default it is quick: 3 rounds, at most about 2 s per case (a call longer
than half that is timed once, except the digits epoch of python, ref-naive and
ref-tutorial, three times each, for the pure-Python comparison), and the python backend
only up to the ``QUICK_PYTHON_MAX`` sizes; ``--full`` runs the python backend
over the whole sweep of the pytest suite.

``--in-turn N`` is for comparing two or more backends on a noisy machine:
instead of timing one case after another, it times every case once (the best
of ``--rounds`` calls) in each of N rounds, so that a slower stretch of a shared
machine falls on all of them, and reports for each case the median of its N
times and, against the first backend named, the median of the N ratios
measured in the same round, with their range.  In each round a fast case
(a call under ``WARM_UP_BELOW`` seconds) first runs once untimed: timed
straight after a slow case it would otherwise start cold (a device's threads
asleep, its data out of the caches), which a training run never does.

In both modes, a case of multi-threaded NumPy is followed by a pause
(``machine.SETTLE_AFTER``): OpenBLAS's threads go on spinning for a while
after each call and would slow down whichever case came next.
"""

import statistics
import sys
import time

from ..errors import DataError
from .machine import settle

__all__ = ["add_arguments", "run"]


def add_arguments(parser):
    """The options of the ``bench`` subcommand."""
    parser.add_argument("--full", action="store_true",
                        help="the python backend over the whole size sweep (slower)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per case (default 3)")
    parser.add_argument("--budget", type=float, default=2.0,
                        help="seconds of timing per case, at most (default 2)")
    parser.add_argument("--groups", default="",
                        help="comma-separated groups (default all): " + ", ".join(_group_names()))
    parser.add_argument("--backends", default="",
                        help="comma-separated backends and references (default: all registered "
                             "backends, ref-numpy, ref-numpy-1t, ref-naive, ref-tutorial, "
                             "ref-tinygrad, ref-torch)")
    parser.add_argument("--fit-epochs", type=int, default=None,
                        help="epochs of the demo network's fit to time (default 1 of its 10)")
    parser.add_argument("--svg", metavar="DIR", help="also write one SVG chart per group to DIR")
    parser.add_argument("--markdown", action="store_true",
                        help="print Markdown (date, machine, OpenCL device, tables) instead of text")
    parser.add_argument("--in-turn", type=int, metavar="N", default=0,
                        help="time the cases in turn, N rounds, and report the median time "
                             "and the median ratio to the first backend named (for noisy "
                             "machines)")
    parser.add_argument("--from-json", metavar="FILE",
                        help="report a 'pytest tests/benchmarks --benchmark-json FILE' run "
                             "instead of timing")


def _group_names():
    from .cases import GROUPS
    return list(GROUPS)


def _split(text, known, what):
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError("unknown {} {}; choose from: {}".format(
            what, ", ".join(map(repr, unknown)), ", ".join(known)))
    return names or None


def measure(case, rounds=3, budget=2.0, min_calls=1):
    """Time one case: a dict result (see ``report``).  Raises ``Unavailable``.

    The time is the best of the calls (the first one included: a device's
    compiles make it slower, never faster), which is the steadiest number on
    a shared machine; ``median`` is kept too.
    """
    prepared = case.prepare()
    clock = time.perf_counter
    start = clock()
    result = prepared.run()                      # warm-up: compiles, caches; checked below
    first = clock() - start
    prepared.check(result)
    times = [first]
    if first >= budget / 2:                      # a slow call: timed min_calls times in all
        for _ in range(min_calls - 1):
            start = clock()
            result = prepared.run()
            times.append(clock() - start)
    else:
        loops = max(1, min(1000, int(0.002 / max(first, 1e-7))))   # rounds of ≥ ~2 ms
        n = max(1, min(rounds, int(budget / (first * loops))))
        times = [first] if loops == 1 else []
        for _ in range(n):
            start = clock()
            for _ in range(loops):
                result = prepared.run()
            times.append((clock() - start) / loops)
    prepared.check(result)
    record = dict(prepared.info)
    record.update(seconds=min(times), median=statistics.median(times), rounds=len(times))
    return record


#: Cases timed at least this many times even when slow: the pure-Python comparison's rows.
MIN_CALLS = {("epoch_digits", "python"): 3, ("epoch_digits", "ref-naive"): 3,
             ("epoch_digits", "ref-tutorial"): 3}


#: In ``in_turn``, a case whose call takes less than this runs once untimed in
#: each round before it is timed.  Measured on pocl: the digits epoch on OpenCL
#: timed once straight after a pure-Python epoch took 5.3 ms, its best of three
#: 3.6 ms (the first launches wait for pocl's idle threads to wake).
WARM_UP_BELOW = 0.1


def in_turn(todo, rounds, calls=3):
    """Time the cases in turn: in each of ``rounds`` rounds, every case's best
    of ``calls`` calls (a call of a fast case runs it enough times to take
    about 2 ms, and counts the mean; a case under ``WARM_UP_BELOW`` seconds
    first runs once untimed).  Returns ([(case, [seconds per round])], {impl:
    why it was left out})."""
    from .cases import Unavailable
    prepared, skipped = [], {}
    for case in todo:
        if case.impl in skipped:
            continue
        try:
            ready = case.prepare()
        except Unavailable as why:
            skipped[case.impl] = str(why)
            continue
        start = time.perf_counter()
        ready.check(ready.run())                  # warm-up: compiles, caches; checked
        first = time.perf_counter() - start
        loops = max(1, min(1000, int(0.002 / max(first, 1e-7))))   # calls of ≥ ~2 ms
        prepared.append((case, ready, loops, first < WARM_UP_BELOW, []))
    clock = time.perf_counter
    for _ in range(rounds):
        for case, ready, loops, warm_up, times in prepared:
            if warm_up:
                ready.run()
            best = float("inf")
            for _ in range(calls):
                start = clock()
                for _ in range(loops):
                    ready.run()
                best = min(best, (clock() - start) / loops)
            times.append(best)
            settle(case.impl)
    return [(case, times) for case, _, _, _, times in prepared], skipped


def in_turn_lines(timed, rounds, calls):
    """The report of ``in_turn``: one line a case, its ratio to the first backend."""
    from .report import _ratio_text, _time_text
    lines = ["timed in turn: {} rounds, each the best of {} calls of every case; medians "
             "over the rounds".format(rounds, calls)]
    first = {}                                    # (group, size) -> the first case's times
    for case, times in timed:
        key = (case.group, case.size)
        where = case.group if case.size is None else "{} {}".format(case.group, case.size)
        text = "{}: {} {}".format(where, case.impl, _time_text(statistics.median(times)))
        if key not in first:
            first[key] = (case.impl, times)
        else:
            base, base_times = first[key]
            ratios = [t / b for t, b in zip(times, base_times)]
            text += " = {} {}'s time (per round {}–{})".format(
                _ratio_text(statistics.median(ratios)), base, _ratio_text(min(ratios)),
                _ratio_text(max(ratios)))
        lines.append(text)
    return lines


def run(args, out=None, err=None):
    """Run the bench subcommand; returns the exit status.  Bad options raise ValueError."""
    out = out or sys.stdout
    err = err or sys.stderr
    from . import cases as cases_module
    from .report import markdown_report, results_from_pytest_json, text_report, write_svgs

    notes = []
    if args.from_json:
        try:
            results = results_from_pytest_json(args.from_json)
        except DataError:                  # not JSON, or nested too deeply: it names the file
            raise
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise ValueError("cannot read the benchmark JSON {}: {}".format(args.from_json, error))
        if not results:
            raise ValueError("{} holds no tinynet benchmark results".format(args.from_json))
        notes.append("from {}: pytest-benchmark best times (min over its rounds)".format(args.from_json))
    elif args.in_turn:
        if args.in_turn < 1 or args.rounds < 1:
            raise ValueError("--in-turn and --rounds must be at least 1")
        if args.svg:
            raise ValueError("--svg draws the usual run's times; leave out --in-turn")
        groups = _split(args.groups, list(cases_module.GROUPS), "group")
        impls = _split(args.backends, cases_module.implementations(), "backend")
        python_max = cases_module.PYTHON_MAX if args.full else cases_module.QUICK_PYTHON_MAX
        todo = cases_module.cases(groups, impls, python_max, args.fit_epochs)
        order = list(cases_module.GROUPS)
        names = impls or []                       # the first backend named comes first
        todo.sort(key=lambda case: (order.index(case.group), case.size or 0,
                                    names.index(case.impl) if case.impl in names else 0))
        timed, skipped = in_turn(todo, args.in_turn, args.rounds)
        if not timed:
            raise ValueError("nothing could be measured: " + "; ".join(
                "{} left out: {}".format(impl, why) for impl, why in skipped.items()))
        lines = in_turn_lines(timed, args.in_turn, args.rounds)
        lines += ["{} left out: {}".format(impl, why) for impl, why in skipped.items()]
        bullet = "- " if args.markdown else ""
        out.write("\n".join(bullet + line for line in lines) + "\n")
        return 0
    else:
        groups = _split(args.groups, list(cases_module.GROUPS), "group")
        impls = _split(args.backends, cases_module.implementations(), "backend")
        if args.rounds < 1 or args.budget <= 0:
            raise ValueError("--rounds must be at least 1 and --budget positive")
        if args.fit_epochs is not None and args.fit_epochs < 1:
            raise ValueError("--fit-epochs must be at least 1")
        python_max = cases_module.PYTHON_MAX if args.full else cases_module.QUICK_PYTHON_MAX
        results, skipped = [], {}
        todo = cases_module.cases(groups, impls, python_max, args.fit_epochs)
        started = time.perf_counter()
        progress = getattr(err, "isatty", lambda: False)()
        for number, case in enumerate(todo, 1):
            if case.impl in skipped:
                continue
            if progress:
                err.write("\r[{}/{}] {} {}".format(number, len(todo), case.group, case.id).ljust(60))
                err.flush()
            try:
                results.append(measure(case, args.rounds, args.budget,
                                       MIN_CALLS.get((case.group, case.impl), 1)))
            except cases_module.Unavailable as why:
                skipped[case.impl] = str(why)
            settle(case.impl)
        if progress:
            err.write("\r" + " " * 60 + "\r")
        for impl, why in skipped.items():
            notes.append("{} left out: {}".format(impl, why))
        if not args.full:
            notes.append("quick run: python backend up to n = {} (square) and width {} "
                         "(batch-32 shapes, Dense step); --full for the whole sweep".format(
                             python_max["matmul"], python_max["dense_step"]))
        notes.append("{} cases in {:.0f} s".format(len(results), time.perf_counter() - started))
        if not results:
            raise ValueError("nothing could be measured: " + "; ".join(notes))
    try:
        report = (markdown_report if args.markdown else text_report)(results, notes)
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as error:
        if not args.from_json:
            raise
        raise ValueError("{} does not hold the numbers the report needs ({}: {})".format(
            args.from_json, type(error).__name__, error)) from None
    out.write(report + "\n")
    if args.svg:
        try:
            written = write_svgs(results, args.svg)
        except OSError as error:
            raise ValueError("cannot write the charts to {}: {}".format(
                args.svg, error.strerror or error))
        except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as error:
            if not args.from_json:
                raise
            raise ValueError("{} does not hold the numbers the charts need ({}: {})".format(
                args.from_json, type(error).__name__, error)) from None
        (err if args.markdown else out).write("charts written: {}\n".format(", ".join(written)))
    return 0
