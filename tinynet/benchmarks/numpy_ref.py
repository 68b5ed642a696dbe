"""The NumPy float32 reference: the same workloads written the way a NumPy user would.

Imported only by the benchmarks, and only when NumPy is installed; tinynet
itself never needs it.
"""

import math

__all__ = ["require_numpy", "NumpyMLP"]


def require_numpy():
    """The numpy module; ImportError (with a clear message) when it is absent."""
    try:
        import numpy
    except ImportError as error:
        raise ImportError("numpy is not installed (pip install numpy): the ref-numpy rows "
                          "are left out") from error
    return numpy


class NumpyMLP:
    """A float32 MLP (sigmoid hidden layers; softmax + cross-entropy or linear + ½Σ(a−t)²)."""

    def __init__(self, sizes, output="softmax", seed=0):
        np = self.np = require_numpy()
        rng = np.random.default_rng(seed)
        self.output = output
        self.W, self.b, self.vW, self.vb = [], [], [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            limit = math.sqrt(6.0 / (n_in + n_out))
            self.W.append(rng.uniform(-limit, limit, (n_out, n_in)).astype(np.float32))
            self.b.append(np.zeros(n_out, np.float32))
            self.vW.append(np.zeros((n_out, n_in), np.float32))
            self.vb.append(np.zeros(n_out, np.float32))

    def forward(self, X):
        np = self.np
        acts = [X]
        for index, (W, b) in enumerate(zip(self.W, self.b)):
            Z = acts[-1] @ W.T + b
            if index < len(self.W) - 1:
                A = 1.0 / (1.0 + np.exp(-Z))
            elif self.output == "softmax":
                E = np.exp(Z - Z.max(axis=1, keepdims=True))
                A = E / E.sum(axis=1, keepdims=True)
            else:
                A = Z
            acts.append(A)
        return acts

    def loss(self, A, T):
        np = self.np
        if self.output == "softmax":
            return float(-(T * np.log(np.maximum(A, 1e-30))).sum())
        return float(0.5 * ((A - T) ** 2).sum())

    def step(self, X, T, lr, mu):
        """One momentum step on a batch; returns the batch's summed loss."""
        acts = self.forward(X)
        m = X.shape[0]
        delta = acts[-1] - T
        loss = self.loss(acts[-1], T)
        for index in range(len(self.W) - 1, -1, -1):
            dW = delta.T @ acts[index] / m
            db = delta.sum(axis=0) / m
            if index > 0:
                A = acts[index]
                delta = (delta @ self.W[index]) * A * (1.0 - A)
            self.vW[index] *= mu
            self.vW[index] -= lr * dW
            self.W[index] += self.vW[index]
            self.vb[index] *= mu
            self.vb[index] -= lr * db
            self.b[index] += self.vb[index]
        return loss

    def train_epoch(self, X, T, lr, mu=0.9, batch_size=32, order=None):
        """One pass in mini-batches; returns the mean loss."""
        np = self.np
        order = np.arange(len(X)) if order is None else np.asarray(order)
        total = 0.0
        for start in range(0, len(order), batch_size):
            index = order[start:start + batch_size]
            total += self.step(X[index], T[index], lr, mu)
        return total / len(order)

    def mean_loss(self, X, T):
        return self.loss(self.forward(X)[-1], T) / len(X)


# === One BLAS thread ========================================================

def _blas_thread_functions():
    """(get, set) of the number of threads of the OpenBLAS that NumPy loaded.

    Found by its exported names (as threadpoolctl does) in the shared
    libraries mapped into this process; None where NumPy uses another BLAS
    or the names cannot be found.
    """
    import ctypes
    require_numpy()
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps
                            if len(line.split()) >= 6 and "openblas" in line.split()[-1].lower()})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, prefix + "_get_num_threads" + suffix, None)
                set_ = getattr(lib, prefix + "_set_num_threads" + suffix, None)
                if get is not None and set_ is not None:
                    return get, set_
    return None


_BLAS = []


def one_blas_thread():
    """A function that runs ``f()`` with NumPy's BLAS on one thread: ``run(f)``.

    Raises ImportError (the reason) where the BLAS's thread count cannot be set.
    """
    if not _BLAS:
        _BLAS.append(_blas_thread_functions())
    functions = _BLAS[0]
    if functions is None:
        raise ImportError("cannot set NumPy's BLAS to one thread here (not OpenBLAS, or its "
                          "thread functions are not exported): the ref-numpy-1t rows are left out")
    get, set_ = functions

    def run(f):
        before = get()
        set_(1)
        try:
            return f()
        finally:
            set_(before)
    return run
