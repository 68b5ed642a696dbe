"""Instructions per training sample of the pure-Python backend, for callgrind.

Wall time on a shared machine moves ±30%; instruction counts do not. Run

    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.0 python tests/benchmarks/count_instructions.py 0
    valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.2 python tests/benchmarks/count_instructions.py 2

and divide the difference of the two "Collected" totals by 2 × 1600: the
instructions of one training sample (forward, backward and SGD update) of
the digits MLP 256 → 64 sigmoid → 10 softmax, batch 32. Use the
interpreter's real binary, not a shell shim (e.g. ~/.pyenv/versions/3.11.7/bin/python).
Measured on 2026-11-22 with CPython 3.11.7: 12.34 M, and 12.39 M after that day's later
changes (target ≤ 12.5 M).
"""

import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tinynet import SGD, Dense, Network  # noqa: E402


def main(epochs):
    rng = random.Random(0)
    X = [[float(rng.random() < 0.25) for _ in range(256)] for _ in range(1600)]
    y = [rng.randrange(10) for _ in range(1600)]
    net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy", seed=0)
    B = net.backend
    Xd, Td = B.array(X), B.array(net._targets(y, len(y)))
    optimizer = SGD(lr=0.1)
    for _ in range(epochs):
        loss, correct = B.accumulator(), B.accumulator()
        for start in range(0, len(X), 32):
            index = list(range(start, start + 32))
            net.train_step(B.take_rows(Xd, index), B.take_rows(Td, index), optimizer, loss, correct)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
