"""Universal approximation: one hidden ReLU layer fits a 1-D curve, better with more units.

A network with one hidden layer of H ReLU units and a linear output computes

    f(x) = b2 + Σ_k w2_k·max(0, w1_k·x + b1_k)

a sum of H "hinges", each bending at x = −b1_k / w1_k.  With enough hinges
the sum can follow any continuous curve on an interval (the universal
approximation theorem); each pair of opposite hinges makes a ramp, and
ramps make bumps.  Here the target is three Gaussian bumps
(``datasets.bumps``), and the same training is run for H = 2, 4, 8 and 32:
the error falls as H grows.  The second picture takes the 8-unit network
apart: each unit's contribution w2_k·relu(w1_k·x + b1_k) and their sum.

    python examples/universal_approximation.py [--quick] [--out FOLDER]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "universal_approximation"
UNITS = (2, 4, 8, 32)


def parse(argv):
    return example_parser(NAME, __doc__, "fewer points and epochs (a fast check)").parse_args(argv)


def scaled(xs):
    """x in [0, 1] -> 2x - 1 in [-1, 1]: centred inputs let the hinges start on both sides."""
    return [[2.0 * x - 1.0] for x in xs]


def main(argv=None):
    args = parse(argv)
    X, y = datasets.bumps(n=100 if args.quick else 200, seed=0)      # x in [0, 1], sorted
    xs = [x for [x] in X]
    epochs = 120 if args.quick else 500
    fits = {"target (the data)": list(zip(xs, y))}
    mse = {}
    for H in UNITS:
        net = Network([Dense(1, H, "relu"), Dense(H, 1, "linear")], loss="mse", seed=0)
        net.fit(scaled(xs), y, epochs=epochs, batch_size=20, optimizer="adam", lr=0.01, verbose=0)
        mse[H] = net.evaluate(scaled(xs), y)["mse"]
        print("{:>2} hidden units: mean squared error {:.5f}".format(H, mse[H]))
        fits["{} units".format(H)] = list(zip(xs, [a for (a,) in net.predict(scaled(xs))]))
        if H == 8:
            parts = hinges(net, xs)

    os.makedirs(args.out, exist_ok=True)
    pictures.line_chart(fits, title="One hidden ReLU layer fitting three bumps", xlabel="x",
                        ylabel="y").save(os.path.join(args.out, "fits.svg"))
    pictures.line_chart(parts, title="The 8-unit network: each unit's w2_k*relu(w1_k*x + b1_k)", width=760,
                        xlabel="x", ylabel="contribution to f(x)").save(os.path.join(args.out, "hinges.svg"))
    print("pictures written to {}: fits.svg, hinges.svg".format(args.out))

    errors = [mse[H] for H in UNITS]
    print("claim: the error falls as the hidden layer grows   got: MSE " + ", ".join(
        "{:.4f} ({} units)".format(e, H) for H, e in zip(UNITS, errors)))
    assert all(a > b for a, b in zip(errors, errors[1:])), "the error should fall with every step in H"
    return 0


def hinges(net, xs):
    """f(x) and each live hidden unit's share w2_k*relu(w1_k*x + b1_k), as curves over x."""
    (W1, b1), (W2, b2) = net.get_weights()
    print("  the 8-unit network's output bias b2 = {:.3f}".format(b2[0]))
    curves = {"f(x) = b2 + units":
              [(x, a) for x, (a,) in zip(xs, net.predict(scaled(xs)))]}
    for k, ((w1,), b) in enumerate(zip(W1, b1)):
        share = [(x, W2[0][k] * max(0.0, w1 * s + b)) for x, [s] in zip(xs, scaled(xs))]
        if all(v == 0.0 for _, v in share):
            print("  unit {} of the 8-unit network is dead: relu(z) = 0 for every x, so it adds nothing".format(k + 1))
        else:
            curves["unit {}".format(k + 1)] = share
    return curves


if __name__ == "__main__":
    sys.exit(main())
