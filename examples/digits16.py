"""Handwritten 16×16 digits: 256 → 64 → 10 against a nearest-centroid baseline.

Each 16×16 binary image is 256 inputs; one hidden layer of 64 sigmoid units
feeds a softmax over the 10 digits, trained with the cross-entropy loss by
mini-batch gradient descent with momentum (η = 0.05, batches of 32, as in
``python -m tinynet demo``).  It is scored on the held-out half of the data,
4,649 digits it never saw.

The baseline needs no training: the nearest-centroid classifier averages the
training images of each digit into one "mean digit" and gives each test image
the label of the closest mean (Euclidean distance).

Pictures: loss and accuracy per epoch, the confusion matrix, the digits the
network gets wrong, and the first-layer weights (row j of W[1], 256 numbers,
drawn as a 16×16 tile: what hidden unit j looks for).

    python examples/digits16.py [--quick] [--out FOLDER] [--epochs 5]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, plots  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "digits16"


def parse(argv):
    parser = example_parser(NAME, __doc__, "600 training and 500 test digits, 3 epochs, a 70%% bar (a fast check)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training digits (default 5)")
    return parser.parse_args(argv)


def nearest_centroid(X_train, y_train, X_test):
    """Label each test image with the digit whose mean training image is closest."""
    n_pixels = len(X_train[0])
    sums, counts = {}, {}
    for x, label in zip(X_train, y_train):
        total = sums.setdefault(label, [0.0] * n_pixels)
        sums[label] = [s + v for s, v in zip(total, x)]
        counts[label] = counts.get(label, 0) + 1
    centroids = {label: [s / counts[label] for s in total] for label, total in sums.items()}
    return [min(centroids, key=lambda label: sum((v - c) ** 2 for v, c in zip(x, centroids[label])))
            for x in X_test]


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, y, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    epochs = args.epochs
    if args.quick:
        X, y, X_test, y_test, epochs = X[:600], y[:600], X_test[:500], y_test[:500], 3
    print("{} training digits, {} held-out test digits, 16x16 = 256 inputs".format(len(X), len(X_test)))

    guesses = nearest_centroid(X, y, X_test)
    baseline = sum(g == t for g, t in zip(guesses, y_test)) / len(y_test)
    print("nearest-centroid baseline: test accuracy {:.1%}".format(baseline))

    net = Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy", seed=0)
    print(net.summary())
    start = time.perf_counter()
    history = net.fit(X, y, epochs=epochs, batch_size=32, optimizer="momentum", lr=0.05,
                      validation_data=(X_test, y_test))
    seconds = time.perf_counter() - start
    accuracy = net.evaluate(X_test, y_test)["accuracy"]
    print("network: test accuracy {:.1%} after {} epochs ({:.0f} s of training)".format(accuracy, epochs, seconds))

    matrix = plots.confusion_matrix(net, X_test, y_test)
    print("\nconfusion matrix (rows: true digit, columns: predicted digit)")
    print("      " + "".join("{:>5}".format(d) for d in range(10)))
    for digit, row in enumerate(matrix):
        print("{:>5} ".format(digit) + "".join("{:>5}".format(count) for count in row))

    os.makedirs(args.out, exist_ok=True)
    paths = {
        "loss_curve.svg": history.plot("Digits 16x16: loss and accuracy per epoch"),
        "confusion_matrix.svg": plots.confusion_chart(net, X_test, y_test),
        "misclassified.svg": plots.misclassified_chart(net, X_test, y_test, (16, 16)),
        "first_layer_weights.svg": plots.first_layer_chart(net, (16, 16)),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("\npictures written to {}: {}".format(args.out, ", ".join(paths)))

    target = 0.70 if args.quick else 0.90      # --quick: a lower bar for 600 digits and 3 epochs
    print("claim: >= {:.0%} test accuracy in under two minutes, nearest centroid ~83%   "
          "got: {:.1%} in {:.0f} s, nearest centroid {:.1%}".format(target, accuracy, seconds, baseline))
    assert accuracy >= target, "the network should reach {:.0%}".format(target)
    assert args.quick or accuracy > baseline, "the network should beat the nearest-centroid baseline"
    return 0


if __name__ == "__main__":
    sys.exit(main())
