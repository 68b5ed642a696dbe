"""Recurrent layers: a hidden state carried from step to step, the same weights at every step.

A sequence batch is *time-major*: a list of T backend matrices, one per time
step, each (m, n) with one sequence per row (row r of every step belongs to
sequence r).  A layer maps the list of inputs x_1 … x_T to the list of hidden
states h_1 … h_T, starting from a state it is given (zeros, or the state the
previous chunk ended in: truncated backprop through time, see
``tinynet.sequence``).

=============  ==============================================================
``RNN``        h_t = g(W·x_t + U·h_{t−1} + b),  g = tanh by default
``LSTM``       gates f, i, o and candidate g, cell state c:
                 f_t = σ(W_f·x_t + U_f·h_{t−1} + b_f)     forget
                 i_t = σ(W_i·x_t + U_i·h_{t−1} + b_i)     input
                 o_t = σ(W_o·x_t + U_o·h_{t−1} + b_o)     output
                 g_t = tanh(W_g·x_t + U_g·h_{t−1} + b_g)  candidate
                 c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
                 h_t = o_t ⊙ tanh(c_t)
=============  ==============================================================

Shapes: W is (n_hidden, n_in), U is (n_hidden, n_hidden), b a (1, n_hidden)
row, as for ``Dense`` (W[l] = (n[l], n[l−1])).  With one sequence per row
the code computes Z_t = X_t·Wᵀ + H_{t−1}·Uᵀ + b for the whole batch.

Backprop through time (BPTT) runs the steps backwards.  At step t the
gradient reaching h_t is what the layer above sends plus what step t+1 sends
back through U: ∂E/∂h_t = above_t + delta_{t+1}·U.  The weights are shared,
so their gradients are sums over the steps: ∂E/∂W = Σ_t delta_tᵀ·x_t,
∂E/∂U = Σ_t delta_tᵀ·h_{t−1}, ∂E/∂b = Σ_t delta_t.  For the RNN
delta_t = ∂E/∂h_t ⊙ g'(z_t): every step back multiplies by U and g', which
is why the gradient from far back vanishes (or explodes).  The LSTM's cell
state passes back through ∂E/∂c_{t−1} = ∂E/∂c_t ⊙ f_t: only a product of
forget gates, which stays near 1 while the gate holds the memory.

>>> from tinynet.backend import get_backend
>>> import random
>>> layer = LSTM(3, 2)
>>> layer.build(get_backend("python"), random.Random(0))
>>> sorted(name for name, _ in layer.weights())[:3]
['U_f', 'U_g', 'U_i']
>>> layer.W_f is layer.weight("W_f"), len(layer.to_lists()["W_f"]), len(layer.to_lists()["W_f"][0])
(True, 2, 3)
"""

from . import activations
from .errors import ShapeError
from .initializers import initial_weights

__all__ = ["RNN", "LSTM", "Recurrent"]


def _check_width(what, n):
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("{} must be a positive whole number, got {!r}".format(what, n))


