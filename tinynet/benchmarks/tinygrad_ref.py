"""The tinygrad reference (``ref-tinygrad``): the digits MLP epoch in tinygrad.

Used only by the benchmarks, and only where tinygrad is installed (it is no
requirement of tinynet: ``pip install tinygrad``).  It runs on tinygrad's
OpenCL device (``DEV=CL``), which on this machine is the same pocl driver
the opencl backend uses; the OpenCL library is the one pyopencl brings
(``OPENCL_PATH``) unless the environment names another.  The training step
(forward, gradients by ``Tensor.gradient``, momentum update, and the summed
loss) is one ``TinyJit`` function; the loss is read once per epoch.
"""

import glob
import math
import os

__all__ = ["require_tinygrad", "TinygradMLP"]


def require_tinygrad():
    """(Tensor, TinyJit) on tinygrad's OpenCL device; ImportError with the reason."""
    os.environ.setdefault("DEV", "CL")
    if "OPENCL_PATH" not in os.environ:
        try:
            import pyopencl
            found = glob.glob(os.path.join(os.path.dirname(pyopencl.__file__), ".libs", "libOpenCL*"))
            if found:
                os.environ["OPENCL_PATH"] = found[0]
        except ImportError:
            pass
    try:
        from tinygrad import Device, Tensor, TinyJit
    except ImportError as error:
        raise ImportError("tinygrad is not installed (pip install tinygrad): the ref-tinygrad "
                          "row is left out") from error
    try:
        device = Device.DEFAULT
        Tensor([1.0], device=device).realize()
    except Exception as error:       # no OpenCL library or device: tinygrad's own errors
        raise ImportError("tinygrad cannot open its device ({}: {}): the ref-tinygrad row is "
                          "left out".format(type(error).__name__, error)) from error
    return Tensor, TinyJit


class TinygradMLP:
    """A float32 MLP 256 → 64 sigmoid → 10 softmax with momentum, as tinygrad code."""

    def __init__(self, sizes, X, T, lr, mu, batch, seed=0):
        import numpy as np
        Tensor, TinyJit = require_tinygrad()
        self.Tensor, self.np, self.batch = Tensor, np, batch
        rng = np.random.default_rng(seed)
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            limit = math.sqrt(6.0 / (n_in + n_out))
            params.append(Tensor(rng.uniform(-limit, limit, (n_out, n_in)).astype(np.float32)))
            params.append(Tensor(np.zeros((1, n_out), np.float32)))
        self.params = [p.contiguous().realize() for p in params]
        self.velocity = [Tensor(np.zeros(p.shape, np.float32)).contiguous().realize()
                         for p in self.params]
        self.X = Tensor(np.asarray(X, np.float32)).realize()
        self.T = Tensor(np.asarray(T, np.float32)).realize()
        self.total = Tensor(np.zeros((1,), np.float32)).contiguous().realize()
        W1, b1, W2, b2 = self.params

        @TinyJit
        def step(index):
            x, t = self.X[index], self.T[index]
            h = (x @ W1.T + b1).sigmoid()
            z = h @ W2.T + b2
            loss = -(t * z.log_softmax(axis=1)).sum()
            grads = (loss / batch).gradient(*self.params)
            for p, v, g in zip(self.params, self.velocity, grads):
                v.assign(mu * v - lr * g)
                p.assign(p + v)
            self.total.assign(self.total + loss.reshape(1))
            return self.total.realize(*self.params, *self.velocity)
        self.step = step

    def train_epoch(self, order):
        """One pass in mini-batches in the given order (whole batches); the mean loss."""
        np, Tensor = self.np, self.Tensor
        self.total.assign(Tensor(np.zeros((1,), np.float32))).realize()
        whole = len(order) - len(order) % self.batch
        index = Tensor(np.asarray(order[:whole], np.int32)).realize()
        for start in range(0, whole, self.batch):
            self.step(index[start:start + self.batch].contiguous().realize())
        return float(self.total.numpy()[0]) / whole
