"""A restricted Boltzmann machine (Bernoulli–Bernoulli), trained by contrastive divergence.

Binary visible units v (n_visible, the data) and hidden units h (n_hidden),
connected only across the two layers, with energy and free energy

    E(v, h) = −b·v − c·h − hᵀ·W·v          W: (n_hidden, n_visible), as a Dense layer's
    F(v)    = −b·v − Σ_j log(1 + e^(c_j + W_j·v))      p(v) ∝ e^(−F(v))

Given one layer the units of the other are independent:

    p(h_j = 1 | v) = σ(c_j + Σ_i w_ji·v_i)        p(v_i = 1 | h) = σ(b_i + Σ_j w_ji·h_j)

The log-likelihood gradient is a difference of two correlations,
∂log p(v)/∂w_ji = ⟨v_i·h_j⟩_data − ⟨v_i·h_j⟩_model. Contrastive divergence
(CD-k) estimates the second by k steps of Gibbs sampling started at the data
(v⁰ → h⁰ → v¹ → … → v^k); persistent CD keeps the chains ("fantasy
particles") running from one mini-batch to the next instead. The update is

    ΔW = ε·((1/m)·(h⁰)ᵀ·v⁰ − (1/m)·(h^k)ᵀ·v^k) − ε·λ·W    (with momentum μ)

with p(h | v) in place of sampled h where the sample is not needed.

Initialisation (the lecture's recipe): w from N(0, 0.01²), hidden biases
c = 0, visible biases b_i = log(p_i / (1 − p_i)), p_i the fraction of
training vectors with unit i on (clipped to [0.001, 0.999]).

Every sample comes from the backend's counter-based generator (``bernoulli``
with this model's seed and a step counter), so a seed fixes the run, and both
backends draw the same uniform numbers.

>>> from tinynet.unsupervised import RBM
>>> rbm = RBM(4, 2, seed=0)
>>> rbm
RBM(4 visible, 2 hidden)
>>> len(rbm.transform([[1, 0, 0, 1]])[0])
2
"""

import math
import random
import time

from ..backend import resolve
from ..checks import check_inputs
from ..errors import DataError
from ..initializers import initial_weights
from ..training import History

__all__ = ["RBM"]


