"""The benchmark workloads: what is timed, how much work it is, and how it is checked.

A ``Case`` is one row of the report: a group (the workload), an
implementation (a tinynet backend or a reference: ``ref-numpy``,
``ref-numpy-1t`` (the same with NumPy's BLAS on one thread), ``ref-naive``,
``ref-tutorial`` (the two per-neuron pure-Python networks), ``ref-tinygrad``) and
a size.  ``case.prepare()`` builds the data and returns a ``Prepared`` with

* ``run()``: the timed call; it synchronises a device backend before it
  returns (``machine.synchronise``), so a timer around it is honest;
* ``check(result)``: asserts that the result is right (a product against
  ``math.fsum`` on a slice, a training step against the host, a loss that
  went down), so a broken backend fails the suite instead of running fast;
* ``info``: the work done (``flops`` or ``samples``) and the device's peak.

``prepare`` raises ``Unavailable`` (with the reason) when the backend or
NumPy cannot be used here.  The pytest suite (tests/benchmarks) and
``python -m tinynet bench`` both take their cases from ``cases()``.

Sizes: square products n = 16 … 1024; the Dense-layer shapes and steps at
widths 16 … 1024 with batch 32.  The python backend is capped where one call
takes more than about 2 s on a 2.3 GHz Xeon (``PYTHON_MAX``): n ≤ 256 for the
square product (n = 512 takes ~11 s), width ≤ 512 for the batch-32 shapes
and the Dense step (width 1024: ~1.7 s per product, ~5 s per step).

>>> [c.id for c in cases(groups=["matmul"], impls=["python"])]
['python-16', 'python-32', 'python-64', 'python-128', 'python-256']
"""

import functools
import math
import os
import random

from .. import datasets
from ..backend import available_backends, get_backend
from ..errors import TinynetError
from . import conv_cases, machine

__all__ = ["GROUPS", "SIZES", "BATCH", "PYTHON_MAX", "QUICK_PYTHON_MAX", "FIT_EPOCHS",
           "Case", "Prepared", "Unavailable", "cases", "implementations", "unavailable"]

SIZES = (16, 32, 64, 128, 256, 512, 1024)
BATCH = 32
REFS = ("ref-numpy", "ref-numpy-1t", "ref-naive", "ref-tutorial", "ref-tinygrad") + conv_cases.TORCH_REFS
#: The per-neuron pure-Python references (standard library only, always available).
PER_NEURON_REFS = ("ref-naive", "ref-tutorial")
#: The NumPy references: default BLAS threads, and one thread.
NUMPY_REFS = ("ref-numpy", "ref-numpy-1t")

#: The largest size the python backend runs in the full sweep (one call ≲ 2 s).
PYTHON_MAX = {"matmul": 256, "matmul_nt": 512, "matmul_tn": 512, "matmul_nn": 512,
              "dense_step": 512}
#: ... and in ``python -m tinynet bench`` without ``--full``.
QUICK_PYTHON_MAX = {"matmul": 128, "matmul_nt": 256, "matmul_tn": 256, "matmul_nn": 256,
                    "dense_step": 256}

#: Epochs of the demo network's fit that are timed (the demo trains 10; one
#: epoch of the python backend takes ~10 s, so the benchmark times 1).
FIT_EPOCHS = 1

DIGITS_ROWS = 1600
#: Characters of ``datasets.package_docstrings()`` in one epoch of the LSTM case (4 chunks of 25:
#: about 5 s of pure Python at 256 hidden units on a 2.3 GHz Xeon).
LSTM_CHARS = 100

