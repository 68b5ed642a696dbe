"""Shared by the benchmarks: run one tinynet benchmark case under pytest-benchmark.

Every case (tinynet.benchmarks.cases) is timed, and its result is checked,
so a broken backend fails here instead of looking fast.  With
``--benchmark-disable`` (CI) each case runs exactly once, as a test.

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


def measure(request, case):
    """Prepare ``case``, time ``run()`` with the benchmark fixture, and check the result.

    The fixture is taken only once the case can run, so a skipped case does
    not leave an unused benchmark behind.
    """
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
    benchmark = request.getfixturevalue("benchmark")
    benchmark.group = case.title
    benchmark.extra_info.update(prepared.info)
    if not benchmark.enabled:                  # --benchmark-disable: once, as a test
        result = benchmark(prepared.run)
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
    prepared.check(result)


@pytest.fixture
def bench_case(request):
    """``bench_case(case)`` -> times and checks it (needs pytest-benchmark)."""
    if pytest_benchmark is None:
        pytest.skip("pytest-benchmark is not installed (pip install pytest-benchmark)")
    return lambda case: measure(request, case)


if pytest_benchmark is not None:
    def pytest_benchmark_update_machine_info(config, machine_info):
        """Add the CPU's estimated peak and the OpenCL devices to the JSON's machine_info."""
        from tinynet.benchmarks import machine
        info = machine.cpu_info()
        machine_info["tinynet"] = {
            "cpu_model": info["model"], "cores": info["cores"], "cpu_mhz": info["mhz"],
            "peak_float32": machine.cpu_peak("float32"), "peak_float64": machine.cpu_peak("float64"),
        }
