"""The pure-Python convolution's speed per multiply-add, next to a Dense layer's products.

Each workload is one layer's training work on a batch of 32, on the python
backend; its multiply-adds are those of its matrix products:

=========  ===================================================================
``dense``  Dense 256 → 64 sigmoid: forward (a·Wᵀ), backward (δᵀ·a, Σδ) and the
           input gradient δ·W: 3 · 32·256·64 multiply-adds
``conv1``  the digits CNN's first layer, Conv2D 1 → 8, 3×3, padding 1, relu, on
           16×16: forward, g', backward (dW, db); it has no input gradient:
           2 · 32·256·8·9
``conv2``  its second, Conv2D 8 → 16, 3×3, padding 1, relu, on 8×8: forward,
           g', backward and the input gradient (δ·W and the scatter):
           3 · 32·64·16·72
=========  ===================================================================

and the first layer piece by piece: ``conv1-forward`` (``conv_forward``:
gather, product, relu, per-sample rows), ``conv1-grads`` (``conv_grads``: dW
and db from δ), and, on D as (m·P, C_out) rows, ``conv1-dW``
(``matmul_tn``) and ``conv1-db`` (``sum_rows``); the multiply-adds of each
piece: the forward product's and dW's, 32·256·8·9; db's adds, 32·256·8.
``conv1+conv2`` is both layers together, by their multiply-adds.

Time, in turn (each round times every workload once, the best of
``--calls`` calls, with ``time.process_time``; the table has each
workload's best round, and the rate against ``dense`` in the same round,
as a median over the rounds)::

    python tests/benchmarks/conv_rate.py time --rounds 9

Instructions (valgrind's callgrind: noise-free), by difference of a run
with 0 and one with N calls of each workload, both started by this script
(use a real interpreter binary, e.g. ~/.pyenv/versions/3.11.7/bin/python,
not a shell shim; it re-runs ``sys.executable``)::

    python tests/benchmarks/conv_rate.py callgrind --calls 3

``python tests/benchmarks/conv_rate.py run WORKLOAD N`` is the workload
callgrind counts: N calls of it after the setup.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tinynet.conv import Conv2D  # noqa: E402
from tinynet.layers import Dense, Layer  # noqa: E402
from tinynet.python_backend import PythonBackend  # noqa: E402

BATCH = 32
WORKLOADS = ("dense", "conv1", "conv2", "conv1-forward", "conv1-grads", "conv1-dW", "conv1-db")
BOTH = "conv1+conv2"                                     # both layers, by their multiply-adds


def _random(rows, cols, rng, low=-1.0):
    return [[rng.uniform(low, 1.0) for _ in range(cols)] for _ in range(rows)]


def _conv(B, c_in, c_out, side, layout):
    rng = random.Random(c_in)
    layer = Conv2D(c_in, c_out, 3, padding=1, activation="relu")
    if layout == "chw":
        layer.input_shape = (c_in, side, side)
        layer.connect(None, None)
    else:
        layer.connect((c_in, side, side), None)          # after another image layer: "hwc"
    layer.build(B, rng)
    X = B.array(_random(BATCH, c_in * side * side, rng, low=0.0))
    G = B.array(_random(BATCH, layer.n_out, rng))        # ∂E/∂a
    return layer, X, G


def _dense(B):
    rng = random.Random(0)
    dense = Dense(256, 64, "sigmoid")
    dense.build(B, rng)
    X = B.array(_random(BATCH, 256, rng, low=0.0))
    G = B.array(_random(BATCH, 64, rng))

    def run():
        dense.forward(X, training=True)
        delta = dense.delta_from_grad(G)
        dense.backward(delta)
        return B.matmul(delta, dense.W)                  # δ·W, the input gradient's product
    return run, 3 * BATCH * 256 * 64


def _conv1(B, piece=None):
    layer, X, G = _conv(B, 1, 8, 16, "chw")
    products = BATCH * 256 * 8 * 9

    def run():
        layer.forward(X, training=True)
        layer.backward(layer.delta_from_grad(G))
    if piece is None:
        return run, 2 * products
    run()                                                # the layer's state, for the pieces
    m = BATCH
    D = B.reshape(layer.delta, m * 256, 8)                # (m·P, C_out)
    if piece == "forward":
        return (lambda: layer.forward(X, training=True)), products
    if piece == "grads":                                 # dW and db, from delta
        return (lambda: B.conv_grads(layer.delta, layer.patches, 8)), products
    if piece == "dW":
        return (lambda: B.matmul_tn(D, layer.patches, 1.0 / m)), products
    return (lambda: B.sum_rows(D, 1.0 / m)), m * 256 * 8     # db: adds


def _conv2(B):
    layer, X, G = _conv(B, 8, 16, 8, "hwc")
    sink = Layer()

    def run():
        layer.forward(X, training=True)
        delta = layer.delta_from_grad(G)
        layer.backward(delta)
        return layer.delta_below(delta, sink)
    return run, 3 * BATCH * 64 * 16 * 72


def setup(B, name):
    """(run, multiply-adds) of a workload: each run is one call of it."""
    if name == "dense":
        return _dense(B)
    if name == "conv2":
        return _conv2(B)
    return _conv1(B, name.partition("-")[2] or None)


def time_in_turn(rounds, calls):
    B = PythonBackend()
    work = {name: setup(B, name) for name in WORKLOADS}
    best = {name: [] for name in WORKLOADS}
    clock = time.process_time
    for _ in range(rounds):
        for name in WORKLOADS:
            run, _ = work[name]
            run()                                        # warm: the round starts it cold
            times = []
            for _ in range(calls):
                start = clock()
                run()
                times.append(clock() - start)
            best[name].append(min(times))
    print("ns of CPU time per multiply-add, batch {}, {} rounds, each the best of {} calls; "
          "load average {:.1f}".format(BATCH, rounds, calls, os.getloadavg()[0]))
    print("{:<14} {:>10} {:>22}".format("workload", "ns/MAC", "rate against dense"))
    dense_ns = [t / work["dense"][1] * 1e9 for t in best["dense"]]
    both = BOTH
    best[both] = [t1 + t2 for t1, t2 in zip(best["conv1"], best["conv2"])]
    work[both] = (None, work["conv1"][1] + work["conv2"][1])
    for name in WORKLOADS + (both,):
        ns = [t / work[name][1] * 1e9 for t in best[name]]
        ratios = [d / n for d, n in zip(dense_ns, ns)]
        print("{:<14} {:>10.1f} {:>8.0%} ({:.0%}–{:.0%})".format(
            name, min(ns), statistics.median(ratios), min(ratios), max(ratios)))


def _collected(path):
    with open(path) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError("no totals in " + path)


def count(calls, names):
    B = PythonBackend()
    work = {name: setup(B, name) for name in names}
    script = os.path.abspath(__file__)
    print("instructions per multiply-add (callgrind, {} calls minus 0, {})".format(
        calls, sys.executable))
    totals = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            for n in (0, calls):
                out = os.path.join(folder, "cg.{}.{}".format(name, n))
                subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                                sys.executable, script, "run", name, str(n)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                totals[name, n] = _collected(out)
            per = (totals[name, calls] - totals[name, 0]) / calls / work[name][1]
            totals[name] = per
            line = "{:<14} {:>8.1f}".format(name, per)
            if "dense" in totals:
                line += "   {:.0%} of dense's rate".format(totals["dense"] / per)
            print(line, flush=True)
    if "conv1" in names and "conv2" in names:
        n1, n2 = work["conv1"][1], work["conv2"][1]
        per = (totals["conv1"] * n1 + totals["conv2"] * n2) / (n1 + n2)
        print("{:<14} {:>8.1f}   {:.0%} of dense's rate".format(BOTH, per, totals["dense"] / per))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("time")
    t.add_argument("--rounds", type=int, default=9)
    t.add_argument("--calls", type=int, default=3)
    c = sub.add_parser("callgrind")
    c.add_argument("--calls", type=int, default=5)
    c.add_argument("--workloads", default=",".join(WORKLOADS))
    r = sub.add_parser("run")
    r.add_argument("workload", choices=WORKLOADS)
    r.add_argument("calls", type=int)
    args = parser.parse_args(argv)
    if args.mode == "time":
        time_in_turn(args.rounds, args.calls)
    elif args.mode == "callgrind":
        names = [n for n in args.workloads.split(",") if n]
        if "dense" in names:
            names.remove("dense")
        count(args.calls, ["dense"] + names)
    else:
        run, _ = setup(PythonBackend(), args.workload)
        for _ in range(args.calls):
            run()


if __name__ == "__main__":
    main()
