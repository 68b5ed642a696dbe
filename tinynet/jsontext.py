"""Parsing the JSON text of a file, with its nesting depth checked first.

``json.loads`` descends one level of the C stack for every ``[`` or ``{``.
On CPython a text nested thousands of levels deep ends in ``RecursionError``;
in WebAssembly (Pyodide) the smaller stack overflows first and the whole
interpreter dies. So ``parse`` measures the nesting with ``nesting_depth``
(one linear scan) and refuses anything deeper than ``MAX_DEPTH`` with a
tinynet error naming the file, before the parser sees it.

>>> parse('{"W": [[1, 2], [3, 4]]}', "m.json", "a model file")
{'W': [[1, 2], [3, 4]]}
>>> parse("[" * 501 + "]" * 501, "deep.json", "a model file")
Traceback (most recent call last):
    ...
tinynet.errors.DataError: deep.json is not a model file: its JSON is nested deeper than 500 levels
"""

import json
import re
from itertools import accumulate

from .errors import DataError

__all__ = ["MAX_DEPTH", "nesting_depth", "parse"]

#: The deepest nesting ``parse`` accepts. tinynet's own files nest at most 6
#: levels (a sequence model: the rows of a matrix in a layer's weights in the
#: list of layers in the file). ``json.loads`` on CPython 3.9-3.11 stops below
#: 1000 levels (the default recursion limit) and Pyodide's WebAssembly stack
#: holds a few thousand, so anything up to 500 parses everywhere.
MAX_DEPTH = 500

#: The bytes that decide where strings are: quotes, the backslash and every
#: character it may escape. With the brackets, they are all a scan keeps.
_KEEP = b'[]{}"\\/bfnrtu'
_DROP = bytes(byte for byte in range(256) if byte not in _KEEP)
#: A JSON string: a quote, then anything but a quote or backslash, with any
#: backslash escape allowed, up to the closing quote. An unterminated string
#: runs to the end of the text, so every match attempt succeeds (no rescans).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
#: How each byte changes the depth: +1 for [ and {, -1 for ] and }, else 0.
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


def nesting_depth(text):
    """The deepest nesting of ``[`` and ``{`` in the JSON ``text`` (str or UTF-8 bytes).

    Brackets inside strings do not count (escaped quotes are followed), so
    the depth is the one ``json.loads`` reaches. The scan runs in C, in
    three passes that each make the text shorter:

    1. ``bytes.translate`` keeps only brackets, quotes, backslashes and the
       characters a backslash may escape (``"\\/bfnrtu``): digits, spaces
       and most letters go, and every escape stays a backslash and its
       character, so the strings begin and end where they did;
    2. a regular expression deletes the strings;
    3. the running sum of +1 per opening and -1 per closing bracket
       (``itertools.accumulate``) peaks at the depth.

    >>> nesting_depth('{"W": [[1, 2], [3, 4]], "name": "[[[not counted]]]"}')
    3
    >>> nesting_depth(r'["a \\" and [ inside a string", []]')
    2
    >>> nesting_depth("7")
    0
    """
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    structure = _STRING.sub(b"", text.translate(None, _DROP))
    return max(accumulate(map(_STEP.__getitem__, structure)), default=0)


def parse(text, source, what, error=DataError):
    """``json.loads(text)`` where every failure is one ``error`` naming ``source``.

    ``text`` is str or UTF-8 bytes; ``what`` says what the file should have
    been ("a tinynet model file"). Text nested deeper than ``MAX_DEPTH`` is
    refused before it is parsed.
    """
    try:
        if nesting_depth(text) <= MAX_DEPTH:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            return json.loads(text)
    except RecursionError:         # a caller already deep in its own recursion: the same answer
        pass
    except ValueError as problem:  # UnicodeDecodeError and json's JSONDecodeError are ValueErrors
        raise error("{} is not {}: it is not valid JSON ({})".format(
            source, what, str(problem)[:200])) from problem
    raise error("{} is not {}: its JSON is nested deeper than {} levels".format(source, what, MAX_DEPTH))
