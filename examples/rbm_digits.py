"""An RBM learns 100 features of the digits without labels; a softmax layer on them beats raw pixels.

A restricted Boltzmann machine with 256 binary visible units (the pixels)
and 100 binary hidden units is trained by contrastive divergence (CD-1) with
the lecture's recipe: weights from N(0, 0.01²), hidden biases 0, visible
biases log(p_i/(1 − p_i)), momentum 0.5, weight decay 0.0002, learning rate
0.05, batches of 10, 20 epochs. No labels are used.

Then each digit is described by its 100 hidden probabilities p(h_j = 1 | v)
and a single softmax layer (100 → 10, cross-entropy) learns the labels from
them, against the same softmax layer on the 256 raw pixels (logistic
regression). The reconstruction error and the free energy of training and
held-out digits are recorded per epoch (the held-out free energy rising
above the training one would be overfitting), and Gibbs sampling from
random noise shows what the model has learnt: its fantasies.

    python examples/rbm_digits.py [--quick] [--out FOLDER] [--backend opencl]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Dense, Network, datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402
from tinynet.unsupervised import RBM  # noqa: E402

NAME = "rbm_digits"


def parse(argv):
    parser = example_parser(NAME, __doc__, "150 training and 100 test digits, 32 hidden units, 2 epochs (a fast check)")
    parser.add_argument("--epochs", type=int, default=20, help="RBM epochs (default 20)")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units (default 100)")
    return parser.parse_args(argv)


def softmax_accuracy(X, y, X_test, y_test, epochs, backend):
    """A single softmax layer trained on (X, y): its test accuracy."""
    net = Network([Dense(len(X[0]), 10, "softmax")], loss="cross_entropy", seed=0, backend=backend)
    net.fit(X, y, epochs=epochs, batch_size=32, optimizer="momentum", lr=0.1, verbose=0)
    return net.evaluate(X_test, y_test)["accuracy"]


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, y, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    epochs, softmax_epochs, fantasy_steps = args.epochs, 100, 1000
    if args.quick:
        X, y, X_test, y_test = X[:150], y[:150], X_test[:100], y_test[:100]
        epochs, softmax_epochs, fantasy_steps, args.hidden = 2, 10, 20, 32
    rbm = RBM(256, args.hidden, seed=0, backend=args.backend)
    print("{!r} on {} training digits (labels unused), CD-1, lr 0.05, momentum 0.5, weight decay 0.0002, "
          "batch 10, {} epochs, backend {}".format(rbm, len(X), epochs, rbm.backend.describe()))
    start = time.perf_counter()
    history = rbm.fit(X, epochs=epochs, batch_size=10, lr=0.05, momentum=0.5, weight_decay=0.0002,
                      validation_data=X_test)
    seconds = time.perf_counter() - start
    last = history.last()
    print("trained in {:.1f} s ({:.2f} s an epoch): reconstruction error {:.1f} per digit, free energy "
          "{:.1f} (training) vs {:.1f} (held-out)".format(seconds, seconds / epochs, last["reconstruction_error"],
                                                          last["free_energy"], last["val_free_energy"]))

    features, features_test = rbm.transform(X), rbm.transform(X_test)
    with_rbm = softmax_accuracy(features, y, features_test, y_test, softmax_epochs, args.backend)
    raw = softmax_accuracy(X, y, X_test, y_test, softmax_epochs, args.backend)
    print("softmax layer on the {} RBM features: {:.1%} test accuracy; on the 256 raw pixels: {:.1%}".format(
        args.hidden, with_rbm, raw))

    fantasies = rbm.sample(20, steps=fantasy_steps)
    os.makedirs(args.out, exist_ok=True)
    paths = {
        "filters.svg": pictures.filter_tiles(rbm.get_weights()[0], title="RBM features: the weights of each "
                                                                        "hidden unit"),
        "fantasies.svg": pictures.samples_grid(fantasies, title="Fantasies: p(v|h) after {} Gibbs steps from "
                                                                "noise".format(fantasy_steps)),
        "reconstructions.svg": pictures.reconstruction_grid(X_test[:20], rbm.reconstruct(X_test[:20]),
                                                            title="Test digits and p(v | p(h|v))"),
        "reconstruction_error.svg": pictures.monitor_chart(history.metrics, "RBM: reconstruction error",
                                                           ["reconstruction_error"]),
        "free_energy.svg": pictures.monitor_chart(history.metrics, "RBM: free energy, training vs held-out",
                                                  ["free_energy", "val_free_energy"]),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("\npictures written to {}: {}".format(args.out, ", ".join(paths)))

    print("\nclaim: features learnt without labels help a linear classifier (scikit-learn's BernoulliRBM(100) "
          "+ logistic regression: 91.3%, raw pixels 90.5%)   "
          "got: {:.1%} with the RBM features, {:.1%} on raw pixels ({:.0f} s of RBM training on {})".format(
        with_rbm, raw, seconds, rbm.backend.name))
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0], "CD should lower the error"
    if not args.quick:
        assert with_rbm > raw, "the RBM features should beat the raw pixels"
    return 0


if __name__ == "__main__":
    sys.exit(main())
