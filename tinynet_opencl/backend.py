"""The OpenCL backend: every operation of tinynet's seam as a device kernel.

A matrix is a ``CLMatrix``: a device buffer of float32 (or float64) entries,
row-major, and its shape, which is kept on the host.  ``array`` uploads and
``to_list`` downloads; every other operation only queues kernels, so a whole
training run stays on the device and the host waits for it only in
``to_list``, ``read`` (an accumulator: the loss is summed on the device) and
``argmax_rows``.

Differences from the reference (``tinynet.python_backend``), by design:

* float32 arithmetic (``tolerance = (1e-5, 1e-5)``, relative and absolute;
  the conformance suite scales it by the length of each sum in a product).
  ``OpenCLBackend(dtype="float64")`` (or ``TINYNET_OPENCL_DTYPE=float64``)
  computes in double precision where the device has ``cl_khr_fp64``, with
  ``tolerance = (1e-12, 1e-12)``, for gradient checks;
* ``uniform``, ``dropout_mask`` and ``bernoulli`` use the same counter-based
  hash as the reference, so masks are identical, bit for bit.

Fused operations (one kernel launch each): ``dense_forward`` (product, bias,
activation), ``backprop_delta`` (product and g'), every loss (gradient and
loss sum; the classification losses count the correct rows too),
``dropout_mask``, and ``sgd_steps``/``momentum_steps``/``adam_steps`` (four
parameter matrices per launch).

Deferred results (``tinynet_opencl.deferred``): a batch from ``take_rows``
or ``take_rows_pair`` is read in place by the kernels that use it;
``dense_grads`` is computed inside the optimiser step that uses it
(``dense_grads_step``: gradient and update of a layer, one launch); an
output layer's forward pass, its loss and delta D (softmax and the
cross-entropy, linear and the squared error, sigmoid and the logistic loss),
the delta of the layer below and the layer's own gradient and optimiser step
are one launch (``output_step``, made by the optimiser step that finds the
loss waiting).
Anything else that reads such a result computes it first, with its own
launch. A training step of a two-layer MLP is therefore 3 launches, batch
included.
``launches`` counts the kernels (and device copies and fills) queued so far.

A network's first layer (a Dense layer reading a batch in place) keeps its
weights, and their optimiser state, transposed as well (``CLMatrix.t``): its
forward pass reads Wᵀ (``dense_forward_t``: every product adds into whole
vectors of results, where A·Wᵀ must add each result's vector across at the
end) and its step writes Wᵀ (``dense_grads_step_t``). W itself is brought up
to date only when something reads it (``deferred.Untranspose``), and any
other write to W drops the transposed copy (docs/opencl.md has what it
measured).

Captured steps (``tinynet_opencl.capture``): ``captured(step)``, which
``fit`` uses, records the kernels of a training step and replays them for
the later batches without running the step's Python: the same kernels on
the same buffers, pointed at each new batch's row numbers.

Three parts of the class live in modules of their own: the optimiser steps
(``tinynet_opencl.steps``), the gathers of Conv2D and pooling
(``tinynet_opencl.gathers``) and what happens when the device fails mid-run
(``tinynet_opencl.failures``: the error, and the weights kept on the host).

>>> B = OpenCLBackend()                                   # doctest: +SKIP
>>> B.to_list(B.matmul_nt(B.array([[1, 2]]), B.array([[3, 4], [5, 6]])))  # doctest: +SKIP
[[11.0, 17.0]]
"""

import itertools
import math
import os
from array import array

from tinynet.backend import ACTIVATIONS, Backend
from tinynet.errors import BackendError, DataError, ShapeError

from . import kernels
from .capture import Captured
from .deferred import Gather, OutputForward, OutputStep
from .context import WHAT_TO_DO, choose_device, device_summary, driver_error, load_pyopencl
from .failures import DeviceFailures
from .gathers import ReceptiveFields
from .products import FUSED_LOSS_ROWS, OUTPUT_PAIRS, PACK_ROW_BYTES, Products
from .programs import LOCAL_1D, LOCAL_2D, context_for, kernels_for
from .recurrent import RecurrentOps
from .steps import OptimiserSteps
from .unsupervised import UnsupervisedOps