class Recurrent:
    """What RNN and LSTM share: shapes, weights by name, state, gradients.

    ``return_sequences``: True hands every h_t to the layer above (a stacked
    recurrent layer, or a Dense output at every step); False only the last
    h_T (a Dense output once per sequence).
    """

    #: the gates' names; each has its own W_<gate>, U_<gate>, b_<gate>
    GATES = ()
    #: the state the layer carries: ("h",) or ("h", "c")
    STATE = ("h",)

    def __init__(self, n_in, n_hidden, return_sequences=True, init="xavier"):
        _check_width("{}: n_in".format(type(self).__name__), n_in)
        _check_width("{}: n_hidden".format(type(self).__name__), n_hidden)
        self.n_in, self.n_hidden, self.n_out = n_in, n_hidden, n_hidden
        self.return_sequences = bool(return_sequences)
        self.init = init
        self.index = None
        self.backend = None
        self.grads = {}
        self.cache = []
        self.state = None
        self._pending = None

    # --- names and text ------------------------------------------------------

    @property
    def name(self):
        where = "" if self.index is None else " {}".format(self.index + 1)
        return "{} layer{} ({})".format(type(self).__name__, where, self.shape_text())

    def shape_text(self):
        return "{}→{}{}".format(self.n_in, self.n_hidden, "" if self.return_sequences else ", last step")

    def __repr__(self):
        return "{}({})".format(type(self).__name__, self.shape_text())

    def weight_names(self):
        """W_f, U_f, b_f, W_i, … in a fixed order (W, U, b for the plain RNN)."""
        names = []
        for gate in self.GATES:
            suffix = "_" + gate if gate else ""
            names += ["W" + suffix, "U" + suffix, "b" + suffix]
        return names

    def weight(self, name):
        return getattr(self, name)

    def weights(self):
        """[(name, backend matrix)] for every weight matrix and bias row."""
        return [(name, getattr(self, name)) for name in self.weight_names()]

    def count_parameters(self):
        return len(self.GATES) * self.n_hidden * (self.n_in + self.n_hidden + 1)

    # --- building ------------------------------------------------------------

    def initial_bias(self, gate):
        """Every bias starts at 0 (the LSTM's forget gate at 1, below)."""
        return 0.0

    def build(self, backend, rng, n_in=None, weights=None):
        """Draw W (n_hidden, n_in) and U (n_hidden, n_hidden) from ``rng``; biases as ``initial_bias``."""
        self.backend = backend
        if weights is None and self._pending is not None:
            weights, self._pending = self._pending, None
        if weights is None:
            weights = {}
            for gate in self.GATES:
                suffix = "_" + gate if gate else ""
                weights["W" + suffix] = initial_weights(self.init, self.n_hidden, self.n_in, rng)
                weights["U" + suffix] = initial_weights(self.init, self.n_hidden, self.n_hidden, rng)
                weights["b" + suffix] = [[self.initial_bias(gate)] * self.n_hidden]
        for name in self.weight_names():
            setattr(self, name, backend.array(weights[name]))

    def to_lists(self):
        """{name: plain list of lists} of every weight (b as a (1, n_hidden) row)."""
        return {name: self.backend.to_list(M) for name, M in self.weights()}

    def set_weights(self, weights):
        """Replace the weights from {name: list of lists}, shapes checked."""
        for name in self.weight_names():
            rows = weights[name]
            want = self._shape_of(name)
            got = (len(rows), len(rows[0]) if rows else 0)
            if got != want or any(len(row) != want[1] for row in rows):
                raise ShapeError("{}: {} must be {}x{}, got {}x{}".format(self.name, name, *want, *got))
        if self.backend is None:
            self._pending = {name: [list(r) for r in weights[name]] for name in self.weight_names()}
            return
        for name in self.weight_names():
            self.backend.assign(getattr(self, name), self.backend.array(weights[name]))

    def _shape_of(self, name):
        if name.startswith("W"):
            return (self.n_hidden, self.n_in)
        if name.startswith("U"):
            return (self.n_hidden, self.n_hidden)
        return (1, self.n_hidden)

    def parameters(self):
        """[(name, P, dP, penalised)] for the optimiser (biases are not penalised)."""
        return [(name, P, self.grads.get(name), not name.startswith("b")) for name, P in self.weights()]

    def zero_state(self, m):
        """The state before the first step: zeros, one row per sequence."""
        return tuple(self.backend.zeros(m, self.n_hidden) for _ in self.STATE)

    def config(self):
        return {"type": type(self).__name__, "n_in": self.n_in, "n_hidden": self.n_hidden,
                "return_sequences": self.return_sequences, "init": self.init}

    # --- shared pieces of forward and backward --------------------------------

    def _check_input(self, Xs):
        B = self.backend
        for t, X in enumerate(Xs):
            rows, cols = B.shape(X)
            if cols != self.n_in:
                raise ShapeError("{} expects {} inputs per step, but step {} has shape ({}, {})".format(
                    self.name, self.n_in, t, rows, cols))

    def _z(self, gate, x, h_prev):
        """z = W·x + U·h_prev + b for one gate, as X·Wᵀ + H·Uᵀ + b for the batch."""
        suffix = "_" + gate if gate else ""
        B = self.backend
        W, U, b = getattr(self, "W" + suffix), getattr(self, "U" + suffix), getattr(self, "b" + suffix)
        return B.add_row(B.add(B.matmul_nt(x, W), B.matmul_nt(h_prev, U)), b)

    def _grads_over_time(self, deltas, need_input_grad):
        """The weight gradients summed over the steps, and ∂E/∂x_t, each as one product.

        ``deltas`` is {gate: [delta_1 … delta_T]}.  With the steps stacked
        into (T·m)-row matrices D, X and H_prev:
            ∂E/∂W = Σ_t delta_tᵀ·x_t = Dᵀ·X,   ∂E/∂U = Dᵀ·H_prev,   ∂E/∂b = Σ_rows D
            ∂E/∂x_t = Σ_gates delta_t·W   (computed as D·W, then cut into steps)
        """
        B = self.backend
        X = B.stack_rows([step[0] for step in self.cache])          # x_t
        H_prev = B.stack_rows([step[1] for step in self.cache])     # h_{t−1}
        self.grads = {}
        dX = None
        for gate in self.GATES:
            suffix = "_" + gate if gate else ""
            D = B.stack_rows(deltas[gate])
            self.grads["W" + suffix] = B.matmul_tn(D, X)
            self.grads["U" + suffix] = B.matmul_tn(D, H_prev)
            self.grads["b" + suffix] = B.sum_rows(D)
            if need_input_grad:
                part = B.matmul(D, getattr(self, "W" + suffix))
                dX = part if dX is None else B.add(dX, part)
        return B.split_rows(dX, len(self.cache)) if need_input_grad else None

    def _dh(self, dHs, t, dh_next):
        """∂E/∂h_t: what comes from above plus what step t+1 sends back (zeros if neither)."""
        B = self.backend
        dh = dHs[t]
        if dh_next is not None:
            dh = dh_next if dh is None else B.add(dh, dh_next)
        if dh is None:
            dh = B.zeros(*B.shape(self.cache[t][1]))
        return dh


