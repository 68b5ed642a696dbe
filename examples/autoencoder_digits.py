"""An autoencoder squeezes 16×16 digits through a 64-number code and rebuilds them.

The network 256 → 64 → 256 (sigmoid units) learns from the images alone, no
labels: its target is its own input, and the error is the binary
cross-entropy of each pixel, E = −Σ_i [x_i·log y_i + (1 − x_i)·log(1 − y_i)].
Trained by SGD with momentum 0.9 in batches of 32 for 20 epochs, with the
learning rate 0.5/256: the rate 0.5 applied to the cross-entropy averaged
over the 256 pixels (the way PyTorch's BCELoss averages it) is the rate
0.5/256 applied to tinynet's sum over the pixels.

It is scored on the 4,649 held-out digits by the fraction of pixels that
come out on the wrong side of 0.5, against the best guess that ignores the
input: the mean training image.  Then the code is made narrower or wider to
show what its size buys.

Pictures: test digits above their reconstructions, the 64 code units'
filters (row j of W₁ as a 16×16 tile), the error per epoch, and the error
against the code size.

    python examples/autoencoder_digits.py [--quick] [--out FOLDER] [--backend opencl]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import datasets, pictures  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402
from tinynet.unsupervised import Autoencoder  # noqa: E402

NAME = "autoencoder_digits"


def parse(argv):
    parser = example_parser(NAME, __doc__, "200 training and 100 test digits, 4 epochs (a fast check)")
    parser.add_argument("--epochs", type=int, default=20, help="passes over the training digits (default 20)")
    return parser.parse_args(argv)


def mean_image_error(X_train, X_test):
    """The fraction of test pixels on the other side of 0.5 than the mean training image's."""
    mean = [sum(column) / len(X_train) for column in zip(*X_train)]
    guess = [m > 0.5 for m in mean]
    wrong = sum((x > 0.5) != g for row in X_test for x, g in zip(row, guess))
    return wrong / (len(X_test) * len(mean))


def train(n_code, X, epochs, lr, backend):
    ae = Autoencoder(256, n_code, seed=0, backend=backend)
    start = time.perf_counter()
    ae.fit(X, epochs=epochs, batch_size=32, optimizer="momentum", lr=lr, verbose=0)
    return ae, time.perf_counter() - start


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, X_test = data.X, data.X_test
    epochs, lr, sizes = args.epochs, 0.5 / 256, (16, 32, 64, 128)
    if args.quick:                       # a bigger step makes up for 4 epochs on 200 digits
        X, X_test, epochs, lr, sizes = X[:200], X_test[:100], 4, 0.2, (16, 64)
    print("{} training digits (labels unused), {} test digits; SGD momentum 0.9, lr {:g}, batch 32, "
          "{} epochs".format(len(X), len(X_test), lr, epochs))

    baseline = mean_image_error(X, X_test)
    print("the mean training image for every digit: {:.1%} of test pixels wrong".format(baseline))

    ae, seconds = train(64, X, epochs, lr, args.backend)
    error = ae.reconstruction_error(X_test)
    print("autoencoder 256 -> 64 -> 256: {:.1%} of test pixels wrong, cross-entropy {:.1f} per digit "
          "({:.0f} s on {})".format(error["pixel_error"], error["loss"], seconds, ae.backend.describe()))

    print("\ncode size   test pixels wrong")
    by_size = {}
    for n_code in sizes:
        model = ae if n_code == 64 else train(n_code, X, epochs, lr, args.backend)[0]
        by_size[n_code] = model.reconstruction_error(X_test)["pixel_error"]
        print("{:>9}   {:.1%}".format(n_code, by_size[n_code]))

    os.makedirs(args.out, exist_ok=True)
    paths = {
        "reconstructions.svg": pictures.reconstruction_grid(
            X_test[:20], ae.reconstruct(X_test[:20]),
            title="Test digits (odd rows) and the autoencoder's reconstructions (even rows)"),
        "filters.svg": pictures.filter_tiles(ae.filters(), title="The 64 code units' filters (rows of W1)"),
        "loss.svg": ae.history.plot("Autoencoder: cross-entropy per digit, per epoch"),
        "code_size.svg": pictures.line_chart({"test pixels wrong (%)": [(n, 100 * e) for n, e in by_size.items()]},
                                             title="Reconstruction error against code size",
                                             xlabel="code units", ylabel="% of test pixels wrong", logx=True),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("\npictures written to {}: {}".format(args.out, ", ".join(paths)))

    print("\nclaim: a narrow code keeps enough to rebuild the input (the lecture); PyTorch, same recipe: "
          "6.9% of test pixels wrong, the mean image 23.3%   "
          "got: {:.1%} wrong, the mean image {:.1%}; by code size: {}".format(
        error["pixel_error"], baseline, ", ".join("{} -> {:.1%}".format(n, e) for n, e in by_size.items())))
    assert error["pixel_error"] < 0.75 * baseline, "the autoencoder should beat the mean image clearly"
    assert by_size[max(sizes)] < by_size[min(sizes)], "a wider code should rebuild better"
    return 0


if __name__ == "__main__":
    sys.exit(main())
