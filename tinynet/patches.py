"""Index tables: which input entries each receptive field reads.

A convolution or a pooling layer looks at small windows of an image: the
*local receptive fields*.  Which entries of a sample's row fall into which
window depends only on the shapes (channels, height, width, window size,
stride, padding), never on the numbers, so it is worked out once, here, as a
flat list of indices: entries ``p·k … p·k + k−1`` of the table are the k
input indices read by window p.  The backend then copies the windows out of
every sample in one gather (``gather_patches``, "im2col") and a convolution
becomes one matrix product.

An index equal to ``n`` (the row's length) points at a zero: that is how
zero padding is written (the backends read it as 0.0).

Layouts of a sample's row:

* ``"chw"``: channel by channel, each channel row by row: entry
  ``c·H·W + y·W + x`` (how the data sets give images);
* ``"hwc"``: position by position, the C channel values of a position
  together: entry ``(y·W + x)·C + c`` (how a convolution's product gives its
  feature maps: one row of the product per position, one column per map).

>>> conv_table((1, 3, 3), 2)                  # 2x2 windows over a 3x3 image
[0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]
>>> conv_table((1, 2, 2), 3, padding=1)[:9]   # first window: mostly padding (4 = zero)
[4, 4, 4, 4, 0, 1, 4, 2, 3]
>>> pool_table((2, 2, 2), 2, layout="hwc")    # one 2x2 window per channel
[0, 2, 4, 6, 1, 3, 5, 7]
"""

from .errors import ShapeError

__all__ = ["output_size", "conv_table", "pool_table", "adjoint_table", "PatchTable"]


def output_size(size, kernel, stride, padding, layer="layer"):
    """The number of window positions along one side: ⌊(size + 2·pad − k)/stride⌋ + 1.

    >>> output_size(16, 3, 1, 1), output_size(16, 2, 2, 0), output_size(5, 3, 2, 0)
    (16, 8, 2)
    """
    span = size + 2 * padding - kernel
    if span < 0:
        raise ShapeError("{}: a {}-wide window does not fit a side of {} (padding {})".format(
            layer, kernel, size, padding))
    return span // stride + 1


def _index(layout, shape):
    """The function (c, y, x) -> entry of a row in ``layout`` for an image ``shape``."""
    channels, height, width = shape
    if layout == "chw":
        return lambda c, y, x: (c * height + y) * width + x
    if layout == "hwc":
        return lambda c, y, x: (y * width + x) * channels + c
    raise ValueError("layout must be 'chw' or 'hwc', not {!r}".format(layout))


def conv_table(shape, kernel, stride=1, padding=0, layout="chw"):
    """The receptive field of every output position of a convolution.

    Window p = (oy, ox) (row by row) reads the C·k·k entries at channel c,
    row oy·stride − padding + dy, column ox·stride − padding + dx, in the
    order (c, dy, dx): the order of a filter's weights w[c][dy][dx].
    """
    channels, height, width = shape
    n = channels * height * width
    at = _index(layout, shape)
    out_h = output_size(height, kernel, stride, padding)
    out_w = output_size(width, kernel, stride, padding)
    table = []
    for oy in range(out_h):
        for ox in range(out_w):
            for c in range(channels):
                for dy in range(kernel):
                    for dx in range(kernel):
                        y, x = oy * stride - padding + dy, ox * stride - padding + dx
                        inside = 0 <= y < height and 0 <= x < width
                        table.append(at(c, y, x) if inside else n)
    return table


def pool_table(shape, size, stride=None, layout="hwc"):
    """The windows of a pooling layer: one per channel and output position.

    Window q = (oy, ox, c) (so the result is in "hwc" layout) reads the
    size·size entries of channel c at rows oy·stride + dy, columns
    ox·stride + dx.
    """
    channels, height, width = shape
    stride = stride or size
    at = _index(layout, shape)
    out_h, out_w = output_size(height, size, stride, 0), output_size(width, size, stride, 0)
    return [at(c, oy * stride + dy, ox * stride + dx)
            for oy in range(out_h) for ox in range(out_w) for c in range(channels)
            for dy in range(size) for dx in range(size)]


def adjoint_table(table, n):
    """The table read backwards: for each input entry i, where it was copied to.

    Returns (inverse, width): entries ``i·width … i·width + width−1`` of
    ``inverse`` are the positions f in the gathered windows (f = p·k + j)
    that hold input i, padded with ``len(table)`` (a pointer at a zero).
    Summing the gradient over them is the scatter-add ``Σ_f`` that the
    adjoint of a gather computes, written as another gather.

    >>> adjoint_table([0, 1, 1, 2], 3)        # input 1 was read twice
    ([0, 4, 1, 2, 3, 4], 2)
    """
    where = [[] for _ in range(n)]
    for f, i in enumerate(table):
        if i < n:
            where[i].append(f)
    width = max([len(w) for w in where] + [1])
    pad = len(table)
    inverse = []
    for w in where:
        inverse.extend(w + [pad] * (width - len(w)))
    return inverse, width


class PatchTable:
    """An index table and what a backend needs to use it, made once per shape.

    ``table`` (k entries per window, ``count`` windows), ``n`` the length of
    the rows it reads, and its adjoint (``inverse``, ``width``).  A backend's
    ``patch_table`` returns one of these (or a subclass holding device
    copies).
    """

    def __init__(self, table, k, n):
        if k < 1 or len(table) % k:
            raise ShapeError("an index table of {} entries cannot be cut into windows of {}".format(
                len(table), k))
        if table and (min(table) < 0 or max(table) > n):
            raise ShapeError("an index table for rows of {} entries holds an index outside 0…{}".format(n, n))
        self.table = list(table)
        self.k = k
        self.n = n
        self.count = len(table) // k
        self.inverse, self.width = adjoint_table(self.table, n)

    def __repr__(self):
        return "<PatchTable {} windows of {} from rows of {}>".format(self.count, self.k, self.n)
