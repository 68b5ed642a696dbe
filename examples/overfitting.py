"""Overfitting, and four cures that narrow the gap: L2, L1, dropout, early stopping.

Sixteen noisy samples of y = sin(x) and a network with far more weights than
that (1 → 20 tanh → 20 tanh → 1, 481 parameters): trained long enough, it
threads its curve through every noisy point.  The training error goes to
almost nothing while the error on fresh samples (the validation set) grows:
the gap between the two is overfitting.  Each cure is the same network,
trained the same way, with one change:

* L2 (weight decay): the gradient gets + λ2·w, pulling every weight to 0;
* L1: the gradient gets + λ1·sign(w), pushing small weights to exactly 0;
* dropout: in training each hidden unit of the second layer is switched off
  with probability 0.2, so no unit can rely on another;
* early stopping: watch the validation error and keep the weights of its
  best epoch, stopping after 100 epochs without improvement.

The errors printed at the end are measured with the final weights and no
dropout, on the training and on the validation set.

    python examples/overfitting.py [--quick] [--out FOLDER]
"""

import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Dropout, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "overfitting"


def parse(argv):
    return example_parser(NAME, __doc__, "fewer epochs with larger steps (a fast check)").parse_args(argv)


def network(dropout=0.0):
    hidden = [Dense(1, 20, "tanh"), Dense(20, 20, "tanh")] + ([Dropout(dropout)] if dropout else [])
    return Network(hidden + [Dense(20, 1, "linear")], loss="mse", seed=0)


def scaled(X):
    """x in [-pi, pi] -> x/pi in [-1, 1]."""
    return [[x / math.pi] for [x] in X]


def main(argv=None):
    args = parse(argv)
    X_train, y_train = datasets.sine(n=16, noise=0.25, seed=1)
    X_val, y_val = datasets.sine(n=60, noise=0.25, seed=2)
    X_train, X_val = scaled(X_train), scaled(X_val)
    epochs, lr = (250, 0.05) if args.quick else (1000, 0.01)
    print("{} training and {} validation samples of sin(x) + noise (noise variance {:.4f}, the best "
          "possible validation MSE)".format(len(X_train), len(X_val), 0.25 ** 2))
    runs = {
        "no cure": ("none", network(), {}),
        "L2 (0.01)": ("l2", network(), {"l2": 0.01}),
        "L1 (0.003)": ("l1", network(), {"l1": 0.003}),
        "dropout (0.2)": ("dropout", network(dropout=0.2), {}),
        "early stopping": ("early_stopping", network(), {"early_stopping": 100}),
    }
    os.makedirs(args.out, exist_ok=True)
    grid = [[i / 50.0 - 1.0] for i in range(101)]
    fits = {"sin(x)": [(x * math.pi, math.sin(x * math.pi)) for [x] in grid]}
    gap = {}
    print("\n{:<16} {:>7} {:>13} {:>15} {:>9}".format("", "epochs", "training MSE", "validation MSE", "gap"))
    for name, (short, net, options) in runs.items():
        history = net.fit(X_train, y_train, epochs=epochs, batch_size=None, optimizer="adam", lr=lr,
                          validation_data=(X_val, y_val), verbose=0, **options)
        train, val = net.evaluate(X_train, y_train)["mse"], net.evaluate(X_val, y_val)["mse"]
        gap[name] = val - train
        print("{:<16} {:>7} {:>13.4f} {:>15.4f} {:>9.4f}".format(name, history.epochs, train, val, gap[name]))
        fits[name] = [(x * math.pi, a) for [x], (a,) in zip(grid, net.predict(grid))]
        pictures.line_chart({"training": history["loss"], "validation": history["val_loss"]}, logy=True,
                            title="{}: mean squared error per epoch".format(name), xlabel="epoch", ylabel="MSE"
                            ).save(os.path.join(args.out, "history_{}.svg".format(short)))
    pictures.line_chart(fits, title="What each network learned from 16 noisy points", xlabel="x", ylabel="y"
                        ).save(os.path.join(args.out, "fits.svg"))
    print("pictures written to {}: fits.svg, {}".format(
        args.out, ", ".join("history_{}.svg".format(short) for short, _, _ in runs.values())))

    print("claim: every cure narrows the gap between training and validation error   got: gap {}".format(
        ", ".join("{:.3f} ({})".format(g, name) for name, g in gap.items())))
    baseline = gap.pop("no cure")
    assert all(g < baseline for g in gap.values()), "every cure should narrow the gap"
    return 0


if __name__ == "__main__":
    sys.exit(main())
