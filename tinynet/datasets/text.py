"""Text for sequence models: a character vocabulary, encoding, chunks, the Zen of Python.

=====================================  ===============================================
``zen_of_python()``                    the text of ``import this``, read without printing
``Vocabulary(text)``                   the distinct characters, sorted; ``encode``/``decode``
``chunks(seq, length)``                consecutive pieces of ``length`` (the last may be short)
``next_symbol_task(ids)``              (X, y) = ([ids[:-1]], [ids[1:]]): predict each next symbol
``package_docstrings()``               every docstring of tinynet's own modules, joined: a longer text
=====================================  ===============================================

>>> v = Vocabulary("hello")
>>> v.symbols
['e', 'h', 'l', 'o']
>>> v.encode("hole"), v.decode([1, 0, 2, 2, 3])
([1, 3, 2, 0], 'hello')
>>> chunks([1, 2, 3, 4, 5], 2)
[[1, 2], [3, 4], [5]]
>>> text = zen_of_python()
>>> text.splitlines()[0], len(text), len(Vocabulary(text))
('The Zen of Python, by Tim Peters', 856, 45)
"""

import ast
import codecs
import contextlib
import importlib
import importlib.util
import io
import os

from ..errors import DataError

__all__ = ["zen_of_python", "Vocabulary", "chunks", "next_symbol_task", "package_docstrings"]


def zen_of_python():
    """The Zen of Python (PEP 20), decoded from the standard library's ``this`` module.

    Importing ``this`` prints the text, so the module's source is read and
    parsed instead: its string ``s`` is the text in rot13, decoded here.
    """
    spec = importlib.util.find_spec("this")
    if spec is None:
        raise DataError("the standard library's 'this' module is not available in this Python")
    try:                                   # its loader reads it wherever it is (a zip in Pyodide)
        source = spec.loader.get_source("this")
    except (AttributeError, ImportError, OSError):
        source = None
    if source is None:                     # no source to read: import it with its print caught
        with contextlib.redirect_stdout(io.StringIO()):
            this = importlib.import_module("this")
        return codecs.decode(this.s, "rot13")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "s" for t in node.targets):
            return codecs.decode(ast.literal_eval(node.value), "rot13")
    raise DataError("the 'this' module has no string s to decode")


class Vocabulary:
    """The distinct symbols of a text, sorted; symbol k is encoded as the number k."""

    def __init__(self, text):
        self.symbols = sorted(set(text))
        if not self.symbols:
            raise DataError("a vocabulary needs a non-empty text")
        self.index = {symbol: k for k, symbol in enumerate(self.symbols)}

    def __len__(self):
        return len(self.symbols)

    def __repr__(self):
        return "Vocabulary({} symbols)".format(len(self.symbols))

    def encode(self, text):
        """The numbers of the symbols of ``text``; an unknown symbol is an error naming it."""
        try:
            return [self.index[ch] for ch in text]
        except KeyError as missing:
            raise DataError("{!r} is not in the vocabulary ({} symbols)".format(
                missing.args[0], len(self.symbols))) from None

    def decode(self, ids):
        """The text the numbers ``ids`` stand for."""
        return "".join(self.symbols[k] for k in ids)

    def one_hot(self, ids):
        """Each number as a one-hot row of len(self) (what a symbol step stands for)."""
        rows = []
        for k in ids:
            row = [0.0] * len(self.symbols)
            row[k] = 1.0
            rows.append(row)
        return rows


def chunks(seq, length):
    """``seq`` cut into consecutive pieces of ``length``; the last may be shorter."""
    if not isinstance(length, int) or length < 1:
        raise DataError("chunk length must be a positive whole number, got {!r}".format(length))
    return [list(seq[i:i + length]) for i in range(0, len(seq), length)]


def next_symbol_task(ids):
    """A language-model task on one stream: input ids[:-1], target at each step the next id."""
    if len(ids) < 2:
        raise DataError("predicting the next symbol needs at least two symbols")
    return [list(ids[:-1])], [list(ids[1:])]


def package_docstrings():
    """The docstrings of tinynet's modules, classes and functions, in file order, joined by blank lines.

    Read from the source files with ``ast`` (nothing is imported), so the
    text is the same wherever the package is; a longer text (some 10⁵
    characters) than the Zen of Python, for timing a character model.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts = []
    for folder, subfolders, files in sorted(os.walk(root)):
        subfolders.sort()
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in [tree] + [n for n in ast.walk(tree) if isinstance(
                    n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]:
                doc = ast.get_docstring(node)
                if doc:
                    parts.append(doc)
    return "\n\n".join(parts)