class RNN(Recurrent):
    """A plain (Elman) recurrent layer: h_t = g(W·x_t + U·h_{t−1} + b).

    Forward, per step (for every sequence, a row):
        z_t = W·x_t + U·h_{t−1} + b,   h_t = g(z_t)
    Backward through time, with ∂E/∂h_t from above (above_t):
        ∂E/∂h_t  = above_t + delta_{t+1}·U
        delta_t  = ∂E/∂h_t ⊙ g'(z_t)
        ∂E/∂W += delta_tᵀ·x_t,  ∂E/∂U += delta_tᵀ·h_{t−1},  ∂E/∂b += Σ delta_t
        ∂E/∂x_t  = delta_t·W   (for the layer below)
    """

    GATES = ("",)

    def __init__(self, n_in, n_hidden, activation="tanh", return_sequences=True, init="xavier"):
        super().__init__(n_in, n_hidden, return_sequences, init)
        self.activation = activations.check_activation(activation)
        if self.activation == "softmax":
            raise ValueError("RNN: softmax is an output activation, not a hidden state's")

    def shape_text(self):
        return "{}→{}, {}{}".format(self.n_in, self.n_hidden, self.activation,
                                    "" if self.return_sequences else ", last step")

    def config(self):
        return dict(super().config(), activation=self.activation)

    def forward(self, Xs, state):
        """h_t = g(W·x_t + U·h_{t−1} + b) for t = 1 … T; returns [h_1 … h_T].

        ``state`` is (h_0,); afterwards ``self.state`` is (h_T,), the state a
        following chunk starts from.  The cache keeps (x_t, h_{t−1}, z_t, h_t).
        """
        self._check_input(Xs)
        B = self.backend
        (h,) = state
        self.cache = []
        Hs = []
        for x in Xs:
            z = self._z("", x, h)
            h_new = B.activation(self.activation, z)
            self.cache.append((x, h, z, h_new))
            Hs.append(h_new)
            h = h_new
        self.state = (h,)
        return Hs

    def backward(self, dHs, need_input_grad=True):
        """BPTT over the cached steps; ``dHs[t]`` is ∂E/∂h_t from above (None: nothing).

        Stores the summed gradients in ``self.grads``; returns [∂E/∂x_t] (or
        None when ``need_input_grad`` is False).  The state the chunk started
        from is held fixed: no gradient flows into an earlier chunk.
        """
        B = self.backend
        deltas = [None] * len(self.cache)
        dh_next = None                                   # delta_{t+1}·U
        for t in range(len(self.cache) - 1, -1, -1):
            x, h_prev, z, h = self.cache[t]
            delta = B.activation_grad(self.activation, z, h, self._dh(dHs, t, dh_next))   # ⊙ g'(z_t)
            deltas[t] = delta
            dh_next = B.matmul(delta, self.U)
        return self._grads_over_time({"": deltas}, need_input_grad)


