"""Backprop as a computational graph: J = (a − 1)(b + c), the gate patterns, a neuron, a network.

Every node of a graph is a number computed by a gate, and every gate knows
its local gradient ∂out/∂in. The backward pass sends ∂J/∂J = 1 from the
output back to the inputs; at each gate, downstream = local × upstream, and a
node feeding several gates adds what comes back from each.

1. The lecture's J = u + v − w with u = a·b, v = a·c, w = b + c, which is
   (a − 1)·(b + c); here a = 5, b = 3, c = 2. Both graphs give
   ∂J/∂a = b + c = 5 and ∂J/∂b = ∂J/∂c = a − 1 = 4.
2. The patterns, read off a run of f = 2·(x·y + max(z, w)): the add gate
   distributes its gradient, the multiply gate swaps its inputs, the max gate
   routes the gradient to the larger input.
3. A neuron a = σ(w·x + b) as a graph; its gradients equal σ'(z)·x_j.
4. A Dense network's forward pass and loss as a graph of scalars: its
   backward pass gives exactly ``Network.gradients`` (the δ-rules, grouped).

    python examples/computational_graph.py [--quick] [--out FOLDER]
"""

import math
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Neuron, Network  # noqa: E402
from tinynet.activations import sigmoid_prime  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402
from tinynet.graph import Value, draw  # noqa: E402
from tinynet.graph_network import network_graph  # noqa: E402

NAME = "computational_graph"
H = 1e-6


def parse(argv):
    return example_parser(NAME, __doc__, "a smaller network in part 4").parse_args(argv)


def numeric_gradient(f, values, i):
    """(f(v + h) − f(v − h)) / 2h in input i, with plain floats."""
    up, down = list(values), list(values)
    up[i] += H
    down[i] -= H
    return (f(*up) - f(*down)) / (2 * H)


def lecture_graphs():
    """J = (a − 1)(b + c), and J = u + v − w, each from its own leaves a = 5, b = 3, c = 2."""
    a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    J = (a - 1) * (b + c)
    J.label = "J"
    A, B, C = Value(5, "a"), Value(3, "b"), Value(2, "c")
    u, v, w = A * B, A * C, B + C
    u.label, v.label, w.label = "u", "v", "w"
    J2 = u + v - w
    J2.label = "J"
    return (J, (a, b, c)), (J2, (A, B, C), (u, v))