#: group key -> (title, x label, which references run, kind of work)
GROUPS = {
    "matmul": ("matmul A·B, square n×n", "n", ("ref-numpy", "ref-numpy-1t"), "flops"),
    "matmul_nt": ("Dense forward a·Wᵀ: (32×n)·(n×n)ᵀ  [matmul_nt]", "width n", ("ref-numpy", "ref-numpy-1t"), "flops"),
    "matmul_tn": ("Dense weight gradient δᵀ·a: (32×n)ᵀ·(32×n)  [matmul_tn]", "width n",
                  ("ref-numpy", "ref-numpy-1t"), "flops"),
    "matmul_nn": ("Dense input gradient δ·W: (32×n)·(n×n)  [matmul]", "width n",
                  ("ref-numpy", "ref-numpy-1t"), "flops"),
    "dense_step": ("Dense n→n sigmoid: forward + backward + SGD update, batch 32", "width n",
                   ("ref-numpy", "ref-numpy-1t"), "flops"),
    "epoch_digits": ("epoch: digits MLP 256→64 sigmoid→10 softmax, 1600 samples, batch 32",
                     "", ("ref-numpy", "ref-numpy-1t", "ref-naive", "ref-tutorial", "ref-tinygrad"),
                     "samples"),
    "epoch_boston": ("epoch: Boston regression 12→32 sigmoid→1, 506 samples, batch 32", "",
                     ("ref-numpy", "ref-numpy-1t", "ref-naive", "ref-tutorial"), "samples"),
    "fit_demo": ("fit: the demo's 256→64→10, momentum lr 0.05, {} of 10 epochs "
                 "(4649 digits, validation on all 4649 test digits)", "", ("ref-numpy", "ref-numpy-1t"), "samples"),
    "epoch_lstm": ("epoch: character LSTM, one-hot → 256 hidden → softmax, {} characters of the package's "
                   "docstrings, BPTT 25, Adam, clip 5".format(LSTM_CHARS), "", (), "samples"),
    "fit_checks": ("before fit: check 4649 digits (256 inputs) and their labels, convert, "
                   "move to the backend", "", (), "samples"),
    "rbm_epoch": ("epoch: RBM 256→100 CD-1, batch 10, momentum, 600 digits (tinynet.unsupervised)",
                  "", (), "samples"),
}
SWEEPS = ("matmul", "matmul_nt", "matmul_tn", "matmul_nn", "dense_step")

# The convolution groups (conv_step, epoch_cnn) and the ref-torch rows: tinynet.benchmarks.conv_cases.
GROUPS.update(conv_cases.GROUPS)
PYTHON_MAX.update(conv_cases.PYTHON_MAX)
QUICK_PYTHON_MAX.update(conv_cases.QUICK_PYTHON_MAX)
SWEEPS += tuple(conv_cases.SIZES)


class Unavailable(Exception):
    """This case cannot run here (no such backend, no device, no NumPy); the reason."""


class Prepared:
    def __init__(self, run, check, info):
        self.run, self.check, self.info = run, check, info


class Case:
    """One (group, implementation, size): see the module docstring."""

    def __init__(self, group, impl, size=None, fit_epochs=None):
        self.group, self.impl, self.size = group, impl, size
        self.fit_epochs = fit_epochs or FIT_EPOCHS

    @property
    def id(self):
        return self.impl if self.size is None else "{}-{}".format(self.impl, self.size)

    @property
    def title(self):
        """The group's title (the pytest-benchmark group: like is compared with like)."""
        return GROUPS[self.group][0].replace("{}", str(self.fit_epochs))

    def __repr__(self):
        return "Case({!r}, {!r}, {!r})".format(self.group, self.impl, self.size)

    def prepare(self):
        """Build the data; a ``Prepared``.  Raises ``Unavailable`` with the reason."""
        why = unavailable(self.impl)
        if why:
            raise Unavailable(why)
        if self.impl in NUMPY_REFS:
            impl = _numpy_impl()
        elif self.impl in PER_NEURON_REFS + ("ref-tinygrad",) + conv_cases.TORCH_REFS:
            impl = None
        else:
            impl = get_backend(self.impl)
        prepared = _SETUPS[self.group](self, impl)
        if self.impl == "ref-numpy-1t":             # the same calls, BLAS on one thread
            from .numpy_ref import one_blas_thread
            run, one_thread = prepared.run, one_blas_thread()
            prepared.run = lambda: one_thread(run)
        prepared.info.update(self.describe(impl))
        return prepared

    def describe(self, impl):
        """What the report needs besides the timing: names, dtype, device, peak."""
        info = {"group": self.group, "title": self.title, "impl": self.impl, "size": self.size,
                "reference": self.impl in REFS}
        if self.impl in PER_NEURON_REFS + ("python",):
            dtype, device, peak = "float64", "CPU", machine.cpu_peak("float64")
        elif self.impl == "ref-numpy":
            dtype, device, peak = "float32", "CPU", machine.cpu_peak("float32")
        elif self.impl == "ref-numpy-1t":
            dtype, device, peak = "float32", "CPU, 1 thread", machine.cpu_peak("float32", cores=1)
        elif self.impl == "ref-tinygrad":
            dtype, device, peak = "float32", "tinygrad " + os.environ.get("DEV", "CL"), None
        elif self.impl in conv_cases.TORCH_REFS:
            from .torch_ref import threads
            dtype, device = "float32", "CPU, {} threads (PyTorch)".format(threads())
            peak = machine.cpu_peak("float32", cores=threads())
        else:
            dtype = getattr(impl, "dtype", "?")
            device_info = machine.opencl_device_info(impl)
            device = device_info["name"] if device_info else impl.describe()
            peak = machine.opencl_peak(impl)
        info.update(dtype=dtype, device=device)
        if peak:
            info.update(peak_gflops=peak["gflops"], peak_formula=peak["formula"])
        return info


