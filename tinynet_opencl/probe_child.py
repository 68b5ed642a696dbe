"""The probe's child process: build the kernels with one block shape, launch
every kernel family once, and check the results against the Python backend.

Run by ``probe`` as ``python -m tinynet_opencl.probe_child P:D DTYPE NAME
VW,BR,NTR,NTC``.  Before each family it writes ``probe: running FAMILY`` to
stderr, so that when the driver kills the process the parent knows where.  It
ends by printing one JSON line (``{"ok": true, ...}``) and exit status 0; a
wrong result is exit status 3, a Python error 2, a driver abort whatever
signal killed it.

The families, in order: ``build`` (compiling the program), ``products``,
``dense``, ``elementwise``, ``losses``, ``optimisers``, ``randomness`` and
``training`` (three small networks fitted: captured steps, the fused output
step, the first layer's transposed weights).

``TINYNET_OPENCL_PROBE_ABORT`` (a test switch): a comma-separated list of
``FAMILY`` or ``FAMILY:SHAPE`` ("products", "products:cpu8", "all:gpu");
the child calls ``os.abort()`` before that family, as a crashing driver would.
"""

import json
import os
import sys
import time

FAMILIES = ("build", "products", "dense", "elementwise", "losses", "optimisers", "randomness",
            "gathers", "recurrent", "unsupervised", "training")


def _say(text):
    sys.stderr.write("probe: " + text + "\n")
    sys.stderr.flush()


def _maybe_abort(family, shape):
    for item in os.environ.get("TINYNET_OPENCL_PROBE_ABORT", "").split(","):
        what, _, where = item.strip().partition(":")
        if what in (family, "all") and where in ("", shape):
            _say("aborting ({} blocks), as TINYNET_OPENCL_PROBE_ABORT asks".format(shape))
            os.abort()


class WrongResult(Exception):
    pass


