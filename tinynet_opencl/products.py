"""The products and a dense layer's fused passes, on the device.

``matmul`` (A·B), ``matmul_nt`` (A·Bᵀ), ``matmul_tn`` (Aᵀ·B) and the
reference ``matmul_naive``; and the fusions of a dense layer: the forward
pass Z = A·Wᵀ + b with g (``dense_forward``), the hidden delta
g'(z)·(δ·W) (``backprop_delta``) and the gradients (``dense_grads``), each
one launch of ``kernels.products`` (or deferred until an optimiser step or
the loss takes it, ``deferred``).

A mixin of ``OpenCLBackend``: it uses the backend's launches and buffers.
"""

from tinynet.errors import ShapeError

from .deferred import Gather, Grads, OutputForward, OutputStep
from .programs import LOCAL_1D

__all__ = ["Products", "OUTPUT_FUSED_MAX", "OUTPUT_PAIRS", "FUSED_LOSS_ROWS", "PACK_ROW_BYTES",
           "PACK_MIN_K", "TALL_ROWS"]

#: Softmax layers with at most this many outputs run as one row-per-work-item
#: kernel (product, bias and softmax together); wider ones as two launches.
#: Up to this width a layer that may be the output layer (softmax; linear or
#: sigmoid past the first layer) waits for its loss (deferred.OutputForward).
OUTPUT_FUSED_MAX = 64
#: The output layers whose forward pass waits for the loss, and that loss.
OUTPUT_PAIRS = {"softmax": "softmax_cross_entropy", "linear": "squared_error",
                "sigmoid": "logistic_loss"}
#: A deferred output layer's forward pass of at most this many rows is done inside the
#: output_step kernel with its loss, which runs as one work-group (larger
#: batches, as in ``evaluate``, gain from the row-parallel kernel instead).
FUSED_LOSS_ROWS = 4 * LOCAL_1D
#: On a CPU device ``matmul`` packs B into panels first (``pack_panels``) when
#: B's rows are at least this many bytes apart (a page: each k a new one) and
#: K is at least PACK_MIN_K, or when its last panel is not whole (N not a
#: multiple of 2VW).
#: Measured on pocl, 2 cores (AVX-512), packed against not: square n = 1024
#: 0.5x the time, 512 1.0-1.26x, 256 1.3x (one more launch); short last
#: panels: 1000 0.7x, 500 0.6x, 240 0.7-0.85x; batch-32 products 32 x n x n:
#: n = 1024 0.6-1.1x, 512 1.2-1.5x, 240 0.9-1.1x.  On the 2-core AMD EPYC (AVX2), one
#: thread, with edge blocks read as whole vectors: 32 x 500 x 500 0.82x, 32 x 1000 x
#: 1000 0.97x, 500 x 500 x 500 0.78x, 1000 cubed 0.73x, 64 x 72 x 100 1.11x.
PACK_ROW_BYTES = 4096
PACK_MIN_K = 64
#: A forward pass over at least this many rows (a convolution's windows:
#: batch x positions) transposes W first (one small launch) and runs
#: ``dense_forward_t``, which adds into whole vectors of results.  Measured on
#: pocl, one thread (AVX2, 8-wide), rows x outputs x inputs, against one dot
#: product per output: 8192 x 8 x 9 2.7x faster, 8192 x 4 x 36 1.2x, 8192 x 12
#: x 36 3.1x, 2048 x 16 x 72 2.6x, 8192 x 32 x 288 1.8x.
TALL_ROWS = 512


