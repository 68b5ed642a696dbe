// The worker's side: Pyodide, the tinynet package, and a small Python module `page`
// through which the student's code prints, draws and reads the page's settings.
"use strict";
importScripts("pyodide/pyodide.js");

const PAGE_MODULE = `
import json, sys, js

_controls = {}

def _send(kind, **fields):
    fields["type"] = kind
    js.postMessage(json.dumps(fields))

def _svg(picture):
    return picture._repr_svg_() if hasattr(picture, "_repr_svg_") else str(picture)

def show(picture):
    """Draw a tinynet picture (anything with _repr_svg_) below the output."""
    _send("show", svg=_svg(picture))

def live(picture):
    """Draw a picture in the one place that is redrawn, e.g. a loss curve while training."""
    _send("live", svg=_svg(picture))

def result(text):
    """Set the headline result shown above the output."""
    _send("result", text=str(text))

def controls():
    """(hidden units, activation, learning rate, epochs, training digits) from the page."""
    c = _controls
    return (int(c["hidden"]), str(c["activation"]), float(c["lr"]), int(c["epochs"]),
            int(c["samples"]))

class _Lines:
    def __init__(self):
        self.buffer = ""
    def write(self, text):
        self.buffer += text
        while "\\n" in self.buffer:
            line, self.buffer = self.buffer.split("\\n", 1)
            _send("stdout", text=line)
        return len(text)
    def flush(self):
        if self.buffer:
            _send("stdout", text=self.buffer)
            self.buffer = ""
`;

let pyodide = null;

async function start() {
  pyodide = await loadPyodide({ indexURL: "pyodide/" });
  const zip = await (await fetch("tinynet.zip")).arrayBuffer();
  pyodide.unpackArchive(zip, "zip", { extractDir: "/home/pyodide/lib" });
  pyodide.FS.writeFile("/home/pyodide/lib/page.py", PAGE_MODULE);
  const version = pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/lib")
import page, tinynet
sys.stdout = sys.stderr = page._Lines()
sys.version.split()[0]
`);
  postMessage({ type: "ready", version: version });
}

function run(code, controls) {
  const started = performance.now();
  try {
    pyodide.globals.get("page")._controls.update(pyodide.toPy(controls));
    pyodide.runPython(code, { globals: pyodide.toPy({ __name__: "__main__" }) });
    pyodide.runPython("import sys; sys.stdout.flush()");
    postMessage({ type: "done", seconds: (performance.now() - started) / 1000 });
  } catch (error) {
    try { pyodide.runPython("import sys; sys.stdout.flush()"); } catch (ignored) {}
    postMessage({ type: "error", text: String(error.message || error) });
  }
}

onmessage = async (event) => {
  const message = event.data;
  if (message.type === "start") {
    try {
      await start();
    } catch (error) {
      postMessage({ type: "error", text: "Python did not start: " + String(error.message || error) });
    }
  } else if (message.type === "run") {
    run(message.code, message.controls);
  }
};
