"""The OpenCL backend's own tests: kernels against their references, device
choice, errors, and agreement with the Python backend.

The conformance suite (test_backend_conformance.py) checks every seam
operation; this file checks what is particular to tinynet_opencl.  Every test
is skipped, with the reason, where pyopencl or an OpenCL device is missing.
"""

import os
import subprocess
import sys

import pytest

import tinynet
from tinynet.backend import get_backend
from tinynet.errors import BackendError, ShapeError
from tinynet.python_backend import PythonBackend

from helpers import assert_close

np = pytest.importorskip("numpy")
cl = pytest.importorskip("pyopencl")

import tinynet_opencl  # noqa: E402  (after the skips: needs nothing, but is only useful with them)
from tinynet_opencl import OpenCLBackend, capture, context, list_devices  # noqa: E402
from tinynet_opencl.deferred import OutputStep  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def ocl():
    try:
        return OpenCLBackend()
    except BackendError as error:
        pytest.skip("no usable OpenCL device: {}".format(error))


@pytest.fixture(scope="module")
def ocl64(ocl):
    if "cl_khr_fp64" not in ocl.device.extensions:
        pytest.skip("the device has no cl_khr_fp64")
    return _made(dtype="float64")


def _made(**options):
    try:
        return OpenCLBackend(**options)
    except BackendError as error:
        pytest.skip("no usable OpenCL backend with {}: {}".format(options, error))


@pytest.fixture(scope="module", params=["cpu", "gpu"])
def tiled(ocl, request):
    """The backend with the block shapes for a CPU and for a GPU (both run on any device)."""
    return _made(tiles=request.param)


def rand(shape, seed):
    return np.random.default_rng(seed).uniform(-1, 1, shape)


def host(B, M):
    return np.array(B.to_list(M))


# === Blocked kernels against the naive reference ===========================

SIZES = [1, 3, 17, 63, 64, 65, 129, 512]
SHAPES = ([(n, n, n) for n in SIZES]
          + [(1, 65, 3), (17, 129, 63), (65, 3, 64), (129, 1, 17), (3, 512, 65), (64, 17, 1),
             (512, 63, 129), (63, 64, 65)])


def assert_product_close(got, want, k):
    # float32 sums of k products of entries in [-1, 1], added in different orders
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6 * k + 1e-6)


@pytest.mark.parametrize("m,k,n", SHAPES)
def test_blocked_products_match_the_naive_kernel(tiled, m, k, n):
    ocl = tiled
    A, B = rand((m, k), 1), rand((k, n), 2)
    a, b = ocl.array(A), ocl.array(B)
    at, bt = ocl.array(A.T), ocl.array(B.T)
    naive = host(ocl, ocl.matmul_naive(a, b))
    assert_product_close(naive, A @ B, k)                       # the reference itself
    for packing in ("never", "always"):              # matmul_nn, or pack_panels + matmul_packed
        ocl.packing = packing
        try:
            assert_product_close(host(ocl, ocl.matmul(a, b)), naive, k)
        finally:
            ocl.packing = "auto"
    assert_product_close(host(ocl, ocl.matmul_nt(a, bt)), host(ocl, ocl.matmul_naive(a, bt, trans_b=True)), k)
    assert_product_close(host(ocl, ocl.matmul_tn(at, b, 0.5)),
                         host(ocl, ocl.matmul_naive(at, b, trans_a=True, alpha=0.5)), k)


