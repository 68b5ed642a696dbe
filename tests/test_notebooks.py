"""The tutorial notebooks in docs/notebooks/ run from top to bottom, and match their generator.

Skipped where nbformat, nbclient or a Python kernel (ipykernel) is missing; the ``test`` extra
installs them.
"""

import glob
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "docs", "notebooks")
NOTEBOOKS = sorted(os.path.basename(p) for p in glob.glob(os.path.join(FOLDER, "*.ipynb")))


def test_there_is_a_notebook_for_each_step_of_the_lecture():
    assert [name.split("_", 1)[0] for name in NOTEBOOKS] == ["1", "2", "3", "4", "5", "6"]


def test_the_notebooks_are_what_the_generator_writes_and_carry_no_outputs():
    out = subprocess.run([sys.executable, os.path.join(FOLDER, "make_notebooks.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    for name in NOTEBOOKS:
        with open(os.path.join(FOLDER, name), encoding="utf-8") as handle:
            nb = json.load(handle)
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, name


def _kernel():
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        if "python3" not in KernelSpecManager().find_kernel_specs():
            pytest.skip("no python3 Jupyter kernel (pip install ipykernel)")
    except ImportError:
        pytest.skip("jupyter_client is not installed")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name):
    _kernel()
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(os.path.join(FOLDER, name), as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": FOLDER}}).execute()
    outputs = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert "tinynet" in "".join(o.get("text", "") for o in outputs)
    if name not in ("3_backprop_and_gradcheck.ipynb", "6_opencl.ipynb"):   # pictures, inline
        assert any("image/svg+xml" in o.get("data", {}) for o in outputs), name
