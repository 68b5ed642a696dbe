"""Timings of the OpenCL backend next to numpy float32: ``python -m tinynet_opencl.bench``.

Two measurements, each the best of several repeats (the machine may be busy):

* matmul, n = 512: GFLOP/s of the blocked ``matmul``, ``matmul_nt``,
  ``matmul_tn`` and the naive reference kernel, and of numpy's ``@`` with 1
  and with 2 BLAS threads (each in a subprocess, so the thread count holds);
* one epoch of the digits MLP (256 -> 64 sigmoid -> 10 softmax, batch 32,
  1600 samples, plain SGD) written against the seam, everything on the
  device and the loss read once per epoch; the same epoch in numpy float32;
  and the kernel launches per training batch;
* the same network trained by ``Network.fit`` on 1600 real USPS digits, on
  this backend and on the Python backend.

The data are random (timings do not depend on the values).  Nothing here is
asserted: the test suite checks correctness, this prints numbers.
"""

import json
import os
import random
import subprocess
import sys
import time

__all__ = ["matmul_gflops", "epoch_seconds", "numpy_numbers", "main"]

N_MATMUL = 512
SIZES = (256, 64, 10)
SAMPLES, BATCH = 1600, 32


def _best(run, repeats, inner):
    """Best seconds per call of `run` (which does `inner` calls and waits)."""
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, (time.perf_counter() - start) / inner)
    return best


def _data(seed=0):
    rng = random.Random(seed)
    X = [[rng.random() for _ in range(SIZES[0])] for _ in range(SAMPLES)]
    labels = [rng.randrange(SIZES[-1]) for _ in range(SAMPLES)]
    T = [[1.0 if j == y else 0.0 for j in range(SIZES[-1])] for y in labels]
    W1 = [[rng.gauss(0, 0.06) for _ in range(SIZES[0])] for _ in range(SIZES[1])]
    W2 = [[rng.gauss(0, 0.12) for _ in range(SIZES[1])] for _ in range(SIZES[2])]
    return X, T, W1, W2


def _batches(epoch):
    order = list(range(SAMPLES))
    random.Random(epoch).shuffle(order)
    return [order[i:i + BATCH] for i in range(0, SAMPLES, BATCH)]


def matmul_gflops(backend, n=N_MATMUL, repeats=5):
    """{name: GFLOP/s} of the backend's products on n x n matrices."""
    import numpy as np
    rng = np.random.default_rng(0)
    A = backend.array(rng.standard_normal((n, n)))
    B = backend.array(rng.standard_normal((n, n)))
    flops = 2.0 * n ** 3
    out = {}
    for name in ("matmul", "matmul_nt", "matmul_tn", "matmul_naive"):
        op = getattr(backend, name)
        inner = 1 if name == "matmul_naive" else 10

        def run():
            for _ in range(inner):
                op(A, B)
            backend.finish()
        out[name] = flops / _best(run, repeats if inner > 1 else 2, inner) / 1e9
    return out


def train_epoch(B, X, T, params, epoch, lr=0.5):
    """One epoch of mini-batch SGD through the seam; returns the loss sum (one read)."""
    W1, b1, W2, b2 = params
    acc = B.accumulator()
    for batch in _batches(epoch):
        x, t = B.take_rows(X, batch), B.take_rows(T, batch)
        Z1, A1 = B.dense_forward(x, W1, b1, "sigmoid")
        Z2, A2 = B.dense_forward(A1, W2, b2, "softmax")
        D2 = B.softmax_cross_entropy(Z2, A2, t, acc)
        dW2, db2 = B.dense_grads(D2, A1)
        D1 = B.backprop_delta(D2, W2, Z1, A1, "sigmoid")
        dW1, db1 = B.dense_grads(D1, x)
        B.sgd_steps([(W1, dW1, 0.0, 0.0), (b1, db1, 0.0, 0.0), (W2, dW2, 0.0, 0.0),
                     (b2, db2, 0.0, 0.0)], lr)
    return B.read(acc)


