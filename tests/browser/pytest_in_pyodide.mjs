// Runs pytest inside Pyodide (CPython compiled to WebAssembly) under Node.
// Usage: node pytest_in_pyodide.mjs REPO SITE [pytest arguments...]
//   REPO  the tinynet checkout (mounted as /repo, the working directory)
//   SITE  a folder holding pytest and its pure-Python dependencies, unpacked from their wheels
// Exits with pytest's status.
import { loadPyodide } from "pyodide";

const [repo, site, ...args] = process.argv.slice(2);
const py = await loadPyodide({ stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
py.FS.mkdirTree("/repo");
py.FS.mkdirTree("/site");
py.FS.mount(py.FS.filesystems.NODEFS, { root: repo }, "/repo");
py.FS.mount(py.FS.filesystems.NODEFS, { root: site }, "/site");
py.globals.set("ARGS", py.toPy(args));
const status = await py.runPythonAsync(`
import os, sys
sys.path[:0] = ["/site", "/repo"]
os.chdir("/repo")
import pytest
print("Pyodide: Python", sys.version.split()[0], "on", sys.platform)
int(pytest.main(list(ARGS)))
`);
process.exit(status);