@functools.lru_cache(maxsize=None)
def unavailable(impl):
    """Why ``impl`` cannot run here (a line), or None when it can."""
    if impl in PER_NEURON_REFS:
        return None
    if impl in conv_cases.TORCH_REFS:
        return conv_cases.torch_unavailable()
    if impl in NUMPY_REFS:
        try:
            from .numpy_ref import one_blas_thread, require_numpy
            require_numpy()
            if impl == "ref-numpy-1t":
                one_blas_thread()
        except ImportError as error:
            return str(error)
        return None
    if impl == "ref-tinygrad":
        try:
            from .tinygrad_ref import require_tinygrad
            require_tinygrad()
        except ImportError as error:
            return str(error)
        return None
    try:
        get_backend(impl)
    except TinynetError as error:
        return "backend {!r} not usable here: {}".format(impl, error)
    return None


def implementations():
    """The registered backends, then the references."""
    return list(available_backends()) + list(REFS)


def cases(groups=None, impls=None, python_max=None, fit_epochs=None):
    """Every Case, in report order.  ``python_max`` caps the python backend's sizes;
    ``fit_epochs`` sets the epochs of the demo fit (default ``FIT_EPOCHS``)."""
    python_max = PYTHON_MAX if python_max is None else python_max
    impls = implementations() if impls is None else list(impls)
    found = []
    for group in (groups or GROUPS):
        refs = GROUPS[group][2]
        for impl in impls:
            if impl in REFS and impl not in refs:
                continue
            if group in SWEEPS:
                for size in conv_cases.SIZES.get(group, SIZES):
                    if impl == "python" and size > python_max.get(group, max(SIZES)):
                        continue
                    found.append(Case(group, impl, size))
            else:
                found.append(Case(group, impl, fit_epochs=fit_epochs))
    return found


# === Adapters: a backend and NumPy behind the same few calls ===============

class _NumpyAsBackend:
    """Just enough of the backend interface for the product and step workloads."""

    name = "ref-numpy"
    tolerance = (1e-5, 1e-5)
    dtype = "float32"

    def __init__(self):
        import numpy
        self.np = numpy

    def array(self, rows):
        return self.np.array(rows, dtype=self.np.float32)

    def to_list(self, M):
        return M.astype(float).tolist()

    def matmul(self, A, B):
        return A @ B

    def matmul_nt(self, A, B):
        return A @ B.T

    def matmul_tn(self, A, B, alpha=1.0):
        return (A.T @ B) * self.np.float32(alpha) if alpha != 1.0 else A.T @ B


@functools.lru_cache(maxsize=None)
def _numpy_impl():
    return _NumpyAsBackend()


def _tolerance(impl):
    return getattr(impl, "tolerance", (1e-12, 1e-12))


def _random(rows, cols, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-1.0, 1.0) for _ in range(cols)] for _ in range(rows)]


