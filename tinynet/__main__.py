"""The command line: ``python -m tinynet demo | train | example | info | bench``.

Every user mistake (an unknown data set, bad layer sizes, an output path that
cannot be written) ends in one line on stderr and exit status 2, with no
traceback.
"""

import argparse
import os
import platform
import sys
import time

from . import __version__
from .backend import available_backends, get_backend, use
from .errors import TinynetError

__all__ = ["main"]

OUTPUT = "tinynet-output"


class UserError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


# === demo ===================================================================

def _positive_int(text):
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("expected a whole number of at least 1, got {!r}".format(text))
    return value


def cmd_demo(args):
    """Train the 16×16 digits network and show what it learned."""
    from . import datasets
    from .layers import Dense
    from .network import Network

    backend = _backend(args.backend)
    _check_outputs(args.out, args.save)              # fail before training, not after
    data = datasets.load_digits16()
    X, y = data.X, data.y
    if args.quick:                                   # a fast run for CI and impatient people
        X, y = X[:600], y[:600]
    print("tinynet demo: 16×16 handwritten digits (USPS), {} training and {} test images, "
          "256 inputs → 10 classes".format(len(X), len(data.X_test)))
    net = Network([Dense(256, args.hidden, "sigmoid"), Dense(args.hidden, 10, "softmax")],
                  loss="cross_entropy", seed=args.seed, backend=backend)
    print(net.summary())
    start = time.perf_counter()
    history = net.fit(X, y, epochs=args.epochs, batch_size=32, optimizer="momentum", lr=args.lr,
                      validation_data=(data.X_test, data.y_test), verbose=1, log_every=1)
    seconds = time.perf_counter() - start
    test = net.evaluate(data.X_test, data.y_test)
    print("test accuracy {:.1%} on {} held-out digits after {} epoch{} ({:.{}f} s on the {} "
          "backend)".format(test["accuracy"], len(data.X_test), history.epochs,
                            "" if history.epochs == 1 else "s", seconds, 0 if seconds >= 10 else 1,
                            net.backend.name))
    written = _write_pictures(args.out, net, history, data)
    print("pictures written: " + ", ".join(written))
    if args.save:
        _save(net, args.save)
    return 0


def _write_pictures(folder, net, history, data):
    from . import plots
    _check_writable(folder)
    paths = {
        "loss_curve.svg": plots.history_chart(history, "Digits 16×16: loss and accuracy per epoch"),
        "network.svg": plots.network_chart(net, "The trained network (256 → {} → 10)".format(
            net.layers[0].n_out)),
        "misclassified.svg": plots.misclassified_chart(net, data.X_test, data.y_test, (16, 16)),
        "first_layer_weights.svg": plots.first_layer_chart(net, (16, 16)),
    }
    written = []
    for name, picture in paths.items():
        path = os.path.join(folder, name)
        picture.save(path)
        written.append(path)
    return written


# === train ==================================================================

def cmd_train(args):
    """Train any network on any bundled data set from the command line."""
    from . import datasets
    from .layers import Dense
    from .network import Network

    backend = _backend(args.backend)
    _check_outputs(None, args.save)
    data = _load_data(datasets, args.data, args.seed)
    sizes = _layer_sizes(args.layers)
    X, y = data.X, data.y
    X_test, y_test = data.X_test, data.y_test
    if X_test is None:
        X, X_test, y, y_test = datasets.train_test_split(X, y, test_fraction=0.25, seed=args.seed)
    if args.standardize:
        scaler = datasets.Standardizer().fit(X)
        X, X_test = scaler.transform(X), scaler.transform(X_test)
    classification = data.task == "classification"
    n_in = len(X[0])
    n_out = (max(y) + 1) if classification else 1
    widths = [n_in] + sizes + [n_out]
    loss = args.loss or ("cross_entropy" if classification else "squared_error")
    output = {"cross_entropy": "softmax", "logistic": "sigmoid"}.get(loss, "linear")
    layers = [Dense(a, b, args.activation) for a, b in zip(widths[:-2], widths[1:-1])]
    layers.append(Dense(widths[-2], widths[-1], output))
    try:
        net = Network(layers, loss=loss, seed=args.seed, backend=backend)
        print(net.summary())
        net.fit(X, y, epochs=args.epochs, batch_size=args.batch_size, optimizer=args.optimizer, lr=args.lr,
                validation_data=(X_test, y_test), verbose=1)
    except (ValueError, TinynetError) as error:
        raise UserError(str(error))
    result = net.evaluate(X_test, y_test)
    print("test " + "  ".join("{} {:.4f}".format(k, v) for k, v in result.items()))
    if args.save:
        _save(net, args.save)
    return 0


GENERATED = {"xor": "xor", "moons": "two_moons", "spirals": "two_spirals", "circles": "circles"}


def _load_data(datasets, name, seed):
    """A bundled data set by name, or a generated 2-D classification set."""
    if name in GENERATED:
        generate = getattr(datasets, GENERATED[name])
        X, y = generate() if name == "xor" else generate(seed=seed)
        test = (X, y) if name == "xor" else (None, None)   # XOR's 4 points are all there is
        return datasets.Dataset(name, X, y, ["x1", "x2"], ["0", "1"], "classification",
                                X_test=test[0], y_test=test[1])
    try:
        return datasets.load(name)
    except ValueError as error:
        raise UserError("{} (or a generated set: {})".format(error, ", ".join(GENERATED)))