class Products:
    """matmul, matmul_nt, matmul_tn, matmul_naive, dense_forward, backprop_delta, dense_grads."""

    # === Products ===========================================================

    def matmul(self, A, B):
        """C = A·B: (m, k)(k, n) -> (m, n), register-blocked."""
        (m, k), (k2, n) = A.shape, B.shape
        if k != k2:
            raise ShapeError("matmul: {} · {} do not fit".format(A.shape, B.shape))
        C = self._new(m, n)
        panels, blocks = -(-n // self._block_cols), -(-m // self.tiles.block_rows)
        if self._packs(k, n):
            P = self._new(panels * k, self._block_cols, "packed B")
            self._launch_2d("pack_panels", panels, k, k, n, B.buf, P.buf)
            self._launch_2d("matmul_packed", panels, blocks, m, n, k, A.buf, P.buf, C.buf)
        else:
            self._launch_2d("matmul_nn", panels, blocks, m, n, k, A.buf, B.buf, 1.0, C.buf)
        return C

    def _packs(self, k, n):
        if self.packing == "auto":
            return k >= PACK_MIN_K and (n * self._np_dtype.itemsize >= PACK_ROW_BYTES
                                        or n % self._block_cols != 0)
        return self.packing == "always"

    def matmul_nt(self, A, B):
        """C = A·Bᵀ: (m, k)(n, k) -> (m, n); B is read by rows, not transposed."""
        (m, k), (n, k2) = A.shape, B.shape
        if k != k2:
            raise ShapeError("matmul_nt: {} · {}ᵀ do not fit".format(A.shape, B.shape))
        C = self._new(m, n)
        self._nt(A, B, None, -1, 0.0, C, C)
        return C

    def _nt(self, A, W, b, kind, slope, Z, Act):
        (m, k), n = A.shape, W.shape[0]
        self._launch_2d("dense_forward", -(-n // self.tiles.nt_cols),
                        -(-m // self.tiles.nt_rows), m, n, k, *self._rows(A), W.buf,
                        (b or Z).buf, 0 if b is None else 1, kind, slope, Z.buf, Act.buf)

    def matmul_tn(self, A, B, alpha=1.0):
        """C = alpha·Aᵀ·B: (k, m)(k, n) -> (m, n); A is read in place."""
        (k, m), (k2, n) = A.shape, B.shape
        if k != k2:
            raise ShapeError("matmul_tn: {}ᵀ · {} do not fit".format(A.shape, B.shape))
        C = self._new(m, n)
        self._launch_2d("matmul_tn", -(-n // self._block_cols), -(-m // self.tiles.block_rows),
                        m, n, k, A.buf, B.buf, alpha, C.buf)
        return C

    def matmul_naive(self, A, B, trans_a=False, trans_b=False, alpha=1.0):
        """alpha·op(A)·op(B) by the one-output-per-work-item reference kernel.

        Not part of the seam: the tests check the blocked kernels against it.
        """
        m, k = A.shape[::-1] if trans_a else A.shape
        k2, n = B.shape[::-1] if trans_b else B.shape
        if k != k2:
            raise ShapeError("matmul_naive: shapes do not fit")
        C = self._new(m, n)
        self._launch_2d("matmul_naive", n, m, m, n, k, A.buf, int(trans_a), B.buf,
                        int(trans_b), alpha, C.buf)
        return C

    # === Fused composites ===================================================

    def dense_forward(self, A, W, b, name, alpha=0.01):
        """(Z, g(Z)) with Z = A·Wᵀ + b: one launch (two for a softmax over > 64)."""
        kind = self._kind(name)
        (m, k), (n, k2) = A.shape, W.shape
        if k != k2 or b.shape != (1, n):
            raise ShapeError("dense_forward: input {}, weights {}, bias {} do not fit".format(
                A.shape, W.shape, b.shape))
        first = W.t is not None or type(A.job) is Gather   # a first layer: it reads Wᵀ
        if name in OUTPUT_PAIRS and n <= OUTPUT_FUSED_MAX and (name == "softmax" or not first):
            Z, Act = self._later(m, n, "Z"), self._later(m, n, "activation")
            OutputForward(self, A.buf, W.buf, b.buf, k, name, alpha, Z, Act)   # maybe the output
            return Z, Act
        Z, Act = self._new(m, n, "Z"), self._new(m, n, "activation")
        if name == "softmax":
            self._nt(A, W, b, -1, alpha, Z, Z)
            self._launch_1d("softmax_rows", m, m, n, Z.buf, Act.buf)
        elif first or m >= TALL_ROWS:
            WT = self._transposed(W) if first else self._transpose(W)
            a, a_idx, a_gather = self._rows(A)
            self._launch_2d("dense_forward_t", -(-n // self._block_cols),
                            -(-m // self.tiles.block_rows), m, n, k, a, WT.buf, 1.0, Z.buf,
                            a_idx, a_gather, b.buf, Act.buf, kind, alpha)
        else:
            self._nt(A, W, b, kind, alpha, Z, Act)
        return Z, Act

    def backprop_delta(self, delta, W, Z, A, name, alpha=0.01):
        """g'(Z) ⊙ (delta·W): one launch (two for softmax)."""
        kind = self._kind(name)
        (m, n_out), (n_out2, n_in) = delta.shape, W.shape
        if n_out != n_out2 or Z.shape != (m, n_in) or A.shape != (m, n_in):
            raise ShapeError("backprop_delta: delta {}, weights {}, cache {} do not fit".format(
                delta.shape, W.shape, Z.shape))
        if name == "softmax":
            return self.activation_grad(name, Z, A, self.matmul(delta, W), alpha)
        C = self._new(m, n_in, "delta")
        job = delta.job
        if type(job) is OutputStep and job.D is delta and job.below is None and \
                job.layer[2] is W.buf:
            job.add_below(C, Z.buf, A.buf, kind, alpha)      # computed in the loss's launch
            return C
        self._launch_2d("backprop_delta", -(-n_in // self._block_cols),
                        -(-m // self.tiles.block_rows), m, n_in, n_out, delta.buf, W.buf, 1.0,
                        C.buf, Z.buf, A.buf, kind, alpha)
        return C

    def dense_grads(self, delta, A_prev):
        """((1/m)·deltaᵀ·A_prev, (1/m)·Σ_rows delta), deferred: one launch when
        read, none when an optimiser step takes them (dense_grads_step)."""
        (m, n_out), (m2, n_in) = delta.shape, A_prev.shape
        if m != m2:
            raise ShapeError("dense_grads: delta {} and input {} differ in rows".format(
                delta.shape, A_prev.shape))
        dW, db = self._later(n_out, n_in, "dW"), self._later(1, n_out, "db")
        Grads(self, delta, A_prev, m, dW, db)
        return dW, db

    def _grads_launch(self, name, job, W, *args):
        """A dense_grads or dense_grads_step launch for a Grads job."""
        n_out, n_in = W.shape
        a_prev, idx, gather = job.a_prev_rows()
        self._launch_2d(name, -(-(n_in + 1) // self._block_cols),
                        -(-n_out // self.tiles.block_rows), n_out, n_in, job.m, job.delta_buffer(),
                        a_prev, 1.0 / max(job.m, 1), W.buf, idx, gather, *args)

    def _dense_grads(self, job, dW, db):
        """The launch of a Grads job that is read (deferred.Grads.launch)."""
        self._grads_launch("dense_grads", job, dW, db.buf)
