"""The browser playground: tinynet in a web page, with nothing installed.

``python -m tinynet playground build DIR`` writes a folder that any static web
host can serve (``python -m http.server -d DIR`` on a laptop, a school's web
space, GitHub Pages…). A student opens ``index.html`` and runs Python in the
page: the interpreter is Pyodide (CPython compiled to WebAssembly), copied into
the folder from the npm package ``pyodide``; the tinynet package travels as one
zip file that the page unpacks into Pyodide's file system. Nothing is fetched
from anywhere but the folder itself.

The folder::

    index.html         the page: an editor, Run, the printed output, the pictures
    playground.js      starts the worker and shows what it sends
    worker.js          runs Pyodide and the student's code off the page's thread
    snippets/*.py      the examples offered in the page (Ten lines, the worked
                       2-2-2-2 example, the digits network)
    tinynet.zip        the tinynet package
    pyodide/           Pyodide's own files

Python in the page gets a module ``page`` (see ``snippets/``): ``page.show(picture)``
draws any tinynet picture, ``page.live(picture)`` redraws one in place (a loss
curve during training), ``page.result(text)`` sets the headline result and
``page.controls()`` reads the page's settings (hidden units, activation,
learning rate, epochs, training digits).
"""

import json
import os
import shutil
import zipfile

__all__ = ["PYODIDE_VERSION", "PYODIDE_FILES", "find_pyodide", "build", "package_zip", "snippets"]

#: The Pyodide release the page is tested with (CPython 3.13 inside).
PYODIDE_VERSION = "0.29.5"
#: The files of the npm package ``pyodide`` that the page needs.
PYODIDE_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json")

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(HERE)
#: The snippets offered in the page, in the order of its menu: (file, title).
SNIPPETS = (("ten_lines.py", "Ten lines: XOR"),
            ("worked_example.py", "The worked 2-2-2-2 example"),
            ("digits.py", "Digits 16×16: train and watch the loss"))


def snippets():
    """[(file name, title, source)] of the page's examples."""
    out = []
    for name, title in SNIPPETS:
        with open(os.path.join(HERE, "snippets", name), encoding="utf-8") as f:
            out.append((name, title, f.read()))
    return out


def find_pyodide(path=None):
    """The folder holding Pyodide's files: ``path``, or ``node_modules/pyodide`` here.

    Raises ``FileNotFoundError`` with the command that installs it.
    """
    candidates = [path] if path else [os.path.join(os.getcwd(), "node_modules", "pyodide")]
    for folder in candidates:
        if folder and all(os.path.isfile(os.path.join(folder, f)) for f in PYODIDE_FILES):
            return folder
    where = path or candidates[0]
    raise FileNotFoundError(
        "Pyodide's files are not in {} — install them with 'npm install pyodide@{}' "
        "(then they are in node_modules/pyodide) or name the folder with --pyodide".format(
            where, PYODIDE_VERSION))


def package_zip(target):
    """Write the tinynet package (its modules and bundled data) to the zip file ``target``."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder, dirs, files in os.walk(PACKAGE):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "benchmarks", "playground"))
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, name)
                archive.write(path, os.path.join("tinynet", os.path.relpath(path, PACKAGE)))
    return target


def build(folder, pyodide=None):
    """Write the playground into ``folder`` (created if needed); return the list of files.

    ``pyodide`` is the folder of the npm package (default ``node_modules/pyodide``).
    """
    source = find_pyodide(pyodide)
    os.makedirs(os.path.join(folder, "pyodide"), exist_ok=True)
    os.makedirs(os.path.join(folder, "snippets"), exist_ok=True)
    written = []
    for name in PYODIDE_FILES:
        shutil.copyfile(os.path.join(source, name), os.path.join(folder, "pyodide", name))
        written.append(os.path.join("pyodide", name))
    for name in sorted(os.listdir(os.path.join(HERE, "static"))):
        shutil.copyfile(os.path.join(HERE, "static", name), os.path.join(folder, name))
        written.append(name)
    for name, _, text in snippets():
        with open(os.path.join(folder, "snippets", name), "w", encoding="utf-8") as f:
            f.write(text)
        written.append("snippets/" + name)
    menu = [{"file": "snippets/" + name, "title": title} for name, title, _ in snippets()]
    with open(os.path.join(folder, "snippets", "index.json"), "w", encoding="utf-8") as f:
        json.dump(menu, f, ensure_ascii=False, indent=1)
    written.append("snippets/index.json")
    package_zip(os.path.join(folder, "tinynet.zip"))
    written.append("tinynet.zip")
    return written
