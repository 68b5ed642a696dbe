"""The convolution workloads of the benchmarks (``conv_step``, ``epoch_cnn``).

* ``conv_step``: one Conv2D layer C→C, 3×3, padding 1, relu, on 16×16 images,
  batch 32: forward, backward (dW, db), the input gradient (the adjoint
  gather) and an SGD update; sizes C = 4, 8, 16, 32.  Work: the three
  products, 3 · 2 · m · 256 · C · C·9 flops (gathers not counted).
* ``epoch_cnn``: one epoch of the digits CNN (conv 3×3×8 relu → max pool 2 →
  conv 3×3×16 relu → max pool 2 → 256 → 10 softmax, momentum 0.9, η 0.05) on
  the first ``CNN_ROWS`` training digits, batch 32.

The reference is ``ref-torch``: PyTorch on the CPU in float32, on as many
threads as there are cores (``torch_ref``), skipped without PyTorch.
Registered into ``cases`` (its GROUPS, sizes and setups).
"""

import math
import random

from . import machine

__all__ = ["GROUPS", "SIZES", "PYTHON_MAX", "QUICK_PYTHON_MAX", "CNN_ROWS", "SETUPS", "TORCH_REFS",
           "torch_unavailable"]

TORCH_REFS = ("ref-torch",)
GROUPS = {
    "conv_step": ("Conv2D C→C 3×3 padding 1 relu on 16×16: forward + backward + input gradient + SGD, "
                  "batch 32", "channels C", TORCH_REFS, "flops"),
    "epoch_cnn": None,                   # below, once CNN_ROWS is set
}
SIZES = {"conv_step": (4, 8, 16, 32)}
#: The python backend: C = 16 takes about 2 s a step on a 2.3 GHz Xeon.
PYTHON_MAX = {"conv_step": 16}
QUICK_PYTHON_MAX = {"conv_step": 8}
#: Training digits in the timed CNN epoch (20 batches: about 6 s on the python backend).
CNN_ROWS = 640
BATCH, SIDE = 32, 16
GROUPS["epoch_cnn"] = ("epoch: digits CNN conv 3×3×8 → pool → conv 3×3×16 → pool → 256→10, "
                       "{:,} samples, batch 32".format(CNN_ROWS), "", TORCH_REFS, "samples")


def torch_unavailable():
    """Why the ref-torch rows cannot run here, or None."""
    try:
        from .torch_ref import require_torch
        require_torch()
    except ImportError as error:
        return str(error)
    return None


def _random(rows, cols, seed):
    rng = random.Random(seed)
    return [[rng.uniform(-1.0, 1.0) for _ in range(cols)] for _ in range(rows)]


