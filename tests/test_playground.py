"""The browser playground: its snippets, the build command, and the page in a real browser.

The browser test needs Node, the npm packages in ``tests/browser`` (``npm install
--prefix tests/browser``) and Chromium (Debian's ``chromium``); without them it
skips with the reason. ``.ci/run`` installs all three. It serves the built folder on
127.0.0.1, runs the XOR and a small digits run in headless Chromium, and checks the
results, the pictures and that no request left the machine. The screenshot goes to
``$TINYNET_ARTIFACTS`` when that is set.
"""

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import types
import zipfile

import pytest

from tinynet import playground

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWSER = os.path.join(ROOT, "tests", "browser")
NODE_MODULES = os.path.join(BROWSER, "node_modules")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


class FakePage(types.ModuleType):
    """The page's ``page`` module, recording what the snippet shows."""

    def __init__(self, controls):
        super().__init__("page")
        self._controls, self.shown, self.live_svg, self.text = controls, [], None, None

    def show(self, picture):
        self.shown.append(picture._repr_svg_())

    def live(self, picture):
        self.live_svg = picture._repr_svg_()

    def result(self, text):
        self.text = text

    def controls(self):
        return self._controls


@pytest.mark.parametrize("name", [name for name, _ in playground.SNIPPETS])
def test_every_snippet_runs_and_shows_a_result(name, monkeypatch, capsys):
    page = FakePage((8, "tanh", 0.1, 1, 100))
    monkeypatch.setitem(sys.modules, "page", page)
    source = dict((n, text) for n, _, text in playground.snippets())[name]
    exec(compile(source, name, "exec"), {"__name__": "__main__"})
    assert page.text, "the snippet sets no result"
    assert page.shown and all(svg.startswith("<svg") for svg in page.shown)
    printed = capsys.readouterr().out
    if name == "ten_lines.py":
        assert page.text == "XOR accuracy 100%" and "[0, 1, 1, 0]" in printed
    if name == "worked_example.py":
        assert "[0.62, 0.83]" in printed and "[0.51, 0.85]" in printed
    if name == "digits.py":
        assert page.live_svg.startswith("<svg") and "test accuracy" in page.text


def _fake_pyodide(folder):
    os.makedirs(folder)
    for name in playground.PYODIDE_FILES:
        with open(os.path.join(folder, name), "w") as f:
            f.write("stand-in for " + name)
    return folder


def test_build_writes_the_page_the_package_and_pyodide(tmp_path):
    pyodide = _fake_pyodide(str(tmp_path / "pyodide-npm"))
    site = str(tmp_path / "site")
    written = playground.build(site, pyodide)
    for name in ("index.html", "playground.js", "worker.js", "tinynet.zip", "snippets/index.json",
                 "pyodide/pyodide.asm.wasm"):
        assert name in written and os.path.isfile(os.path.join(site, name))
    names = zipfile.ZipFile(os.path.join(site, "tinynet.zip")).namelist()
    assert "tinynet/__init__.py" in names and "tinynet/datasets/data/SOURCES.md" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    with open(os.path.join(site, "snippets", "index.json")) as f:
        menu = json.load(f)
    assert [item["file"] for item in menu] == ["snippets/" + n for n, _ in playground.SNIPPETS]
    with open(os.path.join(site, "index.html")) as f:
        page = f.read()
    assert "http://" not in page and "https://" not in page      # nothing from elsewhere


def test_build_without_pyodide_is_a_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "tinynet", "playground", "build", str(tmp_path / "s"),
                             "--pyodide", str(tmp_path / "missing")], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "npm install pyodide@" in result.stderr


def _browser_tools():
    missing = [what for what, ok in (
        ("node", shutil.which("node")),
        ("Chromium at " + CHROMIUM, os.path.exists(CHROMIUM)),
        ("npm packages in tests/browser (npm install --prefix tests/browser)",
         os.path.isdir(os.path.join(NODE_MODULES, "playwright-core"))
         and os.path.isdir(os.path.join(NODE_MODULES, "pyodide")))) if not ok]
    return missing


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_page_trains_in_a_real_browser(tmp_path):
    missing = _browser_tools()
    if missing:
        pytest.skip("browser test needs: " + ", ".join(missing))
    site = str(tmp_path / "site")
    playground.build(site, os.path.join(NODE_MODULES, "pyodide"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    artefacts = os.environ.get("TINYNET_ARTIFACTS") or str(tmp_path)
    os.makedirs(artefacts, exist_ok=True)
    screenshot = os.path.join(artefacts, "playground.png")
    try:
        url = "http://127.0.0.1:{}/index.html".format(server.server_address[1])
        run = subprocess.run(["node", os.path.join(BROWSER, "playground.mjs"), url, screenshot],
                             cwd=BROWSER, capture_output=True, text=True, timeout=600)
    finally:
        server.shutdown()
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in seen, seen.get("error")
    assert seen["outside"] == [], "requests left the machine: {}".format(seen["outside"])
    assert seen["status"].startswith("Python 3.")
    assert seen["xor"] == "XOR accuracy 100%"
    assert seen["digits"].startswith("test accuracy ") and seen["digits_status"].startswith("done")
    assert "epoch 2:" in seen["digits_output"]
    assert seen["live_svg"] == 1 and seen["pictures_svg"] >= 1 and "validation accuracy" in seen["live_text"]
    assert os.path.getsize(screenshot) > 10000
