"""The share of a pure-Python LSTM epoch's instructions spent in the product and elementwise primitives.

Callgrind counts instructions, which a busy machine does not change, but on
CPython 3.11 it sees only C functions, not which Python method they ran
for.  So the primitives' share is measured by difference, from four runs:

    P=~/.pyenv/versions/3.11.7/bin/python
    for mode in setup epoch record replay; do
      valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$mode $P tests/benchmarks/lstm_step_share.py $mode
    done

* ``setup``: build the data and the network only;
* ``epoch``: the same, then one training epoch;
* ``record``: the same, the epoch run through a backend that also records
  every outermost call of a product or elementwise primitive (with its
  arguments);
* ``replay``: ``record``, then those calls once more, REPLAYS times.

The epoch costs epoch − setup instructions, the primitives' calls
(replay − record) / REPLAYS, and their share is the ratio of the two.
The workload is the Zen of Python's first 201 characters (8 chunks of
25), LSTM(45 → 64) → Dense(64 → 45, softmax), Adam, clip 5.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tinynet import LSTM, Dense, SequenceNetwork, datasets  # noqa: E402
from tinynet.python_backend import PythonBackend  # noqa: E402

PRIMITIVES = ("matmul", "matmul_nt", "matmul_tn", "add", "sub", "mul", "scale", "add_row", "sum_rows",
              "activation", "activation_grad", "dense_forward")
REPLAYS = 2


class Recording(PythonBackend):
    """The reference backend, keeping a log of its outermost primitive calls."""

    def __init__(self):
        self.log = []
        self.depth = 0


def _recorded(name):
    method = getattr(PythonBackend, name)

    def call(self, *args, **kwargs):
        if self.depth == 0:
            self.log.append((method, args, kwargs))
        self.depth += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            self.depth -= 1
    return call


for _name in PRIMITIVES:
    setattr(Recording, _name, _recorded(_name))


def main(mode):
    text = datasets.zen_of_python()
    vocab = datasets.Vocabulary(text)
    X, y = datasets.next_symbol_task(vocab.encode(text[:201]))
    backend = Recording() if mode in ("record", "replay") else PythonBackend()
    net = SequenceNetwork([LSTM(len(vocab), 64), Dense(64, len(vocab), "softmax")], seed=0, backend=backend)
    if mode == "setup":
        return
    net.fit(X, y, epochs=1, bptt=25, lr=0.01, clip_norm=5, verbose=0)
    if mode == "replay":
        plain = PythonBackend()
        for _ in range(REPLAYS):
            for method, args, kwargs in backend.log:
                method(plain, *args, **kwargs)
    if mode in ("record", "replay"):
        print("{} primitive calls recorded".format(len(backend.log)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "epoch")
