"""Receptive fields on the device: the gathers of Conv2D and pooling.

``patch_table`` uploads an index table (and its adjoint) once, when a layer
is built; the four kernels of ``kernels.gathers`` then copy windows out of a
batch (``gather_patches``, read in place when the batch is a deferred
``take_rows``), add them back (``scatter_patches``), and pool
(``max_pool``, ``max_pool_grad``).  ``reshape`` is free: the same buffer
read with another shape.  Everything stays on the device.

A mixin of ``OpenCLBackend``: it uses the backend's launches and buffers.
"""

from array import array

from tinynet.errors import ShapeError
from tinynet.patches import PatchTable

__all__ = ["ReceptiveFields", "Argmax"]

_INT32 = "i" if array("i").itemsize == 4 else "l"


class Argmax:
    """The remembered argmax of a max pool on the device: an int32 (m, Q) buffer."""

    __slots__ = ("buf", "shape")

    def __init__(self, buf, rows, cols):
        self.buf = buf
        self.shape = (rows, cols)


class ReceptiveFields:
    """patch_table, reshape, gather_patches, scatter_patches, max_pool, max_pool_grad."""

    def patch_table(self, table, k, n):
        """The table and its adjoint as int32 device buffers, uploaded once."""
        T = PatchTable(table, k, n)
        flags = self._cl.mem_flags.READ_ONLY | self._cl.mem_flags.COPY_HOST_PTR
        T.buf = self._cl.Buffer(self.context, flags, hostbuf=array(_INT32, T.table))
        T.inv_buf = self._cl.Buffer(self.context, flags, hostbuf=array(_INT32, T.inverse))
        pad = len(T.table)                       # the adjoint's "reads nothing": window 0, entry -1
        windows = [f // k if f < pad else 0 for f in T.inverse]
        entries = [f % k if f < pad else -1 for f in T.inverse]
        T.invq_buf = self._cl.Buffer(self.context, flags, hostbuf=array(_INT32, windows))
        T.invj_buf = self._cl.Buffer(self.context, flags, hostbuf=array(_INT32, entries))
        # the windows tile the input: every entry read exactly once, and no padding read
        T.tiles = T.width == 1 and pad not in T.inverse and n not in T.table
        return T

    def reshape(self, M, rows, cols):
        """The same buffer, read as (rows, cols): no copy, no launch."""
        if rows * cols != M.size:
            raise ShapeError("reshape: {} entries do not make a {} x {} matrix".format(M.size, rows, cols))
        return type(M)(M.buf, rows, cols)

    def _check_rows(self, op, M, width):
        if M.shape[1] != width:
            raise ShapeError("{}: rows of {} entries, but the table is for rows of {}".format(
                op, M.shape[1], width))

    def gather_patches(self, X, T):
        self._check_rows("gather_patches", X, T.n)
        m = X.shape[0]
        out = self._new(m * T.count, T.k, "patches")
        Pk = T.count * T.k
        self._launch_grid("gather_patches", Pk, m, Pk, m, T.n, *self._rows(X), T.buf, out.buf)
        return out

    def scatter_patches(self, G, T):
        self._check_rows("scatter_patches", G, T.k)
        m = G.shape[0] // T.count
        out = self._new(m, T.n, "scattered gradient")
        self._launch_grid("scatter_patches", T.n, m, T.n, m, T.count * T.k, T.width,
                          G.buf, T.inv_buf, out.buf)
        return out

    def max_pool(self, X, T):
        self._check_rows("max_pool", X, T.n)
        m = X.shape[0]
        A = self._new(m, T.count, "pooled")
        nbytes = max(A.size, 1) * 4
        buf = self._pool.allocate(nbytes)
        if self._recording is not None:
            self._recording.made.add(id(buf))
        Arg = Argmax(buf, m, T.count)
        self._launch_grid("max_pool", T.count, m, T.count, m, T.k, T.n, *self._rows(X), T.buf,
                          A.buf, Arg.buf)
        return A, Arg

    def max_pool_grad(self, G, Arg, T):
        if G.shape != Arg.shape:
            raise ShapeError("max_pool_grad: gradient {} and argmax {} differ".format(G.shape, Arg.shape))
        m = G.shape[0]
        out = self._new(m, T.n, "pooled gradient")
        if T.tiles:
            self._launch_grid("max_pool_grad_tiles", T.count, m, T.count, m, T.k, T.n,
                              G.buf, Arg.buf, T.buf, out.buf)
        else:
            self._launch_grid("max_pool_grad", T.n, m, T.n, m, T.count, T.width,
                              G.buf, Arg.buf, T.invj_buf, T.invq_buf, out.buf)
        return out
