"""Convolutional layers: local receptive fields, shared weights, feature maps, pooling.

A dense layer connects every input to every unit.  On an image a
convolutional layer instead gives each unit a *local receptive field* (a
k×k window of the image, in every input channel) and lets all units of one
*feature map* share the same weights: one filter slid over the image.

=============  ==============================================================
``Conv2D``     z = Σ w·a over the receptive field + b, one filter per map
``MaxPool2D``  a = the largest a in each window (the "max gate"; ``tinynet.pooling``)
``AvgPool2D``  a = the mean of each window (``tinynet.pooling``)
``Flatten``    the feature maps as one row of numbers, for Dense layers
=============  ==============================================================

Shapes.  A sample is still one row of numbers.  The first image layer is
told the image's shape ``input_shape=(C, H, W)``, and reads rows of C·H·W
numbers channel by channel (as the data sets give them).  Its feature maps
come out position by position, the maps' values at a position side by side
(the order "hwc": entry (y·W + x)·C + c), because that is how the matrix
product gives them; the next layers read that order, and ``maps(row)``
turns a row back into C images.

Each layer does its work through the backend: a gather of the windows
(``gather_patches``, with an index table made once per shape by
``tinynet.patches``), a product, and the adjoint of the gather on the way
back (``scatter_patches``).

>>> from tinynet import Network, Dense, MaxPool2D
>>> net = Network([Conv2D(1, 2, 3, padding=1, input_shape=(1, 4, 4)), MaxPool2D(2), Flatten(),
...                Dense(8, 3, "softmax")], loss="cross_entropy")
>>> [layer.out_shape for layer in net.layers[:2]]
[(2, 4, 4), (2, 2, 2)]
>>> net.count_parameters()                     # 2·(1·3·3 + 1) + 3·(8 + 1)
47
"""

from . import activations
from .errors import ShapeError
from .initializers import default_initializer, initial_weights
from .layers import Dense, Layer
from .options import check_size
from .patches import conv_table, output_size

__all__ = ["Conv2D", "Flatten", "ImageLayer"]


def _whole(what, value, layer, low=1):
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise ValueError("{}: {} must be a whole number of at least {}, got {!r}".format(
            layer, what, low, value))
    return value


def _shape_text(shape):
    return "×".join(str(n) for n in shape) if shape else "?"


class ImageLayer(Layer):
    """What the image layers share: the shape coming in and going out.

    ``in_shape`` and ``out_shape`` are (C, H, W); ``layout`` says how the
    incoming row is ordered ("chw" from the data, "hwc" from another image
    layer, see ``tinynet.patches``).  ``connect`` is called by the Network
    with what the layer before gives.
    """

    kind = "image layer"
    input_shape = None
    in_shape = out_shape = None
    layout = "chw"
    index = None

    @property
    def name(self):
        where = "" if self.index is None else " {}".format(self.index + 1)
        return "{} layer{} ({})".format(type(self).__name__, where, self.shape_text())

    def shape_text(self):
        return "{} → {}".format(_shape_text(self.in_shape or self.input_shape), _shape_text(self.out_shape))

    def connect(self, shape, width):
        """Take the image (C, H, W) of the layer before (None: a flat row of ``width``)."""
        given = tuple(self.input_shape) if self.input_shape is not None else None
        if shape is None:
            if given is None:
                raise ShapeError("{} needs the shape of its images: give input_shape=(channels, height, "
                                 "width)".format(self.name))
            if width is not None and width != _size(given):
                raise ShapeError("{} expects images of {} = {} inputs but the layer before it gives "
                                 "{}".format(self.name, _shape_text(given), _size(given), width))
            self.layout = "chw"
            shape = given
        else:
            if given is not None and given != tuple(shape):
                raise ShapeError("{} expects images of shape {} but the layer before it gives {}".format(
                    self.name, _shape_text(given), _shape_text(shape)))
            self.layout = "hwc"
        self.in_shape = tuple(shape)
        check_size(_size(self.in_shape), "{} (its input image)".format(self.name))
        self.out_shape = self.output_shape(self.in_shape)
        self.n_in = _size(self.in_shape)
        self.n_out = _size(self.out_shape) if self.out_shape else self.n_in
        window = getattr(self, "fan_in", None) or getattr(self, "size", 1) ** 2
        check_size(self.n_out * window, "{} (its index table)".format(self.name))

    def output_shape(self, shape):
        return shape

    def count_parameters(self):
        return 0

    def forward(self, a_prev, training=False):
        return a_prev

    def backward(self, delta):
        """No parameters: nothing to compute."""

    def maps(self, row):
        """An output row (one sample) as a list of C images of H·W numbers, row by row."""
        channels = self.out_shape[0]
        return [list(row[c::channels]) for c in range(channels)]

    def config(self):
        entry = {"type": type(self).__name__}
        if self.input_shape is not None:
            entry["input_shape"] = list(self.input_shape)
        return entry


