"""tinynet.graph: every gate's gradient against central differences, the lecture's example,
the Dense network as a graph (equal to Network.gradients), the drawing, and the errors."""

import math
import random
import xml.etree.ElementTree as ET

import pytest

from tinynet import DataError, DataTypeError, Dense, Dropout, GraphError, Network, TinynetError
from tinynet.graph import Value, draw
from tinynet.graph_network import network_graph

H = 1e-6

# name -> (function of Values (or numbers), the inputs where it is checked)
GATES = {
    "add": (lambda x, y: x + y, [1.5, -0.7]),
    "sub": (lambda x, y: x - y, [1.5, -0.7]),
    "mul": (lambda x, y: x * y, [1.5, -0.7]),
    "div": (lambda x, y: x / y, [1.5, -0.7]),
    "pow 3": (lambda x: x ** 3, [-1.3]),
    "pow 0.5": (lambda x: x ** 0.5, [2.2]),
    "pow -2": (lambda x: x ** -2, [0.8]),
    "neg": (lambda x: -x, [0.4]),
    "radd": (lambda x: 2 + x, [0.4]),
    "rsub": (lambda x: 2 - x, [0.4]),
    "rmul": (lambda x: 2 * x, [0.4]),
    "rdiv": (lambda x: 2 / x, [0.4]),
    "rpow": (lambda x: 2 ** x, [0.4]),
    "exp": (lambda x: x.exp() if isinstance(x, Value) else math.exp(x), [0.3]),
    "log": (lambda x: x.log() if isinstance(x, Value) else math.log(x), [0.3]),
    "tanh": (lambda x: x.tanh() if isinstance(x, Value) else math.tanh(x), [0.3]),
    "sigmoid": (lambda x: x.sigmoid() if isinstance(x, Value) else 1 / (1 + math.exp(-x)), [0.3]),
    "relu +": (lambda x: x.relu() if isinstance(x, Value) else max(0.0, x), [0.3]),
    "relu -": (lambda x: x.relu() if isinstance(x, Value) else max(0.0, x), [-0.3]),
    "max x wins": (lambda x, y: x.max(y) if isinstance(x, Value) else max(x, y), [0.9, 0.2]),
    "max y wins": (lambda x, y: x.max(y) if isinstance(x, Value) else max(x, y), [0.2, 0.9]),
    "a composite": (lambda x, y: ((x * y).tanh() + (x - y) ** 2 / (1 + y.exp()) if isinstance(x, Value)
                                  else math.tanh(x * y) + (x - y) ** 2 / (1 + math.exp(y))), [0.5, -1.2]),
}


def central_differences(f, inputs):
    """(f(x + h) − f(x − h)) / 2h for each input, in plain floats."""
    grads = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += H
        down[i] -= H
        grads.append((f(*up) - f(*down)) / (2 * H))
    return grads


@pytest.mark.parametrize("name", sorted(GATES))
def test_every_gate_matches_central_differences(name):
    f, inputs = GATES[name]
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    assert out.data == pytest.approx(f(*inputs), rel=1e-14)
    out.backward()
    for leaf, numeric in zip(leaves, central_differences(f, inputs)):
        assert leaf.grad == pytest.approx(numeric, rel=1e-7, abs=1e-8), name


def test_the_lecture_example_with_its_numbers():
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (a - 1) * (b + c)
    J.backward()
    assert J.data == 20.0
    assert (a.grad, b.grad, c.grad) == (5.0, 4.0, 4.0)      # b + c, a − 1, a − 1


def test_the_lecture_u_v_w_form_gives_the_same_gradients():
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = a * b + a * c - (b + c)                                # u + v − w
    J.backward()
    assert J.data == 20.0
    assert (a.grad, b.grad, c.grad) == (5.0, 4.0, 4.0)      # a feeds two gates: c + b


def test_gate_patterns_add_distributes_mul_swaps_max_routes():
    x, y, z, w = Value(3, "x"), Value(-4, "y"), Value(2, "z"), Value(-1, "w")
    product, larger = x * y, z.max(w)
    total = product + larger
    f = total * 2
    f.backward()
    assert total.grad == 2.0 and product.grad == larger.grad == 2.0     # distributes
    assert (x.grad, y.grad) == (y.data * 2.0, x.data * 2.0)              # swaps
    assert (z.grad, w.grad) == (2.0, 0.0)                                # routes