def _check_entries(got, want_fn, k, impl, what):
    """got[i][j] against want_fn(i, j) = (exact value, Σ|terms|), within the backend's tolerance."""
    rel, abs_ = _tolerance(impl)
    rows, cols = len(got), len(got[0])
    for i in sorted({0, rows // 2, rows - 1}):
        for j in sorted({0, cols // 3, cols - 1}):
            want, magnitude = want_fn(i, j)
            bound = rel * math.sqrt(k) * magnitude + abs_ * math.sqrt(k) + 1e-300
            assert abs(got[i][j] - want) <= bound, (
                "{}: entry [{}][{}] is {!r}, expected {!r} (allowed error {:.2g})".format(
                    what, i, j, got[i][j], want, bound))


# === Products ===============================================================

def _product_setup(op):
    def setup(case, impl):
        n = case.size
        if op == "matmul":                      # (n, n)(n, n)
            Ah, Bh, k = _random(n, n, 1), _random(n, n, 2), n
            flops = 2 * n ** 3

            def want(i, j):
                terms = [Ah[i][t] * Bh[t][j] for t in range(k)]
                return math.fsum(terms), math.fsum(map(abs, terms))
        elif op == "matmul_nt":                 # a·Wᵀ: (32, n)(n, n)ᵀ
            Ah, Bh, k = _random(BATCH, n, 1), _random(n, n, 2), n
            flops = 2 * BATCH * n * n

            def want(i, j):
                terms = [Ah[i][t] * Bh[j][t] for t in range(k)]
                return math.fsum(terms), math.fsum(map(abs, terms))
        elif op == "matmul_tn":                 # δᵀ·a: (32, n)ᵀ(32, n)
            Ah, Bh, k = _random(BATCH, n, 1), _random(BATCH, n, 2), BATCH
            flops = 2 * BATCH * n * n

            def want(i, j):
                terms = [Ah[t][i] * Bh[t][j] for t in range(k)]
                return math.fsum(terms), math.fsum(map(abs, terms))
        else:                                   # δ·W: (32, n)(n, n)
            Ah, Bh, k = _random(BATCH, n, 1), _random(n, n, 2), n
            flops = 2 * BATCH * n * n

            def want(i, j):
                terms = [Ah[i][t] * Bh[t][j] for t in range(k)]
                return math.fsum(terms), math.fsum(map(abs, terms))
        A, B = impl.array(Ah), impl.array(Bh)
        method = getattr(impl, "matmul" if op == "matmul_nn" else op)
        sync = machine.synchronise

        def run():
            C = method(A, B)
            sync(impl)
            return C

        def check(C):
            _check_entries(impl.to_list(C), want, k, impl, "{} {}".format(case.impl, op))

        return Prepared(run, check, {"flops": flops})
    return setup


# === One Dense layer step ===================================================

def _dense_step_setup(case, impl):
    n, m, lr = case.size, BATCH, 0.01
    Xh, Gh = _random(m, n, 3), _random(m, n, 4)      # the input a, and ∂E/∂a from above
    flops = 3 * 2 * m * n * n                          # the three products; elementwise not counted
    if case.impl in NUMPY_REFS:
        np = impl.np
        rng = np.random.default_rng(0)
        limit = math.sqrt(6.0 / (2 * n))
        W = rng.uniform(-limit, limit, (n, n)).astype(np.float32)
        b = np.zeros(n, np.float32)
        X, G = impl.array(Xh), impl.array(Gh)
        state = {}

        def run():
            nonlocal W, b
            Z = X @ W.T + b
            A = 1.0 / (1.0 + np.exp(-Z))
            delta = G * A * (1.0 - A)
            dW = delta.T @ X / m
            db = delta.sum(axis=0) / m
            dX = delta @ W
            state.update(W0=W, b0=b, delta=delta, dW=dW)
            W = W - lr * dW
            b = b - lr * db
            state["W1"] = W
            return dX

        def weights():
            return state["W0"].tolist(), [state["b0"].tolist()], state["W1"].tolist(), \
                state["dW"].tolist()
    else:
        from ..layers import Dense
        from ..optim import SGD
        B = impl
        layer = Dense(n, n, "sigmoid")
        layer.build(B, random.Random(0))
        X, G = B.array(Xh), B.array(Gh)
        optimizer = SGD(lr=lr)
        sync = machine.synchronise

        def run():
            layer.forward(X, training=True)
            delta = layer.delta_from_grad(G)            # δ = ∂E/∂a ⊙ g'(z)
            layer.backward(delta)                       # dW = δᵀ·a/m, db = Σδ/m
            dX = B.matmul(delta, layer.W)               # ∂E/∂a for the layer below
            optimizer.step(B, layer.parameters())       # W ← W − lr·dW (in place)
            sync(B)
            return dX

        def weights():
            # Re-run one step from known weights, with the host copies at hand.
            W0, b0 = B.to_list(layer.W), B.to_list(layer.b)
            run()
            return W0, b0, B.to_list(layer.W), B.to_list(layer.dW)

    def check(_result):
        W0, b0, W1, dW = weights()
        rel, abs_ = _tolerance(impl)
        cols = sorted({0, n // 2, n - 1})
        deltas = {}
        for k in cols:                                 # δ[:, k] from the host
            column = []
            for i in range(m):
                z = math.fsum([W0[k][j] * Xh[i][j] for j in range(n)]) + b0[0][k]
                a = 1.0 / (1.0 + math.exp(-z))
                column.append(Gh[i][k] * a * (1.0 - a))
            deltas[k] = column

        def want_dW(k, j):
            terms = [deltas[k][i] * Xh[i][j] / m for i in range(m)]
            return math.fsum(terms), math.fsum(map(abs, terms))
        for k in cols:
            for j in cols:
                value, magnitude = want_dW(k, j)
                bound = 10 * rel * math.sqrt(n) * (magnitude + 1e-3) + abs_
                assert abs(dW[k][j] - value) <= bound, "{} dense step: dW[{}][{}] = {!r}, expected {!r}".format(
                    case.impl, k, j, dW[k][j], value)
                step = W0[k][j] - lr * dW[k][j]
                assert abs(W1[k][j] - step) <= 10 * rel * (abs(step) + 1) + abs_, (
                    "{} dense step: W[{}][{}] after the update is {!r}, expected {!r}".format(
                        case.impl, k, j, W1[k][j], step))

    return Prepared(run, check, {"flops": flops})


# === Whole networks =========================================================

@functools.lru_cache(maxsize=None)
def _digits():
    data = datasets.load_digits16()
    return data.X, data.y, data.X_test, data.y_test


@functools.lru_cache(maxsize=None)
def _boston():
    data = datasets.load_boston()
    X = datasets.Standardizer().fit_transform(data.X)
    mean = sum(data.y) / len(data.y)
    std = math.sqrt(sum((v - mean) ** 2 for v in data.y) / len(data.y))
    return X, [(v - mean) / std for v in data.y]


def _one_hot(y, classes=10):
    return [[1.0 if k == label else 0.0 for k in range(classes)] for label in y]


def _epoch_work(sizes, n):
    """Products per epoch: forward 2·n_in·n_out per layer, dW 2·n_in·n_out, δ·W for all but the first."""
    per_sample = sum(2 * a * b * (2 if i == 0 else 3) for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])))
    return {"samples": n, "flops": per_sample * n}


def _epoch_setup(kind):
    def setup(case, impl):
        if kind == "digits":
            X, y, _, _ = _digits()
            X, y = X[:DIGITS_ROWS], y[:DIGITS_ROWS]
            T, sizes, output, loss, lr = _one_hot(y), (256, 64, 10), "softmax", "cross_entropy", 0.05
        else:
            X, yv = _boston()
            T, sizes, output, loss, lr = [[v] for v in yv], (len(X[0]), 32, 1), "linear", "squared_error", 0.01
        n = len(X)
        rng = random.Random("bench-shuffle")
        order = list(range(n))
        launches = None
        if case.impl in PER_NEURON_REFS:
            if case.impl == "ref-naive":
                from .naive import NaiveNetwork as PerNeuron
            else:
                from .tutorial import TutorialNetwork as PerNeuron
            net = PerNeuron(sizes, ["sigmoid", output], loss=loss, seed=0)
            initial = net.mean_loss(X, T)

            def run():
                rng.shuffle(order)
                return net.train_epoch(X, T, lr, 0.9, BATCH, order)
        elif case.impl == "ref-tinygrad":
            from .tinygrad_ref import TinygradMLP
            net = TinygradMLP(sizes, X, T, lr, 0.9, BATCH, seed=0)
            initial = math.log(sizes[-1])        # the loss of a uniform guess
            net.train_epoch(list(order))         # compiles and captures the jitted step

            def run():
                rng.shuffle(order)
                return net.train_epoch(order)
        elif case.impl in NUMPY_REFS:
            from .numpy_ref import NumpyMLP
            np = impl.np
            net = NumpyMLP(sizes, output, seed=0)
            Xn, Tn = np.array(X, np.float32), np.array(T, np.float32)
            initial = net.mean_loss(Xn, Tn)

            def run():
                rng.shuffle(order)
                return net.train_epoch(Xn, Tn, np.float32(lr), np.float32(0.9), BATCH, order)
        else:
            from ..layers import Dense
            from ..network import Network
            from ..optim import Momentum
            from ..training import train_epoch
            B = impl
            net = Network([Dense(sizes[0], sizes[1], "sigmoid"), Dense(sizes[1], sizes[2], output)],
                          loss=loss, seed=0, backend=B)
            Xd, Td = B.array(X), B.array(T)
            optimizer = Momentum(lr=lr, mu=0.9)
            initial = net.evaluate(X, y if kind == "digits" else yv)["loss"]

            step = B.captured(net.train_step, optimizer.count_step)     # once, as fit does
            rng.shuffle(order)

            def run():                  # fit's inner loop: data on the backend, loss read once
                loss_acc = B.accumulator()
                train_epoch(net, Xd, Td, order, BATCH, optimizer, loss_acc, step=step)
                rng.shuffle(order)      # the next epoch's order, as fit draws it: before the read
                return B.read(loss_acc) / n          # read() waits for the device

            launches = _launches_per_batch(B, run, -(-n // BATCH))

        def check(mean_loss):
            assert math.isfinite(mean_loss), "{} {} epoch: the loss is {}".format(case.impl, kind, mean_loss)
            assert mean_loss < initial, "{} {} epoch: the loss did not go down ({:.4g} → {:.4g})".format(
                case.impl, kind, initial, mean_loss)

        info = _epoch_work(sizes, n)
        info["initial_loss"] = initial
        if launches is not None:
            info["launches_per_batch"] = launches
        return Prepared(run, check, info)
    return setup


def _launches_per_batch(backend, run_epoch, batches):
    """Kernel launches per training batch of a device backend, else None.

    Counted over the second of two untimed epochs: the first also makes the
    optimiser's state (one fill per parameter matrix, once per run)."""
    if not hasattr(backend, "launches"):
        return None
    run_epoch()
    before = backend.launches
    run_epoch()
    return (backend.launches - before) / batches


def _fit_setup(case, impl):
    epochs = case.fit_epochs
    X, y, X_test, y_test = _digits()
    n = len(X)
    if case.impl in NUMPY_REFS:
        from .numpy_ref import NumpyMLP
        np = impl.np
        Xn, Tn = np.array(X, np.float32), np.array(_one_hot(y), np.float32)
        Xt, yt = np.array(X_test, np.float32), np.array(y_test)
        rng = random.Random("bench-shuffle")

        def run():
            net = NumpyMLP((256, 64, 10), "softmax", seed=0)
            order = list(range(n))
            accuracy = []
            for _ in range(epochs):
                rng.shuffle(order)
                net.train_epoch(Xn, Tn, np.float32(0.05), np.float32(0.9), BATCH, order)
                accuracy.append(float((net.forward(Xt)[-1].argmax(axis=1) == yt).mean()))
            return accuracy
    else:
        from ..layers import Dense
        from ..network import Network

        def run():
            net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")],
                          loss="cross_entropy", seed=0, backend=impl)
            history = net.fit(X, y, epochs=epochs, batch_size=BATCH, optimizer="momentum", lr=0.05,
                              validation_data=(X_test, y_test), verbose=0)
            return history["val_accuracy"]        # fit read it back: the device is done

    def check(accuracy):
        assert len(accuracy) == epochs
        assert accuracy[-1] > 0.8, "{} fit: validation accuracy {:.1%} after {} epoch(s)".format(
            case.impl, accuracy[-1], epochs)

    info = _epoch_work((256, 64, 10), n * epochs)
    info["epochs"] = epochs
    return Prepared(run, check, info)


def _lstm_epoch_setup(case, impl):
    """One epoch of a character LSTM (256 hidden units) on the first LSTM_CHARS characters of
    the package's docstrings, the vocabulary from the whole text; checked: the loss went down."""
    from ..layers import Dense
    from ..recurrent import LSTM
    from ..sequence import SequenceNetwork
    whole = datasets.package_docstrings()
    vocab = datasets.Vocabulary(whole)
    X, y = datasets.next_symbol_task(vocab.encode(whole[:LSTM_CHARS + 1]))
    net = SequenceNetwork([LSTM(len(vocab), 256), Dense(256, len(vocab), "softmax")], seed=0, backend=impl)
    before = net.evaluate(X, y)["loss"]
    losses = []

    def run():
        history = net.fit(X, y, epochs=1, bptt=25, optimizer=optimizer, clip_norm=5, verbose=0)
        losses.append(history["loss"][-1])          # fit read it back: the device is done
        return losses

    from ..optim import Adam
    optimizer = Adam(lr=0.01)

    def check(result):
        assert len(result) >= 1 and math.isfinite(result[-1])
        after = net.evaluate(X, y)["loss"]
        assert after < before, "{} LSTM epoch: loss {:.3f} before, {:.3f} after".format(case.impl, before, after)

    return Prepared(run, check, {"samples": LSTM_CHARS})


def _checks_setup(case, impl):
    """What ``fit`` does with (X, y) before its first step: the checks of
    ``tinynet.checks`` and the conversion to the backend's arrays."""
    from ..layers import Dense
    from ..network import Network
    X, y, _, _ = _digits()
    net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy",
                  seed=0, backend=impl)

    def run():
        rows, _ = net._inputs(X)
        Xd = impl.array(rows)
        Td = impl.array(net._targets(y, len(rows)))
        return impl.shape(Xd), impl.shape(Td), impl.to_list(impl.take_rows(Td, [len(rows) - 1]))

    def check(result):
        assert result[:2] == ((len(X), 256), (len(X), 10)), result
        assert result[2] == [[1.0 if k == y[-1] else 0.0 for k in range(10)]], result[2]

    return Prepared(run, check, {"samples": len(X), "flops": 0})


# === Learning without labels ===============================================

RBM_ROWS = 600


def _rbm_epoch_setup(case, impl):
    """One epoch of CD-1 training of an RBM(256, 100) on RBM_ROWS digits (batch 10):
    the weights stay on the backend; the epoch's reconstruction error is read once."""
    from ..unsupervised import RBM
    X = _digits()[0][:RBM_ROWS]
    rbm = RBM(256, 100, seed=0, backend=impl)

    def run():
        history = rbm.fit(X, epochs=1, batch_size=10, lr=0.05, momentum=0.5, weight_decay=0.0002,
                          monitor_rows=1)
        return history["reconstruction_error"][-1]

    def check(error):
        # Σ (p(v¹|h⁰) − v⁰)² per digit: guessing 0.5 for each of the 256 pixels gives 64
        assert math.isfinite(error) and 0.0 < error < 64.0, "{} RBM epoch: reconstruction error {}".format(
            case.impl, error)

    per_sample = 2 * 256 * 100 * 5          # five products a sample: h⁰, v¹, h¹ and the two correlations
    return Prepared(run, check, {"samples": RBM_ROWS, "flops": per_sample * RBM_ROWS})


_SETUPS = {
    "matmul": _product_setup("matmul"),
    "matmul_nt": _product_setup("matmul_nt"),
    "matmul_tn": _product_setup("matmul_tn"),
    "matmul_nn": _product_setup("matmul_nn"),
    "dense_step": _dense_step_setup,
    "epoch_digits": _epoch_setup("digits"),
    "epoch_boston": _epoch_setup("boston"),
    "fit_demo": _fit_setup,
    "epoch_lstm": _lstm_epoch_setup,
    "conv_step": lambda case, impl: Prepared(**conv_cases.SETUPS["conv_step"](case, impl)),
    "epoch_cnn": lambda case, impl: Prepared(**conv_cases.SETUPS["epoch_cnn"](case, impl, _digits, _one_hot)),
    "fit_checks": _checks_setup,
    "rbm_epoch": _rbm_epoch_setup,
}