def _size(shape):
    channels, height, width = shape
    return channels * height * width


def _check_shape(shape, layer):
    if shape is None:
        return None
    if len(shape) != 3:
        raise ValueError("{}: input_shape must be (channels, height, width), got {!r}".format(layer, shape))
    for n in shape:
        _whole("input_shape", n, layer)
    return tuple(shape)


# === Convolution ============================================================

class Conv2D(ImageLayer):
    """A convolutional layer: every unit sees a k×k window; a feature map shares one filter.

    Forward, for output map c_out at position (y, x) of each sample:

        z[c_out][y][x] = Σ_c Σ_dy Σ_dx w[c_out][c][dy][dx] · a[c][y·s − p + dy][x·s − p + dx] + b[c_out]
        a = g(z)

    the sum running over the receptive field (all C input channels, k×k
    positions; s the stride, p the zero padding).  Every position uses the
    same weights: *weight sharing*, so a map detects one feature wherever it
    is, with C·k·k + 1 parameters instead of one set per position.

    The windows of all samples, one per row (``backend.gather_patches``,
    "im2col"), make this one product: Z = patches · Wᵀ + b, with W of shape
    (C_out, C·k·k) (row c_out: filter c_out, in the order (c, dy, dx)).

    Backward, with delta = ∂E/∂z given:

        ∂E/∂w = (1/m) Σ_samples Σ_positions delta · a(window)   (the sum over positions:
                                                                 the weight is shared)
        ∂E/∂b = (1/m) Σ_samples Σ_positions delta
        ∂E/∂a_prev = the adjoint gather of delta·W: each window's share added
                     back at the inputs it read (``backend.scatter_patches``)
    """

    kind = "Conv2D"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, activation="relu",
                 init=None, alpha=0.01, input_shape=None):
        _whole("in_channels", in_channels, "Conv2D")
        _whole("out_channels", out_channels, "Conv2D")
        _whole("kernel_size", kernel_size, "Conv2D")
        _whole("stride", stride, "Conv2D")
        _whole("padding", padding, "Conv2D", low=0)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.activation = activations.check_activation(activation)
        if self.activation == "softmax":
            raise ValueError("Conv2D: softmax is for an output layer; use relu, tanh, sigmoid…")
        self.init = init or default_initializer(self.activation)
        self.alpha = alpha
        self.input_shape = _check_shape(input_shape, "Conv2D")
        self.fan_in = in_channels * kernel_size * kernel_size        # C·k·k weights per filter
        self.W = self.b = self.dW = self.db = self.delta = None
        self.patches = self.z = self.a = None
        self._pending = None

    def shape_text(self):
        return "{}, {}×{}, stride {}, padding {}, {}".format(
            ImageLayer.shape_text(self), self.kernel_size, self.kernel_size, self.stride, self.padding,
            self.activation)

    def __repr__(self):
        return "Conv2D({}→{}, {}×{}{}{}, {})".format(
            self.in_channels, self.out_channels, self.kernel_size, self.kernel_size,
            ", stride {}".format(self.stride) if self.stride != 1 else "",
            ", padding {}".format(self.padding) if self.padding else "", self.activation)

    def output_shape(self, shape):
        channels, height, width = shape
        if channels != self.in_channels:
            raise ShapeError("{} expects {} input channels but the layer before it gives images of "
                             "shape {}".format(self.name, self.in_channels, _shape_text(shape)))
        k, s, p = self.kernel_size, self.stride, self.padding
        return (self.out_channels, output_size(height, k, s, p, self.name),
                output_size(width, k, s, p, self.name))

    def count_parameters(self):
        return self.out_channels * (self.fan_in + 1)

    def build(self, backend, rng, n_in=None, weights=None):
        self.backend = backend
        table = conv_table(self.in_shape, self.kernel_size, self.stride, self.padding, self.layout)
        self.table = backend.patch_table(table, self.fan_in, self.n_in)   # made once per shape
        self.positions = self.out_shape[1] * self.out_shape[2]            # P windows a sample
        if weights is None and self._pending is not None:
            weights, self._pending = self._pending, None
        if weights is None:
            W = initial_weights(self.init, self.out_channels, self.fan_in, rng)
            b = [[0.0] * self.out_channels]
        else:
            W, b = weights
        self.W = backend.array(W)               # (C_out, C·k·k)
        self.b = backend.array(b)               # (1, C_out)

    # === Forward ============================================================

    def forward(self, a_prev, training=False):
        """z = Σ w·a over each receptive field + b, a = g(z); keeps the windows for backward."""
        B = self.backend
        m = B.shape(a_prev)[0]
        self.patches = B.gather_patches(a_prev, self.table)             # (m·P, C·k·k)
        # Z = patches·Wᵀ + b, A = g(Z), a sample's P rows of C_out as one row: (m, P·C_out)
        self.z, self.a = B.conv_forward(self.patches, self.W, self.b, m, self.activation, self.alpha)
        return self.a

    # === Backward ===========================================================

    def backward(self, delta):
        """∂E/∂W: the sum over samples and positions of delta·window (one product), /m."""
        self.delta = delta
        # with D = delta as (m·P, C_out), one row a window: dW = (1/m)·Dᵀ·patches, db = (1/m)·Σ_rows D
        self.dW, self.db = self.backend.conv_grads(delta, self.patches, self.out_channels)

    def delta_below(self, delta, below):
        """∂E/∂a_prev: delta·W is each window's share; the adjoint gather adds them back."""
        B = self.backend
        D = B.reshape(delta, B.shape(delta)[0] * self.positions, self.out_channels)   # (m·P, C_out)
        share = B.matmul(D, self.W)                                       # (m·P, C·k·k)
        return below.delta_from_grad(B.scatter_patches(share, self.table))

    #: delta = ∂E/∂a ⊙ g'(z), entry by entry: as for a Dense layer.
    delta_from_grad = Dense.delta_from_grad

    # === Parameters =========================================================

    #: W (penalised by l2/l1) and b, with their gradients: as for a Dense layer.
    parameters = Dense.parameters

    def get_weights(self):
        """(W, b) as plain lists: W is (C_out, C·k·k), one filter a row; b has C_out numbers."""
        return self.backend.to_list(self.W), self.backend.to_list(self.b)[0]

    def set_weights(self, W, b):
        """Replace the filters W (C_out rows of C·k·k) and biases b (C_out numbers)."""
        if len(W) != self.out_channels or any(len(row) != self.fan_in for row in W) or \
                len(b) != self.out_channels:
            raise ShapeError("{}: weights must be {}×{} and {} biases".format(
                self.name, self.out_channels, self.fan_in, self.out_channels))
        if self.W is None:
            self._pending = ([list(row) for row in W], [list(b)])
            return
        self.backend.assign(self.W, self.backend.array(W))
        self.backend.assign(self.b, self.backend.array([list(b)]))

    def filters(self):
        """Each filter as C images of k·k weights: filters()[c_out][c] is a k×k tile."""
        W, _ = self.get_weights()
        kk = self.kernel_size * self.kernel_size
        return [[row[c * kk:(c + 1) * kk] for c in range(self.in_channels)] for row in W]

    def config(self):
        return dict(ImageLayer.config(self), in_channels=self.in_channels, out_channels=self.out_channels,
                    kernel_size=self.kernel_size, stride=self.stride, padding=self.padding,
                    activation=self.activation, init=self.init, alpha=self.alpha)


# === Flatten ================================================================

class Flatten(ImageLayer):
    """The feature maps as one flat row, for the Dense layers after them.

    The row is unchanged (a sample already is one row); only the shape
    bookkeeping ends here.  After image layers its entries are in the order
    (y, x, c) (see the module docstring); directly on input rows, (c, y, x).
    """

    kind = "Flatten"

    def __init__(self, input_shape=None):
        self.input_shape = _check_shape(input_shape, "Flatten")

    def __repr__(self):
        return "Flatten()"

    def shape_text(self):
        return "{} → {}".format(_shape_text(self.in_shape or self.input_shape), self.n_out or "?")

    def output_shape(self, shape):
        return None

    def build(self, backend, rng, n_in=None):
        self.backend = backend

    def delta_below(self, delta, below):
        """∂E/∂a_prev = ∂E/∂a: the same numbers."""
        return below.delta_from_grad(delta)
