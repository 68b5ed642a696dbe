"""Shared by the benchmarks: run one tinynet benchmark case under pytest-benchmark.

Every case (tinynet.benchmarks.cases) is timed, and its result is checked,
so a broken backend fails here instead of looking fast.  With
``--benchmark-disable`` (CI) each case runs exactly once, as a test.

A plain ``python -m pytest`` of the whole project, which names neither
tests/benchmarks nor a --benchmark-only/-enable/-json/-save/-autosave/-compare
option, runs each case once as a test, like ``--benchmark-disable``; name the
folder or one of those options for the real timing.

A case that cannot run here is skipped with the reason: pytest-benchmark,
NumPy or pyopencl not installed (``pytest.importorskip``), or a backend that
is registered but not usable on this machine.
"""

import time

import pytest

try:
    import pytest_benchmark  # noqa: F401
except ImportError:
    pytest_benchmark = None

#: Calls slower than this are timed with a fixed, small number of rounds
#: (benchmark.pedantic) instead of pytest-benchmark's calibration, whose
#: minimum of 5 rounds would make the full run take too long.
SLOW_CALL_S = 0.25


_TIMING_OPTIONS = ("benchmark_only", "benchmark_enable", "benchmark_json", "benchmark_save",
                   "benchmark_autosave", "benchmark_compare")


def _timing_asked(config):
    """Did this run ask for the benchmarks (by folder or by option)?"""
    if any(config.getoption(name, None) for name in _TIMING_OPTIONS):
        return True
    return any("benchmarks" in str(arg) for arg in config.args)


def measure(benchmark, case, request):
    """Prepare ``case``, time ``run()`` with ``benchmark``, and check the result."""
    if case.impl == "ref-numpy":
        pytest.importorskip("numpy", reason="numpy is not installed: no ref-numpy rows")
    if case.impl == "opencl":
        pytest.importorskip("pyopencl", reason="pyopencl is not installed: the opencl backend "
                                                "cannot run (pip install pyopencl pocl-binary-distribution)")
    from tinynet.benchmarks.cases import Unavailable
    try:
        prepared = case.prepare()
    except Unavailable as why:
        pytest.skip(str(why))
    benchmark.group = case.title
    benchmark.extra_info.update(prepared.info)
    if not benchmark.enabled:                  # --benchmark-disable: once, as a test
        result = benchmark(prepared.run)
    elif not _timing_asked(request.config):    # a plain run of the whole project
        result = benchmark.pedantic(prepared.run, rounds=1, iterations=1)
    else:
        start = time.perf_counter()
        result = prepared.run()                # warm-up (kernel compiles, caches), checked too
        first = time.perf_counter() - start
        prepared.check(result)
        if first > SLOW_CALL_S:
            rounds = 3 if first < 4.0 else 2
            result = benchmark.pedantic(prepared.run, rounds=rounds, iterations=1)
        else:
            result = benchmark(prepared.run)
        from tinynet.benchmarks.machine import settle
        settle(case.impl)                      # NumPy's threads spin on after it
    prepared.check(result)


def pytest_configure(config):
    session = getattr(config, "_benchmarksession", None)
    if session is not None and not _timing_asked(config):
        session.disabled = True               # a plain test run: each case once, no timing table
    config.addinivalue_line("markers", "bench_group(name): parametrise the test's `case` "
                                       "over the cases of that benchmark group")


def pytest_generate_tests(metafunc):
    """``case`` runs over the cases of the test's ``bench_group``; a case that
    cannot run here is marked skip with the reason (so no benchmark fixture
    is set up for it)."""
    marker = metafunc.definition.get_closest_marker("bench_group")
    if marker is None or "case" not in metafunc.fixturenames:
        return
    from tinynet.benchmarks.cases import cases, unavailable
    params = []
    for case in cases([marker.args[0]]):
        why = unavailable(case.impl)
        marks = [pytest.mark.skip(reason=why)] if why else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    metafunc.parametrize("case", params)


@pytest.fixture
def bench_case(benchmark, request):
    """``bench_case(case)`` times and checks a case (needs pytest-benchmark)."""
    return lambda case: measure(benchmark, case, request)


if pytest_benchmark is not None:
    def pytest_benchmark_update_machine_info(config, machine_info):
        """Add the CPU's estimated peak and the OpenCL devices to the JSON's machine_info."""
        from tinynet.benchmarks import machine
        info = machine.cpu_info()
        machine_info["tinynet"] = {
            "cpu_model": info["model"], "cores": info["cores"], "cpu_mhz": info["mhz"],
            "peak_float32": machine.cpu_peak("float32"), "peak_float64": machine.cpu_peak("float64"),
        }
