"""The lecture's 2-2-2-2 sigmoid network, forward and backward by hand.

Three sigmoid layers with the weights from the slides.  The forward pass
computes z = W·a_prev + b and a = g(z) layer by layer; the lecture claims the
outputs [0.62, 0.83] for the input [1, −1] and [0.51, 0.85] for [0, 0].

The backward pass for one target t (squared error E = ½·Σ_k (a_k − t_k)²):

* output delta   δ_k = (a_k − t_k)·g'(z_k)
* hidden delta   δ_j = g'(z_j)·Σ_k δ_k·w_kj      (g'(z) = a·(1 − a) for a sigmoid)
* gradients      ∂E/∂w_kj = δ_k·a_j  and  ∂E/∂b_k = δ_k
* one SGD step   w ← w − η·∂E/∂w

Every delta is computed here with plain lists from the z and a that the
network cached in its forward pass, then checked three ways: against the
library's own backprop, against finite differences (``tinynet.gradcheck``),
and by taking the SGD step with the library and comparing the new weights.

    python examples/worked_example.py [--quick] [--out FOLDER] [--target 1 0] [--lr 0.5]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import SGD, Dense, Network, gradcheck  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "worked_example"

# (W, b) of each layer, as on the slides: W[l] has shape (n[l], n[l-1]).
LECTURE = [
    ([[1.0, -2.0], [-1.0, 1.0]], [1.0, 0.0]),
    ([[2.0, -1.0], [-2.0, -1.0]], [0.0, 0.0]),
    ([[3.0, -1.0], [-1.0, 4.0]], [-2.0, 2.0]),
]
CLAIMS = [([1.0, -1.0], [0.62, 0.83]), ([0.0, 0.0], [0.51, 0.85])]


def parse(argv):
    parser = example_parser(NAME, __doc__, "accepted for symmetry: this example is always quick")
    parser.add_argument("--target", type=float, nargs=2, default=[1.0, 0.0], help="target t (default 1 0)")
    parser.add_argument("--lr", type=float, default=0.5, help="learning rate eta (default 0.5)")
    return parser.parse_args(argv)


def lecture_network():
    # The pure-Python backend, whatever TINYNET_BACKEND says: its float64 arithmetic is what
    # the hand computation below is compared with, to 1e-12.
    net = Network([Dense(2, 2, "sigmoid"), Dense(2, 2, "sigmoid"), Dense(2, 2, "sigmoid")],
                  loss="squared_error", backend="python")
    for layer, (W, b) in zip(net.layers, LECTURE):
        layer.set_weights(W, b)
    return net


def fmt(values):
    """[0.6225, 0.8320] for a list, nested lists row by row."""
    if values and isinstance(values[0], list):
        return "[" + ", ".join(fmt(row) for row in values) + "]"
    return "[" + ", ".join("{:.4f}".format(v) for v in values) + "]"


def forward(net, x):
    """Run one sample through the network; return [(z, a)] per layer, read from each layer's cache."""
    B = net.backend
    net.forward(B.array([x]))
    return [(B.to_list(layer.z)[0], B.to_list(layer.a)[0]) for layer in net.layers]


