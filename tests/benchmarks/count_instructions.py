"""Instructions per training sample of the pure-Python backend, for callgrind.

Wall time on a shared machine moves ±30%; instruction counts do not. Run

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.0 python tests/benchmarks/count_instructions.py 0
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.2 python tests/benchmarks/count_instructions.py 2

and divide the difference of the two "Collected" totals by 2 × 1600: the
instructions of one training sample (forward, backward and momentum update)
of the digits MLP 256 → 64 sigmoid → 10 softmax, batch 32. Use the
interpreter's real binary, not a shell shim (e.g. ~/.pyenv/versions/3.11.7/bin/python).
Measured on 2026-11-23 with CPython 3.11.7: 873,310,975 and 40,455,915,332,
12.37 M per sample (target ≤ 12.5 M), since each dot product's ``sum`` starts
from 0.0 (from the int 0, sum() first adds int + float: 12.53 M earlier that day,
872,518,400 and 40,952,746,872); 12.64 M the day before, when the dot
products of ``_dots`` ran in a list comprehension (12.55 M with them in map)
and the momentum step added p + v in one too. With plain SGD (lr 0.1), as
this workload trained before 2026-11-22, it was 12.39 M (with the older dot
products): the momentum update costs about 0.25 M per sample.

A second argument runs the same workload (the same data, 1600 samples an
epoch in order, batch 32) on a per-neuron reference instead: ``naive``
(tinynet.benchmarks.naive, ``ref-naive``) or ``tutorial``
(tinynet.benchmarks.tutorial, ``ref-tutorial``); ``tinynet`` is the default:

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.t0 python tests/benchmarks/count_instructions.py 0 tutorial
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.t2 python tests/benchmarks/count_instructions.py 2 tutorial

Every implementation trains as in the benchmark, with momentum (lr 0.1, μ 0.9).

The count depends on the interpreter's build, not only its version: with
Debian's CPython 3.11.2 (/usr/bin/python3.11, the interpreter linked in, not
through a shared libpython as pyenv's is), at N = 0 and 1 on 2026-11-23, tinynet 680,137,293 and
17,150,641,086 (10.29 M per sample) and tutorial 521,287,279 and
35,818,124,070 (22.06 M): 2.14× fewer, against 1.92× with pyenv's 3.11.7.

Measured on 2026-11-22 with CPython 3.11.7 (Collected at N = 0 and N = 2):
tutorial 660,979,787 and 76,798,750,563: 23.79 M per sample (the core issue
reports ~23.3 M for typical tutorial code); naive 666,700,159 and
59,282,572,477: 18.32 M per sample.
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tinynet import Dense, Momentum, Network  # noqa: E402

IMPLS = ("tinynet", "naive", "tutorial")


def data():
    """1600 random 0/1 "images" of 256 pixels and their labels (the same for every impl)."""
    rng = random.Random(0)
    X = [[float(rng.random() < 0.25) for _ in range(256)] for _ in range(1600)]
    y = [rng.randrange(10) for _ in range(1600)]
    return X, y


def main(epochs, impl="tinynet"):
    X, y = data()
    if impl == "tinynet":
        net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy", seed=0)
        B = net.backend
        Xd, Td = B.array(X), B.array(net._targets(y, len(y)))
        optimizer = Momentum(lr=0.1, mu=0.9)          # as the references train
        for _ in range(epochs):
            loss, correct = B.accumulator(), B.accumulator()
            for start in range(0, len(X), 32):
                index = list(range(start, start + 32))
                net.train_step(B.take_rows(Xd, index), B.take_rows(Td, index), optimizer, loss, correct)
        return
    if impl == "naive":
        from tinynet.benchmarks.naive import NaiveNetwork as PerNeuron
    elif impl == "tutorial":
        from tinynet.benchmarks.tutorial import TutorialNetwork as PerNeuron
    else:
        raise SystemExit("unknown implementation {!r}: choose from {}".format(impl, ", ".join(IMPLS)))
    T = [[1.0 if k == label else 0.0 for k in range(10)] for label in y]
    net = PerNeuron((256, 64, 10), ["sigmoid", "softmax"], loss="cross_entropy", seed=0)
    order = list(range(len(X)))
    for _ in range(epochs):
        net.train_epoch(X, T, 0.1, 0.9, 32, order)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, sys.argv[2] if len(sys.argv) > 2 else "tinynet")
