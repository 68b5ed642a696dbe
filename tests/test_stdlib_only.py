"""The core imports nothing outside the standard library (python -I -S)."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHECK = r"""
import sys
sys.path.insert(0, ".")
import tinynet, tinynet.io, tinynet.gradcheck, tinynet.training
names = set(getattr(sys, "stdlib_module_names", ()))
if names:
    bad = sorted({m.split(".")[0] for m in sys.modules} - names - {"tinynet", "__main__"})
    bad = [m for m in bad if not m.startswith("_")]
    assert not bad, bad
assert "pyopencl" not in sys.modules and "numpy" not in sys.modules
print("ok")
"""


def test_core_imports_with_isolated_python_and_no_site():
    out = subprocess.run([sys.executable, "-I", "-S", "-c", CHECK], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
