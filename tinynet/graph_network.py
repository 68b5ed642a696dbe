"""A Dense network's forward pass and loss, built as a computational graph of scalars.

``network_graph(net, X, y)`` copies the network's weights into ``Value``
leaves and computes z_k = Σ_j w_kj·a_j + b_k and a_k = g(z_k) for every
sample, one multiply and one add gate at a time, then the mean loss E. After
``E.backward()`` every leaf holds ∂E/∂w: the numbers ``net.gradients(X, y)``
computes with the δ-rules. The δ-rules are this graph's backward pass,
grouped by layer:

* δ_k = ∂E/∂z_k is the gradient arriving at the node z_k;
* ∂E/∂w_kj = δ_k·a_j is the multiply gate w_kj·a_j swapping its inputs;
* ∂E/∂b_k = δ_k because the add gate distributes;
* δ_j = g'(z_j)·Σ_k δ_k·w_kj is a_j collecting the gradient from every
  gate it feeds, times the local gradient of its activation gate.

>>> from tinynet import Network, Dense
>>> net = Network([Dense(2, 1, "sigmoid")], seed=0, backend="python")
>>> E, params = network_graph(net, [[1.0, 2.0]], [[1.0]])
>>> E.backward()
>>> loss, grads = net.gradients([[1.0, 2.0]], [[1.0]])
>>> abs(E.data - loss) < 1e-15, abs(params[0][0][0][1].grad - grads[0][0][0][1]) < 1e-15
(True, True)
"""

from .errors import GraphError
from .graph import Value
from .layers import Dense

__all__ = ["network_graph"]


def _activation(name, z, alpha):
    """a = g(z) for one unit, out of the graph's gates."""
    if name == "sigmoid":
        return z.sigmoid()
    if name == "tanh":
        return z.tanh()
    if name == "relu":
        return z.relu()
    if name == "leaky_relu":        # max(α·z, z) for α < 1; a tie (z = 0) goes to α·z: slope α,
        return (alpha * z).max(z)   # as in leaky_relu_prime
    if name == "linear":
        return z
    raise GraphError("no scalar gate for activation {!r}".format(name))


def _softmax(z):
    """a_k = e^(z_k − m) / Σ_j e^(z_j − m); m = max z is a plain number (it cancels in a)."""
    m = max(z_k.data for z_k in z)
    e = [(z_k - m).exp() for z_k in z]
    total = e[0]
    for e_k in e[1:]:
        total = total + e_k
    return [e_k / total for e_k in e]


def _loss(name, a, t):
    """E of one sample, as in tinynet.losses."""
    terms = []
    for a_k, t_k in zip(a, t):
        if name == "squared_error":                        # ½·(a − t)²
            terms.append(0.5 * (a_k - t_k) ** 2)
        elif name == "mse":                                # (1/n)·(a − t)²
            terms.append((a_k - t_k) ** 2 / len(a))
        elif name == "logistic":                           # −t·log a − (1 − t)·log(1 − a)
            terms.append(-t_k * a_k.log() - (1 - t_k) * (1 - a_k).log())
        elif t_k:                                          # cross_entropy: −t·log a
            terms.append(-t_k * a_k.log())
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def network_graph(net, X, y):
    """(E, params): the mean loss of ``net`` on (X, y) as a graph, and its weight leaves.

    ``params[l]`` is (W, b) of Dense layer l as ``Value`` leaves: W[k][j] is
    w_kj, shape (n_out, n_in). Only networks of Dense layers can be built.
    """
    for layer in net.layers:
        if not isinstance(layer, Dense):
            raise GraphError("network_graph builds Dense layers only, not {!r}".format(layer))
    rows, _ = net._inputs(X)
    targets = net._targets(y, len(rows))
    params = []
    for l, (W, b) in enumerate(net.get_weights()):
        params.append(([[Value(w, "w{}[{}][{}]".format(l + 1, k, j)) for j, w in enumerate(row)]
                        for k, row in enumerate(W)],
                       [Value(b_k, "b{}[{}]".format(l + 1, k)) for k, b_k in enumerate(b)]))
    E = None
    for x, t in zip(rows, targets):
        a = [Value(x_j, "x[{}]".format(j)) for j, x_j in enumerate(x)]
        for layer, (W, b) in zip(net.layers, params):
            z = []
            for W_k, b_k in zip(W, b):                     # z_k = b_k + Σ_j w_kj·a_j
                z_k = b_k
                for w_kj, a_j in zip(W_k, a):
                    z_k = z_k + w_kj * a_j
                z.append(z_k)
            if layer.activation == "softmax":
                a = _softmax(z)
            else:
                a = [_activation(layer.activation, z_k, layer.alpha) for z_k in z]
        E_x = _loss(net.loss, a, t)
        E = E_x if E is None else E + E_x
    return E / len(rows), params