class LSTM(Recurrent):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997; forget gate: Gers et al., 2000).

    Three gates look at the input and the last output and decide, each
    between 0 and 1 per unit: what of the cell state to keep (f), what of
    the new candidate g to write (i), and what of the cell to show as the
    output (o).  Forward, per step:

        f_t = σ(W_f·x_t + U_f·h_{t−1} + b_f)      i_t = σ(W_i·x_t + U_i·h_{t−1} + b_i)
        o_t = σ(W_o·x_t + U_o·h_{t−1} + b_o)      g_t = tanh(W_g·x_t + U_g·h_{t−1} + b_g)
        c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t           h_t = o_t ⊙ tanh(c_t)

    Backward through time (dh = ∂E/∂h_t, from above plus from step t+1):

        ∂E/∂o_t = dh ⊙ tanh(c_t)
        ∂E/∂c_t = dc_{t+1} + dh ⊙ o_t ⊙ (1 − tanh²(c_t))
        ∂E/∂f_t = ∂E/∂c_t ⊙ c_{t−1}   ∂E/∂i_t = ∂E/∂c_t ⊙ g_t   ∂E/∂g_t = ∂E/∂c_t ⊙ i_t
        dc_t    = ∂E/∂c_t ⊙ f_t          (what reaches c_{t−1})
        delta_gate = ∂E/∂gate ⊙ gate'(z_gate);  ∂E/∂W_gate += delta_gateᵀ·x_t, …
        ∂E/∂h_{t−1} = Σ_gates delta_gate·U_gate,  ∂E/∂x_t = Σ_gates delta_gate·W_gate

    The forget gate's bias starts at 1 (``forget_bias``), so that at first
    the cell keeps most of what it holds (Jozefowicz et al., 2015).
    """

    GATES = ("f", "i", "o", "g")
    STATE = ("h", "c")

    def __init__(self, n_in, n_hidden, return_sequences=True, init="xavier", forget_bias=1.0):
        super().__init__(n_in, n_hidden, return_sequences, init)
        self.forget_bias = float(forget_bias)

    def initial_bias(self, gate):
        return self.forget_bias if gate == "f" else 0.0

    def config(self):
        return dict(super().config(), forget_bias=self.forget_bias)

    def forward(self, Xs, state):
        """The gates, the cell and the output for t = 1 … T; returns [h_1 … h_T].

        ``state`` is (h_0, c_0); afterwards ``self.state`` is (h_T, c_T).
        """
        self._check_input(Xs)
        B = self.backend
        h, c = state
        self.cache = []
        Hs = []
        for x in Xs:
            z_f, z_i, z_o, z_g = (self._z(gate, x, h) for gate in self.GATES)
            f = B.activation("sigmoid", z_f)                      # forget gate
            i = B.activation("sigmoid", z_i)                      # input gate
            o = B.activation("sigmoid", z_o)                      # output gate
            g = B.activation("tanh", z_g)                         # candidate
            c_new = B.add(B.mul(f, c), B.mul(i, g))               # c_t = f⊙c_{t−1} + i⊙g
            tanh_c = B.activation("tanh", c_new)
            h_new = B.mul(o, tanh_c)                              # h_t = o⊙tanh(c_t)
            self.cache.append((x, h, c, z_f, f, z_i, i, z_o, o, z_g, g, c_new, tanh_c))
            Hs.append(h_new)
            h, c = h_new, c_new
        self.state = (h, c)
        return Hs

    def backward(self, dHs, need_input_grad=True):
        """BPTT through the gates and the cell state; as ``RNN.backward``."""
        B = self.backend
        T = len(self.cache)
        deltas = {gate: [None] * T for gate in self.GATES}
        dh_next = dc_next = None
        for t in range(T - 1, -1, -1):
            x, h_prev, c_prev, z_f, f, z_i, i, z_o, o, z_g, g, c, tanh_c = self.cache[t]
            dh = self._dh(dHs, t, dh_next)
            delta_o = B.activation_grad("sigmoid", z_o, o, B.mul(dh, tanh_c))
            dc = B.activation_grad("tanh", c, tanh_c, B.mul(dh, o))      # through h = o⊙tanh(c)
            if dc_next is not None:
                dc = B.add(dc, dc_next)
            delta_f = B.activation_grad("sigmoid", z_f, f, B.mul(dc, c_prev))
            delta_i = B.activation_grad("sigmoid", z_i, i, B.mul(dc, g))
            delta_g = B.activation_grad("tanh", z_g, g, B.mul(dc, i))
            dc_next = B.mul(dc, f)                                      # ∂E/∂c_{t−1}
            dh_next = None                                              # ∂E/∂h_{t−1} = Σ delta·U
            for gate, delta in (("f", delta_f), ("i", delta_i), ("o", delta_o), ("g", delta_g)):
                deltas[gate][t] = delta
                part = B.matmul(delta, getattr(self, "U_" + gate))
                dh_next = part if dh_next is None else B.add(dh_next, part)
        return self._grads_over_time(deltas, need_input_grad)