def test_max_tie_and_relu_at_zero_are_the_documented_choices():
    # At a kink the derivative does not exist; central differences give the mean of both sides.
    x, y = Value(1.0), Value(1.0)
    x.max(y).backward()
    assert (x.grad, y.grad) == (1.0, 0.0)                     # a tie goes to the first input
    assert central_differences(max, [1.0, 1.0]) == pytest.approx([0.5, 0.5])
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0                                      # relu'(0) = 0, like activations.relu_prime
    assert central_differences(lambda v: max(0.0, v), [0.0]) == pytest.approx([0.5])


def test_a_node_used_twice_sums_its_gradients():
    x = Value(3.0)
    y = x * x + x                     # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0


def test_backward_sets_gradients_it_does_not_add_them():
    x = Value(2.0)
    y = x * 3
    y.backward()
    y.backward()
    assert x.grad == 3.0


def test_a_very_deep_graph_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(20000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    y.free()
    assert y.freed


def test_repr_and_evaluation_order():
    a, b = Value(2, "a"), Value(3, "b")
    J = a * b
    assert repr(a) == "Value(data=2, grad=0, label='a')"
    assert repr(J) == "Value(data=6, grad=0, op='×')"
    assert J.topological_order() == [a, b, J]


# === The Dense network as a graph ==============================================

def _random_problem(loss, n_out, seed=5):
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(4)]
    if loss == "cross_entropy":
        y = [rng.randrange(n_out) for _ in X]
    elif loss == "logistic":
        y = [rng.randrange(2) for _ in X]
    else:
        y = [[rng.uniform(0, 1) for _ in range(n_out)] for _ in X]
    return X, y


@pytest.mark.parametrize("hidden, output, loss", [
    ("tanh", "sigmoid", "squared_error"),
    ("relu", "linear", "mse"),
    ("leaky_relu", "sigmoid", "logistic"),
    ("sigmoid", "softmax", "cross_entropy"),
    ("tanh", "softmax", "squared_error"),
])
def test_a_two_layer_network_as_a_graph_gives_network_gradients(hidden, output, loss):
    n_out = 1 if loss == "logistic" else 3
    net = Network([Dense(3, 4, hidden), Dense(4, n_out, output)], loss=loss, seed=2, backend="python")
    X, y = _random_problem(loss, n_out)
    E, params = network_graph(net, X, y)
    E.backward()
    loss_value, grads = net.gradients(X, y)
    assert abs(E.data - loss_value) < 1e-12
    worst = 0.0
    for (W, b), (dW, db) in zip(params, grads):
        assert len(W) == len(dW) and len(W[0]) == len(dW[0]) and len(b) == len(db)
        worst = max([worst] + [abs(w.grad - g) for W_k, dW_k in zip(W, dW) for w, g in zip(W_k, dW_k)]
                    + [abs(b_k.grad - g) for b_k, g in zip(b, db)])
    assert worst < 1e-12
    assert any(abs(g) > 1e-3 for dW, _ in grads for row in dW for g in row)   # not all zero


def test_network_graph_refuses_dropout():
    net = Network([Dense(2, 3), Dropout(0.5), Dense(3, 1)], backend="python")
    with pytest.raises(GraphError, match="Dense layers only"):
        network_graph(net, [[0.0, 1.0]], [[1.0]])


# === The drawing ===============================================================

NS = "{http://www.w3.org/2000/svg}"


