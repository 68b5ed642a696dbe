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
from .activations import check_activation
from .errors import TinynetError
from .losses import check_loss, is_classification
from .optim import make_optimizer

__all__ = ["main"]

OUTPUT = "tinynet-output"


class UserError(Exception):
    """A mistake on the command line: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (no usage block) and exit status 2."""

    def error(self, message):
        _fail(message)


def _fail(message):
    print("tinynet: error: {}".format(" ".join(str(message).split())), file=sys.stderr)
    sys.exit(2)


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


def _learning_rate(text):
    """An argparse type: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (0.0 < value < float("inf")):
        raise argparse.ArgumentTypeError("expected a learning rate above 0 (like 0.1), got {!r}".format(text))
    return value


def cmd_demo(args):
    """Train the 16×16 digits network and show what it learned.

    During training each epoch is scored on a fixed sample of the test digits
    (``--sample``, drawn once from the seed), so the first accuracy appears
    after the first epoch; the whole test set is scored once, at the end.
    """
    from . import datasets
    from .layers import Dense
    from .network import Network

    backend = _backend(args.backend)
    _check_outputs(args.out, args.save)              # fail before training, not after
    with _user_errors():                             # e.g. --hidden over the memory budget
        net = Network([Dense(256, args.hidden, "sigmoid"), Dense(args.hidden, 10, "softmax")],
                      loss="cross_entropy", seed=args.seed, backend=backend)
    data = datasets.load_digits16()
    X, y = data.X, data.y
    if args.quick:                                   # a fast run for CI and impatient people
        X, y = X[:600], y[:600]
    X_sample, y_sample = _test_sample(data, args.sample, args.seed)
    print("tinynet demo: 16×16 handwritten digits (USPS), {} training and {} test images, "
          "256 inputs → 10 classes".format(len(X), len(data.X_test)))
    print(net.summary())
    print("each epoch: loss and accuracy on the training digits, val_ on a fixed sample of {} test "
          "digits; all {} at the end".format(len(X_sample), len(data.X_test)))
    start = time.perf_counter()
    with _user_errors():                             # a loss that diverges: one line, status 2
        history = net.fit(X, y, epochs=args.epochs, batch_size=32, optimizer="momentum", lr=args.lr,
                          validation_data=(X_sample, y_sample), verbose=1, log_every=1)
    seconds = time.perf_counter() - start
    test = net.evaluate(data.X_test, data.y_test)
    print("test accuracy {:.1%} on all {} held-out digits after {} epoch{} ({:.{}f} s of training "
          "on the {} backend)".format(test["accuracy"], len(data.X_test), history.epochs,
                                      "" if history.epochs == 1 else "s", seconds,
                                      0 if seconds >= 10 else 1, net.backend.name))
    written = _write_pictures(args.out, net, history, data)
    print("pictures written: " + ", ".join(written))
    if args.save:
        _save(net, args.save)
    return 0


def _test_sample(data, size, seed):
    """A fixed sample of ``size`` test digits (all of them if size is 0 or larger)."""
    import random
    rows = list(range(len(data.X_test)))
    if 0 < size < len(rows):
        rows = sorted(random.Random("{}-demo-sample".format(seed)).sample(rows, size))
    return [data.X_test[i] for i in rows], [data.y_test[i] for i in rows]


def _write_pictures(folder, net, history, data):
    from . import plots
    _check_writable(folder)
    paths = {
        "loss_curve.svg": plots.history_chart(history, "Digits 16×16: loss and accuracy per epoch "
                                              "(validation: a fixed sample of test digits)"),
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
    sizes = _layer_sizes(args.layers)
    with _user_errors():                             # names checked before any data or training
        activation = check_activation(args.activation)
        make_optimizer(args.optimizer, args.lr)
        if args.loss is not None:
            check_loss(args.loss)
    data = _load_data(datasets, args.data, args.seed, args)
    classification = data.task == "classification"
    loss = args.loss or ("cross_entropy" if classification else "squared_error")
    _check_loss_fits(loss, args.data, data)
    X, y = data.X, data.y
    X_test, y_test = data.X_test, data.y_test
    if X_test is None:
        X, X_test, y, y_test = datasets.train_test_split(X, y, test_fraction=0.25, seed=args.seed)
    n_in = len(X[0])
    n_out = (max(y) + 1) if classification else 1
    if loss == "logistic":
        n_out = 1
    elif classification and not is_classification(loss):       # squared error on classes: one-hot
        y, y_test = datasets.one_hot(y, n_out), datasets.one_hot(y_test, n_out)
    widths = [n_in] + sizes + [n_out]
    output = {"cross_entropy": "softmax", "logistic": "sigmoid"}.get(loss, "linear")
    with _user_errors():                             # sizes over the memory budget: before allocating
        layers = [Dense(a, b, activation) for a, b in zip(widths[:-2], widths[1:-1])]
        layers.append(Dense(widths[-2], widths[-1], output))
        net = Network(layers, loss=loss, seed=args.seed, backend=backend)
    if args.standardize:                             # part of the model: saved, and applied by predict
        net.preprocess = datasets.Standardizer().fit(X)
    if classification and data.target_names:
        net.class_names = [str(name) for name in data.target_names]
    print(net.summary())
    with _user_errors():
        net.fit(X, y, epochs=args.epochs, batch_size=args.batch_size, optimizer=args.optimizer, lr=args.lr,
                validation_data=(X_test, y_test), verbose=1)
    result = net.evaluate(X_test, y_test)
    print("test " + "  ".join("{} {:.4f}".format(k, v) for k, v in result.items()))
    if args.save:
        _save(net, args.save)
    return 0


class _user_errors:
    """``with _user_errors():`` turns a tinynet error (or ValueError) into a UserError."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None and isinstance(error, (TinynetError, ValueError)):
            raise UserError(str(error)) from error
        return False


