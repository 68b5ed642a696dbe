"""Deferred results: a launch put off until its result is needed.

Four results of the OpenCL backend are not computed when they are asked
for, because the operation that uses them next can compute them as part of
its own kernel, saving a launch (each costs microseconds of host and device
time, which at classroom sizes is more than the arithmetic):

============================  ======================  ===========================================
result                        its own launch          computed instead, inside the kernel of
============================  ======================  ===========================================
``take_rows`` (a batch)       ``take_rows``           ``dense_forward``, ``dense_grads`` and the
                                                      losses: they read the batch's rows in place
                                                      from the whole data set, through the index
``dense_grads`` (dW, db)      ``dense_grads``         the optimiser step (``dense_grads_step``:
                                                      each gradient entry goes straight into the
                                                      update of its weight; it is never stored)
``dense_forward`` of what     ``dense_softmax``, or   ``output_step``, launched by the optimiser
may be the output layer       ``dense_forward``       step: forward pass, loss, delta D, count,
(Z, A), its loss (D), and     ``output_step``         the delta of the layer below, and the
``backprop_delta`` of D:      without the step        output layer's gradient and optimiser
softmax + cross-entropy,                              step, in one kernel (``OutputStep``)
linear + squared error,
sigmoid + logistic loss
============================  ======================  ===========================================

A deferred result is a ``CLMatrix`` whose ``job`` is set. Reading its
``buf`` runs the job's own launch first, so an operation that does not know
about jobs still sees the right numbers: deferring changes how many kernels
run, never a result.

A job reads its inputs when it runs, so it keeps their device buffers (not
the matrices) from the moment it is made (a batch read in place: its
Gather, whose row numbers only a replayed step changes, ``capture``); ``assign`` gives its target a new
buffer rather than writing into the old one. The one thing written in place
that a job reads is a layer's weights (``dense_forward`` reads W and b), so
the optimiser steps first run every forward job still waiting.

One more kind of waiting result is not a launch put off but a copy: a
network's first layer keeps its weights and their optimiser state
transposed as well (``CLMatrix.t``), its forward pass and step use only
that, and W itself is out of date until read (``Untranspose``).
"""

import weakref

from .kernels import ACTIVATION_KINDS
from .kernels.output_step import OUTPUT_LOSSES

__all__ = ["Job", "Gather", "Grads", "OutputForward", "OutputStep", "Untranspose"]


class Job:
    """A launch that fills ``outputs`` (CLMatrix objects without a buffer yet)."""

    def __init__(self, backend, outputs):
        self.backend = backend
        # weak, so that a result nobody holds is freed (a job is not run for it)
        self._outputs = [weakref.ref(M) for M in outputs]
        for M in outputs:
            M.job = self

    def take(self):
        """Give every output its buffer and detach the job: the caller launches.

        Returns the outputs, each a CLMatrix, or a scratch one where the result
        was dropped (a kernel still needs somewhere to write).
        """
        outputs = []
        for ref, shape in zip(self._outputs, self.shapes):
            M = ref()
            if M is None:
                M = self.backend._new(*shape)
            else:
                M.job = None
                M.buf = self.backend._new(*shape).buf
            outputs.append(M)
        return outputs

    def run(self):
        """Compute the outputs with this job's own kernel."""
        self.launch(*self.take())


class Gather(Job):
    """Rows ``idx`` of the data set at ``source``: a batch, read in place."""

    def __init__(self, backend, source, idx, out):
        self.source, self.idx = source, idx           # buffers: the data set and int32 rows
        self.shapes = [out.shape]
        super().__init__(backend, [out])

    def launch(self, out):
        rows, cols = out.shape
        self.backend._launch_rows("take_rows", rows, cols, rows, cols, self.source, self.idx,
                                  out.buf)


class Grads(Job):
    """(dW, db) = ((1/m)·deltaᵀ·A_prev, (1/m)·Σ_rows delta) of a dense layer."""

    def __init__(self, backend, delta, A_prev, m, dW, db):
        # the layer's delta: its buffer, or (a softmax output layer's D, still to be
        # computed by an OutputStep) the matrix, so that reading the gradient runs that
        self.delta = delta if type(delta.job) is OutputStep else delta.buf
        # the layer's input: its buffer, or the Gather of a batch read in place
        # (whose row numbers a replayed step changes: capture.Replay)
        job = A_prev.job
        self.a_prev = job if type(job) is Gather else A_prev.buf
        self.m = m
        self.shapes = [dW.shape, db.shape]
        super().__init__(backend, [dW, db])

    def delta_buffer(self):
        """The buffer of the layer's delta, computed first if it is still waiting."""
        delta = self.delta
        return delta.buf if hasattr(delta, "job") else delta

    def a_prev_rows(self):
        """(buffer, index buffer, gather flag) of the layer's input, for a kernel."""
        a = self.a_prev
        if type(a) is Gather:
            return a.source, a.idx, 1
        return a, self.backend._no_index, 0

    def is_dW(self, M):
        """Whether M is this job's dW (else its db)."""
        return M is self._outputs[0]()

    def launch(self, dW, db):
        self.backend._dense_grads(self, dW, db)