def _conv_step_setup(case, impl):
    C, m, lr, P = case.size, BATCH, 0.01, SIDE * SIDE
    Xh = _random(m, C * P, 5)                                  # rows of C·H·W (channel by channel)
    Gc = _random(m, C * P, 6)                                  # ∂E/∂a, channel by channel
    W0 = _random(C, C * 9, 7)
    W0 = [[w * math.sqrt(2.0 / (C * 9)) for w in row] for row in W0]
    flops = 3 * 2 * m * P * C * C * 9
    if case.impl in TORCH_REFS:
        from .torch_ref import TorchConvStep
        step = TorchConvStep(C, Xh, Gc, W0, lr)
        run = step.run

        def weights():
            return step.weights_and_grad()
    else:
        from ..conv import Conv2D
        from ..layers import Layer
        from ..optim import SGD
        B = impl
        layer = Conv2D(C, C, 3, padding=1, activation="relu", input_shape=(C, SIDE, SIDE))
        layer.connect(None, None)
        layer.build(B, random.Random(0), weights=(W0, [[0.0] * C]))
        X = B.array(Xh)
        G = B.array([[row[c * P + p] for p in range(P) for c in range(C)] for row in Gc])   # as (y, x, c)
        optimizer, sync, sink = SGD(lr=lr), machine.synchronise, Layer()

        def run():
            layer.forward(X, training=True)
            delta = layer.delta_from_grad(G)             # δ = ∂E/∂a ⊙ g'(z)
            layer.backward(delta)                        # dW: Σ over samples and positions
            dX = layer.delta_below(delta, sink)          # the adjoint gather of δ·W
            optimizer.step(B, layer.parameters())
            sync(B)
            return dX

        def weights():
            W = B.to_list(layer.W)
            dW = B.to_list(layer.dW)
            return [[w + lr * d for w, d in zip(rw, rd)] for rw, rd in zip(W, dW)], dW

    def check(_result):
        """dW of filter 0 at three weights, from z of map 0 computed on the host."""
        W, dW = weights()
        rel = 1e-3 if case.impl != "python" else 1e-9
        delta = []                                       # δ of map 0, per sample and position
        for s in range(m):
            x = Xh[s]
            row = []
            for y in range(SIDE):
                for xx in range(SIDE):
                    z = 0.0
                    for c in range(C):
                        for dy in range(3):
                            for dx in range(3):
                                yy, xj = y - 1 + dy, xx - 1 + dx
                                if 0 <= yy < SIDE and 0 <= xj < SIDE:
                                    z += W[0][c * 9 + dy * 3 + dx] * x[c * P + yy * SIDE + xj]
                    row.append(Gc[s][y * SIDE + xx] if z > 0 else 0.0)
            delta.append(row)
        for j in sorted({0, 4, C * 9 - 1}):
            c, dy, dx = j // 9, j % 9 // 3, j % 3
            terms = []
            for s in range(m):
                for y in range(SIDE):
                    for xx in range(SIDE):
                        yy, xj = y - 1 + dy, xx - 1 + dx
                        if 0 <= yy < SIDE and 0 <= xj < SIDE and delta[s][y * SIDE + xx]:
                            terms.append(delta[s][y * SIDE + xx] * Xh[s][c * P + yy * SIDE + xj] / m)
            want, size = math.fsum(terms), math.fsum(map(abs, terms))
            assert abs(dW[0][j] - want) <= rel * (size + 1e-3), "{} conv step: dW[0][{}] = {!r}, expected {!r}".format(
                case.impl, j, dW[0][j], want)

    return {"run": run, "check": check, "info": {"flops": flops}}


def _epoch_cnn_setup(case, impl, digits, one_hot):
    X, y, _, _ = digits()
    X, y = X[:CNN_ROWS], y[:CNN_ROWS]
    T = one_hot(y)
    n = len(X)
    rng = random.Random("bench-shuffle")
    order = list(range(n))
    if case.impl in TORCH_REFS:
        from .torch_ref import TorchCNN
        net = TorchCNN(X, T, 0.05, 0.9, BATCH)
        initial = net.mean_loss()

        def run():
            rng.shuffle(order)
            return net.train_epoch(order)
    else:
        from ..conv import Conv2D, Flatten
        from ..layers import Dense
        from ..network import Network
        from ..optim import Momentum
        from ..pooling import MaxPool2D
        from ..training import train_epoch
        B = impl
        net = Network([Conv2D(1, 8, 3, padding=1, activation="relu", input_shape=(1, SIDE, SIDE)),
                       MaxPool2D(2), Conv2D(8, 16, 3, padding=1, activation="relu"), MaxPool2D(2),
                       Flatten(), Dense(256, 10, "softmax")], loss="cross_entropy", seed=0, backend=B)
        Xd, Td = B.array(X), B.array(T)
        optimizer = Momentum(lr=0.05, mu=0.9)
        initial = net.evaluate(X, y)["loss"]
        step = B.captured(net.train_step, optimizer.count_step)
        rng.shuffle(order)

        def run():
            loss_acc = B.accumulator()
            train_epoch(net, Xd, Td, order, BATCH, optimizer, loss_acc, step=step)
            rng.shuffle(order)
            return B.read(loss_acc) / n

    def check(mean_loss):
        assert math.isfinite(mean_loss), "{} CNN epoch: the loss is {}".format(case.impl, mean_loss)
        assert mean_loss < initial, "{} CNN epoch: the loss did not go down ({:.4g} → {:.4g})".format(
            case.impl, initial, mean_loss)

    # products per sample: conv1 forward and dW (2 · 256·8·9), conv2 forward, dW and δ·W
    # (3 · 64·16·72), the Dense layer forward and dW (2 · 256·10); 2 flops a multiply-add
    per_sample = 2 * (2 * 256 * 8 * 9 + 3 * 64 * 16 * 72 + 2 * 256 * 10)
    return {"run": run, "check": check, "info": {"samples": n, "flops": per_sample * n,
                                                 "initial_loss": initial}}


SETUPS = {"conv_step": _conv_step_setup, "epoch_cnn": _epoch_cnn_setup}