def main(argv=None):
    args = parse(argv)
    net = lecture_network()
    print("The 2-2-2-2 sigmoid network of the lecture:")
    print(net.summary())

    # === Forward ============================================================
    outputs = []
    for x, claim in CLAIMS:
        print("\nForward pass for x = {}:".format(fmt(x)))
        for number, (z, a) in enumerate(forward(net, x), 1):
            print("  layer {}: z = {}   a = g(z) = {}".format(number, fmt(z), fmt(a)))
        got = [round(v, 2) for v in net.predict(x)]
        outputs.append(got)
        print("  claim: output {}   got: {}".format(claim, got))

    # === Backward, by hand from the cached z and a ==========================
    x, t = CLAIMS[0][0], list(args.target)
    cache = forward(net, x)
    activations = [x] + [a for _, a in cache]             # a of the input "layer" is x
    weights = [W for W, _ in net.get_weights()]
    a_out = cache[-1][1]
    E = 0.5 * sum((a_k - t_k) ** 2 for a_k, t_k in zip(a_out, t))
    print("\nBackward pass for x = {}, target t = {}: E = 1/2*sum (a - t)^2 = {:.6f}".format(fmt(x), fmt(t), E))

    deltas = [None] * len(cache)
    # output delta: (a_k - t_k)*g'(z_k), with g'(z) = a(1 - a) for a sigmoid
    deltas[-1] = [(a_k - t_k) * a_k * (1 - a_k) for a_k, t_k in zip(a_out, t)]
    # hidden deltas: g'(z_j) * sum_k delta_k * w_kj, from the top down
    for l in range(len(cache) - 2, -1, -1):
        a = cache[l][1]
        W_above, d_above = weights[l + 1], deltas[l + 1]
        deltas[l] = [a[j] * (1 - a[j]) * sum(d_above[k] * W_above[k][j] for k in range(len(d_above)))
                     for j in range(len(a))]
    # gradients: dE/dw_kj = delta_k * a_j (a_j from the layer below), dE/db_k = delta_k
    grads = [[[d_k * a_j for a_j in activations[l]] for d_k in deltas[l]] for l in range(len(cache))]
    for l in range(len(cache) - 1, -1, -1):
        print("  layer {}: delta = {}   dE/dW = {}   dE/db = delta".format(l + 1, fmt(deltas[l]), fmt(grads[l])))

    # === Check 1: finite differences (gradcheck compares backprop with them) ===
    check = gradcheck(net, [x], [t])
    print("\ngradcheck: backprop vs (E(w+h) - E(w-h))/2h")
    print("  " + str(check).replace("\n", "\n  "))

    # === Check 2 and the SGD step: let the library take one step ===========
    B = net.backend
    before = net.get_weights()
    net.train_step(B.array([x]), B.array([t]), SGD(lr=args.lr))
    after = net.get_weights()
    library_deltas = [B.to_list(layer.db)[0] for layer in net.layers]   # dE/db = delta for one sample
    library_grads = [B.to_list(layer.dW) for layer in net.layers]
    print("\nOne SGD step, w <- w - eta*dE/dw with eta = {}:".format(args.lr))
    worst = 0.0
    for l, ((W0, b0), (W1, b1)) in enumerate(zip(before, after)):
        expected = [[w - args.lr * g for w, g in zip(w_row, g_row)] for w_row, g_row in zip(W0, grads[l])]
        change = [[w1 - w0 for w0, w1 in zip(r0, r1)] for r0, r1 in zip(W0, W1)]
        print("  layer {}: W {} -> {}   (change {})".format(l + 1, fmt(W0), fmt(W1), fmt(change)))
        print("           b {} -> {}".format(fmt(b0), fmt(b1)))
        worst = max([worst] + [abs(u - v) for ru, rv in zip(expected, W1) for u, v in zip(ru, rv)]
                    + [abs(u - v) for u, v in zip(deltas[l], library_deltas[l])]
                    + [abs(u - v) for ru, rv in zip(grads[l], library_grads[l]) for u, v in zip(ru, rv)])
    E_after = 0.5 * sum((a_k - t_k) ** 2 for a_k, t_k in zip(net.predict(x), t))
    print("  E before the step {:.6f}, after {:.6f}".format(E, E_after))
    print("  largest difference between the hand-computed deltas/gradients/step and the library's: {:.1e}"
          .format(worst))

    os.makedirs(args.out, exist_ok=True)
    lecture_network().plot("The lecture's 2-2-2-2 sigmoid network").save(os.path.join(args.out, "network.svg"))
    print("\npicture written: {}".format(os.path.join(args.out, "network.svg")))

    print("\nclaim: outputs {} and {}   got: {} and {}".format(
        CLAIMS[0][1], CLAIMS[1][1], outputs[0], outputs[1]))
    print("claim: hand-computed deltas = backprop = finite differences   got: max difference {:.1e}, "
          "gradcheck max relative error {:.1e}".format(worst, check.max_error))
    assert outputs == [claim for _, claim in CLAIMS], "the forward pass does not give the lecture's outputs"
    assert check.ok and worst < 1e-12, "the deltas do not agree"
    assert E_after < E, "one SGD step should lower the error"
    return 0


if __name__ == "__main__":
    sys.exit(main())
