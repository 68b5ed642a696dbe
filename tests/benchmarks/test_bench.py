"""The benchmark suite: every available backend against pure Python, NumPy and the peak.

    python -m pytest tests/benchmarks --benchmark-disable -q   # CI: each case once, checked
    python -m pytest tests/benchmarks --benchmark-only         # the timing run
    python -m pytest tests/benchmarks --benchmark-only --benchmark-json out.json
    python -m tinynet bench --from-json out.json               # its tables (GFLOP/s, ratios, peak)

Groups (``benchmark.group``) compare like with like; each benchmark's
``extra_info`` holds its work (``flops`` or ``samples``), device, dtype and
the device's estimated peak.  Sizes and the caps on the python backend are
documented in ``tinynet.benchmarks.cases`` (n ≤ 256 for the square product,
width ≤ 512 for the batch-32 shapes and the Dense step: larger calls take
more than ~2 s in pure Python).  References: ``ref-numpy`` (NumPy float32,
skipped without NumPy), and in the epoch groups ``ref-tutorial`` (a per-neuron
pure-Python network in the tutorials' idioms, ``tinynet.benchmarks.tutorial``)
and ``ref-naive`` (a careful per-neuron network, ``tinynet.benchmarks.naive``).
"""

import pytest

pytest.importorskip("pytest_benchmark", reason="pytest-benchmark is not installed "
                                               "(pip install pytest-benchmark)")

# Each test's `case` runs over its group's cases (conftest.pytest_generate_tests).


@pytest.mark.bench_group("matmul")
def test_matmul_square(bench_case, case):
    """A·B for square n×n matrices."""
    bench_case(case)


@pytest.mark.bench_group("matmul_nt")
def test_dense_forward_product(bench_case, case):
    """a·Wᵀ, the forward product of a Dense layer (batch 32)."""
    bench_case(case)


@pytest.mark.bench_group("matmul_tn")
def test_weight_gradient_product(bench_case, case):
    """δᵀ·a, the weight gradient of a Dense layer (batch 32)."""
    bench_case(case)


@pytest.mark.bench_group("matmul_nn")
def test_input_gradient_product(bench_case, case):
    """δ·W, the gradient handed to the layer below (batch 32)."""
    bench_case(case)


@pytest.mark.bench_group("dense_step")
def test_dense_step(bench_case, case):
    """One Dense layer: forward, backward, SGD update (batch 32)."""
    bench_case(case)


@pytest.mark.bench_group("epoch_digits")
def test_epoch_digits(bench_case, case):
    """One epoch of the 16×16 digits MLP (1600 samples), with the per-neuron references
    (ref-tutorial, ref-naive) of the pure-Python comparison."""
    bench_case(case)


@pytest.mark.bench_group("epoch_boston")
def test_epoch_boston(bench_case, case):
    """One epoch of Boston regression (standardised)."""
    bench_case(case)


@pytest.mark.bench_group("fit_demo")
def test_fit_demo(bench_case, case):
    """The demo network's fit, reduced to FIT_EPOCHS epochs."""
    bench_case(case)


@pytest.mark.bench_group("conv_step")
def test_conv_step(bench_case, case):
    """One Conv2D layer C→C, 3×3, padding 1 on 16×16: forward, backward, input gradient, SGD
    (batch 32), with PyTorch on the CPU (ref-torch) where it is installed."""
    bench_case(case)


@pytest.mark.bench_group("epoch_cnn")
def test_epoch_cnn(bench_case, case):
    """One epoch of the digits CNN (conv 8 → pool → conv 16 → pool → 10) on 640 digits."""
    bench_case(case)


@pytest.mark.bench_group("epoch_lstm")
def test_epoch_lstm(bench_case, case):
    """One epoch of a 256-unit character LSTM (truncated BPTT, Adam, clipping)."""
    bench_case(case)


@pytest.mark.bench_group("fit_checks")
def test_fit_checks(bench_case, case):
    """What fit does before its first step: check (X, y), convert, move to the backend."""
    bench_case(case)


@pytest.mark.bench_group("rbm_epoch")
def test_rbm_epoch(bench_case, case):
    """One epoch of CD-1 for an RBM(256, 100) on 600 digits: the weights stay on the backend."""
    bench_case(case)
