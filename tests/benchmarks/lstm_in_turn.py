"""One epoch of a character LSTM (256 hidden units), timed in turn: tinynet python, tinynet opencl, PyTorch CPU.

    python tests/benchmarks/lstm_in_turn.py [ROUNDS] [CHARS]

The text is the first CHARS characters (default 100; 4 chunks) of
``tinynet.datasets.package_docstrings()``, one-hot over its 123 symbols;
the model is LSTM(123 → 256) → Dense(256 → 123, softmax), truncated BPTT over
25 steps with the state carried, Adam lr 0.01, the gradient norm clipped at 5
(the same set-up in each).  Each round runs one epoch of every
implementation, one after another, so that a busy machine slows them alike;
the script prints each round's wall and CPU seconds and, at the end, the
best of the rounds and the ratios.  PyTorch (``torch.nn.LSTM``, float32, its
default threads) runs where it is installed; it is a reference here, never a
dependency of tinynet.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tinynet import LSTM, Dense, SequenceNetwork, datasets  # noqa: E402
from tinynet.optim import Adam  # noqa: E402


def tinynet_epoch(backend, X, y, n_symbols):
    net = SequenceNetwork([LSTM(n_symbols, 256), Dense(256, n_symbols, "softmax")], seed=0, backend=backend)
    optimizer = Adam(lr=0.01)

    def run():
        return net.fit(X, y, epochs=1, bptt=25, optimizer=optimizer, clip_norm=5, verbose=0)["loss"][-1]
    return run


def torch_epoch(ids, n_symbols):
    import torch
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(n_symbols, 256)
    out = torch.nn.Linear(256, n_symbols)
    params = list(lstm.parameters()) + list(out.parameters())
    optimizer = torch.optim.Adam(params, lr=0.01)
    x = torch.nn.functional.one_hot(torch.tensor(ids[:-1]), n_symbols).float().unsqueeze(1)   # (T, 1, n)
    t = torch.tensor(ids[1:])

    def run():
        state, total = None, 0.0
        for start in range(0, len(t), 25):
            xs, ts = x[start:start + 25], t[start:start + 25]
            if state is not None:
                state = tuple(s.detach() for s in state)
            h, state = lstm(xs, state)
            loss = torch.nn.functional.cross_entropy(out(h[:, 0]), ts)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            optimizer.step()
            total += loss.item() * len(ts)
        return total / len(t)
    return run


def main(argv):
    rounds = int(argv[0]) if argv else 3
    chars = int(argv[1]) if len(argv) > 1 else 100
    whole = datasets.package_docstrings()
    vocab = datasets.Vocabulary(whole)
    ids = vocab.encode(whole[:chars + 1])
    X, y = datasets.next_symbol_task(ids)
    runs = {"python": tinynet_epoch("python", X, y, len(vocab))}
    try:
        tinynet_epoch("opencl", X, y, len(vocab))()          # builds the kernels (a network of its own)
        runs["opencl"] = tinynet_epoch("opencl", X, y, len(vocab))
    except Exception as error:                               # noqa: BLE001 (report and go on)
        print("opencl: not usable here ({})".format(error))
        runs.pop("opencl", None)
    try:
        runs["torch-cpu"] = torch_epoch(ids, len(vocab))
    except ImportError:
        print("torch: not installed, no reference row")
    best = {}
    print("{} characters, {} symbols, {} rounds".format(chars, len(vocab), rounds))
    for number in range(1, rounds + 1):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            loss = run()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = min(best.get(name, (wall, cpu)), (wall, cpu))
            print("round {}  {:<10} wall {:8.3f} s  cpu {:8.3f} s  loss {:.3f}".format(number, name, wall, cpu, loss),
                  flush=True)
    print("best of {} rounds:".format(rounds))
    for name, (wall, cpu) in best.items():
        print("  {:<10} wall {:8.3f} s  cpu {:8.3f} s  python/this: wall {:7.1f}x  cpu {:7.1f}x".format(
            name, wall, cpu, best["python"][0] / wall, best["python"][1] / cpu))


if __name__ == "__main__":
    main(sys.argv[1:])