def test_matmul_packs_b_where_its_rows_are_far_apart_or_its_last_panel_is_short(ocl):
    cols = 2 * ocl.tiles.vw
    wide = 4096 // np.dtype(ocl.dtype).itemsize            # rows a page apart
    ocl.packing = "auto"
    assert ocl._packs(512, wide) and ocl._packs(512, 4 * cols + 1) and ocl._packs(64, 3)
    assert not ocl._packs(512, 4 * cols) and not ocl._packs(512, wide // 2)
    assert not ocl._packs(63, wide)
    ocl.packing = "never"
    try:
        assert not ocl._packs(512, wide)
    finally:
        ocl.packing = "auto"
    launches = ocl.launches
    ocl.matmul(ocl.array(rand((5, 100), 1)), ocl.array(rand((100, 3), 2)))
    assert ocl.launches - launches == 2                      # the packing, then the product


def test_a_number_beyond_float32_is_a_data_error_not_an_inf(ocl):
    from tinynet import DataError
    with pytest.raises(DataError, match=r"too large for float32 .*dtype=\"float64\""):
        ocl.array([[1.0, 1e39]])
    with pytest.raises(DataError, match="too large for float32"):
        ocl.array([[1.0], [-1e300]])
    assert ocl.to_list(ocl.array([[3e38, float("inf")]])) == [[pytest.approx(3e38, rel=1e-6), float("inf")]]


def test_the_max_gate_writes_by_windows_only_where_they_tile_the_input(ocl):
    from tinynet.patches import conv_table, pool_table
    tiling = ocl.patch_table(pool_table((3, 4, 4), 2), 4, 48)
    overlapping = ocl.patch_table(pool_table((2, 5, 5), 3, 1, "chw"), 9, 50)
    uncovered = ocl.patch_table(pool_table((1, 5, 5), 2, 2, "chw"), 4, 25)       # the last row and column
    padded = ocl.patch_table(conv_table((1, 2, 2), 2, 2, 1), 4, 4)               # reads the padding
    assert tiling.tiles and not overlapping.tiles and not uncovered.tiles and not padded.tiles


@pytest.mark.parametrize("m,n_in,n_out", [(1, 1, 1), (3, 17, 5), (32, 256, 64), (65, 63, 129), (7, 64, 10),
                                          (5, 9, 65)])
@pytest.mark.parametrize("name", ["sigmoid", "relu", "softmax"])
def test_fused_layer_kernels_match_the_naive_kernel(tiled, m, n_in, n_out, name):
    ocl = tiled
    A, W, b = rand((m, n_in), 3), rand((n_out, n_in), 4), rand((1, n_out), 5)
    a, w, bias = ocl.array(A), ocl.array(W), ocl.array(b)
    Z, Act = ocl.dense_forward(a, w, bias, name)
    Z_ref = ocl.add_row(ocl.matmul_naive(a, w, trans_b=True), bias)
    assert_product_close(host(ocl, Z), host(ocl, Z_ref), n_in)
    assert_product_close(host(ocl, Act), host(ocl, ocl.activation(name, Z_ref)), n_in)

    delta = ocl.array(rand((m, n_out), 6))
    dW, db = ocl.dense_grads(delta, a)
    assert_product_close(host(ocl, dW), host(ocl, ocl.matmul_naive(delta, a, trans_a=True, alpha=1.0 / m)), m)
    assert_product_close(host(ocl, db), host(ocl, ocl.sum_rows(delta, 1.0 / m)), m)

    W2, d2 = ocl.array(rand((9, n_out), 7)), ocl.array(rand((m, 9), 8))
    got = ocl.backprop_delta(d2, W2, Z, Act, name)
    want = ocl.activation_grad(name, Z, Act, ocl.matmul_naive(d2, W2))
    assert_product_close(host(ocl, got), host(ocl, want), 9)


def test_tiles_follow_the_device_type_and_the_compilers_target_unless_told(ocl, monkeypatch):
    from tinynet_opencl.programs import Tiles, compiler_target, tiles_for

    class Device:
        native_vector_width_float = 16
        native_vector_width_double = 8
        type = cl.device_type.GPU
        version = "OpenCL 3.0 CUDA"
    gpu, cpu = Device(), Device()
    cpu.type = cl.device_type.CPU
    monkeypatch.delenv("TINYNET_OPENCL_TILES", raising=False)
    assert tiles_for(gpu, "float32") == Tiles(4, 4, 2, 2)       # many small blocks
    assert tiles_for(cpu, "float32") == Tiles(16, 6, 4, 4)      # few big ones, AVX-512 wide
    assert tiles_for(cpu, "float64").vw == 8                    # 8 doubles a vector
    cpu.native_vector_width_float = 8
    assert tiles_for(cpu, "float32").vw == 8
    # pocl says what LLVM compiles for: only an AVX-512 target gets 16-wide blocks
    cpu.native_vector_width_float = 16
    cpu.version = "OpenCL 3.0 PoCL HSTR: pthread-x86_64-unknown-linux-gnu-znver3"
    assert compiler_target(cpu) == "znver3" and tiles_for(cpu, "float32").vw == 8
    cpu.version = "OpenCL 3.0 PoCL HSTR: pthread-x86_64-pc-linux-gnu-skylake-avx512"
    assert compiler_target(cpu) == "skylake-avx512" and tiles_for(cpu, "float32").vw == 16
    assert compiler_target(gpu) is None
    assert tiles_for(gpu, "float32", "cpu").block_rows == 6
    assert tiles_for(gpu, "float32", "cpu8") == Tiles(8, 6, 4, 4)
    monkeypatch.setenv("TINYNET_OPENCL_TILES", "gpu")
    assert tiles_for(cpu, "float32") == Tiles(4, 4, 2, 2)
    with pytest.raises(BackendError, match="tiles must be one of cpu, cpu16, cpu8, gpu, small; not 'tpu'"):
        tiles_for(cpu, "float32", "tpu")
    monkeypatch.setenv("TINYNET_OPENCL_TILES", "bogus")
    with pytest.raises(BackendError, match="TINYNET_OPENCL_TILES must be one of"):
        tiles_for(cpu, "float32")
    monkeypatch.delenv("TINYNET_OPENCL_TILES")
    assert OpenCLBackend(tiles="cpu").tiles.block_rows == 6
    assert tiles_for(cpu, "float32", Tiles(4, 8, 2, 2)) == Tiles(4, 8, 2, 2)   # one's own
    with pytest.raises(BackendError, match="multiple"):
        tiles_for(cpu, "float32", Tiles(8, 2, 1, 4))


def test_shape_mismatch_is_a_shape_error(ocl):
    with pytest.raises(ShapeError):
        ocl.matmul(ocl.zeros(2, 3), ocl.zeros(2, 3))
    with pytest.raises(ShapeError):
        ocl.add(ocl.zeros(2, 3), ocl.zeros(3, 2))
    with pytest.raises(ShapeError):
        ocl.dense_forward(ocl.zeros(2, 3), ocl.zeros(4, 3), ocl.zeros(1, 3), "relu")


def test_float64_mode_agrees_tightly_with_the_reference(ocl64):
    A, B = rand((17, 70), 9), rand((70, 5), 10)
    for packing in ("never", "always"):
        ocl64.packing = packing
        try:
            got = ocl64.to_list(ocl64.matmul(ocl64.array(A), ocl64.array(B)))
        finally:
            ocl64.packing = "auto"
        np.testing.assert_allclose(got, A @ B, rtol=1e-12, atol=1e-13)
    assert ocl64.tolerance == (1e-12, 1e-12)
    assert "float64" in ocl64.describe()


def test_bad_dtype_is_a_backend_error():
    with pytest.raises(BackendError, match="float32"):
        OpenCLBackend(dtype="float16")


# === Randomness: bit for bit the reference =================================

@pytest.mark.parametrize("p", [0.0, 0.1, 0.25, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("shape,seed,counter", [((1, 1), 0, 0), ((7, 13), 42, 3), ((64, 65), 2**33 + 5, 2**32 + 1)])
def test_dropout_mask_is_the_python_backends(ocl, p, shape, seed, counter):
    ref = PythonBackend().dropout_mask(*shape, p, seed, counter)
    got = ocl.to_list(ocl.dropout_mask(*shape, p, seed, counter))
    assert [[x > 0 for x in row] for row in got] == [[x > 0 for x in row] for row in ref]
    keep = float(np.dtype(ocl.dtype).type(1.0 / (1.0 - p)))   # 1/(1-p), rounded to float32
    assert {x for row in got for x in row} <= {0.0, keep}


def test_uniform_and_bernoulli_are_the_python_backends(ocl):
    py = PythonBackend()
    assert ocl.to_list(ocl.uniform(9, 31, 7, 11)) == py.uniform(9, 31, 7, 11)
    P = [[(i * 31 + j) % 8 / 8.0 for j in range(31)] for i in range(9)]   # exact in float32
    assert ocl.to_list(ocl.bernoulli(ocl.array(P), 3, 4)) == py.bernoulli(P, 3, 4)


# === Device choice, never a prompt =========================================

def test_list_devices_fields(ocl):
    devices = list_devices()
    assert devices
    keys = {"index", "platform", "name", "type", "compute_units", "global_memory",
            "max_clock_mhz", "float64", "chosen"}
    for info in devices:
        assert set(info) == keys
        assert info["type"] in ("GPU", "CPU", "ACCELERATOR", "OTHER")
        assert info["compute_units"] >= 1 and info["global_memory"] > 0
        assert isinstance(info["float64"], bool)
    assert sum(info["chosen"] for info in devices) == 1


def test_device_report_for_tinynet_info(ocl):
    report = ocl.device_report()
    assert ocl.device.name.strip() in report and "*" in report and "compute units" in report
    assert "training steps captured and replayed (TINYNET_OPENCL_CAPTURE=0|1)" in report
    assert "run in full" in OpenCLBackend(capture=False).device_report()
    assert "vectors of {} (TINYNET_OPENCL_TILES=cpu|cpu16|cpu8|gpu|small)".format(ocl.tiles.vw) in report
    assert "passed the probe" in report or "not probed" in report
    assert ("A.B packs B into panels" in report) == (ocl.packing == "auto")
    done = subprocess.run([sys.executable, "-m", "tinynet", "info"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0 and ocl.device.name.strip() in done.stdout, done.stderr


def test_device_by_index_substring_and_environment(ocl, monkeypatch):
    monkeypatch.delenv("PYOPENCL_CTX", raising=False)
    first = list_devices()[0]
    by_index = context.choose_device(first["index"])
    assert by_index.name.strip() == first["name"]
    word = first["name"].split()[0][-6:]
    assert word.lower() in context.choose_device(word).name.lower()
    assert context.choose_device(first["type"].lower()) is not None
    monkeypatch.setenv("PYOPENCL_CTX", first["index"])
    assert context.choose_device().name.strip() == first["name"]
    assert [d["chosen"] for d in list_devices()][0]
    # the argument wins over the environment
    monkeypatch.setenv("PYOPENCL_CTX", "no such device")
    assert context.choose_device(first["index"]).name.strip() == first["name"]
    with pytest.raises(BackendError, match="PYOPENCL_CTX 'no such device' names no OpenCL device"):
        context.choose_device()


def test_unknown_device_lists_the_devices(ocl, monkeypatch):
    monkeypatch.delenv("PYOPENCL_CTX", raising=False)
    with pytest.raises(BackendError) as error:
        OpenCLBackend(device="9:9")
    assert list_devices()[0]["name"] in str(error.value)


def test_backend_with_a_device_option(ocl):
    B = get_backend("opencl", device=list_devices()[0]["index"])
    assert B.name == "opencl" and B.device.name.strip() in B.describe()
    assert B.to_list(B.full(1, 2, 3.0)) == [[3.0, 3.0]]


def test_no_prompt_with_stdin_closed(ocl):
    code = ("import tinynet, tinynet_opencl as t; B = tinynet.use('opencl'); "
            "print(B.describe()); print(len(t.list_devices()))")
    env = dict(os.environ)
    env.pop("PYOPENCL_CTX", None)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-c", code], stdin=subprocess.DEVNULL, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "opencl (" in done.stdout
    assert "Choose" not in done.stdout + done.stderr          # pyopencl's prompt


def test_importing_tinynet_or_the_plugin_does_not_import_pyopencl():
    code = ("import sys, tinynet, tinynet_opencl; "
            "print('pyopencl' in sys.modules, 'numpy' in sys.modules)")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["False", "False"], done.stderr


# === Errors ==================================================================

def test_missing_pyopencl_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyopencl", None)       # `import pyopencl` now fails
    with pytest.raises(BackendError) as error:
        OpenCLBackend()
    assert 'pip install "tinynet-edu[opencl]"' in str(error.value)
    assert 'pip install ".[opencl]"' in str(error.value)
    with pytest.raises(BackendError, match="pyopencl"):
        get_backend("opencl", device="0:0", dtype="float32")   # a new instance: same message
    with pytest.raises(BackendError, match="pyopencl"):
        list_devices()


def test_no_platform_names_the_pocl_extra(monkeypatch):
    monkeypatch.setattr(cl, "get_platforms", lambda: [])
    with pytest.raises(BackendError) as error:
        OpenCLBackend()
    assert 'pip install ".[opencl,pocl]"' in str(error.value)
    assert "GPU" in str(error.value)


def test_kernel_build_failure_shows_the_build_log(ocl):
    source = "__kernel void broken(__global float *x) { x[0] = undeclared_name; }"
    with pytest.raises(BackendError) as error:
        context.build_program(ocl.context, source)
    message = str(error.value)
    assert "building the OpenCL kernels failed" in message
    assert "undeclared_name" in message                         # the compiler's own words


def test_a_build_that_succeeds_with_a_log_is_silent(ocl, monkeypatch):
    """NVIDIA logs a line per kernel on every build: no CompilerWarning for that,
    unless PYOPENCL_COMPILER_OUTPUT asks for the logs."""
    import uuid
    import warnings

    def source():          # new each time: pyopencl caches built binaries, which log nothing
        return ('#warning "a harmless remark"\n/* {} */\n'
                '__kernel void fine(__global float *x) {{ x[0] = 1.0f; }}'.format(uuid.uuid4()))
    monkeypatch.delenv("PYOPENCL_COMPILER_OUTPUT", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        context.build_program(ocl.context, source())
    monkeypatch.setenv("PYOPENCL_COMPILER_OUTPUT", "1")
    with pytest.warns(cl.CompilerWarning):
        context.build_program(ocl.context, source())


def test_out_of_device_memory_names_the_buffer_and_size(ocl):
    cols = 1024
    rows = ocl.device.max_mem_alloc_size // (4 * cols) + 1
    with pytest.raises(BackendError) as error:
        ocl.zeros(rows, cols)
    assert "{} x {}".format(rows, cols) in str(error.value) and "MiB" in str(error.value)


def device_error(call="clEnqueueNDRangeKernel"):
    return cl.RuntimeError(cl._cl._ErrorRecord(call, -5, call))


def test_device_error_mid_run_is_a_backend_error_and_the_backend_refuses_after_it(ocl, monkeypatch):
    B = OpenCLBackend()                  # its own: it is marked failed below
    M = B.zeros(2, 2)

    def fail(*args, **kwargs):
        raise device_error()
    monkeypatch.setattr(cl, "enqueue_nd_range_kernel", fail)
    with pytest.raises(BackendError, match="OpenCL error in kernel 'scale'.*OUT_OF_RESOURCES"):
        B.scale(M, 2.0)
    monkeypatch.undo()
    assert "OUT_OF_RESOURCES" in B.failed
    with pytest.raises(BackendError, match="failed earlier.*makes a new one"):
        B.to_list(M)                     # no copy of M on the host
    with pytest.raises(BackendError, match="failed earlier"):
        B.add(M, M)
    assert ocl.failed is None and ocl.to_list(ocl.scale(ocl.zeros(1, 1), 2.0)) == [[0.0]]


def test_get_backend_makes_a_new_backend_for_one_whose_device_failed(ocl):
    from tinynet.backend import get_backend
    shared = get_backend("opencl")
    assert get_backend("opencl") is shared
    shared.failed = "OpenCL error: made up for the test"
    try:
        fresh = get_backend("opencl")
        assert fresh is not shared and fresh.failed is None and get_backend("opencl") is fresh
    finally:
        shared.failed = None


def test_a_device_lost_in_fit_leaves_the_last_epochs_weights_readable(ocl, monkeypatch, tmp_path):
    """The device dies in the middle of epoch 3: fit says so, net.history has epochs 1 and
    2, and the weights read back (and saved) are those at the end of epoch 2."""
    from tinynet import Dense, Network

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (64, 5)).tolist()
    y = np.eye(3)[(rng.uniform(size=64) * 3).astype(int)].tolist()

    def network(B):
        return Network([Dense(5, 8, "tanh"), Dense(8, 3, "softmax")], seed=3, backend=B)

    reference = network(OpenCLBackend())
    reference.fit(X, y, epochs=2, batch_size=16, optimizer="momentum", lr=0.1, verbose=False)
    want = reference.get_weights()

    B = OpenCLBackend()
    net = network(B)
    enqueue, copy = cl.enqueue_nd_range_kernel, cl.enqueue_copy
    launched, limit = [0], [None]

    def counting(*args, **kwargs):
        launched[0] += 1
        if limit[0] is not None and launched[0] > limit[0]:
            raise device_error()
        return enqueue(*args, **kwargs)

    def copying(*args, **kwargs):
        if limit[0] is not None and launched[0] > limit[0]:
            raise device_error("clEnqueueReadBuffer")        # lost: nothing comes back
        return copy(*args, **kwargs)
    monkeypatch.setattr(cl, "enqueue_nd_range_kernel", counting)
    monkeypatch.setattr(cl, "enqueue_copy", copying)
    network(OpenCLBackend()).fit(X, y, epochs=2, batch_size=16, optimizer="momentum", lr=0.1,
                                 verbose=False)
    per_two_epochs, launched[0] = launched[0], 0
    limit[0] = per_two_epochs + 3                            # in the third epoch
    with pytest.raises(BackendError) as error:
        net.fit(X, y, epochs=4, batch_size=16, optimizer="momentum", lr=0.1, verbose=False)
    message = str(error.value)
    assert "OUT_OF_RESOURCES" in message and "in epoch 3 of fit" in message
    assert "net.save(path)" in message and net.history.epochs == 2
    got = net.get_weights()
    assert got == want                                       # the same kernels: equal to the bit
    net.save(str(tmp_path / "kept.json"))
    kept = Network.load(str(tmp_path / "kept.json"), backend="python")
    assert_close(kept.get_weights(), want)              # JSON keeps every digit
    with pytest.raises(BackendError, match="failed earlier"):
        net.predict(X)


def test_unknown_activation_is_a_value_error_before_any_launch(ocl):
    args = ocl.zeros(1, 2), ocl.zeros(3, 2), ocl.zeros(1, 3)
    before = ocl.launches
    with pytest.raises(ValueError):
        ocl.dense_forward(*args, "swish")
    assert ocl.launches == before


# === Launches ================================================================

def launches(B, op, *args):
    before = B.launches
    result = op(*args)
    return B.launches - before, result


def test_fused_composites_are_one_launch_each(ocl):
    a, W, b = ocl.array(rand((32, 256), 1)), ocl.array(rand((64, 256), 2)), ocl.zeros(1, 64)
    n, (Z, A) = launches(ocl, ocl.dense_forward, a, W, b, "sigmoid")
    assert n == 0 and launches(ocl, ocl.to_list, A)[0] == 1     # it may be the output layer
    n, (Z, A) = launches(ocl, ocl.dense_forward, a, W, b, "relu")
    assert n == 1
    assert launches(ocl, ocl.dense_forward, a, ocl.array(rand((65, 256), 6)), ocl.zeros(1, 65),
                    "softmax")[0] == 2                                      # over 64 outputs
    W2 = ocl.array(rand((10, 64), 4))
    assert launches(ocl, ocl.backprop_delta, ocl.array(rand((32, 10), 5)), W2, Z, A, "sigmoid")[0] == 1
    acc = ocl.accumulator()
    assert launches(ocl, ocl.softmax_cross_entropy, Z, A, A, acc)[0] == 1
    assert launches(ocl, ocl.dropout_mask, 32, 64, 0.5, 1, 2)[0] == 1
    assert launches(ocl, ocl.read, acc)[0] == 0


def test_deferred_results_are_one_launch_when_read(ocl):
    a, W, b = ocl.array(rand((32, 256), 1)), ocl.array(rand((64, 256), 2)), ocl.zeros(1, 64)
    n, (Z, A) = launches(ocl, ocl.dense_forward, a, W, b, "softmax")          # 64 outputs
    assert n == 0 and launches(ocl, ocl.to_list, A)[0] == 1 and launches(ocl, ocl.to_list, Z)[0] == 0
    n, (dW, db) = launches(ocl, ocl.dense_grads, ocl.array(rand((32, 64), 3)), a)
    assert n == 0 and launches(ocl, ocl.to_list, db)[0] == 1 and launches(ocl, ocl.to_list, dW)[0] == 0
    n, (X, T) = launches(ocl, ocl.take_rows_pair, a, A, [3, 1, 3])
    assert n == 0 and launches(ocl, ocl.to_list, T)[0] == 1


def test_deferred_batches_and_layers_give_the_eager_numbers(tiled):
    ocl = tiled
    data, targets = ocl.array(rand((40, 256), 1)), ocl.array(np.eye(10)[np.arange(40) % 10])
    rows = [5, 0, 39, 5, 17, 22, 8, 30, 1]
    W, b = ocl.array(rand((10, 256), 2)), ocl.array(rand((1, 10), 3))
    X, T = ocl.take_rows_pair(data, targets, rows)           # deferred: read in place
    Xe, Te = (ocl.copy(M) for M in ocl.take_rows_pair(data, targets, rows))   # read: plain
    assert X.job is not None and Xe.job is None
    np.testing.assert_array_equal(host(ocl, Xe), host(ocl, data)[rows])
    for name in ("sigmoid", "linear"):                       # the dense_forward kernel, gathering
        assert_product_close(host(ocl, ocl.dense_forward(X, W, b, name)[1]),
                             host(ocl, ocl.dense_forward(Xe, W, b, name)[1]), 256)
    delta = ocl.array(rand((9, 10), 4))
    for got, want in zip(ocl.dense_grads(delta, X), ocl.dense_grads(delta, Xe)):
        assert_product_close(host(ocl, got), host(ocl, want), 9)
    # the softmax layer and its cross-entropy in one kernel, against two eager kernels
    acc, acc_e, right, right_e = (ocl.accumulator() for _ in range(4))
    Z, A = ocl.dense_forward(Xe, W, b, "softmax")
    Ze, Ae = ocl.copy(Z), ocl.copy(A)
    Z2, A2 = ocl.dense_forward(Xe, W, b, "softmax")
    n, D = launches(ocl, ocl.softmax_cross_entropy, Z2, A2, T, acc, right)
    assert n == 0 and type(Z2.job) is OutputStep         # it waits for the optimiser step
    assert launches(ocl, D.__class__.buf.fget, D)[0] == 1 and Z2.job is None   # read: launched
    D_e = ocl.softmax_cross_entropy(Ze, Ae, Te, acc_e, right_e)
    np.testing.assert_allclose(host(ocl, D), host(ocl, D_e), atol=1e-6)
    np.testing.assert_allclose(host(ocl, A2), host(ocl, Ae), atol=1e-6)
    assert ocl.read(acc) == pytest.approx(ocl.read(acc_e), rel=1e-5)
    assert ocl.read(right) == ocl.read(right_e)


OUTPUTS = [("softmax", "cross_entropy", True), ("linear", "squared_error", False),
           ("linear", "mse", False), ("sigmoid", "logistic", True)]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.01, 0.002)])
@pytest.mark.parametrize("output, loss_name, count", OUTPUTS)
def test_the_output_layers_step_in_one_kernel_matches_its_three_launches(tiled, optimizer, l2, l1,
                                                                         output, loss_name, count):
    """output_step (the output layer's forward pass, loss, delta below, gradient and step in
    one launch) against the same steps with the delta read first, which launches them one
    by one, and against the pure-Python reference: softmax with the cross-entropy, linear
    with the squared error (½Σ, or the mean), sigmoid with the logistic loss."""
    from tinynet import Dense, Network, losses
    from tinynet.backend import get_backend
    from tinynet.optim import make_optimizer
    Xh, Th = rand((64, 12), 1).tolist(), np.eye(4)[np.arange(64) % 4].tolist()
    results = []
    for mode in ("one launch", "apart", "python"):
        B = get_backend("python") if mode == "python" else tiled
        X, T = B.array(Xh), B.array(Th)
        net = Network([Dense(12, 9, "tanh"), Dense(9, 4, output)], loss=loss_name,
                      seed=4, backend=B)
        opt, loss = make_optimizer(optimizer, 0.1, l2=l2, l1=l1), B.accumulator()
        right = B.accumulator() if count else None
        for start in range(0, 64, 16):
            batch = B.take_rows_pair(X, T, range(start, start + 16))
            if mode == "one launch":
                n, _ = launches(B, net.train_step, *batch, opt, loss, right)
                # forward, output_step, layer 1's step (the first step also fills the state)
                assert n == 3 or start == 0, n
            elif mode == "python":
                net.train_step(*batch, opt, loss, right)
            else:
                net.forward(batch[0], training=True)
                delta = losses.output_delta(net.loss, B, net.layers[-1], batch[1], loss, right)
                host(B, delta)                        # read: the loss launches on its own
                net.backward(delta)
                opt.step(B, net.parameters())
        flat = np.concatenate([np.ravel(np.array(x, dtype=float))
                               for layer in net.get_weights() for x in layer])
        results.append((flat, B.read(loss), right and B.read(right)))
    (one, loss_one, right_one), (apart, loss_apart, right_apart), (ref, loss_ref, right_ref) = results
    np.testing.assert_allclose(one, apart, rtol=1e-5, atol=1e-6)
    assert loss_one == pytest.approx(loss_apart, rel=1e-5) and right_one == right_apart
    np.testing.assert_allclose(one, ref, rtol=1e-4, atol=1e-4)          # float32 against float64
    assert loss_one == pytest.approx(loss_ref, rel=1e-4) and right_one == right_ref


def test_a_waiting_loss_runs_before_its_weights_change_another_way(ocl):
    """The output layer's W stepped by a plain sgd_step (no deferred gradient): the waiting
    loss (which reads W for its forward pass) is launched first, with the old W."""
    from tinynet import Dense, Network
    net = Network([Dense(5, 3, "softmax")], loss="cross_entropy", seed=1, backend=ocl)
    X, T = ocl.array(rand((6, 5), 2)), ocl.array(np.eye(3)[np.arange(6) % 3])
    layer = net.layers[0]
    want = ocl.accumulator()
    Z, A = ocl.dense_forward(X, layer.W, layer.b, "softmax")
    ocl.softmax_cross_entropy(ocl.copy(Z), ocl.copy(A), T, want)
    got = ocl.accumulator()
    Z, A = ocl.dense_forward(X, layer.W, layer.b, "softmax")
    D = ocl.softmax_cross_entropy(Z, A, T, got)
    assert type(D.job) is OutputStep
    ocl.sgd_step(layer.W, ocl.full(3, 5, 1.0), 10.0)       # a big change of W
    assert D.job is None and ocl.read(got) == pytest.approx(ocl.read(want), rel=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.01, 0.002)])
def test_gradient_and_step_in_one_kernel_match_two_steps(tiled, optimizer, l2, l1):
    ocl = tiled
    from tinynet.optim import make_optimizer
    delta, a_prev = ocl.array(rand((32, 64), 1)), ocl.array(rand((32, 100), 2))
    results = []
    for fused in (True, False):
        W, b = ocl.array(rand((64, 100), 3)), ocl.array(rand((1, 64), 4))
        opt = make_optimizer(optimizer, 0.05, l2, l1)
        for t in range(3):                                     # Adam's t and the state move
            dW, db = ocl.dense_grads(delta, a_prev)
            if not fused:
                ocl.to_list(dW)                        # read: dense_grads, then the step
            n, _ = launches(ocl, opt.step, ocl, [("W", W, dW, True), ("b", b, db, False)])
            assert t == 0 or n == 1                    # (the first step also makes the state)
            assert (dW.job is not None) == fused       # fused: the gradient was never stored
        results.append([host(ocl, M) for M in [W, b] + [S for key in sorted(opt.state)
                                                         for S in opt.state[key]]])
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_deferred_results_keep_the_values_of_their_time(ocl):
    """A deferred job reads its inputs when it runs: the optimiser (which writes W
    in place) runs waiting forward passes first, and assign takes a new buffer."""
    from tinynet.optim import make_optimizer
    a, W, b = ocl.array(rand((8, 20), 1)), ocl.array(rand((5, 20), 2)), ocl.zeros(1, 5)
    want = host(ocl, ocl.dense_forward(a, ocl.copy(W), b, "softmax")[1])
    Z, A = ocl.dense_forward(a, W, b, "softmax")               # deferred, reads W
    make_optimizer("sgd", 1.0).step(ocl, [("W", W, ocl.full(5, 20, 1.0), True)])
    np.testing.assert_allclose(host(ocl, A), want, atol=1e-6)
    delta = ocl.array(rand((8, 5), 3))
    dW_want = host(ocl, ocl.dense_grads(delta, a)[0])
    dW, _ = ocl.dense_grads(delta, a)                          # deferred, reads a and delta
    ocl.assign(a, ocl.zeros(8, 20))
    ocl.assign(delta, ocl.zeros(8, 5))
    np.testing.assert_allclose(host(ocl, dW), dW_want, atol=1e-6)
    assert not host(ocl, a).any()


def test_launches_per_training_batch(ocl):
    from tinynet import Dense, Network
    from tinynet.optim import make_optimizer
    net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy",
                  seed=1, backend=ocl)
    data, targets = ocl.array(rand((100, 256), 1)), ocl.array(np.eye(10)[np.arange(100) % 10])
    for optimizer in ("sgd", "momentum", "adam"):
        optimizer = make_optimizer(optimizer, 0.1)
        loss, correct = ocl.accumulator(), ocl.accumulator()
        net.train_step(*ocl.take_rows_pair(data, targets, range(32)), optimizer, loss, correct)
        # the batch is read in place (no take_rows launch): forward of layer 1; the softmax
        # layer's forward pass, loss, count and delta, the delta of layer 1 and the softmax
        # layer's gradient and optimiser step in one kernel (output_step); the gradient and
        # optimiser step of layer 1
        n, _ = launches(ocl, lambda: net.train_step(*ocl.take_rows_pair(data, targets, range(32, 64)),
                                                    optimizer, loss, correct))
        assert n == 3, n
        n, _ = launches(ocl, net.train_step, *ocl.take_rows_pair(data, targets, range(32)),
                        optimizer, loss)                            # no count: still 3
        assert n == 3, n