def fit_epoch_seconds(backend, epochs=6, repeats=3):
    """(seconds per epoch, launches per batch, accuracy) of ``Network.fit`` on
    1600 USPS digits: the real training loop.

    ``fit`` checks and uploads its data once per call (hundreds of ms here),
    so an epoch is timed as the difference between fits of ``epochs`` and
    of 1 epoch, divided by ``epochs - 1``.
    """
    from tinynet import Dense, Network
    from tinynet.datasets import load_digits16
    data = load_digits16()
    X, y = data.X[:SAMPLES], data.y[:SAMPLES]
    net = Network([Dense(SIZES[0], SIZES[1], "sigmoid"), Dense(SIZES[1], SIZES[2], "softmax")],
                  loss="cross_entropy", seed=0, backend=backend)
    B = net.backend
    history = []

    def fit(n):
        start = time.perf_counter()
        history.append(net.fit(X, y, epochs=n, batch_size=BATCH, lr=0.5, verbose=0))
        return time.perf_counter() - start
    fit(1)
    best = float("inf")
    for _ in range(repeats):
        one = fit(1)
        before = getattr(B, "launches", 0)
        many = fit(epochs)
        launches = getattr(B, "launches", 0) - before
        best = min(best, (many - one) / (epochs - 1))
    per_batch = launches / (epochs * (SAMPLES // BATCH))
    return best, per_batch, history[-1]["accuracy"][-1]


def epoch_seconds(B, repeats=5):
    """(best seconds per epoch, kernel launches per batch, losses) on backend B."""
    X, T, W1, W2 = _data()
    Xd, Td = B.array(X), B.array(T)
    params = [B.array(W1), B.zeros(1, SIZES[1]), B.array(W2), B.zeros(1, SIZES[2])]
    losses = [train_epoch(B, Xd, Td, params, 0)]
    before = B.launches
    losses.append(train_epoch(B, Xd, Td, params, 1))
    per_batch = (B.launches - before) / (SAMPLES // BATCH)
    epochs = [2]

    def run():
        losses.append(train_epoch(B, Xd, Td, params, epochs[0]))
        epochs[0] += 1
    return _best(run, repeats, 1), per_batch, losses


def _numpy_epoch_seconds(repeats=5):
    """The same epoch in numpy float32 (the same math, as a fair baseline)."""
    import numpy as np
    X, T, W1, W2 = _data()
    X, T = np.array(X, np.float32), np.array(T, np.float32)
    W1, W2 = np.array(W1, np.float32), np.array(W2, np.float32)
    b1, b2 = np.zeros(SIZES[1], np.float32), np.zeros(SIZES[2], np.float32)
    lr = np.float32(0.5)

    def epoch(e):
        total = 0.0
        for batch in _batches(e):
            x, t = X[batch], T[batch]
            a1 = 0.5 + 0.5 * np.tanh(0.5 * (x @ W1.T + b1))
            z2 = a1 @ W2.T + b2
            e2 = np.exp(z2 - z2.max(axis=1, keepdims=True))
            a2 = e2 / e2.sum(axis=1, keepdims=True)
            total += float(-(t * np.log(a2 + 1e-30)).sum())
            d2 = a2 - t
            m = np.float32(1.0 / len(batch))
            dW2, db2 = m * (d2.T @ a1), m * d2.sum(axis=0)
            d1 = (d2 @ W2) * a1 * (1 - a1)
            dW1, db1 = m * (d1.T @ x), m * d1.sum(axis=0)
            W1[...] -= lr * dW1           # in place, like the seam's steps
            b1[...] -= lr * db1
            W2[...] -= lr * dW2
            b2[...] -= lr * db2
        return total
    counter = [0]

    def run():
        epoch(counter[0])
        counter[0] += 1
    return _best(run, repeats, 1)


def _numpy_matmul_gflops(n=N_MATMUL, repeats=5):
    import numpy as np
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n)).astype(np.float32)
    B = rng.standard_normal((n, n)).astype(np.float32)

    def run():
        for _ in range(10):
            A @ B
    return 2.0 * n ** 3 / _best(run, repeats, 10) / 1e9


def numpy_numbers(threads):
    """numpy's matmul GFLOP/s and epoch seconds with `threads` BLAS threads."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-m", "tinynet_opencl.bench", "--numpy-only"],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--numpy-only" in argv:
        print(json.dumps({"matmul": _numpy_matmul_gflops(), "epoch": _numpy_epoch_seconds()}))
        return
    from tinynet_opencl import OpenCLBackend
    B = OpenCLBackend()
    print(B.describe())
    try:
        print("load average: {:.2f} {:.2f} {:.2f} (other processes slow every number here)".format(
            *os.getloadavg()))
    except OSError:
        pass
    np1, np2 = numpy_numbers(1), numpy_numbers(2)
    gf = matmul_gflops(B)
    print("matmul n={}: ".format(N_MATMUL) + ", ".join(
        "{} {:.1f}".format(k, v) for k, v in gf.items()) + " GFLOP/s")
    print("numpy float32 n={}: 1 thread {:.1f}, 2 threads {:.1f} GFLOP/s".format(
        N_MATMUL, np1["matmul"], np2["matmul"]))
    seconds, per_batch, losses = epoch_seconds(B)
    print("digits MLP epoch (256-64-10, batch {}, {} samples): opencl {:.2f} ms, "
          "{:.0f} launches per batch; numpy float32 1 thread {:.2f} ms, 2 threads {:.2f} ms; "
          "speed-up vs numpy (best) {:.2f}x".format(
              BATCH, SAMPLES, seconds * 1e3, per_batch, np1["epoch"] * 1e3, np2["epoch"] * 1e3,
              min(np1["epoch"], np2["epoch"]) / seconds))
    print("epoch losses (should fall): " + ", ".join("{:.1f}".format(x) for x in losses[:4]))
    seconds, per_batch, accuracy = fit_epoch_seconds(B)
    py_seconds, _, py_accuracy = fit_epoch_seconds("python", epochs=2, repeats=1)
    print("Network.fit on 1600 USPS digits (same net): opencl {:.2f} ms per epoch, ~{:.1f} "
          "launches per batch (with fit's uploads and per-epoch reads), training accuracy {:.3f}; "
          "python backend {:.0f} ms per epoch, accuracy {:.3f}".format(
              seconds * 1e3, per_batch, accuracy, py_seconds * 1e3, py_accuracy))


if __name__ == "__main__":
    main()