def main(argv=None):
    args = parse(argv)
    os.makedirs(args.out, exist_ok=True)
    worst_numeric = 0.0

    # === 1. The lecture's J ==================================================
    (J, (a, b, c)), (J2, leaves2, (u, v)) = lecture_graphs()
    print("1. J = (a - 1)(b + c) with a = 5, b = 3, c = 2")
    for graph, leaves, form in ((J, (a, b, c), "(a - 1)(b + c)"), (J2, leaves2, "u + v - w")):
        graph.backward()
        print("   J = {:<15} = {:g}   dJ/da = {:g}  dJ/db = {:g}  dJ/dc = {:g}   ({} nodes)".format(
            form, graph.data, *(leaf.grad for leaf in leaves), len(graph.topological_order())))
        for i, leaf in enumerate(leaves):
            numeric = numeric_gradient(lambda x, y, z: (x - 1) * (y + z), [5.0, 3.0, 2.0], i)
            worst_numeric = max(worst_numeric, abs(leaf.grad - numeric))
    print("   in u + v - w, a feeds two gates and adds what comes back: dJ/da = dJ/du*b + dJ/dv*c = "
          "{:g}*{:g} + {:g}*{:g} = {:g}".format(u.grad, leaves2[1].data, v.grad, leaves2[2].data, leaves2[0].grad))
    draw(J, "J = (a − 1)·(b + c), a = 5, b = 3, c = 2").save(os.path.join(args.out, "lecture_J.svg"))
    draw(J2, "J = u + v − w with u = a·b, v = a·c, w = b + c").save(os.path.join(args.out, "lecture_uvw.svg"))
    lecture = [J.data] + [leaf.grad for leaf in (a, b, c)]
    same = [J2.data] + [leaf.grad for leaf in leaves2] == lecture

    # === 2. The gate patterns, with numbers from this run ==================
    x, y, z, w = Value(3, "x"), Value(-4, "y"), Value(2, "z"), Value(-1, "w")
    product, larger = x * y, z.max(w)
    total = product + larger
    f = total * 2
    f.label = "f"
    f.backward()
    print("\n2. f = 2*(x*y + max(z, w)) with x = 3, y = -4, z = 2, w = -1: f = {:g}".format(f.data))
    print("   add distributes: upstream {:g} -> x*y gets {:g}, max(z, w) gets {:g}".format(
        total.grad, product.grad, larger.grad))
    print("   mul swaps:       upstream {:g} -> x gets y*{:g} = {:g}, y gets x*{:g} = {:g}".format(
        product.grad, product.grad, x.grad, product.grad, y.grad))
    print("   max routes:      upstream {:g} -> z (the larger) gets {:g}, w gets {:g}".format(
        larger.grad, z.grad, w.grad))
    patterns = (product.grad == larger.grad == total.grad, (x.grad, y.grad) == (y.data * 2, x.data * 2),
                (z.grad, w.grad) == (larger.grad, 0.0))
    draw(f, "f = 2·(x·y + max(z, w))").save(os.path.join(args.out, "gates.svg"))
    for i, leaf in enumerate((x, y, z, w)):
        numeric = numeric_gradient(lambda p, q, r, s: 2 * (p * q + max(r, s)), [3.0, -4.0, 2.0, -1.0], i)
        worst_numeric = max(worst_numeric, abs(leaf.grad - numeric))

    # === 3. A neuron a = σ(w·x + b) ========================================
    weights, inputs, bias = [2.0, -3.0], [-1.0, -2.0], -3.0
    w0, w1, x0, x1, b_ = (Value(weights[0], "w0"), Value(weights[1], "w1"), Value(inputs[0], "x0"),
                          Value(inputs[1], "x1"), Value(bias, "b"))
    zn = w0 * x0 + w1 * x1 + b_
    zn.label = "z"
    out = zn.sigmoid()
    out.label = "a"
    out.backward()
    neuron = Neuron(weights, bias, "sigmoid")
    slope = sigmoid_prime(neuron.z(inputs))
    print("\n3. a neuron a = sigmoid(w.x + b), w = {}, x = {}, b = {:g}: z = {:g}, a = {:.4f} "
          "(Neuron gives {:.4f})".format(weights, inputs, bias, zn.data, out.data, neuron(inputs)))
    print("   da/dw = g'(z)*x = [{:.4f}, {:.4f}]   da/dx = g'(z)*w = [{:.4f}, {:.4f}]   "
          "da/db = g'(z) = {:.4f}".format(w0.grad, w1.grad, x0.grad, x1.grad, b_.grad))
    neuron_worst = max(abs(w0.grad - slope * inputs[0]), abs(w1.grad - slope * inputs[1]),
                       abs(x0.grad - slope * weights[0]), abs(x1.grad - slope * weights[1]),
                       abs(b_.grad - slope), abs(out.data - neuron(inputs)))
    draw(out, "a neuron: a = σ(w0·x0 + w1·x1 + b)").save(os.path.join(args.out, "neuron.svg"))

    # === 4. A Dense network as a graph of scalars ==========================
    n_in, n_hidden, n_out, m = (3, 4, 2, 4) if args.quick else (4, 8, 3, 16)
    net = Network([Dense(n_in, n_hidden, "tanh"), Dense(n_hidden, n_out, "sigmoid")],
                  loss="squared_error", seed=0, backend="python")      # float64, the reference
    rng = random.Random(0)
    X = [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(m)]
    T = [[rng.uniform(0, 1) for _ in range(n_out)] for _ in range(m)]
    E, params = network_graph(net, X, T)
    E.backward()
    loss, grads = net.gradients(X, T)
    network_worst = abs(E.data - loss)
    for (W, b), (dW, db) in zip(params, grads):
        network_worst = max([network_worst] + [abs(v.grad - g) for row, g_row in zip(W, dW)
                                               for v, g in zip(row, g_row)]
                            + [abs(v.grad - g) for v, g in zip(b, db)])
    nodes = len(E.topological_order())
    print("\n4. the {}-{}-{} network (tanh, sigmoid, squared error) on {} samples as a graph of {} scalar "
          "nodes".format(n_in, n_hidden, n_out, m, nodes))
    print("   E = {:.6f} (Network: {:.6f}); dE/dw[0][0] of layer 2: graph {:.6e}, Network.gradients {:.6e}".format(
        E.data, loss, params[1][0][0][0].grad, grads[1][0][0][0]))
    E.free()                                     # the graph's cache is released; the leaves keep their grads

    print("\npictures written to {}: lecture_J.svg, lecture_uvw.svg, gates.svg, neuron.svg".format(args.out))
    print("\nclaim: J = 20, dJ/da = 5, dJ/db = dJ/dc = 4 in both graphs   got: {} and {}".format(
        ", ".join("{:g}".format(v) for v in lecture), "the same" if same else "different"))
    print("claim: add distributes, mul swaps, max routes   got: {}".format(
        ", ".join("yes" if ok else "no" for ok in patterns)))
    print("claim: graph gradients = central differences   got: max difference {:.1e}".format(worst_numeric))
    print("claim: the neuron's graph gives g'(z)*x   got: max difference {:.1e}".format(neuron_worst))
    print("claim: the network's graph gradients = Network.gradients to 1e-12   got: max difference {:.1e}".format(
        network_worst))
    assert lecture == [20.0, 5.0, 4.0, 4.0] and same, "the lecture's J or its gradients are wrong"
    assert all(patterns), "a gate pattern did not hold"
    assert worst_numeric < 1e-6 and neuron_worst < 1e-12, "the graph's gradients are wrong"
    assert network_worst < 1e-12 and math.isfinite(loss), "the graph and the δ-rules disagree"
    return 0


if __name__ == "__main__":
    sys.exit(main())