def test_draw_the_lecture_example_shows_every_value_and_gradient(tmp_path):
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (a - 1) * (b + c)
    J.label = "J"
    J.backward()
    pic = draw(J, "J = (a − 1)·(b + c)")
    root = ET.fromstring(pic.to_string())
    assert root.tag == NS + "svg"
    by_class = {}
    for node in root.iter(NS + "text"):
        by_class.setdefault(node.get("class"), []).append("".join(node.itertext()))
    assert sorted(by_class["op"]) == sorted(["a", "1", "−", "b", "c", "+", "J = ×"])
    assert sorted(by_class["value"]) == sorted("value " + v for v in ["5", "1", "4", "3", "2", "5", "20"])
    assert sorted(by_class["grad"]) == sorted("grad " + g for g in ["5", "-5", "5", "4", "4", "4", "1"])
    assert sorted(by_class["local-grad"]) == sorted(["1", "-1", "1", "1", "5", "4"])
    assert len([e for e in root.iter(NS + "rect") if e.get("class") == "node"]) == 7
    assert len([e for e in root.iter(NS + "line") if e.get("class") == "edge"]) == 6
    path = pic.save(str(tmp_path / "J.svg"))
    assert ET.parse(path).getroot().tag == NS + "svg"
    assert J._repr_svg_() == draw(J).to_string()          # what Jupyter shows


def test_draw_puts_inputs_left_of_their_gates():
    x = Value(1.0, "x")
    y = (x * 2).exp()
    pic = draw(y)
    root = ET.fromstring(pic.to_string())
    boxes = [float(e.get("x")) for e in root.iter(NS + "rect") if e.get("class") == "node"]
    assert len(boxes) == 4 and boxes[0] < boxes[2] < boxes[3]        # x, 2 → × → exp


def test_draw_refuses_what_is_not_a_value():
    with pytest.raises(DataTypeError, match="tinynet.graph.Value"):
        draw(3.0)


# === Errors ====================================================================

@pytest.mark.parametrize("bad", ["3", None, True, False, 1 + 2j, [1.0]])
def test_a_non_number_is_a_data_type_error(bad):
    with pytest.raises(DataTypeError, match="real number"):
        Value(bad)
    with pytest.raises(DataTypeError, match="real number"):
        Value(1.0) + bad
    with pytest.raises(DataTypeError, match="real number"):
        bad * Value(1.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf"), 10 ** 400])
def test_nan_and_infinity_are_data_errors(bad):
    with pytest.raises(DataError, match="finite"):
        Value(bad, "x")
    with pytest.raises(DataError, match="finite"):
        Value(1.0) * bad


def test_results_outside_the_real_numbers_are_clear_errors():
    with pytest.raises(DataError, match="log needs x > 0"):
        Value(0.0).log()
    with pytest.raises(DataError, match="not a finite real number"):
        Value(-8.0) ** 0.5                          # a complex number
    with pytest.raises(DataError, match="not a finite real number"):
        Value(1e200) * 1e200                        # overflows to inf
    with pytest.raises(DataError, match="base c > 0"):
        (-2) ** Value(0.5)
    with pytest.raises(DataTypeError, match="plain number"):
        Value(2.0) ** Value(3.0)


def test_a_freed_graph_refuses_backward_and_new_gates_but_keeps_its_leaves():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    u = a * b
    J = u + a
    K = u * 2                       # built before J.free(): it shares u
    J.backward()
    J.free()
    assert (J.data, J.grad, a.grad, b.grad) == (8.0, 1.0, 4.0, 2.0)   # readable after free
    assert J.freed and u.freed and not a.freed and not b.freed
    assert J.parents == () and u.local_grads == ()
    for use in (J.backward, K.backward, lambda: u * 3, lambda: 3 + J, lambda: draw(J)):
        with pytest.raises(GraphError, match="freed by free"):
            use()
    J.free()                        # freeing again does nothing
    fresh = a * b                   # the leaves start a new graph
    fresh.backward()
    assert (a.grad, b.grad) == (3.0, 2.0)


def test_a_cycle_is_a_clear_error():
    x = Value(1.0, "x")
    y = x * 2
    z = y + 1
    y.parents = (z, y.parents[1])   # wired by hand into a loop: y ← z ← y
    y.local_grads = (1.0, 1.0)
    with pytest.raises(GraphError, match="cycle"):
        z.backward()


def test_graph_errors_are_tinynet_errors():
    assert issubclass(GraphError, TinynetError) and issubclass(GraphError, RuntimeError)
    with pytest.raises(TypeError):
        Value("x")
    with pytest.raises(ValueError):
        Value(float("nan"))
