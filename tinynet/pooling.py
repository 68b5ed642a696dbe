"""Pooling layers: each feature map shrunk by summarising small windows.

=============  ==============================================================
``MaxPool2D``  a = the largest a_prev in each window; backwards, the "max
               gate": the window's gradient goes to that one input
``AvgPool2D``  a = the mean of each window; backwards, 1/k of the gradient
               to each of its k inputs
=============  ==============================================================

Both work on each feature map separately, with windows of size×size moved
by ``stride`` (default: size, windows side by side), and read and give rows
in the "hwc" order of the image layers (``tinynet.conv``).  The windows come
from an index table made once per shape (``tinynet.patches.pool_table``).

>>> from tinynet import Network, Conv2D, Flatten, Dense
>>> net = Network([Conv2D(1, 1, 1, activation="linear", input_shape=(1, 2, 2)), MaxPool2D(2), Flatten(),
...                Dense(1, 1, "linear")])
>>> net.layers[0].set_weights([[1.0]], [0.0])
>>> _ = net.predict([[3.0, -1.0, 7.0, 2.0]])
>>> net.backend.to_list(net.layers[1].a)
[[7.0]]
"""

from .conv import ImageLayer, _check_shape, _whole
from .patches import output_size, pool_table

__all__ = ["MaxPool2D", "AvgPool2D"]


# === Pooling ================================================================

class _Pool(ImageLayer):
    def __init__(self, size, stride=None, input_shape=None):
        _whole("size", size, type(self).__name__)
        if stride is not None:
            _whole("stride", stride, type(self).__name__)
        self.size, self.stride = size, stride or size
        self.input_shape = _check_shape(input_shape, type(self).__name__)
        self.a = None

    def shape_text(self):
        return "{}, {}×{}, stride {}".format(ImageLayer.shape_text(self), self.size, self.size, self.stride)

    def __repr__(self):
        return "{}({}{})".format(type(self).__name__, self.size,
                                 ", stride={}".format(self.stride) if self.stride != self.size else "")

    def output_shape(self, shape):
        channels, height, width = shape
        return (channels, output_size(height, self.size, self.stride, 0, self.name),
                output_size(width, self.size, self.stride, 0, self.name))

    def build(self, backend, rng, n_in=None):
        self.backend = backend
        table = pool_table(self.in_shape, self.size, self.stride, self.layout)
        self.table = backend.patch_table(table, self.size * self.size, self.n_in)

    def config(self):
        return dict(ImageLayer.config(self), size=self.size, stride=self.stride)


class MaxPool2D(_Pool):
    """Max pooling: each output is the largest activation in its window, per feature map.

    Forward:   a[c][y][x] = max over the size×size window at (y·s, x·s) of a_prev[c]
    Backward:  the "max gate": the gradient of a window goes to the one input
               that was largest (the argmax, remembered in forward), and every
               other input of the window gets 0 (``backend.max_pool_grad``).
    """

    kind = "MaxPool2D"

    def forward(self, a_prev, training=False):
        """a = max over each window; remembers where each max was."""
        self.a, self.argmax = self.backend.max_pool(a_prev, self.table)
        return self.a

    def delta_below(self, delta, below):
        """∂E/∂a_prev: each window's delta routed to its argmax (the max gate)."""
        grad = self.backend.max_pool_grad(delta, self.argmax, self.table)
        return below.delta_from_grad(grad)


class AvgPool2D(_Pool):
    """Average pooling: each output is the mean of its window, per feature map.

    Forward:   a = (1/k) Σ a_prev over the window (k = size·size entries),
               the windows gathered, then one product with a row of 1/k
    Backward:  each input of the window gets 1/k of the window's gradient
               (the product's transpose, then the adjoint gather).
    """

    kind = "AvgPool2D"

    def build(self, backend, rng, n_in=None):
        _Pool.build(self, backend, rng, n_in)
        k = self.size * self.size
        self.mean_row = backend.array([[1.0 / k] * k])                     # (1, k)
        self.windows = None

    def forward(self, a_prev, training=False):
        """a = the mean of each window: windows · (1/k, …, 1/k)ᵀ."""
        B = self.backend
        m = B.shape(a_prev)[0]
        windows = B.gather_patches(a_prev, self.table)                   # (m·Q, k)
        self.a = B.reshape(B.matmul_nt(windows, self.mean_row), m, self.n_out)
        return self.a

    def delta_below(self, delta, below):
        """∂E/∂a_prev: 1/k of each window's delta to each of its inputs."""
        B = self.backend
        m = B.shape(delta)[0]
        column = B.reshape(delta, m * self.n_out, 1)                      # (m·Q, 1)
        share = B.matmul(column, self.mean_row)                           # (m·Q, k)
        return below.delta_from_grad(B.scatter_patches(share, self.table))
