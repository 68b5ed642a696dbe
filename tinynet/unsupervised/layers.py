"""The two layers an autoencoder adds to Dense: a sparsity penalty and a tied decoder.

=================  ==========================================================
``Sparsity``       passes the code a through unchanged; in training adds the
                   penalty's gradient to ∂E/∂a (KL to a target ρ, or L1)
``TiedDense``      a decoder that uses its encoder's weights transposed:
                   z = a·W_enc + b (so W_dec = W_encᵀ, one matrix to learn)
=================  ==========================================================

Both are written on the backend's primitives, like every layer.
"""

from .. import activations
from ..layers import Dense, Layer

__all__ = ["Sparsity", "TiedDense"]


class Sparsity(Layer):
    """A penalty that keeps most code units quiet (sparse coding).

    ``kind="kl"``: each unit j's mean activation over the batch,
    ρ̂_j = (1/m)·Σ_i a_ij, is pulled to a small target ρ by adding
    β·Σ_j KL(ρ‖ρ̂_j) to the error, KL(ρ‖ρ̂) = ρ·log(ρ/ρ̂) + (1−ρ)·log((1−ρ)/(1−ρ̂)).
    ``kind="l1"``: β·Σ_j |a_j| per sample (the lecture's MIN |I − O| + λ·Σ|a_i|).

    Forward it is the identity; backward ∂E/∂a gets the penalty's gradient
    (``backend.sparsity``) before the encoder's g'(z) is applied. The penalty's
    value goes into ``acc``, the accumulator the network set for this step.
    """

    def __init__(self, rho=0.05, beta=3.0, kind="kl"):
        if kind not in ("kl", "l1"):
            raise ValueError("Sparsity: kind must be 'kl' or 'l1', got {!r}".format(kind))
        if kind == "kl" and not 0.0 < rho < 1.0:
            raise ValueError("Sparsity: the target activation rho must be in (0, 1), got {!r}".format(rho))
        if not beta >= 0.0:
            raise ValueError("Sparsity: the weight beta must be at least 0, got {!r}".format(beta))
        self.rho, self.beta, self.kind = float(rho), float(beta), kind
        self.index = None
        self.acc = None                 # where the penalty's value goes (set per step)
        self.a = None

    name = property(lambda self: "Sparsity layer{} ({})".format(
        "" if self.index is None else " {}".format(self.index + 1), self.describe()))

    def describe(self):
        if self.kind == "l1":
            return "L1, beta={:g}".format(self.beta)
        return "KL, rho={:g}, beta={:g}".format(self.rho, self.beta)

    def __repr__(self):
        return "Sparsity({})".format(self.describe())

    def summary_text(self):
        """What ``Network.summary`` shows in its "W shape" column."""
        return self.describe()

    def forward(self, a_prev, training=False):
        self.a = a_prev
        return a_prev

    def backward(self, delta):
        """No parameters: nothing to compute."""

    def delta_below(self, grad_a, below):
        """∂E/∂a + ∂(penalty)/∂a, then the encoder applies its g'(z)."""
        if self.beta:
            acc = self.acc if self.acc is not None else self.backend.accumulator()
            grad_a = self.backend.add(grad_a, self.backend.sparsity(self.a, self.kind, self.rho,
                                                                    self.beta, acc))
        return below.delta_from_grad(grad_a)

    def penalty(self, acc):
        """Add the penalty of the last forward pass's code into ``acc``."""
        if self.beta:
            self.backend.sparsity(self.a, self.kind, self.rho, self.beta, acc)

    def config(self):
        return {"type": "Sparsity", "rho": self.rho, "beta": self.beta, "kind": self.kind}


class TiedDense(Dense):
    """A decoder whose weights are its encoder's, transposed: z = W_encᵀ·a + b.

    With one sample per row: Z = A·W_enc + b.  Its only own parameter is b.
    Backward, with delta = ∂E/∂z:
        ∂E/∂W_enc gets (1/m)·Aᵀ·delta  (added to the encoder's own gradient
                                        by the autoencoder, ``add_tied_gradients``)
        ∂E/∂b  = (1/m)·Σ_rows delta
        ∂E/∂a of the layer below = delta·W_encᵀ
    """

    def __init__(self, encoder, activation="sigmoid"):
        if not isinstance(encoder, Dense):
            raise ValueError("TiedDense needs the Dense encoder layer whose weights it shares")
        self.encoder = encoder
        self.n_in, self.n_out = encoder.n_out, encoder.n_in
        self.activation = activations.check_activation(activation)
        self.init = "tied"
        self.alpha = 0.01
        self.index = None
        self.b = self.db = self.dW_tied = self.delta = None
        self.a_prev = self.z = self.a = None
        self._pending = None

    # the decoder's W is the encoder's (n_code, n_in) matrix, used as W_decᵀ
    W = property(lambda self: self.encoder.W, lambda self, value: None)
    dW = property(lambda self: None, lambda self, value: None)

    def __repr__(self):
        return "TiedDense({}, W = encoder's Wᵀ)".format(self.shape_text())

    def summary_text(self):
        """What ``Network.summary`` shows in its "W shape" column."""
        return "layer {}'s Wᵀ {}".format(self.encoder.index + 1, self.activation)

    def count_parameters(self):
        """Only the biases: W is the encoder's, counted there."""
        return self.n_out

    def build(self, backend, rng, n_in=None, weights=None):
        self.backend = backend
        if weights is None and self._pending is not None:
            weights, self._pending = self._pending, None
        self.b = backend.array([weights] if weights is not None else [[0.0] * self.n_out])

    def forward(self, a_prev, training=False):
        """z = a·W_enc + b (= W_encᵀ·a + b for one sample a), a' = g(z)."""
        B = self.backend
        self.a_prev = a_prev
        self.z = B.add_row(B.matmul(a_prev, self.encoder.W), self.b)
        self.a = B.activation(self.activation, self.z, self.alpha)
        return self.a

    def backward(self, delta):
        B = self.backend
        m = B.shape(delta)[0]
        self.delta = delta
        self.dW_tied = B.scale(B.matmul_tn(self.a_prev, delta), 1.0 / m)   # (n_code, n_in), as W_enc
        self.db = B.scale(B.sum_rows(delta), 1.0 / m)

    def delta_below(self, delta, below):
        """∂E/∂a_prev = delta·W_encᵀ, then the layer below applies its g'."""
        return below.delta_from_grad(self.backend.matmul_nt(delta, self.encoder.W))

    def delta_from_product(self, delta, W):
        raise TypeError("a TiedDense layer is a decoder: nothing comes after it")

    def parameters(self):
        return [("b", self.b, self.db, False)]

    def get_weights(self):
        """(W_dec, b) as plain lists, W_dec = W_encᵀ of shape (n_out, n_in)."""
        W_enc = self.backend.to_list(self.encoder.W)
        return [list(column) for column in zip(*W_enc)], self.backend.to_list(self.b)[0]

    def set_weights(self, W, b):
        raise TypeError("a TiedDense layer's W is its encoder's: set the encoder's weights "
                        "(and set_bias for b)")

    def set_bias(self, b):
        if len(b) != self.n_out:
            raise ValueError("{}: needs {} biases".format(self.name, self.n_out))
        if self.b is None:
            self._pending = list(b)
            return
        self.backend.assign(self.b, self.backend.array([list(b)]))

    def config(self):
        return {"type": "TiedDense", "n_in": self.n_in, "n_out": self.n_out,
                "activation": self.activation}
