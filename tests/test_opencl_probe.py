"""The OpenCL probe: block shapes tried in a child process first, the verdict
kept, a fixed fallback, and driver trouble turned into one clear BackendError.

The crashes are simulated with ``TINYNET_OPENCL_PROBE_ABORT``, which makes the
probe's child call ``os.abort()`` before a kernel family, as a driver whose
compiler aborts does.  Every test keeps its verdicts in a folder of its own
(``TINYNET_CACHE_DIR``).  Skipped, with the reason, without pyopencl or a
usable OpenCL device.
"""

import json
import os
import subprocess
import sys
import warnings

import pytest

from tinynet.errors import BackendError

np = pytest.importorskip("numpy")
cl = pytest.importorskip("pyopencl")

from tinynet_opencl import OpenCLBackend, probe, programs  # noqa: E402
from tinynet_opencl.programs import FALLBACK, SHAPES, shape_name  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def device():
    try:
        return OpenCLBackend().device
    except BackendError as error:
        pytest.skip("no usable OpenCL device: {}".format(error))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder of the test's own, with no verdicts in it or in memory."""
    monkeypatch.setenv("TINYNET_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TINYNET_OPENCL_PROBE", raising=False)
    monkeypatch.delenv("TINYNET_OPENCL_PROBE_ABORT", raising=False)
    monkeypatch.delenv("TINYNET_OPENCL_TILES", raising=False)
    monkeypatch.setattr(probe, "_memo", {})
    return tmp_path


def test_a_shape_whose_probe_aborts_falls_back_to_the_next_and_says_why(device, cache, monkeypatch):
    first = shape_name(device, "float32")
    following = FALLBACK[FALLBACK.index(first) + 1]
    monkeypatch.setenv("TINYNET_OPENCL_PROBE_ABORT", "products:" + first)
    with pytest.warns(RuntimeWarning, match="{} blocks failed on .* using {} blocks".format(
            first, following)):
        B = OpenCLBackend(tiles=first)
    assert B.tiles == SHAPES[following]
    failed, passed = B.blocks_report[0], B.blocks_report[-1]
    assert "FAILED in the probe (killed by SIGABRT, in products)" in failed
    assert "as TINYNET_OPENCL_PROBE_ABORT asks" in failed          # the child's last stderr lines
    assert passed.startswith(following) and "passed the probe" in passed
    report = B.device_report()
    assert failed.split("\n")[0] in report and "python -m tinynet_opencl.probe --clear" in report
    # the backend works: a product checked against NumPy
    A, W = np.arange(12.0).reshape(3, 4), np.arange(20.0).reshape(4, 5)
    np.testing.assert_allclose(B.to_list(B.matmul(B.array(A.tolist()), B.array(W.tolist()))), A @ W)


def test_the_verdict_is_kept_and_no_child_runs_the_second_time(device, cache, monkeypatch):
    B = OpenCLBackend()
    stored = probe.stored_verdicts()
    assert len(stored) == 1 and (cache / "opencl-probe.json").exists()
    verdict = next(iter(stored.values()))
    assert verdict["ok"] and verdict["launched"] == verdict["kernels"] == len(programs.KERNEL_NAMES)
    assert verdict["not_launched"] == []                       # every kernel ran in the child

    def no_child(*args):
        raise AssertionError("the probe ran again")
    monkeypatch.setattr(probe, "_run_child", no_child)
    monkeypatch.setattr(probe, "_memo", {})                    # as a new process: read the file
    assert OpenCLBackend().tiles == B.tiles
    monkeypatch.setenv("TINYNET_OPENCL_PROBE", "again")          # asked to probe anew
    monkeypatch.setattr(probe, "_memo", {})
    with pytest.raises(AssertionError, match="ran again"):
        OpenCLBackend()
    monkeypatch.setenv("TINYNET_OPENCL_PROBE", "0")              # not probed at all
    assert "not probed" in OpenCLBackend().blocks_report[0]


