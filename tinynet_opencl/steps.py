"""The optimiser steps of the OpenCL backend, in place, fused where they can be.

``sgd_steps``, ``momentum_steps`` and ``adam_steps`` update up to
``kernels.STEP_SLOTS`` parameter matrices per launch.  A layer whose
gradients dW, db are still a deferred ``dense_grads`` (``deferred.Grads``) is
stepped by one ``dense_grads_step`` launch that computes each gradient entry
and applies the step to its weight at once (the gradient is never stored);
a softmax output layer's step joins its loss's ``output_step`` launch; a
first layer whose weights are kept transposed is stepped on Wᵀ
(``dense_grads_step_t``).

A mixin of ``OpenCLBackend``: it uses the backend's launches, ``_writes``,
``_transposed`` and its deferred jobs.
"""

from tinynet.errors import ShapeError

from . import kernels
from .deferred import Grads, OutputStep, Untranspose

__all__ = ["OptimiserSteps"]


class OptimiserSteps:
    """sgd_step(s), momentum_step(s), adam_step(s) of ``OpenCLBackend``."""

    def sgd_step(self, P, G, lr, l2=0.0, l1=0.0):
        self.sgd_steps([(P, G, l2, l1)], lr)

    def momentum_step(self, P, V, G, lr, mu, l2=0.0, l1=0.0):
        self.momentum_steps([(P, V, G, l2, l1)], lr, mu)

    def adam_step(self, P, M, V, G, lr, beta1, beta2, eps, t, l2=0.0, l1=0.0):
        self.adam_steps([(P, M, V, G, l2, l1)], lr, beta1, beta2, eps, t)

    def _steps(self, name, steps, n_buffers, scalars, fused):
        """Launch `name` over the parameter matrices of `steps`, STEP_SLOTS per launch.

        Each step is (n_buffers matrices of one shape..., l2, l1); unused slots
        get n = 0 and the first matrix as a stand-in buffer.  A layer's W and b
        whose gradients are a deferred dense_grads are stepped by one
        dense_grads_step launch instead, with ``fused`` = (opt, lr, h1, h2,
        eps, c1, c2) (the gradient is computed in that kernel).
        """
        self._run_forward_jobs(outputs=False)       # they read W and b: run them first
        steps = self._step_layers(steps, n_buffers, fused)
        slots = kernels.STEP_SLOTS
        for first in range(0, len(steps), slots):
            group = steps[first:first + slots]
            args, work = [], 0
            for step in group:
                matrices, (l2, l1) = step[:n_buffers], step[n_buffers:]
                self._same(name, *matrices)
                self._writes(*matrices[:-1])        # the parameter and its state
                args += [M.buf for M in matrices] + [matrices[0].size, l2, l1]
                work += -(-matrices[0].size // self.vector_width)
            stand_in = group[0][0].buf
            for _ in range(slots - len(group)):
                args += [stand_in] * n_buffers + [0, 0.0, 0.0]
            self._launch_1d(name, work, *(args + list(scalars)))

    def _run_forward_jobs(self, outputs=True):
        """Run the deferred forward passes still wanted (before W and b change),
        and (``outputs``) the output layers' losses still waiting."""
        for job in self._forward_jobs[:]:
            if job.wanted():
                job.run()
            else:
                self._forward_jobs.remove(job)
        while outputs and self._output_jobs:
            self._output_jobs[0].run()

    def _step_layers(self, steps, n_buffers, fused):
        """Launch dense_grads_step for each layer whose (W, dW) and (b, db) are
        both in `steps` with a deferred gradient; returns the other steps."""
        g = n_buffers - 1                       # where the gradient is in a step
        rest, halves, layers = [], {}, []       # halves: job -> the step seen first
        for step in steps:
            job = step[g].job
            if type(job) is not Grads:
                rest.append(step)
                continue
            other = halves.pop(job, None)
            if other is None:
                halves[job] = step
                continue
            w_step, b_step = (other, step) if job.is_dW(other[g]) else (step, other)
            if b_step[-2] or b_step[-1]:        # a penalised bias: not what the kernel does
                rest += [w_step, b_step]
                continue
            W, b = w_step[0], b_step[0]
            w_state, b_state = w_step[1:g], b_step[1:g]
            if any(M.shape != W.shape for M in w_step[1:g + 1]) or any(
                    M.shape != b.shape for M in b_step[1:g + 1]):
                raise ShapeError("dense_grads_step: parameters, state and gradients differ "
                                 "in shape")
            layers.append((job, W, b, w_state, b_state, (*fused, *w_step[-2:])))
        apart = []                              # the layers whose step is a launch of its own
        for layer in layers:                    # an output layer's step joins its loss's launch
            job, W, b, w_state, b_state, numbers = layer
            out = getattr(job.delta, "job", None)
            if W.t is None and type(out) is OutputStep and out.D is job.delta and \
                    out.rows == job.m and out.layer[1] is job.a_prev and \
                    out.layer[2] is W.buf and out.layer[3] is b.buf:
                self._writes(*w_state)
                out.run(self._step_buffers(W, b, w_state, b_state, numbers))
            else:
                apart.append(layer)
        self._run_forward_jobs()                # losses still waiting read W, b: run them now
        for job, W, b, w_state, b_state, numbers in apart:
            if W.t is not None:                 # a first layer: W and its state kept transposed
                self._grads_step_t(job, W, b, w_state, b_state, numbers)
            else:
                self._writes(*w_state)
                self._grads_launch("dense_grads_step", job, W, b.buf,
                                   *self._step_buffers(W, b, w_state, b_state, numbers))
        rest += halves.values()
        return rest

    @staticmethod
    def _step_buffers(W, b, w_state, b_state, numbers):
        """The arguments of a dense_grads_step after b: the state buffers of W
        and b (S1, S2, S1b, S2b; W or b stands in for a state the optimiser
        does not have), then ``numbers`` (opt, its numbers, l2, l1)."""
        state = [M.buf for M in w_state] + [W.buf] * (2 - len(w_state))
        state_b = [M.buf for M in b_state] + [b.buf] * (2 - len(b_state))
        return (state[0], state[1], state_b[0], state_b[1], *numbers)

    def _grads_step_t(self, job, W, b, w_state, b_state, numbers):
        """dense_grads_step_t: a first layer's gradient and step on Wᵀ and its
        state transposed (made the first time); W and its state are brought up
        to date only when read."""
        w_state_t = [self._transposed(M) for M in w_state]
        n_out, n_in = W.shape
        a_prev, idx, gather = job.a_prev_rows()
        self._launch_2d("dense_grads_step_t", -(-n_out // self._block_cols),
                        -(-n_in // self.tiles.block_rows), n_in, n_out, job.m, a_prev,
                        job.delta_buffer(), 1.0 / max(job.m, 1), W.t.buf, idx, gather, b.buf,
                        *self._step_buffers(W.t, b, w_state_t, b_state, numbers))
        for M in (W, *w_state):
            if M.job is None:
                Untranspose(self, M)
        if self._recording is not None:         # a replay marks them out of date again
            self._recording.untransposed += [W, *w_state]

    def sgd_steps(self, steps, lr):
        """Every (P, G, l2, l1) of `steps`: one launch per four matrices, or
        one per layer with a deferred gradient."""
        self._steps("sgd_steps", steps, 2, (lr,), (0, lr, 0.0, 0.0, 0.0, 1.0, 1.0))

    def momentum_steps(self, steps, lr, mu):
        """Every (P, V, G, l2, l1) of `steps`: one launch per four matrices, or
        one per layer with a deferred gradient."""
        self._steps("momentum_steps", steps, 3, (lr, mu), (1, lr, mu, 0.0, 0.0, 1.0, 1.0))

    def adam_steps(self, steps, lr, beta1, beta2, eps, t):
        """Every (P, M, V, G, l2, l1) of `steps`: one launch per four matrices, or
        one per layer with a deferred gradient."""
        c1 = 1.0 / (1.0 - beta1 ** t)
        c2 = 1.0 / (1.0 - beta2 ** t)
        self._steps("adam_steps", steps, 4, (lr, beta1, beta2, eps, c1, c2),
                    (2, lr, beta1, beta2, eps, c1, c2))
