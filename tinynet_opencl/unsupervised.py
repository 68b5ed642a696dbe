"""The OpenCL backend's primitive for tinynet.unsupervised: the sparsity penalty.

A mixin of ``OpenCLBackend`` (it uses the backend's ``_new``, ``_reduce``).
"""

from tinynet.python_backend import SPARSITY_EPS

__all__ = ["UnsupervisedOps"]

_KINDS = {"kl": 0, "l1": 1}


class UnsupervisedOps:
    """``sparsity`` of ``OpenCLBackend``: one launch (kernels.unsupervised)."""

    def sparsity(self, A, kind, rho, beta, acc):
        """acc += the sparsity penalty of the code A; returns its gradient ∂/∂A
        (see ``PythonBackend.sparsity``)."""
        if kind not in _KINDS:
            raise ValueError("unknown sparsity penalty {!r}: use 'kl' or 'l1'".format(kind))
        rows, cols = A.shape
        G = self._new(rows, cols, "sparsity gradient")
        self._reduce("sparsity", rows, cols, _KINDS[kind], rho, beta, SPARSITY_EPS, A.buf, G.buf,
                     acc.buf)
        return G