def test_clearing_the_cache(device, cache):
    OpenCLBackend()
    assert probe.stored_verdicts()
    done = subprocess.run([sys.executable, "-m", "tinynet_opencl.probe"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert "1 verdict(s) in " + str(cache) in done.stdout and "passed the probe" in done.stdout
    done = subprocess.run([sys.executable, "-m", "tinynet_opencl.probe", "--clear"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "removed" in done.stdout
    assert probe.stored_verdicts() == {} and not (cache / "opencl-probe.json").exists()


def test_when_every_shape_fails_it_is_one_backend_error_and_info_says_why(device, cache,
                                                                          monkeypatch):
    monkeypatch.setenv("TINYNET_OPENCL_PROBE_ABORT", "build")
    with pytest.raises(BackendError) as caught:
        OpenCLBackend(tiles="small")                               # the last shape: nothing after it
    message = str(caught.value)
    assert message.startswith("no block shape works on " + device.name.strip())
    assert "killed by SIGABRT" in message and "TINYNET_OPENCL_TILES" in message
    assert 'tinynet.use("python")' in message and "\n" not in message
    env = dict(os.environ, TINYNET_OPENCL_TILES="small")
    done = subprocess.run([sys.executable, "-m", "tinynet", "info"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "backend opencl   not available: no block shape works" in done.stdout
    assert "unusable: every block shape probed for float32 failed (small: killed by SIGABRT)" in done.stdout
    assert "| probe: aborting (small blocks), as TINYNET_OPENCL_PROBE_ABORT asks" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_program_missing_kernels_is_built_again(device, monkeypatch):
    """A driver's kernel cache that hands back a program lacking kernels (pocl 3.0 did):
    detected, and the program built again under an option no cache has seen."""
    from tinynet_opencl import kernels
    B = OpenCLBackend()
    built = []
    real_build = programs.build_program

    def build(context, source, options):
        built.append(list(options))
        if len(built) == 1:                      # what the poisoned cache gave: one kernel
            only = source[:source.index("__kernel")] + kernels.products.MATMUL_NAIVE
            return real_build(context, only, options)
        # the fresh build (its option removed again, so that pocl's cache serves it here)
        return real_build(context, source, [o for o in options if "FRESH" not in o])
    monkeypatch.setattr(programs, "build_program", build)
    monkeypatch.setattr(programs, "_programs", {})
    table = programs.kernels_for(B.context, B.dtype, B.tiles)
    assert len(built) == 2 and not any("FRESH" in o for o in built[0])
    assert "-DTINYNET_FRESH_BUILD=1" in built[1]             # one the next process reuses
    assert sorted(table) == sorted(programs.KERNEL_NAMES)
    monkeypatch.setattr(programs, "build_program", lambda c, s, o: real_build(c, kernels.PREAMBLE
                                                                              + kernels.products.MATMUL_NAIVE, o))
    monkeypatch.setattr(programs, "_programs", {})
    n = len(programs.KERNEL_NAMES)
    with pytest.raises(BackendError, match="lacks {} of its {} kernels .* even when built afresh".format(n - 1, n)):
        programs.kernels_for(B.context, B.dtype, B.tiles)


def test_driver_errors_become_backend_errors_naming_device_and_driver(device, monkeypatch):
    from tinynet_opencl import context

    def refuse(*args, **kwargs):
        raise cl.LogicError("clCreateContext failed: DEVICE_NOT_AVAILABLE")
    monkeypatch.setattr(cl, "Context", refuse)
    monkeypatch.setattr(programs, "_contexts", {})
    with pytest.raises(BackendError) as caught:
        OpenCLBackend()
    message = str(caught.value)
    assert "opening the OpenCL device failed on " + device.name.strip() in message
    assert "driver " + device.driver_version.strip() in message and "DEVICE_NOT_AVAILABLE" in message
    assert "Try: choose another device" in message and "\n" not in message
    assert context.driver_name(device) in message


def test_compiler_chatter_stays_off_stderr_unless_asked_for(device):
    script = ("import os, sys; sys.path.insert(0, {!r}); import pyopencl as cl\n"
              "from tinynet_opencl.context import build_program, choose_device\n"
              "d = choose_device(); build_program(cl.Context([d]), '__kernel void k(__global float *x)"
              " {{ int i = 1.5e10; x[0] = i; }} // ' + os.urandom(8).hex())\n"
              "print('built')").format(ROOT)
    quiet = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != "PYOPENCL_COMPILER_OUTPUT"})
    assert quiet.returncode == 0 and "built" in quiet.stdout, quiet.stderr
    assert "generated" not in quiet.stderr and "warning" not in quiet.stderr.lower()
    loud = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYOPENCL_COMPILER_OUTPUT="1"))
    assert loud.returncode == 0 and "out of range" in loud.stderr    # the build log, as asked


def test_the_probe_child_checks_its_results(device, monkeypatch):
    """A kernel family that computes wrong numbers fails the probe (exit status 3) too."""
    from tinynet_opencl import probe_child
    index = probe.device_index(device)
    shape = shape_name(device, "float32")
    tiles = ",".join(str(n) for n in SHAPES[shape])
    monkeypatch.setenv("TINYNET_OPENCL_PROBE", "child")
    assert probe_child.main([index, "float32", shape, tiles]) == 0
    monkeypatch.setattr(probe_child, "_matrix", lambda rows, cols, seed: [[float("nan")] * cols] * rows)
    assert probe_child.main([index, "float32", shape, tiles]) == 3


def test_the_verdict_file_is_json_keyed_by_driver_device_dtype_and_shape(device, cache):
    OpenCLBackend()
    with open(str(cache / "opencl-probe.json")) as f:
        (key, verdict), = json.load(f).items()
    parts = key.split("|")
    assert parts[2] == device.name and parts[4] == device.driver_version and parts[5] == "float32"
    assert verdict["shape"] == shape_name(device, "float32") and verdict["seconds"] > 0
    warnings.simplefilter("error")                 # a second backend: no warning, no child
    assert OpenCLBackend().blocks_report == [probe.describe(verdict["shape"], verdict["tiles"], verdict)]


def test_when_no_shape_works_the_opencl_tests_are_skipped_with_the_reason(device, cache):
    env = dict(os.environ, TINYNET_OPENCL_PROBE_ABORT="build", TINYNET_CACHE_DIR=str(cache))
    env.pop("TINYNET_BACKEND", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "tests/test_opencl.py",
                           "tests/benchmarks/test_bench.py", "-k", "opencl or blocked or device"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "error" not in done.stdout.splitlines()[-1] and "skipped" in done.stdout.splitlines()[-1]
    assert "no usable OpenCL device: no block shape works on" in done.stdout
    assert "backend 'opencl' not usable here: no block shape works on" in done.stdout
