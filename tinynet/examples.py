"""The lecture examples behind ``python -m tinynet example [NAME]``.

Each example is a script in the ``examples/`` folder of the source checkout
(beside the ``tinynet`` package), runnable on its own with
``python examples/NAME.py``.  This module lists them in lecture order and
runs one by calling its ``main(argv)``.  A pip-installed tinynet has no
``examples/`` folder: they ship with the source checkout only.

>>> ORDER[:3]
['worked_example', 'boston_regression', 'digits16']
"""

import argparse
import ast
import os
import runpy
import sys

__all__ = ["ORDER", "examples_folder", "list_examples", "run", "example_parser"]

# Lecture order; a script in examples/ that is not listed here comes after these, sorted by name.
ORDER = [
    "worked_example", "boston_regression", "digits16", "universal_approximation", "two_layer_numbers",
    "computational_graph", "zero_init_trap", "vanishing_gradients", "overfitting", "optimizers",
    "logistic_vs_hidden", "xor", "cnn_digits", "compare_backends", "vanishing_gradients_in_time", "char_lstm",
    "binary_addition", "autoencoder_digits", "sparse_features", "rbm_digits",
    "dbn_pretraining",
]


class _UseBackend(argparse.Action):
    """``--backend NAME``: ``tinynet.use(NAME)`` for the whole run, as TINYNET_BACKEND=NAME does."""

    def __call__(self, parser, namespace, value, option_string=None):
        from .backend import use
        from .errors import TinynetError
        try:
            use(value)
        except TinynetError as error:
            parser.error(str(error))
        setattr(namespace, self.dest, value)


def example_parser(name, doc, quick_help="fewer epochs (a fast check)"):
    """The options every example shares: ``--out FOLDER``, ``--quick`` and ``--backend NAME``."""
    parser = argparse.ArgumentParser(prog="python examples/{}.py".format(name),
                                     description=doc.strip().splitlines()[0])
    parser.add_argument("--out", default=os.path.join("tinynet-output", name), help="folder for the pictures")
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--backend", action=_UseBackend, default=None,
                        help="the backend to train on: python (the default) or opencl")
    return parser


def examples_folder():
    """The ``examples/`` folder beside the package, or None where there is none."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    folder = os.path.join(root, "examples")
    return folder if os.path.isdir(folder) else None


def _folder():
    folder = examples_folder()
    if folder is None:
        raise LookupError("the examples ship with the source checkout of tinynet (an examples/ folder beside "
                          "the tinynet package), and this installation has none; get them from the source "
                          "repository and run python examples/NAME.py")
    return folder


def _names(folder):
    found = {name[:-3] for name in os.listdir(folder) if name.endswith(".py") and not name.startswith("_")}
    return [name for name in ORDER if name in found] + sorted(found - set(ORDER))


def _summary(path):
    """The first line of the script's docstring, read without running it."""
    with open(path, encoding="utf-8") as handle:
        doc = ast.get_docstring(ast.parse(handle.read(), path))
    return doc.strip().splitlines()[0] if doc else ""


def list_examples():
    """[(name, one-line summary)] in lecture order."""
    folder = _folder()
    return [(name, _summary(os.path.join(folder, name + ".py"))) for name in _names(folder)]


def run(name, argv=None):
    """Run example ``name`` with command-line options ``argv``; return its exit status.

    An unknown name raises LookupError listing the known ones.  A claim that
    does not hold (the example's final ``assert``) gives status 1.
    """
    folder = _folder()
    names = _names(folder)
    if name.endswith(".py"):
        name = name[:-3]
    if name not in names:
        raise LookupError("no example named {!r}; choose one of: {}".format(name, ", ".join(names)))
    script = runpy.run_path(os.path.join(folder, name + ".py"), run_name="tinynet_example_" + name)
    try:
        status = script["main"](list(argv or []))
    except SystemExit as stop:                  # argparse: --help, or a bad option
        status = stop.code
    except AssertionError as failed:
        print("example {}: the claim did not hold: {}".format(name, failed), file=sys.stderr)
        return 1
    if status is None or isinstance(status, int):
        return status or 0
    print(status, file=sys.stderr)              # SystemExit("message")
    return 1