class RBM:
    """A Bernoulli–Bernoulli RBM with ``n_visible`` inputs and ``n_hidden`` features."""

    def __init__(self, n_visible, n_hidden, seed=0, backend=None):
        for what, n in (("n_visible", n_visible), ("n_hidden", n_hidden)):
            if not isinstance(n, int) or isinstance(n, bool) or n < 1:
                raise ValueError("RBM: {} must be a positive whole number, got {!r}".format(what, n))
        self.n_visible, self.n_hidden, self.seed = n_visible, n_hidden, seed
        self.backend = B = resolve(backend)
        rng = random.Random("{}-init".format(seed))
        self.W = B.array(initial_weights("small", n_hidden, n_visible, rng))   # (n_hidden, n_visible)
        self.b = B.zeros(1, n_visible)          # visible biases
        self.c = B.zeros(1, n_hidden)           # hidden biases
        self.sample_seed = random.Random("{}-gibbs".format(seed)).getrandbits(32)
        self.counter = 0                        # the step number of the next sample
        self.particles = None                   # persistent CD's fantasy particles
        self.history = None
        self.trained = False                    # the visible biases are set from the first data

    def __repr__(self):
        return "RBM({} visible, {} hidden)".format(self.n_visible, self.n_hidden)

    # === Conditionals and sampling ==========================================

    def _hidden(self, V):
        """p(h = 1 | v) = σ(v·Wᵀ + c) for each row v."""
        return self.backend.dense_forward(V, self.W, self.c, "sigmoid")[1]

    def _visible(self, H):
        """p(v = 1 | h) = σ(h·W + b) for each row h."""
        B = self.backend
        return B.activation("sigmoid", B.add_row(B.matmul(H, self.W), self.b))

    def _sample(self, P):
        """A 0/1 sample of each unit, 1 with probability P (the next counter)."""
        self.counter += 1
        return self.backend.bernoulli(P, self.sample_seed, self.counter)

    def _gibbs(self, V, steps):
        """``steps`` rounds v → h → v from the states V; returns (v states, p(v|h) of the last)."""
        Vp = V
        for _ in range(steps):
            Vp = self._visible(self._sample(self._hidden(V)))
            V = self._sample(Vp)
        return V, Vp

    # === Contrastive divergence =============================================

    def _statistics(self, V0, k, persistent, acc=None, sign=1.0):
        """The CD-k (or persistent CD) estimate of ∂log p/∂(W, b, c) on the batch V0.

        Returns sign·(dW, db, dc) on the backend (sign −1: the direction a
        descent step takes); adds Σ (p(v¹|h⁰) − v⁰)², the reconstruction
        error, into ``acc`` if given.
        """
        B = self.backend
        m = B.shape(V0)[0]
        H0 = self._hidden(V0)                         # p(h|v⁰): the data's side
        H0s = self._sample(H0)
        V1p = self._visible(H0s)                      # the first reconstruction
        if acc is not None:
            B.squared_error(V1p, V0, acc, 1.0)
        if persistent:
            if self.particles is None:
                self.particles = B.copy(V0)          # the chains start at the first batch
            Vk, _ = self._gibbs(self.particles, k)
            self.particles = Vk
        else:
            Vk = self._sample(V1p)
            if k > 1:
                Vk, _ = self._gibbs(Vk, k - 1)
        Hk = self._hidden(Vk)                         # p(h|v^k): the model's side
        n = B.shape(Vk)[0]

        def data_minus_model(data, model):
            """sign·(data/m − model/n): the difference of the two averages."""
            if m == n:
                return B.scale(B.sub(data, model), sign / m)
            return B.sub(B.scale(data, sign / m), B.scale(model, sign / n))

        dW = data_minus_model(B.matmul_tn(H0, V0), B.matmul_tn(Hk, Vk))    # ⟨h vᵀ⟩
        db = data_minus_model(B.sum_rows(V0), B.sum_rows(Vk))              # ⟨v⟩
        dc = data_minus_model(B.sum_rows(H0), B.sum_rows(Hk))              # ⟨h⟩
        return dW, db, dc

    def gradient(self, X, k=1, persistent=False):
        """The CD-k estimate of the log-likelihood gradient on X, as plain lists:
        (dW (n_hidden × n_visible), db (n_visible), dc (n_hidden)). Changes no weight
        (it does advance the sampling counter, and persistent CD's particles)."""
        B = self.backend
        dW, db, dc = self._statistics(B.array(self._rows(X)), k, persistent)
        return B.to_list(dW), B.to_list(db)[0], B.to_list(dc)[0]

    def fit(self, X, epochs=10, batch_size=10, lr=0.1, k=1, persistent=False, momentum=0.5,
            weight_decay=0.0002, validation_data=None, monitor_rows=500, shuffle=True, verbose=0):
        """Train by CD-k (``persistent=True``: persistent CD) on the rows of X; returns a History.

        Each mini-batch: the gradient estimate above, then a momentum step
        v ← μ·v + ε·(gradient − λ·W), W ← W + v (λ, the weight decay, on W only).
        Per epoch the history records ``reconstruction_error`` (Σ (p(v¹|h⁰) − v⁰)²
        per sample, during training), ``free_energy`` (mean F(v) of up to
        ``monitor_rows`` training rows) and, with ``validation_data``,
        ``val_free_energy`` on as many held-out rows: a gap that grows between the
        two is overfitting (the model makes the training data more likely than
        data it has not seen).
        """
        B = self.backend
        rows = self._rows(X)
        for what, value in (("epochs", epochs), ("batch_size", batch_size), ("k", k)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise DataError("{} must be a whole number of at least 1, got {!r}".format(what, value))
        if not self.trained:
            self._init_visible_biases(rows)
        n = len(rows)
        Xd = B.array(rows)
        monitor = B.array(rows[:monitor_rows])
        val = None
        if validation_data is not None:
            val = B.array(self._rows(validation_data, "validation_data")[:monitor_rows])
        velocities = [B.zeros(*B.shape(P)) for P in (self.W, self.b, self.c)]
        order = list(range(n))
        rng = random.Random("{}-shuffle".format(self.seed))
        history = _RBMHistory()
        start = time.perf_counter()
        for epoch in range(1, epochs + 1):
            if shuffle:
                rng.shuffle(order)
            acc = B.accumulator()
            for first in range(0, n, batch_size):
                V0 = B.take_rows(Xd, order[first:first + batch_size])
                # ascent on log p: the momentum step descends on −gradient (+ λ·W)
                dW, db, dc = self._statistics(V0, k, persistent, acc, sign=-1.0)
                B.momentum_steps([(self.W, velocities[0], dW, weight_decay, 0.0),
                                  (self.b, velocities[1], db, 0.0, 0.0),
                                  (self.c, velocities[2], dc, 0.0, 0.0)], lr, momentum)
            values = {"reconstruction_error": B.read(acc) / n,
                      "free_energy": self._mean_free_energy(monitor)}
            if val is not None:
                values["val_free_energy"] = self._mean_free_energy(val)
            history.append(values)
            if verbose:
                print("epoch {}/{}  {}  ({:.1f} s)".format(epoch, epochs, "  ".join(
                    "{} {:.4f}".format(key, v) for key, v in values.items()),
                    time.perf_counter() - start))
        self.trained = True
        self.history = history
        return history

    def _init_visible_biases(self, rows):
        """b_i = log(p_i/(1 − p_i)), p_i the fraction of rows with unit i on."""
        n = len(rows)
        p = [min(max(sum(column) / n, 0.001), 0.999) for column in zip(*rows)]
        self.backend.assign(self.b, self.backend.array([[math.log(q / (1.0 - q)) for q in p]]))

    # === Free energy ========================================================

    def _mean_free_energy(self, V):
        """(1/m)·Σ_rows F(v), F(v) = −b·v − Σ_j softplus(c_j + W_j·v).

        The softplus log(1 + e^x) is the logistic loss of x for the target 0,
        so the backend's ``logistic_loss`` sums it (stably) on the device.
        """
        B = self.backend
        m = B.shape(V)[0]
        X = B.add_row(B.matmul_nt(V, self.W), self.c)      # c_j + W_j·v
        softplus = B.accumulator()
        B.logistic_loss(X, X, B.zeros(*B.shape(X)), softplus)
        bv = B.sum_rows(B.matmul_nt(V, self.b))            # Σ_rows b·v, a 1 × 1 matrix
        return -(B.to_list(bv)[0][0] + B.read(softplus)) / m

    def free_energy(self, X):
        """The mean free energy F(v) over the rows of X (lower: more probable)."""
        return self._mean_free_energy(self.backend.array(self._rows(X)))

    # === Using it ===========================================================

    def transform(self, X):
        """The features: p(h = 1 | v) for each row of X, as lists."""
        return self.backend.to_list(self._hidden(self.backend.array(self._rows(X))))

    def reconstruct(self, X):
        """p(v | h) for h = p(h | v): a deterministic reconstruction of each row."""
        B = self.backend
        return B.to_list(self._visible(self._hidden(B.array(self._rows(X)))))

    def sample(self, n=None, steps=1000, start=None):
        """Fantasies: ``steps`` rounds of Gibbs sampling from ``start`` (rows of
        visible states), or from n random vectors; returns p(v|h) of the last round."""
        B = self.backend
        if start is None:
            if not isinstance(n, int) or n < 1:
                raise ValueError("sample needs n (how many fantasies) or start (visible rows)")
            V = self._sample(B.full(n, self.n_visible, 0.5))
        else:
            V = B.array(self._rows(start, "start"))
        return B.to_list(self._gibbs(V, steps)[1])

    def get_weights(self):
        """(W, b, c) as plain lists: W is (n_hidden, n_visible)."""
        B = self.backend
        return B.to_list(self.W), B.to_list(self.b)[0], B.to_list(self.c)[0]

    def set_weights(self, W, b, c):
        B = self.backend
        if (len(W) != self.n_hidden or any(len(row) != self.n_visible for row in W)
                or len(b) != self.n_visible or len(c) != self.n_hidden):
            raise ValueError("{}: W must be {}×{}, b {} numbers and c {}".format(
                self, self.n_hidden, self.n_visible, self.n_visible, self.n_hidden))
        B.assign(self.W, B.array(W))
        B.assign(self.b, B.array([list(b)]))
        B.assign(self.c, B.array([list(c)]))
        self.trained = True

    # a Dense-like view, for unrolling into a Network (``DBN.to_network``)
    n_in = property(lambda self: self.n_visible)
    n_out = property(lambda self: self.n_hidden)
    activation = "sigmoid"

    def layer_weights(self):
        """(W, c): the weights and hidden biases of the Dense layer v → p(h|v)."""
        W, _, c = self.get_weights()
        return W, c

    def save(self, path):
        """Write the RBM to a JSON file, atomically (see ``tinynet.io``)."""
        from .files import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None):
        from .files import load
        return load(path, backend, expect=cls)

    # === Data at the door ===================================================

    def _rows(self, X, what="X"):
        rows = check_inputs(X, self.n_visible, str(self), what)[0]
        for i, row in enumerate(rows):
            low, high = min(row), max(row)
            if low < 0.0 or high > 1.0:
                raise DataError(
                    "{}[{}] holds {}, outside [0, 1]: a Bernoulli RBM's visible units are "
                    "probabilities of being on. Scale the data into [0, 1] first, e.g. "
                    "(x − min) / (max − min) per feature.".format(what, i, low if low < 0.0 else high))
        return rows


class _RBMHistory(History):
    """Per-epoch numbers of ``RBM.fit`` (an RBM has no loss: it counts the
    reconstruction errors)."""

    @property
    def epochs(self):
        return len(self.metrics.get("reconstruction_error", []))