#: the array.array type code of a 32-bit int (the kernels' row numbers)
_INT32 = "i" if array("i").itemsize == 4 else "l"

__all__ = ["OpenCLBackend", "CLMatrix"]

# Set by _require() when the first backend is created, so that importing this
# module needs neither pyopencl nor numpy.
cl = np = None


def _require():
    global cl, np
    cl, np = load_pyopencl()


def _round_up(n, multiple):
    return max(1, -(-n // multiple)) * multiple


class CLMatrix:
    """A matrix on the device: ``buf`` (a pyopencl Buffer) and ``shape``.

    ``job`` is set while the matrix is a deferred result (``deferred``):
    reading ``buf`` then computes it first.  ``t``: the same matrix
    transposed, kept for a network's first layer (its weights and their
    optimiser state), whose forward pass and step read and write only that
    (``OpenCLBackend._transposed``); None for every other matrix.  ``host``:
    its last copy on the host from ``mirror``, read if the device fails.
    """

    __slots__ = ("_buf", "shape", "job", "t", "host", "__weakref__")

    def __init__(self, buf, rows, cols):
        self._buf = buf
        self.shape = (rows, cols)
        self.job = None
        self.t = None
        self.host = None

    @property
    def buf(self):
        if self.job is not None:
            self.job.run()
        return self._buf

    @buf.setter
    def buf(self, buf):
        self._buf = buf

    @property
    def size(self):
        return self.shape[0] * self.shape[1]

    def __repr__(self):
        return "<CLMatrix {}x{}>".format(*self.shape)


class OpenCLBackend(Products, OptimiserSteps, ReceptiveFields, RecurrentOps, UnsupervisedOps, DeviceFailures,
                    Backend):
    """tinynet's matrix operations as OpenCL kernels on one device.

    ``device``: "P:D" (platform and device index), "P", or part of a device
    or platform name; default: ``PYOPENCL_CTX``, else the best device (a GPU
    before a CPU).  ``dtype``: "float32" (default, or ``TINYNET_OPENCL_DTYPE``)
    or "float64" (needs cl_khr_fp64).  ``tiles``: "cpu" or "gpu", the block
    shapes of the products (default: by the device's type, or
    ``TINYNET_OPENCL_TILES``; see ``programs.tiles_for``).  Never prompts.
    """

    name = "opencl"
    #: float32: a relative and an absolute error of about 100 float32 ulps.
    tolerance = (1e-5, 1e-5)

    def __init__(self, device=None, dtype=None, tiles=None, capture=None):
        _require()
        self._cl = cl
        if dtype is None:
            dtype = os.environ.get("TINYNET_OPENCL_DTYPE", "").strip() or "float32"
        if dtype not in ("float32", "float64"):
            raise BackendError("dtype must be 'float32' or 'float64', not {!r}".format(dtype))
        try:
            self.device = choose_device(device)
        except cl.Error as error:
            raise BackendError("listing the OpenCL devices failed: {}. Try: {}.".format(
                str(error).strip().splitlines()[0], WHAT_TO_DO)) from error
        try:
            self._open(dtype, tiles)
        except cl.Error as error:           # anything the driver says: a BackendError
            raise driver_error(self.device, "creating the OpenCL backend", error) from error
        except BackendError as error:         # for tinynet info: the devices, and what failed
            from .probe import device_lines
            tried = ["      " + line.replace("\n", "\n      ")
                     for line in getattr(error, "probe_lines", [])]
            try:
                error.report = "\n".join(device_lines(self.device, tried))
            except (cl.Error, BackendError):
                error.report = "\n".join(tried)
            raise
        if capture is None:
            capture = os.environ.get("TINYNET_OPENCL_CAPTURE", "1").strip() not in ("0", "no", "off")
        #: Whether ``captured`` records and replays training steps (``capture``).
        self.capture = bool(capture)

    def _open(self, dtype, tiles):
        """The context, the blocks (probed: ``probe.choose``) and the kernels."""
        if dtype == "float64":
            if "cl_khr_fp64" not in self.device.extensions:
                raise BackendError("{} has no float64 support (cl_khr_fp64); use "
                                   "dtype='float32'".format(self.device.name.strip()))
            self.tolerance = (1e-12, 1e-12)
        self.dtype = dtype
        self._np_dtype = np.dtype(dtype)
        #: The vector width and block shapes the kernels are built for, and
        #: what the probe said about each shape tried (``probe.choose``).
        from .probe import choose           # here: python -m tinynet_opencl.probe runs it
        self.tiles, self.blocks_report = choose(self.device, dtype, tiles)
        self.context, self.queue, self._pool = context_for(self.device)
        self.vector_width = self.tiles.vw
        self._block_cols = 2 * self.vector_width
        self._kernels = kernels_for(self.context, dtype, self.tiles)
        self._max_alloc = self.device.max_mem_alloc_size
        #: Bytes past every matrix's entries: a product's block at the right edge
        #: reads whole vectors of 2VW entries (kernels.products), so the last
        #: row's may run 2VW - 1 entries past the end.
        self._pad_bytes = 2 * self.vector_width * self._np_dtype.itemsize
        #: When ``matmul`` packs B into panels first: "auto" on a CPU device
        #: (see PACK_ROW_BYTES), "never" on a GPU, whose work-items read B's
        #: rows side by side as they are; "always" (for the tests).
        self.packing = "auto" if self.device.type & cl.device_type.CPU else "never"
        #: The number of kernels, copies and fills queued by this object.
        self.launches = 0
        #: Deferred softmax forward passes not yet run (they read W and b).
        self._forward_jobs = []
        #: Softmax output layers' loss launches waiting for their optimiser step.
        self._output_jobs = []
        # the index argument of a kernel that reads rows in order (never read)
        self._no_index = cl.Buffer(self.context, cl.mem_flags.READ_ONLY, 4)
        #: The Recording of the call being captured, if any (capture.Captured).
        self._recording = None
        self._spare_kernels = {}                    # name -> Kernel objects for replays
        #: ``assign`` calls so far: each gives a matrix a new buffer, which a
        #: captured step recorded before it would not see (it records again).
        self.assignments = 0
        self.failed = None                          # when the device fails: DeviceFailures
        self._mirrors = []                          # host copies in flight
        self._mirrored = 0                          # matrices with a host copy

    def describe(self):
        return "opencl ({}, {})".format(device_summary(self.device), self.dtype)

    def device_report(self):
        """The OpenCL devices, one line each ('*' marks the one in use, an
        unusable one says why), and the blocks chosen and why (``tinynet info``)."""
        from .probe import cache_file, device_lines
        from .programs import compiler_target
        lines = []
        t = self.tiles
        target = compiler_target(self.device)
        lines.append("    products in blocks of {}x{} (A.B, and a first layer's W transposed) and {}x{} "
                     "(dense_forward), vectors of {} (TINYNET_OPENCL_TILES=cpu|cpu16|cpu8|gpu|small); "
                     "the compiler targets {}, native vectors of {} {}".format(
                         t.block_rows, 2 * t.vw, t.nt_rows, t.nt_cols, t.vw,
                         target or "(the driver does not say)",
                         self.device.native_vector_width_double if self.dtype == "float64"
                         else self.device.native_vector_width_float,
                         "doubles" if self.dtype == "float64" else "floats"))
        for line in self.blocks_report:
            lines.append("      " + line.replace("\n", "\n      "))
        lines.append("      (each shape is run once in a child process first; verdicts kept in {}; "
                     "python -m tinynet_opencl.probe --clear forgets them)".format(cache_file()))
        if self.packing == "auto":
            lines.append("    A.B packs B into panels of {} columns first when its rows are {} bytes or "
                         "more apart, or its last panel is short".format(2 * t.vw, PACK_ROW_BYTES))
        lines.append("    training steps {} (TINYNET_OPENCL_CAPTURE=0|1)".format(
            "captured and replayed" if self.capture else "run in full, not captured"))
        return "\n".join(device_lines(self.device, lines))

    def _index(self):
        """This backend's device as "P:D"."""
        for p, platform in enumerate(cl.get_platforms()):
            for d, device in enumerate(platform.get_devices()):
                if device.int_ptr == self.device.int_ptr:
                    return "{}:{}".format(p, d)
        return None

    # === Plumbing ===========================================================

    def _nbytes(self, rows, cols, what):
        """The size of a rows x cols matrix; one too large for the device is an error."""
        nbytes = max(rows * cols, 1) * self._np_dtype.itemsize
        if nbytes > self._max_alloc:
            raise BackendError(
                "out of device memory: the {} matrix ({} x {}, {:.1f} MiB) is larger than "
                "the largest buffer {} can hold ({:.1f} MiB)".format(
                    what, rows, cols, nbytes / 2**20, self.device.name.strip(),
                    self._max_alloc / 2**20))
        return nbytes

    def _later(self, rows, cols, what="result"):
        """A matrix without a buffer yet, for a deferred result (the size is checked now)."""
        self._nbytes(rows, cols, what)
        return CLMatrix(None, rows, cols)

    def _new(self, rows, cols, what="result"):
        """An uninitialised rows x cols matrix on the device."""
        nbytes = self._nbytes(rows, cols, what)
        try:
            buf = self._pool.allocate(nbytes + self._pad_bytes)
        except (cl.Error, MemoryError) as error:
            raise BackendError("out of device memory allocating the {} matrix "
                               "({} x {}, {:.1f} MiB): {}".format(
                                   what, rows, cols, nbytes / 2**20, error)) from error
        if self._recording is not None:
            self._recording.made.add(id(buf))
        return CLMatrix(buf, rows, cols)

    def finish(self):
        """Wait until every queued kernel has run (for timing; ops never wait)."""
        self._alive()
        try:
            self.queue.finish()
        except cl.Error as error:
            raise self._device_error("", error) from error
        self._mirrors_arrived()

    def _launch(self, name, global_size, local_size, *args):
        """Queue one kernel; never waits for it."""
        self._alive()
        kernel = self._kernels[name]
        if self._recording is not None:
            self._recording.launches.append((name, global_size, local_size, args))
        try:
            kernel.set_args(*args)
            cl.enqueue_nd_range_kernel(self.queue, kernel, global_size, local_size)
        except cl.Error as error:
            raise self._device_error("in kernel {!r}".format(name), error) from error
        self.launches += 1

    def _launch_1d(self, name, n, *args):
        """n work-items (rounded up to whole work-groups)."""
        if n > 0:
            self._launch(name, (_round_up(n, LOCAL_1D),), (LOCAL_1D,), *args)

    def _launch_v(self, name, n, *args):
        """Enough work-items for n entries, VW entries each."""
        if n > 0:
            self._launch(name, (_round_up(-(-n // self.vector_width), LOCAL_1D),),
                         (LOCAL_1D,), *args)

    def _launch_rows(self, name, rows, cols, *args):
        """Work-item (x, r) for entries x*VW.. of row r."""
        if rows > 0 and cols > 0:
            self._launch_2d(name, -(-cols // self.vector_width), rows, *args)

    def _launch_grid(self, name, cols, rows, *args):
        """Work-item (e, s) for entry e < cols of each of `rows` rows, in work-groups
        along a row (neighbouring work-items touch neighbouring entries)."""
        if cols > 0 and rows > 0:
            self._launch(name, (_round_up(cols, LOCAL_1D), rows), (LOCAL_1D, 1), *args)

    def _launch_2d(self, name, cols, rows, *args):
        """A 2-D launch over `cols` x `rows` work-items (x is the column).  A
        grid of a few rows gets a work-group per row, so that a small product
        (a convolution's dW) still runs on every compute unit."""
        if cols > 0 and rows > 0:
            if rows < LOCAL_2D[1]:
                self._launch(name, (_round_up(cols, LOCAL_2D[0]), rows), (LOCAL_2D[0], 1), *args)
            else:
                self._launch(name, (_round_up(cols, LOCAL_2D[0]), _round_up(rows, LOCAL_2D[1])),
                             LOCAL_2D, *args)

    def _wait_read(self, host, buf, what):
        self._alive()
        while self._output_jobs:                    # they add into accumulators in place
            self._output_jobs[0].run()
        if self._recording is not None:
            self._recording.refuse("it reads {} from the device".format(what))
        try:
            cl.enqueue_copy(self.queue, host, buf)      # blocking: waits for the queue
        except cl.Error as error:
            raise self._device_error("while reading " + what, error) from error
        self._mirrors_arrived()
        return host

    @staticmethod
    def _same(op, *matrices):
        shape = matrices[0].shape
        for M in matrices[1:]:
            if M.shape != shape:
                raise ShapeError("{}: shapes {} do not match".format(
                    op, " and ".join(str(X.shape) for X in matrices)))

    @staticmethod
    def _kind(name):
        if name not in ACTIVATIONS:
            raise ValueError("unknown activation {!r}; known: {}".format(
                name, ", ".join(ACTIVATIONS)))
        return kernels.ACTIVATION_KINDS[name]

    # === Edges ==============================================================

    def array(self, rows):
        """Upload a list of rows (or anything numpy reads as 2-D)."""
        if isinstance(rows, CLMatrix):
            return self.copy(rows)
        host = self._host_rows(rows)
        if host.ndim == 1 and host.size == 0:
            host = host.reshape(0, 0)
        if host.ndim != 2:
            raise ShapeError("array() needs a list of rows (2-D), got {} dimension(s)".format(
                host.ndim))
        rows_n, cols = host.shape
        self._nbytes(rows_n, cols, "uploaded")
        if host.size == 0:
            return self._new(rows_n, cols)
        if self._recording is not None:
            self._recording.refuse("it uploads a matrix from the host")
        padded = np.zeros(host.size + self._pad_bytes // host.itemsize, dtype=host.dtype)
        padded[:host.size] = host.ravel()
        try:
            buf = cl.Buffer(self.context, cl.mem_flags.READ_WRITE | cl.mem_flags.COPY_HOST_PTR,
                            hostbuf=padded)
        except cl.Error as error:
            raise BackendError("out of device memory uploading a {} x {} matrix: {}".format(
                rows_n, cols, error)) from error
        return CLMatrix(buf, rows_n, cols)

    def _host_rows(self, rows):
        """``rows`` as a 2-D numpy array of the backend's dtype.

        A list of equal-length lists goes through ``np.fromiter`` over the
        chained rows: one pass in C, measured 1.2–2× faster than
        ``np.array`` on the 4,649 × 256 digits (the data ``fit`` uploads).
        Anything else, or anything fromiter refuses, goes to ``np.array``.
        A finite number beyond the dtype's range is a DataError, not an inf.
        """
        try:
            with np.errstate(over="raise"):
                return self._convert_rows(rows)
        except FloatingPointError:
            limit = float(np.finfo(self._np_dtype).max)
            raise DataError("a number is too large for {} (beyond ±{:.2g}), the OpenCL backend's "
                            "numbers: scale the data, or use tinynet.use(\"opencl\", dtype=\"float64\")".format(
                                self.dtype, limit)) from None

    def _convert_rows(self, rows):
        if isinstance(rows, list) and rows and type(rows[0]) in (list, tuple):
            width = len(rows[0])
            if width and all(type(row) in (list, tuple) and len(row) == width for row in rows):
                try:
                    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=self._np_dtype,
                                       count=len(rows) * width)
                    return flat.reshape(len(rows), width)
                except (ValueError, TypeError, OverflowError):
                    pass
        return np.array(rows, dtype=self._np_dtype)

    def to_list(self, M):
        return self.to_numpy(M).astype(float).tolist()

    def to_numpy(self, M):
        """The matrix as a numpy array (waits for the device).  Once the device
        has failed, a matrix's copy from ``mirror`` (a network's weights)."""
        if self.failed is not None and M.host is not None:
            return M.host.copy()
        host = np.empty(M.shape, dtype=self._np_dtype)
        if M.size:
            self._wait_read(host, M.buf, "a {} x {} matrix".format(*M.shape))
        return host

    def shape(self, M):
        return M.shape

    def full(self, rows, cols, value):
        M = self._new(rows, cols)
        if self._recording is not None:
            self._recording.refuse("it fills a new matrix")
        if M.size:
            self._alive()
            try:
                cl.enqueue_fill_buffer(self.queue, M.buf, self._np_dtype.type(value), 0,
                                       M.size * self._np_dtype.itemsize)
            except cl.Error as error:
                raise self._device_error("filling a matrix", error) from error
            self.launches += 1
        return M

    def zeros(self, rows, cols):
        return self.full(rows, cols, 0.0)

    def copy(self, M):
        C = self._new(*M.shape)
        self._copy_into(C, M)
        return C

    def _copy_into(self, dst, src):
        if self._recording is not None:
            self._recording.refuse("it copies a matrix")
        if src.size:
            self._alive()
            try:
                cl.enqueue_copy(self.queue, dst.buf, src.buf,
                                byte_count=src.size * self._np_dtype.itemsize)
            except cl.Error as error:
                raise self._device_error("copying a matrix", error) from error
            self.launches += 1

    def assign(self, dst, src):
        """dst takes src's values (and shape, like the reference) in a new buffer:
        a deferred job that read dst's old buffer still finds what it read."""
        fresh = self.copy(src)
        dst.buf, dst.shape, dst.job, dst.t = fresh.buf, fresh.shape, None, None
        self.assignments += 1                       # a captured step's buffers may be stale

    # === Weights kept transposed ============================================

    def _transposed(self, M):
        """M's transposed twin ``M.t``, made (one launch) the first time.

        A first layer's forward pass reads its weights as Wᵀ (``dense_forward_t``
        adds into whole vectors of results, where ``dense_forward`` must sum
        each result across a vector) and its step writes Wᵀ and the optimiser
        state transposed (``dense_grads_step_t``); ``M`` itself is brought up
        to date only when read (``deferred.Untranspose``).
        """
        if M.t is None:
            rows, cols = M.shape
            T = self._new(cols, rows, "transposed weights")
            self._launch_2d("transpose", cols, rows, rows, cols, M.buf, T.buf)
            M.t = T
        return M.t

    def _transpose(self, M):
        """Mᵀ as a new matrix (one launch), for this use only."""
        rows, cols = M.shape
        T = self._new(cols, rows, "transposed weights")
        self._launch_2d("transpose", cols, rows, rows, cols, M.buf, T.buf)
        return T

    def _writes(self, *matrices):
        """Before a kernel writes these matrices themselves: the up-to-date
        numbers into each, and its transposed twin (now to be stale) dropped."""
        for M in matrices:
            if M.t is not None:
                M.buf                               # brings M up to date
                M.t = None
                self.assignments += 1               # a captured step wrote the twin

    def _row_indices(self, rows, indices, op="take_rows"):
        """The indices as int32 on the host (an ``array.array``: quicker to
        make from a short list than a NumPy array), negative ones counted
        from the end."""
        if type(indices) is not list:
            indices = list(indices)
        if indices:
            lowest = min(indices)
            if lowest < -rows or max(indices) >= rows:
                raise IndexError("{}: a row index is out of range for {} rows".format(op, rows))
            if lowest < 0:
                indices = [i + rows if i < 0 else i for i in indices]
        try:
            return array(_INT32, indices)
        except TypeError as error:
            raise TypeError("{}: row indices must be whole numbers ({})".format(op, error)) from None

    def _index_buffer(self, idx):
        # a new buffer, filled from the host when it is made: no queued copy
        if self._recording is not None:
            self._recording.refuse("it uploads row numbers from the host")
        return cl.Buffer(self.context, cl.mem_flags.READ_ONLY | cl.mem_flags.COPY_HOST_PTR,
                         hostbuf=idx)

    def take_rows(self, M, indices):
        """M's rows `indices`, deferred: kernels that know it read them in place."""
        rows, cols = M.shape
        idx = self._row_indices(rows, indices)
        C = self._later(len(idx), cols, "batch")
        if C.size:
            Gather(self, M.buf, self._index_buffer(idx), C)
        else:
            C.buf = self._new(len(idx), cols).buf
        return C

    def take_rows_pair(self, X, T, indices):
        """(X[indices], T[indices]), both deferred, sharing one index upload."""
        if X.shape[0] != T.shape[0]:        # negative indices differ: one at a time
            return super().take_rows_pair(X, T, indices)
        idx = self._row_indices(X.shape[0], indices, "take_rows_pair")
        (_, cx), (_, ct) = X.shape, T.shape
        CX, CT = self._later(len(idx), cx, "batch"), self._later(len(idx), ct, "batch targets")
        if not idx:
            CX.buf, CT.buf = self._new(0, cx).buf, self._new(0, ct).buf
            return CX, CT
        idx_buf = self._index_buffer(idx)
        Gather(self, X.buf, idx_buf, CX)
        Gather(self, T.buf, idx_buf, CT)
        return CX, CT

    def _rows(self, M):
        """(buffer, index buffer, gather) for a kernel reading M's rows: a
        deferred batch is read in place from its data set (gather = 1)."""
        job = M.job
        if type(job) is Gather:
            return job.source, job.idx, 1
        return M.buf, self._no_index, 0

    # === Elementwise and reductions =========================================

    def _binary(self, op, code, A, B):
        self._same(op, A, B)
        C = self._new(*A.shape)
        self._launch_v("binary", C.size, C.size, code, A.buf, B.buf, C.buf)
        return C

    def add(self, A, B):
        return self._binary("add", 0, A, B)

    def sub(self, A, B):
        return self._binary("sub", 1, A, B)

    def mul(self, A, B):
        return self._binary("mul", 2, A, B)

    def less(self, A, B):
        return self._binary("less", 3, A, B)

    def scale(self, A, s):
        C = self._new(*A.shape)
        self._launch_v("scale", C.size, C.size, s, A.buf, C.buf)
        return C

    def add_row(self, A, b):
        if b.shape != (1, A.shape[1]):
            raise ShapeError("add_row: row {} does not fit {}".format(b.shape, A.shape))
        C = self._new(*A.shape)
        self._launch_rows("add_row", A.shape[0], A.shape[1], A.shape[0], A.shape[1],
                          A.buf, b.buf, C.buf)
        return C

    def sum_rows(self, A, alpha=1.0):
        rows, cols = A.shape
        C = self._new(1, cols)
        self._launch_v("sum_rows", cols, rows, cols, alpha, A.buf, C.buf)
        return C

    def activation(self, name, Z, alpha=0.01):
        kind = self._kind(name)
        A = self._new(*Z.shape)
        if name == "softmax":
            self._launch_1d("softmax_rows", Z.shape[0], Z.shape[0], Z.shape[1], Z.buf, A.buf)
        else:
            self._launch_v("activation", Z.size, Z.size, kind, alpha, Z.buf, A.buf)
        return A

    def activation_grad(self, name, Z, A, G, alpha=0.01):
        kind = self._kind(name)
        self._same("activation_grad", Z, A, G)
        C = self._new(*Z.shape)
        if name == "softmax":
            self._launch_1d("softmax_grad_rows", Z.shape[0], Z.shape[0], Z.shape[1],
                            A.buf, G.buf, C.buf)
        else:
            self._launch_v("activation_grad", Z.size, Z.size, kind, alpha,
                            Z.buf, A.buf, G.buf, C.buf)
        return C

    # === Losses and counts ==================================================

    def accumulator(self):
        return self.array([[0.0]])

    def read(self, acc):
        host = np.empty(1, dtype=self._np_dtype)
        return float(self._wait_read(host, acc.buf, "an accumulator")[0])

    def _reduce(self, name, *args):
        """A one-work-group kernel that adds its total into an accumulator."""
        self._launch(name, (LOCAL_1D,), (LOCAL_1D,), *args)

    def squared_error(self, A, T, acc, scale=0.5):
        self._same("squared_error", A, T)
        D = self._new(*A.shape)
        if self._joins_output(A, "squared_error"):             # a linear output layer's
            OutputStep(self, A.job, "squared_error", scale, *A.shape, self._rows(T), acc.buf, 0,
                       acc.buf, D)
            return D
        self._reduce("squared_error", A.shape[0], A.shape[1], scale, A.buf, *self._rows(T),
                     D.buf, acc.buf)
        return D

    def _joins_output(self, A, loss):
        """Whether the loss ``loss`` of A waits with A's forward pass for the
        optimiser step, to be one launch with it (output_step)."""
        job = A.job
        return (type(job) is OutputForward and A.shape[0] <= FUSED_LOSS_ROWS
                and OUTPUT_PAIRS[job.name] == loss)

    def _shortcut_loss(self, name, Z, A, T, acc, correct):
        """A loss whose output delta is A − T: one kernel sums the loss, writes the
        delta and, given a `correct` accumulator, counts the rows classified right.

        The loss of an output layer whose forward pass is still waiting (a
        batch of up to FUSED_LOSS_ROWS rows; the cross-entropy of softmax, the
        logistic loss of sigmoid) waits too, as an OutputStep: the optimiser
        step launches it (output_step) with the forward pass, the delta of the
        layer below and the layer's own gradient and step.
        """
        self._same(name, Z, A, T)
        D = self._new(*A.shape)
        count = int(correct is not None)
        rows, cols = A.shape
        if Z.job is A.job and self._joins_output(A, name):
            OutputStep(self, Z.job, name, 0.0, rows, cols, self._rows(T), acc.buf, count,
                       (correct if count else acc).buf, D)
            return D
        self._reduce(name, rows, cols, Z.buf, A.buf, *self._rows(T), D.buf, acc.buf, count,
                     (correct if count else acc).buf)
        return D

    def _output_step(self, job, step=None):
        """The launch of an OutputStep (deferred.OutputStep.run)."""
        k, A, W, b = job.layer
        stand_in = job.Z
        below = (1, *job.below) if job.below else (0, stand_in, stand_in, stand_in, 0, 0.0)
        if step is None:
            step = (0, stand_in, stand_in, stand_in, stand_in, 0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0,
                    0.0, 0.0)
        else:
            step = (1, *step)
        self._reduce("output_step", job.rows, job.cols, job.Z, job.Act, *job.loss_args, k, A, W,
                     b, *below, *step)

    def softmax_cross_entropy(self, Z, A, T, acc, correct=None):
        return self._shortcut_loss("softmax_cross_entropy", Z, A, T, acc, correct)

    def logistic_loss(self, Z, A, T, acc, correct=None):
        return self._shortcut_loss("logistic_loss", Z, A, T, acc, correct)

    def count_correct(self, A, T, acc):
        self._same("count_correct", A, T)
        self._reduce("count_correct", A.shape[0], A.shape[1], A.buf, *self._rows(T), acc.buf)

    def argmax_rows(self, A):
        rows, cols = A.shape
        out = cl.Buffer(self.context, cl.mem_flags.READ_WRITE, max(rows, 1) * 4)
        self._launch_1d("argmax_rows", rows, rows, cols, A.buf, out)
        host = np.empty(rows, dtype=np.int32)
        if rows:
            self._wait_read(host, out, "argmax_rows")
        return host.tolist()

    # === Running a step many times ==========================================

    def captured(self, step, on_replay=None):
        """``step`` recorded and replayed (``tinynet_opencl.capture``): once two
        calls in a row queue the same kernels, later calls on a batch of the
        same shape queue them again without running ``step``'s Python."""
        if not self.capture:
            return step
        return Captured(self, step, on_replay)

    # === Randomness =========================================================

    def uniform(self, rows, cols, seed, counter):
        U = self._new(rows, cols)
        self._launch_v("uniform", U.size, U.size, seed & 0xFFFFFFFF, counter & 0xFFFFFFFF, U.buf)
        return U

    def dropout_mask(self, rows, cols, p, seed, counter):
        """0 with probability p, else 1/(1−p): exactly the reference's mask."""
        # keep where u > p, u = k/2^24  <=>  k > floor(p·2^24), exact in integers
        k_p = max(-1, min(math.floor(p * 16777216.0), 16777216))
        M = self._new(rows, cols, "dropout mask")
        self._launch_v("dropout_mask", M.size, M.size, seed & 0xFFFFFFFF,
                        counter & 0xFFFFFFFF, k_p, 1.0 / (1.0 - p) if p < 1 else 0.0, M.buf)
        return M

    def bernoulli(self, P, seed, counter):
        S = self._new(*P.shape)
        self._launch_v("bernoulli", S.size, S.size, seed & 0xFFFFFFFF,
                        counter & 0xFFFFFFFF, P.buf, S.buf)
        return S
