"""The PyTorch CPU float32 reference for the convolution workloads.

Imported only by the benchmarks, and only when PyTorch is installed; tinynet
itself never needs it.  PyTorch computes on as many threads as the OpenCL CPU
device has compute units (``threads()``; pocl's ``POCL_MAX_PTHREAD_COUNT=1``
makes both one thread), so the two are compared on the same cores.
"""

import os

__all__ = ["require_torch", "threads", "TorchConvStep", "TorchCNN"]


def require_torch():
    """The torch module; ImportError (with a clear message) when it is absent."""
    try:
        import torch
    except ImportError as error:
        raise ImportError("torch is not installed (pip install torch): the ref-torch rows "
                          "are left out") from error
    return torch


def threads():
    """The threads PyTorch uses here: the OpenCL CPU device's compute units
    (pocl runs one thread per compute unit), else one per core."""
    try:
        from ..backend import get_backend
        from .machine import opencl_device_info
        info = opencl_device_info(get_backend("opencl"))
    except Exception:                    # no OpenCL here: every core, like pocl by default
        info = None
    if info and "CPU" in info["type"].upper() and info["compute_units"]:
        return info["compute_units"]
    return os.cpu_count() or 1


def _torch():
    torch = require_torch()
    torch.set_num_threads(threads())
    return torch


class TorchConvStep:
    """One Conv2D C→C, 3×3, padding 1, relu: forward, backward (dW, db, dX), SGD update."""

    def __init__(self, channels, X, G, W, lr):
        torch = self.torch = _torch()
        self.conv = torch.nn.Conv2d(channels, channels, 3, padding=1)
        with torch.no_grad():
            self.conv.weight.copy_(torch.tensor(W, dtype=torch.float32).reshape(channels, channels, 3, 3))
            self.conv.bias.zero_()
        side = int(round((len(X[0]) // channels) ** 0.5))
        self.X = torch.tensor(X, dtype=torch.float32).reshape(len(X), channels, side, side)
        self.X.requires_grad_(True)
        self.G = torch.tensor(G, dtype=torch.float32).reshape(len(X), channels, side, side)
        self.optimizer = torch.optim.SGD(self.conv.parameters(), lr=lr)
        self.m = len(X)

    def run(self):
        self.optimizer.zero_grad()
        self.X.grad = None
        a = self.torch.relu(self.conv(self.X))
        a.backward(self.G / self.m)          # tinynet's gradients are averaged over the batch
        self.optimizer.step()
        return self.X.grad

    def weights_and_grad(self):
        """(W before the last step, dW of it) as lists of filters (C·3·3 numbers each)."""
        W1 = self.conv.weight.detach().reshape(self.conv.out_channels, -1)
        dW = self.conv.weight.grad.reshape(self.conv.out_channels, -1)
        lr = self.optimizer.param_groups[0]["lr"]
        return (W1 + lr * dW).tolist(), dW.tolist()


class TorchCNN:
    """conv 3×3×8 relu (pad 1) → max pool 2 → conv 3×3×16 relu (pad 1) → max pool 2 → 256 → 10,
    cross-entropy, SGD with momentum (the epoch_cnn workload)."""

    def __init__(self, X, T, lr, mu, batch, seed=0):
        torch = self.torch = _torch()
        torch.manual_seed(seed)
        nn = torch.nn
        self.model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Flatten(), nn.Linear(256, 10))
        self.X = torch.tensor(X, dtype=torch.float32).reshape(len(X), 1, 16, 16)
        self.y = torch.tensor([row.index(max(row)) for row in T])
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=lr, momentum=mu)
        self.loss = nn.CrossEntropyLoss(reduction="sum")
        self.batch = batch

    def mean_loss(self):
        with self.torch.no_grad():
            return float(self.loss(self.model(self.X), self.y)) / len(self.y)

    def train_epoch(self, order):
        index = self.torch.tensor(order)
        total = 0.0
        for start in range(0, len(order), self.batch):
            rows = index[start:start + self.batch]
            self.optimizer.zero_grad()
            loss = self.loss(self.model(self.X[rows]), self.y[rows])
            (loss / len(rows)).backward()
            self.optimizer.step()
            total += loss.item()
        return total / len(order)
