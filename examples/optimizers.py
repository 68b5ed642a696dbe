"""Optimisers: momentum and Adam against plain SGD, same network, same data, same seed.

Plain SGD steps straight down the gradient: w ← w − η·g.  Momentum keeps a
velocity, v ← μ·v − η·g and w ← w + v, so steps that keep pointing the same
way add up (to as much as η/(1 − μ), ten times η for μ = 0.9) and steps that
zig-zag cancel.  Adam divides each weight's step by a running size of its own
gradient, so every weight moves at about the rate η whatever the scale of its
gradient.  The three train the same 2 → 16 tanh → 16 tanh → 1 network on two
moons from the same initial weights, with the same mini-batches.

A fair question: is momentum just a larger learning rate?  The fourth curve
is plain SGD with η/(1 − μ), the largest step momentum can build up.

    python examples/optimizers.py [--quick] [--out FOLDER]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import SGD, Adam, Dense, Momentum, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "optimizers"


def parse(argv):
    return example_parser(NAME, __doc__).parse_args(argv)


def main(argv=None):
    args = parse(argv)
    X, y = datasets.two_moons(n=200, noise=0.1, seed=0)
    epochs = 30 if args.quick else 100
    optimizers = {
        "SGD, eta 0.1": SGD(lr=0.1),
        "momentum, eta 0.1, mu 0.9": Momentum(lr=0.1, mu=0.9),
        "Adam, eta 0.01": Adam(lr=0.01),
        "SGD, eta 1.0 = 0.1/(1 - 0.9)": SGD(lr=1.0),
    }
    curves = {}
    print("training loss (logistic) after {} epochs of mini-batches of 20:".format(epochs))
    for name, optimizer in optimizers.items():
        net = Network([Dense(2, 16, "tanh"), Dense(16, 16, "tanh"), Dense(16, 1, "sigmoid")],
                      loss="logistic", seed=0)
        history = net.fit(X, y, epochs=epochs, batch_size=20, optimizer=optimizer, verbose=0)
        curves[name] = history["loss"]
        print("  {:<30} loss {:.4f}   accuracy {:.1%}".format(name, history["loss"][-1], history["accuracy"][-1]))

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "loss_curves.svg")
    pictures.line_chart(curves, title="Two moons: training loss per epoch", xlabel="epoch", ylabel="loss",
                        logy=True, width=760).save(path)
    print("picture written: {}".format(path))

    sgd, momentum, adam, big_sgd = (values[-1] for values in curves.values())
    jumps = {name: max(b / a for a, b in zip(values, values[1:])) for name, values in curves.items()}
    print("note: plain SGD with the tenfold step reaches {:.4f}: on this easy problem much of momentum's lead is "
          "its larger effective step; its worst jump up in one epoch is x{:.0f} (momentum's x{:.1f})".format(
              big_sgd, jumps["SGD, eta 1.0 = 0.1/(1 - 0.9)"], jumps["momentum, eta 0.1, mu 0.9"]))
    print("claim: momentum and Adam reach a lower loss than plain SGD in the same epochs   got: {:.4f} "
          "(momentum), {:.4f} (Adam) vs {:.4f} (SGD)".format(momentum, adam, sgd))
    assert momentum < sgd and adam < sgd, "momentum and Adam should beat plain SGD"
    return 0


if __name__ == "__main__":
    sys.exit(main())