class OutputForward(Job):
    """(Z, g(Z)) with Z = A·Wᵀ + b for a layer with a few outputs that may be
    the network's output layer: softmax, or (past the first layer) linear or
    sigmoid.  Its loss may take it into output_step (``OutputStep``).

    It reads W and b, which the optimiser changes in place, so it waits in
    the backend's list of forward jobs, which the optimiser steps run first.
    """

    def __init__(self, backend, A, W, b, k, name, slope, Z, Act):
        self.A, self.W, self.b, self.k = A, W, b, k   # buffers, read when the job runs
        self.name, self.kind, self.slope = name, ACTIVATION_KINDS[name], slope   # g
        self.shapes = [Z.shape, Act.shape]
        super().__init__(backend, [Z, Act])
        waiting = backend._forward_jobs
        if len(waiting) >= 8:                         # forward passes nobody read: forget them
            waiting[:] = [job for job in waiting if job.wanted()]
        waiting.append(self)

    def wanted(self):
        """Whether anyone still holds Z or A (else the job need never run)."""
        return any(ref() is not None for ref in self._outputs)

    def take(self):
        self.backend._forward_jobs.remove(self)
        return super().take()

    def launch(self, Z, Act):
        m, n = Z.shape
        B = self.backend
        if self.name == "softmax":
            B._launch_1d("dense_softmax", m, m, n, self.k, self.A, self.W, self.b, Z.buf, Act.buf)
        else:
            B._launch_2d("dense_forward", -(-n // B.tiles.nt_cols), -(-m // B.tiles.nt_rows),
                         m, n, self.k, self.A, B._no_index, 0, self.W, self.b, 1, self.kind,
                         self.slope, Z.buf, Act.buf)


class OutputStep(Job):
    """An output layer's forward pass (an OutputForward), its loss and delta D
    (``loss``: a name in OUTPUT_LOSSES; ``scale``: the squared error's),
    waiting for the two launches that would follow it in a training step: the
    delta of the layer below (``backprop_delta``) and the layer's own gradient
    and optimiser step (``dense_grads_step``).  The optimiser step that finds
    it launches all three as one kernel (output_step); anything that reads a
    result first (or an optimiser step that cannot join) launches it without
    them.  Its outputs have their buffers from the start: Z, A, D (and the
    delta below, once asked for)."""

    def __init__(self, backend, forward, loss, scale, rows, cols, t_rows, acc, count, correct, D):
        Z, Act = forward.take()                      # the output layer's cache, computed here
        self.layer = (forward.k, forward.A, forward.W, forward.b)
        self.rows, self.cols = rows, cols
        self.loss_args = (*t_rows, D.buf, acc, count, correct, OUTPUT_LOSSES[loss], scale,
                          forward.kind)
        self.Z, self.Act = Z.buf, Act.buf
        self.D = D
        self.below = None                           # (Cd buffer, Zb, Ab, kind, slope)
        self.backend = backend
        self._outputs = [weakref.ref(M) for M in (Z, Act, D)]
        for M in (Z, Act, D):
            M.job = self
        backend._output_jobs.append(self)

    def add_below(self, C, Zb, Ab, kind, slope):
        """The delta of the layer below, C, computed in the same launch."""
        self.below = (C.buf, Zb, Ab, kind, slope)
        self._outputs.append(weakref.ref(C))
        C.job = self

    def run(self, step=None):
        """Launch: without the optimiser step, or with ``step`` (its state
        buffers and numbers, as ``OpenCLBackend._step_layers`` gives them)."""
        for ref in self._outputs:
            M = ref()
            if M is not None and M.job is self:
                M.job = None
        self.backend._output_jobs.remove(self)
        self.backend._output_step(self, step)


class Untranspose:
    """A first layer's weights (or their optimiser state) whose values live in
    their transposed twin ``M.t``: the forward pass (``dense_forward_t``) and
    the step (``dense_grads_step_t``) use only that, so the matrix itself is
    out of date until something reads it.  Reading ``M.buf`` then copies the
    twin back (one ``transpose`` launch); both stay, the same numbers."""

    def __init__(self, backend, M):
        self.backend, self.M = backend, M
        M.job = self

    def run(self):
        M = self.M
        M.job = None
        rows, cols = M.shape
        self.backend._launch_2d("transpose", rows, cols, cols, rows, M.t.buf, M._buf)
