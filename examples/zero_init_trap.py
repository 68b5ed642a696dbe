"""The symmetry trap: start every weight at zero and the hidden units stay identical forever.

With ``init="zeros"`` every hidden unit computes the same z from the same
weights, so every unit gets the same delta δ_j = g'(z_j)·Σ_k δ_k·w_kj (all the
w_kj are equal too) and the same update: after any amount of training the
rows of W[1] are still equal, and 8 hidden units work as one.  Starting from
small random weights (``init="small"``, N(0, 1)·0.01) breaks the symmetry:
the units drift apart and each learns its own feature.  Both networks are
2 → 8 sigmoid → 1 sigmoid, trained identically on two moons.

    python examples/zero_init_trap.py [--quick] [--out FOLDER]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "zero_init_trap"


def parse(argv):
    return example_parser(NAME, __doc__).parse_args(argv)


def main(argv=None):
    args = parse(argv)
    X, y = datasets.two_moons(n=200, noise=0.1, seed=0)
    epochs = 200 if args.quick else 300
    os.makedirs(args.out, exist_ok=True)
    accuracy, spread = {}, {}
    for init in ("zeros", "small"):
        net = Network([Dense(2, 8, "sigmoid", init=init), Dense(8, 1, "sigmoid", init=init)],
                      loss="logistic", seed=0)
        net.fit(X, y, epochs=epochs, batch_size=20, optimizer="sgd", lr=1.0, verbose=0)
        accuracy[init] = net.evaluate(X, y)["accuracy"]
        W1, b1 = net.get_weights()[0]
        # how far apart the hidden units are: the largest difference from unit 1, over all weights and biases
        spread[init] = max(abs(v - v0) for row, b in zip(W1, b1) for v, v0 in zip(row + [b], W1[0] + [b1[0]]))
        print('\ninit="{}": hidden weights W[1] after {} epochs (one row per hidden unit: w1, w2 | b)'.format(
            init, epochs))
        for j, (row, b) in enumerate(zip(W1, b1), 1):
            print("  unit {}: {:+.4f} {:+.4f} | {:+.4f}".format(j, row[0], row[1], b))
        print("  rows differ by at most {:.2g}; training accuracy {:.1%}".format(spread[init], accuracy[init]))
        net.plot('The network trained from init="{}"'.format(init)).save(os.path.join(args.out, "network_{}.svg".format(init)))
        pictures.decision_boundary(lambda P: [a for (a,) in net.predict(P)], X, y,
                                   title='init="{}": accuracy {:.1%}'.format(init, accuracy[init])
                                   ).save(os.path.join(args.out, "boundary_{}.svg".format(init)))
    print("\npictures written to {}: network_zeros.svg, network_small.svg, boundary_zeros.svg, "
          "boundary_small.svg".format(args.out))

    print('claim: from zeros the hidden units stay identical, from small random weights they differ and win   '
          'got: rows differ by {:.2g} vs {:.2g}, accuracy {:.1%} vs {:.1%}'.format(
              spread["zeros"], spread["small"], accuracy["zeros"], accuracy["small"]))
    assert spread["zeros"] < 1e-9 and spread["small"] > 0.1, "zeros: equal rows; small: different rows"
    assert accuracy["small"] > accuracy["zeros"], "breaking the symmetry should pay off"
    return 0


if __name__ == "__main__":
    sys.exit(main())