def _check_loss_fits(loss, name, data):
    """A loss that cannot work with this data set, said before any training."""
    if data.task != "classification" and is_classification(loss):
        raise UserError("--loss {} is for classes, but {} is a regression data set (numbers to "
                        "predict): use --loss squared_error or mse".format(loss, name))
    if loss == "logistic" and (max(data.y) + 1) > 2:
        raise UserError("--loss logistic is for two classes, but {} has {}: use --loss "
                        "cross_entropy".format(name, max(data.y) + 1))


GENERATED = {"xor": "xor", "moons": "two_moons", "spirals": "two_spirals", "circles": "circles"}


def _load_data(datasets, name, seed, args=None):
    """A CSV file, a bundled data set by name, or a generated 2-D classification set."""
    if name.lower().endswith((".csv", ".tsv", ".txt")) or os.path.isfile(name):
        return _load_csv(datasets, name, args)
    if args is not None and (args.target is not None or args.classes):
        raise UserError("--target and --classes are for a CSV file given with --data FILE.csv")
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


def _load_csv(datasets, path, args):
    """Your own data: --data FILE.csv --target NAME (or index); --classes for numbers as classes."""
    target = -1 if args.target is None else args.target
    if isinstance(target, str) and target.lstrip("-").isdigit():
        target = int(target)                     # an index, as in load_csv
    try:
        data = datasets.load_csv(path, target=target, missing=args.missing,
                                 task="classification" if args.classes else "auto")
    except TinynetError as error:
        raise UserError(str(error))
    print(data.description)
    if data.task == "classification" and len(data.target_names) < 2:
        raise UserError("the target column holds one class only ({!r}): there is nothing to tell "
                        "apart".format(data.target_names[0]))
    return data


def _layer_sizes(text):
    if not text:
        return []
    try:
        sizes = [int(part) for part in text.replace(" ", "").split(",")]
    except ValueError:
        raise UserError("--layers must be hidden layer sizes separated by commas, like 64 or 32,16; "
                        "got {!r}".format(text))
    if any(size < 1 for size in sizes):
        raise UserError("--layers: every hidden layer needs at least 1 unit; got {!r}".format(text))
    return sizes


def _save(net, path):
    _check_model_path(path)
    try:
        net.save(path)
    except (OSError, TinynetError) as error:
        raise UserError("cannot write the model to {}: {}".format(path, getattr(error, "strerror", None) or error))
    print("model saved to {}".format(path))


def _check_outputs(folder, model_path):
    if folder:
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise UserError("--out {} is a file, not a folder".format(folder))
        _check_writable(folder)
    if model_path:
        _check_model_path(model_path)


def _check_model_path(path):
    """--save FILE: a file name in a folder we can write to (checked before training)."""
    if path.endswith(os.sep) or os.path.isdir(path):
        raise UserError("--save {} is a folder; give a file name such as {}".format(
            path, os.path.join(path, "model.json")))
    _check_writable(os.path.dirname(os.path.abspath(path)))
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise UserError("cannot write the model to {}: the file is read-only".format(path))


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
            continue
        devices = getattr(backend, "device_report", None)
        if devices:
            print(devices())
    return 0


