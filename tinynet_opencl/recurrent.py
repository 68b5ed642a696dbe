"""The operations recurrent networks add, on the device: sum_squares, stack_rows, split_rows.

A mixin of ``OpenCLBackend``: it uses the backend's launches, its memory
pool (``_new``) and its device-failure handling.  Stacking and splitting
copy rows between buffers on the device (``enqueue_copy`` with offsets:
a matrix's rows lie one after another in its buffer), so a sequence's
steps never leave the device.
"""

from tinynet.errors import ShapeError

from .context import load_pyopencl
from .programs import LOCAL_1D

__all__ = ["RecurrentOps"]


class RecurrentOps:
    """``sum_squares``, ``stack_rows`` and ``split_rows`` of ``OpenCLBackend``."""

    def sum_squares(self, A, acc):
        """acc += Σ a² (kernel ``sum_squares``, one work-group)."""
        if A.size:
            self._launch("sum_squares", (LOCAL_1D,), (LOCAL_1D,), A.size, A.buf, acc.buf)

    def stack_rows(self, matrices):
        """[A; B; …]: one new matrix holding the rows of each, in order."""
        cols = matrices[0].shape[1]
        for M in matrices:
            if M.shape[1] != cols:
                raise ShapeError("stack_rows: widths {} do not match".format(
                    " and ".join(str(X.shape) for X in matrices)))
        C = self._new(sum(M.shape[0] for M in matrices), cols)
        offset = 0
        for M in matrices:
            self._copy_rows(C, offset, M, 0, M.size)
            offset += M.size
        return C

    def split_rows(self, M, parts):
        """M cut into ``parts`` new matrices of M.rows/parts rows each."""
        rows, cols = M.shape
        if parts < 1 or rows % parts:
            raise ShapeError("split_rows: {} rows cannot be cut into {} equal parts".format(rows, parts))
        m = rows // parts
        pieces = []
        for k in range(parts):
            C = self._new(m, cols)
            self._copy_rows(C, 0, M, k * m * cols, m * cols)
            pieces.append(C)
        return pieces

    def _copy_rows(self, dst, dst_entry, src, src_entry, count):
        """Copy ``count`` entries of src (from entry src_entry) into dst (at dst_entry)."""
        if count == 0:
            return
        cl, _ = load_pyopencl()
        if self._recording is not None:
            self._recording.refuse("it copies rows between matrices")
        self._alive()
        size = self._np_dtype.itemsize
        try:
            cl.enqueue_copy(self.queue, dst.buf, src.buf, byte_count=count * size,
                            src_offset=src_entry * size, dst_offset=dst_entry * size)
        except cl.Error as error:
            raise self._device_error("copying rows", error) from error
        self.launches += 1
