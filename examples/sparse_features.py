"""A sparse autoencoder: most code units stay quiet, and each becomes a feature detector.

An autoencoder 256 → 64 → 256 (sigmoid units, squared error
E = ½·Σ_i (y_i − x_i)²) gets a penalty on its code: for each code unit j,
its mean activation over a batch, ρ̂_j = (1/m)·Σ_i h_j(x_i), is pulled to a
small target ρ = 0.05 by adding β·Σ_j KL(ρ‖ρ̂_j) to the error (β = 6), with
KL(ρ‖ρ̂) = ρ·log(ρ/ρ̂) + (1 − ρ)·log((1 − ρ)/(1 − ρ̂)).  The same network
without the penalty is trained beside it (SGD with momentum 0.9, lr 0.05,
batches of 32, 20 epochs, and for both a weight decay l2 = 0.001, so that the
weights from pixels that are never on fade instead of keeping their random
start).

Scored on the held-out test digits: the mean code activation (the target is
ρ), how many units a digit switches on, and the reconstruction error the
sparsity costs. The pictures show each unit's filter (row j of W₁ as a
16×16 tile: on the full run the sparse code's look like strokes, loops and
pieces of digits) for both networks, and each sparse unit's mean activation.

    python examples/sparse_features.py [--quick] [--out FOLDER] [--backend opencl]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402
from tinynet.unsupervised import Autoencoder  # noqa: E402

NAME = "sparse_features"
RHO, BETA = 0.05, 6.0


def parse(argv):
    parser = example_parser(NAME, __doc__, "200 training and 100 test digits, 3 epochs (a fast check)")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training digits (default 20)")
    return parser.parse_args(argv)


def describe(ae, X_test):
    codes = ae.encode(X_test)
    mean = sum(map(sum, codes)) / (len(codes) * len(codes[0]))
    active = sum(sum(h > 0.5 for h in row) for row in codes) / len(codes)
    return mean, active, ae.reconstruction_error(X_test)["pixel_error"]


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, X_test, epochs, lr = data.X, data.X_test, args.epochs, 0.05
    if args.quick:
        X, X_test, epochs, lr = X[:200], X_test[:100], 3, 0.2
    print("{} training digits, {} test digits; 256 -> 64 -> 256, SGD momentum 0.9, lr {:g}, batch 32, "
          "{} epochs, l2 0.001".format(len(X), len(X_test), lr, epochs))
    models = {"plain": Autoencoder(256, 64, loss="squared_error", seed=0, backend=args.backend),
              "sparse": Autoencoder(256, 64, loss="squared_error", sparsity="kl", rho=RHO, beta=BETA, seed=0,
                                    backend=args.backend)}
    results = {}
    for name, ae in models.items():
        start = time.perf_counter()
        ae.fit(X, epochs=epochs, batch_size=32, optimizer="momentum", lr=lr, l2=0.001, verbose=0)
        results[name] = describe(ae, X_test)
        print("{:<7} {!r}: mean code activation {:.3f}, {:.1f} of 64 units above 0.5 per digit, {:.1%} of "
              "test pixels wrong ({:.0f} s)".format(name, ae, *results[name], time.perf_counter() - start))

    os.makedirs(args.out, exist_ok=True)
    sparse = models["sparse"]
    rates = sparse.mean_activation(X_test)
    paths = {
        "filters_sparse.svg": pictures.filter_tiles(sparse.filters(), title="Sparse code (rho = 0.05): filters"),
        "filters_plain.svg": pictures.filter_tiles(models["plain"].filters(), title="No penalty: filters"),
        "unit_activity.svg": pictures.bar_chart(rates, title="Mean activation of each sparse code unit (test digits)",
                                                xlabel="code unit", ylabel="mean activation"),
        "reconstructions.svg": pictures.reconstruction_grid(X_test[:20], sparse.reconstruct(X_test[:20]),
                                                            title="Sparse autoencoder: test digits and "
                                                                  "reconstructions"),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("\npictures written to {}: {}".format(args.out, ", ".join(paths)))

    mean, active, error = results["sparse"]
    print("\nclaim: with a sparsity penalty only a few code units are clearly active at once (the lecture); "
          "the mean code activation on test digits comes within 0.02 of rho = {:g}   "
          "got: mean activation {:.3f} (without the penalty {:.3f}); {:.1f} units above 0.5 per digit "
          "(without: {:.1f}); pixel error {:.1%} (without: {:.1%})".format(
              RHO, mean, results["plain"][0], active, results["plain"][1], error, results["plain"][2]))
    if args.quick:
        assert mean < results["plain"][0], "the penalty should lower the mean activation"
    else:
        assert abs(mean - RHO) <= 0.02, "the mean code activation should be within 0.02 of rho"
    return 0


if __name__ == "__main__":
    sys.exit(main())