def _layer_sizes(text):
    if not text:
        return []
    try:
        sizes = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise UserError("--layers must be hidden layer sizes separated by commas, like 64 or 32,16; "
                        "got {!r}".format(text))
    if any(size < 1 for size in sizes):
        raise UserError("--layers: every hidden layer needs at least 1 unit; got {!r}".format(text))
    return sizes


def _save(net, path):
    folder = os.path.dirname(os.path.abspath(path))
    _check_writable(folder)
    try:
        net.save(path)
    except OSError as error:
        raise UserError("cannot write the model to {}: {}".format(path, error.strerror or error))
    print("model saved to {}".format(path))


def _check_outputs(folder, model_path):
    if folder:
        _check_writable(folder)
    if model_path:
        _check_writable(os.path.dirname(os.path.abspath(model_path)))


def _check_writable(folder):
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise UserError("cannot create the output folder {}: {}".format(folder, error.strerror or error))
    if not os.access(folder, os.W_OK):
        raise UserError("cannot write to the output folder {}".format(folder))


def _backend(name):
    if name is None:
        return get_backend()
    try:
        return use(name)
    except TinynetError as error:
        raise UserError(str(error))


# === example and info =======================================================

def cmd_example(args):
    """List the examples, or run one by name."""
    from . import examples
    try:
        if args.name:
            return examples.run(args.name, args.extra)
        listing = examples.list_examples()
    except LookupError as error:
        raise UserError(str(error).strip("'\""))
    print("Examples (run one with: python -m tinynet example NAME):")
    for name, summary in listing:
        print("  {:<24} {}".format(name, summary))
    return 0


def cmd_info(args):
    """Versions, and the backends this machine can use."""
    print("tinynet {}  (Python {} {}, {})".format(
        __version__, platform.python_version(), platform.python_implementation(), sys.platform))
    for name in available_backends():
        try:
            backend = get_backend(name)
            print("backend {:<8} available: {}".format(name, backend.describe()))
        except TinynetError as error:
            print("backend {:<8} not available: {}".format(name, error))
            if getattr(error, "report", None):         # a plugin's list of devices, and why
                print(error.report)
            continue
        devices = getattr(backend, "device_report", None)
        if devices:
            print(devices())
    return 0


# === bench ==================================================================

def cmd_bench(args):
    """Time the backends against pure Python, NumPy and the device's peak."""
    from .benchmarks import cli
    try:
        return cli.run(args)
    except ValueError as error:
        raise UserError(str(error))


# === the parser =============================================================

def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m tinynet", description="tinynet: neural networks a student can read, run and trust.")
    parser.add_argument("--version", action="version", version="tinynet " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="train the 16×16 digits network and draw pictures")
    demo.add_argument("--epochs", type=_positive_int, default=10, help="passes over the training digits (default 10)")
    demo.add_argument("--hidden", type=_positive_int, default=64, help="hidden units (default 64)")
    demo.add_argument("--lr", type=float, default=0.05, help="learning rate (default 0.05)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument("--backend", help="python (default) or opencl")
    demo.add_argument("--out", default=OUTPUT, help="folder for the pictures (default tinynet-output)")
    demo.add_argument("--save", metavar="FILE", help="also save the trained network as JSON")
    demo.add_argument("--quick", action="store_true", help="train on 600 digits only (a fast check)")
    demo.set_defaults(run=cmd_demo)

    train = sub.add_parser("train", help="train a network on a bundled data set",
                           description="Train a fully connected network on a bundled data set and report "
                                       "the test score. Example: python -m tinynet train --data iris "
                                       "--layers 8 --epochs 100 --lr 0.1")
    train.add_argument("--data", required=True,
                       help="data set: digits16, digits8, boston, iris, wine, breast_cancer, "
                            "or a generated one: xor, moons, spirals, circles")
    train.add_argument("--layers", default="", help="hidden layer sizes, comma separated (e.g. 64 or 32,16)")
    train.add_argument("--activation", default="sigmoid",
                       help="hidden activation: sigmoid, tanh, relu, leaky_relu, linear (default sigmoid)")
    train.add_argument("--loss", help="squared_error, mse, cross_entropy, logistic (default: by data set)")
    train.add_argument("--optimizer", default="sgd", help="sgd, momentum or adam (default sgd)")
    train.add_argument("--epochs", type=_positive_int, default=20, help="passes over the data (default 20)")
    train.add_argument("--batch-size", type=_positive_int, default=32, help="samples per step (default 32)")
    train.add_argument("--lr", type=float, default=0.1, help="learning rate (default 0.1)")
    train.add_argument("--standardize", action="store_true", help="scale inputs to mean 0, variance 1")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--backend", help="python (default) or opencl")
    train.add_argument("--save", metavar="FILE", help="save the trained network as JSON")
    train.set_defaults(run=cmd_train)

    example = sub.add_parser("example", help="list the lecture examples, or run one")
    example.add_argument("name", nargs="?", help="the example to run")
    example.add_argument("extra", nargs=argparse.REMAINDER, help="options passed to the example")
    example.set_defaults(run=cmd_example)

    info = sub.add_parser("info", help="versions and available backends/devices")
    info.set_defaults(run=cmd_info)

    from .benchmarks.cli import add_arguments
    bench = sub.add_parser("bench", help="time the backends (tables, --svg charts, --markdown)")
    add_arguments(bench)
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except UserError as error:
        print("tinynet: error: {}".format(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tinynet: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