def test_the_benchmark_reports_launches_per_batch(ocl, capsys):
    from tinynet.__main__ import main
    assert main(["bench", "--groups", "epoch_boston", "--backends", "opencl", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    # the first layer's forward pass, output_step (the linear output layer's forward pass,
    # squared error, the delta below, its gradient and step) and the first layer's
    # gradient and step; the batch is read in place; a replayed step queues the same
    assert "launches per training batch: opencl 3 (epoch: Boston regression" in out


# === Captured steps =========================================================

def two_layer(B, seed=3, dropout=0.0):
    from tinynet import Dense, Dropout, Network
    layers = [Dense(20, 16, "sigmoid")] + ([Dropout(dropout)] if dropout else []) + \
        [Dense(16, 4, "softmax")]
    return Network(layers, loss="cross_entropy", seed=seed, backend=B)


def batches(B, n=200, batch=16, seed=5):
    """The data on the backend and the row numbers of n // batch shuffled batches (+ a short one)."""
    rng = np.random.default_rng(seed)
    X = B.array(rng.uniform(-1, 1, (n, 20)))
    T = B.array(np.eye(4)[rng.integers(0, 4, n)])
    order = rng.permutation(n).tolist()
    return X, T, [order[i:i + batch] for i in range(0, n, batch)]


def train(B, optimizer="momentum", captured=True, dropout=0.0, between=None):
    """Train two_layer on batches(); returns (weights, loss, accuracy, the step, net)."""
    from tinynet.optim import make_optimizer
    net, opt = two_layer(B, dropout=dropout), make_optimizer(optimizer, 0.1)
    X, T, rows = batches(B)
    loss, correct = B.accumulator(), B.accumulator()
    step = B.captured(net.train_step, opt.count_step) if captured else net.train_step
    for number, index in enumerate(rows):
        step(*B.take_rows_pair(X, T, index), opt, loss, correct)
        if between is not None:
            between(number, net)
    assert opt.t == len(rows)                     # replayed steps are counted too
    return net.get_weights(), B.read(loss), B.read(correct), step, net


@pytest.mark.parametrize("optimizer, first_replay", [("sgd", 4), ("momentum", 4)])
def test_captured_steps_replay_the_same_numbers(ocl, optimizer, first_replay):
    want = train(ocl, optimizer, captured=False)
    weights, loss, correct, step, _ = train(ocl, optimizer)
    # the same kernels on the same buffers: equal to the bit
    assert (weights, loss, correct) == want[:3]
    # the first call also makes the first layer's transposed weights (and momentum's
    # velocities), so calls 2 and 3 match and call 4 is the first replayed; the last,
    # shorter batch (8 rows) runs in full
    assert step.replays == step.calls - first_replay, (step.replays, step.why_not)
    assert step.calls == 13 and step.why_not is None


def test_a_replay_is_the_three_kernels_of_the_step(ocl):
    from tinynet.optim import make_optimizer
    net, opt = two_layer(ocl), make_optimizer("momentum", 0.1)
    X, T, rows = batches(ocl)
    loss = ocl.accumulator()
    step = ocl.captured(net.train_step)
    for index in rows[:4]:
        step(*ocl.take_rows_pair(X, T, index), opt, loss)
    assert step.replays == 1
    n, _ = launches(ocl, step, *ocl.take_rows_pair(X, T, rows[4]), opt, loss)
    assert (n, step.replays) == (3, 2)         # the new batch's row numbers: set, not copied


def test_the_layer_caches_hold_the_last_batch_after_a_replay(ocl):
    caches = {}
    for captured in (False, True):
        def between(number, net, captured=captured):
            if number == 11:                      # the last full batch (the 12th), replayed
                first, last = net.layers
                caches[captured] = [host(ocl, M) for M in (first.a_prev, first.z, first.a,
                                                            last.delta, first.delta, first.dW)]
        step = train(ocl, captured=captured, between=between)[3]
    assert step.replays > 0
    for got, want in zip(caches[True], caches[False]):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("optimizer, dropout, why", [
    ("adam", 0.0, "output_step's bc1 changed from"),          # the bias correction 1/(1−β1^t)
    ("sgd", 0.2, "dropout_mask's counter changed from 3 to 4"),   # a new mask each step
])
def test_steps_that_change_every_call_are_never_replayed(ocl, optimizer, dropout, why):
    want = train(ocl, optimizer, captured=False, dropout=dropout)
    weights, loss, correct, step, _ = train(ocl, optimizer, dropout=dropout)
    assert (weights, loss, correct) == want[:3]
    assert step.replays == 0 and why in step.why_not
    assert step.recorded == capture.TRIES                 # then it stops recording


def test_a_step_that_reads_the_device_is_not_replayed(ocl):
    net, X, T, rows = two_layer(ocl), *batches(ocl)
    from tinynet.optim import SGD
    opt, loss = SGD(0.1), ocl.accumulator()
    seen = []

    def step(X, T):
        net.train_step(X, T, opt, loss)
        seen.append(ocl.read(loss))              # the host looks at a number: cannot be replayed

    captured = ocl.captured(step)
    for index in rows:
        captured(*ocl.take_rows_pair(X, T, index))
    assert captured.replays == 0 and "reads an accumulator" in captured.why_not
    assert len(seen) == len(rows)


@pytest.mark.parametrize("recorded_pair, replays", [(False, 9), (True, 8)])
def test_batches_gathered_one_at_a_time_are_replayed_too(ocl, recorded_pair, replays):
    """X and T with index buffers of their own (take_rows twice) replay too. Call 9 gathers
    the other way: separate buffers where the recorded call shared one cannot be replayed
    (the recorded kernels read both through one argument); shared ones where it had two can."""
    from tinynet.optim import SGD
    results = {}
    for captured in (False, True):
        net, (X, T, rows), opt = two_layer(ocl), batches(ocl), SGD(0.1)
        loss = ocl.accumulator()
        step = ocl.captured(net.train_step) if captured else net.train_step
        for number, index in enumerate(rows[:-1]):                  # 12 batches of 16
            if (number == 8) != recorded_pair:
                batch = ocl.take_rows_pair(X, T, index)
            else:
                batch = ocl.take_rows(X, index), ocl.take_rows(T, index)
            step(*batch, opt, loss)
        results[captured] = net.get_weights(), ocl.read(loss)
    assert results[True] == results[False]
    assert step.replays == replays                  # 12 calls, 3 recorded, call 9 maybe not


def test_a_forward_pass_waiting_when_a_step_is_replayed_keeps_its_weights(ocl):
    """A deferred softmax forward pass reads W and b: it runs before a replay changes them."""
    outputs = {}
    for captured in (False, True):
        def between(number, net, captured=captured):
            if number == 6:
                X = ocl.array(rand((5, 20), 9))
                outputs[captured] = net.layers[-1].forward(net.layers[0].forward(X, False), False)
        *_, step, _ = train(ocl, "sgd", captured=captured, between=between)
    assert step.replays > 0
    np.testing.assert_array_equal(host(ocl, outputs[True]), host(ocl, outputs[False]))


def test_new_weights_between_steps_are_recorded_again(ocl):
    """restore() gives the weights new buffers (assign): the old recording would miss them."""
    results = {}
    for captured in (False, True):
        saved = {}

        def between(number, net):
            if number == 2:
                saved["w"] = net.snapshot()
            if number == 7:
                net.restore(saved["w"])

        results[captured] = train(ocl, "sgd", captured=captured, between=between)
    assert results[True][:3] == results[False][:3]
    assert results[True][3].replays > 0


def test_set_weights_between_replayed_steps_is_trained_on(ocl):
    """set_weights puts the values into the layer's own W and b (assign), so a captured step
    records again and trains them (it once gave the layer new matrices, and the replay went
    on training the old ones)."""
    results = {}
    for captured in (False, True):
        def between(number, net):
            if number == 6:
                layer = net.dense_layers[0]
                W, b = layer.get_weights()
                layer.set_weights([[0.5 * w for w in row] for row in W], b)

        results[captured] = train(ocl, "momentum", captured=captured, between=between)
    assert results[True][:3] == results[False][:3]
    assert results[True][3].replays > 0


def test_first_layer_weights_read_between_replayed_steps_are_up_to_date(ocl):
    """The first layer's W and velocity live transposed while it trains (dense_forward_t,
    dense_grads_step_t). Reading W between replayed steps copies the numbers back; the next
    replay marks W out of date again, so every read sees that step's numbers."""
    seen = {}
    for captured in (False, True):
        log = []

        def between(number, net):
            W = net.dense_layers[0].W
            log.append((W.job is not None, net.get_weights()[0]))   # out of date, then read

        weights, loss, correct, step, net = train(ocl, "momentum", captured=captured,
                                                  between=between)
        seen[captured] = log, weights, loss
        assert net.dense_layers[0].W.t is not None
    assert seen[True] == seen[False]
    assert step.replays > 0
    assert all(stale for stale, _ in seen[True][0])    # each step left W to its twin


@pytest.mark.parametrize("n_in, n_out, m", [(256, 64, 32), (20, 17, 5), (3, 65, 1), (129, 33, 16)])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_first_layer_kept_transposed_matches_the_reference(tiled, n_in, n_out, m, optimizer):
    """A layer reading a gathered batch keeps Wᵀ (and its optimiser state transposed): its
    forward pass, gradient and step, three times, give the python backend's numbers; so do a
    plain step that writes W itself (it drops the transposed copy) and a forward pass after it."""
    from tinynet.optim import make_optimizer
    ocl, py = tiled, PythonBackend()
    X, W0, b0 = rand((40, n_in), 1), 0.5 * rand((n_out, n_in), 2), rand((1, n_out), 3)
    D, G = rand((m, n_out), 4), rand((n_out, n_in), 5)
    rows = [(7 * i + 3) % 40 for i in range(m)]
    results = []
    for B in (py, ocl):
        Xd, W, b = B.array(X.tolist()), B.array(W0.tolist()), B.array(b0.tolist())
        opt = make_optimizer(optimizer, 0.1, l2=0.01, l1=0.002)
        out = []
        for t in range(3):
            Z, Act = B.dense_forward(B.take_rows(Xd, rows), W, b, "tanh")
            dW, db = B.dense_grads(B.array(D.tolist()), B.take_rows(Xd, rows))
            opt.step(B, [("W", W, dW, True), ("b", b, db, False)])
            out += [B.to_list(Act), B.to_list(W), B.to_list(b)]
        if B is ocl:
            assert W.t is not None                     # the transposed path was taken
        B.sgd_step(W, B.array(G.tolist()), 0.1)        # writes W itself
        out += [B.to_list(W), B.to_list(B.dense_forward(B.take_rows(Xd, rows), W, b, "tanh")[1])]
        results.append(out)
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6 * n_in + 1e-6)


def test_fit_with_captured_steps_is_fit_without(ocl, monkeypatch):
    """fit captures every epoch's step: the history, early stopping's choice and the weights
    are those of the same fit with capture off, to the bit; the progress bar reads the loss
    between replayed steps."""
    from tinynet import Dense, Network
    from tinynet.datasets import load_iris
    from tinynet import training
    data = load_iris()
    X = [[v / 8.0 for v in row] for row in data.X]
    monkeypatch.setattr(training._Progress, "wants_update", lambda self: True)   # every batch
    replays = []
    real_run = capture.Replay.run
    monkeypatch.setattr(capture.Replay, "run", lambda self, batch: replays.append(1) or
                        real_run(self, batch))
    results = []
    for on in (False, True):
        B = OpenCLBackend(capture=on)
        net = Network([Dense(4, 12, "tanh"), Dense(12, 3, "softmax")], loss="cross_entropy",
                      seed=3, backend=B)
        history = net.fit(X[:120], data.y[:120], epochs=12, batch_size=8, optimizer="momentum",
                          lr=0.2, validation_data=(X[120:], data.y[120:]), early_stopping=3,
                          verbose=0)
        results.append((history.epochs, [history[k] for k in sorted(history.keys())],
                        history.stopped_because, net.get_weights()))
    assert results[0] == results[1]
    # fit captures once for the run: of its 15 batches an epoch only the first 3 run in full
    # (the first also makes the velocities); the new accumulators of each epoch are swapped in
    assert len(replays) == 15 * results[1][0] - 3


def test_a_new_accumulator_is_swapped_into_the_replay(ocl):
    """A matrix argument of the same shape (the next epoch's loss accumulator) is read and
    written by the replayed kernels in place of the recorded one; the recorded one keeps
    its total."""
    from tinynet.optim import SGD
    net, (X, T, rows), opt = two_layer(ocl), batches(ocl), SGD(0.1)
    first, second = ocl.accumulator(), ocl.accumulator()
    step = ocl.captured(net.train_step)
    for index in rows[:4]:
        step(*ocl.take_rows_pair(X, T, index), opt, first)
    assert step.replays == 1                        # calls 2 and 3 match: call 4 is replayed
    total = ocl.read(first)
    for index in rows[4:8]:
        step(*ocl.take_rows_pair(X, T, index), opt, second)
    assert step.replays == 5 and ocl.read(first) == total
    want, plain_net = ocl.accumulator(), two_layer(ocl)
    plain_opt = SGD(0.1)
    for index in rows[:4]:
        plain_net.train_step(*ocl.take_rows_pair(X, T, index), plain_opt, ocl.accumulator())
    for index in rows[4:8]:
        plain_net.train_step(*ocl.take_rows_pair(X, T, index), plain_opt, want)
    assert ocl.read(second) == ocl.read(want) and net.get_weights() == plain_net.get_weights()
    step(*ocl.take_rows_pair(X, T, rows[8]), opt, ocl.zeros(1, 2))     # another shape: in full
    assert step.replays == 5


def test_capture_can_be_turned_off(ocl, monkeypatch):
    step = object()
    assert OpenCLBackend(capture=False).captured(step) is step
    monkeypatch.setenv("TINYNET_OPENCL_CAPTURE", "0")
    assert OpenCLBackend().captured(step) is step
    assert isinstance(ocl.captured(print), capture.Captured)


def test_replays_reuse_their_kernel_objects(ocl):
    """A Kernel object costs ~0.5 ms to make: an epoch's replay hands them to the next."""
    train(ocl)
    spare = {name: len(k) for name, k in ocl._spare_kernels.items()}
    assert sum(spare.values()) >= 3
    train(ocl)
    assert {name: len(k) for name, k in ocl._spare_kernels.items()} == spare


# === Training on both backends ==============================================

def test_training_matches_the_python_backend():
    """The same seed gives the same network on both backends, within float32."""
    from tinynet import Dense, Dropout, Network
    from tinynet.datasets import load_iris
    try:
        ocl = get_backend("opencl")
    except BackendError as error:
        pytest.skip(str(error))
    data = load_iris()
    X = [[v / 8.0 for v in row] for row in data.X]
    results = {}
    for backend in ("python", ocl):
        net = Network([Dense(4, 16, "tanh"), Dropout(0.1), Dense(16, 3, "softmax")],
                      loss="cross_entropy", seed=7, backend=backend)
        history = net.fit(X, data.y, epochs=15, batch_size=16, optimizer="momentum", lr=0.1, verbose=0)
        results[net.backend.name] = (history, net.evaluate(X, data.y), net.get_weights())
    (h_py, e_py, w_py), (h_cl, e_cl, w_cl) = results["python"], results["opencl"]
    # float32 rounding grows over 15 epochs x 10 steps, but stays far below the weights' scale
    assert abs(e_py["accuracy"] - e_cl["accuracy"]) <= 2 / len(X)       # at most 2 samples differ
    assert e_py["accuracy"] > 0.8
    for loss_py, loss_cl in zip(h_py["loss"], h_cl["loss"]):
        assert loss_cl == pytest.approx(loss_py, rel=1e-3)
    flat_py = np.concatenate([np.ravel(np.array(x, dtype=float)) for layer in w_py for x in layer])
    flat_cl = np.concatenate([np.ravel(np.array(x, dtype=float)) for layer in w_cl for x in layer])
    np.testing.assert_allclose(flat_cl, flat_py, rtol=1e-3, atol=1e-4)


def test_use_opencl_by_name(ocl):
    assert tinynet.use("opencl").name == "opencl"
    assert tinynet.backend_name() == "opencl"
    assert "opencl" in tinynet_opencl.OpenCLBackend.name
