"""Vanishing gradients: a deep sigmoid net's early layers barely learn; ReLU keeps them alive.

Backprop multiplies the delta by g'(z) at every layer on its way down:
δ_j = g'(z_j)·Σ_k δ_k·w_kj.  A sigmoid's slope is at most g'(0) = 1/4, so
after a few layers the delta, and with it ∂E/∂w = δ·a, has shrunk by orders
of magnitude: the first layers get almost no gradient.  A ReLU's slope is 1
wherever the unit is active, so the gradient keeps its size.

Two networks, 64 → 6 hidden layers of 32 → 10 softmax, one with sigmoid and
one with ReLU hidden units (each with its usual initialisation: Xavier for
sigmoid, He for ReLU), see the same batch of digits (8×8).  One forward
pass, the output delta, one backward pass, and then the mean |∂E/∂W| of every
layer, read from each layer's ``dW``.

    python examples/vanishing_gradients.py [--quick] [--out FOLDER] [--depth 6]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "vanishing_gradients"


def parse(argv):
    parser = example_parser(NAME, __doc__, "a batch of 64 digits instead of 256 (a fast check)")
    parser.add_argument("--depth", type=int, default=6, help="hidden layers (default 6)")
    return parser.parse_args(argv)


def deep_network(activation, depth):
    layers = [Dense(64, 32, activation)] + [Dense(32, 32, activation) for _ in range(depth - 1)]
    return Network(layers + [Dense(32, 10, "softmax")], loss="cross_entropy", seed=0)


def gradient_sizes(net, X, y):
    """Mean |dE/dW| per layer after one backward pass (no weight update)."""
    _, grads = net.gradients(X, y)                     # [(dE/dW, dE/db)] per layer, as lists
    return [sum(abs(g) for row in dW for g in row) / (len(dW) * len(dW[0])) for dW, _ in grads]


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits8(scale=True)
    n = 64 if args.quick else 256
    X, y = data.X[:n], data.y[:n]
    print("one backward pass on {} digits through 64 -> {} x 32 -> 10".format(n, args.depth))
    sizes = {activation: gradient_sizes(deep_network(activation, args.depth), X, y)
             for activation in ("sigmoid", "relu")}

    print("\nmean |dE/dW| per layer (layer 1 is next to the input)")
    print("layer    sigmoid       relu")
    for number, (s, r) in enumerate(zip(sizes["sigmoid"], sizes["relu"]), 1):
        print("{:>5}  {:9.2e}  {:9.2e}".format(number, s, r))
    ratio = {activation: values[0] / values[-1] for activation, values in sizes.items()}
    print("first layer / last layer:  sigmoid {:.1e},  relu {:.1e}".format(ratio["sigmoid"], ratio["relu"]))

    os.makedirs(args.out, exist_ok=True)
    for activation, values in sizes.items():
        labels = ["layer {}".format(k) for k in range(1, len(values) + 1)]
        pictures.bar_chart(dict(zip(labels, values)), logy=True, ylabel="mean |dE/dW|",
                           title="{} network: gradient size per layer".format(activation)
                           ).save(os.path.join(args.out, "gradients_{}.svg".format(activation)))
    pictures.line_chart({"sigmoid": sizes["sigmoid"], "relu": sizes["relu"]}, logy=True, xlabel="layer",
                        ylabel="mean |dE/dW|", title="Gradient size per layer, sigmoid vs ReLU"
                        ).save(os.path.join(args.out, "gradients_compared.svg"))
    print("pictures written to {}: gradients_sigmoid.svg, gradients_relu.svg, gradients_compared.svg".format(
        args.out))

    print("claim: sigmoid's first layer gets a gradient orders of magnitude smaller than its last; ReLU's does "
          "not   got: first/last = {:.1e} (sigmoid) vs {:.1e} (relu)".format(ratio["sigmoid"], ratio["relu"]))
    assert ratio["sigmoid"] < 1e-2 and ratio["relu"] > 1e-1, "the sigmoid gradients should vanish, the ReLU ones not"
    return 0


if __name__ == "__main__":
    sys.exit(main())
