"""Convolutional network on 16×16 digits: shared local filters against a dense layer.

The lecture's claim: on images, a layer whose units look at small windows
(local receptive fields) and share one set of weights per feature map beats
a dense layer, with fewer weights, because a stroke means the same thing
wherever it is drawn.  Both networks here learn from the same USPS training
half with the same optimiser (momentum 0.9, η = 0.05, batches of 32) and
are scored on the other half:

* MLP: 256 → 64 sigmoid → 10 softmax;
* CNN: conv 3×3, 8 maps, relu, padding 1 → max pool 2 → conv 3×3, 16 maps,
  relu, padding 1 → max pool 2 → flatten → 256 → 10 softmax.

Pictures: the 8 learned 3×3 filters of the first layer, the feature maps
they compute on a few test digits (and those of the second layer), and the
loss curves of both networks.

    python examples/cnn_digits.py [--quick] [--out FOLDER] [--epochs 5]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tinynet import Conv2D, Dense, Flatten, MaxPool2D, Network, datasets, pictures, plots  # noqa: E402
from tinynet.examples import example_parser  # noqa: E402

NAME = "cnn_digits"


def parse(argv):
    parser = example_parser(NAME, __doc__, "200 training and 200 test digits, 2 epochs (a fast check)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the training digits (default 5)")
    return parser.parse_args(argv)


def cnn(seed=0):
    return Network([Conv2D(1, 8, 3, padding=1, activation="relu", input_shape=(1, 16, 16)), MaxPool2D(2),
                    Conv2D(8, 16, 3, padding=1, activation="relu"), MaxPool2D(2), Flatten(),
                    Dense(256, 10, "softmax")], loss="cross_entropy", seed=seed)


def mlp(seed=0):
    return Network([Dense(256, 64, "sigmoid"), Dense(64, 10, "softmax")], loss="cross_entropy", seed=seed)


def train(name, net, X, y, X_test, y_test, epochs, validate=True):
    start = time.perf_counter()
    history = net.fit(X, y, epochs=epochs, batch_size=32, optimizer="momentum", lr=0.05,
                      validation_data=(X_test, y_test) if validate else None)
    seconds = time.perf_counter() - start
    accuracy = net.evaluate(X_test, y_test)["accuracy"]
    print("{:<4} {:>8,} parameters   test accuracy {:.1%}   ({:.0f} s, {} epochs)".format(
        name, net.count_parameters(), accuracy, seconds, epochs))
    return accuracy, history


def main(argv=None):
    args = parse(argv)
    data = datasets.load_digits16()
    X, y, X_test, y_test = data.X, data.y, data.X_test, data.y_test
    epochs = args.epochs
    if args.quick:
        X, y, X_test, y_test, epochs = X[:200], y[:200], X_test[:200], y_test[:200], 2
    print("{} training digits, {} held-out test digits, 16x16 = 256 inputs".format(len(X), len(X_test)))

    net = cnn()
    print(net.summary())
    results = {}
    for name, model in (("MLP", mlp()), ("CNN", net)):
        results[name] = train(name, model, X, y, X_test, y_test, epochs, validate=not args.quick)

    os.makedirs(args.out, exist_ok=True)
    conv1, conv2 = net.layers[0], net.layers[2]
    shown = X_test[:4]
    paths = {
        "filters.svg": plots.filters_chart(conv1),
        "feature_maps.svg": plots.feature_maps_chart(net, shown, conv1,
                                                     title="First layer: 8 feature maps of 4 test digits"),
        "feature_maps_2.svg": plots.feature_maps_chart(
            net, shown, conv2, title="Second layer: 16 feature maps (8x8) of the same digits"),
        "loss_curves.svg": pictures.line_chart(
            {"{} {} loss".format(name, "test" if key == "val_loss" else "training"): results[name][1][key]
             for key in ("loss", "val_loss") for name in results if key in results[name][1]},
            title="Digits 16x16: dense layer against shared local filters", xlabel="epoch",
            ylabel="cross-entropy"),
    }
    for name, picture in paths.items():
        picture.save(os.path.join(args.out, name))
    print("\npictures written to {}: {}".format(args.out, ", ".join(paths)))

    cnn_accuracy, mlp_accuracy = results["CNN"][0], results["MLP"][0]
    print("claim: shared local filters beat a dense layer on images, with fewer weights   "
          "got: CNN {:.1%} with {:,} parameters, MLP {:.1%} with {:,}".format(
              cnn_accuracy, net.count_parameters(), mlp_accuracy, mlp().count_parameters()))
    if args.quick:                     # 200 digits, 2 epochs: only a sanity bar
        assert cnn_accuracy >= 0.3, "the CNN should learn something in two epochs"
    else:
        assert cnn_accuracy > mlp_accuracy, "the CNN should beat the MLP on the same digits"
    return 0


if __name__ == "__main__":
    sys.exit(main())