def _flat(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _flat(item)
    else:
        yield float(x)


def _check(what, got, want, rel, abs_):
    got, want = list(_flat(got)), list(_flat(want))
    if len(got) != len(want):
        raise WrongResult("{}: {} entries, expected {}".format(what, len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        if not abs(g - w) <= abs_ + rel * abs(w):        # also catches NaN
            raise WrongResult("{}: entry {} is {!r}, expected {!r}".format(what, i, g, w))


def _matrix(rows, cols, seed):
    # a small linear congruential generator: the same numbers on every machine
    state, out = seed * 7919 + 17, []
    for _ in range(rows):
        row = []
        for _ in range(cols):
            state = (state * 1103515245 + 12345) % 2**31
            row.append(state / 2**30 - 1.0)
        out.append(row)
    return out


# === The families ============================================================
# Each takes (B, P, same): the OpenCL and Python backends, and a check that
# runs the same call on both (by name, with lists turned into each backend's
# matrices) and compares what comes back.

def products(B, P, same):
    A, Bm = _matrix(37, 70, 1), _matrix(70, 45, 2)
    for packing in ("never", "always"):
        B.packing = packing
        same("matmul (packing {})".format(packing), "matmul", A, Bm)
    B.packing = "auto"
    same("matmul_nt", "matmul_nt", A, _matrix(45, 70, 3))
    same("matmul_tn", "matmul_tn", _matrix(70, 37, 4), Bm, 0.5)
    naive = B.to_list(B.matmul_naive(B.array(A), B.array(Bm)))
    _check("matmul_naive", naive, P.matmul(A, Bm), 1e-4, 1e-4)


def dense(B, P, same):
    A, b = _matrix(9, 20, 5), _matrix(1, 13, 6)
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"):
        same("dense_forward " + name, "dense_forward", A, _matrix(13, 20, 7), b, name)
    same("dense_forward softmax, 70 wide", "dense_forward", A, _matrix(70, 20, 8),
         _matrix(1, 70, 9), "softmax")
    same("backprop_delta", "backprop_delta", _matrix(9, 5, 10), _matrix(5, 13, 11),
         _matrix(9, 13, 12), _matrix(9, 13, 13), "tanh")
    same("dense_grads", "dense_grads", _matrix(9, 13, 14), A)


def elementwise(B, P, same):
    X, Y = _matrix(11, 19, 15), _matrix(11, 19, 16)
    for name in ("add", "sub", "mul", "less"):
        same(name, name, X, Y)
    same("scale", "scale", X, 0.25)
    same("add_row", "add_row", X, _matrix(1, 19, 17))
    same("sum_rows", "sum_rows", X, 0.5)
    same("take_rows", "take_rows", X, [3, 0, 10, 3])
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"):
        same("activation " + name, "activation", name, X)
        same("activation_grad " + name, "activation_grad", name, X, Y, _matrix(11, 19, 18))
    _check("argmax_rows", B.argmax_rows(B.array(X)), P.argmax_rows(X), 0, 0)


def losses(B, P, same):
    Z = _matrix(12, 5, 19)
    T = [[1.0 if j == (i * 3) % 5 else 0.0 for j in range(5)] for i in range(12)]
    for backend, out in ((B, []), (P, [])):
        acc, right = backend.accumulator(), backend.accumulator()
        z, t = backend.array(Z), backend.array(T)
        soft = backend.activation("softmax", z)
        sig = backend.activation("sigmoid", z)
        out.append(backend.to_list(backend.squared_error(z, t, acc)))
        out.append(backend.to_list(backend.softmax_cross_entropy(z, soft, t, acc, right)))
        out.append(backend.to_list(backend.logistic_loss(z, sig, t, acc, right)))
        backend.count_correct(soft, t, right)
        out.append([backend.read(acc), backend.read(right)])
        if backend is B:
            got = out
        else:
            want = out
    _check("losses", got, want, 1e-4, 1e-4)


def optimisers(B, P, same):
    def run(backend):
        W, G = backend.array(_matrix(7, 9, 20)), backend.array(_matrix(7, 9, 21))
        V, M, S = backend.zeros(7, 9), backend.zeros(7, 9), backend.zeros(7, 9)
        backend.sgd_step(W, G, 0.1, 0.01, 0.001)
        backend.momentum_step(W, V, G, 0.1, 0.9, 0.01, 0.0)
        backend.adam_step(W, M, S, G, 0.01, 0.9, 0.999, 1e-8, 1, 0.0, 0.001)
        backend.sgd_steps([(W, G, 0.0, 0.0)], 0.05)
        backend.momentum_steps([(W, V, G, 0.0, 0.0)], 0.05, 0.5)
        backend.adam_steps([(W, M, S, G, 0.0, 0.0)], 0.01, 0.9, 0.999, 1e-8, 2)
        return backend.to_list(W)
    _check("optimiser steps", run(B), run(P), 1e-4, 1e-5)


def randomness(B, P, same):
    _check("uniform", B.to_list(B.uniform(9, 31, 7, 11)), P.uniform(9, 31, 7, 11), 1e-6, 1e-7)
    mask = B.to_list(B.dropout_mask(9, 31, 0.3, 5, 2))
    want = P.dropout_mask(9, 31, 0.3, 5, 2)
    _check("dropout_mask", [[x > 0 for x in row] for row in mask],
           [[x > 0 for x in row] for row in want], 0, 0)
    Pr = [[(i * 31 + j) % 8 / 8.0 for j in range(31)] for i in range(9)]
    _check("bernoulli", B.to_list(B.bernoulli(B.array(Pr), 3, 4)), P.bernoulli(Pr, 3, 4), 0, 0)


def gathers(B, P, same):
    """The receptive-field kernels (Conv2D, pooling): windows, their adjoint, the max gate."""
    from tinynet.patches import conv_table, pool_table
    for table, k, n in ((conv_table((2, 5, 5), 3, 1, 1), 18, 50), (pool_table((3, 4, 4), 2), 4, 48)):
        TB, TP = B.patch_table(table, k, n), P.patch_table(table, k, n)
        X = _matrix(3, n, 30 + k)
        rows = len(table) // k * 3
        _check("gather_patches", B.to_list(B.gather_patches(B.array(X), TB)),
               P.gather_patches(X, TP), 1e-4, 1e-4)
        G = _matrix(rows, k, 31 + k)
        _check("scatter_patches", B.to_list(B.scatter_patches(B.array(G), TB)),
               P.scatter_patches(G, TP), 1e-4, 1e-4)
        (A, Arg), (A_p, Arg_p) = B.max_pool(B.array(X), TB), P.max_pool(X, TP)
        _check("max_pool", B.to_list(A), A_p, 1e-4, 1e-4)
        G = _matrix(3, len(table) // k, 32 + k)
        _check("max_pool_grad", B.to_list(B.max_pool_grad(B.array(G), Arg, TB)),
               P.max_pool_grad(G, Arg_p, TP), 1e-4, 1e-4)


def recurrent(B, P, same):
    """What recurrent layers add: a gradient's squared length (for clipping), rows stacked and split."""
    X, Y = _matrix(7, 13, 40), _matrix(5, 13, 41)
    acc_b, acc_p = B.accumulator(), P.accumulator()
    B.sum_squares(B.array(X), acc_b)
    P.sum_squares(X, acc_p)
    _check("sum_squares", [B.read(acc_b)], [P.read(acc_p)], 1e-4, 1e-4)
    stacked = B.stack_rows([B.array(X), B.array(Y)])
    _check("stack_rows", B.to_list(stacked), P.stack_rows([X, Y]), 1e-4, 1e-4)
    _check("split_rows", [B.to_list(M) for M in B.split_rows(B.array(X + X), 2)],
           P.split_rows(X + X, 2), 1e-4, 1e-4)


def unsupervised(B, P, same):
    """The sparsity penalty of a code (autoencoders): its value and gradient, both forms."""
    A = [[0.02 + 0.96 * (x + 1.0) / 2.0 for x in row] for row in _matrix(9, 11, 50)]
    for kind in ("kl", "l1"):
        acc_b, acc_p = B.accumulator(), P.accumulator()
        got = B.to_list(B.sparsity(B.array(A), kind, 0.05, 3.0, acc_b))
        _check("sparsity " + kind, got, P.sparsity(A, kind, 0.05, 3.0, acc_p), 1e-3, 1e-3)
        _check("sparsity " + kind + " value", [B.read(acc_b)], [P.read(acc_p)], 1e-3, 1e-3)


def training(B, P, same):
    from tinynet import Dense, Dropout, Network
    X = _matrix(48, 6, 22)
    classes = [[1.0 if j == i % 4 else 0.0 for j in range(4)] for i in range(48)]
    ones = [[1.0 if x[0] > 0 else 0.0] for x in X]
    targets = [[x[0] * 0.5 - x[1], x[2]] for x in X]
    nets = [
        (lambda: [Dense(6, 16, "relu"), Dropout(0.25), Dense(16, 4, "softmax")],
         "cross_entropy", classes, "momentum"),
        (lambda: [Dense(6, 8, "tanh"), Dense(8, 1, "sigmoid")], "logistic", ones, "adam"),
        (lambda: [Dense(6, 5, "sigmoid"), Dense(5, 2, "linear")], "squared_error", targets, "sgd"),
    ]
    for layers, loss, y, optimizer in nets:
        weights = []
        for backend in (B, P):
            net = Network(layers(), loss=loss, seed=1, backend=backend)
            net.fit(X, y, epochs=3, batch_size=8, optimizer=optimizer, lr=0.05, verbose=False)
            weights.append(net.get_weights())
        _check("fit, {} and {}".format(loss, optimizer), weights[0], weights[1], 1e-3, 1e-4)


def main(argv):
    index, dtype, shape, tiles = argv
    _say("running build ({} blocks {}, {}, device {})".format(shape, tiles, dtype, index))
    _maybe_abort("build", shape)
    from tinynet.python_backend import PythonBackend
    from tinynet_opencl.backend import OpenCLBackend
    from tinynet_opencl.programs import KERNEL_NAMES, Tiles
    start = time.perf_counter()
    B = OpenCLBackend(device=index, dtype=dtype, tiles=Tiles(*(int(n) for n in tiles.split(","))))
    P = PythonBackend()
    launched = set()
    launch = B._launch

    def counting(name, *args):
        launched.add(name)
        return launch(name, *args)
    B._launch = counting
    rel = 1e-4 if dtype == "float32" else 1e-9

    def same(what, op, *args):
        on_device = [B.array(a) if isinstance(a, list) and a and isinstance(a[0], list) else a
                     for a in args]
        got, want = getattr(B, op)(*on_device), getattr(P, op)(*args)
        if isinstance(got, tuple):
            got, want = [B.to_list(g) for g in got], list(want)
        else:
            got = B.to_list(got)
        _check(what, got, want, rel, rel)

    for family in FAMILIES[1:]:
        _say("running " + family)
        _maybe_abort(family, shape)
        try:
            globals()[family](B, P, same)
        except WrongResult as error:
            _say("wrong result in {}: {}".format(family, error))
            return 3
    B.finish()
    print(json.dumps({"ok": True, "launched": len(launched), "kernels": len(KERNEL_NAMES),
                      "not_launched": sorted(set(KERNEL_NAMES) - launched),
                      "child_seconds": round(time.perf_counter() - start, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