# === playground =============================================================

def cmd_playground(args):
    """Write the browser playground: a folder any static web host can serve."""
    from . import playground
    try:
        written = playground.build(args.folder, args.pyodide)
    except FileNotFoundError as error:
        raise UserError(str(error))
    except OSError as error:
        raise UserError("cannot write the playground to {}: {}".format(args.folder, error.strerror or error))
    print("playground written to {} ({} files)".format(args.folder, len(written)))
    print("serve it with:  python -m http.server --directory {} 8000   then open http://localhost:8000/"
          .format(args.folder))
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
    parser = _Parser(
        prog="python -m tinynet", description="tinynet: neural networks a student can read, run and trust.")
    parser.add_argument("--version", action="version", version="tinynet " + __version__)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", help="train the 16×16 digits network and draw pictures")
    demo.add_argument("--epochs", type=_positive_int, default=10, help="passes over the training digits (default 10)")
    demo.add_argument("--hidden", type=_positive_int, default=64, help="hidden units (default 64)")
    demo.add_argument("--lr", type=_learning_rate, default=0.05, help="learning rate (default 0.05)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo.add_argument("--backend", help="python (default) or opencl")
    demo.add_argument("--out", default=OUTPUT, help="folder for the pictures (default tinynet-output)")
    demo.add_argument("--save", metavar="FILE", help="also save the trained network as JSON")
    demo.add_argument("--sample", type=int, default=500,
                      help="test digits scored after each epoch (default 500; 0: all); all of them at the end")
    demo.add_argument("--quick", action="store_true", help="train on 600 digits only (a fast check)")
    demo.set_defaults(run=cmd_demo)

    train = sub.add_parser("train", help="train a network on a bundled data set or your CSV file",
                           description="Train a fully connected network on a bundled data set or on a "
                                       "CSV file and report the test score. Examples: python -m tinynet "
                                       "train --data iris --layers 8 --epochs 100 --lr 0.1; python -m "
                                       "tinynet train --data my.csv --target species --standardize")
    train.add_argument("--data", required=True,
                       help="a CSV file (FILE.csv), or a data set: digits16, digits8, boston, iris, wine, "
                            "breast_cancer, or a generated one: xor, moons, spirals, circles")
    train.add_argument("--target", help="CSV: the target column, by name or index (default: the last); "
                                        "text in it means classes, numbers mean regression")
    train.add_argument("--classes", action="store_true",
                       help="CSV: the target's numbers are class labels (classification, not regression)")
    train.add_argument("--missing", choices=("error", "drop"), default="error",
                       help="CSV: stop at a missing value (default), or drop the rows that have one")
    train.add_argument("--layers", default="", help="hidden layer sizes, comma separated (e.g. 64 or 32,16)")
    train.add_argument("--activation", default="sigmoid",
                       help="hidden activation: sigmoid, tanh, relu, leaky_relu, linear (default sigmoid)")
    train.add_argument("--loss", help="squared_error, mse, cross_entropy, logistic (default: by data set)")
    train.add_argument("--optimizer", default="sgd", help="sgd, momentum or adam (default sgd)")
    train.add_argument("--epochs", type=_positive_int, default=20, help="passes over the data (default 20)")
    train.add_argument("--batch-size", type=_positive_int, default=32, help="samples per step (default 32)")
    train.add_argument("--lr", type=_learning_rate, default=0.1, help="learning rate (default 0.1)")
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

    playground = sub.add_parser("playground", help="build the browser playground (Pyodide, no install)")
    playground_sub = playground.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = playground_sub.add_parser("build", help="write the page, tinynet and Pyodide into a folder")
    build.add_argument("folder", help="the folder to write (created if needed)")
    build.add_argument("--pyodide", metavar="DIR",
                       help="Pyodide's files (default node_modules/pyodide, from 'npm install pyodide@0.29.5')")
    build.set_defaults(run=cmd_playground)

    from .benchmarks.cli import add_arguments
    bench = sub.add_parser("bench", help="time the backends (tables, --svg charts, --markdown)")
    add_arguments(bench)
    bench.set_defaults(run=cmd_bench)
    return parser


def main(argv=None):
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:                       # --help, --version, or a mistake (one line)
        return stop.code
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except (UserError, TinynetError) as error:
        print("tinynet: error: {}".format(" ".join(str(error).split())), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tinynet: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
